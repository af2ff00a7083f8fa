package reftarget

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"strings"
	"sync"
	"time"

	saml2 "github.com/russellhaering/gosaml2"
	"github.com/russellhaering/gosaml2/types"
	dsig "github.com/russellhaering/goxmldsig"
)

// SPPath is the path prefix of the reference SAML service provider's
// routes on the same server as the SCIM endpoint:
//
//   - GET  /saml/metadata: the SP's SAML 2.0 metadata;
//   - POST /saml/acs: the assertion consumer service (HTTP-POST binding);
//     on success it sets a session cookie and redirects (303) to /saml/whoami;
//   - GET  /saml/login: SP-initiated login, a redirect (HTTP-Redirect
//     binding) to the trusted IdP's SSO URL with an AuthnRequest whose ID the
//     ACS then accepts once as InResponseTo;
//   - GET  /saml/whoami: JSON of the session's account (id, userName, email,
//     externalId, active); 401 without a session;
//   - GET  /saml/link: with a session, starts linking another IdP identity
//     to the session's account (sp_link.go); 401 without a session;
//   - GET  /saml/accounts: the accounts listing, behind the admin bearer
//     token (sp_accounts.go).
const SPPath = "/saml"

// SessionCookie is the name of the reference SP's session cookie.
const SessionCookie = "reftarget_session"

// SP attribute names the reference SP maps (basic name format): the email
// goes to emails[0].value (work, primary), givenName to name.givenName, sn
// to name.familyName. The NameID (persistent, opaque) becomes userName and
// externalId of a JIT-created account.
const (
	AttrEmail     = "email"
	AttrGivenName = "givenName"
	AttrSurname   = "sn"
)

const (
	nameIDTransient = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
	maxACSBody      = 1 << 20
	sessionLifetime = 8 * time.Hour
	pendingLifetime = 10 * time.Minute
)

// SPPolicy is what the reference SP declares about JIT provisioning (the
// catalogue's "SP policy").
type SPPolicy struct {
	// JITCreate creates an account at the first login of an unknown
	// NameID; off, an unknown NameID is refused with no account created.
	JITCreate bool
	// SyncOnLogin updates email and name of an existing account from the
	// assertion at every login; off, they are set at creation only.
	SyncOnLogin bool
	// AllowIdPInitiated accepts unsolicited responses (no InResponseTo);
	// off, only answers to the SP's own AuthnRequests are accepted.
	AllowIdPInitiated bool
	// ClockSkew is the tolerance on the assertion's validity: the
	// Conditions window, the SubjectConfirmationData NotOnOrAfter and the
	// IssueInstant (protoSkewClock).
	ClockSkew time.Duration
	// RequireEmail refuses a login without the email attribute (rule R9).
	RequireEmail bool
	// AllowedDomains, if any, are the email domains a login may assert;
	// another domain is refused (catalogue J21).
	AllowedDomains []string
	// RoleAttr is the attribute whose values the role mapper reads
	// (catalogue J16, J17); "" disables roles.
	RoleAttr string
	// RoleMap is the mapper's table, asserted value to role: a value not
	// in it grants nothing. With SyncOnLogin the roles follow every
	// login; without, they are set at the account's first login only.
	RoleMap map[string]string
	// RequireEncryption refuses a response whose assertion is not
	// encrypted to the SP's encryption key; off, both are accepted.
	RequireEncryption bool
}

// DefaultSPPolicy is the policy of the embedded reference SP: JIT creation
// and attribute sync on, IdP-initiated login allowed, two minutes of skew,
// roles mapped from memberOf through DefaultRoleMap.
func DefaultSPPolicy() SPPolicy {
	return SPPolicy{JITCreate: true, SyncOnLogin: true, AllowIdPInitiated: true, ClockSkew: 2 * time.Minute,
		RoleAttr: AttrMemberOf, RoleMap: DefaultRoleMap()}
}

// TrustedIdP is the identity provider the reference SP trusts: its entity
// ID (the Issuer of its responses), signing certificate and SSO URL (where
// SP-initiated logins are sent).
type TrustedIdP struct {
	EntityID string
	Cert     *x509.Certificate
	SSOURL   string
}

// linkKey is the identity key of rule R1: the IdP's entity ID and the
// NameID value (compared byte for byte).
type linkKey struct{ issuer, nameID string }

type spSession struct {
	userID  string
	expires time.Time
}

// spState is the SP's state, guarded by its own mutex; the accounts are the
// SCIM users of the Server (guarded by Server.mu).
type spState struct {
	mu       sync.Mutex
	policy   SPPolicy
	idp      TrustedIdP
	entityID string // fixed entity ID; "" derives it from the request host
	pending  map[string]time.Time
	replay   map[string]time.Time
	sessions map[string]spSession
	links    map[linkKey]string
	// roles are the roles of each account (by id) its logins mapped.
	roles map[string][]string
	// others are further trusted IdPs (TrustSecondIdP).
	others []TrustedIdP
	// linkReqs are the link flows in progress by AuthnRequest ID
	// (sp_link.go).
	linkReqs map[string]linkRequest
	// keysCerts are further signing certificates per IdP entity ID
	// (TrustKeysCertificate).
	keysCerts map[string][]*x509.Certificate
}

func newSPState(policy *SPPolicy, idp *TrustedIdP, entityID string) *spState {
	st := &spState{
		policy:   DefaultSPPolicy(),
		entityID: entityID,
		pending:  map[string]time.Time{},
		replay:   map[string]time.Time{},
		sessions: map[string]spSession{},
		links:    map[linkKey]string{},
		roles:    map[string][]string{},
	}
	if policy != nil {
		st.policy = *policy
	}
	if idp != nil {
		st.idp = *idp
	}
	return st
}

// TrustIdP sets the identity provider the SP trusts. The harness generates
// its IdP identity at run time, so the embedded SP learns it after start.
func (s *Server) TrustIdP(idp TrustedIdP) {
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	s.sp.idp = idp
}

// SPPolicy returns the SP's declared policy.
func (s *Server) SPPolicy() SPPolicy {
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	return s.sp.policy
}

// spURLs are the SP's entity ID and ACS URL as seen from a request.
func (s *Server) spURLs(r *http.Request) (entityID, acs string) {
	root := strings.TrimSuffix(baseURL(r), BasePath)
	entityID = s.sp.entityID
	if entityID == "" {
		entityID = root + SPPath + "/metadata"
	}
	return entityID, root + SPPath + "/acs"
}

// serveSP answers the SP routes below SPPath.
func (s *Server) serveSP(w http.ResponseWriter, r *http.Request) {
	switch strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, SPPath), "/") {
	case "/metadata":
		s.spOnly(w, r, http.MethodGet, s.serveSPMetadata)
	case "/acs":
		s.spOnly(w, r, http.MethodPost, s.serveACS)
	case "/login":
		s.spOnly(w, r, http.MethodGet, s.serveSPLogin)
	case "/whoami":
		s.spOnly(w, r, http.MethodGet, s.serveWhoami)
	case "/link":
		s.spOnly(w, r, http.MethodGet, s.serveLink)
	case "/accounts":
		s.spOnly(w, r, http.MethodGet, s.serveAcctListing)
	default:
		http.Error(w, "no SP endpoint at "+r.URL.Path, http.StatusNotFound)
	}
}

func (s *Server) spOnly(w http.ResponseWriter, r *http.Request, method string, h http.HandlerFunc) {
	if r.Method != method && !(method == http.MethodGet && r.Method == http.MethodHead) {
		w.Header().Set("Allow", method)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h(w, r)
}

// serveSPMetadata writes the SP's metadata (SAML Metadata §2.4.4).
func (s *Server) serveSPMetadata(w http.ResponseWriter, r *http.Request) {
	entityID, acs := s.spURLs(r)
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="%s">
  <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">%s
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="%s" index="1" isDefault="true"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
`, html.EscapeString(entityID), s.encKeyDescriptor(), html.EscapeString(acs))
}

// provider returns a gosaml2 service provider for one request, trusting
// the configured IdP (or the further trusted IdP whose entity ID is
// issuer), or an error when none is configured.
func (s *Server) provider(r *http.Request, now time.Time, issuer string) (*saml2.SAMLServiceProvider, SPPolicy, error) {
	s.sp.mu.Lock()
	idp, pol := s.sp.jitTrusted(issuer), s.sp.policy
	roots := s.keysRoots(idp)
	s.sp.mu.Unlock()
	if idp.Cert == nil || idp.EntityID == "" {
		return nil, pol, errors.New("the SP trusts no identity provider yet")
	}
	entityID, acs := s.spURLs(r)
	p := &saml2.SAMLServiceProvider{
		IdentityProviderSSOURL:      idp.SSOURL,
		IdentityProviderSSOBinding:  saml2.BindingHttpRedirect,
		IdentityProviderIssuer:      idp.EntityID,
		ServiceProviderIssuer:       entityID,
		AssertionConsumerServiceURL: acs,
		AudienceURI:                 entityID,
		NameIdFormat:                "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
		IDPCertificateStore:         &dsig.MemoryX509CertificateStore{Roots: roots},
		AllowMissingAttributes:      true,
		Clock:                       dsig.NewFakeClockAt(now),
	}
	s.encProvide(p)
	return p, pol, nil
}

// serveSPLogin starts an SP-initiated login: it remembers the AuthnRequest
// ID for InResponseTo and redirects to the IdP (HTTP-Redirect binding).
func (s *Server) serveSPLogin(w http.ResponseWriter, r *http.Request) {
	s.linkStartRequest(w, r, nil)
}

// linkStartRequest sends the browser to the IdP with a new AuthnRequest
// whose ID the ACS then accepts once as InResponseTo; remember, if set,
// also records the ID (with s.sp.mu held), for a link flow.
func (s *Server) linkStartRequest(w http.ResponseWriter, r *http.Request, remember func(id string)) {
	now := s.now()
	p, _, err := s.provider(r, now, "")
	if err == nil && p.IdentityProviderSSOURL == "" {
		err = errors.New("the trusted IdP has no SSO URL")
	}
	if err != nil {
		http.Error(w, "SP-initiated login unavailable: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	doc, err := p.BuildAuthRequestDocumentNoSig()
	if err != nil {
		http.Error(w, "build AuthnRequest: "+err.Error(), http.StatusInternalServerError)
		return
	}
	id := doc.Root().SelectAttrValue("ID", "")
	loc, err := p.BuildAuthURLRedirect(r.URL.Query().Get("RelayState"), doc)
	if err != nil || id == "" {
		http.Error(w, fmt.Sprintf("build AuthnRequest redirect: %v", err), http.StatusInternalServerError)
		return
	}
	s.sp.mu.Lock()
	for k, exp := range s.sp.pending {
		if now.After(exp) {
			delete(s.sp.pending, k)
		}
	}
	s.sp.pending[id] = now.Add(pendingLifetime)
	if remember != nil {
		remember(id)
	}
	s.sp.mu.Unlock()
	secBindRequest(w, r, id)
	http.Redirect(w, r, loc, http.StatusFound)
}

// loginError is a refused login: the status and a one-line reason.
type loginError struct {
	status int
	reason string
}

func refuse(format string, args ...any) *loginError {
	return &loginError{status: http.StatusForbidden, reason: fmt.Sprintf(format, args...)}
}

// serveACS consumes a Response (HTTP-POST binding), finds or creates the
// account and starts a session.
func (s *Server) serveACS(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxACSBody)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "read form: "+err.Error(), http.StatusBadRequest)
		return
	}
	encoded := r.PostForm.Get("SAMLResponse")
	if encoded == "" {
		http.Error(w, "no SAMLResponse in the form", http.StatusBadRequest)
		return
	}
	userID, end, lerr := s.consume(r, encoded)
	if lerr != nil {
		http.Error(w, "login refused: "+lerr.reason, lerr.status)
		return
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		http.Error(w, "session: "+err.Error(), http.StatusInternalServerError)
		return
	}
	tok := hex.EncodeToString(b[:])
	now := s.now()
	s.sp.mu.Lock()
	for k, sess := range s.sp.sessions {
		if now.After(sess.expires) {
			delete(s.sp.sessions, k)
		}
	}
	s.sp.sessions[tok] = spSession{userID: userID, expires: end}
	s.sp.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: tok, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: max(1, int(end.Sub(now).Seconds()))})
	http.Redirect(w, r, s.protoAfterLogin(r), http.StatusSeeOther)
}

// consume validates a Response and returns the id of the account it logs
// in to and when its session ends (protoSessionEnd). Nothing about
// accounts changes when it refuses (rule R6).
func (s *Server) consume(r *http.Request, encoded string) (string, time.Time, *loginError) {
	now := s.now()
	p, pol, err := s.provider(r, now, jitUnverifiedIssuer(encoded))
	if err != nil {
		return "", time.Time{}, &loginError{status: http.StatusServiceUnavailable, reason: err.Error()}
	}
	skew := s.protoSkew(pol)
	protoSkewClock(p, now, skew)
	resp, lerr := s.encValidate(p, pol, strings.TrimSpace(encoded))
	if lerr != nil {
		return "", time.Time{}, lerr
	}
	if len(resp.Assertions) != 1 {
		return "", time.Time{}, refuse("the response carries %d assertions; exactly one signed assertion is accepted", len(resp.Assertions))
	}
	a := resp.Assertions[0]
	if !resp.SignatureValidated && !a.SignatureValidated {
		return "", time.Time{}, refuse("neither the response nor the assertion is signed by the trusted IdP")
	}
	if resp.Destination == "" && resp.SignatureValidated {
		return "", time.Time{}, refuse("a signed response must carry Destination (SAML Bindings §3.5.5.2)")
	}
	if err := s.secCheckConditions(&a, p.AudienceURI, resp.InResponseTo == "", now, skew); err != nil {
		return "", time.Time{}, refuse("%v", err)
	}
	end, lerr := s.protoSessionEnd(&a, now)
	if lerr != nil {
		return "", time.Time{}, lerr
	}
	scd := a.Subject.SubjectConfirmation.SubjectConfirmationData // Validate checked they exist
	if scd.InResponseTo != resp.InResponseTo {
		return "", time.Time{}, refuse("InResponseTo %q of the confirmation differs from the response's %q", scd.InResponseTo, resp.InResponseTo)
	}
	nid := a.Subject.NameID
	if lerr := s.jitCheckSubject(nid); lerr != nil {
		return "", time.Time{}, lerr
	}
	at := attributesOf(&a)
	at.emails = jitEmailValues(&a)
	at.roles = assertionValues(&a, pol.RoleAttr)
	if lerr := s.jitAttributeChecks(&at, pol); lerr != nil {
		return "", time.Time{}, lerr
	}
	if a.ID == "" {
		return "", time.Time{}, refuse("the assertion has no ID")
	}
	expires := now.Add(pendingLifetime)
	if t, err := time.Parse(time.RFC3339, a.Conditions.NotOnOrAfter); err == nil {
		expires = t.Add(skew)
	}

	s.sp.mu.Lock()
	for k, exp := range s.sp.replay {
		if now.After(exp) {
			delete(s.sp.replay, k)
		}
	}
	if _, seen := s.sp.replay[a.ID]; seen && !s.has(FaultSecNoReplayCache) {
		s.sp.mu.Unlock()
		return "", time.Time{}, refuse("assertion %s was already used (replay)", a.ID)
	}
	if resp.InResponseTo == "" || s.protoFlowChange(r, pol) {
		if !pol.AllowIdPInitiated && !s.has(FaultJITUnsolicitedAccepted) {
			s.sp.mu.Unlock()
			return "", time.Time{}, refuse("unsolicited responses are not accepted (IdP-initiated login is off)")
		}
	} else {
		exp, ok := s.sp.pending[resp.InResponseTo]
		if ok && !secSameBrowser(r, resp.InResponseTo) {
			s.sp.mu.Unlock()
			return "", time.Time{}, refuse("InResponseTo %q answers an AuthnRequest this browser did not make", resp.InResponseTo)
		}
		if !ok || now.After(exp) {
			s.sp.mu.Unlock()
			return "", time.Time{}, refuse("InResponseTo %q answers no pending AuthnRequest of this SP", resp.InResponseTo)
		}
		if !s.has(FaultSecNoReplayCache) {
			delete(s.sp.pending, resp.InResponseTo)
		}
	}
	s.sp.replay[a.ID] = expires
	s.sp.mu.Unlock()

	issuer := ""
	if a.Issuer != nil {
		issuer = a.Issuer.Value
	}
	key := linkKey{issuer: issuer, nameID: jitNameID(nid)}
	if userID, lerr, ok := s.linkConsume(r, resp.InResponseTo, key); ok {
		return userID, end, lerr
	}
	userID, lerr := s.findOrCreate(r, key, at, pol)
	return userID, end, lerr
}

// checkConditions checks the Conditions window with skew and every
// AudienceRestriction (SAML Core §2.5.1).
func checkConditions(a *types.Assertion, audience string, now time.Time, skew time.Duration) error {
	c := a.Conditions
	if c == nil {
		return errors.New("the assertion has no Conditions")
	}
	nb, err1 := time.Parse(time.RFC3339, c.NotBefore)
	na, err2 := time.Parse(time.RFC3339, c.NotOnOrAfter)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("the Conditions window (%q, %q) is not two xs:dateTime values", c.NotBefore, c.NotOnOrAfter)
	}
	if now.Add(skew).Before(nb) || !now.Add(-skew).Before(na) {
		return fmt.Errorf("the assertion is valid from %s to %s, not now (%s)", c.NotBefore, c.NotOnOrAfter, now.UTC().Format(time.RFC3339))
	}
	for _, ar := range c.AudienceRestrictions {
		ok := false
		for _, au := range ar.Audiences {
			ok = ok || au.Value == audience
		}
		if !ok {
			return fmt.Errorf("an AudienceRestriction does not name this SP (%s)", audience)
		}
	}
	return nil
}

// samlAttrs are the mapped attributes of an assertion; a nil pointer means
// the attribute was not sent.
type samlAttrs struct {
	email, given, family *string
	// emails are all values of the email attributes, for a fault.
	emails []string
	// roles are all values of the policy's role attribute.
	roles []string
}

func attributesOf(a *types.Assertion) samlAttrs {
	var out samlAttrs
	if a.AttributeStatement == nil {
		return out
	}
	for _, at := range a.AttributeStatement.Attributes {
		if len(at.Values) == 0 {
			continue
		}
		v := strings.TrimSpace(at.Values[0].Value)
		switch at.Name {
		case AttrEmail:
			out.email = &v
		case AttrGivenName:
			out.given = &v
		case AttrSurname:
			out.family = &v
		}
	}
	return out
}

// body returns the SCIM attributes the assertion maps to: emails and name.
func (at samlAttrs) body() map[string]any {
	b := map[string]any{}
	if at.email != nil && *at.email != "" {
		b["emails"] = []any{map[string]any{"value": *at.email, "type": "work", "primary": true}}
	}
	name := map[string]any{}
	if at.given != nil && *at.given != "" {
		name["givenName"] = *at.given
	}
	if at.family != nil && *at.family != "" {
		name["familyName"] = *at.family
	}
	if len(name) > 0 {
		b["name"] = name
	}
	return b
}

// findOrCreate resolves the identity key to an account under the store's
// lock, so concurrent first logins of one person create one account (rule
// R5): first an existing link, then a SCIM user whose externalId is the
// NameID (rule R7), then, if the policy allows, a new account. An inactive
// account is refused.
func (s *Server) findOrCreate(r *http.Request, key linkKey, at samlAttrs, pol SPPolicy) (string, *loginError) {
	base := baseURL(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	var u *resource
	if s.has(FaultJITMatchOnEmail) && at.email != nil && *at.email != "" {
		for _, cand := range s.all(rtUser) {
			if primaryEmail(cand.data) == *at.email {
				u = cand
				break
			}
		}
	}
	if u == nil {
		u = s.jitFaultyMatch(key, at)
	}
	linked := s.jitLinked(key)
	if u == nil && linked != "" && !s.has(FaultJITDuplicateOnLogin) {
		u = s.lookup(rtUser, linked)
	}
	if u == nil && !s.has(FaultJITDuplicateOnLogin) && !s.has(FaultJITIgnoresExternalID) && s.jitPrimaryIssuer(key) {
		var matches []*resource
		for _, cand := range s.all(rtUser) {
			if ext, _ := cand.data["externalId"].(string); ext == key.nameID {
				matches = append(matches, cand)
			}
		}
		if len(matches) > 1 {
			return "", refuse("%d accounts have externalId %q; refusing to guess", len(matches), key.nameID)
		}
		if len(matches) == 1 {
			u = matches[0]
		}
	}
	created := false
	if u == nil {
		if !pol.JITCreate {
			return "", refuse("no account for NameID %q and JIT creation is off", key.nameID)
		}
		if s.has(FaultJITCreateRace) {
			// The look-up and the insert are separate transactions.
			s.mu.Unlock()
			time.Sleep(50 * time.Millisecond)
			s.mu.Lock()
		}
		if at.email != nil && *at.email != "" && !s.has(FaultJITDuplicateOnLogin) && !s.has(FaultJITCreateRace) && s.jitEmailUnique() {
			if other := s.emailOwner(*at.email, ""); other != nil {
				return "", refuse("email %s belongs to account %s, which is not linked to NameID %q; an administrator must link them", *at.email, other.id, key.nameID)
			}
		}
		body := at.body()
		body["userName"] = key.nameID
		body["externalId"] = key.nameID
		if s.has(FaultJITDuplicateOnLogin) || s.has(FaultJITCreateRace) {
			body["userName"] = key.nameID + "-" + newID()[:8]
		}
		n := normalizer{s: s, rt: rtUser}
		data, err := n.object(body)
		if err != nil {
			return "", &loginError{status: err.status, reason: "the asserted attributes do not make a valid account: " + err.detail}
		}
		if s.userNameTaken(data["userName"], "") {
			return "", refuse("userName %q is taken by another account", key.nameID)
		}
		now := s.stamp(time.Time{})
		u = &resource{rt: rtUser, id: s.jitAccountID(linked), data: data, created: now, modified: now}
		s.insert(u, base)
		created = true
	}
	if active, ok := u.data["active"].(bool); ok && !active && !s.has(FaultJITIgnoresInactive) {
		return "", refuse("account %s is inactive", u.id)
	}
	if !created && pol.SyncOnLogin && !s.has(FaultJITNoSync) {
		if err := s.syncAttributes(u, at); err != nil {
			return "", &loginError{status: http.StatusInternalServerError, reason: err.Error()}
		}
	}
	s.sp.mu.Lock()
	s.sp.links[key] = u.id
	s.sp.mu.Unlock()
	s.jitAssignRoles(u.id, at, pol)
	return u.id, nil
}

// syncAttributes writes the asserted email and name into u. The caller
// holds s.mu.
func (s *Server) syncAttributes(u *resource, at samlAttrs) error {
	body := at.body()
	if len(body) == 0 {
		return nil
	}
	n := normalizer{s: s, rt: rtUser}
	norm, err := n.object(body)
	if err != nil {
		return fmt.Errorf("the asserted attributes cannot be stored: %s", err.detail)
	}
	data := copyMap(u.data)
	if v, ok := norm["emails"]; ok && s.emailOwner(*at.email, u.id) == nil {
		// An email another account holds is not taken over by sync.
		data["emails"] = v
	}
	if v, ok := norm["name"].(map[string]any); ok {
		name, _ := data["name"].(map[string]any)
		if name == nil {
			name = map[string]any{}
		}
		for k, x := range v {
			name[k] = x
		}
		data["name"] = name
	}
	s.commit(u, data)
	return nil
}

// emailOwner returns a user other than exceptID with the email (case
// insensitive) among its emails, or nil. The caller holds s.mu.
func (s *Server) emailOwner(email, exceptID string) *resource {
	for _, u := range s.all(rtUser) {
		if u.id == exceptID {
			continue
		}
		emails, _ := u.data["emails"].([]any)
		for _, e := range emails {
			m, _ := e.(map[string]any)
			if v, _ := m["value"].(string); strings.EqualFold(v, email) {
				return u
			}
		}
	}
	return nil
}

// primaryEmail returns the primary email of user data, else the first.
func primaryEmail(data map[string]any) string {
	emails, _ := data["emails"].([]any)
	first := ""
	for _, e := range emails {
		m, _ := e.(map[string]any)
		v, _ := m["value"].(string)
		if first == "" {
			first = v
		}
		if p, _ := m["primary"].(bool); p {
			return v
		}
	}
	return first
}

// spSession returns the session token of a request's cookie and its
// account, if the session is valid. The caller holds s.sp.mu.
func (s *Server) spSession(r *http.Request, now time.Time) (tok, userID string, ok bool) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return "", "", false
	}
	sess, found := s.sp.sessions[c.Value]
	if !found || now.After(sess.expires) {
		return "", "", false
	}
	return c.Value, sess.userID, true
}

// serveWhoami answers the session's account as JSON.
func (s *Server) serveWhoami(w http.ResponseWriter, r *http.Request) {
	s.sp.mu.Lock()
	_, userID, ok := s.spSession(r, s.now())
	s.sp.mu.Unlock()
	if !ok {
		http.Error(w, "no session", http.StatusUnauthorized)
		return
	}
	s.mu.RLock()
	u := s.lookup(rtUser, userID)
	var out map[string]any
	if u != nil {
		out = acctView(u)
		out["groups"] = s.jitRoles(u.id)
	}
	s.mu.RUnlock()
	if out == nil {
		http.Error(w, "the session's account no longer exists", http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(out)
}

// SPEndpoints are the absolute URLs of the reference SP on a server.
type SPEndpoints struct {
	EntityID    string
	MetadataURL string
	ACSURL      string
	LoginURL    string
	WhoamiURL   string
	LinkURL     string
	AccountsURL string
}

// spEndpoints returns the SP's URLs on the server at root (scheme and host).
func spEndpoints(root, entityID string) SPEndpoints {
	e := SPEndpoints{
		MetadataURL: root + SPPath + "/metadata",
		ACSURL:      root + SPPath + "/acs",
		LoginURL:    root + SPPath + "/login",
		WhoamiURL:   root + SPPath + "/whoami",
		LinkURL:     root + SPPath + "/link",
		AccountsURL: root + SPPath + "/accounts",
	}
	e.EntityID = entityID
	if e.EntityID == "" {
		e.EntityID = e.MetadataURL
	}
	return e
}
