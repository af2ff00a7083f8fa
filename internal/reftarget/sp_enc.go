package reftarget

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/beevik/etree"
	saml2 "github.com/russellhaering/gosaml2"
	"github.com/russellhaering/gosaml2/types"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// Encrypted assertions (catalogue §5.7): the reference SP has an
// encryption key pair (one per process, generated at first use) whose certificate its
// metadata publishes as KeyDescriptor use="encryption". gosaml2 decrypts
// EncryptedAssertions with it (SPKeyStore); before that the SP refuses
// what gosaml2 would let through or report unevenly: a plaintext
// assertion when the policy requires encryption (E03), plaintext and
// encrypted assertions in one Response (E05), rsa-1_5 key transport
// (E07), and any assertion it cannot decrypt, with one uniform answer
// whatever went wrong (E04, E06: no padding oracle).

// The encryption faults of the reference SP.
const (
	FaultEncAcceptUnsignedDecrypted Fault = "saml-enc-accept-unsigned-decrypted"
	FaultEncPlaintextAllowed        Fault = "saml-enc-plaintext-allowed"
	FaultEncMixedAssertions         Fault = "saml-enc-mixed-assertions"
	FaultEncRSA15Accepted           Fault = "saml-enc-rsa15-accepted"
	FaultEncPaddingOracle           Fault = "saml-enc-padding-oracle"
	FaultEncIDCiphertextKey         Fault = "saml-enc-encryptedid-ciphertext-key"
)

var encFaultInfos = []FaultInfo{
	{FaultEncAcceptUnsignedDecrypted, "the SP trusts an assertion because it decrypted it: an unsigned assertion in an unsigned Response is accepted when it was encrypted (CVE-2024-9487 class)"},
	{FaultEncPlaintextAllowed, "the SP declares encryption required but accepts a plaintext assertion"},
	{FaultEncMixedAssertions, "the SP verifies the encrypted assertion and consumes the first plaintext Assertion beside it"},
	{FaultEncRSA15Accepted, "the SP decrypts content keys transported with rsa-1_5 (PKCS#1 v1.5, Bleichenbacher)"},
	{FaultEncPaddingOracle, "the SP answers a ciphertext with bad CBC padding differently (500, with the detail) from one that decrypts to bad XML (a padding oracle)"},
	{FaultEncIDCiphertextKey, "the SP keys an EncryptedID subject on its ciphertext, not on the NameID it decrypts to (a new account at every login)"},
}

func init() { faultInfos = append(faultInfos, encFaultInfos...) }

const (
	encRSA15          = "http://www.w3.org/2001/04/xmlenc#rsa-1_5"
	encUniformRefusal = "the encrypted assertion cannot be decrypted"
)

// encKeys is an encryption key pair, generated once.
type encKeys struct {
	once sync.Once
	key  *rsa.PrivateKey
	cert *x509.Certificate
	err  error
}

// encProcessKeys is the key pair of every reference SP of the process: a
// 2048-bit RSA key takes a while to generate, and the self-tests start
// hundreds of servers.
var encProcessKeys encKeys

// encGenerate makes a 2048-bit RSA key and a self-signed certificate.
func encGenerate() (*rsa.PrivateKey, *x509.Certificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, fmt.Errorf("SP encryption key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, fmt.Errorf("SP encryption certificate serial: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "provcheck reference SP (encryption)", Organization: []string{"provcheck"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageKeyEncipherment | x509.KeyUsageDataEncipherment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("SP encryption certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("SP encryption certificate: %w", err)
	}
	return key, cert, nil
}

// encPair returns the SP's encryption key pair: the process's, generated
// at its first use.
func (s *Server) encPair() (*rsa.PrivateKey, *x509.Certificate, error) {
	k := &encProcessKeys
	k.once.Do(func() { k.key, k.cert, k.err = encGenerate() })
	return k.key, k.cert, k.err
}

// SPEncryptionCert returns the certificate the SP's metadata publishes for
// encryption (KeyDescriptor use="encryption"), or nil when no key could
// be generated.
func (s *Server) SPEncryptionCert() *x509.Certificate {
	_, cert, _ := s.encPair()
	return cert
}

// encTLSCert is the key pair in the form gosaml2 decrypts with.
func (s *Server) encTLSCert() (*tls.Certificate, error) {
	key, cert, err := s.encPair()
	if err != nil {
		return nil, err
	}
	return &tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}, nil
}

// encKeyDescriptor is the metadata's KeyDescriptor of the encryption
// certificate, with the algorithms the SP accepts (SAML Metadata §2.4.1.1),
// or "" without a key.
func (s *Server) encKeyDescriptor() string {
	cert := s.SPEncryptionCert()
	if cert == nil {
		return ""
	}
	return fmt.Sprintf(`
    <md:KeyDescriptor use="encryption">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
      <md:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>
      <md:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes128-gcm"/>
      <md:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/>
      <md:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
      <md:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>
    </md:KeyDescriptor>`, base64.StdEncoding.EncodeToString(cert.Raw))
}

// encProvide lets gosaml2 decrypt with the SP's key. gosaml2 v0.12.0
// decrypts with SPKeyStore only (SetSPKeyStore is not read there).
func (s *Server) encProvide(p *saml2.SAMLServiceProvider) {
	if c, err := s.encTLSCert(); err == nil {
		p.SPKeyStore = dsig.TLSCertKeyStore(*c) //nolint:staticcheck // gosaml2 v0.12.0 decrypts with this field only
	}
}

// encValidate is secValidate behind the encryption checks: the policy,
// the shape and the key transport of encrypted assertions, and a trial
// decryption whose failures all read alike.
func (s *Server) encValidate(p *saml2.SAMLServiceProvider, pol SPPolicy, encoded string) (*types.Response, *loginError) {
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil || bytes.Contains(raw, []byte("<!DOCTYPE")) {
		return s.encSec(p, encoded)
	}
	if !bytes.Contains(raw, []byte("EncryptedAssertion")) {
		if pol.RequireEncryption && !s.has(FaultEncPlaintextAllowed) {
			return nil, refuse("the SP requires encrypted assertions; the response carries none")
		}
		return s.encSec(p, encoded)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil || doc.Root() == nil {
		return s.encSec(p, encoded)
	}
	var plain, enc []*etree.Element
	for _, c := range doc.Root().ChildElements() {
		switch c.Tag {
		case "Assertion":
			plain = append(plain, c)
		case "EncryptedAssertion":
			enc = append(enc, c)
		}
	}
	if len(plain) > 0 && len(enc) > 0 {
		if s.has(FaultEncMixedAssertions) {
			return s.encMixed(p, doc, plain)
		}
		return nil, refuse("the response mixes %d plaintext and %d encrypted assertions", len(plain), len(enc))
	}
	if len(plain) > 0 && pol.RequireEncryption && !s.has(FaultEncPlaintextAllowed) {
		return nil, refuse("the SP requires encrypted assertions; the response carries a plaintext one")
	}
	cert, err := s.encTLSCert()
	if err != nil {
		return nil, &loginError{status: http.StatusServiceUnavailable, reason: err.Error()}
	}
	var decrypted []types.Assertion
	var ids []string
	for _, el := range enc {
		if m := el.FindElement(".//EncryptedKey/EncryptionMethod"); m != nil && m.SelectAttrValue("Algorithm", "") == encRSA15 && !s.has(FaultEncRSA15Accepted) {
			return nil, refuse("the content key is transported with rsa-1_5 (PKCS#1 v1.5); only RSA-OAEP is accepted")
		}
		a, plainText, derr := encDecrypt(el, cert)
		if derr != nil {
			if s.has(FaultEncPaddingOracle) && strings.Contains(derr.Error(), "padding") {
				return nil, &loginError{status: http.StatusInternalServerError, reason: "decryption error: " + derr.Error()}
			}
			return nil, refuse(encUniformRefusal)
		}
		decrypted = append(decrypted, *a)
		ids = append(ids, encIDCipherValue(plainText))
	}
	if s.has(FaultEncAcceptUnsignedDecrypted) && !bytes.Contains(raw, []byte("Signature")) {
		return encTrustDecrypted(p, raw, decrypted)
	}
	resp, lerr := s.encSec(p, encoded)
	if lerr == nil && s.has(FaultEncIDCiphertextKey) {
		for i := range resp.Assertions {
			if sub := resp.Assertions[i].Subject; sub != nil && sub.NameID == nil && i < len(ids) && ids[i] != "" {
				sub.NameID = &types.NameID{Value: "enc-" + ids[i][:min(32, len(ids[i]))]}
			}
		}
	}
	return resp, lerr
}

// encIDCipherValue returns the CipherValue of the EncryptedID in a
// decrypted assertion, or "" (FaultEncIDCiphertextKey keys on it).
func encIDCipherValue(plain []byte) string {
	doc := etree.NewDocument()
	if doc.ReadFromBytes(plain) != nil || doc.Root() == nil {
		return ""
	}
	if cv := doc.Root().FindElement(".//EncryptedID//EncryptedData/CipherData/CipherValue"); cv != nil {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, cv.Text())
	}
	return ""
}

// encSec is secValidate with its error as a refusal.
func (s *Server) encSec(p *saml2.SAMLServiceProvider, encoded string) (*types.Response, *loginError) {
	resp, err := s.secValidate(p, encoded)
	if err != nil {
		return nil, refuse("invalid response: %v", err)
	}
	return resp, nil
}

// encDecrypt decrypts one EncryptedAssertion with gosaml2's types and
// returns it parsed and as plaintext; a SHA-1 signature inside is refused
// as outside.
func encDecrypt(el *etree.Element, cert *tls.Certificate) (*types.Assertion, []byte, error) {
	b, err := encBytes(el)
	if err != nil {
		return nil, nil, err
	}
	var ea types.EncryptedAssertion
	if err := xml.Unmarshal(b, &ea); err != nil {
		return nil, nil, err
	}
	plain, err := ea.DecryptBytes(cert)
	if err != nil {
		return nil, nil, err
	}
	if weak := encWeakSignatureAlg(plain); weak != "" {
		return nil, nil, fmt.Errorf("the encrypted assertion's signature uses %s; SHA-1 is refused", weak)
	}
	var a types.Assertion
	if err := xml.Unmarshal(plain, &a); err != nil {
		return nil, nil, err
	}
	return &a, plain, nil
}

// encTrustDecrypted is FaultEncAcceptUnsignedDecrypted: the decrypted
// assertions of an unsigned Response taken as verified.
func encTrustDecrypted(p *saml2.SAMLServiceProvider, raw []byte, decrypted []types.Assertion) (*types.Response, *loginError) {
	resp := &types.Response{}
	if err := xml.Unmarshal(raw, resp); err != nil {
		return nil, refuse("invalid response: %v", err)
	}
	for i := range decrypted {
		decrypted[i].SignatureValidated = true
	}
	resp.Assertions, resp.EncryptedAssertions = decrypted, nil
	if err := p.Validate(resp); err != nil {
		return nil, refuse("invalid response: %v", err)
	}
	return resp, nil
}

// encMixed is FaultEncMixedAssertions: the response validated without its
// plaintext assertions, then the first plaintext Assertion consumed.
func (s *Server) encMixed(p *saml2.SAMLServiceProvider, doc *etree.Document, plain []*etree.Element) (*types.Response, *loginError) {
	first, err := encBytes(plain[0])
	if err != nil {
		return nil, refuse("invalid response: %v", err)
	}
	for _, el := range plain {
		doc.Root().RemoveChild(el)
	}
	b, err := doc.WriteToBytes()
	if err != nil {
		return nil, refuse("invalid response: %v", err)
	}
	resp, lerr := s.encSec(p, base64.StdEncoding.EncodeToString(b))
	if lerr != nil {
		return nil, lerr
	}
	var a types.Assertion
	if err := xml.Unmarshal(first, &a); err != nil {
		return nil, refuse("invalid response: %v", err)
	}
	if len(resp.Assertions) == 0 {
		return nil, refuse("no assertion")
	}
	a.SignatureValidated = true
	resp.Assertions[0] = a
	return resp, nil
}

// encBytes serialises a detached copy of el (see encDetach).
func encBytes(el *etree.Element) ([]byte, error) {
	c, err := encDetach(el)
	if err != nil {
		return nil, err
	}
	d := etree.NewDocument()
	d.SetRoot(c)
	return d.WriteToBytes()
}

// encDetach copies el with every namespace in scope declared on the copy.
func encDetach(el *etree.Element) (*etree.Element, error) {
	ctx, err := etreeutils.NSBuildParentContext(el)
	if err != nil {
		return nil, err
	}
	return etreeutils.NSDetatch(ctx, el)
}

// encWeakSHA1 are the SHA-1 algorithms a signature must not use.
var encWeakSHA1 = []string{"http://www.w3.org/2000/09/xmldsig#rsa-sha1", "http://www.w3.org/2000/09/xmldsig#sha1"}

// encWeakSignatureAlg returns the SHA-1 algorithm a signature of the
// document uses (a SignatureMethod or a Reference's DigestMethod), or "".
// The DigestMethod of an RSA-OAEP EncryptionMethod is no signature's: OAEP
// with SHA-1 is the SAML interoperability default and is not weak. A
// document etree cannot read is judged on its bytes.
func encWeakSignatureAlg(raw []byte) string {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil || doc.Root() == nil {
		for _, weak := range encWeakSHA1 {
			if bytes.Contains(raw, []byte(`"`+weak+`"`)) {
				return weak
			}
		}
		return ""
	}
	var found string
	var walk func(el *etree.Element)
	walk = func(el *etree.Element) {
		for _, c := range el.ChildElements() {
			if found != "" {
				return
			}
			if (c.Tag == "SignatureMethod" || c.Tag == "DigestMethod") && el.Tag != "EncryptionMethod" {
				for _, weak := range encWeakSHA1 {
					if c.SelectAttrValue("Algorithm", "") == weak {
						found = weak
						return
					}
				}
			}
			walk(c)
		}
	}
	walk(doc.Root())
	return found
}
