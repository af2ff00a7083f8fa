package reftarget

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/beevik/etree"
	saml2 "github.com/russellhaering/gosaml2"
	"github.com/russellhaering/gosaml2/types"
	dsig "github.com/russellhaering/goxmldsig"
)

// The security faults of the reference SP: each switches off one defence
// against a classic SAML vulnerability, so the self-tests can prove the
// SAML-SEC check meant for it catches it.
const (
	FaultSecAcceptUnsigned    Fault = "saml-accept-unsigned"
	FaultSecTrustKeyInfo      Fault = "saml-trust-keyinfo"
	FaultSecXSW               Fault = "saml-xsw-unverified-subject"
	FaultSecCommentTruncation Fault = "saml-nameid-comment-truncation"
	FaultSecNoReplayCache     Fault = "saml-no-replay-cache"
	FaultSecNoAudience        Fault = "saml-no-audience-check"
	FaultSecNoDestination     Fault = "saml-no-destination-check"
	FaultSecNoRecipient       Fault = "saml-no-recipient-check"
	FaultSecNoTimeChecks      Fault = "saml-no-time-checks"
	FaultSecAcceptDoctype     Fault = "saml-accept-doctype"
)

// secMaxIssueInstantDistance is how far from now (plus the skew) an
// assertion's IssueInstant may be.
const secMaxIssueInstantDistance = pendingLifetime

// secFaultInfos describe the security faults; init adds them to the list
// Faults returns.
var secFaultInfos = []FaultInfo{
	{FaultSecAcceptUnsigned, "the SP accepts a Response that carries no signature at all"},
	{FaultSecTrustKeyInfo, "the SP verifies signatures with the certificate embedded in KeyInfo, not only the pinned one"},
	{FaultSecXSW, "when the strict verification fails, the SP accepts any verifying signed Assertion in the document and reads the subject from the first Assertion (XML Signature Wrapping)"},
	{FaultSecCommentTruncation, "the SP reads the NameID as its first text node, so a comment truncates it (CVE-2017-11427 class)"},
	{FaultSecNoReplayCache, "the SP keeps no assertion-ID replay cache and never consumes its AuthnRequest IDs: a Response can be used twice"},
	{FaultSecNoAudience, "the SP ignores the assertion's AudienceRestriction"},
	{FaultSecNoDestination, "the SP accepts a signed Response without Destination"},
	{FaultSecNoRecipient, "the SP ignores the SubjectConfirmationData Recipient (an assertion for another ACS URL is accepted)"},
	{FaultSecNoTimeChecks, "the SP ignores the Conditions validity window and the IssueInstant"},
	{FaultSecAcceptDoctype, "the SP accepts a Response with a DOCTYPE (entity declarations)"},
}

func init() { faultInfos = append(faultInfos, secFaultInfos...) }

// secValidate decodes and validates a SAMLResponse: the checks gosaml2
// v0.12.0 lacks that a correct SP must make before parsing (UTF-8 XML, not
// DEFLATE: parseDecode; no DOCTYPE, no SHA-1), then gosaml2's validation,
// then the security faults.
func (s *Server) secValidate(p *saml2.SAMLServiceProvider, encoded string) (*types.Response, error) {
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, fmt.Errorf("SAMLResponse is not base64: %w", err)
	}
	inflated := !parseLooksXML(raw) // parseDecode refuses it, or inflates it under its fault
	if raw, err = s.parseDecode(raw); err != nil {
		return nil, err
	}
	if inflated {
		encoded = base64.StdEncoding.EncodeToString(raw)
	}
	if bytes.Contains(raw, []byte("<!DOCTYPE")) && !s.has(FaultSecAcceptDoctype) {
		return nil, errors.New("the response carries a DOCTYPE; entity declarations are refused")
	}
	if weak := encWeakSignatureAlg(raw); weak != "" {
		return nil, fmt.Errorf("the signature uses %s; SHA-1 is refused", weak)
	}
	if err := s.keysRefuseWeak(raw); err != nil {
		return nil, err
	}
	if s.has(FaultSecAcceptUnsigned) && !bytes.Contains(raw, []byte("Signature")) {
		return s.secUnsigned(p, raw)
	}
	if s.has(FaultSecTrustKeyInfo) {
		if c := secKeyInfoCert(raw); c != nil {
			// p is built for this request only (Server.provider).
			p.IDPCertificateStore = &dsig.MemoryX509CertificateStore{Roots: append(secRoots(p), c)}
		}
	}
	resp, err := p.ValidateEncodedResponse(encoded)
	var wrong saml2.ErrInvalidValue
	if err != nil && s.has(FaultSecNoRecipient) && errors.As(err, &wrong) && wrong.Key == saml2.RecipientAttr {
		resp, err = secIgnoreRecipient(p, raw, wrong.Actual)
	}
	if err != nil && s.has(FaultSecXSW) {
		if r, xerr := secNaive(p, raw); xerr == nil {
			resp, err = r, nil
		}
	}
	if err != nil && s.has(FaultParseAssertionInSignature) {
		if r, perr := parseSignedEnvelope(p, raw); perr == nil {
			resp, err = r, nil
		}
	}
	if err != nil {
		return nil, err
	}
	if s.has(FaultSecNoDestination) && resp.Destination == "" {
		resp.Destination = p.AssertionConsumerServiceURL
	}
	if s.has(FaultSecCommentTruncation) {
		secTruncateAtComment(resp, raw)
	}
	return resp, nil
}

// secIgnoreRecipient is FaultSecNoRecipient: the response validated as if
// the SP's ACS URL were the assertion's Recipient (the unsigned Response
// Destination, when it names the real ACS URL, follows it so gosaml2's own
// Destination check agrees); the Destination read back is the real one.
func secIgnoreRecipient(p *saml2.SAMLServiceProvider, raw []byte, recipient string) (*types.Response, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil || doc.Root() == nil {
		return nil, errors.New("unreadable response")
	}
	acs := p.AssertionConsumerServiceURL
	if d := doc.Root().SelectAttr("Destination"); d != nil && d.Value == acs {
		d.Value = recipient
	}
	b, err := doc.WriteToBytes()
	if err != nil {
		return nil, err
	}
	p.AssertionConsumerServiceURL = recipient // p is the request's own provider
	resp, err := p.ValidateEncodedResponse(base64.StdEncoding.EncodeToString(b))
	p.AssertionConsumerServiceURL = acs
	if err != nil {
		return nil, err
	}
	if resp.Destination == recipient {
		resp.Destination = acs
	}
	return resp, nil
}

// secRoots returns the certificates p trusts.
func secRoots(p *saml2.SAMLServiceProvider) []*x509.Certificate {
	if m, ok := p.IDPCertificateStore.(*dsig.MemoryX509CertificateStore); ok {
		return append([]*x509.Certificate(nil), m.Roots...)
	}
	return nil
}

// secUnsigned is FaultSecAcceptUnsigned: an unsigned response parsed and
// validated as gosaml2 does, its assertions taken as verified. p is the
// request's own provider (Server.provider).
func (s *Server) secUnsigned(p *saml2.SAMLServiceProvider, raw []byte) (*types.Response, error) {
	p.SkipSignatureValidation = true // p is built for this request only
	resp, err := p.ValidateEncodedResponse(base64.StdEncoding.EncodeToString(raw))
	if err != nil {
		return nil, err
	}
	for i := range resp.Assertions {
		resp.Assertions[i].SignatureValidated = true
	}
	return resp, nil
}

// secKeyInfoCert returns the first certificate embedded in a KeyInfo of
// the document, or nil.
func secKeyInfoCert(raw []byte) *x509.Certificate {
	doc := etree.NewDocument()
	if doc.ReadFromBytes(raw) != nil || doc.Root() == nil {
		return nil
	}
	for _, el := range doc.Root().FindElements("//X509Certificate") {
		der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(el.Text()), ""))
		if err != nil {
			continue
		}
		if c, err := x509.ParseCertificate(der); err == nil {
			return c
		}
	}
	return nil
}

// secNaive is FaultSecXSW: the document is accepted when any Assertion in
// it carries a signature that verifies, and the Assertion consumed is the
// first Assertion child of the Response, verified or not.
func secNaive(p *saml2.SAMLServiceProvider, raw []byte) (*types.Response, error) {
	root, err := parseRoot(raw)
	if err != nil {
		return nil, err
	}
	verified := false
	vctx := dsig.NewDefaultValidationContext(p.IDPCertificateStore)
	vctx.Clock = p.Clock
	for _, as := range root.FindElements("//Assertion") {
		if as.SelectElement("Signature") == nil {
			continue
		}
		detached, err := encDetach(as)
		if err != nil {
			continue
		}
		if _, err := vctx.Validate(detached); err == nil {
			verified = true
			break
		}
	}
	first := root.SelectElement("Assertion")
	if !verified || first == nil {
		return nil, errors.New("no verified assertion")
	}
	resp, err := parseVerifiedAs(raw, first)
	if err != nil {
		return nil, err
	}
	if err := p.Validate(resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// secTruncateAtComment is FaultSecCommentTruncation: the NameID of each
// assertion becomes the first text node of the matching NameID element in
// the raw document.
func secTruncateAtComment(resp *types.Response, raw []byte) {
	doc := etree.NewDocument()
	if doc.ReadFromBytes(raw) != nil || doc.Root() == nil {
		return
	}
	for i := range resp.Assertions {
		a := &resp.Assertions[i]
		if a.Subject == nil || a.Subject.NameID == nil {
			continue
		}
		for _, as := range doc.Root().FindElements("//Assertion") {
			if as.SelectAttrValue("ID", "") != a.ID {
				continue
			}
			if id := as.FindElement("./Subject/NameID"); id != nil {
				for _, tok := range id.Child {
					if cd, ok := tok.(*etree.CharData); ok {
						a.Subject.NameID.Value = cd.Data
						break
					}
				}
			}
		}
	}
}

// secCheckConditions is checkConditions plus what gosaml2 v0.12.0 leaves
// out: an IssueInstant near now (catalogue P05) and an AuthnStatement
// (P19). FaultSecNoAudience and FaultSecNoTimeChecks switch parts off, and
// FaultProtoUnsolicitedNoAudience the audience check of an unsolicited
// response.
func (s *Server) secCheckConditions(a *types.Assertion, audience string, unsolicited bool, now time.Time, skew time.Duration) error {
	if a.AuthnStatement == nil {
		return errors.New("the assertion has no AuthnStatement (SAML Profiles §4.1.4.2)")
	}
	c := *a
	if c.Conditions != nil {
		cond := *c.Conditions
		if s.has(FaultSecNoAudience) || unsolicited && s.has(FaultProtoUnsolicitedNoAudience) {
			cond.AudienceRestrictions = nil
		}
		if s.has(FaultSecNoTimeChecks) {
			cond.NotBefore = now.Add(-time.Minute).UTC().Format(time.RFC3339)
			cond.NotOnOrAfter = now.Add(time.Minute).UTC().Format(time.RFC3339)
		}
		c.Conditions = &cond
	}
	if err := checkConditions(&c, audience, now, skew); err != nil {
		return err
	}
	if !s.has(FaultSecNoTimeChecks) && !a.IssueInstant.IsZero() {
		if d := a.IssueInstant.Sub(now); d > secMaxIssueInstantDistance+skew || d < -(secMaxIssueInstantDistance+skew) {
			return fmt.Errorf("the assertion was issued at %s, too far from now (%s)", a.IssueInstant.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// SecAuthnRequestCookie binds an SP-initiated login to the browser that
// started it: /saml/login sets it to the AuthnRequest ID, and the ACS
// accepts InResponseTo only from the browser carrying it (catalogue P12:
// a response to another browser's AuthnRequest is refused).
const SecAuthnRequestCookie = "reftarget_authnrequest"

// secBindRequest sets the AuthnRequest cookie of a login started at
// /saml/login. The IdP's POST to the ACS is cross-site, so over TLS the
// cookie is SameSite=None.
func secBindRequest(w http.ResponseWriter, r *http.Request, id string) {
	c := &http.Cookie{Name: SecAuthnRequestCookie, Value: id, Path: SPPath, HttpOnly: true,
		MaxAge: int(pendingLifetime.Seconds()), SameSite: http.SameSiteLaxMode}
	if r.TLS != nil {
		c.Secure, c.SameSite = true, http.SameSiteNoneMode
	}
	http.SetCookie(w, c)
}

// secSameBrowser reports whether the request carries the AuthnRequest
// cookie of id.
func secSameBrowser(r *http.Request, id string) bool {
	c, err := r.Cookie(SecAuthnRequestCookie)
	return err == nil && c.Value == id
}
