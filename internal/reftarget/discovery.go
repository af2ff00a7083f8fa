package reftarget

import (
	"net/http"
	"strings"
)

// Discovery endpoints (RFC 7644 §4): readable without authentication, not
// writable. Query parameters for filtering, sorting and paging are ignored,
// except that a filter is refused with 403 as RFC 7644 §4 recommends.

func (s *Server) serveDiscovery(w http.ResponseWriter, r *http.Request, method string, segs []string) {
	base := baseURL(r)
	var (
		body map[string]any
		err  *scimError
	)
	switch {
	case segs[0] == "ServiceProviderConfig" && len(segs) == 1:
		body = s.spc(base)
	case segs[0] == "Schemas" && len(segs) == 1:
		body = listResponse(s.schemaResources(base))
	case segs[0] == "Schemas" && len(segs) == 2:
		body, err = s.schemaResource(base, segs[1])
	case segs[0] == "ResourceTypes" && len(segs) == 1:
		body = listResponse(s.resourceTypeResources(base))
	case segs[0] == "ResourceTypes" && len(segs) == 2:
		body, err = s.resourceTypeResource(base, segs[1])
	default:
		err = notFound("no SCIM endpoint at %s", r.URL.Path)
	}
	if method != http.MethodGet {
		if s.has(FaultDiscoveryWritable) && body != nil {
			s.writeJSON(w, http.StatusOK, body)
			return
		}
		w.Header().Set("Allow", http.MethodGet)
		s.writeError(w, errorf(http.StatusMethodNotAllowed, "", "%s is read-only: method %s is not allowed", r.URL.Path, r.Method))
		return
	}
	if err != nil {
		s.writeError(w, err)
		return
	}
	if _, ok := queryParam(r.URL.Query(), "filter"); ok {
		s.writeError(w, errorf(http.StatusForbidden, "", "filtering is not supported on %s", r.URL.Path))
		return
	}
	if loc, ok := nested(body, "meta", "location").(string); ok {
		w.Header().Set("Content-Location", loc)
	}
	s.writeJSON(w, http.StatusOK, body)
}

func listResponse(items []any) map[string]any {
	return map[string]any{
		"schemas":      []any{uriListResponse},
		"totalResults": len(items),
		"itemsPerPage": len(items),
		"startIndex":   1,
		"Resources":    items,
	}
}

// spc is the ServiceProviderConfig (RFC 7643 §5).
func (s *Server) spc(base string) map[string]any {
	schemes := []any{map[string]any{
		"type":        "oauthbearertoken",
		"name":        "OAuth Bearer Token",
		"description": "Authentication scheme using the OAuth Bearer Token Standard",
		"specUri":     "https://www.rfc-editor.org/info/rfc6750",
		"primary":     true,
	}}
	if s.has(FaultSPCNoAuthSchemes) {
		schemes = []any{}
	}
	body := map[string]any{
		"schemas":          []any{uriSPC},
		"documentationUri": "https://www.rfc-editor.org/info/rfc7644",
		"patch":            map[string]any{"supported": !s.has(FaultSPCPatchUnadvertised)},
		"bulk": map[string]any{
			"supported":      true,
			"maxOperations":  s.opts.MaxBulkOperations,
			"maxPayloadSize": s.opts.MaxBulkPayload,
		},
		"filter":                map[string]any{"supported": true, "maxResults": s.opts.MaxResults},
		"changePassword":        map[string]any{"supported": false},
		"sort":                  map[string]any{"supported": !s.opts.NoSort},
		"etag":                  map[string]any{"supported": true},
		"authenticationSchemes": schemes,
		"meta": map[string]any{
			"resourceType": "ServiceProviderConfig",
			"location":     base + "/ServiceProviderConfig",
		},
	}
	if s.has(FaultSPCNoSchemas) {
		delete(body, "schemas")
	}
	return body
}

// patchOpSchema is the PatchOp message schema, listed only with
// FaultSchemasListMessages.
var patchOpSchema = &schema{
	ID:          uriPatchOp,
	Name:        "PatchOp",
	Description: "SCIM PATCH request message",
	Attributes: []*attribute{{
		Name: "Operations", Type: typeComplex, MultiValued: true, Required: true,
		Description: "PATCH operations", Mutability: mutWriteOnly, Returned: retNever, Uniqueness: uniquenessNone,
		SubAttributes: []*attribute{
			{Name: "op", Type: typeString, Required: true, Description: "add, remove or replace", Mutability: mutWriteOnly, Returned: retNever, Uniqueness: uniquenessNone},
			{Name: "path", Type: typeString, Description: "attribute path", Mutability: mutWriteOnly, Returned: retNever, Uniqueness: uniquenessNone},
		},
	}},
}

// publishedSchemas are the schemas /Schemas lists.
func (s *Server) publishedSchemas() []*schema {
	out := []*schema{schemaUser, schemaGroup}
	if !s.has(FaultSchemaMissing) {
		out = append(out, schemaEnterprise)
	}
	if s.has(FaultSchemasListMessages) {
		out = append(out, patchOpSchema)
	}
	return out
}

func schemaBody(sc *schema, base string) map[string]any {
	return map[string]any{
		"schemas":     []any{uriSchema},
		"id":          sc.ID,
		"name":        sc.Name,
		"description": sc.Description,
		"attributes":  sc.Attributes,
		"meta": map[string]any{
			"resourceType": "Schema",
			"location":     base + "/Schemas/" + sc.ID,
		},
	}
}

func (s *Server) schemaResources(base string) []any {
	var out []any
	for _, sc := range s.publishedSchemas() {
		out = append(out, s.schemaOut(sc, base))
	}
	return out
}

// schemaOut is schemaBody with FaultSimpleSubAttributes applied.
func (s *Server) schemaOut(sc *schema, base string) map[string]any {
	body := schemaBody(sc, base)
	if sc == schemaUser && s.has(FaultSimpleSubAttributes) {
		attrs := make([]*attribute, len(sc.Attributes))
		for i, a := range sc.Attributes {
			attrs[i] = a
			if a.Name == "userName" {
				c := *a
				c.SubAttributes = []*attribute{{Name: "value", Type: typeString, Mutability: mutReadWrite, Returned: retDefault, Uniqueness: uniquenessNone}}
				attrs[i] = &c
			}
		}
		body["attributes"] = attrs
	}
	return body
}

func (s *Server) schemaResource(base, id string) (map[string]any, *scimError) {
	for _, sc := range s.publishedSchemas() {
		if strings.EqualFold(sc.ID, id) {
			return s.schemaOut(sc, base), nil
		}
	}
	return nil, notFound("schema %s not found", id)
}

func resourceTypeBody(rt *resourceType, base string) map[string]any {
	body := map[string]any{
		"schemas":     []any{uriResourceType},
		"id":          rt.Name,
		"name":        rt.Name,
		"endpoint":    rt.Endpoint,
		"description": rt.Description,
		"schema":      rt.Schema.ID,
		"meta": map[string]any{
			"resourceType": "ResourceType",
			"location":     base + "/ResourceTypes/" + rt.Name,
		},
	}
	if len(rt.Extensions) > 0 {
		var exts []any
		for _, e := range rt.Extensions {
			exts = append(exts, map[string]any{"schema": e.ID, "required": false})
		}
		body["schemaExtensions"] = exts
	}
	return body
}

func (s *Server) resourceTypeResources(base string) []any {
	var out []any
	for _, rt := range resourceTypes {
		out = append(out, resourceTypeBody(rt, base))
	}
	return out
}

func (s *Server) resourceTypeResource(base, name string) (map[string]any, *scimError) {
	for _, rt := range resourceTypes {
		if strings.EqualFold(rt.Name, name) {
			return resourceTypeBody(rt, base), nil
		}
	}
	return nil, notFound("resource type %s not found", name)
}

// nested follows object keys.
func nested(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
