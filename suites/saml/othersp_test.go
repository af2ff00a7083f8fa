package saml

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	saml2 "github.com/russellhaering/gosaml2"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
)

// otherSP is an SP written apart from the reference target, shaped
// differently: SP-initiated by the HTTP-POST binding (a form page), its own
// account ids, attribute "mail", a whoami answer nested under "user", a
// redirect to its login page without a session, and no SCIM endpoint. Its
// bug switch keys logins on the email, the takeover of J05.
type otherSP struct {
	srv         *httptest.Server
	idp         *mockidp.Identity
	keyOnEmail  bool
	mu          sync.Mutex
	pending     map[string]bool
	byKey       map[string]string // NameID (or email, when buggy) -> account id
	mail        map[string]string // account id -> email
	sessions    map[string]string // cookie -> account id
	next        int
	unsolicited bool
	// emptyNameID is a second bug switch: an empty NameID is accepted and
	// keys an account (catalogue J10).
	emptyNameID bool
	// roles are each account's roles, mapped from the attribute "groups"
	// by otherRoleMap at every login; rawRoles is a third bug switch: every
	// asserted value becomes a role (catalogue J16).
	roles    map[string][]map[string]any
	rawRoles bool
	// hangOnDeflate is a fourth: a SAMLResponse that is not XML keeps the
	// SP busy until the client gives up (X08's bomb, inflated without a
	// bound).
	hangOnDeflate bool
}

// otherRoleMap is otherSP's role mapping table.
var otherRoleMap = map[string]string{"eng-admins": "Administrator"}

func newOtherSP(t *testing.T, idp *mockidp.Identity, keyOnEmail bool) *otherSP {
	sp := &otherSP{idp: idp, keyOnEmail: keyOnEmail, pending: map[string]bool{}, byKey: map[string]string{},
		mail: map[string]string{}, sessions: map[string]string{}, roles: map[string][]map[string]any{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /auth/start", sp.login)
	mux.HandleFunc("POST /auth/saml", sp.acs)
	mux.HandleFunc("GET /api/me", sp.me)
	mux.HandleFunc("GET /home", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>home</html>")) })
	sp.srv = httptest.NewServer(mux)
	t.Cleanup(sp.srv.Close)
	return sp
}

func (sp *otherSP) provider() *saml2.SAMLServiceProvider {
	return &saml2.SAMLServiceProvider{
		IdentityProviderSSOURL:      "https://idp.elsewhere.test/sso",
		IdentityProviderIssuer:      sp.idp.EntityID,
		ServiceProviderIssuer:       "urn:other-sp",
		AssertionConsumerServiceURL: sp.srv.URL + "/auth/saml",
		AudienceURI:                 "urn:other-sp",
		IDPCertificateStore:         &dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{sp.idp.Cert}},
		AllowMissingAttributes:      true,
		Clock:                       dsig.NewRealClock(),
	}
}

func (sp *otherSP) login(w http.ResponseWriter, r *http.Request) {
	p := sp.provider()
	doc, err := p.BuildAuthRequestDocumentNoSig()
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	page, err := p.BuildAuthBodyPostFromDocument("state-1", doc)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	sp.mu.Lock()
	sp.pending[doc.Root().SelectAttrValue("ID", "")] = true
	sp.mu.Unlock()
	_, _ = w.Write(page)
}

func (sp *otherSP) acs(w http.ResponseWriter, r *http.Request) {
	if raw, _ := base64.StdEncoding.DecodeString(r.FormValue("SAMLResponse")); sp.hangOnDeflate && !bytes.HasPrefix(raw, []byte("<")) {
		<-r.Context().Done() // busy inflating until the client gives up
		return
	}
	info, err := sp.provider().RetrieveAssertionInfo(r.FormValue("SAMLResponse"))
	if err != nil || info.WarningInfo.InvalidTime || info.WarningInfo.NotInAudience {
		http.Error(w, "denied", http.StatusForbidden)
		return
	}
	irt := info.Assertions[0].Subject.SubjectConfirmation.SubjectConfirmationData.InResponseTo
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if irt == "" && !sp.unsolicited || irt != "" && !sp.pending[irt] {
		http.Error(w, "denied", http.StatusForbidden)
		return
	}
	delete(sp.pending, irt)
	if info.NameID == "" && !sp.emptyNameID {
		http.Error(w, "no NameID", http.StatusForbidden)
		return
	}
	mail := info.Values.Get("mail")
	key := info.NameID
	if sp.keyOnEmail {
		key = mail
	}
	id, ok := sp.byKey[key]
	if !ok {
		sp.next++
		id = "acct-" + string(rune('a'+sp.next))
		sp.byKey[key] = id
		sp.mail[id] = mail
	}
	roles := []map[string]any{}
	for _, v := range info.Values["groups"].Values {
		if role, ok := otherRoleMap[v.Value]; ok {
			roles = append(roles, map[string]any{"name": role})
		} else if sp.rawRoles {
			roles = append(roles, map[string]any{"name": v.Value})
		}
	}
	sp.roles[id] = roles
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	sp.sessions[tok] = id
	http.SetCookie(w, &http.Cookie{Name: "sid", Value: tok, Path: "/"})
	http.Redirect(w, r, "/home", http.StatusFound)
}

func (sp *otherSP) me(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie("sid")
	sp.mu.Lock()
	id := ""
	if err == nil {
		id = sp.sessions[c.Value]
	}
	mail, roles := sp.mail[id], sp.roles[id]
	sp.mu.Unlock()
	if id == "" {
		http.Redirect(w, r, "/auth/start", http.StatusFound)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"user": map[string]any{"uid": id, "contact": map[string]any{"mail": mail}, "roles": roles}})
}

func (sp *otherSP) env(t *testing.T) *Env {
	return &Env{
		SP: SP{ACSURL: sp.srv.URL + "/auth/saml", EntityID: "urn:other-sp", LoginURL: sp.srv.URL + "/auth/start",
			WhoamiURL: sp.srv.URL + "/api/me", WhoamiID: "user.uid", WhoamiEmail: "user.contact.mail", WhoamiUserName: "user.none",
			WhoamiGroups: "user.roles"},
		IdP: sp.idp, Policy: Policy{JIT: true, Sync: "", IdPInitiated: "off", RoleAttr: "groups", RoleMap: otherRoleMap}, Attrs: Attributes{Email: "mail"}, RunID: "pctest0001",
	}
}

var (
	testIdPOnce sync.Once
	testIdP     *mockidp.Identity
)

func sharedIdP(t *testing.T) *mockidp.Identity {
	testIdPOnce.Do(func() {
		var err error
		testIdP, err = mockidp.GenerateIdentity("https://idp.elsewhere.test/metadata", time.Now(), nil)
		if err != nil {
			panic(err)
		}
	})
	return testIdP
}

func runAll(t *testing.T, env *Env) map[string]suites.Result {
	out := map[string]suites.Result{}
	for _, c := range Checks() {
		out[c.ID] = suites.RunOne(context.Background(), c, suites.Options{Env: env, Has: env.Has})
	}
	return out
}

func TestAnotherCorrectSPPasses(t *testing.T) {
	sp := newOtherSP(t, sharedIdP(t), false)
	for id, r := range runAll(t, sp.env(t)) {
		if needsSCIMJit(id) || id == "SAML-JIT-019" || id == "SAML-JIT-021" || id == "SAML-JIT-025" || id == "SAML-JIT-026" {
			assert.Equal(t, suites.Skipped, r.Status, id)
			assert.Regexp(t, "no SCIM endpoint|one IdP identity|no allowed email domains|no link flow", r.Reason, id)
			continue
		}
		assert.Equal(t, suites.Passed, r.Status, "%s: %s", id, r.Reason)
	}
}

// needsSCIMJit reports whether the check with this ID needs the SCIM
// oracle.
func needsSCIMJit(id string) bool {
	for _, c := range Checks() {
		if c.ID == id {
			return slices.Contains(c.Requires, suites.CapSAMLSCIM)
		}
	}
	return false
}

func TestAnotherCorrectSPPassesIdPInitiated(t *testing.T) {
	sp := newOtherSP(t, sharedIdP(t), false)
	sp.unsolicited = true
	env := sp.env(t)
	env.SP.LoginURL = ""
	env.Policy.IdPInitiated = "on"
	for id, r := range runAll(t, env) {
		assert.Contains(t, []suites.Status{suites.Passed, suites.Skipped}, r.Status, "%s: %s", id, r.Reason)
	}
}

func TestAnotherSPKeyedOnEmailIsCaught(t *testing.T) {
	sp := newOtherSP(t, sharedIdP(t), true)
	r := runAll(t, sp.env(t))["SAML-JIT-005"]
	require.Equal(t, suites.Failed, r.Status, r.Reason)
	assert.Contains(t, r.Reason, string(AcceptedAsVictim))
	assert.NotEmpty(t, r.Exchanges)
	var sawAssertion bool
	for _, ex := range r.Exchanges {
		sawAssertion = sawAssertion || strings.Contains(ex.RequestBody, "SAMLResponse (decoded") && strings.Contains(ex.RequestBody, "<saml:NameID")
		assert.NotContains(t, ex.RequestHeaders["Cookie"], "=", "cookies are redacted")
	}
	assert.True(t, sawAssertion, "the decoded assertion is part of the evidence")
}

func TestAnotherSPAcceptingEmptyNameIDsIsCaught(t *testing.T) {
	sp := newOtherSP(t, sharedIdP(t), false)
	sp.emptyNameID = true
	r := runAll(t, sp.env(t))["SAML-JIT-010"]
	require.Equal(t, suites.Failed, r.Status, r.Reason)
	assert.Contains(t, r.Reason, string(AcceptedAsOther))
}

func TestAnotherSPGrantingUnmappedRolesIsCaught(t *testing.T) {
	sp := newOtherSP(t, sharedIdP(t), false)
	sp.rawRoles = true
	r := runAll(t, sp.env(t))["SAML-JIT-022"]
	require.Equal(t, suites.Failed, r.Status, r.Reason)
	assert.Contains(t, r.Reason, "privilege escalation")
}

func TestRoleChecksSkipWithoutTheRolesContract(t *testing.T) {
	sp := newOtherSP(t, sharedIdP(t), false)
	for _, change := range []func(e *Env){
		func(e *Env) { e.SP.WhoamiGroups = "" },
		func(e *Env) { e.Policy.RoleAttr = "" },
		func(e *Env) { e.Policy.RoleMap = nil },
	} {
		env := sp.env(t)
		change(env)
		for _, id := range []string{"SAML-JIT-022", "SAML-JIT-023"} {
			for _, c := range Checks() {
				if c.ID == id {
					r := suites.RunOne(context.Background(), c, suites.Options{Env: env, Has: env.Has})
					assert.Equal(t, suites.Skipped, r.Status, id)
					assert.Regexp(t, "--sp-whoami-groups|--sp-role-attr", r.Reason, id)
				}
			}
		}
	}
}

func TestJSONStrings(t *testing.T) {
	var v any
	require.NoError(t, json.Unmarshal([]byte(`{"a":{"g":["x",{"name":"y"},{"value":"z"},{"display":"w"},3,{"other":1}]},"s":"str"}`), &v))
	assert.Equal(t, []string{"x", "y", "z", "w"}, jsonStrings(v, "a.g"))
	assert.Nil(t, jsonStrings(v, "s"))
	assert.Nil(t, jsonStrings(v, "missing.path"))
	require.NoError(t, json.Unmarshal([]byte(`{"g":[]}`), &v))
	assert.Equal(t, []string{}, jsonStrings(v, "g"))
}

func TestUnconfiguredEnvSkips(t *testing.T) {
	env := &Env{}
	for _, c := range Checks() {
		r := suites.RunOne(context.Background(), c, suites.Options{Env: env, Has: env.Has})
		assert.Equal(t, suites.Skipped, r.Status, c.ID)
		assert.Contains(t, r.Reason, "no SAML SP given")
	}
	for _, c := range Checks() {
		r := suites.RunOne(context.Background(), c, suites.Options{Env: env, Has: env.Has, Force: true})
		assert.Equal(t, suites.Skipped, r.Status, "forced without an SP: %s", c.ID)
	}
	env = &Env{SP: SP{ACSURL: "http://sp.test/acs", EntityID: "e", WhoamiURL: "http://sp.test/me"}, IdP: sharedIdP(&testing.T{}), Policy: Policy{JIT: false}}
	ok, why := env.Has(suites.CapJIT)
	assert.False(t, ok)
	assert.Contains(t, why, "--sp-jit off")
	ok, why = env.Has(suites.CapSAMLSCIM)
	assert.False(t, ok)
	assert.Contains(t, why, "--scim-url")
}

// TestBudgetCaseTimingOutIsADenialOfService: an SP that does not answer a
// case with a time budget before the harness gives up fails the check as a
// denial of service; it is not an unreachable SP (an error).
func TestBudgetCaseTimingOutIsADenialOfService(t *testing.T) {
	defer func(w time.Duration) { secBudgetWait = w }(secBudgetWait)
	secBudgetWait = 300 * time.Millisecond
	sp := newOtherSP(t, sharedIdP(t), false)
	sp.hangOnDeflate = true
	env := sp.env(t)
	for _, c := range SecChecks() {
		if c.ID != "SAML-SEC-X08" {
			continue
		}
		r := suites.RunOne(context.Background(), c, suites.Options{Env: env, Has: env.Has})
		assert.Equal(t, suites.Failed, r.Status, r.Reason)
		assert.Contains(t, r.Reason, "denial of service")
		assert.Contains(t, r.Reason, "did not answer")
		return
	}
	t.Fatal("no SAML-SEC-X08")
}
