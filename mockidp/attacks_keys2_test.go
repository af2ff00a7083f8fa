package mockidp

import (
	"encoding/base64"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	keysOnce                            sync.Once
	keysRollover, keysExpired, keysIdP2 *Identity
	keysErr                             error
)

// keysIdentities are the rollover, expired and second-IdP identities of
// the tests, generated once.
func keysIdentities(t *testing.T) (rollover, expired, idp2 *Identity) {
	t.Helper()
	trusted, _ := testIdentities(t)
	keysOnce.Do(func() {
		keysRollover, keysErr = GenerateRolloverKeysIdentity(trusted.EntityID, testNow, nil)
		if keysErr == nil {
			keysExpired, keysErr = GenerateExpiredKeysIdentity(trusted.EntityID, testNow, false, nil)
		}
		if keysErr == nil {
			keysIdP2, keysErr = GenerateIdentity("https://idp2.provcheck.test/metadata", testNow.AddDate(0, 0, -1), nil)
		}
	})
	require.NoError(t, keysErr)
	return keysRollover, keysExpired, keysIdP2
}

func TestKeysCasesAgainstTheReference(t *testing.T) {
	trusted, _ := testIdentities(t)
	rollover, expired, idp2 := keysIdentities(t)

	t.Run("K04 verifies against the rollover certificate only", func(t *testing.T) {
		a := KeysRollover(rollover)
		b := buildAttack(t, a)
		assert.Equal(t, "K04", a.Key())
		info, err := VerifyBenign(b.XML, a.Trust, testSP, testNow)
		require.NoError(t, err)
		assert.Equal(t, "N1-8f3a", info.NameID)
		require.NoError(t, a.CheckStillVerifies(b.XML, a.Trust, testNow))
		assert.Error(t, a.CheckStillVerifies(b.XML, trusted, testNow), "the current certificate does not verify it")
		assert.Equal(t, trusted.EntityID, rollover.EntityID)
		assert.Contains(t, string(b.XML), base64.StdEncoding.EncodeToString(rollover.Cert.Raw))
	})

	t.Run("K11 is refused by goxmldsig for the validity window only", func(t *testing.T) {
		a := KeysExpiredCertificate(expired)
		b := buildAttack(t, a)
		assert.Contains(t, KeysValidityAt(expired.Cert, testNow), "expired on")
		_, err := VerifyBenign(b.XML, a.Trust, testSP, testNow)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "Cert is not valid at this time")
		// Inside the certificate's window the same bytes verify: the
		// validity is the only thing wrong with the signature.
		inside := expired.Cert.NotBefore.Add(expired.Cert.NotAfter.Sub(expired.Cert.NotBefore) / 2)
		require.NoError(t, (Attack{ID: "K11", StillVerifies: []SignedPart{{Name: "the assertion", Element: pathAssertion1, Signature: pathAssertion1Sig}}}).
			CheckStillVerifies(b.XML, expired, inside))
		notYet, err := GenerateExpiredKeysIdentity(trusted.EntityID, testNow, true, nil)
		require.NoError(t, err)
		assert.Contains(t, KeysValidityAt(notYet.Cert, testNow), "not valid before")
		assert.Equal(t, "", KeysValidityAt(trusted.Cert, testNow))
	})

	t.Run("K12 carries the IdP's Issuer, the victim and the other IdP's signature", func(t *testing.T) {
		a := KeysOtherIdP(testVictim, idp2)
		b := buildAttack(t, a)
		s := string(b.XML)
		assert.Contains(t, s, testVictim.NameID)
		assert.Contains(t, s, ">"+trusted.EntityID+"<", "the Issuer stays the IdP's")
		assert.NotContains(t, s, idp2.EntityID)
		_, err := VerifyBenign(b.XML, trusted, testSP, testNow)
		assert.Error(t, err, "the IdP's own key does not verify it")
		_, err = VerifyBenign(b.XML, idp2, testSP, testNow)
		assert.Error(t, err, "the other IdP's key verifies, but the Issuer is not the other IdP")
		require.NoError(t, a.CheckStillVerifies(b.XML, a.Trust, testNow))
	})
}

func TestMetadataKeysListsEveryCertificate(t *testing.T) {
	trusted, _ := testIdentities(t)
	rollover, expired, _ := keysIdentities(t)
	md, err := trusted.MetadataKeys("https://idp.test/sso", rollover, nil, expired)
	require.NoError(t, err)
	s := string(md)
	assert.Equal(t, 3, strings.Count(s, `<md:KeyDescriptor use="signing">`))
	i0 := strings.Index(s, base64.StdEncoding.EncodeToString(trusted.Cert.Raw))
	i1 := strings.Index(s, base64.StdEncoding.EncodeToString(rollover.Cert.Raw))
	i2 := strings.Index(s, base64.StdEncoding.EncodeToString(expired.Cert.Raw))
	assert.True(t, i0 > 0 && i0 < i1 && i1 < i2, "the current certificate first, then the others in order")
	assert.Less(t, i2, strings.Index(s, "md:NameIDFormat"), "the KeyDescriptors precede NameIDFormat (schema order)")

	plain, err := trusted.MetadataKeys("https://idp.test/sso")
	require.NoError(t, err)
	want, err := trusted.Metadata("https://idp.test/sso")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(plain))

	srv := &Server{Identity: trusted, BaseURL: "https://idp.test", KeysMore: []*Identity{rollover}}
	assert.Contains(t, srv.Describe(), rollover.Fingerprint())
}
