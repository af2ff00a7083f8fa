package reftarget

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
)

// The probes of the keys faults join faultProbes; the SP's trust in
// KeyInfo (FaultSecTrustKeyInfo) also accepts another IdP's key.
func init() {
	for f, p := range keysFaultProbes {
		faultProbes[f] = p
	}
	jitOverlaps[FaultSecTrustKeyInfo] = append(jitOverlaps[FaultSecTrustKeyInfo], FaultKeysAnyTrustedKey)
}

// keysTestID is a test signing identity of the IdP, generated once.
type keysTestID struct {
	once sync.Once
	key  *rsa.PrivateKey
	cert *x509.Certificate
}

var keysTestRollover, keysTestWeak, keysTestExpired keysTestID

// get generates the identity: bits, and a validity window from now.
func (k *keysTestID) get(cn string, bits int, from, to time.Duration) (*rsa.PrivateKey, *x509.Certificate) {
	k.once.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			panic(err)
		}
		now := time.Now()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(bits)), Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(from), NotAfter: now.Add(to)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			panic(err)
		}
		if k.cert, err = x509.ParseCertificate(der); err != nil {
			panic(err)
		}
		k.key = key
	})
	return k.key, k.cert
}

func keysRolloverID() (*rsa.PrivateKey, *x509.Certificate) {
	return keysTestRollover.get("rollover", 2048, -time.Hour, 24*time.Hour)
}
func keysWeakID() (*rsa.PrivateKey, *x509.Certificate) {
	return keysTestWeak.get("rsa-1024", 1024, -time.Hour, 24*time.Hour)
}
func keysExpiredID() (*rsa.PrivateKey, *x509.Certificate) {
	return keysTestExpired.get("expired", 2048, -48*time.Hour, -24*time.Hour)
}

// keysSignedBy is a response of the test IdP (its Issuer) for nameID whose
// assertion is signed with key and cert instead of the IdP's.
func keysSignedBy(t testing.TB, nameID string, key *rsa.PrivateKey, cert *x509.Certificate) string {
	return secEdit(t, signedResponse(t, assertion{nameID: nameID}), func(doc *etree.Document) {
		as := doc.Root().SelectElement("saml:Assertion")
		as.RemoveChild(as.SelectElement("ds:Signature"))
		secSign(t, as, key, cert)
	})
}

// keysTrustAll makes the SP trust the test IdP with its rollover, RSA-1024
// and expired certificates, and the second test IdP.
func keysTrustAll(t testing.TB, s *Server) {
	trustTestIdP(t, s)
	_, second := testIdPN(1)
	s.TrustSecondIdP(TrustedIdP{EntityID: testIdP2EntityID, Cert: second})
	for _, id := range []func() (*rsa.PrivateKey, *x509.Certificate){keysRolloverID, keysWeakID, keysExpiredID} {
		_, c := id()
		s.TrustKeysCertificate(testIdPEntityID, c)
	}
}

// keysRefused posts a response signed with key and cert and reports
// whether it was refused with no account created.
func keysRefused(c *client, nameID string, key *rsa.PrivateKey, cert *x509.Certificate) bool {
	b, code := secPost(c.t, c.s, keysSignedBy(c.t, nameID, key, cert))
	return code == http.StatusForbidden && b.whoamiID() == "" && userCount(c.s) == 0
}

var keysFaultProbes = map[Fault]func(c *client) bool{
	FaultKeysAcceptWeakRSA: func(c *client) bool {
		keysTrustAll(c.t, c.s)
		key, cert := keysWeakID()
		return keysRefused(c, "p-weak", key, cert)
	},
	FaultKeysAnyTrustedKey: func(c *client) bool {
		keysTrustAll(c.t, c.s)
		key, cert := testIdPN(1)
		return keysRefused(c, "p-other-idp", key, cert)
	},
	FaultKeysIgnoreCertValidity: func(c *client) bool {
		keysTrustAll(c.t, c.s)
		key, cert := keysExpiredID()
		return keysRefused(c, "p-expired", key, cert)
	},
}

// TestKeysRolloverAccepted: a response signed with a further certificate
// registered for the IdP logs in; one of an unregistered key does not.
func TestKeysRolloverAccepted(t *testing.T) {
	s := newSP(t, Options{})
	keysTrustAll(t, s)
	key, cert := keysRolloverID()
	b, code := secPost(t, s, keysSignedBy(t, "p-rollover", key, cert))
	assert.Equal(t, http.StatusSeeOther, code)
	assert.NotEmpty(t, b.whoamiID())

	other := newSP(t, Options{})
	trustTestIdP(t, other)
	_, code = secPost(t, other, keysSignedBy(t, "p-rollover", key, cert))
	assert.Equal(t, http.StatusForbidden, code, "without TrustKeysCertificate the rollover key is unknown")

	_, weak := keysWeakID()
	assert.Equal(t, 1024, keysWeak(weak))
	_, strong := keysRolloverID()
	assert.Equal(t, 0, keysWeak(strong))
}
