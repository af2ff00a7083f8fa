package scim

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/provcheck/provcheck/suites"
)

// Checks of pagination: RFC 7644 §3.4.2, §3.4.2.4. Every query is scoped to
// the check's own users with a filter, so the target's other resources and
// concurrent checks do not change the counts.
var pageChecks = []suites.Check{
	{
		ID: "SCIM-PAGE-001", Title: "startIndex=1&count=N returns the first N results with startIndex, itemsPerPage and totalResults",
		Spec:  "RFC 7644 §3.4.2.4",
		Rule:  `startIndex: The 1-based index of the first query result. count: [...] the service provider MUST NOT return more results than specified, although it MAY return fewer results. itemsPerPage: Non-negative integer. Specifies the number of query results returned in a query response page. totalResults: [...] the total number of results matching the client query.`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:paging", "tier:core", "dialect:okta"}, Covers: []string{"S104"},
		Run: func(t *suites.T) {
			c := pageCorpus(t, 5)
			q := pageSorted(t, url.Values{"startIndex": {"1"}, "count": {"2"}})
			o := c.list(t, c.scope(), q)
			page := o.Objs("Resources")
			what := "filter " + c.scope() + " with " + pageParams(q)
			pageHeader(t, what, o, len(c.users), 1, len(page))
			if len(page) > 2 {
				t.Errorf("%s returned %d resources; expected at most 2", what, len(page))
			}
			if q.Get("sortBy") == "" {
				t.Logf("sorting is not advertised, so which users come first is not checked")
				return
			}
			want := sortedBy(t, c.users, "userName", false)
			if len(page) > 0 && page[0].Str("id") != want[0].Str("id") {
				t.Errorf("%s started with user %s; expected %s, the first by userName (startIndex is 1-based)", what, c.label(page[0]), c.label(want[0]))
			}
		},
	},
	{
		ID: "SCIM-PAGE-002", Title: "Walking the pages returns every result once, with no gaps or duplicates",
		Spec:  "RFC 7644 §3.4.2.4",
		Rule:  `Given the example above, to continue paging, set the startIndex to 11 and re-fetch, i.e., /Users?startIndex=11&count=10. [derived: with the results unchanged and a sortBy for a stable order, the pages together hold every result exactly once. Without sorting RFC 7644 says clients MUST be prepared to handle inconsistent results, so only what is missing is reported.]`,
		Level: suites.Should, Kind: suites.Sequence, Requires: filterRequires,
		Labels: []string{"area:paging", "tier:core", "dialect:okta"}, Covers: []string{"S105"},
		Run: func(t *suites.T) {
			c := pageCorpus(t, 7)
			var all []Obj
			start := 1
			for range 10 {
				q := pageSorted(t, url.Values{"startIndex": {strconv.Itoa(start)}, "count": {"3"}})
				o := c.list(t, c.scope(), q)
				page := o.Objs("Resources")
				if len(page) > 3 {
					t.Errorf("filter %s with %s returned %d resources; expected at most 3", c.scope(), pageParams(q), len(page))
				}
				all = append(all, page...)
				total, _ := intOf(o.Get("totalResults"))
				if len(page) == 0 || start+len(page) > total {
					break
				}
				start += len(page)
			}
			sorted := pageSorted(t, url.Values{}).Get("sortBy") != ""
			if !sorted {
				// Without a defined order a result may move between pages;
				// report only what never came.
				all = filterUnique(all)
			}
			c.expectIn(t, "the pages of filter "+c.scope()+" with count=3", all, c.users)
			if sorted {
				if p := sortProblem(t, c, all, "userName", false); p != "" {
					t.Errorf("the pages of filter %s with sortBy=userName, in order: %s", c.scope(), p)
				}
			}
		},
	},
	{
		ID: "SCIM-PAGE-003", Title: "startIndex below 1 (0, -1) is read as 1",
		Spec:  "RFC 7644 §3.4.2.4",
		Rule:  `startIndex: The 1-based index of the first query result. A value less than 1 SHALL be interpreted as 1.`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:paging", "tier:core"}, Covers: []string{"S106"},
		Run: func(t *suites.T) {
			c := pageCorpus(t, 3)
			ref := c.list(t, c.scope(), pageSorted(t, url.Values{"startIndex": {"1"}}))
			for _, si := range []string{"0", "-1"} {
				q := pageSorted(t, url.Values{"startIndex": {si}})
				o := c.list(t, c.scope(), q)
				what := "filter " + c.scope() + " with " + pageParams(q)
				c.expectIn(t, what+" (compared with startIndex=1)", o.Objs("Resources"), ref.Objs("Resources"))
				if s, ok := intOf(o.Get("startIndex")); o.Has("startIndex") && (!ok || s != 1) {
					t.Errorf("%s answered startIndex %s; expected 1, the value %s is read as", what, compact(o.Get("startIndex")), si)
				}
			}
		},
	},
	{
		ID: "SCIM-PAGE-004", Title: "count=0 returns totalResults and no resources",
		Spec:  "RFC 7644 §3.4.2.4",
		Rule:  `count: Non-negative integer. [...] A value of "0" indicates that no resource results are to be returned except for "totalResults".`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:paging", "tier:core"}, Covers: []string{"S107"},
		Run: func(t *suites.T) {
			c := pageCorpus(t, 2)
			pageEmpty(t, c, url.Values{"count": {"0"}})
		},
	},
	{
		ID: "SCIM-PAGE-005", Title: "A negative count is read as 0",
		Spec:  "RFC 7644 §3.4.2.4",
		Rule:  `count: Non-negative integer. [...] A negative value SHALL be interpreted as "0". A value of "0" indicates that no resource results are to be returned except for "totalResults".`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:paging", "tier:extended"}, Covers: []string{"S108"},
		Run: func(t *suites.T) {
			c := pageCorpus(t, 2)
			pageEmpty(t, c, url.Values{"count": {"-1"}})
		},
	},
	{
		ID: "SCIM-PAGE-006", Title: "A count above the server's maximum is capped, not refused",
		Spec:  "RFC 7644 §3.4.2.4; RFC 7643 §5",
		Rule:  `count: [...] When specified, the service provider MUST NOT return more results than specified, although it MAY return fewer results. [RFC 7643 §5 filter.maxResults: the maximum number of resources returned in a response. A large count is a wish the server trims to its maximum; the request is valid.]`,
		Level: suites.Should, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:paging", "tier:extended"}, Covers: []string{"S108"},
		Run: func(t *suites.T) {
			e := Session(t)
			c := pageCorpus(t, 3)
			q := url.Values{"count": {"100000"}}
			r := c.get(t, c.scope(), q)
			mustStatus(t, r, 200)
			o := object(t, r)
			page := o.Objs("Resources")
			pageHeader(t, "filter "+c.scope()+" with "+pageParams(q), o, len(c.users), 0, len(page))
			if max, ok := intOf(e.Disc.SPC.Get("filter", "maxResults")); ok && len(page) > max {
				t.Errorf("%s returned %d resources; the ServiceProviderConfig says filter.maxResults is %d", line(r), len(page), max)
			}
		},
	},
	{
		ID: "SCIM-PAGE-007", Title: "startIndex beyond totalResults answers 200 with an empty page",
		Spec:  "RFC 7644 §3.4.2, §3.4.2.4",
		Rule:  `A query that does not return any matches SHALL return success (HTTP status code 200) with "totalResults" set to a value of 0. [derived: a page past the last result holds no resources; it is still a successful query, and totalResults still counts every match.]`,
		Level: suites.Should, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:paging", "tier:extended", "dialect:okta"}, Covers: []string{"S109"},
		Run: func(t *suites.T) {
			c := pageCorpus(t, 2)
			pageEmpty(t, c, url.Values{"startIndex": {"50"}, "count": {"10"}})
		},
	},
	{
		ID: "SCIM-PAGE-008", Title: "A ListResponse has schemas, totalResults and Resources, plus startIndex and itemsPerPage on a partial page",
		Spec:  "RFC 7644 §3.4.2",
		Rule:  `Responses MUST be identified using the following URI: "urn:ietf:params:scim:api:messages:2.0:ListResponse". totalResults [...] REQUIRED. Resources [...] REQUIRED if "totalResults" is non-zero. startIndex [...] REQUIRED when partial results are returned due to pagination. itemsPerPage [...] REQUIRED when partial results are returned due to pagination.`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:paging", "tier:core", "dialect:entra", "dialect:okta"}, Covers: []string{"S110"},
		Run: func(t *suites.T) {
			c := pageCorpus(t, 3)
			for _, q := range []url.Values{{}, {"startIndex": {"1"}, "count": {"2"}}} {
				o := c.list(t, c.scope(), q)
				what := "filter " + c.scope()
				if len(q) > 0 {
					what += " with " + pageParams(q)
				}
				if !hasString(o.Strs("schemas"), URNList) {
					t.Errorf("%s: \"schemas\" is %s; expected [%q]", what, compact(o.Get("schemas")), URNList)
				}
				total, ok := intOf(o.Get("totalResults"))
				if !ok {
					t.Errorf("%s: totalResults is %s; expected an integer (REQUIRED)", what, compact(o.Get("totalResults")))
				}
				if _, isList := o.Get("Resources").([]any); total > 0 && !isList {
					t.Errorf("%s: totalResults is %d but Resources is %s; expected an array (REQUIRED when totalResults is non-zero)", what, total, compact(o.Get("Resources")))
				}
				if n := len(o.List("Resources")); n < total {
					for _, f := range []string{"startIndex", "itemsPerPage"} {
						if _, ok := intOf(o.Get(f)); !ok {
							t.Errorf("%s returned %d of %d results but %s is %s; expected an integer (REQUIRED on a partial page)", what, n, total, f, compact(o.Get(f)))
						}
					}
				}
			}
		},
	},
	{
		ID: "SCIM-PAGE-009", Title: "An unknown query parameter is ignored: the list answers as it does without it",
		Spec:  "RFC 7644 §3.4.2",
		Rule:  `SCIM service providers MAY support additional query parameters not specified here and SHOULD ignore any query parameters they do not recognize instead of rejecting the query for versioning compatibility reasons.`,
		Level: suites.Should, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:paging", "tier:extended"}, Covers: []string{"S110"},
		Run: func(t *suites.T) {
			c := pageCorpus(t, 3)
			want := c.list(t, c.scope(), nil).Objs("Resources")
			extra := url.Values{"pcUnknownParameter": {"1"}}
			r := c.get(t, c.scope(), extra)
			if r.Status != 200 {
				t.Fatalf("filter %s with %s: %s; an unknown parameter should be ignored, not refused%s", c.scope(), pageParams(extra), line(r), bodyHint(r))
			}
			got := filterListOf(t, r).Objs("Resources")
			c.expectIn(t, "filter "+c.scope()+" with "+pageParams(extra), got, want)
		},
	},
}

// pageCorpus creates n users whose userNames are not in creation order
// ("u-e", "u-c", "u-a", ...), so an answer in creation order is not sorted.
func pageCorpus(t *suites.T, n int) *filterCorpus {
	var bodies []Obj
	for i := range n {
		// 0, n-1, 1, n-2, ... reversed halves interleaved.
		k := i / 2
		if i%2 == 1 {
			k = n - 1 - i/2
		}
		bodies = append(bodies, Obj{"userName": fmt.Sprintf("u-%c", 'a'+n-1-k)})
	}
	return filterMake(t, "pc-p", bodies...)
}

// pageSorted adds sortBy=userName to q when the target advertises sorting,
// so that pages have a defined order.
func pageSorted(t *suites.T, q url.Values) url.Values {
	if filterHas(Session(t), suites.CapSort) {
		q.Set("sortBy", "userName")
	}
	return q
}

// pageParams renders query parameters for messages: "count=2&startIndex=1".
func pageParams(q url.Values) string {
	s, _ := url.QueryUnescape(q.Encode())
	return s
}

// pageHeader checks the paging attributes of a ListResponse: totalResults
// equals total, itemsPerPage (when given) the number of resources, and
// startIndex (when start > 0 and given) start. itemsPerPage and startIndex
// are REQUIRED when the page is partial.
func pageHeader(t *suites.T, what string, o Obj, total, start, n int) {
	got, ok := intOf(o.Get("totalResults"))
	if !ok || got != total {
		t.Errorf("%s answered totalResults %s; expected %d, the users of this check", what, compact(o.Get("totalResults")), total)
	}
	partial := n < total
	if ipp, ok := intOf(o.Get("itemsPerPage")); ok && ipp != n {
		t.Errorf("%s answered itemsPerPage %d with %d resources; expected them equal", what, ipp, n)
	} else if !ok && partial {
		t.Errorf("%s returned %d of %d results without an integer itemsPerPage (REQUIRED on a partial page)", what, n, total)
	}
	if start <= 0 {
		return
	}
	if si, ok := intOf(o.Get("startIndex")); ok && si != start {
		t.Errorf("%s answered startIndex %d; expected %d", what, si, start)
	} else if !ok && partial {
		t.Errorf("%s returned %d of %d results without an integer startIndex (REQUIRED on a partial page)", what, n, total)
	}
}

// pageEmpty queries the corpus with q and expects 200, totalResults equal
// to the corpus and no resources (an empty or absent Resources).
func pageEmpty(t *suites.T, c *filterCorpus, q url.Values) {
	r := c.get(t, c.scope(), q)
	what := "filter " + c.scope() + " with " + pageParams(q)
	if r.Status != 200 {
		t.Fatalf("%s: %s; expected 200 with no resources%s", what, line(r), bodyHint(r))
	}
	o := object(t, r)
	if n, ok := intOf(o.Get("totalResults")); !ok || n != len(c.users) {
		t.Errorf("%s answered totalResults %s; expected %d, the users of this check", what, compact(o.Get("totalResults")), len(c.users))
	}
	if page := o.Objs("Resources"); len(page) > 0 {
		t.Errorf("%s returned %d resources %s; expected none", what, len(page), c.labels(page))
	}
	if ipp, ok := intOf(o.Get("itemsPerPage")); ok && ipp != 0 {
		t.Errorf("%s answered itemsPerPage %d; expected 0", what, ipp)
	}
}

// filterUnique drops the resources whose id came before.
func filterUnique(us []Obj) []Obj {
	seen := map[string]bool{}
	var out []Obj
	for _, u := range us {
		if id := u.Str("id"); !seen[id] {
			seen[id] = true
			out = append(out, u)
		}
	}
	return out
}
