// Package scim holds provcheck's SCIM 2.0 checks (RFC 7643, RFC 7644), one
// file per spec section, and the discovery that gates them.
//
// Every check is a suites.Check value in the slice of its file; Checks joins
// them into the SCIM catalogue. Checks reach the target through the Env the
// runner hands them (see Session), which carries the target client and what
// discovery learnt about the target.
//
// Rules for check authors: quote the normative sentence in Rule; accept every
// answer the RFC allows (a correct server must never fail); give every
// resource a run-unique name (Env.Name) so parallel runs never collide; and
// never touch a resource this run did not create (the client refuses).
//
// A check may send requests from several goroutines (race.go does): the
// client and T's recording are safe for concurrent use, but Fatalf, Skipf,
// FailNow and Abort stop only the goroutine that calls them, so call them
// (and helpers such as do, which abort) from the check's own goroutine only.
//
// The stateful fuzzer SCIM-FUZZ-001 (fuzz.go) is the one property check: it
// runs rapid state machines against the target and compares every answer
// with a model of an RFC-correct server (model.go). Inside the property it
// reports through the *rapid.T, never through the check's T (whose Fatalf
// would end rapid's goroutine), and rapid's process-wide settings are set
// under a lock, so property checks run one at a time.
package scim
