package mockidp

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"html"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	saml2 "github.com/russellhaering/gosaml2"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testSSO = "https://idp.provcheck.test/sso"

func gosaml2SP() *saml2.SAMLServiceProvider {
	return &saml2.SAMLServiceProvider{
		IdentityProviderSSOURL:      testSSO,
		ServiceProviderIssuer:       testSP.EntityID,
		AssertionConsumerServiceURL: testSP.ACSURL,
		NameIdFormat:                NameIDPersistent,
		Clock:                       dsig.NewFakeClockAt(testNow),
	}
}

// formField reads a hidden field from gosaml2's POST form.
func formField(t *testing.T, page []byte, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindSubmatch(page)
	require.NotNil(t, m, "field %s in %s", name, page)
	return html.UnescapeString(string(m[1]))
}

func deflate(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.DefaultCompression)
	require.NoError(t, err)
	_, err = w.Write(b)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func TestParseAuthnRequestRedirectRoundTrip(t *testing.T) {
	sp := gosaml2SP()
	doc, err := sp.BuildAuthRequestDocumentNoSig()
	require.NoError(t, err)
	wantID := doc.Root().SelectAttrValue("ID", "")
	require.NotEmpty(t, wantID)
	u, err := sp.BuildAuthURLRedirect("state-123", doc)
	require.NoError(t, err)

	req, err := ParseAuthnRequestRedirect(u)
	require.NoError(t, err)
	assert.Equal(t, wantID, req.ID)
	assert.Equal(t, testSP.EntityID, req.Issuer)
	assert.Equal(t, testSP.ACSURL, req.ACSURL)
	assert.Equal(t, testSSO, req.Destination)
	assert.Equal(t, BindingPOST, req.ProtocolBinding)
	assert.Equal(t, testNow, req.IssueInstant)
	assert.Equal(t, "state-123", req.RelayState)
	assert.Equal(t, NameIDPersistent, req.NameIDFormat)
	assert.Equal(t, BindingRedirect, req.Binding)
	assert.False(t, req.Signed)
	assert.Contains(t, string(req.XML), wantID)

	// The same through an HTTP GET to the SSO endpoint.
	byHTTP, err := ParseAuthnRequest(httptest.NewRequest("GET", u, nil))
	require.NoError(t, err)
	assert.Equal(t, req, byHTTP)

	// A response answering it verifies.
	trusted, _ := testIdentities(t)
	spec := NewResponseSpec(trusted, SPInfo{EntityID: req.Issuer, ACSURL: req.ACSURL}, "N1", testNow)
	spec.SetInResponseTo(req.ID)
	b, err := Build(spec, DefaultSignOptions(trusted))
	require.NoError(t, err)
	info, err := VerifyBenign(b.XML, trusted, testSP, testNow)
	require.NoError(t, err)
	assert.Equal(t, req.ID, info.Assertions[0].Subject.SubjectConfirmation.SubjectConfirmationData.InResponseTo)
}

func TestParseAuthnRequestPostRoundTrip(t *testing.T) {
	sp := gosaml2SP()
	sp.ForceAuthn = true
	page, err := sp.BuildAuthBodyPost("state-456")
	require.NoError(t, err)
	form := url.Values{
		"SAMLRequest": {formField(t, page, "SAMLRequest")},
		"RelayState":  {formField(t, page, "RelayState")},
	}
	raw, err := base64.StdEncoding.DecodeString(form.Get("SAMLRequest"))
	require.NoError(t, err)
	wantID := regexp.MustCompile(`ID="([^"]+)"`).FindSubmatch(raw)
	require.NotNil(t, wantID)

	req, err := ParseAuthnRequestPost(form)
	require.NoError(t, err)
	assert.Equal(t, string(wantID[1]), req.ID)
	assert.Equal(t, testSP.EntityID, req.Issuer)
	assert.Equal(t, testSP.ACSURL, req.ACSURL)
	assert.Equal(t, testSSO, req.Destination)
	assert.Equal(t, BindingPOST, req.ProtocolBinding)
	assert.Equal(t, testNow, req.IssueInstant)
	assert.Equal(t, "state-456", req.RelayState)
	assert.True(t, req.ForceAuthn)
	assert.Equal(t, BindingPOST, req.Binding)

	r := httptest.NewRequest("POST", "/sso", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	byHTTP, err := ParseAuthnRequest(r)
	require.NoError(t, err)
	assert.Equal(t, req, byHTTP)
}

func TestParseAuthnRequestRejectsGarbage(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	good := []byte(`<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1" Version="2.0" IssueInstant="2026-11-25T12:00:00Z"/>`)
	redirect := func(v string) string { return "https://idp.test/sso?" + url.Values{"SAMLRequest": {v}}.Encode() }

	for name, tc := range map[string]struct {
		url, want string
	}{
		"bad URL":            {"://", "HTTP-Redirect"},
		"no SAMLRequest":     {"https://idp.test/sso?RelayState=x", "no SAMLRequest"},
		"not base64":         {redirect("%%%not base64%%%"), "not base64"},
		"not deflated":       {redirect(b64(good)), "not raw DEFLATE"},
		"deflated garbage":   {redirect(b64(deflate(t, []byte("hello, world")))), "not XML"},
		"other root":         {redirect(b64(deflate(t, []byte(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`)))), "want {urn:oasis:names:tc:SAML:2.0:protocol}AuthnRequest"},
		"unbound namespace":  {redirect(b64(deflate(t, []byte(`<AuthnRequest ID="_r" Version="2.0"/>`)))), "want {urn:oasis"},
		"no ID":              {redirect(b64(deflate(t, bytes.Replace(good, []byte(` ID="_r1"`), nil, 1)))), "no ID"},
		"SAML 1":             {redirect(b64(deflate(t, bytes.Replace(good, []byte(`"2.0"`), []byte(`"1.1"`), 1)))), `Version "1.1"`},
		"bad instant":        {redirect(b64(deflate(t, bytes.Replace(good, []byte("2026-11-25T12:00:00Z"), []byte("yesterday"), 1)))), "IssueInstant"},
		"DOCTYPE":            {redirect(b64(deflate(t, append([]byte(`<!DOCTYPE x [<!ENTITY e "x">]>`), good...)))), "DOCTYPE"},
		"inflates too large": {redirect(b64(deflate(t, bytes.Repeat([]byte(" "), maxAuthnRequest+10)))), "inflates beyond"},
		"truncated deflate":  {redirect(b64(deflate(t, good)[:10])), "not raw DEFLATE"},
	} {
		t.Run(name, func(t *testing.T) {
			var req *AuthnRequest
			var err error
			assert.NotPanics(t, func() { req, err = ParseAuthnRequestRedirect(tc.url) })
			assert.Nil(t, req)
			assert.ErrorContains(t, err, tc.want)
		})
	}

	// The well-formed request parses, padded or not.
	req, err := ParseAuthnRequestRedirect(redirect(strings.TrimRight(b64(deflate(t, good)), "=")))
	require.NoError(t, err)
	assert.Equal(t, "_r1", req.ID)
	assert.Equal(t, time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), req.IssueInstant)

	for name, form := range map[string]url.Values{
		"empty":    {},
		"garbage":  {"SAMLRequest": {"!!!"}},
		"deflated": {"SAMLRequest": {b64(deflate(t, good))}},
		"not XML":  {"SAMLRequest": {b64([]byte("<<<"))}},
	} {
		var err error
		assert.NotPanics(t, func() { _, err = ParseAuthnRequestPost(form) }, name)
		assert.Error(t, err, name)
		assert.ErrorContains(t, err, "AuthnRequest (HTTP-POST)", name)
	}
	req, err = ParseAuthnRequestPost(url.Values{"SAMLRequest": {b64(good)}})
	require.NoError(t, err)
	assert.Equal(t, "_r1", req.ID)

	_, err = ParseAuthnRequest(httptest.NewRequest("PUT", "/sso", nil))
	assert.ErrorContains(t, err, "method PUT")
}
