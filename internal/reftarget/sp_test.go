package reftarget

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newSP(t *testing.T, opts Options) *Server {
	t.Helper()
	s := New(opts)
	trustTestIdP(t, s)
	return s
}

func TestSPMetadata(t *testing.T) {
	s := newSP(t, Options{})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, testHost+SPPath+"/metadata", nil))
	require.Equal(t, 200, rec.Code)
	assert.Contains(t, rec.Body.String(), `entityID="`+testSPEntityID+`"`)
	assert.Contains(t, rec.Body.String(), `Location="`+testACS+`"`)
}

func TestSPJITFirstAndLaterLogins(t *testing.T) {
	s := newSP(t, Options{})
	b, code := login(t, s, "n1-opaque", AttrEmail, "n1@example.com", AttrGivenName, "Ada", AttrSurname, "Lovelace")
	require.Equal(t, http.StatusSeeOther, code)
	who, _ := b.whoami()
	require.NotNil(t, who)
	assert.Equal(t, "n1@example.com", who["email"])
	assert.Equal(t, "n1-opaque", who["externalId"])
	assert.Equal(t, true, who["active"])
	assert.Equal(t, 1, userCount(s))
	c := &client{t: t, s: s, token: s.Token()}
	u := c.do("GET", "/Users/"+who["id"].(string), nil).must(t, 200)
	assert.Equal(t, "Ada", u.str("name.givenName"))
	assert.Equal(t, "Lovelace", u.str("name.familyName"))

	for range 3 {
		b2, code := login(t, s, "n1-opaque", AttrEmail, "n1@example.com")
		require.Equal(t, http.StatusSeeOther, code)
		assert.Equal(t, who["id"], b2.whoamiID())
	}
	assert.Equal(t, 1, userCount(s))

	// Sync on: a changed email is written to the same account.
	b3, _ := login(t, s, "n1-opaque", AttrEmail, "new@example.com")
	w3, _ := b3.whoami()
	assert.Equal(t, who["id"], w3["id"])
	assert.Equal(t, "new@example.com", w3["email"])
}

func TestSPNoSyncPolicy(t *testing.T) {
	pol := DefaultSPPolicy()
	pol.SyncOnLogin = false
	s := newSP(t, Options{SPPolicy: &pol})
	b, _ := login(t, s, "n-nosync", AttrEmail, "a@example.com")
	id := b.whoamiID()
	b2, _ := login(t, s, "n-nosync", AttrEmail, "b@example.com")
	w, _ := b2.whoami()
	assert.Equal(t, id, w["id"])
	assert.Equal(t, "a@example.com", w["email"], "create-only attributes")
}

func TestSPEmailNeverKeys(t *testing.T) {
	s := newSP(t, Options{})
	victim, _ := login(t, s, "victim", AttrEmail, "v@example.com")
	attacker, _ := login(t, s, "attacker", AttrEmail, "a@example.com")
	again, _ := login(t, s, "attacker", AttrEmail, "v@example.com")
	assert.Equal(t, attacker.whoamiID(), again.whoamiID())
	assert.NotEqual(t, victim.whoamiID(), again.whoamiID())
	who, _ := again.whoami()
	assert.Equal(t, "a@example.com", who["email"], "sync does not take another account's email")

	// A new NameID with an email another account holds gets no account.
	n := userCount(s)
	b, code := login(t, s, "newcomer", AttrEmail, "V@example.com")
	assert.Equal(t, http.StatusForbidden, code)
	assert.Empty(t, b.session)
	assert.Equal(t, n, userCount(s))
}

func TestSPConcurrentFirstLogins(t *testing.T) {
	s := newSP(t, Options{})
	var wg sync.WaitGroup
	ids := make([]string, 12)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, code := login(t, s, "racer", AttrEmail, "r@example.com")
			if code == http.StatusSeeOther {
				ids[i] = b.whoamiID()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, userCount(s))
	for _, id := range ids {
		assert.Equal(t, ids[0], id)
	}
}

func TestSPRefusals(t *testing.T) {
	s := newSP(t, Options{})
	enc := signedResponse(t, assertion{nameID: "replayed"})
	b := newBrowser(t, s)
	require.Equal(t, http.StatusSeeOther, b.post(enc).Code)
	before := userCount(s)
	for name, enc := range map[string]string{
		"replay":          enc,
		"unsigned":        signedResponse(t, assertion{nameID: "u1", unsigned: true}),
		"wrong audience":  signedResponse(t, assertion{nameID: "u2", audience: "https://other-sp.test"}),
		"expired":         signedResponse(t, assertion{nameID: "u3", notBefore: time.Now().Add(-time.Hour)}),
		"unknown request": signedResponse(t, assertion{nameID: "u4", inResponseTo: "_never-asked"}),
		"not base64":      "%%%",
	} {
		t.Run(name, func(t *testing.T) {
			b := newBrowser(t, s)
			rec := b.post(enc)
			assert.Contains(t, []int{400, 403}, rec.Code, rec.Body.String())
			assert.Empty(t, b.session)
			assert.Equal(t, before, userCount(s), "no account created")
		})
	}
}

func TestSPWhoamiWithoutSession(t *testing.T) {
	s := newSP(t, Options{})
	_, code := newBrowser(t, s).whoami()
	assert.Equal(t, http.StatusUnauthorized, code)
	b := newBrowser(t, s)
	b.session = "forged"
	_, code = b.whoami()
	assert.Equal(t, http.StatusUnauthorized, code)
}

func TestSPWithoutIdP(t *testing.T) {
	s := New(Options{})
	b := newBrowser(t, s)
	assert.Equal(t, http.StatusServiceUnavailable, b.post(signedResponse(t, assertion{nameID: "x"})).Code)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, testHost+SPPath+"/login", nil))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
}

var samlRequestID = regexp.MustCompile(`ID="([^"]+)"`)

// spLogin starts an SP-initiated login in b and returns the AuthnRequest
// ID; b keeps the cookie that binds the request to it.
func spLogin(t testing.TB, b *browser) string {
	t.Helper()
	rec := httptest.NewRecorder()
	b.s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, testHost+SPPath+"/login", nil))
	require.Equal(t, http.StatusFound, rec.Code)
	return linkRequestOf(t, b, rec)
}

func TestSPInitiated(t *testing.T) {
	pol := DefaultSPPolicy()
	pol.AllowIdPInitiated = false
	s := newSP(t, Options{SPPolicy: &pol})
	b := newBrowser(t, s)
	id := spLogin(t, b)
	enc := signedResponse(t, assertion{nameID: "sp-init", inResponseTo: id})
	require.Equal(t, http.StatusSeeOther, b.post(enc).Code)
	assert.NotEmpty(t, b.whoamiID())
	// The request ID is answered once only.
	again := signedResponse(t, assertion{nameID: "sp-init", inResponseTo: id})
	assert.Equal(t, http.StatusForbidden, newBrowser(t, s).post(again).Code)
	// Unsolicited responses are refused before any account is created.
	n := userCount(s)
	assert.Equal(t, http.StatusForbidden, newBrowser(t, s).post(signedResponse(t, assertion{nameID: "unsolicited"})).Code)
	assert.Equal(t, n, userCount(s))
}

func TestSPJITOff(t *testing.T) {
	pol := DefaultSPPolicy()
	pol.JITCreate = false
	s := newSP(t, Options{SPPolicy: &pol})
	_, code := login(t, s, "unknown")
	assert.Equal(t, http.StatusForbidden, code)
	assert.Equal(t, 0, userCount(s))
}

func TestSPSCIMCoexistence(t *testing.T) {
	s := newSP(t, Options{})
	c := &client{t: t, s: s, token: s.Token()}
	u := c.do("POST", "/Users", user("scim-user", "externalId", "n-scim", "active", true)).must(t, 201)
	b, code := login(t, s, "n-scim", AttrEmail, "s@example.com")
	require.Equal(t, http.StatusSeeOther, code)
	assert.Equal(t, u.str("id"), b.whoamiID(), "linked by externalId")
	assert.Equal(t, 1, userCount(s))

	c.do("PATCH", "/Users/"+u.str("id"), map[string]any{"schemas": []any{uriPatchOp},
		"Operations": []any{map[string]any{"op": "replace", "path": "active", "value": false}}}).must(t, 200)
	b2, code := login(t, s, "n-scim", AttrEmail, "s@example.com")
	assert.Equal(t, http.StatusForbidden, code)
	assert.Empty(t, b2.session)
	assert.Equal(t, 1, userCount(s))
	assert.Equal(t, false, c.do("GET", "/Users/"+u.str("id"), nil).get("active"))
	// The old session ends with the account's deletion.
	c.do("DELETE", "/Users/"+u.str("id"), nil).must(t, 204)
	_, code = b.whoami()
	assert.Equal(t, http.StatusUnauthorized, code)
}
