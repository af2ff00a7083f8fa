package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// acctSAMLOnlyArgs are the contract flags of a SAML-only run against the
// reference SP, with its accounts listing and link flow.
func acctSAMLOnlyArgs(ref *reftarget.Running, key, cert string) []string {
	return []string{"--sp-acs-url", ref.SP.ACSURL, "--sp-entity-id", ref.SP.EntityID, "--sp-login-url", ref.SP.LoginURL,
		"--sp-whoami-url", ref.SP.WhoamiURL, "--sp-sync", "on",
		"--idp-key", key, "--idp-cert", cert, "--idp-entity-id", "https://idp.example.test/saml",
		"--sp-accounts-url", ref.SP.AccountsURL, "--sp-accounts-list", "users", "--sp-accounts-token", ref.Token,
		"--sp-link-url", ref.SP.LinkURL}
}

func TestRunSAMLOnlyWithAccountsListing(t *testing.T) {
	ref, key, cert := externalSP(t)
	dir := t.TempDir()
	code, _, stderr := run(t, append([]string{"run", "--run", "SAML-JIT", "--strict", "--out", dir}, acctSAMLOnlyArgs(ref, key, cert)...)...)
	require.Equal(t, exitOK, code, stderr)
	st := statuses(t, dir)
	for _, id := range []string{"SAML-JIT-001", "SAML-JIT-024", "SAML-JIT-025", "SAML-JIT-026"} {
		assert.Equal(t, "passed", st[id], id)
	}
	assert.Contains(t, stderr, "cannot delete them")
	left, err := filepath.Glob(filepath.Join(dir, "accounts-left-*.json"))
	require.NoError(t, err)
	require.Len(t, left, 1)
	assert.Contains(t, stderr, left[0])

	// The listing's token is redacted in every file of the run.
	files, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, f := range files {
		if f.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, f.Name()))
		require.NoError(t, err)
		assert.NotContains(t, string(data), ref.Token, f.Name())
	}
	transcript, err := os.ReadFile(filepath.Join(dir, "transcript.jsonl"))
	require.NoError(t, err)
	assert.Contains(t, string(transcript), "/saml/accounts")
}

func TestRunAccountsListingFromProfile(t *testing.T) {
	ref, key, cert := externalSP(t, reftarget.FaultJITTransientKeyed)
	dir := t.TempDir()
	args := acctSAMLOnlyArgs(ref, key, cert)
	var profile strings.Builder
	for i := 0; i+1 < len(args); i += 2 {
		profile.WriteString(strings.TrimPrefix(args[i], "--") + ": \"" + args[i+1] + "\"\n")
	}
	path := filepath.Join(dir, "sp.yaml")
	require.NoError(t, os.WriteFile(path, []byte(profile.String()), 0o600))
	code, _, stderr := run(t, "run", "--run", "SAML-JIT-009", "--out", dir, "--profile", path)
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, "Δu = +2")
	assert.Equal(t, "failed", statuses(t, dir)["SAML-JIT-009"])
}

func TestAccountsAndLinkBadUsage(t *testing.T) {
	ref, key, cert := externalSP(t)
	base := acctSAMLOnlyArgs(ref, key, cert)[:16] // the contract without listing and link
	for name, extra := range map[string][]string{
		"relative listing URL":    {"--sp-accounts-url", "/saml/accounts"},
		"listing URL with user":   {"--sp-accounts-url", "http://u:p@127.0.0.1:1/accounts"},
		"token without listing":   {"--sp-accounts-token", "secret-token"},
		"bad token header":        {"--sp-accounts-url", ref.SP.AccountsURL, "--sp-accounts-header", "X Key:"},
		"empty id path":           {"--sp-accounts-url", ref.SP.AccountsURL, "--sp-accounts-id", " "},
		"link URL not http":       {"--sp-link-url", "ftp://127.0.0.1/link"},
		"listing alone, no SP":    nil,
		"link without a contract": nil,
	} {
		t.Run(name, func(t *testing.T) {
			args := append(append([]string{"run", "--out", t.TempDir()}, base...), extra...)
			switch name {
			case "listing alone, no SP":
				args = []string{"run", "--out", t.TempDir(), "--sp-accounts-url", ref.SP.AccountsURL}
			case "link without a contract":
				args = []string{"run", "--out", t.TempDir(), "--sp-link-url", ref.SP.LinkURL}
			}
			code, _, stderr := run(t, args...)
			assert.Equal(t, exitUsage, code, stderr)
			oneLine(t, stderr)
		})
	}
}
