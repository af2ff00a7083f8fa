package reftarget

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServiceProviderConfig(t *testing.T) {
	c := newClient(t)
	c.token = "" // discovery needs no authentication
	r := c.do("GET", "/ServiceProviderConfig", nil).must(t, http.StatusOK)
	assert.Equal(t, "application/scim+json", r.header.Get("Content-Type"))
	assert.Equal(t, []any{uriSPC}, r.body["schemas"])
	for _, k := range []string{"patch", "bulk", "filter", "changePassword", "sort", "etag"} {
		_, ok := r.get(k + ".supported").(bool)
		assert.True(t, ok, "%s.supported must be a boolean", k)
	}
	assert.EqualValues(t, 100, r.get("bulk.maxOperations"))
	assert.EqualValues(t, 1<<20, r.get("bulk.maxPayloadSize"))
	assert.EqualValues(t, 200, r.get("filter.maxResults"))
	assert.Equal(t, "oauthbearertoken", r.get("authenticationSchemes.0.type"))
	assert.NotEmpty(t, r.get("authenticationSchemes.0.name"))
	assert.NotEmpty(t, r.get("authenticationSchemes.0.description"))
	assert.Equal(t, "ServiceProviderConfig", r.get("meta.resourceType"))
	assert.Equal(t, testBase+"/ServiceProviderConfig", r.get("meta.location"))
	assert.Equal(t, testBase+"/ServiceProviderConfig", r.header.Get("Content-Location"))
	// paging parameters are ignored
	c.do("GET", "/ServiceProviderConfig?startIndex=5&count=0&sortBy=x", nil).must(t, http.StatusOK)
}

func checkAttributes(t *testing.T, where string, attrs []any) {
	t.Helper()
	require.NotEmpty(t, attrs, where)
	for _, e := range attrs {
		a := e.(map[string]any)
		name, _ := a["name"].(string)
		for _, k := range []string{"name", "type", "description", "mutability", "returned", "uniqueness"} {
			_, ok := a[k].(string)
			assert.True(t, ok, "%s.%s: %s must be a string", where, name, k)
		}
		for _, k := range []string{"multiValued", "required", "caseExact"} {
			_, ok := a[k].(bool)
			assert.True(t, ok, "%s.%s: %s must be a boolean", where, name, k)
		}
		if a["type"] == "complex" {
			subs, _ := a["subAttributes"].([]any)
			checkAttributes(t, where+"."+name, subs)
		}
		if a["type"] == "reference" {
			assert.NotEmpty(t, a["referenceTypes"], "%s.%s: referenceTypes", where, name)
		}
	}
}

func TestSchemas(t *testing.T) {
	c := newClient(t)
	c.token = ""
	r := c.do("GET", "/Schemas", nil).must(t, http.StatusOK)
	assert.Equal(t, []any{uriListResponse}, r.body["schemas"])
	assert.EqualValues(t, 3, r.body["totalResults"])
	assert.EqualValues(t, 3, r.body["itemsPerPage"])
	assert.EqualValues(t, 1, r.body["startIndex"])
	var ids []string
	for _, sc := range r.resources() {
		id := sc["id"].(string)
		ids = append(ids, id)
		assert.Equal(t, []any{uriSchema}, sc["schemas"])
		assert.Equal(t, "Schema", dig(sc, "meta.resourceType"))
		assert.Equal(t, testBase+"/Schemas/"+id, dig(sc, "meta.location"))
		attrs, _ := sc["attributes"].([]any)
		checkAttributes(t, id, attrs)
	}
	assert.ElementsMatch(t, []string{uriUser, uriGroup, uriEnterprise}, ids)

	one := c.do("GET", "/Schemas/"+uriEnterprise, nil).must(t, http.StatusOK)
	assert.Equal(t, uriEnterprise, one.body["id"])
	assert.Equal(t, "EnterpriseUser", one.body["name"])

	u := c.do("GET", "/Schemas/"+uriUser, nil).must(t, http.StatusOK)
	var userName, password map[string]any
	for _, a := range u.body["attributes"].([]any) {
		m := a.(map[string]any)
		switch m["name"] {
		case "userName":
			userName = m
		case "password":
			password = m
		}
	}
	assert.Equal(t, true, userName["required"])
	assert.Equal(t, false, userName["caseExact"])
	assert.Equal(t, "server", userName["uniqueness"])
	assert.Equal(t, "never", password["returned"])
	assert.Equal(t, "writeOnly", password["mutability"])

	requireSCIMError(t, c.do("GET", "/Schemas/urn:nope", nil), http.StatusNotFound, "")
	// filtering a discovery endpoint is refused (RFC 7644 §4)
	requireSCIMError(t, c.do("GET", "/Schemas?filter=id+pr", nil), http.StatusForbidden, "")
}

func TestResourceTypes(t *testing.T) {
	c := newClient(t)
	c.token = ""
	r := c.do("GET", "/ResourceTypes", nil).must(t, http.StatusOK)
	assert.EqualValues(t, 2, r.body["totalResults"])
	byName := map[string]map[string]any{}
	for _, rt := range r.resources() {
		byName[rt["name"].(string)] = rt
		assert.Equal(t, []any{uriResourceType}, rt["schemas"])
		assert.Equal(t, "ResourceType", dig(rt, "meta.resourceType"))
	}
	require.Contains(t, byName, "User")
	require.Contains(t, byName, "Group")
	assert.Equal(t, "/Users", byName["User"]["endpoint"])
	assert.Equal(t, uriUser, byName["User"]["schema"])
	assert.Equal(t, []any{map[string]any{"schema": uriEnterprise, "required": false}}, byName["User"]["schemaExtensions"])
	assert.Equal(t, "/Groups", byName["Group"]["endpoint"])
	assert.Equal(t, uriGroup, byName["Group"]["schema"])

	one := c.do("GET", "/ResourceTypes/User", nil).must(t, http.StatusOK)
	assert.Equal(t, "User", one.body["id"])
	assert.Equal(t, testBase+"/ResourceTypes/User", one.get("meta.location"))
	requireSCIMError(t, c.do("GET", "/ResourceTypes/Nope", nil), http.StatusNotFound, "")
}

func TestDiscoveryReadOnly(t *testing.T) {
	c := newClient(t)
	for _, path := range []string{"/ServiceProviderConfig", "/Schemas", "/Schemas/" + uriUser, "/ResourceTypes", "/ResourceTypes/User"} {
		for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
			r := c.do(m, path, map[string]any{})
			requireSCIMError(t, r, http.StatusMethodNotAllowed, "")
			assert.Equal(t, "GET", r.header.Get("Allow"), "%s %s", m, path)
		}
	}
}
