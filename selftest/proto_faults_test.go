package selftest

import (
	. "github.com/onsi/ginkgo/v2"

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

func init() { registerCaught(protoCaughtBy) }

var _ = Describe("SAML protocol faults of the reference SP", func() {
	DescribeTable("are reported with the finding in the reason",
		func(f reftarget.Fault, id, finding string) {
			expectFinding(f, id, finding, suites.Failed, suites.Warning)
		},
		findingEntries(protoCaughtBy, protoAlsoCaughtBy),
	)
})
