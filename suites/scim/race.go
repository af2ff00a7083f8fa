package scim

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Concurrency checks (issue 4, part 2): requests the RFCs make atomic are
// sent at the same moment from several goroutines through the run's client
// (safe for concurrent use; T records exchanges under its mutex), and the
// end state is compared with what an atomic server must hold. Bursts are
// small (raceWidth requests) and go through the client's rate limit, so a
// vendor's staging server is not hammered; with a low --max-rps the
// requests are spaced out and the race is merely less likely to show.
var raceChecks = []suites.Check{
	{
		ID: "SCIM-RACE-001", Title: "Parallel creates of one userName: exactly one 201, the others 409 uniqueness",
		Spec:  "RFC 7644 §3.3; RFC 7643 §4.1.1",
		Rule:  `If the service provider determines that the creation of the requested resource conflicts with existing resources (e.g., a "User" resource with a duplicate "userName"), the service provider MUST return HTTP status code 409 (Conflict) with a "scimType" error code of "uniqueness". [RFC 7643 §4.1.1] userName: A service provider's unique identifier for the user [...] REQUIRED. [Sent at once, the creates must still yield one user: the uniqueness check and the insert are one atomic step.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:robustness", "tier:extended"}, Covers: []string{"S150"},
		Run: func(t *suites.T) {
			raceNote(t)
			for round := 1; round <= raceRounds && !t.Failed(); round++ {
				raceCreateRound(t, round)
			}
		},
	},
	{
		ID: "SCIM-RACE-002", Title: "Concurrent PATCH adds of distinct members to one group lose none",
		Spec:  "RFC 7644 §3.5.2, §3.5.2.1",
		Rule:  `A PATCH request, regardless of the number of operations, SHALL be treated as atomic. [§3.5.2.1] If the target location specifies a multi-valued attribute, a new value is added to the attribute. [Each PATCH the target answers with success must be in the final group: a success whose member later vanishes is a lost update.]`,
		Level: suites.Must, Kind: suites.Sequence,
		Requires: []suites.Capability{suites.CapUsers, suites.CapGroups, suites.CapPatch},
		Labels:   []string{"area:robustness", "tier:extended"}, Covers: []string{"S150"},
		Run: func(t *suites.T) {
			raceNote(t)
			users := groupUsers(t, raceWidth)
			for round := 1; round <= 2 && !t.Failed(); round++ {
				raceMembersRound(t, round, users)
			}
		},
	},
	{
		ID: "SCIM-RACE-003", Title: "Concurrent PUT and PATCH with the same If-Match: at most one succeeds, the others 412",
		Spec:  "RFC 7644 §3.14; RFC 7232 §3.1",
		Rule:  `the client MAY supply an If-Match header [...] for PUT and PATCH operations to ensure that the requested operation succeeds only if the supplied ETag matches the latest service provider resource [...] [RFC 7232 §3.1] An origin server MUST NOT perform the requested method if a received If-Match condition evaluates to false; instead, the origin server MUST respond with [...] the 412 (Precondition Failed) status code. [After the first write the version has changed, so the other writes carrying the old one must fail; 409 is accepted too, RFC 7644 §3.12 names it for a version mismatch.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapETag},
		Labels: []string{"area:robustness", "tier:extended"}, Covers: []string{"S150"},
		Run: func(t *suites.T) {
			raceNote(t)
			e := Session(t)
			body := newUser(t)
			u, _ := createUser(t, body)
			path := resourcePath(e, URNUser, u.Str("id"))
			for round := 1; round <= raceRounds && !t.Failed(); round++ {
				if !raceIfMatchRound(t, round, path, body) {
					return
				}
			}
		},
	},
}

const (
	// raceWidth is how many requests a burst sends at once: enough to
	// provoke a race on a server without atomicity, modest for staging.
	raceWidth = 8
	// raceRounds is how many bursts a check sends while it finds nothing:
	// one burst can miss a narrow window, three rarely do.
	raceRounds = 3
)

// raceNote logs how the bursts are sent, so a pass with a low --max-rps is
// read for what it is.
func raceNote(t *suites.T) {
	t.Logf("bursts of %d requests sent at once from %d goroutines (through the run's rate limit, without retries); up to %d rounds while nothing is found",
		raceWidth, raceWidth, raceRounds)
}

// raceAnswer is the answer to one request of a burst, or its transport error.
type raceAnswer struct {
	req  target.Request
	resp *target.Response
	err  error
}

// raceBurst sends reqs at the same moment, one goroutine each, without
// retries, and returns the answers in the order of reqs. Each exchange is
// recorded in t. Requests that time out or lose their connection come back
// with their error; any other failure (the check stopped, the target
// unreachable) aborts the check.
func raceBurst(t *suites.T, reqs []target.Request) []raceAnswer {
	e := Session(t)
	out := make([]raceAnswer, len(reqs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, req := range reqs {
		req = e.withUserEmail(t, req)
		req.NoRetry = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r, err := e.Client.Do(t.Context(), req, t)
			out[i] = raceAnswer{req: req, resp: r, err: err}
		}()
	}
	close(start)
	wg.Wait()
	if err := t.Context().Err(); err != nil {
		t.Abort(fmt.Errorf("the check was stopped during a burst of %d requests: %w", len(reqs), err))
	}
	for _, a := range out {
		if a.err == nil {
			continue
		}
		// A timeout or a connection cut mid-answer is the target's doing;
		// a target that cannot be reached at all, or a write the safety
		// guard refused, is not a verdict on atomicity.
		var te *target.TransportError
		if !errors.As(a.err, &te) || (te.Kind != target.KindTimeout && te.Kind != target.KindOther) {
			t.Abort(fmt.Errorf("%s %s: %w", a.req.Method, a.req.Path, a.err))
		}
	}
	return out
}

// raceSummary renders the statuses of a burst: "201 ×1, 409 ×7".
func raceSummary(as []raceAnswer) string {
	n := map[string]int{}
	for _, a := range as {
		if a.resp != nil {
			n[fmt.Sprint(a.resp.Status)]++
		} else {
			n["no answer"]++
		}
	}
	keys := make([]string, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s ×%d", k, n[k])
	}
	return strings.Join(parts, ", ")
}

// raceThrottled reports whether an answer asks the client to slow down (429,
// or 503 with Retry-After): the target refused the load, not the request,
// so the answer says nothing about atomicity.
func raceThrottled(r *target.Response) bool {
	return r.Status == 429 || (r.Status == 503 && r.Header.Get("Retry-After") != "")
}

// raceNoAnswer records a request of a burst that got no HTTP answer: a
// request that hangs or loses its connection under concurrency is a finding.
func raceNoAnswer(t *suites.T, a raceAnswer, what string) {
	t.Errorf("%s %s (%s) got no answer: %v", a.req.Method, a.req.Path, what, a.err)
}

// raceCreateRound sends raceWidth POSTs of one fresh userName at once and
// checks the answers and that one user holds the name afterwards.
func raceCreateRound(t *suites.T, round int) {
	e := Session(t)
	name := e.Name("pc-race")
	body := Obj{"schemas": []any{URNUser}, "userName": name}
	reqs := make([]target.Request, raceWidth)
	for i := range reqs {
		reqs[i] = target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: body}
	}
	answers := raceBurst(t, reqs)
	var created []string // ids of the users the 201s name
	n201, throttled, unknown := 0, 0, 0
	for _, a := range answers {
		if a.resp != nil {
			adopt(t, URNUser, a.resp)
		}
	}
	what := fmt.Sprintf("round %d, one of %d parallel creates of userName %q", round, raceWidth, name)
	for _, a := range answers {
		r := a.resp
		switch {
		case r == nil:
			unknown++
			raceNoAnswer(t, a, what)
		case r.Status == 201:
			n201++
			if m, err := r.Object(); err == nil {
				if id, _ := m["id"].(string); id != "" {
					created = append(created, id)
				}
			}
		case raceThrottled(r):
			throttled++
			t.Logf("%s (%s): the target throttled the burst; this answer is not judged", line(r), what)
		case r.Status == 409:
			if st := scimType(r); st != "uniqueness" {
				t.Errorf("%s (%s) with scimType %q; expected \"uniqueness\"%s", line(r), what, st, bodyHint(r))
			}
		case r.Status >= 500:
			t.Errorf("%s (%s); expected 409 with scimType \"uniqueness\" for the losers of the race, not a server error%s", line(r), what, bodyHint(r))
		default:
			t.Errorf("%s (%s); expected 201 for one and 409 uniqueness for the others%s", line(r), what, bodyHint(r))
		}
	}
	t.Logf("round %d: %d parallel POST %s with userName %q answered %s", round, raceWidth, e.Disc.Endpoint(URNUser), name, raceSummary(answers))
	switch {
	case n201 > 1:
		t.Errorf("round %d: %d of %d parallel POST %s with the same userName %q answered 201 (ids %s; all answers: %s); expected exactly one 201 and 409 uniqueness for the others",
			round, n201, raceWidth, e.Disc.Endpoint(URNUser), name, strings.Join(created, ", "), raceSummary(answers))
	case n201 == 0 && throttled == 0 && unknown == 0:
		t.Errorf("round %d: none of %d parallel POST %s with the fresh userName %q answered 201 (answers: %s); expected exactly one to create the user",
			round, raceWidth, e.Disc.Endpoint(URNUser), name, raceSummary(answers))
	}
	raceHolders(t, round, name, created)
}

// raceHolders checks that at most one user holds userName after a burst,
// and exactly one when a create succeeded. Users with the name that the
// ledger does not know (their 201 was lost with a dropped answer) carry the
// run's marker, so they are deleted too.
func raceHolders(t *suites.T, round int, name string, created []string) {
	e := Session(t)
	readByID := func() {
		for _, id := range created {
			g := get(t, resourcePath(e, URNUser, id), nil)
			if g.Status != 200 {
				t.Errorf("round %d: the create of user %s answered 201 for userName %q, but %s", round, id, name, line(g))
			}
		}
	}
	if ok, _ := e.Disc.Has(suites.CapFilter); !ok {
		readByID()
		t.Logf("round %d: the target offers no filter; the users were read by id only", round)
		return
	}
	f := fmt.Sprintf("userName eq %s", filterLit(name))
	l := query(t, e.Disc.Endpoint(URNUser), url.Values{"filter": {f}})
	var holders []string
	for _, u := range l.Objs("Resources") {
		id := u.Str("id")
		holders = append(holders, id)
		if id != "" && !slices.Contains(created, id) && strings.EqualFold(u.Str("userName"), name) {
			raceDeleteStray(t, resourcePath(e, URNUser, id))
		}
	}
	total, ok := intOf(l.Get("totalResults"))
	if !ok {
		total = len(holders)
	}
	switch {
	case total > 1:
		t.Errorf("round %d: after the parallel creates, GET %s?filter=%s finds %d users with userName %q (ids %s); expected exactly one",
			round, e.Disc.Endpoint(URNUser), f, total, name, strings.Join(holders, ", "))
	case total == 0 && len(created) > 0:
		// A list that lags behind writes is judged by the filter checks;
		// here only a user that is gone altogether counts.
		t.Logf("round %d: GET %s?filter=%s finds no user yet; the created user is read by id instead", round, e.Disc.Endpoint(URNUser), f)
		readByID()
	}
}

// raceDeleteStray deletes a user this run created whose 201 never reached
// the harness, so the ledger does not own it. Its userName is fresh and
// carries the run marker, so no one else's data is touched.
func raceDeleteStray(t *suites.T, path string) {
	t.Cleanup(func() {
		e := Session(t)
		r, err := e.Client.Do(t.Context(), target.Request{Method: "DELETE", Path: path, AllowUnowned: true}, nil)
		if err != nil {
			t.Logf("clean-up DELETE %s: %v (a user of this run's marker is left behind)", path, err)
			return
		}
		if r.Status >= 300 && r.Status != 404 {
			t.Logf("clean-up DELETE %s answered %d (a user of this run's marker is left behind)", path, r.Status)
		}
	})
}

// raceMembersRound creates a group and adds each user to it with its own
// PATCH, all sent at once, then checks that the group holds every member a
// PATCH reported added.
func raceMembersRound(t *suites.T, round int, users []string) {
	e := Session(t)
	var initial []string
	racing := users
	if a := e.Disc.Schema(URNGroup).Attr("members"); a != nil && a.Required {
		initial, racing = users[:1], users[1:]
		t.Logf("the Group schema declares members required: the group starts with %s", users[0])
	}
	body := newGroup(t)
	if len(initial) > 0 {
		body["members"] = groupMemberList(initial...)
	}
	g, _ := createGroup(t, body)
	path := resourcePath(e, URNGroup, g.Str("id"))
	reqs := make([]target.Request, len(racing))
	for i, id := range racing {
		reqs[i] = target.Request{Method: "PATCH", Path: path, Body: patchBody(op("add", "members", groupMemberList(id)))}
	}
	answers := raceBurst(t, reqs)
	want := slices.Clone(initial)
	for i, a := range answers {
		r := a.resp
		what := fmt.Sprintf("round %d, one of %d concurrent PATCH adds of a member (%s) to group %s", round, len(racing), racing[i], g.Str("id"))
		switch {
		case r == nil:
			raceNoAnswer(t, a, what)
		case r.Status == 200 || r.Status == 204:
			want = append(want, racing[i])
		case raceThrottled(r):
			t.Logf("%s (%s): the target throttled the burst; this member is not judged", line(r), what)
		case r.Status == 409 || r.Status == 412:
			t.Logf("%s (%s): the target refused a concurrent write; this member is not judged", line(r), what)
		case r.Status >= 500:
			t.Errorf("%s (%s); expected 200 or 204, not a server error%s", line(r), what, bodyHint(r))
		default:
			t.Errorf("%s (%s); expected 200 or 204 for a valid add%s", line(r), what, bodyHint(r))
		}
	}
	t.Logf("round %d: %d concurrent PATCH %s answered %s", round, len(racing), path, raceSummary(answers))
	got := groupMemberIDs(groupRead(t, path))
	missing, _, _ := groupDiff(got, want)
	if len(missing) > 0 {
		t.Errorf("round %d: after %d concurrent PATCH %s adding one member each (answers: %s), the group lacks %d member(s) whose add succeeded: %s; it holds %s. Expected every successful add to stay (a lost update)",
			round, len(racing), path, raceSummary(answers), len(missing), groupList(missing), groupList(got))
	}
}

// raceIfMatchRound reads the user's current version and sends raceWidth
// writes at once, each with If-Match of that version and its own
// displayName: PUTs, and PATCHes when the target offers PATCH. At most one
// may succeed, and the user must then hold the winner's value. It returns
// false when a later round could not be judged (no write succeeded), and
// skips the check when the first cannot.
func raceIfMatchRound(t *suites.T, round int, path string, body Obj) bool {
	e := Session(t)
	g := get(t, path, nil)
	mustStatus(t, g, 200)
	v := etagOf(t, g, object(t, g))
	patchOK, _ := e.Disc.Has(suites.CapPatch)
	reqs := make([]target.Request, raceWidth)
	values := make([]string, raceWidth)
	for i := range reqs {
		values[i] = fmt.Sprintf("Race %d-%d", round, i+1)
		hdr := map[string]string{"If-Match": v}
		if patchOK && i%2 == 1 {
			reqs[i] = target.Request{Method: "PATCH", Path: path, Header: hdr, Body: patchBody(op("replace", "displayName", values[i]))}
			continue
		}
		b := Obj{}
		for k, x := range body {
			b[k] = x
		}
		b["displayName"] = values[i]
		reqs[i] = target.Request{Method: "PUT", Path: path, Header: hdr, Body: b}
	}
	answers := raceBurst(t, reqs)
	var won []int
	throttled := 0
	for i, a := range answers {
		r := a.resp
		what := fmt.Sprintf("round %d, one of %d concurrent writes with If-Match: %s", round, raceWidth, v)
		switch {
		case r == nil:
			raceNoAnswer(t, a, what)
		case r.Status >= 200 && r.Status < 300:
			won = append(won, i)
		case r.Status == 412 || r.Status == 409:
		case raceThrottled(r):
			throttled++
			t.Logf("%s (%s): the target throttled the burst; this answer is not judged", line(r), what)
		case r.Status >= 500:
			t.Errorf("%s (%s); expected 412 for a write whose version another write replaced, not a server error%s", line(r), what, bodyHint(r))
		default:
			t.Errorf("%s (%s); expected 2xx for one write and 412 for the others%s", line(r), what, bodyHint(r))
		}
	}
	t.Logf("round %d: %d concurrent writes to %s with If-Match: %s answered %s", round, raceWidth, path, v, raceSummary(answers))
	switch {
	case len(won) > 1:
		var ws []string
		for _, i := range won {
			ws = append(ws, fmt.Sprintf("%s setting displayName %q answered %d", reqs[i].Method, values[i], answers[i].resp.Status))
		}
		t.Errorf("round %d: %d of %d concurrent writes to %s with If-Match: %s succeeded (%s); expected at most one, the others 412 Precondition Failed",
			round, len(won), raceWidth, path, v, strings.Join(ws, "; "))
		return true
	case len(won) == 0 && (round > 1 || throttled > 0):
		t.Logf("round %d: no write with If-Match: %s succeeded; the round is not judged", round, v)
		return false
	case len(won) == 0:
		t.Skipf("not applicable: none of %d writes with If-Match: %s, the current version as GET gave it, succeeded (%s); SCIM-ETAG-004 judges If-Match itself",
			raceWidth, v, raceSummary(answers))
	}
	w := won[0]
	g = get(t, path, nil)
	mustStatus(t, g, 200)
	if dn := object(t, g).Str("displayName"); dn != values[w] {
		t.Errorf("round %d: the only write that succeeded, %s %s with If-Match: %s, set displayName %q, but the user now has %q; expected the refused writes to change nothing",
			round, reqs[w].Method, path, v, values[w], dn)
	}
	return true
}
