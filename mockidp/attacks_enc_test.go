package mockidp

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/xml"
	"sync"
	"testing"

	"github.com/beevik/etree"
	"github.com/russellhaering/gosaml2/types"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	encSPOnce   sync.Once
	encSPKey    *Identity
	encSPKeyErr error
)

// encTestParams are testParams with an SP encryption key (generated once
// per test binary) and, as the wrong certificate of E04, the attacker's.
func encTestParams(tb testing.TB) (AttackParams, *Identity) {
	tb.Helper()
	p := testParams(tb)
	encSPOnce.Do(func() {
		encSPKey, encSPKeyErr = GenerateIdentity(testSP.EntityID, testNow.AddDate(0, 0, -1), nil)
	})
	require.NoError(tb, encSPKeyErr)
	p.EncCert, p.EncWrongCert = encSPKey.Cert, p.Attacker.Cert
	return p, encSPKey
}

// encDecrypt decrypts an EncryptedAssertion or EncryptedID element with
// key, as gosaml2 does (its types decrypt both key transports and every
// cipher the mock IdP uses).
func encDecrypt(t *testing.T, el *etree.Element, key *Identity) ([]byte, error) {
	t.Helper()
	c, err := detach(el)
	require.NoError(t, err)
	c.Tag = "EncryptedAssertion" // gosaml2's type reads an EncryptedID alike
	d := etree.NewDocument()
	d.SetRoot(c)
	b, err := d.WriteToBytes()
	require.NoError(t, err)
	var ea types.EncryptedAssertion
	require.NoError(t, xml.Unmarshal(b, &ea))
	return ea.DecryptBytes(&tls.Certificate{Certificate: [][]byte{key.Cert.Raw}, PrivateKey: key.Key})
}

// encInner decrypts the response's one EncryptedAssertion with key and
// returns the plaintext Assertion and the EncryptedData's algorithms.
func encInner(t *testing.T, resp *etree.Element, key *Identity) (as *etree.Element, cipher, transport string) {
	t.Helper()
	eas := findAll(resp, nsAssertion, "EncryptedAssertion")
	require.Len(t, eas, 1)
	data := eas[0].FindElement("./EncryptedData")
	require.NotNil(t, data)
	assert.Equal(t, encTypeElement, data.SelectAttrValue("Type", ""))
	cipher = data.FindElement("./EncryptionMethod").SelectAttrValue("Algorithm", "")
	transport = data.FindElement("./KeyInfo/EncryptedKey/EncryptionMethod").SelectAttrValue("Algorithm", "")
	plain, err := encDecrypt(t, eas[0], key)
	require.NoError(t, err)
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(plain))
	require.Equal(t, "Assertion", doc.Root().Tag)
	return doc.Root(), cipher, transport
}

// encSigned reports whether the plaintext assertion carries a signature
// that verifies with the IdP's certificate.
func encSigned(as *etree.Element, idp *Identity) bool {
	vctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{idp.Cert}})
	vctx.Clock = dsig.NewFakeClockAt(testNow)
	_, err := vctx.Validate(as.Copy())
	return err == nil
}

func encNameID(as *etree.Element) string {
	if id := as.FindElement("./Subject/NameID"); id != nil {
		return id.Text()
	}
	return ""
}

// TestEncAttacksAgainstTheReference builds every E case and proves what
// gosaml2, decrypting with the SP's key, makes of it.
func TestEncAttacksAgainstTheReference(t *testing.T) {
	p, spKey := encTestParams(t)
	atks := EncCatalogue(p)
	require.Len(t, atks, 11)
	for _, a := range atks {
		t.Run(a.Key(), func(t *testing.T) {
			require.NotEmpty(t, a.Title)
			require.NotEmpty(t, a.References)
			b := buildAttack(t, a)
			for _, m := range a.Mutations {
				assert.True(t, traceNames(b.Trace, m), "trace %q lacks %s at %s", b.Trace, m.Name, m.Stage)
			}
			info, err := VerifyEncBenign(b.XML, p.IdP, testSP, spKey, testNow)
			switch a.Oracle {
			case OracleRejects:
				assert.Error(t, err, "a correct SP must refuse %s", a.Key())
			case OracleAccepts, OracleNeedsState:
				require.NoError(t, err, "%s is valid on its own", a.Key())
				assert.Equal(t, "N1-8f3a", info.NameID)
			default:
				t.Fatalf("unexpected oracle %s", a.Oracle)
			}
		})
	}
	assert.Empty(t, EncCatalogue(testParams(t)), "no E case without the SP's encryption certificate")
}

// TestEncResponsesAreWhatTheySay decrypts each E case with the SP's key
// and checks the shape the case declares.
func TestEncResponsesAreWhatTheySay(t *testing.T) {
	p, spKey := encTestParams(t)
	build := func(t *testing.T, a Attack) *etree.Element {
		doc := parse(t, buildAttack(t, a).XML)
		resp, err := response(doc)
		require.NoError(t, err)
		assert.Nil(t, resp.SelectElement("ds:Signature"), "the Response is never signed")
		return resp
	}

	for _, tc := range []struct {
		a      Attack
		cipher string
	}{{EncControl(p.EncCert, ""), EncAES256CBC}, {EncControl(p.EncCert, EncAES128CBC), EncAES128CBC}, {EncControl(p.EncCert, EncAES256GCM), EncAES256GCM}} {
		t.Run(tc.a.Key(), func(t *testing.T) {
			resp := build(t, tc.a)
			assert.Nil(t, assertionOf(resp), "no plaintext assertion")
			as, cipher, transport := encInner(t, resp, spKey)
			assert.Equal(t, tc.cipher, cipher)
			assert.Equal(t, EncKeyRSAOAEP, transport)
			assert.True(t, encSigned(as, p.IdP), "the inner assertion is signed by the IdP")
			assert.Equal(t, "N1-8f3a", encNameID(as))
		})
	}

	t.Run("E02", func(t *testing.T) {
		as, cipher, _ := encInner(t, build(t, EncUnsignedInner(p.Victim, p.EncCert)), spKey)
		assert.Equal(t, EncAES128CBC, cipher)
		assert.Nil(t, as.SelectElement("ds:Signature"), "nobody signed the inner assertion")
		assert.Equal(t, testVictim.NameID, encNameID(as))
	})

	t.Run("E03", func(t *testing.T) {
		resp := build(t, EncPlaintext())
		assert.Empty(t, findAll(resp, nsAssertion, "EncryptedAssertion"))
		require.NotNil(t, assertionOf(resp))
		assert.True(t, encSigned(assertionOf(resp), p.IdP))
	})

	t.Run("E04", func(t *testing.T) {
		resp := build(t, EncWrongCertificate(p.EncWrongCert))
		ea := findAll(resp, nsAssertion, "EncryptedAssertion")
		require.Len(t, ea, 1)
		_, err := encDecrypt(t, ea[0], spKey)
		assert.Error(t, err, "the SP's key does not decrypt it")
		as, _, _ := encInner(t, resp, p.Attacker)
		assert.True(t, encSigned(as, p.IdP), "the wrong certificate's key does")
	})

	t.Run("E05", func(t *testing.T) {
		resp := build(t, EncMixed(p.Victim, p.EncCert))
		kids := resp.ChildElements()
		require.GreaterOrEqual(t, len(kids), 2)
		plain, enc := kids[len(kids)-2], kids[len(kids)-1]
		assert.Equal(t, "Assertion", plain.Tag, "the plaintext forgery comes first")
		assert.Equal(t, "EncryptedAssertion", enc.Tag)
		assert.Nil(t, plain.SelectElement("ds:Signature"))
		assert.Equal(t, testVictim.NameID, encNameID(plain))
		as, _, _ := encInner(t, resp, spKey)
		assert.True(t, encSigned(as, p.IdP))
		assert.Equal(t, "N1-8f3a", encNameID(as))
		assert.NotEqual(t, as.SelectAttrValue("ID", ""), plain.SelectAttrValue("ID", ""))
	})

	t.Run("E06", func(t *testing.T) {
		for _, kind := range []string{"padding", "content"} {
			resp := build(t, EncTamperedCBC(kind, p.EncCert))
			ea := findAll(resp, nsAssertion, "EncryptedAssertion")
			require.Len(t, ea, 1)
			plain, err := encDecrypt(t, ea[0], spKey)
			if kind == "padding" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "padding", "the padding probe breaks the padding")
				continue
			}
			require.NoError(t, err, "the content probe keeps the padding valid")
			assert.Error(t, etree.NewDocument().ReadFromBytes(plain), "and breaks the XML")
			assert.Contains(t, string(plain), "Assertion")
		}
	})

	t.Run("E07", func(t *testing.T) {
		as, cipher, transport := encInner(t, build(t, EncRSA15(p.EncCert)), spKey)
		assert.Equal(t, EncKeyRSA15, transport)
		assert.Equal(t, EncAES128CBC, cipher)
		assert.True(t, encSigned(as, p.IdP))
	})

	t.Run("E08", func(t *testing.T) {
		as, cipher, _ := encInner(t, build(t, EncNameID(p.EncCert)), spKey)
		assert.Equal(t, EncAES256GCM, cipher)
		assert.True(t, encSigned(as, p.IdP), "the signature covers the EncryptedID")
		assert.Nil(t, as.FindElement("./Subject/NameID"))
		eid := as.FindElement("./Subject/EncryptedID")
		require.NotNil(t, eid)
		plain, err := encDecrypt(t, eid, spKey)
		require.NoError(t, err)
		doc := etree.NewDocument()
		require.NoError(t, doc.ReadFromBytes(plain))
		assert.Equal(t, "NameID", doc.Root().Tag)
		assert.Equal(t, "N1-8f3a", doc.Root().Text())
		assert.Equal(t, NameIDPersistent, doc.Root().SelectAttrValue("Format", ""))
	})

	t.Run("no certificate", func(t *testing.T) {
		spec, trusted := baseline(t)
		_, err := EncControl(nil, "").Build(spec, DefaultSignOptions(trusted))
		assert.ErrorContains(t, err, "no SP encryption certificate")
	})
}
