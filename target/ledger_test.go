package target

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func entry(n int) Entry {
	return Entry{RunID: "pcabc123", Type: "Users", ID: fmt.Sprint(n), Location: fmt.Sprintf("https://app.example.com/scim/v2/Users/%d", n),
		Created: time.Date(2026, 1, 2, 3, 4, n, 0, time.UTC)}
}

func fileLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

func TestLedgerFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.ledger")
	l, err := OpenLedger(path)
	require.NoError(t, err)
	assert.Equal(t, path, l.Path())
	for i := 1; i <= 3; i++ {
		require.NoError(t, l.Add(entry(i)))
	}
	// Each change is on disk as soon as Add returns.
	assert.Len(t, fileLines(t, path), 3)
	require.NoError(t, l.MarkDeleted("HTTPS://APP.example.com:443/scim/v2/Users/2/"))
	require.NoError(t, l.MarkDeleted("https://app.example.com/scim/v2/Users/unknown"), "unknown locations are a no-op")
	lines := fileLines(t, path)
	require.Len(t, lines, 4)
	var last Entry
	require.NoError(t, json.Unmarshal([]byte(lines[3]), &last))
	assert.True(t, last.Deleted)
	assert.Equal(t, "2", last.ID)
	assert.Contains(t, lines[0], `"run_id":"pcabc123"`)

	assert.True(t, l.Owns("https://app.example.com/scim/v2/Users/1"))
	assert.True(t, l.Owns("https://app.example.com/scim/v2/Users/2"), "deleted entries were still created by the run")
	assert.False(t, l.Owns("https://app.example.com/scim/v2/users/1"), "the path is case-sensitive")
	assert.False(t, l.Owns("https://app.example.com/scim/v2/Users/11"))
	assert.Equal(t, []Entry{entry(1), entry(3)}, l.Live())

	live, err := ReadLedger(path)
	require.NoError(t, err)
	assert.Equal(t, []Entry{entry(1), entry(3)}, live)

	require.NoError(t, l.Close())
	assert.ErrorContains(t, l.Add(entry(4)), "is closed")

	// Reopening appends and replays.
	l2, err := OpenLedger(path)
	require.NoError(t, err)
	defer l2.Close()
	assert.Equal(t, []Entry{entry(1), entry(3)}, l2.Live())
	require.NoError(t, l2.Add(entry(5)))
	live, err = ReadLedger(path)
	require.NoError(t, err)
	assert.Equal(t, []Entry{entry(1), entry(3), entry(5)}, live)
}

func TestLedgerGarbage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.ledger")
	good, _ := json.Marshal(entry(1))
	require.NoError(t, os.WriteFile(path, []byte(string(good)+"\n\n<html>oops</html>\n"), 0o600))
	_, err := ReadLedger(path)
	require.Error(t, err)
	assert.Equal(t, "ledger "+path+" line 3: not a ledger entry: \"<html>oops</html>\"", err.Error())
	_, err = OpenLedger(path)
	assert.ErrorContains(t, err, "line 3")

	require.NoError(t, os.WriteFile(path, []byte(`{"run_id":"x","id":"1"}`+"\n"), 0o600))
	_, err = ReadLedger(path)
	assert.ErrorContains(t, err, "line 1: entry has no location")

	_, err = ReadLedger(filepath.Join(dir, "missing.ledger"))
	assert.ErrorContains(t, err, "missing.ledger: no such file or directory")
}

func TestLedgerConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.ledger")
	l, err := OpenLedger(path)
	require.NoError(t, err)
	defer l.Close()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, l.Add(entry(i)))
			if i%2 == 0 {
				assert.NoError(t, l.MarkDeleted(entry(i).Location))
			}
			_ = l.Owns(entry(i).Location)
			_ = l.Live()
		}()
	}
	wg.Wait()
	assert.Len(t, l.Live(), 25)
	live, err := ReadLedger(path)
	require.NoError(t, err)
	assert.Len(t, live, 25)
	for _, line := range fileLines(t, path) {
		assert.True(t, strings.HasPrefix(line, "{") && strings.HasSuffix(line, "}"), line)
	}
}

func TestMemoryLedger(t *testing.T) {
	l := NewMemoryLedger()
	assert.Empty(t, l.Path())
	require.NoError(t, l.Add(entry(1)))
	assert.True(t, l.Owns(entry(1).Location))
	require.NoError(t, l.MarkDeleted(entry(1).Location))
	assert.Empty(t, l.Live())
	assert.ErrorContains(t, l.Add(Entry{}), "no location")
	require.NoError(t, l.Close())
}
