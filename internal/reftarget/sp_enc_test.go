package reftarget

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/xmlenc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The probes of the encryption faults: each holds on the correct SP and
// breaks with its own fault only.
func init() {
	for f, p := range encFaultProbes {
		faultProbes[f] = p
	}
}

var encFaultProbes = map[Fault]func(c *client) bool{
	FaultEncAcceptUnsignedDecrypted: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		enc := encEncrypt(c.t, c.s, signedResponse(c.t, assertion{nameID: "p-enc-unsigned", unsigned: true}), encOAEP(xmlenc.AES128CBC), nil)
		_, code := secPost(c.t, c.s, enc)
		return code == http.StatusForbidden && userCount(c.s) == 0
	},
	FaultEncPlaintextAllowed: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		pol := c.s.SPPolicy()
		pol.RequireEncryption = true
		c.s.SetSPPolicy(pol)
		_, code := secPost(c.t, c.s, signedResponse(c.t, assertion{nameID: "p-enc-plain"}))
		return code == http.StatusForbidden && userCount(c.s) == 0
	},
	FaultEncMixedAssertions: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		signed := signedResponse(c.t, assertion{nameID: "p-enc-honest"})
		var evil *etree.Element
		signed = secEdit(c.t, signed, func(doc *etree.Document) {
			evil = doc.Root().SelectElement("saml:Assertion").Copy()
			evil.RemoveChild(evil.SelectElement("ds:Signature"))
			evil.CreateAttr("ID", newID40())
			evil.FindElement("./saml:Subject/saml:NameID").SetText("p-enc-evil")
		})
		enc := encEncrypt(c.t, c.s, signed, encOAEP(xmlenc.AES256CBC), func(root *etree.Element, w *etree.Element) {
			root.InsertChildAt(w.Index(), evil)
		})
		_, code := secPost(c.t, c.s, enc)
		return code == http.StatusForbidden && userCount(c.s) == 0
	},
	FaultEncRSA15Accepted: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		e := xmlenc.PKCS1v15()
		e.BlockCipher = xmlenc.AES128CBC
		_, code := secPost(c.t, c.s, encEncrypt(c.t, c.s, signedResponse(c.t, assertion{nameID: "p-enc-rsa15"}), e, nil))
		return code == http.StatusForbidden && userCount(c.s) == 0
	},
	FaultEncPaddingOracle: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		codes := map[string]int{}
		bodies := map[string]string{}
		for _, at := range []string{"padding", "content"} {
			enc := encEncrypt(c.t, c.s, signedResponse(c.t, assertion{nameID: "p-enc-" + at}), encOAEP(xmlenc.AES128CBC), nil)
			enc = secEdit(c.t, enc, func(doc *etree.Document) { encFlip(c.t, doc, at) })
			rec := newBrowser(c.t, c.s).post(enc)
			codes[at], bodies[at] = rec.Code, rec.Body.String()
		}
		return codes["padding"] == http.StatusForbidden && codes["padding"] == codes["content"] && bodies["padding"] == bodies["content"] && userCount(c.s) == 0
	},
	FaultEncIDCiphertextKey: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		for range 2 {
			_, code := secPost(c.t, c.s, encEncryptedID(c.t, c.s, "p-enc-id"))
			if code != http.StatusForbidden && code != http.StatusSeeOther {
				return false
			}
		}
		return userCount(c.s) <= 1
	},
}

// encEncryptedID is a response whose NameID is replaced by an EncryptedID
// to the SP, the assertion then signed and encrypted (catalogue E08).
func encEncryptedID(t testing.TB, s *Server, nameID string) string {
	t.Helper()
	key, cert := testIdPIdentity(t)
	e := encOAEP(xmlenc.AES256GCM)
	signed := secEdit(t, signedResponse(t, assertion{nameID: nameID, unsigned: true}), func(doc *etree.Document) {
		as := doc.Root().SelectElement("saml:Assertion")
		encReplace(t, s, as.FindElement("./saml:Subject/saml:NameID"), "saml:EncryptedID", e)
		secSign(t, as, key, cert)
	})
	return encEncrypt(t, s, signed, e, nil)
}

// encReplace replaces el by a wrapper element tag around its encryption
// to the SP's certificate (crewjam/saml xmlenc) and returns the wrapper.
func encReplace(t testing.TB, s *Server, el *etree.Element, tag string, e xmlenc.RSA) *etree.Element {
	t.Helper()
	require.NotNil(t, el)
	plain, err := encBytes(el)
	require.NoError(t, err)
	data, err := e.Encrypt(s.SPEncryptionCert(), plain, nil)
	require.NoError(t, err)
	w := etree.NewElement(tag)
	w.AddChild(data)
	parent, at := el.Parent(), el.Index()
	parent.RemoveChild(el)
	parent.InsertChildAt(at, w)
	return w
}

// encOAEP is RSA-OAEP key transport (SHA-1, the interoperable default)
// with the block cipher bc.
func encOAEP(bc xmlenc.BlockCipher) xmlenc.RSA {
	e := xmlenc.OAEP()
	e.DigestMethod = xmlenc.SHA1
	e.BlockCipher = bc
	return e
}

// encEncrypt replaces the Assertion of an encoded response by an
// EncryptedAssertion to the SP's certificate, then lets more edit the tree
// (root, the EncryptedAssertion).
func encEncrypt(t testing.TB, s *Server, encoded string, e xmlenc.RSA, more func(root, w *etree.Element)) string {
	t.Helper()
	return secEdit(t, encoded, func(doc *etree.Document) {
		w := encReplace(t, s, doc.Root().SelectElement("saml:Assertion"), "saml:EncryptedAssertion", e)
		if more != nil {
			more(doc.Root(), w)
		}
	})
}

// encFlip flips one bit of the EncryptedData's CBC ciphertext: the last
// byte of the next-to-last block ("padding": the padding length becomes
// 129 or more) or the first IV byte ("content": the XML breaks, the
// padding holds).
func encFlip(t testing.TB, doc *etree.Document, at string) {
	t.Helper()
	cv := doc.FindElement("//EncryptedAssertion/EncryptedData/CipherData/CipherValue")
	require.NotNil(t, cv)
	b, err := base64.StdEncoding.DecodeString(cv.Text())
	require.NoError(t, err)
	if at == "padding" {
		b[len(b)-17] ^= 0x80
	} else {
		b[0] ^= 0x80
	}
	cv.SetText(base64.StdEncoding.EncodeToString(b))
}

// TestSPDecryptsEncryptedAssertions: the metadata publishes the encryption
// certificate, and an encrypted signed assertion logs in, with every
// cipher the SP lists; an unsigned one does not.
func TestSPDecryptsEncryptedAssertions(t *testing.T) {
	s := New(Options{})
	trustTestIdP(t, s)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, testHost+SPPath+"/metadata", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	md := rec.Body.String()
	assert.Contains(t, md, `<md:KeyDescriptor use="encryption">`)
	assert.Contains(t, md, base64.StdEncoding.EncodeToString(s.SPEncryptionCert().Raw))
	assert.Less(t, strings.Index(md, "KeyDescriptor"), strings.Index(md, "NameIDFormat"), "KeyDescriptor comes first (SAML Metadata schema)")

	for name, bc := range map[string]xmlenc.BlockCipher{"aes128-cbc": xmlenc.AES128CBC, "aes256-cbc": xmlenc.AES256CBC, "aes128-gcm": xmlenc.AES128GCM, "aes256-gcm": xmlenc.AES256GCM} {
		b, code := secPost(t, s, encEncrypt(t, s, signedResponse(t, assertion{nameID: "p-enc-" + name}), encOAEP(bc), nil))
		assert.Equal(t, http.StatusSeeOther, code, name)
		assert.NotEmpty(t, b.whoamiID(), name)
	}
	assert.Equal(t, 4, userCount(s))
	_, code := secPost(t, s, encEncrypt(t, s, signedResponse(t, assertion{nameID: "p-enc-unsigned", unsigned: true}), encOAEP(xmlenc.AES128CBC), nil))
	assert.Equal(t, http.StatusForbidden, code)
	assert.Equal(t, 4, userCount(s))
}

// TestEncWeakSignatureAlg: SHA-1 in a signature is found, the SHA-1 digest
// of an RSA-OAEP EncryptionMethod is not.
func TestEncWeakSignatureAlg(t *testing.T) {
	oaep := `<x><xenc:EncryptionMethod xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"><ds:DigestMethod xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/></xenc:EncryptionMethod></x>`
	assert.Empty(t, encWeakSignatureAlg([]byte(oaep)))
	sig := `<x><ds:SignedInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"/></ds:SignedInfo></x>`
	assert.Equal(t, "http://www.w3.org/2000/09/xmldsig#rsa-sha1", encWeakSignatureAlg([]byte(sig)))
	assert.Equal(t, "http://www.w3.org/2000/09/xmldsig#sha1", encWeakSignatureAlg([]byte(`<x Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"`)), "unreadable XML is judged on its bytes")
}
