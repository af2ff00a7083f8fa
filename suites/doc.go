// Package suites is provcheck's check core: the vocabulary every suite speaks
// (Check, Level, Kind, Capability, T, Result, Exchange), selection of a plan
// from the catalogue, and a small runner that executes a plan and streams
// immutable results.
//
// A check is a value, not a test function: a stable ID, a title, the spec
// section it enforces, the normative sentence, its level and the capability it
// needs, and a Run func that receives a *T. The catalogue is a plain slice
// assembled by the suites packages; nothing registers itself in init().
//
// This package imports nothing else of provcheck.
package suites
