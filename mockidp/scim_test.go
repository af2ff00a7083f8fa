package mockidp

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorded reads one recorded IdP exchange of fixtures/idp-requests.
func recorded(t *testing.T, name string) (req map[string]any, path string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", RecordedData, name))
	require.NoError(t, err)
	var ex struct {
		Request map[string]any `json:"request"`
		Path    string         `json:"path"`
	}
	require.NoError(t, json.Unmarshal(b, &ex))
	return ex.Request, ex.Path
}

// asJSON normalises a value through JSON so builders and recordings compare.
func asJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

func ops(t *testing.T, body map[string]any) []any {
	t.Helper()
	return asJSON(t, body["Operations"]).([]any)
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestParseDialects(t *testing.T) {
	for in, want := range map[string][]Dialect{
		"rfc": {RFC}, "Entra": {Entra}, " okta ": {Okta}, "all": {RFC, Entra, Okta},
		"entra,okta": {Entra, Okta}, "okta,okta": {Okta}, "rfc,all": {RFC, Entra, Okta},
	} {
		got, err := ParseDialects(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := ParseDialects("ldap")
	assert.ErrorContains(t, err, `unknown dialect "ldap": expected rfc, entra, okta or all`)
	_, err = ParseDialects("")
	assert.Error(t, err)
}

func TestEntraShapesMatchRecordings(t *testing.T) {
	p := NewProvisioner(Entra)

	rec, _ := recorded(t, "azuread/update_user.json")
	old := Person{Email: "a@example.com", FamilyName: "familyName", UserName: "u", Active: true}
	next := old
	next.Email = "updatedEmail@microsoft.com"
	next.FamilyName = "updatedFamilyName"
	next.UserName = "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"
	next.Active = false
	got := p.UpdateUser("6764549bef60420686bc", old, next)
	assert.Equal(t, "PATCH", got.Method)
	assert.Equal(t, "/Users/6764549bef60420686bc", got.Path)
	assert.Equal(t, ops(t, rec), ops(t, got.Body))

	rec, _ = recorded(t, "azuread/update_group.json")
	recOps := ops(t, rec)
	add := p.AddMembers("g", map[string]string{"f648f8d5ea4e4cd38e9c": "someone"})
	assert.Equal(t, recOps[1:2], ops(t, add.Body))
	remove := p.RemoveMembers("g", []string{"f648f8d5ea4e4cd38e9c"})
	assert.Equal(t, recOps[2:3], ops(t, remove.Body))
	rename := p.RenameGroup("g", "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName")
	assert.Equal(t, recOps[0:1], ops(t, rename.Body))

	rec, _ = recorded(t, "azuread/create_user.json")
	p.Enterprise = true
	created := p.CreateUser(Person{UserName: "x", GivenName: "givenName", FamilyName: "familyName", Email: "e@x", Active: true})
	body := asJSON(t, created.Body).(map[string]any)
	delete(body, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
	assert.Equal(t, keys(rec), keys(body))
	assert.Equal(t, asJSON(t, rec["name"]), body["name"])
	assert.Equal(t, asJSON(t, rec["schemas"]), body["schemas"])

	rec, _ = recorded(t, "azuread/create_group.json")
	group := asJSON(t, p.CreateGroup("displayName", "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159").Body)
	assert.Equal(t, asJSON(t, rec), group)

	_, path := recorded(t, "azuread/get_user_query_0.json")
	u, err := url.Parse(path)
	require.NoError(t, err)
	look := p.LookupUser("userName", "non-existent user")
	assert.Equal(t, u.Path, look.Path)
	assert.Equal(t, u.Query(), look.Query)

	_, path = recorded(t, "azuread/get_group_dn.json")
	u, err = url.Parse(path)
	require.NoError(t, err)
	lg := p.LookupGroup("displayName")
	assert.Equal(t, u.Query().Get("filter"), lg.Query.Get("filter"))
	assert.Equal(t, "members", lg.Query.Get("excludedAttributes"), "Entra reads groups without members")

	assert.Equal(t, []any{map[string]any{"op": "Replace", "path": "active", "value": false}}, ops(t, p.SetActive("u", false).Body))
	del, ok := p.DeleteUser("u")
	assert.True(t, ok)
	assert.Equal(t, "DELETE", del.Method)
}

func TestOktaShapesMatchRecordings(t *testing.T) {
	p := NewProvisioner(Okta)

	rec, _ := recorded(t, "okta/update_user_patch.json")
	assert.Equal(t, asJSON(t, rec), asJSON(t, p.SetActive("23a35c27-23d3-4c03-b4c5-6443c09e7173", false).Body))

	rec, _ = recorded(t, "okta/update_group_name.json")
	assert.Equal(t, asJSON(t, rec), asJSON(t, p.RenameGroup("abf4dd94-a4c0-4f67-89c9-76b03340cb9b", "Test SCIMv2").Body))

	rec, _ = recorded(t, "okta/update_group_membership.json")
	recOps := ops(t, rec)
	assert.Equal(t, recOps[0:1], ops(t, p.RemoveMembers("g", []string{"89bb1940-b905-4575-9e7f-6f887cfb368e"}).Body))
	assert.Equal(t, recOps[1:2], ops(t, p.AddMembers("g", map[string]string{"23a35c27-23d3-4c03-b4c5-6443c09e7173": "test.user@okta.local"}).Body))

	rec, _ = recorded(t, "okta/create_user.json")
	created := p.CreateUser(Person{UserName: "test.user@okta.local", GivenName: "Test", FamilyName: "User",
		DisplayName: "Test User", Email: "test.user@okta.local", ExternalID: "00ujl29u0le5T6Aj10h7", Password: "1mz050nq", Active: true})
	assert.Equal(t, asJSON(t, rec), asJSON(t, created.Body))

	rec, _ = recorded(t, "okta/update_user.json")
	old := Person{UserName: "test.user@okta.local", GivenName: "Test", FamilyName: "User", Email: "test.user@okta.local", Active: true}
	next := old
	next.GivenName = "Another"
	put := p.UpdateUser("23a35c27-23d3-4c03-b4c5-6443c09e7173", old, next)
	assert.Equal(t, "PUT", put.Method)
	body := asJSON(t, put.Body).(map[string]any)
	for _, k := range keys(rec) {
		assert.Contains(t, body, k, "Okta's PUT carries %s", k)
	}
	assert.Equal(t, asJSON(t, rec["emails"]), body["emails"])

	rec, _ = recorded(t, "okta/create_group.json")
	assert.Equal(t, asJSON(t, rec), asJSON(t, p.CreateGroup("Test SCIMv2", "ignored").Body))

	_, path := recorded(t, "okta/user_exists.json")
	u, err := url.Parse(path)
	require.NoError(t, err)
	look := p.LookupUser("userName", "test.user@okta.local")
	assert.Equal(t, u.Path, look.Path)
	assert.Equal(t, u.Query(), look.Query)

	_, ok := p.DeleteUser("u")
	assert.False(t, ok, "Okta deactivates instead of deleting")
	for _, r := range []SCIMRequest{look, put, p.GetUser("u")} {
		assert.True(t, strings.HasPrefix(r.Source, "https://developer.okta.com/"), r.Step)
	}
}

func TestFilterQuoting(t *testing.T) {
	q := NewProvisioner(RFC).LookupUser("userName", `a"b\c`).Query.Get("filter")
	assert.Equal(t, `userName eq "a\"b\\c"`, q)
}
