package saml

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
)

// maxBody bounds what is read of an SP answer; maxEvidence what is kept of
// it in an exchange.
const (
	maxBody      = 1 << 20
	maxEvidence  = 4 << 10
	maxRedirects = 5
)

// browser is one user agent with its own cookie jar: every login starts
// from a fresh one, so no session leaks from one login to the next.
type browser struct {
	t   *suites.T
	env *Env
	hc  *http.Client
	// budget, when set, is the time the SP may take for an answer (the X
	// cases with a time budget): an SP that does not answer before the
	// client gives up fails the check as a denial of service instead of
	// ending it as unreachable.
	budget time.Duration
}

func newBrowser(t *suites.T, env *Env) *browser {
	jar, _ := cookiejar.New(nil) // never fails without options
	tr := env.Transport
	if tr == nil {
		tr = http.DefaultTransport
	}
	return &browser{t: t, env: env, hc: &http.Client{
		Transport: tr, Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// answer is an SP response, read.
type answer struct {
	status int
	header http.Header
	body   []byte
	url    *url.URL
}

// do sends one request to the SP, records it as evidence and returns the
// answer. evidence, if not empty, replaces the request body in the record
// (the decoded SAMLResponse instead of its base64). A transport error
// aborts the check: the harness could not talk to the SP.
func (b *browser) do(method, rawURL string, form url.Values, evidence string) *answer {
	u, err := url.Parse(rawURL)
	if err != nil || !b.env.allowedOrigin(u) {
		b.t.Abort(fmt.Errorf("refusing %s %s: not a URL of the SP contract (provcheck sends logins only to the configured SP URLs)", method, rawURL))
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(b.t.Context(), method, rawURL, body)
	if err != nil {
		b.t.Abort(fmt.Errorf("%s %s: %w", method, rawURL, err))
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json, text/html;q=0.9, */*;q=0.8")
	req.Header.Set("User-Agent", "provcheck-mockidp")
	ex := suites.Exchange{Method: method, URL: rawURL, RequestHeaders: map[string]string{}}
	if cs := b.hc.Jar.Cookies(u); len(cs) > 0 {
		ex.RequestHeaders["Cookie"] = fmt.Sprintf("[%d cookie(s) redacted]", len(cs))
	}
	if evidence != "" {
		ex.RequestBody = evidence
	} else if form != nil {
		ex.RequestBody = form.Encode()
	}
	start := time.Now()
	resp, err := b.hc.Do(req)
	ex.DurationMS = time.Since(start).Milliseconds()
	if err != nil {
		ex.Error = err.Error()
		b.record(ex)
		var ne net.Error
		if b.budget > 0 && errors.As(err, &ne) && ne.Timeout() && b.t.Context().Err() == nil {
			b.t.Fatalf("the SP did not answer %s %s within %s; the budget is %s (denial of service)", method, rawURL, b.hc.Timeout, b.budget)
		}
		b.t.Abort(fmt.Errorf("%s %s: the SP could not be reached: %w", method, rawURL, err))
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	ex.Status = resp.StatusCode
	ex.ResponseHeaders = map[string]string{}
	for k, v := range resp.Header {
		if strings.EqualFold(k, "Set-Cookie") {
			ex.ResponseHeaders[k] = fmt.Sprintf("[%d cookie(s) redacted]", len(v))
			continue
		}
		ex.ResponseHeaders[k] = strings.Join(v, ", ")
	}
	ex.ResponseBody = string(data)
	if len(ex.ResponseBody) > maxEvidence {
		ex.ResponseBody = ex.ResponseBody[:maxEvidence] + "…"
	}
	b.record(ex)
	return &answer{status: resp.StatusCode, header: resp.Header, body: data, url: u}
}

// record keeps an exchange as evidence and, through Env.Transcript, in
// the run's transcript (with the run's secrets redacted).
func (b *browser) record(ex suites.Exchange) {
	if b.env.Transcript == nil {
		b.t.Record(ex)
		return
	}
	if err := b.env.Transcript.Record(b.t, ex); err != nil {
		b.t.Logf("%v", err)
	}
}

// follow follows redirects from a while they stay on the SP's hosts, with
// GET, and returns the last answer.
func (b *browser) follow(a *answer) *answer {
	for i := 0; i < maxRedirects && isRedirect(a.status); i++ {
		next, err := a.url.Parse(a.header.Get("Location"))
		if err != nil || !b.env.allowedOrigin(next) {
			return a
		}
		a = b.do(http.MethodGet, next.String(), nil, "")
	}
	return a
}

func isRedirect(code int) bool {
	return code == 301 || code == 302 || code == 303 || code == 307 || code == 308
}

// Principal is the account a session belongs to, as whoami tells it.
type Principal struct {
	ID, UserName, Email string
	// Groups are the session's group or role names at SP.WhoamiGroups:
	// nil when the contract has no such path or the answer has no list
	// there, else the names (possibly none).
	Groups []string
}

func (p Principal) String() string {
	s := "id=" + p.ID
	if p.UserName != "" {
		s += " userName=" + p.UserName
	}
	if p.Email != "" {
		s += " email=" + p.Email
	}
	if p.Groups != nil {
		s += " groups=[" + strings.Join(p.Groups, ", ") + "]"
	}
	return s
}

// Login is what one login attempt produced.
type Login struct {
	// NameID is the NameID asserted.
	NameID string
	// ACSStatus is the status of the POST to the ACS.
	ACSStatus int
	// ServerError is set when the ACS (or a redirect after it) answered 5xx.
	ServerError bool
	// Session is the account whoami reports, nil when there is no session.
	Session *Principal
	// WhoamiStatus is the status of the whoami request.
	WhoamiStatus int
	// Flow is "SP-initiated" or "IdP-initiated".
	Flow string
	// answers are the SP's answers to the POST and its redirects.
	answers []*answer
}

// Summary is the login in one line, for failure reasons.
func (l *Login) Summary() string {
	who := "no session"
	if l.Session != nil {
		who = "session " + l.Session.String()
	}
	return fmt.Sprintf("%s login of NameID %s: ACS answered %d, whoami %d (%s)", l.Flow, l.NameID, l.ACSStatus, l.WhoamiStatus, who)
}

// login signs in person from a fresh browser: SP-initiated when the
// contract has a login URL (the response answers the SP's AuthnRequest),
// IdP-initiated otherwise. It verifies the benign response with gosaml2
// before sending it, so a case never fails because the IdP built it
// wrong, then asks whoami which account the session belongs to.
func (e *Env) login(t *suites.T, p Person, opts ...jitLogin) *Login {
	return e.prepare(t, p, opts...).send()
}

// prepared is a login up to the POST to the ACS: the browser (with the
// SP-initiated flow's cookies) and the signed, verified response.
type prepared struct {
	b        *browser
	l        *Login
	form     url.Values
	evidence string
}

// prepare does everything of a login before the POST to the ACS, so that
// concurrent logins can be released at once.
func (e *Env) prepare(t *suites.T, p Person, opts ...jitLogin) *prepared {
	return e.prepareIn(newBrowser(t, e), p, opts...)
}

// prepareIn is prepare in the browser b, whose cookies (a session, for
// the link cases) the login carries.
func (e *Env) prepareIn(b *browser, p Person, opts ...jitLogin) *prepared {
	t := b.t
	now := e.now()
	idp := e.IdP
	for _, o := range opts {
		if o.idp != nil {
			idp = o.idp
		}
	}
	spec, l, relay := b.secBaseline(p, now, idp, opts...)
	built, err := mockidp.Build(spec, mockidp.DefaultSignOptions(idp))
	if err != nil {
		t.Abort(fmt.Errorf("mock IdP: %w", err))
	}
	if _, err := mockidp.VerifyBenign(built.XML, idp, e.spInfo(), now); err != nil {
		t.Abort(fmt.Errorf("mock IdP built a response a correct SP refuses (harness bug): %w", err))
	}
	built, plain := e.encBenign(t, spec, idp, built)
	evidence := "SAMLResponse (decoded, indented here; sent byte-exact):\n" + indentXML(built.XML) + plain
	if relay != "" {
		evidence += "\nRelayState: " + relay
	}
	return &prepared{b: b, l: l, form: mockidp.PostForm(built.XML, relay), evidence: evidence}
}

// secBaseline is the baseline response spec of a login of p at now, issued
// by idp (the mapped attributes, edited by the login options; for an
// SP-initiated login, InResponseTo of the AuthnRequest this browser
// obtains), the Login to fill in and the RelayState to send back.
func (b *browser) secBaseline(p Person, now time.Time, idp *mockidp.Identity, opts ...jitLogin) (mockidp.ResponseSpec, *Login, string) {
	e := b.env
	spec := mockidp.NewResponseSpec(idp, e.spInfo(), p.NameID, now)
	at := e.attrs()
	for _, kv := range [][2]string{{at.Email, p.Email}, {at.GivenName, p.GivenName}, {at.Surname, p.Family}} {
		if kv[0] != "" && kv[1] != "" {
			spec.AddAttribute(kv[0], kv[1])
		}
	}
	unsolicited := false
	for _, o := range opts {
		if o.edit != nil {
			o.edit(&spec)
		}
		unsolicited = unsolicited || o.unsolicited
	}
	l := &Login{NameID: p.NameID, Flow: "IdP-initiated"}
	relay := ""
	if e.SP.LoginURL != "" && !unsolicited {
		l.Flow = "SP-initiated"
		req := b.authnRequest()
		spec.SetInResponseTo(req.ID)
		relay = req.RelayState
	}
	return spec, l, relay
}

// send posts the response to the ACS, follows the SP's redirects and asks
// whoami which account the session belongs to.
func (pl *prepared) send() *Login {
	b, l := pl.b, pl.l
	a := b.do(http.MethodPost, b.env.SP.ACSURL, pl.form, pl.evidence)
	l.ACSStatus = a.status
	l.answers = append(l.answers, a)
	if last := b.follow(a); last != a {
		l.answers = append(l.answers, last)
		a = last
	}
	l.ServerError = l.ACSStatus >= 500 || a.status >= 500
	l.Session, l.WhoamiStatus = b.whoami()
	return l
}

// authnRequest starts an SP-initiated login at the login URL and returns
// the AuthnRequest the SP sends to the IdP, by the HTTP-Redirect binding
// (a redirect off the SP's hosts) or the HTTP-POST binding (a form).
func (b *browser) authnRequest() *mockidp.AuthnRequest {
	req, err := b.authnRequestAt(b.env.SP.LoginURL)
	if err != nil {
		b.t.Abort(fmt.Errorf("INDETERMINATE: %w", err))
	}
	return req
}

// authnRequestAt is authnRequest at another URL of the SP (the link
// URL), with an error when the answer carries no AuthnRequest.
func (b *browser) authnRequestAt(start string) (*mockidp.AuthnRequest, error) {
	a := b.follow(b.do(http.MethodGet, start, nil, ""))
	if isRedirect(a.status) {
		loc, err := a.url.Parse(a.header.Get("Location"))
		if err != nil {
			return nil, fmt.Errorf("%s redirected to %q, not a URL", start, a.header.Get("Location"))
		}
		req, err := mockidp.ParseAuthnRequestRedirect(loc.String())
		if err != nil {
			return nil, fmt.Errorf("%s redirected to %s without a readable AuthnRequest: %w", start, loc.Redacted(), err)
		}
		return req, nil
	}
	if a.status == http.StatusOK {
		if form := postBindingForm(a.body); form != nil {
			req, err := mockidp.ParseAuthnRequestPost(form)
			if err != nil {
				return nil, fmt.Errorf("the SAMLRequest form of %s is unreadable: %w", start, err)
			}
			return req, nil
		}
	}
	return nil, fmt.Errorf("GET %s answered %d without an AuthnRequest (expected a redirect to the IdP or an HTTP-POST form)", start, a.status)
}

// indentXML returns an indented copy of a document for evidence (the
// signed bytes sent are not touched), or the document as is.
func indentXML(b []byte) string {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(b); err != nil {
		return string(b)
	}
	doc.Indent(2)
	s, err := doc.WriteToString()
	if err != nil {
		return string(b)
	}
	return s
}

var (
	inputTag  = regexp.MustCompile(`(?is)<input\b[^>]*>`)
	nameAttr  = regexp.MustCompile(`(?is)\bname\s*=\s*["']([^"']*)["']`)
	valueAttr = regexp.MustCompile(`(?is)\bvalue\s*=\s*["']([^"']*)["']`)
)

// postBindingForm reads the SAMLRequest and RelayState of an HTTP-POST
// binding page (hidden inputs, attributes in any order), or returns nil.
func postBindingForm(page []byte) url.Values {
	form := url.Values{}
	for _, tag := range inputTag.FindAll(page, -1) {
		n, v := nameAttr.FindSubmatch(tag), valueAttr.FindSubmatch(tag)
		if n == nil || v == nil {
			continue
		}
		if name := string(n[1]); name == "SAMLRequest" || name == "RelayState" {
			form.Set(name, html.UnescapeString(string(v[1])))
		}
	}
	if form.Get("SAMLRequest") == "" {
		return nil
	}
	return form
}

// whoami asks the SP which account the browser's session belongs to. No
// session is a 401 or 403, a redirect (to a login page), or 200 with the
// JSON null (Better Auth's /get-session says so). An answer
// that is none of these and not JSON with an id aborts the check as
// INDETERMINATE: the oracle is misconfigured.
func (b *browser) whoami() (*Principal, int) {
	a := b.do(http.MethodGet, b.env.SP.WhoamiURL, nil, "")
	switch {
	case a.status == http.StatusUnauthorized || a.status == http.StatusForbidden || isRedirect(a.status):
		return nil, a.status
	case a.status >= 500:
		return nil, a.status
	case a.status != http.StatusOK:
		b.t.Abort(fmt.Errorf("INDETERMINATE: whoami %s answered %d; expected 200 with the session's account or 401 without a session", b.env.SP.WhoamiURL, a.status))
	}
	dec := json.NewDecoder(bytes.NewReader(a.body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		b.t.Abort(fmt.Errorf("INDETERMINATE: whoami %s answered 200 but not JSON: %v", b.env.SP.WhoamiURL, err))
	}
	if v == nil {
		return nil, a.status
	}
	sp := b.env.SP
	p := &Principal{
		ID:       jsonString(v, orDefault(sp.WhoamiID, "id")),
		UserName: jsonString(v, orDefault(sp.WhoamiUserName, "userName")),
		Email:    jsonString(v, orDefault(sp.WhoamiEmail, "email")),
	}
	if sp.WhoamiGroups != "" {
		p.Groups = jsonStrings(v, sp.WhoamiGroups)
	}
	if p.ID == "" {
		b.t.Abort(fmt.Errorf("INDETERMINATE: whoami answered 200 but the JSON path %q gives no account id in %s", orDefault(sp.WhoamiID, "id"), clip(string(a.body), 200)))
	}
	return p, a.status
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// jsonAt follows a dotted path ("user.emails.0": object members and list
// indexes) and returns the value there; ok is false when the path leads
// nowhere.
func jsonAt(v any, path string) (any, bool) {
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// jsonString follows a dotted path ("user.emails.0.value") and returns a
// string or number there, or "".
func jsonString(v any, path string) string {
	v, ok := jsonAt(v, path)
	if !ok {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}

// jsonStrings follows a dotted path to a JSON list and returns its names:
// the strings and numbers, and of objects the "name", else "value", else
// "display" member. It returns nil when the path gives no list.
func jsonStrings(v any, path string) []string {
	v, ok := jsonAt(v, path)
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := []string{}
	for _, item := range list {
		if m, ok := item.(map[string]any); ok {
			for _, k := range []string{"name", "value", "display"} {
				if s := jsonString(m, k); s != "" {
					out = append(out, s)
					break
				}
			}
			continue
		}
		switch x := item.(type) {
		case string:
			out = append(out, x)
		case json.Number:
			out = append(out, x.String())
		}
	}
	return out
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
