package scim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of querying with POST /.search: RFC 7644 §3.4.3.
var searchChecks = []suites.Check{
	{
		ID: "SCIM-SEARCH-001", Title: "POST /Users/.search answers 200 with a ListResponse honouring filter, startIndex, count and attributes",
		Spec:  "RFC 7644 §3.4.3",
		Rule:  `The inclusion of "/.search" on the end of a valid SCIM endpoint SHALL be used to indicate that the HTTP POST verb is intended to be a query operation. [...] Query requests MUST be identified using the following URI: "urn:ietf:params:scim:api:messages:2.0:SearchRequest". [...] After receiving an HTTP POST request, a response is returned as specified in Section 3.4.2. [A query creates nothing: 200 OK, not 201.]`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers, suites.CapSearch},
		Labels: []string{"area:search", "tier:core"}, Covers: []string{"S122"},
		Run: func(t *suites.T) {
			e := Session(t)
			tag := e.Name("pc-s")
			ids := map[string]bool{}
			for _, suffix := range []string{"a", "b", "c"} {
				body := newUser(t)
				body["userName"] = tag + "-" + suffix
				body["displayName"] = "Search " + suffix
				u, _ := createUser(t, body)
				ids[u.Str("id")] = true
			}
			path := e.Disc.Endpoint(URNUser) + "/.search"
			seen := map[string]bool{}
			for _, start := range []int{1, 3} {
				req := searchRequest(fmt.Sprintf("userName sw %q", tag))
				req["startIndex"], req["count"], req["attributes"] = start, 2, []any{"userName"}
				r := do(t, target.Request{Method: "POST", Path: path, Body: req})
				searchSkipUnsupported(t, r)
				if r.Status == 201 {
					t.Fatalf("%s Created; a search creates nothing: expected 200 OK with a ListResponse%s", line(r), bodyHint(r))
				}
				l := searchList(t, r)
				what := fmt.Sprintf("%s (startIndex %d, count 2)", line(r), start)
				if n, ok := intOf(l.Get("totalResults")); !ok || n != 3 {
					t.Errorf("%s: totalResults is %s; expected 3, the users whose userName starts with %q", what, compact(l.Get("totalResults")), tag)
				}
				if si, ok := intOf(l.Get("startIndex")); ok && si != start {
					t.Errorf("%s: startIndex is %v; expected %d, as requested", what, si, start)
				}
				rs := l.Objs("Resources")
				if len(rs) > 2 {
					t.Errorf("%s returned %d resources; count 2 is the most it may return", what, len(rs))
				}
				if len(rs) == 0 {
					t.Errorf("%s returned no resources; expected matches from the 3 users starting with %q", what, tag)
				}
				for _, o := range rs {
					if !ids[o.Str("id")] || !strings.HasPrefix(strings.ToLower(o.Str("userName")), strings.ToLower(tag)) {
						t.Errorf("%s returned %s, which does not match the filter userName sw %q", what, compact(o), tag)
					}
					if seen[o.Str("id")] {
						t.Errorf("%s returned %s again, already on the page before", what, o.Str("id"))
					}
					seen[o.Str("id")] = true
					if o.Has("displayName") {
						t.Errorf("%s: a resource carries displayName though attributes was [\"userName\"]: %s", what, compact(o))
					}
				}
			}
		},
	},
	{
		ID: "SCIM-SEARCH-002", Title: "POST /.search at the root searches across resource types",
		Spec:  "RFC 7644 §3.4.2.1, §3.4.3",
		Rule:  `Queries MAY be performed against a SCIM resource object, a resource type endpoint, or a SCIM server root. [...] A query against a server root indicates that all resources within the server SHALL be included, subject to filtering. [...] For filtered attributes that are not part of a particular resource type, the service provider SHALL treat the attribute as if there is no attribute value.`,
		Level: suites.May, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers, suites.CapSearch},
		Labels: []string{"area:search", "tier:extended"}, Covers: []string{"S123"},
		Run: func(t *suites.T) {
			e := Session(t)
			tag := e.Name("pc-s")
			want := map[string]string{}
			body := newUser(t)
			body["userName"] = tag + "-user"
			u, _ := createUser(t, body)
			want[u.Str("id")] = "User"
			if ok, why := e.Disc.Has(suites.CapGroups); ok {
				g := newGroup(t)
				g["displayName"] = tag + "-group"
				o, _ := createGroup(t, g)
				want[o.Str("id")] = "Group"
			} else {
				t.Logf("groups left out: %s", why)
			}
			req := searchRequest(fmt.Sprintf("userName sw %q or displayName sw %q", tag, tag))
			r := do(t, target.Request{Method: "POST", Path: "/.search", Body: req})
			switch r.Status {
			case 404, 405, 501:
				t.Skipf("not applicable: %s; a search at the root is optional (MAY)", line(r))
			case 400:
				// RFC 7644 §3.4.2.2 names a query of the server base URI as
				// the example of one a server may refuse with tooMany.
				if scimType(r) == "tooMany" {
					t.Skipf("not applicable: %s with scimType tooMany; RFC 7644 §3.4.2.2 lets a server refuse root queries so", line(r))
				}
			case 201:
				t.Fatalf("%s Created; a search creates nothing: expected 200 OK with a ListResponse%s", line(r), bodyHint(r))
			}
			got := map[string]bool{}
			for _, o := range searchList(t, r).Objs("Resources") {
				if _, mine := want[o.Str("id")]; !mine {
					t.Errorf("%s returned %s, which does not match the filter (nothing but this check's resources start with %q)", line(r), compact(o), tag)
				}
				got[o.Str("id")] = true
			}
			for id, typ := range want {
				if !got[id] {
					t.Errorf("%s: the %s %s that matches the filter is missing", line(r), typ, id)
				}
			}
		},
	},
	{
		ID: "SCIM-SEARCH-003", Title: "An invalid filter in a SearchRequest is refused with 400 invalidFilter",
		Spec:  "RFC 7644 §3.4.2.2, §3.4.3",
		Rule:  `filter: The filter string MUST be a valid filter (Section 3.4.2.2) expression. [...] Providers MUST decline to filter results if the specified filter operation is not recognized and return an HTTP 400 error with a "scimType" error of "invalidFilter".`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers, suites.CapSearch},
		Labels: []string{"area:search", "tier:core"}, Covers: []string{"S124"},
		Run: func(t *suites.T) {
			e := Session(t)
			tag := e.Name("pc-s")
			path := e.Disc.Endpoint(URNUser) + "/.search"
			// An operator the target does not know: §3.4.2.2 names the
			// scimType. A syntax error: 400, with invalidFilter if a
			// scimType is given (it is OPTIONAL in §3.12).
			f := fmt.Sprintf("userName regex %q", tag)
			r := do(t, target.Request{Method: "POST", Path: path, Body: searchRequest(f)})
			searchSkipUnsupported(t, r)
			if wantStatus(t, r, 400) && scimType(r) != "invalidFilter" {
				t.Errorf("%s for the filter %s (an unknown operator) with scimType %q; expected \"invalidFilter\"%s", line(r), f, scimType(r), bodyHint(r))
			}
			f = fmt.Sprintf("(userName sw %q", tag)
			r = do(t, target.Request{Method: "POST", Path: path, Body: searchRequest(f)})
			wantBadRequest(t, r, "invalidFilter")
		},
	},
	{
		ID: "SCIM-SEARCH-004", Title: "A SearchRequest's excludedAttributes leaves those attributes out, never id",
		Spec:  "RFC 7644 §3.4.3, §3.4.2.5",
		Rule:  `excludedAttributes: A multi-valued list of strings indicating the names of resource attributes to be removed from the default set of attributes to return. This parameter SHALL have no effect on attributes whose schema "returned" setting is "always" [...]. Attribute names MUST be in standard attribute notation (Section 3.10) form.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers, suites.CapSearch},
		Labels: []string{"area:search", "tier:extended"}, Covers: []string{"S122"},
		Run: func(t *suites.T) {
			e := Session(t)
			tag := e.Name("pc-s")
			for _, suffix := range []string{"a", "b"} {
				body := newUser(t)
				body["userName"] = tag + "-" + suffix
				body["emails"] = []any{Obj{"value": suffix + "@example.com", "type": "work"}}
				createUser(t, body)
			}
			req := searchRequest(fmt.Sprintf("userName sw %q", tag))
			req["excludedAttributes"] = []any{"emails", "id"}
			r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser) + "/.search", Body: req})
			searchSkipUnsupported(t, r)
			rs := searchList(t, r).Objs("Resources")
			if len(rs) != 2 {
				t.Errorf("%s returned %d resources; expected the 2 users whose userName starts with %q", line(r), len(rs), tag)
			}
			for _, o := range rs {
				if o.Has("emails") {
					t.Errorf("%s: a resource carries emails though excludedAttributes named them: %s", line(r), compact(o))
				}
				if o.Str("id") == "" {
					t.Errorf("%s: a resource lacks id, which is returned \"always\" and cannot be excluded: %s", line(r), compact(o))
				}
			}
		},
	},
	{
		ID: "SCIM-SEARCH-005", Title: "A SearchRequest's sortBy and sortOrder order the results",
		Spec:  "RFC 7644 §3.4.3, §3.4.2.3",
		Rule:  `sortBy: A string indicating the attribute whose value SHALL be used to order the returned responses. The "sortBy" attribute MUST be in standard attribute notation (Section 3.10) form. sortOrder: A string indicating the order in which the "sortBy" parameter is applied.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers, suites.CapSearch, suites.CapSort},
		Labels: []string{"area:search", "tier:extended"}, Covers: []string{"S122"},
		Run: func(t *suites.T) {
			e := Session(t)
			tag := e.Name("pc-s")
			for _, suffix := range []string{"b", "c", "a"} {
				body := newUser(t)
				body["userName"] = tag + "-" + suffix
				createUser(t, body)
			}
			req := searchRequest(fmt.Sprintf("userName sw %q", tag))
			req["sortBy"], req["sortOrder"] = "userName", "descending"
			r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser) + "/.search", Body: req})
			searchSkipUnsupported(t, r)
			var got []string
			for _, o := range searchList(t, r).Objs("Resources") {
				got = append(got, strings.TrimPrefix(strings.ToLower(o.Str("userName")), strings.ToLower(tag)+"-"))
			}
			if want := []string{"c", "b", "a"}; !slices.Equal(got, want) {
				t.Errorf("%s with sortBy userName, sortOrder descending returned the users %v (by userName suffix); expected %v", line(r), got, want)
			}
		},
	},
}

// searchRequest returns a SearchRequest message with the given filter.
func searchRequest(filter string) Obj {
	return Obj{"schemas": []any{URNSearch}, "filter": filter}
}

// searchList expects 200 with a ListResponse and returns it.
func searchList(t *suites.T, r *target.Response) Obj {
	mustStatus(t, r, 200)
	l := object(t, r)
	if !hasString(l.Strs("schemas"), URNList) {
		t.Errorf("%s: \"schemas\" is %s; expected %s", line(r), compact(l.Get("schemas")), URNList)
	}
	if _, ok := l.Get("Resources").([]any); !ok && !isInteger(l.Get("totalResults")) {
		t.Fatalf("%s: not a ListResponse (no Resources array, no totalResults): %s", line(r), compact(l))
	}
	return l
}

// searchSkipUnsupported skips the check when the target does not offer
// POST /.search: no ServiceProviderConfig flag advertises it and RFC 7644
// obliges no service provider to offer it (§3.4.3: clients MAY use it).
// §3.12 names 501 (Not Implemented) for an operation a provider does not
// support and 404 for an endpoint that does not exist; 405 says the method
// is not allowed there. Whether the error has a SCIM body is SCIM-ERR-002's
// to judge.
func searchSkipUnsupported(t *suites.T, r *target.Response) {
	switch r.Status {
	case 404, 405, 501:
		t.Skipf("not applicable: %s: the target does not offer POST /.search (RFC 7644 §3.4.3 makes it the client's option; §3.12: 501 for an unsupported operation, 404 for an endpoint that does not exist)", line(r))
	}
}
