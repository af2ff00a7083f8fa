package saml

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
)

// The protocol checks of catalogue §5.5 that are not one crafted response
// judged by secRun: P04 (the clock-skew sweep, a measurement judged against
// the declared tolerance), P16 and P17 (unsolicited responses, judged
// against the declared IdP-initiated policy), P21 (RelayState after login)
// and P23 (SessionNotOnOrAfter, informational). SecChecks appends them to
// the table's checks.

// protoMargin is how far beyond the declared clock skew a P04 probe must
// be to count as clearly outside it; protoGuard how far inside to count as
// clearly inside (timestamps are whole seconds, and the request takes
// time). Probes between are logged, not judged.
const (
	protoMargin = time.Minute
	protoGuard  = 15 * time.Second
)

// protoSweep are the offsets of the P04 sweep, each probed into the past
// and into the future.
var protoSweep = []time.Duration{30 * time.Second, 60 * time.Second, 180 * time.Second, 300 * time.Second, 900 * time.Second}

// protoSessionLife is the SessionNotOnOrAfter of P23-SHORT after the issue
// instant; protoSessionWait is how long after it whoami is asked again.
// Together they keep the check to a few seconds.
const (
	protoSessionLife = 2 * time.Second
	protoSessionWait = 2 * time.Second
)

// protoAttackerHost is the off-site host of the P21 RelayState values.
const protoAttackerHost = "attacker.test"

// protoSkew is the clock skew the time cases go beyond: the declared
// tolerance (--sp-clock-skew), else secSkew.
func (p Policy) protoSkew() time.Duration {
	if p.ClockSkewDeclared {
		return p.ClockSkew
	}
	return secSkew
}

// protoChecks are the checks of this file, in catalogue order.
func protoChecks() []suites.Check {
	sec := func(id, tier, title, spec, rule string, level suites.Level, kind suites.Kind, line string, run func(t *suites.T)) suites.Check {
		return secCheck(id, tier, title, "catalogue "+line+"; "+spec, rule, level, kind, []string{line}, run)
	}
	out := []suites.Check{
		sec("SAML-SEC-P04", secExtended, "A clock-skew sweep is accepted within the declared tolerance and refused beyond it; the measured tolerance is reported",
			"crewjam MaxClockSkew; SAML Core 1.3.3",
			"Responses whose validity window (IssueInstant, Conditions and SubjectConfirmationData alike) is shifted by ±30, 60, 180, 300 and 900 s (each a fresh person and browser): with a declared tolerance (--sp-clock-skew) every offset at least 15 s inside it is accepted and every offset a minute or more beyond it refused, a refusal leaving no account behind; without one the check measures and logs the window the SP accepts.",
			suites.Must, suites.Sequence, "P04", protoSweepRun),
	}
	for _, c := range protoVictimCases {
		kind := suites.Negative
		if c.accept {
			kind = suites.Example
		}
		line, _, _ := strings.Cut(strings.TrimPrefix(c.id, "SAML-SEC-"), "-")
		out = append(out, sec(c.id, secCore, c.title, c.spec, c.rule, suites.Must, kind, line, func(t *suites.T) { protoVictimRun(t, c) }))
	}
	return append(out,
		sec("SAML-SEC-P21-ABSOLUTE", secCore, "RelayState naming an off-site URL never redirects the browser there after login",
			"OWASP SAML Security Cheat Sheet (RelayState allowlist); SAML Bindings 3.5.3",
			"A valid login whose POST carries RelayState=https://attacker.test/: neither the ACS answer nor any redirect after it sends the browser to attacker.test (Location, meta refresh or script). A refused login passes too.",
			suites.Must, suites.Negative, "P21", func(t *suites.T) { protoRelayRun(t, "https://"+protoAttackerHost+"/") }),
		sec("SAML-SEC-P21-SCHEME-RELATIVE", secExtended, "A scheme-relative RelayState never redirects the browser off-site after login",
			"OWASP SAML Security Cheat Sheet (RelayState allowlist); SAML Bindings 3.5.3",
			"A valid login whose POST carries RelayState=//attacker.test/ (a scheme-relative URL a path check may take for a local one): no redirect to attacker.test follows. A refused login passes too.",
			suites.Must, suites.Negative, "P21", func(t *suites.T) { protoRelayRun(t, "//"+protoAttackerHost+"/") }),
		sec("SAML-SEC-P23-SHORT", secExtended, "The SP session does not outlive a short SessionNotOnOrAfter (informational)",
			"SAML Core 2.7.2",
			fmt.Sprintf("A valid login whose AuthnStatement SessionNotOnOrAfter is %s after the issue instant; whoami is asked again %s after it (the check waits that long): a session still alive is a warning. The SP's clock tolerance is not added to the wait.", protoSessionLife, protoSessionWait),
			suites.Should, suites.Sequence, "P23", func(t *suites.T) { protoSessionRun(t, false) }),
		sec("SAML-SEC-P23-PAST", secExtended, "A login whose SessionNotOnOrAfter has passed gets no lasting session (informational)",
			"SAML Core 2.7.2",
			"A valid login whose AuthnStatement SessionNotOnOrAfter lies a minute beyond the clock skew in the past: the SP refuses it or its session is gone at once; a session alive after the login is a warning.",
			suites.Should, suites.Negative, "P23", func(t *suites.T) { protoSessionRun(t, true) }))
}

// protoPerson returns a fresh person the SP can log in: JIT creates the
// account, or, when the SP declares JIT creation off, SCIM provisions it.
// Whatever it gets is cleaned up.
func (e *Env) protoPerson(t *suites.T, tag string) Person {
	p := e.newPerson(tag)
	e.cleanup(t, p)
	if !e.Policy.JIT {
		if e.SCIM == nil {
			t.Skipf("the case logs in fresh people: the SP declares JIT creation off (--sp-jit off) and no SCIM endpoint (--scim-url) can provision them")
		}
		a := e.provision(t, p)
		t.Logf("%s provisioned by SCIM as %s (JIT creation is off)", p.NameID, a)
	}
	return p
}

// protoOpts change how protoSend sends: IdP-initiated even with a login
// URL, and the RelayState instead of the flow's own.
type protoOpts struct {
	unsolicited bool
	relay       string
}

// protoSend builds attack a over the baseline of p (SP-initiated when the
// contract has a login URL, unless o.unsolicited), posts it from a fresh
// browser with the decoded XML and the mutation trace as evidence, and
// returns the login and the browser (its session, if any). The assertion
// is encrypted to the SP when it declares encryption required.
func (e *Env) protoSend(t *suites.T, p Person, a mockidp.Attack, o protoOpts) (*Login, *browser) {
	b := newBrowser(t, e)
	now := e.now()
	spec, l, relay := b.secBaseline(p, now, e.IdP, jitLogin{unsolicited: o.unsolicited})
	if o.relay != "" {
		relay = o.relay
	}
	built, err := a.Build(spec, mockidp.DefaultSignOptions(e.IdP))
	if err != nil {
		t.Abort(fmt.Errorf("mock IdP could not build case %s (harness bug): %w", a.Key(), err))
	}
	if err := a.CheckStillVerifies(built.XML, e.IdP, now); err != nil {
		t.Abort(fmt.Errorf("case %s no longer wraps a valid signature (harness bug): %w", a.Key(), err))
	}
	plain := ""
	if e.encRequired() {
		// The SP refuses plaintext assertions: the case's assertion is
		// encrypted to it, so a refusal says something about the case.
		plain = encBefore(built.XML)
		a.Mutations = append(slices.Clip(a.Mutations), mockidp.EncryptAssertion(mockidp.EncOptions{Cert: e.SP.EncryptionCert}))
		if built, err = a.Build(spec, mockidp.DefaultSignOptions(e.IdP)); err != nil {
			t.Abort(fmt.Errorf("mock IdP could not encrypt case %s (harness bug): %w", a.Key(), err))
		}
	}
	t.Logf("case %s: %s; mutation trace: %s", a.Key(), a.Title, strings.Join(built.Trace, " → "))
	pl := &prepared{b: b, l: l, form: mockidp.PostForm(built.XML, relay), evidence: secEvidence(a, built, relay) + plain}
	return pl.send(), b
}

// protoVictimCase is a P16 or P17 case: a response for the canary victim
// V, who has an account, sent from a browser that started no login, and
// whether it must be accepted.
type protoVictimCase struct {
	// id, title, spec and rule describe the check (spec after the
	// catalogue line).
	id, title, spec, rule string
	// policy is the declared --sp-idp-initiated the case needs ("" any).
	policy string
	// attack builds the response's mutations (the skew for P16-ON-STALE,
	// the foreign request for P17).
	attack func(t *suites.T, e *Env) mockidp.Attack
	// accept: the positive control, which must log in as V.
	accept bool
	// takeover: a session as V is a takeover by the browser that sent it.
	takeover bool
	// why is what makes the response refusable, for reasons.
	why string
}

// protoUnsolicited is P16: an unsolicited Response (no InResponseTo),
// with the mutations of other after its own, when given.
func protoUnsolicited(variant string, other *mockidp.Attack) mockidp.Attack {
	a := mockidp.Unsolicited()
	a.Variant = variant
	if other != nil {
		a.Title += ", " + other.Title
		a.Mutations = append(a.Mutations, other.Mutations[1:]...) // [0] signs the assertion, as a's own
		a.References = append(a.References, other.References...)
	}
	return a
}

// protoVictimCases are the P16 and P17 checks, in catalogue order.
var protoVictimCases = []protoVictimCase{
	{id: "SAML-SEC-P16-OFF", title: "An unsolicited response for an existing account is refused when IdP-initiated login is declared off",
		spec:   "OWASP SAML Security Cheat Sheet (unsolicited response); Grafana allow_idp_initiated; catalogue R11",
		rule:   "With --sp-idp-initiated off, a valid unsolicited Response (no InResponseTo) for the canary victim V, who has an account, gives no session and changes nothing (REJECTED_CLEAN). SAML-JIT-015 covers a new NameID (no JIT); this case covers a login to an existing account.",
		policy: "off",
		why:    "the SP declares IdP-initiated login off (--sp-idp-initiated off) and the response is unsolicited",
		attack: func(*suites.T, *Env) mockidp.Attack { return protoUnsolicited("off", nil) }},
	{id: "SAML-SEC-P16-ON-VALID", title: "A valid unsolicited response is accepted when IdP-initiated login is declared on",
		spec:   "OWASP SAML Security Cheat Sheet (unsolicited response); catalogue R11",
		rule:   "With --sp-idp-initiated on, a valid unsolicited Response (no InResponseTo, correct Recipient, Audience, fresh) for the canary victim V logs in as V (ACCEPTED_AS_EXPECTED): the positive control of the P16-ON cases.",
		policy: "on", accept: true,
		attack: func(*suites.T, *Env) mockidp.Attack { return protoUnsolicited("on-valid", nil) }},
	{id: "SAML-SEC-P16-ON-RECIPIENT", title: "An unsolicited response with a wrong Recipient is refused when IdP-initiated login is declared on",
		spec:   "OWASP SAML Security Cheat Sheet (unsolicited response); python3-saml invalid_subjectconfirmation_recipient; catalogue R11",
		rule:   "With --sp-idp-initiated on, an unsolicited Response whose SubjectConfirmationData Recipient names another SP's ACS is refused: no session, no change (REJECTED_CLEAN).",
		policy: "on",
		why:    "the unsolicited response's Recipient names another SP's ACS",
		attack: func(*suites.T, *Env) mockidp.Attack {
			o := mockidp.WrongRecipient(secOtherSP.ACSURL)
			return protoUnsolicited("on-recipient", &o)
		}},
	{id: "SAML-SEC-P16-ON-AUDIENCE", title: "An unsolicited response with a wrong Audience is refused when IdP-initiated login is declared on",
		spec:   "OWASP SAML Security Cheat Sheet (unsolicited response); python3-saml invalid_audience; catalogue R11",
		rule:   "With --sp-idp-initiated on, an unsolicited Response whose Audience names another SP is refused: no session, no change (REJECTED_CLEAN).",
		policy: "on",
		why:    "the unsolicited response's Audience names another SP",
		attack: func(*suites.T, *Env) mockidp.Attack {
			o := mockidp.WrongAudience(secOtherSP.EntityID)
			return protoUnsolicited("on-audience", &o)
		}},
	{id: "SAML-SEC-P16-ON-STALE", title: "A stale unsolicited response is refused when IdP-initiated login is declared on",
		spec:   "OWASP SAML Security Cheat Sheet (unsolicited response); crewjam TestSPInvalidAssertions; catalogue R11",
		rule:   "With --sp-idp-initiated on, an unsolicited Response whose Conditions NotOnOrAfter passed a minute beyond the clock skew is refused: no session, no change (REJECTED_CLEAN).",
		policy: "on",
		why:    "the unsolicited response expired beyond the clock skew",
		attack: func(_ *suites.T, e *Env) mockidp.Attack {
			o := mockidp.Expired(e.Policy.protoSkew())
			return protoUnsolicited("on-stale", &o)
		}},
	{id: "SAML-SEC-P17", title: "An SP-initiated response replayed into the IdP-initiated path is refused",
		spec:     "OWASP SAML Security Cheat Sheet (unsolicited response, flow-change misuse)",
		rule:     "Another browser (V's) starts an SP-initiated login; the Response answering its AuthnRequest (InResponseTo set) for V is posted from a fresh browser that started no login. A correct SP refuses it whatever its IdP-initiated policy: no session as V, no change (REJECTED_CLEAN). Needs --sp-login-url.",
		takeover: true,
		why:      "the response answers an AuthnRequest another browser made, posted by a browser that started no login",
		attack: func(t *suites.T, e *Env) mockidp.Attack {
			if e.SP.LoginURL == "" {
				t.Skipf("the case replays an SP-initiated response and needs SP-initiated login (--sp-login-url)")
			}
			req := newBrowser(t, e).authnRequest()
			t.Logf("V's browser started a login; its AuthnRequest %s stays pending", req.ID)
			a := mockidp.ForeignInResponseTo(req.ID)
			a.ID, a.Title = "P17", "an SP-initiated Response (InResponseTo of V's browser's AuthnRequest) posted by a browser that started no login"
			a.References = []string{"OWASP SAML Security Cheat Sheet (unsolicited response, flow-change misuse)"}
			return a
		}},
}

// protoVictimRun runs a P16 or P17 case: V gets an account, the response
// for V is sent from a fresh browser, and the verdict is judged: the
// control must be ACCEPTED_AS_EXPECTED, every other case REJECTED_CLEAN
// (a server error is logged), V unchanged.
func protoVictimRun(t *suites.T, c protoVictimCase) {
	e := Session(t)
	if c.policy != "" && !strings.EqualFold(e.Policy.IdPInitiated, c.policy) {
		t.Skipf("the case needs IdP-initiated login declared %s (--sp-idp-initiated %s); the contract declares %q", c.policy, c.policy, e.Policy.IdPInitiated)
	}
	v := e.newPerson("victim")
	e.cleanup(t, v)
	a := c.attack(t, e)
	victim := e.secProvisionVictim(t, v)
	if c.accept && victim.id() == "" {
		t.Skipf("the positive control logs in as the canary victim, who has no account (no SCIM client, JIT creation off)")
	}
	before := e.accounts(t, v)
	t.Logf("oracle before: %s", secSnapshot(before, victim))
	l, _ := e.protoSend(t, v, a, protoOpts{unsolicited: true})
	after := e.accounts(t, v)
	t.Logf("oracle after: %s", secSnapshot(after, victim))
	side := jitSide(l, before, after)
	expected, isVictim := victim.is, func(Principal) bool { return false }
	if c.takeover {
		expected, isVictim = nil, victim.is
	}
	verdict := classify(l, expected, isVictim, side)
	t.Logf("verdict: %s (%s; %s)", verdict, l.Summary(), delta(before, after))
	if c.accept {
		if verdict != AcceptedAsExpected {
			t.Errorf("the SP declares IdP-initiated login on (--sp-idp-initiated on) but a valid unsolicited response for V did not log in as V (id=%s): %s (%s)", victim.id(), l.Summary(), verdict)
		}
		return
	}
	protoJudgeRefusal(t, a.Key()+": "+c.why, l, verdict, side)
	e.victimUntouched(t, before, victim.id())
}

// protoJudgeRefusal judges a login a correct SP refuses: REJECTED_CLEAN
// passes, SERVER_ERROR is logged (robustness), anything else fails with
// the verdict.
func protoJudgeRefusal(t *suites.T, what string, l *Login, verdict Verdict, side string) {
	switch verdict {
	case RejectedClean:
	case ServerError:
		t.Logf("%s: %s (robustness; no session and no side effect)", verdict, l.Summary())
	case RejectedWithSideEffect:
		t.Errorf("%s: the SP refused the login but the accounts changed: %s (%s; J23)", what, side, verdict)
	case AcceptedAsVictim:
		t.Errorf("%s, yet the SP gave this browser a session as the canary victim V: %s (%s)", what, l.Summary(), verdict)
	default:
		t.Errorf("%s, yet the SP accepted it: %s (%s); a correct SP refuses it", what, l.Summary(), verdict)
	}
}

// protoProbe is one step of the P04 sweep.
type protoProbe struct {
	d        time.Duration
	accepted bool
	summary  string
}

// protoSweepRun is P04: an unshifted control login, then one login per
// offset of protoSweep into the past and the future, each a fresh person
// and browser; the accepted window is measured and, when the SP declares
// its tolerance, judged against it.
func protoSweepRun(t *suites.T) {
	e := Session(t)
	probe := func(d time.Duration) protoProbe {
		p := e.protoPerson(t, "p04")
		before := e.accounts(t, p)
		l, _ := e.protoSend(t, p, mockidp.ClockSkewSweep(d), protoOpts{})
		after := e.accounts(t, p)
		if side := jitSide(l, before, after); side != "" {
			t.Errorf("offset %s: the SP refused the login but the accounts changed: %s (%s; J23)", d, side, RejectedWithSideEffect)
		}
		t.Logf("offset %+ds: %s", int(d.Seconds()), l.Summary())
		return protoProbe{d: d, accepted: l.Session != nil, summary: l.Summary()}
	}
	if c := probe(0); !c.accepted {
		t.Abort(fmt.Errorf("INDETERMINATE: the unshifted control login was refused (%s); no tolerance can be measured", c.summary))
	}
	var probes []protoProbe
	for _, d := range protoSweep {
		probes = append(probes, probe(-d), probe(d))
	}
	measured := protoMeasured(probes)
	t.Logf("measured clock-skew tolerance: %s", measured)
	if !e.Policy.ClockSkewDeclared {
		t.Logf("no tolerance declared (--sp-clock-skew): the sweep is a measurement only")
		return
	}
	declared := e.Policy.ClockSkew
	var refusedInside, acceptedBeyond []string
	for _, p := range probes {
		off := fmt.Sprintf("%+ds", int(p.d.Seconds()))
		switch {
		case p.d.Abs()+protoGuard <= declared && !p.accepted:
			refusedInside = append(refusedInside, off)
		case p.d.Abs() >= declared+protoMargin && p.accepted:
			acceptedBeyond = append(acceptedBeyond, off)
		}
	}
	var problems []string
	if len(refusedInside) > 0 {
		problems = append(problems, fmt.Sprintf("refused within the declared tolerance (%s or more inside it): %s", protoGuard, strings.Join(refusedInside, ", ")))
	}
	if len(acceptedBeyond) > 0 {
		problems = append(problems, fmt.Sprintf("accepted beyond the declared tolerance (by %s or more): %s", protoMargin, strings.Join(acceptedBeyond, ", ")))
	}
	if len(problems) > 0 {
		t.Errorf("clock-skew sweep against the declared tolerance %s (--sp-clock-skew): %s; measured tolerance: %s (each login is in the log and the evidence)", declared, strings.Join(problems, "; "), measured)
		return
	}
	t.Logf("declared tolerance %s: every offset %s or more inside it was accepted, every offset %s or more beyond it refused", declared, protoGuard, protoMargin)
}

// protoMeasured describes the window the probes show: on each side the
// largest offset accepted with every smaller one, and the smallest refused.
func protoMeasured(probes []protoProbe) string {
	side := func(sign time.Duration, name string) string {
		var steps []protoProbe
		for _, p := range probes {
			if p.d*sign > 0 {
				steps = append(steps, p)
			}
		}
		slices.SortFunc(steps, func(a, b protoProbe) int { return int((a.d.Abs() - b.d.Abs()) / time.Second) })
		upTo, refusedAt := time.Duration(0), time.Duration(-1)
		monotone := true
		for _, p := range steps {
			switch {
			case p.accepted && refusedAt < 0:
				upTo = p.d.Abs()
			case p.accepted:
				monotone = false
			case refusedAt < 0:
				refusedAt = p.d.Abs()
			}
		}
		s := fmt.Sprintf("%s: accepted up to %s", name, upTo)
		if upTo == 0 {
			s = name + ": no offset accepted"
		}
		if refusedAt >= 0 {
			s += fmt.Sprintf(", refused from %s", refusedAt)
		} else {
			s += ", nothing refused"
		}
		if !monotone {
			s += " (not monotone: a larger offset was accepted after a refusal)"
		}
		return s
	}
	return side(-1, "into the past") + "; " + side(1, "into the future")
}

// protoRedirectRE find a browser redirect in an HTML answer: a meta
// refresh or a script assigning the location.
var protoRedirectRE = regexp.MustCompile(`(?is)<meta[^>]+http-equiv\s*=\s*["']?refresh[^>]*>|location(?:\.href)?\s*=\s*["'][^"']*["']|location\.(?:replace|assign)\(\s*["'][^"']*["']`)

// protoRelayRun is P21: a valid login for a fresh person whose POST carries
// relay as RelayState; the ACS answer and the redirects after it must not
// send the browser to protoAttackerHost. Redirects off the SP's hosts are
// not followed (allowedOrigin).
func protoRelayRun(t *suites.T, relay string) {
	e := Session(t)
	if e.SP.LoginURL == "" && strings.EqualFold(e.Policy.IdPInitiated, "off") {
		t.Skipf("no login can succeed: the SP declares IdP-initiated login off (--sp-idp-initiated off) and the contract has no --sp-login-url")
	}
	p := e.protoPerson(t, "p21")
	a := mockidp.BaselineControl()
	a.ID, a.Variant, a.Title = "P21", "", "a valid response posted with RelayState "+relay
	a.References = []string{"OWASP SAML Security Cheat Sheet (RelayState allowlist)", "SAML Bindings 3.5.3"}
	l, _ := e.protoSend(t, p, a, protoOpts{relay: relay})
	if l.Session == nil {
		t.Logf("the login was refused (%s); no redirect off-site follows a refusal", l.Summary())
	}
	var found []string
	for _, ans := range l.answers {
		if isRedirect(ans.status) {
			loc, err := ans.url.Parse(ans.header.Get("Location"))
			if err == nil && protoOffSite(loc) {
				found = append(found, fmt.Sprintf("%s answered %d with Location %s", ans.url.Redacted(), ans.status, loc.Redacted()))
			} else if err == nil && !e.allowedOrigin(loc) {
				t.Logf("%s redirects to %s, off the contract's hosts: not followed", ans.url.Redacted(), loc.Redacted())
			}
		}
		for _, m := range protoRedirectRE.FindAllString(string(ans.body), -1) {
			if strings.Contains(strings.ToLower(m), protoAttackerHost) {
				found = append(found, fmt.Sprintf("%s answered %d with a page redirecting by %q", ans.url.Redacted(), ans.status, clip(m, 120)))
			}
		}
	}
	if len(found) > 0 {
		t.Errorf("open redirect after login: RelayState %s sent the browser off-site: %s (%s)", relay, strings.Join(found, "; "), l.Summary())
	}
}

// protoSessionRun is P23, informational: a login whose SessionNotOnOrAfter
// is protoSessionLife ahead (past: a minute beyond the clock skew behind);
// a session whoami still shows after it is a warning.
func protoSessionRun(t *suites.T, past bool) {
	e := Session(t)
	p := e.protoPerson(t, "p23")
	life := protoSessionLife
	if past {
		life = -(e.Policy.protoSkew() + protoMargin)
	}
	start := e.now()
	l, b := e.protoSend(t, p, mockidp.ShortSession(life), protoOpts{})
	limit := start.Add(life)
	if l.Session == nil {
		t.Logf("the SP refused the login (%s); no session outlives SessionNotOnOrAfter %s", l.Summary(), limit.UTC().Format(time.RFC3339))
		return
	}
	if past {
		t.Errorf("the SP kept a session although the assertion's SessionNotOnOrAfter %s had passed (%s; SAML Core 2.7.2)", limit.UTC().Format(time.RFC3339), l.Summary())
		return
	}
	wait := time.Until(limit.Add(protoSessionWait))
	t.Logf("logged in (%s); waiting %s, until %s past SessionNotOnOrAfter %s", l.Summary(), wait.Round(time.Millisecond), protoSessionWait, limit.UTC().Format(time.RFC3339))
	select {
	case <-time.After(wait):
	case <-t.Context().Done():
		t.Abort(fmt.Errorf("interrupted while waiting for SessionNotOnOrAfter: %w", t.Context().Err()))
	}
	s, status := b.whoami()
	if s != nil {
		t.Errorf("the session is still alive %s after the assertion's SessionNotOnOrAfter %s: whoami answered %d with %s (SAML Core 2.7.2: the session must not outlive it)", protoSessionWait, limit.UTC().Format(time.RFC3339), status, s)
		return
	}
	t.Logf("after SessionNotOnOrAfter whoami answered %d: no session", status)
}

// protoOffSite reports whether u names the attacker's host of P21.
func protoOffSite(u *url.URL) bool { return strings.EqualFold(u.Hostname(), protoAttackerHost) }
