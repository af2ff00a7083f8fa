package target

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/provcheck/provcheck/internal/testutil"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tokenServer is a fake OAuth token endpoint and SCIM API in one.
type tokenServer struct {
	srv        *httptest.Server
	fetches    atomic.Int32
	formOnly   bool // refuse client_secret_basic with 401 invalid_client
	expiresIn  any  // expires_in in answers
	revokeNext bool // the API answers 401 once to the current token
	mu         sync.Mutex
	forms      []map[string]string // what the token endpoint received
	valid      string              // the token the API accepts
	apiAuth    []string            // Authorization headers the API saw
}

func newTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{expiresIn: 3600}
	ts.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		if r.URL.Path == "/oauth/token" {
			require.NoError(t, r.ParseForm())
			f := map[string]string{"content-type": r.Header.Get("Content-Type")}
			for k := range r.PostForm {
				f[k] = r.PostForm.Get(k)
			}
			id, secret, hasBasic := r.BasicAuth()
			if hasBasic { // RFC 6749 §2.3.1: both parts are form-encoded
				id, _ = url.QueryUnescape(id)
				secret, _ = url.QueryUnescape(secret)
				f["basic_id"], f["basic_secret"] = id, secret
			}
			ts.forms = append(ts.forms, f)
			w.Header().Set("Content-Type", "application/json")
			if hasBasic && ts.formOnly {
				w.WriteHeader(401)
				_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"use client_secret_post"}`))
				return
			}
			if !hasBasic {
				id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
			}
			if id != "my-client" || secret != "client-s3cret/+=" || r.PostForm.Get("grant_type") != "client_credentials" {
				w.WriteHeader(401)
				_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
				return
			}
			n := ts.fetches.Add(1)
			ts.valid = fmt.Sprintf("access-token-%d-abcdef", n)
			_ = json.NewEncoder(w).Encode(map[string]any{"access_token": ts.valid, "token_type": "bearer", "expires_in": ts.expiresIn})
			return
		}
		auth := r.Header.Get("Authorization")
		ts.apiAuth = append(ts.apiAuth, auth)
		if auth != "Bearer "+ts.valid || ts.revokeNext {
			ts.revokeNext = false
			w.WriteHeader(401)
			return
		}
		w.Header().Set("Content-Type", "application/scim+json")
		_, _ = w.Write([]byte(`{"echo":"` + ts.valid + `"}`))
	}))
	t.Cleanup(ts.srv.Close)
	return ts
}

func (ts *tokenServer) oauth() *OAuth {
	return &OAuth{TokenURL: ts.srv.URL + "/oauth/token", ClientID: "my-client", ClientSecret: "client-s3cret/+=", Scope: "scim"}
}

func TestOAuthClientCredentials(t *testing.T) {
	ts := newTokenServer(t)
	transcript := &testutil.SyncBuffer{}
	rec := &recorder{}
	c, _ := newTestClient(t, Config{BaseURL: ts.srv.URL + "/scim/v2", OAuth: ts.oauth(), Transcript: transcript})
	ctx := context.Background()

	// Concurrent first requests share one token fetch.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.Do(ctx, Request{Path: "/Users"}, rec)
			assert.NoError(t, err)
			assert.Equal(t, 200, resp.Status)
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), ts.fetches.Load(), "the token is cached")
	require.Len(t, ts.forms, 1)
	assert.Equal(t, "client_credentials", ts.forms[0]["grant_type"])
	assert.Equal(t, "scim", ts.forms[0]["scope"])
	assert.Equal(t, "application/x-www-form-urlencoded", ts.forms[0]["content-type"])
	assert.Equal(t, "my-client", ts.forms[0]["basic_id"], "client_secret_basic first")
	assert.Equal(t, "client-s3cret/+=", ts.forms[0]["basic_secret"])
	assert.Empty(t, ts.forms[0]["client_secret"])

	// A 401 with the cached token fetches a new one and retries once.
	ts.mu.Lock()
	ts.revokeNext = true
	ts.mu.Unlock()
	resp, err := c.Do(ctx, Request{Path: "/Users"}, rec)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)
	assert.Equal(t, int32(2), ts.fetches.Load())

	// A 401 to an explicitly invalid credential is the answer, not a refresh.
	resp, err = c.Do(ctx, Request{Path: "/Users", Auth: "Bearer nope-nope-nope"}, rec)
	require.NoError(t, err)
	assert.Equal(t, 401, resp.Status)
	assert.Equal(t, int32(2), ts.fetches.Load())

	// No token or client secret anywhere in the evidence.
	all, _ := json.Marshal(rec.all())
	for _, s := range []string{"access-token-1-abcdef", "access-token-2-abcdef", "client-s3cret", "nope-nope-nope"} {
		assert.NotContains(t, string(all), s)
		assert.NotContains(t, transcript.String(), s)
	}
	assert.Contains(t, transcript.String(), "/oauth/token", "token requests are in the transcript")
}

func TestOAuthFormFallbackAndExpiry(t *testing.T) {
	ts := newTokenServer(t)
	ts.formOnly = true
	ts.expiresIn = "120" // a string, as some servers send
	c, _ := newTestClient(t, Config{BaseURL: ts.srv.URL, OAuth: ts.oauth()})
	t0 := time.Now()
	now := t0
	c.now = func() time.Time { return now }
	ctx := context.Background()

	_, err := c.Do(ctx, Request{Path: "/Users"}, nil)
	require.NoError(t, err)
	require.Len(t, ts.forms, 2)
	assert.Equal(t, "my-client", ts.forms[1]["client_id"])
	assert.Equal(t, "client-s3cret/+=", ts.forms[1]["client_secret"])

	now = t0.Add(100 * time.Second) // before expiry minus the margin
	_, err = c.Do(ctx, Request{Path: "/Users"}, nil)
	require.NoError(t, err)
	assert.Equal(t, int32(1), ts.fetches.Load())
	assert.Len(t, ts.forms, 2, "the working style is remembered")

	now = t0.Add(115 * time.Second) // within the margin: refresh
	_, err = c.Do(ctx, Request{Path: "/Users"}, nil)
	require.NoError(t, err)
	assert.Equal(t, int32(2), ts.fetches.Load())
	assert.Len(t, ts.forms, 3)
}

func TestOAuthFailure(t *testing.T) {
	ts := newTokenServer(t)
	o := ts.oauth()
	o.ClientSecret = "wrong-secret"
	o.AuthStyle = "form"
	c, _ := newTestClient(t, Config{BaseURL: ts.srv.URL, OAuth: o})
	_, err := c.Do(context.Background(), Request{Path: "/Users"}, nil)
	require.Error(t, err)
	assert.Equal(t, "oauth token request to "+ts.srv.URL+"/oauth/token answered 401: invalid_client (check the client id, secret and --oauth-token-url)", err.Error())
	assert.NotContains(t, err.Error(), "wrong-secret")

	_, err = New(Config{BaseURL: "http://x", OAuth: &OAuth{TokenURL: "http://x/t", ClientID: "c", AuthStyle: "jwt"}})
	assert.ErrorContains(t, err, `oauth auth style "jwt"`)

	c, _ = newTestClient(t, Config{BaseURL: ts.srv.URL, OAuth: &OAuth{TokenURL: "http://127.0.0.1:1/token", ClientID: "c", ClientSecret: "s"}})
	_, err = c.Do(context.Background(), Request{Path: "/Users"}, nil)
	te := transportErr(t, err)
	assert.True(t, strings.HasSuffix(te.Error(), "is the server running and --oauth-token-url right?"), te.Error())
}
