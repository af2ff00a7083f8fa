package mockidp

import (
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/unicode/norm"
	"pgregory.net/rapid"
)

// wellFormed reports what is wrong with a generated display string: it
// must be NFC, non-empty, without control characters and without spaces a
// server could normalise away.
func wellFormed(s string) string {
	switch {
	case s == "":
		return "empty"
	case !norm.NFC.IsNormalString(s):
		return "not NFC"
	case strings.TrimSpace(s) != s:
		return "leading or trailing space"
	case strings.Contains(s, "  "):
		return "double space"
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "control character"
	}
	return ""
}

func TestUserBodies(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		u := User(UserSpec{Tag: "pc-fz-x", Enterprise: true}).Draw(rt, "user")
		if !strings.HasPrefix(u["userName"].(string), "pc-fz-x-") {
			rt.Fatalf("userName %q lacks the tag", u["userName"])
		}
		var texts []string
		for _, a := range []string{"displayName", "nickName", "title"} {
			if s, ok := u[a].(string); ok {
				texts = append(texts, s)
			}
		}
		if n, ok := u["name"].(map[string]any); ok {
			for _, v := range n {
				texts = append(texts, v.(string))
			}
		}
		for _, s := range texts {
			if why := wellFormed(s); why != "" {
				rt.Fatalf("%q is %s", s, why)
			}
		}
		types, primaries := map[string]bool{}, 0
		es, _ := u["emails"].([]any)
		for _, e := range es {
			m := e.(map[string]any)
			ty := m["type"].(string)
			if types[ty] {
				rt.Fatalf("two emails of type %s", ty)
			}
			types[ty] = true
			if m["primary"] == true {
				primaries++
			}
		}
		if primaries > 1 {
			rt.Fatalf("%d primary emails", primaries)
		}
	})
}

func TestUserRespectsWritable(t *testing.T) {
	spec := UserSpec{Tag: "t", Writable: func(a string) bool { return a == "title" }}
	rapid.Check(t, func(rt *rapid.T) {
		u := User(spec).Draw(rt, "user")
		for k := range u {
			if k != "schemas" && k != "userName" && k != "title" {
				rt.Fatalf("wrote %s, which is not writable", k)
			}
		}
		for _, op := range PatchOps(spec).Draw(rt, "ops") {
			if op.Path != "" && op.Path != "title" {
				rt.Fatalf("patched %s, which is not writable", op.Path)
			}
		}
	})
}

func TestFilterString(t *testing.T) {
	f := &Filter{Op: "and",
		L: &Filter{Op: "eq", Attr: "title", Value: `a "b"`},
		R: &Filter{Op: "not", L: &Filter{Op: "or", L: &Filter{Op: "pr", Attr: "emails.value"}, R: &Filter{Op: "eq", Attr: "active", Value: true}}}}
	assert.Equal(t, `(title eq "a \"b\"") and (not ((emails.value pr) or (active eq true)))`, f.String())
	assert.Equal(t, `title co "a&b <x>"`, (&Filter{Op: "co", Attr: "title", Value: "a&b <x>"}).String(), "no HTML escapes")
	assert.Equal(t, `replace emails[type eq "work"].value "x@example.com"`, PatchOp{Op: "replace", Path: WorkEmailPath, Value: "x@example.com"}.String())
}

func TestFiltersAreWellFormed(t *testing.T) {
	pool := map[string][]string{"title": {"Straße 👩‍💻 x"}, "userName": {"pc-a-b"}}
	rapid.Check(t, func(rt *rapid.T) {
		var walk func(f *Filter, depth int)
		walk = func(f *Filter, depth int) {
			if depth > 3 {
				rt.Fatalf("too deep: %s", f)
			}
			switch f.Op {
			case "and", "or":
				walk(f.L, depth+1)
				walk(f.R, depth+1)
			case "not":
				walk(f.L, depth+1)
			case "pr":
			default:
				if s, ok := f.Value.(string); ok && (s == "" || strings.TrimSpace(s) != s) {
					rt.Fatalf("value %q in %s", s, f)
				}
			}
		}
		walk(Filters(pool).Draw(rt, "filter"), 0)
	})
}
