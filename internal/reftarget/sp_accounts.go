package reftarget

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// The accounts listing of the reference SP: GET SPPath+"/accounts" answers
// the application's accounts as JSON, behind the same admin bearer token
// as its SCIM API:
//
//	{"users": [{"id", "userName", "email", "externalId", "active"}, …],
//	 "totalResults": N, "next": "/saml/accounts?after=…&count=…"}
//
// Pages hold count accounts (default acctPageSize) in creation order; the
// cursor "after" is the position of the last account of the previous page,
// so accounts created or deleted while a client pages do not shift the
// others. "next" is absent on the last page.
const (
	acctPageSize    = 100
	acctMaxPageSize = 1000
)

// serveAcctListing answers the accounts listing.
func (s *Server) serveAcctListing(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		s.unauthorized(w, r)
		return
	}
	q := r.URL.Query()
	count := acctPageSize
	if v := q.Get("count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			http.Error(w, "count must be a positive integer", http.StatusBadRequest)
			return
		}
		count = min(n, acctMaxPageSize)
	}
	var after uint64
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			http.Error(w, "after must be the cursor of a next link", http.StatusBadRequest)
			return
		}
		after = n
	}
	s.mu.RLock()
	all := s.all(rtUser)
	users := []any{}
	more := false
	var last uint64
	for _, u := range all {
		if u.seq <= after {
			continue
		}
		if len(users) == count {
			more = true
			break
		}
		users = append(users, acctView(u))
		last = u.seq
	}
	s.mu.RUnlock()
	out := map[string]any{"users": users, "totalResults": len(all)}
	if more {
		out["next"] = SPPath + "/accounts?" + url.Values{"after": {strconv.FormatUint(last, 10)}, "count": {strconv.Itoa(count)}}.Encode()
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(out)
}

// acctView is an account as the listing and whoami show it: "active"
// unless the user says false.
func acctView(u *resource) map[string]any {
	active, ok := u.data["active"].(bool)
	return map[string]any{
		"id":         u.id,
		"userName":   u.data["userName"],
		"email":      primaryEmail(u.data),
		"externalId": u.data["externalId"],
		"active":     !ok || active,
	}
}
