package saml

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
)

// TestSecTableIsLiteralAndConsistent: every check ID is literal, names its
// catalogue line (and the variant where the library builds several), and
// the checks are well formed.
func TestSecTableIsLiteralAndConsistent(t *testing.T) {
	checks := SecChecks()
	require.NoError(t, suites.Validate(checks))
	assert.Equal(t, len(secTable)+len(protoChecks())+len(secKeysTable)+len(secEncChecks()), len(checks))
	perLine := map[string]int{}
	for _, c := range secTable {
		perLine[c.attack(secDescribeParams).ID]++
	}
	seen := map[string]bool{}
	for i, c := range secTable {
		a := c.attack(secDescribeParams)
		assert.False(t, seen[a.Key()], "%s: case %s twice", c.id, a.Key())
		seen[a.Key()] = true
		want := "SAML-SEC-" + a.ID
		if perLine[a.ID] > 1 {
			want += "-" + strings.ToUpper(a.Variant)
		}
		assert.Equal(t, want, c.id, "the ID names the line and variant of %s", a.Key())
		ch := checks[i]
		assert.Equal(t, c.id, ch.ID)
		assert.Equal(t, []string{a.ID}, ch.Covers)
		assert.Contains(t, ch.Labels, "area:saml-security")
		assert.Contains(t, ch.Labels, suites.SAMLLabel)
		assert.Contains(t, []string{secCore, secExtended}, ch.Labels[2])
		assert.Equal(t, a.Should, ch.Level == suites.Should, c.id)
		if c.outcome == secControl {
			assert.Equal(t, suites.Example, ch.Kind)
		} else {
			assert.Equal(t, suites.Negative, ch.Kind)
		}
		assert.NotEmpty(t, a.References, c.id)
		assert.Contains(t, ch.Spec, "catalogue "+a.ID)
		usesCanary := strings.Contains(strings.Join(mutationNames(a), " "), "canary") || a.ID == "K09" || a.ID == "K10" || a.ID == "X04"
		assert.Equal(t, usesCanary, c.oob, "%s: oob flag", c.id)
	}
	// The IDs are literal in the source: one grep finds each check.
	src := readSecSource(t)
	for _, c := range secTable {
		assert.Contains(t, src, `id: "`+c.id+`"`)
	}
	// The lines the catalogue lets an SP accept as the honest principal.
	for _, c := range secTable {
		line := c.attack(secDescribeParams).ID
		honest := line == "S03" || line == "S21" || line == "S22" || line == "S23" || line == "S33" || line == "S34" || line == "X04" || line == "X05" || line == "K10"
		assert.Equal(t, honest, c.outcome == secHonest, c.id)
	}
}

func mutationNames(a mockidp.Attack) []string {
	var out []string
	for _, m := range a.Mutations {
		out = append(out, m.Name)
	}
	return out
}

var secSourceRE = regexp.MustCompile(`id: "SAML-SEC-[A-Z0-9-]+"`)

func readSecSource(t *testing.T) string {
	b, err := os.ReadFile("security.go")
	require.NoError(t, err)
	require.NotEmpty(t, secSourceRE.FindAllString(string(b), -1))
	return string(b)
}

// secNaiveSP is an SP written apart from the reference, with the classic
// vulnerabilities: it accepts a response without any signature, trusts the
// certificate in KeyInfo, accepts when any Assertion's signature verifies
// and reads the subject from the first NameID's first text node, and makes
// no time, audience or replay checks. IdP-initiated, JIT on, no SCIM.
type secNaiveSP struct {
	srv      *httptest.Server
	idp      *mockidp.Identity
	mu       sync.Mutex
	accounts map[string]string // NameID -> id
	mail     map[string]string // id -> email
	sessions map[string]string
}

func newSecNaiveSP(t *testing.T, idp *mockidp.Identity) *secNaiveSP {
	sp := &secNaiveSP{idp: idp, accounts: map[string]string{}, mail: map[string]string{}, sessions: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /sso/acs", sp.acs)
	mux.HandleFunc("GET /me", sp.me)
	sp.srv = httptest.NewServer(mux)
	t.Cleanup(sp.srv.Close)
	return sp
}

func (sp *secNaiveSP) acs(w http.ResponseWriter, r *http.Request) {
	raw, err := base64.StdEncoding.DecodeString(r.FormValue("SAMLResponse"))
	doc := etree.NewDocument()
	if err != nil || doc.ReadFromBytes(raw) != nil || doc.Root() == nil {
		http.Error(w, "bad response", http.StatusBadRequest)
		return
	}
	sigs := doc.Root().FindElements("//Signature")
	if len(sigs) > 0 {
		roots := []*x509.Certificate{sp.idp.Cert}
		for _, el := range doc.Root().FindElements("//X509Certificate") {
			if der, err := base64.StdEncoding.DecodeString(strings.TrimSpace(el.Text())); err == nil {
				if c, err := x509.ParseCertificate(der); err == nil {
					roots = append(roots, c)
				}
			}
		}
		vctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: roots})
		ok := false
		for _, s := range sigs {
			el := s.Parent()
			ctx, err := etreeutils.NSBuildParentContext(el)
			if err != nil {
				continue
			}
			if d, err := etreeutils.NSDetatch(ctx, el); err == nil {
				if _, err := vctx.Validate(d); err == nil {
					ok = true
				}
			}
		}
		if !ok {
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
	}
	id := doc.Root().FindElement("//NameID")
	if id == nil {
		http.Error(w, "no NameID", http.StatusForbidden)
		return
	}
	nameID := ""
	for _, tok := range id.Child {
		if cd, ok := tok.(*etree.CharData); ok {
			nameID = cd.Data
			break
		}
	}
	mail := ""
	if v := doc.Root().FindElement("//Attribute[@Name='email']/AttributeValue"); v != nil {
		mail = v.Text()
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	acct, ok := sp.accounts[nameID]
	if !ok {
		acct = "naive-" + nameID
		sp.accounts[nameID] = acct
		sp.mail[acct] = mail
	}
	tok := mockidp.NewID()
	sp.sessions[tok] = acct
	http.SetCookie(w, &http.Cookie{Name: "s", Value: tok, Path: "/"})
	http.Redirect(w, r, "/me", http.StatusFound)
}

// session is the account and email of the request's session.
func (sp *secNaiveSP) session(r *http.Request) (acct, mail string, ok bool) {
	c, err := r.Cookie("s")
	if err != nil {
		return "", "", false
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	acct, ok = sp.sessions[c.Value]
	return acct, sp.mail[acct], ok
}

func (sp *secNaiveSP) me(w http.ResponseWriter, r *http.Request) {
	acct, mail, ok := sp.session(r)
	if !ok {
		http.Error(w, "no session", http.StatusUnauthorized)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"id": acct, "email": mail})
}

func (sp *secNaiveSP) env() *Env {
	return &Env{SP: SP{ACSURL: sp.srv.URL + "/sso/acs", EntityID: "urn:naive-sp", WhoamiURL: sp.srv.URL + "/me"},
		IdP: sp.idp, Policy: Policy{JIT: true}, RunID: "pcsec0001"}
}

// TestSecNaiveSPIsCaught: an SP with the classic vulnerabilities, pointed
// at with only the contract, is caught, and each takeover reads as one.
func TestSecNaiveSPIsCaught(t *testing.T) {
	sp := newSecNaiveSP(t, sharedIdP(t))
	env := sp.env()
	want := map[string]string{
		"SAML-SEC-S01":          "",
		"SAML-SEC-S02-UNSIGNED": string(AcceptedAsExpected),
		"SAML-SEC-S09":          string(AcceptedAsVictim),
		"SAML-SEC-S21":          string(AcceptedAsVictim),
		"SAML-SEC-K02":          string(AcceptedAsVictim),
		"SAML-SEC-P01":          string(AcceptedAsExpected),
		"SAML-SEC-P14":          string(AcceptedAsExpected),
	}
	for _, c := range SecChecks() {
		verdict, ok := want[c.ID]
		if !ok {
			continue
		}
		r := suites.RunOne(context.Background(), c, suites.Options{Env: env, Has: env.Has})
		if verdict == "" {
			assert.Equal(t, suites.Passed, r.Status, "%s: %s", c.ID, r.Reason)
			continue
		}
		assert.Equal(t, suites.Failed, r.Status, "%s: %s", c.ID, r.Reason)
		assert.Contains(t, r.Reason, verdict, c.ID)
		if verdict == string(AcceptedAsVictim) {
			assert.Contains(t, r.Reason, "account takeover", c.ID)
		}
		var sawXML bool
		for _, ex := range r.Exchanges {
			sawXML = sawXML || strings.Contains(ex.RequestBody, "SAMLResponse (decoded XML") && strings.Contains(ex.RequestBody, "mutation trace:")
		}
		assert.True(t, sawXML, "%s: the evidence shows the XML sent and the trace", c.ID)
	}
}

// TestSecCanaryCatchesAFetch: an SP that fetches what the payload names is
// caught by the out-of-band canary even though it refuses the login.
func TestSecCanaryCatchesAFetch(t *testing.T) {
	var fetched sync.WaitGroup
	urlRE := regexp.MustCompile(`SYSTEM "(http://127\.0\.0\.1:\d+/oob/[^"]+)"`)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /acs", func(w http.ResponseWriter, r *http.Request) {
		raw, _ := base64.StdEncoding.DecodeString(r.FormValue("SAMLResponse"))
		if m := urlRE.FindSubmatch(raw); m != nil {
			fetched.Add(1)
			if resp, err := http.Get(string(m[1])); err == nil {
				resp.Body.Close()
			}
			fetched.Done()
		}
		http.Error(w, "refused", http.StatusForbidden)
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no session", http.StatusUnauthorized) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	env := &Env{SP: SP{ACSURL: srv.URL + "/acs", EntityID: "urn:fetching-sp", WhoamiURL: srv.URL + "/me"},
		IdP: sharedIdP(t), Policy: Policy{JIT: false}, RunID: "pcsec0002"}
	for _, c := range SecChecks() {
		if c.ID != "SAML-SEC-X02-PARAMETER" {
			continue
		}
		r := suites.RunOne(context.Background(), c, suites.Options{Env: env, Has: env.Has})
		fetched.Wait()
		assert.Equal(t, suites.Failed, r.Status, r.Reason)
		assert.Contains(t, r.Reason, "the SP fetched an external entity")
		assert.Contains(t, r.Reason, string(RejectedClean), "refused, and still a finding")
	}
}

// TestSecCatalogueLinesAccountedFor: every S, K, P, X and E line of the
// catalogue's SAML part is covered by a SAML-SEC check or has a reason in
// SecUncovered, never both, never neither.
func TestSecCatalogueLinesAccountedFor(t *testing.T) {
	b, err := os.ReadFile("../../fixtures/catalogue/CATALOGUE.md")
	require.NoError(t, err)
	_, part2, ok := strings.Cut(string(b), "## Part 2")
	require.True(t, ok)
	covered := map[string]bool{}
	for _, c := range SecChecks() {
		for _, l := range c.Covers {
			covered[l] = true
		}
	}
	lineRE := regexp.MustCompile(`(?m)^\| ([SKPXE]\d\d) \|`)
	var lines []string
	for _, m := range lineRE.FindAllStringSubmatch(part2, -1) {
		lines = append(lines, m[1])
	}
	require.Len(t, lines, 34+12+23+9+8)
	for _, l := range lines {
		_, waived := SecUncovered[l]
		assert.True(t, covered[l] || waived, "%s is neither covered nor in SecUncovered", l)
		assert.False(t, covered[l] && waived, "%s is covered; remove it from SecUncovered", l)
	}
	assert.Len(t, SecUncovered, len(lines)-len(covered))
}

// TestSecVictimIs: V is recognised by whoami's id after a JIT login, by the
// SCIM account otherwise, and by V's identifiers only when neither can
// compare.
func TestSecVictimIs(t *testing.T) {
	p := Person{NameID: "v-nid", Email: "v@x.test"}
	jit := secVictim{p: p, principal: &Principal{ID: "7"}}
	assert.True(t, jit.is(Principal{ID: "7"}))
	assert.False(t, jit.is(Principal{ID: "8", Email: "v@x.test"}), "another account with V's email is not V")
	scim := secVictim{p: p, account: &Account{ID: "a1", UserName: "v@x.test", Emails: []string{"v@x.test"}}}
	assert.True(t, scim.is(Principal{ID: "a1"}))
	assert.True(t, scim.is(Principal{ID: "app-9", UserName: "V@x.test"}))
	assert.False(t, scim.is(Principal{ID: "app-9", UserName: "other"}))
	none := secVictim{p: p}
	assert.True(t, none.is(Principal{ID: "z", UserName: "v-nid"}))
	assert.False(t, none.is(Principal{ID: "z", UserName: "v-nid.attacker.test"}))
	assert.Equal(t, "", none.id())
}
