package saml

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Verdict is the outcome of one login, as the catalogue names them. An ACS
// status code alone never decides it.
type Verdict string

// The verdicts of the catalogue ("Verdicts").
const (
	AcceptedAsExpected     Verdict = "ACCEPTED_AS_EXPECTED"
	AcceptedAsVictim       Verdict = "ACCEPTED_AS_VICTIM"
	AcceptedAsOther        Verdict = "ACCEPTED_AS_OTHER"
	RejectedClean          Verdict = "REJECTED_CLEAN"
	RejectedWithSideEffect Verdict = "REJECTED_WITH_SIDE_EFFECT"
	ServerError            Verdict = "SERVER_ERROR"
	Indeterminate          Verdict = "INDETERMINATE"
)

// classify returns the verdict of a login: the session's principal first
// (victim, expected, other), then, without a session, side effects (a
// non-empty description), then a server error.
func classify(l *Login, expected, victim func(Principal) bool, sideEffect string) Verdict {
	switch {
	case l.Session != nil && victim != nil && victim(*l.Session):
		return AcceptedAsVictim
	case l.Session != nil && expected != nil && expected(*l.Session):
		return AcceptedAsExpected
	case l.Session != nil:
		return AcceptedAsOther
	case sideEffect != "":
		return RejectedWithSideEffect
	case l.ServerError:
		return ServerError
	}
	return RejectedClean
}

// Account is a user as the SCIM oracle sees it.
type Account struct {
	ID, UserName, ExternalID string
	Emails                   []string
	GivenName, FamilyName    string
	// Active is "true", "false" or "" when the attribute is absent.
	Active string
}

// String is the account in a few words, for reasons.
func (a Account) String() string {
	s := fmt.Sprintf("%s (userName %q", a.ID, a.UserName)
	if a.ExternalID != "" {
		s += fmt.Sprintf(", externalId %q", a.ExternalID)
	}
	if len(a.Emails) > 0 {
		s += ", emails " + strings.Join(a.Emails, " ")
	}
	if a.Active != "" {
		s += ", active " + a.Active
	}
	return s + ")"
}

// hasEmail reports whether the account has the email (case-insensitive).
func (a Account) hasEmail(e string) bool {
	return slices.ContainsFunc(a.Emails, func(x string) bool { return strings.EqualFold(x, e) })
}

// matches reports whether a whoami principal is this account: the same id,
// or (the whoami ids of an app need not be its SCIM ids) the same userName
// or the same email, when whoami gives them. known is false when no field
// can be compared; a principal differs only when every comparable field
// does.
func (a Account) matches(p Principal) (same, known bool) {
	if p.ID == a.ID {
		return true, true
	}
	if p.UserName != "" && a.UserName != "" {
		known = true
		if strings.EqualFold(p.UserName, a.UserName) {
			return true, true
		}
	}
	if p.Email != "" && len(a.Emails) > 0 {
		known = true
		if a.hasEmail(p.Email) {
			return true, true
		}
	}
	return false, known
}

func accountOf(m map[string]any) Account {
	a := Account{ID: str(m["id"]), UserName: str(m["userName"]), ExternalID: str(m["externalId"])}
	if emails, ok := m["emails"].([]any); ok {
		for _, e := range emails {
			if em, ok := e.(map[string]any); ok && str(em["value"]) != "" {
				a.Emails = append(a.Emails, str(em["value"]))
			}
		}
	}
	if name, ok := m["name"].(map[string]any); ok {
		a.GivenName, a.FamilyName = str(name["givenName"]), str(name["familyName"])
	}
	switch v := m["active"].(type) {
	case bool:
		a.Active = fmt.Sprint(v)
	case string:
		a.Active = strings.ToLower(v)
	}
	return a
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// Accounts are the SCIM users the oracle found, by id.
type Accounts map[string]Account

// IDs returns the ids in order.
func (as Accounts) IDs() []string {
	ids := make([]string, 0, len(as))
	for id := range as {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// String lists the accounts, for reasons.
func (as Accounts) String() string {
	if len(as) == 0 {
		return "none"
	}
	var parts []string
	for _, id := range as.IDs() {
		parts = append(parts, as[id].String())
	}
	return strings.Join(parts, "; ")
}

// added returns the accounts of after that are not in as.
func (as Accounts) added(after Accounts) Accounts {
	out := Accounts{}
	for id, a := range after {
		if _, ok := as[id]; !ok {
			out[id] = a
		}
	}
	return out
}

// accounts asks the SCIM oracle for every user that carries one of the
// people's identifiers: externalId or userName equal to a NameID, userName
// or an email value equal to an email. Without a SCIM client the accounts
// listing (Env.Listing) answers, filtered client-side to the same
// identifiers; without either it returns nil. A filter the target refuses
// with 400 is left out (logged); any other failure aborts the check as
// INDETERMINATE.
func (e *Env) accounts(t *suites.T, people ...Person) Accounts {
	if e.SCIM == nil {
		if e.acctListing() != nil {
			return e.acctAccounts(t, people)
		}
		return nil
	}
	if e.acctListing() != nil {
		acctNoteOnce(t, acctSCIMFirstNote)
	}
	out := Accounts{}
	for _, f := range filtersFor(people) {
		resp, err := e.SCIM.Do(t.Context(), target.Request{Path: "/Users", Query: url.Values{"filter": {f}, "count": {"100"}}}, t)
		if err != nil {
			t.Abort(fmt.Errorf("INDETERMINATE: SCIM oracle: %w", err))
		}
		if resp.Status == http.StatusBadRequest {
			t.Logf("SCIM oracle: filter %s answered 400; left out", f)
			continue
		}
		if resp.Status != http.StatusOK {
			t.Abort(fmt.Errorf("INDETERMINATE: SCIM oracle: GET /Users?filter=%s answered %d", f, resp.Status))
		}
		var list struct {
			Resources []map[string]any `json:"Resources"`
		}
		if err := resp.JSON(&list); err != nil {
			t.Abort(fmt.Errorf("INDETERMINATE: SCIM oracle: %w", err))
		}
		for _, r := range list.Resources {
			if a := accountOf(r); a.ID != "" {
				out[a.ID] = a
			}
		}
	}
	return out
}

func filtersFor(people []Person) []string {
	var fs []string
	seen := map[string]bool{}
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			fs = append(fs, f)
		}
	}
	for _, p := range people {
		if p.NameID != "" {
			add(fmt.Sprintf("externalId eq %q", p.NameID))
			add(fmt.Sprintf("userName eq %q", p.NameID))
		}
		if p.Email != "" {
			add(fmt.Sprintf("userName eq %q", p.Email))
			add(fmt.Sprintf("emails.value eq %q", p.Email))
		}
	}
	return fs
}

// account reads one user by id through the SCIM oracle (without a SCIM
// client, through the accounts listing).
func (e *Env) account(t *suites.T, id string) (Account, bool) {
	if e.SCIM == nil {
		return e.acctByID(t, id)
	}
	resp, err := e.SCIM.Do(t.Context(), target.Request{Path: "/Users/" + url.PathEscape(id)}, t)
	if err != nil {
		t.Abort(fmt.Errorf("INDETERMINATE: SCIM oracle: %w", err))
	}
	if resp.Status == http.StatusNotFound {
		return Account{}, false
	}
	m, err := resp.Object()
	if resp.Status != http.StatusOK || err != nil {
		t.Abort(fmt.Errorf("INDETERMINATE: SCIM oracle: GET /Users/%s answered %d", id, resp.Status))
	}
	return accountOf(m), true
}

// cleanup registers the deletion of every account the people's logins or
// provisioning created: each is found by the SCIM oracle, adopted into the
// run's ledger (only if it carries one of the people's run-marked
// identifiers) and deleted. Without a SCIM client it logs what may stay:
// with the accounts listing, the accounts themselves (Env.Leftovers).
func (e *Env) cleanup(t *suites.T, people ...Person) {
	t.Cleanup(func() {
		if e.SCIM == nil && e.acctListing() != nil {
			e.acctCleanup(t, people)
			return
		}
		if e.SCIM == nil {
			var ids []string
			for _, p := range people {
				ids = append(ids, p.NameID)
			}
			t.Logf("no SCIM client: accounts the SP created for NameIDs %s (if any) were not deleted", strings.Join(ids, ", "))
			return
		}
		for _, a := range e.accounts(t, people...) {
			path := "/Users/" + url.PathEscape(a.ID)
			if !e.SCIM.Owns(path) {
				if err := e.adopt(t, a, people); err != nil {
					t.Logf("clean-up: %v", err)
					continue
				}
			}
			if resp, err := e.SCIM.Do(t.Context(), target.Request{Method: http.MethodDelete, Path: path}, t); err != nil {
				t.Logf("clean-up: %v", err)
			} else if resp.Status != http.StatusNoContent && resp.Status != http.StatusOK && resp.Status != http.StatusNotFound {
				t.Logf("clean-up: DELETE %s answered %d; it stays in the ledger", path, resp.Status)
			}
		}
	})
}

// adopt records an account created by a login in the ledger, with the
// first identifier of the people it carries as the marker.
func (e *Env) adopt(t *suites.T, a Account, people []Person) error {
	var err error
	for _, p := range people {
		for _, m := range []string{p.NameID, p.Email} {
			if m == "" {
				continue
			}
			if err = e.SCIM.Adopt(t.Context(), "Users", a.ID, m, t); err == nil {
				return nil
			}
		}
	}
	return err
}

// provision creates p's account through SCIM (userName = email, externalId
// = NameID, active), as an IdP's provisioning does before the first login.
// It aborts as INDETERMINATE when the target refuses.
func (e *Env) provision(t *suites.T, p Person) Account {
	return e.provisionJitAs(t, p, p.Email)
}

// provisionJitAs is provision with another userName (a local username the
// JIT cases collide with).
func (e *Env) provisionJitAs(t *suites.T, p Person, userName string) Account {
	resp, err := e.SCIM.Do(t.Context(), target.Request{Method: http.MethodPost, Path: "/Users", Body: userBody(p, userName, true)}, t)
	if err != nil {
		t.Abort(fmt.Errorf("INDETERMINATE: SCIM provisioning: %w", err))
	}
	m, err := resp.Object()
	if resp.Status != http.StatusCreated || err != nil || str(m["id"]) == "" {
		t.Abort(fmt.Errorf("INDETERMINATE: SCIM POST /Users of %s answered %d; the case needs a provisioned user", p.Email, resp.Status))
	}
	return accountOf(m)
}

// userBody is p's SCIM User: externalId = NameID, the work email, the name.
func userBody(p Person, userName string, active bool) map[string]any {
	return map[string]any{
		"schemas":    []any{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName":   userName,
		"externalId": p.NameID,
		"name":       map[string]any{"givenName": p.GivenName, "familyName": p.Family},
		"emails":     []any{map[string]any{"value": p.Email, "type": "work", "primary": true}},
		"active":     active,
	}
}

// setActive sets active through SCIM: PATCH (RFC 7644 §3.5.2), or PUT of
// the whole user when PATCH is refused. It aborts as INDETERMINATE when
// neither works or the user does not read back the value.
func (e *Env) setActive(t *suites.T, a Account, p Person, active bool) {
	path := "/Users/" + url.PathEscape(a.ID)
	patch := map[string]any{
		"schemas":    []any{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []any{map[string]any{"op": "replace", "path": "active", "value": active}},
	}
	resp, err := e.SCIM.Do(t.Context(), target.Request{Method: http.MethodPatch, Path: path, Body: patch}, t)
	if err != nil {
		t.Abort(fmt.Errorf("INDETERMINATE: SCIM active=%v: %w", active, err))
	}
	if resp.Status != http.StatusOK && resp.Status != http.StatusNoContent {
		put := userBody(p, a.UserName, active)
		if resp, err = e.SCIM.Do(t.Context(), target.Request{Method: http.MethodPut, Path: path, Body: put}, t); err != nil || resp.Status != http.StatusOK {
			t.Abort(fmt.Errorf("INDETERMINATE: SCIM could not set active=%v on %s (PATCH and PUT refused)", active, a.ID))
		}
	}
	if got, ok := e.account(t, a.ID); !ok || got.Active != fmt.Sprint(active) {
		t.Abort(fmt.Errorf("INDETERMINATE: after setting active=%v, %s reads active %q", active, a.ID, got.Active))
	}
}
