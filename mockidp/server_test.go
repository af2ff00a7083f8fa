package mockidp

import (
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	saml2 "github.com/russellhaering/gosaml2"
	"github.com/russellhaering/gosaml2/types"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServerSPInitiatedLogin(t *testing.T) {
	trusted, _ := testIdentities(t)
	srv := &Server{Identity: trusted, Now: func() time.Time { return testNow }}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	srv.BaseURL = hs.URL
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	// The metadata names the SSO endpoint and the signing certificate.
	r, err := noRedirect.Get(hs.URL + "/metadata")
	require.NoError(t, err)
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	require.Equal(t, 200, r.StatusCode)
	var md types.EntityDescriptor
	require.NoError(t, xml.Unmarshal(body, &md))
	assert.Equal(t, trusted.EntityID, md.EntityID)
	assert.Contains(t, string(body), hs.URL+"/sso")

	// An SP (gosaml2) sends an AuthnRequest by the Redirect binding.
	sp := &saml2.SAMLServiceProvider{
		IdentityProviderSSOURL: hs.URL + "/sso", ServiceProviderIssuer: testSP.EntityID,
		AssertionConsumerServiceURL: testSP.ACSURL, NameIdFormat: NameIDPersistent, Clock: dsig.NewFakeClockAt(testNow),
	}
	doc, err := sp.BuildAuthRequestDocumentNoSig()
	require.NoError(t, err)
	reqID := doc.Root().SelectAttrValue("ID", "")
	u, err := sp.BuildAuthURLRedirect("relay-7", doc)
	require.NoError(t, err)
	r, err = noRedirect.Get(u)
	require.NoError(t, err)
	page, _ := io.ReadAll(r.Body)
	r.Body.Close()
	require.Equal(t, 200, r.StatusCode, string(page))
	assert.Equal(t, reqID, formField(t, page, "request"))
	assert.Equal(t, testSP.ACSURL, formField(t, page, "acs"))

	// The person chosen in the form gets a signed response for the SP.
	form := url.Values{"request": {reqID}, "sp": {testSP.EntityID}, "acs": {testSP.ACSURL},
		"RelayState": {"relay-7"}, "nameid": {"N-abc"}, "email": {"n@corp.test"}}
	r, err = noRedirect.PostForm(hs.URL+"/sso/login", form)
	require.NoError(t, err)
	page, _ = io.ReadAll(r.Body)
	r.Body.Close()
	require.Equal(t, 200, r.StatusCode, string(page))
	assert.Contains(t, string(page), `action="`+testSP.ACSURL+`"`)
	assert.Equal(t, "relay-7", formField(t, page, "RelayState"))
	resp, err := base64.StdEncoding.DecodeString(formField(t, page, "SAMLResponse"))
	require.NoError(t, err)
	info, err := VerifyBenign(resp, trusted, testSP, testNow)
	require.NoError(t, err)
	assert.Equal(t, "N-abc", info.NameID)
	assert.Equal(t, "n@corp.test", info.Values.Get("email"))
	assert.Contains(t, string(resp), `InResponseTo="`+reqID+`"`)

	// Bad input is a clear 400, never a panic.
	for _, bad := range []string{"/sso", "/sso?SAMLRequest=%%%"} {
		r, err = noRedirect.Get(hs.URL + bad)
		require.NoError(t, err)
		msg, _ := io.ReadAll(r.Body)
		r.Body.Close()
		assert.Equal(t, 400, r.StatusCode, bad)
		assert.True(t, strings.HasPrefix(string(msg), "mock IdP: "), string(msg))
	}
	r, err = noRedirect.PostForm(hs.URL+"/sso/login", url.Values{"nameid": {"x"}, "sp": {"s"}, "acs": {"javascript:alert(1)"}})
	require.NoError(t, err)
	r.Body.Close()
	assert.Equal(t, 400, r.StatusCode, "only http(s) ACS URLs")
	assert.Contains(t, srv.Describe(), trusted.Fingerprint())
}
