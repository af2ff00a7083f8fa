// Package saml holds the checks of a SAML 2.0 service provider with
// just-in-time (JIT) provisioning: first-login semantics (catalogue lines
// J01…) and SCIM + JIT coexistence (C01…). provcheck plays the IdP: it signs
// assertions with the mock IdP's identity, which the SP trusts, posts them
// to the SP's assertion consumer service, and asks two oracles which
// account the login landed in: the SP's whoami URL (with the session's
// cookies) and, when given, the SCIM endpoint of the same application.
//
// An ACS status code alone never decides a case: every login ends in one of
// the catalogue's verdicts (Verdict), computed from the whoami answer and
// the accounts the SCIM oracle sees before and after.
package saml

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// SP is the target contract of a SAML SP (DESIGN.md, "The target contract").
type SP struct {
	// ACSURL is the assertion consumer service (HTTP-POST binding).
	ACSURL string
	// EntityID is the SP's entity ID, the audience of its assertions.
	EntityID string
	// LoginURL, if set, starts an SP-initiated login: it answers with a
	// redirect (HTTP-Redirect binding) or a form (HTTP-POST binding)
	// carrying an AuthnRequest. Without it logins are IdP-initiated.
	LoginURL string
	// WhoamiURL answers JSON about the session's account.
	WhoamiURL string
	// WhoamiID, WhoamiUserName and WhoamiEmail are dotted JSON paths into
	// the whoami answer ("id", "user.email", "emails.0.value"). WhoamiID is
	// required (default "id"); the others default to "userName" and
	// "email" and may be absent from the answer.
	WhoamiID, WhoamiUserName, WhoamiEmail string
	// WhoamiGroups, if set, is a dotted JSON path into the whoami answer
	// to the list of the session's group or role names (the roles
	// oracle of catalogue J16, J17); "" means the SP shows none.
	WhoamiGroups string
	// LinkURL, if set, starts linking another IdP identity to the account
	// of the session (catalogue J26): with a logged-in session it answers
	// with an AuthnRequest, as LoginURL does; the response to it links the
	// asserted identity to that account. Its presence declares that the
	// SP supports linking.
	LinkURL string
	// EncryptionCert is the certificate the SP publishes for encryption
	// (KeyDescriptor use="encryption"); nil means none: the encrypted
	// assertion cases (catalogue E) skip.
	EncryptionCert *x509.Certificate
}

// Policy is what the SP declares about JIT provisioning; the
// policy-dependent cases are resolved against it.
type Policy struct {
	// JIT says an unknown NameID gets an account at its first login.
	JIT bool
	// Sync is "on" (attributes are updated at every login), "off"
	// (create-only) or "" (not declared: attribute updates are not judged).
	Sync string
	// IdPInitiated is "on" (unsolicited responses accepted), "off" (only
	// answers to the SP's own AuthnRequests) or "" (not declared).
	IdPInitiated string
	// NameIDCase is "exact" or "" (NameIDs are compared byte for byte) or
	// "insensitive" (the SP documents case folding of NameIDs).
	NameIDCase string
	// Transient is "temporary" when the SP creates a temporary user for a
	// transient NameID, "reject" when it refuses them, or "" (not
	// declared: any outcome but a persistent account per login passes).
	Transient string
	// Required are the names of the attributes without which the SP
	// refuses a login (rule R9), as sent (see Attributes).
	Required []string
	// AllowedDomains, if any, are the email domains the SP accepts; a
	// login with another is refused or gets an account without linking.
	AllowedDomains []string
	// Link is "auto" when the SP links a login to an existing account
	// holding the asserted email (a policy-driven link, rule R4), "deny"
	// or "" when it never does without proof.
	Link string
	// RoleAttr is the name of the attribute whose values the SP maps to
	// roles or groups (for example memberOf); "" when not declared.
	RoleAttr string
	// ClockSkew is the SP's declared tolerance on the assertion's
	// validity window (catalogue P04), when ClockSkewDeclared; undeclared,
	// the time cases assume five minutes (secSkew) and P04 only measures.
	ClockSkew         time.Duration
	ClockSkewDeclared bool
	// RoleMap is the SP's declared mapping table, asserted value to the
	// role or group name whoami shows: only these values grant a role.
	// Whether a later login without a value removes its role follows
	// Sync.
	RoleMap map[string]string
	// CertValidity is the declared handling of a pinned signing
	// certificate outside its validity window (K11): "enforce" (refused),
	// "ignore" (accepted while the certificate is pinned) or "" (not
	// declared: either outcome passes and is logged).
	CertValidity string
	// Encryption is "required" (a plaintext assertion is refused),
	// "optional" (encrypted and plaintext assertions are accepted), "off"
	// (encrypted assertions are not accepted) or "" (not declared).
	Encryption string
}

// requires reports whether the SP declares the attribute name required.
func (p Policy) requires(name string) bool {
	for _, r := range p.Required {
		if strings.EqualFold(strings.TrimSpace(r), name) {
			return true
		}
	}
	return false
}

// Attribute names the mock IdP sends for the mapped attributes.
type Attributes struct {
	Email, GivenName, Surname string
}

// DefaultAttributes are the basic attribute names most SPs map: email,
// givenName, sn.
func DefaultAttributes() Attributes {
	return Attributes{Email: "email", GivenName: "givenName", Surname: "sn"}
}

// Env is what every SAML check receives through suites.T.Env.
type Env struct {
	// SP is the contract of the SP under test; an empty ACSURL means the
	// run has no SP and every SAML check is skipped.
	SP SP
	// IdP is the signing identity the SP trusts.
	IdP *mockidp.Identity
	// SecondIdP is a second identity the SP trusts as another IdP (its own
	// entity ID and key), or nil: the check of catalogue line J07 skips.
	SecondIdP *mockidp.Identity
	// RolloverIdP, WeakIdP and ExpiredIdP are further signing identities
	// of the IdP (same entity ID) whose certificates the SP trusts, or nil:
	// a rollover certificate from its metadata (K04), an RSA-1024 one
	// (K06) and one outside its validity window (K11); without one its
	// check skips.
	RolloverIdP, WeakIdP, ExpiredIdP *mockidp.Identity
	// CanaryListen is the address the out-of-band canary listens on (""
	// means 127.0.0.1:0, a fresh loopback port per check); CanaryURL, if
	// set, is the base URL the SP reaches it at, used in payloads.
	CanaryListen, CanaryURL string
	// Policy is the SP's declared JIT policy.
	Policy Policy
	// Attrs are the attribute names sent; zero means DefaultAttributes.
	Attrs Attributes
	// SCIM is the SCIM client of the same application, or nil. It counts
	// and reads accounts and deletes (after adopting them into the ledger)
	// those the checks' logins created.
	SCIM *target.Client
	// Listing is the accounts-listing oracle (--sp-accounts-url), or nil.
	// Without SCIM it counts the accounts (Δu); it deletes nothing.
	Listing *AcctListing
	// Leftovers, if set, collects the accounts that logins created and
	// provcheck could not delete (no SCIM client), for the operator.
	Leftovers *AcctLeftovers
	// Transcript, if set, receives the exchanges with the SP in the run's
	// transcript (redacted), besides the check's evidence.
	Transcript *target.Client
	// RunID is the run marker put into every NameID and email.
	RunID string
	// Transport carries the requests to the SP (TLS settings); nil means
	// http.DefaultTransport.
	Transport http.RoundTripper
	// Now is the clock of the mock IdP; nil means time.Now.
	Now func() time.Time
}

// Session returns the SAML environment of a check, aborting the check if
// the runner provided none. A check run with --force although the contract
// it needs (the SP, or the SCIM oracle) is missing is skipped with the
// reason: forcing cannot make up a missing endpoint.
func Session(t *suites.T) *Env {
	e, ok := t.Env().(*Env)
	if !ok || e == nil {
		t.Abort(fmt.Errorf("check %s needs a SAML environment but the run has none", t.Name()))
	}
	for _, c := range t.Check().Requires {
		if c == suites.CapSAML || c == suites.CapSAMLSCIM {
			if ok, why := e.Has(c); !ok {
				t.Skipf("%s", why)
			}
		}
	}
	return e
}

// Configured reports whether the SP contract is complete, and if not, what
// is missing.
func (e *Env) Configured() (bool, string) {
	switch {
	case e == nil || e.SP.ACSURL == "":
		return false, "no SAML SP given (--sp-acs-url, --sp-entity-id, --sp-whoami-url and the IdP identity the SP trusts)"
	case e.SP.EntityID == "":
		return false, "the SP contract lacks the SP's entity ID (--sp-entity-id)"
	case e.SP.WhoamiURL == "":
		return false, "the SP contract lacks the whoami oracle (--sp-whoami-url), so no login can be observed"
	case e.IdP == nil || e.IdP.Key == nil || e.IdP.Cert == nil || e.IdP.EntityID == "":
		return false, "no IdP identity the SP trusts (--idp-key, --idp-cert, --idp-entity-id)"
	}
	return true, ""
}

// Has reports whether the run offers a SAML capability, and if not why.
func (e *Env) Has(c suites.Capability) (bool, string) {
	if ok, why := e.Configured(); !ok {
		return false, why
	}
	switch c {
	case suites.CapSAMLSCIM:
		if e.SCIM == nil {
			return false, "no SCIM endpoint of the same application given (--scim-url), so accounts cannot be counted or provisioned"
		}
	case suites.CapJIT:
		if !e.Policy.JIT {
			return false, "the SP declares JIT creation off (--sp-jit off)"
		}
	}
	return true, ""
}

// now is the IdP's clock.
func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Env) attrs() Attributes {
	if e.Attrs == (Attributes{}) {
		return DefaultAttributes()
	}
	return e.Attrs
}

func (e *Env) spInfo() mockidp.SPInfo {
	return mockidp.SPInfo{EntityID: e.SP.EntityID, ACSURL: e.SP.ACSURL}
}

// allowedOrigin reports whether u is on a host of the SP contract: login
// and attack payloads go nowhere else, and redirects elsewhere are not
// followed.
func (e *Env) allowedOrigin(u *url.URL) bool {
	for _, s := range []string{e.SP.ACSURL, e.SP.LoginURL, e.SP.WhoamiURL, e.SP.LinkURL} {
		if s == "" {
			continue
		}
		o, err := url.Parse(s)
		if err == nil && strings.EqualFold(o.Scheme, u.Scheme) && strings.EqualFold(o.Host, u.Host) {
			return true
		}
	}
	return false
}

// Person is one user as the mock IdP asserts them: a persistent NameID and
// the mapped attributes. Every value carries the run marker.
type Person struct {
	NameID                   string
	Email, GivenName, Family string
}

// newPerson returns a person with fresh, run-unique identifiers.
func (e *Env) newPerson(tag string) Person {
	return Person{
		NameID:    fmt.Sprintf("pc-%s-%s-%s", tag, e.RunID, randHex(6)),
		Email:     e.newEmail(tag),
		GivenName: "Given" + randHex(3),
		Family:    "Family" + randHex(3),
	}
}

// newEmail returns a fresh, run-unique email address at example.com.
func (e *Env) newEmail(tag string) string {
	return fmt.Sprintf("pc-%s-%s-%s@example.com", tag, e.RunID, randHex(4))
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
