// Package target is the HTTP client every provcheck suite uses to talk to
// the application under test (the target).
//
// A Client is made from a Config: the SCIM base URL and one way to
// authenticate (bearer token, HTTP Basic, or OAuth 2.0 client credentials,
// plus extra headers). Client.Do sends a Request and returns the Response;
// a non-2xx status is an answer, not an error. Failures to get an answer at
// all are *TransportError values whose message says what failed and what to
// do (wrong URL, TLS trust, timeout, …).
//
// On the way the client
//
//   - spaces requests to Config.MaxRPS across goroutines, bounds each
//     attempt by Config.Timeout, and retries 429 and 503 answers (honouring
//     Retry-After up to 30s) and connection resets of idempotent requests;
//   - records every attempt as a redacted suites.Exchange: to the caller's
//     Recorder (a suites.T) and, as JSON lines, to Config.Transcript.
//     Credentials, configured header values, fetched tokens and password
//     attributes never appear in evidence;
//   - sends requests only to the base URL's scheme and host, and does not
//     follow redirects.
//
// # Safety on a real target
//
// The client keeps a Ledger of what the run created: a 201 to a POST on a
// collection, resources created by a Bulk request, a 201 to a PUT. A
// file-backed ledger (OpenLedger) has each entry on disk, fsynced, before Do
// returns; if it cannot be written, Do fails. Deletions are recorded too.
//
// The safety guard refuses, before sending anything, every PUT, PATCH,
// DELETE (any method but GET, HEAD, OPTIONS and POST, also when tunnelled
// with X-HTTP-Method-Override) whose URL is not in the ledger, and every Bulk
// operation that would write to such a URL, unless Request.AllowUnowned is
// set. This covers single resources, collections, the base URL and /Me; the
// /Bulk and .search endpoints are exempt.
//
// Client.Cleanup deletes what the ledger holds, newest first.
// CleanupLedger does the same for the ledger file of an interrupted run,
// after checking each resource still carries that run's marker.
package target
