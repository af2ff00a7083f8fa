package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/internal/reftarget"
)

// TestRunSecurityAgainstAVulnerableSP: an SP that truncates the NameID at
// a comment, pointed at with only the contract flags (no SCIM, so V is
// created by a first JIT login), is reported as an account takeover.
func TestRunSecurityAgainstAVulnerableSP(t *testing.T) {
	ref, key, cert := externalSP(t, reftarget.FaultSecCommentTruncation)
	dir := t.TempDir()
	code, _, stderr := run(t, "run", "--run", "SAML-SEC-S21,SAML-SEC-S01", "--out", dir,
		"--sp-acs-url", ref.SP.ACSURL, "--sp-entity-id", ref.SP.EntityID, "--sp-whoami-url", ref.SP.WhoamiURL,
		"--idp-key", key, "--idp-cert", cert, "--idp-entity-id", "https://idp.example.test/saml")
	require.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, "account takeover")
	assert.Contains(t, stderr, "ACCEPTED_AS_VICTIM")
	st := statuses(t, dir)
	assert.Equal(t, "failed", st["SAML-SEC-S21"])
	assert.Equal(t, "passed", st["SAML-SEC-S01"])
}
