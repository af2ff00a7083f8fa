package mockidp

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/beevik/etree"
	saml2 "github.com/russellhaering/gosaml2"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseCatalogueLines pins the keys of the parser cases, in catalogue
// order.
func TestParseCatalogueLines(t *testing.T) {
	var got []string
	for _, a := range ParseCatalogue(testParams(t)) {
		got = append(got, a.Key())
	}
	assert.Equal(t, []string{"S19", "S26/attlist", "S26/statusdetail", "S26/rebound-ds", "S27", "S28",
		"S33/element", "S33/attribute", "S33/directive", "X05/utf8-bom", "X05/utf16", "X05/declared-latin1", "X08"}, got)
}

// TestParseErrorResponseDecoy: S19 is a genuinely signed error Response
// without an assertion of its own, a decoy signature after the genuine
// one, and the victim's forged Assertion in the decoy's ds:Object; the
// genuine signature covers the Status (tampering it breaks the check).
func TestParseErrorResponseDecoy(t *testing.T) {
	p := testParams(t)
	a := ParseErrorResponseDecoy(testVictim)
	b := buildAttack(t, a)
	root := parse(t, b.XML).Root()
	assert.Equal(t, []string{"saml:Issuer", "ds:Signature", "ds:Signature", "samlp:Status"}, childNames(root))
	assert.Equal(t, StatusRequester, root.FindElement("samlp:Status/samlp:StatusCode").SelectAttrValue("Value", ""))
	sigs := root.SelectElements("ds:Signature")
	assert.Nil(t, sigs[0].SelectElement("ds:Object"))
	forged := sigs[1].FindElement("ds:Object/saml:Assertion")
	require.NotNil(t, forged)
	assert.Equal(t, testVictim.NameID, forged.FindElement("saml:Subject/saml:NameID").Text())
	assert.Equal(t, sigs[0].FindElement("ds:SignatureValue").Text(), sigs[1].FindElement("ds:SignatureValue").Text())
	require.NoError(t, a.CheckStillVerifies(b.XML, p.IdP, testNow))

	tampered := bytes.Replace(b.XML, []byte("authentication failed"), []byte("authentication passed"), 1)
	require.NotEqual(t, b.XML, tampered)
	assert.Error(t, a.CheckStillVerifies(tampered, p.IdP, testNow))
}

// TestParseNamespaceConfusion: in every S26 shape the genuine SignedInfo
// sits in StatusDetail (its SignatureValue holds), the Assertion names the
// victim and its own signature's digest matches the forgery; the shapes
// differ in the namespace each parser gives the two signatures.
func TestParseNamespaceConfusion(t *testing.T) {
	p := testParams(t)
	for _, shape := range ParseNamespaceShapes {
		t.Run(shape, func(t *testing.T) {
			a := ParseNamespaceConfusion(testVictim, shape)
			b := buildAttack(t, a)
			doc := parse(t, b.XML)
			as := doc.Root().SelectElement("saml:Assertion")
			assert.Equal(t, testVictim.NameID, as.FindElement("saml:Subject/saml:NameID").Text())
			own := as.SelectElement("Signature")
			require.NotNil(t, own)
			plain := as.Copy() // the digest a reader that takes own as XML-DSig computes
			plain.SelectElement("Signature").CreateAttr("xmlns:ds", nsDSig)
			forged, err := referenceDigest(plain)
			require.NoError(t, err)
			assert.Equal(t, forged, own.FindElement("SignedInfo/Reference/DigestValue").Text(), "the assertion's digest matches the forgery")
			genuine := doc.FindElement(parseStatusDetailSig)
			require.NotNil(t, genuine)
			assert.NotEqual(t, forged, genuine.FindElement("SignedInfo/Reference/DigestValue").Text())
			require.NoError(t, a.CheckStillVerifies(b.XML, p.IdP, testNow))
			switch shape {
			case ParseNamespaceAttlist:
				assert.Contains(t, string(b.XML), `<!ATTLIST Signature xmlns CDATA #FIXED "http://www.w3.org/2000/09/xmldsig#">`)
				assert.Equal(t, "", genuine.Space)
				assert.Equal(t, "", genuine.NamespaceURI(), "without the DTD, the copy is in no namespace")
				assert.Equal(t, nsDSig, own.NamespaceURI())
			case ParseNamespaceStatusDetail:
				assert.Equal(t, "", genuine.Space)
				assert.Equal(t, nsDSig, genuine.NamespaceURI())
				assert.NotContains(t, string(b.XML), "<!DOCTYPE")
			case ParseNamespaceReboundDS:
				assert.Equal(t, "ds", own.Space)
				assert.Equal(t, parseReboundNS, own.NamespaceURI(), "ds is re-bound on the assertion's signature")
				assert.Equal(t, nsDSig, genuine.NamespaceURI())
			}
		})
	}
	spec, trusted := baseline(t)
	_, err := ParseNamespaceConfusion(testVictim, "bogus").Build(spec, DefaultSignOptions(trusted))
	assert.ErrorContains(t, err, `unknown namespace confusion "bogus"`)
}

// TestParseVoidCanonicalisation: S27's DigestValue is the digest of the
// empty string, its namespace URI carries U+0080, and goxmldsig (whose
// canonicaliser does not fail on it) gives a different digest.
func TestParseVoidCanonicalisation(t *testing.T) {
	p := testParams(t)
	a := ParseVoidCanonicalisation(testVictim)
	b := buildAttack(t, a)
	assert.Contains(t, string(b.XML), `xmlns:provcheck="http://provcheck.invalid/void`+"\u0080"+`"`)
	as := parse(t, b.XML).Root().SelectElement("saml:Assertion")
	empty := sha256.Sum256(nil)
	assert.Equal(t, base64.StdEncoding.EncodeToString(empty[:]), as.FindElement("ds:Signature/ds:SignedInfo/ds:Reference/ds:DigestValue").Text())
	real, err := referenceDigest(as)
	require.NoError(t, err)
	assert.NotEqual(t, base64.StdEncoding.EncodeToString(empty[:]), real)
	require.NoError(t, a.CheckStillVerifies(b.XML, p.IdP, testNow))
}

// TestParseEntityDefinedID: S28 declares the two entities, writes the
// Response ID as a reference, and with the entities expanded (the bypass
// one to nothing) the copy in ds:Object is the genuinely signed Assertion.
func TestParseEntityDefinedID(t *testing.T) {
	p := testParams(t)
	spec, trusted := baseline(t)
	b, err := ParseEntityDefinedID(testVictim).Build(spec, DefaultSignOptions(trusted))
	require.NoError(t, err)
	s := string(b.XML)
	assert.Contains(t, s, `<!ENTITY provcheckIDViaEntity "`+spec.Assertion.ID+`">`)
	assert.Contains(t, s, `<!ENTITY provcheckBypassIDUniqueness "&#x50;">`)
	assert.Contains(t, s, `ID="&provcheckIDViaEntity;"`)
	assert.Contains(t, s, `ID="&provcheckBypassIDUniqueness;`+spec.Assertion.ID+`"`)

	doc := etree.NewDocument()
	doc.ReadSettings.Entity = map[string]string{"provcheckIDViaEntity": spec.Assertion.ID, "provcheckBypassIDUniqueness": ""}
	require.NoError(t, doc.ReadFromBytes(b.XML))
	root := doc.Root()
	assert.Equal(t, spec.Assertion.ID, root.SelectAttrValue("ID", ""))
	as := root.SelectElement("saml:Assertion")
	assert.Equal(t, testVictim.NameID, as.FindElement("saml:Subject/saml:NameID").Text())
	assert.Nil(t, as.SelectElement("ds:Signature"))
	copyPath := "/samlp:Response/ds:Signature/ds:Object/saml:Assertion"
	require.NoError(t, verifyPart(doc, SignedPart{Element: copyPath, Signature: "/samlp:Response/ds:Signature"}, p.IdP.Cert, testNow))
	assert.Equal(t, "N1-8f3a", doc.FindElement(copyPath+"/saml:Subject/saml:NameID").Text())
}

// TestParseRoundTrip pins the S33 payloads: Go's encoding/xml refuses the
// colon-laden names and reads the directive as one token.
func TestParseRoundTrip(t *testing.T) {
	for shape, want := range map[string]string{
		ParseRoundTripElement:   "<::Assertion xmlns:saml=",
		ParseRoundTripAttribute: ` provcheck:x:ID="%s"`,
		ParseRoundTripDirective: "<!provcheck <saml:Assertion ",
	} {
		t.Run(shape, func(t *testing.T) {
			b := buildAttack(t, ParseRoundTrip(testVictim, shape))
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, b.Spec.Assertion.ID)
			}
			assert.Contains(t, string(b.XML), want)
			assert.Contains(t, string(b.XML), testVictim.NameID)
			err := etree.NewDocument().ReadFromBytes(b.XML)
			if shape == ParseRoundTripDirective {
				require.NoError(t, err)
				doc := parse(t, b.XML)
				assert.Len(t, doc.Root().SelectElements("saml:Assertion"), 1, "the directive hides the forgery from a Go reader")
			} else {
				assert.Error(t, err)
			}
		})
	}
	assert.Contains(t, string(buildAttack(t, ParseRoundTrip(testVictim, ParseRoundTripElement)).XML), "</::Assertion>")
}

// TestParseEncoding pins the X05 encodings: each carries the same signed
// document.
func TestParseEncoding(t *testing.T) {
	plain := buildAttack(t, BaselineControl()).XML
	bom := buildAttack(t, ParseEncoding(ParseEncodingBOM)).XML
	assert.True(t, bytes.HasPrefix(bom, []byte("\xEF\xBB\xBF<?xml ")))

	wide := buildAttack(t, ParseEncoding(ParseEncodingUTF16)).XML
	require.True(t, bytes.HasPrefix(wide, []byte{0xFF, 0xFE, '<', 0}))
	units := make([]uint16, 0, len(wide)/2)
	for i := 2; i+1 < len(wide); i += 2 {
		units = append(units, uint16(wide[i])|uint16(wide[i+1])<<8)
	}
	text := string(utf16.Decode(units))
	assert.True(t, strings.HasPrefix(text, `<?xml version="1.0" encoding="UTF-16"?>`))
	assert.Contains(t, text, "<samlp:Response ")
	assert.Equal(t, len(xmlDecl.ReplaceAll(plain, nil)), len(xmlDecl.ReplaceAll([]byte(text), nil)), "the same document, other bytes")

	latin := buildAttack(t, ParseEncoding(ParseEncodingLatin1)).XML
	assert.True(t, bytes.HasPrefix(latin, []byte(`<?xml version="1.0" encoding="ISO-8859-1"?>`)))
	assert.Contains(t, string(latin), ">é</saml:AttributeValue>")
	assert.Equal(t, "X05/utf16", ParseEncoding(ParseEncodingUTF16).Key())
	spec, trusted := baseline(t)
	_, err := ParseEncoding("bogus").Build(spec, DefaultSignOptions(trusted))
	assert.ErrorContains(t, err, "changed nothing")
}

// TestParseDeflateBomb: X08 is small on the wire, inflates to its size,
// and what it inflates to is the genuine signed response, which gosaml2
// accepts once its bound is lifted (what an unbounded SP does).
func TestParseDeflateBomb(t *testing.T) {
	p := testParams(t)
	a := findAttack(t, "X08")
	b := buildAttack(t, a)
	assert.Less(t, len(b.XML), 64<<10, "a few dozen KiB on the wire")
	n, err := io.Copy(io.Discard, flate.NewReader(bytes.NewReader(b.XML)))
	require.NoError(t, err)
	assert.Equal(t, int64(ParseBombSize), n)

	head, more, err := ParseInflatedHead(b.XML, 4096)
	require.NoError(t, err)
	assert.True(t, more)
	assert.Len(t, head, 4096)
	assert.True(t, bytes.HasPrefix(head, []byte("<?xml")))
	small, more, err := ParseInflatedHead([]byte{0xff, 0xff, 0xff}, 16)
	assert.Error(t, err)
	assert.False(t, more)
	assert.Empty(t, small)

	// What an unbounded inflater reads is the genuine response, whatever
	// the size: shown with the smallest bomb, which parses quickly.
	small1 := buildAttack(t, ParseDeflateBomb(1<<20))
	provider := &saml2.SAMLServiceProvider{
		IdentityProviderIssuer: p.IdP.EntityID, ServiceProviderIssuer: testSP.EntityID,
		AssertionConsumerServiceURL: testSP.ACSURL, AudienceURI: testSP.EntityID,
		IDPCertificateStore:    &dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{p.IdP.Cert}},
		AllowMissingAttributes: true, Clock: dsig.NewFakeClockAt(testNow),
		MaximumDecompressedBodySize: 2 << 20,
	}
	info, err := provider.RetrieveAssertionInfo(base64.StdEncoding.EncodeToString(small1.XML))
	require.NoError(t, err, "an unbounded inflater reads a genuine response")
	assert.Equal(t, "N1-8f3a", info.NameID)

	assert.Contains(t, ParseDeflateBomb(1).Title, "1 MiB")
	assert.Contains(t, ParseDeflateBomb(1<<40).Title, "64 MiB")
}
