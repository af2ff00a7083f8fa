package mockidp

import (
	"bytes"
	"crypto/rsa"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	testVictim = Victim{NameID: "victim-7c1d", Email: "victim@corp.test"}
	testCanary = "http://127.0.0.1:4999/oob/tok-S-1"

	extraKeysOnce   sync.Once
	cloneID, weakID *Identity
	extraKeysErr    error
)

// testParams are the catalogue parameters of the tests: the test IdP and
// attacker, a clone of the IdP's certificate and an RSA-1024 identity
// (generated once per test binary).
func testParams(tb testing.TB) AttackParams {
	tb.Helper()
	trusted, untrusted := testIdentities(tb)
	extraKeysOnce.Do(func() {
		cloneID, extraKeysErr = CloneIdentity(trusted, nil)
		if extraKeysErr == nil {
			weakID, extraKeysErr = GenerateRSA1024Identity(trusted.EntityID, testNow.AddDate(0, 0, -1), nil)
		}
	})
	require.NoError(tb, extraKeysErr)
	return AttackParams{Victim: testVictim, Suffix: ".attacker.test", IdP: trusted, Attacker: untrusted,
		Clone: cloneID, Weak: weakID, SP: testSP,
		OtherSP: SPInfo{EntityID: "https://other-sp.test/metadata", ACSURL: "https://other-sp.test/saml/acs"}, Skew: 3 * time.Minute, Canary: testCanary}
}

func traceLine(m Mutation, part string) string {
	return "mutation " + m.Name + " at stage " + m.Stage.String() + " (" + part + ")"
}

// traceNames reports whether the trace names m at its stage.
func traceNames(trace []string, m Mutation) bool {
	for _, l := range trace {
		if strings.HasPrefix(l, "mutation "+m.Name+" at stage "+m.Stage.String()+" (") {
			return true
		}
	}
	return false
}

func findAttack(t *testing.T, key string) Attack {
	t.Helper()
	p := testParams(t)
	for _, a := range append(Catalogue(p), ParseCatalogue(p)...) {
		if a.Key() == key {
			return a
		}
	}
	t.Fatalf("no attack %s in the catalogue", key)
	return Attack{}
}

func buildAttack(t *testing.T, a Attack) *Built {
	t.Helper()
	spec, trusted := baseline(t)
	b, err := a.Build(spec, DefaultSignOptions(trusted))
	require.NoError(t, err)
	return b
}

// carriesVictim lists the cases whose evil part names the victim.
var carriesVictim = regexp.MustCompile(`^(S06/nameid|S0[7-9]|S1[0-8]|S2[01345]|S29|S3[0-24]|K0[1-3])`)

// TestAttacksAgainstTheReference builds every catalogue case over the
// baseline and proves it is built right: the trace names each mutation at
// its stage; the gosaml2-based reference SP does what the case declares
// (refuses it, or for S21–S23 reads the honest principal, never the
// victim); the parts the case declares still verify with goxmldsig (a
// wrapping case wraps a valid signature, it is not merely broken); and the
// victim is in the evil part where the case puts it.
func TestAttacksAgainstTheReference(t *testing.T) {
	p := testParams(t)
	trusted := p.IdP
	for _, a := range append(Catalogue(p), ParseCatalogue(p)...) {
		t.Run(a.Key(), func(t *testing.T) {
			require.NotEmpty(t, a.Title)
			require.NotEmpty(t, a.References)
			require.NotEmpty(t, a.Mutations)
			b := buildAttack(t, a)
			for _, m := range a.Mutations {
				assert.True(t, traceNames(b.Trace, m), "trace %q lacks %s at %s", b.Trace, m.Name, m.Stage)
			}

			trust := trusted
			if a.Trust != nil {
				trust = a.Trust
			}
			info, err := VerifyBenign(b.XML, trust, testSP, testNow)
			switch a.Oracle {
			case OracleRejects:
				assert.Error(t, err, "a correct SP must refuse %s", a.Key())
			case OracleAcceptsHonest:
				require.NoError(t, err)
				assert.NotEqual(t, testVictim.NameID, info.NameID)
				assert.NotEqual(t, testVictim.Email, info.Values.Get("email"))
			case OracleAccepts, OracleNeedsState:
				require.NoError(t, err, "%s is valid on its own", a.Key())
				assert.Equal(t, "N1-8f3a", info.NameID)
			case OracleGap:
				require.NoError(t, err, "the reference's gap for %s is closed: make it OracleRejects", a.Key())
				assert.Equal(t, "N1-8f3a", info.NameID, "the gap never reads the victim")
			default:
				t.Fatalf("no oracle outcome declared")
			}
			if err == nil && info != nil {
				assert.NotEqual(t, testVictim.NameID, info.NameID, "the reference never logs in the victim")
			}

			require.NoError(t, a.CheckStillVerifies(b.XML, trust, testNow))
			if a.ID == "S22" {
				assert.Contains(t, string(b.XML), testVictim.Email, "the evil part names the victim's email")
			}
			if carriesVictim.MatchString(a.Key()) {
				assert.Contains(t, string(b.XML), testVictim.NameID, "the evil part names the victim")
			}
		})
	}
}

// TestWrappingCasesAreNotJustBrokenSignatures: for each XSW-family case,
// the declared pristine part verifies while the same path resolved in a
// mutated (victim) copy would not: tampering the pristine part breaks the
// check, so CheckStillVerifies is not vacuous.
func TestWrappingCasesAreNotJustBrokenSignatures(t *testing.T) {
	p := testParams(t)
	for _, a := range Catalogue(p) {
		if len(a.StillVerifies) == 0 || a.StillVerifies[0].SignedInfoOnly {
			continue
		}
		t.Run(a.Key(), func(t *testing.T) {
			b := buildAttack(t, a)
			doc := parse(t, b.XML)
			el := doc.FindElement(a.StillVerifies[0].Element)
			require.NotNil(t, el)
			id := el.FindElement(".//saml:NameID")
			if id == nil {
				t.Skip("the signed part has no NameID")
			}
			id.SetText(id.Text() + "x")
			tampered, err := doc.WriteToBytes()
			require.NoError(t, err)
			trust := p.IdP
			if a.Trust != nil {
				trust = a.Trust
			}
			require.NoError(t, a.CheckStillVerifies(b.XML, trust, testNow))
			assert.Error(t, a.CheckStillVerifies(tampered, trust, testNow))
			// And the trusted key is what makes it verify.
			assert.Error(t, a.CheckStillVerifies(b.XML, p.Attacker, testNow))
		})
	}
}

// TestXSWShapes pins where each SAMLRaider permutation puts the evil copy,
// the signed original and the Signature.
func TestXSWShapes(t *testing.T) {
	nameIDs := func(el *etree.Element) []string {
		var out []string
		for _, n := range findAll(el, nsAssertion, "NameID") {
			out = append(out, n.Text())
		}
		return out
	}
	for _, tc := range []struct {
		key   string
		check func(t *testing.T, resp *etree.Element, spec ResponseSpec)
	}{
		{"S07", func(t *testing.T, resp *etree.Element, spec ResponseSpec) {
			assert.NotEqual(t, spec.ID, resp.SelectAttrValue("ID", ""), "the evil root has a fresh ID")
			assert.Equal(t, testVictim.NameID, resp.FindElement("saml:Assertion/saml:Subject/saml:NameID").Text())
			pristine := resp.FindElement("ds:Signature/samlp:Response")
			require.NotNil(t, pristine)
			assert.Equal(t, spec.ID, pristine.SelectAttrValue("ID", ""))
			assert.Equal(t, []string{"N1-8f3a"}, nameIDs(pristine))
			assert.Nil(t, pristine.SelectElement("ds:Signature"))
		}},
		{"S08", func(t *testing.T, resp *etree.Element, spec ResponseSpec) {
			assert.Equal(t, []string{"saml:Issuer", "samlp:Response", "ds:Signature", "samlp:Status", "saml:Assertion"}, childNames(resp))
			assert.Equal(t, spec.ID, resp.SelectElement("samlp:Response").SelectAttrValue("ID", ""))
		}},
		{"S09", func(t *testing.T, resp *etree.Element, spec ResponseSpec) {
			as := resp.SelectElements("saml:Assertion")
			require.Len(t, as, 2)
			assert.Equal(t, []string{testVictim.NameID}, nameIDs(as[0]))
			assert.Nil(t, as[0].SelectElement("ds:Signature"))
			assert.NotEqual(t, spec.Assertion.ID, as[0].SelectAttrValue("ID", ""))
			assert.Equal(t, spec.Assertion.ID, as[1].SelectAttrValue("ID", ""))
		}},
		{"S10", func(t *testing.T, resp *etree.Element, spec ResponseSpec) {
			as := resp.SelectElements("saml:Assertion")
			require.Len(t, as, 1)
			assert.NotEqual(t, spec.Assertion.ID, as[0].SelectAttrValue("ID", ""))
			assert.Equal(t, testVictim.NameID, as[0].FindElement("saml:Subject/saml:NameID").Text())
			inner := as[0].SelectElement("saml:Assertion")
			require.NotNil(t, inner)
			assert.Equal(t, spec.Assertion.ID, inner.SelectAttrValue("ID", ""))
			assert.NotNil(t, inner.SelectElement("ds:Signature"))
		}},
		{"S11", func(t *testing.T, resp *etree.Element, spec ResponseSpec) {
			as := resp.SelectElements("saml:Assertion")
			require.Len(t, as, 2)
			assert.NotNil(t, as[0].SelectElement("ds:Signature"), "the evil Assertion keeps the Signature")
			assert.Equal(t, []string{testVictim.NameID}, nameIDs(as[0]))
			assert.Equal(t, spec.Assertion.ID, as[1].SelectAttrValue("ID", ""))
			assert.Equal(t, []string{"N1-8f3a"}, nameIDs(as[1]))
		}},
		{"S12", func(t *testing.T, resp *etree.Element, spec ResponseSpec) {
			as := resp.SelectElement("saml:Assertion")
			assert.NotEqual(t, spec.Assertion.ID, as.SelectAttrValue("ID", ""))
			assert.Equal(t, testVictim.NameID, as.FindElement("saml:Subject/saml:NameID").Text())
			assert.Equal(t, spec.Assertion.ID, as.FindElement("ds:Signature/saml:Assertion").SelectAttrValue("ID", ""))
		}},
		{"S13/unqualified", func(t *testing.T, resp *etree.Element, spec ResponseSpec) {
			assert.Equal(t, []string{"saml:Issuer", "samlp:Status", ":Extensions", "saml:Assertion"}, childNames(resp))
			evil := resp.FindElement("Extensions/saml:Assertion")
			assert.Equal(t, spec.Assertion.ID, evil.SelectAttrValue("ID", ""), "same ID")
			assert.Equal(t, "", resp.SelectElement("Extensions").NamespaceURI())
		}},
		{"S13/samlp-extensions", func(t *testing.T, resp *etree.Element, spec ResponseSpec) {
			assert.Equal(t, []string{"saml:Issuer", "samlp:Extensions", "samlp:Status", "saml:Assertion"}, childNames(resp))
			assert.Equal(t, nsProtocol, resp.SelectElement("Extensions").NamespaceURI())
		}},
		{"S14", func(t *testing.T, resp *etree.Element, spec ResponseSpec) {
			as := resp.SelectElement("saml:Assertion")
			assert.Equal(t, spec.Assertion.ID, as.SelectAttrValue("ID", ""), "same ID")
			assert.Equal(t, testVictim.NameID, as.FindElement("saml:Subject/saml:NameID").Text())
			obj := as.FindElement("ds:Signature/ds:Object")
			require.NotNil(t, obj)
			assert.Equal(t, nsDSig, obj.NamespaceURI())
			assert.Equal(t, spec.Assertion.ID, obj.SelectElement("saml:Assertion").SelectAttrValue("ID", ""))
		}},
		{"S15", func(t *testing.T, resp *etree.Element, spec ResponseSpec) {
			as := resp.SelectElements("saml:Assertion")
			require.Len(t, as, 2)
			assert.Equal(t, spec.Assertion.ID, as[0].SelectAttrValue("ID", ""))
			assert.NotEqual(t, spec.Assertion.ID, as[1].SelectAttrValue("ID", ""))
			assert.Equal(t, []string{testVictim.NameID}, nameIDs(as[1]))
		}},
		{"S16", func(t *testing.T, resp *etree.Element, spec ResponseSpec) {
			as := resp.SelectElements("saml:Assertion")
			require.Len(t, as, 2)
			assert.Equal(t, spec.Assertion.ID, as[1].SelectAttrValue("ID", ""), "the clone keeps the ID")
			assert.Nil(t, as[1].SelectElement("ds:Signature"))
		}},
		{"S17", func(t *testing.T, resp *etree.Element, spec ResponseSpec) {
			as := resp.SelectElements("saml:Assertion")
			require.Len(t, as, 2)
			assert.NotNil(t, as[1].SelectElement("ds:Signature"), "the victim's assertion is signed too")
			assert.Equal(t, []string{testVictim.NameID}, nameIDs(as[1]))
			assert.Nil(t, resp.SelectElement("ds:Signature"), "the Response is unsigned")
		}},
		{"S18/statusdetail", func(t *testing.T, resp *etree.Element, spec ResponseSpec) {
			evil := resp.FindElement("samlp:Status/samlp:StatusDetail/saml:Assertion")
			require.NotNil(t, evil)
			assert.Equal(t, []string{testVictim.NameID}, nameIDs(evil))
		}},
		{"S20/other-sp-assertion", func(t *testing.T, resp *etree.Element, spec ResponseSpec) {
			as := resp.SelectElements("saml:Assertion")
			require.Len(t, as, 2)
			assert.Equal(t, []string{testVictim.NameID}, nameIDs(as[0]))
			assert.Equal(t, testSP.EntityID, as[0].FindElement(".//saml:Audience").Text(), "the forgery is addressed to this SP")
			assert.Equal(t, "https://other-sp.test/metadata", as[1].FindElement(".//saml:Audience").Text(), "the donor to another")
			assert.NotNil(t, as[1].SelectElement("ds:Signature"))
		}},
		{"S29/duplicate-id", func(t *testing.T, resp *etree.Element, spec ResponseSpec) {
			as := resp.SelectElements("saml:Assertion")
			require.Len(t, as, 2)
			assert.Equal(t, as[0].SelectAttrValue("ID", ""), as[1].SelectAttrValue("ID", ""))
			assert.Equal(t, []string{testVictim.NameID}, nameIDs(as[0]))
		}},
	} {
		t.Run(tc.key, func(t *testing.T) {
			spec, trusted := baseline(t)
			b, err := findAttack(t, tc.key).Build(spec, DefaultSignOptions(trusted))
			require.NoError(t, err)
			tc.check(t, parse(t, b.XML).Root(), spec)
		})
	}
}

// firstText is what a naive reader takes as an element's text: its first
// character-data child.
func firstText(el *etree.Element) string {
	for _, tok := range el.Child {
		if cd, ok := tok.(*etree.CharData); ok {
			return cd.Data
		}
	}
	return ""
}

// TestCanonicalAndNaiveReadsDiffer proves S21–S23 are the shapes their
// CVEs describe: the signature holds, gosaml2 (the canonical read) sees the
// attacker-owned full value, and the naive read sees the victim.
func TestCanonicalAndNaiveReadsDiffer(t *testing.T) {
	p := testParams(t)
	for _, tc := range []struct {
		key   string
		naive func(xml []byte, doc *etree.Document) string
		full  func(info map[string]string) string
		want  string
	}{
		{"S21", func(_ []byte, doc *etree.Document) string { return firstText(doc.FindElement("//saml:NameID")) },
			func(m map[string]string) string { return m["nameid"] }, testVictim.NameID},
		{"S22", func(_ []byte, doc *etree.Document) string {
			return firstText(doc.FindElement("//saml:Attribute[@Name='email']/saml:AttributeValue"))
		}, func(m map[string]string) string { return m["email"] }, testVictim.Email},
		{"S23/cdata", func(_ []byte, doc *etree.Document) string {
			// A reader that skips CDATA sections, or keeps only the first
			// text token, sees one part; the first token is the victim.
			return firstText(doc.FindElement("//saml:NameID"))
		}, func(m map[string]string) string { return m["nameid"] }, testVictim.NameID},
		{"S34", func(_ []byte, doc *etree.Document) string { return firstText(doc.FindElement("//saml:NameID")) },
			func(m map[string]string) string { return m["nameid"] }, testVictim.NameID},
		{"S23/charref", func(xml []byte, _ *etree.Document) string {
			// A reader of the raw bytes up to the first markup character.
			m := regexp.MustCompile(`<saml:NameID[^>]*>([^<&]*)`).FindSubmatch(xml)
			if m == nil {
				return ""
			}
			return string(m[1])
		}, func(m map[string]string) string { return m["nameid"] }, testVictim.NameID},
	} {
		t.Run(tc.key, func(t *testing.T) {
			b := buildAttack(t, findAttack(t, tc.key))
			info, err := VerifyBenign(b.XML, p.IdP, testSP, testNow)
			require.NoError(t, err, "the signature still holds")
			canonical := tc.full(map[string]string{"nameid": info.NameID, "email": info.Values.Get("email")})
			assert.Equal(t, tc.want+p.Suffix, canonical, "the canonical read is the attacker-owned full value")
			naive := tc.naive(b.XML, parse(t, b.XML))
			assert.Equal(t, tc.want, naive, "the naive read is the victim")
			assert.NotEqual(t, canonical, naive)
			if tc.key == "S34" {
				assert.Contains(t, string(b.XML), `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#WithComments"/>`)
				assert.Contains(t, string(b.XML), `<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#WithComments"/>`)
				assert.Equal(t, []string{"mutation sign-none at stage before-signing (sign options)",
					"mutation nameid-attacker-suffix at stage before-signing (spec)", "built",
					"mutation comment-in-nameid at stage before-signing (tree)", "not signed",
					"mutation sign-assertion-with-comments at stage after-signing (tree)"}, b.Trace)
			}
		})
	}
}

// TestDigestValueComment: S31 is the SAMLStorm shape: the comment first in
// DigestValue holds the digest of the forged assertion, the genuine digest
// follows as text, and the SignatureValue over SignedInfo is genuine.
func TestDigestValueComment(t *testing.T) {
	p := testParams(t)
	b := buildAttack(t, findAttack(t, "S31"))
	doc := parse(t, b.XML)
	as := doc.Root().SelectElement("saml:Assertion")
	dv := as.FindElement("ds:Signature/ds:SignedInfo/ds:Reference/ds:DigestValue")
	require.NotNil(t, dv)
	c, ok := dv.Child[0].(*etree.Comment)
	require.True(t, ok, "the first child of DigestValue is a comment")
	forged, err := referenceDigest(as)
	require.NoError(t, err)
	assert.Equal(t, forged, c.Data, "a first-child reader sees the forged assertion's digest")
	assert.NotEqual(t, forged, dv.Text(), "the genuine digest is the text")
	assert.Equal(t, testVictim.NameID, as.FindElement("saml:Subject/saml:NameID").Text())
	require.NoError(t, findAttack(t, "S31").CheckStillVerifies(b.XML, p.IdP, testNow))
	// The SignedInfo check is not vacuous: another key fails it.
	assert.Error(t, findAttack(t, "S31").CheckStillVerifies(b.XML, p.Attacker, testNow))
}

// TestParserDifferential: S25 hides the pristine signed response in a
// CDATA section; a conforming parser (Go's) reads the evil document, the
// hidden one verifies on its own as the honest user.
func TestParserDifferential(t *testing.T) {
	p := testParams(t)
	b := buildAttack(t, findAttack(t, "S25"))
	assert.True(t, bytes.HasPrefix(b.XML, []byte("<!DOCTYPE response SYSTEM 'x\"><!--'>\n")))
	hidden, err := SplitParserDifferential(b.XML)
	require.NoError(t, err)
	info, err := VerifyBenign(hidden, p.IdP, testSP, testNow)
	require.NoError(t, err, "the document the lenient parser sees is the signed original")
	assert.Equal(t, "N1-8f3a", info.NameID)

	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(b.XML), "a conforming parser reads one evil document")
	assert.Equal(t, testVictim.NameID, doc.FindElement("//saml:NameID").Text())
	assert.Len(t, doc.FindElements("//saml:Assertion"), 1, "the signed original is only CDATA text")
}

// TestParserCases pins the X lines' bytes: a DOCTYPE, the entities, the
// canary, the bounded expansion.
func TestParserCases(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want []string
	}{
		{"X01/internal", []string{`<!ENTITY provcheckNameID "N1-8f3a">`, `>&provcheckNameID;</saml:NameID>`}},
		{"X01/file", []string{`<!ENTITY provcheckXXE SYSTEM "file:///etc/passwd">`, `>N1-8f3a&provcheckXXE;</saml:NameID>`}},
		{"X02/general", []string{`<!ENTITY provcheckXXE SYSTEM "` + testCanary + `">`, `&provcheckXXE;</saml:NameID>`}},
		{"X02/parameter", []string{`<!ENTITY % provcheckXXE SYSTEM "` + testCanary + `"> %provcheckXXE;]>`}},
		{"X03", []string{`<!ENTITY lol0 "lol">`, `<!ENTITY lol3 "&lol2;&lol2;`, `&lol3;</saml:NameID>`}},
	} {
		t.Run(tc.key, func(t *testing.T) {
			b := buildAttack(t, findAttack(t, tc.key))
			s := string(b.XML)
			assert.Regexp(t, `^<\?xml[^>]*\?>\s*<!DOCTYPE samlp:Response \[`, s)
			for _, w := range tc.want {
				assert.Contains(t, s, w)
			}
		})
	}
	t.Run("expansion is clamped", func(t *testing.T) {
		b := buildAttack(t, EntityExpansion(99))
		assert.Contains(t, string(b.XML), "&lol5;</saml:NameID>")
		assert.NotContains(t, string(b.XML), "lol6")
		assert.Contains(t, string(buildAttack(t, EntityExpansion(0)).XML), "&lol1;</saml:NameID>")
	})
	t.Run("canary quotes cannot break out", func(t *testing.T) {
		b := buildAttack(t, ParameterEntityCanary(`http://x/"><!ENTITY a "b`))
		assert.Contains(t, string(b.XML), `SYSTEM "http://x/%22><!ENTITY a %22b">`)
	})
}

// TestStatefulAndPolicyCases pins what the stateless oracle cannot judge.
func TestStatefulAndPolicyCases(t *testing.T) {
	p := testParams(t)
	t.Run("P12 answers another request, consistently", func(t *testing.T) {
		b := buildAttack(t, ForeignInResponseTo("_req-of-another-browser"))
		resp := parse(t, b.XML).Root()
		assert.Equal(t, "_req-of-another-browser", resp.SelectAttrValue("InResponseTo", ""))
		assert.Equal(t, "_req-of-another-browser",
			resp.FindElement("//saml:SubjectConfirmationData").SelectAttrValue("InResponseTo", ""))
	})
	t.Run("P14 and P22 are sent twice", func(t *testing.T) {
		assert.Equal(t, 2, Replay().Sends)
		assert.Equal(t, 2, OneTimeUseTwice().Sends)
		assert.Contains(t, string(buildAttack(t, OneTimeUseTwice()).XML), "<saml:OneTimeUse/>")
	})
	t.Run("P20 is valid for the other SP", func(t *testing.T) {
		b := buildAttack(t, ForOtherSP(p.OtherSP))
		info, err := VerifyBenign(b.XML, p.IdP, p.OtherSP, testNow)
		require.NoError(t, err, "a real response for the other SP")
		assert.Equal(t, "N1-8f3a", info.NameID)
	})
	t.Run("P16 has no InResponseTo", func(t *testing.T) {
		assert.NotContains(t, string(buildAttack(t, Unsolicited()).XML), "InResponseTo")
	})
	t.Run("K05 uses SHA-1", func(t *testing.T) {
		s := string(buildAttack(t, WeakSHA1()).XML)
		assert.Contains(t, s, `Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"`)
		assert.Contains(t, s, `Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"`)
	})
	t.Run("K06 key is RSA-1024 and verifies only against its own certificate", func(t *testing.T) {
		a := WeakRSA1024(p.Weak)
		assert.Equal(t, 1024, p.Weak.Key.N.BitLen())
		b := buildAttack(t, a)
		_, err := VerifyBenign(b.XML, p.IdP, testSP, testNow)
		assert.Error(t, err, "not signed by the usual IdP key")
		_, err = VerifyBenign(b.XML, a.Trust, testSP, testNow)
		assert.NoError(t, err)
	})
	t.Run("K03 clone copies the DN and serial, not the key", func(t *testing.T) {
		assert.Equal(t, p.IdP.Cert.Subject.String(), p.Clone.Cert.Subject.String())
		assert.Equal(t, p.IdP.Cert.Issuer.String(), p.Clone.Cert.Issuer.String())
		assert.Equal(t, p.IdP.Cert.SerialNumber, p.Clone.Cert.SerialNumber)
		assert.False(t, p.IdP.Key.PublicKey.Equal(p.Clone.Cert.PublicKey.(*rsa.PublicKey)))
		b := buildAttack(t, ClonedCertificate(testVictim, p.Clone))
		_, err := VerifyBenign(b.XML, p.Clone, testSP, testNow)
		assert.NoError(t, err, "a real signature by the clone's key")
	})
	t.Run("K01 and K02 are real signatures by the attacker", func(t *testing.T) {
		for _, keyInfo := range []bool{false, true} {
			b := buildAttack(t, UntrustedKey(testVictim, p.Attacker, keyInfo))
			assert.Equal(t, keyInfo, strings.Contains(string(b.XML), "X509Certificate"))
			info, err := VerifyBenign(b.XML, p.Attacker, testSP, testNow)
			require.NoError(t, err)
			assert.Equal(t, testVictim.NameID, info.NameID)
		}
	})
	t.Run("time cases hold at their own instant except for the one edit", func(t *testing.T) {
		for _, a := range []Attack{Expired(p.Skew), NotYetValid(p.Skew), ConfirmationExpired(p.Skew)} {
			b := buildAttack(t, a)
			var edge time.Time
			switch a.ID {
			case "P01":
				edge = b.Spec.Assertion.Conditions.NotOnOrAfter
				assert.Equal(t, -(p.Skew + beyond), edge.Sub(testNow))
			case "P02":
				edge = b.Spec.Assertion.Conditions.NotBefore
				assert.Equal(t, p.Skew+beyond, edge.Sub(testNow))
			case "P03":
				edge = b.Spec.Assertion.Confirmation.NotOnOrAfter
				assert.Equal(t, -(p.Skew + beyond), edge.Sub(testNow))
				assert.True(t, b.Spec.Assertion.Conditions.NotOnOrAfter.After(testNow), "the Conditions still hold")
			}
		}
	})
}

// TestCatalogueLines lists every catalogue line this package implements,
// by key, so the security suite can map its checks; a case added or
// dropped must be added or dropped here.
func TestCatalogueLines(t *testing.T) {
	want := []string{
		"S01", "S02/stripped", "S02/unsigned", "S03",
		"S04/destination", "S04/inresponseto", "S04/status",
		"S05/signature", "S05/digest",
		"S06/nameid", "S06/email", "S06/audience", "S06/conditions",
		"S07", "S08", "S09", "S10", "S11", "S12", "S13/unqualified", "S13/samlp-extensions", "S14",
		"S15", "S16", "S17", "S18/extensions", "S18/statusdetail", "S20/other-sp-assertion",
		"S21", "S22", "S23/cdata", "S23/charref", "S24", "S25", "S29/duplicate-id", "S30/two-signedinfo", "S31", "S32", "S34",
		"K01", "K02", "K03", "K05", "K06",
		"K07/hmac-0", "K07/hmac-8", "K08/signature", "K08/digest", "K08/c14n", "K09/xslt", "K10/retrievalmethod",
		"P01", "P02", "P03",
		"P04/-15m0s", "P04/-5m0s", "P04/-3m0s", "P04/-1m0s", "P04/-30s", "P04/+30s", "P04/+1m0s", "P04/+3m0s", "P04/+5m0s", "P04/+15m0s",
		"P05/past", "P05/future", "P06", "P07", "P08",
		"P09/wrong", "P09/missing", "P10/wrong", "P10/missing", "P11", "P12", "P13", "P14", "P15", "P16",
		"P18/holder-of-key", "P18/missing", "P19", "P20", "P22", "P23",
		"X01/internal", "X01/file", "X02/general", "X02/parameter", "X03", "X04", "X06",
		"X07/non-xml", "X07/wrong-root", "X09/no-signedinfo", "X09/no-signaturevalue", "X09/two-keyinfo",
	}
	var got []string
	seen := map[string]bool{}
	for _, a := range Catalogue(testParams(t)) {
		require.False(t, seen[a.Key()], "duplicate key %s", a.Key())
		seen[a.Key()] = true
		got = append(got, a.Key())
		assert.Regexp(t, `^[SKPX]\d\d$`, a.ID)
	}
	assert.Equal(t, want, got)
	assert.True(t, WeakSHA1().Should)
	assert.True(t, WeakRSA1024(nil).Should)
}

func TestCatalogueLeavesOutCasesWithoutTheirKeys(t *testing.T) {
	keys := map[string]bool{}
	for _, a := range Catalogue(AttackParams{Victim: testVictim, Suffix: ".x"}) {
		keys[a.Key()] = true
	}
	for _, k := range []string{"S17", "S32", "S34", "K01", "K02", "K03", "K06"} {
		assert.False(t, keys[k], k)
	}
	assert.True(t, keys["S07"])
}

func TestAttackBuildErrorsNameTheCase(t *testing.T) {
	spec, trusted := baseline(t)
	a := UnsignedResponseEdited("bogus")
	_, err := a.Build(spec, DefaultSignOptions(trusted))
	assert.ErrorContains(t, err, "attack S04/bogus")
	assert.ErrorContains(t, err, `unknown Response field "bogus"`)

	statusOnly := spec.Clone()
	statusOnly.Assertion = nil
	_, err = XSW5(testVictim).Build(statusOnly, DefaultSignOptions(trusted))
	assert.ErrorContains(t, err, "attack S11")
}

func TestOracleStrings(t *testing.T) {
	assert.Equal(t, "rejects", OracleRejects.String())
	assert.Equal(t, "accepts-honest", OracleAcceptsHonest.String())
	assert.Equal(t, "needs-state", OracleNeedsState.String())
	assert.Equal(t, "accepts", OracleAccepts.String())
	assert.Equal(t, "Oracle(0)", Oracle(0).String())
	assert.Equal(t, "S13/unqualified", XSW7(testVictim, false).Key())
	assert.Equal(t, "S07", XSW1(testVictim).Key())
	assert.Equal(t, traceLine(Unsigned(), "sign options"), "mutation unsigned at stage before-signing (sign options)")
}

// TestEarlierDigestValue: S24 is the CVE-2024-45409 shape: the first
// ds:DigestValue of the document matches the forged assertion, the
// genuine one follows in the signature, whose SignatureValue still holds.
func TestEarlierDigestValue(t *testing.T) {
	p := testParams(t)
	a := findAttack(t, "S24")
	b := buildAttack(t, a)
	doc := parse(t, b.XML)
	as := doc.Root().SelectElement("saml:Assertion")
	assert.Equal(t, testVictim.NameID, as.FindElement("saml:Subject/saml:NameID").Text())
	all := findAll(doc.Root(), nsDSig, "DigestValue")
	require.Len(t, all, 2)
	assert.Equal(t, "StatusDetail", all[0].Parent().Tag, "the forged digest comes first in document order")
	forged, err := referenceDigest(as)
	require.NoError(t, err)
	assert.Equal(t, forged, all[0].Text())
	assert.NotEqual(t, forged, all[1].Text())
	require.NoError(t, a.CheckStillVerifies(b.XML, p.IdP, testNow))
}

// TestEmptyReferenceURI: S32's nested Response verifies under goxmldsig's
// reading of URI="" (the element), and fails under XML Signature's (the
// whole document, now the evil one).
func TestEmptyReferenceURI(t *testing.T) {
	p := testParams(t)
	a := findAttack(t, "S32")
	b := buildAttack(t, a)
	assert.Contains(t, b.Trace, "not signed")
	doc := parse(t, b.XML)
	root := doc.Root()
	assert.Equal(t, testVictim.NameID, root.FindElement("saml:Assertion/saml:Subject/saml:NameID").Text())
	nested := root.FindElement("samlp:Extensions/samlp:Response")
	require.NotNil(t, nested)
	ref := nested.FindElement("ds:Signature/ds:SignedInfo/ds:Reference")
	require.NotNil(t, ref)
	assert.Equal(t, "", ref.SelectAttrValue("URI", "missing"))
	assert.Equal(t, []string{"N1-8f3a"}, func() []string {
		var out []string
		for _, n := range findAll(nested, nsAssertion, "NameID") {
			out = append(out, n.Text())
		}
		return out
	}())
	require.NoError(t, a.CheckStillVerifies(b.XML, p.IdP, testNow))
	whole := SignedPart{Name: "the document", Element: "/samlp:Response", Signature: "/samlp:Response/samlp:Extensions/samlp:Response/ds:Signature"}
	assert.Error(t, verifyPart(doc, whole, p.IdP.Cert, testNow), "over the whole document the digest fails")
}

// TestSignatureEditShapes pins the K07–K10 and X09 edits of ds:Signature.
func TestSignatureEditShapes(t *testing.T) {
	sigOf := func(t *testing.T, key string) *etree.Element {
		t.Helper()
		sig := parse(t, buildAttack(t, findAttack(t, key)).XML).FindElement("/samlp:Response/saml:Assertion/ds:Signature")
		require.NotNil(t, sig)
		return sig
	}
	t.Run("K07", func(t *testing.T) {
		sig := sigOf(t, "K07/hmac-8")
		m := sig.FindElement("ds:SignedInfo/ds:SignatureMethod")
		assert.Equal(t, "http://www.w3.org/2000/09/xmldsig#hmac-sha1", m.SelectAttrValue("Algorithm", ""))
		assert.Equal(t, "8", m.FindElement("ds:HMACOutputLength").Text())
		assert.Equal(t, "", sig.FindElement("ds:SignatureValue").Text())
	})
	t.Run("K08", func(t *testing.T) {
		for key, path := range map[string]string{
			"K08/signature": "ds:SignedInfo/ds:SignatureMethod",
			"K08/digest":    "ds:SignedInfo/ds:Reference/ds:DigestMethod",
			"K08/c14n":      "ds:SignedInfo/ds:CanonicalizationMethod",
		} {
			assert.Equal(t, "urn:provcheck:nonsense-algorithm", sigOf(t, key).FindElement(path).SelectAttrValue("Algorithm", ""), key)
		}
	})
	t.Run("K09", func(t *testing.T) {
		tr := sigOf(t, "K09/xslt").FindElement("ds:SignedInfo/ds:Reference/ds:Transforms/ds:Transform[1]")
		assert.Equal(t, "http://www.w3.org/TR/1999/REC-xslt-19991116", tr.SelectAttrValue("Algorithm", ""))
		assert.Equal(t, "document('"+testCanary+"')", tr.FindElement("xsl:stylesheet/xsl:template/xsl:copy-of").SelectAttrValue("select", ""))
	})
	t.Run("K10", func(t *testing.T) {
		ki := sigOf(t, "K10/retrievalmethod").FindElement("ds:KeyInfo")
		assert.Equal(t, []string{"ds:RetrievalMethod"}, childNames(ki))
		assert.Equal(t, testCanary, ki.SelectElement("ds:RetrievalMethod").SelectAttrValue("URI", ""))
	})
	t.Run("X09", func(t *testing.T) {
		assert.Equal(t, []string{"ds:SignatureValue", "ds:KeyInfo"}, childNames(sigOf(t, "X09/no-signedinfo")))
		assert.Equal(t, []string{"ds:SignedInfo", "ds:KeyInfo"}, childNames(sigOf(t, "X09/no-signaturevalue")))
		assert.Equal(t, []string{"ds:SignedInfo", "ds:SignatureValue", "ds:KeyInfo", "ds:KeyInfo"}, childNames(sigOf(t, "X09/two-keyinfo")))
	})
}

// TestMoreParserShapes pins X04, X06 and X07.
func TestMoreParserShapes(t *testing.T) {
	x04 := buildAttack(t, findAttack(t, "X04"))
	inc := parse(t, x04.XML).FindElement("/samlp:Response/samlp:Extensions/xi:include")
	require.NotNil(t, inc)
	assert.Equal(t, testCanary, inc.SelectAttrValue("href", ""))
	assert.Equal(t, "http://www.w3.org/2001/XInclude", inc.NamespaceURI())

	x06 := buildAttack(t, DeepNesting(2000))
	assert.Equal(t, 2000, strings.Count(string(x06.XML), "<d>"))
	assert.Contains(t, string(x06.XML), "<samlp:Extensions><d><d>")
	assert.Equal(t, 100_000, strings.Count(string(buildAttack(t, findAttack(t, "X06")).XML), "</d>"))

	assert.Error(t, etree.NewDocument().ReadFromBytes(buildAttack(t, findAttack(t, "X07/non-xml")).XML))
	wrong := parse(t, buildAttack(t, findAttack(t, "X07/wrong-root")).XML).Root()
	assert.Equal(t, "LogoutResponse", wrong.Tag)
	assert.NotNil(t, wrong.SelectElement("saml:Assertion"))
}

// TestReferenceGaps pins what gosaml2 v0.12.0 accepts although an SP must
// refuse it (OracleGap), with the property that makes each a case.
func TestReferenceGaps(t *testing.T) {
	p := testParams(t)
	t.Run("S17 bundles two subjects", func(t *testing.T) {
		b := buildAttack(t, findAttack(t, "S17"))
		info, err := VerifyBenign(b.XML, p.IdP, testSP, testNow)
		require.NoError(t, err)
		require.Len(t, info.Assertions, 2, "gosaml2 hands both assertions to the SP")
		assert.Equal(t, testVictim.NameID, info.Assertions[1].Subject.NameID.Value)
	})
	t.Run("P05 IssueInstant a day off", func(t *testing.T) {
		for _, key := range []string{"P05/past", "P05/future"} {
			b := buildAttack(t, findAttack(t, key))
			d := b.Spec.IssueInstant.Sub(testNow)
			assert.Equal(t, 24*time.Hour, d.Abs(), key)
			assert.Equal(t, b.Spec.IssueInstant, b.Spec.Assertion.IssueInstant)
		}
	})
	t.Run("P19 has no AuthnStatement", func(t *testing.T) {
		assert.NotContains(t, string(buildAttack(t, findAttack(t, "P19")).XML), "AuthnStatement")
	})
	t.Run("X02 parameter entity leaves the signed body as it was", func(t *testing.T) {
		b := buildAttack(t, findAttack(t, "X02/parameter"))
		i := bytes.Index(b.XML, []byte("]>\n"))
		require.Positive(t, i)
		assert.Contains(t, string(b.XML), "%provcheckXXE;]>")
	})
}

// TestSecondSignedInfo: S30's first SignedInfo is genuine, the second
// carries the digest of the forged assertion.
func TestSecondSignedInfo(t *testing.T) {
	p := testParams(t)
	a := findAttack(t, "S30/two-signedinfo")
	b := buildAttack(t, a)
	as := parse(t, b.XML).Root().SelectElement("saml:Assertion")
	sig := as.SelectElement("ds:Signature")
	assert.Equal(t, []string{"ds:SignedInfo", "ds:SignatureValue", "ds:SignedInfo", "ds:KeyInfo"}, childNames(sig))
	infos := sig.SelectElements("ds:SignedInfo")
	forged, err := referenceDigest(as)
	require.NoError(t, err)
	assert.Equal(t, forged, infos[1].FindElement("ds:Reference/ds:DigestValue").Text())
	assert.NotEqual(t, forged, infos[0].FindElement("ds:Reference/ds:DigestValue").Text())
	require.NoError(t, a.CheckStillVerifies(b.XML, p.IdP, testNow))
}

// TestClockSkewSweep: P04 puts the window's start d ahead, or its end d
// behind, and nothing else out of place.
func TestClockSkewSweep(t *testing.T) {
	for _, d := range []time.Duration{-3 * time.Minute, 30 * time.Second} {
		b := buildAttack(t, ClockSkewSweep(d))
		a := b.Spec.Assertion
		if d > 0 {
			assert.Equal(t, testNow.Add(d), a.Conditions.NotBefore)
			assert.Equal(t, testNow.Add(d), b.Spec.IssueInstant)
			assert.Equal(t, testNow.Add(d+DefaultValidity), a.Confirmation.NotOnOrAfter)
		} else {
			assert.Equal(t, testNow.Add(d), a.Conditions.NotOnOrAfter)
			assert.Equal(t, testNow.Add(d), a.Confirmation.NotOnOrAfter)
			assert.True(t, b.Spec.IssueInstant.Before(testNow.Add(d)))
		}
		// At the window's own time, the same response verifies: only the
		// clock is off.
		trusted, _ := testIdentities(t)
		_, err := VerifyBenign(b.XML, trusted, testSP, a.Conditions.NotBefore.Add(time.Second))
		assert.NoError(t, err, "%v", d)
	}
	assert.Equal(t, "P04/+30s", ClockSkewSweep(30*time.Second).Key())
	assert.Equal(t, "P04/-15m0s", ClockSkewSweep(-15*time.Minute).Key())
}

// escapeText never panics, also on an empty string.
func TestEscapeTextEdgeCases(t *testing.T) {
	assert.Equal(t, "", escapeText(""))
	assert.Equal(t, "a&amp;b&lt;c", escapeText("a&b<c"))
}
