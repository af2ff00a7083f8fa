package mockidp

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"time"
)

// The remaining keys cases of catalogue §5.4: K04 (a rollover certificate
// from the IdP's metadata), K11 (a pinned certificate outside its validity
// window) and K12 (a key bound to another trusted IdP). K06 is
// WeakRSA1024.

// GenerateRolloverKeysIdentity is a second signing identity of the same
// IdP (the same entity ID, a new 2048-bit key and certificate): what an
// IdP publishes next to its current certificate in its metadata before a
// key rollover (K04).
func GenerateRolloverKeysIdentity(entityID string, now time.Time, random io.Reader) (*Identity, error) {
	return keysIdentity(entityID, "rollover", 2048, now.Add(-time.Hour), now.AddDate(10, 0, 0), random)
}

// GenerateExpiredKeysIdentity is a signing identity of the IdP whose
// certificate is outside its validity window at now: expired a year ago,
// or, with notYet, valid only from a year on (K11). The SP pins the
// certificate as it would keep an old one after a rollover.
func GenerateExpiredKeysIdentity(entityID string, now time.Time, notYet bool, random io.Reader) (*Identity, error) {
	if notYet {
		return keysIdentity(entityID, "not yet valid", 2048, now.AddDate(1, 0, 0), now.AddDate(2, 0, 0), random)
	}
	return keysIdentity(entityID, "expired", 2048, now.AddDate(-2, 0, 0), now.AddDate(-1, 0, 0), random)
}

// keysIdentity is a signing identity of the IdP with a bits-long key and
// a certificate valid from notBefore to notAfter, named "provcheck mock
// IdP (what)".
func keysIdentity(entityID, what string, bits int, notBefore, notAfter time.Time, random io.Reader) (*Identity, error) {
	tmpl := &x509.Certificate{
		Subject:   pkix.Name{CommonName: "provcheck mock IdP (" + what + ")", Organization: []string{"provcheck"}},
		NotBefore: notBefore,
		NotAfter:  notAfter,
		KeyUsage:  x509.KeyUsageDigitalSignature,
	}
	id, err := selfSigned(entityID, bits, tmpl, random)
	if err != nil {
		return nil, fmt.Errorf("generate %s identity: %w", what, err)
	}
	return id, nil
}

// KeysValidityAt says whether cert is valid at now: "" when it is,
// else "expired on …" or "not valid before …".
func KeysValidityAt(cert *x509.Certificate, now time.Time) string {
	switch {
	case cert == nil:
		return "no certificate"
	case now.After(cert.NotAfter):
		return "expired on " + cert.NotAfter.UTC().Format(time.RFC3339)
	case now.Before(cert.NotBefore):
		return "not valid before " + cert.NotBefore.UTC().Format(time.RFC3339)
	}
	return ""
}

// KeysRollover is K04 (SAML metadata key rollover), a positive
// control: the baseline response for the canary victim signed with
// rollover, the second certificate the IdP's metadata lists for the same
// entity ID (GenerateRolloverKeysIdentity). The SP that trusts the
// metadata accepts it.
func KeysRollover(rollover *Identity) Attack {
	return Attack{ID: "K04", Title: "signed with the rollover certificate listed second in the IdP metadata", Trust: rollover,
		References: []string{"SAML metadata key rollover practice", "SAML V2.0 Metadata §2.4.1.1 (several KeyDescriptor)"}, Oracle: OracleAccepts,
		StillVerifies: []SignedPart{{Name: "the assertion", Element: pathAssertion1, Signature: pathAssertion1Sig}},
		Mutations:     []Mutation{signWith(SignAssertion), signedBy("rollover-key", rollover, false)}}
}

// KeysExpiredCertificate is K11 (gosaml2 olgn09 cases 21/22/93/94): the
// baseline response signed with expired, an identity of the IdP whose
// certificate the SP pins although it has expired or is not yet valid
// (GenerateExpiredKeysIdentity). Whether the SP refuses it is its
// documented policy; goxmldsig refuses ("Cert is not valid at this
// time"), so the stateless reference does. No part is declared to still
// verify: goxmldsig checks the validity window with the signature.
func KeysExpiredCertificate(expired *Identity) Attack {
	return Attack{ID: "K11", Title: "signed with a pinned certificate outside its validity window", Trust: expired,
		References: []string{"gosaml2 olgn09 cases 21/22/93/94", "goxmldsig \"Cert is not valid at this time\""}, Oracle: OracleRejects,
		Mutations: []Mutation{signWith(SignAssertion), signedBy("certificate-outside-validity", expired, false)}}
}

// KeysOtherIdP is K12 (R1: the key is bound to the issuer; gosaml2 olgn09
// case 52): a response whose Issuer is still the IdP's (A) but that is
// signed with other's key, another IdP the SP trusts too (B), for the
// victim. An SP that verifies against every trusted key, whatever the
// Issuer, logs the victim of A in on B's word.
func KeysOtherIdP(v Victim, other *Identity) Attack {
	return Attack{ID: "K12", Title: "Issuer of the IdP, signed with another trusted IdP's key", Trust: other,
		References: []string{"CATALOGUE R1 (the key is bound to the issuer)", "gosaml2 olgn09 case 52"}, Oracle: OracleRejects,
		StillVerifies: []SignedPart{{Name: "the assertion (with the other IdP's key)", Element: pathAssertion1, Signature: pathAssertion1Sig}},
		Mutations:     []Mutation{signWith(SignAssertion), signedBy("other-idp-key", other, false), victimSubject(v)}}
}
