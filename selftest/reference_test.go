package selftest

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/provginkgo"
	"github.com/provcheck/provcheck/runner"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// The reference target must pass every check of the catalogue, in every
// dialect, warnings included (Strict): a correct server must never be reported as failing.
var ref *reftarget.Running

var _ = BeforeSuite(func() {
	var err error
	ref, err = reftarget.Start(reftarget.Options{})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(ref.Close)
})

var _ = Describe("the reference target", func() {
	provginkgo.Specs(provginkgo.Config{
		Strict:   true,
		Parallel: 4,
		Dialect:  "all",
		Target: func() target.Config {
			return target.Config{BaseURL: ref.URL, BearerToken: ref.Token}
		},
		SAML: func() *runner.SAMLConfig { return trustMockIdP(ref, true) },
	})
})

// --user-email (every User the checks write carries an email) must not turn
// a check against a correct server into a failure either.
var _ = Describe("the reference target, with --user-email", func() {
	provginkgo.Specs(provginkgo.Config{
		Strict:    true,
		UserEmail: true,
		Selection: suites.Selection{Run: []string{"SCIM-"}},
		Target: func() target.Config {
			return target.Config{BaseURL: ref.URL, BearerToken: ref.Token}
		},
	})
})

// samlSpecs registers the SAML checks that labels selects (all for ""),
// strict, against a fresh reference target started with opts whose SP
// trusts the mock IdP.
func samlSpecs(opts reftarget.Options, spInitiated bool, labels string) {
	var alt *reftarget.Running
	provginkgo.Specs(provginkgo.Config{
		Strict:    true,
		Parallel:  4,
		Selection: suites.Selection{Run: []string{"SAML-"}, LabelFilter: labels},
		Target: func() target.Config {
			var err error
			alt, err = reftarget.Start(opts)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(alt.Close)
			return target.Config{BaseURL: alt.URL, BearerToken: alt.Token}
		},
		SAML: func() *runner.SAMLConfig { return trustMockIdP(alt, spInitiated) },
	})
}

// policyVariant selects what the SP policy variants run: every JIT and
// coexistence check and the core tier of the security suite. The extended
// tier (more variants of the same forgeries, refused for the same reasons
// whatever the policy) runs against the default reference target and the
// one requiring encryption.
const policyVariant = "!(area:saml-security && tier:extended)"

// The SAML checks pass with IdP-initiated logins too, and with the other
// policies the reference SP can declare.
var _ = Describe("the reference SP, IdP-initiated", func() {
	samlSpecs(reftarget.Options{}, false, policyVariant)
})

var _ = Describe("the reference SP with JIT creation and sync off, IdP-initiated logins refused", func() {
	pol := reftarget.DefaultSPPolicy()
	pol.JITCreate, pol.SyncOnLogin, pol.AllowIdPInitiated = false, false, false
	samlSpecs(reftarget.Options{SPPolicy: &pol}, true, policyVariant)
})

var _ = Describe("the reference SP with JIT creation on, sync and IdP-initiated logins off, email required from allowed domains", func() {
	pol := reftarget.DefaultSPPolicy()
	pol.SyncOnLogin, pol.AllowIdPInitiated, pol.RequireEmail = false, false, true
	pol.AllowedDomains = []string{"example.com"}
	samlSpecs(reftarget.Options{SPPolicy: &pol}, true, policyVariant)
})
