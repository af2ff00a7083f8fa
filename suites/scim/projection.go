package scim

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of partial representations, the attributes and excludedAttributes
// parameters: RFC 7644 §3.4.2.5, §3.9, §3.10 and the "returned"
// characteristic of RFC 7643 §7.
var projectionChecks = []suites.Check{
	{
		ID: "SCIM-PROJ-001", Title: "GET /Users/{id}?attributes=userName returns userName and the returned=always attributes only",
		Spec:  "RFC 7644 §3.4.2.5, §3.9",
		Rule:  `[attributes and excludedAttributes are] OPTIONAL parameters, which MUST be supported by SCIM service providers [...] attributes: When specified, the default list of attributes SHALL be overridden, and each resource returned MUST contain the minimum set of resource attributes and any attributes or sub-attributes explicitly requested by the "attributes" parameter. [meta, which RFC 7643 gives no "returned" characteristic, may or may not be there.]`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:projection", "tier:core"}, Covers: []string{"S116"},
		Run: func(t *suites.T) {
			e := Session(t)
			u, _ := createUser(t, richUser(t))
			r := get(t, resourcePath(e, URNUser, u.Str("id")), url.Values{"attributes": {"userName"}})
			mustStatus(t, r, 200)
			g := object(t, r)
			projOnly(t, r, g, true, "userName")
			if g.Str("id") != "" && g.Str("id") != u.Str("id") {
				t.Errorf("%s: \"id\" is %q; expected %q", line(r), g.Str("id"), u.Str("id"))
			}
		},
	},
	{
		ID: "SCIM-PROJ-002", Title: "excludedAttributes=emails removes emails, and never removes a returned=always attribute",
		Spec:  "RFC 7644 §3.4.2.5, §3.9",
		Rule:  `excludedAttributes: A multi-valued list of strings indicating the names of resource attributes to be removed from the default set of attributes to return. This parameter SHALL have no effect on attributes whose schema "returned" setting is "always" [...] each resource returned MUST contain the minimum set of resource attributes. Additionally, the default set of attributes minus those attributes listed in "excludedAttributes" is returned.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:projection", "tier:core"}, Covers: []string{"S117"},
		Run: func(t *suites.T) {
			e := Session(t)
			u, _ := createUser(t, richUser(t))
			path := resourcePath(e, URNUser, u.Str("id"))
			full := object(t, get(t, path, nil))
			r := get(t, path, url.Values{"excludedAttributes": {"emails"}})
			mustStatus(t, r, 200)
			g := object(t, r)
			if g.Has("emails") {
				t.Errorf("%s still carries \"emails\": %s; expected it removed", line(r), compact(g.Get("emails")))
			}
			for _, k := range []string{"id", "userName", "displayName"} {
				if full.Has(k) && !g.Has(k) {
					t.Errorf("%s lacks %q, which was not excluded and is returned by default (%s)", line(r), k, compact(full.Get(k)))
				}
			}
			always := projAlways(e)
			excl := []string{}
			for _, k := range always {
				if !strings.EqualFold(k, "schemas") {
					excl = append(excl, k)
				}
			}
			r = get(t, path, url.Values{"excludedAttributes": {strings.Join(excl, ",")}})
			if !wantStatus(t, r, 200) {
				return
			}
			g = object(t, r)
			for _, k := range excl {
				if full.Has(k) && !g.Has(k) {
					t.Errorf("%s lacks %q, which is returned \"always\"; excludedAttributes must have no effect on it", line(r), k)
				}
			}
		},
	},
	{
		ID: "SCIM-PROJ-003", Title: "attributes and excludedAttributes apply to every resource of a list",
		Spec:  "RFC 7644 §3.4.2.5, §3.9",
		Rule:  `Clients MAY request a partial resource representation on any operation that returns a resource within the response [...] each resource returned MUST contain the minimum set of resource attributes and any attributes or sub-attributes explicitly requested by the "attributes" parameter.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers, suites.CapFilter},
		Labels: []string{"area:projection", "tier:core"}, Covers: []string{"S118"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := richUser(t)
			u, _ := createUser(t, body)
			filter := fmt.Sprintf("userName eq %q", body.Str("userName"))
			coll := e.Disc.Endpoint(URNUser)
			for _, q := range []url.Values{
				{"filter": {filter}, "attributes": {"userName"}},
				{"filter": {filter}, "excludedAttributes": {"emails"}},
			} {
				l := query(t, coll, q)
				rs := l.Objs("Resources")
				if len(rs) == 0 {
					t.Errorf("GET %s?%s returned no resources; expected the user %s just created", coll, q.Encode(), u.Str("id"))
					continue
				}
				what := fmt.Sprintf("a resource of GET %s?%s", coll, q.Encode())
				for _, o := range rs {
					if q.Has("attributes") {
						projOnlyIn(t, what, o, false, "userName")
						continue
					}
					if o.Has("emails") {
						t.Errorf("%s still carries \"emails\"; expected it removed", what)
					}
					if !o.Has("id") || !o.Has("userName") {
						t.Errorf("%s lacks \"id\" or \"userName\", which were not excluded: %s", what, compact(o))
					}
				}
			}
		},
	},
	{
		ID: "SCIM-PROJ-004", Title: "attributes=userName also shapes the resource returned by POST, PUT and PATCH",
		Spec:  "RFC 7644 §3.9, §3.5.2",
		Rule:  `For any SCIM operation where a resource representation is returned (e.g., HTTP GET), the attributes returned are defined as the minimum attribute set plus default attribute set. [...] Clients MAY request a partial resource representation on any operation that returns a resource within the response [...] attributes: When specified, the default list of attributes SHALL be overridden [...] (§3.5.2) the server either MUST return a 200 OK response code and the entire resource within the response body, subject to the "attributes" query parameter (see Section 3.9), or MAY return HTTP status code 204 (No Content).`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:projection", "tier:extended"}, Covers: []string{"S118"},
		Run: func(t *suites.T) {
			e := Session(t)
			proj := url.Values{"attributes": {"userName"}}
			body := richUser(t)
			r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Query: proj, Body: body})
			adopt(t, URNUser, r)
			mustStatus(t, r, 201)
			if len(strings.TrimSpace(string(r.Body))) == 0 {
				// The body SHOULD be there (§3.3); without it there is
				// nothing to compare, and no id to go on with.
				t.Skipf("not applicable: %s with no body, so neither the projection nor the new user's id can be read", line(r))
			}
			o := object(t, r)
			projOnly(t, r, o, true, "userName")
			if o.Str("id") == "" {
				t.Fatalf("%s: cannot go on to PUT and PATCH without the new user's id", line(r))
			}
			path := resourcePath(e, URNUser, o.Str("id"))
			body["displayName"] = "Projected Replace"
			r = do(t, target.Request{Method: "PUT", Path: path, Query: proj, Body: body})
			if wantStatus(t, r, 200) {
				projOnly(t, r, object(t, r), true, "userName")
			}
			if ok, why := e.Disc.Has(suites.CapPatch); !ok {
				t.Logf("PATCH left out: %s", why)
				return
			}
			r = do(t, target.Request{Method: "PATCH", Path: path, Query: proj,
				Body: patchBody(op("replace", "displayName", "Projected Patch"))})
			switch r.Status {
			case 204:
				t.Logf("%s: no body, which §3.5.2 allows; nothing to compare", line(r))
			case 200:
				projOnly(t, r, object(t, r), true, "userName")
			default:
				wantStatus(t, r, 200, 204)
			}
		},
	},
	{
		ID: "SCIM-PROJ-005", Title: "attributes=name.givenName returns that sub-attribute only, also URN-qualified",
		Spec:  "RFC 7644 §3.9, §3.10",
		Rule:  `each resource returned MUST contain the minimum set of resource attributes and any attributes or sub-attributes explicitly requested by the "attributes" parameter. [...] (§3.10) Complex attributes' sub-attributes are referenced via nested dot ('.') notation, i.e., {urn}:{Attribute name}.{Sub-Attribute name}. [...] Clients MAY omit core schema attribute URN prefixes.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:projection", "tier:extended"}, Covers: []string{"S119"},
		Run: func(t *suites.T) {
			e := Session(t)
			if s := e.Disc.UserSchema(); s != nil && s.Attr("name.givenName") == nil {
				t.Skipf("not applicable: the target's User schema declares no \"name.givenName\"")
			}
			body := richUser(t)
			u, _ := createUser(t, body)
			path := resourcePath(e, URNUser, u.Str("id"))
			for _, sel := range []string{"name.givenName", URNUser + ":name.givenName"} {
				r := get(t, path, url.Values{"attributes": {sel}})
				mustStatus(t, r, 200)
				g := object(t, r)
				projOnly(t, r, g, true, "name")
				if got := g.Str("name", "givenName"); got != body.Str("name", "givenName") {
					t.Errorf("%s: name.givenName is %s; expected %q", line(r), compact(g.Get("name", "givenName")), body.Str("name", "givenName"))
				}
				for k := range g.Obj("name") {
					if !strings.EqualFold(k, "givenName") && !projAlwaysSub(e, "name."+k) {
						t.Errorf("%s: name carries %q, which was not requested: %s", line(r), k, compact(g.Get("name")))
					}
				}
			}
		},
	},
	{
		ID: "SCIM-PROJ-006", Title: "A URN-qualified enterprise attribute can be selected and excluded",
		Spec:  "RFC 7644 §3.9, §3.10",
		Rule:  `Clients MAY omit core schema attribute URN prefixes but SHOULD fully qualify extended attributes with the associated schema extension URN to avoid naming conflicts. [...] each resource returned MUST contain the minimum set of resource attributes and any attributes or sub-attributes explicitly requested by the "attributes" parameter.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers, suites.CapEnterpriseUser},
		Labels: []string{"area:projection", "tier:extended"}, Covers: []string{"S119"},
		Run: func(t *suites.T) {
			e := Session(t)
			if s := e.Disc.Schema(URNEnterprise); s != nil && (s.Attr("employeeNumber") == nil || s.Attr("department") == nil) {
				t.Skipf("not applicable: the target's enterprise schema does not declare both employeeNumber and department")
			}
			body := richUser(t)
			body["schemas"] = []any{URNUser, URNEnterprise}
			body[URNEnterprise] = Obj{"employeeNumber": "701984", "department": "Tour Operations"}
			u, _ := createUser(t, body)
			path := resourcePath(e, URNUser, u.Str("id"))
			full := object(t, get(t, path, nil))
			if full.Str(URNEnterprise, "employeeNumber") == "" {
				t.Skipf("not applicable: the user was created with an enterprise employeeNumber but GET does not return it (%s)", compact(full.Get(URNEnterprise)))
			}
			r := get(t, path, url.Values{"attributes": {URNEnterprise + ":employeeNumber"}})
			mustStatus(t, r, 200)
			g := object(t, r)
			projOnly(t, r, g, true, URNEnterprise)
			ext := g.Obj(URNEnterprise)
			if ext.Str("employeeNumber") != "701984" {
				t.Errorf("%s: the enterprise employeeNumber is %s; expected \"701984\" (the extension is %s)", line(r), compact(ext.Get("employeeNumber")), compact(ext))
			}
			if ext.Has("department") {
				t.Errorf("%s: the enterprise extension carries \"department\", which was not requested: %s", line(r), compact(ext))
			}
			r = get(t, path, url.Values{"excludedAttributes": {URNEnterprise + ":department"}})
			mustStatus(t, r, 200)
			g = object(t, r)
			if g.Has(URNEnterprise, "department") {
				t.Errorf("%s: the enterprise extension still carries \"department\": %s", line(r), compact(g.Get(URNEnterprise)))
			}
			if g.Str(URNEnterprise, "employeeNumber") == "" || !g.Has("userName") {
				t.Errorf("%s lost attributes that were not excluded (userName, the enterprise employeeNumber): %s", line(r), compact(g))
			}
		},
	},
	{
		ID: "SCIM-PROJ-007", Title: "returned=never attributes (password) are absent even when requested by name",
		Spec:  "RFC 7643 §7; RFC 7644 §3.9",
		Rule:  `never: The attribute is never returned. This may occur because the original attribute value (e.g., a hashed value) is not retained by the service provider. [A request naming it in "attributes" does not change that, on GET of one resource, on a list, or on the 201 of a POST.]`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:projection", "tier:core"}, Covers: []string{"S120"},
		Run: func(t *suites.T) {
			e := Session(t)
			s := e.Disc.UserSchema()
			var never []string
			if s == nil {
				never = []string{"password"}
			} else {
				for _, a := range s.Attributes {
					if a.Returned == "never" {
						never = append(never, a.Name)
					}
				}
			}
			if len(never) == 0 {
				t.Skipf("not applicable: the target's User schema declares no attribute returned \"never\"")
			}
			proj := url.Values{"attributes": {strings.Join(append([]string{"userName"}, never...), ",")}}
			password := "Pc!" + e.Name("Pw9")
			// Try the POST with the projection and a password first; a target
			// may refuse a password (policy) or a projection naming a
			// returned=never attribute (400), so fall back step by step.
			var u Obj
			var body Obj
			for _, try := range []struct {
				q        url.Values
				password bool
			}{{proj, true}, {nil, true}, {proj, false}, {nil, false}} {
				if try.password && !hasString(never, "password") {
					continue
				}
				body = newUser(t)
				if try.password {
					body["password"] = password
				}
				r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Query: try.q, Body: body})
				adopt(t, URNUser, r)
				if r.Status == 400 {
					t.Logf("%s%s; trying again (without the projection, then without a password)", line(r), bodyHint(r))
					continue
				}
				mustStatus(t, r, 201)
				u = object(t, r)
				projNever(t, line(r), u, never)
				break
			}
			if u == nil {
				t.Fatalf("cannot create a user to test with: every POST /Users answered 400 (see the exchanges)")
			}
			if u.Str("id") == "" {
				t.Fatalf("the 201 body has no id to read the user back with: %s", compact(u))
			}
			r := get(t, resourcePath(e, URNUser, u.Str("id")), proj)
			if projReturned(t, r) {
				projNever(t, line(r), object(t, r), never)
			}
			if ok, _ := e.Disc.Has(suites.CapFilter); ok {
				q := url.Values{"filter": {fmt.Sprintf("userName eq %q", body.Str("userName"))}, "attributes": proj["attributes"]}
				r = get(t, e.Disc.Endpoint(URNUser), q)
				if projReturned(t, r) {
					for _, o := range object(t, r).Objs("Resources") {
						projNever(t, "a resource of "+line(r), o, never)
					}
				}
			}
		},
	},
	{
		ID: "SCIM-PROJ-008", Title: "returned=request attributes appear only when requested",
		Spec:  "RFC 7643 §7; RFC 7644 §3.9",
		Rule:  `request: The attribute is returned in response to any PUT, POST, or PATCH operations if the attribute was specified by the client (for example, the attribute was modified). The attribute is returned in a SCIM query operation only if specified in the "attributes" parameter. [RFC 7644 §3.9: a GET returns the minimum set plus the default set, which a returned=request attribute is in neither.]`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:projection", "tier:extended"}, Covers: []string{"S120"},
		Run: func(t *suites.T) {
			e := Session(t)
			s := e.Disc.UserSchema()
			var attr *Attribute
			if s != nil {
				for i := range s.Attributes {
					a := &s.Attributes[i]
					if a.Returned == "request" && (attr == nil || a.Type == "string" && a.Mutability == "readWrite" && !a.MultiValued) {
						attr = a
					}
				}
			}
			if attr == nil {
				t.Skipf("not applicable: the target's User schema declares no attribute returned \"request\"")
			}
			body := newUser(t)
			settable := attr.Type == "string" && attr.Mutability == "readWrite" && !attr.MultiValued
			if settable {
				body[attr.Name] = e.Name("pc-req")
			}
			u, _ := createUser(t, body)
			path := resourcePath(e, URNUser, u.Str("id"))
			r := get(t, path, nil)
			mustStatus(t, r, 200)
			if g := object(t, r); g.Has(attr.Name) {
				t.Errorf("%s carries %q (%s), which the User schema declares returned \"request\"; expected it only when requested",
					line(r), attr.Name, compact(g.Get(attr.Name)))
			}
			r = get(t, path, url.Values{"attributes": {attr.Name}})
			mustStatus(t, r, 200)
			if g := object(t, r); settable && g.Str(attr.Name) != body.Str(attr.Name) {
				t.Errorf("%s: %q is %s; expected the value %q set on create, as it was requested",
					line(r), attr.Name, compact(g.Get(attr.Name)), body.Str(attr.Name))
			}
		},
	},
	{
		ID: "SCIM-PROJ-009", Title: "attributes and excludedAttributes together: 400 or one documented precedence, never 5xx",
		Spec:  "RFC 7644 §3.9",
		Rule:  `Clients MAY request a partial resource representation [...] by specifying either of the mutually exclusive URL query parameters "attributes" or "excludedAttributes". [derived: the RFC does not say what a server does with both; refusing with 400 or applying one of them is fine, failing with a 5xx is not, and a 200 still carries the minimum set.]`,
		Level: suites.Should, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:projection", "tier:extended"}, Covers: []string{"S121"},
		Run: func(t *suites.T) {
			e := Session(t)
			u, _ := createUser(t, richUser(t))
			r := get(t, resourcePath(e, URNUser, u.Str("id")), url.Values{"attributes": {"userName,emails"}, "excludedAttributes": {"emails"}})
			switch {
			case r.Status == 400:
				if probs := scimErrorProblems(r); len(probs) > 0 {
					t.Errorf("%s with a body that is not a SCIM error: %s%s", line(r), strings.Join(probs, "; "), bodyHint(r))
				}
			case r.Status == 200:
				g := object(t, r)
				if g.Str("id") != u.Str("id") {
					t.Errorf("%s: \"id\" is %s; expected %q, as id is returned always", line(r), compact(g.Get("id")), u.Str("id"))
				}
				if !g.Has("userName") {
					t.Errorf("%s lacks userName, which both readings of the request return", line(r))
				}
			default:
				t.Errorf("%s; expected 400 or 200 with one of the parameters applied%s", line(r), bodyHint(r))
			}
		},
	},
}

// projAlways returns the top-level User attributes a representation carries
// whatever the projection: id (RFC 7643 §3.1), schemas (RFC 7643 §3) and
// every attribute the target's User schema declares returned "always".
func projAlways(e *Env) []string {
	out := []string{"id", "schemas"}
	if s := e.Disc.UserSchema(); s != nil {
		for _, a := range s.Attributes {
			if a.Returned == "always" && !hasString(out, a.Name) {
				out = append(out, a.Name)
			}
		}
	}
	return out
}

// projAlwaysSub reports whether the User schema declares the attribute at
// path ("name.givenName") returned "always".
func projAlwaysSub(e *Env, path string) bool {
	a := e.Disc.UserSchema().Attr(path)
	return a != nil && a.Returned == "always"
}

// projOnly is projOnlyIn for the resource a response returned.
func projOnly(t *suites.T, r *target.Response, o Obj, single bool, want ...string) {
	projOnlyIn(t, line(r), o, single, want...)
}

// projOnlyIn fails unless the resource o carries id (and schemas, for a
// single resource), each attribute in want, and no other attribute but the
// returned=always ones and meta (RFC 7643 gives meta no "returned"
// characteristic, so it may be there or not). what names the response.
func projOnlyIn(t *suites.T, what string, o Obj, single bool, want ...string) {
	e := Session(t)
	if o.Str("id") == "" {
		t.Errorf("%s: \"id\" is missing; RFC 7643 §3.1 returns it always, whatever the projection (got %s)", what, compact(o))
	}
	if single && !o.Has("schemas") {
		t.Errorf("%s: \"schemas\" is missing; RFC 7643 §3 requires it in every resource (got %s)", what, compact(o))
	}
	for _, w := range want {
		if !o.Has(w) {
			t.Errorf("%s lacks the requested %q (got %s)", what, w, compact(o))
		}
	}
	allowed := append(projAlways(e), want...)
	var extra []string
	for k, v := range o {
		if hasString(allowed, k) || strings.EqualFold(k, "meta") || projEmpty(v) {
			continue
		}
		extra = append(extra, fmt.Sprintf("%s: %s", k, compact(v)))
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		t.Errorf("%s carries attributes that were neither requested nor are returned \"always\": %s", what, strings.Join(extra, "; "))
	}
}

// projReturned reports whether r is a 200 with a body to look into. A 400 is
// logged, not failed: a target may refuse a projection that names a
// returned=never attribute.
func projReturned(t *suites.T, r *target.Response) bool {
	if r.Status == 400 {
		t.Logf("%s%s: the target refuses to project a returned=never attribute, which keeps it unreturned", line(r), bodyHint(r))
		return false
	}
	return wantStatus(t, r, 200, 400)
}

// projEmpty reports whether v is null, an empty object or an empty array,
// which RFC 7643 §2.5 treats as unassigned.
func projEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

// projNever fails if the resource o carries one of the attributes never.
func projNever(t *suites.T, what string, o Obj, never []string) {
	for _, n := range never {
		if o.Has(n) {
			t.Errorf("%s carries %q, which the User schema declares returned \"never\"; it was named in attributes=, which must not change that", what, n)
		}
	}
}
