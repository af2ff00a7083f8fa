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
