package scim

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of the /ResourceTypes and /Schemas endpoints: RFC 7643 §6 and §7,
// RFC 7644 §4.
var schemaChecks = []suites.Check{
	{
		ID: "SCIM-DISC-005", Title: "GET /ResourceTypes returns a ListResponse whose types have name, endpoint and schema",
		Spec:  "RFC 7644 §4; RFC 7643 §6",
		Rule:  `"/ResourceTypes": An HTTP GET to this endpoint is used to discover the types of resources available on a SCIM service provider. [...] Unlike other core resources, all attributes are REQUIRED unless otherwise specified.`,
		Level: suites.Must, Kind: suites.Example, Labels: []string{"area:discovery", "tier:core"}, Covers: []string{"S5"},
		Run: func(t *suites.T) {
			list := readList(t, "/ResourceTypes")
			if len(list) == 0 {
				t.Fatalf("/ResourceTypes lists no resource type; expected at least User or Group")
			}
			for i, rt := range list {
				for _, f := range []string{"name", "endpoint", "schema"} {
					if rt.Str(f) == "" {
						t.Errorf("Resources[%d].%s is missing or empty: %s", i, f, compact(rt))
					}
				}
				for j, ext := range rt.Objs("schemaExtensions") {
					if ext.Str("schema") == "" {
						t.Errorf("Resources[%d].schemaExtensions[%d].schema is missing: %s", i, j, compact(ext))
					}
					if _, ok := ext.Bool("required"); !ok {
						t.Errorf("Resources[%d].schemaExtensions[%d].required is %s; expected a boolean (REQUIRED)", i, j, compact(ext.Get("required")))
					}
				}
			}
		},
	},
	{
		ID: "SCIM-DISC-006", Title: "GET /ResourceTypes/{name} returns each listed resource type",
		Spec:  "RFC 7644 §4",
		Rule:  `The "/ResourceTypes" endpoint ... Resource types ... can be retrieved individually: an HTTP GET to "/ResourceTypes/{name}" (for example, "/ResourceTypes/User") returns that resource type.`,
		Level: suites.Must, Kind: suites.Example, Labels: []string{"area:discovery", "tier:core"}, Covers: []string{"S6"},
		Run: func(t *suites.T) {
			for _, rt := range readList(t, "/ResourceTypes") {
				name := rt.Str("name")
				if name == "" {
					continue
				}
				id := rt.Str("id")
				if id == "" {
					id = name
				}
				r := get(t, "/ResourceTypes/"+url.PathEscape(id), nil)
				if r.Status != 200 && id != name {
					r = get(t, "/ResourceTypes/"+url.PathEscape(name), nil)
				}
				if !wantStatus(t, r, 200) {
					continue
				}
				if got := object(t, r).Str("name"); got != name {
					t.Errorf("%s with name %q; expected the resource type %q", line(r), got, name)
				}
			}
		},
	},
	{
		ID: "SCIM-DISC-007", Title: "Every schema a resource type names resolves at /Schemas/{uri}",
		Spec:  "RFC 7643 §6; RFC 7644 §4",
		Rule:  `schema: The resource type's primary/base schema URI, e.g., "urn:ietf:params:scim:schemas:core:2.0:User". This MUST be equal to the "id" attribute of the associated "Schema" resource.`,
		Level: suites.Must, Kind: suites.Example, Labels: []string{"area:discovery", "tier:core"}, Covers: []string{"S7"},
		Run: func(t *suites.T) {
			for _, rt := range readList(t, "/ResourceTypes") {
				urns := []string{rt.Str("schema")}
				for _, ext := range rt.Objs("schemaExtensions") {
					urns = append(urns, ext.Str("schema"))
				}
				for _, urn := range urns {
					if urn == "" {
						continue
					}
					r := get(t, schemaPath(urn), nil)
					if !wantStatus(t, r, 200) {
						t.Errorf("resource type %q names schema %s, which /Schemas/%s does not return", rt.Str("name"), urn, urn)
						continue
					}
					if got := object(t, r).Str("id"); !strings.EqualFold(got, urn) {
						t.Errorf("%s with id %q; expected the schema %s", line(r), got, urn)
					}
				}
			}
		},
	},
	{
		ID: "SCIM-DISC-008", Title: "GET /Schemas lists every schema in use, each with id, name and attributes",
		Spec:  "RFC 7644 §4; RFC 7643 §7",
		Rule:  `"/Schemas": An HTTP GET to this endpoint is used to retrieve information about resource schemas supported by a SCIM service provider. [...] id: The unique URI of the schema. REQUIRED. name ... attributes: A complex attribute that includes the attributes of a schema.`,
		Level: suites.Must, Kind: suites.Example, Labels: []string{"area:discovery", "tier:core"}, Covers: []string{"S8"},
		Run: func(t *suites.T) {
			listed := map[string]bool{}
			for i, s := range readList(t, "/Schemas") {
				if s.Str("id") == "" {
					t.Errorf("Resources[%d] has no id: %s", i, compact(s))
				}
				if _, ok := s.Get("attributes").([]any); !ok {
					t.Errorf("schema %q: \"attributes\" is %s; expected an array", s.Str("id"), compact(s.Get("attributes")))
				}
				listed[strings.ToLower(s.Str("id"))] = true
			}
			for _, rt := range readList(t, "/ResourceTypes") {
				urns := []string{rt.Str("schema")}
				for _, ext := range rt.Objs("schemaExtensions") {
					urns = append(urns, ext.Str("schema"))
				}
				for _, urn := range urns {
					if urn != "" && !listed[strings.ToLower(urn)] {
						t.Errorf("schema %s is used by resource type %q but not listed at /Schemas", urn, rt.Str("name"))
					}
				}
			}
		},
	},
	{
		ID: "SCIM-DISC-009", Title: "GET /Schemas/{uri} returns each listed schema",
		Spec:  "RFC 7644 §4",
		Rule:  `An HTTP GET to "/Schemas/{id}" ... retrieves a single schema, e.g., "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User".`,
		Level: suites.Must, Kind: suites.Example, Labels: []string{"area:discovery", "tier:core"}, Covers: []string{"S9"},
		Run: func(t *suites.T) {
			for _, s := range readList(t, "/Schemas") {
				id := s.Str("id")
				if id == "" {
					continue
				}
				r := get(t, schemaPath(id), nil)
				if wantStatus(t, r, 200) {
					if got := object(t, r).Str("id"); !strings.EqualFold(got, id) {
						t.Errorf("%s with id %q; expected %q", line(r), got, id)
					}
				}
			}
		},
	},
	{
		ID: "SCIM-DISC-010", Title: "Unknown schema and resource type answer 404 with a SCIM error",
		Spec:  "RFC 7644 §3.12",
		Rule:  `404 (Not Found): Specified resource (e.g., User) or endpoint does not exist. [...] Service providers SHOULD return an error response in the JSON format.`,
		Level: suites.Should, Kind: suites.Negative, Labels: []string{"area:discovery", "tier:extended"}, Covers: []string{"S10"},
		Run: func(t *suites.T) {
			for _, p := range []string{
				schemaPath("urn:provcheck:missing:" + randomMissingID(t)),
				"/ResourceTypes/" + randomMissingID(t),
			} {
				r := get(t, p, nil)
				if !wantStatus(t, r, 404) {
					continue
				}
				for _, prob := range scimErrorProblems(r) {
					t.Errorf("%s: %s", line(r), prob)
				}
			}
		},
	},
	{
		ID: "SCIM-DISC-011", Title: "Schema attribute definitions carry type, multiValued, required, mutability, returned, uniqueness and caseExact",
		Spec:  "RFC 7643 §7",
		Rule:  `attributes: A complex type that defines service provider attributes and their qualities via the following set of sub-attributes: name, type, subAttributes, multiValued, description, required, canonicalValues, caseExact, mutability, returned, uniqueness, referenceTypes.`,
		Level: suites.Must, Kind: suites.Example, Labels: []string{"area:discovery", "tier:core"}, Covers: []string{"S11"},
		Run: func(t *suites.T) {
			for _, s := range readList(t, "/Schemas") {
				checkAttrDefs(t, s.Str("id"), s.Objs("attributes"), 0, false)
			}
		},
	},
	{
		ID: "SCIM-DISC-016", Title: "Schema attribute definitions are complete: every characteristic explicit, subAttributes for complex types",
		Spec:  "RFC 7643 §7",
		Rule:  `When an attribute is of type "complex", there SHOULD be a corresponding schema attribute "subAttributes" defined, listing the sub-attributes of the attribute. [mutability and returned are expected to be stated, and caseExact and uniqueness on string, reference and binary attributes (where RFC 7643 §8.7 states them), so clients need not guess the defaults.]`,
		Level: suites.Should, Kind: suites.Example, Labels: []string{"area:discovery", "tier:extended"}, Covers: []string{"S11"},
		Run: func(t *suites.T) {
			for _, s := range readList(t, "/Schemas") {
				checkAttrDefs(t, s.Str("id"), s.Objs("attributes"), 0, true)
			}
		},
	},
	{
		ID: "SCIM-DISC-012", Title: "Sorting and paging parameters on discovery endpoints are ignored; a filter is ignored or refused with 403",
		Spec:  "RFC 7644 §4",
		Rule:  `Query parameters described in Section 3.4.2, such as filtering, sorting, and pagination, SHALL be ignored. If a "filter" is provided, the service provider SHOULD respond with HTTP status code 403 (Forbidden) to ensure that clients cannot incorrectly assume that any matching conditions specified in a filter are true.`,
		Level: suites.Must, Kind: suites.Example, Labels: []string{"area:discovery", "tier:extended"}, Covers: []string{"S12"},
		Run: func(t *suites.T) {
			paging := url.Values{"startIndex": {"1000"}, "count": {"1"}, "sortBy": {"name"}, "sortOrder": {"descending"}}
			filter := url.Values{"filter": {`name eq "provcheck-no-such-name"`}}
			for _, p := range []string{"/ResourceTypes", "/Schemas"} {
				plain := readList(t, p)
				r := get(t, p, paging)
				if wantStatus(t, r, 200) {
					if got := object(t, r).Objs("Resources"); len(got) != len(plain) {
						t.Errorf("%s?%s lists %d resources, without the parameters %d; expected sorting and paging to be ignored", p, paging.Encode(), len(got), len(plain))
					}
				}
				r = get(t, p, filter)
				switch r.Status {
				case 403:
					// The answer the RFC recommends.
				case 200:
					if got := object(t, r).Objs("Resources"); len(got) != len(plain) {
						t.Errorf("%s?%s lists %d resources, without it %d; expected the filter to be ignored (or 403)", p, filter.Encode(), len(got), len(plain))
					}
				default:
					t.Errorf("%s; expected the filter ignored (200 with the full list) or refused with 403%s", line(r), bodyHint(r))
				}
			}
			// RFC 7644 §4 says this of the lists of /ResourceTypes and
			// /Schemas only; for /ServiceProviderConfig it is noted, not judged.
			r := get(t, "/ServiceProviderConfig", paging)
			switch {
			case r.Status != 200:
				t.Logf("%s with sorting and paging parameters (RFC 7644 §4 asks to ignore them only on the lists)", line(r))
			case !hasString(object(t, r).Strs("schemas"), URNSPC):
				t.Errorf("%s with paging parameters did not return the ServiceProviderConfig", line(r))
			}
		},
	},
	{
		ID: "SCIM-DISC-013", Title: "API message schemas are not listed at /Schemas",
		Spec:  "RFC 7644 §3.1",
		Rule:  `[The API message schemas, urn:ietf:params:scim:api:messages:2.0:*] ... are not discoverable resource schemas: they SHALL NOT be returned by the "/Schemas" endpoint.`,
		Level: suites.Must, Kind: suites.Example, Labels: []string{"area:discovery", "tier:extended"}, Covers: []string{"S13"},
		Run: func(t *suites.T) {
			for _, s := range readList(t, "/Schemas") {
				if id := s.Str("id"); isMessageURN(id) || strings.HasPrefix(strings.ToLower(id), "urn:ietf:params:scim:api:messages:") {
					t.Errorf("/Schemas lists the API message schema %s", id)
				}
			}
		},
	},
	{
		ID: "SCIM-DISC-014", Title: "Discovery endpoints are read-only: writes are refused",
		Spec:  "RFC 7643 §5, §6 (READ-ONLY); RFC 7644 §3.12",
		Rule:  `Resource type resources are READ-ONLY. [derived: a write to /ServiceProviderConfig, /ResourceTypes or /Schemas must not succeed; 404, 405 or 501 (or 400/403) are all acceptable refusals.]`,
		Level: suites.Should, Kind: suites.Negative, Labels: []string{"area:discovery", "tier:extended"}, Covers: []string{"S14"},
		Run: func(t *suites.T) {
			// Both writes are harmless even on a server that accepts them:
			// the ServiceProviderConfig is written back unchanged, and an
			// empty schema defines nothing.
			spc := readSPC(t)
			for _, req := range []target.Request{
				{Method: "PUT", Path: "/ServiceProviderConfig", Body: spc, AllowUnowned: true},
				{Method: "POST", Path: "/Schemas", Body: Obj{}},
			} {
				r := do(t, req)
				if r.Status < 300 {
					t.Errorf("%s; expected the read-only endpoint to refuse the write (405 or 501)", line(r))
				} else if r.Status >= 500 && r.Status != 501 {
					t.Errorf("%s; a write to a read-only endpoint should be refused with 405 or 501, not a server error", line(r))
				}
			}
		},
	},
	{
		ID: "SCIM-DISC-015", Title: "A required schema extension is enforced when a resource is created",
		Spec:  "RFC 7643 §6",
		Rule:  `required: A Boolean value that specifies whether or not the schema extension is required for the resource type. If true, a resource of this type MUST include this schema extension and also include any attributes declared as required in this schema extension.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:discovery", "tier:extended"}, Covers: []string{"S15"},
		Run: func(t *suites.T) {
			e := Session(t)
			rt := e.Disc.ResourceType(URNUser)
			var req string
			if rt != nil {
				for _, ext := range rt.Extensions {
					if ext.Required {
						req = ext.Schema
					}
				}
			}
			if req == "" {
				t.Skipf("not applicable: the User resource type declares no required schema extension")
			}
			body := newUser(t)
			r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: body})
			if r.Status == 201 {
				t.Errorf("%s for a user without the required extension %s; expected 400", line(r), req)
				return
			}
			wantStatus(t, r, 400)
		},
	},
	{
		ID: "SCIM-DISC-017", Title: "Only complex attributes have sub-attributes, and sub-attributes are never complex",
		Spec:  "RFC 7643 §1.2, §2.3.8",
		Rule:  `Simple Attribute: A simple attribute MUST NOT contain sub-attributes. [...] A complex attribute MUST NOT contain sub-attributes that have sub-attributes (i.e., that are complex).`,
		Level: suites.Must, Kind: suites.Example, Labels: []string{"area:discovery", "tier:extended"}, Covers: []string{"S11"},
		Run: func(t *suites.T) {
			for _, raw := range readList(t, "/Schemas") {
				s := parseSchema(raw)
				if hasString([]string{URNSchema, URNResType, URNSPC}, s.ID) {
					// RFC 7643 §8.7.2 itself nests subAttributes in the
					// schema of schemas: the rule is for resource schemas.
					continue
				}
				for _, a := range s.Attributes {
					if a.Type != "complex" && len(a.SubAttributes) > 0 {
						t.Errorf("schema %s: attribute %q has type %q but declares %d sub-attributes; only a complex attribute has them",
							s.ID, a.Name, a.Type, len(a.SubAttributes))
					}
					for _, sub := range a.SubAttributes {
						if sub.Type == "complex" || len(sub.SubAttributes) > 0 {
							t.Errorf("schema %s: sub-attribute %s.%s is complex (type %q, %d sub-attributes); sub-attributes must be simple",
								s.ID, a.Name, sub.Name, sub.Type, len(sub.SubAttributes))
						}
					}
				}
			}
		},
	},
	{
		ID: "SCIM-DISC-018", Title: "Resource type endpoints are the pluralised resource names (/Users, /Groups)",
		Spec:  "RFC 7644 §3.2",
		Rule:  `Service providers that support extended resources SHOULD define resource endpoints using the convention of pluralizing the resource type name defined in the "schema" attribute.`,
		Level: suites.Should, Kind: suites.Example, Labels: []string{"area:discovery", "tier:extended"}, Covers: []string{"S5"},
		Run: func(t *suites.T) {
			for _, rt := range readList(t, "/ResourceTypes") {
				name, ep := rt.Str("name"), strings.Trim(rt.Str("endpoint"), "/")
				if name == "" || ep == "" {
					continue // SCIM-DISC-005 judges missing fields
				}
				last := ep[strings.LastIndex(ep, "/")+1:]
				if !discPlural(name, last) {
					t.Errorf("resource type %q has endpoint /%s; expected the plural of its name, such as /%ss", name, ep, name)
				}
			}
		},
	},
}

// readList GETs a ListResponse and returns its Resources, stopping the check
// when the answer is not one.
func readList(t *suites.T, path string) []Obj {
	r := get(t, path, nil)
	if r.Status != 200 {
		t.Fatalf("%s; expected 200 with a ListResponse%s", line(r), bodyHint(r))
	}
	o := object(t, r)
	if !hasString(o.Strs("schemas"), URNList) {
		t.Errorf("%s: \"schemas\" is %s; expected %s", path, compact(o.Get("schemas")), URNList)
	}
	if _, ok := o.Get("Resources").([]any); !ok && !isInteger(o.Get("totalResults")) {
		t.Fatalf("%s: not a ListResponse (no Resources array, no totalResults): %s", path, compact(o))
	}
	return o.Objs("Resources")
}

// attrName is ATTRNAME of RFC 7643 §2.1: ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA.
// "$ref" is the one reserved exception (RFC 7643 §2.1).
var attrName = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_-]*|\$ref)$`)

var attrTypes = []string{"string", "boolean", "decimal", "integer", "datetime", "binary", "reference", "complex"}

// checkAttrDefs reports attribute definitions that break RFC 7643 §7. With
// strict, characteristics that have a DEFAULT (§2.2) must still be explicit and
// complex attributes must list subAttributes (a SHOULD); without it only the
// characteristics that have no default, and the validity of those present, count.
func checkAttrDefs(t *suites.T, schema string, attrs []Obj, depth int, strict bool) {
	for _, a := range attrs {
		name := a.Str("name")
		where := fmt.Sprintf("schema %s attribute %q", schema, name)
		if !strict {
			if !attrName.MatchString(name) {
				t.Errorf("%s: the name does not match ATTRNAME", where)
			}
			if typ := a.Str("type"); !hasString(attrTypes, typ) {
				t.Errorf("%s: type %s is not one of %s", where, compact(a.Get("type")), strings.Join(attrTypes, ", "))
			}
			for _, f := range []string{"multiValued", "required"} {
				if _, ok := a.Bool(f); !ok {
					t.Errorf("%s: %s is %s; expected a boolean", where, f, compact(a.Get(f)))
				}
			}
		}
		for _, f := range []string{"caseExact"} {
			if _, ok := a.Bool(f); !ok && ((strict && stringy(a)) || a.Get(f) != nil) {
				t.Errorf("%s: %s is %s; expected a boolean", where, f, compact(a.Get(f)))
			}
		}
		checkEnum(t, where, a, strict, "mutability", "readOnly", "readWrite", "immutable", "writeOnly")
		checkEnum(t, where, a, strict, "returned", "always", "never", "default", "request")
		// Uniqueness is expected stated only where RFC 7643 §8.7 states it:
		// on string-like attributes. Its own definitions leave it out of
		// booleans ("active", "primary"), where the default none applies.
		if !strings.EqualFold(a.Str("type"), "complex") {
			checkEnum(t, where, a, strict && stringy(a), "uniqueness", "none", "server", "global")
		}
		if strings.EqualFold(a.Str("type"), "complex") && depth == 0 {
			subs := a.Objs("subAttributes")
			if len(subs) == 0 && strict {
				t.Errorf("%s: complex attribute without subAttributes", where)
			}
			checkAttrDefs(t, schema+" "+name, subs, depth+1, strict)
		}
	}
}

// stringy reports whether an attribute definition is of a string-like type,
// the ones for which RFC 7643 §8.7 states caseExact and uniqueness.
func stringy(a Obj) bool {
	return hasString([]string{"string", "reference", "binary"}, a.Str("type"))
}

func checkEnum(t *suites.T, where string, a Obj, strict bool, field string, allowed ...string) {
	v, ok := a.Get(field).(string)
	if !ok && !strict && a.Get(field) == nil {
		return // absent: the DEFAULT of RFC 7643 §2.2 applies
	}
	if !ok {
		t.Errorf("%s: %s is %s; expected one of %s", where, field, compact(a.Get(field)), strings.Join(allowed, ", "))
		return
	}
	if !hasString(allowed, v) {
		t.Errorf("%s: %s %q is not one of %s", where, field, v, strings.Join(allowed, ", "))
	}
}

// discPlural reports whether endpoint is a plural of name by the common
// English rules (User → Users, Policy → Policies, Address → Addresses) or
// an irregular one (Person → People), ignoring case.
func discPlural(name, endpoint string) bool {
	n, e := strings.ToLower(name), strings.ToLower(endpoint)
	if e == n+"s" || e == n+"es" || discIrregular[n] == e {
		return true
	}
	return strings.HasSuffix(n, "y") && e == strings.TrimSuffix(n, "y")+"ies"
}

// discIrregular are English plurals the rules above miss, so a correct
// endpoint such as /People is not reported.
var discIrregular = map[string]string{"person": "people", "child": "children", "man": "men", "woman": "women"}
