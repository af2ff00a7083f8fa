package suites

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Options control a run of a plan.
type Options struct {
	// Env is handed to every check through T.Env.
	Env any
	// EnvFor, if set, chooses the environment of each check instead of Env,
	// for a run of several suites (SCIM and SAML) with their own sessions.
	EnvFor func(Check) any
	// Has reports whether the target offers a capability, and if not why.
	// A nil Has means every capability is present.
	Has func(Capability) (ok bool, reason string)
	// Force runs checks whose capabilities are missing instead of skipping them.
	Force bool
	// Gate, if set, says whether a check can run at all in this run (a SCIM
	// check in a run without a SCIM target cannot); a check it refuses is
	// skipped with the reason, also with Force.
	Gate func(Check) (ok bool, reason string)
	// Parallel is the number of checks run at once; below 1 means 1.
	Parallel int
	// Timeout bounds one check; zero means two minutes.
	Timeout time.Duration
	// CleanupTimeout bounds the clean-ups of one check; zero means 30 seconds.
	CleanupTimeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Run executes plan and returns the results in plan order. Each result is
// also passed to sink (if not nil) as soon as its check ends; sink calls are
// serialised. When ctx is cancelled, checks not yet started are reported as
// skipped with the reason.
func Run(ctx context.Context, plan []Check, opts Options, sink func(Result)) []Result {
	if opts.Parallel < 1 {
		opts.Parallel = 1
	}
	results := make([]Result, len(plan))
	var sinkMu sync.Mutex
	emit := func(i int, r Result) {
		results[i] = r
		if sink != nil {
			sinkMu.Lock()
			sink(r)
			sinkMu.Unlock()
		}
	}
	sem := make(chan struct{}, opts.Parallel)
	var wg sync.WaitGroup
	for i, c := range plan {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			emit(i, skippedResult(c, opts.now(), "run interrupted before this check started"))
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			emit(i, RunOne(ctx, c, opts))
		}()
	}
	wg.Wait()
	return results
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func skippedResult(c Check, at time.Time, reason string) Result {
	r := baseResult(c, at)
	r.Status, r.Reason = Skipped, reason
	return r
}

func baseResult(c Check, at time.Time) Result {
	return Result{
		ID: c.ID, Title: c.Title, Spec: c.Spec, Rule: c.Rule, Level: c.Level, Kind: c.Kind,
		Labels: c.AllLabels(), Covers: append([]string(nil), c.Covers...), Started: at,
	}
}

// RunOne runs a single check with its timeout and clean-ups and returns its
// result. A panic in the check is reported as an error, never propagated.
func RunOne(ctx context.Context, c Check, opts Options) Result {
	start := opts.now()
	if opts.Gate != nil {
		if ok, why := opts.Gate(c); !ok {
			return skippedResult(c, start, why)
		}
	}
	if !opts.Force && opts.Has != nil {
		for _, capab := range c.Requires {
			if ok, why := opts.Has(capab); !ok {
				return skippedResult(c, start, why)
			}
		}
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	env := opts.Env
	if opts.EnvFor != nil {
		env = opts.EnvFor(c)
	}
	t := NewT(cctx, c, env)
	done := make(chan struct{})
	var panicked any
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				panicked = r
			}
		}()
		c.Run(t)
	}()
	timedOut := false
	select {
	case <-done:
	case <-cctx.Done():
		// Give the check a moment to notice the cancelled context.
		select {
		case <-done:
		case <-time.After(2 * time.Second):
		}
		timedOut = true
	}
	cleanupTimeout := opts.CleanupTimeout
	if cleanupTimeout <= 0 {
		cleanupTimeout = 30 * time.Second
	}
	// Clean-ups get their own context: the check's may be cancelled already,
	// and an interrupted run must still undo what it created.
	clctx, clcancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer clcancel()
	select {
	case <-done:
		t.runCleanups(clctx)
	default:
		// The check is stuck; its clean-ups run when it returns. The
		// ledger still holds what it created.
		go func() { <-done; t.runCleanups(clctx) }()
	}

	r := baseResult(c, start)
	r.Status, r.Reason = t.Outcome()
	switch {
	case panicked != nil:
		r.Status, r.Reason = Error, fmt.Sprintf("the check panicked: %v", panicked)
	case timedOut && ctx.Err() != nil:
		r.Status, r.Reason = Error, "run interrupted while the check was running"
	case timedOut && r.Status == Passed:
		r.Status, r.Reason = Error, fmt.Sprintf("the check did not finish within %s", timeout)
	}
	r.Logs = t.Logs()
	r.Exchanges = t.Exchanges()
	r.Duration = opts.now().Sub(start)
	return r
}
