package mockidp

import (
	"encoding/base64"
	"fmt"

	"github.com/beevik/etree"
)

// SAML 2.0 namespaces and identifiers used in IdP metadata.
const (
	nsMetadata       = "urn:oasis:names:tc:SAML:2.0:metadata"
	nsDSig           = "http://www.w3.org/2000/09/xmldsig#"
	BindingRedirect  = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
	BindingPOST      = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
	NameIDPersistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
	NameIDEmail      = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
	NameIDTransient  = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
	NameIDUnspec     = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
)

// Metadata returns the IdP's SAML 2.0 metadata (SAML Metadata §2.4.3): its
// entity ID, signing certificate and SSO endpoints for both bindings at
// ssoURL. An SP admin registers the mock IdP with it.
func (id *Identity) Metadata(ssoURL string) ([]byte, error) { return id.MetadataKeys(ssoURL) }

// MetadataKeys is Metadata with further signing certificates of the same
// IdP after its own, one md:KeyDescriptor use="signing" each (a rollover
// certificate, K04; an RSA-1024 or an expired one an administrator chose
// to register, K06, K11). An SP that imports the metadata trusts them all.
func (id *Identity) MetadataKeys(ssoURL string, more ...*Identity) ([]byte, error) {
	if id.EntityID == "" {
		return nil, fmt.Errorf("IdP metadata: the identity has no entity ID")
	}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	ed := doc.CreateElement("md:EntityDescriptor")
	ed.CreateAttr("xmlns:md", nsMetadata)
	ed.CreateAttr("xmlns:ds", nsDSig)
	ed.CreateAttr("entityID", id.EntityID)
	idp := ed.CreateElement("md:IDPSSODescriptor")
	idp.CreateAttr("WantAuthnRequestsSigned", "false")
	idp.CreateAttr("protocolSupportEnumeration", "urn:oasis:names:tc:SAML:2.0:protocol")
	for _, k := range append([]*Identity{id}, more...) {
		if k == nil || k.Cert == nil {
			continue
		}
		kd := idp.CreateElement("md:KeyDescriptor")
		kd.CreateAttr("use", "signing")
		kd.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").
			SetText(base64.StdEncoding.EncodeToString(k.Cert.Raw))
	}
	for _, f := range []string{NameIDPersistent, NameIDEmail, NameIDTransient, NameIDUnspec} {
		idp.CreateElement("md:NameIDFormat").SetText(f)
	}
	for _, b := range []string{BindingRedirect, BindingPOST} {
		sso := idp.CreateElement("md:SingleSignOnService")
		sso.CreateAttr("Binding", b)
		sso.CreateAttr("Location", ssoURL)
	}
	doc.Indent(2)
	return doc.WriteToBytes()
}
