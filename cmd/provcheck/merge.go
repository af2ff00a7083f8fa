package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/provcheck/provcheck/reports"
	"github.com/provcheck/provcheck/runner"
	"github.com/provcheck/provcheck/suites"
)

// cmdMerge joins the report.json files of the shards of one run.
func cmdMerge(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	var out string
	var strict bool
	fs.StringVar(&out, "out", "provcheck-out", "folder for the merged junit.xml, report.json and report.html")
	fs.BoolVar(&strict, "strict", false, "treat warnings as failures, for the exit code and junit.xml")
	if !parseFiles(fs, args, true, stderr) {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(stderr, "provcheck merge: name the report.json files of the shards: provcheck merge --out DIR a/report.json b/report.json\n")
		return exitUsage
	}
	var parts []suites.Report
	for _, f := range fs.Args() {
		rep, err := reports.ReadJSONFile(f)
		if err != nil {
			fmt.Fprintf(stderr, "provcheck merge: %v\n", err)
			return exitUsage
		}
		parts = append(parts, rep)
	}
	merged, err := runner.Merge(parts)
	if err != nil {
		fmt.Fprintf(stderr, "provcheck merge: %v\n", err)
		return exitUsage
	}
	paths, err := reports.WriteAllWith(out, merged, reports.WriteOptions{JUnit: reports.JUnitOptions{Strict: strict}})
	if err != nil {
		fmt.Fprintf(stderr, "provcheck merge: %v\n", err)
		return exitUsage
	}
	(&reports.Console{W: stdout}).Summary(merged, paths)
	if (runner.Outcome{Report: merged}).Failing(strict) > 0 {
		return exitFailed
	}
	return exitOK
}
