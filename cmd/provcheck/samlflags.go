package main

import (
	"context"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/runner"
	"github.com/provcheck/provcheck/suites/saml"
	"github.com/provcheck/provcheck/target"
)

// samlFlags are the flags of the SAML SP contract and of the IdP identity
// the SP trusts.
type samlFlags struct {
	metadata, acs, entityID, login      string
	whoami, whoamiID, whoamiUser, email string
	whoamiGroups, roleAttr, roleMap     string
	jit, sync                           string
	idpInitiated, nameIDCase, transient string
	required, link, domains             string
	attrEmail, attrGiven, attrSurname   string
	idpKey, idpCert, idpEntityID        string
	idp2Key, idp2Cert, idp2EntityID     string
	acctLink                            acctLinkFlags
	protoClockSkew                      string
	// keys: further identities of the IdP (K04, K06, K11), the declared
	// validity policy, and the out-of-band canary's address.
	rolloverKey, rolloverCert string
	weakKey, weakCert         string
	expiredKey, expiredCert   string
	certValidity              string
	canaryListen, canaryURL   string
	encCert, encPolicy        string
}

func (sf *samlFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&sf.metadata, "sp-metadata-url", "", "SAML SP: metadata URL; gives the entity ID and the ACS URL unless --sp-entity-id and --sp-acs-url are set")
	fs.StringVar(&sf.acs, "sp-acs-url", "", "SAML SP: assertion consumer service URL (HTTP-POST binding)")
	fs.StringVar(&sf.entityID, "sp-entity-id", "", "SAML SP: the SP's entity ID (the audience of its assertions)")
	fs.StringVar(&sf.login, "sp-login-url", "", "SAML SP: URL that starts an SP-initiated login (optional; without it logins are IdP-initiated)")
	fs.StringVar(&sf.whoami, "sp-whoami-url", "", "SAML SP: URL answering JSON about the session's account (the login oracle)")
	fs.StringVar(&sf.whoamiID, "sp-whoami-id", "id", "SAML SP: dotted JSON path of the account id in the whoami answer")
	fs.StringVar(&sf.whoamiUser, "sp-whoami-username", "userName", "SAML SP: dotted JSON path of the userName in the whoami answer")
	fs.StringVar(&sf.email, "sp-whoami-email", "email", "SAML SP: dotted JSON path of the email in the whoami answer")
	fs.StringVar(&sf.whoamiGroups, "sp-whoami-groups", "", "SAML SP: dotted JSON path of the session's list of group or role names in the whoami answer (the roles oracle; empty: none)")
	fs.StringVar(&sf.roleAttr, "sp-role-attr", "", "SAML SP: declared role mapper: name of the attribute whose values the SP maps to roles or groups (for example memberOf)")
	fs.StringVar(&sf.roleMap, "sp-role-map", "", "SAML SP: declared role mapper: comma-separated value=role pairs (for example provcheck-admins=admin); other values grant nothing")
	fs.StringVar(&sf.jit, "sp-jit", "on", "SAML SP: declared JIT creation of unknown users: on or off")
	fs.StringVar(&sf.sync, "sp-sync", "", "SAML SP: declared attribute sync at every login: on, off, or empty (not declared)")
	fs.StringVar(&sf.idpInitiated, "sp-idp-initiated", "", "SAML SP: declared IdP-initiated (unsolicited) login: on, off, or empty (not declared)")
	fs.StringVar(&sf.protoClockSkew, "sp-clock-skew", "", "SAML SP: declared clock-skew tolerance on the assertion's validity window, a duration such as 2m or 90s; empty: not declared (the time checks assume 5m)")
	fs.StringVar(&sf.nameIDCase, "sp-nameid-case", "exact", "SAML SP: how the SP compares NameIDs: exact, or insensitive (documented case folding)")
	fs.StringVar(&sf.transient, "sp-transient", "", "SAML SP: declared handling of transient NameIDs: reject, temporary (a temporary user per login), or empty (not declared)")
	fs.StringVar(&sf.required, "sp-required-attrs", "", "SAML SP: comma-separated attribute names without which the SP refuses a login (for example email)")
	fs.StringVar(&sf.domains, "sp-allowed-domains", "", "SAML SP: comma-separated email domains the SP accepts; a login with another is refused or gets an account without linking")
	fs.StringVar(&sf.link, "sp-link", "deny", "SAML SP: declared linking of a login to an existing account holding the asserted email: deny, or auto")
	fs.StringVar(&sf.attrEmail, "sp-attr-email", "email", "SAML SP: name of the attribute the SP maps to the account's email")
	fs.StringVar(&sf.attrGiven, "sp-attr-given-name", "givenName", "SAML SP: name of the attribute the SP maps to the given name")
	fs.StringVar(&sf.attrSurname, "sp-attr-surname", "sn", "SAML SP: name of the attribute the SP maps to the family name")
	fs.StringVar(&sf.encCert, "sp-encryption-cert", "", "SAML SP: PEM certificate the SP publishes for encryption (default: KeyDescriptor use=\"encryption\" of --sp-metadata-url); without one the encrypted-assertion checks skip")
	fs.StringVar(&sf.encPolicy, "sp-encryption", "", "SAML SP: declared encrypted assertions: required (plaintext refused), optional, off, or empty (not declared)")
	fs.StringVar(&sf.idpKey, "idp-key", "", "PEM private key (RSA) of the mock IdP the SP trusts")
	fs.StringVar(&sf.idpCert, "idp-cert", "", "PEM certificate of the mock IdP the SP trusts")
	fs.StringVar(&sf.idpEntityID, "idp-entity-id", "", "entity ID (Issuer) of the mock IdP the SP trusts")
	fs.StringVar(&sf.idp2Key, "idp2-key", "", "PEM private key (RSA) of a second mock IdP the SP also trusts (optional; the same NameID from two IdPs, catalogue J07)")
	fs.StringVar(&sf.idp2Cert, "idp2-cert", "", "PEM certificate of the second mock IdP the SP trusts")
	fs.StringVar(&sf.idp2EntityID, "idp2-entity-id", "", "entity ID (Issuer) of the second mock IdP the SP trusts")
	sf.acctLink.bind(fs)
	sf.bindKeys(fs)
}

// given reports whether any SP or IdP setting was given.
func (sf *samlFlags) given() bool {
	return sf.metadata != "" || sf.acs != "" || sf.entityID != "" || sf.login != "" || sf.whoami != "" ||
		sf.idpKey != "" || sf.idpCert != "" || sf.idpEntityID != "" ||
		sf.idp2Key != "" || sf.idp2Cert != "" || sf.idp2EntityID != "" || sf.acctLink.given() ||
		sf.rolloverKey != "" || sf.rolloverCert != "" || sf.weakKey != "" || sf.weakCert != "" || sf.expiredKey != "" || sf.expiredCert != ""
}

// policy checks --sp-jit, --sp-sync and the other declared policy flags.
func (sf *samlFlags) policy() (saml.Policy, error) {
	var p saml.Policy
	switch strings.ToLower(strings.TrimSpace(sf.jit)) {
	case "on", "":
		p.JIT = true
	case "off":
	default:
		return p, fmt.Errorf("--sp-jit %q: expected on or off", sf.jit)
	}
	switch s := strings.ToLower(strings.TrimSpace(sf.sync)); s {
	case "on", "off", "":
		p.Sync = s
	default:
		return p, fmt.Errorf("--sp-sync %q: expected on, off or empty", sf.sync)
	}
	for _, f := range []struct {
		name, val string
		into      *string
		allowed   []string
	}{
		{"--sp-idp-initiated", sf.idpInitiated, &p.IdPInitiated, []string{"on", "off", ""}},
		{"--sp-nameid-case", sf.nameIDCase, &p.NameIDCase, []string{"exact", "insensitive", ""}},
		{"--sp-transient", sf.transient, &p.Transient, []string{"reject", "temporary", ""}},
		{"--sp-link", sf.link, &p.Link, []string{"deny", "auto", ""}},
		{"--sp-cert-validity", sf.certValidity, &p.CertValidity, []string{"enforce", "ignore", ""}},
		{"--sp-encryption", sf.encPolicy, &p.Encryption, []string{"required", "optional", "off", ""}},
	} {
		v := strings.ToLower(strings.TrimSpace(f.val))
		if !slices.Contains(f.allowed, v) {
			return p, fmt.Errorf("%s %q: expected %s, or empty", f.name, f.val, strings.Join(f.allowed[:len(f.allowed)-1], " or "))
		}
		*f.into = v
	}
	if v := strings.TrimSpace(sf.protoClockSkew); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return p, fmt.Errorf("--sp-clock-skew %q: expected a duration such as 2m or 90s (or empty: not declared)", sf.protoClockSkew)
		}
		p.ClockSkew, p.ClockSkewDeclared = d, true
	}
	p.Required = splitList(sf.required)
	p.AllowedDomains = splitList(sf.domains)
	p.RoleAttr = strings.TrimSpace(sf.roleAttr)
	for _, pair := range splitList(sf.roleMap) {
		value, role, ok := strings.Cut(pair, "=")
		value, role = strings.TrimSpace(value), strings.TrimSpace(role)
		if !ok || value == "" || role == "" {
			return p, fmt.Errorf("--sp-role-map %q: expected comma-separated value=role pairs", sf.roleMap)
		}
		if p.RoleMap == nil {
			p.RoleMap = map[string]string{}
		}
		p.RoleMap[value] = role
	}
	if (p.RoleAttr == "") != (p.RoleMap == nil) {
		return p, fmt.Errorf("a role mapper is declared with --sp-role-attr and --sp-role-map together")
	}
	return p, nil
}

// splitList returns the non-empty, trimmed items of a comma-separated list.
func splitList(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// config returns the SAML contract of an external SP, nil when no SP
// setting was given, or a one-line error naming what is missing. The SP's
// metadata, when its URL is given, is fetched with tc's TLS settings and
// without tc's credentials.
func (sf *samlFlags) config(tc target.Config) (*runner.SAMLConfig, error) {
	pol, err := sf.policy()
	if err == nil {
		err = sf.keysCanary()
	}
	if err != nil || !sf.given() {
		return nil, err
	}
	var encCert *x509.Certificate
	if sf.metadata != "" && (sf.acs == "" || sf.entityID == "" || sf.encCert == "") {
		md, err := encFetchMetadata(sf.metadata, tc)
		if err != nil {
			return nil, err
		}
		entityID, acs, err := saml.ParseSPMetadata(md)
		if err != nil {
			return nil, fmt.Errorf("--sp-metadata-url %s: %w", sf.metadata, err)
		}
		if sf.acs == "" {
			sf.acs = acs
		}
		if sf.entityID == "" {
			sf.entityID = entityID
		}
		if sf.encCert == "" {
			if encCert, err = saml.ParseSPEncryptionCert(md); err != nil {
				return nil, fmt.Errorf("--sp-metadata-url %s: %w", sf.metadata, err)
			}
		}
	}
	if sf.encCert != "" {
		if encCert, err = saml.LoadEncCert(sf.encCert); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct{ name, val string }{
		{"--sp-acs-url", sf.acs}, {"--sp-entity-id", sf.entityID}, {"--sp-whoami-url", sf.whoami},
		{"--idp-key", sf.idpKey}, {"--idp-cert", sf.idpCert}, {"--idp-entity-id", sf.idpEntityID},
	} {
		if strings.TrimSpace(f.val) == "" {
			return nil, fmt.Errorf("a SAML SP needs --sp-acs-url and --sp-entity-id (or --sp-metadata-url), --sp-whoami-url and the IdP identity it trusts (--idp-key, --idp-cert, --idp-entity-id); %s is missing", f.name)
		}
	}
	for _, f := range []struct{ name, val string }{{"--sp-acs-url", sf.acs}, {"--sp-login-url", sf.login}, {"--sp-whoami-url", sf.whoami}} {
		if f.val == "" {
			continue
		}
		if _, err := httpURL(f.name, f.val); err != nil {
			return nil, err
		}
	}
	id, err := mockidp.LoadIdentity(sf.idpEntityID, sf.idpKey, sf.idpCert)
	if err != nil {
		return nil, err
	}
	var second *mockidp.Identity
	if sf.idp2Key != "" || sf.idp2Cert != "" || sf.idp2EntityID != "" {
		if sf.idp2Key == "" || sf.idp2Cert == "" || sf.idp2EntityID == "" {
			return nil, fmt.Errorf("a second IdP needs --idp2-key, --idp2-cert and --idp2-entity-id together")
		}
		if second, err = mockidp.LoadIdentity(sf.idp2EntityID, sf.idp2Key, sf.idp2Cert); err != nil {
			return nil, fmt.Errorf("second IdP: %w", err)
		}
	}
	sc := &runner.SAMLConfig{
		SP: saml.SP{ACSURL: sf.acs, EntityID: sf.entityID, LoginURL: sf.login, WhoamiURL: sf.whoami,
			WhoamiID: sf.whoamiID, WhoamiUserName: sf.whoamiUser, WhoamiEmail: sf.email, WhoamiGroups: strings.TrimSpace(sf.whoamiGroups),
			EncryptionCert: encCert},
		Policy: pol, IdP: id, SecondIdP: second,
		Attrs: saml.Attributes{Email: sf.attrEmail, GivenName: sf.attrGiven, Surname: sf.attrSurname},
	}
	if err := sf.acctLink.apply(sc); err != nil {
		return nil, err
	}
	if err := sf.keysIdentities(sc); err != nil {
		return nil, err
	}
	return sc, nil
}

// fetchSPMetadata reads the SP's entity ID and ACS URL from its metadata.
func fetchSPMetadata(rawURL string, tc target.Config) (entityID, acs string, err error) {
	body, err := encFetchMetadata(rawURL, tc)
	if err != nil {
		return "", "", err
	}
	entityID, acs, err = saml.ParseSPMetadata(body)
	if err != nil {
		return "", "", fmt.Errorf("--sp-metadata-url %s: %w", rawURL, err)
	}
	return entityID, acs, nil
}

// httpURL parses the value of the URL flag name: an absolute http or https
// URL without credentials.
func httpURL(name, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("%s %q: expected an absolute http or https URL without credentials", name, raw)
	}
	return u, nil
}

// encFetchMetadata GETs the SP's metadata document.
func encFetchMetadata(rawURL string, tc target.Config) ([]byte, error) {
	u, err := httpURL("--sp-metadata-url", rawURL)
	if err != nil {
		return nil, err
	}
	c, err := target.New(target.Config{BaseURL: u.Scheme + "://" + u.Host, CAFile: tc.CAFile, Insecure: tc.Insecure,
		Timeout: tc.Timeout, Retries: -1, UserAgent: "provcheck/" + runner.Version})
	if err != nil {
		return nil, fmt.Errorf("--sp-metadata-url: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, err := c.Do(ctx, target.Request{Path: rawURL, NoAuth: true, Header: map[string]string{"Accept": "application/samlmetadata+xml, application/xml, text/xml"}}, nil)
	if err != nil {
		return nil, fmt.Errorf("--sp-metadata-url: %w", err)
	}
	if resp.Status != 200 {
		return nil, fmt.Errorf("--sp-metadata-url: GET %s answered %d", rawURL, resp.Status)
	}
	return resp.Body, nil
}

// embeddedSAML makes the embedded reference SP trust a freshly generated
// mock IdP and returns the SAML contract of that SP (SP-initiated logins,
// its declared policy).
func embeddedSAML(ref *reftarget.Running, stderr io.Writer) (*runner.SAMLConfig, error) {
	id, err := runner.NewMockIdP()
	if err != nil {
		return nil, err
	}
	ref.Server.TrustIdP(reftarget.TrustedIdP{EntityID: id.EntityID, Cert: id.Cert, SSOURL: runner.MockIdPSSOURL})
	second, err := runner.NewSecondMockIdP()
	if err != nil {
		return nil, err
	}
	ref.Server.TrustSecondIdP(reftarget.TrustedIdP{EntityID: second.EntityID, Cert: second.Cert})
	pol := ref.Server.SPPolicy()
	fmt.Fprintf(stderr, "embedded reference SP at %s trusts a generated mock IdP (%s)\n", ref.SP.MetadataURL, id.Fingerprint())
	sc := &runner.SAMLConfig{
		SP: saml.SP{ACSURL: ref.SP.ACSURL, EntityID: ref.SP.EntityID, LoginURL: ref.SP.LoginURL, WhoamiURL: ref.SP.WhoamiURL,
			WhoamiGroups: runner.ReferenceWhoamiGroups, LinkURL: ref.SP.LinkURL, EncryptionCert: ref.Server.SPEncryptionCert()},
		Accounts:  runner.ReferenceAccounts(ref),
		Policy:    runner.ReferencePolicy(pol),
		IdP:       id,
		SecondIdP: second,
	}
	keys, err := runner.NewKeysIdentities(id.EntityID)
	if err == nil {
		err = keys.TrustKeys(ref.Server, sc)
	}
	return sc, err
}
