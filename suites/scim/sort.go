package scim

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/provcheck/provcheck/suites"
)

// sortRequires is what the sort checks need: sorting, and a filter to scope
// the list to the check's own users.
var sortRequires = []suites.Capability{suites.CapUsers, suites.CapFilter, suites.CapSort}

// Checks of sorting: RFC 7644 §3.4.2.3.
var sortChecks = []suites.Check{
	{
		ID: "SCIM-SORT-001", Title: "sortBy=userName without sortOrder sorts ascending",
		Spec:  "RFC 7644 §3.4.2.3",
		Rule:  `sortBy: The "sortBy" parameter specifies the attribute whose value SHALL be used to order the returned responses. [...] If a value for "sortBy" is provided and no "sortOrder" is specified, "sortOrder" SHALL default to ascending.`,
		Level: suites.Must, Kind: suites.Example, Requires: sortRequires,
		Labels: []string{"area:sort", "tier:core"}, Covers: []string{"S111"},
		Run: func(t *suites.T) {
			c := sortCorpus(t)
			sortExpect(t, c, "userName", url.Values{"sortBy": {"userName"}}, false)
		},
	},
	{
		ID: "SCIM-SORT-002", Title: "sortOrder=descending reverses the order",
		Spec:  "RFC 7644 §3.4.2.3",
		Rule:  `sortOrder: The order in which the "sortBy" parameter is applied. Allowed values are "ascending" and "descending". [...] "sortOrder" MUST sort according to the attribute type.`,
		Level: suites.Must, Kind: suites.Example, Requires: sortRequires,
		Labels: []string{"area:sort", "tier:core"}, Covers: []string{"S112"},
		Run: func(t *suites.T) {
			c := sortCorpus(t)
			sortExpect(t, c, "userName", url.Values{"sortBy": {"userName"}, "sortOrder": {"descending"}}, true)
		},
	},
	{
		ID: "SCIM-SORT-003", Title: "Case-insensitive attributes sort ignoring case; users without a value come last ascending, first descending",
		Spec:  "RFC 7644 §3.4.2.3",
		Rule:  `For all attribute types, if there is no data for the specified "sortBy" value, they are sorted via the "sortOrder" parameter, i.e., they are ordered last if ascending and first if descending. [...] "sortOrder" MUST sort according to the attribute type; i.e., for case-insensitive attributes, sort the result using case-insensitive Unicode alphabetic sort order with no specific locale implied, and for case-exact attribute types, sort the result using case-sensitive Unicode alphabetic sort order.`,
		Level: suites.Must, Kind: suites.Example, Requires: sortRequires,
		Labels: []string{"area:sort", "tier:extended"}, Covers: []string{"S113"},
		Run: func(t *suites.T) {
			c := filterMake(t, "pc-s",
				Obj{"userName": "Delta", "title": "Gamma"},
				Obj{"userName": "alpha", "title": "Beta"},
				Obj{"userName": "Charlie"},
				Obj{"userName": "bravo", "title": "alpha"},
				Obj{"userName": "Echo"})
			sortExpect(t, c, "userName", url.Values{"sortBy": {"userName"}}, false)
			sortExpect(t, c, "title", url.Values{"sortBy": {"title"}}, false)
			sortExpect(t, c, "title", url.Values{"sortBy": {"title"}, "sortOrder": {"descending"}}, true)
		},
	},
	{
		ID: "SCIM-SORT-004", Title: "sortBy takes a sub-attribute (name.familyName) and a URN-qualified extension attribute",
		Spec:  "RFC 7644 §3.4.2.3, §3.10",
		Rule:  `If the attribute is complex, the attribute name must be a path to a sub-attribute in standard attribute notation (Section 3.10), e.g., "sortBy=name.givenName". [§3.10: attributes are uniquely identified by prefixing the attribute name with its schema URN.]`,
		Level: suites.Must, Kind: suites.Example, Requires: sortRequires,
		Labels: []string{"area:sort", "tier:extended"}, Covers: []string{"S114"},
		Run: func(t *suites.T) {
			e := Session(t)
			ext := filterHas(e, suites.CapEnterpriseUser) && e.Disc.Schema(URNEnterprise).Attr("department") != nil
			user := func(n, family, dept string) Obj {
				u := Obj{"userName": n, "name": Obj{"givenName": "Pat", "familyName": family}}
				if ext {
					u[URNEnterprise] = Obj{"department": dept}
				}
				return u
			}
			c := filterMake(t, "pc-s",
				user("u1", "miller", "finance"),
				user("u2", "young", "engineering"),
				user("u3", "adams", "sales"),
				user("u4", "baker", "marketing"))
			sortExpect(t, c, "name.familyName", url.Values{"sortBy": {"name.familyName"}}, false)
			if !ext {
				t.Logf("the target declares no enterprise extension with department: sorting by an extension attribute left out")
				return
			}
			path := URNEnterprise + ":department"
			sortExpect(t, c, path, url.Values{"sortBy": {path}, "sortOrder": {"descending"}}, true)
		},
	},
	{
		ID: "SCIM-SORT-005", Title: "Without sort support, sortBy is ignored (or answered 501), never a server error",
		Spec:  "RFC 7643 §5; RFC 7644 §3.4.2, §3.4.2.3",
		Rule:  `Sort is OPTIONAL. [...] SCIM service providers [...] SHOULD ignore any query parameters they do not recognize instead of rejecting the query for versioning compatibility reasons. [derived: a target with sort.supported=false answers a list with sortBy as without it, or 501 Not Implemented; never another 5xx.]`,
		Level: suites.Should, Kind: suites.Negative, Requires: filterRequires,
		Labels: []string{"area:sort", "tier:extended"}, Covers: []string{"S115"},
		Run: func(t *suites.T) {
			e := Session(t)
			if filterHas(e, suites.CapSort) {
				t.Skipf("not applicable: the target advertises sort.supported=true; SCIM-SORT-001 to 004 check its sorting")
			}
			c := pageCorpus(t, 3)
			q := url.Values{"sortBy": {"userName"}, "sortOrder": {"descending"}}
			r := c.get(t, c.scope(), q)
			switch {
			case r.Status == 501:
				t.Logf("%s: sorting refused as not implemented, which is allowed", line(r))
			case r.Status == 200:
				all, _ := c.all(t, c.scope(), q)
				c.expectIn(t, "filter "+c.scope()+" with sortBy=userName", all, c.users)
			default:
				t.Errorf("%s for a list with sortBy on a target without sorting; expected 200 (sortBy ignored) or 501%s", line(r), bodyHint(r))
			}
		},
	},
}

// sortCorpus creates five users whose userNames are not created in order.
func sortCorpus(t *suites.T) *filterCorpus {
	var bodies []Obj
	for _, n := range []string{"delta", "bravo", "echo", "alpha", "charlie"} {
		bodies = append(bodies, Obj{"userName": n})
	}
	return filterMake(t, "pc-s", bodies...)
}

// sortExpect lists the corpus with the sort parameters q (all pages) and
// fails the check unless every user comes back once, in order of path.
func sortExpect(t *suites.T, c *filterCorpus, path string, q url.Values, desc bool) {
	all, _ := c.all(t, c.scope(), q)
	got := filterOnly(all, c.users)
	what := "filter " + c.scope() + " with " + pageParams(q)
	if !c.expectIn(t, what, got, c.users) {
		return
	}
	if p := sortProblem(t, c, got, path, desc); p != "" {
		want := sortedBy(t, c.users, path, desc)
		t.Errorf("%s is out of order: %s. Returned %s; expected %s", what, p, sortShow(c, got, path), sortShow(c, want, path))
	}
}

// sortKey returns the value a user sorts by and whether it has one.
func sortKey(u Obj, path string) (string, bool) {
	v := filterValues(u, path)
	if len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// sortCompare orders two users by path ascending: by value, compared
// ignoring case unless the attribute is caseExact, users without a value
// last.
func sortCompare(a, b Obj, path string, caseExact bool) int {
	ka, okA := sortKey(a, path)
	kb, okB := sortKey(b, path)
	switch {
	case !okA && !okB:
		return 0
	case !okA:
		return 1
	case !okB:
		return -1
	}
	if !caseExact {
		ka, kb = strings.ToLower(ka), strings.ToLower(kb)
	}
	return strings.Compare(ka, kb)
}

// sortedBy returns the users in the order the RFC asks for.
func sortedBy(t *suites.T, us []Obj, path string, desc bool) []Obj {
	ce := filterCaseExact(t, path)
	out := slices.Clone(us)
	slices.SortStableFunc(out, func(a, b Obj) int {
		c := sortCompare(a, b, path, ce)
		if desc {
			return -c
		}
		return c
	})
	return out
}

// sortProblem describes the first pair of neighbours out of order, or "".
func sortProblem(t *suites.T, c *filterCorpus, got []Obj, path string, desc bool) string {
	ce := filterCaseExact(t, path)
	for i := 1; i < len(got); i++ {
		cmp := sortCompare(got[i-1], got[i], path, ce)
		if desc {
			cmp = -cmp
		}
		if cmp > 0 {
			how := "ignoring case"
			if ce {
				how = "case-sensitively (the schema says caseExact)"
			}
			for _, u := range got {
				if _, ok := sortKey(u, path); !ok {
					how += "; users without a value come last ascending, first descending"
					break
				}
			}
			return fmt.Sprintf("%s comes before %s (%s compared %s)",
				sortShow(c, got[i-1:i], path), sortShow(c, got[i:i+1], path), path, how)
		}
	}
	return ""
}

// sortShow renders users with their sort values: "[alpha(Beta) bravo(-)]".
func sortShow(c *filterCorpus, us []Obj, path string) string {
	parts := make([]string, len(us))
	for i, u := range us {
		k, ok := sortKey(u, path)
		if !ok {
			k = "no value"
		}
		parts[i] = c.label(u)
		if !strings.EqualFold(path, "userName") {
			parts[i] += "(" + k + ")"
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}
