// Package provginkgo runs provcheck's catalogue as Ginkgo v2 specs, so a Go
// SCIM server can run the conformance checks inside its own "go test" or
// "ginkgo" run and get Ginkgo's JUnit and JSON reports.
//
// In a Ginkgo suite of the server under test:
//
//	var _ = provginkgo.Specs(provginkgo.Config{
//		Target: func() target.Config {
//			return target.Config{BaseURL: srv.URL + "/scim/v2", BearerToken: token}
//		},
//	})
//
// Config.SAML adds the SAML SP of the same application, so the JIT and
// SCIM + JIT checks run too; without it they are skipped with the reason.
//
// Every check becomes one It, labelled with its ID, level, kind, required
// capabilities and its own labels ("ginkgo --label-filter='area:users'").
// A check that is skipped calls Skip with the reason; a failure or error
// fails the spec with the reason; a warning (a violated SHOULD) passes with
// a report entry, or fails when Config.Strict is set.
package provginkgo

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/provcheck/provcheck/runner"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/suites/scim"
	"github.com/provcheck/provcheck/target"
)

// Config says which target to check and which checks to register.
type Config struct {
	// Target returns the target settings. It is called once, before the
	// first spec runs, so a server started in BeforeSuite can be used.
	Target func() target.Config
	// Selection chooses checks, as the CLI's --run, --skip and --label-filter.
	Selection suites.Selection
	// Dialect is the IdP dialects whose packs run: rfc (default), entra,
	// okta, a comma-separated list, or all.
	Dialect string
	// Strict fails specs whose check only warned.
	Strict bool
	// Force runs checks whose capability the target does not advertise.
	Force bool
	// UserEmail gives every User the SCIM checks write without emails one
	// work email, as the CLI's --user-email.
	UserEmail bool
	// CheckTimeout bounds one check; zero means two minutes.
	CheckTimeout time.Duration
	// SAML returns the SAML SP contract of the same application (its
	// endpoints, declared policy and the IdP identity it trusts), called once
	// after Target. Nil, or a nil result, skips the SAML checks.
	SAML func() *runner.SAMLConfig
	// Parallel, above 1, runs all registered checks that many at a time
	// before the first spec (as the CLI's --parallel), and each It reports
	// its check's result; focusing specs then does not narrow what runs.
	// 0 or 1: each It runs its own check when Ginkgo runs it.
	Parallel int
}

// Specs registers the selected checks in an ordered "provcheck" container
// and returns true, so it can be assigned to a package-level var. A
// selection that matches nothing, or a broken catalogue, panics at tree
// construction, which Ginkgo reports as a suite failure.
func Specs(cfg Config) bool {
	plan, err := runner.Plan(runner.Config{Selection: cfg.Selection, Dialect: cfg.Dialect})
	if err != nil {
		panic(fmt.Sprintf("provginkgo: %v", err))
	}
	dialects, _ := runner.Dialects(cfg.Dialect) // Plan has validated it
	return Describe("provcheck", Ordered, Label("provcheck"), func() {
		var envs runner.Envs
		var client *target.Client
		ran := map[string]suites.Result{} // with Parallel: every check's result

		BeforeAll(func(ctx SpecContext) {
			if cfg.Target == nil {
				Fail("provginkgo: Config.Target is nil")
			}
			tc := cfg.Target()
			if tc.RunID == "" {
				tc.RunID = runner.NewRunID()
			}
			if tc.Ledger == nil {
				tc.Ledger = target.NewMemoryLedger()
			}
			c, err := target.New(tc)
			if err != nil {
				Fail(fmt.Sprintf("provcheck target: %v", err))
			}
			client = c
			disc, err := scim.Discover(ctx, client, nil)
			if err != nil {
				Fail(fmt.Sprintf("provcheck discovery: %v", err))
			}
			var sc *runner.SAMLConfig
			if cfg.SAML != nil {
				sc = cfg.SAML()
			}
			envs = runner.NewEnvs(client, disc, dialects, tc.HasCredentials(), sc)
			envs.SCIM.UserEmail = cfg.UserEmail
			if cfg.Parallel > 1 {
				opts := options(cfg, envs)
				opts.Parallel = cfg.Parallel
				for _, r := range suites.Run(ctx, plan, opts, nil) {
					ran[r.ID] = r
				}
			}
		})

		AfterAll(func(ctx SpecContext) {
			if client == nil {
				return
			}
			rep, err := client.Cleanup(context.WithoutCancel(ctx))
			if err != nil {
				AddReportEntry("provcheck clean-up", fmt.Sprintf("%+v: %v", rep, err))
			}
		})

		for _, c := range plan {
			It(c.ID+" "+c.Title, Label(ginkgoLabels(c)...), func(ctx SpecContext) {
				r, ok := ran[c.ID]
				if !ok {
					r = suites.RunOne(ctx, c, options(cfg, envs))
				}
				AddReportEntry("provcheck result", ReportEntryVisibilityFailureOrVerbose, summary(r))
				switch r.Status {
				case suites.Skipped:
					Skip(r.Reason)
				case suites.Failed, suites.Error:
					Fail(summary(r))
				case suites.Warning:
					if cfg.Strict {
						Fail(summary(r))
					}
					AddReportEntry("provcheck warning", r.Reason)
				}
			})
		}
	})
}

// options are the run options of cfg's checks.
func options(cfg Config, envs runner.Envs) suites.Options {
	return suites.Options{EnvFor: envs.For, Gate: envs.Gate, Has: envs.Has, Force: cfg.Force, Timeout: cfg.CheckTimeout}
}

// ginkgoLabels returns the labels of a check that Ginkgo accepts.
func ginkgoLabels(c suites.Check) []string {
	var out []string
	for _, l := range c.AllLabels() {
		if l = strings.TrimSpace(l); l != "" && !strings.ContainsAny(l, "&|!,()/") && !strings.HasPrefix(l, ":") {
			out = append(out, l)
		}
	}
	return out
}

// summary is the text of a result for Ginkgo's output.
func summary(r suites.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s [%s, %s]\n", strings.ToUpper(string(r.Status)), r.ID, r.Spec, r.Level)
	if r.Reason != "" {
		fmt.Fprintf(&b, "%s\n", r.Reason)
	}
	if r.Rule != "" && (r.Status == suites.Failed || r.Status == suites.Warning) {
		fmt.Fprintf(&b, "rule: %s\n", r.Rule)
	}
	for _, e := range r.Exchanges {
		fmt.Fprintf(&b, "  %s %s -> %d\n", e.Method, e.URL, e.Status)
	}
	return b.String()
}
