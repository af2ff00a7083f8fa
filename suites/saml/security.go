package saml

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
)

// The security suite (issue 6): one check per case of the mock IdP's
// attack library (catalogue §5.3–§5.6, lines S, K, P and X), each with a
// literal ID SAML-SEC-<line>, or SAML-SEC-<line>-<VARIANT> where the
// library builds a line in several shapes. Every case snapshots the
// oracle (the canary victim V and the attacker's identities), sends the
// crafted response from a fresh browser and decides the catalogue verdict:
// it must be REJECTED_CLEAN (no session, Δu = 0, V unchanged: the J23
// invariant) unless the case lists another allowed verdict.

// secSuffix turns a victim value into the attacker-owned one of S21–S23 and
// S34 (pc-victim-…@example.com.attacker.test).
const secSuffix = ".attacker.test"

// secSkew is the clock skew the time cases assume the SP allows when the
// contract declares none (--sp-clock-skew): they go a minute beyond five
// minutes (the catalogue baseline's window); see Policy.protoSkew.
const secSkew = 5 * time.Minute

// secBudget is how long an X case may take before its refusal counts as a
// denial of service (Keycloak's bound for the XML bomb).
const secBudget = 4 * time.Second

// secBudgetWait is how long such a case waits for the SP's answer: an SP
// still busy then fails the check as a denial of service (a variable for
// the tests).
var secBudgetWait = 30 * time.Second

// secOtherSP is another SP the mock IdP serves (S20, P06, P07, P20); no
// request ever goes there.
var secOtherSP = mockidp.SPInfo{EntityID: "https://other-sp.provcheck.invalid/metadata", ACSURL: "https://other-sp.provcheck.invalid/saml/acs"}

// secOutcome says which verdicts besides REJECTED_CLEAN a case allows.
type secOutcome int

const (
	// secRefuse: only REJECTED_CLEAN passes.
	secRefuse secOutcome = iota
	// secHonest: a session for the honest principal the genuinely signed
	// bytes name (ACCEPTED_AS_EXPECTED) is allowed too; never V. S03 (the
	// Response signature covers the assertion), S21–S23 and S34 (the full,
	// attacker-owned value), X04 (xi:include ignored), K10 (the pinned
	// key verifies, the RetrievalMethod is ignored), S33 (the round-trip
	// payload is ignored) and X05 (the re-encoded document is read the same
	// in the signature and the data path).
	secHonest
	// secControl: the positive control, which must be accepted as V.
	secControl
	// secKeysEither is the outcome of K11 when the SP declares no validity
	// policy: a refusal and a login as the honest principal both pass (and
	// the verdict says which the SP does); a session for V or anyone else
	// fails.
	secKeysEither
)

// secCase is one row of the table: the literal check ID, the constructor
// of its attack in the library, and how it is judged.
type secCase struct {
	id      string
	tier    string
	attack  func(p mockidp.AttackParams) mockidp.Attack
	outcome secOutcome
	// oob marks cases whose payload points at the out-of-band canary.
	oob bool
	// budget marks the X cases with a time budget (secBudget).
	budget bool
	// prime, when set, first logs V in with a baseline response and
	// builds the case with primed from what that login used up: the ID of
	// the AuthnRequest it answered (secPrimeRequest, P13) or of its
	// assertion (secPrimeAssertion, P15).
	prime  secPrime
	primed func(id string) mockidp.Attack
	// keys names the further identity of the contract a keys case needs
	// (security_keys.go); the case is skipped without it.
	keys secKeysNeed
	// enc gates the encrypted-assertion cases (security_enc.go) on the
	// SP's encryption certificate and declared policy.
	enc secEncGate
}

// secPrime says what a primed case reuses of V's earlier login.
type secPrime int

const (
	secPrimeNone secPrime = iota
	secPrimeRequest
	secPrimeAssertion
	// secPrimeForeign: another browser starts a login whose AuthnRequest
	// is never answered (P12).
	secPrimeForeign
)

const (
	secCore     = "tier:core"
	secExtended = "tier:extended"
)

// secTable lists the cases in catalogue order. K04, K06, K11 and K12 are
// in secKeysTable (they need further identities of the contract); P04,
// P16, P17, P21 and P23 are sequences or measurements with runs of their
// own (security_proto.go); the E lines (encrypted assertions) are in
// secEncTable (security_enc.go).
var secTable = []secCase{
	{id: "SAML-SEC-S01", tier: secCore, outcome: secControl, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.BaselineControl() }},
	{id: "SAML-SEC-S02-STRIPPED", tier: secCore, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.SignatureRemoved() }},
	{id: "SAML-SEC-S02-UNSIGNED", tier: secCore, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.NeverSigned() }},
	{id: "SAML-SEC-S03", tier: secExtended, outcome: secHonest, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.ResponseSignedOnly() }},
	{id: "SAML-SEC-S04-DESTINATION", tier: secCore, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.UnsignedResponseEdited("destination") }},
	{id: "SAML-SEC-S04-INRESPONSETO", tier: secCore, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.UnsignedResponseEdited("inresponseto") }},
	{id: "SAML-SEC-S04-STATUS", tier: secCore, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.UnsignedResponseEdited("status") }},
	{id: "SAML-SEC-S05-SIGNATURE", tier: secCore, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.FlippedSignatureByte("signature") }},
	{id: "SAML-SEC-S05-DIGEST", tier: secCore, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.FlippedSignatureByte("digest") }},
	{id: "SAML-SEC-S06-NAMEID", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.EditedAfterSigning("nameid", p.Victim) }},
	{id: "SAML-SEC-S06-EMAIL", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.EditedAfterSigning("email", p.Victim) }},
	{id: "SAML-SEC-S06-AUDIENCE", tier: secExtended, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.EditedAfterSigning("audience", p.Victim) }},
	{id: "SAML-SEC-S06-CONDITIONS", tier: secExtended, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.EditedAfterSigning("conditions", p.Victim)
	}},
	{id: "SAML-SEC-S07", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.XSW1(p.Victim) }},
	{id: "SAML-SEC-S08", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.XSW2(p.Victim) }},
	{id: "SAML-SEC-S09", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.XSW3(p.Victim) }},
	{id: "SAML-SEC-S10", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.XSW4(p.Victim) }},
	{id: "SAML-SEC-S11", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.XSW5(p.Victim) }},
	{id: "SAML-SEC-S12", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.XSW6(p.Victim) }},
	{id: "SAML-SEC-S13-UNQUALIFIED", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.XSW7(p.Victim, false) }},
	{id: "SAML-SEC-S13-SAMLP-EXTENSIONS", tier: secExtended, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.XSW7(p.Victim, true) }},
	{id: "SAML-SEC-S14", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.XSW8(p.Victim) }},
	{id: "SAML-SEC-S15", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.XSW3After(p.Victim) }},
	{id: "SAML-SEC-S16", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.TwoAssertionsClone(p.Victim) }},
	{id: "SAML-SEC-S17", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.TwoSignedAssertions(p.Victim, p.IdP) }},
	{id: "SAML-SEC-S18-EXTENSIONS", tier: secExtended, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.NestedAssertion(p.Victim, "extensions") }},
	{id: "SAML-SEC-S18-STATUSDETAIL", tier: secExtended, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.NestedAssertion(p.Victim, "statusdetail")
	}},
	{id: "SAML-SEC-S19", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.ParseErrorResponseDecoy(p.Victim) }},
	{id: "SAML-SEC-S20", tier: secExtended, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.DonorAssertion(p.Victim, p.SP, p.OtherSP.EntityID)
	}},
	{id: "SAML-SEC-S21", tier: secCore, outcome: secHonest, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.NameIDComment(p.Victim, p.Suffix) }},
	{id: "SAML-SEC-S22", tier: secCore, outcome: secHonest, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.EmailComment(p.Victim, p.Suffix) }},
	{id: "SAML-SEC-S23-CDATA", tier: secExtended, outcome: secHonest, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.NameIDSplitText(p.Victim, p.Suffix, "cdata")
	}},
	{id: "SAML-SEC-S23-CHARREF", tier: secExtended, outcome: secHonest, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.NameIDSplitText(p.Victim, p.Suffix, "charref")
	}},
	{id: "SAML-SEC-S24", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.EarlierDigestValue(p.Victim) }},
	{id: "SAML-SEC-S25", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.ParserDifferential(p.Victim) }},
	{id: "SAML-SEC-S26-ATTLIST", tier: secExtended, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.ParseNamespaceConfusion(p.Victim, "attlist")
	}},
	{id: "SAML-SEC-S26-STATUSDETAIL", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.ParseNamespaceConfusion(p.Victim, "statusdetail")
	}},
	{id: "SAML-SEC-S26-REBOUND-DS", tier: secExtended, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.ParseNamespaceConfusion(p.Victim, "rebound-ds")
	}},
	{id: "SAML-SEC-S27", tier: secExtended, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.ParseVoidCanonicalisation(p.Victim) }},
	{id: "SAML-SEC-S28", tier: secExtended, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.ParseEntityDefinedID(p.Victim) }},
	{id: "SAML-SEC-S29", tier: secExtended, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.DuplicateID(p.Victim) }},
	{id: "SAML-SEC-S30", tier: secExtended, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.SecondSignedInfo(p.Victim) }},
	{id: "SAML-SEC-S31", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.DigestValueComment(p.Victim) }},
	{id: "SAML-SEC-S32", tier: secExtended, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.EmptyReferenceURI(p.Victim, p.IdP) }},
	{id: "SAML-SEC-S33-ELEMENT", tier: secExtended, outcome: secHonest, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.ParseRoundTrip(p.Victim, "element") }},
	{id: "SAML-SEC-S33-ATTRIBUTE", tier: secExtended, outcome: secHonest, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.ParseRoundTrip(p.Victim, "attribute") }},
	{id: "SAML-SEC-S33-DIRECTIVE", tier: secExtended, outcome: secHonest, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.ParseRoundTrip(p.Victim, "directive") }},
	{id: "SAML-SEC-S34", tier: secExtended, outcome: secHonest, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.SignedCommentWithComments(p.Victim, p.Suffix, p.IdP)
	}},

	{id: "SAML-SEC-K01", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.UntrustedKey(p.Victim, p.Attacker, false) }},
	{id: "SAML-SEC-K02", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.UntrustedKey(p.Victim, p.Attacker, true) }},
	{id: "SAML-SEC-K03", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.ClonedCertificate(p.Victim, p.Clone) }},
	{id: "SAML-SEC-K05", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.WeakSHA1() }},
	{id: "SAML-SEC-K07-HMAC-0", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.HMACSignatureMethod(0) }},
	{id: "SAML-SEC-K07-HMAC-8", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.HMACSignatureMethod(8) }},
	{id: "SAML-SEC-K08-SIGNATURE", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.UnknownAlgorithm("signature") }},
	{id: "SAML-SEC-K08-DIGEST", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.UnknownAlgorithm("digest") }},
	{id: "SAML-SEC-K08-C14N", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.UnknownAlgorithm("c14n") }},
	{id: "SAML-SEC-K09", tier: secExtended, oob: true, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.XSLTTransform(p.Canary) }},
	{id: "SAML-SEC-K10", tier: secExtended, outcome: secHonest, oob: true, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.RemoteKeyInfo(p.Canary) }},

	{id: "SAML-SEC-P01", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.Expired(p.Skew) }},
	{id: "SAML-SEC-P02", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.NotYetValid(p.Skew) }},
	{id: "SAML-SEC-P03", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.ConfirmationExpired(p.Skew) }},
	{id: "SAML-SEC-P05-PAST", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.IssueInstantSkewed(-24 * time.Hour) }},
	{id: "SAML-SEC-P05-FUTURE", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.IssueInstantSkewed(24 * time.Hour) }},
	{id: "SAML-SEC-P06", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.WrongAudience(p.OtherSP.EntityID) }},
	{id: "SAML-SEC-P07", tier: secExtended, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.ExtraAudienceRestriction(p.OtherSP.EntityID)
	}},
	{id: "SAML-SEC-P08", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.WrongRecipient(p.OtherSP.ACSURL) }},
	{id: "SAML-SEC-P09-WRONG", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.WrongDestination(p.OtherSP.ACSURL) }},
	{id: "SAML-SEC-P09-MISSING", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.WrongDestination("") }},
	{id: "SAML-SEC-P10-WRONG", tier: secCore, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.WrongIssuer("https://attacker.invalid/idp") }},
	{id: "SAML-SEC-P10-MISSING", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.WrongIssuer("") }},
	{id: "SAML-SEC-P11", tier: secCore, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.FailedStatus() }},
	{id: "SAML-SEC-P12", tier: secCore, prime: secPrimeForeign, primed: mockidp.ForeignInResponseTo,
		attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.ForeignInResponseTo("") }},
	{id: "SAML-SEC-P13", tier: secExtended, prime: secPrimeRequest, primed: mockidp.AnsweredInResponseTo,
		attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.AnsweredInResponseTo("") }},
	{id: "SAML-SEC-P14", tier: secCore, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.Replay() }},
	{id: "SAML-SEC-P15", tier: secExtended, prime: secPrimeAssertion, primed: mockidp.ReusedAssertionID,
		attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.ReusedAssertionID("") }},
	{id: "SAML-SEC-P18-HOLDER-OF-KEY", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack {
		return mockidp.NotBearer(mockidp.ConfirmationHolderOfKey)
	}},
	{id: "SAML-SEC-P18-MISSING", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.NotBearer("") }},
	{id: "SAML-SEC-P19", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.NoAuthnStatement() }},
	{id: "SAML-SEC-P20", tier: secCore, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.ForOtherSP(p.OtherSP) }},
	{id: "SAML-SEC-P22", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.OneTimeUseTwice() }},

	{id: "SAML-SEC-X01-INTERNAL", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.InternalEntity() }},
	{id: "SAML-SEC-X01-FILE", tier: secCore, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.ExternalEntityFile() }},
	{id: "SAML-SEC-X02-GENERAL", tier: secCore, oob: true, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.ExternalEntityCanary(p.Canary) }},
	{id: "SAML-SEC-X02-PARAMETER", tier: secCore, oob: true, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.ParameterEntityCanary(p.Canary) }},
	{id: "SAML-SEC-X03", tier: secCore, budget: true, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.EntityExpansion(3) }},
	{id: "SAML-SEC-X04", tier: secExtended, outcome: secHonest, oob: true, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.XInclude(p.Canary) }},
	{id: "SAML-SEC-X05-UTF8-BOM", tier: secExtended, outcome: secHonest, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.ParseEncoding("utf8-bom") }},
	{id: "SAML-SEC-X05-UTF16", tier: secExtended, outcome: secHonest, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.ParseEncoding("utf16") }},
	{id: "SAML-SEC-X05-DECLARED-LATIN1", tier: secExtended, outcome: secHonest, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.ParseEncoding("declared-latin1") }},
	{id: "SAML-SEC-X06", tier: secExtended, budget: true, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.DeepNesting(100_000) }},
	{id: "SAML-SEC-X07-NON-XML", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.Malformed("non-xml") }},
	{id: "SAML-SEC-X07-WRONG-ROOT", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.Malformed("wrong-root") }},
	{id: "SAML-SEC-X08", tier: secCore, budget: true, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.ParseDeflateBomb(mockidp.ParseBombSize) }},
	{id: "SAML-SEC-X09-NO-SIGNEDINFO", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack {
		return mockidp.MalformedSignature("no-signedinfo")
	}},
	{id: "SAML-SEC-X09-NO-SIGNATUREVALUE", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack {
		return mockidp.MalformedSignature("no-signaturevalue")
	}},
	{id: "SAML-SEC-X09-TWO-KEYINFO", tier: secExtended, attack: func(mockidp.AttackParams) mockidp.Attack {
		return mockidp.MalformedSignature("two-keyinfo")
	}},
}

// SecUncovered maps each line of catalogue §5.3–§5.7 that no SAML-SEC
// check covers to the reason; a test keeps it and the table in step. Every
// line is covered now: a line the catalogue gains goes here, with its
// reason, until a check covers it.
var SecUncovered = map[string]string{}

// SecChecks returns the security suite's checks: secTable's in catalogue
// order (S, K, P, X), then the protocol sequences, the keys cases that
// need further identities, and the E cases. The slice is new on every
// call.
func SecChecks() []suites.Check {
	var out []suites.Check
	for _, c := range secTable {
		out = append(out, c.check())
	}
	out = append(out, protoChecks()...)
	out = append(out, secKeysChecks()...)
	return append(out, secEncChecks()...)
}

// secMust is the verb of a's rule: "should" for a case the catalogue
// makes a warning, "must" otherwise.
func secMust(a mockidp.Attack) string {
	if a.Should {
		return "should"
	}
	return "must"
}

// allowed lists the verdicts that pass the case.
func (c secCase) allowed() []Verdict {
	switch c.outcome {
	case secHonest, secKeysEither:
		return []Verdict{RejectedClean, ServerError, AcceptedAsExpected}
	case secControl:
		return []Verdict{AcceptedAsExpected}
	}
	return []Verdict{RejectedClean, ServerError}
}

// secDescribeParams are placeholder parameters to read a case's title,
// references and level from the library; the keys stay nil (the
// constructors use them only when a response is built).
var secDescribeParams = mockidp.AttackParams{
	Victim: mockidp.Victim{NameID: "victim", Email: "victim@example.invalid"}, Suffix: secSuffix,
	OtherSP: secOtherSP, Skew: secSkew, Canary: "http://127.0.0.1/oob",
}

// check is the catalogue entry of the case. Title, references and level
// come from the attack library (its constructors describe a case without
// keys or victim).
func (c secCase) check() suites.Check {
	a := c.attack(secDescribeParams)
	level := suites.Must
	if a.Should {
		level = suites.Should
	}
	kind := suites.Negative
	title := secUpperFirst(a.Title) + " is refused"
	var rule string
	allowed := make([]string, 0, 3)
	for _, v := range c.allowed() {
		if v != ServerError {
			allowed = append(allowed, string(v))
		}
	}
	switch c.outcome {
	case secControl:
		kind = suites.Example
		title = "The baseline response for the canary victim is accepted as the victim (positive control)"
		rule = "A baseline response (signed as the SP expects, fresh IDs, correct Audience, Recipient, Destination and Issuer) for the canary victim V is accepted and the session is V's account; it calibrates the oracle of every security case."
	case secHonest:
		title = secUpperFirst(a.Title) + " logs in as the signed principal or is refused, never as the victim"
		if slices.Contains([]string{"S21", "S22", "S23", "S34"}, a.ID) {
			title = secUpperFirst(a.Title) + " logs in as the full value or is refused, never as the victim"
		}
		rule = fmt.Sprintf("The SP never logs in as the canary victim V for this response (%s): it refuses, or logs in as the principal the genuinely signed bytes name (for S21–S23 and S34 the full, attacker-owned value read from the canonical bytes). A refusal leaves no trace (J23: Δu = 0, V unchanged). Allowed verdicts: %s.", a.Title, strings.Join(allowed, ", "))
	default:
		rule = fmt.Sprintf("A correct SP refuses this response (%s): no session, no new account, the canary victim V unchanged (J23). Allowed verdicts: %s; a 5xx alone is logged as SERVER_ERROR.", a.Title, strings.Join(allowed, ", "))
		if a.Should {
			rule = fmt.Sprintf("The SP should refuse this response (%s) or at least warn; it never logs in anyone else. Allowed verdicts: %s.", a.Title, strings.Join(allowed, ", "))
		}
	}
	if c.oob {
		rule += " The SP never fetches the out-of-band canary URL the payload names."
	}
	return secCheck(c.id, c.tier, title, secSpec(a), rule,
		level, kind, []string{a.ID}, func(t *suites.T) { secRun(t, c) })
}

// secSpec is the Spec of a check built on attack a: its catalogue line and
// references.
func secSpec(a mockidp.Attack) string {
	return "catalogue " + a.ID + "; " + strings.Join(a.References, "; ")
}

// secCheck is a check of the security suite: it needs the SAML contract
// and carries the suite's area and tier labels.
func secCheck(id, tier, title, spec, rule string, level suites.Level, kind suites.Kind, covers []string, run func(*suites.T)) suites.Check {
	return suites.Check{ID: id, Title: title, Spec: spec, Rule: rule, Level: level, Kind: kind,
		Requires: []suites.Capability{suites.CapSAML}, Labels: []string{suites.SAMLLabel, "area:saml-security", tier},
		Covers: covers, Run: run}
}

// secUpperFirst capitalises the first letter of s.
func secUpperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// secVictim is the canary victim V: the person whose identifiers every
// forgery carries, and how the oracle recognises V's account.
type secVictim struct {
	p Person
	// account is V as the SCIM oracle sees it (provisioned by SCIM).
	account *Account
	// principal is V as whoami saw it after a first JIT login.
	principal *Principal
}

// is reports whether a session belongs to V: by whoami's id when V's
// first login showed it, else as the SCIM oracle's account matches a
// principal (id, userName or email), else by V's identifiers.
func (v secVictim) is(s Principal) bool {
	switch {
	case v.principal != nil:
		return s.ID == v.principal.ID
	case v.account != nil:
		same, known := v.account.matches(s)
		if known || same {
			return same
		}
	}
	return strings.EqualFold(s.Email, v.p.Email) || s.UserName == v.p.NameID || strings.EqualFold(s.UserName, v.p.Email)
}

// id is V's account id, or "".
func (v secVictim) id() string {
	switch {
	case v.account != nil:
		return v.account.ID
	case v.principal != nil:
		return v.principal.ID
	}
	return ""
}

// secProvisionVictim gives V an account. When the SP declares JIT creation,
// by a first benign login, so V is an account SAML reaches (an SP that
// does not link SCIM users to logins, catalogue C01, would otherwise make V
// unreachable and fail the positive control for a coexistence reason) and
// whoami's id for V is known; the SCIM oracle, when configured, then finds
// V's account for the J23 comparison. Without JIT creation, or when that
// login fails, V is provisioned by SCIM when the app's SCIM client is
// configured. With neither there is no account to take over; a session for
// V's identifiers still reads as a takeover.
func (e *Env) secProvisionVictim(t *suites.T, v Person) secVictim {
	out := secVictim{p: v}
	if e.Policy.JIT {
		l := e.login(t, v)
		if l.Session != nil {
			s := *l.Session
			out.principal = &s
			t.Logf("canary victim V: created by a first JIT login as %s (NameID %s, email %s)", s, v.NameID, v.Email)
			for _, a := range e.accounts(t, v) {
				if same, _ := a.matches(s); same {
					a := a
					out.account = &a
					t.Logf("canary victim V: the SCIM oracle shows V as %s", a)
				}
			}
			return out
		}
		t.Logf("canary victim V: the first JIT login was refused (%s)", l.Summary())
	}
	if e.SCIM != nil {
		a := e.provision(t, v)
		out.account = &a
		t.Logf("canary victim V: provisioned by SCIM as %s", a)
		return out
	}
	t.Logf("canary victim V: V has no account (no SCIM client, and no JIT creation); a session for V's NameID %s or email %s still reads as a takeover", v.NameID, v.Email)
	return out
}

var (
	secKeysMu sync.Mutex
	secKeys   = map[*mockidp.Identity][2]*mockidp.Identity{} // IdP -> {attacker, clone}
)

// secAttackKeys returns an untrusted attacker identity and a clone of the
// IdP's certificate (same DN and serial, new key), generated once per IdP.
func secAttackKeys(t *suites.T, idp *mockidp.Identity) (attacker, clone *mockidp.Identity) {
	secKeysMu.Lock()
	defer secKeysMu.Unlock()
	if k, ok := secKeys[idp]; ok {
		return k[0], k[1]
	}
	attacker, err := mockidp.GenerateIdentity("https://attacker.invalid/idp", time.Now(), nil)
	if err == nil {
		clone, err = mockidp.CloneIdentity(idp, nil)
	}
	if err != nil {
		t.Abort(fmt.Errorf("attack keys: %w", err))
	}
	secKeys[idp] = [2]*mockidp.Identity{attacker, clone}
	return attacker, clone
}

// secClip bounds evidence: a deep-nesting payload is most of a megabyte.
// secIndentMax is the largest response also shown indented.
const (
	secClip      = 64 << 10
	secIndentMax = 16 << 10
)

// secEvidence is the request body shown for the POST to the ACS: the
// decoded XML exactly as sent, the case and its mutation trace.
func secEvidence(a mockidp.Attack, b *mockidp.Built, relay string) string {
	var s strings.Builder
	xml := secParseShown(b.XML)
	if len(xml) > secClip {
		xml = xml[:secClip] + fmt.Sprintf("… [%d more bytes not shown]", len(b.XML)-secClip)
	}
	fmt.Fprintf(&s, "SAMLResponse (decoded XML, byte-exact as sent; base64 in the form):\n%s\n", xml)
	if len(b.XML) <= secIndentMax {
		if ind := indentXML(b.XML); ind != string(b.XML) {
			fmt.Fprintf(&s, "\nthe same, indented for reading (re-serialised: the bytes above are what was sent):\n%s\n", ind)
		}
	}
	if relay != "" {
		fmt.Fprintf(&s, "RelayState: %s\n", relay)
	}
	fmt.Fprintf(&s, "\ncase %s: %s\nreferences: %s\nmutation trace:\n", a.Key(), a.Title, strings.Join(a.References, "; "))
	for _, l := range b.Trace {
		fmt.Fprintf(&s, "  - %s\n", l)
	}
	return s.String()
}

// secRun runs one case: the victim and the attacker, the oracle snapshot,
// the crafted response from a fresh browser, the verdict.
func secRun(t *suites.T, c secCase) {
	e := Session(t)
	if why := c.enc.skip(e); why != "" {
		t.Skipf("%s", why)
	}
	c.encPlaintextCase(t, e)
	v := e.newPerson("victim")
	atk := e.newPerson("atk")
	full := Person{NameID: v.NameID + secSuffix, Email: v.Email + secSuffix}
	people := []Person{v, atk, full}
	e.cleanup(t, people...)

	params := mockidp.AttackParams{
		Victim: mockidp.Victim{NameID: v.NameID, Email: v.Email, EmailAttribute: e.attrs().Email},
		Suffix: secSuffix, IdP: e.IdP, SP: e.spInfo(), OtherSP: secOtherSP, Skew: e.Policy.protoSkew(),
	}
	var canary *secCanary
	token := "provcheck-" + strings.ToLower(strings.TrimPrefix(c.id, "SAML-SEC-")) + "-" + randHex(6)
	if c.oob {
		canary = secStartCanary(t)
		params.Canary = canary.url(token)
	}
	if strings.Contains(c.id, "-K0") {
		params.Attacker, params.Clone = secAttackKeys(t, e.IdP)
	}
	if c.keys != secKeysNone {
		c = e.secKeysPrepare(t, c, &params)
	}
	if c.enc != secEncNone {
		params.EncCert, params.EncWrongCert = e.SP.EncryptionCert, secEncWrongCert(t)
	}
	a := c.attack(params)
	victim := e.secProvisionVictim(t, v)
	if c.outcome == secControl && victim.id() == "" {
		t.Skipf("the positive control logs in as the canary victim, who has no account (no SCIM client, JIT creation off)")
	}

	now := e.now()
	if c.prime != secPrimeNone {
		a = c.primed(e.secPrime(t, c, victim, now))
	}

	// The response: the baseline for the attacker's own identity (for the
	// control, V's), with the case's mutations.
	b := newBrowser(t, e)
	subject := atk
	if c.outcome == secControl {
		subject = v
	}
	spec, l, relay := b.secBaseline(subject, now, b.env.IdP)
	built, err := a.Build(spec, mockidp.DefaultSignOptions(e.IdP))
	if err != nil {
		t.Abort(fmt.Errorf("mock IdP could not build case %s (harness bug): %w", a.Key(), err))
	}
	if built.Spec.Assertion != nil {
		l.NameID = built.Spec.Assertion.NameID // what the IdP signed (S21: the full value)
	}
	trust := e.IdP
	if a.Trust != nil {
		trust = a.Trust
	}
	if err := a.CheckStillVerifies(built.XML, trust, now); err != nil {
		t.Abort(fmt.Errorf("case %s no longer wraps a valid signature (harness bug): %w", a.Key(), err))
	}
	t.Logf("case %s: %s (oracle of the stateless reference: %s)", a.Key(), a.Title, a.Oracle)
	t.Logf("mutation trace: %s", strings.Join(built.Trace, " → "))
	p := &prepared{b: b, l: l, form: mockidp.PostForm(built.XML, relay), evidence: secEvidence(a, built, relay) + secEncPlain(a, spec, e.IdP)}
	if c.budget {
		b.budget, b.hc.Timeout = secBudget, secBudgetWait
	}

	before := e.accounts(t, people...)
	t.Logf("oracle before: %s", secSnapshot(before, victim))
	sends := max(1, a.Sends)
	start := time.Now()
	for i := 1; i <= sends; i++ {
		if i > 1 {
			// The same bytes again, from a fresh browser.
			t.Logf("send %d of %d: %s", i-1, sends, l.Summary())
			before = e.accounts(t, people...)
			t.Logf("oracle before send %d: %s", i, secSnapshot(before, victim))
			l = &Login{NameID: l.NameID, Flow: l.Flow}
			p = &prepared{b: newBrowser(t, e), l: l, form: p.form, evidence: p.evidence}
		}
		start = time.Now()
		l = p.send()
	}
	took := time.Since(start)
	after := e.accounts(t, people...)
	t.Logf("oracle after: %s", secSnapshot(after, victim))

	side := ""
	if after != nil && len(after) != len(before) {
		side = delta(before, after)
	}
	expected := secExpected(c, victim, atk, full, after)
	if c.outcome == secControl {
		expected = victim.is
	}
	sideIfRefused := side
	if l.Session != nil {
		sideIfRefused = ""
	}
	var isVictim func(Principal) bool
	if c.outcome != secControl {
		isVictim = victim.is
	}
	verdict := classify(l, expected, isVictim, sideIfRefused)
	t.Logf("verdict: %s (%s; %s)", verdict, l.Summary(), delta(before, after))

	switch {
	case verdict == AcceptedAsVictim:
		t.Errorf("account takeover: %s got a session as the canary victim V %s (%s)", a.Key(), l.Session, verdict)
	case slices.Contains(c.allowed(), verdict):
		if verdict == ServerError {
			t.Logf("%s: %s (robustness; the case is decided by session and side effects, and there were none)", verdict, l.Summary())
		}
		if c.outcome == secHonest && verdict == AcceptedAsExpected && side != "" {
			t.Logf("the login as the attacker-owned value created its own account (allowed): %s", side)
		}
	case verdict == AcceptedAsExpected:
		t.Errorf("the SP accepted case %s: %s, the principal its signed part names (%s); it %s refuse", a.Key(), l.Summary(), verdict, secMust(a))
	case verdict == AcceptedAsOther:
		if c.outcome == secControl {
			t.Errorf("positive control: the baseline response for V landed in %s, not in V's account id=%s (%s)", l.Session, victim.id(), verdict)
		} else {
			t.Errorf("the SP accepted case %s: %s (%s); it %s refuse", a.Key(), l.Summary(), verdict, secMust(a))
		}
	case verdict == RejectedWithSideEffect:
		t.Errorf("the SP refused %s but the accounts changed: %s (%s; J23)", a.Key(), side, verdict)
	default:
		t.Errorf("positive control %s (%s): %s (%s); a correct SP accepts this response for V", a.Key(), a.Title, l.Summary(), verdict)
	}
	if c.outcome != secControl {
		e.victimUntouched(t, before, victim.id())
	}
	if c.budget && took > secBudget {
		t.Errorf("the SP took %s to answer %s; the budget is %s (denial of service)", took.Round(time.Millisecond), a.Key(), secBudget)
	}
	if canary != nil {
		if hits := canary.hitsFor(token, 300*time.Millisecond); len(hits) > 0 {
			var hs []string
			for _, h := range hits {
				hs = append(hs, h.String())
			}
			t.Errorf("the SP fetched an external entity: the out-of-band canary %s was requested (%s), whatever the login's verdict (%s)", params.Canary, strings.Join(hs, "; "), verdict)
		} else {
			t.Logf("out-of-band canary %s: no request", params.Canary)
		}
	}
}

// secPrime prepares a primed case from a fresh browser: for P12 it starts
// a login it never finishes and returns its AuthnRequest ID; otherwise it
// logs V in with a baseline response and returns what the login used up,
// the ID of the AuthnRequest it answered or of its assertion. A case that
// cannot be primed is skipped with the reason.
func (e *Env) secPrime(t *suites.T, c secCase, v secVictim, now time.Time) string {
	if c.prime != secPrimeAssertion && e.SP.LoginURL == "" {
		t.Skipf("the case answers an AuthnRequest of the SP and needs SP-initiated login (--sp-login-url)")
	}
	if c.prime == secPrimeForeign {
		req := newBrowser(t, e).authnRequest()
		t.Logf("priming: another browser started a login; its AuthnRequest %s stays unanswered", req.ID)
		return req.ID
	}
	if v.id() == "" {
		t.Skipf("the case first logs in the canary victim, who has no account (no SCIM client, JIT creation off)")
	}
	b := newBrowser(t, e)
	spec, l, relay := b.secBaseline(v.p, now, b.env.IdP)
	built, err := mockidp.Build(spec, mockidp.DefaultSignOptions(e.IdP))
	if err != nil {
		t.Abort(fmt.Errorf("mock IdP: %w", err))
	}
	built, plain := e.encBenign(t, spec, e.IdP, built)
	p := &prepared{b: b, l: l, form: mockidp.PostForm(built.XML, relay), evidence: "SAMLResponse (decoded XML of V's priming login):\n" + indentXML(built.XML) + plain}
	if l = p.send(); l.Session == nil || !v.is(*l.Session) {
		t.Skipf("the priming login of the canary victim V did not land in V's account (%s); the case cannot be judged", l.Summary())
	}
	t.Logf("priming: %s (AuthnRequest %q, assertion %s used up)", l.Summary(), spec.InResponseTo, built.Spec.Assertion.ID)
	if c.prime == secPrimeRequest {
		return spec.InResponseTo
	}
	return built.Spec.Assertion.ID
}

// secExpected recognises the honest principal of a case: the account of
// the identity the signed part names (the attacker's own, or the full
// attacker-owned value of S21–S23, S34). For cases that allow it, any
// session not V's counts, so no correct SP fails for an oracle that cannot
// tell accounts apart.
func secExpected(c secCase, v secVictim, atk, full Person, after Accounts) func(Principal) bool {
	return func(s Principal) bool {
		if v.is(s) {
			return false
		}
		if c.outcome == secHonest {
			return true
		}
		for _, a := range after {
			if a.ExternalID == atk.NameID || a.ExternalID == full.NameID || a.UserName == atk.NameID || a.UserName == full.NameID || a.hasEmail(atk.Email) || a.hasEmail(full.Email) {
				if same, _ := a.matches(s); same {
					return true
				}
			}
		}
		return s.UserName == atk.NameID || s.UserName == full.NameID || strings.EqualFold(s.Email, atk.Email) || strings.EqualFold(s.Email, full.Email)
	}
}

// secSnapshot is what the oracle saw, for the log: the accounts of V and
// the attacker's identities.
func secSnapshot(as Accounts, v secVictim) string {
	if as == nil {
		return "no SCIM oracle (whoami alone decides; Δu is not measured)"
	}
	s := fmt.Sprintf("%d account(s) carrying V's or the attacker's identifiers: %s", len(as), as)
	if id := v.id(); id != "" {
		if _, ok := as[id]; !ok && v.account != nil {
			s += "; V (" + id + ") not found"
		}
	}
	return s
}
