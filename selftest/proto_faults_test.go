package selftest

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/suites"
)

// protoCaughtBy names, for each protocol fault of the reference SP
// (internal/reftarget/sp_proto.go), the check meant to catch it and what
// its reason must say: the verdict, or the finding of a measurement.
var protoCaughtBy = map[reftarget.Fault][2]string{
	reftarget.FaultProtoLenientSkew:           {"SAML-SEC-P04", "accepted beyond the declared tolerance"},
	reftarget.FaultProtoUnsolicitedNoAudience: {"SAML-SEC-P16-ON-AUDIENCE", "ACCEPTED_AS_EXPECTED"},
	reftarget.FaultProtoFlowChange:            {"SAML-SEC-P17", "ACCEPTED_AS_VICTIM"},
	reftarget.FaultProtoOpenRedirect:          {"SAML-SEC-P21-ABSOLUTE", "open redirect"},
	reftarget.FaultProtoIgnoreSessionExpiry:   {"SAML-SEC-P23-SHORT", "still alive"},
}

// protoAlsoCaughtBy are faults of other areas a protocol check catches
// too: an unsolicited response accepted although IdP-initiated login is
// declared off (jitFaultPolicy declares it off) logs in to V's existing
// account.
var protoAlsoCaughtBy = map[reftarget.Fault][2]string{
	reftarget.FaultJITUnsolicitedAccepted: {"SAML-SEC-P16-OFF", "ACCEPTED_AS_EXPECTED"},
}

func init() {
	for f, c := range protoCaughtBy {
		caughtBy[f] = c[0]
	}
}

var _ = Describe("SAML protocol faults of the reference SP", func() {
	entries := []TableEntry{}
	for _, table := range []map[reftarget.Fault][2]string{protoCaughtBy, protoAlsoCaughtBy} {
		for f, c := range table {
			entries = append(entries, Entry(fmt.Sprintf("%s reads %q in %s", f, c[1], c[0]), f, c[0], c[1]))
		}
	}
	DescribeTable("are reported with the finding in the reason",
		func(f reftarget.Fault, id, finding string) {
			r := runCheck(id, f)
			Expect(r.Status).To(BeElementOf(suites.Failed, suites.Warning), "fault %s: %s %s: %s", f, id, r.Status, r.Reason)
			Expect(r.Reason).To(ContainSubstring(finding))
		},
		entries,
	)
})
