package saml

import (
	"fmt"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
)

// linkChecks are the checks of catalogue line J26: an identity is linked
// to an existing account only through an authenticated, SP-initiated
// link flow bound to the session that started it (rule R4).
var linkChecks = []suites.Check{
	{
		ID: "SAML-JIT-024", Title: "An unsolicited response arriving while a user is signed in never links the asserted identity to that user's account",
		Spec:  "SAML Profiles §4.1.5; catalogue R4, R11",
		Rule:  `User A is signed in; an unsolicited Response (no InResponseTo) for a new NameID N2 is posted to the ACS in A's browser (as a cross-site form post would). The SP may refuse it or sign the browser in as N2 (when IdP-initiated login is allowed), but never links N2 to A: a later login of N2 from a fresh browser never lands in A's account (whoami), and A is untouched.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:core"}, Covers: []string{"J26"},
		Run: func(t *suites.T) {
			e := Session(t)
			a, n2 := e.newPerson("j26a"), e.newPerson("j26u")
			e.cleanup(t, a, n2)
			b, victim := e.linkSignIn(t, a)
			before := e.accounts(t, a, n2)
			pl := e.prepareIn(b, n2, jitLogin{unsolicited: true})
			pl.l.Flow = "unsolicited (posted in A's signed-in browser)"
			t.Logf("unsolicited response for N2 in A's browser: %s", pl.send().Summary())
			e.linkNeverLinked(t, n2, victim, "an unsolicited response for it arrived while A was signed in")
			e.victimUntouched(t, before, victim.ID)
		},
	},
	{
		ID: "SAML-JIT-025", Title: "A link flow started cross-site, without the session, or with a forged state never links an identity to the signed-in account",
		Spec:  "SAML Profiles §4.1.4.1, §4.1.4.3; OWASP login CSRF; catalogue R4",
		Rule:  `User A is signed in. Into A's browser the harness posts Responses for new NameIDs that answer (1) a link request another browser started with its own session (--sp-link-url), (2) a link request started without any session (if the SP starts one at all), (3) a forged request ID, and (4) a login request of another browser (--sp-login-url). None of them links: a later login of each NameID from a fresh browser never lands in A's account, and A is untouched.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:extended"}, Covers: []string{"J26"},
		Run: func(t *suites.T) {
			e := Session(t)
			if e.SP.LinkURL == "" {
				t.Skipf("the SP contract has no link flow (--sp-link-url), so a cross-site link flow cannot be started")
			}
			a, m := e.newPerson("j26a"), e.newPerson("j26m")
			foreign, sessionless, forged, login := e.newPerson("j26f"), e.newPerson("j26s"), e.newPerson("j26x"), e.newPerson("j26l")
			people := []Person{a, m, foreign, sessionless, forged, login}
			e.cleanup(t, people...)
			b, victim := e.linkSignIn(t, a)
			before := e.accounts(t, people...)

			// (1) The attacker, signed in to an account of their own,
			// starts linking and sends the answer into A's browser.
			x, _ := e.linkSignIn(t, m)
			if req, err := x.authnRequestAt(e.SP.LinkURL); err != nil {
				t.Logf("(1) the attacker's signed-in browser could not start a link flow: %v; not sent", err)
			} else {
				e.linkAnswer(b, foreign, req, "(1) answers a link request of the attacker's session")
				e.linkNeverLinked(t, foreign, victim, "(1) it answered a link request another session started and was posted in A's browser")
			}

			// (2) A link request started without a session.
			if req, err := newBrowser(t, e).authnRequestAt(e.SP.LinkURL); err != nil {
				t.Logf("(2) without a session the link URL starts no flow (expected): %v", err)
			} else {
				t.Logf("(2) without a session the link URL still answered an AuthnRequest %s", req.ID)
				e.linkAnswer(b, sessionless, req, "(2) answers a link request started without a session")
				e.linkNeverLinked(t, sessionless, victim, "(2) it answered a link request started without a session and was posted in A's browser")
			}

			// (3) A forged request ID (a state the SP never issued).
			e.linkAnswer(b, forged, &mockidp.AuthnRequest{ID: "_pc-forged-" + randHex(10)}, "(3) answers a forged request ID")
			e.linkNeverLinked(t, forged, victim, "(3) it answered a forged request ID and was posted in A's browser")

			// (4) A login request of another browser.
			if e.SP.LoginURL == "" {
				t.Logf("(4) no --sp-login-url: a foreign login request cannot be obtained; not sent")
			} else if req, err := newBrowser(t, e).authnRequestAt(e.SP.LoginURL); err != nil {
				t.Logf("(4) the login URL gave no AuthnRequest: %v; not sent", err)
			} else {
				e.linkAnswer(b, login, req, "(4) answers a login request of another browser")
				e.linkNeverLinked(t, login, victim, "(4) it answered another browser's login request and was posted in A's browser")
			}
			e.victimUntouched(t, before, victim.ID)
		},
	},
	{
		ID: "SAML-JIT-026", Title: "The genuine link flow (signed in, link URL, answer to its AuthnRequest) links the identity to the account (positive control)",
		Spec:  "SAML Profiles §4.1.4; catalogue R4",
		Rule:  `Positive control of the link checks, when the SP declares linking (--sp-link-url): user A signs in, starts linking at the link URL, and the browser posts the answer to that AuthnRequest for a new NameID N2. A later login of N2 from a fresh browser lands in A's account (whoami), no account is created for N2 (Δu = 0), and A still signs in to A. An SP that asks for a confirmation page the harness cannot script fails this SHOULD with the reason.`,
		Level: suites.Should, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:extended"}, Covers: []string{"J26"},
		Run: func(t *suites.T) {
			e := Session(t)
			if e.SP.LinkURL == "" {
				t.Skipf("the SP contract declares no link flow (--sp-link-url)")
			}
			a, n2 := e.newPerson("j26a"), e.newPerson("j26g")
			e.cleanup(t, a, n2)
			b, owner := e.linkSignIn(t, a)
			req, err := b.authnRequestAt(e.SP.LinkURL)
			if err != nil {
				t.Fatalf("the SP declares a link flow, but in A's signed-in browser %v", err)
			}
			before := e.accounts(t, a, n2)
			l := e.linkAnswer(b, n2, req, "the genuine link flow")
			after := e.accounts(t, a, n2)
			if added := before.added(after); len(added) > 0 {
				t.Errorf("the link answer created an account instead of linking: %s; expected Δu = 0", delta(before, after))
			}
			later := e.login(t, n2)
			switch {
			case later.Session == nil:
				t.Errorf("after the link flow (%s) N2 %s cannot sign in: %s; expected A's account %s (NEEDS_INTERACTION if the SP asks for a confirmation the harness cannot script)", l.Summary(), n2.NameID, later.Summary(), owner)
			case later.Session.ID != owner.ID:
				t.Errorf("after the link flow (%s) N2 %s signs in to %s, not A's account %s (%s)", l.Summary(), n2.NameID, later.Session, owner, AcceptedAsOther)
			default:
				t.Logf("N2 is linked: %s", later.Summary())
			}
			if again := needSession(t, e.login(t, a), "A signs in again"); again.ID != owner.ID {
				t.Errorf("after linking N2, A signs in to %s, not its account %s", again, owner)
			}
		},
	},
}

// linkSignIn signs p in from a fresh browser and returns the browser,
// which keeps the session, and the session's principal.
func (e *Env) linkSignIn(t *suites.T, p Person) (*browser, Principal) {
	b := newBrowser(t, e)
	s := needSession(t, e.prepareIn(b, p).send(), fmt.Sprintf("sign-in of %s", p.NameID))
	return b, s
}

// linkAnswer posts, in browser b, a Response for p answering the
// AuthnRequest req (InResponseTo = req.ID, its RelayState), and returns
// the login.
func (e *Env) linkAnswer(b *browser, p Person, req *mockidp.AuthnRequest, what string) *Login {
	pl := e.prepareIn(b, p, jitLogin{unsolicited: true, edit: func(s *mockidp.ResponseSpec) { s.SetInResponseTo(req.ID) }})
	if req.RelayState != "" {
		pl.form.Set("RelayState", req.RelayState)
		pl.evidence += "\nRelayState: " + req.RelayState
	}
	pl.l.Flow = fmt.Sprintf("%s (InResponseTo %s):", what, req.ID)
	l := pl.send()
	b.t.Logf("%s", l.Summary())
	return l
}

// linkNeverLinked fails the check when a fresh login of p lands in the
// account of victim: p's identity was linked to it.
func (e *Env) linkNeverLinked(t *suites.T, p Person, victim Principal, how string) {
	l := e.login(t, p)
	isVictim := func(s Principal) bool { return s.ID == victim.ID }
	switch v := classify(l, func(s Principal) bool { return !isVictim(s) }, isVictim, ""); v {
	case AcceptedAsVictim:
		t.Errorf("identity linked without a genuine link flow: NameID %s, after %s, signs in to A's account %s (%s)", p.NameID, how, victim, v)
	default:
		t.Logf("NameID %s after %s: %s (%s; not linked to A)", p.NameID, how, l.Summary(), v)
	}
}
