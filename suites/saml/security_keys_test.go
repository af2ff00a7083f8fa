package saml

import (
	"context"
	"encoding/base64"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
)

// TestSecKeysTable: the keys checks are literal, are in SecChecks, cover
// their line, say which flags give what they need, and
// carry the catalogue's level.
func TestSecKeysTable(t *testing.T) {
	checks := SecChecks()
	byID := map[string]suites.Check{}
	for _, c := range checks {
		byID[c.ID] = c
	}
	src, err := os.ReadFile("security_keys.go")
	require.NoError(t, err)
	levels := map[string]suites.Level{"K04": suites.Must, "K06": suites.Should, "K11": suites.Must, "K12": suites.Must}
	flags := map[string]string{"K04": "--idp-rollover-key", "K06": "--idp-weak-key", "K11": "--sp-cert-validity", "K12": "--idp2-key"}
	for _, c := range secKeysTable {
		a := c.attack(secDescribeParams)
		ch, ok := byID[c.id]
		require.True(t, ok, c.id)
		assert.Equal(t, "SAML-SEC-"+a.ID, c.id)
		assert.Equal(t, c.id, ch.ID)
		assert.Contains(t, string(src), `id: "`+c.id+`"`)
		assert.Equal(t, []string{a.ID}, ch.Covers)
		assert.Equal(t, levels[a.ID], ch.Level, c.id)
		assert.Contains(t, ch.Rule, flags[a.ID], c.id)
		assert.NotEqual(t, secKeysNone, c.keys, c.id)
		assert.Contains(t, ch.Spec, "catalogue "+a.ID)
		assert.Contains(t, []string{secCore, secExtended}, ch.Labels[2])
		_, waived := SecUncovered[a.ID]
		assert.False(t, waived, "%s is covered", a.ID)
	}
	assert.Equal(t, suites.Example, byID["SAML-SEC-K04"].Kind, "K04 is a positive control")
	assert.ElementsMatch(t, []Verdict{RejectedClean, ServerError, AcceptedAsExpected}, secCase{outcome: secKeysEither}.allowed())
}

// TestSecKeysSkipWithTheFlags: without the identity it needs, each keys
// check is skipped and the reason names the flags that give it.
func TestSecKeysSkipWithTheFlags(t *testing.T) {
	e := &Env{SP: SP{ACSURL: "http://127.0.0.1:1/acs", EntityID: "sp", WhoamiURL: "http://127.0.0.1:1/w"}, IdP: sharedIdP(t), RunID: "r"}
	want := map[string]string{"SAML-SEC-K04": "--idp-rollover-key", "SAML-SEC-K06": "--idp-weak-key",
		"SAML-SEC-K11": "--idp-expired-key", "SAML-SEC-K12": "--idp2-key"}
	for _, c := range secKeysChecks() {
		r := suites.RunOne(context.Background(), c, suites.Options{Env: e, Has: e.Has})
		assert.Equal(t, suites.Skipped, r.Status, "%s: %s", c.ID, r.Reason)
		assert.Contains(t, r.Reason, want[c.ID], c.ID)
	}
}

// TestSecKeysNaiveSP: an SP that trusts whatever certificate KeyInfo
// carries accepts the rollover control (K04) and is caught by K12 as a
// takeover; K11 follows the declared policy.
func TestSecKeysNaiveSP(t *testing.T) {
	sp := newSecNaiveSP(t, sharedIdP(t))
	env := sp.env()
	second, err := mockidp.GenerateIdentity("https://idp2.elsewhere.test/metadata", time.Now(), nil)
	require.NoError(t, err)
	rollover, err := mockidp.GenerateRolloverKeysIdentity(env.IdP.EntityID, time.Now(), nil)
	require.NoError(t, err)
	expired, err := mockidp.GenerateExpiredKeysIdentity(env.IdP.EntityID, time.Now(), false, nil)
	require.NoError(t, err)
	env.SecondIdP, env.RolloverIdP, env.ExpiredIdP = second, rollover, expired
	run := func(id string) suites.Result {
		for _, c := range secKeysChecks() {
			if c.ID == id {
				return suites.RunOne(context.Background(), c, suites.Options{Env: env, Has: env.Has})
			}
		}
		t.Fatalf("no check %s", id)
		return suites.Result{}
	}
	r := run("SAML-SEC-K04")
	assert.Equal(t, suites.Passed, r.Status, r.Reason)
	r = run("SAML-SEC-K12")
	assert.Equal(t, suites.Failed, r.Status, r.Reason)
	assert.Contains(t, r.Reason, "account takeover")
	assert.Contains(t, r.Reason, string(AcceptedAsVictim))

	// goxmldsig checks the window of the certificate it verifies with: the
	// naive SP enforces validity, so only the declared "ignore" fails.
	for pol, status := range map[string]suites.Status{"": suites.Passed, "ignore": suites.Failed, "enforce": suites.Passed} {
		env.Policy.CertValidity = pol
		r = run("SAML-SEC-K11")
		assert.Equal(t, status, r.Status, "policy %q: %s", pol, r.Reason)
		if pol == "ignore" {
			assert.Contains(t, r.Reason, string(RejectedClean))
			assert.Contains(t, r.Reason, "--sp-cert-validity ignore", "the reason names the declared policy")
		}
	}
	env.ExpiredIdP = rollover
	r = run("SAML-SEC-K11")
	assert.Equal(t, suites.Skipped, r.Status)
	assert.Contains(t, r.Reason, "is valid now")
}

// TestSecCanaryListenAndURL: with a fixed canary address and the base
// URL the SP reaches it at, payloads name that URL (one token per case),
// the checks take turns on the port, and a fetch is still caught.
func TestSecCanaryListenAndURL(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	public := "http://" + addr + "/behind-proxy/"
	urlRE := regexp.MustCompile(`"(http://` + regexp.QuoteMeta(addr) + `/behind-proxy/oob/[^"]+)"`)
	var mu sync.Mutex
	var seen []string
	mux := http.NewServeMux()
	mux.HandleFunc("POST /acs", func(w http.ResponseWriter, r *http.Request) {
		raw, _ := base64.StdEncoding.DecodeString(r.FormValue("SAMLResponse"))
		if m := urlRE.FindSubmatch(raw); m != nil {
			mu.Lock()
			seen = append(seen, string(m[1]))
			mu.Unlock()
			if resp, err := http.Get(string(m[1])); err == nil {
				resp.Body.Close()
			}
		}
		http.Error(w, "refused", http.StatusForbidden)
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no session", http.StatusUnauthorized) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	env := &Env{SP: SP{ACSURL: srv.URL + "/acs", EntityID: "urn:fetching-sp", WhoamiURL: srv.URL + "/me"},
		IdP: sharedIdP(t), RunID: "pckeys01", CanaryListen: addr, CanaryURL: public}
	var wg sync.WaitGroup
	results := map[string]suites.Result{}
	var rmu sync.Mutex
	for _, c := range SecChecks() {
		if c.ID != "SAML-SEC-X02-PARAMETER" && c.ID != "SAML-SEC-X02-GENERAL" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := suites.RunOne(context.Background(), c, suites.Options{Env: env, Has: env.Has})
			rmu.Lock()
			results[c.ID] = r
			rmu.Unlock()
		}()
	}
	wg.Wait()
	require.Len(t, results, 2)
	for id, r := range results {
		assert.Equal(t, suites.Failed, r.Status, "%s: %s", id, r.Reason)
		assert.Contains(t, r.Reason, "the SP fetched an external entity", id)
		assert.Contains(t, r.Reason, "/behind-proxy/oob/provcheck-"+strings.ToLower(strings.TrimPrefix(id, "SAML-SEC-")), id)
	}
	require.Len(t, seen, 2)
	assert.NotEqual(t, seen[0], seen[1], "one token per case")
}
