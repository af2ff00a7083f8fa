package reftarget

import (
	"crypto/rand"
	"fmt"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"
)

// The store lives in Server, guarded by Server.mu: resources by type and id,
// a creation sequence for stable ordering and a global version counter.

// outcome is the result of a successful single-resource operation.
type outcome struct {
	status int
	res    *resource
	view   map[string]any // full representation, before projection; nil for 204
	// version is res.version when the outcome was made: the resource may
	// change once the lock is released, and the answer must describe the
	// state it returns.
	version uint64
}

// newOutcome returns the outcome of an operation on r. The caller holds s.mu.
func (s *Server) newOutcome(status int, r *resource, base string) *outcome {
	return &outcome{status: status, res: r, view: s.view(r, base), version: r.version}
}

// etag is the entity-tag of the state the outcome returns.
func (o *outcome) etag() string { return (&resource{version: o.version}).etag() }

// opOptions tune an operation for Bulk.
type opOptions struct {
	// literalBulkIDs lets unresolved "bulkId:" member values through
	// (FaultBulkNoBulkID).
	literalBulkIDs bool
}

// all returns the live resources of a type in creation order. The caller
// holds s.mu.
func (s *Server) all(rt *resourceType) []*resource {
	m := s.resources[rt.Name]
	out := make([]*resource, 0, len(m))
	for _, r := range m {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// lookup returns the resource of type rt with the given id, or nil. The
// caller holds s.mu.
func (s *Server) lookup(rt *resourceType, id string) *resource {
	return s.resources[rt.Name][id]
}

// userNameTaken reports whether another user has the userName. userName has
// caseExact=false and uniqueness=server, so the comparison ignores case. The
// caller holds s.mu.
func (s *Server) userNameTaken(name any, exceptID string) bool {
	n, ok := name.(string)
	if !ok || s.has(FaultNoUniqueness) {
		return false
	}
	if s.has(FaultDeletedNameConflict) && slices.ContainsFunc(s.deleted, func(d string) bool { return strings.EqualFold(d, n) }) {
		return true
	}
	for id, r := range s.resources[rtUser.Name] {
		if id == exceptID {
			continue
		}
		other, ok := r.data["userName"].(string)
		if !ok {
			continue
		}
		a, b := other, n
		if !s.has(FaultUserNameNotPrepared) {
			a, b = precisPrepare(a), precisPrepare(b)
		}
		if a == b || (!s.has(FaultCaseSensitiveUserName) && strings.EqualFold(a, b)) {
			return true
		}
	}
	return false
}

// precisPrepare prepares a userName for comparison as RFC 7644 §7.8 asks
// (the PRECIS UsernameCasePreserved profile of RFC 8265 §3.4): full- and
// half-width characters mapped to their decomposition, then Unicode
// normalisation form C. Case is compared separately (caseExact=false).
func precisPrepare(s string) string {
	return norm.NFC.String(width.Fold.String(s))
}

func conflictUserName(name any) *scimError {
	return errorf(http.StatusConflict, scimUniqueness, "userName %v is already in use", name)
}

// stamp returns the current time at millisecond precision, strictly after
// prev.
func (s *Server) stamp(prev time.Time) time.Time {
	t := s.now().UTC().Truncate(time.Millisecond)
	if !t.After(prev) {
		t = prev.Add(time.Millisecond)
	}
	return t
}

// touch records a modification of r. The caller holds s.mu.
func (s *Server) touch(r *resource) {
	r.modified = s.stamp(r.modified)
	s.ver++
	r.version = s.ver
}

// touchMembers records a modification of the users listed in the members
// values given: their computed "groups" attribute changed. The caller holds
// s.mu.
func (s *Server) touchMembers(lists ...any) {
	seen := map[string]bool{}
	for _, l := range lists {
		arr, _ := l.([]any)
		for _, e := range arr {
			m, _ := e.(map[string]any)
			id, _ := m["value"].(string)
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			if u := s.lookup(rtUser, id); u != nil {
				s.touch(u)
			}
		}
	}
}

func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// resolveMembers checks Group.members: every value must be the id of an
// existing User or Group (values already present in old may stay), "type" is
// set from what the id names, "$ref" is dropped (it is computed on output)
// and duplicates are removed. The caller holds s.mu.
func (s *Server) resolveMembers(data map[string]any, old any, selfID string, opt opOptions) *scimError {
	arr, ok := data["members"].([]any)
	if !ok {
		return nil
	}
	had := map[string]bool{}
	if oldArr, ok := old.([]any); ok {
		for _, e := range oldArr {
			if m, ok := e.(map[string]any); ok {
				if v, ok := m["value"].(string); ok {
					had[v] = true
				}
			}
		}
	}
	seen := map[string]bool{}
	out := make([]any, 0, len(arr))
	for _, e := range arr {
		m, ok := e.(map[string]any)
		if !ok {
			out = append(out, e) // only with FaultWrongTypeAccepted
			continue
		}
		val, _ := m["value"].(string)
		if val == "" {
			return badRequest(scimInvalidValue, "every member needs a \"value\" (the id of a User or Group)")
		}
		if seen[val] && !s.has(FaultGroupDuplicateMember) {
			continue
		}
		seen[val] = true
		delete(m, "$ref")
		switch {
		case val == selfID:
			return badRequest(scimInvalidValue, "a group cannot be a member of itself")
		case s.lookup(rtUser, val) != nil:
			m["type"] = resourceTypeUser
		case s.lookup(rtGroup, val) != nil:
			m["type"] = resourceTypeGroup
		case had[val]:
		case opt.literalBulkIDs && strings.HasPrefix(val, bulkIDPrefix):
		default:
			return badRequest(scimInvalidValue, "member %q is not the id of an existing User or Group", val)
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		delete(data, "members")
	} else {
		data["members"] = out
	}
	return nil
}

// checkIfMatch evaluates an If-Match header against r (weak comparison, as
// SCIM versions are weak ETags).
// checkIfMatchWrite is checkIfMatch for PUT and PATCH; with
// FaultIfMatchRace it lets go of the lock between the check and the write,
// so two writes with the same version can both pass. The caller holds s.mu.
func (s *Server) checkIfMatchWrite(r *resource, ifMatch string) *scimError {
	if err := s.checkIfMatch(r, ifMatch); err != nil {
		return err
	}
	if s.has(FaultIfMatchRace) && ifMatch != "" {
		s.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		s.mu.Lock()
	}
	return nil
}

func (s *Server) checkIfMatch(r *resource, header string) *scimError {
	if strings.TrimSpace(header) == "" || s.has(FaultETagIgnored) {
		return nil
	}
	for _, t := range splitETags(header) {
		if t == "*" || etagsMatch(t, r.etag()) {
			return nil
		}
	}
	return errorf(http.StatusPreconditionFailed, "",
		"failed to update: resource %s has changed on the server (current version %s)", r.id, r.etag())
}

func splitETags(h string) []string {
	var out []string
	for _, p := range strings.Split(h, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func etagsMatch(a, b string) bool {
	norm := func(t string) string {
		t = strings.TrimSpace(t)
		t = strings.TrimPrefix(t, "W/")
		t = strings.TrimPrefix(t, "w/")
		return strings.Trim(t, "\"")
	}
	return norm(a) == norm(b)
}

// createResource implements POST.
func (s *Server) createResource(rt *resourceType, body map[string]any, base string, opt opOptions) (*outcome, *scimError) {
	if rt == rtUser && s.has(FaultRobustUserNameType500) {
		v, _ := field(body, "userName")
		switch v.(type) {
		case []any, map[string]any:
			return nil, errorf(http.StatusInternalServerError, "", "internal error: interface conversion: interface {} is %T, not string", v)
		}
	}
	skip := func(a *attribute) bool { return rt == rtUser && a.Name == "userName" && s.has(FaultNoUserNameAccepted) }
	data, err := s.prepareCreate(rt, body, skip)
	if err != nil {
		return nil, err
	}
	id := newID()
	if s.has(FaultClientID) {
		if v, ok := field(body, "id"); ok {
			if cid, ok := v.(string); ok && cid != "" {
				id = cid
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.admitCreate(rt, data, id, opt); err != nil {
		return nil, err
	}
	if rt == rtUser {
		if err := s.jitExternalIDConflict(data); err != nil {
			return nil, err
		}
	}
	if s.has(FaultUniquenessRace) {
		s.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		s.mu.Lock()
	}
	if s.lookup(rt, id) != nil {
		return nil, errorf(http.StatusConflict, scimUniqueness, "id %q is already in use", id)
	}
	now := s.stamp(time.Time{})
	r := &resource{rt: rt, id: id, data: data, created: now, modified: now}
	if s.has(FaultCreatedAfterModified) {
		r.modified = r.created.Add(time.Hour)
	}
	if s.has(FaultClientMeta) {
		if mv, ok := field(body, "meta"); ok {
			if meta, ok := mv.(map[string]any); ok {
				if t, ok := metaTime(meta, "created"); ok {
					r.created = t
				}
				if t, ok := metaTime(meta, "lastModified"); ok {
					r.modified = t
				}
			}
		}
	}
	return s.insert(r, base), nil
}

func metaTime(meta map[string]any, name string) (time.Time, bool) {
	v, _ := field(meta, name)
	str, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := parseDateTime(str)
	return t, err == nil
}

// getResource implements GET of one resource.
func (s *Server) getResource(rt *resourceType, id, base string) (*outcome, *scimError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.lookup(rt, id)
	if r == nil {
		return nil, notFound("%s %s not found", rt.Name, id)
	}
	return s.newOutcome(http.StatusOK, r, base), nil
}

// replaceResource implements PUT (RFC 7644 §3.5.1).
func (s *Server) replaceResource(rt *resourceType, id string, body map[string]any, ifMatch, base string, opt opOptions) (*outcome, *scimError) {
	if s.has(FaultPutRejectsReadOnly) {
		for _, k := range []string{"id", "groups", "meta"} {
			if _, ok := body[k]; ok {
				return nil, badRequest(scimMutability, "attribute %q is readOnly", k)
			}
		}
	}
	n := normalizer{s: s, rt: rt}
	data, err := n.object(body)
	if err != nil {
		return nil, err
	}
	dedupeValues(rt, data)
	s.mu.Lock()
	r := s.lookup(rt, id)
	if r == nil {
		s.mu.Unlock()
		if !s.has(FaultPutCreates) {
			return nil, notFound("%s %s not found", rt.Name, id)
		}
		body = copyMap(body)
		body["id"] = id
		return s.createWithID(rt, body, id, base, opt)
	}
	defer s.mu.Unlock()
	if err := s.checkIfMatchWrite(r, ifMatch); err != nil {
		return nil, err
	}
	if s.has(FaultPutKeepsOmitted) {
		merged := copyMap(r.data)
		for k, v := range data {
			merged[k] = v
		}
		data = merged
	}
	// writeOnly values (password) cannot be read back, so a client cannot
	// resend them: omitting one keeps it.
	for _, a := range rt.Schema.Attributes {
		if a.Mutability == mutWriteOnly {
			if _, ok := data[a.Name]; !ok {
				if old, ok := r.data[a.Name]; ok {
					data[a.Name] = old
				}
			}
		}
	}
	if err := checkRequired(rt, data, nil); err != nil {
		old, had := r.data["userName"]
		if !(rt == rtUser && s.has(FaultPutIgnoresRequired) && had && data["userName"] == nil) {
			return nil, err
		}
		data["userName"] = old
	}
	if err := checkImmutable(rt, r.data, data); err != nil {
		return nil, err
	}
	r.replaced = s.has(FaultPatchAfterPutClears)
	return s.finishUpdate(r, data, opt, base)
}

// commit stores the new data of r (PUT, PATCH), recording a modification if
// anything changed. The caller holds s.mu.
func (s *Server) commit(r *resource, data map[string]any) {
	if reflect.DeepEqual(r.data, data) {
		return
	}
	old := r.data
	r.data = data
	if !s.has(FaultStaleLastModified) {
		s.touch(r)
	}
	if r.rt == rtGroup {
		s.touchMembers(old["members"], data["members"])
	}
}

// createWithID creates a resource under a given id (FaultPutCreates).
func (s *Server) createWithID(rt *resourceType, body map[string]any, id, base string, opt opOptions) (*outcome, *scimError) {
	data, err := s.prepareCreate(rt, body, nil)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.admitCreate(rt, data, id, opt); err != nil {
		return nil, err
	}
	now := s.stamp(time.Time{})
	r := &resource{rt: rt, id: id, data: data, created: now, modified: now}
	return s.insert(r, base), nil
}

// prepareCreate normalises the body of a new resource, removes duplicate
// values and checks the required attributes (skip leaves some out).
func (s *Server) prepareCreate(rt *resourceType, body map[string]any, skip func(*attribute) bool) (map[string]any, *scimError) {
	n := normalizer{s: s, rt: rt}
	data, err := n.object(body)
	if err != nil {
		return nil, err
	}
	dedupeValues(rt, data)
	if err := checkRequired(rt, data, skip); err != nil {
		return nil, err
	}
	if _, ok := data["active"]; rt == rtUser && !ok && !s.has(FaultDefaultNotStored) {
		// A user created without "active" is active (a default, which
		// filters must then see: RFC 7644 §3.4.2.2).
		data["active"] = true
	}
	return data, nil
}

// admitCreate resolves a new group's members and refuses a userName that
// is taken. The caller holds s.mu.
func (s *Server) admitCreate(rt *resourceType, data map[string]any, id string, opt opOptions) *scimError {
	if rt == rtGroup {
		if err := s.resolveMembers(data, nil, id, opt); err != nil {
			return err
		}
	}
	if rt == rtUser && s.userNameTaken(data["userName"], "") {
		return conflictUserName(data["userName"])
	}
	return nil
}

// checkImmutable rejects a change of an immutable top-level attribute that
// already has a value (RFC 7644 §3.5.1).
func checkImmutable(rt *resourceType, old, new map[string]any) *scimError {
	check := func(attrs []*attribute, o, n map[string]any, prefix string) *scimError {
		for _, a := range attrs {
			if a.Mutability != mutImmutable {
				continue
			}
			ov, had := o[a.Name]
			if had && ov != nil && !reflect.DeepEqual(ov, n[a.Name]) {
				return badRequest(scimMutability, "attribute %q is immutable", prefix+a.Name)
			}
		}
		return nil
	}
	if err := check(rt.Schema.Attributes, old, new, ""); err != nil {
		return err
	}
	for _, ext := range rt.Extensions {
		o, _ := old[ext.ID].(map[string]any)
		n, _ := new[ext.ID].(map[string]any)
		if o == nil {
			continue
		}
		if n == nil {
			n = map[string]any{}
		}
		if err := check(ext.Attributes, o, n, ext.ID+":"); err != nil {
			return err
		}
	}
	return nil
}

// deleteResource implements DELETE (RFC 7644 §3.6).
func (s *Server) deleteResource(rt *resourceType, id, ifMatch string) *scimError {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.lookup(rt, id)
	if r == nil {
		if s.has(FaultDeleteTwice) {
			return nil
		}
		return notFound("%s %s not found", rt.Name, id)
	}
	if err := s.checkIfMatch(r, ifMatch); err != nil {
		return err
	}
	if s.has(FaultSoftDelete) {
		return nil
	}
	delete(s.resources[rt.Name], id)
	s.cache = nil
	if name, ok := r.data["userName"].(string); ok && rt == rtUser {
		s.deleted = append(s.deleted, name)
	}
	if rt == rtUser && s.has(FaultDeletedStillFiltered) {
		s.deletedUsers = append(s.deletedUsers, r)
	}
	if rt == rtGroup {
		s.touchMembers(r.data["members"])
	}
	if s.has(FaultMemberLeftAfterDelete) {
		return nil
	}
	for _, g := range s.all(rtGroup) {
		members, ok := g.data["members"].([]any)
		if !ok {
			continue
		}
		kept := members[:0:0]
		for _, m := range members {
			if mm, ok := m.(map[string]any); ok && mm["value"] == id {
				continue
			}
			kept = append(kept, m)
		}
		if len(kept) == len(members) {
			continue
		}
		if len(kept) == 0 {
			delete(g.data, "members")
		} else {
			g.data["members"] = kept
		}
		s.touch(g)
	}
	return nil
}

// insert stores a new resource with the next version and sequence number.
// The caller holds s.mu.
func (s *Server) insert(r *resource, base string) *outcome {
	s.ver++
	r.version = s.ver
	s.seq++
	r.seq = s.seq
	s.resources[r.rt.Name][r.id] = r
	s.cache = nil
	if r.rt == rtGroup {
		s.touchMembers(r.data["members"])
	}
	return s.newOutcome(http.StatusCreated, r, base)
}

// finishUpdate resolves group members, enforces userName uniqueness and
// commits data as r's new state. The caller holds s.mu.
func (s *Server) finishUpdate(r *resource, data map[string]any, opt opOptions, base string) (*outcome, *scimError) {
	if r.rt == rtGroup {
		if err := s.resolveMembers(data, r.data["members"], r.id, opt); err != nil {
			return nil, err
		}
	}
	if r.rt == rtUser && s.userNameTaken(data["userName"], r.id) {
		return nil, conflictUserName(data["userName"])
	}
	s.commit(r, data)
	return s.newOutcome(http.StatusOK, r, base), nil
}
