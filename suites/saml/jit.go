package saml

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/provcheck/provcheck/suites"
)

// Checks returns the SAML catalogue in a fixed order: JIT semantics, then
// SCIM + JIT coexistence. The slice is new on every call.
func Checks() []suites.Check {
	out := append(append([]suites.Check(nil), jitChecks...), jitMoreChecks...)
	out = append(out, jitRoleChecks...)
	out = append(out, linkChecks...)
	return append(append(out, coexistenceChecks...), coexistMoreChecks...)
}

// needSession stops the check when a login that must succeed did not.
func needSession(t *suites.T, l *Login, what string) Principal {
	if l.Session == nil {
		verdict := RejectedClean
		if l.ServerError {
			verdict = ServerError
		}
		t.Fatalf("%s: %s; expected a session (%s)", what, l.Summary(), verdict)
	}
	return *l.Session
}

// delta is the change of the people's accounts, as a sentence part: the
// count change, the new accounts and the ids of those gone.
func delta(before, after Accounts) string {
	s := fmt.Sprintf("Δu = %+d", len(after)-len(before))
	if added := before.added(after); len(added) > 0 {
		s += "; new: " + added.String()
	}
	if gone := after.added(before); len(gone) > 0 {
		s += "; gone: " + strings.Join(gone.IDs(), ", ")
	}
	return s
}

// observedEmail is the email of the session's account: whoami's, else that
// of the account the SCIM oracle shows under the session's id, else "".
func observedEmail(p *Principal, as Accounts) string {
	if p != nil && p.Email != "" {
		return p.Email
	}
	if p != nil {
		if a, ok := as[p.ID]; ok && len(a.Emails) > 0 {
			return a.Emails[0]
		}
	}
	return ""
}

// victimUntouched fails the check when the victim V's account, as the SCIM
// oracle (or the accounts listing) saw it in before, changed or
// disappeared (V must be untouched). Without an oracle, or when it did not
// see V, there is nothing to judge.
func (e *Env) victimUntouched(t *suites.T, before Accounts, victimID string) {
	vBefore, ok := before[victimID]
	if !ok || !e.acctHasOracle() {
		return
	}
	vAfter, ok := e.account(t, victimID)
	if !ok || vAfter.String() != vBefore.String() {
		t.Errorf("the victim V changed: before %s, after %s; V must be untouched", vBefore, vAfter)
	}
}

var jitChecks = []suites.Check{
	{
		ID: "SAML-JIT-001", Title: "The first login of a new NameID creates exactly one account with the mapped attributes (none when JIT is declared off)",
		Spec:  "SAML Core §8.3.7; catalogue R1, R5, R10",
		Rule:  `A baseline login for a new persistent NameID creates exactly one account (Δu = +1); the session principal is that account and the attributes are mapped as declared. With JIT creation off, an unknown user is refused with zero rows created.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapSAML},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:core"}, Covers: []string{"J01", "J20"},
		Run: func(t *suites.T) {
			e := Session(t)
			p := e.newPerson("j01")
			e.cleanup(t, p)
			before := e.accounts(t, p)
			l := e.login(t, p)
			after := e.accounts(t, p)
			if !e.Policy.JIT {
				if l.Session != nil {
					t.Errorf("JIT creation is declared off, but %s (%s)", l.Summary(), AcceptedAsOther)
				}
				if after != nil && len(after) != len(before) {
					t.Errorf("JIT creation is declared off, but the login changed the accounts: %s", delta(before, after))
				}
				return
			}
			s := needSession(t, l, "first login of a new person")
			if added := before.added(after); len(added) > 1 || len(after) > len(before)+1 {
				t.Fatalf("%s; expected exactly one new account: %s", l.Summary(), delta(before, after))
			} else if after != nil && len(added) == 0 {
				t.Logf("the SCIM oracle finds no new account of the person (filters on externalId, userName and emails.value); Δu is not judged")
			} else if after != nil {
				a := added[added.IDs()[0]]
				if same, known := a.matches(s); known && !same {
					t.Errorf("the session is %s, but the account created is %s (%s)", s, a, AcceptedAsOther)
				}
				if !a.hasEmail(p.Email) && !strings.EqualFold(a.UserName, p.Email) {
					t.Errorf("the new account %s lacks the asserted email %s (attribute %q)", a, p.Email, e.attrs().Email)
				}
				if a.GivenName != "" && a.GivenName != p.GivenName || a.FamilyName != "" && a.FamilyName != p.Family {
					t.Errorf("the new account's name is %q %q; the assertion said %q %q", a.GivenName, a.FamilyName, p.GivenName, p.Family)
				}
			}
			if s.Email != "" && !strings.EqualFold(s.Email, p.Email) {
				t.Errorf("whoami says the new account's email is %s; the assertion said %s", s.Email, p.Email)
			}
		},
	},
	{
		ID: "SAML-JIT-002", Title: "A second login of the same NameID lands in the same account",
		Spec:  "SAML Core §8.3.7; catalogue R1",
		Rule:  `A persistent NameID identifies the same principal at every login: the second login (new assertion ID, new browser) lands in the same internal account, Δu = 0.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:core"}, Covers: []string{"J02"},
		Run: func(t *suites.T) {
			e := Session(t)
			p := e.newPerson("j02")
			e.cleanup(t, p)
			first := needSession(t, e.login(t, p), "first login")
			mid := e.accounts(t, p)
			l := e.login(t, p)
			second := needSession(t, l, "second login")
			after := e.accounts(t, p)
			if second.ID != first.ID {
				t.Errorf("the first login landed in %s, the second in %s (%s); expected the same account", first, second, AcceptedAsOther)
			}
			if after != nil && len(after) != len(mid) {
				t.Errorf("the second login changed the person's accounts: %s; expected Δu = 0", delta(mid, after))
			}
		},
	},
	{
		ID: "SAML-JIT-003", Title: "Five logins of one NameID, each from a fresh browser, keep one account with a stable id",
		Spec:  "SAML Core §8.3.7; catalogue R1, R5",
		Rule:  `N1 logs in five times in sequence, each with a fresh cookie jar: still one account with a stable internal ID.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:extended"}, Covers: []string{"J03"},
		Run: func(t *suites.T) {
			e := Session(t)
			p := e.newPerson("j03")
			e.cleanup(t, p)
			before := e.accounts(t, p)
			var ids []string
			for i := 1; i <= 5; i++ {
				s := needSession(t, e.login(t, p), fmt.Sprintf("login %d of 5", i))
				ids = append(ids, s.ID)
				if s.ID != ids[0] {
					t.Errorf("login %d landed in %s, login 1 in id=%s; expected one stable account", i, s, ids[0])
				}
			}
			if after := e.accounts(t, p); len(after) > len(before)+1 {
				t.Errorf("after five logins of one new person: %s; expected exactly one account", delta(before, after))
			}
		},
	},
	{
		ID: "SAML-JIT-004", Title: "A changed email for the same NameID keeps the account; attributes follow the declared sync policy",
		Spec:  "SAML Core §8.3.7; catalogue R1, R8",
		Rule:  `N1 with a changed name and email (the new email unused) lands in the same account, never a new one. Attributes are updated iff the SP declares sync-on-login.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:core"}, Covers: []string{"J04"},
		Run: func(t *suites.T) {
			e := Session(t)
			p := e.newPerson("j04")
			changed := p
			changed.Email = e.newEmail("j04new")
			changed.GivenName, changed.Family = "Renamed"+randHex(2), "Changed"+randHex(2)
			e.cleanup(t, p, changed)
			first := needSession(t, e.login(t, p), "first login")
			mid := e.accounts(t, p, changed)
			l := e.login(t, changed)
			second := needSession(t, l, "login with the changed email")
			after := e.accounts(t, p, changed)
			if second.ID != first.ID {
				t.Fatalf("the first login landed in %s, the login with email %s in %s (%s); expected the same account", first, changed.Email, second, AcceptedAsOther)
			}
			if after != nil && len(after) != len(mid) {
				t.Errorf("the login with a changed email changed the accounts: %s; expected Δu = 0", delta(mid, after))
			}
			got := observedEmail(&second, after)
			want := ""
			switch e.Policy.Sync {
			case "on":
				want = changed.Email
			case "off":
				want = p.Email
			default:
				t.Logf("the SP declares no sync policy; the account's email after the change is %q", got)
				return
			}
			if got == "" {
				t.Logf("neither whoami nor SCIM shows the account's email; the sync policy (%s) is not judged", e.Policy.Sync)
				return
			}
			if !strings.EqualFold(got, want) {
				t.Errorf("sync on login is declared %s, so the account's email should be %s after the login with %s; it is %s", e.Policy.Sync, want, changed.Email, got)
			}
		},
	},
	{
		ID: "SAML-JIT-006", Title: "Ten concurrent first logins of one new NameID create one account; every login succeeds or fails cleanly",
		Spec:  "SAML Core §8.3.7; catalogue R5",
		Rule:  `N parallel POSTs of distinct, valid Responses for the same new N1: exactly one account. Every request succeeds or fails cleanly (no 5xx). All sessions map to the same ID.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:extended"}, Covers: []string{"J18"},
		Run: func(t *suites.T) {
			const n = 10
			e := Session(t)
			p := e.newPerson("j18")
			e.cleanup(t, p)
			before := e.accounts(t, p)
			// Every response is built (and every AuthnRequest obtained)
			// first; then all POSTs are released at once.
			ready := make([]*prepared, n)
			for i := range ready {
				ready[i] = e.prepare(t, p)
			}
			logins := make([]*Login, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range logins {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					logins[i] = ready[i].send()
				}()
			}
			close(start)
			wg.Wait()
			after := e.accounts(t, p)
			ids := map[string]int{}
			for i, l := range logins {
				switch {
				case l == nil:
					t.Fatalf("concurrent login %d of %d could not be completed", i+1, n)
				case l.ServerError:
					t.Errorf("concurrent login %d of %d: %s (%s); a create race must resolve to the winner's account, not a 5xx", i+1, n, l.Summary(), ServerError)
				case l.Session != nil:
					ids[l.Session.ID]++
				}
			}
			if len(ids) > 1 {
				var parts []string
				for id, k := range ids {
					parts = append(parts, fmt.Sprintf("%s (%d logins)", id, k))
				}
				sort.Strings(parts)
				t.Errorf("%d concurrent first logins of %s landed in %d accounts: %s; expected one", n, p.NameID, len(ids), strings.Join(parts, ", "))
			}
			if len(ids) == 0 {
				t.Errorf("none of %d concurrent first logins of %s got a session; expected the account to be created once and used by all", n, p.NameID)
			}
			if len(after) > len(before)+1 {
				t.Errorf("%d concurrent first logins: %s; expected exactly one account", n, delta(before, after))
			}
		},
	},
	{
		ID: "SAML-JIT-005", Title: "A login whose email was changed to another account's email never lands in that account",
		Spec:  "SAML Core §8.3.7; catalogue R1, R4",
		Rule:  `N1 whose email was changed to V's email: no merge and no session as V. Stay in N1's account or reject. V is untouched.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:core"}, Covers: []string{"J05"},
		Run: func(t *suites.T) {
			e := Session(t)
			v := e.newPerson("victim")
			p := e.newPerson("j05")
			takeover := p
			takeover.Email = v.Email
			e.cleanup(t, v, p)
			victim := needSession(t, e.login(t, v), "login of the canary victim V")
			own := needSession(t, e.login(t, p), "first login of N1")
			if own.ID == victim.ID {
				t.Fatalf("N1 (%s) and the victim V (%s) landed in the same account %s before any email change", p.NameID, v.NameID, own.ID)
			}
			before := e.accounts(t, v, p)
			l := e.login(t, takeover)
			after := e.accounts(t, v, p)
			side := ""
			if after != nil && len(after) != len(before) {
				side = delta(before, after)
			}
			verdict := classify(l, func(s Principal) bool { return s.ID == own.ID }, func(s Principal) bool { return s.ID == victim.ID }, side)
			switch verdict {
			case AcceptedAsVictim:
				t.Errorf("account takeover: N1 (%s) asserting V's email %s got a session as the victim V %s (%s)", p.NameID, v.Email, victim, verdict)
			case AcceptedAsOther:
				t.Errorf("N1 asserting V's email got a session as %s, neither N1's account (id=%s) nor a refusal (%s)", l.Session, own.ID, verdict)
			case RejectedWithSideEffect:
				t.Errorf("the login was refused but the accounts changed: %s (%s)", side, verdict)
			case ServerError:
				t.Logf("%s: %s (robustness: a warning in the catalogue, not a takeover)", verdict, l.Summary())
			}
			e.victimUntouched(t, before, victim.ID)
		},
	},
	{
		ID: "SAML-JIT-007", Title: "A new NameID carrying another account's email never gets a session as that account",
		Spec:  "SAML Core §8.3.7; catalogue R1, R4",
		Rule:  `New N2 carrying V's email: never a session as V without proof. Allowed outcomes, by declared policy: deny, a separate account, or a prompt to link with re-auth.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:core"}, Covers: []string{"J06"},
		Run: func(t *suites.T) {
			e := Session(t)
			v := e.newPerson("victim")
			n2 := e.newPerson("j06")
			n2.Email = v.Email
			e.cleanup(t, v, n2)
			victim := needSession(t, e.login(t, v), "login of the canary victim V")
			before := e.accounts(t, v, n2)
			l := e.login(t, n2)
			after := e.accounts(t, v, n2)
			side := ""
			if l.Session == nil && after != nil && len(after) != len(before) {
				side = delta(before, after)
			}
			separate := func(s Principal) bool { return s.ID != victim.ID }
			switch verdict := classify(l, separate, func(s Principal) bool { return s.ID == victim.ID }, side); verdict {
			case AcceptedAsVictim:
				t.Errorf("account takeover: a new NameID %s carrying V's email %s got a session as the victim V %s (%s)", n2.NameID, v.Email, victim, verdict)
			case AcceptedAsExpected:
				t.Logf("a separate account %s for the new NameID (allowed)", l.Session)
			case RejectedWithSideEffect:
				t.Errorf("the login was refused but the accounts changed: %s (%s)", side, verdict)
			case ServerError:
				t.Logf("%s: %s (robustness: a warning in the catalogue, not a takeover)", verdict, l.Summary())
			}
			e.victimUntouched(t, before, victim.ID)
		},
	},
}

var coexistenceChecks = []suites.Check{
	{
		ID: "SAML-SCIM-001", Title: "A SCIM-provisioned user whose externalId is the NameID is linked at login, not duplicated",
		Spec:  "SAML Core §8.3.7; RFC 7643 §3.1 (externalId); catalogue R7",
		Rule:  `SCIM POST /Users with externalId = N1, then SAML for N1: the login lands in the SCIM-created account; Δu = 0.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapSAML, suites.CapSAMLSCIM},
		Labels: []string{suites.SAMLLabel, "area:coexistence", "tier:core"}, Covers: []string{"C01"},
		Run: func(t *suites.T) {
			e := Session(t)
			p := e.newPerson("c01")
			e.cleanup(t, p)
			a := e.provision(t, p)
			before := e.accounts(t, p)
			l := e.login(t, p)
			after := e.accounts(t, p)
			side := ""
			if len(after) != len(before) {
				side = delta(before, after)
			}
			expected := func(s Principal) bool { same, _ := a.matches(s); return same }
			switch v := classify(l, expected, nil, side); v {
			case AcceptedAsExpected:
				if side != "" {
					t.Errorf("the login landed in the SCIM user %s but created accounts: %s; expected Δu = 0", a.ID, side)
				}
			case AcceptedAsOther:
				t.Errorf("the SCIM-provisioned user %s logged in as %s (%s): %s", a, l.Session, v, delta(before, after))
			default:
				t.Errorf("the SCIM-provisioned user %s could not log in: %s (%s)", a, l.Summary(), v)
			}
		},
	},
	{
		ID: "SAML-SCIM-003", Title: "A user deactivated through SCIM (active=false) cannot log in and is neither re-created nor re-activated",
		Spec:  "RFC 7643 §4.1.1 (active); catalogue R6, R7",
		Rule:  `SCIM PATCH active=false, then SAML for N1: deny, no session, the account stays inactive, Δu = 0.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapSAMLSCIM},
		Labels: []string{suites.SAMLLabel, "area:coexistence", "tier:core"}, Covers: []string{"C03", "J24"},
		Run: func(t *suites.T) {
			e := Session(t)
			p := e.newPerson("c03")
			e.cleanup(t, p)
			a := e.provision(t, p)
			e.setActive(t, a, p, false)
			before := e.accounts(t, p)
			l := e.login(t, p)
			after := e.accounts(t, p)
			var side []string
			if len(after) != len(before) {
				side = append(side, delta(before, after))
			}
			now, ok := e.account(t, a.ID)
			if ok && now.Active != "false" {
				side = append(side, fmt.Sprintf("the user reads active %q", now.Active))
			}
			expected := func(s Principal) bool { same, _ := a.matches(s); return same }
			switch v := classify(l, expected, nil, strings.Join(side, "; ")); v {
			case AcceptedAsExpected:
				t.Errorf("the deactivated user %s got a session: %s (%s)", a.ID, l.Summary(), v)
			case AcceptedAsOther:
				t.Errorf("the deactivated user's NameID got a session as another account %s (%s): %s", l.Session, v, delta(before, after))
			case RejectedWithSideEffect:
				t.Errorf("the login was refused but the deactivated user's state changed: %s (%s)", strings.Join(side, "; "), v)
			case ServerError:
				t.Logf("%s: %s (robustness: a warning in the catalogue)", v, l.Summary())
			}
		},
	},
	{
		ID: "SAML-SCIM-005", Title: "A user re-activated through SCIM logs in to the same account again",
		Spec:  "RFC 7643 §4.1.1 (active); catalogue R7",
		Rule:  `SCIM reactivation (active=true) after a deactivation, then SAML: the same internal ID comes back; Δu = 0.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapSAML, suites.CapSAMLSCIM},
		Labels: []string{suites.SAMLLabel, "area:coexistence", "tier:extended"}, Covers: []string{"C05"},
		Run: func(t *suites.T) {
			e := Session(t)
			p := e.newPerson("c05")
			e.cleanup(t, p)
			a := e.provision(t, p)
			first := needSession(t, e.login(t, p), "login of the SCIM-provisioned user")
			e.setActive(t, a, p, false)
			before := e.accounts(t, p)
			e.setActive(t, a, p, true)
			l := e.login(t, p)
			after := e.accounts(t, p)
			side := ""
			if len(after) != len(before) {
				side = delta(before, after)
			}
			switch v := classify(l, func(s Principal) bool { return s.ID == first.ID }, nil, side); v {
			case AcceptedAsExpected:
				if side != "" {
					t.Errorf("the re-activated user logged in to the same account but the accounts changed: %s; expected Δu = 0", side)
				}
			case AcceptedAsOther:
				t.Errorf("before deactivation the user logged in to %s, after re-activation to %s (%s): %s", first, l.Session, v, delta(before, after))
			default:
				t.Errorf("the re-activated user %s could not log in: %s (%s)", a, l.Summary(), v)
			}
		},
	},
}
