package reftarget

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The probes of the security faults: each holds on the correct SP and
// breaks with its own fault only.
func init() {
	for f, p := range secFaultProbes {
		faultProbes[f] = p
	}
}

var secFaultProbes = map[Fault]func(c *client) bool{
	FaultSecAcceptUnsigned: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		b, code := secPost(c.t, c.s, signedResponse(c.t, assertion{nameID: "p-unsigned", unsigned: true}))
		return code == http.StatusForbidden && b.whoamiID() == "" && userCount(c.s) == 0
	},
	FaultSecTrustKeyInfo: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		key, cert := secAttackerIdentity()
		enc := secEdit(c.t, signedResponse(c.t, assertion{nameID: "p-keyinfo"}), func(doc *etree.Document) {
			as := doc.Root().SelectElement("saml:Assertion")
			as.RemoveChild(as.SelectElement("ds:Signature"))
			secSign(c.t, as, key, cert)
		})
		_, code := secPost(c.t, c.s, enc)
		return code == http.StatusForbidden && userCount(c.s) == 0
	},
	FaultSecXSW: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		enc := secEdit(c.t, signedResponse(c.t, assertion{nameID: "p-signed"}), func(doc *etree.Document) {
			root := doc.Root()
			as := root.SelectElement("saml:Assertion")
			evil := as.Copy()
			evil.RemoveChild(evil.SelectElement("ds:Signature"))
			evil.CreateAttr("ID", newID40())
			evil.FindElement("./saml:Subject/saml:NameID").SetText("p-evil")
			root.InsertChildAt(as.Index(), evil)
		})
		b, code := secPost(c.t, c.s, enc)
		return code == http.StatusForbidden && b.whoamiID() == "" && userCount(c.s) == 0
	},
	FaultSecCommentTruncation: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		victim, _ := login(c.t, c.s, "p-victim")
		enc := secRaw(c.t, signedResponse(c.t, assertion{nameID: "p-victim.attacker"}), func(b []byte) []byte {
			return bytes.Replace(b, []byte(">p-victim.attacker<"), []byte(">p-victim<!---->.attacker<"), 1)
		})
		b, _ := secPost(c.t, c.s, enc)
		who, _ := b.whoami()
		return victim.whoamiID() != "" && who != nil && who["id"] != victim.whoamiID() && who["externalId"] == "p-victim.attacker"
	},
	FaultSecNoReplayCache: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		enc := signedResponse(c.t, assertion{nameID: "p-replay"})
		first, _ := secPost(c.t, c.s, enc)
		second, code := secPost(c.t, c.s, enc)
		return first.whoamiID() != "" && code == http.StatusForbidden && second.whoamiID() == ""
	},
	FaultSecNoAudience: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		b, code := secPost(c.t, c.s, signedResponse(c.t, assertion{nameID: "p-aud", audience: "https://other-sp.test/metadata"}))
		return code == http.StatusForbidden && b.whoamiID() == "" && userCount(c.s) == 0
	},
	FaultSecNoDestination: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		key, cert := testIdPIdentity(c.t)
		enc := secEdit(c.t, signedResponse(c.t, assertion{nameID: "p-dest"}), func(doc *etree.Document) {
			doc.Root().RemoveAttr("Destination")
			secSign(c.t, doc.Root(), key, cert)
		})
		b, code := secPost(c.t, c.s, enc)
		return code == http.StatusForbidden && b.whoamiID() == "" && userCount(c.s) == 0
	},
	FaultSecNoRecipient: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		key, cert := testIdPIdentity(c.t)
		enc := secEdit(c.t, signedResponse(c.t, assertion{nameID: "p-recipient"}), func(doc *etree.Document) {
			as := doc.Root().SelectElement("saml:Assertion")
			as.FindElement(".//saml:SubjectConfirmationData").CreateAttr("Recipient", "https://other-sp.test/acs")
			as.RemoveChild(as.SelectElement("ds:Signature"))
			secSign(c.t, as, key, cert)
		})
		b, code := secPost(c.t, c.s, enc)
		return code == http.StatusForbidden && b.whoamiID() == "" && userCount(c.s) == 0
	},
	FaultSecNoTimeChecks: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		b, code := secPost(c.t, c.s, signedResponse(c.t, assertion{nameID: "p-time", notBefore: time.Now().Add(-time.Hour)}))
		return code == http.StatusForbidden && b.whoamiID() == "" && userCount(c.s) == 0
	},
	FaultSecAcceptDoctype: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		enc := secRaw(c.t, signedResponse(c.t, assertion{nameID: "p-doctype"}), func(b []byte) []byte {
			return append([]byte(`<!DOCTYPE samlp:Response [<!ENTITY % x SYSTEM "http://127.0.0.1:9/x">]>`+"\n"), b...)
		})
		b, code := secPost(c.t, c.s, enc)
		return code == http.StatusForbidden && b.whoamiID() == "" && userCount(c.s) == 0
	},
}

// secPost posts an encoded response from a fresh browser.
func secPost(t testing.TB, s *Server, encoded string) (*browser, int) {
	t.Helper()
	b := newBrowser(t, s)
	return b, b.post(encoded).Code
}

// secRaw edits the decoded bytes of an encoded response.
func secRaw(t testing.TB, encoded string, edit func([]byte) []byte) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(encoded)
	require.NoError(t, err)
	out := edit(raw)
	require.NotEqual(t, raw, out, "the edit changed nothing")
	return base64.StdEncoding.EncodeToString(out)
}

// secEdit edits the parsed tree of an encoded response.
func secEdit(t testing.TB, encoded string, edit func(*etree.Document)) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(encoded)
	require.NoError(t, err)
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(raw))
	edit(doc)
	out, err := doc.WriteToBytes()
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(out)
}

// secSign signs el (enveloped, exclusive C14N, RSA-SHA256) with key and
// puts the signature after its Issuer (its first child).
func secSign(t testing.TB, el *etree.Element, key *rsa.PrivateKey, cert *x509.Certificate) {
	t.Helper()
	ctx := dsig.NewDefaultSigningContext(dsig.TLSCertKeyStore(tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}))
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	require.NoError(t, ctx.SetSignatureMethod(dsig.RSASHA256SignatureMethod))
	parent, err := etreeutils.NSBuildParentContext(el)
	require.NoError(t, err)
	detached, err := etreeutils.NSDetatch(parent, el)
	require.NoError(t, err)
	sig, err := ctx.ConstructSignature(detached, true)
	require.NoError(t, err)
	el.InsertChildAt(1, sig)
}

// secAttackerIdentity is a key the SP does not trust, with its
// certificate (generated once).
var secAttackerIdentity = sync.OnceValues(func() (*rsa.PrivateKey, *x509.Certificate) {
	return secTestIdentity("attacker", 8)
})

// secTestIdentity generates a 2048-bit key and a self-signed certificate
// valid for a day around now.
func secTestIdentity(cn string, serial int64) (*rsa.PrivateKey, *x509.Certificate) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return key, cert
}

// TestSecRefusals: the correct SP refuses what gosaml2 v0.12.0 alone
// accepts: a DOCTYPE, SHA-1, an IssueInstant a day off, no AuthnStatement.
func TestSecRefusals(t *testing.T) {
	s := newSP(t, Options{})
	key, cert := testIdPIdentity(t)
	resign := func(doc *etree.Document) {
		as := doc.Root().SelectElement("saml:Assertion")
		as.RemoveChild(as.SelectElement("ds:Signature"))
		secSign(t, as, key, cert)
	}
	cases := map[string]string{
		"doctype": secRaw(t, signedResponse(t, assertion{nameID: "r-doctype"}), func(b []byte) []byte {
			return append([]byte("<!DOCTYPE samlp:Response>\n"), b...)
		}),
		"issue instant": secEdit(t, signedResponse(t, assertion{nameID: "r-instant"}), func(doc *etree.Document) {
			as := doc.Root().SelectElement("saml:Assertion")
			as.CreateAttr("IssueInstant", time.Now().Add(-24*time.Hour).UTC().Format("2006-01-02T15:04:05Z"))
			resign(doc)
		}),
		"no authn statement": secEdit(t, signedResponse(t, assertion{nameID: "r-authn"}), func(doc *etree.Document) {
			as := doc.Root().SelectElement("saml:Assertion")
			as.RemoveChild(as.SelectElement("saml:AuthnStatement"))
			resign(doc)
		}),
	}
	for name, enc := range cases {
		b, code := secPost(t, s, enc)
		assert.Equal(t, http.StatusForbidden, code, name)
		assert.Empty(t, b.whoamiID(), name)
	}
	assert.Equal(t, 0, userCount(s))
	// The control: the same helpers' untouched response is accepted.
	b, code := secPost(t, s, secEdit(t, signedResponse(t, assertion{nameID: "r-ok"}), resign))
	assert.Equal(t, http.StatusSeeOther, code)
	assert.NotEmpty(t, b.whoamiID())
	assert.True(t, strings.HasPrefix(string(FaultSecXSW), "saml-"))
}

// TestSecRequestBoundToBrowser: a response to another browser's
// AuthnRequest is refused (catalogue P12); the browser that made it logs in.
func TestSecRequestBoundToBrowser(t *testing.T) {
	s := newSP(t, Options{})
	mine := newBrowser(t, s)
	id := spLogin(t, mine)
	enc := signedResponse(t, assertion{nameID: "bound", inResponseTo: id})
	other, code := secPost(t, s, enc)
	assert.Equal(t, http.StatusForbidden, code)
	assert.Empty(t, other.whoamiID())
	assert.Equal(t, http.StatusSeeOther, mine.post(enc).Code)
	assert.NotEmpty(t, mine.whoamiID())
}
