package mockidp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
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
	return keysIdentity(entityID, "RSA-1024", 1024, now.Add(-time.Hour), now.AddDate(10, 0, 0), random)
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

// signatureEdit is a K or X case: the assertion signed as usual, then its
// ds:Signature edited.
func signatureEdit(id, variant, title string, o Oracle, references []string, edit func(sig *etree.Element) error) Attack {
	return Attack{ID: id, Variant: variant, Title: title, References: references, Oracle: o,
		Mutations: []Mutation{signWith(SignAssertion), afterSigning(id+"-"+variant, func(doc *etree.Document) error {
			_, _, sig, err := signedAssertion(doc)
			if err != nil {
				return err
			}
			return edit(sig)
		})}}
}

// dsChild returns the child of el in the ds namespace at path (ds-prefixed
// local names joined by '/'), whatever prefix the signature uses.
func dsChild(sig *etree.Element, names ...string) (*etree.Element, error) {
	el := sig
	for _, n := range names {
		next := childNS(el, nsDSig, n)
		if next == nil {
			return nil, fmt.Errorf("no ds:%s under %s", n, el.FullTag())
		}
		el = next
	}
	return el, nil
}

// HMACSignatureMethod is K07 (CVE-2009-0217): the SignatureMethod becomes
// hmac-sha1 with an HMACOutputLength of bits (0 or 8: a truncated MAC
// anyone can forge), the SignatureValue empty.
func HMACSignatureMethod(bits int) Attack {
	return signatureEdit("K07", fmt.Sprintf("hmac-%d", bits), fmt.Sprintf("hmac-sha1 SignatureMethod, HMACOutputLength %d", bits),
		OracleRejects, []string{"CVE-2009-0217"}, func(sig *etree.Element) error {
			m, err := dsChild(sig, dsig.SignedInfoTag, dsig.SignatureMethodTag)
			if err != nil {
				return err
			}
			m.CreateAttr("Algorithm", "http://www.w3.org/2000/09/xmldsig#hmac-sha1")
			m.CreateElement(sig.Space + ":HMACOutputLength").SetText(fmt.Sprint(bits))
			sv, err := dsChild(sig, dsig.SignatureValueTag)
			if err != nil {
				return err
			}
			sv.SetText("")
			return nil
		})
}

// UnknownAlgorithm is K08 (goxmldsig "Unknown Transform Algorithm"): the
// algorithm URI of which ("signature", "digest" or "c14n") is replaced by a
// nonsense URI. The SP refuses, with no 5xx.
func UnknownAlgorithm(which string) Attack {
	return signatureEdit("K08", which, "nonsense "+which+" algorithm URI", OracleRejects,
		[]string{"goxmldsig Unknown Transform Algorithm"}, func(sig *etree.Element) error {
			path := map[string][]string{
				"signature": {dsig.SignedInfoTag, dsig.SignatureMethodTag},
				"digest":    {dsig.SignedInfoTag, dsig.ReferenceTag, dsig.DigestMethodTag},
				"c14n":      {dsig.SignedInfoTag, dsig.CanonicalizationMethodTag},
			}[which]
			if path == nil {
				return fmt.Errorf("unknown algorithm slot %q (signature, digest, c14n)", which)
			}
			el, err := dsChild(sig, path...)
			if err != nil {
				return err
			}
			el.CreateAttr("Algorithm", "urn:provcheck:nonsense-algorithm")
			return nil
		})
}

// XSLTTransform is K09 (SAMLRaider "Test XSLT"; samlpummel): an XSLT
// Transform whose stylesheet fetches canary with document(), added to the
// Reference. The SP refuses with no side effects and no out-of-band hit.
func XSLTTransform(canary string) Attack {
	return signatureEdit("K09", "xslt", "XSLT Transform that fetches the canary URL", OracleRejects,
		[]string{"SAMLRaider Test XSLT", "samlpummel"}, func(sig *etree.Element) error {
			tr, err := dsChild(sig, dsig.SignedInfoTag, dsig.ReferenceTag, dsig.TransformsTag)
			if err != nil {
				return err
			}
			t := etree.NewElement(sig.Space + ":Transform")
			t.CreateAttr("Algorithm", "http://www.w3.org/TR/1999/REC-xslt-19991116")
			ss := t.CreateElement("xsl:stylesheet")
			ss.CreateAttr("xmlns:xsl", "http://www.w3.org/1999/XSL/Transform")
			ss.CreateAttr("version", "1.0")
			tm := ss.CreateElement("xsl:template")
			tm.CreateAttr("match", "/")
			tm.CreateElement("xsl:copy-of").CreateAttr("select", "document('"+strings.ReplaceAll(canary, "'", "%27")+"')")
			tr.InsertChildAt(0, t)
			return nil
		})
}

// RemoteKeyInfo is K10 (samlpummel remote KeyInfo): the KeyInfo's
// X509Data is replaced by a ds:RetrievalMethod whose URI is canary. The
// SP must not fetch it (the out-of-band oracle stays silent); it may
// verify against its pinned key only, or refuse, as goxmldsig does (a
// KeyInfo without X509Certificate).
func RemoteKeyInfo(canary string) Attack {
	return signatureEdit("K10", "retrievalmethod", "KeyInfo RetrievalMethod to the canary URL", OracleRejects,
		[]string{"samlpummel"}, func(sig *etree.Element) error {
			ki := childNS(sig, nsDSig, dsig.KeyInfoTag)
			if ki == nil {
				ki = sig.CreateElement(sig.Space + ":" + dsig.KeyInfoTag)
			}
			for _, c := range ki.ChildElements() {
				ki.RemoveChild(c)
			}
			rm := ki.CreateElement(sig.Space + ":RetrievalMethod")
			rm.CreateAttr("URI", canary)
			rm.CreateAttr("Type", "http://www.w3.org/2000/09/xmldsig#X509Data")
			return nil
		})
}
