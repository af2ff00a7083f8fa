package selftest

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/suites"
)

// encWarnedBy names the encryption faults that `should` checks catch: the
// check reports a warning whose reason carries the verdict or the finding.
var encWarnedBy = map[reftarget.Fault][2]string{
	reftarget.FaultEncRSA15Accepted: {"SAML-SEC-E07", "ACCEPTED_AS_EXPECTED"},
	reftarget.FaultEncPaddingOracle: {"SAML-SEC-E06-UNIFORM", "a decryption oracle"},
}

// encRequiredPolicy is the reference SP's policy with encryption required.
func encRequiredPolicy(p *reftarget.SPPolicy) { p.RequireEncryption = true }

func init() {
	for f, c := range encWarnedBy {
		caughtBy[f] = c[0]
	}
	// The fault shows only where the SP declares encryption required.
	jitFaultPolicy[reftarget.FaultEncPlaintextAllowed] = encRequiredPolicy
}

var _ = Describe("SAML encryption faults of the reference SP caught by should checks", func() {
	entries := []TableEntry{}
	for f, c := range encWarnedBy {
		entries = append(entries, Entry(fmt.Sprintf("%s reads %q in %s", f, c[1], c[0]), f, c[0], c[1]))
	}
	DescribeTable("are reported as warnings with the finding",
		func(f reftarget.Fault, id, finding string) {
			r := runCheck(id, f)
			Expect(r.Status).To(Equal(suites.Warning), "fault %s: %s %s: %s", f, id, r.Status, r.Reason)
			Expect(r.Reason).To(ContainSubstring(finding))
		},
		entries,
	)
})

// With encryption required, the reference SP passes every SAML check,
// strict: the E checks, E03 (the plaintext assertion refused) included,
// and the others, whose benign logins the harness then sends encrypted.
var _ = Describe("the reference SP requiring encrypted assertions", func() {
	pol := reftarget.DefaultSPPolicy()
	encRequiredPolicy(&pol)
	samlSpecs(reftarget.Options{SPPolicy: &pol}, true, "")
})
