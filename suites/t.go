package suites

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
)

// T is the context every check runs with. It records failures, skips, logs
// and the HTTP exchanges that decided the outcome, runs clean-ups in LIFO
// order, and satisfies rapid.TB so a check can drive rapid.Check with it.
//
// Errorf and Fatalf record a violation of the check's rule; Abort records
// that the harness or transport broke (status error) and stops the check.
type T struct {
	ctx   context.Context
	check Check
	env   any

	mu        sync.Mutex
	failed    bool
	skipped   bool
	aborted   bool
	reasons   []string
	skipWhy   string
	logs      []string
	exchanges []Exchange
	cleanups  []func()
}

// NewT returns a check context for c. Env is whatever the runner hands the
// suites (for SCIM, its session with the target client and discovery).
// It is exported for front-ends (the Ginkgo adapter) and tests.
func NewT(ctx context.Context, c Check, env any) *T {
	return &T{ctx: ctx, check: c, env: env}
}

// Context is cancelled when the check times out or the run is interrupted.
func (t *T) Context() context.Context { return t.ctx }

// Env returns the environment the runner passed to every check.
func (t *T) Env() any { return t.env }

// Check returns the check being run.
func (t *T) Check() Check { return t.check }

// Helper is a no-op; it exists to satisfy rapid.TB.
func (t *T) Helper() {}

// Name returns the check ID.
func (t *T) Name() string { return t.check.ID }

// Logf records a line of log, kept in the result.
func (t *T) Logf(format string, args ...any) { t.log(fmt.Sprintf(format, args...)) }

// Log records a line of log, kept in the result.
func (t *T) Log(args ...any) { t.log(fmt.Sprintln(args...)) }

func (t *T) log(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.logs = append(t.logs, strings.TrimRight(s, "\n"))
}

// Errorf records a violation and lets the check go on.
func (t *T) Errorf(format string, args ...any) { t.fail(fmt.Sprintf(format, args...)) }

// Error records a violation and lets the check go on.
func (t *T) Error(args ...any) { t.fail(strings.TrimRight(fmt.Sprintln(args...), "\n")) }

// Fatalf records a violation and stops the check.
func (t *T) Fatalf(format string, args ...any) {
	t.fail(fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// Fatal records a violation and stops the check.
func (t *T) Fatal(args ...any) {
	t.fail(strings.TrimRight(fmt.Sprintln(args...), "\n"))
	runtime.Goexit()
}

// Fail marks the check failed without a reason.
func (t *T) Fail() { t.fail("") }

// FailNow marks the check failed and stops it.
func (t *T) FailNow() {
	t.fail("")
	runtime.Goexit()
}

// Failed reports whether a violation was recorded.
func (t *T) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

func (t *T) fail(reason string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failed = true
	if reason != "" {
		t.reasons = append(t.reasons, reason)
	}
}

// Skipf marks the check skipped with a reason and stops it.
func (t *T) Skipf(format string, args ...any) {
	t.skip(fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// Skip marks the check skipped with a reason and stops it.
func (t *T) Skip(args ...any) {
	t.skip(strings.TrimRight(fmt.Sprintln(args...), "\n"))
	runtime.Goexit()
}

// SkipNow marks the check skipped and stops it.
func (t *T) SkipNow() {
	t.skip("skipped by the check")
	runtime.Goexit()
}

func (t *T) skip(reason string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.skipped = true
	t.skipWhy = reason
}

// Abort records that the harness or the transport broke, not the target's
// conformance, and stops the check. The result's status is error.
func (t *T) Abort(err error) {
	t.mu.Lock()
	t.aborted = true
	t.reasons = append(t.reasons, err.Error())
	t.mu.Unlock()
	runtime.Goexit()
}

// Cleanup registers f to run after the check, last registered first, also
// when the check failed, was skipped or timed out.
func (t *T) Cleanup(f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cleanups = append(t.cleanups, f)
}

// Record keeps an exchange as evidence. The target client calls it.
func (t *T) Record(e Exchange) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.exchanges = append(t.exchanges, e)
}

// Mark returns the number of exchanges recorded so far, a position to pass
// to DiscardEvidenceFrom later.
func (t *T) Mark() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.exchanges)
}

// DiscardEvidenceFrom forgets the exchanges recorded since Mark returned
// mark; those before it stay. A property check calls it before every
// generated sequence, so only the exchanges of the last sequence (on
// failure, rapid's final replay of the minimal one) end up in the result,
// and memory stays bounded however many sequences run.
func (t *T) DiscardEvidenceFrom(mark int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if mark < 0 {
		mark = 0
	}
	if mark < len(t.exchanges) {
		clear(t.exchanges[mark:])
		t.exchanges = t.exchanges[:mark]
	}
}

// Exchanges returns a copy of the exchanges recorded so far.
func (t *T) Exchanges() []Exchange {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Exchange(nil), t.exchanges...)
}

// runCleanups runs the registered clean-ups LIFO with ctx as the context;
// a panicking clean-up does not stop the others.
func (t *T) runCleanups(ctx context.Context) {
	t.mu.Lock()
	fs := t.cleanups
	t.cleanups = nil
	t.ctx = ctx
	t.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.log(fmt.Sprintf("clean-up panicked: %v", r))
				}
			}()
			fs[i]()
		}()
	}
}

// Outcome returns the status and reason the recorded events amount to.
// A failure of a SHOULD or MAY check is a warning.
func (t *T) Outcome() (Status, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	reason := strings.Join(t.reasons, "\n")
	switch {
	case t.aborted:
		return Error, reason
	case t.failed:
		if reason == "" {
			reason = "the check failed without a reason"
		}
		if t.check.Level == Must {
			return Failed, reason
		}
		return Warning, reason
	case t.skipped:
		return Skipped, t.skipWhy
	}
	return Passed, ""
}

// Logs returns a copy of the log lines recorded so far.
func (t *T) Logs() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.logs...)
}
