package reftarget

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Schema and message URNs (RFC 7643 §8, RFC 7644 §3, §8.2).
const (
	uriUser           = "urn:ietf:params:scim:schemas:core:2.0:User"
	uriGroup          = "urn:ietf:params:scim:schemas:core:2.0:Group"
	uriEnterprise     = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	uriSPC            = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	uriResourceType   = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	uriSchema         = "urn:ietf:params:scim:schemas:core:2.0:Schema"
	uriListResponse   = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	uriPatchOp        = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	uriSearchRequest  = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
	uriBulkRequest    = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
	uriBulkResponse   = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
	uriError          = "urn:ietf:params:scim:api:messages:2.0:Error"
	bulkIDPrefix      = "bulkId:"
	mutReadOnly       = "readOnly"
	mutReadWrite      = "readWrite"
	mutImmutable      = "immutable"
	mutWriteOnly      = "writeOnly"
	retAlways         = "always"
	retNever          = "never"
	retDefault        = "default"
	typeString        = "string"
	typeBoolean       = "boolean"
	typeDecimal       = "decimal"
	typeInteger       = "integer"
	typeDateTime      = "dateTime"
	typeReference     = "reference"
	typeBinary        = "binary"
	typeComplex       = "complex"
	uniquenessServer  = "server"
	uniquenessNone    = "none"
	resourceTypeUser  = "User"
	resourceTypeGroup = "Group"
)

// attribute is one schema attribute definition (RFC 7643 §7).
type attribute struct {
	Name            string       `json:"name"`
	Type            string       `json:"type"`
	MultiValued     bool         `json:"multiValued"`
	Description     string       `json:"description"`
	Required        bool         `json:"required"`
	CanonicalValues []string     `json:"canonicalValues,omitempty"`
	CaseExact       bool         `json:"caseExact"`
	Mutability      string       `json:"mutability"`
	Returned        string       `json:"returned"`
	Uniqueness      string       `json:"uniqueness"`
	ReferenceTypes  []string     `json:"referenceTypes,omitempty"`
	SubAttributes   []*attribute `json:"subAttributes,omitempty"`
}

// sub returns the sub-attribute called name (case-insensitive), or nil.
func (a *attribute) sub(name string) *attribute { return findAttr(a.SubAttributes, name) }

// findAttr returns the attribute of list called name (case-insensitive), or nil.
func findAttr(list []*attribute, name string) *attribute {
	for _, a := range list {
		if strings.EqualFold(a.Name, name) {
			return a
		}
	}
	return nil
}

// schema is one resource schema (RFC 7643 §7).
type schema struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Attributes  []*attribute `json:"attributes"`
}

// attr returns the attribute called name (case-insensitive), or nil.
func (sc *schema) attr(name string) *attribute { return findAttr(sc.Attributes, name) }

// resourceType is a SCIM resource type (RFC 7643 §6).
type resourceType struct {
	Name        string
	Endpoint    string // "/Users"
	Description string
	Schema      *schema
	Extensions  []*schema
}

// extension returns the extension schema with the given URN, or nil.
func (rt *resourceType) extension(urn string) *schema {
	for _, e := range rt.Extensions {
		if strings.EqualFold(e.ID, urn) {
			return e
		}
	}
	return nil
}

// The RFC 7643 §8.7.1 schema definitions, extracted from the RFC text. Missing
// characteristics were filled in with their RFC 7643 §7 defaults; the Group
// schema marks displayName required (§4.1) and lists the members "display"
// sub-attribute (§2.4).
//
//go:embed schemas.json
var schemasJSON []byte

var (
	schemaUser, schemaGroup, schemaEnterprise *schema
	rtUser, rtGroup                           *resourceType
	resourceTypes                             []*resourceType
	// commonAttrs are the attributes every resource has (RFC 7643 §3.1) plus
	// "schemas"; they are not published in any schema.
	commonAttrs []*attribute
	attrMeta    *attribute
)

func init() {
	var all []*schema
	if err := json.Unmarshal(schemasJSON, &all); err != nil {
		panic(fmt.Sprintf("reftarget: bad embedded schemas: %v", err))
	}
	for _, sc := range all {
		switch sc.ID {
		case uriUser:
			schemaUser = sc
		case uriGroup:
			schemaGroup = sc
		case uriEnterprise:
			schemaEnterprise = sc
		}
	}
	if schemaUser == nil || schemaGroup == nil || schemaEnterprise == nil {
		panic("reftarget: embedded schemas incomplete")
	}
	rtUser = &resourceType{Name: resourceTypeUser, Endpoint: "/Users", Description: "User Account",
		Schema: schemaUser, Extensions: []*schema{schemaEnterprise}}
	rtGroup = &resourceType{Name: resourceTypeGroup, Endpoint: "/Groups", Description: "Group",
		Schema: schemaGroup}
	resourceTypes = []*resourceType{rtUser, rtGroup}

	str := func(name string, caseExact bool, typ string) *attribute {
		return &attribute{Name: name, Type: typ, CaseExact: caseExact, Mutability: mutReadOnly,
			Returned: retDefault, Uniqueness: uniquenessNone}
	}
	attrMeta = &attribute{Name: "meta", Type: typeComplex, Mutability: mutReadOnly, Returned: retDefault,
		Uniqueness: uniquenessNone, SubAttributes: []*attribute{
			str("resourceType", true, typeString),
			str("created", false, typeDateTime),
			str("lastModified", false, typeDateTime),
			str("location", true, typeReference),
			str("version", true, typeString),
		}}
	commonAttrs = []*attribute{
		{Name: "id", Type: typeString, CaseExact: true, Mutability: mutReadOnly, Returned: retAlways, Uniqueness: uniquenessServer},
		{Name: "externalId", Type: typeString, CaseExact: true, Mutability: mutReadWrite, Returned: retDefault, Uniqueness: uniquenessNone},
		attrMeta,
		{Name: "schemas", Type: typeReference, MultiValued: true, Mutability: mutReadOnly, Returned: retAlways, Uniqueness: uniquenessNone},
	}
}

// commonAttr returns the common attribute called name, or nil.
func commonAttr(name string) *attribute {
	for _, a := range commonAttrs {
		if strings.EqualFold(a.Name, name) {
			return a
		}
	}
	return nil
}

// attrRef is a resolved attribute path.
type attrRef struct {
	ext  *schema    // extension holding the attribute; nil for core and common attributes
	attr *attribute // nil when the path names a whole extension
	sub  *attribute // the sub-attribute, if the path names one
}

// key is the attribute's key in a resource representation.
func (r attrRef) key() string { return r.attr.Name }

// String renders the reference in standard attribute notation.
func (r attrRef) String() string {
	s := ""
	if r.ext != nil {
		s = r.ext.ID
		if r.attr != nil {
			s += ":"
		}
	}
	if r.attr != nil {
		s += r.attr.Name
	}
	if r.sub != nil {
		s += "." + r.sub.Name
	}
	return s
}

// target returns the definition the path ends at.
func (r attrRef) target() *attribute {
	if r.sub != nil {
		return r.sub
	}
	return r.attr
}

var attrNameRE = regexp.MustCompile(`^\$?[A-Za-z][A-Za-z0-9_-]*$`)

// pathError says why an attribute path could not be resolved.
type pathError struct {
	syntax bool // malformed, as opposed to naming an unknown attribute
	msg    string
}

func (e *pathError) Error() string { return e.msg }

// resolve resolves an attribute path in standard attribute notation (RFC 7644
// §3.10: [URN ":"] name ["." subName], all facets case-insensitive) against
// the resource type. An unqualified name that is not a core or common
// attribute is looked up in the extensions too.
func (rt *resourceType) resolve(path string) (attrRef, error) {
	path = strings.TrimSpace(path)
	if path == "" {
		return attrRef{}, &pathError{syntax: true, msg: "empty attribute path"}
	}
	if len(path) > 4 && strings.EqualFold(path[:4], "urn:") {
		schemas := append([]*schema{rt.Schema}, rt.Extensions...)
		for _, sc := range schemas {
			if strings.EqualFold(path, sc.ID) {
				if sc == rt.Schema {
					return attrRef{}, &pathError{msg: fmt.Sprintf("attribute path %q names a core schema, not an attribute", path)}
				}
				return attrRef{ext: sc}, nil
			}
			if len(path) > len(sc.ID)+1 && strings.EqualFold(path[:len(sc.ID)], sc.ID) && path[len(sc.ID)] == ':' {
				return rt.resolveIn(sc, path[len(sc.ID)+1:], path)
			}
		}
		return attrRef{}, &pathError{msg: fmt.Sprintf("unknown schema in attribute path %q", path)}
	}
	return rt.resolveIn(nil, path, path)
}

func (rt *resourceType) resolveIn(sc *schema, rest, full string) (attrRef, error) {
	parts := strings.Split(rest, ".")
	if len(parts) > 2 {
		return attrRef{}, &pathError{syntax: true, msg: fmt.Sprintf("malformed attribute path %q", full)}
	}
	for _, p := range parts {
		if !attrNameRE.MatchString(p) {
			return attrRef{}, &pathError{syntax: true, msg: fmt.Sprintf("malformed attribute path %q", full)}
		}
	}
	var ref attrRef
	switch {
	case sc == nil || sc == rt.Schema:
		if a := rt.Schema.attr(parts[0]); a != nil {
			ref.attr = a
		} else if a := commonAttr(parts[0]); a != nil {
			ref.attr = a
		} else if sc == nil {
			for _, e := range rt.Extensions {
				if a := e.attr(parts[0]); a != nil {
					ref = attrRef{ext: e, attr: a}
					break
				}
			}
		}
	default:
		if a := sc.attr(parts[0]); a != nil {
			ref = attrRef{ext: sc, attr: a}
		}
	}
	if ref.attr == nil {
		return attrRef{}, &pathError{msg: fmt.Sprintf("unknown attribute %q", full)}
	}
	if len(parts) == 2 {
		ref.sub = ref.attr.sub(parts[1])
		if ref.sub == nil {
			return attrRef{}, &pathError{msg: fmt.Sprintf("unknown attribute %q", full)}
		}
	}
	return ref, nil
}
