package runner

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/reports"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/suites/scim"
	"github.com/provcheck/provcheck/target"
)

// Version is provcheck's version, set at build time with
// -ldflags "-X github.com/provcheck/provcheck/runner.Version=v1.2.3".
var Version = "dev"

// Catalogue returns every check provcheck knows, in a fixed order.
func Catalogue() []suites.Check {
	return scim.Checks()
}

// Config is one run's settings, bound from flags or a profile.
type Config struct {
	Target    target.Config // BaseURL, auth, TLS, limits; RunID and Ledger are filled in by Run
	Selection suites.Selection
	Dialect   string // IdP dialects: rfc (default), entra, okta, a comma-separated list, or all
	OutDir    string // reports, ledger and transcript; created if missing
	Parallel  int
	Timeout   time.Duration // per check
	Force     bool          // run checks whose capability is not advertised
	Strict    bool          // warnings count as failures (junit.xml shows them as failures)
	// Seed starts the random generators of the property checks (the
	// stateful fuzzer); 0 picks a random seed, which the report records so
	// the run can be repeated.
	Seed uint64
	// FuzzSequences, FuzzSteps, FuzzTime and FuzzShrinkTime size the
	// stateful fuzzer (SCIM-FUZZ-001): sequences per batch, average
	// operations per sequence, a time budget of batches, and the time
	// rapid may spend minimising a failure. Zero values take the defaults
	// of scim.Fuzz.
	FuzzSequences  int
	FuzzSteps      int
	FuzzTime       time.Duration
	FuzzShrinkTime time.Duration
	Now            func() time.Time
	// Progress receives each result as soon as its check ends (may be nil).
	Progress func(done, total int, r suites.Result)
}

// Outcome is what a run produced.
type Outcome struct {
	Report  suites.Report
	Paths   []string // report files written
	Ledger  string   // ledger file path
	Cleanup target.CleanupReport
	// Interrupted is true when the context was cancelled during the run.
	Interrupted bool
}

// ErrUnreachable marks a run that could not talk to its target at all; the
// CLI exits 3 for it.
var ErrUnreachable = errors.New("target unreachable")

// ErrCredentials marks a target that refused the run's credentials; the
// CLI exits 2 for it.
var ErrCredentials = errors.New("credentials refused")

// ErrNotSCIM marks a target whose discovery endpoint answered something
// other than JSON, such as an HTML page; the CLI exits 2 for it.
var ErrNotSCIM = errors.New("not a SCIM target")

// Plan returns the checks cfg selects from the catalogue.
func Plan(cfg Config) ([]suites.Check, error) {
	cat := Catalogue()
	if err := suites.Validate(cat); err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	dialects, err := Dialects(cfg.Dialect)
	if err != nil {
		return nil, err
	}
	sel := cfg.Selection
	sel.Dialects = dialects
	return suites.Plan(cat, sel)
}

// Dialects expands a --dialect value ("" meaning rfc, "all", a list) into
// dialect names.
func Dialects(s string) ([]string, error) {
	ds, err := mockidp.ParseDialects(cmp.Or(s, "rfc"))
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = string(d)
	}
	return out, nil
}

// NewRunID returns a short run-unique marker, "pc" and 8 hex digits.
func NewRunID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "pc" + hex.EncodeToString(b)
}

// Run performs one run. It returns an error for configuration problems and
// for a target that cannot be reached (wrapping ErrUnreachable); check
// failures are results, not errors. Whatever the run created is deleted at
// the end, also when ctx is cancelled; reports are written in every case
// where the plan ran, even partly.
func Run(ctx context.Context, cfg Config) (Outcome, error) {
	var out Outcome
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	plan, err := Plan(cfg)
	if err != nil {
		return out, err
	}
	dialects, _ := Dialects(cfg.Dialect) // Plan has validated it
	// Check the target settings before anything is written.
	if _, err := target.New(cfg.Target); err != nil {
		return out, err
	}
	if cfg.OutDir == "" {
		cfg.OutDir = "provcheck-out"
	}
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return out, fmt.Errorf("create output folder %s: %w (choose another with --out)", cfg.OutDir, err)
	}
	runID := cfg.Target.RunID
	if runID == "" {
		runID = NewRunID()
	}
	ledgerPath := filepath.Join(cfg.OutDir, "ledger-"+runID+".jsonl")
	ledger, err := target.OpenLedger(ledgerPath)
	if err != nil {
		return out, fmt.Errorf("open ledger: %w", err)
	}
	defer ledger.Close()
	out.Ledger = ledgerPath
	transcript, err := os.Create(filepath.Join(cfg.OutDir, "transcript.jsonl"))
	if err != nil {
		return out, fmt.Errorf("create transcript: %w", err)
	}
	defer transcript.Close()

	tc := cfg.Target
	tc.RunID = runID
	tc.Ledger = ledger
	tc.Transcript = transcript
	if tc.UserAgent == "" {
		tc.UserAgent = "provcheck/" + Version
	}
	client, err := target.New(tc)
	if err != nil {
		return out, err
	}

	started := now()
	disc, err := scim.Discover(ctx, client, nil)
	if err != nil {
		var te *target.TransportError
		if errors.As(err, &te) && te.Kind != target.KindInterrupted {
			return out, fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		return out, fmt.Errorf("discovery: %w", err)
	}
	if disc.NotSCIM != "" {
		return out, fmt.Errorf("%w: %s does not look like a SCIM service: %s; point --scim-url at the SCIM base URL (often …/scim/v2)", ErrNotSCIM, client.BaseURL(), disc.NotSCIM)
	}
	// Wrong credentials would fail every check with the same 401: say so once.
	if probe, err := client.Do(ctx, target.Request{Method: "GET", Path: disc.Endpoint(scim.URNUser),
		Query: map[string][]string{"count": {"1"}}}, nil); err == nil && probe.Status == 401 {
		return out, fmt.Errorf("%w: GET %s answered 401 to the credentials given; check --scim-token, --scim-basic or the --oauth-* flags", ErrCredentials, probe.Exchange.URL)
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = newSeed()
	}
	fuzz := scim.Fuzz{Seed: seed, Checks: cfg.FuzzSequences, Steps: cfg.FuzzSteps, Time: cfg.FuzzTime, ShrinkTime: cfg.FuzzShrinkTime}
	env := &scim.Env{
		Client: client, Disc: disc, Dialect: strings.Join(dialects, ","),
		Authenticated: tc.HasCredentials(), Fuzz: fuzz,
	}
	done := 0
	results := suites.Run(ctx, plan, suites.Options{
		Env: env, Has: env.Has, Force: cfg.Force, Parallel: cfg.Parallel, Timeout: checkTimeout(cfg.Timeout, fuzz), Now: now,
	}, func(r suites.Result) {
		done++
		if cfg.Progress != nil {
			cfg.Progress(done, len(plan), r)
		}
	})
	out.Interrupted = ctx.Err() != nil

	// Clean up with a fresh context: an interrupted run must still undo
	// what it created. The ledger keeps whatever fails for 'provcheck cleanup'.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	rep, cerr := client.Cleanup(cctx)
	out.Cleanup = rep

	out.Report = suites.Report{
		Run: suites.RunInfo{
			Target: client.BaseURL(), Started: started, Finished: now(), Seed: seed,
			Version: Version, Dialect: strings.Join(dialects, ","),
		},
		Results: results,
	}
	paths, werr := reports.WriteAllWith(cfg.OutDir, out.Report, reports.WriteOptions{JUnit: reports.JUnitOptions{Strict: cfg.Strict}})
	out.Paths = paths
	if werr != nil {
		return out, fmt.Errorf("write reports: %w", werr)
	}
	if cerr != nil {
		return out, fmt.Errorf("clean-up left resources behind (run 'provcheck cleanup --ledger %s'): %w", ledgerPath, cerr)
	}
	return out, nil
}

// newSeed returns a random, non-zero seed.
func newSeed() uint64 {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return binary.LittleEndian.Uint64(b) | 1
}

// checkTimeout is the time limit of one check: the configured one (two
// minutes by default), raised for a fuzzing time budget so the fuzzer can
// spend it and still shrink a failure and clean up.
func checkTimeout(configured time.Duration, fuzz scim.Fuzz) time.Duration {
	t := cmp.Or(configured, 2*time.Minute)
	if fuzz.Time > 0 {
		t = max(t, fuzz.Time+cmp.Or(fuzz.ShrinkTime, scim.DefaultShrinkTime)+time.Minute)
	}
	return t
}

// Cleanup finishes the clean-up of an interrupted run from its ledger file.
func Cleanup(ctx context.Context, tc target.Config, ledgerPath string, w io.Writer) (target.CleanupReport, error) {
	entries, err := target.ReadLedger(ledgerPath)
	if err != nil {
		return target.CleanupReport{}, err
	}
	if len(entries) > 0 && tc.RunID == "" {
		tc.RunID = entries[0].RunID
	}
	client, err := target.New(tc)
	if err != nil {
		return target.CleanupReport{}, err
	}
	rep, err := target.CleanupLedger(ctx, client, ledgerPath)
	if w != nil {
		fmt.Fprintf(w, "clean-up of %s: %d deleted, %d already gone, %d failed\n", ledgerPath, rep.Deleted, rep.AlreadyGone, rep.Failed)
	}
	return rep, err
}
