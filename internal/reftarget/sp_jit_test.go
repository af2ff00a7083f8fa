package reftarget

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The probes of the JIT faults of sp_jit.go join faultProbes, so TestFaults
// and TestFaultsAreTargeted cover them.
func init() {
	for f, p := range jitFaultProbes {
		faultProbes[f] = p
	}
}

// jitRefused reports whether c's SP, its declared policy changed by
// change (if not nil), refuses a login of nameID with attrs (403) and
// creates no account.
func jitRefused(c *client, change func(p *SPPolicy), nameID string, attrs ...string) bool {
	trustTestIdP(c.t, c.s)
	if change != nil {
		c.s.sp.mu.Lock()
		change(&c.s.sp.policy)
		c.s.sp.mu.Unlock()
	}
	_, code := login(c.t, c.s, nameID, attrs...)
	return code == http.StatusForbidden && userCount(c.s) == 0
}

// jitOverlaps are the faults (keys) whose symptom the probes of other
// faults (values) also observe, besides those TestFaultsAreTargeted lists.
var jitOverlaps = map[Fault][]Fault{
	FaultSoftDelete:             {FaultJITDeletedResurrected},
	FaultJITDuplicateOnLogin:    {FaultJITEmailNotUnique},
	FaultJITCreateRace:          {FaultJITEmailNotUnique},
	FaultJITEmailNormalizedLink: {FaultJITMatchOnEmail},
	FaultJITAnyEmailValue:       {FaultJITMatchOnEmail},
	FaultJITMatchOnUserName:     {FaultJITKeyIgnoresIssuer},
}

var jitFaultProbes = map[Fault]func(c *client) bool{
	FaultJITNameIDCaseInsensitive: func(c *client) bool {
		return jitApart(c, "p-caseABC", "c1@example.com", "p-caseabc", AttrEmail, "c2@example.com")
	},
	FaultJITTransientKeyed: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		b := newBrowser(c.t, c.s)
		code := b.post(signedResponse(c.t, assertion{nameID: "_t1", format: nameIDTransient, attrs: [][2]string{{AttrEmail, "t@example.com"}}})).Code
		return code == http.StatusForbidden && userCount(c.s) == 0
	},
	FaultJITEmptyNameID: func(c *client) bool {
		return jitRefused(c, nil, "", AttrEmail, "empty@example.com")
	},
	FaultJITPlaceholderEmail: func(c *client) bool {
		return jitRefused(c, func(p *SPPolicy) { p.RequireEmail = true }, "p-noemail", AttrGivenName, "No")
	},
	FaultJITMatchOnUserName: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		id := c.createUser(user("p-local"))
		b, _ := login(c.t, c.s, "p-local", AttrEmail, "l@example.com")
		return b.whoamiID() != id
	},
	FaultJITEmailNormalizedLink: func(c *client) bool {
		return jitApart(c, "p-victim", "v@example.com", "p-variant", AttrEmail, "V+tag@example.com.")
	},
	FaultJITAnyEmailValue: func(c *client) bool {
		return jitApart(c, "p-victim", "v@example.com", "p-multi", AttrEmail, "v@example.com", AttrEmail, "a@example.com")
	},
	FaultJITUnsolicitedAccepted: func(c *client) bool {
		return jitRefused(c, func(p *SPPolicy) { p.AllowIdPInitiated = false }, "p-unsolicited", AttrEmail, "u@example.com")
	},
	FaultJITLongName500: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		_, code := login(c.t, c.s, "p-long", AttrEmail, "long@example.com", AttrGivenName, strings.Repeat("Ω", 300))
		return code == http.StatusSeeOther
	},
	FaultJITDeletedResurrected: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		first, _ := login(c.t, c.s, "p-deleted", AttrEmail, "del@example.com")
		old := first.whoamiID()
		c.do("DELETE", "/Users/"+old, nil)
		again, _ := login(c.t, c.s, "p-deleted", AttrEmail, "del@example.com")
		return old != "" && again.whoamiID() != old
	},
	FaultJITEmailNotUnique: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		login(c.t, c.s, "p-owner", AttrEmail, "own@example.com")
		login(c.t, c.s, "p-second", AttrEmail, "own@example.com")
		return userCount(c.s) == 1
	},
	FaultJITNameIDMatchesEmail: func(c *client) bool {
		return jitApart(c, "p-victim", "v@example.com", "v@example.com", AttrEmail, "other@example.com")
	},
	FaultJITKeyIgnoresIssuer: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		_, cert := testIdPN(1)
		c.s.TrustSecondIdP(TrustedIdP{EntityID: testIdP2EntityID, Cert: cert})
		first, _ := login(c.t, c.s, "p-same", AttrEmail, "a@example.com")
		b := newBrowser(c.t, c.s)
		b.post(signedResponse(c.t, assertion{nameID: "p-same", second: true, attrs: [][2]string{{AttrEmail, "b@example.com"}}}))
		fresh := newBrowser(c.t, c.s)
		fresh.post(signedResponse(c.t, assertion{nameID: "p-fresh", second: true, attrs: [][2]string{{AttrEmail, "f@example.com"}}}))
		return first.whoamiID() != "" && fresh.whoamiID() != "" && b.whoamiID() != first.whoamiID()
	},
	FaultJITSCIMPostDuplicates: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		login(c.t, c.s, "p-jit", AttrEmail, "jit@example.com")
		return c.do("POST", "/Users", user("p-scim-later", "externalId", "p-jit")).code == http.StatusConflict && userCount(c.s) == 1
	},
}

// jitApart reports whether, after a login of nameID1 with email1, a login
// of nameID2 with the attributes attrs2 lands in another account or in
// none.
func jitApart(c *client, nameID1, email1, nameID2 string, attrs2 ...string) bool {
	trustTestIdP(c.t, c.s)
	first, _ := login(c.t, c.s, nameID1, AttrEmail, email1)
	second, _ := login(c.t, c.s, nameID2, attrs2...)
	return first.whoamiID() != "" && second.whoamiID() != first.whoamiID()
}

func TestSPJITRefusals(t *testing.T) {
	pol := DefaultSPPolicy()
	pol.RequireEmail = true
	s := newSP(t, Options{SPPolicy: &pol})
	for name, a := range map[string]assertion{
		"empty NameID":      {nameID: "", attrs: [][2]string{{AttrEmail, "e@example.com"}}},
		"transient NameID":  {nameID: "_tr", format: nameIDTransient, attrs: [][2]string{{AttrEmail, "t@example.com"}}},
		"no required email": {nameID: "p-ne", attrs: [][2]string{{AttrGivenName, "G"}}},
	} {
		rec := newBrowser(t, s).post(signedResponse(t, a))
		assert.Equal(t, http.StatusForbidden, rec.Code, name)
	}
	assert.Equal(t, 0, userCount(s))
}

func TestSPAllowedDomains(t *testing.T) {
	pol := DefaultSPPolicy()
	pol.AllowedDomains = []string{"example.com"}
	s := newSP(t, Options{SPPolicy: &pol})
	_, code := login(t, s, "p-in", AttrEmail, "in@EXAMPLE.com")
	assert.Equal(t, http.StatusSeeOther, code)
	_, code = login(t, s, "p-out", AttrEmail, "out@example.org")
	assert.Equal(t, http.StatusForbidden, code)
	assert.Equal(t, 1, userCount(s))
	assert.False(t, jitDomainAllowed("no-at-sign", pol.AllowedDomains))
}

func TestJITNormalizeEmail(t *testing.T) {
	for _, v := range []string{"V@Example.com", "ｖ@example.com", "v+x@example.com", "v@example.com.", " v@example.com "} {
		assert.Equal(t, "v@example.com", jitNormalizeEmail(v), v)
	}
	assert.Equal(t, "i@example.com", jitNormalizeEmail("ı@example.com"))
}

func TestSCIMPostAfterJITConflicts(t *testing.T) {
	s := newSP(t, Options{})
	b, _ := login(t, s, "p-first", AttrEmail, "f@example.com")
	require.NotEmpty(t, b.whoamiID())
	c := &client{t: t, s: s, token: s.Token()}
	r := c.do("POST", "/Users", user("someone", "externalId", "p-first"))
	assert.Equal(t, http.StatusConflict, r.code)
	// Without a SAML link, externalId is not unique (RFC 7643 §3.1).
	c.createUser(user("a1", "externalId", "shared"))
	c.createUser(user("a2", "externalId", "shared"))
}
