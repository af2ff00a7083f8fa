package selftest

import (
	. "github.com/onsi/ginkgo/v2"

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
	registerCaught(encWarnedBy)
	// The fault shows only where the SP declares encryption required.
	jitFaultPolicy[reftarget.FaultEncPlaintextAllowed] = encRequiredPolicy
}

var _ = Describe("SAML encryption faults of the reference SP caught by should checks", func() {
	DescribeTable("are reported as warnings with the finding",
		func(f reftarget.Fault, id, finding string) {
			expectFinding(f, id, finding, suites.Warning)
		},
		findingEntries(encWarnedBy),
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
