package reftarget

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGroupMembers(t *testing.T) {
	c := newClient(t)
	u1 := c.createUser(user("u1", "displayName", "User One"))
	u2 := c.createUser(user("u2"))
	sub := c.createGroup(group("sub"))

	r := c.do("POST", "/Groups", map[string]any{
		"schemas":     []any{uriGroup},
		"displayName": "Admins",
		"members": []any{
			map[string]any{"value": u1, "display": "User One", "type": "Group", "$ref": "http://elsewhere/x"},
			map[string]any{"value": u1},
			map[string]any{"value": sub},
		},
	}).must(t, http.StatusCreated)
	gid := r.str("id")
	assert.Equal(t, []any{uriGroup}, r.body["schemas"])
	assert.Equal(t, "Group", r.get("meta.resourceType"))
	assert.Equal(t, []any{
		map[string]any{"value": u1, "display": "User One", "type": "User", "$ref": testBase + "/Users/" + u1},
		map[string]any{"value": sub, "type": "Group", "$ref": testBase + "/Groups/" + sub},
	}, r.body["members"])

	// User.groups is computed (readOnly)
	u := c.do("GET", "/Users/"+u1, nil).must(t, http.StatusOK)
	assert.Equal(t, []any{map[string]any{
		"value": gid, "display": "Admins", "type": "direct", "$ref": testBase + "/Groups/" + gid,
	}}, u.body["groups"])
	assert.NotContains(t, c.do("GET", "/Users/"+u2, nil).body, "groups")
	l := c.do("GET", "/Users?filter=groups.value+eq+%22"+gid+"%22", nil).must(t, http.StatusOK)
	assert.Equal(t, []string{"u1"}, l.names())

	for name, body := range map[string]map[string]any{
		"unknown member":  group("bad", "no-such-id"),
		"member no value": {"displayName": "bad", "members": []any{map[string]any{"display": "x"}}},
		"no displayName":  {"schemas": []any{uriGroup}, "members": []any{}},
		"members object":  {"displayName": "bad", "members": map[string]any{"value": u1}},
	} {
		t.Run(name, func(t *testing.T) {
			requireSCIMError(t, c.do("POST", "/Groups", body), http.StatusBadRequest, scimInvalidValue)
		})
	}
	requireSCIMError(t, c.do("PUT", "/Groups/"+gid, group("Admins", gid)), http.StatusBadRequest, scimInvalidValue)

	// deleting a user removes it from every group and bumps the group's version
	before := c.do("GET", "/Groups/"+gid, nil)
	c.do("DELETE", "/Users/"+u1, nil).must(t, http.StatusNoContent)
	after := c.do("GET", "/Groups/"+gid, nil).must(t, http.StatusOK)
	require.Len(t, after.body["members"], 1)
	assert.Equal(t, sub, after.get("members.0.value"))
	assert.NotEqual(t, before.header.Get("ETag"), after.header.Get("ETag"))
	assert.Greater(t, after.str("meta.lastModified"), before.str("meta.lastModified"))

	// deleting a group removes it from groups that contain it
	c.do("DELETE", "/Groups/"+sub, nil).must(t, http.StatusNoContent)
	assert.NotContains(t, c.do("GET", "/Groups/"+gid, nil).body, "members")
}

func TestGroupPutReplacesMembers(t *testing.T) {
	c := newClient(t)
	u1, u2 := c.createUser(user("u1")), c.createUser(user("u2"))
	gid := c.createGroup(group("g", u1))
	r := c.do("PUT", "/Groups/"+gid, group("g2", u2)).must(t, http.StatusOK)
	assert.Equal(t, "g2", r.str("displayName"))
	assert.Equal(t, u2, r.get("members.0.value"))
	assert.Len(t, r.body["members"], 1)
	r = c.do("PUT", "/Groups/"+gid, group("g2")).must(t, http.StatusOK)
	assert.NotContains(t, r.body, "members")
	requireSCIMError(t, c.do("PUT", "/Groups/"+gid, map[string]any{"schemas": []any{uriGroup}}), http.StatusBadRequest, scimInvalidValue)
}

func TestMembershipChangesUserVersion(t *testing.T) {
	c := newClient(t)
	uid := c.createUser(user("versioned"))
	v := func() string { return c.do("GET", "/Users/"+uid, nil).header.Get("ETag") }
	v0 := v()
	gid := c.createGroup(group("g", uid))
	v1 := v()
	assert.NotEqual(t, v0, v1, "joining a group changes User.groups")
	c.do("GET", "/Users/"+uid, nil, "If-None-Match: "+v0).must(t, http.StatusOK)
	c.do("PATCH", "/Groups/"+gid, patchBody(op("replace", "displayName", "renamed"))).must(t, http.StatusOK)
	v2 := v()
	assert.NotEqual(t, v1, v2, "groups.display changed")
	assert.Equal(t, "renamed", c.do("GET", "/Users/"+uid, nil).get("groups.0.display"))
	c.do("DELETE", "/Groups/"+gid, nil).must(t, http.StatusNoContent)
	assert.NotEqual(t, v2, v())
	assert.NotContains(t, c.do("GET", "/Users/"+uid, nil).body, "groups")
}
