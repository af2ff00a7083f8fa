package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Attribute is one attribute definition of a schema (RFC 7643 §7).
type Attribute struct {
	Name          string
	Type          string
	MultiValued   bool
	Required      bool
	CaseExact     bool
	Mutability    string
	Returned      string
	Uniqueness    string
	SubAttributes []Attribute
}

// Schema is one schema the target publishes at /Schemas.
type Schema struct {
	ID         string
	Name       string
	Attributes []Attribute
	Raw        Obj
}

// Attr finds an attribute by name, ignoring case; a dotted name reaches a
// sub-attribute ("name.givenName").
func (s *Schema) Attr(name string) *Attribute {
	if s == nil {
		return nil
	}
	first, rest, _ := strings.Cut(name, ".")
	for i := range s.Attributes {
		a := &s.Attributes[i]
		if !strings.EqualFold(a.Name, first) {
			continue
		}
		if rest == "" {
			return a
		}
		for j := range a.SubAttributes {
			if strings.EqualFold(a.SubAttributes[j].Name, rest) {
				return &a.SubAttributes[j]
			}
		}
		return nil
	}
	return nil
}

// SchemaExtension is one entry of ResourceType.schemaExtensions.
type SchemaExtension struct {
	Schema   string
	Required bool
}

// ResourceType is one resource type the target publishes at /ResourceTypes.
type ResourceType struct {
	ID         string
	Name       string
	Endpoint   string
	Schema     string
	Extensions []SchemaExtension
}

// Discovery is what the target says about itself: its ServiceProviderConfig,
// resource types and schemas, and what went wrong reading them.
type Discovery struct {
	// NotSCIM is set when /ServiceProviderConfig answered 200 with a body
	// that is not JSON: the base URL most likely points at a web page, not
	// at a SCIM service.
	NotSCIM       string
	SPC           Obj
	ResourceTypes []ResourceType
	Schemas       map[string]*Schema
	// Errors holds, per endpoint ("ServiceProviderConfig", "ResourceTypes",
	// "Schemas"), why it could not be read.
	Errors map[string]string
}

// Discover reads /ServiceProviderConfig, /ResourceTypes and /Schemas. It
// fails only when the target cannot be reached at all (a *target.TransportError);
// answers that are not what the RFC asks for are recorded in Errors, and the
// checks report them.
func Discover(ctx context.Context, c *target.Client, rec target.Recorder) (*Discovery, error) {
	return DiscoverWith(ctx, c, rec, DiscoveryFiles{})
}

// DiscoveryFiles name local files that stand in for a target's discovery
// endpoints, for servers that lack them or describe themselves wrongly:
// each holds the JSON body the endpoint would answer (ServiceProviderConfig
// an object; ResourceTypes and Schemas a ListResponse or a JSON array). An
// empty name means the endpoint is asked.
type DiscoveryFiles struct {
	SPC, ResourceTypes, Schemas string
}

// Validate reads every file named, so a wrong one is reported before a run
// writes or sends anything.
func (f DiscoveryFiles) Validate() error {
	for _, p := range []string{f.SPC, f.ResourceTypes, f.Schemas} {
		if p == "" {
			continue
		}
		if _, err := readDiscoveryFile(p); err != nil {
			return err
		}
	}
	return nil
}

// DiscoverWith is Discover with local files in place of some endpoints. A
// file that cannot be read or is not the JSON expected is an error: it is
// the run's configuration, not the target's answer.
func DiscoverWith(ctx context.Context, c *target.Client, rec target.Recorder, files DiscoveryFiles) (*Discovery, error) {
	d := &Discovery{Schemas: map[string]*Schema{}, Errors: map[string]string{}}
	fetch := func(path, file string) (Obj, error) {
		if file == "" {
			return fetchObj(ctx, c, rec, path)
		}
		o, err := readDiscoveryFile(file)
		if err != nil {
			return nil, &fileError{err}
		}
		return o, nil
	}
	spc, err := fetch("/ServiceProviderConfig", files.SPC)
	var fe *fileError
	if errors.As(err, &fe) {
		return nil, fe.err
	}
	if err != nil {
		var te *target.TransportError
		if errors.As(err, &te) {
			return nil, err
		}
		d.Errors["ServiceProviderConfig"] = err.Error()
		var nj *notJSONError
		if errors.As(err, &nj) {
			d.NotSCIM = err.Error()
		}
	}
	d.SPC = spc

	rts, err := fetch("/ResourceTypes", files.ResourceTypes)
	if errors.As(err, &fe) {
		return nil, fe.err
	}
	if err != nil {
		d.Errors["ResourceTypes"] = err.Error()
	}
	for _, r := range listResources(rts) {
		rt := ResourceType{ID: r.Str("id"), Name: r.Str("name"), Endpoint: r.Str("endpoint"), Schema: r.Str("schema")}
		for _, ext := range r.Objs("schemaExtensions") {
			req, _ := ext.Bool("required")
			rt.Extensions = append(rt.Extensions, SchemaExtension{Schema: ext.Str("schema"), Required: req})
		}
		d.ResourceTypes = append(d.ResourceTypes, rt)
	}

	schemas, err := fetch("/Schemas", files.Schemas)
	if errors.As(err, &fe) {
		return nil, fe.err
	}
	if err != nil {
		d.Errors["Schemas"] = err.Error()
	}
	for _, s := range listResources(schemas) {
		sc := parseSchema(s)
		if sc.ID != "" {
			d.Schemas[strings.ToLower(sc.ID)] = sc
		}
	}
	return d, nil
}

// fetchObj GETs path and decodes a JSON object, with errors that say which
// answer was wrong.
func fetchObj(ctx context.Context, c *target.Client, rec target.Recorder, path string) (Obj, error) {
	resp, err := c.Do(ctx, target.Request{Method: "GET", Path: path}, rec)
	if err != nil {
		return nil, err
	}
	if resp.Status != 200 {
		return nil, fmt.Errorf("GET %s answered %d, expected 200", path, resp.Status)
	}
	m, err := resp.Object()
	if err != nil {
		return nil, &notJSONError{err}
	}
	return Obj(m), nil
}

// fileError is a discovery file that could not be used.
type fileError struct{ err error }

func (e *fileError) Error() string { return e.err.Error() }

// readDiscoveryFile reads a local stand-in for a discovery endpoint. A bare
// JSON array becomes a ListResponse, so listResources reads both forms.
func readDiscoveryFile(path string) (Obj, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("discovery file %s: %w", path, errors.Unwrap(err))
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("discovery file %s: not JSON: %v", path, err)
	}
	switch x := v.(type) {
	case map[string]any:
		return Obj(x), nil
	case []any:
		return Obj{"schemas": []any{URNList}, "totalResults": len(x), "Resources": x}, nil
	}
	return nil, fmt.Errorf("discovery file %s: expected a JSON object or array", path)
}

// notJSONError is a 200 answer whose body is not a JSON object.
type notJSONError struct{ err error }

func (e *notJSONError) Error() string { return e.err.Error() }
func (e *notJSONError) Unwrap() error { return e.err }

// listResources returns the Resources of a ListResponse. Some servers answer
// a bare array or a single object; both are tolerated here and reported by
// the discovery checks.
func listResources(o Obj) []Obj {
	if o == nil {
		return nil
	}
	return o.Objs("Resources")
}

func parseSchema(o Obj) *Schema {
	s := &Schema{ID: o.Str("id"), Name: o.Str("name"), Raw: o}
	for _, a := range o.Objs("attributes") {
		s.Attributes = append(s.Attributes, parseAttr(a))
	}
	return s
}

func parseAttr(a Obj) Attribute {
	mv, _ := a.Bool("multiValued")
	req, _ := a.Bool("required")
	ce, _ := a.Bool("caseExact")
	out := Attribute{
		Name: a.Str("name"), Type: strings.ToLower(a.Str("type")), MultiValued: mv, Required: req,
		CaseExact: ce, Mutability: a.Str("mutability"), Returned: a.Str("returned"), Uniqueness: a.Str("uniqueness"),
	}
	if out.Mutability == "" {
		out.Mutability = "readWrite"
	}
	if out.Returned == "" {
		out.Returned = "default"
	}
	if out.Uniqueness == "" {
		out.Uniqueness = "none"
	}
	for _, s := range a.Objs("subAttributes") {
		out.SubAttributes = append(out.SubAttributes, parseAttr(s))
	}
	return out
}

// Schema returns the schema with the URN id, or nil.
func (d *Discovery) Schema(urn string) *Schema {
	if d == nil || d.Schemas == nil {
		return nil
	}
	return d.Schemas[strings.ToLower(urn)]
}

// UserSchema returns the core User schema as the target publishes it. When
// the target publishes none, it is nil and callers fall back to RFC 7643.
func (d *Discovery) UserSchema() *Schema { return d.Schema(URNUser) }

// ResourceType returns the resource type whose schema is urn, or nil.
func (d *Discovery) ResourceType(urn string) *ResourceType {
	if d == nil {
		return nil
	}
	for i := range d.ResourceTypes {
		if strings.EqualFold(d.ResourceTypes[i].Schema, urn) {
			return &d.ResourceTypes[i]
		}
	}
	return nil
}

// Endpoint returns the path of the resource type with schema urn, defaulting
// to the RFC's /Users and /Groups when the target does not list it.
func (d *Discovery) Endpoint(urn string) string {
	if rt := d.ResourceType(urn); rt != nil && rt.Endpoint != "" {
		return "/" + strings.TrimPrefix(rt.Endpoint, "/")
	}
	if strings.EqualFold(urn, URNGroup) {
		return "/Groups"
	}
	return "/Users"
}

// feature returns whether SPC says <name>.supported=true, and a reason if not.
func (d *Discovery) feature(name string) (bool, string) {
	if d == nil || d.SPC == nil {
		why := "the ServiceProviderConfig could not be read"
		if d != nil && d.Errors["ServiceProviderConfig"] != "" {
			why += " (" + d.Errors["ServiceProviderConfig"] + ")"
		}
		return false, fmt.Sprintf("%s, so %q is not advertised; use --force to run it anyway", why, name)
	}
	if b, ok := d.SPC.Bool(name, "supported"); ok && b {
		return true, ""
	}
	return false, fmt.Sprintf("ServiceProviderConfig does not advertise %s.supported=true", name)
}

// Has reports whether the target offers capability c, and if not, why.
func (d *Discovery) Has(c suites.Capability) (bool, string) {
	switch c {
	case suites.CapPatch, suites.CapBulk, suites.CapFilter, suites.CapSort, suites.CapETag, suites.CapChangePassword:
		return d.feature(string(c))
	case suites.CapUsers, suites.CapGroups:
		urn := URNUser
		if c == suites.CapGroups {
			urn = URNGroup
		}
		if d == nil || len(d.ResourceTypes) == 0 {
			// Without /ResourceTypes assume the RFC's endpoints; a missing
			// endpoint then shows up as failures, not as silent skips.
			return true, ""
		}
		if d.ResourceType(urn) == nil {
			return false, fmt.Sprintf("/ResourceTypes lists no resource type with schema %s", urn)
		}
		return true, ""
	case suites.CapEnterpriseUser:
		rt := d.ResourceType(URNUser)
		if rt == nil {
			return false, "/ResourceTypes lists no User resource type, so no enterprise extension is declared"
		}
		for _, e := range rt.Extensions {
			if strings.EqualFold(e.Schema, URNEnterprise) {
				return true, ""
			}
		}
		return false, "the User resource type declares no enterprise extension (" + URNEnterprise + ")"
	case suites.CapSearch:
		// POST /.search has no SPC flag; it is gated on filtering.
		return d.feature("filter")
	case suites.CapMe:
		// /Me has no SPC flag; a target without it SHOULD answer 501, which
		// the /Me check accepts, so it always runs.
		return true, ""
	}
	return false, fmt.Sprintf("capability %q is not known to the SCIM suites", c)
}

// schemaPath returns the path of a schema's own URL: /Schemas/<urn>.
func schemaPath(urn string) string { return "/Schemas/" + url.PathEscape(urn) }
