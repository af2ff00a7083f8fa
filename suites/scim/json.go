package scim

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Obj is a decoded JSON object. SCIM attribute names are case-insensitive
// (RFC 7643 §2.1), so lookups through its methods ignore case.
type Obj map[string]any

// key returns the actual key of o matching name without regard to case.
func (o Obj) key(name string) (string, bool) {
	if _, ok := o[name]; ok {
		return name, true
	}
	for k := range o {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return "", false
}

// Get returns the value at a path of attribute names, or nil.
func (o Obj) Get(path ...string) any {
	var cur any = o
	for _, p := range path {
		m := asObj(cur)
		if m == nil {
			return nil
		}
		k, ok := m.key(p)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// Has reports whether the path is present with a value other than null.
func (o Obj) Has(path ...string) bool { return o.Get(path...) != nil }

// Str returns the string at path, or "".
func (o Obj) Str(path ...string) string {
	s, _ := o.Get(path...).(string)
	return s
}

// Obj returns the object at path, or nil.
func (o Obj) Obj(path ...string) Obj { return asObj(o.Get(path...)) }

// List returns the array at path, or nil.
func (o Obj) List(path ...string) []any {
	l, _ := o.Get(path...).([]any)
	return l
}

// Objs returns the objects of the array at path, skipping other values.
func (o Obj) Objs(path ...string) []Obj {
	var out []Obj
	for _, v := range o.List(path...) {
		if m := asObj(v); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// Strs returns the strings of the array at path.
func (o Obj) Strs(path ...string) []string {
	var out []string
	for _, v := range o.List(path...) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Bool returns the boolean at path and whether it was a boolean.
func (o Obj) Bool(path ...string) (bool, bool) {
	b, ok := o.Get(path...).(bool)
	return b, ok
}

// Without returns a shallow copy of o without the named keys (any case).
func (o Obj) Without(names ...string) Obj {
	out := Obj{}
outer:
	for k, v := range o {
		for _, n := range names {
			if strings.EqualFold(k, n) {
				continue outer
			}
		}
		out[k] = v
	}
	return out
}

func asObj(v any) Obj {
	switch m := v.(type) {
	case Obj:
		return m
	case map[string]any:
		return Obj(m)
	}
	return nil
}

// hasString reports whether list holds s, ignoring case.
func hasString(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// compact renders v as one line of JSON for messages, cut at 300 bytes.
func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// intOf returns a JSON number as an int, and whether it is an integer.
func intOf(v any) (int, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	case float64:
		return int(n), n == float64(int(n))
	case int:
		return n, true
	case int64:
		return int(n), true
	}
	return 0, false
}
