package reftarget

import (
	"net/http"
	"net/url"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// filterFixture creates users for the filter tests and returns the client.
func filterFixture(t *testing.T) *client {
	clock, advance := frozenClock()
	c := newClientOpts(t, Options{Now: clock})
	mk := func(body map[string]any) {
		c.createUser(body)
		advance(60e9)
	}
	mk(user("bjensen", "name", map[string]any{"familyName": "Jensen", "givenName": "Barbara"},
		"title", "Tour Guide", "userType", "Employee", "active", true, "externalId", "BJ-1",
		"emails", []any{
			map[string]any{"value": "bjensen@example.com", "type": "work", "primary": true},
			map[string]any{"value": "babs@jensen.org", "type": "home"},
		},
		"ims", []any{map[string]any{"value": "babs@foo.com", "type": "xmpp"}},
		uriEnterprise, map[string]any{"employeeNumber": "1", "department": "Tour Operations", "manager": map[string]any{"value": "boss"}}))
	mk(user("jsmith", "name", map[string]any{"familyName": "Smith", "givenName": "James"},
		"userType", "Intern", "active", false,
		"emails", []any{map[string]any{"value": "jsmith@example.org", "type": "work"}},
		uriEnterprise, map[string]any{"employeeNumber": "2"}))
	mk(user("O'Malley", "name", map[string]any{"familyName": "O'Malley"}, "title", "Chief",
		"userType", "Employee", "emails", []any{map[string]any{"value": "om@example.com", "type": "home"}}))
	mk(user("zoë", "displayName", "Zoë \"Z\" Ünal", "active", true))
	return c
}

func TestFilters(t *testing.T) {
	c := filterFixture(t)
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{`userName eq "bjensen"`, []string{"bjensen"}},
		{`userName eq "BJENSEN"`, []string{"bjensen"}},
		{`UserName EQ "bjensen"`, []string{"bjensen"}},
		{`USERNAME Eq "bjensen"`, []string{"bjensen"}},
		{`  userName eq "bjensen"  `, []string{"bjensen"}},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"`, []string{"jsmith"}},
		{`userName ne "bjensen"`, []string{"jsmith", "O'Malley", "zoë"}},
		{`userName co "SMI"`, []string{"jsmith"}},
		{`userName sw "b"`, []string{"bjensen"}},
		{`userName ew "SEN"`, []string{"bjensen"}},
		{`userName gt "jsmith"`, []string{"O'Malley", "zoë"}},
		{`userName ge "jsmith"`, []string{"jsmith", "O'Malley", "zoë"}},
		{`userName lt "jsmith"`, []string{"bjensen"}},
		{`userName le "JSMITH"`, []string{"bjensen", "jsmith"}},
		{`name.familyName co "O'Malley"`, []string{"O'Malley"}},
		{`name.FAMILYNAME eq "smith"`, []string{"jsmith"}},
		{`title pr`, []string{"bjensen", "O'Malley"}},
		{`not (title pr)`, []string{"jsmith", "zoë"}},
		{`title pr and userType eq "Employee"`, []string{"bjensen", "O'Malley"}},
		{`title pr or userType eq "Intern"`, []string{"bjensen", "jsmith", "O'Malley"}},
		{`userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")`, []string{"bjensen", "O'Malley"}},
		{`userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")`, []string{"zoë"}},
		{`userType eq "Employee" and (emails.type eq "work")`, []string{"bjensen"}},
		{`userType eq "Employee" and emails[type eq "work" and value co "@example.com"]`, []string{"bjensen"}},
		{`emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]`, []string{"bjensen"}},
		{`emails[type eq "home"]`, []string{"bjensen", "O'Malley"}},
		{`emails[type eq "work" and value co "@" and primary eq true]`, []string{"bjensen"}},
		{`emails[(type eq "work" or type eq "home") and not (value ew ".org")]`, []string{"bjensen", "O'Malley"}},
		{`emails[not (type eq "work")]`, []string{"bjensen", "O'Malley"}},
		{`emails [type eq "work"]`, []string{"bjensen", "jsmith"}},
		{`emails.primary eq true`, []string{"bjensen"}},
		{`emails pr`, []string{"bjensen", "jsmith", "O'Malley"}},
		{`active eq true`, []string{"bjensen", "zoë", "O'Malley"}}, // O'Malley: active by default
		{`active eq false`, []string{"jsmith"}},
		{`active ne true`, []string{"jsmith"}},
		{`externalId eq "BJ-1"`, []string{"bjensen"}},
		{`externalId eq "bj-1"`, nil}, // externalId is caseExact
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1"`, []string{"bjensen"}},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department co "tour"`, []string{"bjensen"}},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "boss"`, []string{"bjensen"}},
		{`URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:EMPLOYEENUMBER pr`, []string{"bjensen", "jsmith"}},
		{`employeeNumber eq "2"`, []string{"jsmith"}},
		{`schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`, []string{"bjensen", "jsmith"}},
		{`meta.resourceType eq "User"`, []string{"bjensen", "jsmith", "O'Malley", "zoë"}},
		{`meta.created gt "2024-05-01T12:00:30Z"`, []string{"jsmith", "O'Malley", "zoë"}},
		{`meta.lastModified ge "2024-05-01T12:01:00Z"`, []string{"jsmith", "O'Malley", "zoë"}},
		{`meta.lastModified lt "2024-05-01T12:01:00Z"`, []string{"bjensen"}},
		{`meta.lastModified le "2024-05-01T14:01:00+02:00"`, []string{"bjensen", "jsmith"}},
		{`displayName eq "Zoë \"Z\" Ünal"`, []string{"zoë"}},
		{`displayName eq "zo\u00EB \"z\" \u00fcnal"`, []string{"zoë"}},
		{`nosuch eq "x"`, nil},
		{`nosuch pr`, nil},
		{`not (nosuch pr)`, []string{"bjensen", "jsmith", "O'Malley", "zoë"}},
		{`name.nosuch eq "x"`, nil},
		{`urn:example:other:Thing:attr eq "x"`, nil},
		{`title eq null`, []string{"jsmith", "zoë"}},
		{`userName eq "bjensen" or userName eq "jsmith" or userName eq "zoë"`, []string{"bjensen", "jsmith", "zoë"}},
		{`userName eq "bjensen" and title eq "Tour Guide" and active eq true`, []string{"bjensen"}},
	} {
		t.Run(tc.filter, func(t *testing.T) {
			r := c.do("GET", "/Users?filter="+url.QueryEscape(tc.filter), nil).must(t, http.StatusOK)
			got := r.names()
			sort.Strings(got)
			want := append([]string(nil), tc.want...)
			sort.Strings(want)
			if len(want) == 0 {
				want = nil
			}
			assert.Equal(t, want, got)
			assert.EqualValues(t, len(want), r.body["totalResults"])
		})
	}
}

func TestInvalidFilters(t *testing.T) {
	c := filterFixture(t)
	for _, f := range []string{
		``,
		`userName`,
		`userName eq`,
		`userName eq bjensen`,
		`userName eq 'bjensen'`,
		`userName regex "b.*"`,
		`userName eq "x" and`,
		`(userName eq "x"`,
		`userName eq "x")`,
		`emails[type eq "work"`,
		`emails[type eq "work"].value eq "x"`,
		`emails[type eq "work" and ims[type eq "x"]]`,
		`active gt true`,
		`active co "t"`,
		`active eq "true"`,
		`userName eq 5`,
		`meta.created gt "yesterday"`,
		`name eq "x"`,
		`userName gt null`,
		`userName eq "unterminated`,
	} {
		t.Run(f, func(t *testing.T) {
			requireSCIMError(t, c.do("GET", "/Users?filter="+url.QueryEscape(f), nil), http.StatusBadRequest, scimInvalidFilter)
		})
	}
}

func TestFilterGroupsAndRoot(t *testing.T) {
	c := newClient(t)
	u := c.createUser(user("member"))
	c.createGroup(group("displayName", u))
	c.createGroup(group("other"))
	r := c.do("GET", "/Groups?filter="+url.QueryEscape(`displayName eq "displayName"`), nil).must(t, http.StatusOK)
	assert.Equal(t, []string{"displayName"}, r.names())
	r = c.do("GET", "/Groups?filter="+url.QueryEscape(`members[value eq "`+u+`"]`), nil).must(t, http.StatusOK)
	assert.Equal(t, []string{"displayName"}, r.names())
	r = c.do("GET", "/Groups?filter="+url.QueryEscape(`members.value eq "`+u+`"`), nil).must(t, http.StatusOK)
	assert.Equal(t, []string{"displayName"}, r.names())

	// root: both types, attributes of the other type are unassigned
	r = c.do("POST", "/.search", map[string]any{
		"schemas": []any{uriSearchRequest},
		"filter":  `userName eq "member" or displayName eq "other"`,
	}).must(t, http.StatusOK)
	assert.ElementsMatch(t, []string{"member", "other"}, r.names())
	r = c.do("GET", "?filter="+url.QueryEscape(`meta.resourceType eq "Group"`), nil).must(t, http.StatusOK)
	assert.ElementsMatch(t, []string{"displayName", "other"}, r.names())
	r = c.do("GET", "", nil).must(t, http.StatusOK)
	require.EqualValues(t, 3, r.body["totalResults"])
}

func TestParseFilterWorkarounds(t *testing.T) {
	n, err := parseFilter(`emails[type eq "work" and value co "@" and primary eq true]`)
	require.Nil(t, err)
	vp, ok := n.(*fValuePath)
	require.True(t, ok)
	assert.Equal(t, "emails", vp.path)
	_, err = parseFilter(`a eq "\u00e9"`)
	assert.Nil(t, err)
	n, err = parseFilter(`a eq "x\"y\\z"`)
	require.Nil(t, err)
	assert.Equal(t, `x"y\z`, n.(*fAttr).val)
	n, err = parseFilter(`a eq 1.5e3`)
	require.Nil(t, err)
	assert.Equal(t, 1500.0, n.(*fAttr).val)
}

func TestSensitiveFilterInURL(t *testing.T) {
	c := newClient(t)
	c.createUser(user("pw", "password", "secret"))
	r := c.do("GET", "/Users?filter="+url.QueryEscape(`password eq "secret"`), nil)
	requireSCIMError(t, r, http.StatusForbidden, scimSensitive)
	requireSCIMError(t, c.do("GET", "?filter="+url.QueryEscape(`userName pr and not (PASSWORD pr)`), nil), http.StatusForbidden, scimSensitive)
	// POST .search may carry it; the password is never returned, so it never matches
	r = c.do("POST", "/Users/.search", map[string]any{"schemas": []any{uriSearchRequest}, "filter": `password eq "secret"`}).must(t, http.StatusOK)
	assert.EqualValues(t, 0, r.body["totalResults"])
}
