package reports

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/provcheck/provcheck/suites"
)

// The names of the files WriteAll writes.
const (
	JUnitFile = "junit.xml"
	JSONFile  = "report.json"
	HTMLFile  = "report.html"
	// ReplayDir holds, per failed check, its requests as a replay file
	// (<ID>.json, for 'provcheck replay') and a curl script (<ID>.sh).
	ReplayDir = "replay"
)

// safeFileName keeps letters, digits, '-' and '_' of a check ID.
func safeFileName(id string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// fileWriter writes one file of the reports.
type fileWriter struct {
	name  string
	write func(io.Writer) error
}

// WriteOptions change what WriteAllWith writes.
type WriteOptions struct {
	// JUnit are the options of the JUnit report.
	JUnit JUnitOptions
}

// WriteAll writes junit.xml, report.json and report.html into dir with the
// default options. See WriteAllWith.
func WriteAll(dir string, r suites.Report) ([]string, error) {
	return WriteAllWith(dir, r, WriteOptions{})
}

// WriteAllWith writes junit.xml, report.json and report.html into dir,
// creating it if needed. Each file is written to a temporary file in dir,
// synced and renamed over the final name, so a crash never leaves half a
// report. A failure on one file does not stop the others: WriteAllWith returns
// the paths it wrote and the failures joined into one error.
func WriteAllWith(dir string, r suites.Report, opts WriteOptions) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create report directory: %w", err)
	}
	writers := []fileWriter{
		{JUnitFile, func(w io.Writer) error { return JUnitWith(w, r, opts.JUnit) }},
		{JSONFile, func(w io.Writer) error { return JSON(w, r) }},
		{HTMLFile, func(w io.Writer) error { return HTML(w, r) }},
	}
	for _, res := range r.Results {
		if res.Status != suites.Failed && res.Status != suites.Warning {
			continue
		}
		rp, ok := ReplayOf(r.Run, res)
		if !ok {
			continue
		}
		name := filepath.Join(ReplayDir, safeFileName(res.ID))
		writers = append(writers,
			fileWriter{name + ".json", func(w io.Writer) error {
				b, err := MarshalReplay(rp)
				if err == nil {
					_, err = w.Write(b)
				}
				return err
			}},
			fileWriter{name + ".sh", func(w io.Writer) error { _, err := w.Write(rp.Curl()); return err }},
		)
	}
	if len(writers) > 3 {
		if err := os.MkdirAll(filepath.Join(dir, ReplayDir), 0o755); err != nil {
			return nil, fmt.Errorf("create replay directory: %w", err)
		}
	}
	var paths []string
	var errs []error
	for _, wr := range writers {
		path := filepath.Join(dir, wr.name)
		if err := writeAtomic(path, wr.write); err != nil {
			errs = append(errs, fmt.Errorf("write %s: %w", path, err))
			continue
		}
		paths = append(paths, path)
	}
	return paths, errors.Join(errs...)
}

// writeAtomic writes path through a temporary file in the same directory and a
// rename; on any failure the temporary file is removed and path is untouched.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write temporary file: %w", err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("set file mode: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync temporary file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close temporary file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename into place: %w", err)
	}
	return nil
}
