// Package reports turns a finished run, a suites.Report, into what people and
// CI systems read: a console progress line per check and a summary, JUnit XML,
// a JSON document with a documented and versioned schema (see SCHEMA.md), and
// a self-contained HTML page.
//
// Every reporter is a pure function of the report: it writes to an io.Writer,
// takes every timestamp from the report and never reads the clock, so the same
// report always gives the same bytes. The golden files in testdata pin that
// output; run `go test ./reports -update` to rewrite them after a deliberate
// change.
//
// Data that comes from the target (reasons, logs, HTTP bodies and headers) is
// treated as hostile: the XML writer replaces characters that XML 1.0 cannot
// carry, the HTML writer escapes everything through html/template and the
// console writer shows control characters as escapes instead of sending them to
// the terminal.
//
// WriteAll writes the three report files into a directory, each through a
// temporary file and a rename, so an interrupted run never leaves half a file.
// ReadJSON reads a report.json back, for merging shards and for baselines.
//
// This package depends only on the result types of package suites.
package reports
