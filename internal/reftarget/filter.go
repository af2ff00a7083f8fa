package reftarget

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	filter "github.com/scim2/filter-parser/v2"
)

// Filters (RFC 7644 §3.4.2.2) are parsed with github.com/scim2/filter-parser
// and evaluated here. The parser is wrapped to work around what it does not
// accept although the RFC ABNF does:
//
//   - leading and trailing white space is trimmed;
//   - value paths ("emails[...]") are cut out before parsing and their inner
//     filter is parsed on its own, so an inner filter may use more than two
//     expressions, parentheses and nested not() (the parser allows only
//     "attrExp (and|or) attrExp" inside brackets);
//   - lowercase hex digits in \u escapes are upper-cased (the parser accepts
//     only A-F);
//   - string escapes are decoded (the parser returns the raw text between the
//     quotes).
//
// Operators and attribute names are case-insensitive ("userName EQ", "USERNAME
// eq"); the parser already accepts both.

// fnode is a parsed filter.
type fnode interface{}

type (
	fAttr struct {
		path string
		op   string // eq ne co sw ew gt ge lt le pr
		val  any    // string, bool, float64 or nil
	}
	fAnd       struct{ l, r fnode }
	fOr        struct{ l, r fnode }
	fNot       struct{ x fnode }
	fValuePath struct {
		path  string
		inner fnode
	}
)

func invalidFilter(format string, args ...any) *scimError {
	return badRequest(scimInvalidFilter, format, args...)
}

// parseFilter parses a filter expression.
func parseFilter(s string) (fnode, *scimError) {
	return parseFilterDepth(s, false)
}

// upperCaseOperator returns the first operator of a filter written in other
// than lower case ("EQ", "And"), or "" (FaultFilterOpCaseSensitive).
func upperCaseOperator(s string) string {
	inStr := false
	word := strings.Builder{}
	flush := func() string {
		w := word.String()
		word.Reset()
		if checkOp(strings.ToLower(w)) == nil || strings.EqualFold(w, "and") || strings.EqualFold(w, "or") || strings.EqualFold(w, "not") {
			if w != strings.ToLower(w) {
				return w
			}
		}
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == ' ' || c == '(' || c == ')' || c == '[' || c == ']':
			if w := flush(); w != "" {
				return w
			}
		default:
			word.WriteByte(c)
		}
	}
	return flush()
}

func parseFilterDepth(s string, inner bool) (fnode, *scimError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, invalidFilter("empty filter")
	}
	pre, paths, err := extractValuePaths(s, inner)
	if err != nil {
		return nil, err
	}
	expr, perr := filter.ParseFilter([]byte(pre.text))
	if perr != nil {
		return nil, invalidFilter("invalid filter %q: %v", s, perr)
	}
	return convertFilter(expr, pre.marker, paths)
}

type preparsed struct {
	text   string
	marker string
}

// extractValuePaths replaces every "attr[...]" by `attr eq "<marker><n>"` and
// returns the inner filters; it also upper-cases \u escapes in strings.
func extractValuePaths(s string, inner bool) (preparsed, []string, *scimError) {
	var nonce [6]byte
	_, _ = rand.Read(nonce[:])
	marker := "__reftarget_vp_" + hex.EncodeToString(nonce[:]) + "_"
	var b strings.Builder
	var paths []string
	inStr := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inStr {
			b.WriteByte(c)
			switch c {
			case '\\':
				if i+1 < len(s) {
					i++
					b.WriteByte(s[i])
					if s[i] == 'u' && i+4 < len(s) {
						b.WriteString(strings.ToUpper(s[i+1 : i+5]))
						i += 4
					}
				}
			case '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
			b.WriteByte(c)
		case '[':
			if inner {
				return preparsed{}, nil, invalidFilter("nested value filters are not allowed: %q", s)
			}
			end := closingBracket(s, i)
			if end < 0 {
				return preparsed{}, nil, invalidFilter("unbalanced '[' in filter %q", s)
			}
			if end+1 < len(s) && s[end+1] == '.' {
				return preparsed{}, nil, invalidFilter("a value filter cannot be followed by a sub-attribute in a filter: %q", s)
			}
			text := strings.TrimRight(b.String(), " ")
			b.Reset()
			b.WriteString(text)
			fmt.Fprintf(&b, ` eq "%s%d"`, marker, len(paths))
			paths = append(paths, s[i+1:end])
			i = end
		case ']':
			return preparsed{}, nil, invalidFilter("unbalanced ']' in filter %q", s)
		default:
			b.WriteByte(c)
		}
	}
	if inStr {
		return preparsed{}, nil, invalidFilter("unterminated string in filter %q", s)
	}
	return preparsed{text: b.String(), marker: marker}, paths, nil
}

// closingBracket returns the index of the ']' matching the '[' at open,
// skipping strings, or -1.
func closingBracket(s string, open int) int {
	inStr := false
	for i := open + 1; i < len(s); i++ {
		c := s[i]
		if inStr {
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case ']':
			return i
		}
	}
	return -1
}

func convertFilter(e filter.Expression, marker string, paths []string) (fnode, *scimError) {
	switch t := e.(type) {
	case *filter.AttributeExpression:
		path := attrPathString(t.AttributePath)
		op := strings.ToLower(string(t.Operator))
		val := t.CompareValue
		if str, ok := val.(string); ok {
			if marker != "" && strings.HasPrefix(str, marker) && op == "eq" {
				var idx int
				if _, err := fmt.Sscanf(str[len(marker):], "%d", &idx); err == nil && idx < len(paths) {
					inner, err := parseFilterDepth(paths[idx], true)
					if err != nil {
						return nil, err
					}
					return &fValuePath{path: path, inner: inner}, nil
				}
			}
			var dec string
			if err := json.Unmarshal([]byte(`"`+str+`"`), &dec); err != nil {
				return nil, invalidFilter("invalid string %q in filter: %v", str, err)
			}
			return &fAttr{path: path, op: op, val: dec}, nil
		}
		switch v := val.(type) {
		case nil, bool:
			return &fAttr{path: path, op: op, val: v}, nil
		case int:
			return &fAttr{path: path, op: op, val: float64(v)}, nil
		case int64:
			return &fAttr{path: path, op: op, val: float64(v)}, nil
		case float64:
			return &fAttr{path: path, op: op, val: v}, nil
		case json.Number:
			f, err := v.Float64()
			if err != nil {
				return nil, invalidFilter("invalid number %q in filter", v)
			}
			return &fAttr{path: path, op: op, val: f}, nil
		}
		return nil, invalidFilter("unsupported comparison value %v in filter", val)
	case *filter.LogicalExpression:
		l, err := convertFilter(t.Left, marker, paths)
		if err != nil {
			return nil, err
		}
		r, err := convertFilter(t.Right, marker, paths)
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(string(t.Operator), "and") {
			return &fAnd{l, r}, nil
		}
		return &fOr{l, r}, nil
	case *filter.NotExpression:
		x, err := convertFilter(t.Expression, marker, paths)
		if err != nil {
			return nil, err
		}
		return &fNot{x}, nil
	case *filter.ValuePath:
		inner, err := convertFilter(t.ValueFilter, "", nil)
		if err != nil {
			return nil, err
		}
		return &fValuePath{path: attrPathString(t.AttributePath), inner: inner}, nil
	}
	return nil, invalidFilter("unsupported filter expression %v", e)
}

func attrPathString(p filter.AttributePath) string {
	s := p.AttributeName
	if p.URIPrefix != nil {
		s = *p.URIPrefix + ":" + s
	}
	if p.SubAttribute != nil {
		s += "." + *p.SubAttribute
	}
	return s
}

// pred is a compiled filter: it reports whether a value (a resource view, or
// one value of a multi-valued attribute inside a value filter) matches.
type pred func(v any) bool

func matchNone(any) bool { return false }

// getter extracts the values an attribute expression compares against.
type getter func(v any) []any

// compileFilter compiles n for resources of type rt. Attributes the type does
// not have are treated as unassigned (RFC 7644 §3.4.2.1).
func (s *Server) compileFilter(n fnode, rt *resourceType) (pred, *scimError) {
	return s.compile(n, rt, nil)
}

// compileBoth compiles the two sides of an and/or and joins them with op.
// Both sides are evaluated, so op sees two results (filters have no side
// effects, so this equals short-circuit evaluation).
func (s *Server) compileBoth(a, b fnode, rt *resourceType, parent *attribute, op func(l, r bool) bool) (pred, *scimError) {
	l, err := s.compile(a, rt, parent)
	if err != nil {
		return nil, err
	}
	r, err := s.compile(b, rt, parent)
	if err != nil {
		return nil, err
	}
	return func(v any) bool { return op(l(v), r(v)) }, nil
}

// compile compiles n; parent is the multi-valued attribute a value filter
// applies to, nil at the top level.
func (s *Server) compile(n fnode, rt *resourceType, parent *attribute) (pred, *scimError) {
	switch t := n.(type) {
	case *fAnd:
		return s.compileBoth(t.l, t.r, rt, parent, func(l, r bool) bool { return l && r })
	case *fOr:
		return s.compileBoth(t.l, t.r, rt, parent, func(l, r bool) bool { return l || r })
	case *fNot:
		x, err := s.compile(t.x, rt, parent)
		if err != nil {
			return nil, err
		}
		return func(v any) bool { return !x(v) }, nil
	case *fValuePath:
		if parent != nil {
			return nil, invalidFilter("nested value filters are not allowed")
		}
		ref, err := rt.resolve(t.path)
		if err != nil {
			if pe, ok := err.(*pathError); ok && pe.syntax {
				return nil, invalidFilter("%v", pe)
			}
			return matchNone, nil
		}
		if ref.attr == nil || ref.sub != nil {
			return nil, invalidFilter("a value filter needs a multi-valued or complex attribute, not %q", t.path)
		}
		inner, serr := s.compile(t.inner, rt, ref.attr)
		if serr != nil {
			return nil, serr
		}
		get := topGetter(ref, false)
		return func(v any) bool {
			for _, e := range get(v) {
				if inner(e) {
					return true
				}
			}
			return false
		}, nil
	case *fAttr:
		return s.compileAttr(t, rt, parent)
	}
	return nil, invalidFilter("unsupported filter node")
}

// topGetter returns the values at ref in a resource view. With implicitValue,
// a complex attribute named without a sub-attribute yields its "value"
// sub-attribute ("emails co x" means "emails.value co x").
func topGetter(ref attrRef, implicitValue bool) getter {
	sub := ref.sub
	if sub == nil && implicitValue && ref.attr.Type == typeComplex {
		sub = ref.attr.sub("value")
	}
	return func(v any) []any {
		m, _ := v.(map[string]any)
		if ref.ext != nil {
			m, _ = m[ref.ext.ID].(map[string]any)
		}
		if m == nil {
			return nil
		}
		return leaves(m[ref.attr.Name], sub)
	}
}

// leaves flattens an attribute value into the values to compare: the values
// of a multi-valued attribute, or a sub-attribute of each.
func leaves(val any, sub *attribute) []any {
	if val == nil {
		return nil
	}
	var elems []any
	if arr, ok := val.([]any); ok {
		elems = arr
	} else {
		elems = []any{val}
	}
	if sub == nil {
		return elems
	}
	var out []any
	for _, e := range elems {
		if m, ok := e.(map[string]any); ok {
			if sv, ok := m[sub.Name]; ok && sv != nil {
				out = append(out, leaves(sv, nil)...)
			}
		}
	}
	return out
}

func (s *Server) compileAttr(t *fAttr, rt *resourceType, parent *attribute) (pred, *scimError) {
	var (
		def *attribute
		get getter
	)
	if parent == nil {
		ref, err := rt.resolve(t.path)
		if err != nil {
			if pe, ok := err.(*pathError); ok && pe.syntax {
				return nil, invalidFilter("%v", pe)
			}
			return s.unassigned(t)
		}
		if ref.attr == nil {
			return nil, invalidFilter("%q names a schema, not an attribute", t.path)
		}
		def = ref.target()
		if def.Type == typeComplex && t.op != "pr" {
			def = def.sub("value")
			if def == nil {
				return nil, invalidFilter("complex attribute %q needs a sub-attribute for %q", t.path, t.op)
			}
		}
		get = topGetter(ref, t.op != "pr")
	} else {
		name := t.path
		if parent.Type != typeComplex {
			if !strings.EqualFold(name, "value") {
				return s.unassigned(t)
			}
			def = parent
			get = func(v any) []any { return leaves(v, nil) }
		} else {
			sub := parent.sub(name)
			if sub == nil || strings.Contains(name, ":") || strings.Contains(name, ".") {
				return s.unassigned(t)
			}
			def = sub
			get = func(v any) []any {
				m, _ := v.(map[string]any)
				if m == nil {
					return nil
				}
				return leaves(m[sub.Name], nil)
			}
		}
	}
	cmp, err := s.comparator(def, t)
	if err != nil {
		return nil, err
	}
	op := t.op
	prEmpty := s.has(FaultFilterPresentEmpty)
	return func(v any) bool {
		vals := present(get(v))
		switch {
		case op == "pr" && prEmpty:
			return len(get(v)) > 0
		case op == "pr":
			return len(vals) > 0
		case t.val == nil && op == "eq":
			return len(vals) == 0
		case t.val == nil && op == "ne":
			return len(vals) > 0
		case op == "ne" && len(vals) == 0:
			return true
		}
		for _, x := range vals {
			if cmp(x) {
				return true
			}
		}
		return false
	}, nil
}

// unassigned compiles an expression on an attribute the resource does not
// have: it behaves as if the attribute had no value.
func (s *Server) unassigned(t *fAttr) (pred, *scimError) {
	if err := checkOp(t.op); err != nil {
		return nil, err
	}
	switch {
	case t.op == "ne", t.op == "eq" && t.val == nil:
		return func(any) bool { return true }, nil
	}
	return matchNone, nil
}

func checkOp(op string) *scimError {
	switch op {
	case "eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr":
		return nil
	}
	return invalidFilter("the operator %q is not supported", op)
}

// present drops empty values ("", {}, []).
func present(vals []any) []any {
	out := vals[:0:0]
	for _, v := range vals {
		switch t := v.(type) {
		case nil:
			continue
		case string:
			if t == "" {
				continue
			}
		case map[string]any:
			if len(t) == 0 {
				continue
			}
		case []any:
			if len(t) == 0 {
				continue
			}
		}
		out = append(out, v)
	}
	return out
}

// comparator builds the comparison of one attribute value with the filter's
// operand, according to the attribute's type.
func (s *Server) comparator(def *attribute, t *fAttr) (func(any) bool, *scimError) {
	if err := checkOp(t.op); err != nil {
		return nil, err
	}
	op := t.op
	if op == "pr" {
		return func(any) bool { return true }, nil
	}
	if t.val == nil {
		if op != "eq" && op != "ne" {
			return nil, invalidFilter("null can only be compared with eq or ne")
		}
		return func(any) bool { return false }, nil
	}
	ordering := op == "gt" || op == "ge" || op == "lt" || op == "le"
	substring := op == "co" || op == "sw" || op == "ew"
	switch def.Type {
	case typeBoolean:
		b, ok := t.val.(bool)
		if !ok {
			return nil, invalidFilter("boolean attribute %q must be compared with true or false", def.Name)
		}
		if op != "eq" && op != "ne" {
			return nil, invalidFilter("operator %q cannot be applied to boolean attribute %q", op, def.Name)
		}
		return func(x any) bool {
			xb, ok := x.(bool)
			return ok && (xb == b) == (op == "eq")
		}, nil
	case typeInteger, typeDecimal:
		f, ok := t.val.(float64)
		if !ok {
			return nil, invalidFilter("numeric attribute %q must be compared with a number", def.Name)
		}
		if substring {
			return nil, invalidFilter("operator %q cannot be applied to numeric attribute %q", op, def.Name)
		}
		return func(x any) bool {
			xf, ok := toFloat(x)
			return ok && compareOrder(op, cmpFloat(xf, f))
		}, nil
	case typeDateTime:
		str, ok := t.val.(string)
		if !ok {
			return nil, invalidFilter("dateTime attribute %q must be compared with a string", def.Name)
		}
		if substring {
			return func(x any) bool {
				xs, ok := x.(string)
				return ok && stringOp(op, xs, str)
			}, nil
		}
		want, err := parseDateTime(str)
		if err != nil {
			return nil, invalidFilter("%q is not an xsd:dateTime", str)
		}
		return func(x any) bool {
			xs, ok := x.(string)
			if !ok {
				return false
			}
			xt, err := parseDateTime(xs)
			if err != nil {
				return false
			}
			return compareOrder(op, cmpTime(xt, want))
		}, nil
	case typeBinary:
		if ordering {
			return nil, invalidFilter("operator %q cannot be applied to binary attribute %q", op, def.Name)
		}
	}
	// string, reference, binary
	str, ok := t.val.(string)
	if !ok {
		return nil, invalidFilter("string attribute %q must be compared with a string", def.Name)
	}
	caseExact := def.CaseExact
	if def == schemaUser.attr("userName") && (s.has(FaultFilterCaseSensitive) || s.has(FaultCaseSensitiveUserName)) {
		caseExact = true
	}
	if !caseExact {
		str = strings.ToLower(str)
	}
	return func(x any) bool {
		xs, ok := x.(string)
		if !ok {
			return false
		}
		if !caseExact {
			xs = strings.ToLower(xs)
		}
		if ordering {
			return compareOrder(op, strings.Compare(xs, str))
		}
		return stringOp(op, xs, str)
	}, nil
}

func stringOp(op, x, want string) bool {
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
	}
	return compareOrder(op, strings.Compare(x, want))
}

// compareOrder applies op to the result c of comparing an attribute value
// with the operand (-1, 0, +1).
func compareOrder(op string, c int) bool {
	switch op {
	case "eq":
		return c == 0
	case "ne":
		return c != 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpTime(a, b time.Time) int { return a.Compare(b) }

func toFloat(x any) (float64, bool) {
	switch t := x.(type) {
	case json.Number:
		f, err := t.Float64()
		return f, err == nil && !math.IsNaN(f)
	case float64:
		return t, true
	case int:
		return float64(t), true
	}
	return 0, false
}

// filtersOnSensitive reports whether a filter names a writeOnly attribute
// (the password): RFC 7644 §7.5.2 asks servers to refuse such filters in a
// URL.
func filtersOnSensitive(filter string, rts []*resourceType) bool {
	n, err := parseFilter(filter)
	if err != nil {
		return false
	}
	paths := filterPaths(n)
	for _, rt := range rts {
		for _, p := range paths {
			if ref, err := rt.resolve(p); err == nil && ref.attr != nil && ref.target().Mutability == mutWriteOnly {
				return true
			}
		}
	}
	return false
}

// filterPaths lists the attribute paths a filter names.
func filterPaths(n fnode) []string {
	var paths []string
	var walk func(fnode)
	walk = func(n fnode) {
		switch t := n.(type) {
		case *fAnd:
			walk(t.l)
			walk(t.r)
		case *fOr:
			walk(t.l)
			walk(t.r)
		case *fNot:
			walk(t.x)
		case *fAttr:
			paths = append(paths, t.path)
		case *fValuePath:
			paths = append(paths, t.path)
		}
	}
	walk(n)
	return paths
}

// filtersBeyondUserName reports whether a filter names an attribute other
// than userName and id (FaultDeletedStillFiltered: such filters go through
// a secondary index that deletions do not reach).
func filtersBeyondUserName(n fnode) bool {
	for _, p := range filterPaths(n) {
		if !strings.EqualFold(p, "userName") && !strings.EqualFold(p, "id") {
			return true
		}
	}
	return false
}
