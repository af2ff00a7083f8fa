package target

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/provcheck/provcheck/suites"
)

// Defaults of Config.
const (
	DefaultTimeout   = 30 * time.Second
	DefaultRetries   = 3
	DefaultUserAgent = "provcheck"
	// MaxResponseBody is the most of a response body the client reads.
	MaxResponseBody = 16 << 20
)

// Recorder receives every exchange as evidence (suites.T implements it).
type Recorder interface{ Record(suites.Exchange) }

// OAuth configures the OAuth 2.0 client credentials grant (RFC 6749 §4.4).
type OAuth struct {
	// TokenURL is the token endpoint.
	TokenURL string
	// ClientID and ClientSecret authenticate the client at the token endpoint.
	ClientID, ClientSecret string
	// Scope is sent when not empty.
	Scope string
	// AuthStyle is how the client authenticates: "basic" (HTTP Basic,
	// client_secret_basic), "form" (client_id and client_secret in the form
	// body, client_secret_post) or "" to try basic and fall back to form
	// when the endpoint answers 400 or 401.
	AuthStyle string
}

// Config says how to reach and authenticate to the target. Only BaseURL is
// required.
type Config struct {
	// BaseURL is the SCIM base, e.g. https://app.example.com/scim/v2. It must
	// be http or https, without query string, fragment or credentials.
	BaseURL string
	// BearerToken is sent as "Authorization: Bearer …".
	BearerToken string
	// BasicUser and BasicPass are sent as HTTP Basic credentials.
	BasicUser, BasicPass string
	// OAuth enables the client credentials grant; the token is fetched
	// lazily, cached until it expires and fetched again once on a 401.
	OAuth *OAuth
	// Headers are extra headers sent on every authenticated request. Their
	// values are treated as credentials: redacted in evidence, and not sent
	// with Request.NoAuth or Request.Auth.
	Headers map[string]string
	// CAFile is a PEM bundle of extra CAs to trust.
	CAFile string
	// Insecure skips TLS certificate verification.
	Insecure bool
	// Timeout bounds each request attempt, body included; default 30s.
	Timeout time.Duration
	// MaxRPS spaces requests across goroutines; 0 is unlimited.
	MaxRPS float64
	// Retries is how often a request answered 429 or 503 (or, for idempotent
	// methods, cut by a connection reset) is sent again; 0 means the default
	// of 3, a negative value disables retries. Retry-After (seconds or an
	// HTTP date) is honoured up to 30s; otherwise the wait doubles from 0.5s.
	Retries int
	// RunID is the run-unique marker; a random "pc" + 6 hex digits if empty.
	RunID string
	// Ledger records what this run creates. If nil the client keeps an
	// in-memory ledger, so the safety guard still knows what it created.
	Ledger *Ledger
	// Transcript, if set, receives every exchange as one JSON line
	// (a suites.Exchange), redacted.
	Transcript io.Writer
	// TranscriptLimit bounds the bytes written to Transcript: once an
	// exchange would pass it, this and every later exchange is written
	// without its bodies (method, URL, status and headers stay), so a long
	// fuzz run keeps a complete but bounded transcript. 0 means no limit.
	TranscriptLimit int64
	// UserAgent is the User-Agent header; default "provcheck".
	UserAgent string
	// Redact are further secrets of the run (the token of another
	// endpoint of the application) that are never sent by this client
	// but redacted in its evidence and transcript like its own.
	Redact []string
}

// Client is the HTTP client every suite uses to talk to the target. It adds
// authentication, rate limiting, retries and timeouts, records redacted
// exchanges, keeps the ledger of what the run created and refuses to modify
// anything else. A Client is safe for concurrent use.
type Client struct {
	base      *url.URL // path without trailing slash
	baseStr   string
	runID     string
	ledger    *Ledger
	hc        *http.Client
	timeout   time.Duration
	retries   int
	ua        string
	bearer    string
	basicAuth string // complete Authorization value, or ""
	extra     http.Header
	oauth     *oauthSource
	lim       *limiter
	maxRPS    float64
	red       *redactor
	tr        *transcript

	// now and sleep are the clock; tests replace them.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

type transcript struct {
	mu      sync.Mutex
	w       io.Writer
	limit   int64 // 0: none
	written int64
	// capped is set once the limit is reached; later exchanges are
	// encoded without their bodies right away.
	capped atomic.Bool
}

// write writes one exchange as a JSON line; past the limit, without its
// bodies.
func (t *transcript) write(ex suites.Exchange) error {
	stripped := t.capped.Load()
	if stripped {
		t.strip(&ex)
	}
	b, err := json.Marshal(ex)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.limit > 0 && !stripped && (t.capped.Load() || t.written+int64(len(b))+1 > t.limit) {
		t.capped.Store(true)
		t.strip(&ex)
		if b, err = json.Marshal(ex); err != nil {
			return err
		}
	}
	b = append(b, '\n')
	n, err := t.w.Write(b)
	t.written += int64(n)
	return err
}

// strip replaces the bodies of ex by a note on the limit.
func (t *transcript) strip(ex *suites.Exchange) {
	note := fmt.Sprintf("[omitted: the transcript reached its limit of %d bytes (--transcript-limit); the check's evidence in report.json keeps its exchanges]", t.limit)
	for _, body := range []*string{&ex.RequestBody, &ex.ResponseBody} {
		if *body != "" {
			*body = note
		}
	}
}

// New checks cfg and returns a client. Errors are one line naming the
// offending setting.
func New(cfg Config) (*Client, error) {
	base, err := parseHTTPURL("scim url", cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	base.Path = strings.TrimRight(base.Path, "/")
	base.RawPath = strings.TrimRight(base.RawPath, "/")

	c := &Client{
		base:    base,
		baseStr: base.String(),
		runID:   cfg.RunID,
		ledger:  cfg.Ledger,
		timeout: cfg.Timeout,
		retries: cfg.Retries,
		ua:      cfg.UserAgent,
		red:     newRedactor(),
		extra:   http.Header{},
		now:     time.Now,
		sleep:   sleepCtx,
	}
	switch {
	case c.timeout < 0:
		return nil, fmt.Errorf("timeout %s: must not be negative", c.timeout)
	case c.timeout == 0:
		c.timeout = DefaultTimeout
	}
	switch {
	case c.retries < 0:
		c.retries = 0
	case c.retries == 0:
		c.retries = DefaultRetries
	}
	if c.ua == "" {
		c.ua = DefaultUserAgent
	}
	if cfg.MaxRPS < 0 || cfg.MaxRPS != cfg.MaxRPS {
		return nil, fmt.Errorf("max rps %v: must be 0 (unlimited) or positive", cfg.MaxRPS)
	}
	c.lim = newLimiter(cfg.MaxRPS)
	c.maxRPS = cfg.MaxRPS
	if c.runID == "" {
		b := make([]byte, 3)
		_, _ = rand.Read(b)
		c.runID = "pc" + hex.EncodeToString(b)
	}
	if c.ledger == nil {
		c.ledger = NewMemoryLedger()
	}
	if cfg.Transcript != nil {
		if cfg.TranscriptLimit < 0 {
			return nil, fmt.Errorf("transcript limit %d: expected 0 (none) or a positive number of bytes", cfg.TranscriptLimit)
		}
		c.tr = &transcript{w: cfg.Transcript, limit: cfg.TranscriptLimit}
	}

	c.red.add(cfg.Redact...)
	// Authentication: at most one scheme, plus extra headers.
	n := 0
	if cfg.BearerToken != "" {
		n++
		c.bearer = cfg.BearerToken
		if strings.ContainsAny(c.bearer, "\r\n") {
			return nil, errors.New("bearer token: must not contain line breaks")
		}
		c.red.add(c.bearer)
	}
	if cfg.BasicUser != "" || cfg.BasicPass != "" {
		n++
		if cfg.BasicUser == "" {
			return nil, errors.New("basic auth: a password was given without a user")
		}
		if strings.Contains(cfg.BasicUser, ":") {
			return nil, fmt.Errorf("basic auth user %q: must not contain ':'", cfg.BasicUser)
		}
		cred := base64.StdEncoding.EncodeToString([]byte(cfg.BasicUser + ":" + cfg.BasicPass))
		c.basicAuth = "Basic " + cred
		c.red.add(cfg.BasicPass, cred)
	}
	if cfg.OAuth != nil {
		n++
		o, err := newOAuthSource(*cfg.OAuth)
		if err != nil {
			return nil, err
		}
		c.oauth = o
		c.red.add(o.cfg.ClientSecret, o.basicCred())
	}
	if n > 1 {
		return nil, errors.New("authentication: choose one of a bearer token, basic auth or OAuth client credentials")
	}
	for k, v := range cfg.Headers {
		if !validHeaderName(k) {
			return nil, fmt.Errorf("header %q: not a valid header name", k)
		}
		if strings.ContainsAny(v, "\r\n") {
			return nil, fmt.Errorf("header %q: the value must not contain line breaks", k)
		}
		c.extra.Set(k, v)
		c.red.addHeader(k)
		c.red.add(v)
	}

	// TLS and transport.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tlsConf := &tls.Config{}
	if cfg.CAFile != "" {
		pool, err := loadCAFile(cfg.CAFile)
		if err != nil {
			return nil, err
		}
		tlsConf.RootCAs = pool
	}
	if cfg.Insecure {
		tlsConf.InsecureSkipVerify = true
	}
	tr.TLSClientConfig = tlsConf
	tr.TLSHandshakeTimeout = c.timeout
	c.hc = &http.Client{
		Transport: tr,
		// Redirects are answers to check, not to follow: following one could
		// resend credentials or a write somewhere else.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c, nil
}

// parseHTTPURL checks an absolute http(s) URL setting.
func parseHTTPURL(what, raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, fmt.Errorf("%s is empty", what)
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%s %q: %v", what, raw, err)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%s %q: must not contain credentials (use the authentication options)", what, u.Redacted())
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("%s %q: scheme must be http or https", what, raw)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("%s %q: has no host", what, raw)
	case u.RawQuery != "" || u.ForceQuery:
		return nil, fmt.Errorf("%s %q: must not have a query string", what, raw)
	case u.Fragment != "":
		return nil, fmt.Errorf("%s %q: must not have a fragment", what, raw)
	}
	return u, nil
}

func loadCAFile(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ca file %q: %w", path, pathErr(err))
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca file %q: no PEM certificates found", path)
	}
	return pool, nil
}

func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// BaseURL returns the SCIM base URL, without a trailing slash.
func (c *Client) BaseURL() string { return c.baseStr }

// MaxRPS is the configured request rate limit; 0 means none.
func (c *Client) MaxRPS() float64 { return c.maxRPS }

// RunID returns the run-unique marker.
func (c *Client) RunID() string { return c.runID }

// Ledger returns the ledger of this run (never nil).
func (c *Client) Ledger() *Ledger { return c.ledger }

// withLedger returns a client sharing everything with c but the ledger.
func (c *Client) withLedger(l *Ledger) *Client {
	cc := *c
	cc.ledger = l
	return &cc
}

// Request is one HTTP request to the target.
type Request struct {
	// Method defaults to GET.
	Method string
	// Path is relative to the base URL ("/Users", "Users/abc", "?x=1") or an
	// absolute URL, which must have the base URL's scheme and host.
	Path string
	// Query is added to the URL's query. Spaces are encoded as %20.
	Query url.Values
	// Body is nil (no body); []byte, json.RawMessage or string sent
	// verbatim (for malformed JSON); an io.Reader read fully; anything else
	// JSON-encoded.
	Body any
	// Header holds extra headers for this request; they override the
	// defaults (Accept, Content-Type, …). An empty value removes the header.
	Header map[string]string
	// NoAuth sends the request without credentials (and without
	// Config.Headers).
	NoAuth bool
	// Auth, if set, is sent as the Authorization header instead of the
	// configured credentials (and without Config.Headers). It is redacted.
	Auth string
	// AllowUnowned permits PUT, PATCH and DELETE (and Bulk operations) on a
	// resource this run did not create. Only for IDs the harness invented
	// and that cannot exist, or for writes known to be harmless.
	AllowUnowned bool
	// NoRetry disables retries on 429, 503 and connection resets.
	NoRetry bool
}

// Response is the target's answer. A non-2xx status is not an error.
type Response struct {
	Status int
	Header http.Header
	// Body is the complete, unredacted body.
	Body []byte
	// URL is the request URL.
	URL string
	// Exchange is the redacted evidence of this request and answer.
	Exchange suites.Exchange
}

// JSON decodes the body into v (numbers in interface values become
// json.Number). It fails with a one-line message quoting the start of the
// body if the body is empty, not JSON, or has trailing data.
func (r *Response) JSON(v any) error {
	what := strings.TrimSpace(r.Exchange.Method + " " + r.Exchange.URL)
	if what == "" {
		what = r.URL
	}
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	ct = strings.TrimSpace(ct)
	if ct == "" {
		ct = "without Content-Type"
	}
	b := bytes.TrimSpace(r.Body)
	shown := []byte(strings.TrimSpace(r.Exchange.ResponseBody))
	if r.Exchange.Method == "" && len(shown) == 0 {
		shown = b
	}
	if len(b) == 0 {
		return fmt.Errorf("expected JSON from %s, got %d %s with an empty body", what, r.Status, ct)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("JSON from %s does not have the expected shape: %w", what, err)
		}
		return fmt.Errorf("expected JSON from %s, got %d %s: %s", what, r.Status, ct, quoteStart(shown, 80))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("expected one JSON value from %s, got %d %s with more after it: %s", what, r.Status, ct, quoteStart(shown, 80))
	}
	return nil
}

// Object decodes the body as a JSON object, numbers as json.Number.
func (r *Response) Object() (map[string]any, error) {
	var v any
	if err := r.JSON(&v); err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		what := strings.TrimSpace(r.Exchange.Method + " " + r.Exchange.URL)
		return nil, fmt.Errorf("expected a JSON object from %s, got %s", what, jsonKind(v))
	}
	return m, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

// wire is one request as sent.
type wire struct {
	method  string
	u       *url.URL
	header  http.Header
	body    []byte // nil: no body
	secrets []string
	flag    string            // the option naming the URL, for hints
	learn   func(body []byte) // sees the answer before it is recorded
}

// Do sends req and returns the answer. The redacted exchange goes to rec (if
// not nil) and the transcript, and the ledger is updated: a 201 to a POST on
// a collection (or to a PUT) is added, resources created by a Bulk POST are
// added, a DELETE answered 200, 204 or 404 marks the resource deleted.
//
// A non-2xx status is not an error. Transport failures return a
// *TransportError; a write the safety guard refuses, or a ledger that cannot
// be written, return other errors (and, for the guard, nothing is sent).
func (c *Client) Do(ctx context.Context, req Request, rec Recorder) (*Response, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	method := strings.TrimSpace(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	um := strings.ToUpper(method)
	u, err := c.resolve(req.Path, req.Query)
	if err != nil {
		return nil, err
	}
	body, err := encodeBody(req.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: cannot encode the request body: %w", method, c.redactURL(u), err)
	}
	if err := c.guard(method, um, u, req, body); err != nil {
		return nil, err
	}
	w := &wire{method: method, u: u, body: body, flag: "--scim-url"}
	if req.Auth != "" {
		w.secrets = append(w.secrets, authSecrets(req.Auth)...)
	}
	for k, v := range req.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "Proxy-Authorization", "Cookie":
			w.secrets = append(w.secrets, authSecrets(v)...)
		}
	}

	retries := c.retries
	if req.NoRetry {
		retries = 0
	}
	refreshed := false
	var resp *Response
	var trErr error // the first transcript failure, reported after the ledger is updated
	for attempt := 0; ; {
		hdr, tok, err := c.requestHeader(ctx, req, body != nil, rec)
		if err != nil {
			return nil, err
		}
		w.header = hdr
		resp, err = c.send(ctx, w, rec)
		if resp != nil && err != nil {
			if trErr == nil {
				trErr = err
			}
			err = nil
		}
		if err != nil {
			var te *TransportError
			if errors.As(err, &te) && te.reset() && idempotent(um) && attempt < retries {
				if err := c.wait(ctx, backoff(attempt), w); err != nil {
					return nil, err
				}
				attempt++
				continue
			}
			return nil, err
		}
		if resp.Status == http.StatusUnauthorized && tok != "" && !refreshed {
			// The cached token may have been revoked or expired early.
			c.oauth.invalidate(tok)
			refreshed = true
			continue
		}
		if (resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable) && attempt < retries {
			d, ok := retryAfter(resp.Header, c.now())
			if !ok {
				d = backoff(attempt)
			}
			if err := c.wait(ctx, d, w); err != nil {
				return nil, err
			}
			attempt++
			continue
		}
		break
	}
	if err := c.track(um, u, resp); err != nil {
		return nil, err
	}
	if trErr != nil {
		return nil, trErr
	}
	return resp, nil
}

// wait sleeps before a retry; an interruption is a TransportError.
func (c *Client) wait(ctx context.Context, d time.Duration, w *wire) error {
	if err := c.sleep(ctx, d); err != nil {
		return classify(err, ctx, nil, 0, w.method, c.redactURL(w.u), w.flag)
	}
	return nil
}

func idempotent(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete, http.MethodTrace:
		return true
	}
	return false
}

// authSecrets returns an Authorization value and its credential part.
func authSecrets(v string) []string {
	out := []string{v}
	if _, cred, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
		out = append(out, strings.TrimSpace(cred))
	}
	return out
}

// requestHeader builds the headers of one attempt; tok is the OAuth token
// used, if any.
func (c *Client) requestHeader(ctx context.Context, req Request, hasBody bool, rec Recorder) (http.Header, string, error) {
	h := http.Header{}
	h.Set("User-Agent", c.ua)
	h.Set("Accept", "application/scim+json")
	if hasBody {
		h.Set("Content-Type", "application/scim+json")
	}
	tok := ""
	switch {
	case req.NoAuth:
	case req.Auth != "":
		h.Set("Authorization", req.Auth)
	default:
		switch {
		case c.bearer != "":
			h.Set("Authorization", "Bearer "+c.bearer)
		case c.basicAuth != "":
			h.Set("Authorization", c.basicAuth)
		case c.oauth != nil:
			t, err := c.oauthToken(ctx, rec)
			if err != nil {
				return nil, "", err
			}
			tok = t
			h.Set("Authorization", "Bearer "+t)
		}
		for k, vs := range c.extra {
			h[k] = append([]string(nil), vs...)
		}
	}
	for k, v := range req.Header {
		if v == "" {
			h.Del(k)
		} else {
			h.Set(k, v)
		}
	}
	return h, tok, nil
}

// encodeBody turns Request.Body into bytes; nil means no body.
func encodeBody(v any) ([]byte, error) {
	switch b := v.(type) {
	case nil:
		return nil, nil
	case []byte:
		if b == nil {
			return nil, nil
		}
		return append([]byte{}, b...), nil
	case json.RawMessage:
		if b == nil {
			return nil, nil
		}
		return append([]byte{}, b...), nil
	case string:
		return []byte(b), nil
	case io.Reader:
		data, err := io.ReadAll(b)
		if err != nil {
			return nil, err
		}
		if data == nil {
			data = []byte{}
		}
		return data, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// send makes one attempt: rate limit, request, body, evidence. If only the
// transcript could not be written, it returns the response and that error.
func (c *Client) send(ctx context.Context, w *wire, rec Recorder) (*Response, error) {
	redURL := c.red.forExchange(w.secrets, nil).str(w.u.String())
	if c.lim != nil {
		if err := c.sleep(ctx, c.lim.reserve(c.now())); err != nil {
			return nil, classify(err, ctx, nil, 0, w.method, redURL, w.flag)
		}
	}
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var rd io.Reader
	if w.body != nil {
		rd = bytes.NewReader(w.body)
	}
	hr, err := http.NewRequestWithContext(actx, w.method, w.u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: cannot build the request: %w", w.method, redURL, err)
	}
	hr.Header = w.header.Clone()
	start := time.Now()
	res, err := c.hc.Do(hr)
	if err != nil {
		te := classify(err, ctx, actx, c.timeout, w.method, redURL, w.flag)
		ex := c.buildExchange(w, hr.Header, 0, nil, nil, time.Since(start), te.Error())
		if err := c.emit(rec, ex); err != nil {
			return nil, errors.Join(te, err)
		}
		return nil, te
	}
	body, rerr := io.ReadAll(io.LimitReader(res.Body, MaxResponseBody+1))
	_ = res.Body.Close()
	dur := time.Since(start)
	var te *TransportError
	switch {
	case rerr != nil:
		te = classify(rerr, ctx, actx, c.timeout, w.method, redURL, w.flag)
	case len(body) > MaxResponseBody:
		body = body[:MaxResponseBody]
		te = &TransportError{Kind: KindOther, Method: w.method, URL: redURL, flag: w.flag,
			Err: errors.New("response body too large"), note: "the response body is larger than 16 MiB; provcheck reads no further"}
	case w.u.Scheme == "http" && res.StatusCode == http.StatusBadRequest && plainHTTPToTLS(body):
		te = &TransportError{Kind: KindTLS, Method: w.method, URL: redURL, flag: w.flag,
			Err:  errors.New("plain HTTP request sent to a TLS server"),
			note: fmt.Sprintf("the server speaks TLS but was addressed with http:// — use https:// in %s", w.flag)}
	}
	if te == nil && w.learn != nil {
		w.learn(body)
	}
	msg := ""
	if te != nil {
		msg = te.Error()
	}
	ex := c.buildExchange(w, hr.Header, res.StatusCode, res.Header, body, dur, msg)
	trErr := c.emit(rec, ex)
	if te != nil {
		if trErr != nil {
			return nil, errors.Join(te, trErr)
		}
		return nil, te
	}
	resp := &Response{Status: res.StatusCode, Header: res.Header, Body: body, URL: w.u.String(), Exchange: ex}
	// A transcript failure comes with the response: the caller must still
	// update the ledger before reporting it.
	return resp, trErr
}

// plainHTTPToTLS recognises the 400 answers of TLS servers (Go, nginx) to a
// plain HTTP request.
func plainHTTPToTLS(body []byte) bool {
	return bytes.Contains(body, []byte("Client sent an HTTP request to an HTTPS server")) ||
		bytes.Contains(body, []byte("The plain HTTP request was sent to HTTPS port"))
}

// emit hands an exchange to the recorder and the transcript; the error is
// the transcript's.
func (c *Client) emit(rec Recorder, ex suites.Exchange) error {
	if rec != nil {
		rec.Record(ex)
	}
	if c.tr == nil {
		return nil
	}
	if err := c.tr.write(ex); err != nil {
		return fmt.Errorf("transcript: cannot write the exchange %s %s: %w", ex.Method, ex.URL, err)
	}
	return nil
}

// redactURL returns u as a string with the client's secrets replaced.
func (c *Client) redactURL(u *url.URL) string {
	return c.red.forExchange(nil, nil).str(u.String())
}

// HasCredentials reports whether the configuration carries credentials:
// a bearer token, basic credentials or an OAuth client.
func (c Config) HasCredentials() bool {
	return c.BearerToken != "" || c.BasicUser != "" || c.OAuth != nil
}

// Record hands an exchange the client did not send itself (a request of
// another endpoint of the same application, such as a SAML login) to rec
// and the transcript, with the client's secrets redacted, so the
// transcript holds every exchange of the run.
func (c *Client) Record(rec Recorder, ex suites.Exchange) error {
	sc := c.red.forExchange(nil, nil)
	ex.URL, ex.RequestBody, ex.ResponseBody, ex.Error = sc.str(ex.URL), sc.str(ex.RequestBody), sc.str(ex.ResponseBody), sc.str(ex.Error)
	for _, h := range []map[string]string{ex.RequestHeaders, ex.ResponseHeaders} {
		for k, v := range h {
			h[k] = sc.str(v)
		}
	}
	return c.emit(rec, ex)
}
