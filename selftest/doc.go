// Package selftest holds provcheck's end-to-end self-tests: the real suites
// run over loopback HTTP against the reference target, which must pass every
// check, and against the reference target with each fault switched on, which
// the check meant for that fault must catch. The tests are Ginkgo specs and
// use the provginkgo front-end, as a Go SCIM server would.
package selftest
