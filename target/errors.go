package target

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"
)

// Kinds of transport failure, the values of TransportError.Kind.
const (
	KindUnreachable = "unreachable" // nothing listens, no route, connection refused
	KindTLS         = "tls"         // handshake or certificate failure, TLS/plain-HTTP mix-up
	KindTimeout     = "timeout"     // no answer in time
	KindDNS         = "dns"         // the host name does not resolve
	KindInterrupted = "interrupted" // the run was cancelled (SIGINT)
	KindOther       = "other"       // anything else: reset connections, oversized bodies, …
)

// TransportError is a request that got no usable HTTP answer: the target (or
// the OAuth token endpoint) could not be reached, TLS failed, the answer did
// not come in time, or the run was interrupted. It is the harness's or the
// environment's problem, never a conformance verdict on the target.
//
// Error() is one line that says what failed and what to do about it.
type TransportError struct {
	// Kind classifies the failure: one of the Kind* constants.
	Kind string
	// Method and URL name the request (the URL is redacted).
	Method, URL string
	// Err is the underlying error.
	Err error
	// Timeout is the per-request time limit that ran out, when Kind is
	// "timeout" because of it; zero otherwise.
	Timeout time.Duration

	// flag names the command-line option that configures the URL, for hints.
	flag string
	// note replaces the generic description for synthetic failures.
	note string
}

// Unwrap returns the underlying error.
func (e *TransportError) Unwrap() error { return e.Err }

// Error returns one line: what failed, and what to do about it.
func (e *TransportError) Error() string {
	flag := e.flag
	if flag == "" {
		flag = "--scim-url"
	}
	detail := errDetail(e.Err)
	switch e.Kind {
	case KindUnreachable:
		return fmt.Sprintf("cannot connect to %s: %s — is the server running and %s right?", e.URL, detail, flag)
	case KindDNS:
		host := hostOf(e.URL)
		var dns *net.DNSError
		if errors.As(e.Err, &dns) {
			if dns.Name != "" {
				host = dns.Name
			}
			detail = dns.Err
		}
		return fmt.Sprintf("cannot resolve host %q for %s %s: %s — check the host name in %s", host, e.Method, e.URL, detail, flag)
	case KindTLS:
		origin := originOf(e.URL)
		var rh tls.RecordHeaderError
		var hn x509.HostnameError
		switch {
		case e.note != "":
			return fmt.Sprintf("%s %s: %s", e.Method, e.URL, e.note)
		case errors.As(e.Err, &rh), errors.Is(e.Err, http.ErrSchemeMismatch):
			return fmt.Sprintf("%s does not speak TLS (%s) — use http:// in %s, or the server's TLS port", origin, detail, flag)
		case errors.As(e.Err, &hn):
			return fmt.Sprintf("TLS handshake with %s failed: %s — connect with a host name the certificate names, or pass --insecure for a test server", origin, detail)
		case isCertError(e.Err):
			return fmt.Sprintf("TLS handshake with %s failed: %s — pass --ca-file with the server's CA, or --insecure for a test server", origin, detail)
		default:
			return fmt.Sprintf("TLS handshake with %s failed: %s — check that %s names the server's TLS endpoint", origin, detail, flag)
		}
	case KindTimeout:
		if e.Timeout > 0 {
			return fmt.Sprintf("%s %s: no answer within %s (raise --timeout)", e.Method, e.URL, e.Timeout)
		}
		if errors.Is(e.Err, context.DeadlineExceeded) {
			return fmt.Sprintf("%s %s: stopped: the time allowed for the check or run ran out before an answer came", e.Method, e.URL)
		}
		return fmt.Sprintf("%s %s: timed out: %s (raise --timeout if the server is slow)", e.Method, e.URL, detail)
	case KindInterrupted:
		return fmt.Sprintf("%s %s: interrupted before an answer came", e.Method, e.URL)
	default:
		if e.note != "" {
			return fmt.Sprintf("%s %s: %s", e.Method, e.URL, e.note)
		}
		if isReset(e.Err) {
			return fmt.Sprintf("%s %s: the server (or a proxy) closed the connection without a complete answer (%s)", e.Method, e.URL, detail)
		}
		return fmt.Sprintf("%s %s: %s", e.Method, e.URL, detail)
	}
}

// reset reports whether the connection was reset or closed mid-request,
// which is worth a retry for idempotent methods.
func (e *TransportError) reset() bool { return e.Kind == KindOther && e.note == "" && isReset(e.Err) }

// classify turns an error of http.Client.Do (or of reading the body) into a
// *TransportError. parent is the caller's context, attempt the per-request
// one bounded by limit.
func classify(err error, parent, attempt context.Context, limit time.Duration, method, u, flag string) *TransportError {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		err = ue.Err
	}
	te := &TransportError{Method: method, URL: u, Err: err, flag: flag}
	switch {
	case parent.Err() != nil && errors.Is(parent.Err(), context.Canceled):
		te.Kind, te.Err = KindInterrupted, parent.Err()
	case parent.Err() != nil:
		te.Kind, te.Err = KindTimeout, parent.Err()
	case attempt != nil && errors.Is(attempt.Err(), context.DeadlineExceeded):
		te.Kind, te.Timeout = KindTimeout, limit
	case errors.Is(err, context.Canceled):
		te.Kind = KindInterrupted
	case errors.Is(err, context.DeadlineExceeded):
		te.Kind = KindTimeout
	default:
		te.Kind = kindOf(err)
	}
	return te
}

// kindOf classifies an error that is not about contexts.
func kindOf(err error) string {
	var dns *net.DNSError
	var rh tls.RecordHeaderError
	var alert tls.AlertError
	var op *net.OpError
	var ne net.Error
	switch {
	case errors.As(err, &dns):
		return KindDNS
	case errors.As(err, &rh), errors.As(err, &alert), isCertError(err), errors.Is(err, http.ErrSchemeMismatch):
		return KindTLS
	case strings.Contains(err.Error(), "tls: "):
		return KindTLS
	case errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect"):
		if op.Timeout() {
			return KindTimeout
		}
		return KindUnreachable
	case errors.As(err, &ne) && ne.Timeout():
		return KindTimeout
	}
	return KindOther
}

// isCertError reports whether err is a certificate verification failure.
func isCertError(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	var sys x509.SystemRootsError
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci) || errors.As(err, &sys)
}

// isReset reports a connection reset or closed before the answer was complete.
func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// errDetail returns the most telling part of an error: "connection refused"
// rather than "dial tcp 127.0.0.1:1: connect: connection refused", the x509
// reason rather than the TLS wrapping.
func errDetail(err error) string {
	if err == nil {
		return "unknown error"
	}
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	var rh tls.RecordHeaderError
	var sys *os.SyscallError
	var op *net.OpError
	switch {
	case errors.As(err, &ua):
		return ua.Error()
	case errors.As(err, &hn):
		return hn.Error()
	case errors.As(err, &ci):
		return ci.Error()
	case errors.As(err, &rh):
		return strings.TrimPrefix(rh.Error(), "tls: ")
	case errors.Is(err, http.ErrSchemeMismatch):
		return "it answered in plain HTTP"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of the connection"
	case errors.As(err, &sys):
		return sys.Err.Error()
	case errors.As(err, &op) && op.Err != nil:
		return op.Err.Error()
	}
	return err.Error()
}

// originOf returns scheme://host of a URL string, or the string itself.
func originOf(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	return u.Scheme + "://" + u.Host
}

// hostOf returns the host name of a URL string.
func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return u.Hostname()
}
