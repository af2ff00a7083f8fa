package mockidp

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/beevik/etree"
)

// Stage is the point of the build pipeline at which a mutation applies.
type Stage int

// The three stages of Build, in the order they run.
const (
	// BeforeSigning mutations edit the spec and the sign options before the
	// document is built, and the built document before it is signed: what
	// they change is covered by the signature.
	BeforeSigning Stage = iota + 1
	// AfterSigning mutations edit the signed document: what they change is
	// not covered by the signature (tampering, wrapping, stripping).
	AfterSigning
	// RawBytes mutations edit the serialised XML, for shapes a parsed tree
	// cannot hold or would normalise away (comments inside text, DOCTYPEs,
	// odd encodings).
	RawBytes
)

// String names the stage for traces: "before-signing", "after-signing",
// "raw-bytes".
func (s Stage) String() string {
	switch s {
	case BeforeSigning:
		return "before-signing"
	case AfterSigning:
		return "after-signing"
	case RawBytes:
		return "raw-bytes"
	}
	return fmt.Sprintf("Stage(%d)", int(s))
}

// Mutation is one named change to a response, applied at one stage, so that
// a security case is data: a list of mutations over the baseline. Set only
// the funcs the stage allows: Spec, Options and Tree at BeforeSigning (in
// that order: Spec and Options before the document is built, Tree on the
// unsigned document), Tree at AfterSigning, Raw at RawBytes.
type Mutation struct {
	// Name identifies the mutation in traces and reports.
	Name string
	// Stage is when the mutation applies.
	Stage Stage
	// Spec edits the response spec (BeforeSigning).
	Spec func(*ResponseSpec)
	// Options edits how the response is signed (BeforeSigning).
	Options func(*SignOptions)
	// Tree edits the document (BeforeSigning: unsigned; AfterSigning:
	// signed).
	Tree func(doc *etree.Document) error
	// Raw edits the serialised XML (RawBytes). Returning the input
	// unchanged is an error: a mutation that changes nothing tests nothing.
	Raw func([]byte) []byte
}

func (m Mutation) check() error {
	if m.Name == "" {
		return errors.New("mutation without a name")
	}
	switch m.Stage {
	case BeforeSigning:
		if m.Raw != nil {
			return fmt.Errorf("mutation %s: Raw applies at stage raw-bytes, not %s", m.Name, m.Stage)
		}
		if m.Spec == nil && m.Options == nil && m.Tree == nil {
			return fmt.Errorf("mutation %s: stage %s needs Spec, Options or Tree", m.Name, m.Stage)
		}
	case AfterSigning:
		if m.Spec != nil || m.Options != nil || m.Raw != nil {
			return fmt.Errorf("mutation %s: stage %s allows only Tree", m.Name, m.Stage)
		}
		if m.Tree == nil {
			return fmt.Errorf("mutation %s: stage %s needs Tree", m.Name, m.Stage)
		}
	case RawBytes:
		if m.Spec != nil || m.Options != nil || m.Tree != nil {
			return fmt.Errorf("mutation %s: stage %s allows only Raw", m.Name, m.Stage)
		}
		if m.Raw == nil {
			return fmt.Errorf("mutation %s: stage %s needs Raw", m.Name, m.Stage)
		}
	default:
		return fmt.Errorf("mutation %s: unknown stage %v", m.Name, m.Stage)
	}
	return nil
}

// Built is a finished response.
type Built struct {
	// XML is the serialised samlp:Response, as it is POSTed.
	XML []byte
	// Trace has one line per step: "built", "signed assertion (rsa-sha256,
	// exc-c14n)", "mutation X at stage Y".
	Trace []string
	// Spec is the spec the document was built from, after the
	// BeforeSigning mutations: what the IdP meant to assert.
	Spec ResponseSpec
}

// Build builds the response of spec, signs it per opts and applies muts at
// their stages: BeforeSigning (spec and options, then the unsigned tree),
// signing, AfterSigning (the signed tree), serialisation, RawBytes. Within a
// stage mutations apply in the order given. spec is not modified.
func Build(spec ResponseSpec, opts SignOptions, muts ...Mutation) (*Built, error) {
	for _, m := range muts {
		if err := m.check(); err != nil {
			return nil, fmt.Errorf("build response: %w", err)
		}
	}
	spec = spec.Clone()
	var trace []string
	step := func(m Mutation, part string) {
		trace = append(trace, fmt.Sprintf("mutation %s at stage %s (%s)", m.Name, m.Stage, part))
	}
	for _, m := range muts {
		if m.Stage != BeforeSigning {
			continue
		}
		if m.Spec != nil {
			m.Spec(&spec)
			step(m, "spec")
		}
		if m.Options != nil {
			m.Options(&opts)
			step(m, "sign options")
		}
	}
	doc := buildDocument(spec)
	trace = append(trace, "built")
	for _, m := range muts {
		if m.Stage == BeforeSigning && m.Tree != nil {
			if err := m.Tree(doc); err != nil {
				return nil, fmt.Errorf("build response: mutation %s at stage %s: %w", m.Name, m.Stage, err)
			}
			step(m, "tree")
		}
	}
	signed, err := opts.sign(doc)
	if err != nil {
		return nil, fmt.Errorf("build response: %w", err)
	}
	trace = append(trace, signed...)
	for _, m := range muts {
		if m.Stage == AfterSigning {
			if err := m.Tree(doc); err != nil {
				return nil, fmt.Errorf("build response: mutation %s at stage %s: %w", m.Name, m.Stage, err)
			}
			step(m, "tree")
		}
	}
	out, err := doc.WriteToBytes()
	if err != nil {
		return nil, fmt.Errorf("build response: serialise: %w", err)
	}
	for _, m := range muts {
		if m.Stage == RawBytes {
			next := m.Raw(bytes.Clone(out))
			if bytes.Equal(next, out) {
				return nil, fmt.Errorf("build response: mutation %s at stage %s changed nothing", m.Name, m.Stage)
			}
			out = next
			step(m, "bytes")
		}
	}
	return &Built{XML: out, Trace: trace, Spec: spec}, nil
}

// findAll returns the elements under el (el included) with namespace URI ns
// and local name tag, in document order.
func findAll(el *etree.Element, ns, tag string) []*etree.Element {
	var out []*etree.Element
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		if e.Tag == tag && e.NamespaceURI() == ns {
			out = append(out, e)
		}
		for _, c := range e.ChildElements() {
			walk(c)
		}
	}
	walk(el)
	return out
}

// Unsigned builds the response without any signature (S02's shape, never
// signed rather than stripped).
func Unsigned() Mutation {
	return Mutation{Name: "unsigned", Stage: BeforeSigning,
		Options: func(o *SignOptions) { o.Sign = SignNone }}
}

// TamperNameID replaces the text of every saml:NameID with value after
// signing (S06): the signature no longer covers what the response says.
func TamperNameID(value string) Mutation {
	return Mutation{Name: "tamper-nameid", Stage: AfterSigning, Tree: func(doc *etree.Document) error {
		if doc.Root() == nil {
			return errors.New("empty document")
		}
		ids := findAll(doc.Root(), nsAssertion, "NameID")
		if len(ids) == 0 {
			return errors.New("no saml:NameID to tamper with")
		}
		for _, el := range ids {
			el.SetText(value)
		}
		return nil
	}}
}

// StripSignature removes every ds:Signature after signing (S02).
func StripSignature() Mutation {
	return Mutation{Name: "strip-signature", Stage: AfterSigning, Tree: func(doc *etree.Document) error {
		if doc.Root() == nil {
			return errors.New("empty document")
		}
		sigs := findAll(doc.Root(), nsDSig, "Signature")
		if len(sigs) == 0 {
			return errors.New("no ds:Signature to strip")
		}
		for _, s := range sigs {
			s.Parent().RemoveChild(s)
		}
		return nil
	}}
}

// nameIDText finds the start tag and the text of the first NameID element,
// whatever its prefix.
var nameIDText = regexp.MustCompile(`<(?:[A-Za-z_][\w.-]*:)?NameID\b[^>]*>([^<]*)`)

// CommentInNameID inserts an empty comment <!----> into the text of the
// first NameID in the serialised response, right after the first occurrence
// of keep (in the middle of the text when keep is empty). This is the CVE-2017-11427
// shape (S21): exclusive C14N drops comments, so the signature still
// verifies, while a reader that takes only the first text node sees keep.
// The build fails when the NameID text does not contain keep.
func CommentInNameID(keep string) Mutation {
	return Mutation{Name: "comment-in-nameid", Stage: RawBytes, Raw: func(b []byte) []byte {
		loc := nameIDText.FindSubmatchIndex(b)
		if loc == nil {
			return b
		}
		text := b[loc[2]:loc[3]]
		at := len(text) / 2
		if keep != "" {
			i := bytes.Index(text, []byte(keep))
			if i < 0 {
				return b
			}
			at = i + len(keep)
		}
		if at == 0 {
			return b
		}
		pos := loc[2] + at
		out := make([]byte, 0, len(b)+7)
		out = append(out, b[:pos]...)
		out = append(out, "<!---->"...)
		return append(out, b[pos:]...)
	}}
}

// ExpireAssertion moves every instant of the spec (issue instants,
// Conditions, SubjectConfirmationData, AuthnInstant) into the past, so
// that the assertion expired an hour before it is sent (P01, P03).
func ExpireAssertion() Mutation {
	return Mutation{Name: "expire-assertion", Stage: BeforeSigning, Spec: func(s *ResponseSpec) {
		latest := s.IssueInstant
		if a := s.Assertion; a != nil {
			if a.Conditions != nil && a.Conditions.NotOnOrAfter.After(latest) {
				latest = a.Conditions.NotOnOrAfter
			}
			if a.Confirmation != nil && a.Confirmation.NotOnOrAfter.After(latest) {
				latest = a.Confirmation.NotOnOrAfter
			}
		}
		s.ShiftTimes(-(latest.Sub(s.IssueInstant) + time.Hour))
	}}
}

// ShiftTimes moves every non-zero instant of the spec by d.
func (s *ResponseSpec) ShiftTimes(d time.Duration) {
	shift := func(t *time.Time) {
		if !t.IsZero() {
			*t = t.Add(d)
		}
	}
	shift(&s.IssueInstant)
	a := s.Assertion
	if a == nil {
		return
	}
	shift(&a.IssueInstant)
	if a.Confirmation != nil {
		shift(&a.Confirmation.NotOnOrAfter)
	}
	if a.Conditions != nil {
		shift(&a.Conditions.NotBefore)
		shift(&a.Conditions.NotOnOrAfter)
	}
	if a.Authn != nil {
		shift(&a.Authn.AuthnInstant)
		shift(&a.Authn.SessionNotOnOrAfter)
	}
}
