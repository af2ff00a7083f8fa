package mockidp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// Signature algorithms a response can be signed with.
const (
	// SigRSASHA256 is RSA-SHA256 with a SHA-256 digest, the default.
	SigRSASHA256 = dsig.RSASHA256SignatureMethod
	// SigRSASHA1 is RSA-SHA1 with a SHA-1 digest (deprecated, for K05).
	SigRSASHA1 = dsig.RSASHA1SignatureMethod
)

// SignTarget says which elements of a response are signed.
type SignTarget int

// What Build signs. The zero value signs the assertion.
const (
	// SignAssertion signs the Assertion only.
	SignAssertion SignTarget = iota
	// SignResponse signs the Response only.
	SignResponse
	// SignBoth signs the Assertion, then the Response over it.
	SignBoth
	// SignNone signs nothing.
	SignNone
)

// String names the target for traces: "assertion", "response", "both",
// "none".
func (t SignTarget) String() string {
	switch t {
	case SignAssertion:
		return "assertion"
	case SignResponse:
		return "response"
	case SignBoth:
		return "both"
	case SignNone:
		return "none"
	}
	return fmt.Sprintf("SignTarget(%d)", int(t))
}

// SignOptions say how Build signs a response.
type SignOptions struct {
	// Identity holds the signing key and certificate. Any identity may
	// sign: another one than the SP trusts makes an untrusted signature.
	Identity *Identity
	// Sign says what is signed; the zero value signs the assertion.
	Sign SignTarget
	// Algorithm is SigRSASHA256 (the default when empty) or SigRSASHA1.
	Algorithm string
	// OmitKeyInfo leaves ds:KeyInfo out of the signatures; by default the
	// signing certificate is embedded.
	OmitKeyInfo bool
}

// DefaultSignOptions signs the assertion with idp's key, RSA-SHA256, the
// certificate embedded in KeyInfo.
func DefaultSignOptions(idp *Identity) SignOptions {
	return SignOptions{Identity: idp, Sign: SignAssertion, Algorithm: SigRSASHA256}
}

// algName is the short name of a signature method URI, "rsa-sha256".
func algName(uri string) string {
	if i := strings.LastIndexByte(uri, '#'); i >= 0 {
		return uri[i+1:]
	}
	return uri
}

// signingContext builds a goxmldsig context with exclusive C14N 1.0 set
// explicitly (goxmldsig defaults to inclusive C14N 1.1, under which a signed
// element moved elsewhere in the document stops verifying, so wrapping cases
// would test nothing).
func (o SignOptions) signingContext() (*dsig.SigningContext, error) {
	if o.Identity == nil || o.Identity.Key == nil || o.Identity.Cert == nil {
		return nil, errors.New("sign: no signing identity (key and certificate)")
	}
	ctx := dsig.NewDefaultSigningContext(o.Identity.KeyStore())
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	alg := o.Algorithm
	if alg == "" {
		alg = SigRSASHA256
	}
	if err := ctx.SetSignatureMethod(alg); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return ctx, nil
}

// describe is the trace line of one signature.
func (o SignOptions) describe(what string) string {
	alg := o.Algorithm
	if alg == "" {
		alg = SigRSASHA256
	}
	extra := ""
	if o.OmitKeyInfo {
		extra = ", no KeyInfo"
	}
	return fmt.Sprintf("signed %s (%s, exc-c14n%s)", what, algName(alg), extra)
}

// signElement computes an enveloped signature over el and places it right
// after el's Issuer (or first, without one), as the SAML schema requires.
// The signature is computed over a detached copy carrying every in-scope
// namespace, which is also what a verifier canonicalises; goxmldsig's
// exclusive canonicaliser rewrites the namespace declarations of the element
// it is given, so el itself is never handed to it.
func signElement(ctx *dsig.SigningContext, el *etree.Element, omitKeyInfo bool) error {
	parent, err := etreeutils.NSBuildParentContext(el)
	if err != nil {
		return fmt.Errorf("namespace context of %s: %w", el.Tag, err)
	}
	detached, err := etreeutils.NSDetatch(parent, el)
	if err != nil {
		return fmt.Errorf("detach %s: %w", el.Tag, err)
	}
	sig, err := ctx.ConstructSignature(detached, true)
	if err != nil {
		return fmt.Errorf("sign %s: %w", el.Tag, err)
	}
	if omitKeyInfo {
		if ki := sig.SelectElement(ctx.Prefix + ":" + dsig.KeyInfoTag); ki != nil {
			sig.RemoveChild(ki)
		}
	}
	at := 0
	for i, tok := range el.Child {
		if c, ok := tok.(*etree.Element); ok && c.Tag == "Issuer" && c.NamespaceURI() == nsAssertion {
			at = i + 1
			break
		}
	}
	el.InsertChildAt(at, sig)
	return nil
}

// assertionOf returns the first saml:Assertion child of the response root.
func assertionOf(root *etree.Element) *etree.Element {
	for _, c := range root.ChildElements() {
		if c.Tag == "Assertion" && c.NamespaceURI() == nsAssertion {
			return c
		}
	}
	return nil
}

// sign signs doc per o and returns the trace lines.
func (o SignOptions) sign(doc *etree.Document) ([]string, error) {
	if o.Sign == SignNone {
		return []string{"not signed"}, nil
	}
	if o.Sign < SignAssertion || o.Sign > SignNone {
		return nil, fmt.Errorf("sign: unknown target %v", o.Sign)
	}
	ctx, err := o.signingContext()
	if err != nil {
		return nil, err
	}
	root := doc.Root()
	if root == nil {
		return nil, errors.New("sign: empty document")
	}
	var trace []string
	if o.Sign == SignAssertion || o.Sign == SignBoth {
		as := assertionOf(root)
		if as == nil {
			return nil, errors.New("sign assertion: the response has no saml:Assertion child")
		}
		if err := signElement(ctx, as, o.OmitKeyInfo); err != nil {
			return nil, err
		}
		trace = append(trace, o.describe("assertion"))
	}
	if o.Sign == SignResponse || o.Sign == SignBoth {
		if err := signElement(ctx, root, o.OmitKeyInfo); err != nil {
			return nil, err
		}
		trace = append(trace, o.describe("response"))
	}
	return trace, nil
}
