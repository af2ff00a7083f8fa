package scim

import (
	"fmt"
	"strings"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of the attributes common to every resource: RFC 7643 §3, §3.1.
var commonChecks = []suites.Check{
	{
		ID: "SCIM-COMMON-001", Title: `A resource's "schemas" lists only its resource type's schema and extensions, each once`,
		Spec:  "RFC 7643 §3",
		Rule:  `The "schemas" attribute for a resource MUST only contain values defined as "schema" and "schemaExtensions" for the resource's defined "resourceType". Duplicate values MUST NOT be included.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:common", "tier:core"}, Covers: []string{"S39"},
		Run: func(t *suites.T) {
			e := Session(t)
			caps := []string{URNUser}
			if ok, _ := e.Disc.Has(suites.CapGroups); ok {
				caps = append(caps, URNGroup)
			}
			for _, urn := range caps {
				rt := e.Disc.ResourceType(urn)
				if rt == nil {
					t.Logf("/ResourceTypes declares no resource type with schema %s; its resources are left out", urn)
					continue
				}
				allowed := []string{rt.Schema}
				for _, x := range rt.Extensions {
					allowed = append(allowed, x.Schema)
				}
				o, _ := createResource(t, urn, newResource(t, urn))
				g := object(t, get(t, resourcePath(e, urn, o.Str("id")), nil))
				seen := map[string]bool{}
				for _, s := range g.Strs("schemas") {
					if seen[strings.ToLower(s)] {
						t.Errorf("%s %s: \"schemas\" lists %s twice: %s", rt.Name, o.Str("id"), s, compact(g.Get("schemas")))
					}
					seen[strings.ToLower(s)] = true
					if !hasString(allowed, s) {
						t.Errorf("%s %s: \"schemas\" lists %s, which the %s resource type neither has as its schema nor as an extension (%s)",
							rt.Name, o.Str("id"), s, rt.Name, strings.Join(allowed, ", "))
					}
				}
			}
		},
	},
	{
		ID: "SCIM-COMMON-002", Title: `Server-issued ids never contain the reserved word "bulkId"`,
		Spec:  "RFC 7643 §3.1",
		Rule:  `The string "bulkId" is a reserved keyword and MUST NOT be used within any unique identifier value.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:common", "tier:extended"}, Covers: []string{"S27"},
		Run: func(t *suites.T) {
			e := Session(t)
			urns := []string{URNUser}
			if ok, _ := e.Disc.Has(suites.CapGroups); ok {
				urns = append(urns, URNGroup)
			}
			for _, urn := range urns {
				for range 3 {
					o, _ := createResource(t, urn, newResource(t, urn))
					if id := o.Str("id"); strings.Contains(strings.ToLower(id), "bulkid") {
						t.Errorf("the server issued the id %q, which contains the reserved keyword \"bulkId\"", id)
					}
				}
			}
		},
	},
	{
		ID: "SCIM-COMMON-003", Title: "The server never makes up an externalId: a user created without one has none",
		Spec:  "RFC 7643 §3.1",
		Rule:  `externalId: A String that is an identifier for the resource as defined by the provisioning client. [...] The value of the "externalId" attribute is always issued by the provisioning client and MUST NOT be specified by the service provider.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:common", "tier:core", "dialect:entra", "dialect:okta"}, Covers: []string{"S24"},
		Run: func(t *suites.T) {
			e := Session(t)
			u, r := createUser(t, newUser(t))
			g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			for what, o := range map[string]Obj{line(r): u, "the GET that followed": g} {
				if v := o.Get("externalId"); !patchEmpty(v) {
					t.Errorf("%s shows externalId %s for a user created without one; the provisioning client alone issues it", what, compact(v))
				}
			}
		},
	},
	{
		ID: "SCIM-COMMON-004", Title: `The order of "schemas" does not matter: the extension URN first is accepted alike`,
		Spec:  "RFC 7643 §3",
		Rule:  `"schemas" [...] Value order is not specified and MUST NOT impact behavior.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers, suites.CapEnterpriseUser},
		Labels: []string{"area:common", "tier:extended"}, Covers: []string{"S33"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			body["schemas"] = []any{URNEnterprise, URNUser}
			body[URNEnterprise] = Obj{"department": "Tour Operations"}
			u, _ := createUser(t, body)
			g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			if got := g.Str(URNEnterprise, "department"); got != "Tour Operations" {
				t.Errorf("a user created with \"schemas\" [extension, core] reads back with department %q; expected \"Tour Operations\", as with the core URN first", got)
			}
		},
	},
	{
		ID: "SCIM-COMMON-005", Title: "meta.location equals the Content-Location header when the server sends one",
		Spec:  "RFC 7643 §3.1",
		Rule:  `location: The URI of the resource being returned. This value MUST be the same as the "Content-Location" HTTP response header (see Section 3.1.4.2 of [RFC7231]).`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:common", "tier:extended"}, Covers: []string{"S25"},
		Run: func(t *suites.T) {
			e := Session(t)
			u, created := createUser(t, newUser(t))
			for _, r := range []*target.Response{created, get(t, resourcePath(e, URNUser, u.Str("id")), nil)} {
				cl := r.Header.Get("Content-Location")
				if cl == "" {
					t.Logf("%s: no Content-Location header; nothing to compare", line(r))
					continue
				}
				m, err := r.Object()
				if err != nil {
					continue
				}
				if loc := Obj(m).Str("meta", "location"); !sameURL(loc, cl) {
					t.Errorf("%s: meta.location is %q but the Content-Location header is %q; they must be the same", line(r), loc, cl)
				}
			}
		},
	},
	{
		ID: "SCIM-COMMON-006", Title: "Attribute order in a request does not matter (schemas last, userName first)",
		Spec:  "RFC 7643 §2.3.8",
		Rule:  `Servers and clients MUST NOT require or expect attributes to be in any specific order when an object is either generated or analyzed.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:common", "tier:extended"}, Covers: []string{"S23"},
		Run: func(t *suites.T) {
			e := Session(t)
			name := e.Name("pc-user")
			raw := fmt.Sprintf(`{"userName":%q,"name":{"familyName":"Jensen","givenName":"Barbara"},"emails":[{"value":%q,"type":"work"}],"displayName":"Babs","schemas":[%q]}`,
				name, strings.ToLower(name)+"@example.com", URNUser)
			r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: raw})
			adopt(t, URNUser, r)
			if r.Status != 201 {
				t.Fatalf("%s for a User whose \"schemas\" comes last; expected 201 as for any order%s", line(r), bodyHint(r))
			}
			u := object(t, r)
			if u.Str("userName") != name || u.Str("name", "givenName") != "Barbara" {
				t.Errorf("%s: the user reads back as %s; expected userName %q and givenName \"Barbara\"", line(r), compact(u), name)
			}
		},
	},
	{
		ID: "SCIM-COMMON-007", Title: "A user's manager carries $ref, the URI of the manager's resource",
		Spec:  "RFC 7643 §4.3",
		Rule:  `manager: The user's manager. [...] "$ref": The URI of the SCIM resource representing the User's manager. RECOMMENDED.`,
		Level: suites.Should, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers, suites.CapEnterpriseUser},
		Labels: []string{"area:common", "tier:extended"}, Covers: []string{"S33"},
		Run: func(t *suites.T) {
			e := Session(t)
			if a := e.Disc.Schema(URNEnterprise).Attr("manager.value"); a == nil {
				t.Skipf("not applicable: the target's enterprise schema declares no manager.value")
			}
			m, _ := createUser(t, newUser(t))
			body := newUser(t)
			body["schemas"] = []any{URNUser, URNEnterprise}
			body[URNEnterprise] = Obj{"manager": Obj{"value": m.Str("id")}}
			u, _ := createUser(t, body)
			g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			ref := g.Str(URNEnterprise, "manager", "$ref")
			switch {
			case ref == "":
				t.Errorf("the user's manager is %s without \"$ref\"; RECOMMENDED is the URI of the manager's resource", compact(g.Get(URNEnterprise, "manager")))
			case !strings.HasSuffix(strings.TrimRight(ref, "/"), "/"+m.Str("id")):
				t.Errorf("manager.$ref is %q; expected the URI of the manager's resource, ending in /%s", ref, m.Str("id"))
			}
		},
	},
}
