package selftest

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/suites"
)

var _ = Describe("the link checks (catalogue J26)", func() {
	It("report saml-link-unsolicited as an account takeover through a link", func() {
		r := runCheck("SAML-JIT-024", reftarget.FaultLinkUnsolicited)
		Expect(r.Status).To(Equal(suites.Failed), r.Reason)
		Expect(r.Reason).To(ContainSubstring("ACCEPTED_AS_VICTIM"))
		Expect(r.Reason).To(ContainSubstring("identity linked without a genuine link flow"))
	})
	It("pass the genuine link flow and the cross-site variants on the correct reference SP", func() {
		for _, id := range []string{"SAML-JIT-024", "SAML-JIT-025", "SAML-JIT-026"} {
			r := runCheck(id)
			Expect(r.Status).To(Equal(suites.Passed), "%s: %s", id, r.Reason)
		}
	})
})
