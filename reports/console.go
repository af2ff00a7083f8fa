package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/provcheck/provcheck/suites"
)

// Console is the reporter for a terminal: a short line per finished check
// while the run goes, and a summary at the end. Target-provided text is shown
// with control characters escaped, so a hostile response cannot drive the
// terminal. A Console is safe for concurrent use; the first write error is kept
// and returned by Err.
type Console struct {
	// W receives the output.
	W io.Writer
	// Verbose also shows skip reasons, full multi-line reasons and logs.
	Verbose bool
	// Color wraps status words in ANSI colours.
	Color bool

	mu  sync.Mutex
	err error
}

// NewConsole returns a Console writing to w, without colour or verbosity.
func NewConsole(w io.Writer) *Console {
	return &Console{W: w}
}

// Err returns the first error met writing to W, if any.
func (c *Console) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Progress writes one line for a finished check, for example
//
//	[ 12/48] PASS SCIM-USERS-001 POST /Users with minimal body creates a user
//
// and, for a failure, a warning or an error, the first line of the reason
// indented below it. done counts the finished checks including this one; a
// total below 1 means unknown.
func (c *Console) Progress(done, total int, res suites.Result) {
	var b strings.Builder
	var prefix string
	if total > 0 {
		width := max(3, len(strconv.Itoa(total)))
		prefix = fmt.Sprintf("[%*d/%d]", width, done, total)
	} else {
		prefix = fmt.Sprintf("[%3d]", done)
	}
	b.WriteString(prefix + " " + c.word(res.Status) + " " + printable(oneLine(strings.TrimSpace(res.ID+" "+res.Title))) + "\n")
	indent := strings.Repeat(" ", len(prefix)+1)
	showReason := res.Status == suites.Failed || res.Status == suites.Warning || res.Status == suites.Error ||
		(c.Verbose && res.Status == suites.Skipped)
	if showReason && strings.TrimSpace(res.Reason) != "" {
		if c.Verbose {
			for _, l := range strings.Split(strings.TrimRight(printable(res.Reason), "\n"), "\n") {
				b.WriteString(strings.TrimRight(indent+l, " \t") + "\n")
			}
		} else {
			b.WriteString(indent + printable(firstLine(res.Reason)) + "\n")
		}
	}
	if c.Verbose {
		for _, l := range res.Logs {
			b.WriteString(indent + "log: " + printable(oneLine(l)) + "\n")
		}
	}
	c.write(b.String())
}

// Summary writes the end of run: the counts per status, the IDs of the failed,
// warning and error checks with the first line of their reason, and the report
// files written (paths, as WriteAll returns them).
func (c *Console) Summary(r suites.Report, paths []string) {
	var b strings.Builder
	sum := suites.Summarize(r.Results)
	b.WriteString("\n")
	head := "provcheck"
	if r.Run.Version != "" {
		head += " " + r.Run.Version
	}
	if r.Run.Target != "" {
		head += " against " + r.Run.Target
	}
	head += fmt.Sprintf(" (seed %d", r.Run.Seed)
	if r.Run.Dialect != "" {
		head += ", dialect " + r.Run.Dialect
	}
	head += ")"
	b.WriteString(printable(oneLine(head)) + "\n")

	counts := make([]string, 0, len(suites.Statuses))
	for _, st := range suites.Statuses {
		n := strconv.Itoa(sum[st]) + " " + string(st)
		if sum[st] > 0 && st != suites.Passed {
			n = c.paint(st, n)
		}
		counts = append(counts, n)
	}
	line := fmt.Sprintf("%d checks", len(r.Results))
	if d := runDuration(r.Run); d > 0 {
		line += " in " + d.Round(time.Millisecond).String()
	}
	b.WriteString(line + ": " + strings.Join(counts, ", ") + "\n")
	for _, v := range suites.DialectVerdicts(r) {
		st := v.Status()
		b.WriteString("  " + c.paint(st, printable(oneLine(v.Verdict))) + "\n")
	}

	for _, sec := range []struct {
		st    suites.Status
		title string
	}{{suites.Failed, "Failed"}, {suites.Warning, "Warnings"}, {suites.Error, "Errors"}} {
		var rs []suites.Result
		width := 0
		for _, res := range r.Results {
			if res.Status == sec.st && res.Baseline == "" {
				rs = append(rs, res)
				width = max(width, len(printable(oneLine(res.ID))))
			}
		}
		if len(rs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s (%d):\n", c.paint(sec.st, sec.title), len(rs))
		for _, res := range rs {
			line := fmt.Sprintf("  %-*s  %s", width, printable(oneLine(res.ID)), printable(firstLine(res.Reason)))
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		}
	}
	c.baselineSections(&b, r)
	if len(paths) > 0 {
		b.WriteString("\nReports:\n")
		for _, p := range paths {
			b.WriteString("  " + printable(oneLine(p)) + "\n")
		}
	}
	c.write(b.String())
}

func (c *Console) write(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.W == nil || c.err != nil {
		return
	}
	if _, err := io.WriteString(c.W, s); err != nil {
		c.err = fmt.Errorf("write console output: %w", err)
	}
}

// word is the four-letter status word, coloured when asked.
func (c *Console) word(st suites.Status) string {
	w, ok := statusWords[st]
	if !ok {
		w = "????"
	}
	return c.paint(st, w)
}

var statusWords = map[suites.Status]string{
	suites.Passed:  "PASS",
	suites.Failed:  "FAIL",
	suites.Warning: "WARN",
	suites.Skipped: "SKIP",
	suites.Error:   "ERR ",
}

var statusColors = map[suites.Status]string{
	suites.Passed:  "\x1b[32m",   // green
	suites.Failed:  "\x1b[1;31m", // bold red
	suites.Warning: "\x1b[33m",   // yellow
	suites.Skipped: "\x1b[2m",    // dim
	suites.Error:   "\x1b[1;35m", // bold magenta
}

func (c *Console) paint(st suites.Status, s string) string {
	col, ok := statusColors[st]
	if !c.Color || !ok {
		return s
	}
	return col + s + "\x1b[0m"
}

// oneLine folds line breaks and tabs into spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// baselineSections lists the failures a baseline excused, and the entries
// that can go (their check passes) or have lapsed.
func (c *Console) baselineSections(b *strings.Builder, r suites.Report) {
	var known []suites.Result
	width := 0
	for _, res := range r.Results {
		if res.Baseline != "" {
			known = append(known, res)
			width = max(width, len(printable(oneLine(res.ID))))
		}
	}
	if len(known) > 0 {
		fmt.Fprintf(b, "\nKnown deviations, excused by the baseline (%d):\n", len(known))
		for _, res := range known {
			line := fmt.Sprintf("  %-*s  %s: %s", width, printable(oneLine(res.ID)), res.Status, printable(oneLine(res.Baseline)))
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		}
	}
	if f := r.Run.Baseline.Fixed; len(f) > 0 {
		fmt.Fprintf(b, "\nPassing now, remove from the baseline (%d): %s\n", len(f), printable(strings.Join(f, ", ")))
	}
	if e := r.Run.Baseline.Expired; len(e) > 0 {
		fmt.Fprintf(b, "\nBaseline entries past their expiry date, no longer excused (%d): %s\n", len(e), printable(strings.Join(e, ", ")))
	}
}
