package reftarget

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// resource is one stored User or Group.
type resource struct {
	rt *resourceType
	id string
	// data holds the stored attributes: core attributes and externalId under
	// their canonical names, extension attributes in a map under the
	// extension URN. It never holds id, meta, schemas or computed attributes.
	data     map[string]any
	created  time.Time
	modified time.Time
	version  uint64
	seq      uint64
	// replaced is set by a PUT and cleared by the next PATCH
	// (FaultPatchAfterPutClears).
	replaced bool
}

// normalizer turns request JSON into stored form, validating it against the
// schema: attribute names are matched case-insensitively and stored under
// their canonical names, unknown and readOnly attributes are dropped, values of
// the wrong JSON type are rejected.
type normalizer struct {
	s  *Server
	rt *resourceType
	// lenient accepts the strings "True"/"False" for booleans and a bare value
	// for a complex attribute with a "value" sub-attribute (Entra's PATCH
	// dialect).
	lenient bool
}

// object normalizes a whole resource body (POST, PUT).
func (n *normalizer) object(body map[string]any) (map[string]any, *scimError) {
	if err := checkDuplicateKeys(body); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, k := range sortedKeys(body) {
		v := body[k]
		switch {
		case strings.EqualFold(k, "schemas"):
			if err := checkSchemasValue(v); err != nil {
				return nil, err
			}
			continue
		case strings.EqualFold(k, "id"), strings.EqualFold(k, "meta"):
			continue
		}
		if ext := n.rt.extension(k); ext != nil {
			if n.s.has(FaultExtensionDropped) && ext.ID == uriEnterprise {
				continue
			}
			val, err := n.extension(ext, v)
			if err != nil {
				return nil, err
			}
			if val != nil {
				out[ext.ID] = val
			}
			continue
		}
		a := n.rt.Schema.attr(k)
		if a == nil && strings.EqualFold(k, "externalId") {
			a = commonAttr("externalId")
		}
		if a == nil || a.Mutability == mutReadOnly {
			continue // unknown attributes and readOnly values are ignored
		}
		val, err := n.value(a, v, a.Name)
		if err != nil {
			return nil, err
		}
		if val != nil {
			out[a.Name] = val
		}
	}
	return out, nil
}

// extension normalizes the object held under an extension URN.
func (n *normalizer) extension(ext *schema, v any) (any, *scimError) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		if n.s.has(FaultWrongTypeAccepted) {
			return v, nil
		}
		return nil, badRequest(scimInvalidValue, "%s must be a JSON object", ext.ID)
	}
	if err := checkDuplicateKeys(m); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, k := range sortedKeys(m) {
		a := ext.attr(k)
		if a == nil || a.Mutability == mutReadOnly {
			continue
		}
		val, err := n.value(a, m[k], ext.ID+":"+a.Name)
		if err != nil {
			return nil, err
		}
		if val != nil {
			out[a.Name] = val
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// value normalizes the value of attribute a. A nil result means unassigned.
func (n *normalizer) value(a *attribute, v any, name string) (any, *scimError) {
	if v == nil {
		return nil, nil
	}
	if !a.MultiValued {
		return n.single(a, v, name)
	}
	arr, ok := v.([]any)
	if !ok {
		if n.s.has(FaultWrongTypeAccepted) {
			return v, nil
		}
		return nil, badRequest(scimInvalidValue, "attribute %q is multi-valued and must be a JSON array", name)
	}
	out := make([]any, 0, len(arr))
	primaries := 0
	for _, e := range arr {
		if e == nil {
			continue
		}
		ev, err := n.single(a, e, name)
		if err != nil {
			return nil, err
		}
		if ev == nil {
			continue
		}
		if m, ok := ev.(map[string]any); ok && m["primary"] == true {
			primaries++
		}
		out = append(out, ev)
	}
	if primaries > 1 {
		return nil, badRequest(scimInvalidValue, "attribute %q has more than one primary value", name)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// single normalizes one (non-array) value of attribute a.
func (n *normalizer) single(a *attribute, v any, name string) (any, *scimError) {
	if v == nil {
		return nil, nil
	}
	wrong := func(what string) (any, *scimError) {
		if n.s.has(FaultWrongTypeAccepted) {
			return v, nil
		}
		return nil, badRequest(scimInvalidValue, "attribute %q must be %s, got %s", name, what, jsonKind(v))
	}
	switch a.Type {
	case typeComplex:
		m, ok := v.(map[string]any)
		if !ok {
			if n.lenient && a.sub("value") != nil && !isContainer(v) {
				m = map[string]any{"value": v}
			} else {
				return wrong("a JSON object")
			}
		}
		if err := checkDuplicateKeys(m); err != nil {
			return nil, err
		}
		out := map[string]any{}
		for _, k := range sortedKeys(m) {
			sub := a.sub(k)
			if sub == nil || sub.Mutability == mutReadOnly {
				continue
			}
			sv, err := n.value(sub, m[k], name+"."+sub.Name)
			if err != nil {
				return nil, err
			}
			if sv != nil {
				out[sub.Name] = sv
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	case typeString, typeReference:
		s, ok := v.(string)
		if !ok {
			return wrong("a string")
		}
		return n.str(s), nil
	case typeBinary:
		s, ok := v.(string)
		if !ok {
			return wrong("a base64 string")
		}
		if !isBase64(s) {
			return wrong("base64-encoded binary")
		}
		return s, nil
	case typeBoolean:
		switch b := v.(type) {
		case bool:
			return b, nil
		case string:
			if n.lenient {
				switch strings.ToLower(strings.TrimSpace(b)) {
				case "true":
					return true, nil
				case "false":
					return false, nil
				}
			}
		}
		return wrong("a boolean")
	case typeInteger:
		num, ok := v.(json.Number)
		if !ok {
			return wrong("an integer")
		}
		if _, err := num.Int64(); err != nil {
			return wrong("an integer")
		}
		return num, nil
	case typeDecimal:
		num, ok := v.(json.Number)
		if !ok {
			return wrong("a number")
		}
		if _, err := num.Float64(); err != nil {
			return wrong("a number")
		}
		return num, nil
	case typeDateTime:
		s, ok := v.(string)
		if !ok {
			return wrong("a dateTime string")
		}
		if _, err := parseDateTime(s); err != nil {
			return wrong("an xsd:dateTime")
		}
		return s, nil
	}
	return v, nil
}

// str applies FaultNonASCIIMangled to a stored string.
func (n *normalizer) str(s string) string {
	if !n.s.has(FaultNonASCIIMangled) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r > 127 {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

func isBase64(s string) bool {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' {
			return -1
		}
		return r
	}, s)
	if _, err := base64.StdEncoding.DecodeString(s); err == nil {
		return true
	}
	_, err := base64.RawStdEncoding.DecodeString(s)
	return err == nil
}

// parseDateTime parses an xsd:dateTime with a time zone (RFC 3339).
func parseDateTime(s string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, s)
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number, float64, int:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// checkDuplicateKeys rejects objects that name one attribute twice in
// different case ("userName" and "username"): which one wins would be
// arbitrary.
func checkDuplicateKeys(m map[string]any) *scimError {
	if len(m) < 2 {
		return nil
	}
	seen := make(map[string]string, len(m))
	for k := range m {
		l := strings.ToLower(k)
		if other, ok := seen[l]; ok {
			return badRequest(scimInvalidSyntax, "attribute given twice: %q and %q", other, k)
		}
		seen[l] = k
	}
	return nil
}

func checkSchemasValue(v any) *scimError {
	arr, ok := v.([]any)
	if !ok {
		return badRequest(scimInvalidValue, "schemas must be an array of URI strings")
	}
	for _, e := range arr {
		if _, ok := e.(string); !ok {
			return badRequest(scimInvalidValue, "schemas must be an array of URI strings")
		}
	}
	return nil
}

// hasSchema reports whether a request body's schemas array contains urn.
func hasSchema(body map[string]any, urn string) bool {
	for k, v := range body {
		if !strings.EqualFold(k, "schemas") {
			continue
		}
		arr, _ := v.([]any)
		for _, e := range arr {
			if s, ok := e.(string); ok && strings.EqualFold(s, urn) {
				return true
			}
		}
	}
	return false
}

// field returns body[name] matched case-insensitively.
func field(body map[string]any, name string) (any, bool) {
	if v, ok := body[name]; ok {
		return v, true
	}
	for k, v := range body {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// deepCopy copies a JSON value.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, e := range t {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}

func copyMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return deepCopy(m).(map[string]any)
}

// dedupeValues collapses values of multi-valued complex attributes that have
// the same (type, value) pair: RFC 7643 §2.4 says a server SHOULD NOT return
// a pair twice. The first value is kept, with the sub-attributes of the later
// ones merged in (so a later primary=true wins).
func dedupeValues(rt *resourceType, data map[string]any) {
	dedupe := func(attrs []*attribute, m map[string]any) {
		for _, a := range attrs {
			arr, ok := m[a.Name].([]any)
			if !ok || !a.MultiValued || a.Type != typeComplex || a.sub("value") == nil {
				continue
			}
			var out []any
			index := map[string]map[string]any{}
			for _, e := range arr {
				em, ok := e.(map[string]any)
				if !ok {
					out = append(out, e)
					continue
				}
				k := valueKey(a, em)
				if first, dup := index[k]; dup {
					for sk, sv := range em {
						first[sk] = sv
					}
					continue
				}
				index[k] = em
				out = append(out, em)
			}
			m[a.Name] = out
		}
	}
	dedupe(rt.Schema.Attributes, data)
	for _, ext := range rt.Extensions {
		if em, ok := data[ext.ID].(map[string]any); ok {
			dedupe(ext.Attributes, em)
		}
	}
}

// valueKey identifies a value of a multi-valued attribute by its type and
// value (members by value alone), folding case where the schema says so.
func valueKey(a *attribute, m map[string]any) string {
	fold := func(sub string, v any) string {
		s := fmt.Sprint(v)
		if d := a.sub(sub); d != nil && !d.CaseExact {
			s = strings.ToLower(s)
		}
		return s
	}
	if a.Name == "members" {
		return fold("value", m["value"])
	}
	return fold("type", m["type"]) + "\x00" + fold("value", m["value"])
}

// checkRequired checks the required attributes of the core schema.
func checkRequired(rt *resourceType, data map[string]any, skip func(*attribute) bool) *scimError {
	for _, a := range rt.Schema.Attributes {
		if !a.Required || a.Mutability == mutReadOnly || (skip != nil && skip(a)) {
			continue
		}
		v, ok := data[a.Name]
		if !ok || v == nil {
			return badRequest(scimInvalidValue, "required attribute %q is missing", a.Name)
		}
		if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
			return badRequest(scimInvalidValue, "required attribute %q is empty", a.Name)
		}
	}
	return nil
}

// formatTime renders a meta timestamp.
func (s *Server) formatTime(t time.Time) string {
	if s.has(FaultBadDateTime) {
		return t.UTC().Format("2006-01-02 15:04:05")
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

func (r *resource) etag() string { return fmt.Sprintf("W/\"%d\"", r.version) }

func (r *resource) location(base string) string { return base + r.rt.Endpoint + "/" + r.id }

// view renders the full representation of r (every attribute that may be
// returned, before projection). The caller holds s.mu.
func (s *Server) view(r *resource, base string) map[string]any {
	return s.viewWith(r, base, nil)
}

// viewWith is view with the groups (in creation order) given, so a list
// computes them once. The caller holds s.mu.
func (s *Server) viewWith(r *resource, base string, groups []*resource) map[string]any {
	v := copyMap(r.data)
	for _, a := range r.rt.Schema.Attributes {
		if a.Returned == retNever && !s.has(FaultPasswordReturned) {
			delete(v, a.Name)
		}
	}
	schemas := []any{r.rt.Schema.ID}
	for _, ext := range r.rt.Extensions {
		if _, ok := v[ext.ID]; ok {
			schemas = append(schemas, ext.ID)
		}
	}
	if s.has(FaultSchemasDuplicated) {
		schemas = append(schemas, r.rt.Schema.ID)
	}
	v["schemas"] = schemas
	v["id"] = r.id
	if r.rt == rtUser && s.has(FaultExternalIDInvented) && v["externalId"] == nil {
		v["externalId"] = r.id
	}
	switch r.rt {
	case rtUser:
		if groups == nil {
			groups = s.all(rtGroup)
		}
		if memberships := groupsOf(r.id, base, groups); len(memberships) > 0 {
			v["groups"] = memberships
		}
	case rtGroup:
		if members, ok := v["members"].([]any); ok {
			for _, m := range members {
				if mm, ok := m.(map[string]any); ok {
					if id, ok := mm["value"].(string); ok {
						endpoint := rtUser.Endpoint
						if mm["type"] == resourceTypeGroup || s.has(FaultGroupMemberRefWrong) {
							endpoint = rtGroup.Endpoint
						}
						mm["$ref"] = base + endpoint + "/" + id
					}
				}
			}
		}
	}
	v["meta"] = map[string]any{
		"resourceType": r.rt.Name,
		"created":      s.formatTime(r.created),
		"lastModified": s.formatTime(r.modified),
		"location":     r.location(base),
		"version":      r.etag(),
	}
	return v
}

// groupsOf computes User.groups: the direct memberships of a user. The
// caller holds s.mu.
func groupsOf(userID, base string, groups []*resource) []any {
	var out []any
	for _, g := range groups {
		members, _ := g.data["members"].([]any)
		for _, m := range members {
			mm, _ := m.(map[string]any)
			if mm["value"] == userID {
				e := map[string]any{
					"value": g.id,
					"$ref":  g.location(base),
					"type":  "direct",
				}
				if dn, ok := g.data["displayName"].(string); ok {
					e["display"] = dn
				}
				out = append(out, e)
				break
			}
		}
	}
	return out
}

// validUTF8 reports whether b is valid UTF-8.
func validUTF8(b []byte) bool { return utf8.Valid(b) }
