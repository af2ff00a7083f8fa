package scim

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of the data model: RFC 7643 §2.
var dataModelChecks = []suites.Check{
	{
		ID: "SCIM-DATA-001", Title: "Returned values match their declared types (boolean, integer, dateTime, binary, reference)",
		Spec:  "RFC 7643 §2.3",
		Rule:  `Integer: A decimal number with no fractional digits. [...] DateTime: ... MUST be encoded as a valid xsd:dateTime. [...] Binary: ... MUST be base64 encoded. [...] Reference: ... a URI.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:datamodel", "tier:core"}, Covers: []string{"S142"},
		Run: func(t *suites.T) {
			e := Session(t)
			s := e.Disc.UserSchema()
			if s == nil {
				t.Skipf("not applicable: the target publishes no User schema to take the declared types from")
			}
			u, _ := createUser(t, richUser(t))
			g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			for _, a := range s.Attributes {
				checkTyped(t, a.Name, a, g.Get(a.Name))
			}
			for _, f := range []string{"created", "lastModified"} {
				if _, err := parseDateTime(g.Str("meta", f)); err != nil && g.Has("meta", f) {
					t.Errorf("meta.%s: %v", f, err)
				}
			}
		},
	},
	{
		ID: "SCIM-DATA-002", Title: "At most one value of a multi-valued attribute is primary",
		Spec:  "RFC 7643 §2.4",
		Rule:  `primary: A Boolean value indicating the 'primary' or preferred attribute value for this attribute ... The primary attribute value "true" MUST appear no more than once.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:datamodel", "tier:core"}, Covers: []string{"S143"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			base := strings.ToLower(e.Name("pc"))
			body["emails"] = []any{
				Obj{"value": base + "-a@example.com", "type": "work", "primary": true},
				Obj{"value": base + "-b@example.com", "type": "home"},
			}
			u, _ := createUser(t, body)
			g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			for _, attr := range []string{"emails", "phoneNumbers", "addresses", "ims", "photos", "entitlements", "roles", "x509Certificates"} {
				n := 0
				for _, v := range g.Objs(attr) {
					if p, _ := v.Bool("primary"); p {
						n++
					}
				}
				if n > 1 {
					t.Errorf("%s has %d values with primary=true: %s", attr, n, compact(g.Get(attr)))
				}
			}
		},
	},
	{
		ID: "SCIM-DATA-003", Title: "The same (type, value) pair is not returned twice",
		Spec:  "RFC 7643 §2.4",
		Rule:  `Service providers SHOULD canonicalize the value returned ... and SHOULD NOT return the same (type, value) combination more than once per attribute, as this complicates processing by the client.`,
		Level: suites.Should, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:datamodel", "tier:extended"}, Covers: []string{"S144"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			mail := strings.ToLower(e.Name("pc")) + "@example.com"
			body["emails"] = []any{Obj{"value": mail, "type": "work"}, Obj{"value": mail, "type": "work"}}
			r := doCreate(t, body)
			if r.Status == 400 {
				t.Logf("the target refuses duplicate values (400), which is allowed")
				return
			}
			mustStatus(t, r, 201)
			u := object(t, r)
			g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			seen := map[string]int{}
			for _, v := range g.Objs("emails") {
				seen[strings.ToLower(v.Str("type"))+"\x00"+strings.ToLower(v.Str("value"))]++
			}
			for k, n := range seen {
				if n > 1 {
					t.Errorf("emails returns (type, value) %q %d times", strings.ReplaceAll(k, "\x00", ", "), n)
				}
			}
		},
	},
	{
		ID: "SCIM-DATA-004", Title: "null and [] on create are treated as unassigned",
		Spec:  "RFC 7643 §2.5",
		Rule:  `Unassigned attributes, the null value, or empty array (in the case of a multi-valued attribute) SHALL be considered to be equivalent in "state".`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:datamodel", "tier:core", "dialect:entra"}, Covers: []string{"S145"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			body["nickName"] = nil
			body["phoneNumbers"] = []any{}
			u, _ := createUser(t, body)
			g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			if v := g.Get("nickName"); v != nil {
				t.Errorf("nickName was sent as null but reads back as %s; expected unassigned", compact(v))
			}
			if l := g.List("phoneNumbers"); len(l) > 0 {
				t.Errorf("phoneNumbers was sent as [] but reads back as %s; expected unassigned", compact(l))
			}
		},
	},
}

// doCreate POSTs a user body, registering its clean-up if one was created.
func doCreate(t *suites.T, body Obj) *target.Response {
	e := Session(t)
	r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: body})
	adopt(t, URNUser, r)
	return r
}

// checkTyped reports a value that does not fit its declared attribute.
func checkTyped(t *suites.T, path string, a Attribute, v any) {
	if v == nil {
		return
	}
	if a.MultiValued {
		l, ok := v.([]any)
		if !ok {
			t.Errorf("%s is declared multi-valued but is %s, not an array", path, compact(v))
			return
		}
		single := a
		single.MultiValued = false
		for i, x := range l {
			checkTyped(t, fmt.Sprintf("%s[%d]", path, i), single, x)
		}
		return
	}
	bad := func(want string) { t.Errorf("%s is %s; declared type %s expects %s", path, compact(v), a.Type, want) }
	switch a.Type {
	case "string":
		if _, ok := v.(string); !ok {
			bad("a JSON string")
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("true or false")
		}
	case "integer":
		if !isInteger(v) {
			bad("a number without fraction or exponent")
		}
	case "decimal":
		if !isNumber(v) {
			bad("a JSON number")
		}
	case "datetime":
		s, ok := v.(string)
		if !ok {
			bad("an xsd:dateTime string")
		} else if _, err := parseDateTime(s); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	case "binary":
		s, ok := v.(string)
		if !ok {
			bad("a base64 string")
		} else if _, err := base64.StdEncoding.DecodeString(s); err != nil {
			if _, err2 := base64.RawStdEncoding.DecodeString(s); err2 != nil {
				bad("base64")
			}
		}
	case "reference":
		s, ok := v.(string)
		if !ok {
			bad("a URI string")
		} else if _, err := url.Parse(s); err != nil {
			bad("a URI")
		}
	case "complex":
		m := asObj(v)
		if m == nil {
			bad("a JSON object")
			return
		}
		for _, sub := range a.SubAttributes {
			checkTyped(t, path+"."+sub.Name, sub, m.Get(sub.Name))
		}
	}
}
