package reports

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/provcheck/provcheck/suites"
)

// areaOf returns the value of the first "area:" label, or "other" when there
// is none or it is empty. It mirrors suites.Check.Area for a Result.
func areaOf(labels []string) string {
	for _, l := range labels {
		if v, ok := strings.CutPrefix(l, "area:"); ok && v != "" {
			return v
		}
	}
	return "other"
}

// areaGroup is the results of one area, in report order.
type areaGroup struct {
	Name    string
	Results []suites.Result
}

// groupByArea groups results by area; areas appear in the order of their first
// result, and results keep their order within an area.
func groupByArea(rs []suites.Result) []areaGroup {
	var groups []areaGroup
	index := map[string]int{}
	for _, r := range rs {
		a := areaOf(r.Labels)
		i, ok := index[a]
		if !ok {
			i = len(groups)
			index[a] = i
			groups = append(groups, areaGroup{Name: a})
		}
		groups[i].Results = append(groups[i].Results, r)
	}
	return groups
}

// knownStatus reports whether s is one of suites.Statuses.
func knownStatus(s suites.Status) bool {
	for _, k := range suites.Statuses {
		if s == k {
			return true
		}
	}
	return false
}

// validate reports the first result whose status no reporter understands.
func validate(r suites.Report) error {
	for i, res := range r.Results {
		if !knownStatus(res.Status) {
			return fmt.Errorf("result #%d (%s) has unknown status %q", i, res.ID, res.Status)
		}
	}
	return nil
}

// firstLine returns the first non-blank line of s, trimmed.
func firstLine(s string) string {
	s = strings.TrimLeft(s, " \t\r\n")
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// printable makes target-provided text safe to show in XML 1.0, HTML and a
// terminal: CRLF becomes LF, invalid UTF-8 becomes U+FFFD, and control
// characters other than tab and newline (C0, DEL, C1, U+FFFE, U+FFFF) are
// written as visible escapes such as \x1b or \u0085.
func printable(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	clean := utf8.ValidString(s)
	if clean {
		for _, r := range s {
			if needsEscape(r) {
				clean = false
				break
			}
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case needsEscape(r) && r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// needsEscape reports whether r must not be written as is by printable.
func needsEscape(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20 || r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0xfffe || r == 0xffff:
		return true
	}
	return false
}

// ruleText joins a spec reference and its rule sentence: `RFC 7644 §3.3: "..."`.
func ruleText(spec, rule string) string {
	switch {
	case spec == "" && rule == "":
		return ""
	case rule == "":
		return spec
	case spec == "":
		return rule
	}
	return spec + ": " + rule
}

// exchangeLine is the compact form of one exchange: "POST URL -> 201".
func exchangeLine(e suites.Exchange) string {
	out := e.Method + " " + e.URL + " -> "
	if e.Error != "" {
		out += "transport error: " + firstLine(e.Error)
	} else {
		out += fmt.Sprint(e.Status)
	}
	return out
}

// runDuration is the wall time of the run, or zero when a bound is unknown.
func runDuration(ri suites.RunInfo) time.Duration {
	if ri.Started.IsZero() || ri.Finished.IsZero() || ri.Finished.Before(ri.Started) {
		return 0
	}
	return ri.Finished.Sub(ri.Started)
}

// formatTime is t in UTC as RFC 3339, or "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
