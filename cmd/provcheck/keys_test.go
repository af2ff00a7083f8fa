package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/mockidp"
)

// keysFiles writes id as PEM files in dir and returns their names.
func keysFiles(t *testing.T, dir, name string, id *mockidp.Identity) (string, string) {
	t.Helper()
	key, cert := filepath.Join(dir, name+".key"), filepath.Join(dir, name+".crt")
	require.NoError(t, id.WritePEM(key, cert))
	return key, cert
}

func TestKeysFlagsBadUsage(t *testing.T) {
	_, key, cert := externalSP(t)
	dir := t.TempDir()
	now := time.Now()
	current, err := mockidp.GenerateIdentity("i", now, nil)
	require.NoError(t, err)
	weak, err := mockidp.GenerateRSA1024Identity("i", now, nil)
	require.NoError(t, err)
	currentKey, currentCert := keysFiles(t, dir, "current", current)
	weakKey, _ := keysFiles(t, dir, "weak", weak)
	sp := []string{"run", "--scim-url", "http://127.0.0.1:1/scim/v2", "--sp-acs-url", "http://127.0.0.1:1/acs", "--sp-entity-id", "e",
		"--sp-whoami-url", "http://127.0.0.1:1/w", "--idp-key", key, "--idp-cert", cert, "--idp-entity-id", "i"}
	for name, args := range map[string][]string{
		"bad validity policy":        {"run", "--sp-cert-validity", "sometimes"},
		"canary address":             {"run", "--canary-listen", "nonsense"},
		"canary port":                {"run", "--canary-listen", "127.0.0.1:99999"},
		"canary on every interface":  {"run", "--canary-listen", "0.0.0.0:8099"},
		"canary URL on a fresh port": {"run", "--canary-url", "http://tester.example:8099"},
		"canary URL not http":        {"run", "--canary-listen", "0.0.0.0:8099", "--canary-url", "ftp://tester.example/"},
		"canary URL with query":      {"run", "--canary-listen", "0.0.0.0:8099", "--canary-url", "http://tester.example:8099/?a=b"},
		"rollover without cert":      append(append([]string{}, sp...), "--idp-rollover-key", currentKey),
		"rollover is the current":    append(append([]string{}, sp...), "--idp-rollover-key", key, "--idp-rollover-cert", cert),
		"weak key is strong":         append(append([]string{}, sp...), "--idp-weak-key", currentKey, "--idp-weak-cert", currentCert),
		"expired cert is valid":      append(append([]string{}, sp...), "--idp-expired-key", currentKey, "--idp-expired-cert", currentCert),
		"rollover pair mismatch":     append(append([]string{}, sp...), "--idp-rollover-key", weakKey, "--idp-rollover-cert", currentCert),
		"rollover without SP":        {"run", "--idp-rollover-key", currentKey, "--idp-rollover-cert", currentCert},
		"serve weak half":            {"mockidp", "serve", "--addr", "127.0.0.1:0", "--idp-weak-key", weakKey},
	} {
		t.Run(name, func(t *testing.T) {
			if args[0] == "run" {
				args = append(args, "--out", t.TempDir())
			}
			code, _, stderr := run(t, args...)
			assert.Equal(t, exitUsage, code, stderr)
			oneLine(t, stderr)
		})
	}
}

// TestKeysExternalSPFromProfile: an SP that registered the IdP's rollover,
// RSA-1024 and expired certificates is checked with the profile keys of
// the keys contract, and the canary is placed where the profile says.
func TestKeysExternalSPFromProfile(t *testing.T) {
	for _, tc := range []struct {
		fault reftarget.Fault
		want  map[string]string
	}{
		{"", map[string]string{"SAML-SEC-K04": "passed", "SAML-SEC-K06": "passed", "SAML-SEC-K11": "passed", "SAML-SEC-K12": "skipped", "SAML-SEC-X02-GENERAL": "passed"}},
		{reftarget.FaultKeysIgnoreCertValidity, map[string]string{"SAML-SEC-K11": "failed"}},
	} {
		var faults []reftarget.Fault
		if tc.fault != "" {
			faults = append(faults, tc.fault)
		}
		ref, key, cert := externalSP(t, faults...)
		dir := t.TempDir()
		entity := "https://idp.example.test/saml"
		now := time.Now()
		rollover, err := mockidp.GenerateRolloverKeysIdentity(entity, now, nil)
		require.NoError(t, err)
		weak, err := mockidp.GenerateRSA1024Identity(entity, now, nil)
		require.NoError(t, err)
		expired, err := mockidp.GenerateExpiredKeysIdentity(entity, now, true, nil)
		require.NoError(t, err)
		for _, id := range []*mockidp.Identity{rollover, weak, expired} {
			ref.Server.TrustKeysCertificate(entity, id.Cert)
		}
		rk, rc := keysFiles(t, dir, "rollover", rollover)
		wk, wc := keysFiles(t, dir, "weak", weak)
		ek, ec := keysFiles(t, dir, "expired", expired)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		canary := ln.Addr().String()
		require.NoError(t, ln.Close())
		profile := filepath.Join(dir, "sp.yaml")
		require.NoError(t, os.WriteFile(profile, []byte(
			"scim-url: "+ref.URL+"\nscim-token: "+ref.Token+"\n"+
				"sp-acs-url: "+ref.SP.ACSURL+"\nsp-entity-id: "+ref.SP.EntityID+"\nsp-login-url: "+ref.SP.LoginURL+"\n"+
				"sp-whoami-url: "+ref.SP.WhoamiURL+"\nsp-sync: \"on\"\nsp-cert-validity: enforce\n"+
				"idp-key: "+key+"\nidp-cert: "+cert+"\nidp-entity-id: "+entity+"\n"+
				"idp-rollover-key: "+rk+"\nidp-rollover-cert: "+rc+"\n"+
				"idp-weak-key: "+wk+"\nidp-weak-cert: "+wc+"\n"+
				"idp-expired-key: "+ek+"\nidp-expired-cert: "+ec+"\n"+
				"canary-listen: "+canary+"\ncanary-url: http://"+canary+"/canary\n"), 0o600))
		out := t.TempDir()
		code, _, stderr := run(t, "run", "--run", "SAML-SEC-K04,SAML-SEC-K06,SAML-SEC-K11,SAML-SEC-K12,SAML-SEC-X02-GENERAL", "--out", out, "--profile", profile)
		if tc.fault == "" {
			require.Equal(t, exitOK, code, stderr)
		} else {
			assert.Equal(t, exitFailed, code, stderr)
		}
		st := statuses(t, out)
		for id, want := range tc.want {
			assert.Equal(t, want, st[id], "%s (fault %q): %s", id, tc.fault, stderr)
		}
		if tc.fault == "" {
			report, err := os.ReadFile(filepath.Join(out, "report.json"))
			require.NoError(t, err)
			assert.Contains(t, string(report), "http://"+canary+"/canary/oob/provcheck-x02-general-", "payloads name the canary URL")
		}
	}
}

func TestKeysMockIdPServeGeneratesAndLists(t *testing.T) {
	dir := t.TempDir()
	files := []string{"--idp-rollover-key", filepath.Join(dir, "r.key"), "--idp-rollover-cert", filepath.Join(dir, "r.crt"),
		"--idp-expired-key", filepath.Join(dir, "e.key"), "--idp-expired-cert", filepath.Join(dir, "e.crt")}
	serve := func() string {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // serve prints what to register, then returns
		var out, errb bytes.Buffer
		code := Run(ctx, append([]string{"mockidp", "serve", "--addr", "127.0.0.1:0"}, files...), &out, &errb)
		require.Equal(t, exitOK, code, errb.String())
		return out.String()
	}
	out := serve()
	assert.Contains(t, out, "rollover:       generated and written to "+filepath.Join(dir, "r.key"))
	assert.Contains(t, out, "expired:        generated and written to "+filepath.Join(dir, "e.key"))
	assert.Equal(t, 2, bytes.Count([]byte(out), []byte("also signing:")))
	rollover, err := mockidp.LoadIdentity("x", filepath.Join(dir, "r.key"), filepath.Join(dir, "r.crt"))
	require.NoError(t, err)
	assert.Contains(t, out, rollover.Fingerprint())
	expired, err := mockidp.LoadIdentity("x", filepath.Join(dir, "e.key"), filepath.Join(dir, "e.crt"))
	require.NoError(t, err)
	assert.NotEmpty(t, mockidp.KeysValidityAt(expired.Cert, time.Now()))
	assert.Contains(t, serve(), "rollover:       loaded from "+filepath.Join(dir, "r.key"))
}
