package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/provcheck/provcheck/reports"
	"github.com/provcheck/provcheck/runner"
	"github.com/provcheck/provcheck/target"
)

// cmdReplay sends a failed check's recorded requests (replay/<ID>.json of
// a run's output) to a target again. It exits 1 when every step answers as
// in the recorded run (the failure reproduces) and 0 when one differs.
func cmdReplay(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	var tf targetFlags
	var faults listFlag
	tf.bind(fs)
	fs.Var(&faults, "fault", "embedded reference target only: switch on a fault (repeatable)")
	if !parseFiles(fs, args, true, stderr) {
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "provcheck replay: name one replay file: provcheck replay provcheck-out/replay/SCIM-FUZZ-001.json [target flags]\n")
		return exitUsage
	}
	rp, err := reports.ReadReplay(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "provcheck replay: %v\n", err)
		return exitUsage
	}
	tc, err := tf.config()
	if err != nil {
		fmt.Fprintf(stderr, "provcheck replay: %v\n", err)
		return exitUsage
	}
	var sc *runner.SAMLConfig // a replay sends SCIM requests only
	stop, ok := useEmbedded(&tc, faults, &sc, "replay", stderr)
	if !ok {
		return exitUsage
	}
	defer stop()
	fmt.Fprintf(stdout, "replaying %s (%s), recorded against %s: %d steps\n", rp.Check, rp.Status, rp.Target, len(rp.Steps))
	out, err := runner.Replay(ctx, tc, rp, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "provcheck replay: %v\n", err)
		var te *target.TransportError
		if errors.As(err, &te) {
			return exitUnreachable
		}
		return exitUsage
	}
	if out.Cleanup.Failed > 0 {
		fmt.Fprintf(stderr, "provcheck replay: %d resources the replay created could not be deleted\n", out.Cleanup.Failed)
	}
	if out.Reproduces() {
		reason, _, _ := strings.Cut(strings.TrimSpace(rp.Reason), "\n")
		fmt.Fprintf(stdout, "every step answered as in the recorded run: the failure reproduces\n  %s\n", reason)
		return exitFailed
	}
	fmt.Fprintf(stdout, "step %d answered differently from the recorded run: the behaviour changed (run 'provcheck run --run %s' to judge it)\n",
		out.FirstDifference, rp.Check)
	return exitOK
}
