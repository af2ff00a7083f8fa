package mockidp

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	testSP  = SPInfo{EntityID: "https://sp.provcheck.test/metadata", ACSURL: "https://sp.provcheck.test/saml/acs"}

	idpOnce, attackerOnce sync.Once
	idp, attacker         *Identity
)

// testIdentities returns the trusted IdP and an attacker identity, generated
// once per test binary (RSA key generation is slow).
func testIdentities(tb testing.TB) (trusted, untrusted *Identity) {
	tb.Helper()
	var err error
	idpOnce.Do(func() {
		idp, err = GenerateIdentity("https://idp.provcheck.test/metadata", testNow.AddDate(0, 0, -1), nil)
	})
	require.NoError(tb, err)
	attackerOnce.Do(func() {
		attacker, err = GenerateIdentity("https://idp.provcheck.test/metadata", testNow.AddDate(0, 0, -1), nil)
	})
	require.NoError(tb, err)
	require.NotNil(tb, idp)
	require.NotNil(tb, attacker)
	return idp, attacker
}

// baseline is the catalogue's baseline response for N1, SP-initiated, with
// attributes.
func baseline(tb testing.TB) (ResponseSpec, *Identity) {
	trusted, _ := testIdentities(tb)
	spec := NewResponseSpec(trusted, testSP, "N1-8f3a", testNow)
	spec.SetInResponseTo("_req-42")
	spec.AddAttribute("email", "n1@corp.test")
	spec.AddAttribute("groups", "staff", "admins")
	spec.Assertion.Attributes = append(spec.Assertion.Attributes,
		Attribute{Name: "urn:oid:2.5.4.42", NameFormat: AttrNameFormatURI, FriendlyName: "givenName", Values: []string{"Ada"}, Type: "xs:string"})
	return spec, trusted
}

func parse(t *testing.T, b []byte) *etree.Document {
	t.Helper()
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(b))
	return doc
}

func childNames(el *etree.Element) []string {
	var out []string
	for _, c := range el.ChildElements() {
		out = append(out, c.Space+":"+c.Tag)
	}
	return out
}

func TestSignedResponsesVerify(t *testing.T) {
	for _, target := range []SignTarget{SignAssertion, SignResponse, SignBoth} {
		t.Run(target.String(), func(t *testing.T) {
			spec, trusted := baseline(t)
			opts := DefaultSignOptions(trusted)
			opts.Sign = target
			b, err := Build(spec, opts)
			require.NoError(t, err)

			info, err := VerifyBenign(b.XML, trusted, testSP, testNow)
			require.NoError(t, err)
			assert.Equal(t, "N1-8f3a", info.NameID)
			assert.Equal(t, NameIDPersistent, info.NameIDFormat)
			assert.Equal(t, "n1@corp.test", info.Values.Get("email"))
			assert.Equal(t, []string{"staff", "admins"}, info.Values.GetAll("groups"))
			assert.Equal(t, "Ada", info.Values.Get("urn:oid:2.5.4.42"))
			assert.Equal(t, target != SignAssertion, info.ResponseSignatureValidated)
			assert.Equal(t, spec.Assertion.Authn.SessionIndex, info.SessionIndex)

			want := []string{"built"}
			switch target {
			case SignAssertion:
				want = append(want, "signed assertion (rsa-sha256, exc-c14n)")
			case SignResponse:
				want = append(want, "signed response (rsa-sha256, exc-c14n)")
			case SignBoth:
				want = append(want, "signed assertion (rsa-sha256, exc-c14n)", "signed response (rsa-sha256, exc-c14n)")
			}
			assert.Equal(t, want, b.Trace)

			// Signatures sit right after Issuer, as the schema requires,
			// and use exclusive C14N for both SignedInfo and the reference.
			doc := parse(t, b.XML)
			resp := doc.Root()
			as := resp.SelectElement("saml:Assertion")
			require.NotNil(t, as)
			if target != SignAssertion {
				assert.Equal(t, []string{"saml:Issuer", "ds:Signature", "samlp:Status", "saml:Assertion"}, childNames(resp))
			} else {
				assert.Equal(t, []string{"saml:Issuer", "samlp:Status", "saml:Assertion"}, childNames(resp))
			}
			if target != SignResponse {
				assert.Equal(t, []string{"saml:Issuer", "ds:Signature", "saml:Subject", "saml:Conditions", "saml:AuthnStatement", "saml:AttributeStatement"}, childNames(as))
			} else {
				assert.Equal(t, []string{"saml:Issuer", "saml:Subject", "saml:Conditions", "saml:AuthnStatement", "saml:AttributeStatement"}, childNames(as))
			}
			for _, sig := range findAll(resp, nsDSig, "Signature") {
				assert.Equal(t, string(dsig.CanonicalXML10ExclusiveAlgorithmId),
					sig.FindElement("SignedInfo/CanonicalizationMethod").SelectAttrValue("Algorithm", ""))
				assert.Equal(t, string(dsig.CanonicalXML10ExclusiveAlgorithmId),
					sig.FindElement("SignedInfo/Reference/Transforms/Transform[2]").SelectAttrValue("Algorithm", ""))
				assert.NotNil(t, sig.FindElement("KeyInfo/X509Data/X509Certificate"), "the certificate is embedded by default")
			}
		})
	}
}

// TestBuiltShape pins the schema order and attributes of the baseline.
func TestBuiltShape(t *testing.T) {
	spec, trusted := baseline(t)
	spec.Assertion.SPNameQualifier = testSP.EntityID
	b, err := Build(spec, DefaultSignOptions(trusted))
	require.NoError(t, err)
	doc := parse(t, b.XML)
	resp := doc.Root()
	assert.Equal(t, nsProtocol, resp.NamespaceURI())
	assert.Equal(t, "Response", resp.Tag)
	assert.Equal(t, spec.ID, resp.SelectAttrValue("ID", ""))
	assert.Equal(t, "2.0", resp.SelectAttrValue("Version", ""))
	assert.Equal(t, "2026-11-25T12:00:00Z", resp.SelectAttrValue("IssueInstant", ""))
	assert.Equal(t, testSP.ACSURL, resp.SelectAttrValue("Destination", ""))
	assert.Equal(t, "_req-42", resp.SelectAttrValue("InResponseTo", ""))
	assert.Equal(t, StatusSuccess, resp.FindElement("samlp:Status/samlp:StatusCode").SelectAttrValue("Value", ""))

	as := resp.SelectElement("saml:Assertion")
	assert.Equal(t, nsAssertion, as.NamespaceURI())
	assert.True(t, strings.HasPrefix(as.SelectAttrValue("ID", ""), "_"))
	assert.NotEqual(t, spec.ID, as.SelectAttrValue("ID", ""))
	subj := as.SelectElement("saml:Subject")
	assert.Equal(t, []string{"saml:NameID", "saml:SubjectConfirmation"}, childNames(subj))
	nid := subj.SelectElement("saml:NameID")
	assert.Equal(t, testSP.EntityID, nid.SelectAttrValue("SPNameQualifier", ""))
	scd := subj.FindElement("saml:SubjectConfirmation/saml:SubjectConfirmationData")
	assert.Equal(t, ConfirmationBearer, subj.SelectElement("saml:SubjectConfirmation").SelectAttrValue("Method", ""))
	assert.Equal(t, testSP.ACSURL, scd.SelectAttrValue("Recipient", ""))
	assert.Equal(t, "2026-11-25T12:05:00Z", scd.SelectAttrValue("NotOnOrAfter", ""))
	assert.Equal(t, "_req-42", scd.SelectAttrValue("InResponseTo", ""))
	cond := as.SelectElement("saml:Conditions")
	assert.Equal(t, "2026-11-25T11:55:00Z", cond.SelectAttrValue("NotBefore", ""))
	assert.Equal(t, "2026-11-25T12:05:00Z", cond.SelectAttrValue("NotOnOrAfter", ""))
	assert.Equal(t, testSP.EntityID, cond.FindElement("saml:AudienceRestriction/saml:Audience").Text())
	assert.Equal(t, AuthnContextPasswordProtectedTransport,
		as.FindElement("saml:AuthnStatement/saml:AuthnContext/saml:AuthnContextClassRef").Text())
	typed := as.FindElement("saml:AttributeStatement/saml:Attribute[@FriendlyName='givenName']/saml:AttributeValue")
	require.NotNil(t, typed)
	assert.Equal(t, "xs:string", typed.SelectAttrValue("xsi:type", ""))
	assert.Equal(t, b.Spec.ID, spec.ID)
}

func TestNewIDIsAnNCName(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := NewID()
		require.Regexp(t, `^_[0-9a-f]{40}$`, id)
		require.False(t, seen[id])
		seen[id] = true
	}
}

func TestSHA1Option(t *testing.T) {
	spec, trusted := baseline(t)
	opts := DefaultSignOptions(trusted)
	opts.Algorithm = SigRSASHA1
	b, err := Build(spec, opts)
	require.NoError(t, err)
	assert.Equal(t, []string{"built", "signed assertion (rsa-sha1, exc-c14n)"}, b.Trace)
	sig := parse(t, b.XML).FindElement("//ds:Signature")
	require.NotNil(t, sig)
	assert.Equal(t, "http://www.w3.org/2000/09/xmldsig#rsa-sha1", sig.FindElement("SignedInfo/SignatureMethod").SelectAttrValue("Algorithm", ""))
	assert.Equal(t, "http://www.w3.org/2000/09/xmldsig#sha1", sig.FindElement("SignedInfo/Reference/DigestMethod").SelectAttrValue("Algorithm", ""))
	info, err := VerifyBenign(b.XML, trusted, testSP, testNow)
	require.NoError(t, err)
	assert.Equal(t, "N1-8f3a", info.NameID)
}

func TestOmitKeyInfoStillVerifiesAgainstThePinnedCert(t *testing.T) {
	spec, trusted := baseline(t)
	opts := DefaultSignOptions(trusted)
	opts.OmitKeyInfo = true
	b, err := Build(spec, opts)
	require.NoError(t, err)
	assert.NotContains(t, string(b.XML), "KeyInfo")
	assert.Equal(t, "signed assertion (rsa-sha256, exc-c14n, no KeyInfo)", b.Trace[1])
	_, err = VerifyBenign(b.XML, trusted, testSP, testNow)
	require.NoError(t, err)
}

func TestBasicMutationsBreakVerification(t *testing.T) {
	for _, tc := range []struct {
		mut   Mutation
		trace string
	}{
		{Unsigned(), "mutation unsigned at stage before-signing (sign options)"},
		{TamperNameID("victim@corp.test"), "mutation tamper-nameid at stage after-signing (tree)"},
		{StripSignature(), "mutation strip-signature at stage after-signing (tree)"},
		{ExpireAssertion(), "mutation expire-assertion at stage before-signing (spec)"},
	} {
		for _, target := range []SignTarget{SignAssertion, SignResponse, SignBoth} {
			t.Run(tc.mut.Name+"/"+target.String(), func(t *testing.T) {
				spec, trusted := baseline(t)
				opts := DefaultSignOptions(trusted)
				opts.Sign = target
				b, err := Build(spec, opts, tc.mut)
				require.NoError(t, err)
				assert.Contains(t, b.Trace, tc.trace)
				_, err = VerifyBenign(b.XML, trusted, testSP, testNow)
				assert.Error(t, err, "the %s mutation must not verify", tc.mut.Name)
			})
		}
	}

	t.Run("expired times", func(t *testing.T) {
		spec, trusted := baseline(t)
		b, err := Build(spec, DefaultSignOptions(trusted), ExpireAssertion())
		require.NoError(t, err)
		a := b.Spec.Assertion
		assert.True(t, a.Conditions.NotOnOrAfter.Before(testNow))
		assert.True(t, a.Confirmation.NotOnOrAfter.Before(testNow))
		assert.Equal(t, testNow, spec.IssueInstant, "Build must not change the caller's spec")
		// Verified at the instant it claims, it is fine: only time broke it.
		_, err = VerifyBenign(b.XML, trusted, testSP, b.Spec.IssueInstant)
		assert.NoError(t, err)
	})

	t.Run("unsigned has no signature at all", func(t *testing.T) {
		spec, trusted := baseline(t)
		b, err := Build(spec, DefaultSignOptions(trusted), Unsigned())
		require.NoError(t, err)
		assert.NotContains(t, string(b.XML), "Signature")
		assert.Equal(t, []string{"mutation unsigned at stage before-signing (sign options)", "built", "not signed"}, b.Trace)
	})
}

// TestCommentInNameID is the CVE-2017-11427 shape (S21): the IdP signs
// victim@corp.test.attacker.test, the comment goes in after
// victim@corp.test. Exclusive C14N drops comments, so the signature still
// verifies; gosaml2 reads the whole text, a reader that takes the first
// text node sees the victim.
func TestCommentInNameID(t *testing.T) {
	for _, target := range []SignTarget{SignAssertion, SignResponse, SignBoth} {
		t.Run(target.String(), func(t *testing.T) {
			trusted, _ := testIdentities(t)
			spec := NewResponseSpec(trusted, testSP, "victim@corp.test.attacker.test", testNow)
			spec.Assertion.NameIDFormat = NameIDEmail
			opts := DefaultSignOptions(trusted)
			opts.Sign = target
			b, err := Build(spec, opts, CommentInNameID("victim@corp.test"))
			require.NoError(t, err)
			assert.Equal(t, "mutation comment-in-nameid at stage raw-bytes (bytes)", b.Trace[len(b.Trace)-1])
			assert.Contains(t, string(b.XML), ">victim@corp.test<!---->.attacker.test</saml:NameID>")

			info, err := VerifyBenign(b.XML, trusted, testSP, testNow)
			require.NoError(t, err, "exclusive C14N without comments keeps the signature valid")
			assert.Equal(t, "victim@corp.test.attacker.test", info.NameID, "gosaml2 reads the full text")

			nid := parse(t, b.XML).FindElement("//saml:NameID")
			require.NotNil(t, nid)
			first, ok := nid.Child[0].(*etree.CharData)
			require.True(t, ok)
			assert.Equal(t, "victim@corp.test", first.Data, "a naive first-text-node read sees the victim")
		})
	}

	t.Run("keep not in the NameID", func(t *testing.T) {
		spec, trusted := baseline(t)
		_, err := Build(spec, DefaultSignOptions(trusted), CommentInNameID("nobody"))
		assert.ErrorContains(t, err, "mutation comment-in-nameid at stage raw-bytes changed nothing")
	})
	t.Run("middle by default", func(t *testing.T) {
		spec, trusted := baseline(t)
		b, err := Build(spec, DefaultSignOptions(trusted), CommentInNameID(""))
		require.NoError(t, err)
		assert.Contains(t, string(b.XML), ">N1-<!---->8f3a<")
	})
}

func TestUntrustedSigner(t *testing.T) {
	spec, _ := baseline(t)
	trusted, untrusted := testIdentities(t)
	for _, omit := range []bool{false, true} {
		opts := DefaultSignOptions(untrusted)
		opts.Sign = SignBoth
		opts.OmitKeyInfo = omit
		b, err := Build(spec, opts)
		require.NoError(t, err)
		_, err = VerifyBenign(b.XML, trusted, testSP, testNow)
		assert.Error(t, err, "a response signed by another key must not verify (KeyInfo omitted: %v)", omit)
		// The same bytes verify for the identity that signed them.
		_, err = VerifyBenign(b.XML, untrusted, testSP, testNow)
		assert.NoError(t, err)
	}
}

func TestVerifyBenignCatchesWhatGosaml2OnlyWarns(t *testing.T) {
	spec, trusted := baseline(t)
	other := testSP
	other.EntityID = "https://other-sp.test/metadata"
	b, err := Build(spec, DefaultSignOptions(trusted))
	require.NoError(t, err)
	_, err = VerifyBenign(b.XML, trusted, other, testNow)
	assert.ErrorContains(t, err, "audience")

	notYet := spec.Clone()
	notYet.Assertion.Conditions.NotBefore = testNow.Add(time.Minute)
	b, err = Build(notYet, DefaultSignOptions(trusted))
	require.NoError(t, err)
	_, err = VerifyBenign(b.XML, trusted, testSP, testNow)
	assert.ErrorContains(t, err, "Conditions")

	noDest := spec.Clone()
	noDest.Destination = ""
	b, err = Build(noDest, DefaultSignOptions(trusted))
	require.NoError(t, err)
	_, err = VerifyBenign(b.XML, trusted, testSP, testNow)
	assert.ErrorContains(t, err, "Destination")

	mixed := spec.Clone()
	mixed.InResponseTo = "_other"
	b, err = Build(mixed, DefaultSignOptions(trusted))
	require.NoError(t, err)
	_, err = VerifyBenign(b.XML, trusted, testSP, testNow)
	assert.ErrorContains(t, err, "InResponseTo")
}

func TestMutationValidation(t *testing.T) {
	spec, trusted := baseline(t)
	tree := func(*etree.Document) error { return nil }
	for name, m := range map[string]Mutation{
		"no name":                {Stage: AfterSigning, Tree: tree},
		"no stage":               {Name: "x", Tree: tree},
		"raw before signing":     {Name: "x", Stage: BeforeSigning, Raw: func(b []byte) []byte { return b }},
		"spec after signing":     {Name: "x", Stage: AfterSigning, Spec: func(*ResponseSpec) {}},
		"tree at raw stage":      {Name: "x", Stage: RawBytes, Tree: tree},
		"nothing before signing": {Name: "x", Stage: BeforeSigning},
		"nothing at raw stage":   {Name: "x", Stage: RawBytes},
	} {
		_, err := Build(spec, DefaultSignOptions(trusted), m)
		assert.Error(t, err, name)
	}

	_, err := Build(spec, SignOptions{})
	assert.ErrorContains(t, err, "no signing identity")
	statusOnly := spec.Clone()
	statusOnly.Assertion = nil
	_, err = Build(statusOnly, DefaultSignOptions(trusted))
	assert.ErrorContains(t, err, "no saml:Assertion")

	// A BeforeSigning tree edit is covered by the signature; the same edit
	// after signing is not.
	extensions := func(doc *etree.Document) error {
		st := doc.Root().SelectElement("samlp:Status")
		ext := etree.NewElement("samlp:Extensions")
		ext.CreateElement("provcheck").SetText("x")
		doc.Root().InsertChildAt(st.Index(), ext)
		return nil
	}
	opts := DefaultSignOptions(trusted)
	opts.Sign = SignResponse
	b, err := Build(spec, opts, Mutation{Name: "extensions", Stage: BeforeSigning, Tree: extensions})
	require.NoError(t, err)
	assert.Equal(t, []string{"built", "mutation extensions at stage before-signing (tree)", "signed response (rsa-sha256, exc-c14n)"}, b.Trace)
	_, err = VerifyBenign(b.XML, trusted, testSP, testNow)
	assert.NoError(t, err)
	b, err = Build(spec, opts, Mutation{Name: "extensions", Stage: AfterSigning, Tree: extensions})
	require.NoError(t, err)
	_, err = VerifyBenign(b.XML, trusted, testSP, testNow)
	assert.Error(t, err)
}

// TestSignedAssertionSurvivesAMove shows why exclusive C14N matters: the
// signed Assertion lifted out of its Response into a new root of another
// namespace context still verifies, so wrapping cases move signed elements
// without breaking them by accident.
func TestSignedAssertionSurvivesAMove(t *testing.T) {
	spec, trusted := baseline(t)
	b, err := Build(spec, DefaultSignOptions(trusted))
	require.NoError(t, err)
	doc := parse(t, b.XML)
	as := doc.Root().SelectElement("saml:Assertion")
	wrapper := etree.NewDocument()
	root := wrapper.CreateElement("w:Wrapper")
	root.CreateAttr("xmlns:w", "urn:provcheck:wrapper")
	root.CreateAttr("xmlns:samlp", nsProtocol)
	root.AddChild(as.Copy())
	out, err := wrapper.WriteToBytes()
	require.NoError(t, err)
	moved := parse(t, out).Root().SelectElement("saml:Assertion")
	vctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{trusted.Cert}})
	vctx.Clock = dsig.NewFakeClockAt(testNow)
	_, err = vctx.Validate(moved)
	assert.NoError(t, err)
}

func TestPostFormAndPage(t *testing.T) {
	xml := []byte(`<samlp:Response/>`)
	form := PostForm(xml, `/after?x="1"&y=<2>`)
	got, err := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
	require.NoError(t, err)
	assert.Equal(t, xml, got)
	assert.Equal(t, `/after?x="1"&y=<2>`, form.Get("RelayState"))
	assert.NotContains(t, PostForm(xml, ""), "RelayState")

	page := PostPage("https://sp.provcheck.test/saml/acs?a=1&b=2", form)
	s := string(page)
	assert.Contains(t, s, `action="https://sp.provcheck.test/saml/acs?a=1&amp;b=2"`)
	assert.Contains(t, s, `name="SAMLResponse" value="`+form.Get("SAMLResponse")+`"`)
	assert.Contains(t, s, `name="RelayState" value="/after?x=&#34;1&#34;&amp;y=&lt;2&gt;"`)
	assert.Contains(t, s, "document.forms[0].submit()")
	assert.Less(t, strings.Index(s, "RelayState"), strings.Index(s, "SAMLResponse"), "fields in name order")

	evil := PostPage("javascript:alert(1)", form)
	assert.False(t, bytes.Contains(evil, []byte("javascript:")), "html/template filters unsafe action URLs")
}

func BenchmarkSignResponse(b *testing.B) {
	spec, trusted := baseline(b)
	opts := DefaultSignOptions(trusted)
	opts.Sign = SignBoth
	b.ReportAllocs()
	benchRate(b, "responses/s", func() error { _, err := Build(spec, opts); return err })
}

// BenchmarkSignAssertion builds responses with one signature (the
// assertion's), the usual shape; BenchmarkSignResponse signs both.
func BenchmarkSignAssertion(b *testing.B) {
	spec, trusted := baseline(b)
	opts := DefaultSignOptions(trusted)
	benchRate(b, "responses/s", func() error { _, err := Build(spec, opts); return err })
}

// BenchmarkRSASign2048 is the physical limit of the signing step in Go: one
// RSA-2048 PKCS#1 v1.5 signature of a SHA-256 digest, what each signed
// element costs (compare with `openssl speed rsa2048`).
func BenchmarkRSASign2048(b *testing.B) {
	_, trusted := baseline(b)
	digest := sha256.Sum256([]byte("provcheck"))
	benchRate(b, "signatures/s", func() error {
		_, err := rsa.SignPKCS1v15(nil, trusted.Key, crypto.SHA256, digest[:])
		return err
	})
}

// benchRate runs f in the benchmark loop and reports its rate per second.
func benchRate(b *testing.B, unit string, f func() error) {
	n := 0
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), unit)
}
