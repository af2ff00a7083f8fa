package runner

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/suites"
)

func writeBaseline(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "baseline.yaml")
	require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	return p
}

func TestLoadBaselineErrors(t *testing.T) {
	for name, tc := range map[string]struct{ text, want string }{
		"no reason":      {"entries:\n  - id: SCIM-USERS-001\n", "entry SCIM-USERS-001 has no reason"},
		"no id":          {"entries:\n  - reason: x\n", "entry 1 has no id"},
		"twice":          {"entries:\n  - {id: scim-users-001, reason: a}\n  - {id: SCIM-USERS-001, reason: b}\n", "SCIM-USERS-001 is listed twice"},
		"bad date":       {"entries:\n  - {id: SCIM-USERS-001, reason: a, expires: soon}\n", `expires "soon" is not a date`},
		"unknown key":    {"entries:\n  - {id: SCIM-USERS-001, reason: a, why: b}\n", "line 2: field why not found"},
		"not yaml":       {"entries: [\n", "did not find expected"},
		"not a baseline": {"- a\n- b\n", "cannot unmarshal"},
	} {
		_, err := LoadBaseline(writeBaseline(t, tc.text))
		if assert.Error(t, err, name) {
			assert.Contains(t, err.Error(), tc.want, name)
			assert.NotContains(t, err.Error(), "\n", "%s: one line", name)
		}
	}
	_, err := LoadBaseline(filepath.Join(t.TempDir(), "missing.yaml"))
	assert.ErrorContains(t, err, "no such file")
}

func TestBaselineApply(t *testing.T) {
	b, err := LoadBaseline(writeBaseline(t, `
target: https://scim.example.test
entries:
  - {id: SCIM-A-001, reason: "RFC 7644 §3.9: attributes ignored"}
  - {id: SCIM-A-002, reason: "a SHOULD"}
  - {id: SCIM-A-003, reason: "fixed since"}
  - {id: SCIM-A-004, reason: "lapsed", expires: 2026-01-01}
  - {id: SCIM-A-005, reason: "future", expires: 2027-01-01}
`))
	require.NoError(t, err)
	rs := []suites.Result{
		{ID: "SCIM-A-001", Status: suites.Failed},
		{ID: "SCIM-A-002", Status: suites.Warning},
		{ID: "SCIM-A-003", Status: suites.Passed},
		{ID: "SCIM-A-004", Status: suites.Failed},
		{ID: "SCIM-A-005", Status: suites.Error},
		{ID: "SCIM-A-006", Status: suites.Failed},
	}
	out := b.Apply(rs, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC))
	assert.Equal(t, []string{"SCIM-A-001", "SCIM-A-002"}, out.Known)
	assert.Equal(t, []string{"SCIM-A-003"}, out.Fixed)
	assert.Equal(t, []string{"SCIM-A-004"}, out.Expired)
	assert.Equal(t, "RFC 7644 §3.9: attributes ignored", rs[0].Baseline)
	assert.Empty(t, rs[3].Baseline, "an expired entry excuses nothing")
	assert.Empty(t, rs[4].Baseline, "a harness error is never excused")
	o := Outcome{Report: suites.Report{Results: rs}}
	assert.Equal(t, 3, o.Failing(false), "A-004, A-005 and A-006 are not excused")
	assert.Equal(t, 3, o.Failing(true), "the excused warning does not count in strict mode either")

	assert.ErrorContains(t, b.Check(Catalogue()), "baseline entry SCIM-A-001 names no check")
}

func TestBaselineFromReportRoundTrips(t *testing.T) {
	rep := suites.Report{Run: suites.RunInfo{Target: "https://scim.example.test"}, Results: []suites.Result{
		{ID: "SCIM-USERS-008", Spec: "RFC 7644 §3.3", Status: suites.Failed, Reason: "POST answered 201\nmore detail"},
		{ID: "SCIM-USERS-019", Status: suites.Warning, Reason: "kept"},
		{ID: "SCIM-USERS-001", Status: suites.Passed},
	}}
	b := BaselineFrom(rep)
	data, err := b.Marshal()
	require.NoError(t, err)
	p := writeBaseline(t, string(data))
	got, err := LoadBaseline(p)
	require.NoError(t, err)
	assert.Equal(t, "https://scim.example.test", got.Target)
	assert.Equal(t, []BaselineEntry{
		{ID: "SCIM-USERS-008", Reason: "RFC 7644 §3.3: POST answered 201"},
		{ID: "SCIM-USERS-019", Reason: "kept"},
	}, got.Entries)
	assert.NoError(t, got.Check(Catalogue()))
}
