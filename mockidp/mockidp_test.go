package mockidp

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"path/filepath"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/russellhaering/gosaml2/types"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMetadataParsesWithGosaml2(t *testing.T) {
	id, err := GenerateIdentity("https://idp.provcheck.test/metadata", time.Now(), rand.Reader)
	require.NoError(t, err)
	md, err := id.Metadata("https://idp.provcheck.test/sso")
	require.NoError(t, err)
	var ed types.EntityDescriptor
	require.NoError(t, xml.Unmarshal(md, &ed))
	assert.Equal(t, "https://idp.provcheck.test/metadata", ed.EntityID)
	require.NotNil(t, ed.IDPSSODescriptor)
	require.Len(t, ed.IDPSSODescriptor.SingleSignOnServices, 2)
	require.Len(t, ed.IDPSSODescriptor.KeyDescriptors, 1)
	certs := ed.IDPSSODescriptor.KeyDescriptors[0].KeyInfo.X509Data.X509Certificates
	require.Len(t, certs, 1)
	der, err := base64.StdEncoding.DecodeString(certs[0].Data)
	require.NoError(t, err)
	assert.Equal(t, id.Cert.Raw, der, "the metadata carries the signing certificate")
}

func TestIdentityRoundTripsThroughPEM(t *testing.T) {
	id, err := GenerateIdentity("urn:provcheck:idp", time.Now(), nil)
	require.NoError(t, err)
	dir := t.TempDir()
	kf, cf := filepath.Join(dir, "idp.key"), filepath.Join(dir, "idp.crt")
	require.NoError(t, id.WritePEM(kf, cf))
	back, err := LoadIdentity("urn:provcheck:idp", kf, cf)
	require.NoError(t, err)
	assert.Equal(t, id.Fingerprint(), back.Fingerprint())
	assert.Len(t, id.Fingerprint(), 32*3-1)

	_, err = LoadIdentity("x", kf, filepath.Join(dir, "missing.crt"))
	assert.ErrorContains(t, err, "--idp-cert")
}

// TestKeyStoreSignsVerifiably signs an element with the identity's key store
// (exclusive C14N) and verifies it against the certificate.
func TestKeyStoreSignsVerifiably(t *testing.T) {
	id, err := GenerateIdentity("urn:provcheck:idp", time.Now(), nil)
	require.NoError(t, err)
	ctx := dsig.NewDefaultSigningContext(id.KeyStore())
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	el := etree.NewElement("Assertion")
	el.CreateAttr("ID", "_a1")
	el.CreateElement("Subject").SetText("N1")
	signed, err := ctx.SignEnveloped(el)
	require.NoError(t, err)
	// Serialise and parse back, as an SP receives it.
	out := etree.NewDocument()
	out.SetRoot(signed)
	raw, err := out.WriteToBytes()
	require.NoError(t, err)
	in := etree.NewDocument()
	require.NoError(t, in.ReadFromBytes(raw))
	vctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{id.Cert}})
	_, err = vctx.Validate(in.Root())
	require.NoError(t, err)

	// Content changed after signing must not verify.
	in.Root().FindElement("Subject").SetText("VICTIM")
	_, err = vctx.Validate(in.Root())
	assert.Error(t, err, "a tampered assertion must not verify")
}
