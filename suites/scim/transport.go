package scim

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of authentication and HTTP transport: RFC 7644 §2, §3.1, §3.8.
var transportChecks = []suites.Check{
	{
		ID: "SCIM-AUTH-001", Title: "A request without credentials is refused with 401",
		Spec:  "RFC 7644 §2, §3.12",
		Rule:  `The SCIM service provider MUST be able to map the authenticated client to an access control policy in order to determine the client's authorization to retrieve and update SCIM resources. [401 Unauthorized: Authorization failure.] (Anonymous access MAY be acceptable in some deployments, RFC 7644 §2.2, hence a SHOULD.)`,
		Level: suites.Should, Kind: suites.Negative, Requires: []suites.Capability{suites.CapAuth, suites.CapUsers},
		Labels: []string{"area:auth", "tier:core"}, Covers: []string{"S17"},
		Run: func(t *suites.T) {
			e := Session(t)
			r := do(t, target.Request{Method: "GET", Path: e.Disc.Endpoint(URNUser), Query: map[string][]string{"count": {"1"}}, NoAuth: true})
			if r.Status != 401 && r.Status != 403 {
				t.Errorf("%s without credentials; expected 401 (the user list is readable anonymously)", line(r))
			}
		},
	},
	{
		ID: "SCIM-AUTH-002", Title: "401 answers name the supported scheme in WWW-Authenticate",
		Spec:  "RFC 7644 §2",
		Rule:  `As per Section 4.1 of [RFC7235], a SCIM service provider SHALL indicate supported HTTP authentication schemes via the "WWW-Authenticate" header.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapAuth, suites.CapUsers},
		Labels: []string{"area:auth", "tier:core"}, Covers: []string{"S17"},
		Run: func(t *suites.T) {
			e := Session(t)
			r := do(t, target.Request{Method: "GET", Path: e.Disc.Endpoint(URNUser), Query: map[string][]string{"count": {"1"}}, NoAuth: true})
			if r.Status != 401 {
				t.Skipf("not applicable: the request without credentials answered %d, not 401 (see SCIM-AUTH-001)", r.Status)
			}
			if strings.TrimSpace(r.Header.Get("WWW-Authenticate")) == "" {
				t.Errorf("%s without a WWW-Authenticate header; expected it to name the scheme, e.g. WWW-Authenticate: Bearer", line(r))
			}
		},
	},
	{
		ID: "SCIM-AUTH-003", Title: "An invalid token is refused with 401 and a SCIM error body",
		Spec:  "RFC 7644 §3.12",
		Rule:  `401 Unauthorized: Authorization failure. The authorization header is invalid or missing. [...] Service providers SHOULD return an error response in the JSON format: status ... REQUIRED.`,
		Level: suites.Should, Kind: suites.Negative, Requires: []suites.Capability{suites.CapAuth, suites.CapUsers},
		Labels: []string{"area:auth", "tier:core"}, Covers: []string{"S18"},
		Run: func(t *suites.T) {
			e := Session(t)
			r := do(t, target.Request{Method: "GET", Path: e.Disc.Endpoint(URNUser), Query: map[string][]string{"count": {"1"}},
				Auth: "Bearer provcheck-invalid-" + randomMissingID(t)})
			if r.Status != 401 {
				t.Fatalf("%s with an invalid bearer token; expected 401", line(r))
			}
			for _, p := range scimErrorProblems(r) {
				t.Errorf("%s: %s", line(r), p)
			}
		},
	},
	{
		ID: "SCIM-HTTP-001", Title: "Responses use the application/scim+json media type",
		Spec:  "RFC 7644 §3.1, §8.1",
		Rule:  `SCIM ... uses the media type "application/scim+json". [...] Service providers SHOULD use "application/scim+json" in the Content-Type header of responses.`,
		Level: suites.Should, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:transport", "tier:core"}, Covers: []string{"S19"},
		Run: func(t *suites.T) {
			e := Session(t)
			u, created := createUser(t, newUser(t))
			for _, r := range []*target.Response{
				get(t, "/ServiceProviderConfig", nil),
				created,
				get(t, resourcePath(e, URNUser, u.Str("id")), nil),
			} {
				if mt := mediaType(r); mt != "application/scim+json" {
					t.Errorf("%s with Content-Type %q; expected application/scim+json", line(r), r.Header.Get("Content-Type"))
				}
			}
		},
	},
	{
		ID: "SCIM-HTTP-002", Title: "Requests with Accept and Content-Type application/scim+json are served",
		Spec:  "RFC 7644 §3.8",
		Rule:  `Service providers MUST support the "Accept" header "Accept: application/scim+json" and SHOULD support the header "Accept: application/json".`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:transport", "tier:core"}, Covers: []string{"S20"},
		Run: mediaTypeRoundTrip("application/scim+json"),
	},
	{
		ID: "SCIM-HTTP-004", Title: "Requests with Accept and Content-Type application/json are served",
		Spec:  "RFC 7644 §3.8",
		Rule:  `Service providers MUST support the "Accept" header "Accept: application/scim+json" and SHOULD support the header "Accept: application/json". [Entra ID and Okta send application/json.]`,
		Level: suites.Should, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:transport", "tier:core", "dialect:entra", "dialect:okta"}, Covers: []string{"S20"},
		Run: mediaTypeRoundTrip("application/json"),
	},
	{
		ID: "SCIM-HTTP-003", Title: "Non-ASCII values round-trip in UTF-8",
		Spec:  "RFC 7644 §3.8",
		Rule:  `Servers MUST accept requests and be able to return JSON-structured responses using UTF-8 encoding [RFC3629]. UTF-8 SHALL be the default encoding format.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:transport", "tier:core"}, Covers: []string{"S21"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			const family, given, display = "Müller-Łukasiewicz", "Zoë 李", "Ærøskøbing 🚀 ñ"
			body["name"] = Obj{"familyName": family, "givenName": given}
			body["displayName"] = display
			u, _ := createUser(t, body)
			got := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			for _, c := range [][3]string{{"name", "familyName", family}, {"name", "givenName", given}, {"displayName", "", display}} {
				path := []string{c[0]}
				if c[1] != "" {
					path = append(path, c[1])
				}
				if v := got.Str(path...); v != c[2] {
					t.Errorf("%s: sent %q, read back %q", strings.Join(path, "."), c[2], v)
				}
			}
		},
	},
	{
		ID: "SCIM-HTTP-005", Title: "An unsupported protocol version in the path is refused, not served as another version",
		Spec:  "RFC 7644 §3.13",
		Rule:  `If specified, the version identifier MUST appear in the URL path immediately preceding the resource endpoint [...]. When specified, service providers MUST perform the operation using the desired version or reject the request. [The base URL's version segment ("/v2") is replaced by "/v99", which no SCIM version has; a read of /ServiceProviderConfig there must be refused (any 4xx or 5xx, or a redirect elsewhere), not answered with a SCIM document.]`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:transport", "tier:extended"}, Covers: []string{"S20"},
		Run: func(t *suites.T) {
			e := Session(t)
			other := httpOtherVersion(e.Client.BaseURL())
			if other == "" {
				t.Skipf("not applicable: the base URL %s names no protocol version (such as /v2) to replace", e.Client.BaseURL())
			}
			r := do(t, target.Request{Path: other + "/ServiceProviderConfig"})
			if r.Status < 200 || r.Status >= 300 {
				t.Logf("%s: the unsupported version is refused", line(r))
				return
			}
			if !strings.Contains(r.URL, "/v99/") {
				t.Logf("%s: redirected away from the unsupported version", line(r))
				return
			}
			o, err := r.Object()
			if err != nil || !hasString(Obj(o).Strs("schemas"), URNSPC) {
				t.Logf("%s: not a SCIM ServiceProviderConfig, so not the operation served under another version", line(r))
				return
			}
			t.Errorf("%s: the target served its ServiceProviderConfig under the unsupported version v99 (the base URL is %s); it must perform the operation in the version asked for or refuse it", line(r), e.Client.BaseURL())
		},
	},
}

// httpVersionSegment matches a protocol version path segment ("v2").
var httpVersionSegment = regexp.MustCompile(`(?i)^v[0-9]+$`)

// httpOtherVersion returns base with its last path segment, when it names
// a protocol version ("/scim/v2"), replaced by an unsupported one ("v99"),
// or "" otherwise. Only the last segment counts: RFC 7644 §3.13 puts the
// version immediately before the resource endpoint, and a "v1" further up
// the path belongs to the application.
func httpOtherVersion(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	segs := strings.Split(strings.TrimRight(u.Path, "/"), "/")
	if last := len(segs) - 1; last > 0 && httpVersionSegment.MatchString(segs[last]) {
		segs[last] = "v99"
		u.Path = strings.Join(segs, "/")
		u.RawPath = ""
		return u.String()
	}
	return ""
}

// mediaTypeRoundTrip creates a user and lists users with Accept and
// Content-Type set to mt.
func mediaTypeRoundTrip(mt string) func(t *suites.T) {
	return func(t *suites.T) {
		e := Session(t)
		r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: newUser(t),
			Header: map[string]string{"Accept": mt, "Content-Type": mt}})
		adopt(t, URNUser, r)
		wantStatus(t, r, 201)
		g := do(t, target.Request{Method: "GET", Path: e.Disc.Endpoint(URNUser), Query: map[string][]string{"count": {"1"}},
			Header: map[string]string{"Accept": mt}})
		if g.Status == http.StatusNotAcceptable || g.Status >= 400 {
			t.Errorf("%s with Accept: %s; expected 200", line(g), mt)
		} else if _, err := g.Object(); err != nil {
			t.Errorf("%s with Accept: %s: %v", line(g), mt, err)
		}
	}
}
