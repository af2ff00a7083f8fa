package reftarget

import (
	"encoding/json"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// listQuery holds the query parameters of RFC 7644 §3.4.2 and §3.9.
type listQuery struct {
	filter     string
	hasFilter  bool
	sortBy     string
	descending bool
	startIndex int
	hasStart   bool
	count      int
	hasCount   bool
	proj       projection
}

// projection holds the attributes / excludedAttributes parameters.
type projection struct {
	attrs    []string
	excluded []string
}

// queryParam returns a query parameter matched case-insensitively.
func queryParam(q url.Values, name string) (string, bool) {
	if v, ok := q[name]; ok && len(v) > 0 {
		return v[0], true
	}
	for k, v := range q {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0], true
		}
	}
	return "", false
}

// splitList splits a comma-separated attribute list.
func splitList(vals ...string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// parseProjection reads attributes and excludedAttributes from a URL query.
func parseProjection(q url.Values) projection {
	var p projection
	for k, v := range q {
		switch {
		case strings.EqualFold(k, "attributes"):
			p.attrs = append(p.attrs, splitList(v...)...)
		case strings.EqualFold(k, "excludedAttributes"):
			p.excluded = append(p.excluded, splitList(v...)...)
		}
	}
	return p
}

// unknownListParam refuses a query parameter the list endpoint does not
// know (FaultUnknownParam400; RFC 7644 §3.4.2 says to ignore it).
func unknownListParam(q url.Values) *scimError {
	for k := range q {
		switch strings.ToLower(k) {
		case "filter", "sortby", "sortorder", "startindex", "count", "attributes", "excludedattributes":
		default:
			return badRequest(scimInvalidValue, "unknown query parameter %q", k)
		}
	}
	return nil
}

// parseListQuery reads the list parameters from a URL query.
func parseListQuery(q url.Values) (listQuery, *scimError) {
	lq := listQuery{startIndex: 1, proj: parseProjection(q)}
	if f, ok := queryParam(q, "filter"); ok {
		lq.filter, lq.hasFilter = f, true
	}
	lq.sortBy, _ = queryParam(q, "sortBy")
	if so, ok := queryParam(q, "sortOrder"); ok {
		d, err := parseSortOrder(so)
		if err != nil {
			return lq, err
		}
		lq.descending = d
	}
	if si, ok := queryParam(q, "startIndex"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(si))
		if err != nil {
			return lq, badRequest(scimInvalidValue, "startIndex must be an integer, got %q", si)
		}
		lq.startIndex, lq.hasStart = n, true
	}
	if c, ok := queryParam(q, "count"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil {
			return lq, badRequest(scimInvalidValue, "count must be an integer, got %q", c)
		}
		lq.count, lq.hasCount = n, true
	}
	return lq, nil
}

func parseSortOrder(s string) (bool, *scimError) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "ascending":
		return false, nil
	case "descending":
		return true, nil
	}
	return false, badRequest(scimInvalidValue, "sortOrder must be \"ascending\" or \"descending\", got %q", s)
}

// parseSearchRequest reads a SearchRequest body (RFC 7644 §3.4.3).
func parseSearchRequest(body map[string]any) (listQuery, *scimError) {
	lq := listQuery{startIndex: 1}
	if !hasSchema(body, uriSearchRequest) {
		return lq, badRequest(scimInvalidSyntax, "schemas must contain %s", uriSearchRequest)
	}
	strList := func(name string) ([]string, *scimError) {
		v, ok := field(body, name)
		if !ok || v == nil {
			return nil, nil
		}
		switch t := v.(type) {
		case string:
			return splitList(t), nil
		case []any:
			var out []string
			for _, e := range t {
				s, ok := e.(string)
				if !ok {
					return nil, badRequest(scimInvalidValue, "%s must be an array of strings", name)
				}
				out = append(out, splitList(s)...)
			}
			return out, nil
		}
		return nil, badRequest(scimInvalidValue, "%s must be an array of strings", name)
	}
	str := func(name string) (string, bool, *scimError) {
		v, ok := field(body, name)
		if !ok || v == nil {
			return "", false, nil
		}
		s, ok := v.(string)
		if !ok {
			return "", false, badRequest(scimInvalidValue, "%s must be a string", name)
		}
		return s, true, nil
	}
	integer := func(name string) (int, bool, *scimError) {
		v, ok := field(body, name)
		if !ok || v == nil {
			return 0, false, nil
		}
		var s string
		switch t := v.(type) {
		case json.Number:
			s = t.String()
		case string:
			s = t
		default:
			return 0, false, badRequest(scimInvalidValue, "%s must be an integer", name)
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return 0, false, badRequest(scimInvalidValue, "%s must be an integer", name)
		}
		return n, true, nil
	}
	var err *scimError
	if lq.proj.attrs, err = strList("attributes"); err != nil {
		return lq, err
	}
	if lq.proj.excluded, err = strList("excludedAttributes"); err != nil {
		return lq, err
	}
	if lq.filter, lq.hasFilter, err = str("filter"); err != nil {
		return lq, err
	}
	if lq.sortBy, _, err = str("sortBy"); err != nil {
		return lq, err
	}
	so, _, err := str("sortOrder")
	if err != nil {
		return lq, err
	}
	if lq.descending, err = parseSortOrder(so); err != nil {
		return lq, err
	}
	if n, ok, err := integer("startIndex"); err != nil {
		return lq, err
	} else if ok {
		lq.startIndex, lq.hasStart = n, true
	}
	if lq.count, lq.hasCount, err = integer("count"); err != nil {
		return lq, err
	}
	return lq, nil
}

// listItem is one resource in a list result.
type listItem struct {
	r    *resource
	view map[string]any
}

// search runs a query over the given resource types and returns a
// ListResponse body.
func (s *Server) search(rts []*resourceType, lq listQuery, base string) (map[string]any, *scimError) {
	preds := map[*resourceType]pred{}
	ghosts := false // FaultDeletedStillFiltered: deleted users match too
	if lq.hasFilter {
		if op := upperCaseOperator(lq.filter); op != "" && s.has(FaultFilterOpCaseSensitive) {
			return nil, invalidFilter("the operator %q is not supported", op)
		}
		node, err := parseFilter(lq.filter)
		if err != nil {
			return nil, err
		}
		ghosts = s.has(FaultDeletedStillFiltered) && filtersBeyondUserName(node)
		for _, rt := range rts {
			p, err := s.compileFilter(node, rt)
			if err != nil {
				return nil, err
			}
			preds[rt] = p
		}
	}
	items := s.collect(rts, preds, base, ghosts)
	if lq.sortBy != "" && !s.has(FaultSortIgnored) && !s.opts.NoSort {
		s.sortItems(items, lq.sortBy, lq.descending && !s.has(FaultSortDescendingIgnored))
	}
	total := len(items)
	start := lq.startIndex
	from := start - 1
	zeroBased := s.has(FaultPagingZeroBased)
	if zeroBased {
		if !lq.hasStart {
			lq.startIndex = 0
		}
		from = lq.startIndex
	}
	if start < 1 {
		start = 1
	}
	if from < 0 {
		from = 0
	}
	count := s.opts.MaxResults
	if lq.hasCount && (lq.count > 0 || !s.has(FaultPageCountZeroIgnored)) {
		count = max(lq.count, 0)
		count = min(count, s.opts.MaxResults)
	}
	if from > total {
		from = total
	}
	to := min(from+count, total)
	page := items[from:to]
	resources := make([]any, 0, len(page))
	for _, it := range page {
		out := s.output(it.r.rt, it.view, lq.proj, false)
		s.leakNever(it.r, out, lq.proj)
		resources = append(resources, out)
	}
	respStart := start
	if zeroBased {
		respStart = lq.startIndex
	}
	if lq.hasFilter && s.has(FaultFilterTotalUnfiltered) {
		total = s.count(rts)
	}
	return map[string]any{
		"schemas":      []any{uriListResponse},
		"totalResults": total,
		"itemsPerPage": len(resources),
		"startIndex":   respStart,
		"Resources":    resources,
	}, nil
}

// collect renders the resources of the given types that match their filter.
func (s *Server) collect(rts []*resourceType, preds map[*resourceType]pred, base string, ghosts bool) []listItem {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var items []listItem
	groups := s.all(rtGroup)
	for _, rt := range rts {
		rs := s.all(rt)
		if ghosts && rt == rtUser {
			rs = append(rs, s.deletedUsers...)
		}
		for _, r := range rs {
			v := s.viewWith(r, base, groups)
			if p := preds[rt]; p != nil && !p(v) {
				continue
			}
			if rt == rtUser && s.has(FaultInactiveHidden) && v["active"] == false {
				continue
			}
			items = append(items, listItem{r: r, view: v})
		}
	}
	return items
}

// count returns the number of live resources of the given types.
func (s *Server) count(rts []*resourceType) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, rt := range rts {
		n += len(s.resources[rt.Name])
	}
	return n
}

// sortKey is the value a resource is sorted by.
type sortKey struct {
	ok   bool
	kind int // 0 string, 1 number, 2 bool, 3 time
	s    string
	f    float64
	t    time.Time
}

func (s *Server) sortItems(items []listItem, sortBy string, desc bool) {
	keys := make([]sortKey, len(items))
	refs := map[*resourceType]*attrRef{}
	for i, it := range items {
		rt := it.r.rt
		ref, seen := refs[rt]
		if !seen {
			if r, err := rt.resolve(sortBy); err == nil && r.attr != nil {
				ref = &r
			}
			refs[rt] = ref
		}
		if ref != nil {
			keys[i] = sortValue(it.view, *ref)
		}
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ka, kb := keys[idx[a]], keys[idx[b]]
		switch {
		case !ka.ok && !kb.ok:
			return false
		case !ka.ok:
			return desc // missing values last when ascending, first when descending
		case !kb.ok:
			return !desc
		}
		c := compareKeys(ka, kb)
		if desc {
			return c > 0
		}
		return c < 0
	})
	sorted := make([]listItem, len(items))
	for i, j := range idx {
		sorted[i] = items[j]
	}
	copy(items, sorted)
}

// sortValue extracts the sort key of a view: for a multi-valued attribute
// the primary value, else the first (RFC 7644 §3.4.2.3).
func sortValue(v map[string]any, ref attrRef) sortKey {
	m := v
	if ref.ext != nil {
		m, _ = v[ref.ext.ID].(map[string]any)
	}
	val := m[ref.attr.Name]
	if arr, ok := val.([]any); ok {
		val = nil
		for _, e := range arr {
			if em, ok := e.(map[string]any); ok && em["primary"] == true {
				val = e
				break
			}
		}
		if val == nil && len(arr) > 0 {
			val = arr[0]
		}
	}
	def := ref.target()
	if em, ok := val.(map[string]any); ok {
		name := "value"
		if ref.sub != nil {
			name = ref.sub.Name
		} else if sub := ref.attr.sub("value"); sub != nil {
			def = sub
		}
		val = em[name]
	}
	switch x := val.(type) {
	case string:
		if x == "" {
			return sortKey{}
		}
		if def.Type == typeDateTime {
			if t, err := parseDateTime(x); err == nil {
				return sortKey{ok: true, kind: 3, t: t}
			}
		}
		if !def.CaseExact {
			x = strings.ToLower(x)
		}
		return sortKey{ok: true, s: x}
	case bool:
		f := 0.0
		if x {
			f = 1
		}
		return sortKey{ok: true, kind: 2, f: f}
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return sortKey{ok: true, kind: 1, f: f}
		}
	}
	return sortKey{}
}

func compareKeys(a, b sortKey) int {
	if a.kind != b.kind {
		return cmpFloat(float64(a.kind), float64(b.kind))
	}
	switch a.kind {
	case 0:
		return strings.Compare(a.s, b.s)
	case 3:
		return a.t.Compare(b.t)
	}
	return cmpFloat(a.f, b.f)
}

// output turns a full view into the response representation: projection,
// then the faults that change single representations. single marks GET of
// one resource by id.
func (s *Server) output(rt *resourceType, v map[string]any, p projection, single bool) map[string]any {
	out := v
	if !s.has(FaultProjectionIgnored) {
		out = project(rt, v, p)
	}
	if s.has(FaultProjectionDropsAlways) && len(p.attrs) == 0 {
		for _, n := range p.excluded {
			if strings.EqualFold(n, "id") {
				delete(out, "id")
			}
		}
	}
	if rt == rtGroup && s.has(FaultGroupExcludedMembers) && len(p.attrs) == 0 && v["members"] != nil {
		out["members"] = v["members"]
	}
	if rt == rtUser {
		if _, ok := out["active"]; !ok && s.has(FaultDefaultNotStored) && (len(p.attrs) == 0 || slices.ContainsFunc(p.attrs, func(a string) bool { return strings.EqualFold(a, "active") })) {
			out["active"] = true
		}
		if s.has(FaultUndeclaredAttribute) {
			out["internalScore"] = 7
		}
		if single && s.has(FaultMissingSchemaURN) {
			out["schemas"] = []any{}
		}
		if single && s.has(FaultIDNotStable) {
			id, _ := out["id"].(string)
			if up := strings.ToUpper(id); up != id {
				out["id"] = up
			} else {
				out["id"] = "x" + id
			}
		}
	}
	return out
}

// leakNever is FaultProjectionNever: it copies the stored value of a
// returned=never attribute named in attributes= into out.
func (s *Server) leakNever(r *resource, out map[string]any, p projection) {
	if !s.has(FaultProjectionNever) || len(p.attrs) == 0 {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, a := range r.rt.Schema.Attributes {
		if a.Returned != retNever {
			continue
		}
		for _, n := range p.attrs {
			if v, ok := r.data[a.Name]; ok && strings.EqualFold(n, a.Name) {
				out[a.Name] = v
			}
		}
	}
}

// selection is what a projection keeps of one attribute.
type selection struct {
	whole bool
	subs  map[string]bool
}

// project applies attributes / excludedAttributes (RFC 7644 §3.4.2.5, §3.9)
// to a view. "attributes" wins when both are given. Attributes whose returned
// characteristic is "always" (id, schemas) are never removed; names that do
// not resolve are ignored.
func project(rt *resourceType, v map[string]any, p projection) map[string]any {
	switch {
	case len(p.attrs) > 0:
		return include(rt, v, p.attrs)
	case len(p.excluded) > 0:
		return exclude(rt, v, p.excluded)
	}
	return v
}

// selKey identifies a top-level attribute: "name" or "extURN|name".
func selKey(ref attrRef) string {
	if ref.ext != nil {
		return ref.ext.ID + "|" + ref.attr.Name
	}
	return ref.attr.Name
}

func include(rt *resourceType, v map[string]any, names []string) map[string]any {
	sel := map[string]*selection{}
	wholeExt := map[string]bool{}
	for _, name := range names {
		ref, err := rt.resolve(name)
		if err != nil {
			continue
		}
		if ref.attr == nil {
			wholeExt[ref.ext.ID] = true
			continue
		}
		k := selKey(ref)
		if sel[k] == nil {
			sel[k] = &selection{subs: map[string]bool{}}
		}
		if ref.sub == nil {
			sel[k].whole = true
		} else {
			sel[k].subs[ref.sub.Name] = true
		}
	}
	out := map[string]any{}
	for k, val := range v {
		if ext := rt.extension(k); ext != nil {
			em, ok := val.(map[string]any)
			if !ok {
				continue
			}
			if wholeExt[ext.ID] {
				out[k] = em
				continue
			}
			kept := map[string]any{}
			for ak, av := range em {
				a := ext.attr(ak)
				if a == nil {
					continue
				}
				if sv, ok := selectValue(a, av, sel[ext.ID+"|"+a.Name]); ok {
					kept[ak] = sv
				}
			}
			if len(kept) > 0 {
				out[k] = kept
			}
			continue
		}
		a := rt.Schema.attr(k)
		if a == nil {
			a = commonAttr(k)
		}
		if a == nil {
			continue
		}
		if sv, ok := selectValue(a, val, sel[a.Name]); ok {
			out[k] = sv
		}
	}
	return out
}

// selectValue applies a selection to one attribute value.
func selectValue(a *attribute, val any, sel *selection) (any, bool) {
	if a.Returned == retAlways {
		return val, true
	}
	if sel == nil {
		return nil, false
	}
	if sel.whole || a.Type != typeComplex {
		return val, true
	}
	keep := func(m map[string]any) map[string]any {
		out := map[string]any{}
		for k, x := range m {
			sub := a.sub(k)
			if sub != nil && (sel.subs[sub.Name] || sub.Returned == retAlways) {
				out[k] = x
			}
		}
		return out
	}
	switch t := val.(type) {
	case map[string]any:
		m := keep(t)
		return m, len(m) > 0
	case []any:
		var arr []any
		for _, e := range t {
			if em, ok := e.(map[string]any); ok {
				if m := keep(em); len(m) > 0 {
					arr = append(arr, m)
				}
			}
		}
		return arr, len(arr) > 0
	}
	return val, true
}

func exclude(rt *resourceType, v map[string]any, names []string) map[string]any {
	out := copyMap(v)
	for _, name := range names {
		ref, err := rt.resolve(name)
		if err != nil {
			continue
		}
		if ref.attr == nil {
			delete(out, ref.ext.ID)
			continue
		}
		if ref.target().Returned == retAlways || ref.attr.Returned == retAlways {
			continue
		}
		container := out
		if ref.ext != nil {
			container, _ = out[ref.ext.ID].(map[string]any)
			if container == nil {
				continue
			}
		}
		if ref.sub == nil {
			delete(container, ref.attr.Name)
		} else {
			switch t := container[ref.attr.Name].(type) {
			case map[string]any:
				delete(t, ref.sub.Name)
				if len(t) == 0 {
					delete(container, ref.attr.Name)
				}
			case []any:
				var kept []any
				for _, e := range t {
					if em, ok := e.(map[string]any); ok {
						delete(em, ref.sub.Name)
						if len(em) == 0 {
							continue
						}
					}
					kept = append(kept, e)
				}
				if len(kept) == 0 {
					delete(container, ref.attr.Name)
				} else {
					container[ref.attr.Name] = kept
				}
			}
		}
		if ref.ext != nil && len(container) == 0 {
			delete(out, ref.ext.ID)
		}
	}
	return out
}
