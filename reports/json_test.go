package reports

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/suites"
)

func TestJSONGolden(t *testing.T) {
	got := render(t, func(b *bytes.Buffer) error { return JSON(b, sampleReport()) })
	golden(t, "report.json", got)
}

func TestJSONShape(t *testing.T) {
	data := render(t, func(b *bytes.Buffer) error { return JSON(b, sampleReport()) })
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	assert.EqualValues(t, 1, doc["schema_version"])
	run := doc["run"].(map[string]any)
	assert.Equal(t, "2026-03-01T10:00:00Z", run["started"])
	assert.Equal(t, "2026-03-01T10:00:42.5Z", run["finished"])
	assert.EqualValues(t, 1234567890123, run["seed"], "seed is a number")
	assert.Equal(t, map[string]any{
		"total": 6.0, "passed": 2.0, "failed": 1.0, "warning": 1.0, "skipped": 1.0, "error": 1.0,
	}, doc["summary"])

	checks := doc["checks"].([]any)
	require.Len(t, checks, 6)
	misc := checks[5].(map[string]any)
	assert.Equal(t, []any{}, misc["labels"], "empty lists are [] not null")
	assert.Equal(t, []any{}, misc["exchanges"])
	assert.Equal(t, []any{}, misc["covers"])
	assert.EqualValues(t, 1, misc["duration_ms"])
	fail := checks[1].(map[string]any)
	assert.Equal(t, "failed", fail["status"])
	ex := fail["exchanges"].([]any)[1].(map[string]any)
	assert.Equal(t, hostileBody, ex["response_body"], "JSON keeps bodies exactly")

	// Fixed field order.
	s := string(data)
	order := []string{`"schema_version"`, `"run"`, `"summary"`, `"checks"`}
	last := -1
	for _, k := range order {
		i := strings.Index(s, k)
		assert.Greater(t, i, last, k)
		last = i
	}
	assert.True(t, strings.HasPrefix(s, "{\n  \"schema_version\": 1,\n"))
}

func TestJSONEmptyReport(t *testing.T) {
	data := render(t, func(b *bytes.Buffer) error { return JSON(b, suites.Report{}) })
	assert.Contains(t, string(data), `"checks": []`)
	assert.Contains(t, string(data), `"started": null`)
	r, err := ReadJSON(bytes.NewReader(data))
	require.NoError(t, err)
	assert.Empty(t, r.Results)
	assert.True(t, r.Run.Started.IsZero())
}

func TestReadJSONRoundTrip(t *testing.T) {
	first := render(t, func(b *bytes.Buffer) error { return JSON(b, sampleReport()) })
	r, err := ReadJSON(bytes.NewReader(first))
	require.NoError(t, err)
	second := render(t, func(b *bytes.Buffer) error { return JSON(b, r) })
	assert.Equal(t, string(first), string(second))

	want := sampleReport()
	assert.Equal(t, want.Run, r.Run)
	require.Len(t, r.Results, len(want.Results))
	assert.Equal(t, want.Results[1].Reason, r.Results[1].Reason)
	assert.Equal(t, want.Results[1].Exchanges, r.Results[1].Exchanges)
	assert.Equal(t, want.Results[2].Duration, r.Results[2].Duration)
	assert.Equal(t, want.Results[4].Status, r.Results[4].Status)

	// The other reporters give the same output from the read-back report,
	// except for sub-millisecond durations, which report.json rounds.
	r.Results[5].Duration = want.Results[5].Duration
	for _, f := range []func(*bytes.Buffer, suites.Report) error{
		func(b *bytes.Buffer, r suites.Report) error { return JUnit(b, r) },
		func(b *bytes.Buffer, r suites.Report) error { return HTML(b, r) },
	} {
		a := render(t, func(b *bytes.Buffer) error { return f(b, want) })
		b := render(t, func(b *bytes.Buffer) error { return f(b, r) })
		assert.Equal(t, string(a), string(b))
	}
}

func TestReadJSONErrors(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string
	}{
		{"empty", "  \n", []string{"input is empty"}},
		{"xml", "<?xml version=\"1.0\"?>\n<testsuites/>", []string{"line 1, column 1", "invalid character '<'", `near "<?xml`}},
		{"syntax", "{\n  \"schema_version\": 1,\n  \"run\": {,\n}", []string{"line 3, column 11", "invalid character ','"}},
		{"truncated", "{\n  \"schema_version\": 1,\n  \"checks\": [", []string{"line 3", "truncated"}},
		{"array", "[1, 2]", []string{"line 1", "array value where a report object was expected"}},
		{"wrong type", "{\"schema_version\": 1, \"run\": {\"seed\": \"42\"}}", []string{"field run.seed", "string value cannot be uint64"}},
		{"no version", `{"run": {}, "checks": []}`, []string{"no schema_version", "not a provcheck report.json"}},
		{"future version", `{"schema_version": 2, "checks": []}`, []string{"schema_version 2 is not supported"}},
		{"bad status", `{"schema_version": 1, "checks": [{"id": "X-1", "status": "flaky"}]}`, []string{"checks[0] (X-1)", `unknown status "flaky"`}},
		{"no id", `{"schema_version": 1, "checks": [{"status": "passed"}]}`, []string{"checks[0] has no id"}},
		{"bad time", `{"schema_version": 1, "run": {"started": "yesterday"}}`, []string{`time "yesterday" is not RFC 3339`}},
		{"trailing", "{\"schema_version\": 1}\n{\"schema_version\": 1}", []string{"line 2, column 1", "unexpected data after the report"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadJSON(strings.NewReader(c.in))
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), "parse report json: "), err.Error())
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestReadJSONIgnoresUnknownFields(t *testing.T) {
	r, err := ReadJSON(strings.NewReader(`{"schema_version": 1, "added_later": true, "checks": [{"id": "X-1", "status": "passed", "new": 1}]}`))
	require.NoError(t, err)
	require.Len(t, r.Results, 1)
	assert.Equal(t, suites.Passed, r.Results[0].Status)
}

func TestReadJSONFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "report.json")
	require.NoError(t, os.WriteFile(good, render(t, func(b *bytes.Buffer) error { return JSON(b, sampleReport()) }), 0o644))
	r, err := ReadJSONFile(good)
	require.NoError(t, err)
	assert.Len(t, r.Results, 6)

	bad := filepath.Join(dir, "junit.xml")
	require.NoError(t, os.WriteFile(bad, []byte("<testsuites/>"), 0o644))
	_, err = ReadJSONFile(bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), bad+": parse report json: line 1, column 1")

	_, err = ReadJSONFile(filepath.Join(dir, "missing.json"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "open report")
}
