package scim

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/mockidp"
)

// rfcDisc is a discovery without published schemas: the model falls back
// to RFC 7643 (caseExact false but for externalId).
func rfcDisc() *Discovery { return &Discovery{Schemas: map[string]*Schema{}} }

// withUserSchema publishes a User schema with the given attributes.
func withUserSchema(attrs ...Attribute) *Discovery {
	d := rfcDisc()
	d.Schemas[strings.ToLower(URNUser)] = &Schema{ID: URNUser, Attributes: attrs}
	return d
}

func TestModelDiffAcceptsWhatTheRFCLeavesToTheServer(t *testing.T) {
	m := &fuzzModel{disc: rfcDisc()}
	want := fuzzWant(map[string]any{
		"schemas": []any{URNUser}, "userName": "Pc-Fz-A", "title": "Boss",
		"emails": []any{
			map[string]any{"value": "a@Example.com", "type": "work", "primary": true},
			map[string]any{"value": "b@example.com", "type": "home"},
		},
	})
	got := Obj{
		"id": "1", "meta": map[string]any{"version": `W/"1"`}, "groups": []any{}, "x-server": "added",
		"userName":    "pc-fz-a",        // canonicalised case (caseExact false)
		"title":       "boss",           // likewise
		"active":      true,             // a default
		"displayName": "Pc Fz A",        // a default built by the server
		"nickName":    nil,              // null is unassigned
		"name":        map[string]any{}, // {} is unassigned
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": map[string]any{"department": ""},
		"emails": []any{ // another order, primary false spelled out
			map[string]any{"value": "b@example.com", "type": "Home", "primary": false, "display": "b"},
			map[string]any{"value": "a@example.com", "type": "work", "primary": true},
		},
	}
	assert.Empty(t, m.diff(want, got))

	// Without a primary email in the model, the server may pick one.
	want = fuzzWant(map[string]any{"userName": "u", "emails": []any{map[string]any{"value": "a@example.com", "type": "work"}}})
	assert.Empty(t, m.diff(want, Obj{"userName": "u", "emails": []any{map[string]any{"value": "a@example.com", "type": "work", "primary": true}}}))
}

func TestModelDiffFindsDifferences(t *testing.T) {
	m := &fuzzModel{disc: withUserSchema(Attribute{Name: "title", Type: "string", CaseExact: true, Mutability: "readWrite", Returned: "default"},
		Attribute{Name: "nickName", Type: "string", Mutability: "readWrite", Returned: "request"})}
	want := fuzzWant(map[string]any{"userName": "u", "title": "Boss", "nickName": "n",
		"emails": []any{map[string]any{"value": "a@example.com", "type": "work"}}})
	d := m.diff(want, Obj{"userName": "u", "title": "boss", "familyName": "x",
		"name": map[string]any{"givenName": "Ada"}, "emails": []any{}})
	require.Len(t, d, 3, "%v", d)
	assert.Contains(t, d[0], `title is "boss"; expected "Boss"`, "title is caseExact in this schema")
	assert.Contains(t, d[1], "name.givenName is \"Ada\"; expected it unassigned")
	assert.Contains(t, d[2], "emails are []")
	// nickName is returned only on request: its absence is no difference.
}

func TestModelPatch(t *testing.T) {
	m := &fuzzModel{disc: rfcDisc()}
	base := fuzzWant(map[string]any{"userName": "u", "name": map[string]any{"givenName": "Ada"},
		"emails": []any{map[string]any{"value": "h@example.com", "type": "home"}}})

	p := m.patch(base, []mockidp.PatchOp{
		{Op: "replace", Path: "title", Value: "Boss"},
		{Op: "remove", Path: "name.givenName"},
		{Op: "add", Value: map[string]any{"nickName": "N"}},
		{Op: "replace", Path: mockidp.URNEnterprise + ":department", Value: "R&D"},
	})
	assert.False(t, p.mayRefuse)
	assert.Equal(t, "Boss", p.want.Str("title"))
	assert.Nil(t, p.want.Get("name"), "a complex attribute left empty is unassigned")
	assert.Equal(t, "N", p.want.Str("nickName"))
	assert.Equal(t, "R&D", p.want.Obj(URNEnterprise).Str("department"))
	assert.Equal(t, "Ada", base.Obj("name").Str("givenName"), "the model's state is not changed in place")

	p = m.patch(base, []mockidp.PatchOp{{Op: "remove", Path: "title"}})
	assert.True(t, p.mayRefuse, "removing an unassigned attribute may be refused with noTarget")
	assert.Empty(t, m.diff(p.want, Obj(base)))

	p = m.patch(base, []mockidp.PatchOp{{Op: "replace", Path: mockidp.WorkEmailPath, Value: "w@example.com"}})
	assert.True(t, p.mayRefuse, "a value filter that matches nothing may be refused (RFC 7644 §3.5.2.3)")
	assert.Len(t, p.want.List("emails"), 2, "or the work email is created (Entra's reading of add)")

	assert.Nil(t, p.alt, "a replace that matches nothing is not ignored silently")
	p = m.patch(base, []mockidp.PatchOp{{Op: "add", Path: mockidp.WorkEmailPath, Value: "w@example.com"}, {Op: "replace", Path: "title", Value: "T"}})
	require.NotNil(t, p.alt, "an add that matches nothing may be ignored")
	assert.Len(t, p.alt.List("emails"), 1)
	assert.Equal(t, "T", p.alt.Str("title"), "the later operations apply to the alternative too")

	withWork := p.want
	p = m.patch(withWork, []mockidp.PatchOp{{Op: "add", Path: mockidp.WorkEmailPath, Value: "x@example.com"}})
	assert.False(t, p.mayRefuse)
	assert.Equal(t, []string{"h@example.com", "x@example.com"}, filterValues(p.want, "emails.value"))
}

func TestModelMatchIsThreeValued(t *testing.T) {
	m := &fuzzModel{disc: rfcDisc()}
	u := &fuzzUser{want: fuzzWant(map[string]any{"userName": "pc-a", "title": "Straße Boss",
		"emails": []any{map[string]any{"value": "a@example.com", "type": "work"}, map[string]any{"value": "b@example.com", "type": "home"}}}),
		seen: Obj{}}
	leaf := func(op, attr string, v any) *mockidp.Filter { return &mockidp.Filter{Op: op, Attr: attr, Value: v} }
	for _, tc := range []struct {
		f    *mockidp.Filter
		want tri
	}{
		{leaf("eq", "userName", "PC-A"), triTrue},
		{leaf("sw", "title", "straße"), triTrue},
		{leaf("co", "title", "BOSS"), triTrue},
		{leaf("eq", "displayName", "x"), triFalse},
		{leaf("ne", "displayName", "x"), triOpen},
		{leaf("pr", "displayName", nil), triFalse},
		{leaf("eq", "emails.type", "home"), triTrue},
		{leaf("ne", "emails.type", "home"), triOpen},
		{leaf("ne", "emails.type", "other"), triTrue},
		{leaf("eq", "active", true), triOpen},
		{&mockidp.Filter{Op: "not", L: leaf("ne", "displayName", "x")}, triOpen},
		{&mockidp.Filter{Op: "and", L: leaf("eq", "title", "no"), R: leaf("ne", "displayName", "x")}, triFalse},
		{&mockidp.Filter{Op: "or", L: leaf("pr", "title", nil), R: leaf("eq", "active", true)}, triTrue},
		{&mockidp.Filter{Op: "or", L: leaf("eq", "title", "no"), R: leaf("eq", "active", true)}, triOpen},
	} {
		assert.Equal(t, tc.want, m.match(tc.f, u), tc.f.String())
	}
	u.seen = Obj{"active": true}
	assert.Equal(t, triTrue, m.match(leaf("eq", "active", true), u), "a server default counts")

	// Letters whose case mappings disagree leave the result open: the
	// upper case of final sigma is Σ, whose lower case is σ.
	u.want["title"] = "Σωκράτης"
	assert.Equal(t, triOpen, m.match(leaf("eq", "title", "ΣΩΚΡΆΤΗΣ"), u))
	assert.Equal(t, triTrue, m.match(leaf("eq", "title", "σωκράτης"), u))
}
