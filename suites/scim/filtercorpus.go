package scim

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// A filterCorpus is the small set of users one filter, paging or sort check
// creates. Their userNames all start with "<tag>-", so every query of the
// check is scoped to them with `userName sw "<tag>-"` and never depends on
// what else the target holds.
type filterCorpus struct {
	tag string
	// lenient accepts 400 invalidFilter for the filters under test (not for
	// the scope): the target may not support every attribute and operator.
	lenient         bool
	tried, declined int
	// users are the users as the target returns them (GET after POST), in
	// the order they were created. Expected results are computed from these
	// representations, so defaulted or case-altered values are what count.
	users []Obj
}

// filterMake creates one user per body, in order. A body's userName is a
// suffix: the user is created as "<tag>-<suffix>", the tag being a fresh
// run-unique name with the given prefix.
func filterMake(t *suites.T, prefix string, bodies ...Obj) *filterCorpus {
	c := &filterCorpus{tag: Session(t).Name(prefix)}
	for _, b := range bodies {
		c.add(t, b)
	}
	return c
}

// add creates one more user of the corpus and returns it as read back.
func (c *filterCorpus) add(t *suites.T, b Obj) Obj {
	body := Obj{"schemas": []any{URNUser}}
	for k, v := range b {
		body[k] = v
	}
	body["userName"] = c.tag + "-" + b.Str("userName")
	if b.Has(URNEnterprise) {
		body["schemas"] = []any{URNUser, URNEnterprise}
	}
	u, _ := createUser(t, body)
	r := get(t, resourcePath(Session(t), URNUser, u.Str("id")), nil)
	mustStatus(t, r, 200)
	g := object(t, r)
	c.users = append(c.users, g)
	return g
}

// scope is the filter that selects exactly the corpus.
func (c *filterCorpus) scope() string { return "userName sw " + filterLit(c.tag+"-") }

// where scopes the filter f to the corpus: `<scope> and (f)`.
func (c *filterCorpus) where(f string) string {
	if f == "" {
		return c.scope()
	}
	return c.scope() + " and (" + f + ")"
}

// label names a user in messages by the suffix of its userName.
func (c *filterCorpus) label(u Obj) string {
	n := u.Str("userName")
	if len(n) > len(c.tag) && strings.EqualFold(n[:len(c.tag)+1], c.tag+"-") {
		return n[len(c.tag)+1:]
	}
	if n == "" {
		return "id " + u.Str("id")
	}
	return n
}

// labels names users in messages: "[alpha beta]".
func (c *filterCorpus) labels(us []Obj) string {
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = c.label(u)
	}
	return "[" + strings.Join(names, " ") + "]"
}

// matching returns the users of the corpus for which match is true.
func (c *filterCorpus) matching(match func(Obj) bool) []Obj {
	var out []Obj
	for _, u := range c.users {
		if match(u) {
			out = append(out, u)
		}
	}
	return out
}

// get sends GET to the User endpoint with filter f and the extra query
// parameters. When the target declines the scope itself, the check cannot
// keep to its own users and is skipped.
func (c *filterCorpus) get(t *suites.T, f string, extra url.Values) *target.Response {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("filter", f)
	r := get(t, Session(t).Disc.Endpoint(URNUser), q)
	if f == c.scope() && filterDeclined(r) {
		t.Skipf("not applicable: the target declines the filter %s (%s), which this check needs to keep to the users it created", f, line(r))
	}
	return r
}

// list is get that stops the check unless the answer is 200 with a
// ListResponse, which it returns.
func (c *filterCorpus) list(t *suites.T, f string, extra url.Values) Obj {
	return filterListOf(t, c.get(t, f, extra))
}

// filterListOf is the ListResponse of r, stopping the check when r is not
// 200 with one. query in helpers.go uses it too.
func filterListOf(t *suites.T, r *target.Response) Obj {
	if r.Status != 200 {
		t.Fatalf("%s; expected 200 with a ListResponse%s", line(r), bodyHint(r))
	}
	o := object(t, r)
	if _, ok := o.Get("Resources").([]any); !ok && !isInteger(o.Get("totalResults")) {
		t.Fatalf("%s: not a ListResponse (no Resources array, no totalResults): %s", line(r), compact(o))
	}
	return o
}

// filterDeclined reports whether r declines a filter: 400 with scimType
// invalidFilter. RFC 7644 §3.12 allows it when "the specified attribute and
// filter comparison combination is not supported".
func filterDeclined(r *target.Response) bool {
	return r.Status == 400 && scimType(r) == "invalidFilter"
}

// all returns every user the target answers for filter f with the extra
// parameters (sortBy), following the pages when the target returns fewer
// than totalResults at once. In a
// lenient corpus a filter the target declines is logged and ok is false.
func (c *filterCorpus) all(t *suites.T, f string, extra url.Values) (all []Obj, ok bool) {
	c.tried++
	start := 1
	for range 20 {
		q := url.Values{}
		for k, v := range extra {
			q[k] = v
		}
		if start > 1 {
			q.Set("startIndex", strconv.Itoa(start))
		}
		r := c.get(t, f, q)
		if start == 1 && c.lenient && filterDeclined(r) {
			c.declined++
			t.Logf("filter %s: %s; the target does not support it, which RFC 7644 §3.12 (invalidFilter) allows%s", f, line(r), bodyHint(r))
			return nil, false
		}
		o := filterListOf(t, r)
		page := o.Objs("Resources")
		all = append(all, page...)
		total, _ := intOf(o.Get("totalResults"))
		if len(page) == 0 || len(all) >= total {
			break
		}
		start += len(page)
	}
	return all, true
}

// done skips a lenient check whose every filter the target declined.
func (c *filterCorpus) done(t *suites.T) {
	if c.lenient && c.tried > 0 && c.declined == c.tried {
		t.Skipf("not applicable: the target declined every filter of this check with 400 invalidFilter (RFC 7644 §3.12 allows that for an attribute and operator combination it does not support)")
	}
}

// expect fails the check unless filter f returns exactly the users of want
// (compared by id). It returns false when it failed.
func (c *filterCorpus) expect(t *suites.T, f string, want []Obj) bool {
	got, ok := c.all(t, f, nil)
	return !ok || c.expectIn(t, "filter "+f, got, want)
}

// expectIn is expect for resources already fetched; what names the query
// in messages.
func (c *filterCorpus) expectIn(t *suites.T, what string, got, want []Obj) bool {
	wantIDs := map[string]bool{}
	for _, u := range want {
		wantIDs[u.Str("id")] = true
	}
	seen := map[string]bool{}
	var unexpected, missing, dup []Obj
	for _, g := range got {
		id := g.Str("id")
		switch {
		case seen[id]:
			dup = append(dup, g)
		case !wantIDs[id]:
			unexpected = append(unexpected, g)
		}
		seen[id] = true
	}
	for _, u := range want {
		if !seen[u.Str("id")] {
			missing = append(missing, u)
		}
	}
	if len(unexpected)+len(missing)+len(dup) == 0 {
		return true
	}
	msg := fmt.Sprintf("%s returned users %s; expected exactly %s (user names shown without the prefix %q)",
		what, c.labels(got), c.labels(want), c.tag+"-")
	if len(missing) > 0 {
		msg += "; missing " + c.labels(missing)
	}
	if len(unexpected) > 0 {
		msg += "; not matching " + c.labels(unexpected)
	}
	if len(dup) > 0 {
		msg += "; returned twice " + c.labels(dup)
	}
	t.Errorf("%s", msg)
	return false
}

// filterLit renders s as a string value of a filter (JSON string rules).
func filterLit(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// filterValues returns the non-empty string values at an attribute path of
// a user: "title", "name.familyName", "emails.value" (one per value of a
// multi-valued attribute) or an enterprise attribute "<urn>:department".
func filterValues(u Obj, path string) []string {
	o := u
	if rest, ok := cutURN(path, URNEnterprise); ok {
		o, path = u.Obj(URNEnterprise), rest
	} else if rest, ok := cutURN(path, URNUser); ok {
		path = rest
	}
	first, sub, _ := strings.Cut(path, ".")
	var vals []any
	switch v := o.Get(first).(type) {
	case nil:
	case []any:
		vals = v
	default:
		vals = []any{v}
	}
	var out []string
	for _, v := range vals {
		if sub != "" {
			v = asObj(v).Get(sub)
		}
		if s, ok := v.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// cutURN cuts "<urn>:" off path, ignoring case.
func cutURN(path, urn string) (string, bool) {
	if len(path) > len(urn) && strings.EqualFold(path[:len(urn)+1], urn+":") {
		return path[len(urn)+1:], true
	}
	return "", false
}

// filterCaseExact says whether string values of the attribute at path
// compare case-sensitively, from the target's schema; RFC 7643 §2.2 makes
// false the default, and §3.1 makes externalId case-exact.
func filterCaseExact(t *suites.T, path string) bool {
	return caseExactIn(Session(t).Disc, path)
}

// caseExactIn is filterCaseExact for the schemas of d.
func caseExactIn(d *Discovery, path string) bool {
	if rest, ok := cutURN(path, URNEnterprise); ok {
		a := d.Schema(URNEnterprise).Attr(rest)
		return a != nil && a.CaseExact
	}
	if rest, ok := cutURN(path, URNUser); ok {
		path = rest
	}
	if a := d.UserSchema().Attr(path); a != nil {
		return a.CaseExact
	}
	return strings.EqualFold(path, "externalId")
}

// filterStrOp applies a string attribute operator of RFC 7644 §3.4.2.2.
func filterStrOp(op, x, want string, caseExact bool) bool {
	if !caseExact {
		x, want = strings.ToLower(x), strings.ToLower(want)
	}
	switch op {
	case "eq":
		return x == want
	case "ne":
		return x != want
	case "co":
		return strings.Contains(x, want)
	case "sw":
		return strings.HasPrefix(x, want)
	case "ew":
		return strings.HasSuffix(x, want)
	case "gt":
		return x > want
	case "ge":
		return x >= want
	case "lt":
		return x < want
	case "le":
		return x <= want
	}
	return false
}

// filterCase is a filter expression with the oracle that says which users
// match it.
type filterCase struct {
	expr  string
	match func(u Obj) bool
}

// filterAtom is `path op "val"` on a string attribute. For a multi-valued
// attribute one matching value is enough; an absent value matches nothing
// (ne is used only on attributes every user of a corpus has).
func filterAtom(t *suites.T, path, op, val string) filterCase {
	ce := filterCaseExact(t, path)
	return filterCase{
		expr: path + " " + op + " " + filterLit(val),
		match: func(u Obj) bool {
			for _, x := range filterValues(u, path) {
				if filterStrOp(op, x, val, ce) {
					return true
				}
			}
			return false
		},
	}
}

// filterPresent is `path pr`: "If the attribute has a non-empty or non-null
// value, or if it contains a non-empty node for complex attributes".
func filterPresent(path string) filterCase {
	return filterCase{expr: path + " pr", match: func(u Obj) bool {
		if len(filterValues(u, path)) > 0 {
			return true
		}
		v := u.Get(strings.Split(path, ".")...)
		if l, ok := v.([]any); ok {
			for _, x := range l {
				if filterNonEmpty(x) {
					return true
				}
			}
			return false
		}
		return filterNonEmpty(v)
	}}
}

// filterNonEmpty reports whether a JSON value holds data: not null, not "",
// and for objects and arrays, some member that holds data.
func filterNonEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case []any:
		for _, e := range x {
			if filterNonEmpty(e) {
				return true
			}
		}
		return false
	case map[string]any:
		for _, e := range x {
			if filterNonEmpty(e) {
				return true
			}
		}
		return false
	case Obj:
		return filterNonEmpty(map[string]any(x))
	}
	return true
}

func filterAnd(a, b filterCase) filterCase {
	return filterCase{expr: "(" + a.expr + ") and (" + b.expr + ")", match: func(u Obj) bool { return a.match(u) && b.match(u) }}
}

func filterOr(a, b filterCase) filterCase {
	return filterCase{expr: "(" + a.expr + ") or (" + b.expr + ")", match: func(u Obj) bool { return a.match(u) || b.match(u) }}
}

func filterNot(a filterCase) filterCase {
	return filterCase{expr: "not (" + a.expr + ")", match: func(u Obj) bool { return !a.match(u) }}
}

// run checks the case against the corpus.
func (c *filterCorpus) run(t *suites.T, fc filterCase) bool {
	return c.expect(t, c.where(fc.expr), c.matching(fc.match))
}
