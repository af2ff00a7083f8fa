package scim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/url"
	"slices"
	"strings"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// do sends req and records it as evidence. A transport failure aborts the
// check with status error: the target's conformance was not measured.
func do(t *suites.T, req target.Request) *target.Response {
	e := Session(t)
	req = e.withUserEmail(t, req)
	resp, err := e.Client.Do(t.Context(), req, t)
	if err != nil {
		t.Abort(fmt.Errorf("%s %s: %w", req.Method, req.Path, err))
	}
	return resp
}

// userEmailExempt is the check of exactly what --user-email works around:
// a User with schemas and userName alone is created. It always sends that.
const userEmailExempt = "SCIM-USERS-001"

// withUserEmail returns req with one work email added to its body when the
// run asks for it (Env.UserEmail), the request is a POST or PUT of a User
// (schemas names the core User schema) with a userName and without
// "emails", and the check is not SCIM-USERS-001. Some servers refuse a User
// without an email although RFC 7643 §4.1 requires only userName; with the
// email every other check measures its own rule. The address is a function
// of the userName (a PUT restating a user restates its email) and carries
// the run marker.
func (e *Env) withUserEmail(t *suites.T, req target.Request) target.Request {
	if !e.UserEmail || t.Name() == userEmailExempt || (req.Method != "POST" && req.Method != "PUT") {
		return req
	}
	var body Obj
	switch b := req.Body.(type) {
	case Obj:
		body = b
	case map[string]any:
		body = Obj(b)
	default:
		return req
	}
	name, ok := body["userName"].(string)
	if !ok || body.Has("emails") || !hasString(body.Strs("schemas"), URNUser) {
		return req
	}
	sum := sha256.Sum256([]byte(name))
	withEmail := Obj{"emails": []any{Obj{
		"value": fmt.Sprintf("pc-mail-%s-%s@example.com", e.Client.RunID(), hex.EncodeToString(sum[:6])),
		"type":  "work", "primary": true,
	}}}
	for k, v := range body {
		withEmail[k] = v
	}
	req.Body = withEmail
	return req
}

// get is do with GET.
func get(t *suites.T, path string, q url.Values) *target.Response {
	return do(t, target.Request{Method: "GET", Path: path, Query: q})
}

// line names a request and its answer for messages: "POST /Users answered 500".
func line(r *target.Response) string {
	return fmt.Sprintf("%s %s answered %d", r.Exchange.Method, r.Exchange.URL, r.Status)
}

// wantStatus fails the check unless the status is one of want.
func wantStatus(t *suites.T, r *target.Response, want ...int) bool {
	if slices.Contains(want, r.Status) {
		return true
	}
	t.Errorf("%s; expected %s%s", line(r), statusList(want), bodyHint(r))
	return false
}

// mustStatus is wantStatus that stops the check.
func mustStatus(t *suites.T, r *target.Response, want ...int) {
	if !wantStatus(t, r, want...) {
		t.FailNow()
	}
}

func statusList(want []int) string {
	s := make([]string, len(want))
	for i, w := range want {
		s[i] = fmt.Sprint(w)
	}
	return strings.Join(s, " or ")
}

// bodyHint quotes the start of an error body, which is often the whole story.
func bodyHint(r *target.Response) string {
	b := strings.TrimSpace(string(r.Body))
	if b == "" {
		return ""
	}
	if len(b) > 200 {
		b = b[:200] + "…"
	}
	return fmt.Sprintf(" (body: %s)", b)
}

// object decodes the response as a JSON object, failing the check (the
// target answered something that is not SCIM JSON) when it is not.
func object(t *suites.T, r *target.Response) Obj {
	m, err := r.Object()
	if err != nil {
		t.Fatalf("%s: %v", line(r), err)
	}
	return Obj(m)
}

// mediaType returns the media type of the response, lower case, or "".
func mediaType(r *target.Response) string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Type")))
	}
	return mt
}

// newUser returns a minimal User body with a fresh run-unique userName.
func newUser(t *suites.T) Obj {
	return Obj{"schemas": []any{URNUser}, "userName": Session(t).Name("pc-user")}
}

// createUser POSTs body to the User endpoint, expects 201 and a JSON object
// with an id, and registers a clean-up that deletes the user. It stops the
// check when the target does not create the user.
func createUser(t *suites.T, body Obj) (Obj, *target.Response) {
	return createResource(t, URNUser, body)
}

// newGroup returns a minimal Group body with a fresh run-unique displayName.
func newGroup(t *suites.T) Obj {
	return Obj{"schemas": []any{URNGroup}, "displayName": Session(t).Name("pc-group")}
}

// newResource returns a minimal body of the resource type with schema urn:
// newGroup for Groups, newUser otherwise.
func newResource(t *suites.T, urn string) Obj {
	if urn == URNGroup {
		return newGroup(t)
	}
	return newUser(t)
}

// createGroup is createUser for Groups.
func createGroup(t *suites.T, body Obj) (Obj, *target.Response) {
	return createResource(t, URNGroup, body)
}

// createResource POSTs body to the endpoint of the resource type with schema
// urn, expects 201 and registers a clean-up that deletes the resource. It
// returns the created resource: the body, or, when the 201 carries none (the
// body is a SHOULD, RFC 7644 §3.3), a GET of its Location. It stops the
// check when nothing is created.
func createResource(t *suites.T, urn string, body Obj) (Obj, *target.Response) {
	e := Session(t)
	r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(urn), Body: body})
	return created(t, urn, r)
}

// createUserOrSkip is createUser for a fixture the RFC allows the target to
// refuse: a 400 skips the check as not applicable, saying why.
func createUserOrSkip(t *suites.T, body Obj, why string) Obj {
	r := do(t, target.Request{Method: "POST", Path: Session(t).Disc.Endpoint(URNUser), Body: body})
	if r.Status == 400 {
		t.Skipf("not applicable: %s%s; %s", line(r), bodyHint(r), why)
	}
	u, _ := created(t, URNUser, r)
	return u
}

// created is the end of createResource: r is the answer to the POST.
func created(t *suites.T, urn string, r *target.Response) (Obj, *target.Response) {
	kind := "user"
	if urn == URNGroup {
		kind = "group"
	}
	if r.Status != 201 {
		t.Fatalf("cannot create a %s to test with: %s; expected 201%s", kind, line(r), bodyHint(r))
	}
	adopt(t, urn, r)
	if m, err := r.Object(); err == nil && Obj(m).Str("id") != "" {
		return Obj(m), r
	}
	loc := locationOf(r)
	if loc == "" {
		t.Fatalf("%s with neither the resource (with an \"id\") in the body nor a Location header; the new %s cannot be found%s",
			line(r), kind, bodyHint(r))
	}
	g := get(t, loc, nil)
	if g.Status != 200 {
		t.Fatalf("%s without the resource in the body, and GET of its Location answered %d%s", line(r), g.Status, bodyHint(g))
	}
	o := object(t, g)
	if o.Str("id") == "" {
		t.Fatalf("GET %s (the Location of a new %s) has no \"id\": %s", loc, kind, compact(o))
	}
	return o, r
}

// adopt registers the clean-up of a resource that r created (status 201,
// with an id in the body or, without a body, a Location), whether or not
// the check expected it.
func adopt(t *suites.T, urn string, r *target.Response) {
	if r.Status != 201 {
		return
	}
	loc := ""
	if m, err := r.Object(); err == nil {
		if id, _ := m["id"].(string); id != "" {
			loc = resourcePath(Session(t), urn, id)
		}
	}
	if loc == "" {
		loc = locationOf(r)
	}
	if loc != "" {
		t.Cleanup(func() { deleteIfOwned(t, loc) })
	}
}

// locationOf returns the Location header of r as an absolute URL (a
// relative one is resolved against the request URL), or "".
func locationOf(r *target.Response) string {
	loc := strings.TrimSpace(r.Header.Get("Location"))
	if loc == "" {
		return ""
	}
	base, err := url.Parse(r.URL)
	if err != nil {
		return loc
	}
	ref, err := base.Parse(loc)
	if err != nil {
		return loc
	}
	return ref.String()
}

// op returns one PATCH operation; path and value are left out when empty/nil.
func op(name, path string, value any) Obj {
	o := Obj{"op": name}
	if path != "" {
		o["path"] = path
	}
	if value != nil {
		o["value"] = value
	}
	return o
}

// patchBody wraps operations in a PatchOp message (RFC 7644 §3.5.2).
func patchBody(ops ...Obj) Obj {
	list := make([]any, len(ops))
	for i, o := range ops {
		list[i] = o
	}
	return Obj{"schemas": []any{URNPatchOp}, "Operations": list}
}

// patch sends a PATCH with the given operations to path.
func patch(t *suites.T, path string, ops ...Obj) *target.Response {
	return do(t, target.Request{Method: "PATCH", Path: path, Body: patchBody(ops...)})
}

// query GETs a list endpoint with query parameters and returns the
// ListResponse, stopping the check unless the answer is 200 with one.
func query(t *suites.T, path string, q url.Values) Obj {
	return filterListOf(t, get(t, path, q))
}

// resourcePath is the path of one resource: /Users/<id>.
func resourcePath(e *Env, urn, id string) string {
	return e.Disc.Endpoint(urn) + "/" + url.PathEscape(id)
}

// deleteIfOwned deletes a resource of this run that is still alive. It is a
// clean-up: failures are logged, not reported as violations.
func deleteIfOwned(t *suites.T, path string) {
	e := Session(t)
	if led := e.Client.Ledger(); led != nil && !led.Owns(e.Client.BaseURL()+path) && !led.Owns(path) {
		return
	}
	r, err := e.Client.Do(t.Context(), target.Request{Method: "DELETE", Path: path}, nil)
	if err != nil {
		t.Logf("clean-up DELETE %s: %v (the ledger keeps it for 'provcheck cleanup')", path, err)
		return
	}
	if r.Status >= 300 && r.Status != 404 {
		t.Logf("clean-up DELETE %s answered %d (the ledger keeps it for 'provcheck cleanup')", path, r.Status)
	}
}

// randomMissingID returns an id no target holds: it is fresh random hex with
// the run marker, so requests on it are safe to send.
func randomMissingID(t *suites.T) string {
	return Session(t).Name("pc-missing")
}

// scimErrorProblems lists what is wrong with an error body for the given
// HTTP status, per RFC 7644 §3.12; empty means it is a valid SCIM error.
func scimErrorProblems(r *target.Response) []string {
	m, err := r.Object()
	if err != nil {
		return []string{fmt.Sprintf("the body is not a SCIM error object: %v", err)}
	}
	o := Obj(m)
	var probs []string
	if !hasString(o.Strs("schemas"), URNError) {
		probs = append(probs, fmt.Sprintf("\"schemas\" does not contain %s (got %s)", URNError, compact(o.Get("schemas"))))
	}
	switch st := o.Get("status").(type) {
	case string:
		if st != fmt.Sprint(r.Status) {
			probs = append(probs, fmt.Sprintf("\"status\" is %q but the HTTP status is %d", st, r.Status))
		}
	case nil:
		probs = append(probs, "\"status\" is missing (REQUIRED, the HTTP status as a JSON string)")
	default:
		probs = append(probs, fmt.Sprintf("\"status\" is %s, not a JSON string", compact(st)))
	}
	if st, ok := o.Get("scimType").(string); ok && !hasString(scimTypes, st) {
		probs = append(probs, fmt.Sprintf("\"scimType\" %q is not one of RFC 7644 Table 9 (%s)", st, strings.Join(scimTypes, ", ")))
	}
	return probs
}

// scimTypes are the detail error keywords of RFC 7644 §3.12, Table 9.
var scimTypes = []string{"invalidFilter", "tooMany", "uniqueness", "mutability", "invalidSyntax",
	"invalidPath", "noTarget", "invalidValue", "invalidVers", "sensitive"}

// scimType returns the scimType of an error response, or "".
func scimType(r *target.Response) string {
	m, err := r.Object()
	if err != nil {
		return ""
	}
	return Obj(m).Str("scimType")
}

// wantBadRequest fails the check unless the answer is 400 and its scimType,
// when there is one, is one of allowed (the first is the one expected).
func wantBadRequest(t *suites.T, r *target.Response, allowed ...string) {
	if !wantStatus(t, r, 400) {
		return
	}
	if st := scimType(r); st != "" && !hasString(allowed, st) {
		t.Errorf("%s with scimType %q; expected %s", line(r), st, allowed[0])
	}
}
