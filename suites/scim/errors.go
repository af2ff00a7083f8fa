package scim

import (
	"net/url"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of error responses: RFC 7644 §3.12.
var errorChecks = []suites.Check{
	{
		ID: "SCIM-ERR-001", Title: "Error bodies carry the Error schema and the HTTP status as a string",
		Spec:  "RFC 7644 §3.12",
		Rule:  `schemas: urn:ietf:params:scim:api:messages:2.0:Error. status: The HTTP status code (see Section 6 of [RFC7231]) expressed as a JSON string. REQUIRED. scimType: A SCIM detail error keyword. See Table 9. OPTIONAL.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:errors", "tier:core"}, Covers: []string{"S138", "S38"},
		Run: func(t *suites.T) {
			e := Session(t)
			first := newUser(t)
			createUser(t, first)
			reqs := []target.Request{
				{Method: "GET", Path: resourcePath(e, URNUser, randomMissingID(t))},
				{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: Obj{"schemas": []any{URNUser}}},
				{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: Obj{"schemas": []any{URNUser}, "userName": first.Str("userName")}},
			}
			if ok, _ := e.Disc.Has(suites.CapFilter); ok {
				reqs = append(reqs, target.Request{Method: "GET", Path: e.Disc.Endpoint(URNUser), Query: url.Values{"filter": {`userName eq`}}})
			}
			seen := 0
			for _, req := range reqs {
				r := do(t, req)
				adopt(t, URNUser, r)
				if r.Status < 400 {
					t.Logf("%s: no error to inspect (other checks judge the status)", line(r))
					continue
				}
				seen++
				for _, p := range scimErrorProblems(r) {
					t.Errorf("%s: %s", line(r), p)
				}
			}
			if seen == 0 {
				t.Skipf("not applicable: none of the requests meant to provoke an error got one")
			}
		},
	},
	{
		ID: "SCIM-ERR-002", Title: "An unknown endpoint answers 404 with a SCIM error",
		Spec:  "RFC 7644 §3.12",
		Rule:  `404 Not Found: Specified resource (e.g., User) or endpoint does not exist. [...] Service providers SHOULD return an error response in the JSON format.`,
		Level: suites.Should, Kind: suites.Negative,
		Labels: []string{"area:errors", "tier:extended"}, Covers: []string{"S139"},
		Run: func(t *suites.T) {
			r := get(t, "/ProvcheckNoSuchEndpoint"+randomMissingID(t), nil)
			if !wantStatus(t, r, 404) {
				return
			}
			for _, p := range scimErrorProblems(r) {
				t.Errorf("%s: %s", line(r), p)
			}
		},
	},
	{
		ID: "SCIM-ERR-003", Title: "A malformed JSON body is refused with 400 invalidSyntax",
		Spec:  "RFC 7644 §3.12",
		Rule:  `invalidSyntax: The request body message structure was invalid or did not conform to the request schema. [400 Bad Request: Request is unparsable, syntactically incorrect, or violates schema.]`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:errors", "tier:core"}, Covers: []string{"S140"},
		Run: func(t *suites.T) {
			e := Session(t)
			for _, body := range []string{`{"schemas":["` + URNUser + `"],"userName":`, `not json at all`, `["` + URNUser + `"]`} {
				r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: []byte(body)})
				adopt(t, URNUser, r)
				wantBadRequest(t, r, "invalidSyntax", "invalidValue")
			}
		},
	},
	{
		ID: "SCIM-ERR-004", Title: "An unsupported feature answers 501, not a server error",
		Spec:  "RFC 7644 §3.12",
		Rule:  `501 Not Implemented: Service provider does not support the request operation, e.g., PATCH. [500 is for unexpected server failures.]`,
		Level: suites.Should, Kind: suites.Negative,
		Labels: []string{"area:errors", "tier:extended"}, Covers: []string{"S141"},
		Run: func(t *suites.T) {
			e := Session(t)
			tried := 0
			if ok, _ := e.Disc.Has(suites.CapBulk); !ok {
				tried++
				r := do(t, target.Request{Method: "POST", Path: "/Bulk", Body: Obj{"schemas": []any{URNBulkReq}, "Operations": []any{}}})
				if r.Status >= 500 && r.Status != 501 {
					t.Errorf("%s for Bulk, which is not advertised; expected 501 (or another 4xx)", line(r))
				}
			}
			tried++
			r := get(t, "/Me", nil)
			if r.Status >= 500 && r.Status != 501 {
				t.Errorf("%s; expected 200, 404 or 501 — never a server error", line(r))
			}
			if ok, _ := e.Disc.Has(suites.CapSort); !ok {
				tried++
				r := get(t, e.Disc.Endpoint(URNUser), url.Values{"sortBy": {"userName"}, "count": {"1"}})
				if r.Status >= 500 && r.Status != 501 {
					t.Errorf("%s for sortBy, which is not advertised; expected it ignored or 501", line(r))
				}
			}
			t.Logf("%d unadvertised features probed", tried)
		},
	},
}
