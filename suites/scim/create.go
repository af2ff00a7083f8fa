package scim

import (
	"fmt"
	"strings"
	"time"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of creating Users: RFC 7644 §3.3 with the rules of RFC 7643 §3.1 and §4.1.
var createChecks = []suites.Check{
	{
		ID: "SCIM-USERS-001", Title: "POST /Users with schemas and userName creates the user (201)",
		Spec:  "RFC 7644 §3.3",
		Rule:  `When the service provider successfully creates the new resource, an HTTP response SHALL be returned with HTTP status code 201 (Created).`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core", "dialect:rfc"}, Covers: []string{"S23"},
		Run: func(t *suites.T) {
			body := newUser(t)
			u, _ := createUser(t, body)
			got := object(t, get(t, resourcePath(Session(t), URNUser, u.Str("id")), nil))
			if !strings.EqualFold(got.Str("userName"), body.Str("userName")) {
				t.Errorf("GET of the new user has userName %q; expected %q", got.Str("userName"), body.Str("userName"))
			}
		},
	},
	{
		ID: "SCIM-USERS-002", Title: "The 201 body is the full representation: id, schemas, userName and meta",
		Spec:  "RFC 7644 §3.3; RFC 7643 §3.1",
		Rule:  `The response body SHOULD contain the service provider's representation of the newly created resource.`,
		Level: suites.Should, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S23"},
		Run: func(t *suites.T) {
			body := newUser(t)
			u, _ := createUser(t, body)
			if !hasString(u.Strs("schemas"), URNUser) {
				t.Errorf("\"schemas\" is %s; expected it to contain %s", compact(u.Get("schemas")), URNUser)
			}
			if !strings.EqualFold(u.Str("userName"), body.Str("userName")) {
				t.Errorf("\"userName\" is %q; expected %q", u.Str("userName"), body.Str("userName"))
			}
			for _, f := range []string{"resourceType", "created", "lastModified", "location"} {
				if u.Str("meta", f) == "" {
					t.Errorf("meta.%s is missing: meta is %s", f, compact(u.Get("meta")))
				}
			}
		},
	},
	{
		ID: "SCIM-USERS-003", Title: "Location header equals meta.location and meta.resourceType is User",
		Spec:  "RFC 7644 §3.3; RFC 7643 §3.1",
		Rule:  `The URI of the created resource SHALL include, in the HTTP "Location" header and the HTTP body, a JSON representation [RFC7159] with the attribute "meta.location".`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S25"},
		Run: func(t *suites.T) {
			u, r := createUser(t, newUser(t))
			loc := r.Header.Get("Location")
			if loc == "" {
				t.Errorf("%s without a Location header; expected the URI of the new user", line(r))
			}
			if ml := u.Str("meta", "location"); ml == "" {
				t.Errorf("the 201 body has no meta.location")
			} else if loc != "" && !sameURL(loc, ml) {
				t.Errorf("Location header %q differs from meta.location %q", loc, ml)
			}
			if rt := u.Str("meta", "resourceType"); rt != "" && rt != "User" {
				t.Errorf("meta.resourceType is %q; expected \"User\"", rt)
			}
			if loc != "" {
				g := do(t, target.Request{Method: "GET", Path: loc})
				if wantStatus(t, g, 200) && object(t, g).Str("id") != u.Str("id") {
					t.Errorf("GET Location %s returned a resource with id %q; expected %q", loc, object(t, g).Str("id"), u.Str("id"))
				}
			}
		},
	},
	{
		ID: "SCIM-USERS-004", Title: "meta.created and meta.lastModified are xsd:dateTime and equal on a new user",
		Spec:  "RFC 7643 §3.1, §2.3.5",
		Rule:  `lastModified: The most recent DateTime that the details of this resource were updated at the service provider. If this resource has never been modified since its initial creation, the value MUST be the same as the value of "created".`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S26"},
		Run: func(t *suites.T) {
			u, _ := createUser(t, newUser(t))
			g := object(t, get(t, resourcePath(Session(t), URNUser, u.Str("id")), nil))
			created, cerr := parseDateTime(g.Str("meta", "created"))
			modified, merr := parseDateTime(g.Str("meta", "lastModified"))
			if cerr != nil {
				t.Errorf("meta.created: %v", cerr)
			}
			if merr != nil {
				t.Errorf("meta.lastModified: %v", merr)
			}
			if cerr == nil && merr == nil && !created.Equal(modified) {
				t.Errorf("meta.created is %s but meta.lastModified is %s on a user never modified; expected them equal",
					g.Str("meta", "created"), g.Str("meta", "lastModified"))
			}
		},
	},
	{
		ID: "SCIM-USERS-005", Title: "A client-supplied id is ignored; the server assigns a unique, stable id",
		Spec:  "RFC 7643 §3.1",
		Rule:  `id: A unique identifier for a SCIM resource as defined by the service provider. [...] The "id" attribute ... is issued by the service provider and MUST NOT be specified by the client.  [readOnly: SHALL be ignored, RFC 7644 §3.3]`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S27"},
		Run: func(t *suites.T) {
			e := Session(t)
			want := randomMissingID(t)
			b1 := newUser(t)
			b1["id"] = want
			u1, _ := createUser(t, b1)
			u2, _ := createUser(t, newUser(t))
			if u1.Str("id") == want {
				t.Errorf("the server used the client-supplied id %q; expected it to assign its own", want)
			}
			if u1.Str("id") == u2.Str("id") {
				t.Errorf("two users got the same id %q", u1.Str("id"))
			}
			for _, u := range []Obj{u1, u2} {
				g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
				if g.Str("id") != u.Str("id") {
					t.Errorf("GET /Users/%s returned id %q; expected the id to be stable", u.Str("id"), g.Str("id"))
				}
			}
		},
	},
	{
		ID: "SCIM-USERS-006", Title: "Client-supplied meta and other readOnly attributes are ignored on create",
		Spec:  "RFC 7644 §3.3; RFC 7643 §3.1",
		Rule:  `In the request body, attributes whose mutability is "readOnly" (see Sections 2.2 and 7 of [RFC7643]) SHALL be ignored.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S28"},
		Run: func(t *suites.T) {
			body := newUser(t)
			body["meta"] = Obj{"created": "2001-01-01T00:00:00Z", "lastModified": "2001-01-01T00:00:00Z",
				"resourceType": "Group", "version": `W/"provcheck"`, "location": "https://provcheck.invalid/Users/x"}
			before := time.Now().Add(-24 * time.Hour)
			u, _ := createUser(t, body)
			for _, f := range []string{"created", "lastModified"} {
				if ts, err := parseDateTime(u.Str("meta", f)); err == nil && ts.Before(before) {
					t.Errorf("meta.%s is %s, the client's value; expected the server's time of creation", f, u.Str("meta", f))
				}
			}
			if u.Str("meta", "resourceType") == "Group" {
				t.Errorf("meta.resourceType is \"Group\", the client's value; expected \"User\"")
			}
			if strings.Contains(u.Str("meta", "location"), "provcheck.invalid") {
				t.Errorf("meta.location is the client's value %q", u.Str("meta", "location"))
			}
		},
	},
	{
		ID: "SCIM-USERS-007", Title: "POST /Users without the required userName is refused with 400",
		Spec:  "RFC 7644 §3.3, §3.12; RFC 7643 §4.1.1",
		Rule:  `userName: ... This attribute is REQUIRED and is case insensitive. [400 invalidValue: A required value was missing, or the value specified was not compatible with the operation or attribute type.]`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S29"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := Obj{"schemas": []any{URNUser}, "displayName": e.Name("pc-nouser")}
			r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: body})
			if r.Status == 201 {
				t.Fatalf("%s for a user without userName; expected 400 (userName is REQUIRED)", line(r))
			}
			wantBadRequest(t, r, "invalidValue", "invalidSyntax")
		},
	},
	{
		ID: "SCIM-USERS-008", Title: "A duplicate userName is refused with 409 and scimType uniqueness",
		Spec:  "RFC 7644 §3.3, §3.12",
		Rule:  `If the service provider determines that the creation of the requested resource conflicts with existing resources (e.g., a "User" resource with a duplicate "userName"), the service provider MUST return HTTP status code 409 (Conflict) with a "scimType" error code of "uniqueness".`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S30"},
		Run: duplicateUserName(func(s string) string { return s }),
	},
	{
		ID: "SCIM-USERS-009", Title: "A userName differing only in case is a duplicate (409)",
		Spec:  "RFC 7643 §4.1.1; RFC 7644 §3.3",
		Rule:  `userName: A service provider's unique identifier for the user ... This attribute is REQUIRED and is case insensitive.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core", "dialect:entra", "dialect:okta"}, Covers: []string{"S31"},
		Run: duplicateUserName(strings.ToUpper),
	},
	{
		ID: "SCIM-USERS-010", Title: "A duplicate externalId is refused when the schema declares it unique",
		Spec:  "RFC 7643 §3.1, §7; RFC 7644 §3.3",
		Rule:  `uniqueness: server — The value SHOULD be unique within the context of the current SCIM endpoint. [A conflict on create] MUST return HTTP status code 409 (Conflict) with a "scimType" error code of "uniqueness".`,
		Level: suites.Should, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:extended"}, Covers: []string{"S32"},
		Run: func(t *suites.T) {
			e := Session(t)
			a := e.Disc.UserSchema().Attr("externalId")
			if a == nil || a.Uniqueness == "none" {
				t.Skipf("not applicable: the target's User schema does not declare externalId unique (uniqueness is %q)", uniquenessOf(a))
			}
			ext := e.Name("pc-ext")
			b1 := newUser(t)
			b1["externalId"] = ext
			createUser(t, b1)
			b2 := newUser(t)
			b2["externalId"] = ext
			r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: b2})
			adopt(t, URNUser, r)
			if r.Status == 201 {
				t.Fatalf("%s for a second user with externalId %q, declared uniqueness=%s; expected 409", line(r), ext, a.Uniqueness)
			}
			if wantStatus(t, r, 409, 400) && r.Status == 409 && scimType(r) != "uniqueness" {
				t.Errorf("%s with scimType %q; expected \"uniqueness\"", line(r), scimType(r))
			}
		},
	},
	{
		ID: "SCIM-USERS-011", Title: "Enterprise extension data is stored under its URN and listed in schemas",
		Spec:  "RFC 7643 §3.3, §4.3",
		Rule:  `Schema extensions ... The extension's attributes are contained in a sub-object keyed by the extension schema URI, and the "schemas" attribute SHALL contain the URI of the extension.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers, suites.CapEnterpriseUser},
		Labels: []string{"area:users", "tier:core", "dialect:entra", "dialect:okta"}, Covers: []string{"S33"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			body["schemas"] = []any{URNUser, URNEnterprise}
			body[URNEnterprise] = Obj{"employeeNumber": "4711", "department": "Tour Operations", "costCenter": "CC-42"}
			u, _ := createUser(t, body)
			g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			if !hasString(g.Strs("schemas"), URNEnterprise) {
				t.Errorf("\"schemas\" is %s; expected it to contain %s", compact(g.Get("schemas")), URNEnterprise)
			}
			ext := g.Obj(URNEnterprise)
			if ext == nil {
				t.Fatalf("the user has no %q object; got %s", URNEnterprise, compact(g))
			}
			for k, v := range map[string]string{"employeeNumber": "4711", "department": "Tour Operations", "costCenter": "CC-42"} {
				if got := ext.Str(k); got != v {
					t.Errorf("%s:%s is %q; expected %q", URNEnterprise, k, got, v)
				}
			}
		},
	},
	{
		ID: "SCIM-USERS-012", Title: "password is accepted on create but never returned",
		Spec:  "RFC 7643 §4.1.1, §7",
		Rule:  `password: ... This attribute [has] "returned" "never" [...] Attribute values SHALL NOT be returned.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S34"},
		Run: func(t *suites.T) {
			e := Session(t)
			if s := e.Disc.UserSchema(); s != nil && s.Attr("password") == nil {
				t.Skipf("not applicable: the target's User schema declares no password attribute")
			}
			body := newUser(t)
			body["password"] = "Pc!" + e.Name("Pw9")
			r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: body})
			adopt(t, URNUser, r)
			if r.Status == 400 {
				t.Skipf("not applicable: the target refuses passwords on create (%s), which a policy may do", line(r))
			}
			mustStatus(t, r, 201)
			u := object(t, r)
			if u.Has("password") {
				t.Errorf("the 201 body returns \"password\"; expected it never to be returned")
			}
			g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			if g.Has("password") {
				t.Errorf("GET returns \"password\"; expected it never to be returned")
			}
			g = object(t, get(t, resourcePath(e, URNUser, u.Str("id")), map[string][]string{"attributes": {"password,userName"}}))
			if g.Has("password") {
				t.Errorf("GET ?attributes=password returns \"password\"; expected it never to be returned")
			}
		},
	},
	{
		ID: "SCIM-USERS-013", Title: "A value of the wrong type (active: \"yes\") is refused with 400 invalidValue",
		Spec:  "RFC 7644 §3.12; RFC 7643 §2.3.2",
		Rule:  `invalidValue: A required value was missing, or the value specified was not compatible with the operation or attribute type (see Section 2.2 of [RFC7643]).`,
		Level: suites.Should, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:extended"}, Covers: []string{"S35"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			body["active"] = "yes"
			r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: body})
			adopt(t, URNUser, r)
			if r.Status == 201 {
				if v := object(t, r).Get("active"); v != nil {
					if _, isBool := v.(bool); !isBool {
						t.Fatalf("%s and stored active as %s; expected 400 invalidValue for a string where a boolean is declared", line(r), compact(v))
					}
				}
				t.Fatalf("%s for active:\"yes\"; expected 400 invalidValue (the value is not a boolean)", line(r))
			}
			wantBadRequest(t, r, "invalidValue", "invalidSyntax")
		},
	},
	{
		ID: "SCIM-USERS-014", Title: "An undeclared attribute is ignored or refused, never a server error or echoed",
		Spec:  "RFC 7644 §3.3; RFC 7643 §2.1",
		Rule:  `[derived] The server is free to alter and/or ignore POSTed content; a resource carries only attributes its schemas define. Either answer (201 ignoring the attribute, or 400) is allowed.`,
		Level: suites.Should, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:extended"}, Covers: []string{"S36"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			body["provcheckUndeclared"] = "x"
			r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: body})
			adopt(t, URNUser, r)
			switch {
			case r.Status == 201:
				if object(t, r).Has("provcheckUndeclared") {
					t.Errorf("the created user carries the undeclared attribute \"provcheckUndeclared\"; expected it ignored")
				}
				t.Logf("the target ignores undeclared attributes (201)")
			case r.Status == 400:
				t.Logf("the target refuses undeclared attributes (400)")
			default:
				t.Errorf("%s for a body with an undeclared attribute; expected 201 (ignored) or 400%s", line(r), bodyHint(r))
			}
		},
	},
	{
		ID: "SCIM-USERS-030", Title: "userNames equal after PRECIS preparation (Unicode NFC, width) are duplicates (409)",
		Spec:  "RFC 7644 §5, §7.8; RFC 8265 §3.4",
		Rule:  `Before comparing or evaluating the uniqueness of a "userName" or "password" attribute, service providers MUST use the preparation, enforcement, and comparison of internationalized strings (PRECIS) preparation and comparison rules described in Sections 3 and 4, respectively, of [RFC7613]. [UsernameCasePreserved: full- and half-width characters are mapped to their decomposition, then Unicode Normalization Form C.]`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:extended"}, Covers: []string{"S31"},
		Run: func(t *suites.T) {
			e := Session(t)
			for _, pair := range []struct{ what, first, second string }{
				{"a precomposed Å (U+00C5) and A with a combining ring (U+0041 U+030A)", "\u00c5", "A\u030a"},
				{"ASCII letters and their full-width forms (U+FF41…)", "ab", "\uff41\uff42"},
			} {
				base := e.Name("pc-user")
				first := newUser(t)
				first["userName"] = base + "-" + pair.first
				r := doCreate(t, first)
				if r.Status != 201 {
					t.Logf("%s for userName %q: the target does not take this userName; %s left out%s", line(r), first.Str("userName"), pair.what, bodyHint(r))
					continue
				}
				second := newUser(t)
				second["userName"] = base + "-" + pair.second
				r2 := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: second})
				adopt(t, URNUser, r2)
				if r2.Status == 201 {
					t.Errorf("%s for userName %q while %q exists: %s are the same userName after PRECIS preparation; expected 409 uniqueness",
						line(r2), second.Str("userName"), first.Str("userName"), pair.what)
				}
			}
		},
	},
}

// duplicateUserName creates a user, then another whose userName is alter(first).
func duplicateUserName(alter func(string) string) func(t *suites.T) {
	return func(t *suites.T) {
		e := Session(t)
		first := newUser(t)
		createUser(t, first)
		second := newUser(t)
		second["userName"] = alter(first.Str("userName"))
		r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: second})
		adopt(t, URNUser, r)
		if r.Status == 201 {
			t.Fatalf("%s for userName %q while %q exists; expected 409 with scimType \"uniqueness\"",
				line(r), second.Str("userName"), first.Str("userName"))
		}
		if wantStatus(t, r, 409) && scimType(r) != "uniqueness" {
			t.Errorf("%s with scimType %q; expected \"uniqueness\"", line(r), scimType(r))
		}
	}
}

func uniquenessOf(a *Attribute) string {
	if a == nil {
		return "undeclared"
	}
	return a.Uniqueness
}

// parseDateTime parses an xsd:dateTime as RFC 7643 §2.3.5 requires: a
// date, "T" and a time, with an optional time zone.
func parseDateTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("missing")
	}
	if ts, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return ts, nil
	}
	// xsd:dateTime makes the time zone optional.
	if ts, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return ts, nil
	}
	return time.Time{}, fmt.Errorf("%q is not an xsd:dateTime with date and time (e.g. 2008-01-23T04:56:22Z)", s)
}

// sameURL compares two URLs ignoring a trailing slash and the case of the
// scheme and host.
func sameURL(a, b string) bool {
	norm := func(s string) string {
		s = strings.TrimRight(s, "/")
		if i := strings.Index(s, "://"); i >= 0 {
			rest := s[i+3:]
			host, path, _ := strings.Cut(rest, "/")
			return strings.ToLower(s[:i]) + "://" + strings.ToLower(host) + "/" + path
		}
		return s
	}
	return norm(a) == norm(b)
}
