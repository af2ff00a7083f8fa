package target

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// Entry is one resource a run created on the target, or (with Deleted set)
// the record that it is gone again. A ledger file is a sequence of entries,
// one JSON object per line.
type Entry struct {
	// RunID is the run-unique marker of the run that created the resource.
	RunID string `json:"run_id"`
	// Type is the collection path segment: "Users", "Groups", …
	Type string `json:"type"`
	// ID is the id the target assigned.
	ID string `json:"id"`
	// Location is the absolute URL of the resource.
	Location string `json:"location"`
	// Created is when the target answered the create request.
	Created time.Time `json:"created"`
	// Deleted marks a line that records the deletion of Location.
	Deleted bool `json:"deleted,omitempty"`
}

// Ledger records what a run created, so the run (or a later
// `provcheck cleanup`) can delete it and the client can refuse to modify
// anything else. A file-backed ledger appends and fsyncs every change before
// returning. A Ledger is safe for concurrent use.
type Ledger struct {
	mu      sync.Mutex
	path    string
	f       *os.File
	entries []Entry // creation order; Deleted updated in place
	closed  bool
	// byKey and byRef index entries (positions in entries) by locKey of
	// the location and by lower-case type and id, so ownership checks stay
	// cheap however much a run (a long fuzzing run) creates.
	byKey, byRef map[string][]int
}

// NewMemoryLedger returns a ledger that keeps its entries in memory only.
func NewMemoryLedger() *Ledger { return &Ledger{} }

// OpenLedger opens (creating it if needed) the ledger file at path for
// appending. Entries already in the file are replayed, so Owns and Live see
// them too.
func OpenLedger(path string) (*Ledger, error) {
	if path == "" {
		return nil, errors.New("ledger: no file name given")
	}
	var entries []Entry
	if data, err := os.ReadFile(path); err == nil {
		entries, err = replay(bytes.NewReader(data), path)
		if err != nil {
			return nil, err
		}
		if len(data) > 0 && data[len(data)-1] != '\n' {
			return nil, fmt.Errorf("ledger %s: the last line is incomplete (was the file truncated?)", path)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("ledger %s: %w", path, pathErr(err))
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("ledger %s: %w", path, pathErr(err))
	}
	l := &Ledger{path: path, f: f, entries: entries}
	l.indexFrom(0)
	return l, nil
}

// indexFrom adds entries[i:] to the indexes. l.mu is held (or l is new).
func (l *Ledger) indexFrom(i int) {
	if l.byKey == nil {
		l.byKey, l.byRef = map[string][]int{}, map[string][]int{}
	}
	for ; i < len(l.entries); i++ {
		e := l.entries[i]
		k := locKey(e.Location)
		l.byKey[k] = append(l.byKey[k], i)
		r := refKey(e.Type, e.ID)
		l.byRef[r] = append(l.byRef[r], i)
	}
}

// refKey is the index key of a resource by type (any case) and id.
func refKey(typ, id string) string { return strings.ToLower(typ) + "/" + id }

// ReadLedger replays the ledger file at path and returns the entries that
// were not later marked deleted, in creation order.
func ReadLedger(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ledger %s: %w", path, pathErr(err))
	}
	defer f.Close()
	all, err := replay(f, path)
	if err != nil {
		return nil, err
	}
	return live(all), nil
}

// replay reads ledger lines and applies deletions; it returns every entry in
// creation order with Deleted set on those that are gone.
func replay(r io.Reader, name string) ([]Entry, error) {
	var entries []Entry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, fmt.Errorf("ledger %s line %d: not a ledger entry: %s", name, n, quoteStart(line, 60))
		}
		if e.Location == "" {
			return nil, fmt.Errorf("ledger %s line %d: entry has no location", name, n)
		}
		if e.Deleted {
			k := locKey(e.Location)
			for i := range entries {
				if locKey(entries[i].Location) == k {
					entries[i].Deleted = true
				}
			}
			continue
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("ledger %s line %d: %w", name, n+1, err)
	}
	return entries, nil
}

func live(all []Entry) []Entry {
	var out []Entry
	for _, e := range all {
		if !e.Deleted {
			out = append(out, e)
		}
	}
	return out
}

// Add records a created resource. For a file-backed ledger the line is on
// disk (fsynced) when Add returns nil.
func (l *Ledger) Add(e Entry) error {
	if e.Location == "" {
		return errors.New("ledger: entry has no location")
	}
	if e.Created.IsZero() {
		e.Created = time.Now().UTC()
	}
	e.Deleted = false
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.write(e); err != nil {
		return err
	}
	l.entries = append(l.entries, e)
	l.indexFrom(len(l.entries) - 1)
	return nil
}

// MarkDeleted records that the resource at location is gone. Marking a
// location the ledger does not hold (or holds as deleted already) is a no-op.
func (l *Ledger) MarkDeleted(location string) error {
	k := locKey(location)
	l.mu.Lock()
	defer l.mu.Unlock()
	idx := -1
	for _, i := range l.byKey[k] {
		if !l.entries[i].Deleted {
			idx = i
		}
	}
	if idx < 0 {
		return nil
	}
	rec := l.entries[idx]
	rec.Deleted = true
	if err := l.write(rec); err != nil {
		return err
	}
	for _, i := range l.byKey[k] {
		l.entries[i].Deleted = true
	}
	return nil
}

// write appends one line and fsyncs. l.mu is held.
func (l *Ledger) write(e Entry) error {
	if l.closed {
		return fmt.Errorf("ledger %s is closed", l.name())
	}
	if l.f == nil {
		return nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("ledger %s: %w", l.path, err)
	}
	b = append(b, '\n')
	if _, err := l.f.Write(b); err != nil {
		return fmt.Errorf("ledger %s: cannot record %s: %w", l.path, e.Location, pathErr(err))
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("ledger %s: cannot sync after recording %s: %w", l.path, e.Location, pathErr(err))
	}
	return nil
}

func (l *Ledger) name() string {
	if l.path == "" {
		return "(memory)"
	}
	return l.path
}

// Owns reports whether location was created by this ledger's runs (it may
// have been deleted since). Locations compare normalised: scheme and host
// case-insensitively, default ports dropped, trailing slashes trimmed, query
// ignored; the path (and so the id) compares case-sensitively.
func (l *Ledger) Owns(location string) bool {
	k := locKey(location)
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byKey[k]) > 0
}

// liveAt reports whether a live (not deleted) entry has the location.
func (l *Ledger) liveAt(location string) bool {
	k := locKey(location)
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, i := range l.byKey[k] {
		if !l.entries[i].Deleted {
			return true
		}
	}
	return false
}

// locations returns the locations of the entries (deleted ones included)
// of the resource with type typ (any case) and id.
func (l *Ledger) locations(typ, id string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, i := range l.byRef[refKey(typ, id)] {
		out = append(out, l.entries[i].Location)
	}
	return out
}

// Live returns the entries not yet deleted, in creation order.
func (l *Ledger) Live() []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return live(l.entries)
}

// Path returns the ledger file, or "" for a memory ledger.
func (l *Ledger) Path() string { return l.path }

// Close closes the file. Further Add and MarkDeleted calls fail.
func (l *Ledger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	if l.f == nil {
		return nil
	}
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("ledger %s: %w", l.path, pathErr(err))
	}
	return nil
}

// locKey normalises a location for comparison.
func locKey(loc string) string {
	loc = strings.TrimSpace(loc)
	u, err := url.Parse(loc)
	if err != nil || u.Host == "" {
		return strings.TrimRight(loc, "/")
	}
	return strings.ToLower(u.Scheme) + "://" + hostKey(u) + strings.TrimRight(u.Path, "/")
}

// hostKey is the host in lower case with the scheme's default port dropped.
func hostKey(u *url.URL) string {
	h := strings.ToLower(u.Hostname())
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	p := u.Port()
	switch {
	case p == "", p == "80" && strings.EqualFold(u.Scheme, "http"), p == "443" && strings.EqualFold(u.Scheme, "https"):
		return h
	}
	return h + ":" + p
}

// pathErr strips the *os.PathError wrapping when the message names the file
// anyway.
func pathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// quoteStart quotes the first n bytes of b, with an ellipsis when cut.
func quoteStart(b []byte, n int) string {
	if len(b) <= n {
		return fmt.Sprintf("%q", b)
	}
	for n > 0 && n < len(b) && (b[n]&0xC0) == 0x80 {
		n--
	}
	return fmt.Sprintf("%q…", b[:n])
}
