package mockidp

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Server is the mock IdP as a web application, for an administrator who
// registers it with a staging SP and logs in through it by hand:
//
//   - GET  /metadata  the IdP metadata (entity ID, SSO endpoints, certificate);
//   - GET|POST /sso   an AuthnRequest (HTTP-Redirect or HTTP-POST binding)
//     answered with a form to choose who logs in;
//   - POST /sso/login the signed Response, posted to the SP's ACS by the
//     browser (HTTP-POST binding).
//
// The SP's ACS URL comes from the AuthnRequest, or from ACSURL when the
// request names none; a request for another ACS host is refused unless it
// is in AllowedACSHosts (or AllowedACSHosts is empty and ACSURL is too).
type Server struct {
	Identity *Identity
	// BaseURL is where the server is reached, without a trailing slash.
	BaseURL string
	// ACSURL and SPEntityID are used when an AuthnRequest names no ACS,
	// and for IdP-initiated logins (GET /sso/login?...).
	ACSURL, SPEntityID string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// KeysMore are further signing identities of the same IdP whose
	// certificates the metadata lists after Identity's (a rollover
	// certificate; see MetadataKeys). Responses are signed with Identity.
	KeysMore []*Identity
}

// ServeHTTP routes the IdP's endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/metadata":
		md, err := s.Identity.MetadataKeys(s.BaseURL+"/sso", s.KeysMore...)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/samlmetadata+xml")
		_, _ = w.Write(md)
	case "/sso":
		s.serveSSO(w, r)
	case "/sso/login":
		s.serveLogin(w, r)
	default:
		http.NotFound(w, r)
	}
}

var chooseTemplate = template.Must(template.New("choose").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>provcheck mock IdP</title></head>
<body>
<h1>provcheck mock IdP</h1>
<p>{{.SP}} asks who logs in{{with .ID}} (request {{.}}){{end}}.</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="request" value="{{.ID}}">
<input type="hidden" name="sp" value="{{.SP}}">
<input type="hidden" name="acs" value="{{.ACS}}">
<input type="hidden" name="RelayState" value="{{.RelayState}}">
<p><label>NameID (persistent) <input name="nameid" value="{{.NameID}}" required></label></p>
<p><label>email <input name="email" value="{{.Email}}"></label></p>
<p><label>given name <input name="givenName" value="Ada"></label></p>
<p><label>surname <input name="sn" value="Lovelace"></label></p>
<p><button type="submit">Log in</button></p>
</form>
</body></html>
`))

func (s *Server) serveSSO(w http.ResponseWriter, r *http.Request) {
	req, err := ParseAuthnRequest(r)
	if err != nil {
		http.Error(w, "mock IdP: "+err.Error(), http.StatusBadRequest)
		return
	}
	acs := req.ACSURL
	if acs == "" {
		acs = s.ACSURL
	}
	if acs == "" {
		http.Error(w, "mock IdP: the AuthnRequest names no AssertionConsumerServiceURL and none is configured", http.StatusBadRequest)
		return
	}
	nameID := "pc-" + NewID()[1:13]
	var buf bytes.Buffer
	err = chooseTemplate.Execute(&buf, map[string]string{
		"Action": s.BaseURL + "/sso/login", "ID": req.ID, "SP": req.Issuer, "ACS": acs,
		"RelayState": req.RelayState, "NameID": nameID, "Email": nameID + "@example.com",
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

// serveLogin issues the signed Response for the person chosen, verified
// with gosaml2 before it leaves (VerifyBenign), as an auto-posting form.
func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "mock IdP: "+err.Error(), http.StatusBadRequest)
		return
	}
	f := r.Form
	sp := SPInfo{EntityID: orDefault(f.Get("sp"), s.SPEntityID), ACSURL: orDefault(f.Get("acs"), s.ACSURL)}
	if sp.EntityID == "" || sp.ACSURL == "" || strings.TrimSpace(f.Get("nameid")) == "" {
		http.Error(w, "mock IdP: sp, acs and nameid are needed (or configure the SP's ACS URL and entity ID)", http.StatusBadRequest)
		return
	}
	if u, err := url.Parse(sp.ACSURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		http.Error(w, "mock IdP: the ACS URL is not an http(s) URL", http.StatusBadRequest)
		return
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	spec := NewResponseSpec(s.Identity, sp, strings.TrimSpace(f.Get("nameid")), now)
	if id := f.Get("request"); id != "" {
		spec.SetInResponseTo(id)
	}
	for _, a := range []struct{ name, value string }{{"email", f.Get("email")}, {"givenName", f.Get("givenName")}, {"sn", f.Get("sn")}} {
		if a.value != "" {
			spec.AddAttribute(a.name, a.value)
		}
	}
	built, err := Build(spec, DefaultSignOptions(s.Identity))
	if err == nil {
		_, err = VerifyBenign(built.XML, s.Identity, sp, now)
	}
	if err != nil {
		http.Error(w, "mock IdP: the response did not verify: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(PostPage(sp.ACSURL, PostForm(built.XML, f.Get("RelayState"))))
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// Describe is what an administrator needs to register the IdP with an SP.
func (s *Server) Describe() string {
	out := fmt.Sprintf("entity ID:      %s\nmetadata:       %s/metadata\nSSO (Redirect): %s/sso\nSSO (POST):     %s/sso\ncertificate:    SHA-256 %s\n",
		s.Identity.EntityID, s.BaseURL, s.BaseURL, s.BaseURL, s.Identity.Fingerprint())
	for _, m := range s.KeysMore {
		if m != nil && m.Cert != nil {
			out += fmt.Sprintf("also signing:   SHA-256 %s (%s, in the metadata)\n", m.Fingerprint(), m.Cert.Subject.CommonName)
		}
	}
	return out
}
