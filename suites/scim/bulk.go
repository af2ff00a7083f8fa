package scim

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// bulkMaxSend is the largest Bulk request a check sends to provoke 413: a
// target whose advertised limit is larger is not tested against it.
const bulkMaxSend = 2 << 20

// Checks of Bulk operations: RFC 7644 §3.7 and §3.7.1–§3.7.4. Every resource
// a Bulk request creates is cleaned up from the locations in its answer.
var bulkChecks = []suites.Check{
	{
		ID: "SCIM-BULK-001", Title: "POST /Bulk creating users answers 200 with a BulkResponse: method, bulkId, status and location per operation",
		Spec:  "RFC 7644 §3.7, §3.7.3",
		Rule:  `If a bulk job is processed successfully, HTTP response code 200 OK MUST be returned [...] The service provider MUST return the same "bulkId" together with the newly created resource. [...] A "location" attribute that includes the resource's endpoint MUST be returned for all operations except for failed POST operations. [...] The status attribute MUST include the code attribute that holds the HTTP response code that would have been returned if a single HTTP request would have been used.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapBulk, suites.CapUsers},
		Labels: []string{"area:bulk", "tier:core", "dialect:rfc"}, Covers: []string{"S129"},
		Run: func(t *suites.T) {
			e := Session(t)
			users := map[string]Obj{"u1": newUser(t), "u2": newUser(t)}
			r := bulkSend(t, 0, bulkPost(e, URNUser, "u1", users["u1"]), bulkPost(e, URNUser, "u2", users["u2"]))
			res := bulkResults(t, r)
			if o := object(t, r); !hasString(o.Strs("schemas"), URNBulkResp) {
				t.Errorf("\"schemas\" of the answer is %s; expected it to contain %s", compact(o.Get("schemas")), URNBulkResp)
			}
			if len(res) != 2 {
				t.Errorf("the BulkResponse has %d operations; expected 2, one per operation sent: %s", len(res), compact(res))
			}
			for _, id := range []string{"u1", "u2"} {
				op := bulkByID(res, id)
				if op == nil {
					t.Errorf("no operation of the BulkResponse has bulkId %q; the service provider MUST return the bulkId with the created resource: %s", id, compact(res))
					continue
				}
				if !strings.EqualFold(op.Str("method"), "POST") {
					t.Errorf("operation %q has method %s; expected \"POST\"", id, compact(op.Get("method")))
				}
				if st, _ := bulkStatusCode(op); st != 201 {
					t.Errorf("operation %q has status %s; expected 201, the status a single POST gets", id, compact(op.Get("status")))
				}
				_, uid := bulkLocated(e, op.Str("location"))
				if uid == "" {
					t.Errorf("operation %q has location %s; expected the URL of the new user", id, compact(op.Get("location")))
					continue
				}
				g := get(t, resourcePath(e, URNUser, uid), nil)
				if wantStatus(t, g, 200) && !strings.EqualFold(object(t, g).Str("userName"), users[id].Str("userName")) {
					t.Errorf("the user at the location of operation %q has userName %q; expected %q", id, object(t, g).Str("userName"), users[id].Str("userName"))
				}
			}
		},
	},
	{
		ID: "SCIM-BULK-002", Title: "A bulkId reference in a new group's members is replaced by the new user's id",
		Spec:  "RFC 7644 §3.7.2",
		Rule:  `The "bulkId" attribute value must be prepended with the literal "bulkId:"; e.g., if the bulkId is 'qwerty', the value is "bulkId:qwerty". The service provider MUST replace the string "bulkId:qwerty" with the permanent resource id once created.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapBulk, suites.CapUsers, suites.CapGroups},
		Labels: []string{"area:bulk", "tier:core", "dialect:rfc"}, Covers: []string{"S130"},
		Run: func(t *suites.T) {
			e := Session(t)
			group := newGroup(t)
			group["members"] = []any{Obj{"type": "User", "value": "bulkId:u"}}
			r := bulkSend(t, 0, bulkPost(e, URNUser, "u", newUser(t)), bulkPost(e, URNGroup, "g", group))
			res := bulkResults(t, r)
			uid := bulkCreated(t, e, res, "u")
			gid := bulkCreated(t, e, res, "g")
			got := groupMemberIDs(groupRead(t, resourcePath(e, URNGroup, gid)))
			for _, v := range got {
				if strings.HasPrefix(v, "bulkId:") {
					t.Fatalf("the group created with member \"bulkId:u\" has member value %q; expected the bulkId replaced by the user's id %q", v, uid)
				}
			}
			groupWantSet(t, got, []string{uid}, `a Bulk request creating user "u" and a group with member "bulkId:u"`)
		},
	},
	{
		ID: "SCIM-BULK-003", Title: "Circular bulkId references are resolved, or refused with 409",
		Spec:  "RFC 7644 §3.7.1",
		Rule:  `The service provider MUST try to resolve circular cross-references between resources in a single bulk job but MAY stop after a failed attempt and instead return HTTP status code 409 (Conflict).`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapBulk, suites.CapGroups},
		Labels: []string{"area:bulk", "tier:extended"}, Covers: []string{"S131"},
		Run: func(t *suites.T) {
			e := Session(t)
			if !bulkNestedGroups(e) {
				t.Skipf("not applicable: the target's Group schema does not declare groups as members (members.type canonicalValues or members.$ref referenceTypes), and the RFC's circular example nests groups")
			}
			a, b := newGroup(t), newGroup(t)
			a["members"] = []any{Obj{"type": "Group", "value": "bulkId:gb"}}
			b["members"] = []any{Obj{"type": "Group", "value": "bulkId:ga"}}
			r := bulkSend(t, 0, bulkPost(e, URNGroup, "ga", a), bulkPost(e, URNGroup, "gb", b))
			if r.Status == 409 {
				t.Logf("the target refuses the circular references as a whole with 409, which §3.7.1 allows")
				return
			}
			res := bulkResults(t, r)
			ids := map[string]string{}
			var others []string // operations failed with a status other than 409
			conflict := false
			for _, bid := range []string{"ga", "gb"} {
				op := bulkByID(res, bid)
				if op == nil {
					t.Fatalf("no operation of the BulkResponse has bulkId %q: %s", bid, compact(res))
				}
				switch st, _ := bulkStatusCode(op); {
				case st == 201:
					_, ids[bid] = bulkLocated(e, op.Str("location"))
				case st == 409:
					conflict = true
					t.Logf("operation %q failed with 409, which §3.7.1 allows", bid)
				default:
					others = append(others, fmt.Sprintf("operation %q has status %s%s", bid, compact(op.Get("status")), bulkResponseHint(op)))
				}
			}
			for _, o := range others {
				if conflict {
					// Its reference named an operation refused with 409.
					t.Logf("%s, after the other operation was refused with 409", o)
				} else {
					t.Errorf("%s; expected 201 (references resolved) or 409 (RFC 7644 §3.7.1)", o)
				}
			}
			other := map[string]string{"ga": "gb", "gb": "ga"}
			for bid, gid := range ids {
				if gid == "" {
					t.Errorf("operation %q succeeded without a location", bid)
					continue
				}
				got := groupMemberIDs(groupRead(t, resourcePath(e, URNGroup, gid)))
				for _, v := range got {
					if strings.HasPrefix(v, "bulkId:") {
						t.Errorf("group %q was stored with the member value %q; expected the bulkId replaced by the id of group %q, or the operation refused with 409", bid, v, other[bid])
					}
				}
				if want := ids[other[bid]]; want != "" && len(ids) == 2 {
					groupWantSet(t, got, []string{want}, fmt.Sprintf("resolving the circular references, group %q", bid))
				}
			}
		},
	},
	{
		ID: "SCIM-BULK-004", Title: "failOnErrors=2 stops processing after the second error",
		Spec:  "RFC 7644 §3.7, §3.7.3",
		Rule:  `failOnErrors: An integer specifying the number of errors that the service provider will accept before the operation is terminated and an error response is returned. [...] The service provider stops processing the bulk operation and immediately returns a response to the client. The response contains the error and any successful results prior to the error.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapBulk, suites.CapUsers},
		Labels: []string{"area:bulk", "tier:core"}, Covers: []string{"S132"},
		Run: func(t *suites.T) {
			e := Session(t)
			gone := bulkGoneUser(t)
			before, after := newUser(t), newUser(t)
			r := bulkSend(t, 2, bulkDelete(gone), bulkPost(e, URNUser, "before", before), bulkDelete(gone), bulkPost(e, URNUser, "after", after))
			if r.Status != 200 && (r.Status < 400 || r.Status >= 500) {
				t.Fatalf("%s; expected 200 with a BulkResponse (or an error status once failOnErrors is reached)%s", line(r), bodyHint(r))
			}
			var res []Obj
			if m, err := r.Object(); err == nil {
				res = Obj(m).Objs("Operations")
			}
			if r.Status == 200 || len(res) > 0 {
				if op := bulkByID(res, "before"); op == nil {
					t.Errorf("the BulkResponse has no result for operation \"before\", which comes before the second error; failOnErrors=2 accepts two errors, so it must be processed: %s", compact(res))
				} else if st, _ := bulkStatusCode(op); st != 201 {
					t.Errorf("operation \"before\" has status %s; expected 201%s", compact(op.Get("status")), bulkResponseHint(op))
				}
				if op := bulkByID(res, "after"); op != nil {
					if st, _ := bulkStatusCode(op); st >= 200 && st < 300 {
						t.Fatalf("operation \"after\" was processed (status %d) after the second error; expected processing to stop with failOnErrors=2", st)
					}
				}
			}
			bulkWantNoUser(t, after.Str("userName"), "the operation after the second error with failOnErrors=2")
		},
	},
	{
		ID: "SCIM-BULK-005", Title: "Without failOnErrors every operation is processed and each failure carries its error",
		Spec:  "RFC 7644 §3.7, §3.7.3",
		Rule:  `The service provider MUST continue performing as many changes as possible and disregard partial failures. [...] When indicating a response with an HTTP status other than a 200-series response, the response body MUST be included. [...] A "location" attribute [...] MUST be returned for all operations except for failed POST operations.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapBulk, suites.CapUsers},
		Labels: []string{"area:bulk", "tier:core"}, Covers: []string{"S133"},
		Run: func(t *suites.T) {
			e := Session(t)
			gone := bulkGoneUser(t)
			r := bulkSend(t, 0, bulkDelete(gone), bulkPost(e, URNUser, "one", newUser(t)), bulkDelete(gone), bulkPost(e, URNUser, "two", newUser(t)))
			res := bulkResults(t, r)
			for _, id := range []string{"one", "two"} {
				if op := bulkByID(res, id); op == nil {
					t.Errorf("the BulkResponse has no result for operation %q; expected every operation processed past the failures: %s", id, compact(res))
				} else if st, _ := bulkStatusCode(op); st != 201 {
					t.Errorf("operation %q has status %s; expected 201%s", id, compact(op.Get("status")), bulkResponseHint(op))
				}
			}
			failed := 0
			for _, op := range res {
				if !strings.EqualFold(op.Str("method"), "DELETE") {
					continue
				}
				st, _ := bulkStatusCode(op)
				if st < 400 {
					t.Errorf("the DELETE of the deleted user %s has status %s; expected an error (404)", gone, compact(op.Get("status")))
					continue
				}
				failed++
				if op.Obj("response") == nil {
					t.Errorf("the failed DELETE (status %d) has no \"response\"; expected the SCIM error body (RFC 7644 §3.7: the response body MUST be included)", st)
				} else {
					for _, p := range bulkErrorProblems(op, st) {
						t.Errorf("the \"response\" of the failed DELETE: %s", p)
					}
				}
				if op.Str("location") == "" {
					t.Errorf("the failed DELETE has no \"location\"; expected %s (only failed POST operations have none)", gone)
				}
			}
			if failed != 2 {
				t.Errorf("the BulkResponse reports %d failed DELETE operations; expected 2, one per DELETE sent: %s", failed, compact(res))
			}
		},
	},
	{
		ID: "SCIM-BULK-006", Title: "An operation without path, or without data for POST/PUT, is refused with 400",
		Spec:  "RFC 7644 §3.7, §3.12",
		Rule:  `path: [...] REQUIRED in a request. data: [...] REQUIRED in a request when "method" is "POST", "PUT", or "PATCH". [400 invalidSyntax: The request body message structure was invalid or did not conform to the request schema.]`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapBulk, suites.CapUsers},
		Labels: []string{"area:bulk", "tier:core"}, Covers: []string{"S134"},
		Run: func(t *suites.T) {
			e := Session(t)
			u, _ := createUser(t, newUser(t))
			bulkWantRefused(t, "without path", Obj{"method": "POST", "bulkId": "nopath", "data": newUser(t)})
			bulkWantRefused(t, "POST without data", Obj{"method": "POST", "path": e.Disc.Endpoint(URNUser), "bulkId": "nodata"})
			bulkWantRefused(t, "PUT without data", Obj{"method": "PUT", "path": resourcePath(e, URNUser, u.Str("id"))})
		},
	},
	{
		ID: "SCIM-BULK-007", Title: "A POST operation without bulkId is refused with 400",
		Spec:  "RFC 7644 §3.7",
		Rule:  `bulkId: [...] REQUIRED when "method" is "POST". [The prose of the same section says the bulkId "MAY be specified when creating new resources", hence a SHOULD.]`,
		Level: suites.Should, Kind: suites.Negative, Requires: []suites.Capability{suites.CapBulk, suites.CapUsers},
		Labels: []string{"area:bulk", "tier:extended"}, Covers: []string{"S134"},
		Run: func(t *suites.T) {
			e := Session(t)
			bulkWantRefused(t, "POST without bulkId", Obj{"method": "POST", "path": e.Disc.Endpoint(URNUser), "data": newUser(t)})
		},
	},
	{
		ID: "SCIM-BULK-008", Title: "More operations than maxOperations are refused with 413 and an error naming the limit",
		Spec:  "RFC 7644 §3.7.4",
		Rule:  `The service provider MUST define the maximum number of operations and maximum payload size a client may send in a single request. [...] If either limit is exceeded, the service provider MUST return HTTP response code 413 (Payload Too Large). The returned response MUST specify the limit exceeded in the body of the error response.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapBulk, suites.CapUsers},
		Labels: []string{"area:bulk", "tier:core"}, Covers: []string{"S135"},
		Run: func(t *suites.T) {
			e := Session(t)
			limit := bulkLimitOrSkip(t, "maxOperations")
			gone := bulkGoneUser(t)
			ops := make([]Obj, limit+1)
			for i := range ops {
				ops[i] = bulkDelete(gone)
			}
			b, _ := json.Marshal(bulkBody(0, ops...))
			size := len(b)
			if payload, ok := bulkLimit(e, "maxPayloadSize"); size > bulkMaxSend || (ok && size >= payload) {
				t.Skipf("not applicable: %d operations take about %d bytes, more than the payload limit (%s) or than provcheck sends (%d)", limit+1, size, compact(e.Disc.SPC.Get("bulk", "maxPayloadSize")), bulkMaxSend)
			}
			r := bulkSend(t, 0, ops...)
			bulkWant413(t, r, limit, "maxOperations", fmt.Sprintf("%d operations", limit+1))
		},
	},
	{
		ID: "SCIM-BULK-009", Title: "A request larger than maxPayloadSize is refused with 413 and an error naming the limit",
		Spec:  "RFC 7644 §3.7.4",
		Rule:  `If either limit is exceeded, the service provider MUST return HTTP response code 413 (Payload Too Large). The returned response MUST specify the limit exceeded in the body of the error response.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapBulk, suites.CapUsers},
		Labels: []string{"area:bulk", "tier:core"}, Covers: []string{"S135"},
		Run: func(t *suites.T) {
			e := Session(t)
			limit := bulkLimitOrSkip(t, "maxPayloadSize")
			if limit > bulkMaxSend {
				t.Skipf("not applicable: bulk.maxPayloadSize is %d bytes, more than provcheck sends (%d)", limit, bulkMaxSend)
			}
			body := newUser(t)
			u, _ := createUser(t, body)
			body["displayName"] = strings.Repeat("x", limit)
			r := bulkSend(t, 0, Obj{"method": "PUT", "path": resourcePath(e, URNUser, u.Str("id")), "data": body})
			bulkWant413(t, r, limit, "maxPayloadSize", fmt.Sprintf("a body of more than %d bytes", limit))
		},
	},
	{
		ID: "SCIM-BULK-010", Title: "Bulk PUT, PATCH and DELETE operations take effect and report status and location",
		Spec:  "RFC 7644 §3.7, §3.7.3",
		Rule:  `The body of a bulk operation contains a set of HTTP resource operations using one of the HTTP methods supported by the API, i.e., POST, PUT, PATCH, or DELETE. [...] The status attribute MUST include the code attribute that holds the HTTP response code that would have been returned if a single HTTP request would have been used. [...] A "location" attribute [...] MUST be returned for all operations except for failed POST operations.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapBulk, suites.CapUsers},
		Labels: []string{"area:bulk", "tier:core"}, Covers: []string{"S136"},
		Run: func(t *suites.T) {
			e := Session(t)
			putBody := newUser(t)
			pu, _ := createUser(t, putBody)
			du, _ := createUser(t, newUser(t))
			putPath, delPath := resourcePath(e, URNUser, pu.Str("id")), resourcePath(e, URNUser, du.Str("id"))
			putBody["displayName"] = "Bulk Put " + e.Name("pc")
			ops := []Obj{
				{"method": "PUT", "path": putPath, "data": putBody},
				{"method": "DELETE", "path": delPath},
			}
			want := map[string][]int{"PUT": {200}, "DELETE": {204}}
			var patchPath, patchName string
			if ok, _ := e.Disc.Has(suites.CapPatch); ok {
				pa, _ := createUser(t, newUser(t))
				patchPath, patchName = resourcePath(e, URNUser, pa.Str("id")), "Bulk Patch "+e.Name("pc")
				ops = append(ops, Obj{"method": "PATCH", "path": patchPath, "data": patchBody(op("replace", "displayName", patchName))})
				want["PATCH"] = []int{200, 204}
			} else {
				t.Logf("PATCH is not advertised; the Bulk PATCH operation was left out")
			}
			res := bulkResults(t, bulkSend(t, 0, ops...))
			for method, codes := range want {
				var got Obj
				for _, op := range res {
					if strings.EqualFold(op.Str("method"), method) {
						got = op
					}
				}
				if got == nil {
					t.Errorf("the BulkResponse has no result for the %s operation: %s", method, compact(res))
					continue
				}
				if st, _ := bulkStatusCode(got); !slices.Contains(codes, st) {
					t.Errorf("the %s operation has status %s; expected %s, as for a single %s%s", method, compact(got.Get("status")), statusList(codes), method, bulkResponseHint(got))
				}
				if got.Str("location") == "" {
					t.Errorf("the %s operation has no \"location\"; expected the URL of the resource", method)
				}
			}
			if g := object(t, get(t, putPath, nil)); g.Str("displayName") != putBody.Str("displayName") {
				t.Errorf("after the Bulk PUT the user has displayName %q; expected %q", g.Str("displayName"), putBody.Str("displayName"))
			}
			if g := get(t, delPath, nil); g.Status != 404 {
				t.Errorf("after the Bulk DELETE, %s; expected 404", line(g))
			}
			if patchPath != "" {
				if g := object(t, get(t, patchPath, nil)); g.Str("displayName") != patchName {
					t.Errorf("after the Bulk PATCH the user has displayName %q; expected %q", g.Str("displayName"), patchName)
				}
			}
		},
	},
	{
		ID: "SCIM-BULK-011", Title: "A bulkId reference inside an extension attribute (enterprise manager) is replaced too",
		Spec:  "RFC 7644 §3.7.2",
		Rule:  `The service provider MUST replace the string "bulkId:qwerty" with the permanent resource id once created. [...] Extensions that include references to other resources MUST be handled in the same way by the service provider.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapBulk, suites.CapUsers, suites.CapEnterpriseUser},
		Labels: []string{"area:bulk", "tier:extended"}, Covers: []string{"S130"},
		Run: func(t *suites.T) {
			e := Session(t)
			if a := e.Disc.Schema(URNEnterprise).Attr("manager.value"); a == nil {
				t.Skipf("not applicable: the target's enterprise schema declares no manager.value")
			}
			report := newUser(t)
			report["schemas"] = []any{URNUser, URNEnterprise}
			report[URNEnterprise] = Obj{"manager": Obj{"value": "bulkId:m"}}
			r := bulkSend(t, 0, bulkPost(e, URNUser, "m", newUser(t)), bulkPost(e, URNUser, "r", report))
			res := bulkResults(t, r)
			mid := bulkCreated(t, e, res, "m")
			rid := bulkCreated(t, e, res, "r")
			g := object(t, get(t, resourcePath(e, URNUser, rid), nil))
			if got := g.Str(URNEnterprise, "manager", "value"); got != mid {
				t.Errorf("the user created with manager \"bulkId:m\" has manager.value %q; expected the id of user \"m\", %q", got, mid)
			}
		},
	},
}

// bulkPost is a Bulk POST operation creating a resource of type urn.
func bulkPost(e *Env, urn, bulkID string, data Obj) Obj {
	return Obj{"method": "POST", "path": e.Disc.Endpoint(urn), "bulkId": bulkID, "data": data}
}

// bulkDelete is a Bulk DELETE operation.
func bulkDelete(path string) Obj { return Obj{"method": "DELETE", "path": path} }

// bulkBody is a BulkRequest; failOnErrors is left out when 0.
func bulkBody(failOnErrors int, ops ...Obj) Obj {
	list := make([]any, len(ops))
	for i, o := range ops {
		list[i] = o
	}
	body := Obj{"schemas": []any{URNBulkReq}, "Operations": list}
	if failOnErrors > 0 {
		body["failOnErrors"] = failOnErrors
	}
	return body
}

// bulkSend POSTs a BulkRequest and registers the clean-up of every resource
// its answer says was created, whatever the HTTP status.
func bulkSend(t *suites.T, failOnErrors int, ops ...Obj) *target.Response {
	r := do(t, target.Request{Method: "POST", Path: "/Bulk", Body: bulkBody(failOnErrors, ops...)})
	bulkAdopt(t, r)
	return r
}

// bulkAdopt registers the clean-up of the resources a Bulk answer reports
// created: POST operations with a 2xx status and a location (or, without
// one, a response with meta.location).
func bulkAdopt(t *suites.T, r *target.Response) {
	m, err := r.Object()
	if err != nil {
		return
	}
	e := Session(t)
	for _, op := range Obj(m).Objs("Operations") {
		if st, _ := bulkStatusCode(op); !strings.EqualFold(op.Str("method"), "POST") || st < 200 || st > 299 {
			continue
		}
		loc := op.Str("location")
		if loc == "" {
			loc = op.Str("response", "meta", "location")
		}
		if urn, id := bulkLocated(e, loc); id != "" {
			path := resourcePath(e, urn, id)
			t.Cleanup(func() { deleteIfOwned(t, path) })
		}
	}
}

// bulkLocated reads the resource type and id from a Bulk operation's
// location (/<Type>/<id>, absolute or relative); id is "" when it names none.
func bulkLocated(e *Env, loc string) (urn, id string) {
	u, err := url.Parse(strings.TrimSpace(loc))
	if err != nil || loc == "" {
		return "", ""
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) < 2 || segs[len(segs)-1] == "" {
		return "", ""
	}
	id, typ := segs[len(segs)-1], segs[len(segs)-2]
	if s, err := url.PathUnescape(id); err == nil {
		id = s
	}
	urn = URNUser
	if strings.EqualFold("/"+typ, e.Disc.Endpoint(URNGroup)) {
		urn = URNGroup
	}
	return urn, id
}

// bulkResults stops the check unless r is 200 with a BulkResponse, and
// returns its operation results.
func bulkResults(t *suites.T, r *target.Response) []Obj {
	if r.Status != 200 {
		t.Fatalf("%s; expected 200 with a BulkResponse%s", line(r), bodyHint(r))
	}
	o := object(t, r)
	if _, ok := o.Get("Operations").([]any); !ok {
		t.Fatalf("%s without an \"Operations\" array: %s", line(r), compact(o))
	}
	return o.Objs("Operations")
}

// bulkByID returns the operation result with the given bulkId, or nil.
func bulkByID(res []Obj, bulkID string) Obj {
	for _, op := range res {
		if op.Str("bulkId") == bulkID {
			return op
		}
	}
	return nil
}

// bulkCreated returns the id of the resource the POST with bulkID created,
// stopping the check unless it was created.
func bulkCreated(t *suites.T, e *Env, res []Obj, bulkID string) string {
	op := bulkByID(res, bulkID)
	if op == nil {
		t.Fatalf("no operation of the BulkResponse has bulkId %q: %s", bulkID, compact(res))
	}
	if st, _ := bulkStatusCode(op); st != 201 {
		t.Fatalf("operation %q has status %s; expected 201%s", bulkID, compact(op.Get("status")), bulkResponseHint(op))
	}
	_, id := bulkLocated(e, op.Str("location"))
	if id == "" {
		t.Fatalf("operation %q has location %s; expected the URL of the new resource", bulkID, compact(op.Get("location")))
	}
	return id
}

// bulkStatusCode reads an operation's status: a string ("201"), a number,
// or the older {"code": "201"} of the RFC's §3.7.2 example.
func bulkStatusCode(op Obj) (int, bool) {
	v := op.Get("status")
	if m := asObj(v); m != nil {
		v = m.Get("code")
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return 0, false
	}
	s = strings.TrimSpace(s)
	if len(s) > 3 {
		s = s[:3]
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// bulkResponseHint quotes an operation's error response for messages.
func bulkResponseHint(op Obj) string {
	if r := op.Get("response"); r != nil {
		return " (response: " + compact(r) + ")"
	}
	return ""
}

// bulkErrorProblems lists what is wrong with the "response" of a failed
// operation as a SCIM error (RFC 7644 §3.12) for status st.
func bulkErrorProblems(op Obj, st int) []string {
	b, err := json.Marshal(op.Get("response"))
	if err != nil {
		return []string{err.Error()}
	}
	return scimErrorProblems(&target.Response{Status: st, Body: b})
}

// bulkGoneUser creates a user and deletes it, returning its path: a DELETE
// of it is an operation that fails (404) and is safe to send.
func bulkGoneUser(t *suites.T) string {
	e := Session(t)
	u, _ := createUser(t, newUser(t))
	path := resourcePath(e, URNUser, u.Str("id"))
	if r := do(t, target.Request{Method: "DELETE", Path: path}); r.Status != 204 {
		t.Fatalf("cannot set up a failing operation: %s; expected 204%s", line(r), bodyHint(r))
	}
	return path
}

// bulkLimit reads a positive integer bulk limit from the ServiceProviderConfig.
func bulkLimit(e *Env, name string) (int, bool) {
	n, ok := e.Disc.SPC.Get("bulk", name).(json.Number)
	if !ok {
		return 0, false
	}
	v, err := n.Int64()
	if err != nil || v <= 0 || v > 1<<30 {
		return 0, false
	}
	return int(v), true
}

// bulkLimitOrSkip returns the positive bulk limit the ServiceProviderConfig
// advertises, and skips the check when it advertises none.
func bulkLimitOrSkip(t *suites.T, name string) int {
	e := Session(t)
	limit, ok := bulkLimit(e, name)
	if !ok {
		t.Skipf("not applicable: the ServiceProviderConfig advertises no positive bulk.%s (it is %s)", name, compact(e.Disc.SPC.Get("bulk", name)))
	}
	return limit
}

// bulkNestedGroups reports whether the target's Group schema declares groups
// as members: "Group" among members.type canonicalValues or members.$ref
// referenceTypes.
func bulkNestedGroups(e *Env) bool {
	s := e.Disc.Schema(URNGroup)
	if s == nil {
		return false
	}
	for _, a := range s.Raw.Objs("attributes") {
		if !strings.EqualFold(a.Str("name"), "members") {
			continue
		}
		for _, sub := range a.Objs("subAttributes") {
			if hasString(sub.Strs("canonicalValues"), "Group") || hasString(sub.Strs("referenceTypes"), "Group") {
				return true
			}
		}
	}
	return false
}

// bulkWantRefused sends one malformed operation alone and fails the check
// unless it is refused with 400, per operation or for the whole request.
func bulkWantRefused(t *suites.T, what string, op Obj) {
	r := bulkSend(t, 0, op)
	if r.Status == 400 {
		t.Logf("the Bulk request with an operation %s was refused as a whole: %s", what, line(r))
		return
	}
	if r.Status != 200 {
		t.Errorf("%s for a Bulk request with an operation %s; expected 400, for the operation or the request%s", line(r), what, bodyHint(r))
		return
	}
	res := bulkResults(t, r)
	if len(res) != 1 {
		t.Errorf("the BulkResponse for one operation %s has %d results; expected 1 with status 400: %s", what, len(res), compact(res))
		return
	}
	if st, _ := bulkStatusCode(res[0]); st != 400 {
		t.Errorf("the operation %s has status %s; expected 400 (the operation does not conform to the BulkRequest schema)%s", what, compact(res[0].Get("status")), bulkResponseHint(res[0]))
	}
}

// bulkWant413 fails the check unless r is 413 with a SCIM error whose
// detail names the limit (its value, its name or plain words for it).
func bulkWant413(t *suites.T, r *target.Response, limit int, name, sent string) {
	if r.Status != 413 {
		t.Fatalf("%s for %s; expected 413 (Payload Too Large) as %s is %d%s", line(r), sent, name, limit, bodyHint(r))
	}
	for _, p := range scimErrorProblems(r) {
		t.Errorf("%s: %s", line(r), p)
	}
	m, err := r.Object()
	if err != nil {
		return
	}
	detail := Obj(m).Str("detail")
	if !bulkNamesLimit(detail, limit, name) {
		t.Errorf("%s with detail %q; expected it to name the limit exceeded (%s, %d)", line(r), detail, name, limit)
	}
}

// bulkLimitWords are plain words that name a Bulk limit in an error detail
// ("the payload size exceeds the maximum", "too many operations"). The
// generic 413 phrases ("Payload Too Large", "request entity too large") say
// only that one of the two limits was exceeded, not which.
var bulkLimitWords = map[string][]string{
	"maxPayloadSize": {"size", "bytes"},
	"maxOperations":  {"operations"},
}

// bulkNamesLimit reports whether a 413 detail specifies the limit exceeded
// (RFC 7644 §3.7.4): its value, its attribute name, or plain words for it.
func bulkNamesLimit(detail string, limit int, name string) bool {
	d := strings.ToLower(detail)
	if strings.Contains(detail, strconv.Itoa(limit)) || strings.Contains(d, strings.ToLower(name)) {
		return true
	}
	return slices.ContainsFunc(bulkLimitWords[name], func(w string) bool { return strings.Contains(d, w) })
}

// bulkWantNoUser fails the check if a user with userName exists; it needs
// filtering and logs when the target does not advertise it.
func bulkWantNoUser(t *suites.T, userName, what string) {
	e := Session(t)
	if ok, _ := e.Disc.Has(suites.CapFilter); !ok {
		t.Logf("filtering is not advertised; whether %s created a user was not looked up", what)
		return
	}
	r := get(t, e.Disc.Endpoint(URNUser), url.Values{"filter": {fmt.Sprintf("userName eq %q", userName)}})
	if r.Status != 200 {
		t.Logf("whether %s created a user was not looked up: %s", what, line(r))
		return
	}
	for _, u := range object(t, r).Objs("Resources") {
		if strings.EqualFold(u.Str("userName"), userName) {
			t.Errorf("%s created the user %q (id %s); expected it not processed", what, userName, u.Str("id"))
		}
	}
}
