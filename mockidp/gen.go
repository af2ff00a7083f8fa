package mockidp

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"pgregory.net/rapid"
)

// This file holds the rapid generators of the stateful fuzzer: User bodies,
// PATCH operation lists and filters as syntax trees. They produce only what
// an RFC-correct server must accept and store as given, so a difference
// between the target and the model is the target's fault:
//
//   - strings are NFC, non-empty, free of control characters and of leading,
//     trailing or repeated spaces (a server may legally normalise those);
//   - every email of a user has its own type (work, home, other) and its own
//     value, and at most one is primary;
//   - only the attributes the caller says the target can store are written.

// UserSpec says what generated Users carry.
type UserSpec struct {
	// Tag starts every userName: userName is Tag + "-" + a generated suffix,
	// so a filter `userName sw "<Tag>-"` selects exactly the generated users.
	Tag string
	// Enterprise adds urn:…:enterprise:2.0:User department and employeeNumber.
	Enterprise bool
	// Writable reports whether the target stores an attribute, named as in
	// UserAttrs; nil means every one.
	Writable func(attr string) bool
}

// UserAttrs are the attributes the generators write, by the names Writable
// receives: core attributes, dotted sub-attributes of name, and the
// enterprise extension's attributes by their plain names.
var UserAttrs = []string{"displayName", "nickName", "title", "name.givenName", "name.familyName",
	"emails", "active", "department", "employeeNumber"}

// EmailTypes are the canonical types of generated emails (RFC 7643 §4.1.2).
var EmailTypes = []string{"work", "home", "other"}

// URNEnterprise is the enterprise User extension's schema URN.
const URNEnterprise = urnEnterprise

func (s UserSpec) can(attr string) bool { return s.Writable == nil || s.Writable(attr) }

// textPieces are words with the characters servers get wrong: accents,
// other scripts, right-to-left text, emoji (with a ZWJ sequence), case
// pairs that fold differently (ǅ, İ, ß, final sigma), JSON and filter
// metacharacters. All are NFC.
var textPieces = []string{
	"Ada", "Łukasz", "Zoë", "José", "Ñandú", "Øystein", "Straße", "İpek", "Σωκράτης", "Дмитрий",
	"李小龙", "山田太郎", "محمد", "אבי", "😀", "👩‍💻", "O'Brien", `"quoted"`, `back\slash`, "a&b",
	"<b>x</b>", "50%", "x_y", "ǅemal", "and", "or", "not", "eq", "(paren)", "[br]", "semi;colon",
}

// base36 draws a short ASCII word of lower-case letters and digits from
// one number, so that a word costs rapid one value to shrink, not one per
// character.
func base36(max uint64) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		return strconv.FormatUint(rapid.Uint64Range(0, max).Draw(t, "n"), 36)
	})
}

// word draws one word: a piece of textPieces or a random ASCII word in
// lower, upper or title case.
func word() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		i := rapid.IntRange(0, len(textPieces)).Draw(t, "piece")
		if i < len(textPieces) {
			return textPieces[i]
		}
		w := base36(36*36*36*36).Draw(t, "ascii")
		switch rapid.IntRange(0, 2).Draw(t, "case") {
		case 1:
			w = strings.ToUpper(w)
		case 2:
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		return w
	})
}

// texts are the display strings Text chooses from: each piece of
// textPieces alone, in pairs and triples, and repeated into long strings.
// A table keeps a string to one or two draws, which makes rapid's shrinking
// of a sequence fast: every attempt replays the sequence against the target.
var texts = func() []string {
	out := []string{"Ada"}
	n := len(textPieces)
	for i, p := range textPieces {
		out = append(out, p,
			p+" "+textPieces[(i*7+3)%n],
			textPieces[(i*5+1)%n]+" "+p+" "+textPieces[(i*11+2)%n])
		if i%4 == 0 {
			out = append(out, strings.Repeat(p+" ", 30+i)+"end")
		}
	}
	return out
}()

// Text draws a display string: words of textPieces joined by single
// spaces (now and then a long one, up to about 500 characters), sometimes
// followed by a random ASCII word.
func Text() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		s := texts[rapid.IntRange(0, len(texts)-1).Draw(t, "text")]
		if rapid.IntRange(0, 3).Draw(t, "more") == 3 {
			s += " " + word().Draw(t, "word")
		}
		return s
	})
}

// suffix draws the generated part of a userName: lower-case ASCII letters
// and digits, sometimes with a dot or an underscore, which every server
// accepts in a userName.
func suffix() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		w := base36(36*36*36).Draw(t, "suffix")
		if sep := rapid.IntRange(0, 3).Draw(t, "separator"); sep > 0 && len(w) > 1 {
			w = w[:1] + []string{"", ".", "_", "."}[sep] + w[1:]
		}
		return w
	})
}

// Email draws an email address under the reserved domain example.com.
func Email() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		local := base36(36*36*36).Draw(t, "local")
		dom := rapid.SampledFrom([]string{"example.com", "mail.example.com", "EXAMPLE.com"}).Draw(t, "domain")
		return local + "@" + dom
	})
}

// User draws a User body (a JSON object as map) for spec.
func User(spec UserSpec) *rapid.Generator[map[string]any] {
	return rapid.Custom(func(t *rapid.T) map[string]any {
		u := map[string]any{"schemas": []any{urnUser}, "userName": spec.Tag + "-" + suffix().Draw(t, "suffix")}
		// One draw says which attributes the user has (bit i: UserAttrs[i]),
		// so rapid shrinks a user by clearing bits, not by many small steps.
		mask := rapid.Uint64Range(0, 1<<len(UserAttrs)-1).Draw(t, "attributes")
		has := func(i int) bool {
			a := UserAttrs[i]
			if a == "department" || a == "employeeNumber" {
				if !spec.Enterprise {
					return false
				}
			}
			return mask&(1<<i) != 0 && spec.can(a)
		}
		name := map[string]any{}
		ent := map[string]any{}
		for i, a := range UserAttrs {
			if !has(i) {
				continue
			}
			switch a {
			case "name.givenName", "name.familyName":
				name[strings.TrimPrefix(a, "name.")] = Text().Draw(t, a)
			case "emails":
				if es := Emails().Draw(t, "emails"); len(es) > 0 {
					u["emails"] = es
				}
			case "active":
				u["active"] = rapid.Bool().Draw(t, "active")
			case "department":
				ent[a] = Text().Draw(t, a)
			case "employeeNumber":
				ent[a] = strconv.FormatUint(rapid.Uint64Range(0, 99999).Draw(t, a), 10)
			default:
				u[a] = Text().Draw(t, a)
			}
		}
		if len(name) > 0 {
			u["name"] = name
		}
		if len(ent) > 0 {
			u["schemas"] = []any{urnUser, urnEnterprise}
			u[urnEnterprise] = ent
		}
		return u
	})
}

// emailTypeLists are the ordered lists of distinct EmailTypes, shortest
// first: one draw picks the types of a user's emails.
var emailTypeLists = func() [][]string {
	out := [][]string{{}}
	for _, a := range EmailTypes {
		out = append(out, []string{a})
	}
	for _, a := range EmailTypes {
		for _, b := range EmailTypes {
			if a != b {
				out = append(out, []string{a, b})
			}
		}
	}
	for _, a := range EmailTypes {
		for _, b := range EmailTypes {
			for _, c := range EmailTypes {
				if a != b && b != c && a != c {
					out = append(out, []string{a, b, c})
				}
			}
		}
	}
	return out
}()

// Emails draws zero to three emails, each of its own type and value, at
// most one of them primary.
func Emails() *rapid.Generator[[]any] {
	return rapid.Custom(func(t *rapid.T) []any {
		types := emailTypeLists[rapid.IntRange(0, len(emailTypeLists)-1).Draw(t, "types")]
		primary := rapid.IntRange(-1, len(types)-1).Draw(t, "primary")
		seen := map[string]bool{}
		var out []any
		for i, ty := range types {
			v := Email().Draw(t, "email")
			if seen[strings.ToLower(v)] {
				v = ty + "-" + v
			}
			seen[strings.ToLower(v)] = true
			e := map[string]any{"value": v, "type": ty}
			if i == primary {
				e["primary"] = true
			}
			out = append(out, e)
		}
		return out
	})
}

// PatchOp is one operation of a PatchOp message (RFC 7644 §3.5.2).
type PatchOp struct {
	Op    string // add, replace or remove
	Path  string // empty: the value is a set of attributes of the resource
	Value any    // nil for remove
}

// JSON returns the operation as a JSON object.
func (o PatchOp) JSON() map[string]any {
	m := map[string]any{"op": o.Op}
	if o.Path != "" {
		m["path"] = o.Path
	}
	if o.Value != nil {
		m["value"] = o.Value
	}
	return m
}

// String renders the operation in one line: `replace title "x"`.
func (o PatchOp) String() string {
	s := o.Op
	if o.Path != "" {
		s += " " + o.Path
	}
	if o.Value != nil {
		v := jsonText(o.Value)
		if len(v) > 60 {
			v = v[:60] + "…"
		}
		s += " " + v
	}
	return s
}

// PatchBody wraps operations in a PatchOp message.
func PatchBody(ops []PatchOp) map[string]any {
	list := make([]map[string]any, len(ops))
	for i, o := range ops {
		list[i] = o.JSON()
	}
	return patchOp(list...)
}

// WorkEmailPath is the PATCH path of the value of the work email, the
// path Entra sends.
const WorkEmailPath = `emails[type eq "work"].value`

// patchSimple are the single-valued string attributes PATCH operations
// target by path.
var patchSimple = []string{"displayName", "nickName", "title", "name.givenName", "name.familyName"}

// PatchOps draws one to three PATCH operations for a User of spec: add,
// replace or remove of a simple attribute or a sub-attribute of name,
// add or replace of the work email's value, replace of active, an
// add/replace without a path, and (with the extension) of department.
func PatchOps(spec UserSpec) *rapid.Generator[[]PatchOp] {
	var simple []string
	for _, a := range patchSimple {
		if spec.can(a) {
			simple = append(simple, a)
		}
	}
	return rapid.Custom(func(t *rapid.T) []PatchOp {
		n := rapid.IntRange(1, 3).Draw(t, "ops")
		out := make([]PatchOp, 0, n)
		for range n {
			kinds := []string{}
			if len(simple) > 0 {
				kinds = append(kinds, "simple", "remove", "nopath")
			}
			if spec.can("emails") {
				kinds = append(kinds, "email")
			}
			if spec.can("active") {
				kinds = append(kinds, "active")
			}
			if spec.Enterprise && spec.can("department") {
				kinds = append(kinds, "department")
			}
			if len(kinds) == 0 {
				break
			}
			switch rapid.SampledFrom(kinds).Draw(t, "kind") {
			case "simple":
				out = append(out, PatchOp{Op: rapid.SampledFrom([]string{"add", "replace"}).Draw(t, "op"),
					Path: rapid.SampledFrom(simple).Draw(t, "path"), Value: Text().Draw(t, "value")})
			case "remove":
				out = append(out, PatchOp{Op: "remove", Path: rapid.SampledFrom(simple).Draw(t, "path")})
			case "nopath":
				v := map[string]any{}
				for _, a := range simple {
					if !strings.Contains(a, ".") && rapid.Bool().Draw(t, "set "+a) {
						v[a] = Text().Draw(t, a)
					}
				}
				if len(v) == 0 {
					v[simple[0]] = Text().Draw(t, simple[0])
				}
				out = append(out, PatchOp{Op: rapid.SampledFrom([]string{"add", "replace"}).Draw(t, "op"), Value: v})
			case "email":
				out = append(out, PatchOp{Op: rapid.SampledFrom([]string{"add", "replace"}).Draw(t, "op"),
					Path: WorkEmailPath, Value: Email().Draw(t, "email")})
			case "active":
				out = append(out, PatchOp{Op: "replace", Path: "active", Value: rapid.Bool().Draw(t, "active")})
			case "department":
				out = append(out, PatchOp{Op: "replace", Path: urnEnterprise + ":department", Value: Text().Draw(t, "department")})
			}
		}
		return out
	})
}

// Filter is a SCIM filter (RFC 7644 §3.4.2.2) as a syntax tree. A leaf
// compares Attr with Value (Op eq, ne, co, sw, ew) or tests presence (pr);
// and/or combine L and R; not negates L.
type Filter struct {
	Op    string
	Attr  string
	Value any // a string, or a bool for active
	L, R  *Filter
}

// String renders the filter in the RFC's syntax, with every sub-expression
// of and/or/not in parentheses and string values JSON-escaped.
func (f *Filter) String() string {
	switch f.Op {
	case "and", "or":
		return "(" + f.L.String() + ") " + f.Op + " (" + f.R.String() + ")"
	case "not":
		return "not (" + f.L.String() + ")"
	case "pr":
		return f.Attr + " pr"
	}
	return f.Attr + " " + f.Op + " " + jsonText(f.Value)
}

// jsonText renders v as JSON without escaping &, < and > (which
// json.Marshal turns into \u0026 and the like for HTML): filter values then
// read as written, and only quotes and backslashes are escaped.
func jsonText(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// FilterAttrs are the attributes generated filters compare: all of them a
// server with filtering must support (RFC 7644 §3.4.2.2) or decline with
// 400 invalidFilter.
var FilterAttrs = []string{"userName", "displayName", "title", "active", "emails.value", "emails.type"}

// Filters draws a filter of at most depth 2 over FilterAttrs. Comparison
// values are mostly taken from pool (attribute name to the values the
// users hold), cut to a substring for co, sw and ew, with their case
// flipped now and then, so filters match some users and not others.
func Filters(pool map[string][]string) *rapid.Generator[*Filter] {
	return rapid.Custom(func(t *rapid.T) *Filter { return drawFilter(t, pool, 2) })
}

func drawFilter(t *rapid.T, pool map[string][]string, depth int) *Filter {
	if depth > 0 {
		// Leaves come first, so that rapid shrinks towards them.
		switch rapid.IntRange(0, 5).Draw(t, "shape") {
		case 3:
			return &Filter{Op: "and", L: drawFilter(t, pool, depth-1), R: drawFilter(t, pool, depth-1)}
		case 4:
			return &Filter{Op: "or", L: drawFilter(t, pool, depth-1), R: drawFilter(t, pool, depth-1)}
		case 5:
			return &Filter{Op: "not", L: drawFilter(t, pool, depth-1)}
		}
	}
	attr := rapid.SampledFrom(FilterAttrs).Draw(t, "attr")
	if attr == "active" {
		op := rapid.SampledFrom([]string{"eq", "ne", "pr"}).Draw(t, "op")
		if op == "pr" {
			return &Filter{Op: op, Attr: attr}
		}
		return &Filter{Op: op, Attr: attr, Value: rapid.Bool().Draw(t, "value")}
	}
	op := rapid.SampledFrom([]string{"eq", "ne", "co", "sw", "ew", "pr"}).Draw(t, "op")
	if op == "pr" {
		return &Filter{Op: op, Attr: attr}
	}
	var v string
	if vals := pool[attr]; len(vals) > 0 && rapid.IntRange(0, 3).Draw(t, "from pool") > 0 {
		v = rapid.SampledFrom(vals).Draw(t, "pooled")
	} else if attr == "emails.type" {
		v = rapid.SampledFrom(EmailTypes).Draw(t, "type")
	} else {
		v = word().Draw(t, "value")
	}
	rs := []rune(v)
	switch op {
	case "co":
		i := rapid.IntRange(0, len(rs)-1).Draw(t, "from")
		j := rapid.IntRange(i+1, len(rs)).Draw(t, "to")
		rs = rs[i:j]
	case "sw":
		rs = rs[:rapid.IntRange(1, len(rs)).Draw(t, "len")]
	case "ew":
		rs = rs[len(rs)-rapid.IntRange(1, len(rs)).Draw(t, "len"):]
	}
	if cut := strings.TrimSpace(string(rs)); cut != "" {
		v = cut
	}
	switch rapid.IntRange(0, 3).Draw(t, "case") {
	case 0:
		v = strings.ToUpper(v)
	case 1:
		v = strings.ToLower(v)
	}
	return &Filter{Op: op, Attr: attr, Value: v}
}
