package saml

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// jitLogin changes one login of a JIT case: edit changes the response
// spec (attributes and subject filled in) before it is signed;
// unsolicited sends it IdP-initiated even when the contract has a login
// URL; idp, if set, issues and signs it instead of Env.IdP.
type jitLogin struct {
	edit        func(s *mockidp.ResponseSpec)
	unsolicited bool
	idp         *mockidp.Identity
}

// jitNameIDFormat sends the NameID with another Format.
func jitNameIDFormat(format string) jitLogin {
	return jitLogin{edit: func(s *mockidp.ResponseSpec) { s.Assertion.NameIDFormat = format }}
}

// jitAttribute replaces the values of the attribute name, or adds it
// again as a second Attribute element when duplicate is set.
func jitAttribute(name string, duplicate bool, values ...string) jitLogin {
	return jitLogin{edit: func(s *mockidp.ResponseSpec) {
		if !duplicate {
			for i, at := range s.Assertion.Attributes {
				if at.Name == name {
					s.Assertion.Attributes[i].Values = values
					return
				}
			}
		}
		s.AddAttribute(name, values...)
	}}
}

// jitSide describes the change of the people's accounts around a login
// without a session, "" when none (or no SCIM oracle): a refused login's
// side effect (rule R6).
func jitSide(l *Login, before, after Accounts) string {
	if l.Session != nil || after == nil || len(after) == len(before) && len(before.added(after)) == 0 {
		return ""
	}
	return delta(before, after)
}

// jitRefusal judges a login that a correct SP refuses outright: a session
// or a side effect fails, a server error is logged (a warning in the
// catalogue, robustness), a clean refusal passes.
func jitRefusal(t *suites.T, l *Login, side, why string) {
	switch v := classify(l, nil, nil, side); v {
	case AcceptedAsOther:
		t.Errorf("%s, but %s (%s)", why, l.Summary(), v)
	default:
		jitOtherVerdict(t, v, l, side)
	}
}

// jitOtherVerdict judges the verdicts every JIT case treats alike: a
// refusal with a side effect fails (rule R6), a server error is logged (a
// warning in the catalogue, robustness).
func jitOtherVerdict(t *suites.T, v Verdict, l *Login, side string) {
	switch v {
	case RejectedWithSideEffect:
		t.Errorf("the login was refused but the accounts changed: %s (%s)", side, v)
	case ServerError:
		t.Logf("%s: %s (robustness: a warning in the catalogue)", v, l.Summary())
	}
}

// jitFindAccount returns the account the SCIM oracle shows for a session
// among the people's accounts, skipping the check when none matches.
func (e *Env) jitFindAccount(t *suites.T, s Principal, people ...Person) Account {
	for _, a := range e.accounts(t, people...) {
		if same, _ := a.matches(s); same {
			return a
		}
	}
	t.Skipf("the SCIM oracle shows no account of the session %s, so the case cannot delete it (the SP's SAML accounts are not its SCIM users)", s)
	return Account{}
}

// coexistFirstLogin is the first login of a SCIM-provisioned person, which
// a coexistence case builds on; when the SP refuses it (what SAML-SCIM-001
// judges), the case is skipped with the reason.
func (e *Env) coexistFirstLogin(t *suites.T, p Person) Principal {
	l := e.login(t, p)
	if l.Session == nil {
		t.Skipf("the SCIM-provisioned user cannot log in (%s); SAML-SCIM-001 judges that, and this case builds on that login", l.Summary())
	}
	return *l.Session
}

// jitDelete deletes an account through SCIM (adopting it into the ledger
// first when a login created it), aborting as INDETERMINATE when the
// target refuses.
func (e *Env) jitDelete(t *suites.T, a Account, people ...Person) {
	path := "/Users/" + url.PathEscape(a.ID)
	if !e.SCIM.Owns(path) {
		if err := e.adopt(t, a, people); err != nil {
			t.Abort(fmt.Errorf("INDETERMINATE: %w", err))
		}
	}
	resp, err := e.SCIM.Do(t.Context(), target.Request{Method: http.MethodDelete, Path: path}, t)
	if err != nil {
		t.Abort(fmt.Errorf("INDETERMINATE: SCIM DELETE %s: %w", path, err))
	}
	if resp.Status != http.StatusNoContent && resp.Status != http.StatusOK {
		t.Abort(fmt.Errorf("INDETERMINATE: SCIM DELETE %s answered %d; the case needs the account deleted", path, resp.Status))
	}
}

// jitAfterDelete judges a login of a NameID whose account (whoami id
// oldID) was deleted (catalogue J27, C04): per policy a new account with a
// new internal id, or a refusal; never the old id back.
func (e *Env) jitAfterDelete(t *suites.T, l *Login, oldID string, before, after Accounts) {
	side := jitSide(l, before, after)
	resurrected := func(s Principal) bool { return s.ID == oldID }
	switch v := classify(l, func(Principal) bool { return e.Policy.JIT }, resurrected, side); v {
	case AcceptedAsVictim:
		t.Errorf("the deleted account came back with its old internal id %s: %s (%s); a re-created account must get a new id and no old grants", oldID, l.Summary(), v)
	case AcceptedAsExpected:
		t.Logf("the SP re-created the account with a new id: %s (allowed)", l.Session)
	case AcceptedAsOther:
		t.Errorf("JIT creation is declared off, but the deleted user's NameID got a session: %s (%s)", l.Summary(), v)
	default:
		jitOtherVerdict(t, v, l, side)
	}
}

// coexistRename changes a SCIM user's userName and email (PATCH replace,
// or PUT of the whole user when PATCH is refused), aborting as
// INDETERMINATE when neither works.
func (e *Env) coexistRename(t *suites.T, a Account, changed Person, userName string) {
	path := "/Users/" + url.PathEscape(a.ID)
	patch := map[string]any{
		"schemas": []any{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []any{
			map[string]any{"op": "replace", "path": "userName", "value": userName},
			map[string]any{"op": "replace", "path": "emails", "value": []any{map[string]any{"value": changed.Email, "type": "work", "primary": true}}},
		},
	}
	resp, err := e.SCIM.Do(t.Context(), target.Request{Method: http.MethodPatch, Path: path, Body: patch}, t)
	if err == nil && (resp.Status == http.StatusOK || resp.Status == http.StatusNoContent) {
		return
	}
	resp, err = e.SCIM.Do(t.Context(), target.Request{Method: http.MethodPut, Path: path, Body: userBody(changed, userName, true)}, t)
	if err != nil || resp.Status != http.StatusOK {
		t.Abort(fmt.Errorf("INDETERMINATE: SCIM could not change userName and email of %s (PATCH and PUT refused)", a.ID))
	}
}

// jitEmailVariants are look-alikes of an email (catalogue J14): upper
// case, a full-width first letter, a dotless ı for the first i, a trailing
// dot, a trailing space, a +tag.
func jitEmailVariants(email string) map[string]string {
	local, domain, _ := strings.Cut(email, "@")
	out := map[string]string{
		"upper case":     strings.ToUpper(email),
		"trailing dot":   email + ".",
		"trailing space": email + " ",
		"+tag":           local + "+pc@" + domain,
	}
	if r := []rune(local); len(r) > 0 && r[0] >= 'a' && r[0] <= 'z' {
		out["full-width letter"] = string(r[0]-'a'+'ａ') + string(r[1:]) + "@" + domain
	}
	if i := strings.IndexByte(local, 'i'); i >= 0 {
		out["dotless ı"] = local[:i] + "ı" + local[i+1:] + "@" + domain
	}
	return out
}
