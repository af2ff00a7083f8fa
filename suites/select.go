package suites

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// Selection says which checks of the catalogue a run includes.
type Selection struct {
	// Run lists IDs, prefixes or globs to include; empty means all.
	Run []string
	// Skip lists IDs, prefixes or globs to leave out.
	Skip []string
	// LabelFilter is an expression over labels: "area:users && !level:should",
	// with &&, ||, !, parentheses, and a comma meaning ||.
	LabelFilter string
	// Dialects are the IdP dialects the run speaks; a check of a dialect
	// pack (Check.Dialect) is included only for these, or when Run names it.
	Dialects []string
	// Shard and Shards split the selected checks deterministically for runs
	// fanned out over several jobs: shard i of n (1 ≤ i ≤ n) keeps every
	// n-th check of the selection, starting with the i-th. Shards 0 means
	// no split.
	Shard, Shards int
}

// Plan returns the checks of cat that sel selects, in catalogue order.
// Patterns that match no check are an error, so a typo does not silently
// select nothing.
func Plan(cat []Check, sel Selection) ([]Check, error) {
	filter, err := ParseLabelFilter(sel.LabelFilter)
	if err != nil {
		return nil, err
	}
	for _, list := range [][]string{sel.Run, sel.Skip} {
		for _, p := range list {
			if _, err := path.Match(strings.ToUpper(p), ""); err != nil {
				return nil, fmt.Errorf("pattern %q: %w", p, err)
			}
			if !slices.ContainsFunc(cat, func(c Check) bool { return matchID(p, c.ID) }) {
				return nil, fmt.Errorf("pattern %q matches no check; see 'provcheck list'", p)
			}
		}
	}
	var out []Check
	for _, c := range cat {
		named := slices.ContainsFunc(sel.Run, func(p string) bool { return matchID(p, c.ID) })
		if len(sel.Run) > 0 && !named {
			continue
		}
		if c.Dialect != "" && !named && !slices.Contains(sel.Dialects, c.Dialect) {
			continue
		}
		if slices.ContainsFunc(sel.Skip, func(p string) bool { return matchID(p, c.ID) }) {
			continue
		}
		if !filter(c.AllLabels()) {
			continue
		}
		out = append(out, c)
	}
	if sel.Shards > 0 {
		if sel.Shard < 1 || sel.Shard > sel.Shards {
			return nil, fmt.Errorf("shard %d/%d: the shard number must be between 1 and %d", sel.Shard, sel.Shards, sel.Shards)
		}
		var part []Check
		for i, c := range out {
			if i%sel.Shards == sel.Shard-1 {
				part = append(part, c)
			}
		}
		out = part
	}
	return out, nil
}

// matchID reports whether pattern p selects id: the exact ID, a prefix ending
// at a dash boundary ("SCIM-USERS" selects "SCIM-USERS-001"), or a glob.
// Matching ignores case.
func matchID(p, id string) bool {
	p, id = strings.ToUpper(strings.TrimSpace(p)), strings.ToUpper(id)
	if p == "" {
		return false
	}
	if p == id {
		return true
	}
	if strings.ContainsAny(p, "*?[") {
		ok, _ := path.Match(p, id)
		return ok
	}
	return strings.HasPrefix(id, strings.TrimSuffix(p, "-")+"-")
}

// ParseLabelFilter compiles a label expression. Terms are labels, matched
// without regard to case; a term ending in ":" or containing a glob
// character matches as a glob ("area:*"). The empty expression matches all.
func ParseLabelFilter(expr string) (func(labels []string) bool, error) {
	if strings.TrimSpace(expr) == "" {
		return func([]string) bool { return true }, nil
	}
	p := &labelParser{toks: tokenizeLabels(expr), expr: expr}
	f, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("label filter %q: unexpected %q", expr, p.toks[p.pos])
	}
	return f, nil
}

type labelFunc = func([]string) bool

type labelParser struct {
	toks []string
	pos  int
	expr string
}

func tokenizeLabels(s string) []string {
	var toks []string
	cur := strings.Builder{}
	flush := func() {
		if cur.Len() > 0 {
			toks = append(toks, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "&&"), strings.HasPrefix(s[i:], "||"):
			flush()
			toks = append(toks, s[i:i+2])
			i++
		case strings.ContainsRune("!(),", rune(s[i])):
			flush()
			toks = append(toks, string(s[i]))
		case s[i] == ' ' || s[i] == '\t':
			flush()
		default:
			cur.WriteByte(s[i])
		}
	}
	flush()
	return toks
}

func (p *labelParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *labelParser) or() (labelFunc, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek() == "||" || p.peek() == "," {
		p.pos++
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		a, b := l, r
		l = func(ls []string) bool { return a(ls) || b(ls) }
	}
	return l, nil
}

func (p *labelParser) and() (labelFunc, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.peek() == "&&" {
		p.pos++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		a, b := l, r
		l = func(ls []string) bool { return a(ls) && b(ls) }
	}
	return l, nil
}

func (p *labelParser) unary() (labelFunc, error) {
	switch tok := p.peek(); tok {
	case "":
		return nil, fmt.Errorf("label filter %q: ends where a label was expected", p.expr)
	case "!":
		p.pos++
		f, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(ls []string) bool { return !f(ls) }, nil
	case "(":
		p.pos++
		f, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("label filter %q: missing ')'", p.expr)
		}
		p.pos++
		return f, nil
	case ")", "&&", "||", ",":
		return nil, fmt.Errorf("label filter %q: unexpected %q", p.expr, tok)
	default:
		p.pos++
		want := strings.ToLower(tok)
		if strings.HasSuffix(want, ":") {
			want += "*"
		}
		if _, err := path.Match(want, ""); err != nil {
			return nil, fmt.Errorf("label filter %q: bad pattern %q", p.expr, tok)
		}
		return func(ls []string) bool {
			for _, l := range ls {
				if ok, _ := path.Match(want, strings.ToLower(l)); ok {
					return true
				}
			}
			return false
		}, nil
	}
}
