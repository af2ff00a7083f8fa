package scim

import (
	"net/url"
	"strings"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of the /Me alias: RFC 7644 §3.11. Only GET is sent: a write to /Me
// would touch the resource of the authenticated subject, which this run did
// not create.
var meChecks = []suites.Check{
	{
		ID: "SCIM-ME-001", Title: "GET /Me returns the authenticated subject (or redirects to it), or answers 501",
		Spec:  "RFC 7644 §3.11",
		Rule:  `A service provider that does NOT support this feature SHOULD respond with HTTP status code 501 (Not Implemented). A service provider MAY choose to redirect the client using HTTP status code 308 (Permanent Redirect) to the resource associated with the authenticated subject. [...] A service provider MAY process the SCIM request directly. In any response, the HTTP "Location" header MUST be the permanent location of the aliased resource associated with the authenticated subject. [§3.12: errors carry a SCIM error body.]`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapMe},
		Labels: []string{"area:me", "tier:extended"}, Covers: []string{"S137"},
		Run: func(t *suites.T) {
			r := get(t, "/Me", nil)
			loc := meCheckLocation(r)
			switch {
			case r.Status == 501:
				meCheckError(t, r)
				t.Logf("%s: /Me is not supported, as RFC 7644 §3.11 lets a provider say", line(r))
			case r.Status >= 300 && r.Status < 400:
				if r.Status != 308 {
					t.Logf("%s; RFC 7644 §3.11 names 308 Permanent Redirect", line(r))
				}
				if loc == "" {
					t.Fatalf("%s without a Location header; a redirect must say where the authenticated subject's resource is", line(r))
				}
				if _, err := Session(t).Client.Resolve(loc); err != nil {
					t.Logf("%s to %s, which is not on the target; not followed", line(r), loc)
					return
				}
				g := get(t, loc, nil)
				if wantStatus(t, g, 200) {
					meCheckResource(t, g, object(t, g))
				}
			case r.Status == 200:
				o := object(t, r)
				meCheckResource(t, r, o)
				if loc == "" {
					t.Errorf("%s without a Location header; it MUST be the permanent location of the authenticated subject's resource", line(r))
					return
				}
				if _, err := Session(t).Client.Resolve(loc); err != nil {
					t.Logf("%s: Location %s is not on the target; not followed", line(r), loc)
					return
				}
				if strings.HasSuffix(strings.TrimRight(loc, "/"), "/Me") {
					t.Errorf("%s: Location is %s, the alias itself; it MUST be the permanent location of the aliased resource", line(r), loc)
					return
				}
				g := get(t, loc, nil)
				if wantStatus(t, g, 200) && object(t, g).Str("id") != o.Str("id") {
					t.Errorf("GET %s (the Location of /Me) returned id %q; /Me returned id %q", loc, object(t, g).Str("id"), o.Str("id"))
				}
			case r.Status >= 500:
				t.Errorf("%s; a provider without /Me SHOULD answer 501 Not Implemented, and one with it the subject's resource%s", line(r), bodyHint(r))
			default:
				// A 4xx (the credentials map to no resource, say) is a
				// legitimate refusal if it is a SCIM error.
				meCheckError(t, r)
				t.Logf("%s; RFC 7644 §3.11 suggests 501 where /Me is not supported", line(r))
			}
		},
	},
}

// meCheckLocation returns the Location header of r made absolute against
// the request URL, or "".
func meCheckLocation(r *target.Response) string {
	loc := strings.TrimSpace(r.Header.Get("Location"))
	base, err := url.Parse(r.Exchange.URL)
	if loc == "" || err != nil {
		return loc
	}
	u, err := base.Parse(loc)
	if err != nil {
		return loc
	}
	return u.String()
}

// meCheckError fails unless r carries a SCIM error body (RFC 7644 §3.12).
func meCheckError(t *suites.T, r *target.Response) {
	if probs := scimErrorProblems(r); len(probs) > 0 {
		t.Errorf("%s with a body that is not a SCIM error: %s%s", line(r), strings.Join(probs, "; "), bodyHint(r))
	}
}

// meCheckResource fails unless o, what r returned for /Me, is a resource
// with an id and schemas.
func meCheckResource(t *suites.T, r *target.Response, o Obj) {
	if o.Str("id") == "" || len(o.Strs("schemas")) == 0 {
		t.Errorf("%s: expected the authenticated subject's resource, with \"id\" and \"schemas\"; got %s", line(r), compact(o))
	}
}
