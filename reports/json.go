package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/provcheck/provcheck/suites"
)

// SchemaVersion is the version of the report.json schema this package writes
// and reads. It changes only when a field is removed or its meaning changes;
// adding a field keeps it. SCHEMA.md documents the schema.
const SchemaVersion = 1

// jsonReport and the types below are the report.json schema. They are kept
// apart from the suites types so that the schema changes only on purpose.
type jsonReport struct {
	SchemaVersion int           `json:"schema_version"`
	Run           jsonRun       `json:"run"`
	Summary       jsonSummary   `json:"summary"`
	Dialects      []jsonVerdict `json:"dialects"`
	Checks        []jsonCheck   `json:"checks"`
}

// jsonVerdict is one IdP dialect's verdict (suites.DialectVerdicts).
type jsonVerdict struct {
	Dialect string      `json:"dialect"`
	Verdict string      `json:"verdict"`
	Summary jsonSummary `json:"summary"`
	Failing []string    `json:"failing"`
}

type jsonRun struct {
	Target   string       `json:"target"`
	Started  jsonTime     `json:"started"`
	Finished jsonTime     `json:"finished"`
	Seed     uint64       `json:"seed"`
	RunID    string       `json:"run_id"`
	Version  string       `json:"version"`
	Dialect  string       `json:"dialect"`
	Baseline jsonBaseline `json:"baseline"`
}

// jsonBaseline is the baseline a run was judged against.
type jsonBaseline struct {
	File    string   `json:"file"`
	Fixed   []string `json:"fixed"`
	Expired []string `json:"expired"`
}

type jsonSummary struct {
	Total   int `json:"total"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Warning int `json:"warning"`
	Skipped int `json:"skipped"`
	Error   int `json:"error"`
}

type jsonCheck struct {
	ID         string            `json:"id"`
	Title      string            `json:"title"`
	Spec       string            `json:"spec"`
	Rule       string            `json:"rule"`
	Level      string            `json:"level"`
	Kind       string            `json:"kind"`
	Labels     []string          `json:"labels"`
	Covers     []string          `json:"covers"`
	Status     string            `json:"status"`
	Reason     string            `json:"reason"`
	Baseline   string            `json:"baseline"`
	Logs       []string          `json:"logs"`
	Started    jsonTime          `json:"started"`
	DurationMS int64             `json:"duration_ms"`
	Exchanges  []suites.Exchange `json:"exchanges"`
}

// jsonTime is a time written as an RFC 3339 string in UTC with as many
// fractional digits as needed, or null for the zero time.
type jsonTime time.Time

// MarshalJSON writes t as an RFC 3339 UTC string, or null when zero.
func (t jsonTime) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	if tt.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + tt.UTC().Format(time.RFC3339Nano) + `"`), nil
}

// UnmarshalJSON reads an RFC 3339 string, or null (or "") as the zero time.
func (t *jsonTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = jsonTime{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("time must be an RFC 3339 string or null, got %s", b)
	}
	if s == "" {
		*t = jsonTime{}
		return nil
	}
	tt, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("time %q is not RFC 3339: %w", s, err)
	}
	*t = jsonTime(tt.UTC())
	return nil
}

// JSON writes r as report.json: the versioned, documented schema of
// SCHEMA.md, indented by two spaces, fields in a fixed order, times in RFC 3339
// UTC and empty lists as [] rather than null.
func JSON(w io.Writer, r suites.Report) error {
	if err := validate(r); err != nil {
		return fmt.Errorf("json report: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(toJSON(r)); err != nil {
		return fmt.Errorf("encode report json: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write report json: %w", err)
	}
	return nil
}

func toJSONSummary(sum suites.Summary) jsonSummary {
	return jsonSummary{
		Total:   sum.Total(),
		Passed:  sum[suites.Passed],
		Failed:  sum[suites.Failed],
		Warning: sum[suites.Warning],
		Skipped: sum[suites.Skipped],
		Error:   sum[suites.Error],
	}
}

func toJSON(r suites.Report) jsonReport {
	sum := suites.Summarize(r.Results)
	doc := jsonReport{
		SchemaVersion: SchemaVersion,
		Run: jsonRun{
			Target:   r.Run.Target,
			Started:  jsonTime(r.Run.Started),
			Finished: jsonTime(r.Run.Finished),
			Seed:     r.Run.Seed,
			RunID:    r.Run.RunID,
			Version:  r.Run.Version,
			Dialect:  r.Run.Dialect,
			Baseline: jsonBaseline{File: r.Run.Baseline.File, Fixed: nonNil(r.Run.Baseline.Fixed), Expired: nonNil(r.Run.Baseline.Expired)},
		},
		Summary:  toJSONSummary(sum),
		Dialects: []jsonVerdict{},
		Checks:   make([]jsonCheck, 0, len(r.Results)),
	}
	for _, v := range suites.DialectVerdicts(r) {
		doc.Dialects = append(doc.Dialects, jsonVerdict{Dialect: v.Dialect, Verdict: v.Verdict,
			Summary: toJSONSummary(v.Summary), Failing: nonNil(v.Failing)})
	}
	for _, res := range r.Results {
		doc.Checks = append(doc.Checks, jsonCheck{
			ID:         res.ID,
			Title:      res.Title,
			Spec:       res.Spec,
			Rule:       res.Rule,
			Level:      string(res.Level),
			Kind:       string(res.Kind),
			Labels:     nonNil(res.Labels),
			Covers:     nonNil(res.Covers),
			Status:     string(res.Status),
			Reason:     res.Reason,
			Baseline:   res.Baseline,
			Logs:       nonNil(res.Logs),
			Started:    jsonTime(res.Started),
			DurationMS: res.Duration.Milliseconds(),
			Exchanges:  nonNil(res.Exchanges),
		})
	}
	return doc
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ReadJSON parses a report.json written by JSON back into a report, for
// merging shards and comparing with a baseline. The summary in the file is
// derived data and is not read; unknown fields are ignored, so files from a
// later release with added fields still read. It fails on anything that is
// not a report of SchemaVersion, saying where in the input the problem is.
func ReadJSON(rd io.Reader) (suites.Report, error) {
	data, err := io.ReadAll(rd)
	if err != nil {
		return suites.Report{}, fmt.Errorf("read report json: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return suites.Report{}, errors.New("parse report json: input is empty")
	}
	var doc jsonReport
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return suites.Report{}, fmt.Errorf("parse report json: %w", locate(data, err))
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		off := end
		rest := data[off:]
		off += int64(len(rest) - len(bytes.TrimLeft(rest, " \t\r\n")))
		line, col := position(data, off)
		return suites.Report{}, fmt.Errorf("parse report json: line %d, column %d: unexpected data after the report%s", line, col, near(data, off))
	}
	switch {
	case doc.SchemaVersion == 0:
		return suites.Report{}, errors.New("parse report json: no schema_version: not a provcheck report.json")
	case doc.SchemaVersion != SchemaVersion:
		return suites.Report{}, fmt.Errorf("parse report json: schema_version %d is not supported (this provcheck reads %d)", doc.SchemaVersion, SchemaVersion)
	}
	r := suites.Report{
		Run: suites.RunInfo{
			Target:   doc.Run.Target,
			Started:  time.Time(doc.Run.Started),
			Finished: time.Time(doc.Run.Finished),
			Seed:     doc.Run.Seed,
			RunID:    doc.Run.RunID,
			Version:  doc.Run.Version,
			Dialect:  doc.Run.Dialect,
			Baseline: suites.BaselineInfo{File: doc.Run.Baseline.File, Fixed: nilIfEmpty(doc.Run.Baseline.Fixed), Expired: nilIfEmpty(doc.Run.Baseline.Expired)},
		},
		Results: make([]suites.Result, 0, len(doc.Checks)),
	}
	for i, c := range doc.Checks {
		if c.ID == "" {
			return suites.Report{}, fmt.Errorf("parse report json: checks[%d] has no id", i)
		}
		if !knownStatus(suites.Status(c.Status)) {
			return suites.Report{}, fmt.Errorf("parse report json: checks[%d] (%s) has unknown status %q", i, c.ID, c.Status)
		}
		r.Results = append(r.Results, suites.Result{
			ID:        c.ID,
			Title:     c.Title,
			Spec:      c.Spec,
			Rule:      c.Rule,
			Level:     suites.Level(c.Level),
			Kind:      suites.Kind(c.Kind),
			Labels:    c.Labels,
			Covers:    c.Covers,
			Status:    suites.Status(c.Status),
			Reason:    c.Reason,
			Baseline:  c.Baseline,
			Logs:      c.Logs,
			Started:   time.Time(c.Started),
			Duration:  time.Duration(c.DurationMS) * time.Millisecond,
			Exchanges: c.Exchanges,
		})
	}
	return r, nil
}

// ReadJSONFile reads the report.json at path with ReadJSON; errors name the file.
func ReadJSONFile(path string) (suites.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return suites.Report{}, fmt.Errorf("open report: %w", err)
	}
	defer f.Close()
	r, err := ReadJSON(f)
	if err != nil {
		return suites.Report{}, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// locate adds the line, the column and a snippet of the input to a decoding
// error that knows its byte offset.
func locate(data []byte, err error) error {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the offending byte; point at it.
		off = max(syn.Offset-1, 0)
	case errors.As(err, &typ):
		off = typ.Offset
		if typ.Field != "" {
			err = fmt.Errorf("field %s: %s value cannot be %s", typ.Field, typ.Value, typ.Type)
		} else {
			err = fmt.Errorf("%s value where a report object was expected", typ.Value)
		}
	case errors.Is(err, io.ErrUnexpectedEOF):
		off = int64(len(data))
		err = errors.New("input ends in the middle of the report (truncated file?)")
	}
	if off < 0 {
		return err
	}
	line, col := position(data, off)
	return fmt.Errorf("line %d, column %d: %w%s", line, col, err, near(data, off))
}

// position converts a byte offset into a 1-based line and column (in runes).
func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	col = utf8.RuneCount(before[start:]) + 1
	return line, col
}

// near quotes the line of the input around off: ` (near "...")`.
func near(data []byte, off int64) string {
	off = min(max(off, 0), int64(len(data)))
	lineStart := int64(bytes.LastIndexByte(data[:off], '\n') + 1)
	lineEnd := int64(len(data))
	if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
		lineEnd = off + int64(i)
	}
	start := max(off-20, lineStart)
	end := min(off+30, lineEnd)
	snippet := strings.TrimSpace(strings.ToValidUTF8(string(data[start:end]), "\uFFFD"))
	if snippet == "" {
		return ""
	}
	return fmt.Sprintf(" (near %q)", snippet)
}
