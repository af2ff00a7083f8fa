package main

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/internal/reftarget"
)

// encCertPEM writes the reference SP's encryption certificate to a PEM
// file, as an admin copies it from the SP's settings.
func encCertPEM(t *testing.T, ref *reftarget.Running) string {
	t.Helper()
	c := ref.Server.SPEncryptionCert()
	require.NotNil(t, c)
	path := filepath.Join(t.TempDir(), "sp-enc.crt")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o600))
	return path
}

// The SP's encryption certificate comes from its metadata; with the
// policy declared in a profile, encryption required, every E check is
// judged and passes, E03 included.
func TestRunEncryptedAssertionsFromMetadataAndProfile(t *testing.T) {
	ref, key, cert := externalSP(t)
	pol := ref.Server.SPPolicy()
	pol.RequireEncryption = true
	ref.Server.SetSPPolicy(pol)
	dir := t.TempDir()
	profile := filepath.Join(dir, "sp.yaml")
	require.NoError(t, os.WriteFile(profile, []byte(
		"scim-url: "+ref.URL+"\nscim-token: "+ref.Token+"\n"+
			"sp-metadata-url: "+ref.SP.MetadataURL+"\nsp-login-url: "+ref.SP.LoginURL+"\nsp-whoami-url: "+ref.SP.WhoamiURL+"\n"+
			"sp-encryption: required\n"+
			"idp-key: "+key+"\nidp-cert: "+cert+"\nidp-entity-id: https://idp.example.test/saml\n"), 0o600))
	code, _, stderr := run(t, "run", "--run", "SAML-SEC-E*", "--strict", "--out", dir, "--profile", profile)
	require.Equal(t, exitOK, code, stderr)
	st := statuses(t, dir)
	assert.Len(t, st, 12)
	assertPassedOrSkipped(t, st)

	// The same SP accepting plaintext: E03 catches it.
	ref2, key2, cert2 := externalSP(t, reftarget.FaultEncPlaintextAllowed)
	pol2 := ref2.Server.SPPolicy()
	pol2.RequireEncryption = true
	ref2.Server.SetSPPolicy(pol2)
	code, _, stderr = run(t, "run", "--run", "SAML-SEC-E03", "--out", t.TempDir(),
		"--scim-url", ref2.URL, "--scim-token", ref2.Token,
		"--sp-metadata-url", ref2.SP.MetadataURL, "--sp-login-url", ref2.SP.LoginURL, "--sp-whoami-url", ref2.SP.WhoamiURL,
		"--sp-encryption", "required", "--idp-key", key2, "--idp-cert", cert2, "--idp-entity-id", "https://idp.example.test/saml")
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, "ACCEPTED_AS_EXPECTED")
}

// Without an encryption certificate the E checks skip with the flag to
// give.
func TestRunEncryptedAssertionsWithoutCertificate(t *testing.T) {
	ref, key, cert := externalSP(t)
	dir := t.TempDir()
	code, _, stderr := run(t, "run", "--run", "SAML-SEC-E02", "--out", dir,
		"--scim-url", ref.URL, "--scim-token", ref.Token,
		"--sp-acs-url", ref.SP.ACSURL, "--sp-entity-id", ref.SP.EntityID, "--sp-whoami-url", ref.SP.WhoamiURL,
		"--idp-key", key, "--idp-cert", cert, "--idp-entity-id", "https://idp.example.test/saml")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "skipped", statuses(t, dir)["SAML-SEC-E02"])
	rep, err := os.ReadFile(filepath.Join(dir, "report.json"))
	require.NoError(t, err)
	assert.Contains(t, string(rep), "--sp-encryption-cert", "the skip reason names the flag")
}

func TestEncryptionBadUsage(t *testing.T) {
	ref, key, cert := externalSP(t)
	contract := []string{"run", "--scim-url", ref.URL, "--scim-token", ref.Token, "--sp-acs-url", ref.SP.ACSURL, "--sp-entity-id", ref.SP.EntityID,
		"--sp-whoami-url", ref.SP.WhoamiURL, "--idp-key", key, "--idp-cert", cert, "--idp-entity-id", "https://idp.example.test/saml"}
	for name, args := range map[string][]string{
		"bad encryption policy":          {"run", "--sp-encryption", "always"},
		"encryption cert is a key":       append(append([]string{}, contract...), "--sp-encryption-cert", key),
		"encryption cert does not exist": append(append([]string{}, contract...), "--sp-encryption-cert", filepath.Join(t.TempDir(), "none.crt")),
	} {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := run(t, append(args, "--out", t.TempDir())...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, "--sp-encryption")
			oneLine(t, stderr)
		})
	}
	p, err := (&samlFlags{encPolicy: " Required "}).policy()
	require.NoError(t, err)
	assert.Equal(t, "required", p.Encryption)
}
