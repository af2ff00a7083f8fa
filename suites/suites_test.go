package suites

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func check(id string, level Level, run func(*T), labels ...string) Check {
	return Check{ID: id, Title: "t " + id, Spec: "RFC 0 §0", Level: level, Kind: Example, Labels: labels, Run: run}
}

func TestPlanSelection(t *testing.T) {
	noop := func(*T) {}
	cat := []Check{
		check("SCIM-USERS-001", Must, noop, "area:users"),
		check("SCIM-USERS-002", Should, noop, "area:users"),
		check("SCIM-USERSX-001", Must, noop, "area:other"),
		check("SCIM-DISC-001", Must, noop, "area:discovery", "tier:core"),
	}
	ids := func(cs []Check) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	for name, tc := range map[string]struct {
		sel  Selection
		want []string
	}{
		"all":              {Selection{}, []string{"SCIM-USERS-001", "SCIM-USERS-002", "SCIM-USERSX-001", "SCIM-DISC-001"}},
		"prefix at dash":   {Selection{Run: []string{"scim-users"}}, []string{"SCIM-USERS-001", "SCIM-USERS-002"}},
		"glob":             {Selection{Run: []string{"SCIM-*-001"}}, []string{"SCIM-USERS-001", "SCIM-USERSX-001", "SCIM-DISC-001"}},
		"skip":             {Selection{Skip: []string{"SCIM-USERS-002"}}, []string{"SCIM-USERS-001", "SCIM-USERSX-001", "SCIM-DISC-001"}},
		"label and not":    {Selection{LabelFilter: "area:users && !level:should"}, []string{"SCIM-USERS-001"}},
		"label or parens":  {Selection{LabelFilter: "(tier:core || area:other) && level:must"}, []string{"SCIM-USERSX-001", "SCIM-DISC-001"}},
		"label comma glob": {Selection{LabelFilter: "area:disc*, id:SCIM-USERS-002"}, []string{"SCIM-USERS-002", "SCIM-DISC-001"}},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Plan(cat, tc.sel)
			require.NoError(t, err)
			assert.Equal(t, tc.want, ids(got))
		})
	}
	_, err := Plan(cat, Selection{Run: []string{"NOPE"}})
	assert.ErrorContains(t, err, "matches no check")
	for _, bad := range []string{"a &&", "(a", "a b", "&& a", "!"} {
		_, err := ParseLabelFilter(bad)
		assert.Error(t, err, bad)
	}
}

func TestValidate(t *testing.T) {
	ok := check("A-1", Must, func(*T) {})
	assert.NoError(t, Validate([]Check{ok}))
	assert.ErrorContains(t, Validate([]Check{ok, ok}), "twice")
	bad := ok
	bad.Level = "sometimes"
	assert.ErrorContains(t, Validate([]Check{bad}), "level")
}

func TestOutcomes(t *testing.T) {
	run := func(level Level, f func(*T)) Result {
		return RunOne(context.Background(), check("X-1", level, f), Options{})
	}
	assert.Equal(t, Passed, run(Must, func(*T) {}).Status)
	r := run(Must, func(t *T) { t.Errorf("expected %d, got %d", 1, 2) })
	assert.Equal(t, Failed, r.Status)
	assert.Equal(t, "expected 1, got 2", r.Reason)
	assert.Equal(t, Warning, run(Should, func(t *T) { t.Fatalf("nope") }).Status)
	r = run(Must, func(t *T) { t.Skipf("not advertised") })
	assert.Equal(t, Skipped, r.Status)
	assert.Equal(t, "not advertised", r.Reason)
	r = run(Must, func(t *T) { t.Abort(errors.New("connection refused")) })
	assert.Equal(t, Error, r.Status)
	r = run(Must, func(t *T) { panic("boom") })
	assert.Equal(t, Error, r.Status)
	assert.Contains(t, r.Reason, "boom")
	r = run(Must, func(t *T) { t.Record(Exchange{Method: "GET", URL: "u", Status: 200}); t.Logf("hi") })
	assert.Len(t, r.Exchanges, 1)
	assert.Equal(t, []string{"hi"}, r.Logs)
}

func TestCapabilityGate(t *testing.T) {
	c := check("X-1", Must, func(t *T) { t.Fatalf("must not run") })
	c.Requires = []Capability{CapBulk}
	has := func(Capability) (bool, string) { return false, "bulk.supported=false" }
	r := RunOne(context.Background(), c, Options{Has: has})
	assert.Equal(t, Skipped, r.Status)
	assert.Equal(t, "bulk.supported=false", r.Reason)
	r = RunOne(context.Background(), c, Options{Has: has, Force: true})
	assert.Equal(t, Failed, r.Status, "--force runs it")
}

func TestCleanupsRunLIFOAfterFailure(t *testing.T) {
	var order []int
	r := RunOne(context.Background(), check("X-1", Must, func(t *T) {
		t.Cleanup(func() { order = append(order, 1) })
		t.Cleanup(func() { order = append(order, 2) })
		t.FailNow()
	}), Options{})
	assert.Equal(t, Failed, r.Status)
	assert.Equal(t, []int{2, 1}, order)
}

func TestTimeout(t *testing.T) {
	r := RunOne(context.Background(), check("X-1", Must, func(t *T) {
		<-t.Context().Done()
	}), Options{Timeout: 50 * time.Millisecond})
	assert.Equal(t, Error, r.Status)
	assert.Contains(t, r.Reason, "did not finish")
}

func TestRunStreamsInPlanOrderAndInterrupts(t *testing.T) {
	var mu sync.Mutex
	seen := 0
	plan := []Check{}
	for _, id := range []string{"A-1", "A-2", "A-3", "A-4"} {
		plan = append(plan, check(id, Must, func(*T) {}))
	}
	rs := Run(context.Background(), plan, Options{Parallel: 3}, func(Result) { mu.Lock(); seen++; mu.Unlock() })
	require.Len(t, rs, 4)
	for i, r := range rs {
		assert.Equal(t, plan[i].ID, r.ID)
		assert.Equal(t, Passed, r.Status)
	}
	assert.Equal(t, 4, seen)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rs = Run(ctx, plan, Options{}, nil)
	for _, r := range rs {
		assert.Equal(t, Skipped, r.Status)
	}
}

// TestTSatisfiesRapidTB runs a property with T: a failing property fails
// the check and rapid's shrunk counterexample is in the reason.
func TestTSatisfiesRapidTB(t *testing.T) {
	var _ rapid.TB = (*T)(nil)
	r := RunOne(context.Background(), check("P-1", Must, func(t *T) {
		rapid.Check(t, func(rt *rapid.T) {
			n := rapid.IntRange(0, 1000).Draw(rt, "n")
			if n > 10 {
				rt.Fatalf("n=%d is too big", n)
			}
		})
	}), Options{})
	assert.Equal(t, Failed, r.Status)
	assert.Contains(t, r.Reason, "n=11", "rapid shrinks to the minimal counterexample")
}

func TestDiscardEvidenceFrom(t *testing.T) {
	r := RunOne(context.Background(), check("X-1", Must, func(t *T) {
		t.Record(Exchange{Method: "GET", URL: "before"})
		mark := t.Mark()
		assert.Equal(t, 1, mark)
		for range 3 {
			t.DiscardEvidenceFrom(mark)
			t.Record(Exchange{Method: "GET", URL: "a"})
			t.Record(Exchange{Method: "GET", URL: "b"})
		}
		t.DiscardEvidenceFrom(mark + 5) // beyond the end: nothing to forget
	}), Options{})
	require.Len(t, r.Exchanges, 3)
	assert.Equal(t, []string{"before", "a", "b"}, []string{r.Exchanges[0].URL, r.Exchanges[1].URL, r.Exchanges[2].URL})
}

func TestGateAndEnvFor(t *testing.T) {
	c := check("X-2", Must, func(t *T) {
		if t.Env() != "X-env" {
			t.Fatalf("env %v", t.Env())
		}
	})
	gate := func(Check) (bool, string) { return false, "no such endpoint in this run" }
	r := RunOne(context.Background(), c, Options{Gate: gate, Force: true})
	assert.Equal(t, Skipped, r.Status, "a gate holds even with --force")
	assert.Equal(t, "no such endpoint in this run", r.Reason)
	r = RunOne(context.Background(), c, Options{Env: "other", EnvFor: func(c Check) any { return c.ID[:1] + "-env" }})
	assert.Equal(t, Passed, r.Status, r.Reason)
}
