package scim

import (
	"encoding/json"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of the ServiceProviderConfig endpoint: RFC 7643 §5, RFC 7644 §4.
var spcChecks = []suites.Check{
	{
		ID: "SCIM-DISC-001", Title: "GET /ServiceProviderConfig returns 200 with the ServiceProviderConfig schema",
		Spec:  "RFC 7644 §4; RFC 7643 §5",
		Rule:  `"/ServiceProviderConfig": An HTTP GET to this endpoint will return a JSON structure that describes the SCIM specification features available on a service provider. [...] identified using the following schema URI: "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig".`,
		Level: suites.Must, Kind: suites.Example, Labels: []string{"area:discovery", "tier:core"}, Covers: []string{"S1"},
		Run: func(t *suites.T) {
			r := get(t, "/ServiceProviderConfig", nil)
			mustStatus(t, r, 200)
			o := object(t, r)
			if !hasString(o.Strs("schemas"), URNSPC) {
				t.Errorf("\"schemas\" of the ServiceProviderConfig is %s; expected it to contain %s", compact(o.Get("schemas")), URNSPC)
			}
		},
	},
	{
		ID: "SCIM-DISC-002", Title: "ServiceProviderConfig declares every feature with a boolean 'supported' and the bulk and filter limits",
		Spec:  "RFC 7643 §5",
		Rule:  `patch, bulk, filter, changePassword, sort, etag: A complex type that specifies ... options. REQUIRED. supported: A Boolean value specifying whether or not the operation is supported. REQUIRED. (bulk: maxOperations, maxPayloadSize REQUIRED; filter: maxResults REQUIRED.)`,
		Level: suites.Must, Kind: suites.Example, Labels: []string{"area:discovery", "tier:core"}, Covers: []string{"S2"},
		Run: func(t *suites.T) {
			o := readSPC(t)
			for _, f := range []string{"patch", "bulk", "filter", "changePassword", "sort", "etag"} {
				sub := o.Obj(f)
				if sub == nil {
					t.Errorf("%q is missing or not an object (got %s)", f, compact(o.Get(f)))
					continue
				}
				if _, ok := sub.Bool("supported"); !ok {
					t.Errorf("%s.supported is %s; expected a JSON boolean", f, compact(sub.Get("supported")))
				}
			}
			for _, p := range [][2]string{{"bulk", "maxOperations"}, {"bulk", "maxPayloadSize"}, {"filter", "maxResults"}} {
				if !isInteger(o.Get(p[0], p[1])) {
					t.Errorf("%s.%s is %s; expected a JSON integer", p[0], p[1], compact(o.Get(p[0], p[1])))
				}
			}
		},
	},
	{
		ID: "SCIM-DISC-003", Title: "ServiceProviderConfig lists authentication schemes with type, name and description",
		Spec:  "RFC 7643 §5",
		Rule:  `authenticationSchemes: A multi-valued complex type that specifies supported authentication scheme properties. ... REQUIRED. type ... REQUIRED. name ... REQUIRED. description ... REQUIRED.`,
		Level: suites.Must, Kind: suites.Example, Labels: []string{"area:discovery", "tier:core"}, Covers: []string{"S3"},
		Run: func(t *suites.T) {
			o := readSPC(t)
			schemes := o.Objs("authenticationSchemes")
			if len(schemes) == 0 {
				t.Fatalf("authenticationSchemes is %s; expected at least one scheme object", compact(o.Get("authenticationSchemes")))
			}
			for i, s := range schemes {
				for _, f := range []string{"type", "name", "description"} {
					if s.Str(f) == "" {
						t.Errorf("authenticationSchemes[%d].%s is missing or empty (got %s)", i, f, compact(s))
					}
				}
			}
		},
	},
	{
		ID: "SCIM-DISC-004", Title: "ServiceProviderConfig is readable without authentication",
		Spec:  "RFC 7643 §5",
		Rule:  `To enable seamless discovery of configurations, the service provider SHOULD, with the appropriate security considerations, make the authenticationSchemes attribute publicly accessible without prior authentication.`,
		Level: suites.Should, Kind: suites.Example, Requires: []suites.Capability{suites.CapAuth},
		Labels: []string{"area:discovery", "tier:extended"}, Covers: []string{"S4"},
		Run: func(t *suites.T) {
			r := do(t, target.Request{Method: "GET", Path: "/ServiceProviderConfig", NoAuth: true})
			if r.Status != 200 {
				t.Fatalf("%s without credentials; expected 200 so clients can discover the authentication schemes%s", line(r), bodyHint(r))
			}
			if len(object(t, r).Objs("authenticationSchemes")) == 0 {
				t.Errorf("the unauthenticated ServiceProviderConfig has no authenticationSchemes")
			}
		},
	},
}

// readSPC GETs the ServiceProviderConfig and stops the check unless it is a
// JSON object; SCIM-DISC-001 reports the details of a bad answer.
func readSPC(t *suites.T) Obj {
	r := get(t, "/ServiceProviderConfig", nil)
	if r.Status != 200 {
		t.Fatalf("%s; expected 200 (see SCIM-DISC-001)%s", line(r), bodyHint(r))
	}
	return object(t, r)
}

// isInteger reports whether a decoded JSON value is an integer without a
// fraction or exponent (RFC 7643 §2.3.4).
func isInteger(v any) bool {
	_, ok := intOf(v)
	return ok
}

// isNumber reports whether v is any JSON number.
func isNumber(v any) bool {
	switch v.(type) {
	case json.Number, float64, int, int64:
		return true
	}
	return false
}
