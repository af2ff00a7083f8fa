package reports

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The curl script sends the recorded requests, takes the ids the target
// assigns from its answers, and keeps JSON bodies literal ($ref, quotes).
func TestReplayCurlScriptRuns(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl on this machine")
	}
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Authorization")+" "+string(b))
		mu.Unlock()
		if r.Method == "POST" {
			w.WriteHeader(201)
			_, _ = w.Write([]byte(`{"id":"new-7","members":[{"value":"x"}]}`))
		}
	}))
	defer srv.Close()
	rp := Replay{SchemaVersion: SchemaVersion, Check: "SCIM-X-001", Title: "t", Status: "failed", Reason: "why\nmore",
		Target: "https://recorded.example/scim", Steps: []ReplayStep{
			{Method: "POST", Path: "/Groups", Body: `{"displayName":"it's \"q\" $HOME` + "`x`" + `","members":[{"$ref":null,"value":"u1"}]}`,
				Headers: map[string]string{"Content-Type": "application/scim+json"}, Status: 201, Response: `{"id":"old-1"}`},
			{Method: "PATCH", Path: "/Groups/old-1?attributes=displayName", Body: `{"Operations":[{"op":"add","path":"members","value":[{"value":"old-1"}]}]}`, Status: 200},
			{Method: "GET", Path: "/Groups/old-1", Status: 200},
		}}
	script := filepath.Join(t.TempDir(), "replay.sh")
	require.NoError(t, os.WriteFile(script, rp.Curl(), 0o755))
	cmd := exec.Command("bash", script)
	cmd.Env = append(os.Environ(), "SCIM_URL="+srv.URL, "SCIM_TOKEN=tok-1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	require.Len(t, got, 3, string(out))
	assert.Equal(t, `POST /Groups Bearer tok-1 {"displayName":"it's \"q\" $HOME`+"`x`"+`","members":[{"$ref":null,"value":"u1"}]}`, got[0])
	assert.Equal(t, `PATCH /Groups/new-7?attributes=displayName Bearer tok-1 {"Operations":[{"op":"add","path":"members","value":[{"value":"new-7"}]}]}`, got[1])
	assert.Equal(t, "GET /Groups/new-7 Bearer tok-1 ", got[2])
}
