package reftarget

import (
	"net/http"
	"time"

	saml2 "github.com/russellhaering/gosaml2"
	"github.com/russellhaering/gosaml2/types"
	dsig "github.com/russellhaering/goxmldsig"
)

// Protocol faults of the reference SP (catalogue §5.5, lines P04, P16, P17,
// P21 and P23): each switches off one protocol defence, so the self-tests
// can prove the SAML-SEC check meant for it catches it.
const (
	// FaultProtoLenientSkew: the SP tolerates thirty minutes of clock
	// skew while it declares its policy's (two minutes by default).
	FaultProtoLenientSkew Fault = "saml-proto-lenient-skew"
	// FaultProtoUnsolicitedNoAudience: an unsolicited response (no
	// InResponseTo) skips the AudienceRestriction check, a laxer
	// IdP-initiated path.
	FaultProtoUnsolicitedNoAudience Fault = "saml-proto-unsolicited-no-audience"
	// FaultProtoFlowChange: a browser that started no SP-initiated login
	// posting a response with InResponseTo is taken down the IdP-initiated
	// path, where InResponseTo is not checked (flow-change misuse).
	FaultProtoFlowChange Fault = "saml-proto-flow-change"
	// FaultProtoOpenRedirect: after a login the ACS redirects to whatever
	// RelayState the POST carried.
	FaultProtoOpenRedirect Fault = "saml-proto-open-redirect"
	// FaultProtoIgnoreSessionExpiry: the session lasts the SP's own
	// lifetime whatever the assertion's SessionNotOnOrAfter says.
	FaultProtoIgnoreSessionExpiry Fault = "saml-proto-ignore-session-expiry"
)

// protoLenientSkew is the tolerance FaultProtoLenientSkew applies.
const protoLenientSkew = 30 * time.Minute

// protoFaultInfos describe the protocol faults; init adds them to the list
// Faults returns.
var protoFaultInfos = []FaultInfo{
	{FaultProtoLenientSkew, "the SP tolerates 30 minutes of clock skew on the assertion's validity window while it declares its policy's tolerance"},
	{FaultProtoUnsolicitedNoAudience, "the SP skips the AudienceRestriction check for unsolicited (IdP-initiated) responses"},
	{FaultProtoFlowChange, "a response with InResponseTo posted by a browser that started no SP-initiated login is accepted as IdP-initiated, InResponseTo unchecked"},
	{FaultProtoOpenRedirect, "after a login the ACS redirects to the RelayState the POST carried, whatever host it names (open redirect)"},
	{FaultProtoIgnoreSessionExpiry, "the SP session ignores the assertion's SessionNotOnOrAfter and lasts the SP's own lifetime"},
}

func init() { faultInfos = append(faultInfos, protoFaultInfos...) }

// protoSkew is the clock skew the SP applies: its policy's, or thirty
// minutes with FaultProtoLenientSkew.
func (s *Server) protoSkew(pol SPPolicy) time.Duration {
	if s.has(FaultProtoLenientSkew) {
		return protoLenientSkew
	}
	return pol.ClockSkew
}

// protoSkewClock gives gosaml2, which checks SubjectConfirmationData
// NotOnOrAfter against its clock with no tolerance, a clock set back by
// the skew, so the declared tolerance holds on the expired side too (the
// Conditions window and the IssueInstant are checked against the real now,
// with the skew, in secCheckConditions).
func protoSkewClock(p *saml2.SAMLServiceProvider, now time.Time, skew time.Duration) {
	p.Clock = dsig.NewFakeClockAt(now.Add(-skew))
}

// protoFlowChange reports whether FaultProtoFlowChange takes a response
// with InResponseTo down the IdP-initiated path: IdP-initiated login is
// allowed and the browser carries no AuthnRequest cookie.
func (s *Server) protoFlowChange(r *http.Request, pol SPPolicy) bool {
	if !s.has(FaultProtoFlowChange) || !pol.AllowIdPInitiated {
		return false
	}
	_, err := r.Cookie(SecAuthnRequestCookie)
	return err != nil
}

// protoSessionEnd is when the session of a login ends: the assertion's
// SessionNotOnOrAfter (SAML Core §2.7.2) when it comes before the SP's own
// lifetime, else now plus that lifetime. A SessionNotOnOrAfter already past
// refuses the login. FaultProtoIgnoreSessionExpiry ignores it.
func (s *Server) protoSessionEnd(a *types.Assertion, now time.Time) (time.Time, *loginError) {
	end := now.Add(sessionLifetime)
	if s.has(FaultProtoIgnoreSessionExpiry) || a.AuthnStatement == nil || a.AuthnStatement.SessionNotOnOrAfter == nil {
		return end, nil
	}
	limit := *a.AuthnStatement.SessionNotOnOrAfter
	if !now.Before(limit) {
		return end, refuse("the assertion's SessionNotOnOrAfter %s has passed (now %s)", limit.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if limit.Before(end) {
		return limit, nil
	}
	return end, nil
}

// protoAfterLogin is where the ACS sends the browser after a login: the
// whoami page (the SP ignores RelayState), or with FaultProtoOpenRedirect
// the RelayState the POST carried.
func (s *Server) protoAfterLogin(r *http.Request) string {
	if rs := r.PostForm.Get("RelayState"); rs != "" && s.has(FaultProtoOpenRedirect) {
		return rs
	}
	return SPPath + "/whoami"
}
