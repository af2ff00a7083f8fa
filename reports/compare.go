package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"

	"github.com/provcheck/provcheck/suites"
)

// Named is one report in a comparison, with the name its column shows.
type Named struct {
	Name   string
	Report suites.Report
}

// Comparison is the vendor matrix: checks × targets, with per-area scores
// and a one-line verdict per target. It is a pure function of the reports.
type Comparison struct {
	Columns []CompareColumn `json:"targets"`
	Rows    []CompareRow    `json:"checks"`
}

// CompareColumn is one target (one report).
type CompareColumn struct {
	Name     string `json:"name"`
	Target   string `json:"target"`
	Dialects string `json:"dialects"`
	// Verdict is the one line a buyer forwards.
	Verdict string        `json:"verdict"`
	Areas   []CompareArea `json:"areas"`
	Summary jsonSummary   `json:"summary"`
}

// CompareArea scores one area of one target: the share of measured checks
// (passed, failed, warning) that passed.
type CompareArea struct {
	Area    string `json:"area"`
	Passed  int    `json:"passed"`
	Failed  int    `json:"failed"`
	Warning int    `json:"warning"`
	Skipped int    `json:"skipped"`
	Error   int    `json:"error"`
	// Measured is passed + failed + warning.
	Measured int `json:"measured"`
	// Score is 100·passed/measured, or -1 when nothing was measured.
	Score int `json:"score"`
}

// CompareRow is one check across the targets.
type CompareRow struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Area  string `json:"area"`
	Level string `json:"level"`
	// Statuses has one entry per column: the status, or "" when that run
	// did not include the check.
	Statuses []string `json:"statuses"`
}

// Compare builds the matrix. Rows follow the first report's order, then
// checks only later reports ran.
func Compare(reps []Named) Comparison {
	var c Comparison
	index := map[string]int{}
	for col, n := range reps {
		c.Columns = append(c.Columns, compareColumn(n))
		for _, r := range n.Report.Results {
			i, ok := index[r.ID]
			if !ok {
				i = len(c.Rows)
				index[r.ID] = i
				c.Rows = append(c.Rows, CompareRow{ID: r.ID, Title: r.Title, Area: areaOf(r.Labels), Level: string(r.Level),
					Statuses: make([]string, len(reps))})
			}
			c.Rows[i].Statuses[col] = string(r.Status)
		}
	}
	alignAreas(c.Columns)
	return c
}

// alignAreas gives every column the same areas in the same order (the
// union, sorted), so the score table lines up; an area a target did not
// run scores -1.
func alignAreas(cols []CompareColumn) {
	var all []string
	for _, col := range cols {
		for _, a := range col.Areas {
			if !slices.Contains(all, a.Area) {
				all = append(all, a.Area)
			}
		}
	}
	slices.Sort(all)
	for i, col := range cols {
		aligned := make([]CompareArea, len(all))
		for j, name := range all {
			aligned[j] = CompareArea{Area: name, Score: -1}
			for _, a := range col.Areas {
				if a.Area == name {
					aligned[j] = a
				}
			}
		}
		cols[i].Areas = aligned
	}
}

func compareColumn(n Named) CompareColumn {
	col := CompareColumn{Name: n.Name, Target: n.Report.Run.Target, Dialects: n.Report.Run.Dialect,
		Summary: toJSONSummary(suites.Summarize(n.Report.Results))}
	byArea := map[string]*CompareArea{}
	var areas []string
	for _, r := range n.Report.Results {
		a := areaOf(r.Labels)
		ca := byArea[a]
		if ca == nil {
			ca = &CompareArea{Area: a}
			byArea[a] = ca
			areas = append(areas, a)
		}
		// A failure a baseline excuses still counts: the baseline is the
		// target owner's note, the comparison is for whoever chooses.
		switch r.Status {
		case suites.Passed:
			ca.Passed++
		case suites.Failed:
			ca.Failed++
		case suites.Warning:
			ca.Warning++
		case suites.Skipped:
			ca.Skipped++
		case suites.Error:
			ca.Error++
		}
	}
	slices.Sort(areas)
	var failing []string
	for _, a := range areas {
		ca := byArea[a]
		ca.Score = -1
		ca.Measured = ca.Passed + ca.Failed + ca.Warning
		if ca.Measured > 0 {
			ca.Score = 100 * ca.Passed / ca.Measured
		}
		col.Areas = append(col.Areas, *ca)
		if ca.Failed > 0 {
			failing = append(failing, fmt.Sprintf("%s (%d)", a, ca.Failed))
		}
	}
	col.Verdict = verdictLine(suites.DialectVerdicts(n.Report), failing)
	return col
}

// verdictLine says in one line which IdP dialects work and which areas
// fail: "works with rfc and entra; breaks with okta; fails patch (2)".
func verdictLine(vs []suites.DialectVerdict, failing []string) string {
	var works, breaks, unmeasured []string
	for _, v := range vs {
		switch v.Status() {
		case suites.Failed:
			breaks = append(breaks, v.Dialect)
		case suites.Skipped:
			unmeasured = append(unmeasured, v.Dialect)
		default:
			works = append(works, v.Dialect)
		}
	}
	var parts []string
	if len(works) > 0 {
		parts = append(parts, "works with "+andList(works))
	}
	if len(breaks) > 0 {
		parts = append(parts, "breaks with "+andList(breaks))
	}
	if len(unmeasured) > 0 {
		parts = append(parts, "not measured for "+andList(unmeasured))
	}
	if len(failing) > 0 {
		parts = append(parts, "fails "+strings.Join(failing, ", "))
	} else {
		parts = append(parts, "no check fails")
	}
	return strings.Join(parts, "; ")
}

func andList(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// CompareJSON writes the comparison as indented JSON.
func CompareJSON(w io.Writer, c Comparison) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(struct {
		SchemaVersion int `json:"schema_version"`
		Comparison
	}{SchemaVersion, c}); err != nil {
		return fmt.Errorf("encode comparison json: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write comparison json: %w", err)
	}
	return nil
}

var compareTemplate = template.Must(template.New("compare.html.tmpl").Funcs(template.FuncMap{
	"label": func(st string) string {
		if st == "" {
			return "not run"
		}
		return statusLabels[suites.Status(st)]
	},
}).ParseFS(templateFS, "templates/compare.html.tmpl"))

// CompareHTML writes the comparison as one self-contained page with the
// same style and Content-Security-Policy as the run report.
func CompareHTML(w io.Writer, c Comparison) error {
	for i := range c.Columns {
		c.Columns[i].Name = printable(c.Columns[i].Name)
		c.Columns[i].Target = printable(c.Columns[i].Target)
		c.Columns[i].Verdict = printable(c.Columns[i].Verdict)
	}
	for i := range c.Rows {
		c.Rows[i].ID, c.Rows[i].Title = printable(c.Rows[i].ID), printable(c.Rows[i].Title)
	}
	var buf bytes.Buffer
	err := compareTemplate.Execute(&buf, struct {
		CSP   string
		Style template.CSS
		Comparison
	}{compareCSP, template.CSS(htmlStyle), c})
	if err != nil {
		return fmt.Errorf("render comparison html: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write comparison html: %w", err)
	}
	return nil
}

// compareCSP allows the page's inline style and nothing else.
var compareCSP = "default-src 'none'; style-src '" + cspHash(htmlStyle) + "'; base-uri 'none'; form-action 'none'"
