package reftarget

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func patchUser(c *client) string {
	return c.createUser(user("patchme", "name", map[string]any{"givenName": "P", "familyName": "M"},
		"title", "T", "active", true,
		"emails", []any{
			map[string]any{"value": "work@x.com", "type": "work", "primary": true},
			map[string]any{"value": "home@x.com", "type": "home"},
		},
		uriEnterprise, map[string]any{"department": "D"}))
}

func TestPatchOperations(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ops   []map[string]any
		check func(t *testing.T, r *resp)
	}{
		{"replace simple", []map[string]any{op("replace", "title", "New")}, func(t *testing.T, r *resp) {
			assert.Equal(t, "New", r.str("title"))
		}},
		{"Replace capitalised + Entra booleans", []map[string]any{op("Replace", "active", "False")}, func(t *testing.T, r *resp) {
			assert.Equal(t, false, r.get("active"))
		}},
		{"ADD true string", []map[string]any{op("replace", "active", false), op("ADD", "active", "True")}, func(t *testing.T, r *resp) {
			assert.Equal(t, true, r.get("active"))
		}},
		{"pathless replace (Okta)", []map[string]any{op("replace", "", map[string]any{"active": false, "Title": "X"})}, func(t *testing.T, r *resp) {
			assert.Equal(t, false, r.get("active"))
			assert.Equal(t, "X", r.str("title"))
		}},
		{"pathless add with qualified keys", []map[string]any{op("add", "", map[string]any{
			"name.givenName": "Q",
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter": "CC",
			uriEnterprise: map[string]any{"division": "Div"},
			"nickName":    "N",
			"unknown":     "ignored",
		})}, func(t *testing.T, r *resp) {
			assert.Equal(t, "Q", r.str("name.givenName"))
			assert.Equal(t, "M", r.str("name.familyName"))
			assert.Equal(t, "N", r.str("nickName"))
			assert.Equal(t, map[string]any{"department": "D", "costCenter": "CC", "division": "Div"}, r.body[uriEnterprise])
			assert.NotContains(t, r.body, "unknown")
		}},
		{"sub-attribute", []map[string]any{op("replace", "name.familyName", "Fam")}, func(t *testing.T, r *resp) {
			assert.Equal(t, map[string]any{"givenName": "P", "familyName": "Fam"}, r.body["name"])
		}},
		{"complex merge", []map[string]any{op("replace", "name", map[string]any{"middleName": "Mid"})}, func(t *testing.T, r *resp) {
			assert.Equal(t, map[string]any{"givenName": "P", "familyName": "M", "middleName": "Mid"}, r.body["name"])
		}},
		{"value filter sub-attribute (Entra)", []map[string]any{op("Replace", `emails[type eq "work"].value`, "new@x.com")}, func(t *testing.T, r *resp) {
			assert.Equal(t, "new@x.com", r.get("emails.0.value"))
			assert.Equal(t, "home@x.com", r.get("emails.1.value"))
		}},
		{"add via value filter creates the value", []map[string]any{op("add", `phoneNumbers[type eq "mobile"].value`, "+1 555")}, func(t *testing.T, r *resp) {
			assert.Equal(t, []any{map[string]any{"type": "mobile", "value": "+1 555"}}, r.body["phoneNumbers"])
		}},
		{"add to multi-valued appends", []map[string]any{op("add", "emails", []any{map[string]any{"value": "other@x.com", "type": "other"}})}, func(t *testing.T, r *resp) {
			assert.Len(t, r.body["emails"], 3)
		}},
		{"add identical value is a no-op", []map[string]any{op("add", "emails", []any{map[string]any{"value": "home@x.com", "type": "home"}})}, func(t *testing.T, r *resp) {
			assert.Len(t, r.body["emails"], 2)
		}},
		{"add primary unsets others", []map[string]any{op("add", "emails", map[string]any{"value": "p@x.com", "primary": true})}, func(t *testing.T, r *resp) {
			assert.Equal(t, false, r.get("emails.0.primary"))
			assert.Equal(t, true, r.get("emails.2.primary"))
		}},
		{"primary via filter unsets others", []map[string]any{op("replace", `emails[type eq "home"].primary`, true)}, func(t *testing.T, r *resp) {
			assert.Equal(t, false, r.get("emails.0.primary"))
			assert.Equal(t, true, r.get("emails.1.primary"))
		}},
		{"replace multi-valued", []map[string]any{op("replace", "emails", []any{map[string]any{"value": "only@x.com"}})}, func(t *testing.T, r *resp) {
			assert.Equal(t, []any{map[string]any{"value": "only@x.com"}}, r.body["emails"])
		}},
		{"replace filtered value", []map[string]any{op("replace", `emails[type eq "home"]`, map[string]any{"value": "h2@x.com", "type": "home"})}, func(t *testing.T, r *resp) {
			assert.Equal(t, map[string]any{"value": "h2@x.com", "type": "home"}, r.get("emails.1"))
		}},
		{"remove filtered value", []map[string]any{op("remove", `emails[type eq "home" or value ew "nothing"]`, nil)}, func(t *testing.T, r *resp) {
			assert.Len(t, r.body["emails"], 1)
		}},
		{"remove with unmatched filter is a no-op", []map[string]any{op("remove", `emails[type eq "other"]`, nil)}, func(t *testing.T, r *resp) {
			assert.Len(t, r.body["emails"], 2)
		}},
		{"remove sub-attribute of filtered", []map[string]any{op("remove", `emails[type eq "work"].primary`, nil)}, func(t *testing.T, r *resp) {
			assert.Equal(t, map[string]any{"value": "work@x.com", "type": "work"}, r.get("emails.0"))
		}},
		{"remove attribute", []map[string]any{op("remove", "title", nil), op("remove", "emails", nil), op("remove", "name.givenName", nil)}, func(t *testing.T, r *resp) {
			assert.NotContains(t, r.body, "title")
			assert.NotContains(t, r.body, "emails")
			assert.Equal(t, map[string]any{"familyName": "M"}, r.body["name"])
		}},
		{"URN-qualified paths", []map[string]any{
			op("replace", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "Sales"),
			op("replace", "urn:ietf:params:scim:schemas:core:2.0:User:userName", "renamed"),
		}, func(t *testing.T, r *resp) {
			assert.Equal(t, "Sales", r.ent("department"))
			assert.Equal(t, "renamed", r.str("userName"))
		}},
		{"Entra manager as bare value", []map[string]any{op("Add", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "mgr-id")}, func(t *testing.T, r *resp) {
			assert.Equal(t, "mgr-id", dig(r.ent("manager"), "value"))
		}},
		{"remove extension", []map[string]any{op("remove", uriEnterprise, nil)}, func(t *testing.T, r *resp) {
			assert.NotContains(t, r.body, uriEnterprise)
			assert.Equal(t, []any{uriUser}, r.body["schemas"])
		}},
		{"remove last extension attribute", []map[string]any{op("remove", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", nil)}, func(t *testing.T, r *resp) {
			assert.NotContains(t, r.body, uriEnterprise)
			assert.Equal(t, []any{uriUser}, r.body["schemas"])
		}},
		{"restating the id is allowed", []map[string]any{op("replace", "", map[string]any{"id": "SELF", "displayName": "D"})}, func(t *testing.T, r *resp) {
			assert.Equal(t, "D", r.str("displayName"))
		}},
		{"ops apply in order", []map[string]any{op("add", "title", "a"), op("replace", "title", "b"), op("remove", "nickName", nil)}, func(t *testing.T, r *resp) {
			assert.Equal(t, "b", r.str("title"))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t)
			id := patchUser(c)
			for _, o := range tc.ops {
				if v, ok := o["value"].(map[string]any); ok && v["id"] == "SELF" {
					v["id"] = id
				}
			}
			r := c.do("PATCH", "/Users/"+id, patchBody(tc.ops...)).must(t, http.StatusOK)
			tc.check(t, r)
			assert.Equal(t, r.str("meta.version"), r.header.Get("ETag"))
			g := c.do("GET", "/Users/"+id, nil).must(t, http.StatusOK)
			assert.Equal(t, r.body, g.body, "the PATCH response is the stored resource")
		})
	}
}

func TestPatchErrors(t *testing.T) {
	c := newClient(t)
	id := patchUser(c)
	other := c.createUser(user("taken"))
	before := c.do("GET", "/Users/"+id, nil)
	for _, tc := range []struct {
		name     string
		body     any
		code     int
		scimType string
	}{
		{"no PatchOp schema", map[string]any{"Operations": []any{op("add", "title", "x")}}, 400, scimInvalidSyntax},
		{"no operations", map[string]any{"schemas": []any{uriPatchOp}, "Operations": []any{}}, 400, scimInvalidSyntax},
		{"operations not array", map[string]any{"schemas": []any{uriPatchOp}, "Operations": op("add", "title", "x")}, 400, scimInvalidSyntax},
		{"bad op", patchBody(op("move", "title", "x")), 400, scimInvalidSyntax},
		{"add without value", patchBody(op("add", "title", nil)), 400, scimInvalidValue},
		{"remove without path", patchBody(op("remove", "", nil)), 400, scimNoTarget},
		{"replace filter matches nothing", patchBody(op("replace", `emails[type eq "other"].value`, "x")), 400, scimNoTarget},
		{"replace filtered value matches nothing", patchBody(op("replace", `emails[type eq "other"]`, map[string]any{"value": "x"})), 400, scimNoTarget},
		{"readOnly id", patchBody(op("replace", "id", "x")), 400, scimMutability},
		{"readOnly id pathless", patchBody(op("replace", "", map[string]any{"id": "other"})), 400, scimMutability},
		{"readOnly meta", patchBody(op("replace", "meta.created", "2020-01-01T00:00:00Z")), 400, scimMutability},
		{"readOnly groups", patchBody(op("add", "groups", []any{map[string]any{"value": "g"}})), 400, scimMutability},
		{"readOnly manager.displayName", patchBody(op("add", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName", "x")), 400, scimMutability},
		{"remove required userName", patchBody(op("remove", "userName", nil)), 400, scimMutability},
		{"replace userName empty", patchBody(op("replace", "userName", "")), 400, scimInvalidValue},
		{"wrong type", patchBody(op("replace", "active", "yes")), 400, scimInvalidValue},
		{"wrong type in object", patchBody(op("replace", "", map[string]any{"name": "x"})), 400, scimInvalidValue},
		{"pathless value not object", patchBody(op("replace", "", "x")), 400, scimInvalidValue},
		{"unknown path", patchBody(op("replace", "nosuch", "x")), 400, scimInvalidPath},
		{"malformed path", patchBody(op("replace", "name..givenName", "x")), 400, scimInvalidPath},
		{"unbalanced bracket", patchBody(op("replace", `emails[type eq "work"`, "x")), 400, scimInvalidPath},
		{"filter on single-valued", patchBody(op("replace", `name[givenName eq "P"]`, "x")), 400, scimInvalidPath},
		{"bad filter", patchBody(op("replace", `emails[type xx "work"].value`, "x")), 400, scimInvalidFilter},
		{"uniqueness", patchBody(op("replace", "userName", "TAKEN")), 409, scimUniqueness},
		{"atomic: later op fails", patchBody(op("replace", "title", "changed"), op("replace", "id", "x")), 400, scimMutability},
		{"two primaries", patchBody(op("replace", "emails", []any{map[string]any{"value": "a", "primary": true}, map[string]any{"value": "b", "primary": true}})), 400, scimInvalidValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireSCIMError(t, c.do("PATCH", "/Users/"+id, tc.body), tc.code, tc.scimType)
		})
	}
	after := c.do("GET", "/Users/"+id, nil)
	assert.Equal(t, before.body, after.body, "failed PATCH requests change nothing")
	_ = other
	requireSCIMError(t, c.do("PATCH", "/Users/nope", patchBody(op("add", "title", "x"))), 404, "")
}

func TestPatchNoOpKeepsVersion(t *testing.T) {
	c := newClient(t)
	id := patchUser(c)
	before := c.do("GET", "/Users/"+id, nil)
	r := c.do("PATCH", "/Users/"+id, patchBody(op("add", "title", "T"), op("remove", `emails[type eq "none"]`, nil))).must(t, http.StatusOK)
	assert.Equal(t, before.str("meta.version"), r.str("meta.version"))
	assert.Equal(t, before.str("meta.lastModified"), r.str("meta.lastModified"))
}

func TestPatchGroupMembers(t *testing.T) {
	c := newClient(t)
	u1, u2, u3 := c.createUser(user("u1")), c.createUser(user("u2")), c.createUser(user("u3"))
	gid := c.createGroup(group("g", u1))
	members := func(r *resp) []string {
		var out []string
		for _, m := range r.body["members"].([]any) {
			out = append(out, m.(map[string]any)["value"].(string))
		}
		return out
	}
	r := c.do("PATCH", "/Groups/"+gid, patchBody(op("add", "members", []any{
		map[string]any{"value": u2, "display": "U2"}, map[string]any{"value": u1},
	}))).must(t, http.StatusOK)
	assert.Equal(t, []string{u1, u2}, members(r))
	assert.Equal(t, "User", r.get("members.1.type"))
	assert.Equal(t, testBase+"/Users/"+u2, r.get("members.1.$ref"))

	// Entra: remove with a value list removes only those
	r = c.do("PATCH", "/Groups/"+gid, patchBody(op("Add", "members", []any{map[string]any{"value": u3, "$ref": nil}}),
		op("Remove", "members", []any{map[string]any{"value": u1, "$ref": nil}}))).must(t, http.StatusOK)
	assert.Equal(t, []string{u2, u3}, members(r))

	r = c.do("PATCH", "/Groups/"+gid, patchBody(op("remove", `members[value eq "`+u2+`"]`, nil))).must(t, http.StatusOK)
	assert.Equal(t, []string{u3}, members(r))
	u3view := c.do("GET", "/Users/"+u3, nil)
	assert.Equal(t, gid, u3view.get("groups.0.value"))

	r = c.do("PATCH", "/Groups/"+gid, patchBody(op("replace", "members", []any{map[string]any{"value": u1}}))).must(t, http.StatusOK)
	assert.Equal(t, []string{u1}, members(r))

	requireSCIMError(t, c.do("PATCH", "/Groups/"+gid, patchBody(op("add", "members", []any{map[string]any{"value": u2}, map[string]any{"value": "ghost"}}))), 400, scimInvalidValue)
	requireSCIMError(t, c.do("PATCH", "/Groups/"+gid, patchBody(op("replace", `members[value eq "`+u1+`"].value`, u2))), 400, scimMutability)
	requireSCIMError(t, c.do("PATCH", "/Groups/"+gid, patchBody(op("remove", "displayName", nil))), 400, scimMutability)
	assert.Equal(t, []string{u1}, members(c.do("GET", "/Groups/"+gid, nil)))

	r = c.do("PATCH", "/Groups/"+gid, patchBody(op("remove", "members", nil))).must(t, http.StatusOK)
	assert.NotContains(t, r.body, "members")
	assert.NotContains(t, c.do("GET", "/Users/"+u1, nil).body, "groups")
	require.Equal(t, "g", r.str("displayName"))
}

func TestPatchSchemas(t *testing.T) {
	c := newClient(t)
	id := patchUser(c)
	r := c.do("PATCH", "/Users/"+id, patchBody(op("add", "schemas", []any{uriEnterprise}))).must(t, http.StatusOK)
	assert.Equal(t, []any{uriUser, uriEnterprise}, r.body["schemas"])
	requireSCIMError(t, c.do("PATCH", "/Users/"+id, patchBody(op("replace", "schemas", []any{uriEnterprise}))), 400, scimMutability)
	requireSCIMError(t, c.do("PATCH", "/Users/"+id, patchBody(op("remove", "schemas", nil))), 400, scimMutability)
	r = c.do("PATCH", "/Users/"+id, patchBody(op("remove", `schemas[value eq "`+uriEnterprise+`"]`, nil))).must(t, http.StatusOK)
	assert.Equal(t, []any{uriUser}, r.body["schemas"])
	assert.NotContains(t, r.body, uriEnterprise)
	// adding an extension attribute by its full name adds the URN to schemas
	r = c.do("PATCH", "/Users/"+id, patchBody(op("add", uriEnterprise+":department", "D2"))).must(t, http.StatusOK)
	assert.Equal(t, []any{uriUser, uriEnterprise}, r.body["schemas"])
	r = c.do("PATCH", "/Users/"+id, patchBody(op("replace", "schemas", []any{uriUser}))).must(t, http.StatusOK)
	assert.NotContains(t, r.body, uriEnterprise)
}
