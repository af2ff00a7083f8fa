package reftarget

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The probes of the role mapper's faults join faultProbes.
func init() {
	faultProbes[FaultJITUnmappedRole] = func(c *client) bool {
		trustTestIdP(c.t, c.s)
		b, _ := login(c.t, c.s, "p-roles", AttrEmail, "r@example.com", AttrMemberOf, "provcheck-admins", AttrMemberOf, "superuser")
		return assert.ObjectsAreEqual([]string{"admin"}, sessionRoles(b))
	}
	faultProbes[FaultJITRoleNeverRemoved] = func(c *client) bool {
		trustTestIdP(c.t, c.s)
		login(c.t, c.s, "p-demoted", AttrEmail, "d@example.com", AttrMemberOf, "provcheck-admins")
		b, _ := login(c.t, c.s, "p-demoted", AttrEmail, "d@example.com", AttrMemberOf, "staff")
		return b.whoamiID() != "" && !slices.Contains(sessionRoles(b), "admin")
	}
}

// sessionRoles is the groups list of the session's whoami answer.
func sessionRoles(b *browser) []string {
	m, _ := b.whoami()
	list, _ := m["groups"].([]any)
	out := []string{}
	for _, g := range list {
		s, _ := g.(string)
		out = append(out, s)
	}
	return out
}

func TestSPRoleMapper(t *testing.T) {
	s := newSP(t, Options{})
	b, _ := login(t, s, "p-r1", AttrEmail, "r1@example.com", AttrMemberOf, "admin", AttrMemberOf, "provcheck-admins")
	assert.Equal(t, []string{"admin"}, sessionRoles(b), "only the mapped value grants a role")
	b, _ = login(t, s, "p-r2", AttrEmail, "r2@example.com", AttrMemberOf, "admin")
	assert.Equal(t, []string{}, sessionRoles(b), "an unmapped admin grants nothing")
	b, _ = login(t, s, "p-r1", AttrEmail, "r1@example.com")
	assert.Equal(t, []string{}, sessionRoles(b), "with sync on, a login without the value removes the role")

	pol := DefaultSPPolicy()
	pol.SyncOnLogin = false
	off := newSP(t, Options{SPPolicy: &pol})
	login(t, off, "p-r3", AttrEmail, "r3@example.com", AttrMemberOf, "provcheck-admins")
	b, _ = login(t, off, "p-r3", AttrEmail, "r3@example.com", AttrMemberOf, "staff")
	assert.Equal(t, []string{"admin"}, sessionRoles(b), "with sync off, roles are set at the first login only")

	pol.RoleAttr = ""
	none := newSP(t, Options{SPPolicy: &pol})
	b, _ = login(t, none, "p-r4", AttrEmail, "r4@example.com", AttrMemberOf, "provcheck-admins")
	assert.Equal(t, []string{}, sessionRoles(b), "without a role attribute, no roles")
}
