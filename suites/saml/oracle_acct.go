package saml

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// AcctListing is the accounts-listing oracle of the SP contract
// (--sp-accounts-url): a URL of the application that answers GET with its
// accounts as JSON. Without a SCIM client it measures Δu (the change of
// the run's accounts around a login); with one, SCIM stays the oracle.
//
// The listing is filtered client-side to the run's identities: an account
// belongs to a check when its userName equals one of the check's NameIDs
// or emails, or its email one of the emails (case-insensitive, as SCIM's
// userName filter). The store is never assumed empty. A paged listing is
// followed through a "next" link (an HTTP Link header with rel="next", or
// a "next" member holding a URL, at the top of an object answer or at
// --sp-accounts-next); an answer that says it holds more accounts than it
// lists (totalResults or total) and gives no next link stops the check as
// INDETERMINATE, because an incomplete listing could make accounts seem to
// disappear.
type AcctListing struct {
	// URL is the listing's absolute URL.
	URL string
	// List is the dotted JSON path to the array of accounts in an object
	// answer; "" means the answer is the array itself, or an object with
	// the array at one of acctListDefaults.
	List string
	// ID, UserName, Email and Active are dotted JSON paths into each
	// account (defaults "id", "userName", "email", "active"). Email may
	// lead to a string or to a list of strings or {"value": …} objects.
	ID, UserName, Email, Active string
	// Next is the dotted JSON path of the next page's URL in an object
	// answer; "" means the member "next".
	Next string
	// Client sends the GETs: its base URL is the listing's origin, and it
	// carries the token (--sp-accounts-token) and redacts it, and the TLS
	// settings of the run. Nil means the listing is not usable.
	Client *target.Client
}

// acctListDefaults are where an object answer's array is looked for when
// AcctListing.List is empty.
var acctListDefaults = []string{"Resources", "users", "accounts", "data", "items"}

// acctMaxPages bounds the pages of one listing.
const acctMaxPages = 100

// acctOracleNote is logged once per check that measures Δu with the
// listing.
const acctOracleNote = "oracle: Δu is measured by the accounts listing (--sp-accounts-url), filtered to the check's identities; there is no SCIM client"

// acctSCIMFirstNote is logged once per check that measures Δu with SCIM
// although the contract also has the accounts listing.
const acctSCIMFirstNote = "oracle: Δu is measured by SCIM (--scim-url); the accounts listing (--sp-accounts-url) is used only without SCIM"

// acctNoteOnce logs note unless the check has logged it already.
func acctNoteOnce(t *suites.T, note string) {
	if !slices.Contains(t.Logs(), note) {
		t.Logf("%s", note)
	}
}

// acctHasOracle reports whether the run can count accounts: through SCIM,
// or through the accounts listing.
func (e *Env) acctHasOracle() bool {
	return e.SCIM != nil || e.acctListing() != nil
}

// acctListing returns the accounts listing, or nil when the contract has
// none usable.
func (e *Env) acctListing() *AcctListing {
	if e.Listing == nil || e.Listing.URL == "" || e.Listing.Client == nil {
		return nil
	}
	return e.Listing
}

// acctAccounts is Env.accounts through the listing: every listed account
// that carries one of the people's identifiers.
func (e *Env) acctAccounts(t *suites.T, people []Person) Accounts {
	acctNoteOnce(t, acctOracleNote)
	out := Accounts{}
	for _, a := range e.acctFetch(t) {
		if acctBelongs(a, people) {
			out[a.ID] = a
		}
	}
	return out
}

// acctByID reads one account through the listing.
func (e *Env) acctByID(t *suites.T, id string) (Account, bool) {
	for _, a := range e.acctFetch(t) {
		if a.ID == id {
			return a, true
		}
	}
	return Account{}, false
}

// acctBelongs reports whether an account carries one of the people's
// identifiers.
func acctBelongs(a Account, people []Person) bool {
	for _, p := range people {
		for _, v := range []string{p.NameID, p.Email} {
			if v != "" && (strings.EqualFold(a.UserName, v) || strings.EqualFold(a.ExternalID, v)) {
				return true
			}
		}
		if p.Email != "" && a.hasEmail(p.Email) {
			return true
		}
	}
	return false
}

// acctRecorder hands the listing's exchanges to the check's evidence and,
// through Env.Transcript, to the run's transcript.
type acctRecorder struct {
	t          *suites.T
	transcript *target.Client
}

// Record implements target.Recorder.
func (r acctRecorder) Record(ex suites.Exchange) {
	if r.transcript == nil {
		r.t.Record(ex)
		return
	}
	if err := r.transcript.Record(r.t, ex); err != nil {
		r.t.Logf("%v", err)
	}
}

// acctFetch reads every page of the listing. A transport failure, an
// answer other than 200 with JSON, or an incomplete listing aborts the
// check as INDETERMINATE: the oracle cannot tell.
func (e *Env) acctFetch(t *suites.T) []Account {
	l := e.acctListing()
	base, err := url.Parse(l.URL)
	if err != nil {
		t.Abort(fmt.Errorf("INDETERMINATE: accounts oracle: --sp-accounts-url %q: %w", l.URL, err))
	}
	var out []Account
	next, seen := base, map[string]bool{}
	for page := 1; next != nil; page++ {
		if page > acctMaxPages || seen[next.String()] {
			t.Abort(fmt.Errorf("INDETERMINATE: accounts oracle: the listing %s has more than %d pages or loops; it cannot be read completely", l.URL, acctMaxPages))
		}
		seen[next.String()] = true
		resp, err := l.Client.Do(t.Context(), target.Request{Path: next.String(), Header: map[string]string{"Accept": "application/json"}}, acctRecorder{t, e.Transcript})
		if err != nil {
			t.Abort(fmt.Errorf("INDETERMINATE: accounts oracle: %w", err))
		}
		switch {
		case resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden:
			t.Abort(fmt.Errorf("INDETERMINATE: accounts oracle: GET %s answered %d; give the listing's token with --sp-accounts-token (and --sp-accounts-header if it is not a bearer token)", l.URL, resp.Status))
		case resp.Status != http.StatusOK:
			t.Abort(fmt.Errorf("INDETERMINATE: accounts oracle: GET %s answered %d; expected 200 with JSON", l.URL, resp.Status))
		}
		accounts, more, total, err := l.acctParse(resp.Body)
		if err != nil {
			t.Abort(fmt.Errorf("INDETERMINATE: accounts oracle: %s: %w", l.URL, err))
		}
		out = append(out, accounts...)
		if more == "" {
			more = acctLinkNext(resp.Header.Values("Link"))
		}
		if more != "" {
			u, err := next.Parse(more)
			if err != nil || !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host) {
				t.Abort(fmt.Errorf("INDETERMINATE: accounts oracle: the next page %q is not on the listing's origin %s://%s; it is not followed", more, base.Scheme, base.Host))
			}
			next = u
			continue
		}
		next = nil
		if total > len(out) {
			t.Abort(fmt.Errorf("INDETERMINATE: accounts oracle: the listing says it holds %d accounts but lists %d and gives no next link; provcheck needs the complete list of the run's accounts (a next link, or a page size that holds them)", total, len(out)))
		}
	}
	return out
}

// acctParse reads one page: its accounts, the next page's URL ("" when
// none) and the total it declares (0 when none).
func (l *AcctListing) acctParse(body []byte) ([]Account, string, int, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, "", 0, fmt.Errorf("the answer is not JSON: %v", err)
	}
	list, ok := v.([]any)
	next, total := "", 0
	if obj, isObj := v.(map[string]any); isObj {
		paths := acctListDefaults
		if l.List != "" {
			paths = []string{l.List}
		}
		for _, p := range paths {
			if x, found := jsonAt(obj, p); found {
				if list, ok = x.([]any); ok {
					break
				}
			}
		}
		next = jsonString(obj, orDefault(l.Next, "next"))
		for _, k := range []string{"totalResults", "total"} {
			if n, isNum := obj[k].(json.Number); isNum {
				if i, err := n.Int64(); err == nil {
					total = int(i)
				}
			}
		}
	}
	if !ok {
		where := "at " + strings.Join(acctListDefaults, ", ")
		if l.List != "" {
			where = "at " + l.List
		}
		return nil, "", 0, fmt.Errorf("no array of accounts %s (set --sp-accounts-list to the dotted path of the array)", where)
	}
	var out []Account
	for _, item := range list {
		a := Account{
			ID:       jsonString(item, orDefault(l.ID, "id")),
			UserName: jsonString(item, orDefault(l.UserName, "userName")),
		}
		if a.ID == "" {
			return nil, "", 0, fmt.Errorf("an account has no id at %q (--sp-accounts-id): %s", orDefault(l.ID, "id"), clip(fmt.Sprint(item), 200))
		}
		if s := jsonString(item, orDefault(l.Email, "email")); s != "" {
			a.Emails = []string{s}
		} else {
			a.Emails = jsonStrings(item, orDefault(l.Email, "email"))
		}
		if x, found := jsonAt(item, orDefault(l.Active, "active")); found {
			switch b := x.(type) {
			case bool:
				a.Active = fmt.Sprint(b)
			case string:
				a.Active = strings.ToLower(b)
			}
		}
		out = append(out, a)
	}
	return out, next, total, nil
}

// acctLinkRE finds the target of a rel="next" entry of a Link header
// (RFC 8288).
var acctLinkRE = regexp.MustCompile(`<([^>]*)>\s*;[^,]*\brel\s*=\s*"?next"?`)

// acctLinkNext returns the rel="next" target of Link headers, or "".
func acctLinkNext(links []string) string {
	for _, h := range links {
		if m := acctLinkRE.FindStringSubmatch(h); m != nil {
			return m[1]
		}
	}
	return ""
}

// AcctLeftover is an account a SAML login created that provcheck could
// not delete because the run has no SCIM client: the operator removes it.
type AcctLeftover struct {
	// Check is the ID of the check whose logins created it.
	Check string `json:"check"`
	// ID, UserName and Emails are as the accounts listing showed them.
	ID       string   `json:"id"`
	UserName string   `json:"userName,omitempty"`
	Emails   []string `json:"emails,omitempty"`
}

// AcctLeftovers collects the accounts a run's logins left behind; it is
// safe for concurrent use. The runner writes them next to the ledger.
type AcctLeftovers struct {
	mu    sync.Mutex
	items []AcctLeftover
}

// add records accounts of a check.
func (l *AcctLeftovers) add(check string, as Accounts) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range as.IDs() {
		a := as[id]
		l.items = append(l.items, AcctLeftover{Check: check, ID: a.ID, UserName: a.UserName, Emails: a.Emails})
	}
}

// List returns the accounts recorded so far, in the order they were.
func (l *AcctLeftovers) List() []AcctLeftover {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.items)
}

// acctCleanup is the clean-up of a check without a SCIM client: provcheck
// deletes nothing it cannot delete through SCIM (DESIGN.md, "Safety on a
// real target"), so it logs the accounts the listing shows for the
// people and records them in Env.Leftovers for the operator.
func (e *Env) acctCleanup(t *suites.T, people []Person) {
	as := e.acctAccounts(t, people)
	if len(as) == 0 {
		return
	}
	t.Logf("no SCIM client: provcheck cannot delete the accounts the SP created for this check; remove them by hand: %s", as)
	if e.Leftovers != nil {
		e.Leftovers.add(t.Name(), as)
	}
}
