package selftest

import (
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/runner"
	"github.com/provcheck/provcheck/suites"
)

var (
	keysOnce sync.Once
	keysIDs  runner.KeysIdentities
	keysErr  error
)

// keysTrust registers the mock IdP's rollover, RSA-1024 and expired
// certificates (generated once per test process) with the reference SP
// and puts the identities into its contract (catalogue K04, K06, K11).
func keysTrust(ref *reftarget.Running, sc *runner.SAMLConfig) {
	GinkgoHelper()
	keysOnce.Do(func() { keysIDs, keysErr = runner.NewKeysIdentities(sc.IdP.EntityID) })
	Expect(keysErr).NotTo(HaveOccurred())
	Expect(keysIDs.TrustKeys(ref.Server, sc)).To(Succeed())
}

// keysCaughtBy names, for each keys fault of the reference SP, the check
// meant to catch it and the verdict its reason must carry.
var keysCaughtBy = map[reftarget.Fault][2]string{
	reftarget.FaultKeysAcceptWeakRSA:      {"SAML-SEC-K06", "ACCEPTED_AS_EXPECTED"},
	reftarget.FaultKeysAnyTrustedKey:      {"SAML-SEC-K12", "ACCEPTED_AS_VICTIM"},
	reftarget.FaultKeysIgnoreCertValidity: {"SAML-SEC-K11", "ACCEPTED_AS_EXPECTED"},
}

func init() { registerCaught(keysCaughtBy) }

var _ = Describe("SAML keys faults of the reference SP", func() {
	DescribeTable("are reported with the right verdict",
		func(f reftarget.Fault, id, verdict string) {
			r := expectFinding(f, id, verdict, suites.Failed, suites.Warning)
			if verdict == "ACCEPTED_AS_VICTIM" {
				Expect(r.Reason).To(ContainSubstring("account takeover"))
			}
		},
		findingEntries(keysCaughtBy),
	)
	It("the reference SP passes the keys checks, the rollover control among them", func() {
		for _, id := range []string{"SAML-SEC-K04", "SAML-SEC-K06", "SAML-SEC-K11", "SAML-SEC-K12"} {
			r := runCheck(id)
			Expect(r.Status).To(Equal(suites.Passed), "%s: %s", id, r.Reason)
		}
	})
})
