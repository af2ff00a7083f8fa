package runner

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/provcheck/provcheck/reports"
	"github.com/provcheck/provcheck/target"
)

// ReplayedStep is one step of a replay: what the recorded run got and what
// the target answers now.
type ReplayedStep struct {
	Method, Path     string
	Recorded, Status int
	// Note says why a step was not sent, when it was not.
	Note string
}

// ReplayOutcome says how a target answered a replay.
type ReplayOutcome struct {
	Steps []ReplayedStep
	// FirstDifference is the 1-based number of the first step whose status
	// or body (without meta) differs from the recorded one; 0 when none does.
	FirstDifference int
	Cleanup         target.CleanupReport
}

// Reproduces reports whether every step answered as in the recorded run.
func (o ReplayOutcome) Reproduces() bool { return o.FirstDifference == 0 }

var (
	replayID      = regexp.MustCompile(`"id"\s*:\s*"([^"\\]+)"`)
	replayVersion = regexp.MustCompile(`"version"\s*:\s*"((?:[^"\\]|\\.)+)"`)
)

// Replay sends the steps of a replay file to a target in order, in a run of
// its own: the recorded run's marker becomes the new run's, and every id,
// version and Location the target assigns replaces the recorded one in the
// later steps. What the replay creates is in the ledger of tc (a fresh
// memory ledger when tc has none) and is deleted at the end, also when ctx
// is cancelled. It writes one line per step to w.
func Replay(ctx context.Context, tc target.Config, rp reports.Replay, w io.Writer) (out ReplayOutcome, err error) {
	if tc.RunID == "" {
		tc.RunID = NewRunID()
	}
	if tc.Ledger == nil {
		tc.Ledger = target.NewMemoryLedger()
	}
	client, err := target.New(tc)
	if err != nil {
		return out, err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		out.Cleanup, _ = client.Cleanup(cctx)
	}()
	subst := map[string]string{}
	if rp.RunID != "" {
		subst[rp.RunID] = client.RunID()
		subst[strings.ToUpper(rp.RunID)] = strings.ToUpper(client.RunID())
	}
	for i, st := range rp.Steps {
		rs := ReplayedStep{Method: st.Method, Path: replaced(st.Path, subst), Recorded: st.Status}
		req := target.Request{Method: st.Method, Path: rs.Path, Header: map[string]string{}}
		if st.Body != "" {
			req.Body = []byte(replaced(st.Body, subst))
		}
		for k, v := range st.Headers {
			req.Header[k] = replaced(v, subst)
		}
		// A path that carries this run's marker names a resource of this
		// replay or one that exists nowhere: safe to send.
		req.AllowUnowned = strings.Contains(rs.Path, client.RunID())
		resp, err := client.Do(ctx, req, nil)
		if err != nil {
			var te *target.TransportError
			if errors.As(err, &te) {
				return out, fmt.Errorf("replay step %d (%s %s): %w", i+1, st.Method, rs.Path, err)
			}
			rs.Note = err.Error()
			out.Steps = append(out.Steps, rs)
			fmt.Fprintf(w, "step %d: %s %s not sent: %s\n", i+1, st.Method, rs.Path, rs.Note)
			if out.FirstDifference == 0 {
				out.FirstDifference = i + 1
			}
			continue
		}
		rs.Status = resp.Status
		// What the target assigned now stands for what it assigned then.
		learn(subst, st.Response, string(resp.Body), replayID)
		learn(subst, st.Response, string(resp.Body), replayVersion)
		for _, h := range []string{"ETag", "Location"} {
			if old, now := st.ResponseHeaders[h], resp.Header.Get(h); old != "" && now != "" && old != now {
				subst[old] = now
			}
		}
		mark := ""
		switch {
		case rs.Status != st.Status:
			rs.Note = "status differs"
		case !sameAnswer(replaced(st.Response, subst), string(resp.Body)):
			rs.Note = "body differs"
		}
		out.Steps = append(out.Steps, rs)
		if rs.Note != "" {
			mark = "   <- " + rs.Note
			if out.FirstDifference == 0 {
				out.FirstDifference = i + 1
			}
		}
		fmt.Fprintf(w, "step %d: %s %s -> %d (recorded %d)%s\n", i+1, st.Method, rs.Path, rs.Status, st.Status, mark)
	}
	return out, nil
}

// sameAnswer compares a recorded answer body (ids already replaced) with
// the new one: as JSON without "meta" (times and versions differ from run
// to run), else as text.
func sameAnswer(recorded, now string) bool {
	var a, b any
	if json.Unmarshal([]byte(recorded), &a) != nil || json.Unmarshal([]byte(now), &b) != nil {
		return strings.TrimSpace(recorded) == strings.TrimSpace(now)
	}
	return reflect.DeepEqual(withoutMeta(a), withoutMeta(b))
}

// withoutMeta drops every "meta" member, at any depth.
func withoutMeta(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if !strings.EqualFold(k, "meta") {
				out[k] = withoutMeta(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withoutMeta(e)
		}
		return out
	}
	return v
}

// learn maps the value re finds in the recorded answer to the one it finds
// in the new answer.
func learn(subst map[string]string, recorded, now string, re *regexp.Regexp) {
	a, b := re.FindStringSubmatch(recorded), re.FindStringSubmatch(now)
	if a != nil && b != nil && a[1] != b[1] {
		subst[a[1]] = b[1]
	}
}

// replaced applies every substitution, longest recorded value first, so a
// value that contains another is replaced whole.
func replaced(s string, subst map[string]string) string {
	keys := make([]string, 0, len(subst))
	for k := range subst {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	pairs := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, k, subst[k])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}
