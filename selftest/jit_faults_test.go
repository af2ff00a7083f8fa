package selftest

import "github.com/provcheck/provcheck/internal/reftarget"

// jitCaughtBy names the checks meant to catch the JIT faults of the
// reference SP (internal/reftarget/sp_jit.go); they join caughtBy.
var jitCaughtBy = map[reftarget.Fault]string{
	reftarget.FaultJITNameIDCaseInsensitive: "SAML-JIT-008",
	reftarget.FaultJITTransientKeyed:        "SAML-JIT-009",
	reftarget.FaultJITEmptyNameID:           "SAML-JIT-010",
	reftarget.FaultJITPlaceholderEmail:      "SAML-JIT-011",
	reftarget.FaultJITMatchOnUserName:       "SAML-JIT-012",
	reftarget.FaultJITEmailNormalizedLink:   "SAML-JIT-013",
	reftarget.FaultJITAnyEmailValue:         "SAML-JIT-014",
	reftarget.FaultJITUnsolicitedAccepted:   "SAML-JIT-015",
	reftarget.FaultJITLongName500:           "SAML-JIT-016",
	reftarget.FaultJITDeletedResurrected:    "SAML-JIT-017",
	reftarget.FaultJITNameIDMatchesEmail:    "SAML-JIT-018",
	reftarget.FaultJITKeyIgnoresIssuer:      "SAML-JIT-019",
	reftarget.FaultJITEmailNotUnique:        "SAML-SCIM-002",
	reftarget.FaultJITSCIMPostDuplicates:    "SAML-SCIM-007",
	reftarget.FaultJITUnmappedRole:          "SAML-JIT-022",
	reftarget.FaultJITRoleNeverRemoved:      "SAML-JIT-023",
	reftarget.FaultLinkUnsolicited:          "SAML-JIT-024",
}

func init() {
	for f, id := range jitCaughtBy {
		caughtBy[f] = id
	}
}

// jitFaultPolicy is the SP policy a fault needs to show: a fault of a
// declared policy (IdP-initiated login off) shows only under it.
var jitFaultPolicy = map[reftarget.Fault]func(p *reftarget.SPPolicy){
	reftarget.FaultJITUnsolicitedAccepted: func(p *reftarget.SPPolicy) { p.AllowIdPInitiated = false },
}

// jitApplyFaultPolicy changes the declared policy of a reference target
// started with such a fault to the one the fault needs.
func jitApplyFaultPolicy(ref *reftarget.Running) {
	for _, f := range ref.Server.Faults() {
		if change, ok := jitFaultPolicy[f]; ok {
			pol := ref.Server.SPPolicy()
			change(&pol)
			ref.Server.SetSPPolicy(pol)
		}
	}
}
