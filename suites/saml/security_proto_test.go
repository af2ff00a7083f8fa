package saml

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/suites"
)

// TestProtoChecksAreLiteral: every protocol check has a literal ID that
// names the catalogue line it covers, and the lines are no longer waived.
func TestProtoChecksAreLiteral(t *testing.T) {
	checks := protoChecks()
	require.NoError(t, suites.Validate(checks))
	src, err := os.ReadFile("security_proto.go")
	require.NoError(t, err)
	for _, c := range checks {
		require.Len(t, c.Covers, 1, c.ID)
		line := c.Covers[0]
		assert.True(t, c.ID == "SAML-SEC-"+line || strings.HasPrefix(c.ID, "SAML-SEC-"+line+"-"), "%s names %s", c.ID, line)
		assert.Contains(t, string(src), `"`+c.ID+`"`)
		assert.Contains(t, c.Spec, "catalogue "+line)
		assert.NotContains(t, SecUncovered, line)
		assert.Equal(t, line == "P23", c.Level == suites.Should, "%s: P23 is informational (should)", c.ID)
	}
}

// TestProtoMeasured: the window is the run of accepted offsets from the
// smallest on, per side; a later acceptance is flagged.
func TestProtoMeasured(t *testing.T) {
	var probes []protoProbe
	for _, d := range protoSweep {
		probes = append(probes, protoProbe{d: -d, accepted: d <= 60*time.Second}, protoProbe{d: d, accepted: d <= 180*time.Second || d == 900*time.Second})
	}
	m := protoMeasured(probes)
	assert.Contains(t, m, "into the past: accepted up to 1m0s, refused from 3m0s")
	assert.Contains(t, m, "into the future: accepted up to 3m0s, refused from 5m0s (not monotone")
	none := protoMeasured([]protoProbe{{d: -30 * time.Second}, {d: 30 * time.Second}})
	assert.Contains(t, none, "into the past: no offset accepted, refused from 30s")
}

// TestProtoRedirectRE: a meta refresh or a script assigning the location
// is a redirect; a link in the text is not.
func TestProtoRedirectRE(t *testing.T) {
	for _, page := range []string{
		`<meta http-equiv="refresh" content="0; url=https://attacker.test/">`,
		`<script>window.location.href = "https://attacker.test/"</script>`,
		`<script>location.replace('//attacker.test/')</script>`,
	} {
		m := protoRedirectRE.FindString(page)
		assert.Contains(t, m, protoAttackerHost, page)
	}
	assert.Empty(t, protoRedirectRE.FindString(`<a href="https://attacker.test/">not followed</a>`))
}

// TestProtoNaiveSPIsCaught: an SP that checks neither time, audience nor
// session lifetime, declared with two minutes of skew and IdP-initiated
// login on, fails the sweep and the unsolicited audience case, and warns
// on SessionNotOnOrAfter; its RelayState handling (it ignores it) passes.
func TestProtoNaiveSPIsCaught(t *testing.T) {
	sp := newSecNaiveSP(t, sharedIdP(t))
	env := sp.env()
	env.Policy.IdPInitiated = "on"
	env.Policy.ClockSkew, env.Policy.ClockSkewDeclared = 2*time.Minute, true
	want := map[string]struct {
		status suites.Status
		reason string
	}{
		"SAML-SEC-P04":              {suites.Failed, "accepted beyond the declared tolerance (by 1m0s or more): -180s, +180s, -300s, +300s, -900s, +900s"},
		"SAML-SEC-P16-OFF":          {suites.Skipped, "--sp-idp-initiated off"},
		"SAML-SEC-P16-ON-VALID":     {suites.Passed, ""},
		"SAML-SEC-P16-ON-AUDIENCE":  {suites.Failed, string(AcceptedAsExpected)},
		"SAML-SEC-P16-ON-RECIPIENT": {suites.Failed, string(AcceptedAsExpected)},
		"SAML-SEC-P17":              {suites.Skipped, "--sp-login-url"},
		"SAML-SEC-P21-ABSOLUTE":     {suites.Passed, ""},
		"SAML-SEC-P23-SHORT":        {suites.Warning, "still alive"},
		"SAML-SEC-P23-PAST":         {suites.Warning, "had passed"},
	}
	byID := map[string]suites.Check{}
	for _, c := range protoChecks() {
		byID[c.ID] = c
	}
	for id, w := range want {
		c, ok := byID[id]
		require.True(t, ok, "no check %s", id)
		r := suites.RunOne(context.Background(), c, suites.Options{Env: env, Has: env.Has})
		assert.Equal(t, w.status, r.Status, "%s: %s", id, r.Reason)
		assert.Contains(t, r.Reason, w.reason, id)
	}
	// Undeclared, the sweep measures and passes.
	env.Policy.ClockSkewDeclared = false
	r := suites.RunOne(context.Background(), byID["SAML-SEC-P04"], suites.Options{Env: env, Has: env.Has})
	assert.Equal(t, suites.Passed, r.Status, r.Reason)
	assert.Contains(t, strings.Join(r.Logs, "\n"), "measured clock-skew tolerance: into the past: accepted up to 15m0s, nothing refused")
}
