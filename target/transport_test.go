package target

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func transportErr(t *testing.T, err error) *TransportError {
	t.Helper()
	require.Error(t, err)
	var te *TransportError
	require.True(t, errors.As(err, &te), "want *TransportError, got %T: %v", err, err)
	assert.NotContains(t, te.Error(), "\n")
	return te
}

func TestTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		_, _ = w.Write([]byte(`{}`))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	ctx := context.Background()

	t.Run("untrusted", func(t *testing.T) {
		rec := &recorder{}
		c, _ := newTestClient(t, Config{BaseURL: srv.URL + "/scim/v2"})
		_, err := c.Do(ctx, Request{Path: "/ServiceProviderConfig"}, rec)
		te := transportErr(t, err)
		assert.Equal(t, KindTLS, te.Kind)
		assert.Equal(t, "TLS handshake with "+srv.URL+" failed: x509: certificate signed by unknown authority — pass --ca-file with the server's CA, or --insecure for a test server", te.Error())
		// The failed exchange is evidence too.
		exs := rec.all()
		require.Len(t, exs, 1)
		assert.Equal(t, 0, exs[0].Status)
		assert.Equal(t, te.Error(), exs[0].Error)
	})

	t.Run("ca file", func(t *testing.T) {
		ca := filepath.Join(t.TempDir(), "ca.pem")
		require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
		c, _ := newTestClient(t, Config{BaseURL: srv.URL + "/scim/v2", CAFile: ca})
		resp, err := c.Do(ctx, Request{Path: "/ServiceProviderConfig"}, nil)
		require.NoError(t, err)
		assert.Equal(t, 200, resp.Status)
	})

	t.Run("insecure", func(t *testing.T) {
		c, _ := newTestClient(t, Config{BaseURL: srv.URL + "/scim/v2", Insecure: true})
		resp, err := c.Do(ctx, Request{Path: "/ServiceProviderConfig"}, nil)
		require.NoError(t, err)
		assert.Equal(t, 200, resp.Status)
	})

	t.Run("http to a TLS server", func(t *testing.T) {
		c, _ := newTestClient(t, Config{BaseURL: strings.Replace(srv.URL, "https://", "http://", 1) + "/scim/v2"})
		_, err := c.Do(ctx, Request{Path: "/Users"}, nil)
		te := transportErr(t, err)
		assert.Equal(t, KindTLS, te.Kind)
		assert.Contains(t, te.Error(), "the server speaks TLS but was addressed with http:// — use https:// in --scim-url")
	})
}

func TestHTTPSToPlainServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	u := strings.Replace(srv.URL, "http://", "https://", 1)
	c, _ := newTestClient(t, Config{BaseURL: u + "/scim/v2"})
	_, err := c.Do(context.Background(), Request{Path: "/Users"}, nil)
	te := transportErr(t, err)
	assert.Equal(t, KindTLS, te.Kind)
	assert.Contains(t, te.Error(), u+" does not speak TLS")
	assert.Contains(t, te.Error(), "use http:// in --scim-url")
}

func TestConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	c, _ := newTestClient(t, Config{BaseURL: "http://" + addr + "/scim/v2"})
	_, err = c.Do(context.Background(), Request{Path: "/Users"}, nil)
	te := transportErr(t, err)
	assert.Equal(t, KindUnreachable, te.Kind)
	assert.Equal(t, "cannot connect to http://"+addr+"/scim/v2/Users: connection refused — is the server running and --scim-url right?", te.Error())
	assert.Equal(t, "GET", te.Method)
	assert.NotNil(t, errors.Unwrap(te))
}

func TestDNSFailure(t *testing.T) {
	c, _ := newTestClient(t, Config{BaseURL: "http://provcheck-no-such-host.invalid/scim/v2", Timeout: 5 * time.Second})
	_, err := c.Do(context.Background(), Request{Path: "/Users"}, nil)
	te := transportErr(t, err)
	var dns *net.DNSError
	if !errors.As(te, &dns) {
		t.Skipf("the resolver here does not fail with a DNS error: %v", te)
	}
	assert.Equal(t, KindDNS, te.Kind)
	assert.Contains(t, te.Error(), `cannot resolve host "provcheck-no-such-host.invalid"`)
	assert.Contains(t, te.Error(), "check the host name in --scim-url")
}

func TestTimeoutAndInterrupt(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)

	c, _ := newTestClient(t, Config{BaseURL: srv.URL, Timeout: 100 * time.Millisecond, Retries: -1})
	start := time.Now()
	_, err := c.Do(context.Background(), Request{Path: "/Users"}, nil)
	te := transportErr(t, err)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, KindTimeout, te.Kind)
	assert.Equal(t, "GET "+srv.URL+"/Users: no answer within 100ms (raise --timeout)", te.Error())

	c, _ = newTestClient(t, Config{BaseURL: srv.URL})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = c.Do(ctx, Request{Path: "/Users"}, nil)
	te = transportErr(t, err)
	assert.Equal(t, KindInterrupted, te.Kind)
	assert.True(t, errors.Is(te, context.Canceled))
	assert.Contains(t, te.Error(), "interrupted")
}

func TestRetryAfter429And503(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
		case 2:
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(429)
		case 3:
			w.Header().Set("Retry-After", time.Now().Add(10*time.Second).UTC().Format(http.TimeFormat))
			w.WriteHeader(503)
		case 4:
			w.WriteHeader(503) // no Retry-After: backoff
		default:
			w.WriteHeader(200)
		}
	}))
	defer srv.Close()
	rec := &recorder{}
	c, sl := newTestClient(t, Config{BaseURL: srv.URL, Retries: 4})
	resp, err := c.Do(context.Background(), Request{Method: "POST", Path: "/Users/.search", Body: "{}"}, rec)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)
	waits := sl.all()
	require.Len(t, waits, 4)
	assert.Equal(t, time.Second, waits[0])
	assert.Equal(t, 30*time.Second, waits[1], "capped")
	assert.InDelta(t, float64(10*time.Second), float64(waits[2]), float64(2*time.Second), "HTTP date")
	assert.Equal(t, 8*baseBackoff, waits[3], "exponential backoff: 0.5s doubled at each of three earlier attempts")
	assert.Len(t, rec.all(), 5, "every attempt is evidence")

	// Retries exhausted: the last answer is returned, not an error.
	n.Store(0)
	c, sl = newTestClient(t, Config{BaseURL: srv.URL, Retries: 1})
	resp, err = c.Do(context.Background(), Request{Path: "/Users"}, nil)
	require.NoError(t, err)
	assert.Equal(t, 429, resp.Status)
	assert.Len(t, sl.all(), 1)

	n.Store(0)
	resp, err = c.Do(context.Background(), Request{Path: "/Users", NoRetry: true}, nil)
	require.NoError(t, err)
	assert.Equal(t, 429, resp.Status)
	assert.Equal(t, int32(1), n.Load())
}

func TestBackoffAndRetryAfterParsing(t *testing.T) {
	assert.Equal(t, 500*time.Millisecond, backoff(0))
	assert.Equal(t, time.Second, backoff(1))
	assert.Equal(t, 30*time.Second, backoff(20))
	now := time.Now()
	for v, want := range map[string]time.Duration{"0": 0, "2": 2 * time.Second, "99": 30 * time.Second} {
		d, ok := retryAfter(http.Header{"Retry-After": {v}}, now)
		assert.True(t, ok)
		assert.Equal(t, want, d, v)
	}
	for _, v := range []string{"", "-1", "soon"} {
		_, ok := retryAfter(http.Header{"Retry-After": {v}}, now)
		assert.False(t, ok, v)
	}
	d, ok := retryAfter(http.Header{"Retry-After": {now.Add(-time.Hour).UTC().Format(http.TimeFormat)}}, now)
	assert.True(t, ok)
	assert.Equal(t, time.Duration(0), d)
}

func TestInterruptedDuringRetryWait(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(429)
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err = c.Do(ctx, Request{Path: "/Users"}, nil)
	te := transportErr(t, err)
	assert.Equal(t, KindInterrupted, te.Kind)
	assert.Less(t, time.Since(start), 5*time.Second)
}

// hijackCloser closes the connection without an answer the first times.
func hijackCloser(fails int32) (http.Handler, *atomic.Int32) {
	var n atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= fails {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				if tc, ok := conn.(*net.TCPConn); ok {
					_ = tc.SetLinger(0) // RST
				}
				_ = conn.Close()
			}
			return
		}
		w.WriteHeader(200)
	}), &n
}

func TestRetryOnConnectionReset(t *testing.T) {
	h, n := hijackCloser(1)
	srv := httptest.NewServer(h)
	defer srv.Close()

	c, sl := newTestClient(t, Config{BaseURL: srv.URL})
	resp, err := c.Do(context.Background(), Request{Path: "/Users"}, nil)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)
	assert.Equal(t, int32(2), n.Load())
	assert.Equal(t, []time.Duration{baseBackoff}, sl.all())

	// POST is not idempotent: no retry, a clear error.
	n.Store(0)
	_, err = c.Do(context.Background(), Request{Method: "POST", Path: "/Users", Body: "{}"}, nil)
	te := transportErr(t, err)
	assert.Equal(t, KindOther, te.Kind)
	assert.Contains(t, te.Error(), "POST "+srv.URL+"/Users: the server (or a proxy) closed the connection without a complete answer")
	assert.Equal(t, int32(1), n.Load())
}

func TestRateLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()

	t.Run("fixed clock", func(t *testing.T) {
		c, sl := newTestClient(t, Config{BaseURL: srv.URL, MaxRPS: 20})
		t0 := time.Now()
		c.now = func() time.Time { return t0 }
		for range 5 {
			_, err := c.Do(context.Background(), Request{Path: "/Users"}, nil)
			require.NoError(t, err)
		}
		ms := time.Millisecond
		assert.Equal(t, []time.Duration{0, 50 * ms, 100 * ms, 150 * ms, 200 * ms}, sl.all())
	})

	t.Run("real clock across goroutines", func(t *testing.T) {
		c, err := New(Config{BaseURL: srv.URL, MaxRPS: 20})
		require.NoError(t, err)
		start := time.Now()
		errs := make(chan error, 5)
		for range 5 {
			go func() {
				_, err := c.Do(context.Background(), Request{Path: "/Users"}, nil)
				errs <- err
			}()
		}
		for range 5 {
			require.NoError(t, <-errs)
		}
		assert.GreaterOrEqual(t, time.Since(start), 190*time.Millisecond)
	})
}

func TestOversizedBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 1<<20)
		for range 17 {
			if _, err := w.Write(buf); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Config{BaseURL: srv.URL})
	_, err := c.Do(context.Background(), Request{Path: "/Users"}, nil)
	te := transportErr(t, err)
	assert.Contains(t, te.Error(), "larger than 16 MiB")
}
