package target

import (
	"context"
	"github.com/provcheck/provcheck/internal/testutil"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCleanup(t *testing.T) {
	f := newFakeSCIM(t)
	transcript := &testutil.SyncBuffer{}
	c, _ := newTestClient(t, Config{BaseURL: f.url(), Transcript: transcript})
	ctx := context.Background()
	var ids []string
	for _, n := range []string{"a", "b", "c", "d"} {
		id, _ := createUser(t, c, n)
		ids = append(ids, id)
	}
	// One deleted by a check, one gone behind our back.
	_, err := c.Do(ctx, Request{Method: "DELETE", Path: "/Users/" + ids[0]}, nil)
	require.NoError(t, err)
	f.mu.Lock()
	delete(f.res, "/Users/"+ids[1])
	f.requests = nil
	f.mu.Unlock()

	rep, err := c.Cleanup(ctx)
	require.NoError(t, err)
	assert.Equal(t, CleanupReport{Deleted: 2, AlreadyGone: 1}, rep)
	assert.Equal(t, []string{"DELETE /scim/v2/Users/4", "DELETE /scim/v2/Users/3", "DELETE /scim/v2/Users/2"}, f.requests, "newest first")
	assert.Empty(t, c.Ledger().Live())
	for _, h := range f.headers[len(f.headers)-3:] {
		assert.Empty(t, h.Get("If-Match"))
	}
	assert.Contains(t, transcript.String(), `"method":"DELETE"`)

	rep, err = c.Cleanup(ctx)
	require.NoError(t, err)
	assert.Equal(t, CleanupReport{}, rep)
}

func TestCleanupFailures(t *testing.T) {
	var fail atomic.Bool
	f := newFakeSCIM(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "DELETE" && fail.Load() {
			w.WriteHeader(409)
			_, _ = w.Write([]byte(`{"detail":"locked"}`))
			return
		}
		f.ServeHTTP(w, r)
	}))
	defer srv.Close()
	f.srv = srv // locations point at the wrapper
	c, _ := newTestClient(t, Config{BaseURL: srv.URL + "/scim/v2"})
	createUser(t, c, "a")
	createUser(t, c, "b")
	fail.Store(true)
	rep, err := c.Cleanup(context.Background())
	require.Error(t, err)
	assert.Equal(t, CleanupReport{Failed: 2}, rep)
	assert.Contains(t, err.Error(), "clean-up: DELETE "+srv.URL+"/scim/v2/Users/2 answered 409: \"{\\\"detail\\\":\\\"locked\\\"}\"")
	assert.Len(t, c.Ledger().Live(), 2, "failures stay in the ledger")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err = c.Cleanup(ctx)
	require.Error(t, err)
	assert.Equal(t, CleanupReport{Failed: 2}, rep)
	assert.Contains(t, err.Error(), "clean-up stopped with 2 resources left")
}

func TestCleanupLedger(t *testing.T) {
	f := newFakeSCIM(t)
	path := filepath.Join(t.TempDir(), "run.ledger")
	l, err := OpenLedger(path)
	require.NoError(t, err)
	run, _ := newTestClient(t, Config{BaseURL: f.url(), RunID: "pcdead01", Ledger: l})
	createUser(t, run, "pc-user-pcdead01-a")
	createUser(t, run, "pc-user-PCDEAD01-b") // the server may change case
	reused, _ := createUser(t, run, "pc-user-pcdead01-c")
	gone, _ := createUser(t, run, "pc-user-pcdead01-d")
	require.NoError(t, l.Close()) // the run was interrupted here

	// Meanwhile: one resource deleted by someone, one id reused for a
	// resource that is not ours.
	f.mu.Lock()
	delete(f.res, "/Users/"+gone)
	f.res["/Users/"+reused] = map[string]any{"id": reused, "userName": "alice"}
	f.requests = nil
	f.mu.Unlock()

	c, _ := newTestClient(t, Config{BaseURL: f.url(), RunID: "pcnew001"})
	rep, err := CleanupLedger(context.Background(), c, path)
	require.Error(t, err)
	assert.Equal(t, CleanupReport{Deleted: 2, AlreadyGone: 1, Failed: 1}, rep)
	assert.Contains(t, err.Error(), "not deleting "+f.url()+"/Users/"+reused+": it no longer carries the run marker \"pcdead01\"")
	f.mu.Lock()
	assert.NotContains(t, f.requests, "DELETE /scim/v2/Users/"+reused)
	assert.Contains(t, f.res, "/Users/"+reused, "alice survives")
	f.mu.Unlock()

	// The file records what was done: only the refused entry is left.
	live, err := ReadLedger(path)
	require.NoError(t, err)
	require.Len(t, live, 1)
	assert.Equal(t, reused, live[0].ID)
}

func TestCleanupLedgerOtherTarget(t *testing.T) {
	f := newFakeSCIM(t)
	path := filepath.Join(t.TempDir(), "run.ledger")
	l, err := OpenLedger(path)
	require.NoError(t, err)
	require.NoError(t, l.Add(Entry{RunID: "pcx", Type: "Users", ID: "1", Location: f.url() + "/Users/1", Created: time.Now()}))
	require.NoError(t, l.Add(Entry{RunID: "pcx", Type: "Users", ID: "7", Location: "https://prod.example.com/scim/v2/Users/7", Created: time.Now()}))
	require.NoError(t, l.Close())

	c, _ := newTestClient(t, Config{BaseURL: f.url()})
	_, err = CleanupLedger(context.Background(), c, path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ledger entry https://prod.example.com/scim/v2/Users/7 (Users 7) is not on target "+f.url())
	assert.True(t, strings.HasPrefix(err.Error(), "nothing deleted: "))
	assert.Empty(t, f.requests)
}

func TestCleanupLedgerOwnFile(t *testing.T) {
	f := newFakeSCIM(t)
	path := filepath.Join(t.TempDir(), "run.ledger")
	l, err := OpenLedger(path)
	require.NoError(t, err)
	defer l.Close()
	c, _ := newTestClient(t, Config{BaseURL: f.url(), RunID: "pcown001", Ledger: l})
	createUser(t, c, "pc-user-pcown001-a")
	rep, err := CleanupLedger(context.Background(), c, path)
	require.NoError(t, err)
	assert.Equal(t, CleanupReport{Deleted: 1}, rep)
	assert.Empty(t, l.Live())
}
