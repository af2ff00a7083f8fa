package saml

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// jitMoreChecks continue jitChecks: catalogue lines J08 to J27, then J13.
var jitMoreChecks = []suites.Check{
	{
		ID: "SAML-JIT-008", Title: "A NameID in another letter case never resolves to the account of the original NameID (unless case folding is declared)",
		Spec:  "SAML Core §2.2.3, §8.3.7; catalogue R2",
		Rule:  `N1 with altered case (abcDEF vs ABCdef) is treated as a distinct identity (a separate account or a refusal), or, when the SP declares case folding (--sp-nameid-case insensitive), as N1 itself; it never resolves to a different existing user, and each NameID keeps landing in its own account.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:core"}, Covers: []string{"J08"},
		Run: func(t *suites.T) {
			e := Session(t)
			orig := e.newPerson("j08")
			variant := orig
			orig.NameID += "-abcDEF"
			variant.NameID += "-ABCdef"
			variant.Email = e.newEmail("j08v")
			e.cleanup(t, orig, variant)
			first := needSession(t, e.login(t, orig), "first login of N1")
			before := e.accounts(t, orig, variant)
			l := e.login(t, variant)
			after := e.accounts(t, orig, variant)
			folds := strings.EqualFold(e.Policy.NameIDCase, "insensitive")
			side := jitSide(l, before, after)
			distinct := func(s Principal) bool { return folds || s.ID != first.ID }
			other := func(s Principal) bool { return !folds && s.ID == first.ID }
			switch v := classify(l, distinct, other, side); v {
			case AcceptedAsVictim:
				t.Errorf("NameID %s landed in the account of %s (%s), %s (%s); NameIDs are declared compared exactly", variant.NameID, orig.NameID, first, l.Summary(), v)
			default:
				jitOtherVerdict(t, v, l, side)
			}
			if again := needSession(t, e.login(t, orig), "N1 logs in again"); again.ID != first.ID {
				t.Errorf("after the case variant's login, N1 %s lands in %s, not its account %s", orig.NameID, again, first)
			}
			if l.Session != nil && l.Session.ID != first.ID {
				if again := needSession(t, e.login(t, variant), "the case variant logs in again"); again.ID != l.Session.ID {
					t.Errorf("the case variant %s first landed in %s, then in %s; expected its own account both times", variant.NameID, l.Session, again)
				}
			}
		},
	},
	{
		ID: "SAML-JIT-009", Title: "Transient NameIDs never create a new persistent account per login",
		Spec:  "SAML Core §8.3.8; catalogue R3",
		Rule:  `Two logins with Format=transient and a new NameID value each: no new persistent account per login. The SP keys on a configured attribute, creates a temporary user (declared with --sp-transient temporary), or refuses; when it declares refusal (--sp-transient reject), no session.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:core"}, Covers: []string{"J09"},
		Run: func(t *suites.T) {
			e := Session(t)
			t1, t2 := e.newPerson("j09"), e.newPerson("j09")
			t2.GivenName, t2.Family = t1.GivenName, t1.Family
			e.cleanup(t, t1, t2)
			before := e.accounts(t, t1, t2)
			transient := jitNameIDFormat(mockidp.NameIDTransient)
			logins := []*Login{e.login(t, t1, transient), e.login(t, t2, transient)}
			after := e.accounts(t, t1, t2)
			ids := map[string]bool{}
			for _, l := range logins {
				switch {
				case l.ServerError:
					t.Logf("%s: %s (robustness: a warning in the catalogue)", ServerError, l.Summary())
				case l.Session != nil && strings.EqualFold(e.Policy.Transient, "reject"):
					t.Errorf("the SP declares transient NameIDs refused, but %s (%s)", l.Summary(), AcceptedAsOther)
				case l.Session != nil:
					ids[l.Session.ID] = true
				}
			}
			added := before.added(after)
			switch {
			case len(ids) == 0 && after != nil && len(added) > 0:
				t.Errorf("both transient logins were refused but the accounts changed: %s (%s)", delta(before, after), RejectedWithSideEffect)
			case len(ids) < 2:
			case strings.EqualFold(e.Policy.Transient, "temporary"):
				t.Logf("two transient logins landed in two accounts; the SP declares temporary users (allowed)")
			case after == nil:
				t.Logf("two transient logins landed in two accounts; without the SCIM oracle it is unknown whether they persist (not judged)")
			case len(added) >= 2:
				t.Errorf("each transient NameID got a new persistent account: %s; a transient NameID is never a persistent key (declare --sp-transient temporary if these are temporary users)", delta(before, after))
			}
		},
	},
	{
		ID: "SAML-JIT-010", Title: "An assertion with an empty NameID and no key attribute is refused with no account created",
		Spec:  "SAML Core §2.2.3, §2.4.1; catalogue R1, R6",
		Rule:  `NameID empty (and no configured immutable key attribute sent): reject with Δu = 0, no session.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:core"}, Covers: []string{"J10"},
		Run: func(t *suites.T) {
			e := Session(t)
			p := e.newPerson("j10")
			e.cleanup(t, p)
			empty := p
			empty.NameID = ""
			before := e.accounts(t, p)
			l := e.login(t, empty, jitLogin{edit: func(s *mockidp.ResponseSpec) { s.Assertion.NameID = "" }})
			after := e.accounts(t, p)
			jitRefusal(t, l, jitSide(l, before, after), "the assertion has an empty NameID and no key attribute")
		},
	},
	{
		ID: "SAML-JIT-011", Title: "A login without the email attribute is refused when email is required, and never gets a placeholder email",
		Spec:  "SAML Core §2.7.3; catalogue R6, R9",
		Rule:  `Required email attribute missing: when the SP declares email required (--sp-required-attrs), reject with Δu = 0; in any case no placeholder account (an invented email address).`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:core"}, Covers: []string{"J11"},
		Run: func(t *suites.T) {
			e := Session(t)
			p := e.newPerson("j11")
			e.cleanup(t, p)
			noMail := p
			noMail.Email = ""
			before := e.accounts(t, p)
			l := e.login(t, noMail)
			after := e.accounts(t, p)
			if name := e.attrs().Email; e.Policy.requires(name) {
				jitRefusal(t, l, jitSide(l, before, after), fmt.Sprintf("the required attribute %q is missing", name))
				return
			}
			if l.Session == nil {
				jitRefusal(t, l, jitSide(l, before, after), "a login without email")
				return
			}
			if l.Session.Email != "" {
				how := "a placeholder account"
				if l.Session.Email == p.NameID {
					how = "the NameID, not an email address, stored as the email"
				}
				t.Errorf("no email was asserted, but the session's account has email %s (%s)", l.Session.Email, how)
			}
			for _, a := range before.added(after) {
				if len(a.Emails) > 0 {
					t.Errorf("no email was asserted, but the new account %s has one (a placeholder account)", a)
				}
			}
		},
	},
	{
		ID: "SAML-JIT-012", Title: "A NameID equal to an existing local userName does not take that account over",
		Spec:  "SAML Core §8.3.7; catalogue R1, R4",
		Rule:  `The asserted username (the NameID) equals an existing local username: no takeover. The SP refuses, or creates a separate account (a suffixed username); the local user is untouched.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapSAMLSCIM},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:core"}, Covers: []string{"J12"},
		Run: func(t *suites.T) {
			e := Session(t)
			local := e.newPerson("j12local")
			attacker := e.newPerson("j12")
			attacker.NameID = fmt.Sprintf("pc-j12-admin-%s-%s", e.RunID, randHex(3))
			e.cleanup(t, local, attacker)
			a := e.provisionJitAs(t, local, attacker.NameID)
			before := e.accounts(t, local, attacker)
			l := e.login(t, attacker)
			after := e.accounts(t, local, attacker)
			side := jitSide(l, before, after)
			// The session is the local user's when it has its id or its
			// email (the NameID asserted another); whoami ids need not be
			// SCIM ids, and a takeover that rewrites the email shows in
			// victimUntouched.
			isLocal := func(s Principal) bool {
				return s.ID == a.ID || s.Email != "" && a.hasEmail(s.Email)
			}
			separate := func(s Principal) bool { return !isLocal(s) }
			switch v := classify(l, separate, isLocal, side); v {
			case AcceptedAsVictim:
				t.Errorf("account takeover: NameID %s, the userName of the local user %s, got a session as that user (%s)", attacker.NameID, a, v)
			case AcceptedAsExpected:
				t.Logf("a separate account %s for the NameID (allowed)", l.Session)
			default:
				jitOtherVerdict(t, v, l, side)
			}
			e.victimUntouched(t, before, a.ID)
		},
	},
	{
		ID: "SAML-JIT-013", Title: "Look-alike variants of another account's email never link to that account",
		Spec:  "SAML Core §2.7.3; catalogue R4",
		Rule:  `New NameIDs asserting variants of V's email (upper case, a full-width letter, a dotless ı, a trailing dot or space, a +tag): no link to V (a separate account or a refusal; upper case or a trimmed space may link only when the SP declares linking, --sp-link auto) and no 5xx.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:extended"}, Covers: []string{"J14"},
		Run: func(t *suites.T) {
			e := Session(t)
			v := e.newPerson("victim")
			variants := jitEmailVariants(v.Email)
			names := make([]string, 0, len(variants))
			for k := range variants {
				names = append(names, k)
			}
			sort.Strings(names)
			people := []Person{v}
			for _, k := range names {
				p := e.newPerson("j14")
				p.Email = variants[k]
				people = append(people, p)
			}
			e.cleanup(t, people...)
			victim := needSession(t, e.login(t, v), "login of the canary victim V")
			before := e.accounts(t, people...)
			for i, k := range names {
				p := people[i+1]
				mid := e.accounts(t, people...)
				l := e.login(t, p)
				side := jitSide(l, mid, e.accounts(t, people...))
				linkOK := (k == "upper case" || k == "trailing space") && strings.EqualFold(e.Policy.Link, "auto")
				isVictim := func(s Principal) bool { return s.ID == victim.ID && !linkOK }
				switch verdict := classify(l, func(s Principal) bool { return !isVictim(s) }, isVictim, side); verdict {
				case AcceptedAsVictim:
					t.Errorf("%s variant %q of V's email: a new NameID got a session as the victim V %s (%s)", k, p.Email, victim, verdict)
				case RejectedWithSideEffect:
					t.Errorf("%s variant %q: the login was refused but the accounts changed: %s (%s)", k, p.Email, side, verdict)
				case ServerError:
					t.Errorf("%s variant %q: %s (%s); a look-alike email must not make the SP fail (duplicate key)", k, p.Email, l.Summary(), verdict)
				}
			}
			e.victimUntouched(t, before, victim.ID)
		},
	},
	{
		ID: "SAML-JIT-014", Title: "A multi-valued or duplicated email attribute never links to another account, and is handled the same way every time",
		Spec:  "SAML Core §2.7.3.1; catalogue R1, R4",
		Rule:  `Multi-valued email [V, own], or two email Attribute elements (own, then V): deterministic (the same outcome at a second login), never a session as V, link and key only on the single configured value.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:extended"}, Covers: []string{"J15"},
		Run: func(t *suites.T) {
			e := Session(t)
			v := e.newPerson("victim")
			multi, dup := e.newPerson("j15"), e.newPerson("j15d")
			e.cleanup(t, v, multi, dup)
			victim := needSession(t, e.login(t, v), "login of the canary victim V")
			before := e.accounts(t, v, multi, dup)
			name := e.attrs().Email
			for _, c := range []struct {
				what string
				p    Person
				opt  jitLogin
			}{
				{"multi-valued email [V, own]", multi, jitAttribute(name, false, v.Email, multi.Email)},
				{"duplicated email Attribute (own, then V)", dup, jitAttribute(name, true, v.Email)},
			} {
				var outcome []string
				for i := 0; i < 2; i++ {
					mid := e.accounts(t, v, multi, dup)
					l := e.login(t, c.p, c.opt)
					side := jitSide(l, mid, e.accounts(t, v, multi, dup))
					isVictim := func(s Principal) bool { return s.ID == victim.ID }
					verdict := classify(l, func(s Principal) bool { return !isVictim(s) }, isVictim, side)
					switch verdict {
					case AcceptedAsVictim:
						t.Errorf("%s: a new NameID got a session as the victim V %s (%s)", c.what, victim, verdict)
					case RejectedWithSideEffect:
						t.Errorf("%s: the login was refused but the accounts changed: %s (%s)", c.what, side, verdict)
					case ServerError:
						t.Logf("%s: %s (%s: robustness, a warning in the catalogue)", c.what, l.Summary(), verdict)
					}
					o := string(verdict)
					if l.Session != nil {
						o += " " + l.Session.ID
					}
					outcome = append(outcome, o)
				}
				if outcome[0] != outcome[1] {
					t.Errorf("%s: the same assertion content gave %s, then %s; expected a deterministic outcome", c.what, outcome[0], outcome[1])
				}
			}
			e.victimUntouched(t, before, victim.ID)
		},
	},
	{
		ID: "SAML-JIT-015", Title: "An unsolicited response is refused before JIT when IdP-initiated login is declared off",
		Spec:  "SAML Profiles §4.1.5; catalogue R11",
		Rule:  `Unsolicited Response (no InResponseTo) for a new NameID when the SP declares IdP-initiated login off (--sp-idp-initiated off): reject before JIT; Δu = 0, no session.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:core"}, Covers: []string{"J22"},
		Run: func(t *suites.T) {
			e := Session(t)
			if !strings.EqualFold(e.Policy.IdPInitiated, "off") {
				t.Skipf("the SP does not declare IdP-initiated login off (--sp-idp-initiated %q); unsolicited responses are then allowed", e.Policy.IdPInitiated)
			}
			p := e.newPerson("j22")
			e.cleanup(t, p)
			before := e.accounts(t, p)
			l := e.login(t, p, jitLogin{unsolicited: true})
			after := e.accounts(t, p)
			jitRefusal(t, l, jitSide(l, before, after), "IdP-initiated login is declared off and the response is unsolicited")
		},
	},
	{
		ID: "SAML-JIT-016", Title: "A display name with HTML/JS or a very long Unicode string is stored safely: no 5xx, never rendered unescaped",
		Spec:  "SAML Core §2.7.3.1.1; OWASP input validation; catalogue R6",
		Rule:  `givenName carries HTML and script, sn a long Unicode string (over 1 kB): the SP stores them safely or refuses the login cleanly; no 5xx, and no HTML answer echoes the markup unescaped.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:extended"}, Covers: []string{"J25"},
		Run: func(t *suites.T) {
			e := Session(t)
			p := e.newPerson("j25")
			marker := `<script>alert("pc-j25")</script>`
			p.GivenName = marker + `<img src=x onerror=alert(1)>"'&`
			p.Family = strings.Repeat("Ωμέγα😀", 100)
			e.cleanup(t, p)
			before := e.accounts(t, p)
			l := e.login(t, p)
			after := e.accounts(t, p)
			side := jitSide(l, before, after)
			switch v := classify(l, func(Principal) bool { return true }, nil, side); v {
			case ServerError:
				t.Errorf("a login with an HTML/JS given name and a %d-byte surname: %s (%s); expected the names stored safely or a clean refusal", len(p.Family), l.Summary(), v)
			case RejectedWithSideEffect:
				t.Errorf("the login was refused but the accounts changed: %s (%s)", side, v)
			case RejectedClean:
				t.Logf("the SP refused the names cleanly: %s (allowed)", l.Summary())
			}
			for _, a := range l.answers {
				if strings.Contains(strings.ToLower(a.header.Get("Content-Type")), "html") && strings.Contains(string(a.body), marker) {
					t.Errorf("the SP's HTML answer %d at %s echoes the asserted name's markup unescaped (%s)", a.status, a.url.Redacted(), marker)
				}
			}
		},
	},
	{
		ID: "SAML-JIT-017", Title: "A login after the account was deleted never brings back the old account",
		Spec:  "SAML Core §8.3.7; RFC 7644 §3.6; catalogue R6",
		Rule:  `SAML for N1 after the SP account (created at N1's first login) was deleted: per policy, re-create with a new internal ID and no old grants, or deny; never the old ID back.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT, suites.CapSAMLSCIM},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:extended"}, Covers: []string{"J27"},
		Run: func(t *suites.T) {
			e := Session(t)
			p := e.newPerson("j27")
			e.cleanup(t, p)
			first := needSession(t, e.login(t, p), "first login of N1")
			e.jitDelete(t, e.jitFindAccount(t, first, p), p)
			before := e.accounts(t, p)
			l := e.login(t, p)
			e.jitAfterDelete(t, l, first.ID, before, e.accounts(t, p))
		},
	},
	{
		ID: "SAML-JIT-018", Title: "A NameID equal to another account's email neither lands in that account nor locks it out",
		Spec:  "SAML Core §8.3.7; catalogue R1, R4",
		Rule:  `The asserted username (the NameID) equals another user V's email: no lock-out or confusion of either account. The login gets a separate account or a refusal, never V's; V still logs in to its own account, and the new NameID keeps landing in its own.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:extended"}, Covers: []string{"J13"},
		Run: func(t *suites.T) {
			e := Session(t)
			v := e.newPerson("victim")
			n2 := e.newPerson("j13")
			n2.NameID = v.Email
			e.cleanup(t, v, n2)
			victim := needSession(t, e.login(t, v), "login of the canary victim V")
			before := e.accounts(t, v, n2)
			l := e.login(t, n2)
			after := e.accounts(t, v, n2)
			side := jitSide(l, before, after)
			isVictim := func(s Principal) bool { return s.ID == victim.ID }
			switch verdict := classify(l, func(s Principal) bool { return !isVictim(s) }, isVictim, side); verdict {
			case AcceptedAsVictim:
				t.Errorf("account takeover: NameID %s, V's email, got a session as the victim V %s (%s)", n2.NameID, victim, verdict)
			default:
				jitOtherVerdict(t, verdict, l, side)
			}
			if again := e.login(t, v); again.Session == nil || again.Session.ID != victim.ID {
				t.Errorf("after a login with NameID %s (V's email), V logs in to %s: %s; expected V's own account %s", n2.NameID, again.Session, again.Summary(), victim)
			}
			if l.Session != nil && !isVictim(*l.Session) {
				if again := needSession(t, e.login(t, n2), "the NameID equal to V's email logs in again"); again.ID != l.Session.ID {
					t.Errorf("NameID %s first landed in %s, then in %s; expected its own account both times", n2.NameID, l.Session, again)
				}
			}
			e.victimUntouched(t, before, victim.ID)
		},
	},
	{
		ID: "SAML-JIT-019", Title: "The same NameID value from a second trusted IdP is a distinct identity",
		Spec:  "SAML Core §2.2.3, §8.3.7; catalogue R1",
		Rule:  `The same NameID value N1 from a second trusted IdP B (signed with B's key, Issuer B): a distinct identity (a separate account or a refusal), never a session as IdP A's N1 user; A's N1 still lands in its own account.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:extended"}, Covers: []string{"J07"},
		Run: func(t *suites.T) {
			e := Session(t)
			if e.SecondIdP == nil {
				t.Skipf("only one IdP identity is configured; --idp2-key, --idp2-cert and --idp2-entity-id name a second IdP the SP trusts")
			}
			fromB := jitLogin{idp: e.SecondIdP}
			p, control := e.newPerson("j07"), e.newPerson("j07b")
			pb := p
			pb.Email = e.newEmail("j07b")
			e.cleanup(t, p, pb, control)
			if l := e.login(t, control, fromB); l.Session == nil {
				t.Abort(fmt.Errorf("INDETERMINATE: a new NameID from the second IdP %s got no session (%s); does the SP trust it?", e.SecondIdP.EntityID, l.Summary()))
			}
			first := needSession(t, e.login(t, p), "first login of N1 from IdP A")
			before := e.accounts(t, p, pb)
			l := e.login(t, pb, fromB)
			after := e.accounts(t, p, pb)
			side := jitSide(l, before, after)
			isA := func(s Principal) bool { return s.ID == first.ID }
			switch v := classify(l, func(s Principal) bool { return !isA(s) }, isA, side); v {
			case AcceptedAsVictim:
				t.Errorf("N1 %s from IdP B (%s) got a session as IdP A's N1 user %s (%s); identities are keyed per IdP", pb.NameID, e.SecondIdP.EntityID, first, v)
			default:
				jitOtherVerdict(t, v, l, side)
			}
			if again := needSession(t, e.login(t, p), "N1 from IdP A logs in again"); again.ID != first.ID {
				t.Errorf("after the login from IdP B, IdP A's N1 lands in %s, not its account %s", again, first)
			}
			e.victimUntouched(t, before, first.ID)
		},
	},
	{
		ID: "SAML-JIT-020", Title: "Parallel first logins of two NameIDs sharing one email never merge them and never answer 5xx",
		Spec:  "SAML Core §8.3.7; catalogue R4, R5",
		Rule:  `Parallel first logins of N1 and N2 carrying one email: at most one email owner per policy, no 500 or deadlock. The two NameIDs never share one account, and each later logs in to the account it got (or stays refused).`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:extended"}, Covers: []string{"J19"},
		Run: func(t *suites.T) {
			e := Session(t)
			n1, n2 := e.newPerson("j19"), e.newPerson("j19")
			n2.Email = n1.Email
			e.cleanup(t, n1, n2)
			ready := []*prepared{e.prepare(t, n1), e.prepare(t, n2)}
			logins := make([]*Login, len(ready))
			jitConcurrently(func() { logins[0] = ready[0].send() }, func() { logins[1] = ready[1].send() })
			for i, l := range logins {
				if l == nil {
					t.Fatalf("parallel login %d could not be completed", i+1)
				}
				if l.ServerError {
					t.Errorf("parallel first logins of two NameIDs sharing %s: %s (%s); expected a clean outcome, no 500", n1.Email, l.Summary(), ServerError)
				}
			}
			s1, s2 := logins[0].Session, logins[1].Session
			if s1 != nil && s2 != nil && s1.ID == s2.ID {
				t.Fatalf("NameIDs %s and %s, logging in at once with one email, landed in one account %s; expected separate identities", n1.NameID, n2.NameID, s1)
			}
			owners := 0
			for _, a := range e.accounts(t, n1, n2) {
				if a.hasEmail(n1.Email) {
					owners++
				}
			}
			if owners > 1 {
				t.Logf("%d accounts hold %s (allowed: the SP declares no email uniqueness)", owners, n1.Email)
			}
			for i, p := range []Person{n1, n2} {
				if first := logins[i].Session; first != nil {
					if again := e.login(t, p); again.Session == nil || again.Session.ID != first.ID {
						t.Errorf("%s first landed in %s, then: %s; expected the same account", p.NameID, first, again.Summary())
					}
				}
			}
		},
	},
	{
		ID: "SAML-JIT-021", Title: "An email outside the declared allowed domains is refused or gets an account without linking",
		Spec:  "SAML Core §2.7.3; catalogue R4",
		Rule:  `Email domain outside the SP's declared allowed domains (--sp-allowed-domains): reject, or create an account without linking, per policy. Never a session in an existing account holding that email (not even when the SP declares linking), no side effect on a refusal.`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT},
		Labels: []string{suites.SAMLLabel, "area:jit", "tier:extended"}, Covers: []string{"J21"},
		Run: func(t *suites.T) {
			e := Session(t)
			if len(e.Policy.AllowedDomains) == 0 {
				t.Skipf("the SP declares no allowed email domains (--sp-allowed-domains)")
			}
			domain := "provcheck-outside.invalid"
			for slices.ContainsFunc(e.Policy.AllowedDomains, func(d string) bool { return strings.EqualFold(d, domain) }) {
				domain = "x" + domain
			}
			n := e.newPerson("j21")
			n.Email = fmt.Sprintf("pc-j21-%s-%s@%s", e.RunID, randHex(4), domain)
			people := []Person{n}
			var holder *Account
			holderID := ""
			if e.SCIM != nil {
				// An account holding the outside email, which a link would
				// land in.
				x := e.newPerson("j21x")
				x.Email = n.Email
				people = append(people, x)
				e.cleanup(t, people...)
				a := e.provision(t, x)
				holder, holderID = &a, a.ID
				if own := e.login(t, x); own.Session != nil {
					holderID = own.Session.ID
				}
			} else {
				e.cleanup(t, people...)
			}
			before := e.accounts(t, people...)
			l := e.login(t, n)
			after := e.accounts(t, people...)
			side := jitSide(l, before, after)
			isHolder := func(s Principal) bool { return holder != nil && (s.ID == holderID || s.ID == holder.ID) }
			switch v := classify(l, func(s Principal) bool { return !isHolder(s) }, isHolder, side); v {
			case AcceptedAsVictim:
				t.Errorf("a new NameID asserting %s, outside the allowed domains %s, got a session in the account holding it %s (%s); expected a refusal or an account without linking", n.Email, strings.Join(e.Policy.AllowedDomains, ", "), holder, v)
			case AcceptedAsExpected:
				t.Logf("an account without linking for the outside email: %s (allowed)", l.Session)
			default:
				jitOtherVerdict(t, v, l, side)
			}
			if holder != nil {
				e.victimUntouched(t, before, holder.ID)
			}
		},
	},
}

// coexistMoreChecks continue coexistenceChecks: catalogue lines C02 to
// C08.
var coexistMoreChecks = []suites.Check{
	{
		ID: "SAML-SCIM-002", Title: "A login with another NameID but a SCIM user's email is denied or linked by declared policy, never a silent second account",
		Spec:  "RFC 7643 §3.1 (externalId); catalogue R4, R7",
		Rule:  `SCIM user with externalId = X, then SAML with N1 ≠ X and the same email: no silent second account. A clear denial, or a link to the SCIM user when the SP declares policy-driven linking (--sp-link auto).`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapSAML, suites.CapSAMLSCIM},
		Labels: []string{suites.SAMLLabel, "area:coexistence", "tier:core"}, Covers: []string{"C02"},
		Run: func(t *suites.T) {
			e := Session(t)
			x := e.newPerson("c02x")
			n1 := e.newPerson("c02")
			n1.Email = x.Email
			e.cleanup(t, x, n1)
			a := e.provision(t, x)
			// The SCIM user's own login tells its whoami id, when the SP
			// lets it log in (SAML-SCIM-001 judges that).
			ownID := ""
			if own := e.login(t, x); own.Session != nil {
				ownID = own.Session.ID
			} else {
				t.Logf("the SCIM user could not log in with its own NameID X (%s), so its whoami id is unknown", own.Summary())
			}
			before := e.accounts(t, x, n1)
			l := e.login(t, n1)
			after := e.accounts(t, x, n1)
			side := jitSide(l, before, after)
			linkAllowed := strings.EqualFold(e.Policy.Link, "auto")
			scimUser := func(s Principal) bool { return s.ID == ownID }
			switch v := classify(l, func(s Principal) bool { return linkAllowed && scimUser(s) }, func(s Principal) bool { return !linkAllowed && scimUser(s) }, side); {
			case v == AcceptedAsVictim:
				t.Errorf("NameID %s was linked to the SCIM user %s by its email without a declared linking policy (--sp-link auto) (%s)", n1.NameID, a, v)
			case v == AcceptedAsOther && ownID == "" && linkAllowed:
				t.Logf("NameID %s got a session %s: a policy-driven link or a second account (the SCIM user's own session is unknown; not judged)", n1.NameID, l.Session)
			case v == AcceptedAsOther && ownID == "":
				t.Errorf("NameID %s with the SCIM user's email got a session %s (%s): a second account or a link without a declared linking policy (--sp-link auto); expected a denial", n1.NameID, l.Session, v)
			case v == AcceptedAsOther:
				t.Errorf("NameID %s with the SCIM user's email got a second account %s: %s (%s); expected a denial or a policy-driven link", n1.NameID, l.Session, delta(before, after), v)
			default:
				jitOtherVerdict(t, v, l, side)
			}
			e.victimUntouched(t, before, a.ID)
		},
	},
	{
		ID: "SAML-SCIM-004", Title: "A login after a SCIM DELETE never resurrects the old account",
		Spec:  "RFC 7644 §3.6; catalogue R6, R7",
		Rule:  `SCIM DELETE of a user who logged in, then SAML for N1: per declared policy a new account with a new internal ID (JIT on) or a denial; never the old ID and grants back.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapSAML, suites.CapSAMLSCIM},
		Labels: []string{suites.SAMLLabel, "area:coexistence", "tier:core"}, Covers: []string{"C04"},
		Run: func(t *suites.T) {
			e := Session(t)
			p := e.newPerson("c04")
			e.cleanup(t, p)
			a := e.provision(t, p)
			oldID := a.ID
			if first := e.login(t, p); first.Session != nil {
				oldID = first.Session.ID
			} else {
				t.Logf("the SCIM-provisioned user could not log in before the deletion (%s; SAML-SCIM-001 judges that); the old id is the SCIM id %s", first.Summary(), a.ID)
			}
			e.jitDelete(t, a, p)
			before := e.accounts(t, p)
			l := e.login(t, p)
			e.jitAfterDelete(t, l, oldID, before, e.accounts(t, p))
		},
	},
	{
		ID: "SAML-SCIM-006", Title: "After SCIM changes userName and email, a login with the new email and the same NameID lands in the same account",
		Spec:  "RFC 7644 §3.5.2; catalogue R1, R7",
		Rule:  `SCIM changes userName and email, then SAML with the new email and the same N1: the same account; no duplicate (Δu = 0).`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapSAML, suites.CapSAMLSCIM},
		Labels: []string{suites.SAMLLabel, "area:coexistence", "tier:extended"}, Covers: []string{"C06"},
		Run: func(t *suites.T) {
			e := Session(t)
			p := e.newPerson("c06")
			changed := p
			changed.Email = e.newEmail("c06new")
			e.cleanup(t, p, changed)
			a := e.provision(t, p)
			first := e.coexistFirstLogin(t, p)
			e.coexistRename(t, a, changed, changed.Email)
			before := e.accounts(t, p, changed)
			l := e.login(t, changed)
			after := e.accounts(t, p, changed)
			side := ""
			if after != nil && len(after) != len(before) {
				side = delta(before, after)
			}
			switch v := classify(l, func(s Principal) bool { return s.ID == first.ID }, nil, side); v {
			case AcceptedAsExpected:
				if side != "" {
					t.Errorf("the login landed in the same account but the accounts changed: %s; expected Δu = 0", side)
				}
			case AcceptedAsOther:
				t.Errorf("before the SCIM change the user logged in to %s, after it to %s (%s): %s", first, l.Session, v, delta(before, after))
			default:
				t.Errorf("after SCIM changed userName and email, the user could not log in: %s (%s)", l.Summary(), v)
			}
		},
	},
	{
		ID: "SAML-SCIM-007", Title: "A SCIM POST for a user JIT already created adopts the account or conflicts (409), never duplicates it",
		Spec:  "RFC 7644 §3.3 (409 uniqueness); catalogue R5, R7",
		Rule:  `JIT-created N1 first, then SCIM POST with externalId = N1: SCIM adopts or conflicts (409) on the existing user; no duplicate, and N1 still logs in to its account.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapSAML, suites.CapJIT, suites.CapSAMLSCIM},
		Labels: []string{suites.SAMLLabel, "area:coexistence", "tier:core"}, Covers: []string{"C07"},
		Run: func(t *suites.T) {
			e := Session(t)
			p := e.newPerson("c07")
			e.cleanup(t, p)
			first := needSession(t, e.login(t, p), "first login of N1")
			before := e.accounts(t, p)
			resp, err := e.SCIM.Do(t.Context(), target.Request{Method: http.MethodPost, Path: "/Users", Body: userBody(p, p.Email, true)}, t)
			if err != nil {
				t.Abort(fmt.Errorf("INDETERMINATE: SCIM POST: %v", err))
			}
			after := e.accounts(t, p)
			switch added := before.added(after); {
			case resp.Status >= 500:
				t.Errorf("SCIM POST of the JIT-created user answered %d; expected adoption or 409", resp.Status)
			case len(added) > 0:
				t.Errorf("SCIM POST with externalId = %s answered %d and created a second account: %s; expected adoption or 409", p.NameID, resp.Status, delta(before, after))
			case resp.Status == http.StatusConflict:
				t.Logf("SCIM POST conflicts with the JIT-created account (409, allowed)")
			}
			if again := needSession(t, e.login(t, p), "N1 logs in after the SCIM POST"); again.ID != first.ID {
				t.Errorf("N1 logged in to %s before the SCIM POST, to %s after it; expected the same account", first, again)
			}
		},
	},
	{
		ID: "SAML-SCIM-008", Title: "Concurrent SCIM POST and first SAML login of one person create exactly one account",
		Spec:  "RFC 7644 §3.3; catalogue R5, R7",
		Rule:  `SCIM POST /Users (externalId = N1) and the first SAML login of N1, released together (three people): exactly one account each; a session, if any, is that account.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapSAML, suites.CapSAMLSCIM},
		Labels: []string{suites.SAMLLabel, "area:coexistence", "tier:extended"}, Covers: []string{"C08"},
		Run: func(t *suites.T) {
			e := Session(t)
			for round := 1; round <= 3; round++ {
				p := e.newPerson("c08")
				e.cleanup(t, p)
				ready := e.prepare(t, p)
				var (
					l       *Login
					status  int
					postErr error
				)
				jitConcurrently(func() { l = ready.send() }, func() {
					resp, err := e.SCIM.Do(t.Context(), target.Request{Method: http.MethodPost, Path: "/Users", Body: userBody(p, p.Email, true)}, t)
					if err != nil {
						postErr = err
						return
					}
					status = resp.Status
				})
				if postErr != nil {
					t.Abort(fmt.Errorf("INDETERMINATE: SCIM POST: %v", postErr))
				}
				if l == nil {
					t.Fatalf("round %d: the login could not be completed", round)
				}
				after := e.accounts(t, p)
				if len(after) != 1 {
					t.Errorf("round %d: SCIM POST (answered %d) and the first login of %s (%s) together left %d accounts: %s; expected exactly one", round, status, p.NameID, l.Summary(), len(after), after)
					continue
				}
				if status >= 500 || l.ServerError {
					t.Logf("round %d: SCIM POST answered %d, %s (robustness: a warning in the catalogue)", round, status, l.Summary())
				}
				for _, a := range after {
					if same, known := a.matches(derefJit(l.Session)); l.Session != nil && known && !same {
						t.Errorf("round %d: the login's session %s is not the one account %s", round, l.Session, a)
					}
				}
			}
		},
	},
}

// jitConcurrently runs every f in its own goroutine, released together,
// and waits for all.
func jitConcurrently(fs ...func()) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f()
		}()
	}
	close(start)
	wg.Wait()
}

// derefJit returns *p, or the zero Principal.
func derefJit(p *Principal) Principal {
	if p == nil {
		return Principal{}
	}
	return *p
}
