package scim

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/provcheck/provcheck/mockidp"
)

// This file is the model of SCIM-FUZZ-001: what an RFC-correct target must
// hold for the users one generated sequence created, how create, PUT,
// PATCH and DELETE change it, which users a filter selects, and how a
// target's answer is compared with it.
//
// The comparison accepts everything RFC 7643/7644 leave to the server,
// because a correct server must never fail: attributes the model does not
// own (id, meta, groups, server extensions), defaults for attributes the
// model left unassigned where servers commonly fill them (active,
// displayName), any order of multi-valued values, a different case of a
// caseExact=false value, attributes that are not returned by default, and
// null, [] and absence as one (RFC 7643 §2.5). Where the RFC allows two
// readings of a filter, that user may or may not be returned.

// fuzzOwned are the attribute paths the model owns, named as in
// mockidp.UserAttrs plus userName; enterprise attributes carry the
// extension's URN.
var fuzzOwned = []string{"userName", "displayName", "nickName", "title", "name.givenName", "name.familyName",
	"emails", "active", URNEnterprise + ":department", URNEnterprise + ":employeeNumber"}

// fuzzMayDefault are owned attributes a server may fill in when the client
// leaves them unassigned: active (commonly true) and displayName (commonly
// built from the name). The model then takes the server's value.
var fuzzMayDefault = []string{"active", "displayName"}

// fuzzUser is one user of the model.
type fuzzUser struct {
	label   string // u1, u2, … in creation order, for messages
	id      string
	path    string // /Users/<id>
	want    Obj    // the owned attributes an RFC-correct target holds
	seen    Obj    // the last full representation the target returned
	version string // the last meta.version seen
}

// fuzzModel holds the users of one sequence.
type fuzzModel struct {
	disc *Discovery
	live []*fuzzUser
	gone []*fuzzUser // deleted: GET answers 404, no list returns them
	n    int
}

// fuzzClone returns a deep copy of a JSON value with plain map and slice
// types, so models compare with reflect.DeepEqual.
func fuzzClone(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil
	}
	return out
}

// fuzzWant returns the owned attributes of a User body, as the model holds
// them.
func fuzzWant(body map[string]any) Obj {
	w := asObj(fuzzClone(body))
	if w == nil {
		return Obj{}
	}
	delete(w, "schemas")
	return w
}

// add records a created user and returns it.
func (m *fuzzModel) add(id, path string, want, seen Obj) *fuzzUser {
	m.n++
	u := &fuzzUser{label: fmt.Sprintf("u%d", m.n), id: id, path: path, want: want, seen: seen, version: seen.Str("meta", "version")}
	m.live = append(m.live, u)
	return u
}

// remove moves a user to the deleted ones.
func (m *fuzzModel) remove(u *fuzzUser) {
	m.live = slices.DeleteFunc(m.live, func(x *fuzzUser) bool { return x == u })
	m.gone = append(m.gone, u)
}

// holder returns the live user other than except whose userName equals
// name (userName is unique and caseExact=false in RFC 7643 §4.1.1), or nil.
func (m *fuzzModel) holder(name string, except *fuzzUser) *fuzzUser {
	for _, u := range m.live {
		if u != except && fuzzStrEq(m.disc, "userName", u.want.Str("userName"), name) {
			return u
		}
	}
	return nil
}

// freed reports whether name was the userName of a deleted user of the
// sequence. RFC 7644 §3.6 says only that a deleted resource SHOULD NOT count
// in conflict calculation (SCIM-USERS-029 checks that SHOULD), so this
// MUST-level check accepts a 409 for it.
func (m *fuzzModel) freed(name string) bool {
	for _, u := range m.gone {
		if fuzzStrEq(m.disc, "userName", u.want.Str("userName"), name) {
			return true
		}
	}
	return false
}

// byID returns the user (live or deleted) with the id, or nil.
func (m *fuzzModel) byID(id string) *fuzzUser {
	for _, u := range slices.Concat(m.live, m.gone) {
		if u.id == id {
			return u
		}
	}
	return nil
}

// pool returns, per attribute of mockidp.FilterAttrs, the values the live
// users hold, for filters that match some of them.
func (m *fuzzModel) pool() map[string][]string {
	out := map[string][]string{}
	for _, u := range m.live {
		eff := u.effective()
		for _, a := range mockidp.FilterAttrs {
			out[a] = append(out[a], filterValues(eff, a)...)
		}
	}
	return out
}

// effective is what filters see of a user: the model's attributes, plus
// the server's value of an attribute it may default that the model leaves
// unassigned.
func (u *fuzzUser) effective() Obj { return fuzzWithDefaults(u.want, u.seen) }

// fuzzWithDefaults is want plus seen's value of each attribute a server
// may default that want leaves unassigned.
func fuzzWithDefaults(want, seen Obj) Obj {
	eff := Obj{}
	for k, v := range want {
		eff[k] = v
	}
	for _, a := range fuzzMayDefault {
		if !eff.Has(a) && seen.Has(a) {
			eff[a] = seen.Get(a)
		}
	}
	return eff
}

// fuzzAt returns the value at an owned path of a representation.
func fuzzAt(o Obj, path string) any {
	if rest, ok := cutURN(path, URNEnterprise); ok {
		return o.Obj(URNEnterprise).Get(rest)
	}
	return o.Get(strings.Split(path, ".")...)
}

// fuzzReturned reports whether the target returns the attribute by default
// (its schema does not say returned "never" or "request").
func fuzzReturned(d *Discovery, path string) bool {
	var a *Attribute
	if rest, ok := cutURN(path, URNEnterprise); ok {
		a = d.Schema(URNEnterprise).Attr(rest)
	} else {
		a = d.UserSchema().Attr(path)
	}
	return a == nil || !hasString([]string{"never", "request"}, a.Returned)
}

// fuzzWritable reports, for mockidp.UserSpec.Writable, whether the target
// stores an attribute and returns it: its schema (when published) declares
// it readWrite and returned by default.
func fuzzWritable(d *Discovery) func(string) bool {
	return func(attr string) bool {
		s := d.UserSchema()
		if attr == "department" || attr == "employeeNumber" {
			s = d.Schema(URNEnterprise)
		}
		if s == nil {
			return true
		}
		a := s.Attr(attr)
		return a != nil && strings.EqualFold(a.Mutability, "readWrite") && !hasString([]string{"never", "request"}, a.Returned)
	}
}

// fuzzStrEq compares two values of the string attribute at path: exactly
// when the schema says caseExact, otherwise without regard to case under
// either of the common case mappings.
func fuzzStrEq(d *Discovery, path, a, b string) bool {
	if a == b {
		return true
	}
	if caseExactIn(d, path) {
		return false
	}
	return strings.EqualFold(a, b) || strings.ToLower(a) == strings.ToLower(b) || strings.ToUpper(a) == strings.ToUpper(b)
}

// fuzzEmpty reports whether a value is unassigned: absent, null, "", [] or
// {} (RFC 7643 §2.5).
func fuzzEmpty(v any) bool { return patchEmpty(v) || v == "" }

// diff lists how got (a representation the target returned) differs from
// the model's want; empty means it agrees.
func (m *fuzzModel) diff(want, got Obj) []string {
	var out []string
	for _, p := range fuzzOwned {
		if !fuzzReturned(m.disc, p) {
			continue
		}
		w, g := fuzzAt(want, p), fuzzAt(got, p)
		switch {
		case fuzzEmpty(w) && slices.Contains(fuzzMayDefault, p):
		case fuzzEmpty(w):
			if !fuzzEmpty(g) {
				out = append(out, fmt.Sprintf("%s is %s; expected it unassigned", p, compact(g)))
			}
		case p == "emails":
			if why := m.diffEmails(w, g); why != "" {
				out = append(out, why)
			}
		default:
			ws, wok := w.(string)
			gs, gok := g.(string)
			switch {
			case wok && gok && fuzzStrEq(m.disc, p, ws, gs):
			case !wok && reflect.DeepEqual(w, g):
			default:
				out = append(out, fmt.Sprintf("%s is %s; expected %s", p, compact(g), compact(w)))
			}
		}
	}
	return out
}

// diffEmails compares emails as a set of (value, type): order is the
// server's choice, and case is where the schema says caseExact=false. The
// primary flag counts only when the model has a primary email: a server
// may mark one of several emails primary on its own.
func (m *fuzzModel) diffEmails(w, g any) string {
	ws, _ := w.([]any)
	gs, _ := g.([]any)
	primary := func(v any) bool { p, _ := asObj(v).Bool("primary"); return p }
	checkPrimary := slices.ContainsFunc(ws, primary)
	same := func(a, b any) bool {
		x, y := asObj(a), asObj(b)
		return (!checkPrimary || primary(a) == primary(b)) &&
			fuzzStrEq(m.disc, "emails.value", x.Str("value"), y.Str("value")) &&
			fuzzStrEq(m.disc, "emails.type", x.Str("type"), y.Str("type"))
	}
	left := slices.Clone(gs)
	missing := false
	for _, x := range ws {
		i := slices.IndexFunc(left, func(y any) bool { return same(x, y) })
		if i < 0 {
			missing = true
			continue
		}
		left = slices.Delete(left, i, i+1)
	}
	if !missing && len(left) == 0 {
		return ""
	}
	return fmt.Sprintf("emails are %s; expected %s (order aside)", compact(g), compact(w))
}

// fuzzPatched is what the model makes of a PATCH request.
type fuzzPatched struct {
	// want is the user after the operations, the RFC's 2xx outcome.
	want Obj
	// alt, when not nil, is another allowed 2xx outcome: the user as if an
	// add through a value filter that matches nothing had been ignored
	// (RFC 7644 §3.5.2.1 does not say what such an add does).
	alt Obj
	// mayRefuse is set when 400 noTarget is an allowed answer too: an
	// operation targets a value that is not there (a remove of an
	// unassigned attribute, a value filter that matches no email).
	mayRefuse bool
	// why says which operation allows the refusal.
	why string
}

// patch applies PATCH operations (RFC 7644 §3.5.2) to a copy of want.
func (m *fuzzModel) patch(want Obj, ops []mockidp.PatchOp) fuzzPatched {
	res := fuzzPatched{want: fuzzCopy(want)}
	for _, op := range ops {
		if res.alt != nil {
			m.applyOp(res.alt, op)
		}
		before := fuzzCopy(res.want)
		why, ignorable := m.applyOp(res.want, op)
		if why != "" && !res.mayRefuse {
			res.mayRefuse, res.why = true, op.String()+": "+why
		}
		if ignorable && res.alt == nil {
			res.alt = before
		}
	}
	return res
}

// fuzzCopy returns a deep copy of a representation (never nil).
func fuzzCopy(o Obj) Obj {
	if c := asObj(fuzzClone(o)); c != nil {
		return c
	}
	return Obj{}
}

// applyOp applies one PATCH operation to w. A non-empty refusable says why
// the target may refuse it with 400 noTarget; ignorable says a target may
// also leave w unchanged.
func (m *fuzzModel) applyOp(w Obj, op mockidp.PatchOp) (refusable string, ignorable bool) {
	switch {
	case op.Path == "":
		for k, v := range asObj(op.Value) {
			w[k] = v
		}
	case op.Path == mockidp.WorkEmailPath:
		emails, _ := w["emails"].([]any)
		hit := false
		for _, e := range emails {
			if o := asObj(e); o != nil && fuzzStrEq(m.disc, "emails.type", o.Str("type"), "work") {
				o["value"] = op.Value
				hit = true
			}
		}
		if !hit {
			// RFC 7644 §3.5.2.3 wants 400 noTarget for replace; add is not
			// specified. IdPs (Entra) expect the value created, which is
			// the model's reading; an add may also be ignored.
			w["emails"] = append(emails, map[string]any{"type": "work", "value": op.Value})
			return "no email has type work", op.Op == "add"
		}
	case op.Op == "remove":
		empty := fuzzEmpty(fuzzAt(w, op.Path))
		fuzzSet(w, op.Path, nil)
		if empty {
			return "the attribute is unassigned", false
		}
	default:
		fuzzSet(w, op.Path, op.Value)
	}
	return "", false
}

// fuzzSet sets (v != nil) or removes the value at an owned path, dropping
// a complex attribute left empty.
func fuzzSet(w Obj, path string, v any) {
	parent, name := w, path
	holder := ""
	if rest, ok := cutURN(path, URNEnterprise); ok {
		holder, name = URNEnterprise, rest
	} else if a, b, ok := strings.Cut(path, "."); ok {
		holder, name = a, b
	}
	if holder != "" {
		parent = w.Obj(holder)
		if parent == nil {
			if v == nil {
				return
			}
			parent = Obj{}
		}
	}
	if v == nil {
		delete(parent, name)
	} else {
		parent[name] = v
	}
	if holder != "" {
		if len(parent) == 0 {
			delete(w, holder)
		} else {
			w[holder] = map[string]any(parent)
		}
	}
}

// tri is a truth value of a filter on one user: the RFC leaves some cases
// open (ne on an unassigned attribute, ne on several values, case mappings
// of some letters), and such a user may or may not be returned.
type tri int8

const (
	triFalse tri = iota
	triTrue
	triOpen
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// match evaluates a filter on a user with Kleene's three-valued logic.
func (m *fuzzModel) match(f *mockidp.Filter, u *fuzzUser) tri {
	switch f.Op {
	case "and", "or":
		l, r := m.match(f.L, u), m.match(f.R, u)
		stop := triFalse // and: one false decides
		if f.Op == "or" {
			stop = triTrue
		}
		switch {
		case l == stop || r == stop:
			return stop
		case l == triOpen || r == triOpen:
			return triOpen
		}
		return l
	case "not":
		switch v := m.match(f.L, u); v {
		case triOpen:
			return v
		case triTrue:
			return triFalse
		}
		return triTrue
	}
	eff := u.effective()
	if f.Attr == "active" {
		b, ok := eff.Bool("active")
		switch {
		case f.Op == "pr":
			return triOf(ok)
		case !ok:
			return triOpen // unassigned: a server may treat it as its default
		case f.Op == "eq":
			return triOf(b == f.Value)
		}
		return triOf(b != f.Value)
	}
	vals := filterValues(eff, f.Attr)
	if f.Op == "pr" {
		return triOf(len(vals) > 0)
	}
	want, _ := f.Value.(string)
	if len(vals) == 0 {
		if f.Op == "ne" {
			return triOpen
		}
		return triFalse
	}
	ce := caseExactIn(m.disc, f.Attr)
	results := map[tri]bool{}
	for _, fold := range []func(string) string{strings.ToLower, strings.ToUpper} {
		anyHit, allHit := false, true
		for _, x := range vals {
			hit := filterStrOp(f.Op, x, want, true)
			if !ce {
				hit = filterStrOp(f.Op, fold(x), fold(want), true)
			}
			anyHit = anyHit || hit
			allHit = allHit && hit
		}
		switch {
		case f.Op != "ne" || anyHit == allHit:
			results[triOf(anyHit)] = true
		default:
			results[triOpen] = true // "some value differs" or "every value differs"
		}
	}
	if len(results) == 1 {
		for r := range results {
			return r
		}
	}
	return triOpen
}
