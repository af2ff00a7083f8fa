package saml

import (
	"crypto/x509"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
)

// The encrypted-assertion cases (catalogue §5.7, lines E01–E08). The mock
// IdP signs the assertion as usual and encrypts it to the SP's encryption
// certificate (the contract's, from --sp-encryption-cert or the SP
// metadata's KeyDescriptor use="encryption"); the SP's declared policy
// (--sp-encryption) gates the cases that depend on it. Without an
// encryption certificate every E case skips with the reason.

// secEncGate says what an E case needs of the contract.
type secEncGate int

const (
	// secEncNone: not an E case.
	secEncNone secEncGate = iota
	// secEncAny: the SP's encryption certificate, and encryption not
	// declared off.
	secEncAny
	// secEncAccepted: as secEncAny, and the SP declares it accepts
	// encrypted assertions (optional or required): the positive controls.
	secEncAccepted
	// secEncRequired: the SP declares encryption required (E03).
	secEncRequired
)

// skip is the reason an E case cannot be judged against e, or "".
func (g secEncGate) skip(e *Env) string {
	if g == secEncNone {
		return ""
	}
	pol := e.Policy.Encryption
	switch {
	case e.SP.EncryptionCert == nil:
		return "the SP publishes no encryption certificate (--sp-encryption-cert, or a KeyDescriptor use=\"encryption\" in the metadata of --sp-metadata-url)"
	case pol == "off":
		return "the SP declares encrypted assertions off (--sp-encryption off)"
	case g == secEncAccepted && pol == "":
		return "the SP does not declare whether it accepts encrypted assertions (--sp-encryption required or optional); the positive control is not judged"
	case g == secEncRequired && pol != "required":
		return fmt.Sprintf("judged only when the SP declares encryption required (--sp-encryption required); declared: %q", pol)
	}
	return ""
}

// secEncTable lists the E cases that secRun judges: a positive control per
// cipher, and cases the SP must refuse with no trace (J23).
var secEncTable = []secCase{
	{id: "SAML-SEC-E01", tier: secCore, outcome: secControl, enc: secEncAccepted, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.EncControl(p.EncCert, "")
	}},
	{id: "SAML-SEC-E01-AES128-CBC", tier: secExtended, outcome: secControl, enc: secEncAccepted, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.EncControl(p.EncCert, mockidp.EncAES128CBC)
	}},
	{id: "SAML-SEC-E01-AES256-GCM", tier: secExtended, outcome: secControl, enc: secEncAccepted, attack: func(p mockidp.AttackParams) mockidp.Attack {
		a := mockidp.EncControl(p.EncCert, mockidp.EncAES256GCM)
		a.Should = true // "prefer GCM": an SP of XML Encryption 1.0 only may lack it
		return a
	}},
	{id: "SAML-SEC-E02", tier: secCore, enc: secEncAny, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.EncUnsignedInner(p.Victim, p.EncCert)
	}},
	{id: "SAML-SEC-E03", tier: secCore, enc: secEncRequired, attack: func(mockidp.AttackParams) mockidp.Attack { return mockidp.EncPlaintext() }},
	{id: "SAML-SEC-E04", tier: secCore, enc: secEncAny, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.EncWrongCertificate(p.EncWrongCert)
	}},
	{id: "SAML-SEC-E05", tier: secCore, enc: secEncAny, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.EncMixed(p.Victim, p.EncCert) }},
	{id: "SAML-SEC-E06-PADDING", tier: secExtended, enc: secEncAny, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.EncTamperedCBC("padding", p.EncCert)
	}},
	{id: "SAML-SEC-E06-CONTENT", tier: secExtended, enc: secEncAny, attack: func(p mockidp.AttackParams) mockidp.Attack {
		return mockidp.EncTamperedCBC("content", p.EncCert)
	}},
	{id: "SAML-SEC-E07", tier: secExtended, enc: secEncAny, attack: func(p mockidp.AttackParams) mockidp.Attack { return mockidp.EncRSA15(p.EncCert) }},
}

// secEncControlTitles name the positive controls by cipher (check() gives
// every control the baseline's title).
var secEncControlTitles = map[string]string{
	"SAML-SEC-E01":            "An encrypted signed assertion for the canary victim (AES-256-CBC, RSA-OAEP) is accepted as the victim (positive control)",
	"SAML-SEC-E01-AES128-CBC": "An encrypted signed assertion for the canary victim (AES-128-CBC, RSA-OAEP) is accepted as the victim (positive control)",
	"SAML-SEC-E01-AES256-GCM": "An encrypted signed assertion for the canary victim (AES-256-GCM, RSA-OAEP) is accepted as the victim (GCM preferred)",
}

// secEncChecks are the E checks in catalogue order: the table's, with the
// uniform-error probe pair of E06 after the two probes, and the
// EncryptedID case E08 last.
func secEncChecks() []suites.Check {
	uniform := secCheck("SAML-SEC-E06-UNIFORM", secExtended,
		"Bad-padding, bad-content and wrong-key ciphertexts get the same answer (no decryption oracle)",
		secSpec(mockidp.EncTamperedCBC("padding", nil)),
		"Two tampered AES-CBC ciphertexts of an encrypted assertion, one with bad padding and one that decrypts to bad XML, and one encrypted to another key, are all refused, and the SP's answers fall in the same class: the same ACS status, the same status and path after redirects, the same body once tokens and words with digits are masked. A difference between the first two tells an attacker which probe failed where: a decryption oracle (Jager & Somorovsky 2011); the third must read alike too (catalogue E04: a uniform error). The timings are logged, not judged.",
		suites.Should, suites.Negative, []string{"E06", "E04"}, secEncUniform)
	out := make([]suites.Check, 0, len(secEncTable)+2)
	for _, c := range secEncTable {
		ch := c.check()
		if title, ok := secEncControlTitles[c.id]; ok {
			ch.Title = title
			ch.Rule = fmt.Sprintf("An SP that declares it accepts encrypted assertions (--sp-encryption optional or required) accepts a signed assertion for the canary victim V encrypted to its certificate in an unsigned Response (%s), and the session is V's account; it calibrates the E cases.", c.attack(secDescribeParams).Title)
		}
		out = append(out, ch)
		if c.id == "SAML-SEC-E06-CONTENT" {
			out = append(out, uniform)
		}
	}
	return append(out, secCheck("SAML-SEC-E08", secCore,
		"An EncryptedID instead of NameID is keyed on its plaintext consistently, or refused",
		secSpec(mockidp.EncNameID(nil)),
		"An encrypted signed assertion whose subject is an EncryptedID (SAML Core §2.2.4) either is refused, with no trace, or logs in to the account of the NameID it decrypts to: the same account as a login with that NameID in plain form, at every login (the ciphertext changes every time and is never a key; the email changes too, so a unique-email rule cannot hide a wrong key).",
		suites.Must, suites.Negative, []string{"E08"}, secEncNameID))
}

var (
	secEncWrongOnce sync.Once
	secEncWrong     *x509.Certificate
	secEncWrongErr  error
)

// secEncWrongCert is a certificate that is not the SP's (E04), generated
// once per process.
func secEncWrongCert(t *suites.T) *x509.Certificate {
	secEncWrongOnce.Do(func() {
		id, err := mockidp.GenerateIdentity("https://attacker.invalid/sp", time.Now(), nil)
		if err != nil {
			secEncWrongErr = fmt.Errorf("wrong encryption certificate: %w", err)
			return
		}
		secEncWrong = id.Cert
	})
	if secEncWrongErr != nil {
		t.Abort(secEncWrongErr)
	}
	return secEncWrong
}

// secEncSend builds attack a over the baseline login of p from a fresh
// browser and sends it: the crafted response, decoded, is the evidence.
func (e *Env) secEncSend(t *suites.T, a mockidp.Attack, p Person) (*Login, time.Duration) {
	b := newBrowser(t, e)
	spec, l, relay := b.secBaseline(p, e.now(), e.IdP)
	built, err := a.Build(spec, mockidp.DefaultSignOptions(e.IdP))
	if err != nil {
		t.Abort(fmt.Errorf("mock IdP could not build case %s (harness bug): %w", a.Key(), err))
	}
	t.Logf("case %s: %s; mutation trace: %s", a.Key(), a.Title, strings.Join(built.Trace, " → "))
	pr := &prepared{b: b, l: l, form: mockidp.PostForm(built.XML, relay), evidence: secEvidence(a, built, relay) + secEncPlain(a, spec, e.IdP)}
	start := time.Now()
	l = pr.send()
	return l, time.Since(start)
}

// secEncMask hides what differs between two answers of the same class:
// long tokens and every word with a digit in it (request IDs, CSRF
// tokens, timestamps, counters).
var secEncMask = regexp.MustCompile(`[A-Za-z0-9+/=_-]{16,}|[A-Za-z0-9_-]*[0-9][A-Za-z0-9_-]*`)

// secEncClass is the class of the SP's answer to a login: the ACS status,
// the status and path after its redirects, and the masked final body.
func secEncClass(l *Login) string {
	if len(l.answers) == 0 {
		return fmt.Sprintf("ACS %d", l.ACSStatus)
	}
	last := l.answers[len(l.answers)-1]
	path := ""
	if last.url != nil {
		path = secEncMask.ReplaceAllString(last.url.Path, "#")
	}
	body := clip(secEncMask.ReplaceAllString(strings.TrimSpace(string(last.body)), "#"), 300)
	return fmt.Sprintf("ACS %d, then %d at %s, body %q", l.ACSStatus, last.status, path, body)
}

// secEncStart is the prelude of the E checks that run on their own: the
// session (skipped without the SP's encryption certificate or with
// encryption declared off) and a fresh person, cleaned up afterwards.
func secEncStart(t *suites.T, tag string) (*Env, Person) {
	e := Session(t)
	if why := secEncAny.skip(e); why != "" {
		t.Skipf("%s", why)
	}
	p := e.newPerson(tag)
	e.cleanup(t, p)
	return e, p
}

// secEncUniform is SAML-SEC-E06-UNIFORM: the two padding-oracle probes
// and a ciphertext for another key (E04), all refused and answered alike.
func secEncUniform(t *suites.T) {
	e, atk := secEncStart(t, "atk")
	before := e.accounts(t, atk)
	probes := []struct {
		what string
		a    mockidp.Attack
	}{
		{"a bad-padding ciphertext", mockidp.EncTamperedCBC("padding", e.SP.EncryptionCert)},
		{"one that decrypts to bad XML", mockidp.EncTamperedCBC("content", e.SP.EncryptionCert)},
		{"one encrypted to another key (E04)", mockidp.EncWrongCertificate(secEncWrongCert(t))},
	}
	classes := make([]string, len(probes))
	for i, p := range probes {
		l, took := e.secEncSend(t, p.a, atk)
		classes[i] = secEncClass(l)
		t.Logf("probe %s: %s; %s; took %s", p.what, l.Summary(), classes[i], took.Round(time.Millisecond))
		if l.Session != nil {
			t.Errorf("the SP accepted %s: %s (%s)", p.what, l.Summary(), AcceptedAsOther)
		}
	}
	if after := e.accounts(t, atk); after != nil && len(after) != len(before) {
		t.Errorf("the SP refused the probes but the accounts changed: %s (%s; J23)", delta(before, after), RejectedWithSideEffect)
	}
	if classes[0] != classes[1] {
		t.Errorf("the SP answers %s (%s) differently from %s (%s): a decryption oracle; answer every decryption failure alike, and prefer AES-GCM", probes[0].what, classes[0], probes[1].what, classes[1])
	}
	if classes[2] != classes[0] && classes[2] != classes[1] {
		t.Errorf("the SP answers %s (%s) differently from a tampered ciphertext (%s): the error is not uniform (catalogue E04)", probes[2].what, classes[2], classes[0])
	}
}

// secEncNameID is SAML-SEC-E08: an encrypted assertion with a plaintext
// NameID for a fresh person first, then two with an EncryptedID of that
// NameID (and each a new email); each is refused with no trace or lands in
// the first login's account.
func secEncNameID(t *suites.T) {
	e, p := secEncStart(t, "encid")
	l0, _ := e.secEncSend(t, mockidp.EncControl(e.SP.EncryptionCert, ""), p)
	if l0.Session == nil {
		t.Skipf("the login of a new person with a plaintext NameID in an encrypted assertion was refused (%s); E08 compares with it (JIT creation off, or encrypted assertions refused)", l0.Summary())
	}
	t.Logf("reference login: %s", l0.Summary())
	var verdicts []string
	for i := 1; i <= 2; i++ {
		// A fresh email each time: an SP keying on anything but the
		// decrypted NameID would otherwise stumble on its own
		// unique-email rule and hide it.
		q := p
		q.Email = e.newEmail("encid")
		e.cleanup(t, q)
		before := e.accounts(t, p, q)
		l, _ := e.secEncSend(t, mockidp.EncNameID(e.SP.EncryptionCert), q)
		after := e.accounts(t, p, q)
		side := ""
		if after != nil && len(after) != len(before) {
			side = delta(before, after)
		}
		same := func(s Principal) bool { return s.ID == l0.Session.ID }
		if l.Session != nil {
			side = ""
		}
		v := classify(l, same, nil, side)
		verdicts = append(verdicts, string(v))
		t.Logf("EncryptedID login %d: %s (%s)", i, l.Summary(), v)
		switch v {
		case AcceptedAsOther:
			t.Errorf("EncryptedID login %d landed in %s, not in the account %s of the same NameID in plain form (%s): the SP does not key on the decrypted NameID", i, l.Session, l0.Session, v)
		case RejectedWithSideEffect:
			t.Errorf("the SP refused EncryptedID login %d but the accounts changed: %s (%s; J23)", i, side, v)
		}
	}
	if len(verdicts) == 2 && verdicts[0] != verdicts[1] && !t.Failed() {
		t.Errorf("the two EncryptedID logins of one NameID were treated differently (%s, then %s): not consistent", verdicts[0], verdicts[1])
	}
}

// encRequired reports whether the SP declares encrypted assertions
// required and publishes its certificate: benign logins are then sent
// encrypted, as the SP expects.
func (e *Env) encRequired() bool {
	return e.Policy.Encryption == "required" && e.SP.EncryptionCert != nil
}

// encBenign returns the benign response built over spec, encrypted to
// the SP when it requires encryption (the same signed assertion, verified
// in plain form before), with the evidence of the plaintext; otherwise
// built and "".
func (e *Env) encBenign(t *suites.T, spec mockidp.ResponseSpec, idp *mockidp.Identity, built *mockidp.Built) (*mockidp.Built, string) {
	if !e.encRequired() {
		return built, ""
	}
	enc, err := mockidp.Build(spec, mockidp.DefaultSignOptions(idp), mockidp.EncryptAssertion(mockidp.EncOptions{Cert: e.SP.EncryptionCert}))
	if err != nil {
		t.Abort(fmt.Errorf("mock IdP: %w", err))
	}
	return enc, encBefore(built.XML)
}

// encBefore is the evidence of a response whose assertion the harness
// encrypted because the SP requires it: the response before encryption.
func encBefore(xml []byte) string {
	return "\n\nthe same response before its assertion was encrypted to the SP's certificate (--sp-encryption required):\n" + indentXML(xml)
}

// encPlaintextCase is what secRun does with a case that sends a plaintext
// assertion to an SP requiring encryption: the positive control is
// skipped (E01 is the one for this SP); a refusal of another case is
// logged as possibly the policy's.
func (c secCase) encPlaintextCase(t *suites.T, e *Env) {
	if c.enc != secEncNone || !e.encRequired() {
		return
	}
	if c.outcome == secControl {
		t.Skipf("the SP declares encrypted assertions required (--sp-encryption required) and this control sends a plaintext assertion; SAML-SEC-E01 is the positive control for this SP")
	}
	t.Logf("the SP declares encrypted assertions required: it may refuse this plaintext case for that reason alone (the SAML-SEC-E checks send encrypted ones)")
}

// secEncPlain is the evidence of what an E case encrypted: the response
// rebuilt over the same spec without its encryption and ciphertext
// mutations (the signed assertion is byte-identical: RSA PKCS#1 v1.5
// signatures are deterministic), or "" for a case that encrypts nothing.
func secEncPlain(a mockidp.Attack, spec mockidp.ResponseSpec, idp *mockidp.Identity) string {
	var keep []mockidp.Mutation
	dropped := false
	for _, m := range a.Mutations {
		if strings.HasPrefix(m.Name, "encrypt-") || strings.HasPrefix(m.Name, "tamper-cbc-") || strings.HasPrefix(m.Name, "plaintext-beside-encrypted") {
			dropped = true
			continue
		}
		keep = append(keep, m)
	}
	if !dropped {
		return ""
	}
	b, err := mockidp.Build(spec, mockidp.DefaultSignOptions(idp), keep...)
	if err != nil {
		return ""
	}
	return "\nthe encrypted content in plaintext (the response rebuilt without its encryption, for reading; it was not sent):\n" + indentXML(b.XML) + "\n"
}
