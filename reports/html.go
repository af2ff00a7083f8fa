package reports

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/provcheck/provcheck/suites"
)

//go:embed templates/report.html.tmpl templates/report.css templates/report.js templates/compare.html.tmpl
var templateFS embed.FS

var (
	htmlTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{"count": count}).ParseFS(templateFS, "templates/report.html.tmpl"))
	htmlStyle    = mustRead("templates/report.css")
	htmlScript   = mustRead("templates/report.js")
	// htmlCSP allows exactly the inline style and script of the page and
	// nothing else: no network fetch of any kind, no other script.
	htmlCSP = "default-src 'none'; style-src '" + cspHash(htmlStyle) + "'; script-src '" + cspHash(htmlScript) +
		"'; img-src data:; base-uri 'none'; form-action 'none'"
)

// count says "1 check", "2 checks".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func mustRead(name string) string {
	b, err := templateFS.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("reports: embedded %s: %v", name, err))
	}
	return string(b)
}

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// HTML writes r as one self-contained HTML page: inline style and script, no
// fetch of anything from the network (a Content-Security-Policy forbids it).
// It shows the run, the totals per status with filter buttons (the page works
// without script, showing everything), and the checks grouped by area.
// Failures, warnings and errors are open with their reason, rule and HTTP
// exchanges; passed and skipped checks are collapsed. Every target-provided
// string is escaped by html/template; JSON bodies are pretty-printed.
func HTML(w io.Writer, r suites.Report) error {
	if err := validate(r); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, buildHTML(r)); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

type htmlView struct {
	CSP    string
	Style  template.CSS
	Script template.JS
	Run    htmlRun
	Total  int
	Totals []htmlCount
	// Dialects holds one verdict line per IdP dialect of the run.
	Dialects []htmlVerdict
	Areas    []htmlArea
}

type htmlVerdict struct {
	Status  string
	Verdict string
}

type htmlRun struct {
	Target, Version, Dialect, Started, Finished, Duration string
	Baseline                                              string
	Seed                                                  uint64
}

type htmlCount struct {
	Status string
	Label  string
	Count  int
}

type htmlArea struct {
	Name   string
	Anchor string
	Total  int
	Counts []htmlCount
	Checks []htmlCheck
}

type htmlCheck struct {
	Anchor      string
	ID          string
	Title       string
	Spec        string
	Rule        string
	Level       string
	Kind        string
	Status      string
	StatusLabel string
	Open        bool
	Reason      string
	Baseline    string
	Labels      []string
	Covers      []string
	Logs        []string
	Started     string
	Duration    string
	Exchanges   []htmlExchange
}

type htmlExchange struct {
	N           int
	Method      string
	URL         string
	Status      int
	StatusText  string
	DurationMS  int64
	Error       string
	ReqHeaders  []htmlHeader
	ReqBody     string
	RespHeaders []htmlHeader
	RespBody    string
}

type htmlHeader struct {
	Name, Value string
}

var statusLabels = map[suites.Status]string{
	suites.Passed:  "Passed",
	suites.Failed:  "Failed",
	suites.Warning: "Warning",
	suites.Skipped: "Skipped",
	suites.Error:   "Error",
}

func buildHTML(r suites.Report) htmlView {
	v := htmlView{
		CSP:    htmlCSP,
		Style:  template.CSS(htmlStyle), // our own embedded file, not report data
		Script: template.JS(htmlScript), // our own embedded file, not report data
		Run: htmlRun{
			Target:   printable(r.Run.Target),
			Version:  printable(r.Run.Version),
			Dialect:  printable(r.Run.Dialect),
			Baseline: printable(r.Run.Baseline.File),
			Started:  formatTime(r.Run.Started),
			Finished: formatTime(r.Run.Finished),
			Seed:     r.Run.Seed,
		},
		Total:  len(r.Results),
		Totals: counts(r.Results),
	}
	for _, d := range suites.DialectVerdicts(r) {
		st := d.Status()
		v.Dialects = append(v.Dialects, htmlVerdict{Status: string(st), Verdict: printable(d.Verdict)})
	}
	if d := runDuration(r.Run); d > 0 {
		v.Run.Duration = d.Round(time.Millisecond).String()
	}
	usedAnchors := map[string]bool{}
	for _, g := range groupByArea(r.Results) {
		a := htmlArea{
			Name:   printable(g.Name),
			Anchor: anchor("area-"+g.Name, usedAnchors),
			Total:  len(g.Results),
			Counts: counts(g.Results),
		}
		for _, res := range g.Results {
			a.Checks = append(a.Checks, htmlCheckOf(res, anchor("check-"+res.ID, usedAnchors)))
		}
		v.Areas = append(v.Areas, a)
	}
	return v
}

func counts(rs []suites.Result) []htmlCount {
	sum := suites.Summarize(rs)
	out := make([]htmlCount, 0, len(suites.Statuses))
	for _, st := range suites.Statuses {
		out = append(out, htmlCount{Status: string(st), Label: statusLabels[st], Count: sum[st]})
	}
	return out
}

func htmlCheckOf(res suites.Result, anchor string) htmlCheck {
	c := htmlCheck{
		Anchor:      anchor,
		ID:          printable(res.ID),
		Title:       printable(res.Title),
		Spec:        printable(res.Spec),
		Rule:        printable(res.Rule),
		Level:       string(res.Level),
		Kind:        string(res.Kind),
		Status:      string(res.Status),
		StatusLabel: statusLabels[res.Status],
		Open:        res.Status == suites.Failed || res.Status == suites.Warning || res.Status == suites.Error,
		Reason:      printable(strings.TrimRight(res.Reason, "\n")),
		Baseline:    printable(res.Baseline),
		Started:     formatTime(res.Started),
		Duration:    res.Duration.Round(time.Millisecond).String(),
	}
	for _, l := range res.Labels {
		c.Labels = append(c.Labels, printable(l))
	}
	for _, l := range res.Covers {
		c.Covers = append(c.Covers, printable(l))
	}
	for _, l := range res.Logs {
		c.Logs = append(c.Logs, printable(l))
	}
	for i, e := range res.Exchanges {
		c.Exchanges = append(c.Exchanges, htmlExchange{
			N:           i + 1,
			Method:      printable(e.Method),
			URL:         printable(e.URL),
			Status:      e.Status,
			StatusText:  http.StatusText(e.Status),
			DurationMS:  e.DurationMS,
			Error:       printable(e.Error),
			ReqHeaders:  headers(e.RequestHeaders),
			ReqBody:     prettyBody(e.RequestBody),
			RespHeaders: headers(e.ResponseHeaders),
			RespBody:    prettyBody(e.ResponseBody),
		})
	}
	return c
}

func headers(h map[string]string) []htmlHeader {
	out := make([]htmlHeader, 0, len(h))
	for k, v := range h {
		out = append(out, htmlHeader{Name: printable(k), Value: printable(v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// prettyBody indents a body that parses as JSON and makes any body printable.
func prettyBody(body string) string {
	trimmed := strings.TrimSpace(body)
	if trimmed != "" && (trimmed[0] == '{' || trimmed[0] == '[') && json.Valid([]byte(trimmed)) {
		var buf bytes.Buffer
		if json.Indent(&buf, []byte(trimmed), "", "  ") == nil {
			body = buf.String()
		}
	}
	return printable(body)
}

var notAnchorChar = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// anchor turns s into a unique HTML id made of safe characters.
func anchor(s string, used map[string]bool) string {
	base := strings.Trim(notAnchorChar.ReplaceAllString(s, "-"), "-")
	if base == "" {
		base = "x"
	}
	a := base
	for n := 2; used[a]; n++ {
		a = fmt.Sprintf("%s-%d", base, n)
	}
	used[a] = true
	return a
}
