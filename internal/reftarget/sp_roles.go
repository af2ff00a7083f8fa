package reftarget

import (
	"slices"
	"strings"

	"github.com/russellhaering/gosaml2/types"
)

// AttrMemberOf is the attribute whose values the reference SP maps to
// roles by default (catalogue J16, J17).
const AttrMemberOf = "memberOf"

// Faults of the SAML SP's role mapper (catalogue J16, J17).
const (
	FaultJITUnmappedRole     Fault = "jit-unmapped-role"
	FaultJITRoleNeverRemoved Fault = "jit-role-never-removed"
)

// DefaultRoleMap is the mapping table of the reference SP's role mapper:
// the value provcheck-admins of AttrMemberOf grants the role admin; any
// other value grants nothing.
func DefaultRoleMap() map[string]string {
	return map[string]string{"provcheck-admins": "admin"}
}

// assertionValues returns every value of every attribute named name of an
// assertion (trimmed, non-empty), in document order: the role attribute's,
// and the email attribute's (jitEmailValues).
func assertionValues(a *types.Assertion, name string) []string {
	if name == "" || a.AttributeStatement == nil {
		return nil
	}
	var out []string
	for _, at := range a.AttributeStatement.Attributes {
		if at.Name != name {
			continue
		}
		for _, v := range at.Values {
			if v := strings.TrimSpace(v.Value); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// jitMapRoles returns the roles the asserted values grant through the
// mapping table, sorted and without duplicates; under FaultJITUnmappedRole
// every unmapped value is a role too.
func (s *Server) jitMapRoles(values []string, table map[string]string) []string {
	var out []string
	for _, v := range values {
		if role, ok := table[v]; ok {
			out = append(out, role)
		} else if s.has(FaultJITUnmappedRole) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// jitAssignRoles sets the roles of the account userID after a login: at
// the account's first login the mapped roles; at a later one, with sync on
// login, the mapped roles replace the old ones (a value no longer asserted
// loses its role), with sync off they stay. Without a role attribute in
// the policy roles are never assigned. The caller holds s.mu, not s.sp.mu.
func (s *Server) jitAssignRoles(userID string, at samlAttrs, pol SPPolicy) {
	if pol.RoleAttr == "" {
		return
	}
	roles := s.jitMapRoles(at.roles, pol.RoleMap)
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	old, seen := s.sp.roles[userID]
	switch {
	case !seen:
	case !pol.SyncOnLogin:
		return
	case s.has(FaultJITRoleNeverRemoved):
		roles = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(old), roles...))))
	}
	s.sp.roles[userID] = roles
}

// jitRoles returns the roles of an account, sorted, never nil.
func (s *Server) jitRoles(userID string) []string {
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	return append([]string{}, s.sp.roles[userID]...)
}
