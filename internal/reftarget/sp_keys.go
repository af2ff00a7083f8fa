package reftarget

import (
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"time"
)

// The keys of the reference SP (catalogue §5.4, K04, K06, K11, K12): an
// IdP may have several signing certificates (a rollover certificate from
// its metadata, and whatever else an administrator registered for it);
// RSA keys under 2048 bits are refused; a pinned certificate outside its
// validity window is refused (goxmldsig: "Cert is not valid at this
// time"); and a response is verified against the certificates of the IdP
// its Issuer names, never against another trusted IdP's.
const (
	FaultKeysAcceptWeakRSA      Fault = "saml-keys-accept-weak-rsa"
	FaultKeysAnyTrustedKey      Fault = "saml-keys-any-trusted-key"
	FaultKeysIgnoreCertValidity Fault = "saml-keys-ignore-cert-validity"
)

// KeysMinRSABits is the smallest RSA signing key the reference SP accepts
// (NIST SP 800-131A).
const KeysMinRSABits = 2048

var keysFaultInfos = []FaultInfo{
	{FaultKeysAcceptWeakRSA, "the SP accepts signatures by a trusted RSA key under 2048 bits (an RSA-1024 certificate registered for the IdP)"},
	{FaultKeysAnyTrustedKey, "the SP verifies a response against the keys of every trusted IdP, whatever IdP its Issuer names (a key not bound to its issuer)"},
	{FaultKeysIgnoreCertValidity, "the SP checks only that the signing certificate is pinned, not its validity window, although it declares that it enforces it"},
}

func init() { faultInfos = append(faultInfos, keysFaultInfos...) }

// TrustKeysCertificate adds a signing certificate of the trusted IdP whose
// entity ID is entityID (the one of TrustIdP or of TrustSecondIdP), as an
// SP does for every KeyDescriptor of the IdP's metadata: a rollover
// certificate, or one an administrator registered (RSA-1024, expired).
// Responses of that IdP verify against any of its certificates that
// passes the SP's own rules (key size, validity).
func (s *Server) TrustKeysCertificate(entityID string, cert *x509.Certificate) {
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	if s.sp.keysCerts == nil {
		s.sp.keysCerts = map[string][]*x509.Certificate{}
	}
	s.sp.keysCerts[entityID] = append(s.sp.keysCerts[entityID], cert)
}

// keysRoots are the certificates a response of idp verifies against: its
// own and those registered for its entity ID with TrustKeysCertificate,
// without RSA keys under KeysMinRSABits. FaultKeysAnyTrustedKey adds every
// other trusted IdP's; FaultKeysIgnoreCertValidity stretches each
// certificate's validity window. The caller holds s.sp.mu.
func (s *Server) keysRoots(idp TrustedIdP) []*x509.Certificate {
	certs := []*x509.Certificate{idp.Cert}
	certs = append(certs, s.sp.keysCerts[idp.EntityID]...)
	if s.has(FaultKeysAnyTrustedKey) {
		for _, other := range append([]TrustedIdP{s.sp.idp}, s.sp.others...) {
			if other.EntityID != idp.EntityID {
				certs = append(certs, other.Cert)
				certs = append(certs, s.sp.keysCerts[other.EntityID]...)
			}
		}
	}
	out := make([]*x509.Certificate, 0, len(certs))
	for _, c := range certs {
		if c == nil || (keysWeak(c) > 0 && !s.has(FaultKeysAcceptWeakRSA)) {
			continue
		}
		if s.has(FaultKeysIgnoreCertValidity) {
			// goxmldsig matches a pinned certificate by its bytes and then
			// reads the window from the copy in the store.
			stretched := *c
			stretched.NotBefore, stretched.NotAfter = time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
			c = &stretched
		}
		out = append(out, c)
	}
	return out
}

// keysWeak returns the bit length of cert's RSA key when it is under
// KeysMinRSABits, else 0.
func keysWeak(cert *x509.Certificate) int {
	if k, ok := cert.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() < KeysMinRSABits {
		return k.N.BitLen()
	}
	return 0
}

// keysRefuseWeak refuses a response whose signature carries a certificate
// with an RSA key under KeysMinRSABits in its KeyInfo, with the reason
// (the store leaves such keys out too, keysRoots).
func (s *Server) keysRefuseWeak(raw []byte) error {
	if s.has(FaultKeysAcceptWeakRSA) {
		return nil
	}
	if c := secKeyInfoCert(raw); c != nil {
		if bits := keysWeak(c); bits > 0 {
			return fmt.Errorf("the signing certificate's RSA key has %d bits; keys under %d bits are refused (NIST SP 800-131A)", bits, KeysMinRSABits)
		}
	}
	return nil
}
