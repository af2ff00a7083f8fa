package scim

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// filterRequires is what every filter check needs: users to create and a
// filter to scope the queries to them.
var filterRequires = []suites.Capability{suites.CapUsers, suites.CapFilter}

// Checks of filtering: RFC 7644 §3.4.2, §3.4.2.2 with the caseExact rule of
// RFC 7643 §2.2 and §7.
var filterChecks = []suites.Check{
	{
		ID: "SCIM-FILTER-001", Title: "userName eq returns exactly the user with that userName",
		Spec:  "RFC 7644 §3.4.2.2",
		Rule:  `eq: The attribute and operator values must be identical for a match. [...] When specified, only those resources matching the filter expression SHALL be returned.`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:core", "dialect:rfc", "dialect:entra", "dialect:okta"}, Covers: []string{"S88"},
		Run: func(t *suites.T) {
			c := filterMake(t, "pc-f", Obj{"userName": "alpha"}, Obj{"userName": "alphabet"}, Obj{"userName": "beta"})
			// Unscoped, as IdPs send it: the userName is unique to this run.
			name := c.users[0].Str("userName")
			c.expect(t, "userName eq "+filterLit(name), c.users[:1])
		},
	},
	{
		ID: "SCIM-FILTER-002", Title: "ne, co, sw and ew on strings return exactly the matching users",
		Spec:  "RFC 7644 §3.4.2.2",
		Rule:  `ne: The attribute and operator values are not identical. co: The entire operator value must be a substring of the attribute value for a match. sw: [...] starting at the beginning of the attribute value. ew: [...] matching at the end of the attribute value.`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:core"}, Covers: []string{"S89"},
		Run: func(t *suites.T) {
			c := filterMake(t, "pc-f",
				Obj{"userName": "apple", "title": "senior engineer"},
				Obj{"userName": "apricot", "title": "engineer"},
				Obj{"userName": "banana", "title": "manager"},
				Obj{"userName": "cherry"},
				Obj{"userName": "grape", "title": "engineering manager"})
			c.lenient = true
			for _, fc := range []filterCase{
				filterAtom(t, "userName", "ne", c.users[0].Str("userName")),
				filterAtom(t, "userName", "co", "an"),
				filterAtom(t, "userName", "sw", c.tag+"-ap"),
				filterAtom(t, "userName", "ew", "e"),
				filterAtom(t, "title", "co", "engineer"),
				filterAtom(t, "title", "sw", "engineer"),
				filterAtom(t, "title", "ew", "manager"),
			} {
				c.run(t, fc)
			}
			c.done(t)
		},
	},
	{
		ID: "SCIM-FILTER-003", Title: "pr matches users with a non-empty value, on simple and complex attributes",
		Spec:  "RFC 7644 §3.4.2.2",
		Rule:  `pr: If the attribute has a non-empty or non-null value, or if it contains a non-empty node for complex attributes, there is a match.`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:core"}, Covers: []string{"S90"},
		Run: func(t *suites.T) {
			c := filterMake(t, "pc-f",
				Obj{"userName": "full", "title": "engineer", "name": Obj{"givenName": "Ada", "familyName": "Lovelace"},
					"emails": []any{Obj{"value": "full@example.org", "type": "work"}}},
				Obj{"userName": "bare"},
				Obj{"userName": "titled", "title": "manager"})
			// An empty string is not a value: sent where the target takes
			// it, it must not count as present.
			filterAddEmpty(t, c, "title")
			c.lenient = true
			for _, path := range []string{"title", "name", "emails"} {
				c.run(t, filterPresent(path))
			}
			c.done(t)
		},
	},
	{
		ID: "SCIM-FILTER-004", Title: "gt, ge, lt and le compare meta.lastModified chronologically (and integers numerically)",
		Spec:  "RFC 7644 §3.4.2.2",
		Rule:  `gt: If the attribute value is greater than the operator value, there is a match. The actual comparison is dependent on the attribute type. For string attribute types, this is a lexicographical comparison, and for DateTime types, it is a chronological comparison. For integer attributes, it is a comparison by numeric value. [Same for ge, lt, le.]`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:core", "dialect:rfc"}, Covers: []string{"S91"},
		Run: func(t *suites.T) {
			c := filterTimeCorpus(t)
			filterTimeOps(t, c)
			filterIntegerOps(t, c)
			c.done(t)
		},
	},
	{
		ID: "SCIM-FILTER-005", Title: "and, or and not follow the precedence not > and > or, and parentheses group",
		Spec:  "RFC 7644 §3.4.2.2",
		Rule:  `Filters MUST be evaluated using the following order of operations, in order of precedence: 1. Grouping operators 2. Logical operators - where "not" takes precedence over "and", which takes precedence over "or" 3. Attribute operators`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:core"}, Covers: []string{"S92"},
		Run: func(t *suites.T) {
			// The attributes are the ones every filtering target supports:
			// userName sw for the first letter, displayName eq for the kind.
			kind := func(n, k string) Obj { return Obj{"userName": n, "displayName": k} }
			c := filterMake(t, "pc-f", kind("a-e", "employee"), kind("a-c", "contractor"),
				kind("b-e", "employee"), kind("b-c", "contractor"), kind("g-e", "employee"))
			c.lenient = true
			letter := func(l string) filterCase { return filterAtom(t, "userName", "sw", c.tag+"-"+l) }
			a, b, g := letter("a"), letter("b"), letter("g")
			emp, con := filterAtom(t, "displayName", "eq", "employee"), filterAtom(t, "displayName", "eq", "contractor")
			for _, fc := range []filterCase{
				{a.expr + " or " + b.expr + " and " + emp.expr,
					func(u Obj) bool { return a.match(u) || b.match(u) && emp.match(u) }},
				{"(" + a.expr + " or " + b.expr + ") and " + emp.expr,
					func(u Obj) bool { return (a.match(u) || b.match(u)) && emp.match(u) }},
				{con.expr + " and " + b.expr + " or " + g.expr,
					func(u Obj) bool { return con.match(u) && b.match(u) || g.match(u) }},
				{g.expr + " or not (" + emp.expr + ")",
					func(u Obj) bool { return g.match(u) || !emp.match(u) }},
				{"not (" + a.expr + " or " + b.expr + ") and " + emp.expr,
					func(u Obj) bool { return !(a.match(u) || b.match(u)) && emp.match(u) }},
			} {
				c.run(t, fc)
			}
			c.done(t)
		},
	},
	{
		ID: "SCIM-FILTER-006", Title: "emails.value and emails[type eq \"work\" and value co ...] match within one value",
		Spec:  "RFC 7644 §3.4.2.2",
		Rule:  `If the specified attribute in a filter expression is a multi-valued attribute, the filter matches if any of the values of the specified attribute match the specified criterion [...] [ ] Complex attribute filter grouping: Service providers MAY support complex filters where expressions MUST be applied to the same value of a parent attribute [...]`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:core"}, Covers: []string{"S93"},
		Run: func(t *suites.T) {
			tag := Session(t).Name("pc-mail")
			c := filterMake(t, "pc-f",
				Obj{"userName": "work", "emails": []any{Obj{"value": tag + "-w@example.org", "type": "work"}}},
				Obj{"userName": "home", "emails": []any{
					Obj{"value": tag + "-h@example.org", "type": "home"},
					Obj{"value": tag + "-h@example.com", "type": "work"}}},
				Obj{"userName": "none"})
			c.lenient = true
			c.run(t, filterAtom(t, "emails.value", "eq", tag+"-h@example.com"))
			c.run(t, filterAtom(t, "emails.type", "eq", "home"))
			f := c.where(`emails[type eq "work" and value co "@example.org"]`)
			r := c.get(t, f, nil)
			if r.Status == 400 {
				t.Logf("%s: the target does not support value filters in brackets, which RFC 7644 §3.4.2.2 leaves optional (MAY)%s", line(r), bodyHint(r))
				c.done(t)
				return
			}
			work := filterAtom(t, "type", "eq", "work").match
			org := filterAtom(t, "value", "co", "@example.org").match
			want := c.matching(func(u Obj) bool {
				for _, m := range u.Objs("emails") {
					if work(m) && org(m) {
						return true
					}
				}
				return false
			})
			c.expectIn(t, "filter "+f, filterListOf(t, r).Objs("Resources"), want)
		},
	},
	{
		ID: "SCIM-FILTER-007", Title: "Attribute names and operators in filters are case-insensitive (USERNAME EQ)",
		Spec:  "RFC 7644 §3.4.2.2",
		Rule:  `Attribute names and attribute operators used in filters are case insensitive. For example, the following two expressions will evaluate to the same logical value: filter=userName Eq "john" filter=Username eq "john" [The logical operators are quoted strings of the ABNF, which RFC 5234 §2.3 makes case-insensitive.]`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:core"}, Covers: []string{"S94"},
		Run: func(t *suites.T) {
			c := filterMake(t, "pc-f", Obj{"userName": "one"}, Obj{"userName": "two"})
			name := filterLit(c.users[0].Str("userName"))
			other := filterLit(c.users[1].Str("userName"))
			// Each filter with its twin in the case of the RFC's text: a
			// target may decline an operator it does not support at all
			// (RFC 7644 §3.12, invalidFilter), in any case; it may not
			// decline a case it accepts in the other.
			eq := "userName eq " + name
			for _, f := range [][2]string{
				{"USERNAME EQ " + name, eq},
				{"userName Eq " + name, eq},
				{"username eq " + name, eq},
				{"UserName Sw " + filterLit(c.tag+"-") + " AND NOT (USERNAME eQ " + other + ")",
					"userName sw " + filterLit(c.tag+"-") + " and not (userName eq " + other + ")"},
			} {
				r := c.get(t, f[0], nil)
				if !filterDeclined(r) {
					c.expect(t, f[0], c.users[:1])
					continue
				}
				if twin := c.get(t, f[1], nil); !filterDeclined(twin) {
					t.Errorf("filter %s: %s, but %s answered %d: attribute names and operators are case insensitive%s", f[0], line(r), f[1], twin.Status, bodyHint(r))
					continue
				}
				t.Logf("filter %s: %s, and so does %s: the target does not support this filter in any case, which RFC 7644 §3.12 (invalidFilter) allows", f[0], line(r), f[1])
			}
		},
	},
	{
		ID: "SCIM-FILTER-008", Title: "String comparison follows caseExact: userName ignores case, caseExact attributes do not",
		Spec:  "RFC 7644 §3.4.2.2; RFC 7643 §2.2, §7",
		Rule:  `When comparing attributes of type String, the case sensitivity for String type attributes SHALL be determined by the attribute's "caseExact" characteristic. [RFC 7643 §7: caseExact ... The server SHALL use case sensitivity when evaluating filters.]`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:core", "dialect:entra", "dialect:okta"}, Covers: []string{"S95"},
		Run: func(t *suites.T) {
			c := filterMake(t, "pc-f", Obj{"userName": "MiXeD"}, Obj{"userName": "other"})
			stored := c.users[0].Str("userName")
			for _, v := range []string{strings.ToUpper(stored), strings.ToLower(stored), filterSwapCase(stored)} {
				if v == stored {
					continue
				}
				fc := filterAtom(t, "userName", "eq", v)
				c.expect(t, fc.expr, c.matching(fc.match))
			}
			filterCaseExactAttr(t, c)
		},
	},
	{
		ID: "SCIM-FILTER-009", Title: "Enterprise extension attributes filter by URN-qualified name (and short name if supported)",
		Spec:  "RFC 7644 §3.4.2.2, §3.10",
		Rule:  `attrPath = [URI ":"] ATTRNAME *1subAttr [...] Clients MAY omit core schema attribute URN prefixes but SHOULD fully qualify extended attributes with the associated schema extension URN to avoid naming conflicts.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers, suites.CapFilter, suites.CapEnterpriseUser},
		Labels: []string{"area:filter", "tier:extended", "dialect:entra"}, Covers: []string{"S96"},
		Run: func(t *suites.T) {
			e := Session(t)
			var attr string
			for _, n := range []string{"employeeNumber", "department", "costCenter"} {
				if a := e.Disc.Schema(URNEnterprise).Attr(n); a != nil && a.Type == "string" && a.Mutability == "readWrite" {
					attr = a.Name
					break
				}
			}
			if attr == "" {
				t.Skipf("not applicable: the target's enterprise User schema declares none of employeeNumber, department, costCenter as a writable string")
			}
			v := e.Name("pc-emp")
			c := filterMake(t, "pc-f",
				Obj{"userName": "e1", URNEnterprise: Obj{attr: v + "-701"}},
				Obj{"userName": "e2", URNEnterprise: Obj{attr: v + "-702"}},
				Obj{"userName": "e0"})
			full := URNEnterprise + ":" + attr
			c.lenient = true
			c.run(t, filterAtom(t, full, "eq", v+"-701"))
			c.run(t, filterAtom(t, full, "sw", v+"-70"))
			c.done(t)
			f := c.where(attr + " eq " + filterLit(v+"-702"))
			r := c.get(t, f, nil)
			if r.Status == 400 {
				t.Logf("%s: the short name %q is not accepted; RFC 7644 §3.10 asks clients to use the URN-qualified name", line(r), attr)
				return
			}
			got := filterListOf(t, r).Objs("Resources")
			want := c.matching(filterAtom(t, full, "eq", v+"-702").match)
			if len(got) == 0 {
				t.Logf("filter %s matched nothing: the target does not resolve the short name %q (clients SHOULD use the URN-qualified name)", f, attr)
				return
			}
			c.expectIn(t, "filter "+f, got, want)
		},
	},
	{
		ID: "SCIM-FILTER-010", Title: "externalId eq and displayName eq find the user (how Entra ID matches users)",
		Spec:  "RFC 7644 §3.4.2.2",
		Rule:  `eq: The attribute and operator values must be identical for a match. [Entra ID looks users up with filter=externalId eq "..." or userName eq, and groups with displayName eq, before it creates them.]`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:core", "dialect:entra"}, Covers: []string{"S97"},
		Run: func(t *suites.T) {
			e := Session(t)
			ext := e.Name("pc-ext")
			c := filterMake(t, "pc-f",
				Obj{"userName": "one", "externalId": ext + "-1", "displayName": "PC " + ext + " One"},
				Obj{"userName": "two", "externalId": ext + "-2", "displayName": "PC " + ext + " Two"})
			// Unscoped, as Entra sends them: the values are unique to this run.
			// A target may decline an attribute it does not filter on (RFC
			// 7644 §3.12, invalidFilter): logged, and skipped if both are.
			c.lenient = true
			c.expect(t, "externalId eq "+filterLit(ext+"-1"), c.users[:1])
			c.expect(t, "displayName eq "+filterLit("PC "+ext+" Two"), c.users[1:])
			c.done(t)
		},
	},
	{
		ID: "SCIM-FILTER-011", Title: "A filter that matches nothing answers 200 with totalResults 0, not 404",
		Spec:  "RFC 7644 §3.4.2",
		Rule:  `A query that does not return any matches SHALL return success (HTTP status code 200) with "totalResults" set to a value of 0.`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:core", "dialect:entra", "dialect:okta"}, Covers: []string{"S98"},
		Run: func(t *suites.T) {
			f := "userName eq " + filterLit(Session(t).Name("pc-nobody"))
			r := get(t, Session(t).Disc.Endpoint(URNUser), url.Values{"filter": {f}})
			if r.Status == 404 {
				t.Fatalf("%s for a filter matching no user; expected 200 with totalResults 0 (IdPs read 404 as an error, not as \"not found, create it\")%s", line(r), bodyHint(r))
			}
			mustStatus(t, r, 200)
			o := object(t, r)
			if n, ok := intOf(o.Get("totalResults")); !ok || n != 0 {
				t.Errorf("%s with totalResults %s; expected 0", line(r), compact(o.Get("totalResults")))
			}
			if res := o.Get("Resources"); res != nil && len(o.List("Resources")) != 0 {
				t.Errorf("%s with Resources %s; expected none", line(r), compact(res))
			}
		},
	},
	{
		ID: "SCIM-FILTER-012", Title: "A filter with a syntax error is refused with 400 invalidFilter",
		Spec:  "RFC 7644 §3.4.2.2, §3.12",
		Rule:  `SCIM filters MUST conform to the following ABNF [...] invalidFilter: The specified filter syntax was invalid (does not comply with Figure 1), or the specified attribute and filter comparison combination is not supported. [HTTP 400]`,
		Level: suites.Must, Kind: suites.Negative, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:core"}, Covers: []string{"S99"},
		Run: func(t *suites.T) {
			name := filterLit(Session(t).Name("pc-f"))
			for _, f := range []string{
				"userName eq",
				"userName " + name,
				"userName eq " + name[:len(name)-1],
				"(userName eq " + name,
				"userName eq " + name + " and",
				"userName eq " + name + " userName",
			} {
				r := get(t, Session(t).Disc.Endpoint(URNUser), url.Values{"filter": {f}})
				if r.Status == 200 {
					t.Errorf("filter %s: %s; expected 400 invalidFilter for a filter that does not follow the ABNF", f, line(r))
					continue
				}
				wantBadRequest(t, r, "invalidFilter")
			}
		},
	},
	{
		ID: "SCIM-FILTER-013", Title: "An unknown operator, or gt, lt or le on a boolean or binary attribute, is refused with 400 invalidFilter",
		Spec:  "RFC 7644 §3.4.2.2",
		Rule:  `Providers MUST decline to filter results if the specified filter operation is not recognized and return an HTTP 400 error with a "scimType" error of "invalidFilter" [...] gt, ge, lt, le: [...] Boolean and Binary attributes SHALL cause a failed response (HTTP status code 400) with "scimType" of "invalidFilter".`,
		Level: suites.Must, Kind: suites.Negative, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:extended"}, Covers: []string{"S100"},
		Run: func(t *suites.T) {
			e := Session(t)
			scope := "userName sw " + filterLit(e.Name("pc-f")+"-")
			filters := []string{scope + ` and userName regex "pc.*"`}
			if p := filterTypedPath(e, "boolean"); p != "" {
				filters = append(filters, scope+" and "+p+" gt true", scope+" and "+p+" lt true", scope+" and "+p+" le false")
			} else {
				t.Logf("the target's User schema declares no boolean attribute: gt, lt and le on a boolean left out")
			}
			if p := filterTypedPath(e, "binary"); p != "" {
				filters = append(filters, scope+" and "+p+` ge "AAAA"`, scope+" and "+p+` lt "AAAA"`)
			}
			for _, f := range filters {
				r := get(t, e.Disc.Endpoint(URNUser), url.Values{"filter": {f}})
				switch {
				case r.Status != 400:
					t.Errorf("filter %s: %s; expected 400 with scimType invalidFilter%s", f, line(r), bodyHint(r))
				case scimType(r) != "invalidFilter":
					t.Errorf("filter %s: %s with scimType %q; expected \"invalidFilter\"%s", f, line(r), scimType(r), bodyHint(r))
				}
			}
		},
	},
	{
		ID: "SCIM-FILTER-014", Title: "More matches than filter.maxResults: 400 tooMany, or at most maxResults with the full totalResults",
		Spec:  "RFC 7644 §3.4.2.1; RFC 7643 §5",
		Rule:  `If a SCIM service provider determines that too many results would be returned [...], the server SHALL reject the request by returning an HTTP response with HTTP status code 400 (Bad Request) and JSON attribute "scimType" set to "tooMany". [RFC 7643 §5 maxResults: An integer value specifying the maximum number of resources returned in a response.]`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:extended"}, Covers: []string{"S101"},
		Run: func(t *suites.T) {
			e := Session(t)
			max, ok := intOf(e.Disc.SPC.Get("filter", "maxResults"))
			switch {
			case !ok:
				t.Skipf("not applicable: the ServiceProviderConfig gives no integer filter.maxResults")
			case max < 1 || max > filterMaxUsers-1:
				t.Skipf("not applicable: filter.maxResults is %d; exceeding it would take more than %d users", max, filterMaxUsers)
			}
			c := filterMake(t, "pc-f")
			for i := range max + 1 {
				c.add(t, Obj{"userName": fmt.Sprintf("u%02d", i)})
			}
			f := c.scope()
			r := c.get(t, f, nil)
			if r.Status == 400 {
				if st := scimType(r); st != "tooMany" {
					t.Errorf("filter %s matching %d users (maxResults %d): %s with scimType %q; expected \"tooMany\"", f, max+1, max, line(r), st)
				}
				return
			}
			mustStatus(t, r, 200)
			o := object(t, r)
			if n := len(o.List("Resources")); n > max {
				t.Errorf("filter %s: %s with %d resources; the ServiceProviderConfig says filter.maxResults is %d", f, line(r), n, max)
			}
			if n, _ := intOf(o.Get("totalResults")); n != max+1 {
				t.Errorf("filter %s: %s with totalResults %s; expected %d, every match, when the page is cut at maxResults", f, line(r), compact(o.Get("totalResults")), max+1)
			}
		},
	},
	{
		ID: "SCIM-FILTER-015", Title: "With a filter and paging, totalResults counts the filtered set",
		Spec:  "RFC 7644 §3.4.2.4",
		Rule:  `totalResults: Non-negative integer. Specifies the total number of results matching the client query, e.g., 1000.`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:core", "dialect:okta"}, Covers: []string{"S102"},
		Run: func(t *suites.T) {
			var bodies []Obj
			for i := range 6 {
				bodies = append(bodies, Obj{"userName": fmt.Sprintf("%s-%d", []string{"even", "odd"}[i%2], i)})
			}
			c := filterMake(t, "pc-f", bodies...)
			f := "userName sw " + filterLit(c.tag+"-even")
			want := len(c.matching(filterAtom(t, "userName", "sw", c.tag+"-even").match))
			if r := c.get(t, f, nil); filterDeclined(r) {
				t.Skipf("not applicable: the target declines the filter %s (%s), which RFC 7644 §3.12 (invalidFilter) allows, and this check needs it to page through a filtered set", f, line(r))
			}
			for _, start := range []string{"1", "2"} {
				o := c.list(t, f, url.Values{"startIndex": {start}, "count": {"1"}})
				if n, _ := intOf(o.Get("totalResults")); n != want {
					t.Errorf("filter %s with startIndex=%s&count=1 answered totalResults %s; expected %d, the users matching the filter", f, start, compact(o.Get("totalResults")), want)
				}
				if n := len(o.List("Resources")); n > 1 {
					t.Errorf("filter %s with count=1 returned %d resources; expected at most 1", f, n)
				}
			}
		},
	},
	{
		ID: "SCIM-FILTER-016", Title: "Property: every returned user satisfies the filter and every matching user is returned",
		Spec:  "RFC 7644 §3.4.2.2",
		Rule:  `When specified, only those resources matching the filter expression SHALL be returned. [derived: over a table of filters combining eq, ne, co, sw, ew, gt, pr, and, or and not on a corpus, the answer equals the set computed locally from the users as the target returns them.]`,
		Level: suites.Must, Kind: suites.Property, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:extended"}, Covers: []string{"S103"},
		Run: func(t *suites.T) {
			mail := Session(t).Name("pc-mail")
			c := filterMake(t, "pc-f",
				Obj{"userName": "u0", "title": "alpha", "userType": "employee", "nickName": "ann",
					"emails": []any{Obj{"value": mail + "-0@example.org", "type": "work"}}},
				Obj{"userName": "u1", "title": "alphabet", "userType": "contractor", "nickName": "bob",
					"emails": []any{Obj{"value": mail + "-1@example.com", "type": "home"}}},
				Obj{"userName": "u2", "title": "beta", "userType": "employee"},
				Obj{"userName": "u3", "userType": "intern", "nickName": "cat",
					"emails": []any{Obj{"value": mail + "-3@example.org", "type": "work"}}},
				Obj{"userName": "u4", "title": "gamma beta", "userType": "contractor", "nickName": "ann"},
				Obj{"userName": "u5", "title": "delta", "userType": "employee",
					"emails": []any{Obj{"value": mail + "-5@example.com", "type": "work"}}})
			c.lenient = true
			for _, fc := range filterTable(t) {
				if !c.run(t, fc) {
					return
				}
			}
			c.done(t)
		},
	},
	{
		ID: "SCIM-FILTER-017", Title: "Filters on an attribute the server defaulted use the value it returned",
		Spec:  "RFC 7644 §3.4.2.2",
		Rule:  `When applying a comparison (e.g., "eq") or presence filter (e.g., "pr") to a defaulted attribute, the service provider SHALL use the value that was returned to the client that last created or modified the attribute. [A user is created without the writable attributes the target then shows anyway (active, userType, locale…); "<attr> eq <returned value>" and "<attr> pr" must find it.]`,
		Level: suites.Must, Kind: suites.Example, Requires: filterRequires,
		Labels: []string{"area:filter", "tier:extended"}, Covers: []string{"S90"},
		Run: func(t *suites.T) {
			e := Session(t)
			c := filterMake(t, "pc-f", Obj{"userName": "defaulted"})
			attrs := filterDefaulted(e, c.users[0])
			if len(attrs) == 0 {
				t.Skipf("not applicable: the target defaulted no writable string or boolean attribute of a user created with userName alone (it returned %s)", compact(c.users[0]))
			}
			c.lenient = true
			for _, a := range attrs {
				v := c.users[0].Get(a)
				lit, _ := json.Marshal(v) // a string or a boolean: its filter literal
				t.Logf("the target defaulted %s to %s", a, compact(v))
				c.expect(t, c.where(a+" eq "+string(lit)), c.users)
				c.expect(t, c.where(a+" pr"), c.users)
			}
			c.done(t)
		},
	},
}

// filterDefaulted lists the top-level, single-valued, writable string and
// boolean attributes of the User schema that u (created with userName
// alone) carries although the request did not send them: values the
// target defaulted.
func filterDefaulted(e *Env, u Obj) []string {
	sch := e.Disc.Schema(URNUser)
	if sch == nil {
		return nil
	}
	var out []string
	for _, a := range sch.Attributes {
		switch {
		case a.MultiValued, a.Mutability != "readWrite" && a.Mutability != "immutable" && a.Mutability != "",
			strings.EqualFold(a.Name, "userName"), strings.EqualFold(a.Name, "password"):
			continue
		}
		switch v := u.Get(a.Name).(type) {
		case bool:
			if strings.EqualFold(a.Type, "boolean") {
				out = append(out, a.Name)
			}
		case string:
			if strings.EqualFold(a.Type, "string") && v != "" {
				out = append(out, a.Name)
			}
		}
	}
	return out
}

// filterMaxUsers is the most users a filter check creates.
const filterMaxUsers = 60

// filterTable is the table of filters of the property check: every atom
// alone, pairs joined by and / or, and negations of attributes every user
// of the corpus has (so no server has to guess what not() of an absent
// value is).
func filterTable(t *suites.T) []filterCase {
	atoms := []filterCase{
		filterAtom(t, "title", "eq", "alpha"),
		filterAtom(t, "title", "co", "ph"),
		filterAtom(t, "title", "sw", "be"),
		filterAtom(t, "title", "ew", "ta"),
		filterAtom(t, "title", "gt", "b"),
		filterAtom(t, "userType", "ne", "employee"),
		filterPresent("nickName"),
		filterAtom(t, "emails.type", "eq", "work"),
		filterAtom(t, "emails.value", "ew", "example.org"),
	}
	out := slices.Clone(atoms)
	for i := range atoms {
		j := (i + 1) % len(atoms)
		out = append(out, filterAnd(atoms[i], atoms[j]), filterOr(atoms[i], atoms[(i+3)%len(atoms)]))
	}
	emp := filterAtom(t, "userType", "eq", "employee")
	out = append(out, filterNot(emp), filterAnd(filterNot(emp), filterOr(atoms[6], atoms[1])))
	return out
}

// filterAddEmpty adds to the corpus a user whose attr is the empty string,
// if the target takes it; some refuse it, which is their right.
func filterAddEmpty(t *suites.T, c *filterCorpus, attr string) {
	e := Session(t)
	body := Obj{"schemas": []any{URNUser}, "userName": c.tag + "-empty", attr: ""}
	r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: body})
	adopt(t, URNUser, r)
	if r.Status != 201 {
		t.Logf("%s for a user with %s \"\"; left out of the corpus", line(r), attr)
		return
	}
	g := get(t, resourcePath(e, URNUser, object(t, r).Str("id")), nil)
	mustStatus(t, g, 200)
	c.users = append(c.users, object(t, g))
}

// filterSwapCase swaps the case of every letter: "MiXeD" → "mIxEd".
func filterSwapCase(s string) string {
	return strings.Map(func(r rune) rune {
		if l := strings.ToLower(string(r)); l != string(r) {
			return []rune(l)[0]
		}
		return []rune(strings.ToUpper(string(r)))[0]
	}, s)
}

// filterCaseExactAttr checks a writable caseExact=true string attribute of
// the target's schema, if it declares one: eq with the stored value matches,
// eq with its case swapped does not.
func filterCaseExactAttr(t *suites.T, c *filterCorpus) {
	path := filterFindAttr(Session(t), "string", func(a Attribute) bool {
		return a.CaseExact && !strings.EqualFold(a.Name, "userName")
	})
	if path == "" {
		t.Logf("the target's User schema declares no writable caseExact=true string attribute: case-sensitive comparison left out")
		return
	}
	value := "PcCase-" + c.tag
	u := c.add(t, filterSet(Obj{"userName": "exact"}, path, value))
	stored := filterValues(u, path)
	if len(stored) == 0 {
		t.Logf("the target did not keep %s %q: case-sensitive comparison left out", path, value)
		return
	}
	c.lenient = true
	if c.expect(t, c.where(path+" eq "+filterLit(stored[0])), []Obj{u}) && c.declined == 0 {
		c.expect(t, c.where(path+" eq "+filterLit(filterSwapCase(stored[0]))), nil)
	}
}

// filterFindAttr returns the path of the first attribute of type typ for
// which ok holds among the singular, readWrite, returned attributes of the
// User schema, then of the enterprise extension when the target offers it
// (URN-qualified); "" if there is none.
func filterFindAttr(e *Env, typ string, ok func(Attribute) bool) string {
	for _, urn := range []string{URNUser, URNEnterprise} {
		s := e.Disc.Schema(urn)
		if s == nil || urn == URNEnterprise && !filterHas(e, suites.CapEnterpriseUser) {
			continue
		}
		for _, a := range s.Attributes {
			if a.Type == typ && !a.MultiValued && a.Mutability == "readWrite" &&
				(a.Returned == "default" || a.Returned == "always") && ok(a) {
				if urn == URNEnterprise {
					return URNEnterprise + ":" + a.Name
				}
				return a.Name
			}
		}
	}
	return ""
}

// filterSet sets the value at path in a user body; a URN-qualified
// enterprise path goes into the extension object. It returns body.
func filterSet(body Obj, path string, v any) Obj {
	if rest, ok := cutURN(path, URNEnterprise); ok {
		body[URNEnterprise] = Obj{rest: v}
	} else {
		body[path] = v
	}
	return body
}

// filterHas is Discovery.Has without the reason.
func filterHas(e *Env, c suites.Capability) bool {
	ok, _ := e.Disc.Has(c)
	return ok
}

// filterTypedPath returns the path of a User attribute of the given type,
// top-level or sub-attribute, or "".
func filterTypedPath(e *Env, typ string) string {
	s := e.Disc.UserSchema()
	if s == nil {
		return ""
	}
	for _, a := range s.Attributes {
		if a.Type == typ {
			return a.Name
		}
		for _, sub := range a.SubAttributes {
			if sub.Type == typ {
				return a.Name + "." + sub.Name
			}
		}
	}
	return ""
}

// filterTimeCorpus creates users until their meta.lastModified, as the
// target renders them, take at least three distinct values (waiting for a
// clock with one-second resolution to tick), at most six users.
func filterTimeCorpus(t *suites.T) *filterCorpus {
	c := filterMake(t, "pc-f")
	c.lenient = true
	distinct := map[time.Time]bool{}
	for i := 0; len(distinct) < 3 && i < 6; i++ {
		if len(distinct) < i {
			// The last user added no new time: let the clock tick.
			time.Sleep(1100 * time.Millisecond)
		}
		u := c.add(t, Obj{"userName": fmt.Sprintf("t%d", i)})
		ts, err := parseDateTime(u.Str("meta", "lastModified"))
		if err != nil {
			t.Fatalf("meta.lastModified of a new user is %q: %v", u.Str("meta", "lastModified"), err)
		}
		distinct[ts] = true
	}
	if len(distinct) < 3 {
		t.Skipf("six users created over two seconds got fewer than three distinct meta.lastModified values; cannot compare times")
	}
	return c
}

// filterTimeOps compares with gt, ge, lt and le against the middle
// lastModified. Users whose rendered time equals the pivot are left out of
// the comparison: the target may keep more precision than it shows.
func filterTimeOps(t *suites.T, c *filterCorpus) {
	var times []time.Time
	for _, u := range c.users {
		ts, _ := parseDateTime(u.Str("meta", "lastModified"))
		times = append(times, ts)
	}
	sorted := slices.Clone(times)
	slices.SortFunc(sorted, func(a, b time.Time) int { return a.Compare(b) })
	sorted = slices.CompactFunc(sorted, time.Time.Equal)
	pivot := sorted[len(sorted)/2]
	var pivotText string
	for i, ts := range times {
		if ts.Equal(pivot) {
			pivotText = c.users[i].Str("meta", "lastModified")
		}
	}
	for _, op := range []string{"gt", "ge", "lt", "le"} {
		f := c.where("meta.lastModified " + op + " " + filterLit(pivotText))
		got, ok := c.all(t, f, nil)
		if !ok {
			continue
		}
		var want, sure []Obj
		for i, u := range c.users {
			cmp := times[i].Compare(pivot)
			if cmp == 0 {
				continue
			}
			sure = append(sure, u)
			if (op == "gt" || op == "ge") == (cmp > 0) {
				want = append(want, u)
			}
		}
		c.expectIn(t, "filter "+f, filterOnly(got, sure), want)
	}
}

// filterOnly keeps the resources whose id is among those of us.
func filterOnly(got, us []Obj) []Obj {
	ids := map[string]bool{}
	for _, u := range us {
		ids[u.Str("id")] = true
	}
	var out []Obj
	for _, g := range got {
		if ids[g.Str("id")] {
			out = append(out, g)
		}
	}
	return out
}

// filterIntegerOps compares an integer attribute, if the target's User
// schema (or enterprise extension) declares a writable one, on users it adds
// to the corpus.
func filterIntegerOps(t *suites.T, c *filterCorpus) {
	path := filterFindAttr(Session(t), "integer", func(Attribute) bool { return true })
	if path == "" {
		t.Logf("the target's User schema declares no writable integer attribute: integer comparison left out")
		return
	}
	for _, v := range []int{7, 30, 200} {
		c.add(t, filterSet(Obj{"userName": fmt.Sprintf("n%d", v)}, path, v))
	}
	num := func(u Obj) (int, bool) {
		o, p := u, path
		if rest, ok := cutURN(path, URNEnterprise); ok {
			o, p = u.Obj(URNEnterprise), rest
		}
		return intOf(o.Get(p))
	}
	for _, op := range []string{"gt", "ge", "lt", "le"} {
		// 30 against 200 tells numeric from lexicographic order ("30" > "200").
		c.expect(t, c.where(path+" "+op+" 30"), c.matching(func(u Obj) bool {
			v, ok := num(u)
			switch op {
			case "gt":
				return ok && v > 30
			case "ge":
				return ok && v >= 30
			case "lt":
				return ok && v < 30
			}
			return ok && v <= 30
		}))
	}
}
