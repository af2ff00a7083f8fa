package reftarget

import (
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"github.com/russellhaering/gosaml2/types"
)

// Faults of the SAML SP's JIT provisioning beyond those in faults.go: each
// names one bug a check of the JIT suite (catalogue lines J08…J27, C02…C08)
// is meant to catch.
const (
	FaultJITNameIDCaseInsensitive Fault = "jit-nameid-case-insensitive"
	FaultJITTransientKeyed        Fault = "jit-transient-keyed"
	FaultJITEmptyNameID           Fault = "jit-empty-nameid-accepted"
	FaultJITPlaceholderEmail      Fault = "jit-placeholder-email"
	FaultJITMatchOnUserName       Fault = "jit-match-on-username"
	FaultJITEmailNormalizedLink   Fault = "jit-email-normalized-link"
	FaultJITAnyEmailValue         Fault = "jit-any-email-value"
	FaultJITUnsolicitedAccepted   Fault = "jit-unsolicited-accepted"
	FaultJITLongName500           Fault = "jit-long-name-500"
	FaultJITDeletedResurrected    Fault = "jit-deleted-resurrected"
	FaultJITEmailNotUnique        Fault = "jit-email-not-unique"
	FaultJITSCIMPostDuplicates    Fault = "jit-scim-post-duplicates"
	FaultJITNameIDMatchesEmail    Fault = "jit-nameid-matches-email"
	FaultJITKeyIgnoresIssuer      Fault = "jit-key-ignores-issuer"
)

// jitFaultInfos describe the faults above; faultInfos lists them too.
var jitFaultInfos = []FaultInfo{
	{FaultJITNameIDCaseInsensitive, "the SP finds a login's account by a NameID compared case-insensitively, so a case variant lands in another person's account"},
	{FaultJITTransientKeyed, "the SP keys accounts on transient NameIDs: every login with a new transient value creates a persistent account"},
	{FaultJITEmptyNameID, "the SP accepts an assertion with an empty NameID and keys the account on the empty string"},
	{FaultJITPlaceholderEmail, "the SP gives the account of a login without email a placeholder address, even when it declares email required"},
	{FaultJITMatchOnUserName, "the SP finds a login's account by a local userName equal to the NameID (takeover of a local user)"},
	{FaultJITEmailNormalizedLink, "the SP links a new NameID to the account whose email matches the asserted one after normalization (case, NFKC, +tag, trailing dot)"},
	{FaultJITAnyEmailValue, "the SP links a new NameID to an account holding any of the asserted email values (multi-valued or duplicated attribute)"},
	{FaultJITUnsolicitedAccepted, "the SP declares IdP-initiated login off but accepts unsolicited responses"},
	{FaultJITLongName500, "a given name or surname longer than 255 bytes makes the ACS answer 500 (a column overflow)"},
	{FaultJITDeletedResurrected, "the SP keeps the identity link of a deleted account and re-creates the account with its old id at the next login"},
	{FaultJITEmailNotUnique, "the SP creates an account for a new NameID even when another account holds the asserted email (a silent second account)"},
	{FaultJITNameIDMatchesEmail, "the SP finds a login's account by an email equal to the NameID (a username that is another user's email)"},
	{FaultJITKeyIgnoresIssuer, "the SP keys accounts on the NameID alone, not (Issuer, NameID): the same NameID from a second trusted IdP lands in the first IdP's user"},
	{FaultJITSCIMPostDuplicates, "a SCIM POST whose externalId is the NameID of an account created at SAML login creates a second account instead of 409"},
	{FaultJITUnmappedRole, "the SP's role mapper makes every asserted value of the role attribute a role, not only the values of its mapping table (an asserted \"admin\" grants admin)"},
	{FaultJITRoleNeverRemoved, "the SP declares sync on login but its role mapper only ever adds roles: a later login without the mapped value keeps the role"},
}

// maxJITNameBytes is the name length beyond which FaultJITLongName500
// answers 500.
const maxJITNameBytes = 255

// jitCheckSubject refuses a NameID that cannot key an account: absent or
// empty (rule R1, catalogue J10), or transient (R3, J09).
func (s *Server) jitCheckSubject(nid *types.NameID) *loginError {
	if (nid == nil || strings.TrimSpace(nid.Value) == "") && !s.has(FaultJITEmptyNameID) {
		return refuse("the assertion has no NameID and no key attribute is configured")
	}
	if nid != nil && nid.Format == nameIDTransient && !s.has(FaultJITTransientKeyed) {
		return refuse("a transient NameID cannot key an account and no key attribute is configured")
	}
	return nil
}

// jitNameID is the NameID value of an assertion, "" when absent.
func jitNameID(nid *types.NameID) string {
	if nid == nil {
		return ""
	}
	return nid.Value
}

// jitEmailValues returns every value of every email attribute of an
// assertion, in document order (a multi-valued or duplicated attribute).
func jitEmailValues(a *types.Assertion) []string { return assertionValues(a, AttrEmail) }

// jitAttributeChecks applies the policy's required attributes (rule R9,
// catalogue J11) before any account is looked up or created.
func (s *Server) jitAttributeChecks(at *samlAttrs, pol SPPolicy) *loginError {
	if at.email == nil || *at.email == "" {
		switch {
		case s.has(FaultJITPlaceholderEmail):
			placeholder := "temp-email-for-saml-" + strings.ToLower(newID()[:8]) + "@example.invalid"
			at.email = &placeholder
		case pol.RequireEmail:
			return refuse("the required email attribute %q is missing", AttrEmail)
		}
	}
	if at.email != nil && len(pol.AllowedDomains) > 0 && !jitDomainAllowed(*at.email, pol.AllowedDomains) {
		return refuse("the email %s is outside the allowed domains %s", *at.email, strings.Join(pol.AllowedDomains, ", "))
	}
	if s.has(FaultJITLongName500) {
		for _, v := range []*string{at.given, at.family} {
			if v != nil && len(*v) > maxJITNameBytes {
				return &loginError{status: http.StatusInternalServerError, reason: fmt.Sprintf("pq: value too long for type character varying(%d)", maxJITNameBytes)}
			}
		}
	}
	return nil
}

// jitDomainAllowed reports whether the domain of email is one of domains
// (case-insensitive).
func jitDomainAllowed(email string, domains []string) bool {
	_, domain, ok := strings.Cut(email, "@")
	if !ok {
		return false
	}
	for _, d := range domains {
		if strings.EqualFold(domain, d) {
			return true
		}
	}
	return false
}

// jitLinked returns the account id linked to key, or "". The caller holds
// s.mu, not s.sp.mu.
func (s *Server) jitLinked(key linkKey) string {
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	if id, ok := s.sp.links[key]; ok || !s.has(FaultJITNameIDCaseInsensitive) && !s.has(FaultJITKeyIgnoresIssuer) {
		return id
	}
	for k, id := range s.sp.links {
		sameIssuer := k.issuer == key.issuer || s.has(FaultJITKeyIgnoresIssuer)
		sameName := k.nameID == key.nameID || s.has(FaultJITNameIDCaseInsensitive) && strings.EqualFold(k.nameID, key.nameID)
		if sameIssuer && sameName {
			return id
		}
	}
	return ""
}

// SetSPPolicy changes the SP's declared policy, for tests of a fault that
// shows only under another policy.
func (s *Server) SetSPPolicy(p SPPolicy) {
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	s.sp.policy = p
}

// TrustSecondIdP makes the SP trust one more identity provider besides
// the one of TrustIdP (catalogue J07): its responses are verified with its
// own certificate, and its NameIDs are keyed under its own entity ID
// (rule R1). SCIM users are the first IdP's: only its NameIDs are matched
// to their externalId.
func (s *Server) TrustSecondIdP(idp TrustedIdP) {
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	s.sp.others = append(s.sp.others, idp)
}

// jitTrusted returns the further trusted IdP whose entity ID is issuer,
// else the first one. The caller holds st.mu.
func (st *spState) jitTrusted(issuer string) TrustedIdP {
	for _, idp := range st.others {
		if issuer != "" && idp.EntityID == issuer && idp.Cert != nil {
			return idp
		}
	}
	return st.idp
}

// jitUnverifiedIssuer is the Issuer a Response claims, to choose the
// certificate that must verify it; "" when it cannot be read.
func jitUnverifiedIssuer(encoded string) string {
	// Only XML is read (gosaml2's DecodeUnverifiedBaseResponse would
	// inflate anything else, up to 5 MiB, before parseDecode refuses it).
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	if err != nil || !parseLooksXML(raw) {
		return ""
	}
	var base types.UnverifiedBaseResponse
	if err := xml.Unmarshal(raw, &base); err != nil || base.Issuer == nil {
		return ""
	}
	return strings.TrimSpace(base.Issuer.Value)
}

// jitPrimaryIssuer reports whether key's NameID may be matched to a SCIM
// user's externalId: it comes from the first trusted IdP, whose users
// SCIM provisions. The caller holds s.mu.
func (s *Server) jitPrimaryIssuer(key linkKey) bool {
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	return len(s.sp.others) == 0 || key.issuer == s.sp.idp.EntityID || s.has(FaultJITKeyIgnoresIssuer)
}

// jitFaultyMatch is where the faults that find a login's account by
// something other than its identity key do so: a local userName or an
// email equal to the NameID, a normalized email, any value of a
// multi-valued email. The
// correct SP finds nothing here. The caller holds s.mu.
func (s *Server) jitFaultyMatch(key linkKey, at samlAttrs) *resource {
	for _, u := range s.all(rtUser) {
		if name, _ := u.data["userName"].(string); s.has(FaultJITMatchOnUserName) && name == key.nameID {
			return u
		}
		own := primaryEmail(u.data)
		if own == "" {
			continue
		}
		if s.has(FaultJITNameIDMatchesEmail) && strings.EqualFold(own, key.nameID) {
			return u
		}
		if s.has(FaultJITEmailNormalizedLink) && at.email != nil && jitNormalizeEmail(*at.email) == jitNormalizeEmail(own) {
			return u
		}
		if s.has(FaultJITAnyEmailValue) {
			for _, v := range at.emails {
				if strings.EqualFold(v, own) {
					return u
				}
			}
		}
	}
	return nil
}

// jitNormalizeEmail is the unsafe normalization of FaultJITEmailNormalizedLink:
// full-width letters to ASCII (as NFKC does), lower case with a dotless ı
// as i, no +tag, no trailing dot or space.
func jitNormalizeEmail(e string) string {
	e = strings.Map(func(r rune) rune {
		switch {
		case r == 'ı':
			return 'i'
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		}
		return unicode.ToLower(r)
	}, strings.TrimSpace(e))
	e = strings.TrimRight(e, ". ")
	local, domain, ok := strings.Cut(e, "@")
	if !ok {
		return e
	}
	local, _, _ = strings.Cut(local, "+")
	return local + "@" + domain
}

// jitEmailUnique reports whether a new account may take the email: the
// correct SP never gives a second account an email another holds.
func (s *Server) jitEmailUnique() bool { return !s.has(FaultJITEmailNotUnique) }

// jitAccountID is the id of an account created at login: new, or, under
// FaultJITDeletedResurrected, the id of the deleted account the key was
// linked to.
func (s *Server) jitAccountID(linked string) string {
	if linked != "" && s.has(FaultJITDeletedResurrected) && s.lookup(rtUser, linked) == nil {
		return linked
	}
	return newID()
}

// jitExternalIDConflict refuses (409) a SCIM-created user whose externalId
// is the NameID of an account created or linked at SAML login (catalogue
// C07): the two are the same person, and a second account would split
// them. The caller holds s.mu.
func (s *Server) jitExternalIDConflict(data map[string]any) *scimError {
	ext, _ := data["externalId"].(string)
	if ext == "" || s.has(FaultJITSCIMPostDuplicates) {
		return nil
	}
	s.sp.mu.Lock()
	linked := map[string]bool{}
	for _, id := range s.sp.links {
		linked[id] = true
	}
	s.sp.mu.Unlock()
	for _, u := range s.all(rtUser) {
		if other, _ := u.data["externalId"].(string); other == ext && linked[u.id] {
			return errorf(http.StatusConflict, scimUniqueness, "externalId %q is the NameID of account %s, which signs in by SAML", ext, u.id)
		}
	}
	return nil
}
