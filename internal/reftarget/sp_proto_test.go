package reftarget

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The probes of the protocol faults: each holds on the correct SP and
// breaks with its own fault (or one that shares its symptom, listed in
// jitOverlaps).
func init() {
	for f, p := range protoFaultProbes {
		faultProbes[f] = p
	}
	for f, also := range protoOverlaps {
		jitOverlaps[f] = append(jitOverlaps[f], also...)
	}
}

// protoOverlaps: an SP that checks no audience, or no time at all, also
// shows the symptoms of the narrower protocol faults.
var protoOverlaps = map[Fault][]Fault{
	FaultSecNoAudience:              {FaultProtoUnsolicitedNoAudience},
	FaultProtoUnsolicitedNoAudience: {FaultSecNoAudience},
	FaultSecNoTimeChecks:            {FaultProtoLenientSkew},
}

var protoFaultProbes = map[Fault]func(c *client) bool{
	FaultProtoLenientSkew: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		b, code := secPost(c.t, c.s, signedResponse(c.t, assertion{nameID: "p-skew", notBefore: time.Now().Add(10 * time.Minute)}))
		return code == http.StatusForbidden && b.whoamiID() == "" && userCount(c.s) == 0
	},
	FaultProtoUnsolicitedNoAudience: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		b, code := secPost(c.t, c.s, signedResponse(c.t, assertion{nameID: "p-unsolicited-aud", audience: "https://other-sp.test/metadata"}))
		return code == http.StatusForbidden && b.whoamiID() == "" && userCount(c.s) == 0
	},
	FaultProtoFlowChange: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		id := spLogin(c.t, newBrowser(c.t, c.s))
		b, code := secPost(c.t, c.s, signedResponse(c.t, assertion{nameID: "p-flow", inResponseTo: id}))
		return code == http.StatusForbidden && b.whoamiID() == "" && userCount(c.s) == 0
	},
	FaultProtoOpenRedirect: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		rec := newBrowser(c.t, c.s).postForm(url.Values{"SAMLResponse": {signedResponse(c.t, assertion{nameID: "p-relay"})}, "RelayState": {"https://attacker.test/"}}, false)
		return rec.Code == http.StatusSeeOther && rec.Header().Get("Location") == SPPath+"/whoami"
	},
	FaultProtoIgnoreSessionExpiry: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		b, code := secPost(c.t, c.s, protoSessionNotOnOrAfter(c.t, signedResponse(c.t, assertion{nameID: "p-session"}), time.Now().Add(-time.Minute)))
		return code == http.StatusForbidden && b.whoamiID() == "" && userCount(c.s) == 0
	},
}

// protoSessionNotOnOrAfter sets the AuthnStatement's SessionNotOnOrAfter
// of an encoded response and signs its assertion again.
func protoSessionNotOnOrAfter(t testing.TB, encoded string, at time.Time) string {
	t.Helper()
	key, cert := testIdPIdentity(t)
	return secEdit(t, encoded, func(doc *etree.Document) {
		as := doc.Root().SelectElement("saml:Assertion")
		as.FindElement(".//saml:AuthnStatement").CreateAttr("SessionNotOnOrAfter", at.UTC().Format(time.RFC3339))
		as.RemoveChild(as.SelectElement("ds:Signature"))
		secSign(t, as, key, cert)
	})
}

// TestProtoSessionNotOnOrAfter: the session ends at the assertion's
// SessionNotOnOrAfter when it comes before the SP's own lifetime.
func TestProtoSessionNotOnOrAfter(t *testing.T) {
	s := New(Options{})
	trustTestIdP(t, s)
	b := newBrowser(t, s)
	rec := b.post(protoSessionNotOnOrAfter(t, signedResponse(t, assertion{nameID: "p-short"}), time.Now().Add(2*time.Second)))
	require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
	require.NotEmpty(t, b.whoamiID())
	s.sp.mu.Lock()
	sess := s.sp.sessions[b.session]
	s.sp.mu.Unlock()
	assert.WithinDuration(t, time.Now().Add(2*time.Second), sess.expires, 2*time.Second)
}

// TestProtoSkewBothSides: the declared two minutes hold on both sides of
// the validity window (gosaml2's SubjectConfirmationData check included);
// five minutes do not.
func TestProtoSkewBothSides(t *testing.T) {
	s := New(Options{})
	trustTestIdP(t, s)
	key, cert := testIdPIdentity(t)
	shifted := func(d time.Duration) string {
		return secEdit(t, signedResponse(t, assertion{nameID: "p-sweep-" + d.String()}), func(doc *etree.Document) {
			as := doc.Root().SelectElement("saml:Assertion")
			end := time.Now().Add(d).UTC().Format(time.RFC3339)
			as.FindElement(".//saml:SubjectConfirmationData").CreateAttr("NotOnOrAfter", end)
			as.FindElement(".//saml:Conditions").CreateAttr("NotOnOrAfter", end)
			as.FindElement(".//saml:Conditions").CreateAttr("NotBefore", time.Now().Add(d-time.Minute).UTC().Format(time.RFC3339))
			as.RemoveChild(as.SelectElement("ds:Signature"))
			secSign(t, as, key, cert)
		})
	}
	b, code := secPost(t, s, shifted(-time.Minute))
	assert.Equal(t, http.StatusSeeOther, code)
	assert.NotEmpty(t, b.whoamiID(), "a minute expired is within two minutes of skew")
	_, code = secPost(t, s, shifted(-5*time.Minute))
	assert.Equal(t, http.StatusForbidden, code, "five minutes expired is beyond the skew")
}
