package mockidp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"time"
)

// CloneIdentity returns an identity whose certificate copies orig's
// subject, issuer, serial number and validity but holds a new 2048-bit key
// (SAMLRaider's certificate cloning, K03): an SP that pins the DN instead
// of the key trusts it.
func CloneIdentity(orig *Identity, random io.Reader) (*Identity, error) {
	if orig == nil || orig.Cert == nil {
		return nil, fmt.Errorf("clone identity: no certificate to clone")
	}
	c := orig.Cert
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).Set(c.SerialNumber),
		Subject:      c.Subject,
		NotBefore:    c.NotBefore,
		NotAfter:     c.NotAfter,
		KeyUsage:     c.KeyUsage,
	}
	id, err := selfSigned(orig.EntityID, 2048, tmpl, random)
	if err != nil {
		return nil, fmt.Errorf("clone identity: %w", err)
	}
	return id, nil
}

// GenerateRSA1024Identity is GenerateIdentity with a 1024-bit key (K06):
// too short by NIST guidance, still accepted by most verifiers.
func GenerateRSA1024Identity(entityID string, now time.Time, random io.Reader) (*Identity, error) {
	tmpl := &x509.Certificate{
		Subject:   pkix.Name{CommonName: "provcheck mock IdP (RSA-1024)", Organization: []string{"provcheck"}},
		NotBefore: now.Add(-time.Hour),
		NotAfter:  now.AddDate(10, 0, 0),
		KeyUsage:  x509.KeyUsageDigitalSignature,
	}
	id, err := selfSigned(entityID, 1024, tmpl, random)
	if err != nil {
		return nil, fmt.Errorf("generate RSA-1024 identity: %w", err)
	}
	return id, nil
}

// selfSigned generates a key of bits and a certificate from tmpl signed by
// it (a random serial when tmpl has none; the issuer is the subject).
func selfSigned(entityID string, bits int, tmpl *x509.Certificate, random io.Reader) (*Identity, error) {
	if random == nil {
		random = rand.Reader
	}
	key, err := rsa.GenerateKey(random, bits)
	if err != nil {
		return nil, fmt.Errorf("generate %d-bit key: %w", bits, err)
	}
	if tmpl.SerialNumber == nil {
		if tmpl.SerialNumber, err = rand.Int(random, new(big.Int).Lsh(big.NewInt(1), 62)); err != nil {
			return nil, fmt.Errorf("certificate serial: %w", err)
		}
	}
	der, err := x509.CreateCertificate(random, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse certificate: %w", err)
	}
	return &Identity{EntityID: entityID, Key: key, Cert: cert}, nil
}

// signedBy is the BeforeSigning mutation that signs with id instead of the
// IdP's key.
func signedBy(name string, id *Identity, omitKeyInfo bool) Mutation {
	return Mutation{Name: name, Stage: BeforeSigning, Options: func(o *SignOptions) {
		o.Identity = id
		o.OmitKeyInfo = omitKeyInfo
		if o.Sign == SignNone {
			o.Sign = SignAssertion
		}
	}}
}

// UntrustedKey is K01 (keyInfo false: no KeyInfo; OWASP pinned keys) or
// K02 (keyInfo true: the attacker's certificate embedded in KeyInfo;
// CVE-2024-32962 xml-crypto, CVE-2023-48703 go-saml): the response signed
// by attacker's key, for the victim. The SP must never trust KeyInfo.
func UntrustedKey(v Victim, attacker *Identity, keyInfo bool) Attack {
	a := Attack{ID: "K01", Title: "signed by an attacker key, no KeyInfo",
		References: []string{"OWASP SAML Security Cheat Sheet (pinned keys)"}, Oracle: OracleRejects}
	if keyInfo {
		a.ID, a.Title = "K02", "signed by an attacker key, its certificate in KeyInfo"
		a.References = []string{"CVE-2024-32962", "CVE-2023-48703"}
	}
	a.Mutations = []Mutation{signWith(SignBoth), signedBy("attacker-key", attacker, !keyInfo), victimSubject(v)}
	return a
}

// ClonedCertificate is K03 (CVE-2015-5372, nevisAuth; SAMLRaider
// certificate cloning): signed with clone (see CloneIdentity: the IdP's
// subject, issuer and serial, a new key), embedded in KeyInfo, for the
// victim. The SP must pin the key, not the DN.
func ClonedCertificate(v Victim, clone *Identity) Attack {
	return Attack{ID: "K03", Title: "signed with a cloned certificate (same DN and serial, new key)",
		References: []string{"CVE-2015-5372", "SAMLRaider certificate cloning"}, Oracle: OracleRejects,
		Mutations: []Mutation{signWith(SignBoth), signedBy("cloned-certificate", clone, false), victimSubject(v)}}
}

// WeakSHA1 is K05, a `should` case (crewjam IdP defaults; goxmldsig
// constants): RSA-SHA1 SignatureMethod and SHA-1 DigestMethod. The SP
// refuses or warns, and the report says which.
func WeakSHA1() Attack {
	return Attack{ID: "K05", Title: "rsa-sha1 SignatureMethod and sha1 DigestMethod", Should: true,
		References: []string{"crewjam IdP default RSA-SHA1", "goxmldsig constants"}, Oracle: OracleAccepts,
		StillVerifies: []SignedPart{{Name: "the assertion", Element: pathAssertion1, Signature: pathAssertion1Sig}},
		Mutations: []Mutation{signWith(SignAssertion), {Name: "rsa-sha1", Stage: BeforeSigning,
			Options: func(o *SignOptions) { o.Algorithm = SigRSASHA1 }}}}
}

// WeakRSA1024 is K06, a `should` case (NIST key-length guidance): signed
// with weak, an RSA-1024 identity (GenerateRSA1024Identity) whose
// certificate the SP must have in its metadata (Attack.Trust).
func WeakRSA1024(weak *Identity) Attack {
	return Attack{ID: "K06", Title: "signed with an RSA-1024 key", Should: true, Trust: weak,
		References: []string{"NIST SP 800-131A"}, Oracle: OracleAccepts,
		StillVerifies: []SignedPart{{Name: "the assertion", Element: pathAssertion1, Signature: pathAssertion1Sig}},
		Mutations:     []Mutation{signWith(SignAssertion), signedBy("rsa-1024-key", weak, false)}}
}

// victimSubject puts the victim in the spec before signing: what an
// attacker who holds a signing key would assert.
func victimSubject(v Victim) Mutation {
	return Mutation{Name: "victim-subject", Stage: BeforeSigning, Spec: func(s *ResponseSpec) {
		if s.Assertion == nil {
			return
		}
		s.Assertion.NameID = v.NameID
		if v.Email == "" {
			return
		}
		for i, at := range s.Assertion.Attributes {
			if at.Name == v.emailAttribute() {
				s.Assertion.Attributes[i].Values = []string{v.Email}
			}
		}
	}}
}
