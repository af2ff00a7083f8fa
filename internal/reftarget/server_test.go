package reftarget

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuth(t *testing.T) {
	c := newClient(t)
	assert.Equal(t, testToken, c.s.Token())
	for _, tc := range []struct {
		name, header, challenge string
	}{
		{"missing", "", `Bearer realm="reftarget"`},
		{"wrong token", "Bearer nope", `Bearer realm="reftarget", error="invalid_token"`},
		{"basic", "Basic dXNlcjpwYXNz", `Bearer realm="reftarget"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/Users", "/Groups", "/Users/x", "/Bulk", "/.search", "/Me", ""} {
				r := c.do("GET", path, nil, "Authorization: "+tc.header)
				requireSCIMError(t, r, http.StatusUnauthorized, "")
				assert.NotEmpty(t, r.body["detail"])
				assert.Equal(t, tc.challenge, r.header.Get("WWW-Authenticate"))
			}
		})
	}
	c.do("GET", "/Users", nil, "Authorization: bearer "+testToken).must(t, http.StatusOK)
}

func TestGeneratedToken(t *testing.T) {
	s := New(Options{})
	assert.Len(t, s.Token(), 48)
	assert.NotEqual(t, s.Token(), New(Options{}).Token())
}

func TestRouting(t *testing.T) {
	c := newClient(t)
	requireSCIMError(t, c.do("GET", "/Nope", nil), http.StatusNotFound, "")
	requireSCIMError(t, c.do("GET", "/Users/a/b", nil), http.StatusNotFound, "")
	requireSCIMError(t, c.do("GET", "/Me", nil), http.StatusNotImplemented, "")
	requireSCIMError(t, c.do("PATCH", "/Me", patchBody(op("add", "title", "x"))), http.StatusNotImplemented, "")
	c.do("GET", "/Users/", nil).must(t, http.StatusOK)
	c.do("GET", "/Groups/", nil).must(t, http.StatusOK)
	c.do("POST", "/Users/", user("slash")).must(t, http.StatusCreated)

	r := c.do("DELETE", "/Users", nil)
	requireSCIMError(t, r, http.StatusMethodNotAllowed, "")
	assert.Equal(t, "GET, POST", r.header.Get("Allow"))
	r = c.do("POST", "/Users/x", user("a"))
	requireSCIMError(t, r, http.StatusMethodNotAllowed, "")
	assert.Equal(t, "GET, PUT, PATCH, DELETE", r.header.Get("Allow"))
	requireSCIMError(t, c.do("GET", "/Bulk", nil), http.StatusMethodNotAllowed, "")
	requireSCIMError(t, c.do("GET", "/Users/.search", nil), http.StatusMethodNotAllowed, "")

	// outside the base path
	req, _ := http.NewRequest("GET", "http://example.com/other", nil)
	rec := newRecorder()
	c.s.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusNotFound, rec.Code)
}

func TestContentNegotiation(t *testing.T) {
	c := newClient(t)
	for _, accept := range []string{"application/scim+json", "application/json", "*/*", "text/html, application/json;q=0.5", ""} {
		c.do("GET", "/Users", nil, "Accept: "+accept).must(t, http.StatusOK)
	}
	requireSCIMError(t, c.do("GET", "/Users", nil, "Accept: text/html"), http.StatusNotAcceptable, "")
	c.do("POST", "/Users", user("json"), "Content-Type: application/json").must(t, http.StatusCreated)
	c.do("POST", "/Users", user("charset"), "Content-Type: application/scim+json; charset=utf-8").must(t, http.StatusCreated)
	c.do("POST", "/Users", user("none"), "Content-Type: ").must(t, http.StatusCreated)
	requireSCIMError(t, c.do("POST", "/Users", user("xml"), "Content-Type: application/xml"), http.StatusUnsupportedMediaType, "")
}

func TestMalformedBodies(t *testing.T) {
	c := newClient(t)
	id := c.createUser(user("m"))
	for name, body := range map[string]string{
		"truncated":    `{"userName":`,
		"not json":     `hello`,
		"trailing":     `{"userName":"x"} {}`,
		"empty":        ``,
		"array":        `[{"userName":"x"}]`,
		"string":       `"x"`,
		"bad utf8":     "{\"userName\":\"\xff\xfe\"}",
		"dup case key": `{"userName":"a","username":"b"}`,
	} {
		t.Run(name, func(t *testing.T) {
			requireSCIMError(t, c.do("POST", "/Users", body), http.StatusBadRequest, scimInvalidSyntax)
			requireSCIMError(t, c.do("PUT", "/Users/"+id, body), http.StatusBadRequest, scimInvalidSyntax)
			requireSCIMError(t, c.do("PATCH", "/Users/"+id, body), http.StatusBadRequest, scimInvalidSyntax)
			requireSCIMError(t, c.do("POST", "/Users/.search", body), http.StatusBadRequest, scimInvalidSyntax)
			requireSCIMError(t, c.do("POST", "/Bulk", body), http.StatusBadRequest, scimInvalidSyntax)
		})
	}
}

func TestStart(t *testing.T) {
	run, err := Start(Options{Token: "secret"})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(run.URL, "http://127.0.0.1:"))
	assert.True(t, strings.HasSuffix(run.URL, "/scim/v2"))
	assert.Equal(t, "secret", run.Token)

	req, _ := http.NewRequest("POST", run.URL+"/Users", strings.NewReader(`{"schemas":["`+uriUser+`"],"userName":"zoë"}`))
	req.Header.Set("Authorization", "Bearer "+run.Token)
	req.Header.Set("Content-Type", "application/scim+json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode, string(body))
	var u map[string]any
	require.NoError(t, json.Unmarshal(body, &u))
	assert.Equal(t, "zoë", u["userName"])
	assert.Equal(t, run.URL+"/Users/"+u["id"].(string), res.Header.Get("Location"))
	assert.Equal(t, res.Header.Get("Location"), dig(u, "meta.location"))

	res, err = http.Get(run.URL + "/ServiceProviderConfig")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	require.NoError(t, run.Close())
	_, err = http.Get(run.URL + "/ServiceProviderConfig")
	assert.Error(t, err)
}
