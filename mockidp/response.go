package mockidp

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/beevik/etree"
)

// SAML 2.0 namespaces and identifiers used in responses (SAML Core).
const (
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsXSI       = "http://www.w3.org/2001/XMLSchema-instance"
	nsXS        = "http://www.w3.org/2001/XMLSchema"

	// StatusSuccess is the top-level status code of a successful response.
	StatusSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success"
	// StatusRequester says the request could not be performed because of
	// the requester.
	StatusRequester = "urn:oasis:names:tc:SAML:2.0:status:Requester"
	// StatusResponder says the request could not be performed because of
	// the responder (the IdP).
	StatusResponder = "urn:oasis:names:tc:SAML:2.0:status:Responder"

	// ConfirmationBearer is the bearer subject confirmation method of the
	// Web Browser SSO profile.
	ConfirmationBearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer"

	// AttrNameFormatBasic, AttrNameFormatURI and AttrNameFormatUnspecified
	// are the attribute name formats of SAML Core §8.2.
	AttrNameFormatBasic       = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
	AttrNameFormatURI         = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
	AttrNameFormatUnspecified = "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified"

	// AuthnContextPasswordProtectedTransport is the authentication context
	// class of a password sent over TLS, what most IdPs assert.
	AuthnContextPasswordProtectedTransport = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
)

// DefaultValidity is how long a response built by NewResponseSpec is valid,
// and how far back its NotBefore reaches (a ±5 minute window).
const DefaultValidity = 5 * time.Minute

// samlTime is the xs:dateTime form SAML uses: UTC, no time zone offset.
const samlTime = "2006-01-02T15:04:05Z"

// SPInfo names the service provider a response is addressed to.
type SPInfo struct {
	// EntityID is the SP's entity ID, the audience of its assertions.
	EntityID string
	// ACSURL is the SP's assertion consumer service URL (HTTP-POST).
	ACSURL string
}

// ResponseSpec describes a samlp:Response before it is built. Every field is
// written as given: empty strings and zero times leave the attribute or
// element out, so a malformed response is expressible as data. The one
// default is StatusCode: empty means StatusSuccess.
type ResponseSpec struct {
	// ID is the Response ID attribute.
	ID string
	// IssueInstant is the Response IssueInstant.
	IssueInstant time.Time
	// Destination is the URL the response is sent to (the SP's ACS).
	Destination string
	// InResponseTo is the ID of the AuthnRequest answered; empty for an
	// unsolicited (IdP-initiated) response.
	InResponseTo string
	// Issuer is the Response's saml:Issuer; empty leaves it out.
	Issuer string
	// StatusCode is the top-level samlp:StatusCode Value; empty means
	// StatusSuccess.
	StatusCode string
	// StatusMessage is an optional samlp:StatusMessage.
	StatusMessage string
	// Assertion is the one saml:Assertion; nil builds a status-only
	// response.
	Assertion *AssertionSpec
}

// AssertionSpec describes a saml:Assertion.
type AssertionSpec struct {
	// ID is the Assertion ID attribute.
	ID string
	// IssueInstant is the Assertion IssueInstant.
	IssueInstant time.Time
	// Issuer is the Assertion's saml:Issuer (required by the schema; empty
	// leaves it out).
	Issuer string
	// NameID is the text of the Subject's saml:NameID.
	NameID string
	// NameIDFormat is the NameID Format (NameIDPersistent, NameIDEmail,
	// NameIDUnspec, NameIDTransient); empty leaves it out.
	NameIDFormat string
	// NameQualifier and SPNameQualifier are optional NameID qualifiers.
	NameQualifier, SPNameQualifier string
	// Confirmation is the Subject's SubjectConfirmation; nil leaves it out.
	Confirmation *SubjectConfirmation
	// Conditions are the assertion's conditions; nil leaves them out.
	Conditions *Conditions
	// Authn is the AuthnStatement; nil leaves it out.
	Authn *AuthnStatement
	// Attributes go into one AttributeStatement; none leaves it out.
	Attributes []Attribute
}

// SubjectConfirmation is a saml:SubjectConfirmation with its
// SubjectConfirmationData.
type SubjectConfirmation struct {
	// Method is the confirmation method, ConfirmationBearer for Web SSO.
	Method string
	// Recipient is the ACS URL the assertion may be delivered to.
	Recipient string
	// NotOnOrAfter bounds the time the assertion may be delivered.
	NotOnOrAfter time.Time
	// InResponseTo is the ID of the AuthnRequest answered.
	InResponseTo string
}

// Conditions is a saml:Conditions element.
type Conditions struct {
	// NotBefore and NotOnOrAfter bound the assertion's validity.
	NotBefore, NotOnOrAfter time.Time
	// Audiences go into one AudienceRestriction; none leaves it out.
	Audiences []string
	// MoreAudienceRestrictions are further AudienceRestriction elements,
	// one per inner list (every restriction must hold, SAML Core §2.5.1.4).
	MoreAudienceRestrictions [][]string
	// OneTimeUse adds a OneTimeUse condition.
	OneTimeUse bool
}

// AuthnStatement is a saml:AuthnStatement.
type AuthnStatement struct {
	// AuthnInstant is when the user authenticated at the IdP.
	AuthnInstant time.Time
	// SessionIndex names the IdP session.
	SessionIndex string
	// SessionNotOnOrAfter optionally bounds the SP session.
	SessionNotOnOrAfter time.Time
	// ClassRef is the AuthnContextClassRef; empty leaves AuthnContext
	// empty.
	ClassRef string
}

// Attribute is a saml:Attribute with its values.
type Attribute struct {
	// Name is the attribute name ("email", "urn:oid:0.9.2342.19200300.100.1.3").
	Name string
	// NameFormat is one of the AttrNameFormat constants; empty leaves it out.
	NameFormat string
	// FriendlyName is an optional human-readable name.
	FriendlyName string
	// Values are the AttributeValue texts, in order.
	Values []string
	// Type is the xsi:type of every value ("xs:string"); empty writes
	// untyped values. Typed values declare xsi and xs on the value element.
	Type string
}

// NewID returns a fresh random SAML ID: an underscore and 40 hex digits,
// so it is a valid xs:ID (an NCName, which cannot start with a digit).
func NewID() string {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand.Read does not fail on supported platforms.
		panic(fmt.Sprintf("mockidp: read random ID: %v", err))
	}
	return "_" + hex.EncodeToString(b[:])
}

// NewResponseSpec returns the baseline response of the catalogue: issued
// by idp at now for nameID (persistent format), addressed to sp's ACS,
// unsolicited (see SetInResponseTo), valid from now-5m to now+5m, with a
// bearer confirmation to the ACS, an audience restriction to sp's entity
// ID, an AuthnStatement (password over TLS) and no attributes. Both
// Issuers are idp's entity ID (empty when idp is nil).
func NewResponseSpec(idp *Identity, sp SPInfo, nameID string, now time.Time) ResponseSpec {
	now = now.UTC()
	issuer := ""
	if idp != nil {
		issuer = idp.EntityID
	}
	return ResponseSpec{
		ID:           NewID(),
		IssueInstant: now,
		Destination:  sp.ACSURL,
		Issuer:       issuer,
		StatusCode:   StatusSuccess,
		Assertion: &AssertionSpec{
			ID:           NewID(),
			IssueInstant: now,
			Issuer:       issuer,
			NameID:       nameID,
			NameIDFormat: NameIDPersistent,
			Confirmation: &SubjectConfirmation{
				Method:       ConfirmationBearer,
				Recipient:    sp.ACSURL,
				NotOnOrAfter: now.Add(DefaultValidity),
			},
			Conditions: &Conditions{
				NotBefore:    now.Add(-DefaultValidity),
				NotOnOrAfter: now.Add(DefaultValidity),
				Audiences:    []string{sp.EntityID},
			},
			Authn: &AuthnStatement{
				AuthnInstant: now,
				SessionIndex: NewID(),
				ClassRef:     AuthnContextPasswordProtectedTransport,
			},
		},
	}
}

// SetInResponseTo makes the response answer the AuthnRequest with ID
// requestID (SP-initiated): it sets the Response's InResponseTo and the
// bearer confirmation's.
func (s *ResponseSpec) SetInResponseTo(requestID string) {
	s.InResponseTo = requestID
	if s.Assertion != nil && s.Assertion.Confirmation != nil {
		s.Assertion.Confirmation.InResponseTo = requestID
	}
}

// AddAttribute appends an attribute of name format basic with the given
// values to the assertion. It does nothing on a status-only spec.
func (s *ResponseSpec) AddAttribute(name string, values ...string) {
	if s.Assertion == nil {
		return
	}
	s.Assertion.Attributes = append(s.Assertion.Attributes,
		Attribute{Name: name, NameFormat: AttrNameFormatBasic, Values: slices.Clone(values)})
}

// Clone returns a deep copy, so mutations of the copy never reach s.
func (s ResponseSpec) Clone() ResponseSpec {
	out := s
	if s.Assertion == nil {
		return out
	}
	a := *s.Assertion
	if a.Confirmation != nil {
		c := *a.Confirmation
		a.Confirmation = &c
	}
	if a.Conditions != nil {
		c := *a.Conditions
		c.Audiences = slices.Clone(c.Audiences)
		c.MoreAudienceRestrictions = slices.Clone(c.MoreAudienceRestrictions)
		for i, r := range c.MoreAudienceRestrictions {
			c.MoreAudienceRestrictions[i] = slices.Clone(r)
		}
		a.Conditions = &c
	}
	if a.Authn != nil {
		st := *a.Authn
		a.Authn = &st
	}
	a.Attributes = slices.Clone(a.Attributes)
	for i := range a.Attributes {
		a.Attributes[i].Values = slices.Clone(a.Attributes[i].Values)
	}
	out.Assertion = &a
	return out
}

func setAttr(el *etree.Element, key, value string) {
	if value != "" {
		el.CreateAttr(key, value)
	}
}

func setTime(el *etree.Element, key string, t time.Time) {
	if !t.IsZero() {
		el.CreateAttr(key, t.UTC().Format(samlTime))
	}
}

// buildDocument turns a spec into an unsigned document, in the element order
// of the SAML 2.0 core schema: Response = Issuer, (Signature), Status,
// Assertion; Assertion = Issuer, (Signature), Subject, Conditions,
// AuthnStatement, AttributeStatement.
func buildDocument(s ResponseSpec) *etree.Document {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	resp := doc.CreateElement("samlp:Response")
	resp.CreateAttr("xmlns:samlp", nsProtocol)
	resp.CreateAttr("xmlns:saml", nsAssertion)
	setAttr(resp, "ID", s.ID)
	setAttr(resp, "InResponseTo", s.InResponseTo)
	resp.CreateAttr("Version", "2.0")
	setTime(resp, "IssueInstant", s.IssueInstant)
	setAttr(resp, "Destination", s.Destination)
	if s.Issuer != "" {
		resp.CreateElement("saml:Issuer").SetText(s.Issuer)
	}
	status := resp.CreateElement("samlp:Status")
	code := s.StatusCode
	if code == "" {
		code = StatusSuccess
	}
	status.CreateElement("samlp:StatusCode").CreateAttr("Value", code)
	if s.StatusMessage != "" {
		status.CreateElement("samlp:StatusMessage").SetText(s.StatusMessage)
	}
	if s.Assertion != nil {
		buildAssertion(resp, s.Assertion)
	}
	return doc
}

func buildAssertion(parent *etree.Element, a *AssertionSpec) {
	as := parent.CreateElement("saml:Assertion")
	// Declared again on the Assertion, as most IdPs do, so an SP that cuts
	// the assertion out of the response still has its namespace.
	as.CreateAttr("xmlns:saml", nsAssertion)
	setAttr(as, "ID", a.ID)
	as.CreateAttr("Version", "2.0")
	setTime(as, "IssueInstant", a.IssueInstant)
	if a.Issuer != "" {
		as.CreateElement("saml:Issuer").SetText(a.Issuer)
	}

	subj := as.CreateElement("saml:Subject")
	nid := subj.CreateElement("saml:NameID")
	setAttr(nid, "NameQualifier", a.NameQualifier)
	setAttr(nid, "SPNameQualifier", a.SPNameQualifier)
	setAttr(nid, "Format", a.NameIDFormat)
	nid.SetText(a.NameID)
	if c := a.Confirmation; c != nil {
		sc := subj.CreateElement("saml:SubjectConfirmation")
		setAttr(sc, "Method", c.Method)
		scd := sc.CreateElement("saml:SubjectConfirmationData")
		setTime(scd, "NotOnOrAfter", c.NotOnOrAfter)
		setAttr(scd, "Recipient", c.Recipient)
		setAttr(scd, "InResponseTo", c.InResponseTo)
	}

	if c := a.Conditions; c != nil {
		cond := as.CreateElement("saml:Conditions")
		setTime(cond, "NotBefore", c.NotBefore)
		setTime(cond, "NotOnOrAfter", c.NotOnOrAfter)
		restrictions := c.MoreAudienceRestrictions
		if len(c.Audiences) > 0 {
			restrictions = append([][]string{c.Audiences}, restrictions...)
		}
		for _, r := range restrictions {
			ar := cond.CreateElement("saml:AudienceRestriction")
			for _, aud := range r {
				ar.CreateElement("saml:Audience").SetText(aud)
			}
		}
		if c.OneTimeUse {
			cond.CreateElement("saml:OneTimeUse")
		}
	}

	if st := a.Authn; st != nil {
		as1 := as.CreateElement("saml:AuthnStatement")
		setTime(as1, "AuthnInstant", st.AuthnInstant)
		setAttr(as1, "SessionIndex", st.SessionIndex)
		setTime(as1, "SessionNotOnOrAfter", st.SessionNotOnOrAfter)
		ctx := as1.CreateElement("saml:AuthnContext")
		if st.ClassRef != "" {
			ctx.CreateElement("saml:AuthnContextClassRef").SetText(st.ClassRef)
		}
	}

	if len(a.Attributes) > 0 {
		stmt := as.CreateElement("saml:AttributeStatement")
		for _, at := range a.Attributes {
			el := stmt.CreateElement("saml:Attribute")
			setAttr(el, "Name", at.Name)
			setAttr(el, "NameFormat", at.NameFormat)
			setAttr(el, "FriendlyName", at.FriendlyName)
			for _, v := range at.Values {
				val := el.CreateElement("saml:AttributeValue")
				if at.Type != "" {
					val.CreateAttr("xmlns:xs", nsXS)
					val.CreateAttr("xmlns:xsi", nsXSI)
					val.CreateAttr("xsi:type", at.Type)
				}
				val.SetText(v)
			}
		}
	}
}
