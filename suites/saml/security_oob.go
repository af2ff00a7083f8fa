package saml

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/provcheck/provcheck/suites"
)

// secCanary is the out-of-band oracle of the security suite (issue 6 item
// 4): an HTTP listener owned by the harness, on loopback unless the
// contract names another address (Env.CanaryListen, Env.CanaryURL) for a
// remote SP. Each case gets its own
// token in the URL; a request for it means the SP resolved an external
// entity, a remote KeyInfo or an XSLT reference, a finding even when the
// login itself was refused. The listener answers 404 and never serves a
// payload.
type secCanary struct {
	srv  *http.Server
	base string
	mu   sync.Mutex
	hits []secCanaryHit
}

// secCanaryHit is one request the canary received.
type secCanaryHit struct {
	Method, Path, Remote, UserAgent string
	At                              time.Time
}

// String is the hit in a few words, for reasons.
func (h secCanaryHit) String() string {
	return fmt.Sprintf("%s %s from %s (User-Agent %q) at %s", h.Method, h.Path, h.Remote, h.UserAgent, h.At.UTC().Format(time.RFC3339Nano))
}

// secStartCanary starts a canary for one check, on the SAML environment's
// CanaryListen address (default 127.0.0.1:0, a fresh loopback port), and
// names it in payloads by CanaryURL (default: derived from the listener);
// the check's clean-up stops it. On a fixed port the out-of-band checks
// take turns. A listener that cannot start aborts the check.
func secStartCanary(t *suites.T) *secCanary {
	listen, public := SecCanaryListen, ""
	if e, ok := t.Env().(*Env); ok && e != nil {
		listen = cmp.Or(e.CanaryListen, listen)
		public = e.CanaryURL
	}
	if _, port, err := net.SplitHostPort(listen); err == nil && port != "0" {
		secCanaryMu.Lock()
		t.Cleanup(secCanaryMu.Unlock) // runs after the shutdown below
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		t.Abort(fmt.Errorf("out-of-band canary: listen on %s: %w", listen, err))
	}
	c := &secCanary{base: secCanaryBase(ln.Addr(), public)}
	c.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.hits = append(c.hits, secCanaryHit{Method: r.Method, Path: r.URL.Path, Remote: r.RemoteAddr, UserAgent: r.UserAgent(), At: time.Now()})
		c.mu.Unlock()
		http.NotFound(w, r)
	})}
	go func() {
		if err := c.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Logf("out-of-band canary stopped: %v", err)
		}
	}()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = c.srv.Shutdown(ctx)
	})
	return c
}

// SecCanaryListen is the canary's default address: a fresh loopback
// port per check, which only an SP on the same host reaches.
const SecCanaryListen = "127.0.0.1:0"

// secCanaryMu makes the checks take turns on a fixed canary port.
var secCanaryMu sync.Mutex

// secCanaryBase is the base URL payloads name: public when set (the
// address the SP reaches, without a trailing slash), else the listener's
// own, with 127.0.0.1 for an unspecified host.
func secCanaryBase(addr net.Addr, public string) string {
	if public != "" {
		return strings.TrimRight(public, "/")
	}
	if ta, ok := addr.(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		return "http://" + net.JoinHostPort("127.0.0.1", fmt.Sprint(ta.Port))
	}
	return "http://" + addr.String()
}

// url is the canary URL of one case's token.
func (c *secCanary) url(token string) string {
	return c.base + "/oob/" + token
}

// hitsFor waits up to wait for requests carrying token and returns them.
func (c *secCanary) hitsFor(token string, wait time.Duration) []secCanaryHit {
	deadline := time.Now().Add(wait)
	for {
		var out []secCanaryHit
		c.mu.Lock()
		for _, h := range c.hits {
			if strings.Contains(h.Path, token) {
				out = append(out, h)
			}
		}
		c.mu.Unlock()
		if len(out) > 0 || time.Now().After(deadline) {
			return out
		}
		time.Sleep(25 * time.Millisecond)
	}
}
