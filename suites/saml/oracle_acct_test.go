package saml

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAcctParse(t *testing.T) {
	for name, c := range map[string]struct {
		l     AcctListing
		body  string
		want  []Account
		next  string
		total int
	}{
		"top-level array": {AcctListing{}, `[{"id":"1","userName":"n1","email":"a@x","active":true}]`,
			[]Account{{ID: "1", UserName: "n1", Emails: []string{"a@x"}, Active: "true"}}, "", 0},
		"SCIM-like object": {AcctListing{Email: "emails", Active: "active"}, `{"totalResults":2,"Resources":[{"id":"1","userName":"n1","emails":[{"value":"a@x"},{"value":"b@x"}],"active":"False"},{"id":2}]}`,
			[]Account{{ID: "1", UserName: "n1", Emails: []string{"a@x", "b@x"}, Active: "false"}, {ID: "2"}}, "", 2},
		"custom paths and next": {AcctListing{List: "data.people", ID: "user.uid", UserName: "user.login", Email: "user.mail"},
			`{"data":{"people":[{"user":{"uid":7,"login":"n7","mail":"c@x"}}]},"next":"/accounts?page=2"}`,
			[]Account{{ID: "7", UserName: "n7", Emails: []string{"c@x"}}}, "/accounts?page=2", 0},
	} {
		t.Run(name, func(t *testing.T) {
			got, next, total, err := c.l.acctParse([]byte(c.body))
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			assert.Equal(t, c.next, next)
			assert.Equal(t, c.total, total)
		})
	}
	for name, c := range map[string]struct {
		l    AcctListing
		body string
	}{
		"not JSON":        {AcctListing{}, `<html>`},
		"no array":        {AcctListing{}, `{"people":[]}`},
		"wrong list path": {AcctListing{List: "users"}, `{"Resources":[]}`},
		"no id":           {AcctListing{}, `[{"userName":"x"}]`},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, _, err := c.l.acctParse([]byte(c.body))
			assert.Error(t, err)
		})
	}
}

func TestAcctLinkNext(t *testing.T) {
	assert.Equal(t, "/u?p=2", acctLinkNext([]string{`</u?p=0>; rel="prev", </u?p=2>; rel="next"`}))
	assert.Equal(t, "https://x/u?c=3", acctLinkNext([]string{`<https://x/u?c=3>; rel=next`}))
	assert.Equal(t, "", acctLinkNext([]string{`</u?p=0>; rel="prev"`}))
}

func TestAcctBelongs(t *testing.T) {
	p := Person{NameID: "pc-n1", Email: "pc-n1@example.com"}
	assert.True(t, acctBelongs(Account{ID: "1", UserName: "PC-N1"}, []Person{p}))
	assert.True(t, acctBelongs(Account{ID: "1", UserName: "pc-n1@example.com"}, []Person{p}))
	assert.True(t, acctBelongs(Account{ID: "1", Emails: []string{"PC-N1@example.com"}}, []Person{p}))
	assert.False(t, acctBelongs(Account{ID: "1", UserName: "someone", Emails: []string{"other@example.com"}}, []Person{p}))
}
