package target

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"github.com/provcheck/provcheck/internal/testutil"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/provcheck/provcheck/suites"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// echoServer answers with everything it received, secrets included, and
// sets a cookie.
func echoServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Set-Cookie", "session=sess-cookie-value-42; HttpOnly")
		w.Header().Set("X-Echo-Auth", r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/scim+json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"headers": r.Header, "query": r.URL.RawQuery, "body": string(b), "password": "server-leaked-pw",
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRedaction(t *testing.T) {
	srv := echoServer(t)
	ctx := context.Background()
	const (
		user, pass = "scim-admin", "basic-p@ss/word"
		apiKey     = "api-key-0123456789"
		tenant     = "tenant-secret-xyz"
		override   = "Bearer per-request-bad-token"
		userPW     = "user-Pa55word!"
		patchPW    = "pw2" // short, but still redacted as a JSON value
	)
	transcript := &testutil.SyncBuffer{}
	rec := &recorder{}
	c, _ := newTestClient(t, Config{
		BaseURL: srv.URL + "/scim/v2", BasicUser: user, BasicPass: pass,
		Headers:    map[string]string{"X-Api-Key": apiKey, "X-Tenant": tenant},
		Transcript: transcript,
	})
	_, err := c.Do(ctx, Request{Method: "POST", Path: "/Users/.search",
		Query: url.Values{"k": {apiKey}},
		Body:  map[string]any{"userName": "u", "password": userPW, "note": "key is " + apiKey}}, rec)
	require.NoError(t, err)
	_, err = c.Do(ctx, Request{Method: "POST", Path: "/Users/.search", Auth: override,
		Body: `{"Operations":[{"op":"replace","path":"password","value":"` + patchPW + `"}],"echo":"per-request-bad-token"}`}, rec)
	require.NoError(t, err)
	_, err = c.Do(ctx, Request{Method: "POST", Path: "/Users/.search", Header: map[string]string{"Cookie": "sid=cookie-secret-99"}}, rec)
	require.NoError(t, err)

	exs := rec.all()
	require.Len(t, exs, 3)
	evidence, _ := json.Marshal(exs)
	cred := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	for _, secret := range []string{pass, cred, apiKey, tenant, "per-request-bad-token", userPW, `"` + patchPW + `"`,
		"server-leaked-pw", "sess-cookie-value-42", "cookie-secret-99", url.QueryEscape(pass)} {
		assert.NotContains(t, string(evidence), secret)
		assert.NotContains(t, transcript.String(), secret)
	}
	assert.Equal(t, "Basic [REDACTED]", exs[0].RequestHeaders["Authorization"])
	assert.Equal(t, "Basic [REDACTED]", exs[0].ResponseHeaders["X-Echo-Auth"], "secret values are redacted in any header")
	assert.Equal(t, "[REDACTED]", exs[0].RequestHeaders["X-Api-Key"])
	assert.Equal(t, "[REDACTED]", exs[0].ResponseHeaders["Set-Cookie"])
	assert.Equal(t, "Bearer [REDACTED]", exs[1].RequestHeaders["Authorization"])
	assert.Empty(t, exs[1].RequestHeaders["X-Api-Key"], "configured headers are credentials: not sent with Request.Auth")
	assert.Equal(t, "[REDACTED]", exs[2].RequestHeaders["Cookie"])
	assert.Contains(t, exs[0].URL, "k=[REDACTED]")
	assert.Contains(t, exs[0].RequestBody, `"password":"[REDACTED]"`)
	assert.Contains(t, exs[0].RequestBody, `"userName":"u"`, "the rest of the body stays")
	assert.Contains(t, exs[1].RequestBody, `"value":"[REDACTED]"`)

	// The transcript is one JSON exchange per line.
	lines := strings.Split(strings.TrimSpace(transcript.String()), "\n")
	require.Len(t, lines, 3)
	var ex suites.Exchange
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &ex))
	assert.Equal(t, "POST", ex.Method)
	assert.Equal(t, 200, ex.Status)

	// The Response itself is not redacted: checks see what the target sent.
	resp, err := c.Do(ctx, Request{Method: "POST", Path: "/Users/.search"}, nil)
	require.NoError(t, err)
	assert.Contains(t, string(resp.Body), "server-leaked-pw")
}

func TestRedactionBearerAndTruncation(t *testing.T) {
	srv := echoServer(t)
	rec := &recorder{}
	const token = "bearer-tok/en+value="
	c, _ := newTestClient(t, Config{BaseURL: srv.URL, BearerToken: token})
	big := strings.Repeat("é", 40_000) // 80,000 bytes
	_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/Users/.search", Body: big}, rec)
	require.NoError(t, err)
	ex := rec.all()[0]
	evidence, _ := json.Marshal(ex)
	assert.NotContains(t, string(evidence), token)
	assert.NotContains(t, string(evidence), `bearer-tok\/en+value=`)
	assert.Equal(t, "Bearer [REDACTED]", ex.RequestHeaders["Authorization"])
	assert.Less(t, len(ex.RequestBody), maxEvidenceBody+200)
	assert.Contains(t, ex.RequestBody, "[truncated by provcheck: 80000 bytes in total")
	assert.True(t, strings.HasPrefix(ex.RequestBody, "éé"))
	assert.GreaterOrEqual(t, ex.DurationMS, int64(0))
}

func TestRedactHeadersKeepsScheme(t *testing.T) {
	r := newRedactor()
	s := r.forExchange(nil, nil)
	h := s.headers(http.Header{"Authorization": {"SSWS abc"}, "Proxy-Authorization": {"opaque"}, "Accept": {"a", "b"}})
	assert.Equal(t, "SSWS [REDACTED]", h["Authorization"])
	assert.Equal(t, "[REDACTED]", h["Proxy-Authorization"])
	assert.Equal(t, "a, b", h["Accept"])
}
