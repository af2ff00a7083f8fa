package reftarget

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The probe of the linking fault joins faultProbes: an unsolicited
// response posted in a signed-in browser does not link its identity to
// the session's account.
func init() {
	faultProbes[FaultLinkUnsolicited] = func(c *client) bool {
		trustTestIdP(c.t, c.s)
		a, _ := login(c.t, c.s, "p-link-a")
		owner := a.whoamiID()
		linkPost(a, signedResponse(c.t, assertion{nameID: "p-link-n2"}))
		later, _ := login(c.t, c.s, "p-link-n2")
		return owner != "" && later.whoamiID() != "" && later.whoamiID() != owner
	}
}

// linkStart asks the link URL in b (with b's session) and returns the
// status and, on a redirect, the AuthnRequest ID; b keeps its cookie.
func linkStart(t *testing.T, b *browser) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, testHost+SPPath+"/link", nil)
	if b.session != "" {
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: b.session})
	}
	rec := httptest.NewRecorder()
	b.s.ServeHTTP(rec, req)
	if rec.Code != http.StatusFound {
		return rec.Code, ""
	}
	return rec.Code, linkRequestOf(t, b, rec)
}

// linkRequestOf reads the AuthnRequest ID of a redirect to the IdP (of
// /login or /link); b keeps the cookie that binds the request to it.
func linkRequestOf(t testing.TB, b *browser, rec *httptest.ResponseRecorder) string {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == SecAuthnRequestCookie {
			b.authn = c.Value
		}
	}
	loc, err := url.Parse(rec.Header().Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "idp.test", loc.Host)
	raw, err := base64.StdEncoding.DecodeString(loc.Query().Get("SAMLRequest"))
	require.NoError(t, err)
	xml, err := io.ReadAll(flate.NewReader(bytes.NewReader(raw)))
	require.NoError(t, err)
	m := samlRequestID.FindSubmatch(xml)
	require.NotNil(t, m, "AuthnRequest: %s", xml)
	return string(m[1])
}

// linkPost posts a response in b with its session and AuthnRequest
// cookies and returns the ACS status.
func linkPost(b *browser, encoded string) int {
	return b.postForm(url.Values{"SAMLResponse": {encoded}}, true).Code
}

func TestLinkFlowLinksToTheSession(t *testing.T) {
	s := newSP(t, Options{})
	b, _ := login(t, s, "link-owner", AttrEmail, "owner@example.com")
	owner := b.whoamiID()
	require.NotEmpty(t, owner)
	code, id := linkStart(t, b)
	require.Equal(t, http.StatusFound, code)
	n := userCount(s)
	assert.Equal(t, http.StatusSeeOther, linkPost(b, signedResponse(t, assertion{nameID: "link-second", inResponseTo: id})))
	assert.Equal(t, n, userCount(s), "linking creates no account")
	later, _ := login(t, s, "link-second")
	assert.Equal(t, owner, later.whoamiID(), "the linked identity signs in to the owner's account")
}

func TestLinkNeedsTheStartingSession(t *testing.T) {
	s := newSP(t, Options{})
	code, _ := linkStart(t, newBrowser(t, s))
	assert.Equal(t, http.StatusUnauthorized, code, "no link flow without a session")

	a, _ := login(t, s, "link-a")
	m, _ := login(t, s, "link-m")
	_, id := linkStart(t, m)
	// A's browser carries the attacker's AuthnRequest cookie too: only the
	// session binding refuses the answer.
	a.authn = m.authn
	assert.Equal(t, http.StatusForbidden, linkPost(a, signedResponse(t, assertion{nameID: "link-foreign", inResponseTo: id})))
	later, _ := login(t, s, "link-foreign")
	assert.NotEqual(t, a.whoamiID(), later.whoamiID())
	assert.NotEqual(t, m.whoamiID(), later.whoamiID())
}

func TestLinkUnsolicitedFault(t *testing.T) {
	for _, faulty := range []bool{false, true} {
		opts := Options{}
		if faulty {
			opts.Faults = []Fault{FaultLinkUnsolicited}
		}
		s := newSP(t, opts)
		a, _ := login(t, s, "unsolicited-a")
		owner := a.whoamiID()
		linkPost(a, signedResponse(t, assertion{nameID: "unsolicited-n2"}))
		later, _ := login(t, s, "unsolicited-n2")
		assert.Equal(t, faulty, later.whoamiID() == owner, "fault %v", faulty)
	}
}

func TestAcctListing(t *testing.T) {
	s := newSP(t, Options{Token: "listing-token"})
	for _, n := range []string{"acct-1", "acct-2", "acct-3"} {
		login(t, s, n, AttrEmail, n+"@example.com")
	}
	get := func(path, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, testHost+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	assert.Equal(t, http.StatusUnauthorized, get(SPPath+"/accounts", "").Code)
	assert.Equal(t, http.StatusUnauthorized, get(SPPath+"/accounts", "wrong").Code)
	var names []string
	next := SPPath + "/accounts?count=2"
	for pages := 0; next != ""; pages++ {
		require.Less(t, pages, 5)
		rec := get(next, "listing-token")
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var page struct {
			Users []struct {
				ID, UserName, Email string
				Active              bool
			}
			TotalResults int
			Next         string
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
		assert.Equal(t, 3, page.TotalResults)
		for _, u := range page.Users {
			assert.NotEmpty(t, u.ID)
			assert.True(t, u.Active)
			assert.Equal(t, u.UserName+"@example.com", u.Email)
			names = append(names, u.UserName)
		}
		next = page.Next
	}
	assert.Equal(t, []string{"acct-1", "acct-2", "acct-3"}, names)
	assert.Equal(t, http.StatusBadRequest, get(SPPath+"/accounts?count=0", "listing-token").Code)
}
