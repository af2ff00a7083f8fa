package scim

import (
	"slices"
	"strings"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of resource versions and conditional requests: RFC 7644 §3.14,
// RFC 7643 §3.1 (meta.version) and RFC 7232 (ETag, If-Match, If-None-Match).
var etagChecks = []suites.Check{
	{
		ID: "SCIM-ETAG-001", Title: "POST, GET, PUT and PATCH answer with an ETag header equal to meta.version",
		Spec:  "RFC 7644 §3.14; RFC 7643 §3.1",
		Rule:  `When supported, SCIM ETags MUST be specified as an HTTP header and SHOULD be specified within the 'version' attribute contained in the resource's 'meta' attribute. [RFC 7643 §3.1] version: [...] This value must be the same as the entity-tag (ETag) HTTP response header. [Compared on the opaque value: a W/ prefix on one side only is noted, not failed.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapETag},
		Labels: []string{"area:etag", "tier:core"}, Covers: []string{"S125"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			u, r := createUser(t, body)
			etagMatchesVersion(t, r, u)
			path := resourcePath(e, URNUser, u.Str("id"))
			r = get(t, path, nil)
			mustStatus(t, r, 200)
			etagMatchesVersion(t, r, object(t, r))
			body["displayName"] = "ETag Replace"
			r = do(t, target.Request{Method: "PUT", Path: path, Body: body})
			mustStatus(t, r, 200)
			etagMatchesVersion(t, r, object(t, r))
			if ok, why := e.Disc.Has(suites.CapPatch); !ok {
				t.Logf("PATCH left out: %s", why)
				return
			}
			r = patch(t, path, op("replace", "displayName", "ETag Patch"))
			switch r.Status {
			case 200:
				etagMatchesVersion(t, r, object(t, r))
			case 204:
				t.Logf("%s with no body; its ETag header, if any, is not compared", line(r))
			default:
				wantStatus(t, r, 200, 204)
			}
		},
	},
	{
		ID: "SCIM-ETAG-002", Title: "A resource carries its version in meta.version",
		Spec:  "RFC 7644 §3.14",
		Rule:  `When supported, SCIM ETags MUST be specified as an HTTP header and SHOULD be specified within the 'version' attribute contained in the resource's 'meta' attribute.`,
		Level: suites.Should, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers, suites.CapETag},
		Labels: []string{"area:etag", "tier:extended"}, Covers: []string{"S125"},
		Run: func(t *suites.T) {
			u, _ := createUser(t, newUser(t))
			r := get(t, resourcePath(Session(t), URNUser, u.Str("id")), nil)
			mustStatus(t, r, 200)
			if g := object(t, r); g.Str("meta", "version") == "" {
				t.Errorf("%s: meta.version is missing (meta is %s); the ServiceProviderConfig advertises etag.supported", line(r), compact(g.Get("meta")))
			}
		},
	},
	{
		ID: "SCIM-ETAG-003", Title: "GET with If-None-Match: the current version answers 304, a stale one 200",
		Spec:  "RFC 7644 §3.14; RFC 7232 §3.2",
		Rule:  `If the resource has not changed, the service provider simply returns an empty body with a 304 (Not Modified) response code. [RFC 7232 §3.2] An origin server MUST NOT perform the requested method if the condition evaluates to false; instead, the origin server MUST respond with either a) the 304 (Not Modified) status code if the request method is GET or HEAD [...]. [With a stale version the condition is true: the resource is returned.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapETag},
		Labels: []string{"area:etag", "tier:core"}, Covers: []string{"S126"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			u, r := createUser(t, body)
			path := resourcePath(e, URNUser, u.Str("id"))
			v1 := etagOf(t, r, u)
			r = do(t, target.Request{Method: "GET", Path: path, Header: map[string]string{"If-None-Match": v1}})
			if r.Status != 304 {
				t.Errorf("%s with If-None-Match: %s, the current version; expected 304 Not Modified%s", line(r), v1, bodyHint(r))
			}
			body["displayName"] = "ETag Changed"
			r = do(t, target.Request{Method: "PUT", Path: path, Body: body})
			mustStatus(t, r, 200)
			v2 := etagOf(t, r, object(t, r))
			if etagOpaque(v2) == etagOpaque(v1) {
				t.Fatalf("%s kept the version %s; cannot test a stale If-None-Match", line(r), v2)
			}
			r = do(t, target.Request{Method: "GET", Path: path, Header: map[string]string{"If-None-Match": v1}})
			if wantStatus(t, r, 200) {
				if g := object(t, r); g.Str("displayName") != body.Str("displayName") {
					t.Errorf("%s with the stale If-None-Match: %s returned displayName %q; expected the current %q",
						line(r), v1, g.Str("displayName"), body.Str("displayName"))
				}
			}
			r = do(t, target.Request{Method: "GET", Path: path, Header: map[string]string{"If-None-Match": v2}})
			if r.Status != 304 {
				t.Errorf("%s with If-None-Match: %s, the version after the PUT; expected 304 Not Modified%s", line(r), v2, bodyHint(r))
			}
		},
	},
	{
		ID: "SCIM-ETAG-004", Title: "If-Match with a stale version: PUT, PATCH and DELETE answer 412 and change nothing; the current version succeeds",
		Spec:  "RFC 7644 §3.14; RFC 7232 §3.1",
		Rule:  `the client MAY supply an If-Match header (Section 3.1 of [RFC7232]) for PUT and PATCH operations to ensure that the requested operation succeeds only if the supplied ETag matches the latest service provider resource [...] [RFC 7232 §3.1] An origin server MUST NOT perform the requested method if a received If-Match condition evaluates to false; instead, the origin server MUST respond with either a) the 412 (Precondition Failed) status code or b) one of the 2xx (Successful) status codes if the origin server has verified that a state change is being requested and the final state is already reflected in the current state of the target resource. [RFC 7232 asks for the strong comparison with If-Match, but SCIM versions are weak and RFC 7644's own examples send If-Match: W/"e180ee84f0671b1", so the current weak version must match.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapETag},
		Labels: []string{"area:etag", "tier:core"}, Covers: []string{"S127"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			body["displayName"] = "ETag Original"
			u, r := createUser(t, body)
			path := resourcePath(e, URNUser, u.Str("id"))
			stale := etagOf(t, r, u)
			body["displayName"] = "ETag Current"
			r = do(t, target.Request{Method: "PUT", Path: path, Body: body})
			mustStatus(t, r, 200)
			cur := etagOf(t, r, object(t, r))
			if etagOpaque(cur) == etagOpaque(stale) {
				t.Fatalf("%s kept the version %s; cannot test a stale If-Match", line(r), cur)
			}
			ifMatch := func(v string) map[string]string { return map[string]string{"If-Match": v} }
			staleBody := Obj{}
			for k, v := range body {
				staleBody[k] = v
			}
			staleBody["displayName"] = "ETag Stale Write"
			patchOK, why := e.Disc.Has(suites.CapPatch)
			if !patchOK {
				t.Logf("PATCH left out: %s", why)
			}
			stales := []target.Request{{Method: "PUT", Path: path, Body: staleBody, Header: ifMatch(stale)}}
			if patchOK {
				stales = append(stales, target.Request{Method: "PATCH", Path: path, Header: ifMatch(stale),
					Body: patchBody(op("replace", "displayName", "ETag Stale Write"))})
			}
			stales = append(stales, target.Request{Method: "DELETE", Path: path, Header: ifMatch(stale)})
			for _, req := range stales {
				r = do(t, req)
				if r.Status != 412 {
					t.Errorf("%s with If-Match: %s, a version the PUT before replaced; expected 412 Precondition Failed%s", line(r), stale, bodyHint(r))
				}
				g := get(t, path, nil)
				if g.Status != 200 {
					t.Fatalf("after %s %s with a stale If-Match, %s; expected the user unchanged", req.Method, path, line(g))
				}
				if dn := object(t, g).Str("displayName"); dn != body.Str("displayName") {
					t.Errorf("after %s %s with a stale If-Match, displayName is %q; expected it unchanged (%q)", req.Method, path, dn, body.Str("displayName"))
				}
			}
			current := func(r *target.Response, v string, want ...int) {
				if !slices.Contains(want, r.Status) {
					t.Fatalf("%s with If-Match: %s, the current version as the target gave it; expected %s%s",
						line(r), v, statusList(want), bodyHint(r))
				}
			}
			body["displayName"] = "ETag Matched"
			r = do(t, target.Request{Method: "PUT", Path: path, Body: body, Header: ifMatch(cur)})
			current(r, cur, 200)
			cur = etagOf(t, r, object(t, r))
			if patchOK {
				r = do(t, target.Request{Method: "PATCH", Path: path, Header: ifMatch(cur),
					Body: patchBody(op("replace", "displayName", "ETag Matched Patch"))})
				current(r, cur, 200, 204)
				g := get(t, path, nil)
				mustStatus(t, g, 200)
				cur = etagOf(t, g, object(t, g))
			}
			current(do(t, target.Request{Method: "DELETE", Path: path, Header: ifMatch(cur)}), cur, 204)
		},
	},
	{
		ID: "SCIM-ETAG-005", Title: "The version changes with every modification and only then",
		Spec:  "RFC 7643 §3.1; RFC 7644 §3.14",
		Rule:  `version: The version of the resource being returned. This value must be the same as the entity-tag (ETag) HTTP response header. [RFC 7232 §2.3: an entity-tag is an opaque validator for differentiating between multiple representations of the same resource; a modified resource gets a new one.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapETag},
		Labels: []string{"area:etag", "tier:core"}, Covers: []string{"S128"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			u, r := createUser(t, body)
			path := resourcePath(e, URNUser, u.Str("id"))
			seen := map[string]string{etagOpaque(etagOf(t, r, u)): line(r)}
			last := etagOf(t, r, u)
			step := func(r *target.Response) {
				g := get(t, path, nil)
				mustStatus(t, g, 200)
				v := etagOf(t, g, object(t, g))
				if prev, ok := seen[etagOpaque(v)]; ok {
					t.Errorf("after %s the version is %s, as it was after %s; expected a new version", line(r), v, prev)
				}
				seen[etagOpaque(v)] = line(r)
				last = v
			}
			for _, dn := range []string{"ETag One", "ETag Two"} {
				body["displayName"] = dn
				r = do(t, target.Request{Method: "PUT", Path: path, Body: body})
				mustStatus(t, r, 200)
				step(r)
			}
			if ok, why := e.Disc.Has(suites.CapPatch); ok {
				r = patch(t, path, op("replace", "displayName", "ETag Three"))
				mustStatus(t, r, 200, 204)
				step(r)
			} else {
				t.Logf("PATCH left out: %s", why)
			}
			g := get(t, path, nil)
			mustStatus(t, g, 200)
			if v := etagOf(t, g, object(t, g)); etagOpaque(v) != etagOpaque(last) {
				t.Errorf("%s: the version is %s, though nothing changed since it was %s", line(g), v, last)
			}
		},
	},
}

// etagOpaque returns the opaque part of an entity-tag: without the weak
// prefix W/ and the quotes, so W/"3" and "3" (and a bare 3 in meta.version)
// compare equal.
func etagOpaque(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && strings.EqualFold(v[:2], "W/") {
		v = v[2:]
	}
	return strings.Trim(v, `"`)
}

// etagOf returns the version of the resource o that r returned: the ETag
// header, else meta.version. It stops the check when there is neither.
func etagOf(t *suites.T, r *target.Response, o Obj) string {
	if h := r.Header.Get("ETag"); h != "" {
		return h
	}
	if v := o.Str("meta", "version"); v != "" {
		return v
	}
	t.Fatalf("%s with neither an ETag header nor meta.version, though the ServiceProviderConfig advertises etag.supported", line(r))
	return ""
}

// etagMatchesVersion fails unless r carries an ETag header that equals the
// meta.version of the resource o it returned (when o has one).
func etagMatchesVersion(t *suites.T, r *target.Response, o Obj) {
	h := r.Header.Get("ETag")
	mv := o.Str("meta", "version")
	switch {
	case h == "":
		t.Errorf("%s without an ETag header; with etag.supported the version MUST be an HTTP header (meta.version is %q)", line(r), mv)
	case mv == "":
		t.Logf("%s: ETag %s, no meta.version to compare with", line(r), h)
	case etagOpaque(h) != etagOpaque(mv):
		t.Errorf("%s: the ETag header is %s but meta.version is %s; they must be the same", line(r), h, mv)
	case h != mv:
		t.Logf("%s: the ETag header %s and meta.version %s differ only in form", line(r), h, mv)
	}
}
