package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/provcheck/provcheck/reports"
)

// cmdCompare writes the vendor matrix of several runs' report.json files.
// An argument NAME=FILE names the column; a bare FILE is named after its
// folder.
func cmdCompare(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	var out string
	fs.StringVar(&out, "out", "provcheck-compare", "folder for compare.html and compare.json")
	if !parseFiles(fs, args, true, stderr) {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(stderr, "provcheck compare: name the reports: provcheck compare --out DIR vendor-a=a/report.json vendor-b=b/report.json\n")
		return exitUsage
	}
	var named []reports.Named
	seen := map[string]bool{}
	for _, arg := range fs.Args() {
		name, file, ok := strings.Cut(arg, "=")
		if !ok {
			file = arg
			name = filepath.Base(filepath.Dir(filepath.Clean(arg)))
		}
		if seen[name] {
			fmt.Fprintf(stderr, "provcheck compare: two reports are named %q; name them with NAME=FILE\n", name)
			return exitUsage
		}
		seen[name] = true
		rep, err := reports.ReadJSONFile(file)
		if err != nil {
			fmt.Fprintf(stderr, "provcheck compare: %v\n", err)
			return exitUsage
		}
		named = append(named, reports.Named{Name: name, Report: rep})
	}
	cmp := reports.Compare(named)
	if err := os.MkdirAll(out, 0o755); err != nil {
		fmt.Fprintf(stderr, "provcheck compare: %v\n", err)
		return exitUsage
	}
	for _, w := range []struct {
		name  string
		write func(io.Writer, reports.Comparison) error
	}{{"compare.json", reports.CompareJSON}, {"compare.html", reports.CompareHTML}} {
		f, err := os.Create(filepath.Join(out, w.name))
		if err == nil {
			err = w.write(f, cmp)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "provcheck compare: %v\n", err)
			return exitUsage
		}
	}
	for _, c := range cmp.Columns {
		fmt.Fprintf(stdout, "%s: %s\n", c.Name, c.Verdict)
	}
	fmt.Fprintf(stdout, "written: %s, %s\n", filepath.Join(out, "compare.html"), filepath.Join(out, "compare.json"))
	return exitOK
}
