package mockidp

import (
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	saml2 "github.com/russellhaering/gosaml2"
	dsig "github.com/russellhaering/goxmldsig"
)

// VerifyBenign checks that a response the mock IdP built is one a correct
// SP accepts, so a benign case never fails because the IdP built it wrong.
// It runs gosaml2's service provider (signature required, trusting only
// idp's certificate, the audience, ACS URL and issuer of sp and idp, its
// clock fixed at now) and then the checks gosaml2 reports only as warnings
// or leaves out: the Conditions window and audience, a Destination equal to
// the ACS URL, and the same InResponseTo on the Response and on the bearer
// confirmation.
//
// gosaml2 accepts a signed Response, a signed Assertion, or both; an
// unsigned Response must carry only signed Assertions.
func VerifyBenign(xml []byte, idp *Identity, sp SPInfo, now time.Time) (*saml2.AssertionInfo, error) {
	return verifyBenign(xml, idp, sp, now, nil)
}

// VerifyEncBenign is VerifyBenign for an SP that decrypts encrypted
// assertions with spKey (its encryption key and certificate), as gosaml2
// does with an SPKeyStore.
func VerifyEncBenign(xml []byte, idp *Identity, sp SPInfo, spKey *Identity, now time.Time) (*saml2.AssertionInfo, error) {
	if spKey == nil || spKey.Key == nil || spKey.Cert == nil {
		return nil, errors.New("verify response: no SP encryption key to decrypt with")
	}
	return verifyBenign(xml, idp, sp, now, spKey.KeyStore())
}

func verifyBenign(xml []byte, idp *Identity, sp SPInfo, now time.Time, spKeys dsig.X509KeyStore) (*saml2.AssertionInfo, error) {
	if idp == nil || idp.Cert == nil {
		return nil, errors.New("verify response: no IdP certificate to trust")
	}
	provider := &saml2.SAMLServiceProvider{
		IdentityProviderIssuer:      idp.EntityID,
		ServiceProviderIssuer:       sp.EntityID,
		AssertionConsumerServiceURL: sp.ACSURL,
		AudienceURI:                 sp.EntityID,
		IDPCertificateStore:         &dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{idp.Cert}},
		SkipSignatureValidation:     false,
		AllowMissingAttributes:      true,
		Clock:                       dsig.NewFakeClockAt(now),
		SPKeyStore:                  spKeys,
	}
	encoded := base64.StdEncoding.EncodeToString(xml)
	info, err := provider.RetrieveAssertionInfo(encoded)
	if err != nil {
		return nil, fmt.Errorf("verify response: gosaml2 rejects it: %w", err)
	}
	if w := info.WarningInfo; w != nil {
		if w.InvalidTime {
			return nil, fmt.Errorf("verify response: the assertion's Conditions do not hold at %s", now.UTC().Format(samlTime))
		}
		if w.NotInAudience {
			return nil, fmt.Errorf("verify response: the assertion's audience restriction does not name %q", sp.EntityID)
		}
	}
	base, err := saml2.DecodeUnverifiedBaseResponse(encoded)
	if err != nil {
		return nil, fmt.Errorf("verify response: decode: %w", err)
	}
	if base.Destination != sp.ACSURL {
		return nil, fmt.Errorf("verify response: Destination %q, want the ACS URL %q", base.Destination, sp.ACSURL)
	}
	for i, a := range info.Assertions {
		if a.Subject == nil || a.Subject.SubjectConfirmation == nil || a.Subject.SubjectConfirmation.SubjectConfirmationData == nil {
			return nil, fmt.Errorf("verify response: assertion %d has no SubjectConfirmationData", i)
		}
		if got := a.Subject.SubjectConfirmation.SubjectConfirmationData.InResponseTo; got != base.InResponseTo {
			return nil, fmt.Errorf("verify response: assertion %d answers InResponseTo %q, the Response %q", i, got, base.InResponseTo)
		}
	}
	return info, nil
}
