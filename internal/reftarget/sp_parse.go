package reftarget

import (
	"bytes"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/beevik/etree"
	saml2 "github.com/russellhaering/gosaml2"
	"github.com/russellhaering/gosaml2/types"
	dsig "github.com/russellhaering/goxmldsig"
)

// The parser faults of the reference SP (catalogue S19 and X08).
const (
	// FaultParseInflateUnbounded: the SP inflates a DEFLATE-compressed
	// SAMLResponse posted to the ACS, without a bound (CVE-2023-26483
	// class); SAML-SEC-X08 sees the genuine response inside the bomb
	// accepted.
	FaultParseInflateUnbounded Fault = "saml-parse-inflate-unbounded"
	// FaultParseAssertionInSignature: when gosaml2 refuses a response, the
	// SP verifies the Response signature with every ds:Signature left out
	// of the digest, takes the first Assertion anywhere in the document as
	// covered by it, and judges success by that Assertion's presence, not
	// the StatusCode (OneUptime #2981); SAML-SEC-S19 logs in as the victim.
	FaultParseAssertionInSignature Fault = "saml-parse-assertion-in-signature"
)

// parseFaultInfos describe the parser faults; init adds them to the list
// Faults returns.
var parseFaultInfos = []FaultInfo{
	{FaultParseInflateUnbounded, "the SP inflates a DEFLATE-compressed SAMLResponse on the HTTP-POST binding without any size bound"},
	{FaultParseAssertionInSignature, "the SP verifies the Response signature with every ds:Signature dropped from the digest, then reads the first Assertion anywhere in the document (also inside a ds:Object) and ignores the StatusCode"},
}

func init() { faultInfos = append(faultInfos, parseFaultInfos...) }

// parseDeclaredEncoding finds the encoding of an XML declaration.
var parseDeclaredEncoding = regexp.MustCompile(`^<\?xml[^>]*\bencoding\s*=\s*["']([^"']*)["']`)

// parseUTF8BOM is the UTF-8 byte-order mark, which XML allows before the
// declaration.
var parseUTF8BOM = []byte("\xEF\xBB\xBF")

// parseLooksXML reports whether raw starts, after an optional UTF-8 BOM
// and whitespace, with "<".
func parseLooksXML(raw []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(raw, parseUTF8BOM), " \t\r\n"), []byte("<"))
}

// parseDecode is what the SP reads of a decoded SAMLResponse before any
// XML check: UTF-8 XML, optionally after a byte-order mark, and declared
// UTF-8 if declared at all (catalogue X05: gosaml2 reads every declared
// encoding as UTF-8 on its signature path while encoding/xml refuses it,
// so the SP refuses what it would not read consistently). Bytes that are
// not XML are refused: the HTTP-POST binding carries the response
// base64-encoded without DEFLATE (SAML Bindings §3.5.4), and gosaml2 would
// otherwise inflate them, hiding a DOCTYPE or a weak algorithm from the
// checks that follow (and X08's bomb up to its 5 MiB bound).
// FaultParseInflateUnbounded inflates them instead, without a bound.
func (s *Server) parseDecode(raw []byte) ([]byte, error) {
	text := bytes.TrimLeft(bytes.TrimPrefix(raw, parseUTF8BOM), " \t\r\n")
	if !parseLooksXML(raw) {
		if bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) || bytes.HasPrefix(raw, []byte{0xFE, 0xFF}) {
			return nil, errors.New("the response is UTF-16; the SP reads UTF-8 only")
		}
		if !s.has(FaultParseInflateUnbounded) {
			return nil, errors.New("the SAMLResponse is not XML: the HTTP-POST binding carries the response base64-encoded, without DEFLATE (SAML Bindings §3.5.4)")
		}
		inflated, err := io.ReadAll(flate.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return nil, fmt.Errorf("inflate the SAMLResponse: %w", err)
		}
		// All of it was inflated (the fault); trailing whitespace is
		// not parsed, which spares this SP the XML parse of a bomb, not
		// the inflation.
		return bytes.TrimRight(inflated, " \t\r\n"), nil
	}
	if m := parseDeclaredEncoding.FindSubmatch(text); m != nil && !strings.EqualFold(string(m[1]), "UTF-8") {
		return nil, fmt.Errorf("the response declares encoding %q; the SP reads UTF-8 only", m[1])
	}
	return raw, nil
}

// parseSignedEnvelope is FaultParseAssertionInSignature: the root Response
// is accepted when its first ds:Signature verifies over the Response with
// every ds:Signature child removed (a naive enveloped-signature
// transform), and the Assertion consumed is the first one anywhere in the
// document, taken as covered by that signature; the StatusCode is read as
// Success because an Assertion is present.
func parseSignedEnvelope(p *saml2.SAMLServiceProvider, raw []byte) (*types.Response, error) {
	root, err := parseRoot(raw)
	if err != nil {
		return nil, err
	}
	detached, err := encDetach(root)
	if err != nil {
		return nil, err
	}
	first := true
	for _, c := range detached.ChildElements() {
		if c.Tag == "Signature" {
			if !first {
				detached.RemoveChild(c)
			}
			first = false
		}
	}
	vctx := dsig.NewDefaultValidationContext(p.IDPCertificateStore)
	vctx.Clock = p.Clock
	if _, err := vctx.Validate(detached); err != nil {
		return nil, err
	}
	as := root.FindElement("//Assertion")
	if as == nil {
		return nil, errors.New("no assertion")
	}
	resp, err := parseVerifiedAs(raw, as)
	if err != nil {
		return nil, err
	}
	resp.SignatureValidated = true
	if resp.Status != nil && resp.Status.StatusCode != nil {
		resp.Status.StatusCode.Value = saml2.StatusCodeSuccess
	}
	if err := p.Validate(resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// parseVerifiedAs is the Response of raw (unmarshalled as it stands) with
// as, detached, as its one Assertion, taken as verified: what the faults
// that consume an Assertion they did not verify read.
func parseVerifiedAs(raw []byte, as *etree.Element) (*types.Response, error) {
	resp := &types.Response{}
	if err := xml.Unmarshal(raw, resp); err != nil {
		return nil, err
	}
	b, err := encBytes(as)
	if err != nil {
		return nil, err
	}
	a := types.Assertion{}
	if err := xml.Unmarshal(b, &a); err != nil {
		return nil, err
	}
	a.SignatureValidated = true
	resp.Assertions = []types.Assertion{a}
	return resp, nil
}

// parseRoot parses raw and returns its root element.
func parseRoot(raw []byte) (*etree.Element, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		return nil, err
	}
	if doc.Root() == nil {
		return nil, errors.New("empty document")
	}
	return doc.Root(), nil
}
