package target

import (
	"context"
	"encoding/json"
	"github.com/provcheck/provcheck/internal/testutil"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provcheck/provcheck/suites"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewValidatesConfig(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "x.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("hello"), 0o600))
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"empty", Config{}, "scim url is empty"},
		{"scheme", Config{BaseURL: "ftp://x"}, `scim url "ftp://x": scheme must be http or https`},
		{"no host", Config{BaseURL: "https:///scim"}, `scim url "https:///scim": has no host`},
		{"query", Config{BaseURL: "https://x/scim?a=b"}, "must not have a query string"},
		{"fragment", Config{BaseURL: "https://x/scim#f"}, "must not have a fragment"},
		{"credentials", Config{BaseURL: "https://u:secretpw@x/scim"}, "must not contain credentials"},
		{"bad url", Config{BaseURL: "https://x:port/"}, `scim url "https://x:port/": invalid port`},
		{"two auths", Config{BaseURL: "https://x", BearerToken: "t0k3n", BasicUser: "u"}, "choose one of"},
		{"pass without user", Config{BaseURL: "https://x", BasicPass: "p"}, "without a user"},
		{"oauth url", Config{BaseURL: "https://x", OAuth: &OAuth{TokenURL: "x", ClientID: "c"}}, `oauth token url "x": scheme must be http or https`},
		{"oauth id", Config{BaseURL: "https://x", OAuth: &OAuth{TokenURL: "https://t/token"}}, "client id is required"},
		{"header name", Config{BaseURL: "https://x", Headers: map[string]string{"Bad Name": "v"}}, `header "Bad Name": not a valid header name`},
		{"ca missing", Config{BaseURL: "https://x", CAFile: filepath.Join(dir, "nope.pem")}, `ca file "` + filepath.Join(dir, "nope.pem") + `": no such file or directory`},
		{"ca no certs", Config{BaseURL: "https://x", CAFile: notPEM}, "no PEM certificates found"},
		{"negative rps", Config{BaseURL: "https://x", MaxRPS: -1}, "max rps"},
		{"negative timeout", Config{BaseURL: "https://x", Timeout: -1}, "timeout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "secretpw")
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestNewDefaults(t *testing.T) {
	c, err := New(Config{BaseURL: "HTTPS://App.Example.com/scim/v2/"})
	require.NoError(t, err)
	assert.Equal(t, "https://App.Example.com/scim/v2", c.BaseURL())
	assert.Regexp(t, `^pc[0-9a-f]{6}$`, c.RunID())
	assert.NotNil(t, c.Ledger(), "a memory ledger keeps the guard working")
	assert.Equal(t, DefaultTimeout, c.timeout)
	assert.Equal(t, DefaultRetries, c.retries)

	c, err = New(Config{BaseURL: "http://x", RunID: "pcabc", Retries: -1})
	require.NoError(t, err)
	assert.Equal(t, "pcabc", c.RunID())
	assert.Equal(t, 0, c.retries)
}

func TestDoSendsDefaultsAndBody(t *testing.T) {
	var got *http.Request
	var gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("Content-Type", "application/scim+json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Config{BaseURL: srv.URL + "/scim/v2", BearerToken: "tok-123456"})

	resp, err := c.Do(context.Background(), Request{Method: "POST", Path: "Users/.search", Body: map[string]any{"filter": `userName eq "a<b"`}}, nil)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)
	assert.Equal(t, "/scim/v2/Users/.search", got.URL.Path)
	assert.Equal(t, "application/scim+json", got.Header.Get("Accept"))
	assert.Equal(t, "application/scim+json", got.Header.Get("Content-Type"))
	assert.Equal(t, "provcheck", got.Header.Get("User-Agent"))
	assert.Equal(t, "Bearer tok-123456", got.Header.Get("Authorization"))
	assert.Equal(t, `{"filter":"userName eq \"a<b\""}`, gotBody, "JSON without HTML escaping")
	assert.Equal(t, srv.URL+"/scim/v2/Users/.search", resp.URL)

	// Verbatim bodies, header overrides and removal, query encoding.
	_, err = c.Do(context.Background(), Request{Method: "GET", Path: "/Users", Query: url.Values{"filter": {`userName eq "x y"`}},
		Header: map[string]string{"Accept": "application/json", "User-Agent": ""}}, nil)
	require.NoError(t, err)
	assert.Equal(t, "filter=userName%20eq%20%22x%20y%22", got.URL.RawQuery)
	assert.Equal(t, "application/json", got.Header.Get("Accept"))
	assert.Empty(t, got.Header.Get("Content-Type"), "no body, no Content-Type")

	_, err = c.Do(context.Background(), Request{Method: "POST", Path: "/Users/.search", Body: `{"broken":`, Header: map[string]string{"Content-Type": "text/plain"}}, nil)
	require.NoError(t, err)
	assert.Equal(t, `{"broken":`, gotBody)
	assert.Equal(t, "text/plain", got.Header.Get("Content-Type"))

	_, err = c.Do(context.Background(), Request{Path: "?attributes=userName"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "GET", got.Method)
	assert.Equal(t, "/scim/v2", got.URL.Path)
	assert.Equal(t, "attributes=userName", got.URL.RawQuery)

	_, err = c.Do(context.Background(), Request{Path: "/Users", NoAuth: true}, nil)
	require.NoError(t, err)
	assert.Empty(t, got.Header.Get("Authorization"))

	_, err = c.Do(context.Background(), Request{Path: "/Users", Auth: "Bearer wrong-token-1"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "Bearer wrong-token-1", got.Header.Get("Authorization"))
}

func TestDoStaysOnTarget(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	c, _ := newTestClient(t, Config{BaseURL: srv.URL + "/scim/v2"})
	for _, p := range []string{"https://evil.example/scim/v2/Users", "http://evil.example/x", "ftp://x/y",
		strings.Replace(srv.URL, "http://", "https://", 1) + "/scim/v2/Users"} {
		_, err := c.Do(context.Background(), Request{Path: p}, nil)
		require.Error(t, err, p)
		assert.Contains(t, err.Error(), "is not on the target")
	}
	// Scheme-relative paths stay below the base.
	u, err := c.Resolve("//evil.example/x")
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/scim/v2/evil.example/x", u)
	// Absolute URLs on the target are fine, in any case of scheme and host.
	_, err = c.Do(context.Background(), Request{Path: strings.ToUpper(srv.URL[:4]) + srv.URL[4:] + "/other/path"}, nil)
	assert.NoError(t, err)
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.example/", http.StatusFound)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Config{BaseURL: srv.URL})
	resp, err := c.Do(context.Background(), Request{Path: "/Users"}, nil)
	require.NoError(t, err)
	assert.Equal(t, 302, resp.Status)
}

func TestResponseJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte("<html><head><title>Login</title></head><body>" + strings.Repeat("x", 200) + "</body></html>"))
		case "/empty":
			w.WriteHeader(204)
		case "/array":
			w.Header().Set("Content-Type", "application/scim+json")
			_, _ = w.Write([]byte(`[1,2]`))
		case "/trailing":
			w.Header().Set("Content-Type", "application/scim+json")
			_, _ = w.Write([]byte(`{"a":1} {"b":2}`))
		default:
			w.Header().Set("Content-Type", "application/scim+json")
			_, _ = w.Write([]byte(`{"totalResults": 12345678901234567890, "id": "x"}`))
		}
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Config{BaseURL: srv.URL})
	ctx := context.Background()

	r, err := c.Do(ctx, Request{Path: "/ok"}, nil)
	require.NoError(t, err)
	m, err := r.Object()
	require.NoError(t, err)
	assert.Equal(t, json.Number("12345678901234567890"), m["totalResults"])

	r, err = c.Do(ctx, Request{Path: "/html"}, nil)
	require.NoError(t, err)
	_, err = r.Object()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "expected JSON from GET "+srv.URL+"/html, got 200 text/html: \"<html><head><title>Login</title>")
	assert.Contains(t, err.Error(), "…")
	assert.Less(t, len(err.Error()), 200)

	r, err = c.Do(ctx, Request{Path: "/empty"}, nil)
	require.NoError(t, err)
	err = r.JSON(&m)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "got 204 without Content-Type with an empty body")

	r, err = c.Do(ctx, Request{Path: "/array"}, nil)
	require.NoError(t, err)
	_, err = r.Object()
	assert.ErrorContains(t, err, "expected a JSON object from GET "+srv.URL+"/array, got an array")

	r, err = c.Do(ctx, Request{Path: "/trailing"}, nil)
	require.NoError(t, err)
	_, err = r.Object()
	assert.ErrorContains(t, err, "with more after it")
}

func TestRecordWritesForeignExchangesRedacted(t *testing.T) {
	var tr testutil.SyncBuffer
	c, err := New(Config{BaseURL: "http://127.0.0.1:1/scim/v2", BearerToken: "tok-secret-1", Transcript: &tr})
	require.NoError(t, err)
	rec := &recorder{}
	require.NoError(t, c.Record(rec, suites.Exchange{Method: "POST", URL: "http://127.0.0.1:1/saml/acs",
		RequestBody: "SAMLResponse with tok-secret-1", RequestHeaders: map[string]string{"X": "tok-secret-1"}, Status: 303}))
	require.Len(t, rec.all(), 1)
	assert.NotContains(t, rec.all()[0].RequestBody, "tok-secret-1")
	assert.NotContains(t, rec.all()[0].RequestHeaders["X"], "tok-secret-1")
	assert.Contains(t, tr.String(), `"url":"http://127.0.0.1:1/saml/acs"`)
	assert.NotContains(t, tr.String(), "tok-secret-1")
}
