package scim

import (
	"fmt"
	"net/url"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of deleting Users: RFC 7644 §3.6, and the deactivation IdPs use
// instead (RFC 7643 §4.1.1 "active").
var deleteChecks = []suites.Check{
	{
		ID: "SCIM-USERS-025", Title: "DELETE answers 204; the user is then gone from GET and from filter results",
		Spec:  "RFC 7644 §3.6",
		Rule:  `Service providers MAY choose not to permanently delete the resource but MUST return a 404 (Not Found) error code for all operations associated with the previously deleted resource. Service providers MUST omit the resource from future query results. [...] the server SHALL return a successful HTTP status code 204 (No Content).`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core", "dialect:rfc", "dialect:okta"}, Covers: []string{"S45"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			u, _ := createUser(t, body)
			path := resourcePath(e, URNUser, u.Str("id"))
			r := do(t, target.Request{Method: "DELETE", Path: path})
			mustStatus(t, r, 204)
			wantStatus(t, get(t, path, nil), 404)
			if ok, _ := e.Disc.Has(suites.CapFilter); !ok {
				t.Logf("filtering is not advertised; the filter part of this check was left out")
				return
			}
			q := url.Values{"filter": {fmt.Sprintf("userName eq %q", body.Str("userName"))}}
			l := get(t, e.Disc.Endpoint(URNUser), q)
			if !wantStatus(t, l, 200) {
				return
			}
			o := object(t, l)
			for _, res := range o.Objs("Resources") {
				if res.Str("id") == u.Str("id") {
					t.Errorf("the deleted user %s still appears in the results of filter %s", u.Str("id"), q.Get("filter"))
				}
			}
		},
	},
	{
		ID: "SCIM-USERS-026", Title: "DELETE of a deleted or unknown user answers 404",
		Spec:  "RFC 7644 §3.6",
		Rule:  `[Service providers] MUST return a 404 (Not Found) error code for all operations associated with the previously deleted resource.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:core"}, Covers: []string{"S46"},
		Run: func(t *suites.T) {
			e := Session(t)
			u, _ := createUser(t, newUser(t))
			path := resourcePath(e, URNUser, u.Str("id"))
			mustStatus(t, do(t, target.Request{Method: "DELETE", Path: path}), 204)
			wantStatus(t, do(t, target.Request{Method: "DELETE", Path: path, AllowUnowned: true}), 404)
			wantStatus(t, do(t, target.Request{Method: "DELETE", Path: resourcePath(e, URNUser, randomMissingID(t)), AllowUnowned: true}), 404)
		},
	},
	{
		ID: "SCIM-USERS-027", Title: "Deactivation: PATCH active=false is kept and visible, and reactivation works",
		Spec:  "RFC 7643 §4.1.1; RFC 7644 §3.5.2.3",
		Rule:  `active: A Boolean value indicating the User's administrative status. [Entra ID and Okta deprovision by PATCH replace active=false and reprovision with active=true; the value must read back as sent.]`,
		Level: suites.Should, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapPatch},
		Labels: []string{"area:users", "tier:core", "dialect:entra", "dialect:okta"}, Covers: []string{"S47"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			body["active"] = true
			u, _ := createUser(t, body)
			path := resourcePath(e, URNUser, u.Str("id"))
			for _, want := range []bool{false, true} {
				r := do(t, target.Request{Method: "PATCH", Path: path, Body: Obj{
					"schemas":    []any{URNPatchOp},
					"Operations": []any{Obj{"op": "replace", "path": "active", "value": want}},
				}})
				if !wantStatus(t, r, 200, 204) {
					return
				}
				g := object(t, get(t, path, nil))
				if got, ok := g.Bool("active"); !ok || got != want {
					t.Errorf("after PATCH replace active=%v, GET has active %s", want, compact(g.Get("active")))
				}
			}
		},
	},
	{
		ID: "SCIM-USERS-029", Title: "A deleted user's userName can be used again: POST answers 201, not 409",
		Spec:  "RFC 7644 §3.6",
		Rule:  `In addition, the service provider SHOULD NOT consider the deleted resource in conflict calculation. For example, if a User resource is deleted, a CREATE request for a User resource with the same userName as the previously deleted resource SHOULD NOT fail with a 409 error due to userName conflict.`,
		Level: suites.Should, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:users", "tier:extended", "dialect:entra"}, Covers: []string{"S45"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			u, _ := createUser(t, body)
			mustStatus(t, do(t, target.Request{Method: "DELETE", Path: resourcePath(e, URNUser, u.Str("id"))}), 204)
			r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: body})
			adopt(t, URNUser, r)
			if r.Status == 409 {
				t.Fatalf("%s for the userName %q of a user deleted just before; a deleted resource should not count in conflicts%s",
					line(r), body.Str("userName"), bodyHint(r))
			}
			wantStatus(t, r, 201)
		},
	},
}
