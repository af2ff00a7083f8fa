package runner

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/provcheck/provcheck/suites"
)

// Merge joins the reports of one run split into shards (--shard i/n) into
// one report: results in catalogue order, the earliest start and the latest
// finish. The shards must be of the same target, version and dialects, and
// no check may appear twice.
func Merge(parts []suites.Report) (suites.Report, error) {
	if len(parts) == 0 {
		return suites.Report{}, fmt.Errorf("no reports given")
	}
	out := suites.Report{Run: parts[0].Run}
	out.Run.Baseline.Fixed, out.Run.Baseline.Expired = nil, nil
	seen := map[string]int{}
	for i, p := range parts {
		for what, pair := range map[string][2]string{
			"target":   {p.Run.Target, out.Run.Target},
			"version":  {p.Run.Version, out.Run.Version},
			"dialects": {p.Run.Dialect, out.Run.Dialect},
			"baseline": {p.Run.Baseline.File, out.Run.Baseline.File},
		} {
			if pair[0] != pair[1] {
				return suites.Report{}, fmt.Errorf("report %d has %s %q but report 1 has %q; only shards of one run merge", i+1, what, pair[0], pair[1])
			}
		}
		if !p.Run.Started.IsZero() && (out.Run.Started.IsZero() || p.Run.Started.Before(out.Run.Started)) {
			out.Run.Started = p.Run.Started
		}
		if p.Run.Finished.After(out.Run.Finished) {
			out.Run.Finished = p.Run.Finished
		}
		out.Run.Baseline.Fixed = append(out.Run.Baseline.Fixed, p.Run.Baseline.Fixed...)
		if i == 0 {
			out.Run.Baseline.Expired = p.Run.Baseline.Expired
		}
		for _, r := range p.Results {
			if j, dup := seen[r.ID]; dup {
				return suites.Report{}, fmt.Errorf("check %s is in report %d and in report %d; were the shards cut differently?", r.ID, j+1, i+1)
			}
			seen[r.ID] = i
			out.Results = append(out.Results, r)
		}
	}
	order := map[string]int{}
	for i, c := range Catalogue() {
		order[c.ID] = i
	}
	pos := func(id string) int {
		if i, ok := order[id]; ok {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(out.Results, func(a, b suites.Result) int { return cmp.Compare(pos(a.ID), pos(b.ID)) })
	slices.Sort(out.Run.Baseline.Fixed)
	return out, nil
}
