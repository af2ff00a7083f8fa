package saml

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/provcheck/provcheck/suites"
)

// roleMapping is the mapped value and role a role case asserts: the first
// entry, by value, of the declared mapping table. It skips the case when
// the contract has no roles oracle or the SP declares no role mapper.
func (e *Env) roleMapping(t *suites.T) (value, role string) {
	if e.SP.WhoamiGroups == "" {
		t.Skipf("the SP contract has no roles oracle (--sp-whoami-groups), so the session's roles cannot be observed")
	}
	if e.Policy.RoleAttr == "" || len(e.Policy.RoleMap) == 0 {
		t.Skipf("the SP declares no role mapper (--sp-role-attr and --sp-role-map), so no role can be expected")
	}
	keys := make([]string, 0, len(e.Policy.RoleMap))
	for k := range e.Policy.RoleMap {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys[0], e.Policy.RoleMap[keys[0]]
}

// mappedRole reports whether name is a role of the declared mapping table
// (compared case-insensitively).
func (p Policy) mappedRole(name string) bool {
	for _, r := range p.RoleMap {
		if strings.EqualFold(r, name) {
			return true
		}
	}
	return false
}

// hasGroup reports whether the names hold name (case-insensitive).
func hasGroup(names []string, name string) bool {
	return slices.ContainsFunc(names, func(g string) bool { return strings.EqualFold(g, name) })
}

// unmappedRoleValues are values of the role attribute outside the declared
// mapping table: "admin" (catalogue J16), unless the table maps it, and a
// run-marked value no SP can know.
func (e *Env) unmappedRoleValues() []string {
	out := []string{}
	if _, mapped := e.Policy.RoleMap["admin"]; !mapped {
		out = append(out, "admin")
	}
	return append(out, "pc-role-"+e.RunID+"-"+randHex(4))
}

// needGroups stops the check as INDETERMINATE when whoami shows no list at
// the roles oracle's path.
func (e *Env) needGroups(t *suites.T, s Principal) []string {
	if s.Groups == nil {
		t.Abort(fmt.Errorf("INDETERMINATE: the whoami answer has no list at %q (--sp-whoami-groups) for %s", e.SP.WhoamiGroups, s))
	}
	return s.Groups
}

// jitRoleChecks are the role and group mapper cases: catalogue J16, J17.
var jitRoleChecks = []suites.Check{
	{
		ID: "SAML-JIT-022", Title: "A role attribute grants privileges only through the declared mapper: an unmapped admin value is ignored",
		Spec:  "SAML Core §2.7.3 (AttributeStatement); catalogue J16",
		Rule:  `A first login asserting, in the declared role attribute (--sp-role-attr), a value of the declared mapping table (--sp-role-map) together with unmapped values ("admin", a run-marked value): the session has the mapped role, and no unmapped value is ever a role or group of the session (roles oracle --sp-whoami-groups).`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:extended"}, Covers: []string{"J16"},
		Run: func(t *suites.T) {
			e := Session(t)
			value, role := e.roleMapping(t)
			p := e.newPerson("j16")
			e.cleanup(t, p)
			unmapped := e.unmappedRoleValues()
			l := e.login(t, p, jitAttribute(e.Policy.RoleAttr, false, append([]string{value}, unmapped...)...))
			s := needSession(t, l, "first login with role values")
			groups := e.needGroups(t, s)
			if !hasGroup(groups, role) {
				t.Errorf("the declared mapping %s=%s: a first login asserting %s=%s should have the role %q; the session's groups are [%s]", value, role, e.Policy.RoleAttr, value, role, strings.Join(groups, ", "))
			}
			for _, u := range unmapped {
				switch {
				case e.Policy.mappedRole(u):
					t.Logf("the unmapped value %q is also a mapped role's name; whether it was granted by itself is not judged", u)
				case hasGroup(groups, u):
					t.Errorf("privilege escalation: the unmapped %s value %q became a role or group of the session (groups [%s]); only the declared mapping (%s) may grant roles", e.Policy.RoleAttr, u, strings.Join(groups, ", "), mappingString(e.Policy.RoleMap))
				}
			}
			if !strings.EqualFold(value, role) && hasGroup(groups, value) {
				t.Logf("the raw asserted value %q is listed besides its mapped role %q (not judged: the list may show IdP groups besides roles)", value, role)
			}
		},
	},
	{
		ID: "SAML-JIT-023", Title: "A later login without the mapped role value removes the role iff sync on login is declared",
		Spec:  "SAML Core §2.7.3 (AttributeStatement); catalogue J17",
		Rule:  `A first login asserting a mapped value of the role attribute gets its role; a later login of the same NameID asserting only an unmapped value: with --sp-sync on the role is removed, with --sp-sync off it is kept (roles set at creation), undeclared it is not judged.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:extended"}, Covers: []string{"J17"},
		Run: func(t *suites.T) {
			e := Session(t)
			value, role := e.roleMapping(t)
			p := e.newPerson("j17")
			e.cleanup(t, p)
			first := needSession(t, e.login(t, p, jitAttribute(e.Policy.RoleAttr, false, value)), "first login with the mapped value")
			if !hasGroup(e.needGroups(t, first), role) {
				t.Skipf("the first login asserting %s=%s did not get the role %q (groups [%s]); SAML-JIT-022 judges the mapper, and this case builds on that role", e.Policy.RoleAttr, value, role, strings.Join(first.Groups, ", "))
			}
			other := "pc-role-" + e.RunID + "-" + randHex(4)
			second := needSession(t, e.login(t, p, jitAttribute(e.Policy.RoleAttr, false, other)), "later login without the mapped value")
			if second.ID != first.ID {
				t.Skipf("the later login landed in %s, not the first login's account %s; SAML-JIT-002 judges that, and the role is judged on one account", second, first)
			}
			// The first answer showed the list: none now means no roles.
			kept := hasGroup(second.Groups, role)
			switch e.Policy.Sync {
			case "on":
				if kept {
					t.Errorf("sync on login is declared, but after a login asserting %s=%s without %s the session still has the role %q (groups [%s]); the role must be removed", e.Policy.RoleAttr, other, value, role, strings.Join(second.Groups, ", "))
				}
			case "off":
				if !kept {
					t.Errorf("sync on login is declared off (roles set at creation), but after a login without %s=%s the role %q is gone (groups [%s])", e.Policy.RoleAttr, value, role, strings.Join(second.Groups, ", "))
				}
			default:
				t.Logf("the SP declares no sync policy; after a login without the mapped value the role is kept: %v (not judged)", kept)
			}
		},
	},
}

// mappingString is the mapping table as value=role pairs, sorted.
func mappingString(m map[string]string) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}
