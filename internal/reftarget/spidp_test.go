package reftarget

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/require"
)

// The SP tests sign their own responses with goxmldsig: the reference
// target never imports the harness (mockidp), so a bug there cannot hide
// one here.

const (
	testIdPEntityID = "https://idp.test/metadata"
	testIdPSSO      = "https://idp.test/sso"
	testHost        = "http://example.com"
	testACS         = testHost + SPPath + "/acs"
	testSPEntityID  = testHost + SPPath + "/metadata"
)

// testIdP is a signing identity of the tests.
type testIdP struct {
	once sync.Once
	key  *rsa.PrivateKey
	cert *x509.Certificate
}

// testIdPs are the first and the second IdP of the tests.
var testIdPs [2]testIdP

// testIdPIdentity returns a key and certificate shared by the tests.
func testIdPIdentity(t testing.TB) (*rsa.PrivateKey, *x509.Certificate) {
	return testIdPN(0)
}

// testIdPN returns the key and certificate of test IdP n (0 or 1).
func testIdPN(n int) (*rsa.PrivateKey, *x509.Certificate) {
	id := &testIdPs[n]
	id.once.Do(func() { id.key, id.cert = secTestIdentity(fmt.Sprintf("test IdP %d", n), int64(7+n)) })
	return id.key, id.cert
}

// trustTestIdP makes c's SP trust the test IdP.
func trustTestIdP(t testing.TB, s *Server) {
	_, cert := testIdPIdentity(t)
	s.TrustIdP(TrustedIdP{EntityID: testIdPEntityID, Cert: cert, SSOURL: testIdPSSO})
}

// assertion describes a test response.
type assertion struct {
	nameID       string
	attrs        [][2]string
	inResponseTo string
	assertionID  string
	audience     string
	notBefore    time.Time
	unsigned     bool
	// format is the NameID Format; empty means persistent.
	format string
	// second signs and issues it as the second test IdP (testIdP2EntityID).
	second bool
}

// testIdP2EntityID is the entity ID of the second test IdP.
const testIdP2EntityID = "https://idp2.test/metadata"

func newID40() string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("_%x", b)
}

// signedResponse builds and signs (the assertion, exclusive C14N) a
// Response and returns it base64-encoded, as the SAMLResponse form field.
func signedResponse(t testing.TB, a assertion) string {
	t.Helper()
	key, cert := testIdPIdentity(t)
	issuer := testIdPEntityID
	if a.second {
		key, cert = testIdPN(1)
		issuer = testIdP2EntityID
	}
	now := time.Now().UTC()
	if a.notBefore.IsZero() {
		a.notBefore = now.Add(-5 * time.Minute)
	}
	if a.audience == "" {
		a.audience = testSPEntityID
	}
	if a.assertionID == "" {
		a.assertionID = newID40()
	}
	if a.format == "" {
		a.format = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
	}
	f := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
	irt := ""
	if a.inResponseTo != "" {
		irt = fmt.Sprintf(` InResponseTo="%s"`, a.inResponseTo)
	}
	var attrs strings.Builder
	for _, kv := range a.attrs {
		fmt.Fprintf(&attrs, `<saml:Attribute Name="%s"><saml:AttributeValue>%s</saml:AttributeValue></saml:Attribute>`, kv[0], html.EscapeString(kv[1]))
	}
	stmt := ""
	if attrs.Len() > 0 {
		stmt = "<saml:AttributeStatement>" + attrs.String() + "</saml:AttributeStatement>"
	}
	x := fmt.Sprintf(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="%s"%s Version="2.0" IssueInstant="%s" Destination="%s">`+
		`<saml:Issuer>%s</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>`+
		`<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="%s" Version="2.0" IssueInstant="%s"><saml:Issuer>%s</saml:Issuer>`+
		`<saml:Subject><saml:NameID Format="%s">%s</saml:NameID>`+
		`<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="%s" Recipient="%s"%s/></saml:SubjectConfirmation></saml:Subject>`+
		`<saml:Conditions NotBefore="%s" NotOnOrAfter="%s"><saml:AudienceRestriction><saml:Audience>%s</saml:Audience></saml:AudienceRestriction></saml:Conditions>`+
		`<saml:AuthnStatement AuthnInstant="%s"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>%s</saml:Assertion></samlp:Response>`,
		newID40(), irt, f(now), testACS, issuer,
		a.assertionID, f(now), issuer, a.format, html.EscapeString(a.nameID),
		f(now.Add(5*time.Minute)), testACS, irt,
		f(a.notBefore), f(a.notBefore.Add(10*time.Minute)), a.audience, f(now), stmt)
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromString(x))
	if !a.unsigned {
		secSign(t, doc.Root().SelectElement("saml:Assertion"), key, cert)
	}
	out, err := doc.WriteToBytes()
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(out)
}

// browser drives the SP of a Server in-process with its own cookie.
type browser struct {
	t       testing.TB
	s       *Server
	session string
	authn   string // the AuthnRequest cookie of an SP-initiated login
}

func newBrowser(t testing.TB, s *Server) *browser { return &browser{t: t, s: s} }

// post sends a SAMLResponse to the ACS and keeps the session cookie.
func (b *browser) post(encoded string) *httptest.ResponseRecorder {
	b.t.Helper()
	return b.postForm(url.Values{"SAMLResponse": {encoded}}, false)
}

// postForm posts form to the ACS with the AuthnRequest cookie and, with
// withSession, the session cookie; it keeps the session cookie it gets.
func (b *browser) postForm(form url.Values, withSession bool) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, testACS, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if b.authn != "" {
		req.AddCookie(&http.Cookie{Name: SecAuthnRequestCookie, Value: b.authn})
	}
	if withSession && b.session != "" {
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: b.session})
	}
	rec := httptest.NewRecorder()
	b.s.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == SessionCookie {
			b.session = c.Value
		}
	}
	return rec
}

// login posts a fresh signed response for nameID with attributes (name,
// value pairs) from a fresh browser and returns it with the ACS status.
func login(t testing.TB, s *Server, nameID string, attrs ...string) (*browser, int) {
	t.Helper()
	a := assertion{nameID: nameID}
	for i := 0; i+1 < len(attrs); i += 2 {
		a.attrs = append(a.attrs, [2]string{attrs[i], attrs[i+1]})
	}
	b := newBrowser(t, s)
	return b, b.post(signedResponse(t, a)).Code
}

// whoami returns the session's account, or nil (and the status) without one.
func (b *browser) whoami() (map[string]any, int) {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodGet, testHost+SPPath+"/whoami", nil)
	if b.session != "" {
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: b.session})
	}
	rec := httptest.NewRecorder()
	b.s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return nil, rec.Code
	}
	var m map[string]any
	require.NoError(b.t, json.Unmarshal(rec.Body.Bytes(), &m))
	return m, rec.Code
}

// whoamiID is the session's account id, or "".
func (b *browser) whoamiID() string {
	m, _ := b.whoami()
	id, _ := m["id"].(string)
	return id
}

// userCount counts the server's users.
func userCount(s *Server) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.resources[rtUser.Name])
}
