package runner

import (
	"context"
	"testing"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// BenchmarkCatalogue runs the whole catalogue against the reference target
// over loopback HTTP, reports written, per iteration.
func BenchmarkCatalogue(b *testing.B) {
	ref, err := reftarget.Start(reftarget.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ref.Close()
	dir := b.TempDir()
	checks := 0
	for b.Loop() {
		out, err := Run(context.Background(), Config{
			Target:   target.Config{BaseURL: ref.URL, BearerToken: ref.Token},
			OutDir:   dir,
			Parallel: 4,
		})
		if err != nil {
			b.Fatal(err)
		}
		if n := suites.Summarize(out.Report.Results)[suites.Failed]; n > 0 {
			b.Fatalf("%d checks failed against the reference target", n)
		}
		checks = len(out.Report.Results)
	}
	b.ReportMetric(float64(checks), "checks/op")
}
