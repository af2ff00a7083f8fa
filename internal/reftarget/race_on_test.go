//go:build race

package reftarget

// raceDetector reports whether the tests run under the race detector.
const raceDetector = true
