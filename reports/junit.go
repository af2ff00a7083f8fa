package reports

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/provcheck/provcheck/suites"
)

// JUnitOptions change how results map onto JUnit.
type JUnitOptions struct {
	// Strict reports warnings (violated SHOULDs) as failures, as the CLI's
	// --strict flag does. Without it a warning is a passed test case whose
	// system-out says WARNING.
	Strict bool
}

// JUnit writes r as JUnit XML with the default options. See JUnitWith.
func JUnit(w io.Writer, r suites.Report) error {
	return JUnitWith(w, r, JUnitOptions{})
}

// JUnitWith writes r as JUnit XML, the dialect Jenkins, GitLab and the GitHub
// test reporters read: one <testsuites name="provcheck">, one <testsuite> per
// area (named provcheck/<area>, in the order areas first appear) carrying the
// run's properties, and one <testcase name="<ID> <Title>"> per result. A failed
// check becomes <failure type="<level>">, a harness or transport error
// <error type="harness">, a skipped check <skipped message="<reason>">; logs go
// to <system-out>. Texts are written as CDATA. Characters XML 1.0 cannot carry are replaced by visible
// escapes, so the output is always well-formed.
func JUnitWith(w io.Writer, r suites.Report, opts JUnitOptions) error {
	if err := validate(r); err != nil {
		return fmt.Errorf("junit report: %w", err)
	}
	doc := buildJUnit(r, opts)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode junit xml: %w", err)
	}
	buf.WriteByte('\n')
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write junit xml: %w", err)
	}
	return nil
}

type junitTestsuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Skipped  int              `xml:"skipped,attr"`
	Time     string           `xml:"time,attr"`
	Suites   []junitTestsuite `xml:"testsuite"`
}

type junitTestsuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Timestamp  string           `xml:"timestamp,attr,omitempty"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitTestcase  `xml:"testcase"`
}

type junitProperties struct {
	Props []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestcase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

// junitText is element content written as CDATA, so multi-line text stays
// readable in the file; the encoder splits any "]]>" in it.
type junitText struct {
	Text string `xml:",cdata"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

func buildJUnit(r suites.Report, opts JUnitOptions) junitTestsuites {
	doc := junitTestsuites{Name: "provcheck"}
	props := junitRunProperties(r.Run)
	var total time.Duration
	for _, g := range groupByArea(r.Results) {
		s := junitTestsuite{
			Name:       printable("provcheck/" + g.Name),
			Timestamp:  formatTime(r.Run.Started),
			Properties: props,
		}
		var d time.Duration
		for _, res := range g.Results {
			tc := junitCase(res, g.Name, opts)
			s.Tests++
			switch {
			case tc.Failure != nil:
				s.Failures++
			case tc.Error != nil:
				s.Errors++
			case tc.Skipped != nil:
				s.Skipped++
			}
			d += res.Duration
			s.Cases = append(s.Cases, tc)
		}
		s.Time = seconds(d)
		total += d
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		doc.Suites = append(doc.Suites, s)
	}
	// The run's wall time when known: checks may run in parallel, so the sum
	// of their durations can exceed it.
	if d := runDuration(r.Run); d > 0 {
		total = d
	}
	doc.Time = seconds(total)
	return doc
}

func junitRunProperties(ri suites.RunInfo) *junitProperties {
	return &junitProperties{Props: []junitProperty{
		{Name: "target", Value: printable(ri.Target)},
		{Name: "seed", Value: strconv.FormatUint(ri.Seed, 10)},
		{Name: "version", Value: printable(ri.Version)},
		{Name: "dialect", Value: printable(ri.Dialect)},
	}}
}

func junitCase(res suites.Result, area string, opts JUnitOptions) junitTestcase {
	tc := junitTestcase{
		Name:      printable(strings.TrimSpace(res.ID + " " + res.Title)),
		Classname: printable("provcheck." + area),
		Time:      seconds(res.Duration),
	}
	var out []string
	switch {
	case res.Baseline != "" && (res.Status == suites.Failed || res.Status == suites.Warning):
		tc.Skipped = &junitSkipped{Message: printable("known deviation (baseline): " + oneLine(res.Baseline))}
		out = append(out, strings.ToUpper(string(res.Status))+" (excused by the baseline): "+strings.TrimRight(problemText(res), "\n"))
	case res.Status == suites.Failed:
		tc.Failure = &junitProblem{
			Message: printable(orDefault(firstLine(res.Reason), "check failed")),
			Type:    string(res.Level),
			Text:    printable(problemText(res)),
		}
	case res.Status == suites.Warning:
		if opts.Strict {
			tc.Failure = &junitProblem{
				Message: printable("WARNING: " + orDefault(firstLine(res.Reason), "check warned")),
				Type:    string(res.Level),
				Text:    printable(problemText(res)),
			}
		} else {
			out = append(out, "WARNING: "+strings.TrimRight(problemText(res), "\n"))
		}
	case res.Status == suites.Skipped:
		tc.Skipped = &junitSkipped{Message: printable(res.Reason)}
	case res.Status == suites.Error:
		tc.Error = &junitProblem{
			Message: printable(orDefault(firstLine(res.Reason), "harness error")),
			Type:    "harness",
			Text:    printable(problemText(res)),
		}
	}
	if len(res.Logs) > 0 {
		out = append(out, "logs:\n"+strings.Join(res.Logs, "\n"))
	}
	if len(out) > 0 {
		tc.SystemOut = &junitText{Text: printable(strings.Join(out, "\n\n") + "\n")}
	}
	return tc
}

// problemText is the body of a failure or error: the full reason, the rule
// and a compact list of the exchanges.
func problemText(res suites.Result) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(res.Reason, "\n"))
	b.WriteString("\n")
	if rule := ruleText(res.Spec, res.Rule); rule != "" {
		fmt.Fprintf(&b, "\nrule (%s): %s\n", res.Level, rule)
	}
	if len(res.Exchanges) > 0 {
		b.WriteString("\nexchanges:\n")
		for i, e := range res.Exchanges {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, exchangeLine(e))
		}
	}
	return b.String()
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// seconds formats d as seconds with millisecond precision, as JUnit wants.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}
