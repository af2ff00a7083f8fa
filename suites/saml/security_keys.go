package saml

import (
	"cmp"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
)

// The keys cases of catalogue §5.4 that need more of the contract than the
// IdP's own identity: K04 (the IdP's rollover certificate), K06 (an
// RSA-1024 certificate registered for the IdP), K11 (a pinned certificate
// outside its validity window, judged by the declared policy) and K12 (a
// second trusted IdP). Each is skipped, with the flags to set, when the
// contract lacks its identity.

// secKeysNeed names the identity a keys case needs.
type secKeysNeed int

const (
	secKeysNone secKeysNeed = iota
	secKeysRollover
	secKeysWeak
	secKeysExpired
	secKeysSecond
)

// secKeysTable are the rows, in catalogue order, appended to secTable's in
// SecChecks.
var secKeysTable = []secCase{
	{id: "SAML-SEC-K04", tier: secCore, outcome: secControl, keys: secKeysRollover, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.KeysRollover(p.Rollover)
	}},
	{id: "SAML-SEC-K06", tier: secExtended, keys: secKeysWeak, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.WeakRSA1024(p.Weak) }},
	{id: "SAML-SEC-K11", tier: secExtended, keys: secKeysExpired, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.KeysExpiredCertificate(p.Expired)
	}},
	{id: "SAML-SEC-K12", tier: secCore, keys: secKeysSecond, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.KeysOtherIdP(p.Victim, p.SecondIdP)
	}},
}

// secKeysRules are the titles and rules of the keys checks where the
// generic ones of secCase.check do not say enough: what the SP must trust
// for the case to mean anything, and the flags that give it.
var secKeysRules = map[string][2]string{
	"SAML-SEC-K04": {"A response signed with the IdP's rollover certificate (listed second in its metadata) is accepted as the victim (positive control)",
		"An IdP publishes its next signing certificate next to the current one in its metadata before a key rollover; an SP that trusts the metadata accepts responses signed with either. The baseline response for the canary victim V, signed with the rollover key (its certificate in KeyInfo), must log in as V's account. Needs the rollover identity the SP trusts for the same IdP entity ID (--idp-rollover-key, --idp-rollover-cert; `provcheck mockidp serve` with those flags lists its certificate in the metadata); skipped without it."},
	"SAML-SEC-K06": {"A response signed with an RSA-1024 key the SP has registered is refused or warned about",
		"NIST SP 800-131A disallows RSA keys under 2048 bits for signatures. The SP should refuse a response signed with an RSA-1024 key even when an administrator registered its certificate for the IdP (a refusal: REJECTED_CLEAN; acceptance is reported as a warning); it never logs in anyone else. The case means something only if the SP trusts that certificate, so it needs the RSA-1024 identity registered with the SP for the IdP's entity ID (--idp-weak-key, --idp-weak-cert); skipped without it. The response names the attacker's own fresh identity, never V."},
	"SAML-SEC-K11": {"A response signed with a pinned certificate outside its validity window is handled as the SP declares",
		"A signing certificate the SP pins for the IdP but that has expired (or is not yet valid) signs a response. gosaml2 refuses it (\"Cert is not valid at this time\"); many SPs ignore the validity of pinned certificates. The case is decided by the declared policy --sp-cert-validity: enforce: the response (for the attacker's own fresh identity) must be refused (REJECTED_CLEAN); ignore: the response for the canary victim V must log in as V (a positive control); not declared: either outcome passes and is logged, a session for anyone else or a refusal with side effects fails. The certificate must be one the SP has registered for the IdP's entity ID (--idp-expired-key, --idp-expired-cert; the embedded reference SP gets a generated, expired one). A certificate re-issued over the pinned key with past dates is not used: an SP that pins certificate bytes would refuse it as unknown, which says nothing about its validity policy. Skipped without that identity, or when its certificate is valid now."},
	"SAML-SEC-K12": {"A response with the IdP's Issuer signed with another trusted IdP's key is refused",
		"Rule R1: a signing key is bound to its issuer. A multi-IdP SP that trusts IdP A and IdP B must verify a response whose Issuer is A with A's keys only. The response names A as Issuer and the canary victim V (an account of A) as subject, signed by B's key; a correct SP refuses it (REJECTED_CLEAN, J23); a session for V is an account takeover by IdP B (ACCEPTED_AS_VICTIM). Needs the second IdP the SP trusts (--idp2-key, --idp2-cert, --idp2-entity-id); skipped without it."},
}

// secKeysChecks are the catalogue entries of secKeysTable.
func secKeysChecks() []suites.Check {
	out := make([]suites.Check, 0, len(secKeysTable))
	for _, c := range secKeysTable {
		ch := c.check()
		if r, ok := secKeysRules[c.id]; ok {
			ch.Title, ch.Rule = r[0], r[1]
		}
		out = append(out, ch)
	}
	return out
}

// secKeysPrepare gives a keys case the identity it needs, or skips it with
// the flags that give it, and resolves K11's outcome from the declared
// validity policy.
func (e *Env) secKeysPrepare(t *suites.T, c secCase, p *mockidp.AttackParams) secCase {
	switch c.keys {
	case secKeysRollover:
		if e.RolloverIdP == nil {
			t.Skipf("no rollover identity of the IdP %s the SP trusts: give its key and certificate (--idp-rollover-key, --idp-rollover-cert) and register the certificate with the SP (`provcheck mockidp serve` lists it in the metadata)", e.IdP.EntityID)
		}
		p.Rollover = e.RolloverIdP
	case secKeysWeak:
		if e.WeakIdP == nil {
			t.Skipf("no RSA-1024 identity the SP trusts: the case means something only if an administrator registered an RSA-1024 certificate for the IdP %s (--idp-weak-key, --idp-weak-cert)", e.IdP.EntityID)
		}
		p.Weak = e.WeakIdP
	case secKeysExpired:
		if e.ExpiredIdP == nil {
			t.Skipf("no pinned certificate outside its validity window: register an expired (or not yet valid) certificate for the IdP %s with the SP and give it with its key (--idp-expired-key, --idp-expired-cert)", e.IdP.EntityID)
		}
		why := mockidp.KeysValidityAt(e.ExpiredIdP.Cert, e.now())
		if why == "" {
			t.Skipf("the certificate of --idp-expired-cert is valid now (%s to %s); the case needs one that has expired or is not yet valid",
				e.ExpiredIdP.Cert.NotBefore.UTC().Format("2006-01-02"), e.ExpiredIdP.Cert.NotAfter.UTC().Format("2006-01-02"))
		}
		p.Expired = e.ExpiredIdP
		pol := cmp.Or(e.Policy.CertValidity, "not declared")
		build := c.attack
		c.attack = func(p mockidp.AttackParams) mockidp.Attack {
			a := build(p)
			a.Title += " (" + why + "; --sp-cert-validity " + pol + ")"
			return a
		}
		switch e.Policy.CertValidity {
		case "enforce":
			c.outcome = secRefuse
			t.Logf("declared policy --sp-cert-validity enforce: the SP must refuse a response signed with the pinned certificate (%s)", why)
		case "ignore":
			c.outcome = secControl
			t.Logf("declared policy --sp-cert-validity ignore: the SP must accept the response for the canary victim V signed with the pinned certificate (%s)", why)
		default:
			c.outcome = secKeysEither
			t.Logf("no validity policy declared (--sp-cert-validity): a refusal and a login as the honest principal both pass; the verdict below says what the SP does with a pinned certificate that is %s", why)
		}
	case secKeysSecond:
		if e.SecondIdP == nil {
			t.Skipf("no second IdP the SP trusts (--idp2-key, --idp2-cert, --idp2-entity-id)")
		}
		if e.SecondIdP.EntityID == e.IdP.EntityID {
			t.Skipf("the second IdP has the first one's entity ID %s; the case needs two issuers", e.IdP.EntityID)
		}
		p.SecondIdP = e.SecondIdP
	}
	return c
}
