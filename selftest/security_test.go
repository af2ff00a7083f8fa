package selftest

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/suites"
)

// secCaughtBy names, for each SAML security fault of the reference SP, the
// check meant to catch it and the verdict its reason must carry: a
// takeover reads as a takeover.
var secCaughtBy = map[reftarget.Fault][2]string{
	reftarget.FaultSecAcceptUnsigned:    {"SAML-SEC-S02-UNSIGNED", "ACCEPTED_AS_EXPECTED"},
	reftarget.FaultSecTrustKeyInfo:      {"SAML-SEC-K02", "ACCEPTED_AS_VICTIM"},
	reftarget.FaultSecXSW:               {"SAML-SEC-S09", "ACCEPTED_AS_VICTIM"},
	reftarget.FaultSecCommentTruncation: {"SAML-SEC-S21", "ACCEPTED_AS_VICTIM"},
	reftarget.FaultSecNoReplayCache:     {"SAML-SEC-P15", "ACCEPTED_AS_EXPECTED"},
	reftarget.FaultSecNoAudience:        {"SAML-SEC-P06", "ACCEPTED_AS_EXPECTED"},
	reftarget.FaultSecNoDestination:     {"SAML-SEC-P09-MISSING", "ACCEPTED_AS_EXPECTED"},
	reftarget.FaultSecNoRecipient:       {"SAML-SEC-P08", "ACCEPTED_AS_EXPECTED"},
	reftarget.FaultSecNoTimeChecks:      {"SAML-SEC-P01", "ACCEPTED_AS_EXPECTED"},
	reftarget.FaultSecAcceptDoctype:     {"SAML-SEC-X02-PARAMETER", "ACCEPTED_AS_EXPECTED"},
	// The parser faults (internal/reftarget/sp_parse.go).
	reftarget.FaultParseInflateUnbounded:     {"SAML-SEC-X08", "ACCEPTED_AS_EXPECTED"},
	reftarget.FaultParseAssertionInSignature: {"SAML-SEC-S19", "ACCEPTED_AS_VICTIM"},

	reftarget.FaultEncAcceptUnsignedDecrypted: {"SAML-SEC-E02", "ACCEPTED_AS_VICTIM"},
	reftarget.FaultEncPlaintextAllowed:        {"SAML-SEC-E03", "ACCEPTED_AS_EXPECTED"},
	reftarget.FaultEncMixedAssertions:         {"SAML-SEC-E05", "ACCEPTED_AS_VICTIM"},
	reftarget.FaultEncIDCiphertextKey:         {"SAML-SEC-E08", "ACCEPTED_AS_OTHER"},
}

func init() { registerCaught(secCaughtBy) }

// registerCaught adds every fault of the tables, each mapped to the check
// meant to catch it and what its reason must say, to caughtBy.
func registerCaught(tables ...map[reftarget.Fault][2]string) {
	for _, table := range tables {
		for f, c := range table {
			caughtBy[f] = c[0]
		}
	}
}

// expectFinding runs check id against the reference target with fault f
// and expects one of statuses with finding in the reason.
func expectFinding(f reftarget.Fault, id, finding string, statuses ...suites.Status) suites.Result {
	GinkgoHelper()
	r := runCheck(id, f)
	Expect(r.Status).To(BeElementOf(statuses), "fault %s: %s %s: %s", f, id, r.Status, r.Reason)
	Expect(r.Reason).To(ContainSubstring(finding))
	return r
}

// findingEntries are the DescribeTable entries (fault, check, what the
// reason says) of such tables.
func findingEntries(tables ...map[reftarget.Fault][2]string) []TableEntry {
	var entries []TableEntry
	for _, table := range tables {
		for f, c := range table {
			entries = append(entries, Entry(fmt.Sprintf("%s reads %q in %s", f, c[1], c[0]), f, c[0], c[1]))
		}
	}
	return entries
}

var _ = Describe("SAML security faults of the reference SP", func() {
	DescribeTable("are reported with the right verdict",
		func(f reftarget.Fault, id, verdict string) {
			r := expectFinding(f, id, verdict, suites.Failed)
			var sawXML bool
			for _, ex := range r.Exchanges {
				sawXML = sawXML || strings.Contains(ex.RequestBody, "SAMLResponse (decoded XML") && strings.Contains(ex.RequestBody, "mutation trace:")
			}
			Expect(sawXML).To(BeTrue(), "the evidence shows the decoded XML and the mutation trace")
		},
		findingEntries(secCaughtBy),
	)
})
