package runner

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/suites/saml"
	"github.com/provcheck/provcheck/target"
)

// AcctOracle is the accounts-listing oracle of a SAML contract
// (--sp-accounts-url and its paths) and how to authenticate to it.
type AcctOracle struct {
	// Listing is the listing's URL and JSON paths; its Client is built
	// by the run (the target's TLS settings, Token) when nil.
	Listing saml.AcctListing
	// Token, if set, is sent in Header: as "Bearer TOKEN" in
	// Authorization (Header "" or "Authorization"), else as the raw
	// value of the header named. It is redacted like every secret.
	Token, Header string
}

// acctClient returns the client that reads the accounts listing: the
// listing's origin, the run's TLS settings, rate limit and timeout, the
// token (redacted in every exchange) and no ledger of the run (it only
// reads).
func acctClient(tc target.Config, o *AcctOracle) (*target.Client, error) {
	u, err := url.Parse(o.Listing.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("--sp-accounts-url %q: expected an absolute http or https URL without credentials", o.Listing.URL)
	}
	cfg := target.Config{BaseURL: u.Scheme + "://" + u.Host, CAFile: tc.CAFile, Insecure: tc.Insecure,
		Timeout: tc.Timeout, MaxRPS: tc.MaxRPS, Retries: tc.Retries, RunID: tc.RunID, UserAgent: tc.UserAgent}
	switch h := strings.TrimSpace(o.Header); {
	case o.Token == "":
	case h == "" || strings.EqualFold(h, "Authorization"):
		cfg.BearerToken = o.Token
	default:
		cfg.Headers = map[string]string{h: o.Token}
	}
	c, err := target.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("accounts oracle: %w", err)
	}
	return c, nil
}

// accounts is the accounts oracle of a SAML contract, or nil.
func accounts(sc *SAMLConfig) *AcctOracle {
	if sc == nil {
		return nil
	}
	return sc.Accounts
}

// acctWriteLeftovers writes the accounts the run's logins created and
// could not delete (no SCIM client) to accounts-left-RUNID.json in dir,
// and returns its path ("" when there are none).
func acctWriteLeftovers(dir, runID string, left []saml.AcctLeftover) (string, error) {
	if len(left) == 0 {
		return "", nil
	}
	path := filepath.Join(dir, "accounts-left-"+runID+".json")
	data, err := json.MarshalIndent(struct {
		Note     string              `json:"note"`
		Accounts []saml.AcctLeftover `json:"accounts"`
	}{
		Note:     "accounts the SP created at SAML logins of this run; without a SCIM client (--scim-url) provcheck cannot delete them: remove them in the application",
		Accounts: left,
	}, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return path, nil
}

// ReferenceAccounts is the accounts-listing oracle of the reference SP:
// its /saml/accounts listing (the array at "users"), behind the admin
// bearer token of its SCIM API.
func ReferenceAccounts(ref *reftarget.Running) *AcctOracle {
	return &AcctOracle{
		Listing: saml.AcctListing{URL: ref.SP.AccountsURL, List: "users", ID: "id", UserName: "userName", Email: "email", Active: "active"},
		Token:   ref.Token,
	}
}
