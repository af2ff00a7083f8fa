package saml

import (
	"encoding/base64"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
)

// TestSecEncTableIsLiteralAndConsistent: every E check ID is literal in
// security_enc.go, names its line and variant, and covers the line.
func TestSecEncTableIsLiteralAndConsistent(t *testing.T) {
	checks := secEncChecks()
	require.NoError(t, suites.Validate(checks))
	b, err := os.ReadFile("security_enc.go")
	require.NoError(t, err)
	src := string(b)
	byID := map[string]suites.Check{}
	for _, ch := range checks {
		byID[ch.ID] = ch
	}
	for _, c := range secEncTable {
		a := c.attack(secDescribeParams)
		want := "SAML-SEC-" + a.ID
		if a.Variant != "" {
			want += "-" + strings.ToUpper(a.Variant)
		}
		assert.Equal(t, want, c.id)
		assert.NotEqual(t, secEncNone, c.enc, "%s is gated on the SP's encryption certificate", c.id)
		assert.Contains(t, src, `id: "`+c.id+`"`)
		assert.Equal(t, []string{a.ID}, byID[c.id].Covers)
		assert.Equal(t, a.Should, byID[c.id].Level == suites.Should, c.id)
		delete(byID, c.id)
	}
	for id := range byID {
		assert.Contains(t, src, `secCheck("`+id+`"`)
	}
	covered := map[string]bool{}
	for _, ch := range checks {
		for _, l := range ch.Covers {
			covered[l] = true
		}
		assert.True(t, strings.HasPrefix(ch.ID, "SAML-SEC-E0"), ch.ID)
	}
	assert.Len(t, covered, 8, "E01–E08")
}

// TestSecEncGate: the E cases skip without the SP's certificate, when the
// SP declares encryption off, the controls when it declares nothing, and
// E03 unless it declares encryption required.
func TestSecEncGate(t *testing.T) {
	cert := sharedIdP(t).Cert
	env := func(c bool, pol string) *Env {
		e := &Env{Policy: Policy{Encryption: pol}}
		if c {
			e.SP.EncryptionCert = cert
		}
		return e
	}
	assert.Contains(t, secEncAny.skip(env(false, "required")), "--sp-encryption-cert")
	assert.Contains(t, secEncAny.skip(env(true, "off")), "--sp-encryption off")
	assert.Empty(t, secEncAny.skip(env(true, "")))
	assert.Contains(t, secEncAccepted.skip(env(true, "")), "does not declare")
	assert.Empty(t, secEncAccepted.skip(env(true, "optional")))
	assert.Contains(t, secEncRequired.skip(env(true, "optional")), "--sp-encryption required")
	assert.Empty(t, secEncRequired.skip(env(true, "required")))
	assert.Empty(t, secEncNone.skip(env(false, "")))
}

// TestParseSPEncryptionCert reads the encryption KeyDescriptor, falls back
// to one without use, and ignores a signing-only key.
func TestParseSPEncryptionCert(t *testing.T) {
	enc, err := mockidp.GenerateIdentity("urn:sp", time.Now(), nil)
	require.NoError(t, err)
	sign := sharedIdP(t)
	kd := func(use string, raw []byte) string {
		u := ""
		if use != "" {
			u = ` use="` + use + `"`
		}
		return `<md:KeyDescriptor` + u + `><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>` +
			base64.StdEncoding.EncodeToString(raw) + `</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`
	}
	md := func(kds ...string) []byte {
		return []byte(`<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="urn:sp"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
			strings.Join(kds, "") + `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp/acs" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>`)
	}
	c, err := ParseSPEncryptionCert(md(kd("signing", sign.Cert.Raw), kd("encryption", enc.Cert.Raw)))
	require.NoError(t, err)
	assert.True(t, c.Equal(enc.Cert))
	c, err = ParseSPEncryptionCert(md(kd("signing", sign.Cert.Raw), kd("", enc.Cert.Raw)))
	require.NoError(t, err)
	assert.True(t, c.Equal(enc.Cert), "a key without use serves encryption too")
	c, err = ParseSPEncryptionCert(md(kd("signing", sign.Cert.Raw)))
	require.NoError(t, err)
	assert.Nil(t, c)
	_, err = ParseSPEncryptionCert(md(kd("encryption", []byte("junk"))))
	assert.Error(t, err)
}

// TestSecEncClass: answers that differ only in request IDs, tokens or
// times are of one class; a different status or message is not.
func TestSecEncClass(t *testing.T) {
	page := func(status int, path, body string) *Login {
		u, _ := url.Parse("https://sp.test" + path)
		return &Login{ACSStatus: status, answers: []*answer{{status: status, url: u, body: []byte(body)}}}
	}
	a := page(403, "/error/7f3a9c21", "Login failed (request 8f2e1c9ab2, 2026-11-25T21:08:35Z, csrf QmFzZTY0VG9rZW5WYWx1ZQ==)")
	b := page(403, "/error/0b11d4e7", "Login failed (request 1a2b3c4d5e, 2026-11-25T21:08:36Z, csrf T3RoZXJCYXNlNjRUb2tlbg==)")
	assert.Equal(t, secEncClass(a), secEncClass(b))
	assert.NotEqual(t, secEncClass(a), secEncClass(page(500, "/error/0b11d4e7", "Login failed (request 1a2b3c4d5e)")))
	assert.NotEqual(t, secEncClass(page(403, "/acs", "invalid padding")), secEncClass(page(403, "/acs", "malformed XML")))
	assert.Equal(t, "ACS 403", secEncClass(&Login{ACSStatus: 403}))
}
