package reftarget

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"
)

// PATCH (RFC 7644 §3.5.2). Operations are applied in order to a copy of the
// resource, which replaces the stored one only when every operation
// succeeded and the result is valid, so a request is atomic.

// patchOp is one parsed PATCH operation.
type patchOp struct {
	op       string // add, remove, replace
	path     string
	value    any
	hasValue bool
}

// patchPath is a parsed PATCH path: attrPath, or valuePath [subAttr].
type patchPath struct {
	ref    attrRef
	filter pred           // value selection filter; nil when absent
	sub    *attribute     // sub-attribute after a value filter
	eqs    map[string]any // "sub eq value" terms of the filter, to build a new value for add
}

// parsePatchRequest validates the PatchOp message.
func (s *Server) parsePatchRequest(body map[string]any) ([]patchOp, *scimError) {
	if !hasSchema(body, uriPatchOp) {
		return nil, badRequest(scimInvalidSyntax, "schemas must contain %s", uriPatchOp)
	}
	raw, _ := field(body, "Operations")
	arr, ok := raw.([]any)
	if !ok || len(arr) == 0 {
		return nil, badRequest(scimInvalidSyntax, "Operations must be a non-empty array of PATCH operations")
	}
	ops := make([]patchOp, 0, len(arr))
	for i, e := range arr {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, badRequest(scimInvalidSyntax, "operation %d is not a JSON object", i+1)
		}
		if err := checkDuplicateKeys(m); err != nil {
			return nil, err
		}
		var op patchOp
		opv, _ := field(m, "op")
		name, _ := opv.(string)
		op.op = strings.ToLower(strings.TrimSpace(name))
		if s.has(FaultPatchOpCaseSensitive) {
			op.op = strings.TrimSpace(name)
		}
		if op.op != "add" && op.op != "remove" && op.op != "replace" {
			return nil, badRequest(scimInvalidSyntax, "operation %d: op must be add, remove or replace, got %v", i+1, opv)
		}
		if pv, ok := field(m, "path"); ok && pv != nil {
			p, ok := pv.(string)
			if !ok {
				return nil, badRequest(scimInvalidPath, "operation %d: path must be a string", i+1)
			}
			op.path = strings.TrimSpace(p)
			if s.has(FaultRobustPatchPath500) && strings.Count(op.path, "[") != strings.Count(op.path, "]") {
				return nil, errorf(http.StatusInternalServerError, "", "internal error: index out of range parsing path %q", op.path)
			}
		}
		op.value, op.hasValue = field(m, "value")
		if op.op != "remove" && !op.hasValue && !s.has(FaultPatchAddNoValue) {
			return nil, badRequest(scimInvalidValue, "operation %d: %s needs a value", i+1, op.op)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// patchResource implements PATCH.
func (s *Server) patchResource(rt *resourceType, id string, body map[string]any, ifMatch, base string, opt opOptions) (*outcome, *scimError) {
	ops, err := s.parsePatchRequest(body)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.lookup(rt, id)
	if r == nil {
		return nil, notFound("%s %s not found", rt.Name, id)
	}
	if err := s.checkIfMatchWrite(r, ifMatch); err != nil {
		return nil, err
	}
	data := copyMap(r.data)
	if s.has(FaultRacePatchLostUpdate) {
		s.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		s.mu.Lock()
	}
	p := &patcher{s: s, rt: rt, id: r.id, n: normalizer{s: s, rt: rt, lenient: true}}
	for i, op := range ops {
		if err := p.apply(data, op); err != nil {
			err.detail = fmt.Sprintf("operation %d (%s %s): %s", i+1, op.op, op.path, err.detail)
			if s.has(FaultPatchNotAtomic) {
				s.commit(r, data) // keep what the operations before this one did
			}
			return nil, err
		}
	}
	if !(rt == rtGroup && s.has(FaultGroupDuplicateMember)) {
		dedupeValues(rt, data)
	}
	if rt == rtGroup && s.has(FaultMemberReaddDropped) {
		s.dropReadded(r.id, r.data, data)
	}
	pruneEmpty(rt, data)
	if err := checkRequired(rt, data, nil); err != nil {
		return nil, err
	}
	if r.replaced {
		r.replaced = false
		if !patchSets(ops, "title") {
			delete(data, "title")
		}
	}
	return s.finishUpdate(r, data, opt, base)
}

// patchSets reports whether an operation adds or replaces the attribute
// name, by path or as a key of a value without a path.
func patchSets(ops []patchOp, name string) bool {
	for _, op := range ops {
		if op.op == "remove" {
			continue
		}
		if strings.EqualFold(op.path, name) {
			return true
		}
		if m, ok := op.value.(map[string]any); ok && op.path == "" {
			for k := range m {
				if strings.EqualFold(k, name) {
					return true
				}
			}
		}
	}
	return false
}

// pruneEmpty drops empty arrays, objects and extension objects.
func pruneEmpty(rt *resourceType, data map[string]any) {
	for k, v := range data {
		switch t := v.(type) {
		case []any:
			if len(t) == 0 {
				delete(data, k)
			}
		case map[string]any:
			if rt.extension(k) != nil {
				pruneEmpty(rt, t)
			}
			if len(t) == 0 {
				delete(data, k)
			}
		case nil:
			delete(data, k)
		}
	}
}

type patcher struct {
	s  *Server
	rt *resourceType
	id string
	n  normalizer
}

func (p *patcher) apply(data map[string]any, op patchOp) *scimError {
	if op.path == "" {
		if op.op == "remove" {
			if p.s.has(FaultPatchRemoveNoPath) {
				return nil
			}
			return badRequest(scimNoTarget, "remove needs a path")
		}
		return p.applyObject(data, op.op, op.value)
	}
	pp, err := p.parsePath(op.path)
	if err != nil {
		return err
	}
	if pp.ref.ext == nil && pp.ref.attr == commonAttr("schemas") {
		return p.patchSchemas(data, op, pp)
	}
	if op.op == "remove" {
		return p.remove(data, pp, op.value)
	}
	return p.set(data, op.op, pp, op.value)
}

// applyObject applies add or replace without a path: every member of the
// value object is an attribute (or an attribute path) to add or replace.
func (p *patcher) applyObject(data map[string]any, op string, value any) *scimError {
	obj, ok := value.(map[string]any)
	if !ok {
		return badRequest(scimInvalidValue, "without a path, the value must be a JSON object of attributes")
	}
	if err := checkDuplicateKeys(obj); err != nil {
		return err
	}
	for _, k := range sortedKeys(obj) {
		v := obj[k]
		if strings.EqualFold(k, "schemas") {
			continue
		}
		if ext := p.rt.extension(k); ext != nil {
			if v == nil {
				if op == "replace" {
					delete(data, ext.ID)
				}
				continue
			}
			em, ok := v.(map[string]any)
			if !ok {
				return badRequest(scimInvalidValue, "%s must be a JSON object", ext.ID)
			}
			if err := checkDuplicateKeys(em); err != nil {
				return err
			}
			for _, ek := range sortedKeys(em) {
				a := ext.attr(ek)
				if a == nil {
					continue
				}
				if err := p.set(data, op, &patchPath{ref: attrRef{ext: ext, attr: a}}, em[ek]); err != nil {
					return err
				}
			}
			continue
		}
		if p.s.has(FaultPathKeysIgnored) && strings.ContainsAny(k, ".[:") {
			continue
		}
		if strings.ContainsRune(k, '[') {
			// A value-filtered path as a key, as Entra sends it:
			// {"emails[type eq \"work\"].value": "…"}.
			if err := p.apply(data, patchOp{op: op, path: k, value: v}); err != nil {
				return err
			}
			continue
		}
		ref, err := p.rt.resolve(k)
		if err != nil || ref.attr == nil {
			continue // unknown attributes are ignored, as in POST and PUT
		}
		if ref.attr.Name == "id" && ref.ext == nil {
			if v == p.id && !p.s.has(FaultRestatedIDRejected) {
				continue // restating the id is not a modification
			}
			return badRequest(scimMutability, "attribute \"id\" is readOnly")
		}
		if err := p.set(data, op, &patchPath{ref: ref}, v); err != nil {
			return err
		}
	}
	return nil
}

// parsePath parses a PATCH path: attrPath / valuePath [subAttr].
func (p *patcher) parsePath(path string) (*patchPath, *scimError) {
	open := strings.IndexByte(path, '[')
	if open < 0 {
		ref, err := p.rt.resolve(path)
		if err != nil {
			return nil, badRequest(scimInvalidPath, "invalid path %q: %v", path, err)
		}
		return &patchPath{ref: ref}, nil
	}
	end := closingBracket(path, open)
	if end < 0 {
		return nil, badRequest(scimInvalidPath, "invalid path %q: unbalanced '['", path)
	}
	ref, err := p.rt.resolve(strings.TrimSpace(path[:open]))
	if err != nil {
		return nil, badRequest(scimInvalidPath, "invalid path %q: %v", path, err)
	}
	if ref.attr == nil || ref.sub != nil || !ref.attr.MultiValued {
		return nil, badRequest(scimInvalidPath, "invalid path %q: a value filter needs a multi-valued attribute", path)
	}
	node, serr := parseFilterDepth(path[open+1:end], true)
	if serr != nil {
		return nil, serr
	}
	f, serr := p.s.compile(node, p.rt, ref.attr)
	if serr != nil {
		return nil, serr
	}
	if p.s.has(FaultPatchFilterIgnored) {
		f = func(any) bool { return true }
	}
	pp := &patchPath{ref: ref, filter: f, eqs: equalities(node, ref.attr)}
	if rest := strings.TrimSpace(path[end+1:]); rest != "" {
		if rest[0] != '.' || ref.attr.Type != typeComplex {
			return nil, badRequest(scimInvalidPath, "invalid path %q", path)
		}
		pp.sub = ref.attr.sub(rest[1:])
		if pp.sub == nil {
			return nil, badRequest(scimInvalidPath, "invalid path %q: unknown sub-attribute %q", path, rest[1:])
		}
	}
	return pp, nil
}

// equalities collects the "sub eq value" terms of an and-only filter; nil if
// the filter has another shape.
func equalities(n fnode, parent *attribute) map[string]any {
	out := map[string]any{}
	var walk func(fnode) bool
	walk = func(n fnode) bool {
		switch t := n.(type) {
		case *fAnd:
			return walk(t.l) && walk(t.r)
		case *fAttr:
			if t.op != "eq" || t.val == nil {
				return false
			}
			sub := parent.sub(t.path)
			if sub == nil {
				return false
			}
			switch t.val.(type) {
			case string, bool:
				out[sub.Name] = t.val
				return true
			}
		}
		return false
	}
	if parent.Type != typeComplex || !walk(n) {
		return nil
	}
	return out
}

func (pp *patchPath) name() string {
	s := pp.ref.String()
	if pp.sub != nil {
		s += "." + pp.sub.Name
	}
	return s
}

// writable rejects operations on readOnly attributes; with
// FaultPatchReadOnlyAccepted it has them skipped instead, as if they were
// applied.
func (p *patcher) writable(pp *patchPath) (skip bool, err *scimError) {
	err = checkWritable(pp)
	if err != nil && p.s.has(FaultPatchReadOnlyAccepted) {
		return true, nil
	}
	return false, err
}

// checkWritable rejects operations on readOnly attributes.
func checkWritable(pp *patchPath) *scimError {
	for _, a := range []*attribute{pp.ref.attr, pp.ref.sub, pp.sub} {
		if a != nil && a.Mutability == mutReadOnly {
			return badRequest(scimMutability, "attribute %q is readOnly", pp.name())
		}
	}
	return nil
}

// container returns the map holding the attribute: the resource itself or
// an extension object (created when create is set).
func container(data map[string]any, ext *schema, create bool) map[string]any {
	if ext == nil {
		return data
	}
	m, ok := data[ext.ID].(map[string]any)
	if !ok {
		if !create {
			return nil
		}
		m = map[string]any{}
		data[ext.ID] = m
	}
	return m
}

func elements(v any) []any {
	arr, _ := v.([]any)
	return arr
}

func setOrDelete(m map[string]any, key string, v any) {
	switch t := v.(type) {
	case nil:
		delete(m, key)
		return
	case []any:
		if len(t) == 0 {
			delete(m, key)
			return
		}
	case map[string]any:
		if len(t) == 0 {
			delete(m, key)
			return
		}
	}
	m[key] = v
}

func immutableChange(a *attribute, old, new any) *scimError {
	if a.Mutability == mutImmutable && old != nil && !reflect.DeepEqual(old, new) {
		return badRequest(scimMutability, "attribute %q is immutable", a.Name)
	}
	return nil
}

// unsetPrimary sets primary=false on every value except those in keep.
func (p *patcher) unsetPrimary(arr []any, keep map[int]bool) {
	if p.s.has(FaultPatchPrimaryNotUnique) {
		return
	}
	for i, e := range arr {
		if m, ok := e.(map[string]any); ok && !keep[i] && m["primary"] == true {
			m["primary"] = false
		}
	}
}

func isPrimary(v any) bool {
	m, ok := v.(map[string]any)
	return ok && m["primary"] == true
}

// set applies add or replace at a path.
func (p *patcher) set(data map[string]any, op string, pp *patchPath, value any) *scimError {
	if value == nil {
		if op == "replace" {
			return p.remove(data, pp, nil)
		}
		if p.s.has(FaultPatchAddNoValue) {
			return nil
		}
		return badRequest(scimInvalidValue, "add needs a non-null value")
	}
	if skip, err := p.writable(pp); skip || err != nil {
		return err
	}
	if pp.ref.attr == nil { // a whole extension
		em, ok := value.(map[string]any)
		if !ok {
			return badRequest(scimInvalidValue, "%s must be a JSON object", pp.ref.ext.ID)
		}
		for _, k := range sortedKeys(em) {
			if a := pp.ref.ext.attr(k); a != nil {
				if err := p.set(data, op, &patchPath{ref: attrRef{ext: pp.ref.ext, attr: a}}, em[k]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	a := pp.ref.attr
	c := container(data, pp.ref.ext, true)
	name := pp.name()
	switch {
	case pp.filter != nil:
		return p.setFiltered(c, op, pp, value)
	case pp.ref.sub != nil:
		sub := pp.ref.sub
		sv, err := p.n.value(sub, value, name)
		if err != nil {
			return err
		}
		if a.MultiValued {
			arr := elements(c[a.Name])
			if len(arr) == 0 {
				setOrDelete(c, a.Name, []any{map[string]any{sub.Name: sv}})
				return nil
			}
			if sub.Name == "primary" && sv == true && len(arr) > 1 {
				return badRequest(scimInvalidValue, "cannot make every value of %q primary", a.Name)
			}
			for _, e := range arr {
				if m, ok := e.(map[string]any); ok {
					if err := immutableChange(sub, m[sub.Name], sv); err != nil {
						return err
					}
					setOrDelete(m, sub.Name, sv)
				}
			}
			return nil
		}
		m, _ := c[a.Name].(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		if err := immutableChange(sub, m[sub.Name], sv); err != nil {
			return err
		}
		setOrDelete(m, sub.Name, sv)
		setOrDelete(c, a.Name, m)
		return nil
	case a.MultiValued:
		if _, ok := value.([]any); !ok {
			value = []any{value}
		}
		nv, err := p.n.value(a, value, name)
		if err != nil {
			return err
		}
		added := elements(nv)
		if op == "add" && p.groupFault(FaultGroupAddFirstMemberOnly, a) && len(added) > 1 {
			added = added[:1]
		}
		if op == "replace" && !p.s.has(FaultPatchReplaceAppends) {
			setOrDelete(c, a.Name, added)
			return nil
		}
		arr := elements(c[a.Name])
		for _, e := range added {
			if isPrimary(e) {
				p.unsetPrimary(arr, nil)
			}
			if i := indexOfValue(a, arr, e); i >= 0 && !p.groupFault(FaultGroupDuplicateMember, a) {
				// already there: a no-op, or an update of its other
				// sub-attributes (display, primary)
				em, ok1 := arr[i].(map[string]any)
				nm, ok2 := e.(map[string]any)
				if ok1 && ok2 {
					for k, v := range nm {
						em[k] = v
					}
				}
				continue
			}
			arr = append(arr, e)
		}
		setOrDelete(c, a.Name, arr)
		return nil
	case a.Type == typeComplex:
		nv, err := p.n.value(a, value, name)
		if err != nil {
			return err
		}
		m, _ := c[a.Name].(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		nm, _ := nv.(map[string]any)
		for k, v := range nm {
			if sub := a.sub(k); sub != nil {
				if err := immutableChange(sub, m[k], v); err != nil {
					return err
				}
			}
			m[k] = v
		}
		setOrDelete(c, a.Name, m)
		return nil
	default:
		nv, err := p.n.value(a, value, name)
		if err != nil {
			return err
		}
		if err := immutableChange(a, c[a.Name], nv); err != nil {
			return err
		}
		setOrDelete(c, a.Name, nv)
		return nil
	}
}

// indexOfValue returns the index of the value in arr that v denotes, or -1:
// values of complex attributes with a "value" sub-attribute are the same when
// their (type, value) pairs are (members: their value), others when equal.
func indexOfValue(a *attribute, arr []any, v any) int {
	vm, isMap := v.(map[string]any)
	byKey := isMap && a.Type == typeComplex && a.sub("value") != nil
	for i, e := range arr {
		if em, ok := e.(map[string]any); ok && byKey {
			if valueKey(a, em) == valueKey(a, vm) {
				return i
			}
			continue
		}
		if reflect.DeepEqual(e, v) {
			return i
		}
	}
	return -1
}

// setFiltered applies add or replace to the values a value filter selects.
func (p *patcher) setFiltered(c map[string]any, op string, pp *patchPath, value any) *scimError {
	a := pp.ref.attr
	name := pp.name()
	arr := elements(c[a.Name])
	matched := map[int]bool{}
	for i, e := range arr {
		if pp.filter(e) {
			matched[i] = true
		}
	}
	if pp.sub != nil {
		sv, err := p.n.value(pp.sub, value, name)
		if err != nil {
			return err
		}
		if len(matched) == 0 {
			if op != "add" || pp.eqs == nil {
				return badRequest(scimNoTarget, "the filter in %q matches no value", name)
			}
			// add to a value that does not exist yet: create it from the
			// filter's equality terms (Entra adds emails[type eq "work"].value
			// this way).
			elem := copyMap(pp.eqs)
			elem[pp.sub.Name] = sv
			return p.appendNew(c, a, arr, elem, name)
		}
		if pp.sub.Name == "primary" && sv == true && len(matched) > 1 {
			return badRequest(scimInvalidValue, "the filter in %q selects more than one value to make primary", name)
		}
		for i := range matched {
			m, ok := arr[i].(map[string]any)
			if !ok {
				continue
			}
			if err := immutableChange(pp.sub, m[pp.sub.Name], sv); err != nil {
				return err
			}
			setOrDelete(m, pp.sub.Name, sv)
		}
		if pp.sub.Name == "primary" && sv == true {
			p.unsetPrimary(arr, matched)
		}
		setOrDelete(c, a.Name, arr)
		return nil
	}
	nv, err := p.n.single(a, value, name)
	if err != nil {
		return err
	}
	if len(matched) == 0 {
		if op != "add" || pp.eqs == nil {
			return badRequest(scimNoTarget, "the filter in %q matches no value", name)
		}
		elem := copyMap(pp.eqs)
		if m, ok := nv.(map[string]any); ok {
			for k, v := range m {
				elem[k] = v
			}
		}
		return p.appendNew(c, a, arr, elem, name)
	}
	if isPrimary(nv) && len(matched) > 1 {
		return badRequest(scimInvalidValue, "the filter in %q selects more than one value to make primary", name)
	}
	for i := range matched {
		if op == "replace" {
			arr[i] = deepCopy(nv)
			continue
		}
		m, ok := arr[i].(map[string]any)
		nm, ok2 := nv.(map[string]any)
		if !ok || !ok2 {
			arr[i] = deepCopy(nv)
			continue
		}
		for k, v := range nm {
			m[k] = deepCopy(v)
		}
	}
	if isPrimary(nv) {
		p.unsetPrimary(arr, matched)
	}
	setOrDelete(c, a.Name, arr)
	return nil
}

// appendNew validates a new value of a multi-valued attribute and appends it.
func (p *patcher) appendNew(c map[string]any, a *attribute, arr []any, elem map[string]any, name string) *scimError {
	nv, err := p.n.single(a, elem, name)
	if err != nil {
		return err
	}
	if nv == nil {
		return nil
	}
	if isPrimary(nv) {
		p.unsetPrimary(arr, nil)
	}
	setOrDelete(c, a.Name, append(arr, nv))
	return nil
}

// remove applies a remove operation.
func (p *patcher) remove(data map[string]any, pp *patchPath, value any) *scimError {
	if skip, err := p.writable(pp); skip || err != nil {
		return err
	}
	if pp.ref.attr == nil {
		delete(data, pp.ref.ext.ID)
		return nil
	}
	a := pp.ref.attr
	if pp.filter == nil && pp.ref.sub == nil && a.Required {
		return badRequest(scimMutability, "required attribute %q cannot be removed", pp.name())
	}
	c := container(data, pp.ref.ext, false)
	if c == nil {
		return nil
	}
	switch {
	case pp.filter != nil && pp.sub == nil && p.groupFault(FaultGroupRemoveFilterAll, a):
		delete(c, a.Name)
	case pp.filter != nil:
		arr := elements(c[a.Name])
		var kept []any
		for _, e := range arr {
			if !pp.filter(e) {
				kept = append(kept, e)
				continue
			}
			if pp.sub == nil {
				continue
			}
			if m, ok := e.(map[string]any); ok {
				if err := immutableChange(pp.sub, m[pp.sub.Name], nil); err != nil {
					return err
				}
				delete(m, pp.sub.Name)
				if len(m) == 0 {
					continue
				}
			}
			kept = append(kept, e)
		}
		setOrDelete(c, a.Name, kept)
	case pp.ref.sub != nil:
		sub := pp.ref.sub
		if a.MultiValued {
			var kept []any
			for _, e := range elements(c[a.Name]) {
				if m, ok := e.(map[string]any); ok {
					if err := immutableChange(sub, m[sub.Name], nil); err != nil {
						return err
					}
					delete(m, sub.Name)
					if len(m) == 0 {
						continue
					}
				}
				kept = append(kept, e)
			}
			setOrDelete(c, a.Name, kept)
			return nil
		}
		if m, ok := c[a.Name].(map[string]any); ok {
			if err := immutableChange(sub, m[sub.Name], nil); err != nil {
				return err
			}
			delete(m, sub.Name)
			setOrDelete(c, a.Name, m)
		}
	case a.MultiValued && value != nil && !p.s.has(FaultRemoveValueListAll):
		// Entra: {"op":"remove","path":"members","value":[{"value":"id"}]}
		// removes only the listed values.
		items, ok := value.([]any)
		if !ok {
			items = []any{value}
		}
		var kept []any
		for _, e := range elements(c[a.Name]) {
			if !matchesAny(a, e, items) {
				kept = append(kept, e)
			}
		}
		setOrDelete(c, a.Name, kept)
	default:
		delete(c, a.Name)
	}
	return nil
}

// matchesAny reports whether the stored value e is one of the items of a
// remove operation's value: same "value" sub-attribute when the item has
// one, else the same (given) sub-attributes, else equal.
func matchesAny(a *attribute, e any, items []any) bool {
	em, _ := e.(map[string]any)
	for _, it := range items {
		im, ok := it.(map[string]any)
		if !ok {
			if reflect.DeepEqual(e, it) {
				return true
			}
			continue
		}
		if em == nil {
			continue
		}
		if iv, ok := field(im, "value"); ok && iv != nil {
			if equalValue(a.sub("value"), em["value"], iv) {
				return true
			}
			continue
		}
		all := len(im) > 0
		for k, v := range im {
			sub := a.sub(k)
			if v == nil {
				continue
			}
			if sub == nil || !equalValue(sub, em[sub.Name], v) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func equalValue(def *attribute, stored, given any) bool {
	ss, ok1 := stored.(string)
	gs, ok2 := given.(string)
	if ok1 && ok2 && def != nil && !def.CaseExact {
		return strings.EqualFold(ss, gs)
	}
	return reflect.DeepEqual(stored, given)
}

// patchSchemas applies an operation on the "schemas" attribute (RFC 7644
// §3.5.2): the core schema cannot be removed; removing an extension URN
// removes the extension's attributes; adding one changes nothing until an
// extension attribute is set, as "schemas" lists the extensions a resource
// has data for.
func (p *patcher) patchSchemas(data map[string]any, op patchOp, pp *patchPath) *scimError {
	if pp.sub != nil {
		return badRequest(scimInvalidPath, "\"schemas\" has no sub-attributes")
	}
	current := []any{p.rt.Schema.ID}
	for _, ext := range p.rt.Extensions {
		if _, ok := data[ext.ID]; ok {
			current = append(current, ext.ID)
		}
	}
	keep := map[string]bool{}
	switch op.op {
	case "add":
		if _, err := schemaURNs(op.value); err != nil {
			return err
		}
		return nil
	case "replace":
		if pp.filter != nil {
			return badRequest(scimInvalidPath, "replace schemas as a whole, not through a filter")
		}
		urns, err := schemaURNs(op.value)
		if err != nil {
			return err
		}
		for _, u := range urns {
			keep[strings.ToLower(u)] = true
		}
	case "remove":
		for _, u := range current {
			keep[strings.ToLower(u.(string))] = pp.filter != nil && !pp.filter(u)
		}
	}
	if !keep[strings.ToLower(p.rt.Schema.ID)] {
		return badRequest(scimMutability, "the core schema %s cannot be removed from \"schemas\"", p.rt.Schema.ID)
	}
	for _, ext := range p.rt.Extensions {
		if !keep[strings.ToLower(ext.ID)] {
			delete(data, ext.ID)
		}
	}
	return nil
}

func schemaURNs(v any) ([]string, *scimError) {
	arr, ok := v.([]any)
	if !ok {
		arr = []any{v}
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			return nil, badRequest(scimInvalidValue, "schemas values must be URI strings")
		}
		out = append(out, s)
	}
	return out, nil
}

// groupFault reports whether fault f is on and a is Group.members.
func (p *patcher) groupFault(f Fault, a *attribute) bool {
	return p.rt == rtGroup && a.Name == "members" && p.s.has(f)
}
