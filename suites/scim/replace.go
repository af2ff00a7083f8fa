package scim

import (
	"strings"
	"time"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of replacing Users with PUT: RFC 7644 §3.5.1, RFC 7643 §3.1.
var replaceChecks = []suites.Check{
	{
		ID: "SCIM-USERS-018", Title: "PUT replaces the provided values and answers 200 with the resource",
		Spec:  "RFC 7644 §3.5.1",
		Rule:  `readWrite, writeOnly: Any values provided SHALL replace the existing attribute values. [...] Unless otherwise specified, a successful PUT operation returns a 200 OK response code and the entire resource within the response body.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core", "dialect:okta"}, Covers: []string{"S40"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := richUser(t)
			u, _ := createUser(t, body)
			path := resourcePath(e, URNUser, u.Str("id"))
			body["displayName"] = "Barbara Replaced"
			body["name"] = Obj{"givenName": "Barbara", "familyName": "Replaced"}
			body["title"] = "Chief Tour Guide"
			r := do(t, target.Request{Method: "PUT", Path: path, Body: body})
			mustStatus(t, r, 200)
			for _, src := range []Obj{object(t, r), object(t, get(t, path, nil))} {
				for _, c := range [][]string{{"displayName"}, {"title"}, {"name", "familyName"}} {
					if got, want := src.Str(c...), body.Str(c...); got != want {
						t.Errorf("after PUT %s is %q; expected %q", strings.Join(c, "."), got, want)
					}
				}
			}
		},
	},
	{
		ID: "SCIM-USERS-019", Title: "PUT clears readWrite attributes the body omits (or sets a default)",
		Spec:  "RFC 7644 §3.5.1",
		Rule:  `HTTP PUT is used to replace a resource's attributes. [...] The service provider MAY assume that any existing values are to be cleared, or the service provider MAY assign a default value to the final resource representation. [Keeping the old value makes PUT a merge, which IdPs that PUT full users rely on not happening.]`,
		Level: suites.Should, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:extended", "dialect:okta"}, Covers: []string{"S40"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := richUser(t)
			u, _ := createUser(t, body)
			path := resourcePath(e, URNUser, u.Str("id"))
			put := body.Without("nickName", "title")
			r := do(t, target.Request{Method: "PUT", Path: path, Body: put})
			mustStatus(t, r, 200)
			g := object(t, get(t, path, nil))
			for _, f := range []string{"nickName", "title"} {
				if g.Str(f) == body.Str(f) {
					t.Errorf("%s is still %q after a PUT that omitted it; expected it cleared or defaulted", f, g.Str(f))
				}
			}
		},
	},
	{
		ID: "SCIM-USERS-020", Title: "PUT to an unknown id answers 404 and creates nothing",
		Spec:  "RFC 7644 §3.5.1",
		Rule:  `Because SCIM resource identifiers are assigned by the service provider, HTTP PUT MUST NOT be used to create new resources.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S41"},
		Run: func(t *suites.T) {
			e := Session(t)
			path := resourcePath(e, URNUser, randomMissingID(t))
			r := do(t, target.Request{Method: "PUT", Path: path, Body: newUser(t), AllowUnowned: true})
			if r.Status == 201 || r.Status == 200 {
				t.Cleanup(func() { deleteIfOwned(t, path) })
			}
			wantStatus(t, r, 404)
			if g := get(t, path, nil); g.Status != 404 {
				t.Errorf("after the PUT, %s; expected 404 (nothing created)", line(g))
			}
		},
	},
	{
		ID: "SCIM-USERS-021", Title: "PUT ignores readOnly values: id and meta stay the server's",
		Spec:  "RFC 7644 §3.5.1",
		Rule:  `readOnly: Any values provided SHALL be ignored.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S42"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			u, _ := createUser(t, body)
			path := resourcePath(e, URNUser, u.Str("id"))
			put := Obj{}
			for k, v := range body {
				put[k] = v
			}
			put["id"] = u.Str("id")
			put["meta"] = Obj{"created": "2001-01-01T00:00:00Z", "resourceType": "Group"}
			r := do(t, target.Request{Method: "PUT", Path: path, Body: put})
			mustStatus(t, r, 200)
			g := object(t, get(t, path, nil))
			if g.Str("id") != u.Str("id") {
				t.Errorf("id changed from %q to %q", u.Str("id"), g.Str("id"))
			}
			if g.Str("meta", "created") != u.Str("meta", "created") {
				t.Errorf("meta.created changed from %q to %q after a PUT carrying a client value", u.Str("meta", "created"), g.Str("meta", "created"))
			}
			if g.Str("meta", "resourceType") == "Group" {
				t.Errorf("meta.resourceType took the client's value \"Group\"")
			}
		},
	},
	{
		ID: "SCIM-USERS-022", Title: "PUT with a changed immutable value is refused with 400 mutability",
		Spec:  "RFC 7644 §3.5.1",
		Rule:  `immutable: If one or more values are already set for the attribute, the input value(s) MUST match, or HTTP status code 400 SHOULD be returned with a "scimType" error code of "mutability".`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:extended"}, Covers: []string{"S42"},
		Run: func(t *suites.T) {
			e := Session(t)
			s := e.Disc.UserSchema()
			var attr string
			if s != nil {
				for _, a := range s.Attributes {
					if a.Mutability == "immutable" && a.Type == "string" && !a.MultiValued {
						attr = a.Name
						break
					}
				}
			}
			if attr == "" {
				t.Skipf("not applicable: the target's User schema declares no single-valued immutable string attribute")
			}
			body := newUser(t)
			body[attr] = e.Name("pc-imm")
			u, _ := createUser(t, body)
			path := resourcePath(e, URNUser, u.Str("id"))
			body[attr] = e.Name("pc-imm-changed")
			r := do(t, target.Request{Method: "PUT", Path: path, Body: body})
			if r.Status == 200 {
				if g := object(t, get(t, path, nil)); g.Str(attr) == body.Str(attr) {
					t.Fatalf("%s and changed the immutable attribute %q; expected 400 mutability", line(r), attr)
				}
				return
			}
			if wantStatus(t, r, 400) && scimType(r) != "" && scimType(r) != "mutability" {
				t.Errorf("%s with scimType %q; expected \"mutability\"", line(r), scimType(r))
			}
		},
	},
	{
		ID: "SCIM-USERS-023", Title: "PUT without the required userName is refused with 400",
		Spec:  "RFC 7644 §3.5.1",
		Rule:  `If an attribute is "required", clients MUST specify the attribute in the PUT request. [A request missing a required value: 400 invalidValue, RFC 7644 §3.12.]`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S43"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			u, _ := createUser(t, body)
			path := resourcePath(e, URNUser, u.Str("id"))
			r := do(t, target.Request{Method: "PUT", Path: path, Body: Obj{"schemas": []any{URNUser}, "displayName": "no userName"}})
			wantStatus(t, r, 400)
		},
	},
	{
		ID: "SCIM-USERS-024", Title: "A modification changes meta.lastModified and meta.version; a GET does not",
		Spec:  "RFC 7643 §3.1",
		Rule:  `lastModified: The most recent DateTime that the details of this resource were updated at the service provider. [...] version: The version of the resource being returned. This value must be the same as the entity-tag (ETag) HTTP response header.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S44"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			u, _ := createUser(t, body)
			path := resourcePath(e, URNUser, u.Str("id"))
			g1 := object(t, get(t, path, nil))
			g2 := object(t, get(t, path, nil))
			if g1.Str("meta", "lastModified") != g2.Str("meta", "lastModified") || g1.Str("meta", "version") != g2.Str("meta", "version") {
				t.Errorf("two GETs without a change returned different meta: %s then %s", compact(g1.Get("meta")), compact(g2.Get("meta")))
			}
			// Let a clock with one-second resolution tick.
			time.Sleep(1100 * time.Millisecond)
			body["displayName"] = "Changed " + e.Name("pc")
			r := do(t, target.Request{Method: "PUT", Path: path, Body: body})
			mustStatus(t, r, 200)
			g3 := object(t, get(t, path, nil))
			before, err1 := parseDateTime(g1.Str("meta", "lastModified"))
			after, err2 := parseDateTime(g3.Str("meta", "lastModified"))
			switch {
			case err1 != nil || err2 != nil:
				t.Errorf("meta.lastModified is not a dateTime: before %q, after %q", g1.Str("meta", "lastModified"), g3.Str("meta", "lastModified"))
			case !after.After(before):
				t.Errorf("meta.lastModified is %s after the PUT, %s before it; expected it later", g3.Str("meta", "lastModified"), g1.Str("meta", "lastModified"))
			}
			if v := g1.Str("meta", "version"); v != "" && v == g3.Str("meta", "version") {
				t.Errorf("meta.version is still %s after the PUT; expected a new version", v)
			}
		},
	},
}
