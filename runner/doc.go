// Package runner assembles a provcheck run: it builds the target client and
// ledger, discovers the target, selects the plan from the catalogue, runs it,
// cleans up what the run created (also after an interrupt) and writes the
// reports. The CLI and the Ginkgo front-end are thin layers over it.
package runner
