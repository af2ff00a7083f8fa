package mockidp

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/beevik/etree"
)

// PostForm returns the form fields of the HTTP-POST binding (SAML Bindings
// §3.5): SAMLResponse, the base64 of the response, and RelayState when not
// empty.
func PostForm(xml []byte, relayState string) url.Values {
	form := url.Values{"SAMLResponse": {base64.StdEncoding.EncodeToString(xml)}}
	if relayState != "" {
		form.Set("RelayState", relayState)
	}
	return form
}

var postPage = template.Must(template.New("post").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>provcheck mock IdP</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="{{.Action}}">
{{- range .Fields}}
<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{- end}}
<noscript><button type="submit">Continue</button></noscript>
</form>
</body></html>
`))

// PostPage returns the HTML page of the HTTP-POST binding: a form that
// posts the fields of form (in name order) to acsURL and submits itself on
// load. html/template escapes every value.
func PostPage(acsURL string, form url.Values) []byte {
	type field struct{ Name, Value string }
	var fields []field
	for _, name := range slices.Sorted(maps.Keys(form)) {
		for _, v := range form[name] {
			fields = append(fields, field{name, v})
		}
	}
	var buf bytes.Buffer
	if err := postPage.Execute(&buf, struct {
		Action string
		Fields []field
	}{acsURL, fields}); err != nil {
		// Unreachable: a fixed template over strings, written to memory.
		panic(fmt.Sprintf("mockidp: post page: %v", err))
	}
	return buf.Bytes()
}

// AuthnRequest is what the mock IdP reads from an SP's samlp:AuthnRequest
// (SAML Core §3.4.1). The signature of a signed request is noted, not
// verified.
type AuthnRequest struct {
	// ID is the request ID, which the response's InResponseTo must echo.
	ID string
	// Issuer is the SP's entity ID.
	Issuer string
	// ACSURL is the AssertionConsumerServiceURL the SP asked for, if any.
	ACSURL string
	// Destination is the IdP URL the SP addressed.
	Destination string
	// ProtocolBinding is the binding the SP wants the response by.
	ProtocolBinding string
	// IssueInstant is when the SP issued the request.
	IssueInstant time.Time
	// RelayState is the RelayState sent with the request.
	RelayState string
	// NameIDFormat is the Format of the NameIDPolicy, if any.
	NameIDFormat string
	// ForceAuthn and IsPassive are the request's flags.
	ForceAuthn, IsPassive bool
	// Binding is the binding the request came by: BindingRedirect or
	// BindingPOST.
	Binding string
	// Signed says the request carried a signature (an enveloped
	// ds:Signature, or Signature and SigAlg query parameters).
	Signed bool
	// XML is the decoded request.
	XML []byte
}

// maxAuthnRequest bounds the decoded and inflated size of an AuthnRequest.
const maxAuthnRequest = 256 << 10

// ParseAuthnRequest reads an AuthnRequest from an HTTP request to the IdP's
// SSO endpoint: a GET carries it by the HTTP-Redirect binding, a POST by the
// HTTP-POST binding.
func ParseAuthnRequest(r *http.Request) (*AuthnRequest, error) {
	switch r.Method {
	case http.MethodGet:
		return parseRedirect(r.URL.Query())
	case http.MethodPost:
		r.Body = http.MaxBytesReader(nil, r.Body, 2*maxAuthnRequest)
		if err := r.ParseForm(); err != nil {
			return nil, fmt.Errorf("AuthnRequest (HTTP-POST): read form: %w", err)
		}
		return ParseAuthnRequestPost(r.PostForm)
	}
	return nil, fmt.Errorf("AuthnRequest: method %s, want GET (HTTP-Redirect) or POST (HTTP-POST)", r.Method)
}

// ParseAuthnRequestRedirect reads an AuthnRequest from a URL of the
// HTTP-Redirect binding (SAML Bindings §3.4): the SAMLRequest query
// parameter holds the request, raw DEFLATE compressed, then base64 encoded.
func ParseAuthnRequestRedirect(rawURL string) (*AuthnRequest, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("AuthnRequest (HTTP-Redirect): %w", err)
	}
	return parseRedirect(u.Query())
}

func parseRedirect(q url.Values) (*AuthnRequest, error) {
	const where = "AuthnRequest (HTTP-Redirect)"
	raw, err := decodeParam(q, where)
	if err != nil {
		return nil, err
	}
	inflated, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw)), maxAuthnRequest+1))
	if err != nil {
		return nil, fmt.Errorf("%s: SAMLRequest is not raw DEFLATE data (SAML Bindings §3.4.4.1): %w", where, err)
	}
	if len(inflated) > maxAuthnRequest {
		return nil, fmt.Errorf("%s: SAMLRequest inflates beyond %d bytes", where, maxAuthnRequest)
	}
	req, err := parseAuthnRequestXML(inflated, where)
	if err != nil {
		return nil, err
	}
	req.Binding = BindingRedirect
	req.RelayState = q.Get("RelayState")
	req.Signed = req.Signed || (q.Get("Signature") != "" && q.Get("SigAlg") != "")
	return req, nil
}

// ParseAuthnRequestPost reads an AuthnRequest from the form fields of the
// HTTP-POST binding (SAML Bindings §3.5): SAMLRequest is base64 encoded,
// not compressed.
func ParseAuthnRequestPost(form url.Values) (*AuthnRequest, error) {
	const where = "AuthnRequest (HTTP-POST)"
	raw, err := decodeParam(form, where)
	if err != nil {
		return nil, err
	}
	req, err := parseAuthnRequestXML(raw, where)
	if err != nil {
		return nil, err
	}
	req.Binding = BindingPOST
	req.RelayState = form.Get("RelayState")
	return req, nil
}

// decodeParam base64-decodes SAMLRequest, tolerating line breaks and a
// missing padding, as SPs send both.
func decodeParam(v url.Values, where string) ([]byte, error) {
	s := v.Get("SAMLRequest")
	if s == "" {
		return nil, fmt.Errorf("%s: no SAMLRequest parameter", where)
	}
	if len(s) > 2*maxAuthnRequest {
		return nil, fmt.Errorf("%s: SAMLRequest is longer than %d bytes", where, 2*maxAuthnRequest)
	}
	s = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: SAMLRequest is not base64: %w", where, err)
	}
	return b, nil
}

func parseAuthnRequestXML(b []byte, where string) (*AuthnRequest, error) {
	if bytes.Contains(b, []byte("<!DOCTYPE")) {
		return nil, fmt.Errorf("%s: the request carries a DOCTYPE, which SAML forbids (SAML Core §1.3)", where)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(b); err != nil {
		return nil, fmt.Errorf("%s: not XML: %w", where, err)
	}
	root := doc.Root()
	if root == nil {
		return nil, fmt.Errorf("%s: not XML: no root element", where)
	}
	if root.Tag != "AuthnRequest" || root.NamespaceURI() != nsProtocol {
		return nil, fmt.Errorf("%s: root element is {%s}%s, want {%s}AuthnRequest", where, root.NamespaceURI(), root.Tag, nsProtocol)
	}
	req := &AuthnRequest{
		ID:              root.SelectAttrValue("ID", ""),
		ACSURL:          root.SelectAttrValue("AssertionConsumerServiceURL", ""),
		Destination:     root.SelectAttrValue("Destination", ""),
		ProtocolBinding: root.SelectAttrValue("ProtocolBinding", ""),
		ForceAuthn:      root.SelectAttrValue("ForceAuthn", "") == "true" || root.SelectAttrValue("ForceAuthn", "") == "1",
		IsPassive:       root.SelectAttrValue("IsPassive", "") == "true" || root.SelectAttrValue("IsPassive", "") == "1",
		XML:             b,
	}
	if req.ID == "" {
		return nil, fmt.Errorf("%s: the request has no ID", where)
	}
	if v := root.SelectAttrValue("Version", ""); v != "2.0" {
		return nil, fmt.Errorf("%s: Version %q, want 2.0", where, v)
	}
	if s := root.SelectAttrValue("IssueInstant", ""); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, fmt.Errorf("%s: IssueInstant %q is not an xs:dateTime: %w", where, s, err)
		}
		req.IssueInstant = t
	}
	for _, c := range root.ChildElements() {
		switch {
		case c.Tag == "Issuer" && c.NamespaceURI() == nsAssertion:
			req.Issuer = strings.TrimSpace(c.Text())
		case c.Tag == "NameIDPolicy" && c.NamespaceURI() == nsProtocol:
			req.NameIDFormat = c.SelectAttrValue("Format", "")
		case c.Tag == "Signature" && c.NamespaceURI() == nsDSig:
			req.Signed = true
		}
	}
	return req, nil
}
