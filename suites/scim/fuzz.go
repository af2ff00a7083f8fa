package scim

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"pgregory.net/rapid"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// The stateful fuzzer: rapid draws sequences of operations on Users
// (create, read, replace, PATCH, delete, filtered list, page walk, the
// last list again) from the
// generators of mockidp, sends them to the target, and compares every
// answer with the model of model.go. On a difference rapid shrinks the
// sequence to a minimal one, which the result shows step by step.

var fuzzChecks = []suites.Check{
	{
		ID: "SCIM-FUZZ-001", Title: "Random operation sequences on Users agree with a model of an RFC-correct server",
		Spec: "RFC 7644 §3.3–§3.6, §3.4.2.2, §3.4.2.4, §3.5.2; RFC 7643 §2.5, §7",
		Rule: "derived: after any sequence of creates, reads, replaces, PATCHes and deletes, a GET returns what was written " +
			"(POST then GET equals the canonicalised input), PATCH has the effect RFC 7644 §3.5.2 gives it, a filter returns " +
			"exactly the users it matches, and the pages of a list together hold each matching user once",
		Level: suites.Must, Kind: suites.Sequence, Requires: filterRequires,
		Labels: []string{"area:fuzz", "tier:extended"}, Covers: []string{"S146", "S147", "S148", "S149"},
		Run: func(t *suites.T) { fuzzRun(t, false) },
	},
	{
		ID: "SCIM-FUZZ-002", Title: "Random sequences of group memberships agree with a model of an RFC-correct server",
		Spec: "RFC 7644 §3.3, §3.5.2.1, §3.5.2.2, §3.6; RFC 7643 §4.2",
		Rule: "derived: after any sequence of user creates and deletes, group creates, member adds (path members) and removes " +
			"(members[value eq \"…\"]), a group holds exactly the members the model holds (a deleted user may stay " +
			"listed: RFC 7643 §2.3.7 lets a server keep the reference; SCIM-GROUPS-014 judges that)",
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapGroups, suites.CapPatch, suites.CapFilter},
		Labels: []string{"area:fuzz", "tier:extended"}, Covers: []string{"S51", "S52", "S61"},
		Run: func(t *suites.T) { fuzzRun(t, true) },
	},
}

// rapidMu serialises property checks: rapid's settings are flags of the
// process-wide flag.CommandLine, so two checks cannot use different ones
// at once.
var rapidMu sync.Mutex

// withRapid runs f with rapid's flags set for one rapid.Check: the number
// of sequences, the average steps, the seed, the shrink budget, and never a
// fail file (the user's folder is not rapid's testdata). The flags are
// restored afterwards.
func withRapid(checks, steps int, seed uint64, shrink time.Duration, f func()) error {
	rapidMu.Lock()
	defer rapidMu.Unlock()
	set := [][2]string{
		{"rapid.checks", strconv.Itoa(checks)}, {"rapid.steps", strconv.Itoa(steps)},
		{"rapid.seed", strconv.FormatUint(seed, 10)}, {"rapid.shrinktime", shrink.String()},
		{"rapid.nofailfile", "true"}, {"rapid.failfile", ""}, {"rapid.log", "false"}, {"rapid.v", "false"},
	}
	var restore [][2]string
	defer func() {
		for _, kv := range slices.Backward(restore) {
			_ = flag.Set(kv[0], kv[1])
		}
	}()
	for _, kv := range set {
		fl := flag.Lookup(kv[0])
		if fl == nil {
			return fmt.Errorf("rapid's flag -%s is not registered on flag.CommandLine", kv[0])
		}
		restore = append(restore, [2]string{kv[0], fl.Value.String()})
		if err := flag.Set(kv[0], kv[1]); err != nil {
			return fmt.Errorf("set rapid's flag -%s=%s: %w", kv[0], kv[1], err)
		}
	}
	f()
	return nil
}

// fuzzStop unwinds rapid.Check when rapid calls FailNow on fuzzTB.
type fuzzStop struct{}

// fuzzTB is the rapid.TB that rapid.Check reports to. It collects rapid's
// verdict instead of failing the check directly, so the fuzzer can word
// the result (minimal sequence, seed) and keep rapid's chatter out of it;
// the final replay's step lines go to the check's log.
type fuzzTB struct {
	t      *suites.T
	mu     sync.Mutex
	failed bool
	errs   []string
}

func (b *fuzzTB) Helper()                  {}
func (b *fuzzTB) Name() string             { return b.t.Name() }
func (b *fuzzTB) Context() context.Context { return b.t.Context() }
func (b *fuzzTB) Log(args ...any)          { b.Logf("%s", fmt.Sprint(args...)) }

// Logf keeps the step lines of rapid's final replay of the failing
// sequence; rapid's own lines ("[rapid] draw …") are dropped.
func (b *fuzzTB) Logf(format string, args ...any) {
	if s := fmt.Sprintf(format, args...); !strings.HasPrefix(s, "[rapid]") {
		b.t.Logf("%s", s)
	}
}

func (b *fuzzTB) Errorf(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failed = true
	b.errs = append(b.errs, fmt.Sprintf(format, args...))
}
func (b *fuzzTB) Error(args ...any)                 { b.Errorf("%s", fmt.Sprint(args...)) }
func (b *fuzzTB) Fatalf(format string, args ...any) { b.Errorf(format, args...); panic(fuzzStop{}) }
func (b *fuzzTB) Fatal(args ...any)                 { b.Error(args...); panic(fuzzStop{}) }
func (b *fuzzTB) Fail()                             { b.Errorf("failed") }
func (b *fuzzTB) FailNow()                          { b.Fail(); panic(fuzzStop{}) }
func (b *fuzzTB) Skipf(string, ...any)              { panic(fuzzStop{}) }
func (b *fuzzTB) Skip(...any)                       { panic(fuzzStop{}) }
func (b *fuzzTB) SkipNow()                          { panic(fuzzStop{}) }
func (b *fuzzTB) Failed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.failed
}

// fuzzFailure is how one sequence failed.
type fuzzFailure struct {
	kind, detail string
	steps        []string
}

// fuzzer is the state of one run of SCIM-FUZZ-001 across sequences.
type fuzzer struct {
	t     *suites.T
	e     *Env
	spec  mockidp.UserSpec // without Tag; each sequence has its own
	patch bool             // the target advertises PATCH
	sort  bool             // the target advertises sorting: page walks sort by userName
	// groups makes the sequences about group membership (SCIM-FUZZ-002).
	groups bool
	mark   int
	// steps0 is the configured average sequence length, which a replay
	// needs as much as the seed.
	steps0 int

	sequences, steps, requests int
	// harness is the transport failure that stopped the fuzzer; declined
	// says why the target cannot be fuzzed (it refuses the scope filter).
	harness  error
	declined string
	last     *fuzzFailure

	mu    sync.Mutex
	alive map[string]string // id → path of users created and not yet deleted
}

// fuzzRun is the Run of SCIM-FUZZ-001 and, with groups, of SCIM-FUZZ-002.
func fuzzRun(t *suites.T, groups bool) {
	e := Session(t)
	cfg := e.Fuzz.withDefaults()
	patchOK, _ := e.Disc.Has(suites.CapPatch)
	sortOK, _ := e.Disc.Has(suites.CapSort)
	entOK, _ := e.Disc.Has(suites.CapEnterpriseUser)
	fz := &fuzzer{t: t, e: e, patch: patchOK, sort: sortOK, groups: groups, mark: t.Mark(), steps0: cfg.Steps, alive: map[string]string{},
		spec: mockidp.UserSpec{Enterprise: entOK, Writable: fuzzWritable(e.Disc)}}
	t.Cleanup(fz.cleanupAlive)

	seed := cfg.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano()) | 1
	}
	start := time.Now()
	var batches []uint64
	var tb *fuzzTB
	for i := 0; ; i++ {
		s := seed + uint64(i)*0x9E3779B97F4A7C15
		batches = append(batches, s)
		tb = &fuzzTB{t: t}
		err := withRapid(cfg.Checks, cfg.Steps, s, cfg.ShrinkTime, func() {
			defer func() {
				if r := recover(); r != nil {
					if _, ok := r.(fuzzStop); !ok {
						panic(r)
					}
				}
			}()
			rapid.Check(tb, fz.property)
		})
		if err != nil {
			t.Abort(fmt.Errorf("%s cannot configure rapid: %w", t.Name(), err))
		}
		if tb.Failed() || fz.harness != nil || fz.declined != "" || cfg.Time <= 0 || time.Since(start) >= cfg.Time || t.Context().Err() != nil {
			break
		}
	}
	if fz.harness != nil {
		t.Abort(fmt.Errorf("the fuzzer lost the target: %w", fz.harness))
	}
	if fz.declined != "" {
		t.DiscardEvidenceFrom(fz.mark)
		t.Skipf("not applicable: the target declines the filter %s, which keeps the fuzzer to the users it creates", fz.declined)
	}
	summary := fmt.Sprintf("%d sequences, %d steps, %d requests (clean-up included) in %s, seed %d", fz.sequences, fz.steps, fz.requests,
		time.Since(start).Round(time.Millisecond), seed)
	if len(batches) > 1 {
		summary += fmt.Sprintf(" (%d batches of %d)", len(batches), cfg.Checks)
	}
	if !tb.Failed() {
		t.DiscardEvidenceFrom(fz.mark)
		t.Logf("%s", summary)
		return
	}
	t.Errorf("%s", fz.reason(strings.Join(tb.errs, "\n"), summary))
}

// rapidSeed finds the seed of the failing sequence in rapid's report.
var rapidSeed = regexp.MustCompile(`-rapid\.seed=(\d+)`)

// reason words the failure: what differed, the minimal sequence step by
// step, and how to reproduce it.
func (fz *fuzzer) reason(rapidMsg, summary string) string {
	f := fz.last
	if f == nil {
		return "rapid reported a failure: " + rapidMsg
	}
	var b strings.Builder
	if strings.Contains(rapidMsg, "flaky") {
		b.WriteString("cannot reproduce: a sequence failed, but not again when rapid replayed it (the target answers differently to the same requests); the last failure was:\n")
	}
	fmt.Fprintf(&b, "%s: %s\n", f.kind, f.detail)
	unit := "steps"
	if len(f.steps) == 1 {
		unit = "step"
	}
	fmt.Fprintf(&b, "minimal sequence (%d %s, as shrunk by rapid):\n", len(f.steps), unit)
	for _, s := range f.steps {
		b.WriteString("  " + s + "\n")
	}
	if m := rapidSeed.FindStringSubmatch(rapidMsg); m != nil {
		fmt.Fprintf(&b, "reproduce: provcheck run --run %s --seed %s --steps %d --fuzz-sequences 1 (replays the failing sequence as it was before shrinking)\n",
			fz.t.Name(), m[1], fz.steps0)
	}
	b.WriteString(summary)
	return b.String()
}

// cleanupAlive deletes, at the end of the check, the users a sequence left
// behind (a sequence deletes its own users when it ends; this catches the
// ones a stopped check could not).
func (fz *fuzzer) cleanupAlive() {
	fz.mu.Lock()
	paths := make([]string, 0, len(fz.alive))
	for _, p := range fz.alive {
		paths = append(paths, p)
	}
	fz.mu.Unlock()
	slices.Sort(paths)
	for _, p := range paths {
		deleteIfOwned(fz.t, p)
	}
}

// fuzzSeq is one generated sequence: its tag, model and step lines.
type fuzzSeq struct {
	fz      *fuzzer
	rt      *rapid.T
	tag     string
	spec    mockidp.UserSpec
	m       *fuzzModel
	lines   []string
	created []*fuzzUser
	groups  []*fuzzGroup
	// again repeats the last list or page walk.
	again func()
}

// property is the rapid property: one sequence against the target.
func (fz *fuzzer) property(rt *rapid.T) {
	if fz.harness != nil || fz.declined != "" {
		rt.Fatalf("harness error")
	}
	fz.t.DiscardEvidenceFrom(fz.mark)
	fz.sequences++
	s := &fuzzSeq{fz: fz, rt: rt, tag: fz.e.Name("pc-fz"), m: &fuzzModel{disc: fz.e.Disc}}
	s.spec = fz.spec
	s.spec.Tag = s.tag
	rt.Cleanup(s.cleanup)
	rt.Cleanup(s.groupCleanup) // runs first: groups before their members
	if fz.groups {
		rt.Repeat(map[string]func(*rapid.T){
			"create": s.create, "delete": s.delete,
			"group": s.groupCreate, "member": s.groupMember, "readGroup": s.groupRead,
		})
		return
	}
	rt.Repeat(map[string]func(*rapid.T){
		"create": s.create, "get": s.get, "put": s.put, "patch": s.patchUser,
		"delete": s.delete, "list": s.list, "page": s.page, "relist": s.relist,
	})
}

// do sends one request of the sequence, recording it as evidence. A
// transport failure is the harness's, not the target's: it is remembered
// and ends the property; fuzzRun turns it into the check's error.
func (s *fuzzSeq) do(req target.Request) *target.Response {
	fz := s.fz
	fz.requests++
	r, err := fz.e.Client.Do(fz.t.Context(), req, fz.t)
	if err != nil {
		if fz.harness == nil {
			fz.harness = fmt.Errorf("%s %s: %w", req.Method, req.Path, err)
		}
		s.rt.Fatalf("harness error")
	}
	return r
}

// step logs one line of the sequence: "3. PATCH /Users/… → 200 …".
func (s *fuzzSeq) step(format string, args ...any) {
	line := fmt.Sprintf("%d. %s", len(s.lines)+1, fmt.Sprintf(format, args...))
	s.lines = append(s.lines, line)
	s.fz.steps++
	s.rt.Logf("%s", line)
}

// fail ends the sequence: kind is a fixed description of the kind of
// difference (rapid shrinks while the same kind fails), detail says what
// the target answered and what the model expected.
func (s *fuzzSeq) fail(kind, format string, args ...any) {
	detail := fmt.Sprintf(format, args...)
	s.rt.Logf("   → %s: %s", kind, detail)
	s.fz.last = &fuzzFailure{kind: kind, detail: detail, steps: slices.Clone(s.lines)}
	s.rt.Fatalf("%s", kind)
}

// cleanup deletes the users the sequence created and did not delete.
func (s *fuzzSeq) cleanup() {
	fz := s.fz
	for _, u := range s.created {
		fz.mu.Lock()
		_, ok := fz.alive[u.id]
		fz.mu.Unlock()
		if !ok {
			continue
		}
		fz.requests++
		r, err := fz.e.Client.Do(context.WithoutCancel(fz.t.Context()), target.Request{Method: "DELETE", Path: u.path}, nil)
		if err == nil && (r.Status < 300 || r.Status == 404) {
			fz.forget(u.id)
		}
	}
}

// adopt notes a user the target created, for the clean-ups.
func (s *fuzzSeq) adopt(u *fuzzUser) {
	s.created = append(s.created, u)
	s.fz.mu.Lock()
	s.fz.alive[u.id] = u.path
	s.fz.mu.Unlock()
}

func (fz *fuzzer) forget(id string) {
	fz.mu.Lock()
	delete(fz.alive, id)
	fz.mu.Unlock()
}

// pick draws one of users, or returns nil when there is none: the action
// then does nothing. (Skipping it instead would make rapid draw another
// action in its place, so that removing an earlier step while shrinking
// would shift every later draw.) It counts from the newest user, so that
// rapid, shrinking the choice towards 0, picks the user created last:
// dropping earlier steps then does not change which user a later step acts
// on.
func (s *fuzzSeq) pick(users []*fuzzUser, label string) *fuzzUser {
	if len(users) == 0 {
		return nil
	}
	return users[len(users)-1-rapid.IntRange(0, len(users)-1).Draw(s.rt, label)]
}

// answer reads a representation from r: its body when that is a resource,
// else (204, or a body without an id) a GET of the user.
func (s *fuzzSeq) answer(r *target.Response, u *fuzzUser) (Obj, *target.Response) {
	if o, err := r.Object(); err == nil && Obj(o).Str("id") != "" {
		return Obj(o), r
	}
	g := s.do(target.Request{Method: "GET", Path: u.path})
	o, err := g.Object()
	if g.Status != 200 || err != nil {
		s.fail("a modified user cannot be read back", "%s, then GET %s answered %d%s", line(r), u.path, g.Status, bodyHint(g))
	}
	return Obj(o), g
}

// create POSTs a generated user.
func (s *fuzzSeq) create(rt *rapid.T) {
	body := mockidp.User(s.spec).Draw(rt, "user")
	want := fuzzWant(body)
	name := want.Str("userName")
	taken := s.m.holder(name, nil)
	r := s.do(target.Request{Method: "POST", Path: s.fz.e.Disc.Endpoint(URNUser), Body: body})
	if r.Status == 201 {
		m, err := r.Object()
		id := Obj(m).Str("id")
		if err != nil || id == "" {
			s.step("POST %s userName %q → 201", s.fz.e.Disc.Endpoint(URNUser), name)
			s.fail("a created user came back without an id", "%s%s", line(r), bodyHint(r))
		}
		path := resourcePath(s.fz.e, URNUser, id)
		if taken != nil {
			s.adopt(&fuzzUser{id: id, path: path})
			s.step("POST %s userName %q, which %s holds → 201; expected 409", s.fz.e.Disc.Endpoint(URNUser), name, taken.label)
			s.fail("a second user with a taken userName was created", "RFC 7644 §3.3 requires 409 for a duplicate userName (RFC 7643 §4.1.1: uniqueness server, caseExact false)")
		}
		u := s.m.add(id, path, want, Obj(m))
		s.adopt(u)
		s.step("POST %s userName %q → 201 %s", s.fz.e.Disc.Endpoint(URNUser), name, u.label)
		if d := s.m.diff(want, Obj(m)); len(d) > 0 {
			s.fail("the created user differs from what was sent", "%s: %s", line(r), strings.Join(d, "; "))
		}
		return
	}
	switch {
	case taken != nil && r.Status == 409:
		s.step("POST %s userName %q, which %s holds → 409 as expected", s.fz.e.Disc.Endpoint(URNUser), name, taken.label)
	case taken != nil:
		s.step("POST %s userName %q, which %s holds → %d; expected 409", s.fz.e.Disc.Endpoint(URNUser), name, taken.label, r.Status)
		s.fail("a duplicate userName was not refused with 409", "%s%s", line(r), bodyHint(r))
	case r.Status == 400:
		// A server may limit lengths or characters; the model is unchanged.
		s.step("POST %s userName %q → 400 (the target declines these values; allowed)%s", s.fz.e.Disc.Endpoint(URNUser), name, bodyHint(r))
	case r.Status == 409 && s.m.freed(name):
		s.step("POST %s userName %q of a deleted user → 409 (accepted: RFC 7644 §3.6 says SHOULD NOT, which SCIM-USERS-029 checks)", s.fz.e.Disc.Endpoint(URNUser), name)
	default:
		s.step("POST %s userName %q → %d; expected 201", s.fz.e.Disc.Endpoint(URNUser), name, r.Status)
		s.fail("a valid user was not created", "%s%s", line(r), bodyHint(r))
	}
}

// get reads a user of the sequence, live or deleted.
func (s *fuzzSeq) get(rt *rapid.T) {
	u := s.pick(slices.Concat(s.m.live, s.m.gone), "user")
	if u == nil {
		return
	}
	r := s.do(target.Request{Method: "GET", Path: u.path})
	if slices.Contains(s.m.gone, u) {
		s.step("GET %s (%s, deleted) → %d; expected 404", u.path, u.label, r.Status)
		if r.Status != 404 {
			s.fail("a deleted user is still readable", "%s%s", line(r), bodyHint(r))
		}
		return
	}
	s.step("GET %s (%s) → %d", u.path, u.label, r.Status)
	o, err := r.Object()
	if r.Status != 200 || err != nil {
		s.fail("a user of the sequence cannot be read", "%s; expected 200 with the user%s", line(r), bodyHint(r))
	}
	if d := s.m.diff(u.want, Obj(o)); len(d) > 0 {
		s.fail("a read user differs from the model", "%s: %s", line(r), strings.Join(d, "; "))
	}
	u.seen = Obj(o)
}

// put replaces a user with a newly generated body.
func (s *fuzzSeq) put(rt *rapid.T) {
	u := s.pick(s.m.live, "user")
	if u == nil {
		return
	}
	body := mockidp.User(s.spec).Draw(rt, "replacement")
	if rapid.Bool().Draw(rt, "keep userName") {
		body["userName"] = u.want.Str("userName")
	}
	want := fuzzWant(body)
	taken := s.m.holder(want.Str("userName"), u)
	r := s.do(target.Request{Method: "PUT", Path: u.path, Body: body})
	switch {
	case taken != nil:
		s.step("PUT %s (%s) userName %q, which %s holds → %d; expected 409", u.path, u.label, want.Str("userName"), taken.label, r.Status)
		if r.Status != 409 {
			s.fail("a replace to a taken userName was not refused with 409", "%s%s", line(r), bodyHint(r))
		}
		return
	case r.Status == 400:
		s.step("PUT %s (%s) → 400 (the target declines these values; allowed)%s", u.path, u.label, bodyHint(r))
		return
	case r.Status == 409 && s.m.freed(want.Str("userName")):
		s.step("PUT %s (%s) userName %q of a deleted user → 409 (accepted: RFC 7644 §3.6 says SHOULD NOT)", u.path, u.label, want.Str("userName"))
		return
	case r.Status != 200:
		s.step("PUT %s (%s) → %d; expected 200", u.path, u.label, r.Status)
		s.fail("a valid replace was refused", "%s%s", line(r), bodyHint(r))
	}
	s.step("PUT %s (%s) userName %q → 200", u.path, u.label, want.Str("userName"))
	o, _ := s.answer(r, u)
	s.settle(u, want, o, r)
}

// settle compares the representation after a modification with the new
// model state and moves the model on: the values must agree and
// meta.version, when the target keeps one, must change with the data.
func (s *fuzzSeq) settle(u *fuzzUser, want, got Obj, r *target.Response) {
	if d := s.m.diff(want, got); len(d) > 0 {
		s.fail("a modified user differs from the model", "%s: %s", line(r), strings.Join(d, "; "))
	}
	v := got.Str("meta", "version")
	// A default the server filled in (active: true) is data too: setting it
	// to the value it already had changes nothing.
	changed := !reflect.DeepEqual(fuzzClone(u.effective()), fuzzClone(fuzzWithDefaults(want, got)))
	if changed && v != "" && u.version != "" && v == u.version {
		s.fail("meta.version did not change with the data", "%s: meta.version is still %s after the change (RFC 7644 §3.14)", line(r), v)
	}
	u.want, u.seen = want, got
	if v != "" {
		u.version = v
	}
}

// patchUser sends generated PATCH operations to a user.
func (s *fuzzSeq) patchUser(rt *rapid.T) {
	if !s.fz.patch {
		rt.SkipNow()
	}
	u := s.pick(s.m.live, "user")
	if u == nil {
		return
	}
	ops := mockidp.PatchOps(s.spec).Draw(rt, "operations")
	if len(ops) == 0 {
		return
	}
	texts := make([]string, len(ops))
	for i, o := range ops {
		texts[i] = o.String()
	}
	res := s.m.patch(u.want, ops)
	r := s.do(target.Request{Method: "PATCH", Path: u.path, Body: mockidp.PatchBody(ops)})
	what := fmt.Sprintf("PATCH %s (%s) [%s]", u.path, u.label, strings.Join(texts, "; "))
	switch {
	case r.Status == 400:
		st := scimType(r)
		why := "the target declines these operations; allowed"
		if res.mayRefuse {
			why = res.why
		}
		s.step("%s → 400 %s (%s)", what, st, why)
		return
	case r.Status != 200 && r.Status != 204:
		s.step("%s → %d; expected 200 or 204", what, r.Status)
		s.fail("a valid PATCH was refused", "%s%s", line(r), bodyHint(r))
	}
	s.step("%s → %d", what, r.Status)
	o, _ := s.answer(r, u)
	want := res.want
	if res.alt != nil && len(s.m.diff(want, o)) > 0 && len(s.m.diff(res.alt, o)) == 0 {
		want = res.alt // the target ignored an add whose value filter matches nothing
	}
	s.settle(u, want, o, r)
}

// delete deletes a user.
func (s *fuzzSeq) delete(rt *rapid.T) {
	u := s.pick(s.m.live, "user")
	if u == nil {
		return
	}
	r := s.do(target.Request{Method: "DELETE", Path: u.path})
	s.step("DELETE %s (%s) → %d", u.path, u.label, r.Status)
	if r.Status != 204 && r.Status != 200 {
		s.fail("a user of the sequence could not be deleted", "%s; expected 204%s", line(r), bodyHint(r))
	}
	s.m.remove(u)
	s.fz.forget(u.id)
}

// scope is the filter that selects the users of the sequence.
func (s *fuzzSeq) scope() string { return "userName sw " + filterLit(s.tag+"-") }

// walk lists the users matching filter, a page of count (0: the target's
// choice) at a time from startIndex from, until the pages reach
// totalResults. It returns the users in answer order, totalResults, the
// number of pages, and the first answer: a 400 to it ends the walk (the
// target declines the filter; for the scope filter the fuzzer stops and
// the check is skipped).
func (s *fuzzSeq) walk(filter string, from, count int) (got []Obj, total, pages int, first *target.Response) {
	start := from
	for pages < 50 {
		q := url.Values{"filter": {filter}}
		if start > 1 {
			q.Set("startIndex", strconv.Itoa(start))
		}
		if count > 0 {
			q.Set("count", strconv.Itoa(count))
		}
		if s.fz.sort {
			q.Set("sortBy", "userName")
		}
		r := s.do(target.Request{Method: "GET", Path: s.fz.e.Disc.Endpoint(URNUser), Query: q})
		pages++
		if first == nil {
			first = r
		}
		if r.Status != 200 {
			if pages == 1 && r.Status == 400 {
				if filter == s.scope() {
					s.fz.declined = filter + " (" + line(r) + ")"
					s.rt.Fatalf("harness error")
				}
				// A generated filter the target declines: allowed, and
				// the error's form is the business of the filter checks.
				return nil, 0, pages, first
			}
			s.step("GET %s → %d; expected 200", r.Exchange.URL, r.Status)
			s.fail("a filtered list failed", "%s%s", line(r), bodyHint(r))
		}
		o, err := r.Object()
		if err != nil {
			s.step("GET %s → 200", r.Exchange.URL)
			s.fail("a list answer is not JSON", "%s: %v", line(r), err)
		}
		page := Obj(o).Objs("Resources")
		if count > 0 && len(page) > count {
			s.step("GET %s → 200 with %d resources", r.Exchange.URL, len(page))
			s.fail("a page holds more than count resources", "%s returned %d resources for count=%d (RFC 7644 §3.4.2.4: MUST NOT return more)", line(r), len(page), count)
		}
		got = append(got, page...)
		total, _ = intOf(Obj(o).Get("totalResults"))
		if len(page) == 0 || start+len(page) > total {
			break
		}
		start += len(page)
	}
	return got, total, pages, first
}

// labels names users of the model by label ("u1 u3"); ids of the target
// that the model does not know are shown as they are.
func (s *fuzzSeq) labels(us []Obj) string {
	names := make([]string, len(us))
	for i, o := range us {
		if u := s.m.byID(o.Str("id")); u != nil {
			names[i] = u.label
		} else {
			names[i] = "id " + o.Str("id")
		}
	}
	return "[" + strings.Join(names, " ") + "]"
}

func fuzzLabels(us []*fuzzUser) string {
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = u.label
	}
	return "[" + strings.Join(names, " ") + "]"
}

// list sends a generated filter, scoped to the sequence, and compares the
// users returned with those the model's evaluator selects.
func (s *fuzzSeq) list(rt *rapid.T) {
	f := mockidp.Filters(s.m.pool()).Draw(rt, "filter")
	s.again = func() { s.listWith(f) }
	s.listWith(f)
}

// relist repeats the last list or page walk with the same query: a result
// cached across a modification shows only this way. (Its name sorts after
// the other actions, so rapid shrinks towards them and not towards it.)
func (s *fuzzSeq) relist(rt *rapid.T) {
	if s.again != nil {
		s.again()
	}
}

// listWith lists the users of the sequence that match f.
func (s *fuzzSeq) listWith(f *mockidp.Filter) {
	full := s.scope() + " and (" + f.String() + ")"
	got, total, pages, first := s.walk(full, 1, 0)
	if first.Status != 200 {
		s.step("GET %s?filter=%s → 400 %s (declined; RFC 7644 §3.12 allows that for an unsupported attribute and operator)",
			s.fz.e.Disc.Endpoint(URNUser), full, scimType(first))
		return
	}
	var must, may []*fuzzUser
	for _, u := range s.m.live {
		switch s.m.match(f, u) {
		case triTrue:
			must = append(must, u)
		case triOpen:
			may = append(may, u)
		}
	}
	seen := map[string]bool{}
	var wrong, dup []Obj
	for _, o := range got {
		id := o.Str("id")
		u := s.m.byID(id)
		switch {
		case seen[id]:
			dup = append(dup, o)
		case u == nil || !slices.Contains(must, u) && !slices.Contains(may, u):
			wrong = append(wrong, o)
		}
		seen[id] = true
	}
	var missing []*fuzzUser
	for _, u := range must {
		if !seen[u.id] {
			missing = append(missing, u)
		}
	}
	expect := "expected " + fuzzLabels(must)
	if len(may) > 0 {
		expect += " and maybe " + fuzzLabels(may) + " (the RFC leaves those open)"
	}
	s.step("GET %s?filter=%s → 200 %s in %d page(s); %s", s.fz.e.Disc.Endpoint(URNUser), full, s.labels(got), pages, expect)
	switch {
	case len(wrong) > 0:
		s.fail("a filter returned a user it does not match", "%s returned %s, which the filter does not match", f, s.labels(wrong))
	case len(missing) > 0:
		s.fail("a filter left out a user it matches", "%s left out %s", f, fuzzLabels(missing))
	case len(dup) > 0:
		s.fail("a filtered list returned a user twice", "%s returned %s twice", f, s.labels(dup))
	case total != len(got):
		s.fail("totalResults of a filtered list is wrong", "totalResults is %d but the pages hold %d users", total, len(got))
	}
	s.listedAsModelled(got)
}

// listedAsModelled fails the sequence when a user in a list answer differs
// from the model: a list returns the current state, as a GET does.
func (s *fuzzSeq) listedAsModelled(got []Obj) {
	for _, o := range got {
		if u := s.m.byID(o.Str("id")); u != nil {
			if d := s.m.diff(u.want, o); len(d) > 0 {
				s.fail("a listed user differs from the model", "%s in the list: %s", u.label, strings.Join(d, "; "))
			}
		}
	}
}

// page walks the sequence's users in pages of a random count from a random
// startIndex: the pages together hold every user from that index on, each
// once, and totalResults counts them all.
func (s *fuzzSeq) page(rt *rapid.T) {
	count := rapid.IntRange(1, 4).Draw(rt, "count")
	from := 1
	if rapid.Bool().Draw(rt, "offset") {
		from = rapid.IntRange(1, len(s.m.live)+1).Draw(rt, "startIndex")
	}
	s.again = func() { s.pageWith(from, count) }
	s.pageWith(from, count)
}

// pageWith walks the pages of count from startIndex from.
func (s *fuzzSeq) pageWith(from, count int) {
	got, total, pages, _ := s.walk(s.scope(), from, count)
	s.step("GET %s?filter=%s&startIndex=%d&count=%d → %s in %d page(s), totalResults %d; the model holds %s",
		s.fz.e.Disc.Endpoint(URNUser), s.scope(), from, count, s.labels(got), pages, total, fuzzLabels(s.m.live))
	seen := map[string]bool{}
	for _, o := range got {
		id := o.Str("id")
		u := s.m.byID(id)
		switch {
		case seen[id]:
			s.fail("a page walk returned a user twice", "%s appears on two pages", s.labels([]Obj{o}))
		case u == nil || !slices.Contains(s.m.live, u):
			s.fail("a page walk returned a user the sequence does not hold", "%s is not a live user of the sequence", s.labels([]Obj{o}))
		}
		seen[id] = true
	}
	want := max(len(s.m.live)-from+1, 0)
	switch {
	case total != len(s.m.live):
		s.fail("totalResults of a page walk is wrong", "totalResults is %d; the sequence holds %d users", total, len(s.m.live))
	case len(got) != want:
		s.fail("the pages of a walk do not add up to the filtered set",
			"from startIndex %d with count %d the pages hold %d users; expected %d of %s", from, count, len(got), want, fuzzLabels(s.m.live))
	}
	s.listedAsModelled(got)
}
