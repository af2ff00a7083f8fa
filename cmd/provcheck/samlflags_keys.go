package main

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/runner"
	"github.com/provcheck/provcheck/suites/saml"
)

// bindKeys binds the flags of the IdP's further identities (catalogue K04,
// K06, K11), the declared certificate validity policy and the out-of-band
// canary's address.
func (sf *samlFlags) bindKeys(fs *flag.FlagSet) {
	fs.StringVar(&sf.rolloverKey, "idp-rollover-key", "", "PEM private key (RSA) of the IdP's rollover identity: a second signing certificate of the same IdP entity ID the SP trusts (catalogue K04; optional)")
	fs.StringVar(&sf.rolloverCert, "idp-rollover-cert", "", "PEM certificate of the IdP's rollover identity, registered with the SP besides --idp-cert")
	fs.StringVar(&sf.weakKey, "idp-weak-key", "", "PEM private key (RSA, under 2048 bits) of an RSA-1024 identity whose certificate an administrator registered with the SP for the IdP (catalogue K06; optional)")
	fs.StringVar(&sf.weakCert, "idp-weak-cert", "", "PEM certificate of the RSA-1024 identity registered with the SP")
	fs.StringVar(&sf.expiredKey, "idp-expired-key", "", "PEM private key (RSA) of an identity whose certificate, registered with the SP for the IdP, has expired or is not yet valid (catalogue K11; optional)")
	fs.StringVar(&sf.expiredCert, "idp-expired-cert", "", "PEM certificate, expired or not yet valid, registered with the SP for the IdP")
	fs.StringVar(&sf.certValidity, "sp-cert-validity", "", "SAML SP: declared handling of a pinned signing certificate outside its validity window: enforce (refused), ignore (accepted), or empty (not declared)")
	fs.StringVar(&sf.canaryListen, "canary-listen", saml.SecCanaryListen, "address the out-of-band canary listens on (HOST:PORT; port 0 is a fresh port per check); a remote SP needs one it can reach, with --canary-url")
	fs.StringVar(&sf.canaryURL, "canary-url", "", "base URL the SP reaches the out-of-band canary at, used in payloads (for example http://tester.example:8099; default derived from --canary-listen)")
}

// keysCanary checks --canary-listen and --canary-url.
func (sf *samlFlags) keysCanary() error {
	host, port, err := net.SplitHostPort(sf.canaryListen)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
		return fmt.Errorf("--canary-listen %q: expected HOST:PORT, for example 0.0.0.0:8099 (or 127.0.0.1:0, a fresh loopback port per check)", sf.canaryListen)
	}
	if sf.canaryURL == "" {
		if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
			return fmt.Errorf("--canary-listen %s listens on every interface; give --canary-url with the address the SP reaches the harness at, for example http://tester.example:%s", sf.canaryListen, port)
		}
		return nil
	}
	u, err := url.Parse(sf.canaryURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("--canary-url %q: expected an absolute http or https URL without credentials, query or fragment, for example http://tester.example:8099", sf.canaryURL)
	}
	if port == "0" {
		return fmt.Errorf("--canary-url needs a fixed port in --canary-listen (the SP fetches the URL, the harness listens there), for example --canary-listen 0.0.0.0:8099")
	}
	return nil
}

// keysCanaryInto puts the canary's address into the run's SAML contract
// (an external SP's, or the embedded one's).
func (sf *samlFlags) keysCanaryInto(sc *runner.SAMLConfig) {
	if sc != nil {
		sc.CanaryListen, sc.CanaryURL = sf.canaryListen, sf.canaryURL
	}
}

// keysIdentities loads the IdP's further identities (each key and
// certificate together, for the IdP's entity ID) into sc and checks each
// is what its case needs.
func (sf *samlFlags) keysIdentities(sc *runner.SAMLConfig) error {
	now := time.Now()
	for _, f := range []struct {
		keyFlag, certFlag, key, cert string
		into                         **mockidp.Identity
		check                        func(id *mockidp.Identity) string
	}{
		{"--idp-rollover-key", "--idp-rollover-cert", sf.rolloverKey, sf.rolloverCert, &sc.RolloverIdP, func(id *mockidp.Identity) string {
			if id.Cert.Equal(sc.IdP.Cert) {
				return "is the IdP's current certificate (--idp-cert); give the second certificate the SP trusts for the IdP"
			}
			if why := mockidp.KeysValidityAt(id.Cert, now); why != "" {
				return "is " + why + "; a rollover certificate must be valid now"
			}
			return ""
		}},
		{"--idp-weak-key", "--idp-weak-cert", sf.weakKey, sf.weakCert, &sc.WeakIdP, func(id *mockidp.Identity) string {
			if bits := id.Key.N.BitLen(); bits >= 2048 {
				return fmt.Sprintf("holds a %d-bit RSA key; the case needs one under 2048 bits (provcheck mockidp serve --idp-weak-key --idp-weak-cert generates an RSA-1024 one)", bits)
			}
			return ""
		}},
		{"--idp-expired-key", "--idp-expired-cert", sf.expiredKey, sf.expiredCert, &sc.ExpiredIdP, func(id *mockidp.Identity) string {
			if mockidp.KeysValidityAt(id.Cert, now) == "" {
				return fmt.Sprintf("is valid now (%s to %s); give one that has expired or is not yet valid (provcheck mockidp serve --idp-expired-key --idp-expired-cert generates an expired one)",
					id.Cert.NotBefore.UTC().Format(time.DateOnly), id.Cert.NotAfter.UTC().Format(time.DateOnly))
			}
			return ""
		}},
	} {
		if f.key == "" && f.cert == "" {
			continue
		}
		if f.key == "" || f.cert == "" {
			return fmt.Errorf("%s and %s go together", f.keyFlag, f.certFlag)
		}
		id, err := mockidp.LoadIdentity(sc.IdP.EntityID, f.key, f.cert)
		if err != nil {
			return fmt.Errorf("%s and %s: %w", f.keyFlag, f.certFlag, err)
		}
		if why := f.check(id); why != "" {
			return fmt.Errorf("%s %s %s", f.certFlag, f.cert, why)
		}
		*f.into = id
	}
	return nil
}
