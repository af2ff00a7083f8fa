package runner

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/provcheck/provcheck/suites"
)

// Baseline lists a target's known deviations: checks expected to fail or
// warn, each with the reason (RFC section, what the server does) and an
// optional expiry date after which the entry no longer excuses anything.
// A run with a baseline fails only on what the baseline does not list.
type Baseline struct {
	// Target names the server the baseline describes; informational.
	Target  string          `yaml:"target,omitempty"`
	Entries []BaselineEntry `yaml:"entries"`
}

// BaselineEntry is one known deviation.
type BaselineEntry struct {
	ID     string `yaml:"id"`
	Reason string `yaml:"reason"`
	// Expires is a date (2006-01-02); from that day on the entry is ignored.
	Expires string `yaml:"expires,omitempty"`
}

// BaselineOutcome says how a baseline met a run.
type BaselineOutcome struct {
	// File is where the baseline came from.
	File string
	// Known are the IDs of failures and warnings the baseline excused.
	Known []string
	// Fixed are baseline IDs whose check passed: the entry can go.
	Fixed []string
	// Expired are entries past their date, which excused nothing.
	Expired []string
}

// LoadBaseline reads a baseline YAML file. Every problem is one line
// naming the file and, where it can, the line.
func LoadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, errors.Unwrap(err))
	}
	var b Baseline
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&b); err != nil && !errors.Is(err, io.EOF) {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
		msg = strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n", "; ")), " ")
		return nil, fmt.Errorf("baseline %s: %s", path, msg)
	}
	seen := map[string]bool{}
	for i, e := range b.Entries {
		id := strings.ToUpper(strings.TrimSpace(e.ID))
		switch {
		case id == "":
			return nil, fmt.Errorf("baseline %s: entry %d has no id", path, i+1)
		case strings.TrimSpace(e.Reason) == "":
			return nil, fmt.Errorf("baseline %s: entry %s has no reason; say which RFC section the server breaks and how", path, id)
		case seen[id]:
			return nil, fmt.Errorf("baseline %s: %s is listed twice", path, id)
		}
		if e.Expires != "" {
			if _, err := time.Parse(time.DateOnly, e.Expires); err != nil {
				return nil, fmt.Errorf("baseline %s: %s: expires %q is not a date like 2027-01-31", path, id, e.Expires)
			}
		}
		seen[id] = true
		b.Entries[i].ID = id
	}
	return &b, nil
}

// Check reports baseline IDs that name no check of cat, so a typo does not
// silently excuse nothing.
func (b *Baseline) Check(cat []suites.Check) error {
	for _, e := range b.Entries {
		if !slices.ContainsFunc(cat, func(c suites.Check) bool { return c.ID == e.ID }) {
			return fmt.Errorf("baseline entry %s names no check; see 'provcheck list'", e.ID)
		}
	}
	return nil
}

// Apply marks the failures and warnings the baseline excuses (their
// Result.Baseline holds the reason) and says which entries are fixed or
// expired. today decides expiry.
func (b *Baseline) Apply(results []suites.Result, today time.Time) BaselineOutcome {
	var out BaselineOutcome
	entries := map[string]BaselineEntry{}
	for _, e := range b.Entries {
		if e.Expires != "" {
			exp, _ := time.Parse(time.DateOnly, e.Expires)
			if !today.Before(exp) {
				out.Expired = append(out.Expired, e.ID)
				continue
			}
		}
		entries[e.ID] = e
	}
	for i, r := range results {
		e, ok := entries[r.ID]
		if !ok {
			continue
		}
		switch r.Status {
		case suites.Failed, suites.Warning:
			results[i].Baseline = e.Reason
			out.Known = append(out.Known, r.ID)
		case suites.Passed:
			out.Fixed = append(out.Fixed, r.ID)
		}
	}
	return out
}

// BaselineFrom writes a baseline that lists every failure and warning of
// rep, with the first line of its reason and its RFC section, for a person
// to review before checking it in.
func BaselineFrom(rep suites.Report) Baseline {
	b := Baseline{Target: rep.Run.Target}
	for _, r := range rep.Results {
		if r.Status != suites.Failed && r.Status != suites.Warning {
			continue
		}
		reason, _, _ := strings.Cut(strings.TrimSpace(r.Reason), "\n")
		if r.Spec != "" {
			reason = r.Spec + ": " + reason
		}
		b.Entries = append(b.Entries, BaselineEntry{ID: r.ID, Reason: reason})
	}
	return b
}

// Marshal renders the baseline as YAML with a header comment.
func (b Baseline) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("# provcheck baseline: known deviations of a target, one entry per check.\n")
	buf.WriteString("# Review every reason (RFC section, what the server does); add expires: YYYY-MM-DD\n")
	buf.WriteString("# to make an entry lapse. A run with --baseline fails only on what is not listed.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(b); err != nil {
		return nil, fmt.Errorf("encode baseline: %w", err)
	}
	return buf.Bytes(), nil
}
