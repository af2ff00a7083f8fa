package runner

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

func TestRunWritesReportsAndCleansUp(t *testing.T) {
	ref, err := reftarget.Start(reftarget.Options{})
	require.NoError(t, err)
	defer ref.Close()
	dir := t.TempDir()
	out, err := Run(context.Background(), Config{
		Target:    target.Config{BaseURL: ref.URL, BearerToken: ref.Token},
		Selection: suites.Selection{Run: []string{"SCIM-USERS"}},
		OutDir:    dir,
		Parallel:  2,
	})
	require.NoError(t, err)
	for _, f := range []string{"junit.xml", "report.json", "report.html", "transcript.jsonl"} {
		_, err := os.Stat(filepath.Join(dir, f))
		assert.NoError(t, err, f)
	}
	raw, err := os.ReadFile(out.Ledger)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"type":"Users"`, "every user the checks created is in the ledger")
	left, err := target.ReadLedger(out.Ledger)
	require.NoError(t, err)
	assert.Empty(t, left, "everything the run created is deleted")
	for _, r := range out.Report.Results {
		assert.NotEqual(t, suites.Failed, r.Status, "%s: %s", r.ID, r.Reason)
	}
}

func TestRunInterruptedStillCleansUp(t *testing.T) {
	ref, err := reftarget.Start(reftarget.Options{})
	require.NoError(t, err)
	defer ref.Close()
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	n := 0
	out, err := Run(ctx, Config{
		Target:   target.Config{BaseURL: ref.URL, BearerToken: ref.Token},
		OutDir:   dir,
		Parallel: 1,
		Progress: func(done, total int, r suites.Result) {
			n++
			if n == 20 {
				cancel()
			}
		},
	})
	require.NoError(t, err)
	assert.True(t, out.Interrupted)
	left, err := target.ReadLedger(out.Ledger)
	require.NoError(t, err)
	assert.Empty(t, left, "an interrupted run still deletes what it created")
	skipped := 0
	for _, r := range out.Report.Results {
		if r.Status == suites.Skipped && r.Reason == "run interrupted before this check started" {
			skipped++
		}
	}
	assert.Greater(t, skipped, 0, "checks after the interrupt are reported as not run")
}

func TestRunUnreachable(t *testing.T) {
	_, err := Run(context.Background(), Config{
		Target: target.Config{BaseURL: "http://127.0.0.1:1/scim/v2", BearerToken: "x", Retries: -1},
		OutDir: t.TempDir(),
	})
	require.ErrorIs(t, err, ErrUnreachable)
}
