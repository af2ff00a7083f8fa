package scim

import (
	"strings"

	"github.com/provcheck/provcheck/suites"
)

// Checks of retrieving a known User: RFC 7644 §3.4.1, RFC 7643 §2.1.
var readChecks = []suites.Check{
	{
		ID: "SCIM-USERS-015", Title: "GET /Users/{id} returns the user with its id and the core User schema",
		Spec:  "RFC 7644 §3.4.1",
		Rule:  `Clients retrieve a known resource ... by sending HTTP GET to the resource's location. [...] If the resource exists, the server responds with HTTP status code 200 (OK) and includes the result in the body of the response.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S37"},
		Run: func(t *suites.T) {
			u, _ := createUser(t, newUser(t))
			r := get(t, resourcePath(Session(t), URNUser, u.Str("id")), nil)
			mustStatus(t, r, 200)
			g := object(t, r)
			if g.Str("id") != u.Str("id") {
				t.Errorf("\"id\" is %q; expected %q, the id in the URL", g.Str("id"), u.Str("id"))
			}
			if !hasString(g.Strs("schemas"), URNUser) {
				t.Errorf("\"schemas\" is %s; expected it to contain %s", compact(g.Get("schemas")), URNUser)
			}
		},
	},
	{
		ID: "SCIM-USERS-016", Title: "GET of an unknown id answers 404",
		Spec:  "RFC 7644 §3.12",
		Rule:  `404 Not Found: Specified resource (e.g., User) or endpoint does not exist.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S38"},
		Run: func(t *suites.T) {
			r := get(t, resourcePath(Session(t), URNUser, randomMissingID(t)), nil)
			wantStatus(t, r, 404)
		},
	},
	{
		ID: "SCIM-USERS-017", Title: "A user carries only attributes its schemas declare, with valid names",
		Spec:  "RFC 7643 §2.1, §3",
		Rule:  `Attribute names MUST conform to the following ABNF rules: ATTRNAME = ALPHA *(nameChar) ... [A resource's attributes are those] defined by the schemas listed in its "schemas" attribute [plus the common attributes id, externalId and meta].`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S39"},
		Run: func(t *suites.T) {
			e := Session(t)
			u, _ := createUser(t, richUser(t))
			g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			declared := map[string]bool{"schemas": true, "id": true, "externalid": true, "meta": true}
			schemas := g.Strs("schemas")
			core := e.Disc.Schema(URNUser)
			if core == nil {
				t.Skipf("not applicable: the target publishes no User schema at /Schemas to compare with")
			}
			for _, a := range core.Attributes {
				declared[strings.ToLower(a.Name)] = true
			}
			for _, s := range schemas {
				declared[strings.ToLower(s)] = true
			}
			for k, v := range g {
				if !attrName.MatchString(k) && !strings.HasPrefix(strings.ToLower(k), "urn:") {
					t.Errorf("attribute name %q does not match ATTRNAME", k)
				}
				if !declared[strings.ToLower(k)] {
					t.Errorf("attribute %q (value %s) is declared by none of the schemas %s", k, compact(v), compact(schemas))
				}
			}
			for _, s := range schemas {
				ext := g.Obj(s)
				if strings.EqualFold(s, URNUser) {
					continue
				}
				sc := e.Disc.Schema(s)
				if ext == nil || sc == nil {
					continue
				}
				for k := range ext {
					if sc.Attr(k) == nil {
						t.Errorf("attribute %s:%s is not declared by that schema", s, k)
					}
				}
			}
		},
	},
	{
		ID: "SCIM-USERS-028", Title: "A user created with the common writable attributes reads back as sent",
		Spec:  "RFC 7644 §3.3; RFC 7643 §4.1, §7",
		Rule:  `readWrite: The attribute MAY be updated and read at any time. [derived: a value the client sets and the schema declares readWrite and returned by default is read back unchanged, up to the case of caseExact=false attributes and the order of multi-valued values.]`,
		Level: suites.Should, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core", "dialect:entra", "dialect:okta"}, Covers: []string{"S24"},
		Run: roundTrip,
	},
}

// roundTrip creates a rich user and compares what GET returns with what was
// sent, for every attribute the target declares readWrite and returned by
// default. Case is compared as the schema's caseExact says; the order of
// multi-valued values is free.
func roundTrip(t *suites.T) {
	e := Session(t)
	s := e.Disc.UserSchema()
	if s == nil {
		t.Skipf("not applicable: the target publishes no User schema to say which attributes are writable")
	}
	body := richUser(t)
	u, _ := createUser(t, body)
	g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
	for name, sent := range body {
		a := s.Attr(name)
		if a == nil || a.Mutability != "readWrite" || a.Returned != "default" && a.Returned != "always" {
			continue
		}
		switch v := sent.(type) {
		case string:
			got := g.Str(name)
			if got != v && (a.CaseExact || !strings.EqualFold(got, v)) {
				t.Errorf("%s: sent %q, read back %s", name, v, compact(g.Get(name)))
			}
		case bool:
			if got, ok := g.Bool(name); !ok || got != v {
				t.Errorf("%s: sent %v, read back %s", name, v, compact(g.Get(name)))
			}
		case Obj:
			for sub, sv := range v {
				want, _ := sv.(string)
				if got := g.Str(name, sub); got != want {
					t.Errorf("%s.%s: sent %q, read back %s", name, sub, want, compact(g.Get(name, sub)))
				}
			}
		case []any:
			for _, item := range v {
				want := asObj(item).Str("value")
				found := false
				for _, o := range g.Objs(name) {
					if strings.EqualFold(o.Str("value"), want) {
						found = true
					}
				}
				if !found {
					t.Errorf("%s: the value %q sent is not among %s", name, want, compact(g.Get(name)))
				}
			}
		}
	}
}

// richUser returns a User body with the common writable attributes of
// RFC 7643 §4.1 that IdPs send.
func richUser(t *suites.T) Obj {
	e := Session(t)
	u := newUser(t)
	mail := strings.ToLower(e.Name("pc")) + "@example.com"
	u["externalId"] = e.Name("pc-ext")
	u["name"] = Obj{"givenName": "Barbara", "familyName": "Jensen", "formatted": "Ms. Barbara J Jensen"}
	u["displayName"] = "Babs Jensen"
	u["nickName"] = "Babs"
	u["title"] = "Tour Guide"
	u["userType"] = "Employee"
	u["preferredLanguage"] = "en-US"
	u["locale"] = "en-US"
	u["timezone"] = "America/Los_Angeles"
	u["active"] = true
	u["emails"] = []any{
		Obj{"value": mail, "type": "work", "primary": true},
	}
	u["phoneNumbers"] = []any{Obj{"value": "+1-555-555-8377", "type": "work"}}
	return u
}
