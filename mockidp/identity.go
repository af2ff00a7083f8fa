package mockidp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"os"
	"strings"
	"time"

	dsig "github.com/russellhaering/goxmldsig"
)

// Identity is the IdP's signing identity: its entity ID, RSA key and
// certificate.
type Identity struct {
	EntityID string
	Key      *rsa.PrivateKey
	Cert     *x509.Certificate
}

// GenerateIdentity creates a 2048-bit RSA key and a self-signed certificate
// valid from now for ten years. Randomness and the clock are parameters so
// tests are reproducible where they need to be.
func GenerateIdentity(entityID string, now time.Time, random io.Reader) (*Identity, error) {
	if random == nil {
		random = rand.Reader
	}
	key, err := rsa.GenerateKey(random, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate IdP key: %w", err)
	}
	serial, err := rand.Int(random, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("generate certificate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "provcheck mock IdP", Organization: []string{"provcheck"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(random, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("create IdP certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse IdP certificate: %w", err)
	}
	return &Identity{EntityID: entityID, Key: key, Cert: cert}, nil
}

// LoadIdentity reads a PEM private key (PKCS#1 or PKCS#8 RSA) and a PEM
// certificate, and checks that they belong together.
func LoadIdentity(entityID, keyFile, certFile string) (*Identity, error) {
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("read --idp-key: %w", err)
	}
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("read --idp-cert: %w", err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("--idp-key %s and --idp-cert %s: %w", keyFile, certFile, err)
	}
	key, ok := pair.PrivateKey.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("--idp-key %s: the key is not RSA (SAML signing here uses RSA-SHA256)", keyFile)
	}
	cert, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("--idp-cert %s: %w", certFile, err)
	}
	return &Identity{EntityID: entityID, Key: key, Cert: cert}, nil
}

// WritePEM writes the key and the certificate as PEM files (the key with
// mode 0600), so the identity can be loaded again with LoadIdentity.
func (id *Identity) WritePEM(keyFile, certFile string) error {
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(id.Key)})
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		return fmt.Errorf("write IdP key: %w", err)
	}
	if err := os.WriteFile(certFile, id.CertPEM(), 0o644); err != nil {
		return fmt.Errorf("write IdP certificate: %w", err)
	}
	return nil
}

// CertPEM returns the certificate in PEM form.
func (id *Identity) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: id.Cert.Raw})
}

// Fingerprint returns the SHA-256 fingerprint of the certificate as
// colon-separated upper-case hex, as SP admin consoles show it.
func (id *Identity) Fingerprint() string {
	sum := sha256.Sum256(id.Cert.Raw)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var parts []string
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

// KeyStore returns the identity as a goxmldsig key store, for signing.
func (id *Identity) KeyStore() dsig.X509KeyStore {
	return dsig.TLSCertKeyStore(tls.Certificate{Certificate: [][]byte{id.Cert.Raw}, PrivateKey: id.Key, Leaf: id.Cert})
}
