package saml

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestClassify(t *testing.T) {
	exp := func(p Principal) bool { return p.ID == "me" }
	vic := func(p Principal) bool { return p.ID == "victim" }
	for _, c := range []struct {
		l    Login
		side string
		want Verdict
	}{
		{Login{Session: &Principal{ID: "me"}}, "", AcceptedAsExpected},
		{Login{Session: &Principal{ID: "me"}}, "Δu = +1", AcceptedAsExpected},
		{Login{Session: &Principal{ID: "victim"}}, "", AcceptedAsVictim},
		{Login{Session: &Principal{ID: "new"}}, "", AcceptedAsOther},
		{Login{}, "", RejectedClean},
		{Login{ACSStatus: 403}, "Δu = +1", RejectedWithSideEffect},
		{Login{ServerError: true}, "", ServerError},
		{Login{ServerError: true}, "Δu = +1", RejectedWithSideEffect},
	} {
		assert.Equal(t, c.want, classify(&c.l, exp, vic, c.side), "%+v %q", c.l, c.side)
	}
	assert.Equal(t, AcceptedAsOther, classify(&Login{Session: &Principal{ID: "victim"}}, exp, nil, ""))
}

func TestJSONString(t *testing.T) {
	var v any
	dec := json.NewDecoder(stringsReader(`{"id": 42, "user": {"emails": [{"value": "a@b"}], "name": "n"}, "x": null}`))
	dec.UseNumber()
	assert.NoError(t, dec.Decode(&v))
	assert.Equal(t, "42", jsonString(v, "id"))
	assert.Equal(t, "a@b", jsonString(v, "user.emails.0.value"))
	assert.Equal(t, "n", jsonString(v, "user.name"))
	for _, p := range []string{"user.emails.1.value", "user.emails.x", "x", "missing", "user"} {
		assert.Empty(t, jsonString(v, p), p)
	}
}

func TestPostBindingForm(t *testing.T) {
	form := postBindingForm([]byte(`<form><input value="cmVx" type="hidden" name="SAMLRequest"/>` +
		`<INPUT name='RelayState' value='a&amp;b'><input type="submit" value="Go"></form>`))
	assert.Equal(t, url.Values{"SAMLRequest": {"cmVx"}, "RelayState": {"a&b"}}, form)
	assert.Nil(t, postBindingForm([]byte(`<input name="RelayState" value="x">`)))
	assert.Nil(t, postBindingForm([]byte(`<html>no form</html>`)))
}

func TestAccountMatches(t *testing.T) {
	a := Account{ID: "1", UserName: "u@x", Emails: []string{"E@x"}}
	for _, c := range []struct {
		p           Principal
		same, known bool
	}{
		{Principal{ID: "1"}, true, true},
		{Principal{ID: "other", UserName: "U@X"}, true, true},
		{Principal{ID: "other", UserName: "v@x", Email: "e@x"}, true, true},
		{Principal{ID: "other", UserName: "v@x", Email: "f@x"}, false, true},
		{Principal{ID: "other", Email: "e@x"}, true, true},
		{Principal{ID: "other"}, false, false},
	} {
		same, known := a.matches(c.p)
		assert.Equal(t, c.same, same, "%+v", c.p)
		assert.Equal(t, c.known, known, "%+v", c.p)
	}
}

func TestFiltersAndOrigins(t *testing.T) {
	fs := filtersFor([]Person{{NameID: "n1", Email: "e1"}, {NameID: "n1", Email: "e2"}})
	assert.Equal(t, []string{`externalId eq "n1"`, `userName eq "n1"`, `userName eq "e1"`, `emails.value eq "e1"`,
		`userName eq "e2"`, `emails.value eq "e2"`}, fs)
	e := &Env{SP: SP{ACSURL: "https://app.test/saml/acs", WhoamiURL: "https://api.app.test/me"}}
	for raw, ok := range map[string]bool{
		"https://app.test/other":     true,
		"https://API.app.test/x":     true,
		"http://app.test/saml/acs":   false,
		"https://evil.test/saml/acs": false,
		"https://app.test:8443/":     false,
	} {
		u, _ := url.Parse(raw)
		assert.Equal(t, ok, e.allowedOrigin(u), raw)
	}
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
