package mockidp

import (
	"time"
)

// specEdit is a named BeforeSigning spec edit that applies only when the
// spec has an assertion (the baseline does).
func specEdit(name string, edit func(s *ResponseSpec, a *AssertionSpec)) Mutation {
	return Mutation{Name: name, Stage: BeforeSigning, Spec: func(s *ResponseSpec) {
		if s.Assertion != nil {
			edit(s, s.Assertion)
		}
	}}
}

// beyond is how far past the SP's declared clock skew the time cases go.
const beyond = time.Minute

// protocol builds a P case: signed as the baseline (assertion), one spec
// edit.
func protocol(id, variant, title string, o Oracle, references []string, edit Mutation) Attack {
	return Attack{ID: id, Variant: variant, Title: title, References: references, Oracle: o,
		Mutations: []Mutation{signWith(SignAssertion), edit}}
}

// Expired is P01 (crewjam TestSPInvalidAssertions): Conditions
// NotOnOrAfter skew+1m before the issue instant (NotBefore ten minutes
// earlier); everything else valid.
func Expired(skew time.Duration) Attack {
	return protocol("P01", "", "Conditions NotOnOrAfter in the past, beyond the clock skew", OracleRejects,
		[]string{"crewjam TestSPInvalidAssertions", "SAML Core 2.5.1.2"},
		specEdit("conditions-expired", func(s *ResponseSpec, a *AssertionSpec) {
			if a.Conditions == nil {
				a.Conditions = &Conditions{}
			}
			a.Conditions.NotOnOrAfter = s.IssueInstant.Add(-(skew + beyond))
			a.Conditions.NotBefore = a.Conditions.NotOnOrAfter.Add(-10 * time.Minute)
		}))
}

// NotYetValid is P02 (python3-saml not_before_failed): Conditions
// NotBefore skew+1m after the issue instant.
func NotYetValid(skew time.Duration) Attack {
	return protocol("P02", "", "Conditions NotBefore in the future, beyond the clock skew", OracleRejects,
		[]string{"python3-saml not_before_failed", "SAML Core 2.5.1.2"},
		specEdit("conditions-not-yet-valid", func(s *ResponseSpec, a *AssertionSpec) {
			if a.Conditions == nil {
				a.Conditions = &Conditions{}
			}
			a.Conditions.NotBefore = s.IssueInstant.Add(skew + beyond)
			a.Conditions.NotOnOrAfter = a.Conditions.NotBefore.Add(10 * time.Minute)
		}))
}

// ConfirmationExpired is P03 (python3-saml
// invalid_subjectconfirmation_noa): SubjectConfirmationData NotOnOrAfter
// skew+1m before the issue instant while the Conditions hold.
func ConfirmationExpired(skew time.Duration) Attack {
	return protocol("P03", "", "SubjectConfirmationData NotOnOrAfter in the past, Conditions valid", OracleRejects,
		[]string{"python3-saml invalid_subjectconfirmation_noa", "SAML Profiles 4.1.4.2"},
		specEdit("confirmation-expired", func(s *ResponseSpec, a *AssertionSpec) {
			if a.Confirmation == nil {
				a.Confirmation = &SubjectConfirmation{Method: ConfirmationBearer}
			}
			a.Confirmation.NotOnOrAfter = s.IssueInstant.Add(-(skew + beyond))
		}))
}

// WrongAudience is P06 (python3-saml invalid_audience): the one Audience
// is audience (see ForOtherSP for P20, everything addressed elsewhere).
func WrongAudience(audience string) Attack {
	return protocol("P06", "", "Audience names another SP", OracleRejects,
		[]string{"python3-saml invalid_audience", "SAML Profiles 4.1.4.2"},
		specEdit("wrong-audience", func(_ *ResponseSpec, a *AssertionSpec) {
			if a.Conditions != nil {
				a.Conditions.Audiences = []string{audience}
			}
		}))
}

// ExtraAudienceRestriction is P07 (SAML Core 2.5.1.4: every restriction
// must hold): a second AudienceRestriction naming only audience.
func ExtraAudienceRestriction(audience string) Attack {
	return protocol("P07", "", "a second AudienceRestriction that does not name the SP", OracleRejects,
		[]string{"SAML Core 2.5.1.4"},
		specEdit("extra-audience-restriction", func(_ *ResponseSpec, a *AssertionSpec) {
			if a.Conditions != nil {
				a.Conditions.MoreAudienceRestrictions = append(a.Conditions.MoreAudienceRestrictions, []string{audience})
			}
		}))
}

// WrongRecipient is P08 (crewjam; python3-saml
// invalid_subjectconfirmation_recipient): SubjectConfirmationData
// Recipient is recipient.
func WrongRecipient(recipient string) Attack {
	return protocol("P08", "", "SubjectConfirmationData Recipient is not the ACS URL", OracleRejects,
		[]string{"python3-saml invalid_subjectconfirmation_recipient", "SAML Profiles 4.1.4.2"},
		specEdit("wrong-recipient", func(_ *ResponseSpec, a *AssertionSpec) {
			if a.Confirmation != nil {
				a.Confirmation.Recipient = recipient
			}
		}))
}

// WrongDestination is P09 (SAML Bindings 3.5.5.2; gosaml2 olgn09 cases
// 51/56): the Response Destination is destination; empty leaves it out on a
// signed Response (variant "missing").
func WrongDestination(destination string) Attack {
	variant := "wrong"
	if destination == "" {
		variant = "missing"
	}
	a := protocol("P09", variant, "Response Destination "+variant, OracleRejects,
		[]string{"SAML Bindings 3.5.5.2", "gosaml2 olgn09 cases 51/56"},
		specEdit("destination-"+variant, func(s *ResponseSpec, _ *AssertionSpec) { s.Destination = destination }))
	a.Mutations[0] = signWith(SignBoth)
	return a
}

// WrongIssuer is P10 (gosaml2 olgn09 cases 52/54/57/59; crewjam
// TestSPResponseWithNoIssuer): both Issuers are issuer; empty leaves them
// out (variant "missing").
func WrongIssuer(issuer string) Attack {
	variant := "wrong"
	if issuer == "" {
		variant = "missing"
	}
	return protocol("P10", variant, "Response and Assertion Issuer "+variant, OracleRejects,
		[]string{"gosaml2 olgn09 cases 52/54/57/59", "crewjam TestSPResponseWithNoIssuer"},
		specEdit("issuer-"+variant, func(s *ResponseSpec, a *AssertionSpec) {
			s.Issuer = issuer
			a.Issuer = issuer
		}))
}

// FailedStatus is P11 (crewjam TestSPInvalidResponses): StatusCode
// Responder while a signed Assertion is present.
func FailedStatus() Attack {
	return protocol("P11", "", "StatusCode is not Success, an Assertion is present", OracleRejects,
		[]string{"crewjam TestSPInvalidResponses", "SAML Core 3.2.2.2"},
		specEdit("status-responder", func(s *ResponseSpec, _ *AssertionSpec) { s.StatusCode = StatusResponder }))
}

// ForeignInResponseTo is P12 (crewjam "InResponseTo does not match";
// OWASP): InResponseTo, on the Response and the bearer confirmation, is
// requestID, the ID of an AuthnRequest another browser made (or a fresh
// one when empty). Self-consistent, so only an SP that tracks its requests
// per session refuses it.
func ForeignInResponseTo(requestID string) Attack {
	return protocol("P12", "", "InResponseTo of another browser's AuthnRequest", OracleNeedsState,
		[]string{"crewjam InResponseTo does not match", "OWASP SAML Security Cheat Sheet"},
		specEdit("foreign-inresponseto", func(s *ResponseSpec, _ *AssertionSpec) {
			id := requestID
			if id == "" {
				id = NewID()
			}
			s.SetInResponseTo(id)
		}))
}

// Replay is P14 (SAML Profiles 4.1.4.5, one-use bearer assertions): the
// baseline, POSTed twice with the same bytes from fresh cookie jars
// (Sends = 2). The first POST may succeed; the second must be refused.
func Replay() Attack {
	return Attack{ID: "P14", Title: "the identical Response POSTed twice", Sends: 2, Oracle: OracleNeedsState,
		References: []string{"SAML Profiles 4.1.4.5"}, Mutations: []Mutation{signWith(SignAssertion)},
		StillVerifies: []SignedPart{{Name: "the assertion", Element: pathAssertion1, Signature: pathAssertion1Sig}}}
}

// Unsolicited is P16 (OWASP "Unsolicited Response"; Grafana): no
// InResponseTo anywhere. Refused when IdP-initiated login is off.
func Unsolicited() Attack {
	return protocol("P16", "", "unsolicited Response (no InResponseTo)", OracleNeedsState,
		[]string{"OWASP SAML Security Cheat Sheet (unsolicited response)", "Grafana allow_idp_initiated"},
		specEdit("unsolicited", func(s *ResponseSpec, _ *AssertionSpec) { s.SetInResponseTo("") }))
}

// NotBearer is P18 (python3-saml no_subjectconfirmation_method): the
// SubjectConfirmation Method is holder-of-key (variant "holder-of-key") or
// the SubjectConfirmation is missing (method empty, variant "missing").
func NotBearer(method string) Attack {
	variant := "holder-of-key"
	if method == "" {
		variant = "missing"
	}
	return protocol("P18", variant, "SubjectConfirmation not bearer: "+variant, OracleRejects,
		[]string{"python3-saml no_subjectconfirmation_method", "SAML Profiles 4.1.4.1"},
		specEdit("confirmation-"+variant, func(_ *ResponseSpec, a *AssertionSpec) {
			if method == "" {
				a.Confirmation = nil
				return
			}
			if a.Confirmation != nil {
				a.Confirmation.Method = method
			}
		}))
}

// ConfirmationHolderOfKey is the holder-of-key method URI for NotBearer.
const ConfirmationHolderOfKey = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"

// NoAuthnStatement is P19 (python3-saml no_authnstatement): the Assertion
// has no AuthnStatement. gosaml2 v0.12.0 does not require one (OracleGap).
func NoAuthnStatement() Attack {
	return protocol("P19", "", "no AuthnStatement", OracleGap,
		[]string{"python3-saml no_authnstatement", "SAML Profiles 4.1.4.2"},
		specEdit("no-authnstatement", func(_ *ResponseSpec, a *AssertionSpec) { a.Authn = nil }))
}

// OneTimeUseTwice is P22 (OWASP "Prefer OneTimeUse"): an assertion with a
// OneTimeUse condition, POSTed twice (Sends = 2).
func OneTimeUseTwice() Attack {
	a := protocol("P22", "", "OneTimeUse condition, used twice", OracleNeedsState,
		[]string{"OWASP SAML Security Cheat Sheet", "SAML Core 2.5.1.5"},
		specEdit("one-time-use", func(_ *ResponseSpec, a *AssertionSpec) {
			if a.Conditions != nil {
				a.Conditions.OneTimeUse = true
			}
		}))
	a.Sends = 2
	return a
}

// IssueInstantSkewed is P05 (crewjam "response IssueInstant expired"): the
// Response and Assertion IssueInstant moved by d (a day back or ahead),
// while the validity windows still hold at now. gosaml2 v0.12.0 does not
// check IssueInstant (OracleGap).
func IssueInstantSkewed(d time.Duration) Attack {
	variant := "past"
	if d > 0 {
		variant = "future"
	}
	return protocol("P05", variant, "IssueInstant far in the "+variant, OracleGap,
		[]string{"crewjam response IssueInstant expired"},
		specEdit("issue-instant-"+variant, func(s *ResponseSpec, a *AssertionSpec) {
			s.IssueInstant = s.IssueInstant.Add(d)
			a.IssueInstant = a.IssueInstant.Add(d)
		}))
}

// AnsweredInResponseTo is P13 (OWASP, replay): InResponseTo, on the
// Response and the bearer confirmation, is requestID, the ID of an
// AuthnRequest of this browser that was already answered.
func AnsweredInResponseTo(requestID string) Attack {
	a := ForeignInResponseTo(requestID)
	a.ID, a.Title = "P13", "InResponseTo of an AuthnRequest already answered"
	a.References = []string{"OWASP SAML Security Cheat Sheet (replay)"}
	return a
}

// ReusedAssertionID is P15 (OWASP; SAML Security 6.4.5): a new, re-signed
// Response whose Assertion reuses assertionID, the ID of an assertion the
// SP already consumed. Only an assertion-ID replay cache refuses it.
func ReusedAssertionID(assertionID string) Attack {
	return protocol("P15", "", "an already consumed Assertion ID in a new, re-signed Response", OracleNeedsState,
		[]string{"OWASP SAML Security Cheat Sheet", "SAML Security and Privacy Considerations 6.4.5"},
		specEdit("reused-assertion-id", func(_ *ResponseSpec, a *AssertionSpec) { a.ID = assertionID }))
}

// ShortSession is P23 (SAML Core 2.7.2), informational: the
// AuthnStatement's SessionNotOnOrAfter is d after the issue instant
// (negative: already past). The SP session must not outlive it; the
// response itself is valid.
func ShortSession(d time.Duration) Attack {
	return protocol("P23", "", "SessionNotOnOrAfter in the past or very short (informational)", OracleAccepts,
		[]string{"SAML Core 2.7.2"},
		specEdit("session-not-on-or-after", func(s *ResponseSpec, a *AssertionSpec) {
			if a.Authn != nil {
				a.Authn.SessionNotOnOrAfter = s.IssueInstant.Add(d)
			}
		}))
}

// ClockSkewSweep is one step of P04 (crewjam MaxClockSkew): the
// assertion's validity window starts d in the future (d > 0: the issue
// instants, AuthnInstant and NotBefore at now+d, both NotOnOrAfter
// DefaultValidity later) or ended |d| ago (d < 0: both NotOnOrAfter at
// now+d, NotBefore a minute earlier, the issue instants and AuthnInstant a
// second earlier), now being the spec's IssueInstant.
// Run over ±30, 60, 180, 300 and 900 s, the SP accepts exactly the steps
// within its declared tolerance, and the report gives the measured
// tolerance. The reference SP declares two minutes (SPPolicy.ClockSkew):
// it accepts the ±30 and 60 s steps and refuses the others.
func ClockSkewSweep(d time.Duration) Attack {
	variant := d.String()
	if d > 0 {
		variant = "+" + variant
	}
	return protocol("P04", variant, "validity window shifted by "+variant, OracleRejects,
		[]string{"crewjam MaxClockSkew", "SAML Core 1.3.3"},
		specEdit("clock-skew-"+variant, func(s *ResponseSpec, a *AssertionSpec) {
			start := s.IssueInstant.Add(d)
			end := start.Add(DefaultValidity)
			issued := start
			if d < 0 {
				// Issued a second before the window ended: the response
				// is |d| old, no older, so an SP's bound on a response's
				// age does not pass for its clock tolerance.
				end = s.IssueInstant.Add(d)
				start, issued = end.Add(-time.Minute), end.Add(-time.Second)
			}
			s.IssueInstant, a.IssueInstant = issued, issued
			if a.Authn != nil {
				a.Authn.AuthnInstant = issued
			}
			if a.Conditions != nil {
				a.Conditions.NotBefore, a.Conditions.NotOnOrAfter = start, end
			}
			if a.Confirmation != nil {
				a.Confirmation.NotOnOrAfter = end
			}
		}))
}

// ForOtherSP is P20 (SAML Profiles 4.1.4.2, token-recipient confusion): a
// valid response for another SP the IdP serves (its Audience, Recipient
// and Destination), POSTed to the SP under test.
func ForOtherSP(other SPInfo) Attack {
	return protocol("P20", "", "a valid response for another SP", OracleRejects,
		[]string{"SAML Profiles 4.1.4.2"},
		specEdit("addressed-to-other-sp", func(s *ResponseSpec, a *AssertionSpec) {
			s.Destination = other.ACSURL
			if a.Confirmation != nil {
				a.Confirmation.Recipient = other.ACSURL
			}
			if a.Conditions != nil {
				a.Conditions.Audiences = []string{other.EntityID}
			}
		}))
}
