package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/provcheck/provcheck/runner"
	"github.com/provcheck/provcheck/suites/saml"
)

// acctLinkFlags are the contract flags of the accounts-listing oracle and
// of the SP's link flow.
type acctLinkFlags struct {
	accountsURL, accountsList, accountsID   string
	accountsUser, accountsEmail, accountsOn string
	accountsNext, accountsToken, acctHeader string
	linkURL                                 string
}

func (af *acctLinkFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&af.accountsURL, "sp-accounts-url", "", "SAML SP: URL listing the application's accounts as JSON (GET); the Δu oracle when there is no --scim-url")
	fs.StringVar(&af.accountsList, "sp-accounts-list", "", "SAML SP: dotted JSON path of the array of accounts in the listing (empty: the answer itself, or Resources, users, accounts, data or items)")
	fs.StringVar(&af.accountsID, "sp-accounts-id", "id", "SAML SP: dotted JSON path of an account's id in the listing")
	fs.StringVar(&af.accountsUser, "sp-accounts-username", "userName", "SAML SP: dotted JSON path of an account's userName (or NameID) in the listing")
	fs.StringVar(&af.accountsEmail, "sp-accounts-email", "email", "SAML SP: dotted JSON path of an account's email (a string, or a list of strings or {value} objects) in the listing")
	fs.StringVar(&af.accountsOn, "sp-accounts-active", "active", "SAML SP: dotted JSON path of an account's active flag in the listing")
	fs.StringVar(&af.accountsNext, "sp-accounts-next", "next", "SAML SP: dotted JSON path of the next page's URL in the listing (a Link header with rel=\"next\" is followed too)")
	fs.StringVar(&af.accountsToken, "sp-accounts-token", "", "SAML SP: token of the accounts listing (default: $PROVCHECK_SP_ACCOUNTS_TOKEN); redacted everywhere")
	fs.StringVar(&af.acctHeader, "sp-accounts-header", "Authorization", "SAML SP: header carrying --sp-accounts-token: Authorization (as Bearer TOKEN) or another header name (the raw token)")
	fs.StringVar(&af.linkURL, "sp-link-url", "", "SAML SP: URL that, with a signed-in session, starts linking another IdP identity to the account (answers with an AuthnRequest); declares linking support")
}

// given reports whether a setting that needs an SP was given.
func (af *acctLinkFlags) given() bool { return af.accountsURL != "" || af.linkURL != "" }

// apply checks the flags and adds the listing and the link URL to a SAML
// contract.
func (af *acctLinkFlags) apply(sc *runner.SAMLConfig) error {
	for _, f := range []struct{ name, val string }{{"--sp-accounts-url", af.accountsURL}, {"--sp-link-url", af.linkURL}} {
		if f.val == "" {
			continue
		}
		if _, err := httpURL(f.name, f.val); err != nil {
			return err
		}
	}
	sc.SP.LinkURL = af.linkURL
	if af.accountsURL == "" {
		if af.accountsToken != "" {
			return fmt.Errorf("--sp-accounts-token is given without --sp-accounts-url; add the listing's URL or drop the token")
		}
		return nil
	}
	token := af.accountsToken
	if token == "" {
		token = os.Getenv("PROVCHECK_SP_ACCOUNTS_TOKEN")
	}
	if strings.ContainsAny(token, "\r\n") {
		return fmt.Errorf("--sp-accounts-token: must not contain line breaks")
	}
	header := strings.TrimSpace(af.acctHeader)
	if header != "" && strings.ContainsAny(header, " :\t\r\n") {
		return fmt.Errorf("--sp-accounts-header %q: expected a header name such as Authorization or X-API-Key", af.acctHeader)
	}
	for _, f := range []struct{ name, val string }{
		{"--sp-accounts-id", af.accountsID}, {"--sp-accounts-username", af.accountsUser},
		{"--sp-accounts-email", af.accountsEmail}, {"--sp-accounts-active", af.accountsOn},
	} {
		if strings.TrimSpace(f.val) == "" {
			return fmt.Errorf("%s is empty: give the dotted JSON path of that field of an account (for example user.id)", f.name)
		}
	}
	sc.Accounts = &runner.AcctOracle{
		Listing: saml.AcctListing{URL: af.accountsURL, List: strings.TrimSpace(af.accountsList),
			ID: af.accountsID, UserName: af.accountsUser, Email: af.accountsEmail, Active: af.accountsOn,
			Next: strings.TrimSpace(af.accountsNext)},
		Token: token, Header: header,
	}
	return nil
}
