package target

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// absURL recognises a Path that is an absolute URL.
var absURL = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// Resolve returns the absolute URL a Request.Path addresses, or an error if
// it is not on the target.
func (c *Client) Resolve(path string) (string, error) {
	u, err := c.resolve(path, nil)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// resolve makes a request URL from a path relative to the base URL (or an
// absolute URL on the target) and extra query parameters.
func (c *Client) resolve(p string, q url.Values) (*url.URL, error) {
	var s string
	switch {
	case absURL.MatchString(p):
		s = p
	case p == "" || p == "/":
		s = c.baseStr
	case strings.HasPrefix(p, "?"):
		s = c.baseStr + p
	default:
		// Concatenation, not reference resolution: "//evil.example/x" stays
		// a path below the base URL.
		s = c.baseStr + "/" + strings.TrimLeft(p, "/")
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("request path %q: %v", p, err)
	}
	if !c.sameOrigin(u) || u.User != nil {
		shown := u.Redacted()
		return nil, fmt.Errorf("request url %q is not on the target %s://%s (provcheck sends requests only to the --scim-url host)",
			c.red.forExchange(nil, nil).str(shown), c.base.Scheme, c.base.Host)
	}
	u.Fragment, u.RawFragment = "", ""
	if len(q) > 0 {
		vals := u.Query()
		for k, vs := range q {
			for _, v := range vs {
				vals.Add(k, v)
			}
		}
		u.RawQuery = strings.ReplaceAll(vals.Encode(), "+", "%20")
	}
	return u, nil
}

// sameOrigin reports whether u has the base URL's scheme, host and port.
func (c *Client) sameOrigin(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, c.base.Scheme) && hostKey(u) == hostKey(c.base)
}

// rel returns the path segments of u below the base URL (decoded), and
// whether u is below the base URL at all.
func (c *Client) rel(u *url.URL) ([]string, bool) {
	if !c.sameOrigin(u) {
		return nil, false
	}
	p, bp := u.Path, c.base.Path
	if p == bp || p == bp+"/" {
		return []string{}, true
	}
	if !strings.HasPrefix(p, bp+"/") {
		return nil, false
	}
	rest := strings.Trim(p[len(bp)+1:], "/")
	if rest == "" {
		return []string{}, true
	}
	return strings.Split(rest, "/"), true
}

// exempt reports paths below the base that are not resources: /Bulk and
// the .search endpoints.
func exempt(segs []string) bool {
	return len(segs) >= 1 && (strings.EqualFold(segs[0], "Bulk") || segs[len(segs)-1] == ".search")
}

// methodOverrides are headers some servers honour to tunnel a method.
var methodOverrides = []string{"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"}

// guard refuses writes to anything this run did not create. Every method but
// GET, HEAD, OPTIONS and POST is a write; POST /Bulk is inspected operation
// by operation. Writes to the base URL, a collection or /Me need
// AllowUnowned too; /Bulk and .search paths are exempt.
func (c *Client) guard(method, um string, u *url.URL, req Request, body []byte) error {
	eff := um
	for k, v := range req.Header {
		for _, o := range methodOverrides {
			if strings.EqualFold(k, o) && strings.TrimSpace(v) != "" {
				eff = strings.ToUpper(strings.TrimSpace(v))
			}
		}
	}
	if req.AllowUnowned {
		return nil
	}
	segs, under := c.rel(u)
	switch eff {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	case http.MethodPost:
		if under && len(segs) == 1 && strings.EqualFold(segs[0], "Bulk") {
			return c.guardBulk(method, u, body)
		}
		return nil
	}
	if under && exempt(segs) {
		return nil
	}
	if c.owns(u) {
		return nil
	}
	return fmt.Errorf("refusing %s %s: not created by this run (provcheck never modifies resources it did not create)", method, c.redactURL(u))
}

// guardBulk checks every write operation of a Bulk request.
func (c *Client) guardBulk(method string, u *url.URL, body []byte) error {
	var br struct {
		Operations []map[string]any `json:"Operations"`
	}
	if len(bytes.TrimSpace(body)) == 0 || json.Unmarshal(body, &br) != nil {
		return nil // nothing a server could execute
	}
	for i, op := range br.Operations {
		m, _ := op["method"].(string)
		m = strings.ToUpper(strings.TrimSpace(m))
		if m == http.MethodGet || m == http.MethodPost {
			continue
		}
		p, _ := op["path"].(string)
		refuse := func(why string) error {
			return fmt.Errorf("refusing %s %s: Bulk operation %d (%s %s) %s (provcheck never modifies resources it did not create)",
				method, c.redactURL(u), i+1, m, p, why)
		}
		ou, err := c.resolve(p, nil)
		if err != nil {
			return refuse("is not on the target")
		}
		segs, under := c.rel(ou)
		if under && len(segs) == 2 && strings.HasPrefix(segs[1], "bulkId:") {
			continue // a resource created by this same request
		}
		if !c.owns(ou) {
			return refuse("targets a resource not created by this run")
		}
	}
	return nil
}

// Owns reports whether the resource a Request.Path addresses was created by
// this run (per the ledger).
func (c *Client) Owns(path string) bool {
	u, err := c.resolve(path, nil)
	return err == nil && c.owns(u)
}

// owns reports whether some ledger entry (live or deleted) is u.
func (c *Client) owns(u *url.URL) bool {
	if c.ledger.Owns(u.String()) {
		return true
	}
	// The same /<Type>/<id> below the base URL (type case-insensitive, id
	// exact) as an entry whose location is below the base URL too.
	segs, under := c.rel(u)
	if !under || len(segs) != 2 {
		return false
	}
	for _, loc := range c.ledger.locations(segs[0], segs[1]) {
		if eu, err := url.Parse(loc); err == nil {
			if _, eunder := c.rel(eu); eunder {
				return true
			}
		}
	}
	return false
}

// canonical is the location of a resource by the RFC's URL scheme.
func (c *Client) canonical(typ, id string) string {
	return c.baseStr + "/" + url.PathEscape(typ) + "/" + url.PathEscape(id)
}

// track updates the ledger after the final answer to a request.
func (c *Client) track(um string, u *url.URL, resp *Response) error {
	segs, under := c.rel(u)
	switch {
	case um == http.MethodPost && under && len(segs) == 1 && strings.EqualFold(segs[0], "Bulk"):
		// Also an error answer: a job stopped by failOnErrors may answer an
		// error status with the results of the operations it did run.
		return c.trackBulk(resp)
	case um == http.MethodPost && under && len(segs) == 1 && !exempt(segs):
		if resp.Status != http.StatusCreated {
			return nil
		}
		obj := jsonObject(resp.Body)
		id := idString(obj["id"])
		if id == "" {
			// RFC 7644 §3.3: the body SHOULD (not MUST) hold the resource;
			// a 201 without one still names it in Location.
			loc, ok := c.ownLocation(u, resp.Header.Get("Location"), "")
			if !ok {
				return nil
			}
			lu, _ := url.Parse(loc)
			ls, _ := c.rel(lu)
			if len(ls) != 2 || !strings.EqualFold(ls[0], segs[0]) {
				return nil
			}
			return c.record(segs[0], ls[1], loc, u)
		}
		return c.record(segs[0], id, c.locationFor(resp, u, obj, segs[0], id), u)
	case um == http.MethodPut && resp.Status == http.StatusCreated:
		obj := jsonObject(resp.Body)
		id := idString(obj["id"])
		typ := ""
		if under && len(segs) >= 1 {
			typ = segs[0]
		}
		if id == "" && under && len(segs) >= 2 {
			id = segs[len(segs)-1]
		}
		var loc string
		switch {
		case id != "" && typ != "":
			loc = c.locationFor(resp, u, obj, typ, id)
		default:
			cu := *u
			cu.RawQuery = ""
			loc = cu.String()
		}
		return c.record(typ, id, loc, u)
	case um == http.MethodDelete:
		switch resp.Status {
		case http.StatusOK, http.StatusNoContent, http.StatusNotFound:
			return c.markDeleted(u)
		}
	}
	return nil
}

// record adds an entry unless a live entry already has its location.
func (c *Client) record(typ, id, loc string, req *url.URL) error {
	if c.ledger.liveAt(loc) {
		return nil
	}
	err := c.ledger.Add(Entry{RunID: c.runID, Type: typ, ID: id, Location: loc, Created: c.now().UTC()})
	if err != nil {
		return fmt.Errorf("%s created %s but it could not be recorded in the ledger (stopping: nothing may be created without a record): %w",
			c.redactURL(req), loc, err)
	}
	return nil
}

// markDeleted marks every live entry that is u as deleted: the same
// location, or the same /<Type>/<id> below the base URL.
func (c *Client) markDeleted(u *url.URL) error {
	locs := []string{u.String()}
	if segs, under := c.rel(u); under && len(segs) == 2 {
		for _, loc := range c.ledger.locations(segs[0], segs[1]) {
			if eu, err := url.Parse(loc); err == nil {
				if _, eunder := c.rel(eu); eunder {
					locs = append(locs, loc)
				}
			}
		}
	}
	for _, loc := range locs {
		if err := c.ledger.MarkDeleted(loc); err != nil {
			return fmt.Errorf("DELETE %s succeeded but the ledger could not record it: %w", c.redactURL(u), err)
		}
	}
	return nil
}

// locationFor picks the location to record for a created resource: the
// Location header, else meta.location, if it is below the base URL and ends
// in the id; else the canonical /<Type>/<id> URL. A location that does not
// name the resource (a collection, another host) is never recorded: the
// clean-up would delete it.
func (c *Client) locationFor(resp *Response, reqURL *url.URL, obj map[string]any, typ, id string) string {
	var metaLoc string
	if meta, ok := obj["meta"].(map[string]any); ok {
		metaLoc, _ = meta["location"].(string)
	}
	for _, cand := range []string{resp.Header.Get("Location"), metaLoc} {
		if loc, ok := c.ownLocation(reqURL, cand, id); ok {
			return loc
		}
	}
	return c.canonical(typ, id)
}

// ownLocation resolves cand against ref and accepts it if it is below the
// base URL, at least /<Type>/<id>, and (when id is given) ends in id.
func (c *Client) ownLocation(ref *url.URL, cand, id string) (string, bool) {
	cand = strings.TrimSpace(cand)
	if cand == "" {
		return "", false
	}
	cu, err := ref.Parse(cand)
	if err != nil {
		return "", false
	}
	segs, under := c.rel(cu)
	if !under || len(segs) < 2 || exempt(segs) || (id != "" && segs[len(segs)-1] != id) {
		return "", false
	}
	cu.RawQuery, cu.ForceQuery, cu.Fragment, cu.RawFragment = "", false, "", ""
	return cu.String(), true
}

// trackBulk records what a Bulk request created and deleted.
func (c *Client) trackBulk(resp *Response) error {
	var br struct {
		Operations []map[string]any `json:"Operations"`
	}
	if json.Unmarshal(resp.Body, &br) != nil {
		return nil
	}
	reqURL, err := url.Parse(resp.URL)
	if err != nil {
		reqURL = c.base
	}
	for _, op := range br.Operations {
		m, _ := op["method"].(string)
		m = strings.ToUpper(strings.TrimSpace(m))
		st := bulkStatus(op["status"])
		loc, _ := op["location"].(string)
		if loc == "" {
			// A POST answered without the REQUIRED location may still
			// return the resource, with its meta.location.
			res, _ := op["response"].(map[string]any)
			meta, _ := res["meta"].(map[string]any)
			loc, _ = meta["location"].(string)
		}
		if loc == "" {
			continue
		}
		switch {
		case m == http.MethodPost && strings.HasPrefix(st, "201"):
			typ, id, abs, ok := c.bulkLocation(loc)
			if !ok {
				continue
			}
			if err := c.record(typ, id, abs, reqURL); err != nil {
				return err
			}
		case m == http.MethodDelete && (strings.HasPrefix(st, "200") || strings.HasPrefix(st, "204") || strings.HasPrefix(st, "404")):
			_, _, abs, ok := c.bulkLocation(loc)
			if !ok {
				continue
			}
			du, err := url.Parse(abs)
			if err == nil {
				if err := c.markDeleted(du); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// bulkLocation interprets the location of a Bulk operation response. A
// location off the target (an internal host name) that still ends in
// /<Type>/<id> is recorded at the canonical URL on the target.
func (c *Client) bulkLocation(loc string) (typ, id, abs string, ok bool) {
	baseRef, err := url.Parse(c.baseStr + "/")
	if err != nil {
		return "", "", "", false
	}
	if a, good := c.ownLocation(baseRef, loc, ""); good {
		au, err := url.Parse(a)
		if err == nil {
			if segs, _ := c.rel(au); len(segs) >= 2 {
				return segs[0], segs[len(segs)-1], a, true
			}
		}
	}
	lu, err := baseRef.Parse(strings.TrimSpace(loc))
	if err != nil {
		return "", "", "", false
	}
	parts := strings.Split(strings.Trim(lu.Path, "/"), "/")
	if len(parts) < 2 || parts[len(parts)-1] == "" || parts[len(parts)-2] == "" || exempt(parts[len(parts)-2:]) {
		return "", "", "", false
	}
	typ, id = parts[len(parts)-2], parts[len(parts)-1]
	return typ, id, c.canonical(typ, id), true
}

// bulkStatus reads a Bulk operation status: a string, a number, or the
// older {"code": "201"} object.
func bulkStatus(v any) string {
	switch s := v.(type) {
	case string:
		return strings.TrimSpace(s)
	case float64:
		return fmt.Sprint(int(s))
	case json.Number:
		return s.String()
	case map[string]any:
		return bulkStatus(s["code"])
	}
	return ""
}

// jsonObject decodes a JSON object body, or returns nil.
func jsonObject(b []byte) map[string]any {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil {
		return nil
	}
	return m
}

// idString reads an "id" (a string; a number from a faulty server).
func idString(v any) string {
	switch s := v.(type) {
	case string:
		return strings.TrimSpace(s)
	case json.Number:
		return s.String()
	}
	return ""
}

// Adopt records in the ledger a resource this run caused to exist without
// creating it through the client, such as the account a SAML JIT login
// created, so the guard lets the run change and delete it and the clean-up
// removes it. marker is the identifier the run invented for it (the NameID,
// userName or email it sent): it must contain the run ID, and the resource,
// read back with GET /<typ>/<id>, must carry it as a value of userName,
// externalId or an email. Anything else is refused, so Adopt never hands
// the run a resource it did not cause. Adopting a resource already in the
// ledger is a no-op.
func (c *Client) Adopt(ctx context.Context, typ, id, marker string, rec Recorder) error {
	if id == "" || typ == "" || strings.ContainsAny(typ+id, "/?#") {
		return fmt.Errorf("adopt %s/%s: not a resource type and id", typ, id)
	}
	if !strings.Contains(strings.ToLower(marker), strings.ToLower(c.runID)) {
		return fmt.Errorf("adopt %s/%s: marker %q does not carry the run ID %s (provcheck adopts only what this run caused)", typ, id, marker, c.runID)
	}
	path := "/" + url.PathEscape(typ) + "/" + url.PathEscape(id)
	if c.Owns(path) {
		return nil
	}
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: path}, rec)
	if err != nil {
		return fmt.Errorf("adopt %s/%s: %w", typ, id, err)
	}
	if resp.Status != http.StatusOK {
		return fmt.Errorf("adopt %s/%s: GET answered %d", typ, id, resp.Status)
	}
	obj := jsonObject(resp.Body)
	if idString(obj["id"]) != id || !carries(obj, marker) {
		return fmt.Errorf("adopt %s/%s: the resource does not carry %q in userName, externalId or emails; not adopted", typ, id, marker)
	}
	u, err := c.resolve(path, nil)
	if err != nil {
		return err
	}
	return c.record(typ, id, c.locationFor(resp, u, obj, typ, id), u)
}

// carries reports whether a SCIM user has marker as its userName,
// externalId or one of its email values.
func carries(obj map[string]any, marker string) bool {
	for _, k := range []string{"userName", "externalId"} {
		if s, ok := obj[k].(string); ok && s == marker {
			return true
		}
	}
	emails, _ := obj["emails"].([]any)
	for _, e := range emails {
		m, _ := e.(map[string]any)
		if s, ok := m["value"].(string); ok && strings.EqualFold(s, marker) {
			return true
		}
	}
	return false
}

// Transport returns the client's HTTP transport (its TLS settings), for
// requests to other endpoints of the same application, such as its SAML SP.
func (c *Client) Transport() http.RoundTripper { return c.hc.Transport }
