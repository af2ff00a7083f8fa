package saml

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/beevik/etree"
)

const nsEncDSig = "http://www.w3.org/2000/09/xmldsig#"

// ParseSPEncryptionCert reads the SP's encryption certificate from its
// SAML 2.0 metadata: the X509Certificate of the SPSSODescriptor's
// KeyDescriptor use="encryption", else of one without use (SAML Metadata
// §2.4.1.1: such a key serves both). It returns nil and no error when the
// metadata publishes none.
func ParseSPEncryptionCert(b []byte) (*x509.Certificate, error) {
	if len(b) > maxMetadata {
		return nil, fmt.Errorf("SP metadata: larger than %d bytes", maxMetadata)
	}
	doc := etree.NewDocument()
	doc.ReadSettings.Permissive = false
	if err := doc.ReadFromBytes(b); err != nil {
		return nil, fmt.Errorf("SP metadata: not XML: %w", err)
	}
	root := doc.Root()
	if root == nil || root.Tag != "EntityDescriptor" || root.NamespaceURI() != nsMetadata {
		return nil, errors.New("SP metadata: the root element is not an md:EntityDescriptor")
	}
	var either *etree.Element
	for _, sp := range root.ChildElements() {
		if sp.Tag != "SPSSODescriptor" || sp.NamespaceURI() != nsMetadata {
			continue
		}
		for _, kd := range sp.ChildElements() {
			if kd.Tag != "KeyDescriptor" || kd.NamespaceURI() != nsMetadata {
				continue
			}
			switch kd.SelectAttrValue("use", "") {
			case "encryption":
				return encCertOf(kd)
			case "":
				if either == nil {
					either = kd
				}
			}
		}
	}
	if either == nil {
		return nil, nil
	}
	return encCertOf(either)
}

// encCertOf parses the first ds:X509Certificate under a KeyDescriptor.
func encCertOf(kd *etree.Element) (*x509.Certificate, error) {
	for _, el := range kd.FindElements(".//X509Certificate") {
		if el.NamespaceURI() != nsEncDSig {
			continue
		}
		der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(el.Text()), ""))
		if err != nil {
			return nil, fmt.Errorf("SP metadata: the encryption KeyDescriptor's X509Certificate is not base64: %w", err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("SP metadata: the encryption KeyDescriptor's X509Certificate: %w", err)
		}
		return c, nil
	}
	return nil, errors.New("SP metadata: a KeyDescriptor for encryption without a ds:X509Certificate")
}

// LoadEncCert reads a PEM certificate file (the SP's encryption
// certificate, --sp-encryption-cert); its key must be RSA (XML Encryption
// key transport here is RSA-OAEP or rsa-1_5).
func LoadEncCert(path string) (*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read --sp-encryption-cert: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("--sp-encryption-cert %s: expected a PEM CERTIFICATE block", path)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("--sp-encryption-cert %s: %w", path, err)
	}
	if c.PublicKeyAlgorithm != x509.RSA {
		return nil, fmt.Errorf("--sp-encryption-cert %s: the key is %s, not RSA (key transport here is RSA-OAEP)", path, c.PublicKeyAlgorithm)
	}
	return c, nil
}
