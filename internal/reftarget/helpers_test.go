package reftarget

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	testToken = "test-token"
	testBase  = "http://example.com/scim/v2"
)

// client drives a Server in-process.
type client struct {
	t     testing.TB
	s     *Server
	token string
}

// resp is a recorded response.
type resp struct {
	code   int
	header http.Header
	raw    string
	body   map[string]any
}

func newClient(t testing.TB, faults ...Fault) *client {
	t.Helper()
	return &client{t: t, s: New(Options{Token: testToken, Faults: faults}), token: testToken}
}

func newClientOpts(t testing.TB, opts Options) *client {
	t.Helper()
	if opts.Token == "" {
		opts.Token = testToken
	}
	return &client{t: t, s: New(opts), token: opts.Token}
}

// frozenClock returns a clock that does not advance unless told to.
func frozenClock() (func() time.Time, func(time.Duration)) {
	var mu sync.Mutex
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	return func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return now
		}, func(d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			now = now.Add(d)
		}
}

// do sends a request; body may be nil, a string (sent as is) or a value
// (JSON-encoded). hdr are "Name: value" pairs.
func (c *client) do(method, path string, body any, hdr ...string) *resp {
	c.t.Helper()
	var payload string
	switch b := body.(type) {
	case nil:
	case string:
		payload = b
	default:
		raw, err := json.Marshal(b)
		require.NoError(c.t, err)
		payload = string(raw)
	}
	req := httptest.NewRequest(method, testBase+path, strings.NewReader(payload))
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	for _, h := range hdr {
		k, v, ok := strings.Cut(h, ":")
		require.True(c.t, ok, "bad header %q", h)
		if strings.TrimSpace(v) == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, strings.TrimSpace(v))
		}
	}
	rec := httptest.NewRecorder()
	c.s.ServeHTTP(rec, req)
	r := &resp{code: rec.Code, header: rec.Header(), raw: rec.Body.String()}
	if strings.TrimSpace(r.raw) != "" && strings.Contains(rec.Header().Get("Content-Type"), "json") {
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err == nil {
			r.body = m
		}
	}
	return r
}

// must asserts the status code and returns the response.
func (r *resp) must(t testing.TB, code int) *resp {
	t.Helper()
	require.Equal(t, code, r.code, "body: %s", r.raw)
	return r
}

func (r *resp) str(path string) string {
	v, _ := r.get(path).(string)
	return v
}

// get follows a dotted path ("meta.version", "emails.0.value").
func (r *resp) get(path string) any {
	return dig(r.body, path)
}

func dig(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch t := v.(type) {
		case map[string]any:
			v = t[p]
		case []any:
			var i int
			if _, err := fmt.Sscanf(p, "%d", &i); err != nil || i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

func (r *resp) resources() []map[string]any {
	arr, _ := r.body["Resources"].([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, e := range arr {
		m, _ := e.(map[string]any)
		out = append(out, m)
	}
	return out
}

// userNames lists the userName (or displayName) of each listed resource.
func (r *resp) names() []string {
	var out []string
	for _, m := range r.resources() {
		if n, ok := m["userName"].(string); ok {
			out = append(out, n)
		} else if n, ok := m["displayName"].(string); ok {
			out = append(out, n)
		}
	}
	return out
}

func user(userName string, extra ...any) map[string]any {
	m := map[string]any{"schemas": []any{uriUser}, "userName": userName}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	return m
}

func group(name string, memberIDs ...string) map[string]any {
	m := map[string]any{"schemas": []any{uriGroup}, "displayName": name}
	if len(memberIDs) > 0 {
		var ms []any
		for _, id := range memberIDs {
			ms = append(ms, map[string]any{"value": id})
		}
		m["members"] = ms
	}
	return m
}

func patchBody(ops ...map[string]any) map[string]any {
	arr := make([]any, len(ops))
	for i, o := range ops {
		arr[i] = o
	}
	return map[string]any{"schemas": []any{uriPatchOp}, "Operations": arr}
}

func op(name, path string, value any) map[string]any {
	m := map[string]any{"op": name}
	if path != "" {
		m["path"] = path
	}
	if value != nil {
		m["value"] = value
	}
	return m
}

// createUser creates a user and returns its id.
func (c *client) createUser(body map[string]any) string {
	c.t.Helper()
	r := c.do("POST", "/Users", body).must(c.t, http.StatusCreated)
	return r.str("id")
}

func (c *client) createGroup(body map[string]any) string {
	c.t.Helper()
	r := c.do("POST", "/Groups", body).must(c.t, http.StatusCreated)
	return r.str("id")
}

func requireSCIMError(t testing.TB, r *resp, code int, scimType string) {
	t.Helper()
	require.Equal(t, code, r.code, "body: %s", r.raw)
	require.NotNil(t, r.body, "error body must be JSON: %q", r.raw)
	require.Equal(t, []any{uriError}, r.body["schemas"])
	require.Equal(t, fmt.Sprint(code), r.body["status"])
	if scimType != "" {
		require.Equal(t, scimType, r.body["scimType"], "body: %s", r.raw)
	}
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

// ent follows a dotted path inside the enterprise extension object.
func (r *resp) ent(path string) any { return dig(r.body[uriEnterprise], path) }
