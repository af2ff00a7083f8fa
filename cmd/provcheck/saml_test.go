package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites/saml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// statuses reads the status of each check from report.json in dir.
func statuses(t *testing.T, dir string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	require.NoError(t, err)
	var rep struct {
		Checks []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"checks"`
	}
	require.NoError(t, json.Unmarshal(data, &rep))
	out := map[string]string{}
	for _, c := range rep.Checks {
		out[c.ID] = c.Status
	}
	return out
}

func TestRunEmbeddedSP(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := run(t, "run", "--run", "SAML", "--strict", "--out", dir)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "embedded reference SP")
	st := statuses(t, dir)
	assert.Contains(t, st, "SAML-JIT-001")
	assert.Contains(t, st, "SAML-SCIM-003")
	assert.Equal(t, "passed", st["SAML-JIT-019"], "the embedded SP trusts a second mock IdP")
	assertPassedOrSkipped(t, st, "SAML-JIT-015", "SAML-JIT-021", "SAML-SEC-P16-OFF", // the embedded SP allows IdP-initiated login
		"SAML-SEC-E03") // E03: the embedded SP declares encryption optional

	code, _, stderr = run(t, "run", "--run", "SAML-JIT-004", "--fault", "jit-no-sync", "--out", t.TempDir())
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, "sync on login is declared on")
}

// externalSP starts a reference target whose SP trusts an IdP identity
// written to PEM files, as an admin configures a staging SP once.
func externalSP(t *testing.T, faults ...reftarget.Fault) (*reftarget.Running, string, string) {
	t.Helper()
	ref, err := reftarget.Start(reftarget.Options{Faults: faults})
	require.NoError(t, err)
	t.Cleanup(func() { _ = ref.Close() })
	id, err := mockidp.GenerateIdentity("https://idp.example.test/saml", time.Now(), nil)
	require.NoError(t, err)
	dir := t.TempDir()
	key, cert := filepath.Join(dir, "idp.key"), filepath.Join(dir, "idp.crt")
	require.NoError(t, id.WritePEM(key, cert))
	ref.Server.TrustIdP(reftarget.TrustedIdP{EntityID: id.EntityID, Cert: id.Cert, SSOURL: "https://idp.example.test/sso"})
	return ref, key, cert
}

func TestRunExternalSPWithContractFlags(t *testing.T) {
	ref, key, cert := externalSP(t)
	dir := t.TempDir()
	// The extended security tier adds forgeries, not contract flags: the
	// self-test runs it against the reference SP.
	code, _, stderr := run(t, "run", "--run", "SAML", "--label-filter", "!(area:saml-security && tier:extended)", "--strict", "--out", dir,
		"--scim-url", ref.URL, "--scim-token", ref.Token,
		"--sp-acs-url", ref.SP.ACSURL, "--sp-entity-id", ref.SP.EntityID, "--sp-whoami-url", ref.SP.WhoamiURL,
		"--sp-sync", "on", "--idp-key", key, "--idp-cert", cert, "--idp-entity-id", "https://idp.example.test/saml",
		"--sp-whoami-groups", "groups", "--sp-role-attr", "memberOf", "--sp-role-map", "provcheck-admins=admin",
		"--sp-encryption-cert", encCertPEM(t, ref), "--sp-encryption", "optional")
	require.Equal(t, exitOK, code, stderr)
	assertPassedOrSkipped(t, statuses(t, dir), "SAML-JIT-015", "SAML-JIT-019", "SAML-JIT-021",
		"SAML-SEC-P12", "SAML-SEC-P13", "SAML-SEC-P17", // they answer AuthnRequests: no --sp-login-url here
		"SAML-SEC-P16-OFF", "SAML-SEC-P16-ON-VALID", "SAML-SEC-P16-ON-RECIPIENT", "SAML-SEC-P16-ON-AUDIENCE", "SAML-SEC-P16-ON-STALE", // no --sp-idp-initiated
		"SAML-SEC-K04", "SAML-SEC-K06", "SAML-SEC-K11", "SAML-SEC-K12", // no rollover, RSA-1024, expired or second IdP identity here
		"SAML-SEC-E03",                 // E03: encryption is declared optional
		"SAML-JIT-025", "SAML-JIT-026") // no --sp-link-url here
}

// assertPassedOrSkipped checks that every check passed, except those named
// in skipped, which need a declared policy (IdP-initiated login off,
// allowed email domains), a second IdP or a login URL the run does not
// have, and are skipped.
func assertPassedOrSkipped(t *testing.T, st map[string]string, skipped ...string) {
	t.Helper()
	for id, s := range st {
		want := "passed"
		if slices.Contains(skipped, id) {
			want = "skipped"
		}
		assert.Equal(t, want, s, id)
	}
}

func TestRunExternalSPFromMetadata(t *testing.T) {
	ref, key, cert := externalSP(t)
	dir := t.TempDir()
	code, _, stderr := run(t, "run", "--run", "SAML-JIT-002", "--strict", "--out", dir,
		"--sp-metadata-url", ref.SP.MetadataURL, "--sp-whoami-url", ref.SP.WhoamiURL,
		"--idp-key", key, "--idp-cert", cert, "--idp-entity-id", "https://idp.example.test/saml")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "passed", statuses(t, dir)["SAML-JIT-002"])

	code, _, stderr = run(t, "run", "--out", t.TempDir(), "--sp-metadata-url", ref.SP.WhoamiURL, "--sp-whoami-url", ref.SP.WhoamiURL,
		"--idp-key", key, "--idp-cert", cert, "--idp-entity-id", "https://idp.example.test/saml")
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stderr, "--sp-metadata-url")
	oneLine(t, stderr)
}

func TestRunExternalSPFromProfile(t *testing.T) {
	ref, key, cert := externalSP(t, reftarget.FaultJITMatchOnEmail)
	dir := t.TempDir()
	profile := filepath.Join(dir, "sp.yaml")
	require.NoError(t, os.WriteFile(profile, []byte(
		"scim-url: "+ref.URL+"\nscim-token: "+ref.Token+"\n"+
			"sp-acs-url: "+ref.SP.ACSURL+"\nsp-entity-id: "+ref.SP.EntityID+"\nsp-login-url: "+ref.SP.LoginURL+"\n"+
			"sp-whoami-url: "+ref.SP.WhoamiURL+"\nsp-whoami-id: id\nsp-jit: \"on\"\n"+
			"idp-key: "+key+"\nidp-cert: "+cert+"\nidp-entity-id: https://idp.example.test/saml\n"), 0o600))
	code, _, stderr := run(t, "run", "--run", "SAML-JIT-005", "--out", dir, "--profile", profile)
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, "ACCEPTED_AS_VICTIM")
}

func TestRunRoleChecksFromProfile(t *testing.T) {
	ref, key, cert := externalSP(t, reftarget.FaultJITUnmappedRole)
	dir := t.TempDir()
	profile := filepath.Join(dir, "sp.yaml")
	require.NoError(t, os.WriteFile(profile, []byte(
		"sp-acs-url: "+ref.SP.ACSURL+"\nsp-entity-id: "+ref.SP.EntityID+"\nsp-whoami-url: "+ref.SP.WhoamiURL+"\n"+
			"sp-whoami-groups: groups\nsp-role-attr: memberOf\nsp-role-map: provcheck-admins=admin\nsp-sync: \"on\"\n"+
			"idp-key: "+key+"\nidp-cert: "+cert+"\nidp-entity-id: https://idp.example.test/saml\n"), 0o600))
	code, _, stderr := run(t, "run", "--run", "SAML-JIT-02[23]", "--out", dir, "--profile", profile)
	assert.Equal(t, exitFailed, code, stderr)
	st := statuses(t, dir)
	assert.Equal(t, "failed", st["SAML-JIT-022"])
	assert.Equal(t, "passed", st["SAML-JIT-023"])
}

// TestRunClockSkewFromProfile: the declared tolerance (profile key
// sp-clock-skew) turns the P04 sweep into a verdict; undeclared, the sweep
// only measures.
func TestRunClockSkewFromProfile(t *testing.T) {
	ref, key, cert := externalSP(t, reftarget.FaultProtoLenientSkew)
	for declared, want := range map[string]string{"sp-clock-skew: 2m\n": "failed", "": "passed"} {
		dir := t.TempDir()
		profile := filepath.Join(dir, "sp.yaml")
		require.NoError(t, os.WriteFile(profile, []byte(
			"sp-acs-url: "+ref.SP.ACSURL+"\nsp-entity-id: "+ref.SP.EntityID+"\nsp-whoami-url: "+ref.SP.WhoamiURL+"\n"+declared+
				"idp-key: "+key+"\nidp-cert: "+cert+"\nidp-entity-id: https://idp.example.test/saml\n"), 0o600))
		code, _, stderr := run(t, "run", "--run", "SAML-SEC-P04", "--out", dir, "--profile", profile)
		assert.Equal(t, want, statuses(t, dir)["SAML-SEC-P04"], "%q: %s", declared, stderr)
		if want == "failed" {
			assert.Equal(t, exitFailed, code, stderr)
			assert.Contains(t, stderr, "accepted beyond the declared tolerance")
		}
	}
}

func TestRunSAMLOnly(t *testing.T) {
	ref, key, cert := externalSP(t)
	dir := t.TempDir()
	code, _, stderr := run(t, "run", "--strict", "--out", dir, "--label-filter", "!(area:saml-security && tier:extended)",
		"--sp-acs-url", ref.SP.ACSURL, "--sp-entity-id", ref.SP.EntityID, "--sp-login-url", ref.SP.LoginURL,
		"--sp-whoami-url", ref.SP.WhoamiURL, "--sp-sync", "on",
		"--idp-key", key, "--idp-cert", cert, "--idp-entity-id", "https://idp.example.test/saml")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "checking the SAML SP at")
	st := statuses(t, dir)
	assert.Equal(t, "passed", st["SAML-JIT-001"])
	assert.Equal(t, "passed", st["SAML-JIT-005"])
	assert.Equal(t, "skipped", st["SAML-SCIM-001"])
	assert.Equal(t, "skipped", st["SCIM-DISC-001"])
	assert.Equal(t, "skipped", st["SCIM-USERS-001"])
	transcript, err := os.ReadFile(filepath.Join(dir, "transcript.jsonl"))
	require.NoError(t, err)
	assert.Contains(t, string(transcript), "/saml/acs")
	assert.NotContains(t, string(transcript), "/scim/v2")
}

func TestSAMLBadUsage(t *testing.T) {
	_, key, cert := externalSP(t)
	for name, args := range map[string][]string{
		"SP without SCIM URL":  {"run", "--sp-acs-url", "http://127.0.0.1:1/saml/acs"},
		"SP and credentials":   {"run", "--scim-token", "t", "--sp-acs-url", "http://127.0.0.1:1/saml/acs", "--sp-entity-id", "e", "--sp-whoami-url", "http://127.0.0.1:1/w", "--idp-key", key, "--idp-cert", cert, "--idp-entity-id", "i"},
		"SP and fault":         {"run", "--fault", "jit-no-sync", "--sp-acs-url", "http://127.0.0.1:1/saml/acs", "--sp-entity-id", "e", "--sp-whoami-url", "http://127.0.0.1:1/w", "--idp-key", key, "--idp-cert", cert, "--idp-entity-id", "i"},
		"incomplete contract":  {"run", "--scim-url", "http://127.0.0.1:1/scim/v2", "--sp-acs-url", "http://127.0.0.1:1/saml/acs"},
		"bad jit policy":       {"run", "--sp-jit", "maybe"},
		"bad sync policy":      {"run", "--sp-sync", "sometimes"},
		"bad IdP-initiated":    {"run", "--sp-idp-initiated", "maybe"},
		"bad NameID case":      {"run", "--sp-nameid-case", "fold"},
		"bad transient policy": {"run", "--sp-transient", "keep"},
		"bad link policy":      {"run", "--sp-link", "sometimes"},
		"bad clock skew":       {"run", "--sp-clock-skew", "soon"},
		"negative clock skew":  {"run", "--sp-clock-skew", "-1m"},
		"incomplete IdP 2":     {"run", "--scim-url", "http://127.0.0.1:1/scim/v2", "--sp-acs-url", "http://127.0.0.1:1/acs", "--sp-entity-id", "e", "--sp-whoami-url", "http://127.0.0.1:1/w", "--idp-key", key, "--idp-cert", cert, "--idp-entity-id", "i", "--idp2-key", key},
		"relative ACS URL":     {"run", "--scim-url", "http://127.0.0.1:1/scim/v2", "--sp-acs-url", "/acs", "--sp-entity-id", "e", "--sp-whoami-url", "http://127.0.0.1:1/w", "--idp-key", key, "--idp-cert", cert, "--idp-entity-id", "i"},
		"IdP key is not a key": {"run", "--scim-url", "http://127.0.0.1:1/scim/v2", "--sp-acs-url", "http://127.0.0.1:1/acs", "--sp-entity-id", "e", "--sp-whoami-url", "http://127.0.0.1:1/w", "--idp-key", cert, "--idp-cert", cert, "--idp-entity-id", "i"},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := run(t, append(args, "--out", t.TempDir())...)
			assert.Equal(t, exitUsage, code, stderr)
			oneLine(t, stderr)
		})
	}
}

func TestServeTrustsTheGivenIdP(t *testing.T) {
	_, _, cert := externalSP(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // serve prints its endpoints, then returns at once
	var out, errb bytes.Buffer
	code := Run(ctx, []string{"serve", "--idp-cert", cert, "--idp-entity-id", "https://idp.example.test/saml"}, &out, &errb)
	require.Equal(t, exitOK, code, errb.String())
	assert.Contains(t, out.String(), "/saml/acs")
	assert.NotContains(t, out.String(), "trusts no IdP")

	code, _, stderr := run(t, "serve", "--idp-cert", cert)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "go together")
	code, _, _ = run(t, "serve", "--idp-cert", filepath.Join(t.TempDir(), "none.pem"), "--idp-entity-id", "x")
	assert.Equal(t, exitUsage, code)
}

func TestSAMLPolicyFlags(t *testing.T) {
	sf := samlFlags{jit: "off", sync: "ON", idpInitiated: "off", nameIDCase: "Insensitive", transient: "temporary", required: "email, givenName,", link: "auto", domains: "example.com"}
	p, err := sf.policy()
	require.NoError(t, err)
	assert.Equal(t, saml.Policy{Sync: "on", IdPInitiated: "off", NameIDCase: "insensitive", Transient: "temporary",
		Required: []string{"email", "givenName"}, Link: "auto", AllowedDomains: []string{"example.com"}}, p)
}

func TestSAMLRoleMapperFlags(t *testing.T) {
	sf := samlFlags{jit: "on", roleAttr: " memberOf ", roleMap: "provcheck-admins=admin, ops = operator"}
	p, err := sf.policy()
	require.NoError(t, err)
	assert.Equal(t, "memberOf", p.RoleAttr)
	assert.Equal(t, map[string]string{"provcheck-admins": "admin", "ops": "operator"}, p.RoleMap)
	for _, bad := range []samlFlags{
		{roleAttr: "memberOf", roleMap: "noequals"},
		{roleAttr: "memberOf", roleMap: "=admin"},
		{roleAttr: "memberOf"},
		{roleMap: "a=b"},
	} {
		_, err := bad.policy()
		assert.Error(t, err, "%+v", bad)
	}
	p, err = (&samlFlags{}).policy()
	require.NoError(t, err)
	assert.Empty(t, p.RoleAttr)
	assert.Nil(t, p.RoleMap)
}
