package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain lets a test run this test binary as the provcheck program:
// with PROVCHECK_TEST_MAIN set, it calls main with the arguments after
// "--", as the built binary would (no go test flags parsed).
func TestMain(m *testing.M) {
	if os.Getenv("PROVCHECK_TEST_MAIN") == "1" {
		for i, a := range os.Args {
			if a == "--" {
				os.Args = append([]string{os.Args[0]}, os.Args[i+1:]...)
				break
			}
		}
		main()
		return
	}
	os.Exit(m.Run())
}

// readReport returns the seed and the status of SCIM-FUZZ-001 in a
// report.json.
func readReport(t *testing.T, dir string) (seed uint64, status, reason string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	require.NoError(t, err)
	var rep struct {
		Run struct {
			Seed uint64 `json:"seed"`
		} `json:"run"`
		Checks []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Reason string `json:"reason"`
		} `json:"checks"`
	}
	require.NoError(t, json.Unmarshal(data, &rep))
	for _, c := range rep.Checks {
		if c.ID == "SCIM-FUZZ-001" {
			return rep.Run.Seed, c.Status, c.Reason
		}
	}
	t.Fatalf("report.json has no SCIM-FUZZ-001")
	return 0, "", ""
}

// TestFuzzInTheBinary runs SCIM-FUZZ-001 in a separate process started
// like the built program: rapid needs testing.Init and a parsed flag set,
// which main provides. The seed is recorded and a run repeats with it.
func TestFuzzInTheBinary(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "--", "run", "--run", "SCIM-FUZZ-001", "--seed", "42",
		"--fuzz-sequences", "5", "--steps", "8", "--out", dir, "--no-color")
	cmd.Env = append(os.Environ(), "PROVCHECK_TEST_MAIN=1")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.NotContains(t, string(out), "panic")
	seed, status, reason := readReport(t, dir)
	assert.Equal(t, uint64(42), seed, "the seed given is recorded")
	assert.Equal(t, "passed", status, reason)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotEqual(t, "testdata", e.Name(), "rapid writes no fail files")
	}
}

func TestFuzzFlags(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := run(t, "run", "--run", "SCIM-FUZZ-001", "--fuzz-sequences", "3", "--steps", "5", "--out", dir)
	require.Equal(t, exitOK, code, stderr)
	seed, status, _ := readReport(t, dir)
	assert.NotZero(t, seed, "a random seed is picked and recorded")
	assert.Equal(t, "passed", status)

	code, _, stderr = run(t, "run", "--run", "SCIM-FUZZ-001", "--fault", "filter-cache-stale", "--seed", "11",
		"--fuzz-sequences", "400", "--steps", "5", "--shrink-time", "2s", "--out", dir)
	assert.Equal(t, exitFailed, code, stderr)
	_, status, reason := readReport(t, dir)
	assert.Equal(t, "failed", status)
	assert.Contains(t, reason, "minimal sequence")

	// The reproduction the reason names fails again, in its first sequence.
	m := regexp.MustCompile(`--seed (\d+) --steps (\d+) --fuzz-sequences 1`).FindStringSubmatch(reason)
	require.NotNil(t, m, reason)
	code, _, stderr = run(t, "run", "--run", "SCIM-FUZZ-001", "--fault", "filter-cache-stale", "--seed", m[1], "--steps", m[2],
		"--fuzz-sequences", "1", "--shrink-time", "1s", "--out", dir)
	assert.Equal(t, exitFailed, code, stderr)
	_, status, reason = readReport(t, dir)
	assert.Equal(t, "failed", status)
	assert.Contains(t, reason, "--seed "+m[1]+" ", "the first sequence, of that seed, fails")

	code, _, stderr = run(t, "run", "--steps", "-1")
	assert.Equal(t, exitUsage, code)
	oneLine(t, stderr)
}
