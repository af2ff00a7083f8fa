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
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/reports"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/suites/saml"
	"github.com/provcheck/provcheck/suites/scim"
	"github.com/provcheck/provcheck/target"
)

// Version is provcheck's version, set at build time with
// -ldflags "-X github.com/provcheck/provcheck/runner.Version=v1.2.3".
var Version = "dev"

// Catalogue returns every check provcheck knows, in a fixed order: the
// SCIM checks, then the SAML checks (JIT and coexistence, then security).
func Catalogue() []suites.Check {
	return append(append(scim.Checks(), saml.Checks()...), saml.SecChecks()...)
}

// SAMLConfig is the SAML SP contract of a run: the SP's endpoints and
// declared policy, and the IdP identity the SP trusts.
type SAMLConfig struct {
	SP     saml.SP
	Policy saml.Policy
	IdP    *mockidp.Identity
	// SecondIdP is another identity the SP trusts, or nil (catalogue J07).
	SecondIdP *mockidp.Identity
	// RolloverIdP, WeakIdP and ExpiredIdP are further signing identities
	// of the IdP whose certificates the SP trusts, or nil (catalogue K04,
	// K06, K11; see saml.Env).
	RolloverIdP, WeakIdP, ExpiredIdP *mockidp.Identity
	// CanaryListen and CanaryURL place the out-of-band canary (see
	// saml.Env); empty means a loopback port per check.
	CanaryListen, CanaryURL string
	// Attrs are the attribute names the SP maps; zero means
	// saml.DefaultAttributes.
	Attrs saml.Attributes
	// Accounts is the accounts-listing oracle (--sp-accounts-url), or nil.
	Accounts *AcctOracle
}

// Envs are the sessions of one run's suites: SCIM checks get the SCIM
// environment, SAML checks the SAML one.
type Envs struct {
	SCIM *scim.Env
	SAML *saml.Env
}

// NewEnvs returns the environments of a run against client (the SCIM
// endpoint, also the SAML checks' SCIM oracle) with discovery disc and the
// SAML contract sc (nil: the SAML checks skip).
func NewEnvs(client *target.Client, disc *scim.Discovery, dialects []string, authenticated bool, sc *SAMLConfig) Envs {
	e := NewSAMLOnlyEnvs(client, sc)
	e.SCIM = &scim.Env{Client: client, Disc: disc, Dialect: strings.Join(dialects, ","), Authenticated: authenticated}
	if sc != nil {
		e.SAML.SCIM = client
	}
	return e
}

// NewSAMLOnlyEnvs returns the environments of a run without a SCIM target:
// the SCIM checks are skipped; client carries the requests to the SP (its
// TLS settings) and writes them to the transcript.
func NewSAMLOnlyEnvs(client *target.Client, sc *SAMLConfig) Envs {
	e := Envs{SAML: &saml.Env{RunID: client.RunID()}}
	if sc != nil {
		e.SAML.SP, e.SAML.Policy, e.SAML.IdP, e.SAML.Attrs = sc.SP, sc.Policy, sc.IdP, sc.Attrs
		e.SAML.SecondIdP = sc.SecondIdP
		e.SAML.RolloverIdP, e.SAML.WeakIdP, e.SAML.ExpiredIdP = sc.RolloverIdP, sc.WeakIdP, sc.ExpiredIdP
		e.SAML.CanaryListen, e.SAML.CanaryURL = sc.CanaryListen, sc.CanaryURL
		e.SAML.Transport, e.SAML.Transcript = client.Transport(), client
		e.SAML.Leftovers = &saml.AcctLeftovers{}
		if sc.Accounts != nil && sc.Accounts.Listing.Client != nil {
			l := sc.Accounts.Listing
			e.SAML.Listing = &l
		}
	}
	return e
}

// isSAML reports whether c is a SAML check.
func isSAML(c suites.Check) bool { return strings.HasPrefix(c.ID, "SAML-") }

// For returns the environment of check c.
func (e Envs) For(c suites.Check) any {
	if isSAML(c) {
		return e.SAML
	}
	return e.SCIM
}

// Gate skips the SCIM checks of a run without a SCIM target.
func (e Envs) Gate(c suites.Check) (bool, string) {
	if !isSAML(c) && e.SCIM == nil {
		return false, "no SCIM target given (--scim-url): this run checks the SAML SP only"
	}
	return true, ""
}

// Has is the capability gate of a run: SAML capabilities are answered by
// the SAML environment, the others by SCIM discovery.
func (e Envs) Has(c suites.Capability) (bool, string) {
	switch c {
	case suites.CapSAML, suites.CapSAMLSCIM, suites.CapJIT:
		return e.SAML.Has(c)
	}
	if e.SCIM == nil {
		return false, "no SCIM target given (--scim-url)"
	}
	return e.SCIM.Has(c)
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
	// ForceCaps run the checks of these capabilities even when the target
	// does not advertise them (Force does it for all).
	ForceCaps []suites.Capability
	// DiscoveryFiles stand in for discovery endpoints a target lacks.
	DiscoveryFiles scim.DiscoveryFiles
	// UserEmail gives every User body the SCIM checks write without
	// "emails" one work email (scim.Env.UserEmail), for targets that refuse
	// a User without an email.
	UserEmail bool
	Strict    bool // warnings count as failures (junit.xml shows them as failures)
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
	// Baseline, when set, excuses the known deviations it lists: their
	// results carry its reason and Outcome.Failing does not count them.
	Baseline     *Baseline
	BaselineFile string
	Now          func() time.Time
	// Progress receives each result as soon as its check ends (may be nil).
	Progress func(done, total int, r suites.Result)
	// SAML is the SP contract; nil skips the SAML checks.
	SAML *SAMLConfig
}

// Outcome is what a run produced.
type Outcome struct {
	Report  suites.Report
	Paths   []string // report files written
	Ledger  string   // ledger file path
	Cleanup target.CleanupReport
	// Interrupted is true when the context was cancelled during the run.
	Interrupted bool
	// Baseline says how the run met Config.Baseline; nil without one.
	Baseline *BaselineOutcome
	// AccountsLeft is the file listing the accounts SAML logins created
	// that provcheck could not delete (no SCIM client), "" when none.
	AccountsLeft string
}

// Failing counts the failures and errors of the run that no baseline
// excuses, plus its warnings when strict.
func (o Outcome) Failing(strict bool) int {
	n := 0
	for _, r := range o.Report.Results {
		switch {
		case r.Baseline != "":
		case r.Status == suites.Failed, r.Status == suites.Error, strict && r.Status == suites.Warning:
			n++
		}
	}
	return n
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

// forcing wraps a capability gate so the forced capabilities count as
// offered.
func forcing(has func(suites.Capability) (bool, string), forced []suites.Capability) func(suites.Capability) (bool, string) {
	if len(forced) == 0 {
		return has
	}
	return func(c suites.Capability) (bool, string) {
		if slices.Contains(forced, c) {
			return true, ""
		}
		return has(c)
	}
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
	// Without a SCIM target the run checks the SAML SP only; the client
	// then addresses the SP's origin, for its TLS settings and transcript.
	samlOnly := cfg.Target.BaseURL == "" && cfg.SAML != nil
	if samlOnly {
		u, err := url.Parse(cfg.SAML.SP.ACSURL)
		if err != nil || u.Host == "" {
			return out, fmt.Errorf("SP ACS URL %q is not an absolute URL", cfg.SAML.SP.ACSURL)
		}
		cfg.Target.BaseURL = u.Scheme + "://" + u.Host
	}
	// Check the target settings before anything is written.
	if err := cfg.DiscoveryFiles.Validate(); err != nil {
		return out, err
	}
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
	if a := accounts(cfg.SAML); a != nil && a.Token != "" {
		tc.Redact = append(slices.Clone(tc.Redact), a.Token)
	}
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

	if a := accounts(cfg.SAML); a != nil && a.Listing.URL != "" && a.Listing.Client == nil {
		// The listing's client, on a copy: cfg.SAML is the caller's.
		c, err := acctClient(tc, a)
		if err != nil {
			return out, err
		}
		acct, sc := *a, *cfg.SAML
		acct.Listing.Client = c
		sc.Accounts = &acct
		cfg.SAML = &sc
	}
	started := now()
	var envs Envs
	if samlOnly {
		envs = NewSAMLOnlyEnvs(client, cfg.SAML)
	} else {
		if envs, err = scimEnvs(ctx, client, cfg.DiscoveryFiles, dialects, tc.HasCredentials(), cfg.SAML); err != nil {
			return out, err
		}
		envs.SCIM.UserEmail = cfg.UserEmail
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = newSeed()
	}
	fuzz := scim.Fuzz{Seed: seed, Checks: cfg.FuzzSequences, Steps: cfg.FuzzSteps, Time: cfg.FuzzTime, ShrinkTime: cfg.FuzzShrinkTime}
	if envs.SCIM != nil {
		envs.SCIM.Fuzz = fuzz
	}
	done := 0
	results := suites.Run(ctx, plan, suites.Options{
		EnvFor: envs.For, Gate: envs.Gate, Has: forcing(envs.Has, cfg.ForceCaps), Force: cfg.Force, Parallel: cfg.Parallel,
		Timeout: checkTimeout(cfg.Timeout, fuzz), Now: now,
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
	var lerr error
	if envs.SAML != nil {
		out.AccountsLeft, lerr = acctWriteLeftovers(cfg.OutDir, runID, envs.SAML.Leftovers.List())
	}

	out.Report = suites.Report{
		Run: suites.RunInfo{
			Target: client.BaseURL(), Started: started, Finished: now(), Seed: seed,
			Version: Version, Dialect: strings.Join(dialects, ","), RunID: client.RunID(),
		},
		Results: results,
	}
	if cfg.Baseline != nil {
		bo := cfg.Baseline.Apply(out.Report.Results, now())
		bo.File = cfg.BaselineFile
		out.Baseline = &bo
		out.Report.Run.Baseline = suites.BaselineInfo{File: bo.File, Fixed: bo.Fixed, Expired: bo.Expired}
	}
	paths, werr := reports.WriteAllWith(cfg.OutDir, out.Report, reports.WriteOptions{JUnit: reports.JUnitOptions{Strict: cfg.Strict}})
	out.Paths = paths
	if werr != nil {
		return out, fmt.Errorf("write reports: %w", werr)
	}
	if lerr != nil {
		return out, lerr
	}
	if cerr != nil {
		return out, fmt.Errorf("clean-up left resources behind (run 'provcheck cleanup --ledger %s'): %w", ledgerPath, cerr)
	}
	return out, nil
}

// scimEnvs discovers the SCIM target and returns the run's environments;
// the errors are those of Run (unreachable, not SCIM, credentials refused).
func scimEnvs(ctx context.Context, client *target.Client, files scim.DiscoveryFiles, dialects []string, authenticated bool, sc *SAMLConfig) (Envs, error) {
	disc, err := scim.DiscoverWith(ctx, client, nil, files)
	if err != nil {
		var te *target.TransportError
		if errors.As(err, &te) && te.Kind != target.KindInterrupted {
			return Envs{}, fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		return Envs{}, fmt.Errorf("discovery: %w", err)
	}
	if disc.NotSCIM != "" {
		return Envs{}, fmt.Errorf("%w: %s does not look like a SCIM service: %s; point --scim-url at the SCIM base URL (often …/scim/v2)", ErrNotSCIM, client.BaseURL(), disc.NotSCIM)
	}
	// Wrong credentials would fail every check with the same 401: say so once.
	if probe, err := client.Do(ctx, target.Request{Method: "GET", Path: disc.Endpoint(scim.URNUser),
		Query: map[string][]string{"count": {"1"}}}, nil); err == nil && probe.Status == 401 {
		return Envs{}, fmt.Errorf("%w: GET %s answered 401 to the credentials given; check --scim-token, --scim-basic or the --oauth-* flags", ErrCredentials, probe.Exchange.URL)
	}
	return NewEnvs(client, disc, dialects, authenticated, sc), nil
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

// The mock IdP's names when the harness generates its identity for the
// embedded reference SP. The SSO URL is never contacted: the harness reads
// SP-initiated AuthnRequests from the SP's redirect to it.
const (
	MockIdPEntityID = "https://mockidp.provcheck.invalid/metadata"
	MockIdPSSOURL   = "https://mockidp.provcheck.invalid/sso"
	// MockIdP2EntityID names the second IdP the embedded reference SP
	// trusts (catalogue J07).
	MockIdP2EntityID = "https://mockidp2.provcheck.invalid/metadata"
)

// NewMockIdP generates a fresh signing identity for the mock IdP with the
// entity ID MockIdPEntityID.
func NewMockIdP() (*mockidp.Identity, error) {
	return mockidp.GenerateIdentity(MockIdPEntityID, time.Now(), nil)
}

// NewSecondMockIdP generates the identity of a second mock IdP, entity ID
// MockIdP2EntityID.
func NewSecondMockIdP() (*mockidp.Identity, error) {
	return mockidp.GenerateIdentity(MockIdP2EntityID, time.Now(), nil)
}

// OnOff renders a declared boolean policy as "on" or "off".
func OnOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// ReferenceWhoamiGroups is the JSON path of the reference SP's whoami
// answer to the session's roles (the roles oracle, --sp-whoami-groups).
const ReferenceWhoamiGroups = "groups"

// ReferencePolicy is the declared policy of the reference SP as the SAML
// checks read it.
func ReferencePolicy(p reftarget.SPPolicy) saml.Policy {
	out := saml.Policy{JIT: p.JITCreate, Sync: OnOff(p.SyncOnLogin), IdPInitiated: OnOff(p.AllowIdPInitiated),
		NameIDCase: "exact", Transient: "reject", Link: "deny", ClockSkew: p.ClockSkew, ClockSkewDeclared: true,
		CertValidity: "enforce", Encryption: "optional"}
	if p.RequireEncryption {
		out.Encryption = "required"
	}
	if p.RequireEmail {
		out.Required = []string{reftarget.AttrEmail}
	}
	out.AllowedDomains = append(out.AllowedDomains, p.AllowedDomains...)
	if p.RoleAttr != "" && len(p.RoleMap) > 0 {
		out.RoleAttr = p.RoleAttr
		out.RoleMap = maps.Clone(p.RoleMap)
	}
	return out
}
