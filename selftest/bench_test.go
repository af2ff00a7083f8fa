package selftest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/runner"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/suites/scim"
	"github.com/provcheck/provcheck/target"
)

// The benchmarks measure the harness's own overhead as a ratio of
// operations (HTTP requests) per second against the reference target over
// loopback:
//
//	go test -run '^$' -bench 'Ops$' -benchtime 2s ./selftest
//
// BenchmarkPlainOps sends a cycle of five requests (POST, GET, PATCH,
// filtered list, DELETE of one user) with a bare net/http client;
// BenchmarkClientOps sends the same cycle through target.Client (auth,
// redaction, transcript, ledger, evidence); BenchmarkFuzzOps runs
// SCIM-FUZZ-001 (rapid, the model, the comparisons, and the same client).
// Each reports ops/s (the fuzzer's count includes its clean-up requests):
// plain ops/s divided by fuzz ops/s is the harness's overhead factor. All
// three share the reference target's cost, which dominates on loopback.
// On the project's 2-core CI machine (shared, so ±20%) plain and client
// both run at 3,200-4,200 ops/s and the fuzzer at 1,850-2,050: the fuzzer
// sends about half as many requests per second as a bare client: between
// its requests run rapid's generation, the model and the comparisons.

// benchTarget starts a reference target for a benchmark.
func benchTarget(b *testing.B) *reftarget.Running {
	srv, err := reftarget.Start(reftarget.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	return srv
}

// benchCycle is one cycle of requests: method, path (with {id} for the
// user created first), body.
func benchCycle(i int) [][3]any {
	name := fmt.Sprintf("bench-%d", i)
	return [][3]any{
		{"POST", "/Users", map[string]any{"schemas": []any{scim.URNUser}, "userName": name, "title": "T",
			"emails": []any{map[string]any{"type": "work", "value": name + "@example.com"}}}},
		{"GET", "/Users/{id}", nil},
		{"PATCH", "/Users/{id}", map[string]any{"schemas": []any{scim.URNPatchOp}, "Operations": []any{
			map[string]any{"op": "replace", "path": "title", "value": "U"}}}},
		{"GET", "/Users?filter=" + url.QueryEscape(`userName sw "bench" and (title eq "U")`) + "&count=5", nil},
		{"DELETE", "/Users/{id}", nil},
	}
}

func reportOps(b *testing.B, ops int) {
	b.ReportMetric(float64(ops)/b.Elapsed().Seconds(), "ops/s")
}

func BenchmarkPlainOps(b *testing.B) {
	srv := benchTarget(b)
	hc := &http.Client{}
	ops := 0
	i := 0
	for b.Loop() {
		id := ""
		for _, rq := range benchCycle(i) {
			var body io.Reader
			if rq[2] != nil {
				buf, _ := json.Marshal(rq[2])
				body = bytes.NewReader(buf)
			}
			req, err := http.NewRequest(rq[0].(string), srv.URL+strings.ReplaceAll(rq[1].(string), "{id}", id), body)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+srv.Token)
			req.Header.Set("Content-Type", "application/scim+json")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if id == "" {
				var m map[string]any
				_ = json.Unmarshal(data, &m)
				id, _ = m["id"].(string)
			}
			ops++
		}
		i++
	}
	reportOps(b, ops)
}

func BenchmarkClientOps(b *testing.B) {
	srv := benchTarget(b)
	client, err := target.New(target.Config{BaseURL: srv.URL, BearerToken: srv.Token, RunID: "pcbench",
		Ledger: target.NewMemoryLedger(), Transcript: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	t := suites.NewT(context.Background(), suites.Check{ID: "BENCH"}, nil)
	ops, i := 0, 0
	for b.Loop() {
		id := ""
		mark := t.Mark()
		for _, rq := range benchCycle(i) {
			r, err := client.Do(context.Background(), target.Request{Method: rq[0].(string),
				Path: strings.ReplaceAll(rq[1].(string), "{id}", id), Body: rq[2]}, t)
			if err != nil {
				b.Fatal(err)
			}
			if id == "" {
				m, _ := r.Object()
				id, _ = m["id"].(string)
			}
			ops++
		}
		t.DiscardEvidenceFrom(mark)
		i++
	}
	reportOps(b, ops)
}

func BenchmarkFuzzOps(b *testing.B) {
	srv := benchTarget(b)
	plan, err := runner.Plan(runner.Config{Selection: suites.Selection{Run: []string{"SCIM-FUZZ-001"}}})
	if err != nil {
		b.Fatal(err)
	}
	client, err := target.New(target.Config{BaseURL: srv.URL, BearerToken: srv.Token, RunID: "pcbench",
		Ledger: target.NewMemoryLedger(), Transcript: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	disc, err := scim.Discover(ctx, client, nil)
	if err != nil {
		b.Fatal(err)
	}
	ops := 0
	seed := uint64(1)
	for b.Loop() {
		env := &scim.Env{Client: client, Disc: disc, Dialect: "rfc", Fuzz: scim.Fuzz{Seed: seed, Checks: 20, Steps: 12}}
		r := suites.RunOne(ctx, plan[0], suites.Options{Env: env, Has: env.Has, Timeout: time.Minute})
		if r.Status != suites.Passed {
			b.Fatalf("%s: %s", r.Status, r.Reason)
		}
		ops += fuzzRequests(r.Logs)
		seed++
	}
	reportOps(b, ops)
}

// fuzzRequests reads the request count from the fuzzer's summary log line
// ("N sequences, M steps, K requests …").
func fuzzRequests(logs []string) int {
	for _, l := range logs {
		var seqs, steps, reqs int
		if _, err := fmt.Sscanf(l, "%d sequences, %d steps, %d requests", &seqs, &steps, &reqs); err == nil {
			return reqs
		}
	}
	return 0
}
