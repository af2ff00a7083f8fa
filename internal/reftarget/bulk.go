package reftarget

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Bulk (RFC 7644 §3.7). Operations run in request order, except that an
// operation referring to the bulkId of a POST not yet run waits until that
// POST has run. When every remaining operation waits (a circular reference,
// RFC 7644 §3.7.1), the first waiting POST creates its resource without the
// references it cannot resolve yet, and once the others have run it is
// replaced by its full data with every bulkId resolved; if that fails, the
// resource is deleted again and the operation fails with 409. Operations
// that wait on no POST fail with 409. Each operation is atomic on its own,
// like a separate request.

// bulkOp is one parsed bulk operation.
type bulkOp struct {
	method  string
	bulkID  string
	path    string
	version string
	data    map[string]any
	err     *scimError // the operation is malformed
}

func (s *Server) serveBulk(w http.ResponseWriter, r *http.Request, base string) {
	limit := s.opts.MaxBulkPayload
	body, err := s.readBody(r, limit)
	if err != nil {
		if err.status == http.StatusRequestEntityTooLarge {
			err.detail = "the size of the bulk operation exceeds the maxPayloadSize (" + strconv.Itoa(limit) + " bytes)"
		}
		s.writeBulkError(w, err)
		return
	}
	if !hasSchema(body, uriBulkRequest) {
		s.writeError(w, badRequest(scimInvalidSyntax, "schemas must contain %s", uriBulkRequest))
		return
	}
	raw, _ := field(body, "Operations")
	arr, ok := raw.([]any)
	if !ok {
		s.writeError(w, badRequest(scimInvalidSyntax, "Operations must be an array of bulk operations"))
		return
	}
	if len(arr) > s.opts.MaxBulkOperations && !s.has(FaultBulkMaxOpsIgnored) {
		s.writeBulkError(w, errorf(http.StatusRequestEntityTooLarge, "",
			"the number of operations (%d) exceeds the maxOperations (%d)", len(arr), s.opts.MaxBulkOperations))
		return
	}
	failOnErrors := 0
	if v, ok := field(body, "failOnErrors"); ok && v != nil {
		num, ok := v.(json.Number)
		n, err := num.Int64()
		if !ok || err != nil || n < 0 {
			s.writeError(w, badRequest(scimInvalidValue, "failOnErrors must be a non-negative integer"))
			return
		}
		failOnErrors = int(n)
	}
	if s.has(FaultBulkFailOnErrorsIgnored) {
		failOnErrors = 0
	}
	ops := make([]bulkOp, len(arr))
	for i, e := range arr {
		ops[i] = parseBulkOp(e)
	}
	s.writeJSON(w, http.StatusOK, map[string]any{
		"schemas":    []any{uriBulkResponse},
		"Operations": s.runBulk(ops, failOnErrors, base),
	})
}

func parseBulkOp(e any) bulkOp {
	var op bulkOp
	m, ok := e.(map[string]any)
	if !ok {
		op.err = badRequest(scimInvalidSyntax, "a bulk operation must be a JSON object")
		return op
	}
	str := func(name string) (string, bool) {
		v, _ := field(m, name)
		if v == nil {
			return "", true
		}
		s, ok := v.(string)
		return s, ok
	}
	var okM, okB, okP, okV bool
	op.method, okM = str("method")
	op.method = strings.ToUpper(strings.TrimSpace(op.method))
	op.bulkID, okB = str("bulkId")
	op.path, okP = str("path")
	op.version, okV = str("version")
	switch {
	case !okM || !okB || !okP || !okV:
		op.err = badRequest(scimInvalidSyntax, "method, bulkId, path and version must be strings")
	case op.method != http.MethodPost && op.method != http.MethodPut && op.method != http.MethodPatch && op.method != http.MethodDelete:
		op.err = badRequest(scimInvalidSyntax, "method must be POST, PUT, PATCH or DELETE, got %q", op.method)
	case strings.TrimSpace(op.path) == "":
		op.err = badRequest(scimInvalidSyntax, "path is required")
	case op.method == http.MethodPost && op.bulkID == "":
		op.err = badRequest(scimInvalidSyntax, "bulkId is required for POST")
	}
	if op.err != nil {
		return op
	}
	if op.method != http.MethodDelete {
		d, _ := field(m, "data")
		op.data, ok = d.(map[string]any)
		if !ok {
			op.err = badRequest(scimInvalidSyntax, "data is required for %s and must be a JSON object", op.method)
		}
	}
	return op
}

// bulkRefs lists the bulkIds an operation refers to (in data and path).
func bulkRefs(op bulkOp) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case string:
			if strings.HasPrefix(t, bulkIDPrefix) {
				out = append(out, t[len(bulkIDPrefix):])
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		case map[string]any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(op.data)
	for _, seg := range strings.Split(op.path, "/") {
		walk(seg)
	}
	return out
}

func (s *Server) runBulk(ops []bulkOp, failOnErrors int, base string) []any {
	literal := s.has(FaultBulkNoBulkID)
	declared := map[string]int{} // bulkId -> index of its POST
	for i := range ops {
		op := &ops[i]
		if op.err != nil || op.method != http.MethodPost {
			continue
		}
		if _, dup := declared[op.bulkID]; dup {
			op.err = badRequest(scimInvalidValue, "bulkId %q is used by more than one operation", op.bulkID)
			continue
		}
		declared[op.bulkID] = i
	}
	results := make([]map[string]any, len(ops))
	created := map[string]string{} // bulkId -> id
	pending := make([]int, len(ops))
	for i := range pending {
		pending[i] = i
	}
	errCount := 0
	stop := false
	var deferred []int // POSTs created without their circular references
	record := func(i int, res map[string]any) {
		results[i] = res
		if st, _ := res["status"].(string); st != "" && st[0] != '2' {
			errCount++
			if failOnErrors > 0 && errCount >= failOnErrors {
				stop = true
			}
		}
	}
	for len(pending) > 0 && !stop {
		var waiting []int
		for _, i := range pending {
			if stop {
				break
			}
			if !literal && ops[i].err == nil && s.mustWait(ops, i, declared, results) {
				waiting = append(waiting, i)
				continue
			}
			record(i, s.execBulkOp(ops[i], created, base, literal))
		}
		if len(waiting) == len(pending) {
			k := slices.IndexFunc(waiting, func(i int) bool { return ops[i].method == http.MethodPost })
			if k < 0 {
				for _, i := range waiting {
					if stop {
						break
					}
					op := ops[i]
					op.err = errorf(http.StatusConflict, "", "circular or unresolvable bulkId reference")
					record(i, s.execBulkOp(op, created, base, literal))
				}
				break
			}
			i := waiting[k]
			op := ops[i]
			op.data = stripBulkRefs(op.data, created).(map[string]any)
			res := s.execBulkOp(op, created, base, literal)
			record(i, res)
			if res["status"] == "201" {
				deferred = append(deferred, i)
			}
			waiting = slices.Delete(waiting, k, k+1)
		}
		pending = waiting
	}
	for _, i := range deferred {
		results[i] = s.completeCircular(ops[i], results[i], created, base)
	}
	out := []any{}
	for _, res := range results {
		if res != nil {
			out = append(out, res)
		}
	}
	return out
}

// mustWait reports whether op i refers to a POST of this request that has
// not run yet.
func (s *Server) mustWait(ops []bulkOp, i int, declared map[string]int, results []map[string]any) bool {
	for _, ref := range bulkRefs(ops[i]) {
		j, ok := declared[ref]
		if ok && j != i && results[j] == nil {
			return true
		}
	}
	return false
}

// execBulkOp runs one bulk operation and returns its response entry.
func (s *Server) execBulkOp(op bulkOp, created map[string]string, base string, literal bool) map[string]any {
	res := map[string]any{"method": op.method}
	if op.bulkID != "" && !s.has(FaultBulkNoBulkIDEcho) {
		res["bulkId"] = op.bulkID
	}
	fail := func(err *scimError, location string) map[string]any {
		res["status"] = strconv.Itoa(err.status)
		if !s.has(FaultBulkErrorNoResponse) {
			res["response"] = s.errorBody(err)
		}
		if location != "" && op.method != http.MethodPost {
			res["location"] = location
		}
		return res
	}
	if op.err != nil {
		return fail(op.err, "")
	}
	path := strings.TrimPrefix(strings.TrimSpace(op.path), base)
	path = strings.TrimPrefix(path, BasePath)
	segs := strings.Split(strings.Trim(path, "/"), "/")
	rt := endpointType(segs[0])
	switch {
	case rt == nil || len(segs) > 2:
		return fail(notFound("no resource endpoint at %q", op.path), "")
	case op.method == http.MethodPost && len(segs) != 1:
		return fail(badRequest(scimInvalidSyntax, "a POST path must name a resource type endpoint such as /Users, not %q", op.path), "")
	case op.method != http.MethodPost && len(segs) != 2:
		return fail(badRequest(scimInvalidSyntax, "a %s path must name a resource such as /Users/{id}, not %q", op.method, op.path), "")
	}
	id := ""
	if len(segs) == 2 {
		id = segs[1]
		if strings.HasPrefix(id, bulkIDPrefix) && !literal {
			real, ok := created[id[len(bulkIDPrefix):]]
			if !ok {
				return fail(badRequest(scimInvalidValue, "%s does not name a resource created in this request", id), "")
			}
			id = real
		}
	}
	location := base + rt.Endpoint + "/" + id
	data := op.data
	if !literal && data != nil {
		var unresolved string
		data = substituteBulkIDs(data, created, &unresolved).(map[string]any)
		if unresolved != "" {
			return fail(badRequest(scimInvalidValue, "bulkId:%s does not name a resource created in this request", unresolved), location)
		}
	}
	opt := opOptions{literalBulkIDs: literal}
	var (
		o   *outcome
		err *scimError
	)
	switch op.method {
	case http.MethodPost:
		o, err = s.createResource(rt, data, base, opt)
	case http.MethodPut:
		o, err = s.replaceResource(rt, id, data, op.version, base, opt)
	case http.MethodPatch:
		o, err = s.patchResource(rt, id, data, op.version, base, opt)
	case http.MethodDelete:
		if err = s.deleteResource(rt, id, op.version); err == nil {
			res["status"] = "204"
			res["location"] = location
			return res
		}
	}
	if err != nil {
		return fail(err, location)
	}
	if op.method == http.MethodPost {
		created[op.bulkID] = o.res.id
	}
	res["status"] = strconv.Itoa(o.status)
	res["location"] = o.res.location(base)
	res["version"] = o.etag()
	return res
}

// substituteBulkIDs replaces "bulkId:x" strings by the id created for x.
func substituteBulkIDs(v any, created map[string]string, unresolved *string) any {
	switch t := v.(type) {
	case string:
		if strings.HasPrefix(t, bulkIDPrefix) {
			if id, ok := created[t[len(bulkIDPrefix):]]; ok {
				return id
			}
			*unresolved = t[len(bulkIDPrefix):]
		}
		return t
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = substituteBulkIDs(e, created, unresolved)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = substituteBulkIDs(e, created, unresolved)
		}
		return out
	}
	return v
}

// writeBulkError answers a request-level Bulk error; 413 answers are plain
// text with FaultBulk413Plain.
func (s *Server) writeBulkError(w http.ResponseWriter, err *scimError) {
	if err.status == http.StatusRequestEntityTooLarge && s.has(FaultBulk413Plain) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(err.status)
		_, _ = w.Write([]byte("Payload Too Large\n"))
		return
	}
	s.writeError(w, err)
}

// completeCircular replaces a resource created without its circular
// references by its full data, now that the other operations have run. If
// that fails, the resource is deleted and the operation fails with 409.
func (s *Server) completeCircular(op bulkOp, res map[string]any, created map[string]string, base string) map[string]any {
	loc, _ := res["location"].(string)
	put := s.execBulkOp(bulkOp{method: http.MethodPut, path: loc, data: op.data}, created, base, false)
	if put["status"] == "200" {
		res["version"] = put["version"]
		return res
	}
	s.execBulkOp(bulkOp{method: http.MethodDelete, path: loc}, created, base, false)
	delete(created, op.bulkID)
	failed := op
	failed.err = errorf(http.StatusConflict, "", "the circular bulkId references could not be resolved")
	return s.execBulkOp(failed, created, base, false)
}

// stripBulkRefs returns v without the "bulkId:" references that name no
// resource created yet: array elements holding one are dropped, object
// members holding one are left out.
func stripBulkRefs(v any, created map[string]string) any {
	unresolved := func(e any) bool {
		var missing string
		substituteBulkIDs(e, created, &missing)
		return missing != ""
	}
	switch t := v.(type) {
	case []any:
		out := make([]any, 0, len(t))
		for _, e := range t {
			if !unresolved(e) {
				out = append(out, e)
			}
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if _, isStr := e.(string); isStr && unresolved(e) {
				continue
			}
			out[k] = stripBulkRefs(e, created)
		}
		return out
	}
	return v
}
