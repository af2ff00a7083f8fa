package target

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/provcheck/provcheck/suites"
)

// Redacted replaces every secret in recorded exchanges and transcripts.
const Redacted = "[REDACTED]"

// maxEvidenceBody is the size beyond which bodies are cut in an Exchange.
const maxEvidenceBody = 64 << 10

// minSecretLen is the shortest secret replaced wherever it occurs; shorter
// configured values (a header "X-Debug: 1") would shred the evidence. Header
// values are still redacted by name whatever their length.
const minSecretLen = 4

// alwaysSecretHeaders are redacted by name in every exchange.
var alwaysSecretHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"}

// secretKeys are JSON attributes whose values are redacted in bodies.
var secretKeyRE = regexp.MustCompile(`(?i)("(?:password|client_secret|access_token|refresh_token|id_token)"\s*:\s*)("(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*|true|false)`)

// redactor knows the client's secrets and scrubs exchanges.
type redactor struct {
	mu      sync.RWMutex
	secrets []string        // every variant, longest first
	names   map[string]bool // canonical header names redacted by value
	repl    *strings.Replacer
}

func newRedactor() *redactor {
	r := &redactor{names: map[string]bool{}}
	for _, h := range alwaysSecretHeaders {
		r.names[http.CanonicalHeaderKey(h)] = true
	}
	r.rebuild()
	return r
}

// addHeader makes a header name redacted by value.
func (r *redactor) addHeader(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names[http.CanonicalHeaderKey(name)] = true
}

// add registers secrets (and their URL- and JSON-escaped forms).
func (r *redactor) add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, s := range secrets {
		for _, v := range variants(s) {
			if !slices.Contains(r.secrets, v) {
				r.secrets = append(r.secrets, v)
				changed = true
			}
		}
	}
	if changed {
		r.rebuild()
	}
}

// rebuild sorts the secrets longest first and makes the replacer. r.mu held.
func (r *redactor) rebuild() {
	sort.SliceStable(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	r.repl = replacerFor(r.secrets)
}

func replacerFor(secrets []string) *strings.Replacer {
	args := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		args = append(args, s, Redacted)
	}
	return strings.NewReplacer(args...)
}

// variants returns s and the forms it takes in URLs, forms and JSON strings.
func variants(s string) []string {
	if len(s) < minSecretLen {
		return nil
	}
	out := []string{s}
	js, _ := json.Marshal(s)
	jsNoHTML := new(bytes.Buffer)
	enc := json.NewEncoder(jsNoHTML)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	for _, v := range []string{
		url.QueryEscape(s), url.PathEscape(s),
		strings.Trim(string(js), `"`),
		strings.Trim(strings.TrimSpace(jsNoHTML.String()), `"`),
		strings.ReplaceAll(s, "/", `\/`),
	} {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// scrubber is the redaction of one exchange: the client's secrets plus the
// exchange's own (a per-request Authorization, passwords in the body).
type scrubber struct {
	repl   *strings.Replacer
	names  map[string]bool
	quoted []string // JSON string literals to replace as a whole, e.g. "s3cret"
}

// forExchange returns a scrubber with extra secrets for one exchange.
func (r *redactor) forExchange(extra []string, quoted []string) *scrubber {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s := &scrubber{repl: r.repl, names: r.names, quoted: quoted}
	var more []string
	for _, e := range extra {
		for _, v := range variants(e) {
			if !slices.Contains(r.secrets, v) && !slices.Contains(more, v) {
				more = append(more, v)
			}
		}
	}
	if len(more) > 0 {
		all := append(append([]string(nil), r.secrets...), more...)
		sort.SliceStable(all, func(i, j int) bool { return len(all[i]) > len(all[j]) })
		s.repl = replacerFor(all)
	}
	return s
}

// str replaces the secrets in s.
func (s *scrubber) str(v string) string { return s.repl.Replace(v) }

// body redacts a body: secret JSON attributes, the password values seen in
// this exchange, then every known secret; then cuts it to the evidence size.
func (s *scrubber) body(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	v := string(b)
	v = secretKeyRE.ReplaceAllString(v, `${1}"`+Redacted+`"`)
	for _, q := range s.quoted {
		v = strings.ReplaceAll(v, q, `"`+Redacted+`"`)
	}
	v = s.str(v)
	return truncate(v, maxEvidenceBody)
}

// headers flattens and redacts a header set.
func (s *scrubber) headers(h http.Header) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		v := strings.Join(vs, ", ")
		switch {
		case ck == "Authorization" || ck == "Proxy-Authorization":
			if sch, _, ok := strings.Cut(strings.TrimSpace(v), " "); ok && sch != "" && !strings.ContainsAny(sch, "=,") {
				v = sch + " " + Redacted
			} else {
				v = Redacted
			}
		case s.names[ck]:
			v = Redacted
		default:
			v = s.str(v)
		}
		out[ck] = v
	}
	return out
}

// truncate cuts v to at most n bytes on a rune boundary and says so.
func truncate(v string, n int) string {
	if len(v) <= n {
		return v
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return v[:cut] + fmt.Sprintf("\n… [truncated by provcheck: %d bytes in total, %d shown]", len(v), cut)
}

// passwordValues collects, from JSON bodies, password values: attributes
// named "password" anywhere, and PATCH operation values whose path is
// "password". They are replaced wherever they occur as a JSON string
// (however short) and, from minSecretLen on, wherever they occur at all.
func passwordValues(bodies ...[]byte) []string {
	var out []string
	addLit := func(s string) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				if strings.EqualFold(k, "password") {
					if s, ok := x.(string); ok {
						addLit(s)
					}
				}
				walk(x)
			}
			if p, ok := t["path"].(string); ok && strings.EqualFold(strings.TrimSpace(p), "password") {
				if s, ok := t["value"].(string); ok {
					addLit(s)
				}
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	for _, b := range bodies {
		t := bytes.TrimSpace(b)
		if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
			continue
		}
		var v any
		if json.Unmarshal(t, &v) == nil {
			walk(v)
		}
	}
	return out
}

// buildExchange redacts one request and its answer into evidence.
func (c *Client) buildExchange(w *wire, reqH http.Header, status int, resH http.Header, resBody []byte, dur time.Duration, errMsg string) suites.Exchange {
	pws := passwordValues(w.body, resBody)
	quoted := make([]string, 0, len(pws))
	for _, p := range pws {
		if b, err := json.Marshal(p); err == nil {
			quoted = append(quoted, string(b))
		}
	}
	sc := c.red.forExchange(append(append([]string(nil), w.secrets...), pws...), quoted)
	ex := suites.Exchange{
		Method:          w.method,
		URL:             sc.str(w.u.String()),
		RequestHeaders:  sc.headers(reqH),
		RequestBody:     sc.body(w.body),
		Status:          status,
		ResponseHeaders: sc.headers(resH),
		ResponseBody:    sc.body(resBody),
		DurationMS:      dur.Milliseconds(),
	}
	if errMsg != "" {
		ex.Error = sc.str(errMsg)
	}
	return ex
}
