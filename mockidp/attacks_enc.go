package mockidp

import (
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/xmlenc"
)

// The encrypted-assertion cases of catalogue §5.7 (lines E01–E08). The
// mock IdP encrypts with crewjam/saml's xmlenc package only: RSA-OAEP
// (rsa-oaep-mgf1p, SHA-1 digest and MGF1, the SAML interoperability
// default) or, for E07, RSA PKCS#1 v1.5 key transport; AES-128/256-CBC or
// AES-128/256-GCM for the data. The inner Assertion is signed as usual and
// then encrypted to the SP's encryption certificate, so an EncryptedAssertion
// is an AfterSigning stage over the ordinary build.

// Data encryption algorithms of an EncryptedAssertion (XML Encryption 1.0
// and 1.1 URIs).
const (
	EncAES128CBC = "http://www.w3.org/2001/04/xmlenc#aes128-cbc"
	EncAES256CBC = "http://www.w3.org/2001/04/xmlenc#aes256-cbc"
	EncAES128GCM = "http://www.w3.org/2009/xmlenc11#aes128-gcm"
	EncAES256GCM = "http://www.w3.org/2009/xmlenc11#aes256-gcm"
)

// Key transport algorithms of the EncryptedKey.
const (
	// EncKeyRSAOAEP is RSA-OAEP with MGF1 (SHA-1 digest), XML Encryption 1.0.
	EncKeyRSAOAEP = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
	// EncKeyRSA15 is RSA PKCS#1 v1.5 key transport, open to Bleichenbacher's
	// attack (E07).
	EncKeyRSA15 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5"
)

// encTypeElement is the Type of an EncryptedData that holds an element.
const encTypeElement = "http://www.w3.org/2001/04/xmlenc#Element"

const nsEnc = "http://www.w3.org/2001/04/xmlenc#"

// encCiphers maps the data encryption URIs to xmlenc's ciphers.
var encCiphers = map[string]xmlenc.BlockCipher{
	EncAES128CBC: xmlenc.AES128CBC,
	EncAES256CBC: xmlenc.AES256CBC,
	EncAES128GCM: xmlenc.AES128GCM,
	EncAES256GCM: xmlenc.AES256GCM,
}

// EncOptions say how an element is encrypted to the SP.
type EncOptions struct {
	// Cert is the certificate whose RSA key the content key is encrypted
	// to (the SP's encryption certificate, or a wrong one for E04).
	Cert *x509.Certificate
	// Cipher is one of the EncAES constants; empty means EncAES256CBC.
	Cipher string
	// KeyTransport is EncKeyRSAOAEP (the default when empty) or EncKeyRSA15.
	KeyTransport string
}

func (o EncOptions) cipher() string {
	if o.Cipher == "" {
		return EncAES256CBC
	}
	return o.Cipher
}

func (o EncOptions) transport() string {
	if o.KeyTransport == "" {
		return EncKeyRSAOAEP
	}
	return o.KeyTransport
}

// describe is the trace wording of the options: "aes256-cbc, rsa-oaep-mgf1p".
func (o EncOptions) describe() string {
	return algName(o.cipher()) + ", " + algName(o.transport())
}

// encrypter returns xmlenc's RSA encrypter for the options.
func (o EncOptions) encrypter() (xmlenc.RSA, error) {
	bc, ok := encCiphers[o.cipher()]
	if !ok {
		return xmlenc.RSA{}, fmt.Errorf("encrypt: unknown data encryption %q", o.Cipher)
	}
	var e xmlenc.RSA
	switch o.transport() {
	case EncKeyRSAOAEP:
		e = xmlenc.OAEP()
		e.DigestMethod = xmlenc.SHA1
	case EncKeyRSA15:
		e = xmlenc.PKCS1v15()
	default:
		return xmlenc.RSA{}, fmt.Errorf("encrypt: unknown key transport %q", o.KeyTransport)
	}
	e.BlockCipher = bc
	return e, nil
}

// EncryptElement encrypts a detached copy of el (every namespace in scope
// declared on it) to o.Cert and returns the xenc:EncryptedData, with the
// content key in its KeyInfo as an xenc:EncryptedKey (xmlenc's layout).
func EncryptElement(el *etree.Element, o EncOptions) (*etree.Element, error) {
	if o.Cert == nil {
		return nil, errors.New("encrypt: no SP encryption certificate (the SP publishes none, or none was given)")
	}
	e, err := o.encrypter()
	if err != nil {
		return nil, err
	}
	detached, err := detach(el)
	if err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	doc.SetRoot(detached)
	plain, err := doc.WriteToBytes()
	if err != nil {
		return nil, fmt.Errorf("encrypt: serialise %s: %w", el.FullTag(), err)
	}
	data, err := e.Encrypt(o.Cert, plain, nil)
	if err != nil {
		return nil, fmt.Errorf("encrypt %s (%s): %w", el.FullTag(), o.describe(), err)
	}
	data.CreateAttr("Type", encTypeElement)
	return data, nil
}

// encWrap replaces el in its parent by a wrapper element tag (prefix saml)
// around el's encryption.
func encWrap(el *etree.Element, tag string, o EncOptions) (*etree.Element, error) {
	parent := el.Parent()
	if parent == nil {
		return nil, fmt.Errorf("encrypt: %s has no parent", el.FullTag())
	}
	data, err := EncryptElement(el, o)
	if err != nil {
		return nil, err
	}
	w := etree.NewElement("saml:" + tag)
	w.AddChild(data)
	at := el.Index()
	parent.RemoveChild(el)
	parent.InsertChildAt(at, w)
	return w, nil
}

// EncryptAssertion is the AfterSigning mutation that replaces the first
// Assertion of the Response, as signed, by a saml:EncryptedAssertion
// encrypted per o (SAML Core §2.3.4).
func EncryptAssertion(o EncOptions) Mutation {
	return Mutation{Name: "encrypt-assertion (" + o.describe() + ")", Stage: AfterSigning, Tree: func(doc *etree.Document) error {
		_, as, err := responseParts(doc)
		if err != nil {
			return err
		}
		_, err = encWrap(as, "EncryptedAssertion", o)
		return err
	}}
}

// encryptNameID is the BeforeSigning mutation that replaces every NameID
// by a saml:EncryptedID (SAML Core §2.2.4), so the signature covers the
// EncryptedID.
func encryptNameID(o EncOptions) Mutation {
	return Mutation{Name: "encrypt-nameid (" + o.describe() + ")", Stage: BeforeSigning, Tree: func(doc *etree.Document) error {
		ids := findAll(doc.Root(), nsAssertion, "NameID")
		if len(ids) == 0 {
			return errors.New("no saml:NameID to encrypt")
		}
		for _, id := range ids {
			if _, err := encWrap(id, "EncryptedID", o); err != nil {
				return err
			}
		}
		return nil
	}}
}

// encTamper is the AfterSigning mutation of E06: it flips one bit of the
// EncryptedData's CBC ciphertext (the IV first, then the blocks). "padding"
// flips the high bit of the last byte of the next-to-last block, so the last
// plaintext byte, the XML Encryption padding length, becomes 129 or more:
// bad padding. "content" flips the high bit of the first IV byte, so only
// the first plaintext byte changes ('<' no longer opens the element): valid
// padding, content that is not XML.
func encTamper(kind string) Mutation {
	return Mutation{Name: "tamper-cbc-" + kind, Stage: AfterSigning, Tree: func(doc *etree.Document) error {
		cv := doc.FindElement("//EncryptedAssertion/EncryptedData/CipherData/CipherValue")
		if cv == nil {
			return errors.New("no EncryptedData CipherValue to tamper with")
		}
		b, err := base64.StdEncoding.DecodeString(cv.Text())
		if err != nil {
			return fmt.Errorf("CipherValue: %w", err)
		}
		const block = 16
		if len(b) < 2*block || len(b)%block != 0 {
			return fmt.Errorf("CipherValue of %d bytes is not CBC (IV and whole blocks)", len(b))
		}
		switch kind {
		case "padding":
			b[len(b)-block-1] ^= 0x80
		case "content":
			b[0] ^= 0x80
		default:
			return fmt.Errorf("unknown CBC tampering %q", kind)
		}
		cv.SetText(base64.StdEncoding.EncodeToString(b))
		return nil
	}}
}

// encPlaintextBeside is the AfterSigning mutation of E05: a forged unsigned
// copy of the assertion, for the victim and with a fresh ID, placed as a
// plaintext Assertion before the one that is then encrypted per o.
func encPlaintextBeside(v Victim, o EncOptions) Mutation {
	return Mutation{Name: "plaintext-beside-encrypted (" + o.describe() + ")", Stage: AfterSigning, Tree: func(doc *etree.Document) error {
		resp, as, evil, err := forgeAssertion(doc, v, true)
		if err != nil {
			return err
		}
		w, err := encWrap(as, "EncryptedAssertion", o)
		if err != nil {
			return err
		}
		resp.InsertChildAt(w.Index(), evil)
		return nil
	}}
}

// encRefs are the references of every E case besides its own.
var encRefs = []string{"SAML Core §2.3.4 (EncryptedAssertion)", "XML Encryption 1.1"}

func encAttack(id, variant, title string, oracle Oracle, refs []string, muts ...Mutation) Attack {
	return Attack{ID: id, Variant: variant, Title: title, Oracle: oracle,
		References: append(append([]string{}, refs...), encRefs...), Mutations: muts}
}

// EncControl is E01, the positive control of an SP that accepts encrypted
// assertions (gosaml2 olgn09 case 06): the assertion signed by the IdP,
// then encrypted to the SP's certificate with cipher, in an unsigned
// Response.
func EncControl(cert *x509.Certificate, cipher string) Attack {
	o := EncOptions{Cert: cert, Cipher: cipher}
	return encAttack("E01", encVariant(cipher), "signed assertion encrypted to the SP ("+o.describe()+") in an unsigned Response",
		OracleAccepts, []string{"gosaml2 olgn09 case 06"}, signWith(SignAssertion), EncryptAssertion(o))
}

// encVariant names the variant of a case by its cipher: "" for the
// default AES-256-CBC, else the short name ("aes256-gcm").
func encVariant(cipher string) string {
	if cipher == "" || cipher == EncAES256CBC {
		return ""
	}
	return algName(cipher)
}

// EncUnsignedInner is E02 (CVE-2024-9487, GitHub Enterprise Server;
// CVE-2026-2092, Keycloak): an assertion for the victim that nobody
// signed, encrypted to the SP's public certificate, in an unsigned
// Response. Anyone can encrypt to the SP; decryption proves nothing about
// the sender.
func EncUnsignedInner(v Victim, cert *x509.Certificate) Attack {
	return encAttack("E02", "", "unsigned assertion for the victim encrypted to the SP, in an unsigned Response",
		OracleRejects, []string{"CVE-2024-9487", "CVE-2026-2092"},
		Unsigned(), victimSubject(v), EncryptAssertion(EncOptions{Cert: cert, Cipher: EncAES128CBC}))
}

// EncPlaintext is E03: the baseline signed plaintext assertion, sent to an
// SP that declares encryption required. The stateless reference accepts
// it; the SP's policy decides.
func EncPlaintext() Attack {
	return encAttack("E03", "", "plaintext signed assertion where the SP requires encryption",
		OracleNeedsState, []string{"the SP's declared encryption requirement"}, signWith(SignAssertion))
}

// EncWrongCertificate is E04 (gosaml2 olgn09 cases 97, 46–48): the
// honest signed assertion encrypted to a certificate that is not the SP's.
func EncWrongCertificate(wrong *x509.Certificate) Attack {
	return encAttack("E04", "", "signed assertion encrypted to a certificate that is not the SP's",
		OracleRejects, []string{"gosaml2 olgn09 cases 97/46-48"},
		signWith(SignAssertion), EncryptAssertion(EncOptions{Cert: wrong}))
}

// EncMixed is E05 (the S16/S17 class): the honest signed assertion,
// encrypted to the SP, and before it a plaintext, unsigned copy for the
// victim. An SP that checks the encrypted one and consumes the first
// plaintext Assertion is taken over.
func EncMixed(v Victim, cert *x509.Certificate) Attack {
	return encAttack("E05", "", "one encrypted signed assertion and one plaintext forged assertion for the victim",
		OracleRejects, []string{"S16/S17 class"},
		signWith(SignAssertion), encPlaintextBeside(v, EncOptions{Cert: cert}))
}

// EncTamperedCBC is E06 (Jager & Somorovsky 2011; gosaml2 commit 3418f9a):
// the signed assertion encrypted with AES-128-CBC, then one ciphertext bit
// flipped: kind "padding" breaks the padding, "content" keeps the padding
// valid and breaks the XML. The two probes of a padding oracle: a correct
// SP refuses both, and alike.
func EncTamperedCBC(kind string, cert *x509.Certificate) Attack {
	return encAttack("E06", kind, "AES-CBC ciphertext with one bit flipped (bad "+kind+")",
		OracleRejects, []string{"Jager & Somorovsky 2011", "gosaml2 commit 3418f9a"},
		signWith(SignAssertion), EncryptAssertion(EncOptions{Cert: cert, Cipher: EncAES128CBC}), encTamper(kind))
}

// EncRSA15 is E07, a `should` case (Bleichenbacher 1998 and its XML
// Encryption variants): the signed assertion with its content key
// transported by RSA PKCS#1 v1.5. The SP should refuse rsa-1_5, or warn.
func EncRSA15(cert *x509.Certificate) Attack {
	a := encAttack("E07", "", "content key transported with rsa-1_5 (PKCS#1 v1.5)",
		OracleAccepts, []string{"Bleichenbacher 1998", "Jager, Schinzel & Somorovsky 2012 (XML Encryption rsa-1_5)"},
		signWith(SignAssertion), EncryptAssertion(EncOptions{Cert: cert, Cipher: EncAES128CBC, KeyTransport: EncKeyRSA15}))
	a.Should = true
	return a
}

// EncNameID is E08 (SAML Core §2.2.4): the NameID replaced by an
// EncryptedID to the SP, the assertion signed over it and then encrypted
// too. The SP decrypts it and keys on the plaintext, or refuses.
func EncNameID(cert *x509.Certificate) Attack {
	o := EncOptions{Cert: cert, Cipher: EncAES256GCM}
	return encAttack("E08", "", "EncryptedID instead of NameID, in an encrypted signed assertion",
		OracleRejects, []string{"SAML Core §2.2.4 (EncryptedID)"},
		signWith(SignAssertion), encryptNameID(o), EncryptAssertion(o))
}

// EncCatalogue returns the E cases built from p, in catalogue order; none
// when p has no SP encryption certificate (EncCert). E04 needs
// EncWrongCert.
func EncCatalogue(p AttackParams) []Attack {
	if p.EncCert == nil {
		return nil
	}
	c := p.EncCert
	out := []Attack{EncControl(c, ""), EncControl(c, EncAES128CBC), EncControl(c, EncAES256GCM),
		EncUnsignedInner(p.Victim, c), EncPlaintext()}
	if p.EncWrongCert != nil {
		out = append(out, EncWrongCertificate(p.EncWrongCert))
	}
	return append(out, EncMixed(p.Victim, c), EncTamperedCBC("padding", c), EncTamperedCBC("content", c),
		EncRSA15(c), EncNameID(c))
}
