package selftest

import (
	"sync"

	. "github.com/onsi/gomega"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/runner"
	"github.com/provcheck/provcheck/suites/saml"
)

var (
	idpOnce sync.Once
	idp     *mockidp.Identity
	idp2    *mockidp.Identity
	idpErr  error
)

// trustMockIdP makes the reference target's SP trust the mock IdP (one
// identity per test process) and returns the SAML contract of that SP.
// Without a login URL the checks log in IdP-initiated.
func trustMockIdP(ref *reftarget.Running, spInitiated bool) *runner.SAMLConfig {
	idpOnce.Do(func() {
		if idp, idpErr = runner.NewMockIdP(); idpErr == nil {
			idp2, idpErr = runner.NewSecondMockIdP()
		}
	})
	Expect(idpErr).NotTo(HaveOccurred())
	ref.Server.TrustIdP(reftarget.TrustedIdP{EntityID: idp.EntityID, Cert: idp.Cert, SSOURL: runner.MockIdPSSOURL})
	ref.Server.TrustSecondIdP(reftarget.TrustedIdP{EntityID: idp2.EntityID, Cert: idp2.Cert})
	jitApplyFaultPolicy(ref)
	pol := ref.Server.SPPolicy()
	sp := saml.SP{ACSURL: ref.SP.ACSURL, EntityID: ref.SP.EntityID, WhoamiURL: ref.SP.WhoamiURL, WhoamiGroups: runner.ReferenceWhoamiGroups,
		LinkURL: ref.SP.LinkURL, EncryptionCert: ref.Server.SPEncryptionCert()}
	if spInitiated {
		sp.LoginURL = ref.SP.LoginURL
	}
	sc := &runner.SAMLConfig{SP: sp, IdP: idp, Policy: runner.ReferencePolicy(pol), SecondIdP: idp2}
	keysTrust(ref, sc)
	return sc
}
