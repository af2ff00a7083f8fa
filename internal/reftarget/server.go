package reftarget

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// BasePath is the path under which the server answers SCIM requests.
const BasePath = "/scim/v2"

// anyVersion matches the base path with any version (FaultAnyVersion).
var anyVersion = regexp.MustCompile(`^/scim/v[0-9]+`)

// maxBodyBytes bounds request bodies other than Bulk.
const maxBodyBytes = 8 << 20

// Options configure a Server. The zero value is usable.
type Options struct {
	// Token is the bearer token required on every endpoint except the
	// discovery endpoints (ServiceProviderConfig, Schemas, ResourceTypes).
	// Empty means: generate a random one (see Server.Token).
	Token string
	// Faults switches deliberate deviations from the RFCs on.
	Faults []Fault
	// MaxResults is filter.maxResults: the largest page a list returns
	// (default 200). A larger count is capped; totalResults stays exact.
	MaxResults int
	// NoSort makes the server one without sorting: ServiceProviderConfig
	// says sort.supported=false and sortBy and sortOrder are ignored.
	NoSort bool
	// MaxBulkOperations is bulk.maxOperations (default 100).
	MaxBulkOperations int
	// MaxBulkPayload is bulk.maxPayloadSize in bytes (default 1 MiB).
	MaxBulkPayload int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// SPPolicy is the declared policy of the SAML SP under SPPath; nil
	// means DefaultSPPolicy.
	SPPolicy *SPPolicy
	// IdP is the identity provider the SP trusts; nil means none yet (see
	// Server.TrustIdP): the ACS then answers 503.
	IdP *TrustedIdP
	// SPEntityID is the SP's entity ID; empty means the metadata URL as
	// the client addresses it (http://host/saml/metadata).
	SPEntityID string
}

// Server is an in-memory SCIM 2.0 service provider (RFC 7643, RFC 7644)
// serving under BasePath. It is an http.Handler and safe for concurrent use.
type Server struct {
	opts   Options
	token  string
	faults map[Fault]bool
	now    func() time.Time

	mu           sync.RWMutex
	resources    map[string]map[string]*resource // resource type name -> id -> resource
	seq          uint64
	ver          uint64
	cache        map[string]map[string]any  // FaultFilterCacheStale: list responses by query
	deletedUsers []*resource                // FaultDeletedStillFiltered: deleted users
	deleted      []string                   // FaultDeletedNameConflict: userNames of deleted users
	throttled    atomic.Int64               // FaultThrottleNoRetryAfter: GETs seen
	removed      map[string]map[string]bool // FaultMemberReaddDropped: group id → member ids once removed

	sp *spState // the SAML SP; its accounts are the Users above
}

// New returns a Server configured by opts.
func New(opts Options) *Server {
	if opts.MaxResults <= 0 {
		opts.MaxResults = 200
	}
	if opts.MaxBulkOperations <= 0 {
		opts.MaxBulkOperations = 100
	}
	if opts.MaxBulkPayload <= 0 {
		opts.MaxBulkPayload = 1 << 20
	}
	s := &Server{
		opts:      opts,
		token:     opts.Token,
		faults:    map[Fault]bool{},
		now:       opts.Now,
		resources: map[string]map[string]*resource{},
		sp:        newSPState(opts.SPPolicy, opts.IdP, opts.SPEntityID),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.token == "" {
		var b [24]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic(err)
		}
		s.token = hex.EncodeToString(b[:])
	}
	for _, f := range opts.Faults {
		s.faults[f] = true
	}
	for _, rt := range resourceTypes {
		s.resources[rt.Name] = map[string]*resource{}
	}
	return s
}

// Token returns the bearer token the server accepts.
func (s *Server) Token() string { return s.token }

// Faults returns the faults switched on.
func (s *Server) Faults() []Fault {
	var out []Fault
	for _, fi := range faultInfos {
		if s.faults[fi.Fault] {
			out = append(out, fi.Fault)
		}
	}
	return out
}

// ServeHTTP answers one SCIM request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p) // net/http closes the connection without an answer
			}
			s.writeError(w, errorf(http.StatusInternalServerError, "", "internal error: %v", p))
		}
	}()
	if s.has(FaultThrottleNoRetryAfter) && r.Method == http.MethodGet && s.throttled.Add(1)%10 == 0 {
		s.writeError(w, errorf(http.StatusTooManyRequests, "", "too many requests"))
		return
	}
	if s.has(FaultRobustNULDrop) && r.Body != nil {
		b, _ := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
		if bytes.Contains(b, []byte(`\u0000`)) {
			panic(http.ErrAbortHandler)
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	path := r.URL.Path
	if s.has(FaultAnyVersion) {
		path = anyVersion.ReplaceAllString(path, BasePath)
	}
	if path == SPPath || strings.HasPrefix(path, SPPath+"/") {
		s.serveSP(w, r)
		return
	}
	if !strings.HasPrefix(path, BasePath) || (len(path) > len(BasePath) && path[len(BasePath)] != '/') {
		s.writeError(w, notFound("no SCIM endpoint at %s (the base path is %s)", path, BasePath))
		return
	}
	rest := strings.Trim(path[len(BasePath):], "/")
	var segs []string
	if rest != "" {
		segs = strings.Split(rest, "/")
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	if len(segs) > 0 && (segs[0] == "ServiceProviderConfig" || segs[0] == "Schemas" || segs[0] == "ResourceTypes") {
		if !s.acceptable(w, r) {
			return
		}
		s.serveDiscovery(w, r, method, segs)
		return
	}
	if !s.authorized(r) {
		s.unauthorized(w, r)
		return
	}
	if !s.acceptable(w, r) {
		return
	}
	base := baseURL(r)
	switch {
	case len(segs) == 0:
		s.allow(w, r, method, []string{http.MethodGet}, func() { s.serveList(w, r, resourceTypes, base) })
	case segs[0] == "Me":
		if s.has(FaultMe500) {
			s.writeError(w, errorf(http.StatusInternalServerError, "", "internal error: no user for this client"))
			return
		}
		s.writeError(w, errorf(http.StatusNotImplemented, "", "/Me is not supported: the server has no mapping from the bearer token to a resource"))
	case len(segs) == 1 && segs[0] == ".search":
		s.allow(w, r, method, []string{http.MethodPost}, func() { s.serveSearch(w, r, resourceTypes, base) })
	case len(segs) == 1 && segs[0] == "Bulk":
		s.allow(w, r, method, []string{http.MethodPost}, func() { s.serveBulk(w, r, base) })
	default:
		rt := endpointType(segs[0])
		if rt == nil || len(segs) > 2 {
			s.writeError(w, notFound("no SCIM endpoint at %s", path))
			return
		}
		if len(segs) == 1 {
			s.allow(w, r, method, []string{http.MethodGet, http.MethodPost}, func() {
				if method == http.MethodGet {
					s.serveList(w, r, []*resourceType{rt}, base)
				} else {
					s.serveCreate(w, r, rt, base)
				}
			})
			return
		}
		if segs[1] == ".search" {
			s.allow(w, r, method, []string{http.MethodPost}, func() { s.serveSearch(w, r, []*resourceType{rt}, base) })
			return
		}
		id := segs[1]
		s.allow(w, r, method, []string{http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete}, func() {
			switch method {
			case http.MethodGet:
				s.serveGet(w, r, rt, id, base)
			case http.MethodPut:
				s.serveReplace(w, r, rt, id, base)
			case http.MethodPatch:
				s.servePatch(w, r, rt, id, base)
			case http.MethodDelete:
				s.serveDelete(w, r, rt, id)
			}
		})
	}
}

func endpointType(seg string) *resourceType {
	for _, rt := range resourceTypes {
		if "/"+seg == rt.Endpoint {
			return rt
		}
	}
	return nil
}

// allow runs h if method is allowed, else answers 405 with an Allow header.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, method string, allowed []string, h func()) {
	for _, m := range allowed {
		if m == method {
			h()
			return
		}
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	s.writeError(w, errorf(http.StatusMethodNotAllowed, "", "method %s is not allowed on %s", r.Method, r.URL.Path))
}

// baseURL is the absolute SCIM base URL as the client addressed it.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host + BasePath
}

// authorized checks the bearer token.
func (s *Server) authorized(r *http.Request) bool {
	if s.has(FaultAuthDisabled) {
		return true
	}
	tok, ok := bearerToken(r)
	return ok && subtle.ConstantTimeCompare([]byte(tok), []byte(s.token)) == 1
}

func bearerToken(r *http.Request) (string, bool) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return "", false
	}
	return strings.TrimSpace(h[7:]), true
}

// unauthorized answers 401 (RFC 7644 §3.12, RFC 6750 §3).
func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request) {
	if !s.has(FaultNoWWWAuthenticate) {
		challenge := `Bearer realm="reftarget"`
		if _, ok := bearerToken(r); ok {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	detail := "authorization failure: missing bearer token"
	if _, ok := bearerToken(r); ok {
		detail = "authorization failure: invalid bearer token"
	} else if r.Header.Get("Authorization") != "" {
		detail = "authorization failure: the Authorization header is not a bearer token"
	}
	s.writeError(w, errorf(http.StatusUnauthorized, "", "%s", detail))
}

// acceptable checks the Accept header: application/scim+json,
// application/json and wildcards are served; anything else gets 406.
func (s *Server) acceptable(w http.ResponseWriter, r *http.Request) bool {
	h := r.Header.Values("Accept")
	if len(h) == 0 {
		return true
	}
	for _, v := range h {
		for _, part := range strings.Split(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			if q, ok := params["q"]; ok && strings.Trim(q, "0.") == "" {
				continue // q=0 means "not acceptable"
			}
			switch mt {
			case "application/scim+json", "application/json", "application/*", "*/*":
				return true
			}
		}
	}
	s.writeError(w, errorf(http.StatusNotAcceptable, "", "cannot produce %q: responses are application/scim+json", strings.Join(h, ", ")))
	return false
}

// readBody reads and decodes a JSON object request body.
func (s *Server) readBody(r *http.Request, limit int) (map[string]any, *scimError) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/scim+json" && mt != "application/json") {
			if s.has(FaultRobustContentType500) {
				e := errorf(http.StatusInternalServerError, "", "java.lang.IllegalStateException: no message body reader for %s", ct)
				e.plain = true
				return nil, e
			}
			return nil, errorf(http.StatusUnsupportedMediaType, "", "unsupported Content-Type %q: send application/scim+json", ct)
		}
	}
	if r.ContentLength > int64(limit) {
		return nil, errorf(http.StatusRequestEntityTooLarge, "", "the request body exceeds %d bytes", limit)
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	if err != nil {
		return nil, badRequest(scimInvalidSyntax, "cannot read the request body: %v", err)
	}
	if len(b) > limit {
		return nil, errorf(http.StatusRequestEntityTooLarge, "", "the request body exceeds %d bytes", limit)
	}
	if s.has(FaultRobustDeepNesting500) && robustJSONDepth(b) > 1000 {
		return nil, errorf(http.StatusInternalServerError, "", "internal error: stack overflow while decoding the request body")
	}
	return decodeObject(b)
}

// robustJSONDepth returns the deepest nesting of arrays and objects in b, ignoring
// brackets inside strings (FaultRobustDeepNesting500).
func robustJSONDepth(b []byte) int {
	depth, most, inStr, esc := 0, 0, false, false
	for _, c := range b {
		switch {
		case esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '[' || c == '{':
			depth++
			most = max(most, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return most
}

// decodeObject decodes a JSON object, keeping numbers as json.Number.
func decodeObject(b []byte) (map[string]any, *scimError) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, badRequest(scimInvalidSyntax, "the request body is empty")
	}
	if !validUTF8(b) {
		return nil, badRequest(scimInvalidSyntax, "the request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, malformedJSON(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, malformedJSON(errors.New("unexpected data after the JSON value"))
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest(scimInvalidSyntax, "the request body must be a JSON object, got %s", jsonKind(v))
	}
	return m, nil
}

// writeJSON writes a JSON response.
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshalOrdered(v)
	if err != nil {
		b = fmt.Appendf(nil, `{"schemas":[%q],"status":"500","detail":%q}`, uriError, "cannot encode response: "+err.Error())
		status = http.StatusInternalServerError
	}
	ct := "application/scim+json"
	if s.has(FaultJSONContentType) {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeResource writes a single resource with its ETag and Location.
func (s *Server) writeResource(w http.ResponseWriter, r *http.Request, o *outcome, base string, single bool) {
	etag := o.etag()
	if s.has(FaultETagHeaderMismatch) {
		etag = fmt.Sprintf("\"%x-%d\"", o.version*7919, len(o.res.id))
	}
	w.Header().Set("ETag", etag)
	// meta.location must equal Content-Location (RFC 7643 §3.1); a created
	// resource also gets Location (RFC 7644 §3.3).
	if s.has(FaultContentLocationOff) {
		w.Header().Set("Content-Location", o.res.location(base)+"/current")
	} else {
		w.Header().Set("Content-Location", o.res.location(base))
	}
	if o.status != http.StatusCreated || !s.has(FaultNoLocation) {
		w.Header().Set("Location", o.res.location(base))
	}
	p := parseProjection(r.URL.Query())
	out := s.output(o.res.rt, o.view, p, single)
	s.leakNever(o.res, out, p)
	s.writeJSON(w, o.status, out)
}

func (s *Server) serveGet(w http.ResponseWriter, r *http.Request, rt *resourceType, id, base string) {
	o, err := s.getResource(rt, id, base)
	if err != nil {
		s.writeError(w, err)
		return
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && !s.has(FaultIfNoneMatchIgnored) {
		for _, t := range splitETags(inm) {
			if t == "*" || etagsMatch(t, o.etag()) {
				w.Header().Set("ETag", o.etag())
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
	}
	s.writeResource(w, r, o, base, true)
}

func (s *Server) serveCreate(w http.ResponseWriter, r *http.Request, rt *resourceType, base string) {
	body, err := s.readBody(r, maxBodyBytes)
	if err != nil {
		s.writeError(w, err)
		return
	}
	o, err := s.createResource(rt, body, base, opOptions{})
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.writeResource(w, r, o, base, false)
}

func (s *Server) serveReplace(w http.ResponseWriter, r *http.Request, rt *resourceType, id, base string) {
	body, err := s.readBody(r, maxBodyBytes)
	if err != nil {
		s.writeError(w, err)
		return
	}
	o, err := s.replaceResource(rt, id, body, r.Header.Get("If-Match"), base, opOptions{})
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.writeResource(w, r, o, base, false)
}

func (s *Server) servePatch(w http.ResponseWriter, r *http.Request, rt *resourceType, id, base string) {
	body, err := s.readBody(r, maxBodyBytes)
	if err != nil {
		s.writeError(w, err)
		return
	}
	o, err := s.patchResource(rt, id, body, r.Header.Get("If-Match"), base, opOptions{})
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.writeResource(w, r, o, base, false)
}

func (s *Server) serveDelete(w http.ResponseWriter, r *http.Request, rt *resourceType, id string) {
	if err := s.deleteResource(rt, id, r.Header.Get("If-Match")); err != nil {
		s.writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) serveList(w http.ResponseWriter, r *http.Request, rts []*resourceType, base string) {
	lq, err := parseListQuery(r.URL.Query())
	if err == nil && s.has(FaultUnknownParam400) {
		err = unknownListParam(r.URL.Query())
	}
	if err != nil {
		s.writeError(w, err)
		return
	}
	if lq.hasFilter && filtersOnSensitive(lq.filter, rts) {
		s.writeError(w, errorf(http.StatusForbidden, scimSensitive,
			"filters on passwords must not be sent in a URL: use POST .search"))
		return
	}
	cacheKey := r.URL.Path + "?" + r.URL.RawQuery
	if s.has(FaultFilterCacheStale) {
		s.mu.RLock()
		cached, ok := s.cache[cacheKey]
		s.mu.RUnlock()
		if ok {
			s.writeJSON(w, http.StatusOK, cached)
			return
		}
	}
	resp, err := s.search(rts, lq, base)
	if err == nil && lq.hasFilter && resp["totalResults"] == 0 && s.has(FaultFilterNoMatch404) {
		err = notFound("no resource matches the filter %q", lq.filter)
	}
	if err != nil {
		s.writeError(w, err)
		return
	}
	if s.has(FaultFilterCacheStale) {
		s.mu.Lock()
		if s.cache == nil {
			s.cache = map[string]map[string]any{}
		}
		s.cache[cacheKey] = resp
		s.mu.Unlock()
	}
	s.writeJSON(w, http.StatusOK, resp)
}

func (s *Server) serveSearch(w http.ResponseWriter, r *http.Request, rts []*resourceType, base string) {
	body, err := s.readBody(r, maxBodyBytes)
	if err != nil {
		s.writeError(w, err)
		return
	}
	lq, err := parseSearchRequest(body)
	if err != nil {
		s.writeError(w, err)
		return
	}
	resp, err := s.search(rts, lq, base)
	if err != nil {
		s.writeError(w, err)
		return
	}
	status := http.StatusOK
	if s.has(FaultSearchCreated) {
		status = http.StatusCreated
	}
	s.writeJSON(w, status, resp)
}

// Running is a Server listening on a loopback port.
type Running struct {
	// URL is the SCIM base URL, e.g. http://127.0.0.1:PORT/scim/v2.
	URL string
	// Token is the bearer token the server accepts.
	Token string
	// Server is the handler being served.
	Server *Server
	// SP names the SAML SP's endpoints on the same server.
	SP SPEndpoints

	http *http.Server
	ln   net.Listener
	done chan struct{}
}

// Start serves a new Server on 127.0.0.1 at a random port, in the background.
func Start(opts Options) (*Running, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("reftarget: listen: %w", err)
	}
	srv := New(opts)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	run := &Running{
		URL:    "http://" + ln.Addr().String() + BasePath,
		Token:  srv.Token(),
		Server: srv,
		SP:     spEndpoints("http://"+ln.Addr().String(), opts.SPEntityID),
		http:   hs,
		ln:     ln,
		done:   make(chan struct{}),
	}
	go func() {
		defer close(run.done)
		_ = hs.Serve(ln)
	}()
	return run, nil
}

// Close stops the server, waiting briefly for requests in flight.
func (r *Running) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := r.http.Shutdown(ctx)
	if err != nil {
		err = r.http.Close()
	}
	<-r.done
	return err
}
