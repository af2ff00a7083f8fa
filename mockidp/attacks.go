package mockidp

import (
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// Victim names the canary victim V of the catalogue: the account an attack
// tries to log in as. Attacks put these values into the evil (unsigned or
// tampered) part of a response; nothing here is hard-coded.
type Victim struct {
	// NameID is V's NameID value at the IdP.
	NameID string
	// Email is V's email address.
	Email string
	// EmailAttribute is the name of the email attribute the SP maps; empty
	// means "email". Attacks replace its values, when the response has it.
	EmailAttribute string
}

func (v Victim) emailAttribute() string {
	if v.EmailAttribute == "" {
		return "email"
	}
	return v.EmailAttribute
}

// Oracle says what the stateless reference SP (VerifyBenign, gosaml2 with
// provcheck's extra checks) makes of an attack's response, which is what
// the tests of this package prove and what the security suite can check
// before it sends anything.
type Oracle int

// What the reference SP does with an attack's response.
const (
	// OracleRejects: the reference SP refuses the response.
	OracleRejects Oracle = iota + 1
	// OracleAcceptsHonest: the reference SP accepts it, as the honest
	// principal, never as the victim (S21–S23: the full NameID is read).
	OracleAcceptsHonest
	// OracleAccepts: the signature and every check hold; whether an SP
	// must refuse is policy (a weak algorithm or key, a `should` case; or a
	// positive control).
	OracleAccepts
	// OracleNeedsState: the response is valid on its own; an SP refuses it
	// only with state the stateless oracle does not have (the AuthnRequest
	// IDs it issued, its replay cache, its IdP-initiated policy).
	OracleNeedsState
	// OracleGap: a correct SP must refuse it, but the reference SP (gosaml2
	// v0.12.0 plus VerifyBenign's checks) accepts it: the check is one
	// gosaml2 does not make (S17 bundles of assertions for different
	// subjects, P05 IssueInstant, P19 a missing AuthnStatement, a DOCTYPE
	// whose entities the body does not reference). A reference SP must add
	// it; the tests pin the gap, so closing it shows.
	OracleGap
)

// String names the oracle outcome for reports.
func (o Oracle) String() string {
	switch o {
	case OracleRejects:
		return "rejects"
	case OracleAcceptsHonest:
		return "accepts-honest"
	case OracleAccepts:
		return "accepts"
	case OracleNeedsState:
		return "needs-state"
	case OracleGap:
		return "gap"
	}
	return fmt.Sprintf("Oracle(%d)", int(o))
}

// SignedPart is a part of an attack's response that must still verify
// with goxmldsig against the trusted certificate, so that a wrapping case
// really wraps a valid signature rather than sending a broken one. Both
// paths are etree paths from the document (prefixes as built: samlp, saml,
// ds).
type SignedPart struct {
	// Name says what the part is, for reports.
	Name string
	// Element is the path of the element the signature covers.
	Element string
	// Signature is the path of the ds:Signature that covers it (it need not
	// sit inside Element: XSW moves them apart).
	Signature string
	// SignedInfoOnly checks only the SignatureValue over the canonical
	// SignedInfo, not the reference digest (S31: the digest is what the
	// attack breaks, the SignatureValue stays genuine).
	SignedInfoOnly bool
}

// Attack is one catalogue case as data: the mutations that build it from
// the baseline, what it is and where it comes from, and what must still
// hold of the response it builds.
type Attack struct {
	// ID is the catalogue line, "S07".
	ID string
	// Variant tells apart several shapes of one line ("destination",
	// "file"); empty when the line has one.
	Variant string
	// Title says in a line what is sent.
	Title string
	// References are the CVEs, advisories and specification sections.
	References []string
	// Should marks a `should` case: the SP may warn instead of refusing.
	Should bool
	// Mutations build the case from the baseline, in order.
	Mutations []Mutation
	// StillVerifies are the parts that must verify with goxmldsig.
	StillVerifies []SignedPart
	// Oracle is what the stateless reference SP makes of the response.
	Oracle Oracle
	// Trust, when set, is the identity whose certificate the SP must trust
	// for the case to mean anything (K06: the RSA-1024 certificate is in
	// the metadata); nil means the IdP's usual one.
	Trust *Identity
	// Sends is how often the same bytes are POSTed (P14, P22); 0 means once.
	Sends int
}

// Key identifies the case in tables: the ID, and "/variant" when there is
// one ("S13/samlp-extensions").
func (a Attack) Key() string {
	if a.Variant == "" {
		return a.ID
	}
	return a.ID + "/" + a.Variant
}

// Build builds the case over spec: Build(spec, opts, a.Mutations...).
func (a Attack) Build(spec ResponseSpec, opts SignOptions) (*Built, error) {
	b, err := Build(spec, opts, a.Mutations...)
	if err != nil {
		return nil, fmt.Errorf("attack %s: %w", a.Key(), err)
	}
	return b, nil
}

// CheckStillVerifies checks every part of StillVerifies in xml against
// idp's certificate at now. The generator runs it before sending a case,
// so a wrapping case never degrades into a plain broken signature.
func (a Attack) CheckStillVerifies(xml []byte, idp *Identity, now time.Time) error {
	if len(a.StillVerifies) == 0 {
		return nil
	}
	if idp == nil || idp.Cert == nil {
		return fmt.Errorf("attack %s: no certificate to verify with", a.Key())
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(xml); err != nil {
		return fmt.Errorf("attack %s: parse: %w", a.Key(), err)
	}
	for _, p := range a.StillVerifies {
		if err := verifyPart(doc, p, idp.Cert, now); err != nil {
			return fmt.Errorf("attack %s: %s: %w", a.Key(), p.Name, err)
		}
	}
	return nil
}

// verifyPart verifies one part with goxmldsig: a detached copy of the
// signature (its payload children dropped) is enveloped in a detached copy
// of the element, in place of any signature of its own, and validated.
// Where the signature already sits in the element this is plain
// validation; where a wrapping case moved them apart it is the check that
// the pair, put back together, is a genuine signature.
func verifyPart(doc *etree.Document, p SignedPart, cert *x509.Certificate, now time.Time) error {
	sig := doc.FindElement(p.Signature)
	if sig == nil {
		return fmt.Errorf("no signature at %s", p.Signature)
	}
	sigCopy, err := detach(sig)
	if err != nil {
		return err
	}
	// Keep only what a signature consists of: wrapping cases hang payloads
	// (a pristine copy, a ds:Object) inside it.
	for _, c := range sigCopy.ChildElements() {
		switch c.Tag {
		case dsig.SignedInfoTag, dsig.SignatureValueTag, dsig.KeyInfoTag:
		default:
			sigCopy.RemoveChild(c)
		}
	}
	if p.SignedInfoOnly {
		return verifySignedInfo(sigCopy, cert)
	}
	el := doc.FindElement(p.Element)
	if el == nil {
		return fmt.Errorf("no element at %s", p.Element)
	}
	target, err := detach(el)
	if err != nil {
		return err
	}
	for _, s := range findAll(target, nsDSig, "Signature") {
		if s.Parent() == target {
			target.RemoveChild(s)
		}
	}
	target.InsertChildAt(0, sigCopy)
	vctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}})
	vctx.Clock = dsig.NewFakeClockAt(now)
	if _, err := vctx.Validate(target); err != nil {
		return fmt.Errorf("signature at %s over %s: %w", p.Signature, p.Element, err)
	}
	return nil
}

// detach copies el with every namespace in scope declared on the copy.
func detach(el *etree.Element) (*etree.Element, error) {
	ctx, err := etreeutils.NSBuildParentContext(el)
	if err != nil {
		return nil, fmt.Errorf("namespace context of %s: %w", el.FullTag(), err)
	}
	out, err := etreeutils.NSDetatch(ctx, el)
	if err != nil {
		return nil, fmt.Errorf("detach %s: %w", el.FullTag(), err)
	}
	return out, nil
}

// verifySignedInfo checks the SignatureValue of a detached ds:Signature over
// its exclusively canonicalised SignedInfo (RSA-SHA256 or RSA-SHA1).
func verifySignedInfo(sig *etree.Element, cert *x509.Certificate) error {
	si := childNS(sig, nsDSig, dsig.SignedInfoTag)
	sv := childNS(sig, nsDSig, dsig.SignatureValueTag)
	if si == nil || sv == nil {
		return errors.New("signature without SignedInfo or SignatureValue")
	}
	detached, err := detach(si)
	if err != nil {
		return err
	}
	canon, err := dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("").Canonicalize(detached)
	if err != nil {
		return fmt.Errorf("canonicalise SignedInfo: %w", err)
	}
	value, err := base64.StdEncoding.DecodeString(sv.Text())
	if err != nil {
		return fmt.Errorf("decode SignatureValue: %w", err)
	}
	alg := x509.SHA256WithRSA
	if m := childNS(si, nsDSig, dsig.SignatureMethodTag); m != nil && m.SelectAttrValue("Algorithm", "") == SigRSASHA1 {
		alg = x509.SHA1WithRSA
	}
	if err := cert.CheckSignature(alg, canon, value); err != nil {
		return fmt.Errorf("SignatureValue over SignedInfo: %w", err)
	}
	return nil
}

// childNS returns the first child of el with namespace ns and local name
// tag.
func childNS(el *etree.Element, ns, tag string) *etree.Element {
	for _, c := range el.ChildElements() {
		if c.Tag == tag && c.NamespaceURI() == ns {
			return c
		}
	}
	return nil
}

// response returns the root samlp:Response of doc.
func response(doc *etree.Document) (*etree.Element, error) {
	root := doc.Root()
	if root == nil || root.Tag != "Response" || root.NamespaceURI() != nsProtocol {
		return nil, errors.New("the document root is not a samlp:Response")
	}
	return root, nil
}

// responseParts returns the root Response and its first Assertion child.
func responseParts(doc *etree.Document) (resp, as *etree.Element, err error) {
	resp, err = response(doc)
	if err != nil {
		return nil, nil, err
	}
	as = assertionOf(resp)
	if as == nil {
		return nil, nil, errors.New("the response has no saml:Assertion child")
	}
	return resp, as, nil
}

// ownSignature returns the ds:Signature child of el.
func ownSignature(el *etree.Element) (*etree.Element, error) {
	sig := childNS(el, nsDSig, "Signature")
	if sig == nil {
		return nil, fmt.Errorf("%s carries no ds:Signature (is the right element signed?)", el.FullTag())
	}
	return sig, nil
}

// unsignedCopy copies el without its own ds:Signature: what an enveloped
// signature's digest covers.
func unsignedCopy(el *etree.Element) *etree.Element {
	c := el.Copy()
	if sig := childNS(c, nsDSig, "Signature"); sig != nil {
		c.RemoveChild(sig)
	}
	return c
}

// forgedCopy is an unsigned copy of el for the victim, with a fresh ID
// when freshID.
func forgedCopy(el *etree.Element, v Victim, freshID bool) (*etree.Element, error) {
	evil := unsignedCopy(el)
	if freshID {
		evil.CreateAttr("ID", NewID())
	}
	if err := impersonate(evil, v); err != nil {
		return nil, err
	}
	return evil, nil
}

// forgeAssertion returns the response, its first assertion and a forged
// copy of it (see forgedCopy), not yet placed.
func forgeAssertion(doc *etree.Document, v Victim, freshID bool) (resp, as, evil *etree.Element, err error) {
	resp, as, err = responseParts(doc)
	if err != nil {
		return nil, nil, nil, err
	}
	evil, err = forgedCopy(as, v, freshID)
	if err != nil {
		return nil, nil, nil, err
	}
	return resp, as, evil, nil
}

// turnEvil makes el itself the evil element (the victim; a fresh ID when
// freshID) and returns the pristine unsigned copy taken before.
func turnEvil(el *etree.Element, v Victim, freshID bool) (*etree.Element, error) {
	pristine := unsignedCopy(el)
	if err := impersonate(el, v); err != nil {
		return nil, err
	}
	if freshID {
		el.CreateAttr("ID", NewID())
	}
	return pristine, nil
}

// signedAssertion returns the response, its first assertion and that
// assertion's ds:Signature.
func signedAssertion(doc *etree.Document) (resp, as, sig *etree.Element, err error) {
	resp, as, err = responseParts(doc)
	if err != nil {
		return nil, nil, nil, err
	}
	sig, err = ownSignature(as)
	if err != nil {
		return nil, nil, nil, err
	}
	return resp, as, sig, nil
}

// impersonate rewrites the subject of the assertions under el to v: every
// saml:NameID, and the values of v's email attribute when there is one.
func impersonate(el *etree.Element, v Victim) error {
	ids := findAll(el, nsAssertion, "NameID")
	if len(ids) == 0 {
		return fmt.Errorf("no saml:NameID under %s to put the victim in", el.FullTag())
	}
	for _, id := range ids {
		id.SetText(v.NameID)
	}
	if v.Email == "" {
		return nil
	}
	for _, at := range findAll(el, nsAssertion, "Attribute") {
		if at.SelectAttrValue("Name", "") != v.emailAttribute() {
			continue
		}
		for _, val := range findAll(at, nsAssertion, "AttributeValue") {
			val.SetText(v.Email)
		}
	}
	return nil
}

// signWith is the BeforeSigning mutation that makes Build sign target (the
// element the case wraps), whatever the caller's options said.
func signWith(target SignTarget) Mutation {
	return Mutation{Name: "sign-" + target.String(), Stage: BeforeSigning,
		Options: func(o *SignOptions) { o.Sign = target }}
}

// afterSigning is shorthand for a named tree edit of the signed response.
func afterSigning(name string, edit func(doc *etree.Document) error) Mutation {
	return Mutation{Name: name, Stage: AfterSigning, Tree: edit}
}

// schemaPosition is the index at which an element of the Response that
// precedes Status in the schema (Extensions) goes: after Issuer and
// Signature.
func schemaPosition(resp *etree.Element) int {
	at := 0
	for i, tok := range resp.Child {
		c, ok := tok.(*etree.Element)
		if !ok {
			continue
		}
		if (c.Tag == "Issuer" && c.NamespaceURI() == nsAssertion) || (c.Tag == "Signature" && c.NamespaceURI() == nsDSig) {
			at = i + 1
		}
	}
	return at
}

// AttackParams are what the catalogue's attacks are built from: the
// victim, the attacker's suffix and keys, the SP's skew and the
// out-of-band canary.
type AttackParams struct {
	// Victim is the canary victim.
	Victim Victim
	// Suffix turns a victim value into an attacker-owned one for S21–S23
	// (".attacker.test": victim@corp.test.attacker.test).
	Suffix string
	// IdP is the trusted IdP (S17 signs a second assertion with it).
	IdP *Identity
	// Attacker is an untrusted key (K01, K02).
	Attacker *Identity
	// Clone is a CloneIdentity of the IdP (K03); nil leaves K03 out.
	Clone *Identity
	// Weak is an RSA-1024 identity (K06); nil leaves K06 out.
	Weak *Identity
	// Rollover, Expired and SecondIdP are the IdP's rollover identity
	// (K04), an identity of the IdP whose pinned certificate is outside
	// its validity window (K11) and another IdP the SP trusts (K12);
	// Catalogue leaves these cases out, the security suite builds them
	// when the contract has the identity.
	Rollover, Expired, SecondIdP *Identity
	// SP is the SP under test (S20 addresses the forged assertion to it).
	SP SPInfo
	// OtherSP is another SP the IdP serves (S20, P06, P07, P20).
	OtherSP SPInfo
	// Skew is the SP's declared clock-skew tolerance (P01–P03).
	Skew time.Duration
	// Canary is the out-of-band URL for X02.
	Canary string
	// EncCert is the SP's encryption certificate (the E cases, see
	// EncCatalogue); nil leaves them out.
	EncCert *x509.Certificate
	// EncWrongCert is a certificate that is not the SP's (E04).
	EncWrongCert *x509.Certificate
}

// Catalogue returns every attack this package implements, in catalogue
// order, built from p, except the parser lines S19, S26–S28, S33, X05 and
// X08, which ParseCatalogue returns.
func Catalogue(p AttackParams) []Attack {
	v := p.Victim
	out := []Attack{
		BaselineControl(),
		SignatureRemoved(), NeverSigned(),
		ResponseSignedOnly(),
		UnsignedResponseEdited("destination"), UnsignedResponseEdited("inresponseto"), UnsignedResponseEdited("status"),
		FlippedSignatureByte("signature"), FlippedSignatureByte("digest"),
		EditedAfterSigning("nameid", v), EditedAfterSigning("email", v),
		EditedAfterSigning("audience", v), EditedAfterSigning("conditions", v),
		XSW1(v), XSW2(v), XSW3(v), XSW4(v), XSW5(v), XSW6(v), XSW7(v, false), XSW7(v, true), XSW8(v),
		XSW3After(v), TwoAssertionsClone(v),
	}
	if p.IdP != nil {
		out = append(out, TwoSignedAssertions(v, p.IdP))
	}
	out = append(out,
		NestedAssertion(v, "extensions"), NestedAssertion(v, "statusdetail"),
		DonorAssertion(v, p.SP, p.OtherSP.EntityID),
		NameIDComment(v, p.Suffix), EmailComment(v, p.Suffix),
		NameIDSplitText(v, p.Suffix, "cdata"), NameIDSplitText(v, p.Suffix, "charref"),
		EarlierDigestValue(v), ParserDifferential(v),
		DuplicateID(v), SecondSignedInfo(v),
		DigestValueComment(v),
	)
	if p.IdP != nil {
		out = append(out, EmptyReferenceURI(v, p.IdP), SignedCommentWithComments(v, p.Suffix, p.IdP))
	}
	if p.Attacker != nil {
		out = append(out, UntrustedKey(v, p.Attacker, false), UntrustedKey(v, p.Attacker, true))
	}
	if p.Clone != nil {
		out = append(out, ClonedCertificate(v, p.Clone))
	}
	out = append(out, WeakSHA1())
	if p.Weak != nil {
		out = append(out, WeakRSA1024(p.Weak))
	}
	out = append(out, HMACSignatureMethod(0), HMACSignatureMethod(8),
		UnknownAlgorithm("signature"), UnknownAlgorithm("digest"), UnknownAlgorithm("c14n"),
		XSLTTransform(p.Canary), RemoteKeyInfo(p.Canary))
	out = append(out,
		Expired(p.Skew), NotYetValid(p.Skew), ConfirmationExpired(p.Skew))
	for _, s := range []int{-900, -300, -180, -60, -30, 30, 60, 180, 300, 900} {
		out = append(out, ClockSkewSweep(time.Duration(s)*time.Second))
	}
	out = append(out,
		IssueInstantSkewed(-24*time.Hour), IssueInstantSkewed(24*time.Hour),
		WrongAudience(p.OtherSP.EntityID), ExtraAudienceRestriction(p.OtherSP.EntityID),
		WrongRecipient("https://attacker.invalid/acs"),
		WrongDestination("https://attacker.invalid/acs"), WrongDestination(""),
		WrongIssuer("https://attacker.invalid/idp"), WrongIssuer(""),
		FailedStatus(), ForeignInResponseTo(""), AnsweredInResponseTo(""), Replay(), ReusedAssertionID(NewID()), Unsolicited(),
		NotBearer(ConfirmationHolderOfKey), NotBearer(""), NoAuthnStatement(), ForOtherSP(p.OtherSP), OneTimeUseTwice(),
		ShortSession(-time.Minute),
		InternalEntity(), ExternalEntityFile(), ExternalEntityCanary(p.Canary), ParameterEntityCanary(p.Canary),
		EntityExpansion(3), XInclude(p.Canary), DeepNesting(100_000), Malformed("non-xml"), Malformed("wrong-root"),
		MalformedSignature("no-signedinfo"), MalformedSignature("no-signaturevalue"), MalformedSignature("two-keyinfo"),
	)
	return out
}
