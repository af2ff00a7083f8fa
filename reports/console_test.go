package reports

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/suites"
)

func consoleRun(c *Console, r suites.Report, paths []string) {
	for i, res := range r.Results {
		c.Progress(i+1, len(r.Results), res)
	}
	c.Summary(r, paths)
}

func TestConsoleGolden(t *testing.T) {
	paths := []string{"provcheck-out/junit.xml", "provcheck-out/report.json", "provcheck-out/report.html"}
	for _, tc := range []struct {
		name string
		c    *Console
	}{
		{"console.txt", &Console{}},
		{"console-verbose.txt", &Console{Verbose: true}},
		{"console-color.txt", &Console{Color: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			tc.c.W = &buf
			consoleRun(tc.c, sampleReport(), paths)
			require.NoError(t, tc.c.Err())
			golden(t, tc.name, buf.Bytes())
		})
	}
}

func TestConsoleProgress(t *testing.T) {
	var buf bytes.Buffer
	c := NewConsole(&buf)
	r := sampleReport()
	c.Progress(12, 48, r.Results[0])
	assert.Equal(t, "[ 12/48] PASS SCIM-USERS-001 POST /Users with minimal body creates a user\n", buf.String())

	buf.Reset()
	c.Progress(3, 1200, r.Results[1])
	assert.Equal(t, "[   3/1200] FAIL SCIM-USERS-002 Duplicate userName is refused with 409\n"+
		"            expected status 409 Conflict for a duplicate userName\n", buf.String())

	buf.Reset()
	c.Progress(4, 0, r.Results[3])
	assert.Equal(t, "[  4] SKIP SCIM-BULK-001 Bulk request with two operations\n", buf.String(), "no reason for a skip unless verbose")

	buf.Reset()
	res := r.Results[1]
	res.Reason = "\x1b]0;owned\x07title\nsecond"
	c.Progress(1, 1, res)
	assert.Equal(t, "[  1/1] FAIL SCIM-USERS-002 Duplicate userName is refused with 409\n"+
		`        \x1b]0;owned\x07title`+"\n", buf.String(), "control characters never reach the terminal")
}

func TestConsoleSummary(t *testing.T) {
	var buf bytes.Buffer
	c := NewConsole(&buf)
	c.Summary(sampleReport(), []string{"out/junit.xml"})
	assert.Equal(t, `
provcheck 0.1.0-test against https://scim.example.test/scim/v2 (seed 1234567890123, dialect entra)
6 checks in 42.5s: 2 passed, 1 failed, 1 warning, 1 skipped, 1 error
  breaks with entra: 1 of 1 checks fail (SCIM-USERS-002)

Failed (1):
  SCIM-USERS-002  expected status 409 Conflict for a duplicate userName

Warnings (1):
  SCIM-PATCH-004  displayName was cleared instead of kept

Errors (1):
  SAML-SEC-XSW-4  post to ACS: dial tcp 10.0.0.7:443: connect: connection refused

Reports:
  out/junit.xml
`, buf.String())

	buf.Reset()
	c.Summary(suites.Report{}, nil)
	assert.Equal(t, "\nprovcheck (seed 0)\n0 checks: 0 passed, 0 failed, 0 warning, 0 skipped, 0 error\n", buf.String())
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errors.New("disk full")
}

func TestConsoleKeepsFirstWriteError(t *testing.T) {
	w := &failWriter{}
	c := NewConsole(w)
	r := sampleReport()
	c.Progress(1, 2, r.Results[0])
	c.Progress(2, 2, r.Results[1])
	require.Error(t, c.Err())
	assert.Contains(t, c.Err().Error(), "write console output: disk full")
	assert.Equal(t, 1, w.n, "no writes after the first failure")
}
