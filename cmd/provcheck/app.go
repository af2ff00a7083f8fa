package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/reports"
	"github.com/provcheck/provcheck/runner"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/suites/scim"
	"github.com/provcheck/provcheck/target"
)

// Exit codes, documented in the README.
const (
	exitOK          = 0 // nothing failed (skips allowed)
	exitFailed      = 1 // a check failed (or warned, with --strict)
	exitUsage       = 2 // bad usage or configuration
	exitUnreachable = 3 // the target could not be reached
)

const usage = `provcheck — conformance and fuzz harness for SCIM 2.0 provisioning

usage:
  provcheck run [flags]       run the checks (against the embedded reference target and its SAML SP
                              when neither --scim-url nor --sp-* settings are given)
  provcheck list [flags]      print the catalogue of checks (--json for JSON)
  provcheck bench [flags]     run the checks several times and measure them (bench.json)
  provcheck mockidp serve [flags]
                              the mock IdP as a web app, to register with a staging SP
  provcheck replay FILE [target flags]
                              send a failed check's recorded requests again (provcheck-out/replay/ID.json)
  provcheck merge --out DIR FILE...
                              join the report.json files of the shards of a run (--shard i/n)
  provcheck compare --out DIR [NAME=]FILE...
                              the vendor matrix of several runs: checks × targets, verdicts
  provcheck baseline --report FILE [--out FILE]
                              write a baseline of a report's failures and warnings
  provcheck serve [flags]     run the reference SCIM target on loopback
  provcheck cleanup --ledger FILE [target flags]
                              delete what an interrupted run created
  provcheck version           print the version

"provcheck COMMAND -h" lists a command's flags.
`

// Run is the whole CLI: it parses args, does the work and returns the exit
// code. It never calls os.Exit and never panics on bad input.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "provcheck: internal error: %v (please report it)\n", r)
			code = exitUsage
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "run":
		return cmdRun(ctx, rest, stdout, stderr)
	case "list":
		return cmdList(rest, stdout, stderr)
	case "bench":
		return cmdBench(ctx, rest, stdout, stderr)
	case "baseline":
		return cmdBaseline(rest, stdout, stderr)
	case "merge":
		return cmdMerge(rest, stdout, stderr)
	case "mockidp":
		return cmdMockIdP(ctx, rest, stdout, stderr)
	case "replay":
		return cmdReplay(ctx, rest, stdout, stderr)
	case "compare":
		return cmdCompare(rest, stdout, stderr)
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "cleanup":
		return cmdCleanup(ctx, rest, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "provcheck %s\n", runner.Version)
		return exitOK
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "provcheck: unknown command %q; run 'provcheck help' for the commands\n", cmd)
	return exitUsage
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error {
	*m = append(*m, v)
	return nil
}

// listFlag is a repeatable flag that also splits on commas.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// targetFlags are the flags that name and reach a SCIM target.
type targetFlags struct {
	url, token, basic              string
	oauthURL, oauthID, oauthSecret string
	oauthScope, caFile             string
	headers                        multi
	insecure                       bool
	timeout                        time.Duration
	maxRPS                         float64
	retries                        int
}

func (tf *targetFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&tf.url, "scim-url", "", "SCIM base URL of the target, e.g. https://app.example.com/scim/v2")
	fs.StringVar(&tf.token, "scim-token", "", "bearer token (default: $PROVCHECK_SCIM_TOKEN)")
	fs.StringVar(&tf.basic, "scim-basic", "", "HTTP basic credentials user:pass")
	fs.StringVar(&tf.oauthURL, "oauth-token-url", "", "OAuth 2.0 token URL (client credentials grant)")
	fs.StringVar(&tf.oauthID, "oauth-client-id", "", "OAuth 2.0 client ID")
	fs.StringVar(&tf.oauthSecret, "oauth-client-secret", "", "OAuth 2.0 client secret (default: $PROVCHECK_OAUTH_CLIENT_SECRET)")
	fs.StringVar(&tf.oauthScope, "oauth-scope", "", "OAuth 2.0 scope")
	fs.Var(&tf.headers, "header", "extra header 'Name: value' on every request (repeatable; values are redacted)")
	fs.StringVar(&tf.caFile, "ca-file", "", "PEM file of CA certificates to trust for the target")
	fs.BoolVar(&tf.insecure, "insecure", false, "do not verify the target's TLS certificate (test servers only)")
	fs.DurationVar(&tf.timeout, "timeout", 30*time.Second, "time limit of one HTTP request")
	fs.Float64Var(&tf.maxRPS, "max-rps", 0, "at most this many requests per second (0: no limit)")
	fs.IntVar(&tf.retries, "retries", 3, "retries of a request answered 429 or 503")
}

// config turns the flags into a target.Config, or a one-line error.
func (tf *targetFlags) config() (target.Config, error) {
	c := target.Config{
		BaseURL: tf.url, BearerToken: tf.token, CAFile: tf.caFile, Insecure: tf.insecure,
		Timeout: tf.timeout, MaxRPS: tf.maxRPS, Retries: tf.retries,
	}
	if c.Retries == 0 {
		c.Retries = -1 // target.Config: 0 means the default, below 0 none
	}
	if c.BearerToken == "" {
		c.BearerToken = os.Getenv("PROVCHECK_SCIM_TOKEN")
	}
	if tf.basic != "" {
		u, p, ok := strings.Cut(tf.basic, ":")
		if !ok || u == "" {
			return c, fmt.Errorf("--scim-basic must be user:pass")
		}
		c.BasicUser, c.BasicPass = u, p
	}
	if tf.oauthURL != "" || tf.oauthID != "" {
		secret := tf.oauthSecret
		if secret == "" {
			secret = os.Getenv("PROVCHECK_OAUTH_CLIENT_SECRET")
		}
		if tf.oauthURL == "" || tf.oauthID == "" || secret == "" {
			return c, fmt.Errorf("OAuth needs --oauth-token-url, --oauth-client-id and --oauth-client-secret (or $PROVCHECK_OAUTH_CLIENT_SECRET)")
		}
		c.OAuth = &target.OAuth{TokenURL: tf.oauthURL, ClientID: tf.oauthID, ClientSecret: secret, Scope: tf.oauthScope}
	}
	n := 0
	for _, set := range []bool{c.BearerToken != "", c.BasicUser != "", c.OAuth != nil} {
		if set {
			n++
		}
	}
	if n > 1 {
		return c, fmt.Errorf("give one kind of credentials: --scim-token, --scim-basic or the --oauth-* flags")
	}
	if len(tf.headers) > 0 {
		c.Headers = map[string]string{}
		for _, h := range tf.headers {
			name, val, ok := strings.Cut(h, ":")
			if !ok || strings.TrimSpace(name) == "" || strings.ContainsAny(strings.TrimSpace(name), " \t") {
				return c, fmt.Errorf("--header %q: expected 'Name: value'", h)
			}
			c.Headers[strings.TrimSpace(name)] = strings.TrimSpace(val)
		}
	}
	if tf.timeout <= 0 {
		return c, fmt.Errorf("--timeout must be positive")
	}
	if tf.maxRPS < 0 || tf.retries < 0 {
		return c, fmt.Errorf("--max-rps and --retries cannot be negative")
	}
	return c, nil
}

// fuzzFlags size the stateful fuzzer (SCIM-FUZZ-001).
type fuzzFlags struct {
	seed             uint64
	sequences, steps int
	time, shrink     time.Duration
}

func (ff *fuzzFlags) bind(fs *flag.FlagSet) {
	fs.Uint64Var(&ff.seed, "seed", 0, "seed of the generated sequences (0: random; the report records it, so a failure can be repeated)")
	fs.IntVar(&ff.sequences, "fuzz-sequences", 0, fmt.Sprintf("sequences the stateful fuzzer runs per batch (0: %d; for thousands raise --check-timeout, or give --fuzz-time)", scim.DefaultFuzzChecks))
	fs.IntVar(&ff.sequences, "checks", 0, "the same as --fuzz-sequences (rapid's name for it)")
	fs.IntVar(&ff.steps, "steps", 0, fmt.Sprintf("average operations per generated sequence (0: %d)", scim.DefaultFuzzSteps))
	fs.DurationVar(&ff.time, "fuzz-time", 0, "time budget of the stateful fuzzer: batches of sequences run until it is spent (0: one batch)")
	fs.DurationVar(&ff.shrink, "shrink-time", 0, fmt.Sprintf("time the fuzzer may spend minimising a failing sequence (0: %s)", scim.DefaultShrinkTime))
}

// check refuses negative sizes.
func (ff *fuzzFlags) check() error {
	if ff.sequences < 0 || ff.steps < 0 || ff.time < 0 || ff.shrink < 0 {
		return errors.New("--fuzz-sequences, --steps, --fuzz-time and --shrink-time cannot be negative")
	}
	return nil
}

// selectionFlags choose checks.
type selectionFlags struct {
	run, skip   listFlag
	labelFilter string
	shard       shardFlag
}

// forceFlag is --force (every capability) or --force=cap,cap.
type forceFlag struct {
	all  bool
	caps []suites.Capability
}

func (f *forceFlag) IsBoolFlag() bool { return true }

func (f *forceFlag) String() string {
	if f.all {
		return "true"
	}
	var s []string
	for _, c := range f.caps {
		s = append(s, string(c))
	}
	return strings.Join(s, ",")
}

func (f *forceFlag) Set(v string) error {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "all":
		f.all = true
		return nil
	case "false", "":
		return nil
	}
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		i := slices.IndexFunc(suites.Capabilities(), func(c suites.Capability) bool { return strings.EqualFold(string(c), name) })
		if i < 0 {
			var known []string
			for _, c := range suites.Capabilities() {
				known = append(known, string(c))
			}
			return fmt.Errorf("unknown capability %q (known: %s)", name, strings.Join(known, ", "))
		}
		f.caps = append(f.caps, suites.Capabilities()[i])
	}
	return nil
}

// shardFlag is --shard i/n.
type shardFlag struct{ i, n int }

func (s *shardFlag) String() string {
	if s.n == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.i, s.n)
}

func (s *shardFlag) Set(v string) error {
	a, b, ok := strings.Cut(strings.TrimSpace(v), "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return fmt.Errorf("expected i/n with 1 ≤ i ≤ n, such as 2/4")
	}
	s.i, s.n = i, n
	return nil
}

func (sf *selectionFlags) bind(fs *flag.FlagSet) {
	fs.Var(&sf.run, "run", "checks to run: IDs, prefixes (SCIM-USERS) or globs (SCIM-*-00?); repeatable or comma-separated")
	fs.Var(&sf.skip, "skip", "checks to leave out, same forms as --run")
	fs.StringVar(&sf.labelFilter, "label-filter", "", "label expression, e.g. 'area:users && !level:should'")
	fs.Var(&sf.shard, "shard", "run only shard i of n of the selected checks (i/n, e.g. 2/4); 'provcheck merge' joins the reports")
}

func (sf *selectionFlags) selection() suites.Selection {
	return suites.Selection{Run: sf.run, Skip: sf.skip, LabelFilter: sf.labelFilter, Shard: sf.shard.i, Shards: sf.shard.n}
}

// parse parses args on fs, applying --profile for the keys the command line
// did not set. It reports bad usage on stderr and returns false.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) bool {
	return parseFiles(fs, args, false, stderr)
}

// parseFiles is parse for commands that take file names after the flags
// (merge, compare): with files, arguments after the flags are allowed, and
// flags may also follow them.
func parseFiles(fs *flag.FlagSet, args []string, files bool, stderr io.Writer) bool {
	var profile string
	fs.StringVar(&profile, "profile", "", "YAML file whose keys are these flag names (${ENV} expanded)")
	fs.SetOutput(io.Discard)
	if files {
		args = flagsFirst(fs, args)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return false
		}
		fmt.Fprintf(stderr, "provcheck %s: %v; run 'provcheck %s -h' for the flags\n", fs.Name(), err, fs.Name())
		return false
	}
	if fs.NArg() > 0 && !files {
		fmt.Fprintf(stderr, "provcheck %s: unexpected argument %q; flags come as --name value\n", fs.Name(), fs.Arg(0))
		return false
	}
	if profile != "" {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if err := applyProfile(fs, profile, set); err != nil {
			fmt.Fprintf(stderr, "provcheck %s: %v\n", fs.Name(), err)
			return false
		}
	}
	return true
}

// flagsFirst moves the flags (and their values) of args before the other
// arguments, so "merge a.json b.json --out DIR" parses like "merge --out DIR
// a.json b.json". A "--" ends the flags.
func flagsFirst(fs *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil && i+1 < len(args) {
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			flags = append(flags, args[i+1])
			i++
		}
	}
	return append(append(flags, "--"), rest...)
}

// useEmbedded starts the embedded reference target (with faults) when tc
// names no target, and points tc at it; its SAML SP then trusts a
// generated mock IdP and *sc becomes that SP's contract. An SP contract
// without a SCIM URL is a run against that SP only. It reports a usage
// error (false) for faults given with a real target, or credentials
// without a SCIM URL.
func useEmbedded(tc *target.Config, faults listFlag, sc **runner.SAMLConfig, cmd string, stderr io.Writer) (stop func(), ok bool) {
	if tc.BaseURL != "" || *sc != nil {
		if len(faults) > 0 {
			fmt.Fprintf(stderr, "provcheck %s: --fault applies only to the embedded reference target (no --scim-url and no --sp-* settings)\n", cmd)
			return nil, false
		}
		if tc.BaseURL == "" {
			if tc.BearerToken != "" || tc.BasicUser != "" || tc.OAuth != nil || len(tc.Headers) > 0 {
				fmt.Fprintf(stderr, "provcheck %s: credentials given but no --scim-url; name the target with --scim-url\n", cmd)
				return nil, false
			}
			fmt.Fprintf(stderr, "no --scim-url: checking the SAML SP at %s only (the SCIM checks are skipped)\n", (*sc).SP.ACSURL)
		}
		return func() {}, true
	}
	var fl []reftarget.Fault
	for _, f := range faults {
		ft, err := reftarget.ParseFault(f)
		if err != nil {
			fmt.Fprintf(stderr, "provcheck %s: --fault: %v\n", cmd, err)
			return nil, false
		}
		fl = append(fl, ft)
	}
	if tc.BearerToken != "" || tc.BasicUser != "" || tc.OAuth != nil || len(tc.Headers) > 0 {
		fmt.Fprintf(stderr, "provcheck %s: credentials given but no --scim-url; name the target with --scim-url\n", cmd)
		return nil, false
	}
	ref, err := reftarget.Start(reftarget.Options{Faults: fl})
	if err != nil {
		fmt.Fprintf(stderr, "provcheck %s: start the embedded reference target: %v\n", cmd, err)
		return nil, false
	}
	tc.BaseURL, tc.BearerToken = ref.URL, ref.Token
	fmt.Fprintf(stderr, "no --scim-url: running against the embedded reference target at %s\n", ref.URL)
	emb, err := embeddedSAML(ref, stderr)
	if err != nil {
		_ = ref.Close()
		fmt.Fprintf(stderr, "provcheck %s: mock IdP for the embedded SP: %v\n", cmd, err)
		return nil, false
	}
	*sc = emb
	if len(fl) > 0 {
		fmt.Fprintf(stderr, "faults switched on: %s\n", faults.String())
	}
	return func() { _ = ref.Close() }, true
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var tf targetFlags
	var sf selectionFlags
	var spf samlFlags
	var faults listFlag
	var (
		out, dialect     string
		baselineFile     string
		parallel         int
		checkTimeout     time.Duration
		strict           bool
		verbose, noColor bool
		forceF           forceFlag
		discFiles        scim.DiscoveryFiles
		fz               fuzzFlags
		userEmail        bool
		transcriptMiB    int
	)
	tf.bind(fs)
	sf.bind(fs)
	spf.bind(fs)
	fs.StringVar(&out, "out", "provcheck-out", "folder for junit.xml, report.json, report.html, the ledger and the transcript")
	fs.StringVar(&dialect, "dialect", "rfc", "IdP dialects whose request shapes are sent: rfc, entra, okta, a comma-separated list, or all")
	fs.IntVar(&parallel, "parallel", 4, "checks run at once")
	fs.DurationVar(&checkTimeout, "check-timeout", 2*time.Minute, "time limit of one check")
	fs.IntVar(&transcriptMiB, "transcript-limit", 256, "MiB of transcript.jsonl with bodies; later exchanges are written without them (0: no limit)")
	fs.Var(&forceF, "force", "run checks whose capability the target does not advertise: --force for all, --force=patch,bulk for some")
	fs.StringVar(&discFiles.SPC, "spc-file", "", "JSON file standing in for the target's /ServiceProviderConfig")
	fs.StringVar(&discFiles.ResourceTypes, "resource-types-file", "", "JSON file standing in for the target's /ResourceTypes")
	fs.StringVar(&discFiles.Schemas, "schemas-file", "", "JSON file standing in for the target's /Schemas")
	fs.BoolVar(&userEmail, "user-email", false, "give every User the checks write without emails one work email (for targets that refuse a User without one; SCIM-USERS-001 still sends userName alone)")
	fs.BoolVar(&strict, "strict", false, "treat warnings (SHOULD violations) as failures")
	fs.BoolVar(&verbose, "v", false, "verbose: reasons of skips, full reasons and logs")
	fs.BoolVar(&noColor, "no-color", false, "no ANSI colours")
	fs.Var(&faults, "fault", "embedded reference target only: switch on a fault (repeatable; 'provcheck serve --list-faults')")
	fs.StringVar(&baselineFile, "baseline", "", "YAML file of known deviations: the run fails only on what it does not list ('provcheck baseline' writes one)")
	fz.bind(fs)
	if !parse(fs, args, stderr) {
		return exitUsage
	}
	if err := fz.check(); err != nil {
		fmt.Fprintf(stderr, "provcheck run: %v\n", err)
		return exitUsage
	}
	var baseline *runner.Baseline
	if baselineFile != "" {
		b, err := runner.LoadBaseline(baselineFile)
		if err == nil {
			err = b.Check(runner.Catalogue())
		}
		if err != nil {
			fmt.Fprintf(stderr, "provcheck run: %v\n", err)
			return exitUsage
		}
		baseline = b
	}
	if _, err := mockidp.ParseDialects(dialect); err != nil {
		fmt.Fprintf(stderr, "provcheck run: --dialect: %v\n", err)
		return exitUsage
	}
	if parallel < 1 || checkTimeout <= 0 {
		fmt.Fprintf(stderr, "provcheck run: --parallel must be at least 1 and --check-timeout positive\n")
		return exitUsage
	}
	if transcriptMiB < 0 {
		fmt.Fprintf(stderr, "provcheck run: --transcript-limit %d: expected a number of MiB, or 0 for no limit\n", transcriptMiB)
		return exitUsage
	}
	tc, err := tf.config()
	if err != nil {
		fmt.Fprintf(stderr, "provcheck run: %v\n", err)
		return exitUsage
	}
	tc.TranscriptLimit = int64(transcriptMiB) << 20
	sc, err := spf.config(tc)
	if err != nil {
		fmt.Fprintf(stderr, "provcheck run: %v\n", err)
		return exitUsage
	}
	stop, ok := useEmbedded(&tc, faults, &sc, "run", stderr)
	if !ok {
		return exitUsage
	}
	defer stop()
	spf.keysCanaryInto(sc)
	console := &reports.Console{W: stderr, Verbose: verbose, Color: !noColor && isTerminal(stderr)}
	cfg := runner.Config{
		Target: tc, Selection: sf.selection(), Dialect: dialect, OutDir: out,
		Parallel: parallel, Timeout: checkTimeout, Force: forceF.all, ForceCaps: forceF.caps, Strict: strict, Progress: console.Progress,
		DiscoveryFiles: discFiles, UserEmail: userEmail,
		Baseline: baseline, BaselineFile: baselineFile,
		SAML: sc,
		Seed: fz.seed, FuzzSequences: fz.sequences, FuzzSteps: fz.steps, FuzzTime: fz.time, FuzzShrinkTime: fz.shrink,
	}
	if plan, err := runner.Plan(cfg); err != nil {
		fmt.Fprintf(stderr, "provcheck run: %v\n", err)
		return exitUsage
	} else if len(plan) == 0 {
		fmt.Fprintf(stderr, "provcheck run: the selection matches no check; see 'provcheck list'\n")
		return exitUsage
	}
	res, err := runner.Run(ctx, cfg)
	if len(res.Report.Results) > 0 {
		console.Summary(res.Report, res.Paths)
	}
	if err != nil {
		fmt.Fprintf(stderr, "provcheck run: %v\n", err)
		switch {
		case errors.Is(err, runner.ErrUnreachable):
			return exitUnreachable
		case len(res.Report.Results) == 0:
			return exitUsage
		}
	}
	if res.AccountsLeft != "" {
		fmt.Fprintf(stderr, "provcheck run: the SP kept accounts that SAML logins created; without --scim-url provcheck cannot delete them: remove the accounts listed in %s\n", res.AccountsLeft)
	}
	if res.Interrupted {
		fmt.Fprintf(stderr, "provcheck run: interrupted; what the run created was cleaned up (ledger: %s)\n", res.Ledger)
		return exitFailed
	}
	if res.Failing(strict) > 0 {
		return exitFailed
	}
	if err != nil {
		return exitFailed
	}
	return exitOK
}

func cmdList(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	var sf selectionFlags
	var asJSON bool
	var dialect string
	sf.bind(fs)
	fs.BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	fs.StringVar(&dialect, "dialect", "all", "list the dialect packs of these IdP dialects: rfc, entra, okta, a comma-separated list, or all")
	if !parse(fs, args, stderr) {
		return exitUsage
	}
	plan, err := runner.Plan(runner.Config{Selection: sf.selection(), Dialect: dialect})
	if err != nil {
		fmt.Fprintf(stderr, "provcheck list: %v\n", err)
		return exitUsage
	}
	if asJSON {
		type entry struct {
			ID       string   `json:"id"`
			Title    string   `json:"title"`
			Spec     string   `json:"spec"`
			Level    string   `json:"level"`
			Kind     string   `json:"kind"`
			Requires []string `json:"requires"`
			Labels   []string `json:"labels"`
			Covers   []string `json:"covers"`
			Dialect  string   `json:"dialect,omitempty"`
			Rule     string   `json:"rule"`
		}
		list := make([]entry, 0, len(plan))
		for _, c := range plan {
			req := []string{}
			for _, r := range c.Requires {
				req = append(req, string(r))
			}
			list = append(list, entry{c.ID, c.Title, c.Spec, string(c.Level), string(c.Kind), req,
				append([]string{}, c.Labels...), append([]string{}, c.Covers...), c.Dialect, c.Rule})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(list); err != nil {
			fmt.Fprintf(stderr, "provcheck list: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLEVEL\tSPEC\tLABELS\tTITLE")
	for _, c := range plan {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Level, c.Spec, strings.Join(c.Labels, ","), c.Title)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%d checks\n", len(plan))
	return exitOK
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var faults listFlag
	var token, idpCert, idpEntityID, idpSSO string
	var listFaults bool
	fs.Var(&faults, "fault", "switch on a fault (repeatable or comma-separated)")
	fs.StringVar(&token, "token", "", "bearer token to require (default: random)")
	fs.StringVar(&idpCert, "idp-cert", "", "PEM certificate of the IdP the reference SP trusts (with --idp-entity-id)")
	fs.StringVar(&idpEntityID, "idp-entity-id", "", "entity ID of the IdP the reference SP trusts")
	fs.StringVar(&idpSSO, "idp-sso-url", runner.MockIdPSSOURL, "SSO URL the reference SP sends SP-initiated logins to")
	fs.BoolVar(&listFaults, "list-faults", false, "print the faults that can be switched on, and exit")
	if !parse(fs, args, stderr) {
		return exitUsage
	}
	if listFaults {
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		for _, f := range reftarget.Faults() {
			fmt.Fprintf(tw, "%s\t%s\n", f.Fault, f.Description)
		}
		tw.Flush()
		return exitOK
	}
	var fl []reftarget.Fault
	for _, f := range faults {
		ft, err := reftarget.ParseFault(f)
		if err != nil {
			fmt.Fprintf(stderr, "provcheck serve: --fault: %v\n", err)
			return exitUsage
		}
		fl = append(fl, ft)
	}
	if (idpCert == "") != (idpEntityID == "") {
		fmt.Fprintf(stderr, "provcheck serve: --idp-cert and --idp-entity-id go together\n")
		return exitUsage
	}
	opts := reftarget.Options{Token: token, Faults: fl}
	if idpCert != "" {
		cert, err := readCert(idpCert)
		if err != nil {
			fmt.Fprintf(stderr, "provcheck serve: --idp-cert: %v\n", err)
			return exitUsage
		}
		opts.IdP = &reftarget.TrustedIdP{EntityID: idpEntityID, Cert: cert, SSOURL: idpSSO}
	}
	ref, err := reftarget.Start(opts)
	if err != nil {
		fmt.Fprintf(stderr, "provcheck serve: %v\n", err)
		return exitUsage
	}
	defer ref.Close()
	fmt.Fprintf(stdout, "reference SCIM target listening\n  url:   %s\n  token: %s\n", ref.URL, ref.Token)
	fmt.Fprintf(stdout, "reference SAML SP\n  metadata: %s\n  acs:      %s\n  login:    %s\n  whoami:   %s\n  link:     %s\n  accounts: %s (the SCIM token)\n",
		ref.SP.MetadataURL, ref.SP.ACSURL, ref.SP.LoginURL, ref.SP.WhoamiURL, ref.SP.LinkURL, ref.SP.AccountsURL)
	if idpCert == "" {
		fmt.Fprintln(stdout, "  (trusts no IdP: give --idp-cert and --idp-entity-id to log in)")
	}
	fmt.Fprintf(stdout, "try:   provcheck run --scim-url %s --scim-token %s\n", ref.URL, ref.Token)
	fmt.Fprintln(stdout, "stop with Ctrl-C")
	<-ctx.Done()
	return exitOK
}

func cmdCleanup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cleanup", flag.ContinueOnError)
	var tf targetFlags
	var ledger string
	tf.bind(fs)
	fs.StringVar(&ledger, "ledger", "", "ledger file of the run to clean up (provcheck-out/ledger-*.jsonl)")
	if !parse(fs, args, stderr) {
		return exitUsage
	}
	if ledger == "" || tf.url == "" {
		fmt.Fprintf(stderr, "provcheck cleanup: --ledger and --scim-url are required (with the run's credentials)\n")
		return exitUsage
	}
	tc, err := tf.config()
	if err != nil {
		fmt.Fprintf(stderr, "provcheck cleanup: %v\n", err)
		return exitUsage
	}
	if _, err := runner.Cleanup(ctx, tc, ledger, stdout); err != nil {
		fmt.Fprintf(stderr, "provcheck cleanup: %v\n", err)
		var te *target.TransportError
		if errors.As(err, &te) {
			return exitUnreachable
		}
		return exitFailed
	}
	return exitOK
}

// readCert reads the first PEM certificate of a file.
func readCert(path string) (*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, fmt.Errorf("%s holds no PEM certificate", path)
		}
		if b.Type == "CERTIFICATE" {
			return x509.ParseCertificate(b.Bytes)
		}
	}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var tf targetFlags
	var sf selectionFlags
	var (
		out, dialect string
		parallel, n  int
		top          int
	)
	tf.bind(fs)
	sf.bind(fs)
	fs.StringVar(&out, "out", "provcheck-out", "folder for bench.json and the reports of the last iteration")
	fs.StringVar(&dialect, "dialect", "rfc", "IdP dialects whose request shapes are sent: rfc, entra, okta, a comma-separated list, or all")
	fs.IntVar(&parallel, "parallel", 4, "checks run at once")
	fs.IntVar(&n, "iterations", 3, "how many times the selected checks run")
	fs.IntVar(&top, "top", 10, "how many of the slowest checks to print")
	if !parse(fs, args, stderr) {
		return exitUsage
	}
	if n < 1 || parallel < 1 || top < 0 {
		fmt.Fprintf(stderr, "provcheck bench: --iterations and --parallel must be at least 1, --top not negative\n")
		return exitUsage
	}
	tc, err := tf.config()
	if err != nil {
		fmt.Fprintf(stderr, "provcheck bench: %v\n", err)
		return exitUsage
	}
	var sc *runner.SAMLConfig
	stop, ok := useEmbedded(&tc, nil, &sc, "bench", stderr)
	if !ok {
		return exitUsage
	}
	defer stop()
	cfg := runner.Config{Target: tc, Selection: sf.selection(), Dialect: dialect, OutDir: out, Parallel: parallel, Timeout: 2 * time.Minute, SAML: sc}
	if plan, err := runner.Plan(cfg); err != nil {
		fmt.Fprintf(stderr, "provcheck bench: %v\n", err)
		return exitUsage
	} else if len(plan) == 0 {
		fmt.Fprintf(stderr, "provcheck bench: the selection matches no check; see 'provcheck list'\n")
		return exitUsage
	}
	res, err := runner.Bench(ctx, cfg, n)
	if err != nil {
		fmt.Fprintf(stderr, "provcheck bench: %v\n", err)
		if errors.Is(err, runner.ErrUnreachable) {
			return exitUnreachable
		}
		return exitFailed
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(out, "bench.json"), append(b, '\n'), 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "provcheck bench: write bench.json: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "%d iterations of %d checks against %s\n", n, res.Iterations[0].Checks, res.Target)
	fmt.Fprintf(stdout, "median run: %.0f ms; %.1f checks/s; %.1f requests/s\n", res.MedianRunMS, res.ChecksPerSecond, res.RequestsPerSecond)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SLOWEST CHECKS\tMEAN MS")
	for _, c := range res.Checks[:min(top, len(res.Checks))] {
		fmt.Fprintf(tw, "%s\t%.1f\n", c.ID, c.MeanMS)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "written: %s\n", filepath.Join(out, "bench.json"))
	for _, it := range res.Iterations {
		if it.Failed > 0 {
			fmt.Fprintf(stderr, "provcheck bench: %d checks failed in an iteration; the numbers measure a target that breaks the RFC (see %s)\n", it.Failed, out)
			break
		}
	}
	return exitOK
}

func cmdBaseline(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	var report, out string
	fs.StringVar(&report, "report", "provcheck-out/report.json", "report.json of the run whose failures and warnings become the baseline")
	fs.StringVar(&out, "out", "", "file to write (default: standard output)")
	if !parse(fs, args, stderr) {
		return exitUsage
	}
	rep, err := reports.ReadJSONFile(report)
	if err != nil {
		fmt.Fprintf(stderr, "provcheck baseline: %v\n", err)
		return exitUsage
	}
	b := runner.BaselineFrom(rep)
	data, err := b.Marshal()
	if err != nil {
		fmt.Fprintf(stderr, "provcheck baseline: %v\n", err)
		return exitUsage
	}
	if out == "" {
		_, _ = stdout.Write(data)
		return exitOK
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		fmt.Fprintf(stderr, "provcheck baseline: write %s: %v\n", out, errors.Unwrap(err))
		return exitUsage
	}
	fmt.Fprintf(stdout, "%d known deviations written to %s; review each reason before checking it in\n", len(b.Entries), out)
	return exitOK
}
