package reftarget

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func pagingFixture(t *testing.T, n int, opts Options) *client {
	clock, advance := frozenClock()
	opts.Now = clock
	c := newClientOpts(t, opts)
	for i := 1; i <= n; i++ {
		c.createUser(user(fmt.Sprintf("user%02d", i)))
		advance(1e9)
	}
	return c
}

func TestPaging(t *testing.T) {
	c := pagingFixture(t, 7, Options{MaxResults: 5})
	for _, tc := range []struct {
		query      string
		want       []string
		startIndex int
	}{
		{"", []string{"user01", "user02", "user03", "user04", "user05"}, 1},
		{"startIndex=1&count=2", []string{"user01", "user02"}, 1},
		{"startIndex=3&count=2", []string{"user03", "user04"}, 3},
		{"startIndex=6&count=10", []string{"user06", "user07"}, 6},
		{"startIndex=7&count=1", []string{"user07"}, 7},
		{"startIndex=8&count=1", nil, 8},
		{"startIndex=100", nil, 100},
		{"startIndex=0&count=1", []string{"user01"}, 1},
		{"startIndex=-4&count=1", []string{"user01"}, 1},
		{"count=0", nil, 1},
		{"count=-3", nil, 1},
		{"count=100", []string{"user01", "user02", "user03", "user04", "user05"}, 1},
		{"filter=userName+sw+%22user%22", []string{"user01", "user02", "user03", "user04", "user05"}, 1},
		{"filter=userName+sw+%22user%22&startIndex=5&count=2", []string{"user05", "user06"}, 5},
	} {
		t.Run(tc.query, func(t *testing.T) {
			r := c.do("GET", "/Users?"+tc.query, nil).must(t, http.StatusOK)
			assert.Equal(t, []any{uriListResponse}, r.body["schemas"])
			assert.Equal(t, tc.want, r.names())
			assert.EqualValues(t, 7, r.body["totalResults"])
			assert.EqualValues(t, len(tc.want), r.body["itemsPerPage"])
			assert.EqualValues(t, tc.startIndex, r.body["startIndex"])
			assert.NotNil(t, r.body["Resources"], "Resources is always an array")
		})
	}
	requireSCIMError(t, c.do("GET", "/Users?count=abc", nil), http.StatusBadRequest, scimInvalidValue)
	requireSCIMError(t, c.do("GET", "/Users?startIndex=1.5", nil), http.StatusBadRequest, scimInvalidValue)
	r := c.do("GET", "/Users?filter=userName+eq+%22none%22", nil).must(t, http.StatusOK)
	assert.EqualValues(t, 0, r.body["totalResults"])
	assert.Equal(t, []any{}, r.body["Resources"])
}

func TestSorting(t *testing.T) {
	clock, advance := frozenClock()
	c := newClientOpts(t, Options{Now: clock})
	mk := func(body map[string]any) {
		c.createUser(body)
		advance(1e9)
	}
	mk(user("carol", "name", map[string]any{"familyName": "adams"}, "emails", []any{
		map[string]any{"value": "z@x"}, map[string]any{"value": "c@x", "primary": true}},
		uriEnterprise, map[string]any{"employeeNumber": "3"}))
	mk(user("Alice", "name", map[string]any{"familyName": "Brown"}, "emails", []any{map[string]any{"value": "b@x"}}))
	mk(user("bob", "active", true, uriEnterprise, map[string]any{"employeeNumber": "1"}))
	mk(user("dave", "name", map[string]any{"familyName": "Adams"}, "active", false))

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"sortBy=userName", []string{"Alice", "bob", "carol", "dave"}},
		{"sortBy=USERNAME&sortOrder=ascending", []string{"Alice", "bob", "carol", "dave"}},
		{"sortBy=userName&sortOrder=descending", []string{"dave", "carol", "bob", "Alice"}},
		{"sortBy=name.familyName", []string{"carol", "dave", "Alice", "bob"}},
		{"sortBy=name.familyName&sortOrder=descending", []string{"bob", "Alice", "carol", "dave"}},
		{"sortBy=emails", []string{"Alice", "carol", "bob", "dave"}},
		{"sortBy=emails.value", []string{"Alice", "carol", "bob", "dave"}},
		{"sortBy=meta.created&sortOrder=descending", []string{"dave", "bob", "Alice", "carol"}},
		{"sortBy=meta.lastModified", []string{"carol", "Alice", "bob", "dave"}},
		{"sortBy=urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", []string{"bob", "carol", "Alice", "dave"}},
		{"sortBy=active", []string{"dave", "carol", "Alice", "bob"}}, // carol and Alice: active by default
		{"sortBy=nosuch", []string{"carol", "Alice", "bob", "dave"}},
		{"sortBy=userName&count=2&startIndex=2", []string{"bob", "carol"}},
		{"sortOrder=descending", []string{"carol", "Alice", "bob", "dave"}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			r := c.do("GET", "/Users?"+tc.query, nil).must(t, http.StatusOK)
			assert.Equal(t, tc.want, r.names())
		})
	}
	requireSCIMError(t, c.do("GET", "/Users?sortBy=userName&sortOrder=up", nil), http.StatusBadRequest, scimInvalidValue)
}

func TestNoSort(t *testing.T) {
	c := newClientOpts(t, Options{NoSort: true})
	assert.Equal(t, false, c.do("GET", "/ServiceProviderConfig", nil).get("sort.supported"))
	c.createUser(user("b"))
	c.createUser(user("a"))
	r := c.do("GET", "/Users?sortBy=userName", nil).must(t, http.StatusOK)
	assert.Equal(t, []string{"b", "a"}, r.names(), "sortBy is ignored: creation order")
}

func TestProjection(t *testing.T) {
	c := newClient(t)
	id := c.createUser(user("proj", "displayName", "P", "name", map[string]any{"givenName": "G", "familyName": "F"},
		"emails", []any{map[string]any{"value": "a@x", "type": "work"}, map[string]any{"value": "b@x", "type": "home"}},
		"password", "pw", uriEnterprise, map[string]any{"department": "D", "costCenter": "C"}))
	gid := c.createGroup(group("G", id))
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		return out
	}
	for _, tc := range []struct {
		query string
		check func(t *testing.T, u map[string]any)
	}{
		{"attributes=userName", func(t *testing.T, u map[string]any) {
			assert.ElementsMatch(t, []string{"schemas", "id", "userName"}, keys(u))
		}},
		{"attributes=USERNAME,name.givenName", func(t *testing.T, u map[string]any) {
			assert.ElementsMatch(t, []string{"schemas", "id", "userName", "name"}, keys(u))
			assert.Equal(t, map[string]any{"givenName": "G"}, u["name"])
		}},
		{"attributes=emails.value,meta.created", func(t *testing.T, u map[string]any) {
			assert.Equal(t, []any{map[string]any{"value": "a@x"}, map[string]any{"value": "b@x"}}, u["emails"])
			assert.ElementsMatch(t, []string{"created"}, keys(u["meta"].(map[string]any)))
		}},
		{"attributes=urn:ietf:params:scim:schemas:core:2.0:User:displayName", func(t *testing.T, u map[string]any) {
			assert.ElementsMatch(t, []string{"schemas", "id", "displayName"}, keys(u))
		}},
		{"attributes=urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", func(t *testing.T, u map[string]any) {
			assert.Equal(t, map[string]any{"department": "D"}, u[uriEnterprise])
			assert.ElementsMatch(t, []string{"schemas", "id", uriEnterprise}, keys(u))
		}},
		{"attributes=urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", func(t *testing.T, u map[string]any) {
			assert.Equal(t, map[string]any{"department": "D", "costCenter": "C"}, u[uriEnterprise])
		}},
		{"attributes=password,id,groups", func(t *testing.T, u map[string]any) {
			assert.ElementsMatch(t, []string{"schemas", "id", "groups"}, keys(u))
		}},
		{"attributes=nosuch", func(t *testing.T, u map[string]any) {
			assert.ElementsMatch(t, []string{"schemas", "id"}, keys(u))
		}},
		{"excludedAttributes=emails,name.familyName,meta,id,schemas", func(t *testing.T, u map[string]any) {
			assert.ElementsMatch(t, []string{"schemas", "id", "userName", "displayName", "name", "groups", "active", uriEnterprise}, keys(u))
			assert.Equal(t, map[string]any{"givenName": "G"}, u["name"])
		}},
		{"excludedAttributes=emails.type", func(t *testing.T, u map[string]any) {
			assert.Equal(t, []any{map[string]any{"value": "a@x"}, map[string]any{"value": "b@x"}}, u["emails"])
		}},
		{"excludedAttributes=urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", func(t *testing.T, u map[string]any) {
			assert.Equal(t, map[string]any{"costCenter": "C"}, u[uriEnterprise])
		}},
		{"excludedAttributes=urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", func(t *testing.T, u map[string]any) {
			assert.NotContains(t, u, uriEnterprise)
			assert.Equal(t, []any{uriUser, uriEnterprise}, u["schemas"])
		}},
		{"attributes=userName&excludedAttributes=userName", func(t *testing.T, u map[string]any) {
			assert.ElementsMatch(t, []string{"schemas", "id", "userName"}, keys(u))
		}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			g := c.do("GET", "/Users/"+id+"?"+tc.query, nil).must(t, http.StatusOK)
			tc.check(t, g.body)
			l := c.do("GET", "/Users?"+tc.query, nil).must(t, http.StatusOK)
			require.Len(t, l.resources(), 1)
			tc.check(t, l.resources()[0])
			p := c.do("PATCH", "/Users/"+id+"?"+tc.query, patchBody(op("remove", "title", nil))).must(t, http.StatusOK)
			tc.check(t, p.body)
		})
	}
	r := c.do("POST", "/Users?attributes=userName", user("p2")).must(t, http.StatusCreated)
	assert.ElementsMatch(t, []string{"schemas", "id", "userName"}, keys(r.body))
	assert.NotEmpty(t, r.header.Get("ETag"))
	assert.NotEmpty(t, r.header.Get("Location"))
	r = c.do("PUT", "/Users/"+r.str("id")+"?excludedAttributes=meta", user("p2")).must(t, http.StatusOK)
	assert.NotContains(t, r.body, "meta")
	r = c.do("GET", "/Groups/"+gid+"?attributes=members.value", nil).must(t, http.StatusOK)
	assert.Equal(t, []any{map[string]any{"value": id}}, r.body["members"])
}

func TestSearch(t *testing.T) {
	c := pagingFixture(t, 5, Options{})
	c.createGroup(group("user-group"))
	r := c.do("POST", "/Users/.search", map[string]any{
		"schemas":            []any{uriSearchRequest},
		"filter":             `userName sw "user0"`,
		"sortBy":             "userName",
		"sortOrder":          "descending",
		"startIndex":         2,
		"count":              2,
		"attributes":         []any{"userName"},
		"excludedAttributes": []any{"id"},
	}).must(t, http.StatusOK)
	assert.Equal(t, []string{"user04", "user03"}, r.names())
	assert.EqualValues(t, 5, r.body["totalResults"])
	assert.EqualValues(t, 2, r.body["startIndex"])
	assert.Len(t, r.resources()[0], 3) // schemas, id, userName

	r = c.do("POST", "/Groups/.search", map[string]any{"schemas": []any{uriSearchRequest}}).must(t, http.StatusOK)
	assert.Equal(t, []string{"user-group"}, r.names())

	r = c.do("POST", "/.search", map[string]any{
		"schemas": []any{uriSearchRequest}, "filter": `displayName sw "user" or userName eq "user01"`,
		"sortBy": "meta.created", "sortOrder": "descending",
	}).must(t, http.StatusOK)
	assert.Equal(t, []string{"user-group", "user01"}, r.names())

	requireSCIMError(t, c.do("POST", "/Users/.search", map[string]any{"filter": `userName pr`}), http.StatusBadRequest, scimInvalidSyntax)
	requireSCIMError(t, c.do("POST", "/Users/.search", map[string]any{"schemas": []any{uriSearchRequest}, "filter": `userName xx "a"`}), http.StatusBadRequest, scimInvalidFilter)
	requireSCIMError(t, c.do("POST", "/Users/.search", map[string]any{"schemas": []any{uriSearchRequest}, "count": "many"}), http.StatusBadRequest, scimInvalidValue)
	requireSCIMError(t, c.do("POST", "/Users/.search", map[string]any{"schemas": []any{uriSearchRequest}, "attributes": 5}), http.StatusBadRequest, scimInvalidValue)
	r = c.do("GET", "/Users?filter="+url.QueryEscape(`userName eq "user03"`)+"&attributes=userName", nil).must(t, http.StatusOK)
	assert.Equal(t, []string{"user03"}, r.names())
}
