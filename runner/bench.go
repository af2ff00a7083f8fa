package runner

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/provcheck/provcheck/suites"
)

// BenchResult is what `provcheck bench` measures: the same plan run several
// times against one target.
type BenchResult struct {
	Target     string           `json:"target"`
	Iterations []BenchIteration `json:"iterations"`
	// Checks lists every check with its mean duration, slowest first.
	Checks []BenchCheck `json:"checks"`
	// MedianRunMS is the median wall time of one run of the plan.
	MedianRunMS float64 `json:"median_run_ms"`
	// ChecksPerSecond and RequestsPerSecond are over all iterations.
	ChecksPerSecond   float64 `json:"checks_per_second"`
	RequestsPerSecond float64 `json:"requests_per_second"`
}

// BenchIteration is one run of the plan.
type BenchIteration struct {
	WallMS   float64 `json:"wall_ms"`
	Checks   int     `json:"checks"`
	Requests int     `json:"requests"`
	Failed   int     `json:"failed"`
}

// BenchCheck is one check's mean duration over the iterations.
type BenchCheck struct {
	ID     string  `json:"id"`
	MeanMS float64 `json:"mean_ms"`
}

// Bench runs the plan of cfg n times (each a full run with clean-up; the
// reports of the last one stay in cfg.OutDir) and measures it.
func Bench(ctx context.Context, cfg Config, n int) (BenchResult, error) {
	res := BenchResult{Target: cfg.Target.BaseURL}
	if n < 1 {
		return res, fmt.Errorf("bench: at least one iteration is needed, not %d", n)
	}
	total := map[string]time.Duration{}
	var wall time.Duration
	var checks, requests int
	for i := range n {
		start := time.Now()
		out, err := Run(ctx, cfg)
		took := time.Since(start)
		if err != nil {
			return res, fmt.Errorf("bench iteration %d: %w", i+1, err)
		}
		if out.Interrupted {
			return res, fmt.Errorf("bench iteration %d: interrupted", i+1)
		}
		it := BenchIteration{WallMS: ms(took), Checks: len(out.Report.Results),
			Failed: suites.Summarize(out.Report.Results)[suites.Failed]}
		for _, r := range out.Report.Results {
			it.Requests += len(r.Exchanges)
			total[r.ID] += r.Duration
		}
		res.Iterations = append(res.Iterations, it)
		wall += took
		checks += it.Checks
		requests += it.Requests
	}
	for id, d := range total {
		res.Checks = append(res.Checks, BenchCheck{ID: id, MeanMS: ms(d) / float64(n)})
	}
	slices.SortFunc(res.Checks, func(a, b BenchCheck) int {
		return cmp.Or(cmp.Compare(b.MeanMS, a.MeanMS), strings.Compare(a.ID, b.ID))
	})
	walls := make([]float64, 0, n)
	for _, it := range res.Iterations {
		walls = append(walls, it.WallMS)
	}
	slices.Sort(walls)
	res.MedianRunMS = walls[len(walls)/2]
	if len(walls)%2 == 0 {
		res.MedianRunMS = (walls[len(walls)/2-1] + walls[len(walls)/2]) / 2
	}
	if s := wall.Seconds(); s > 0 {
		res.ChecksPerSecond = float64(checks) / s
		res.RequestsPerSecond = float64(requests) / s
	}
	return res, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
