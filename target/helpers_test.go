package target

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provcheck/provcheck/suites"
	"github.com/stretchr/testify/require"
)

// recorder collects exchanges like suites.T does.
type recorder struct {
	mu  sync.Mutex
	exs []suites.Exchange
}

func (r *recorder) Record(e suites.Exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.exs = append(r.exs, e)
}

func (r *recorder) all() []suites.Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]suites.Exchange(nil), r.exs...)
}

// sleeps records the waits a client asked for instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// newTestClient makes a client whose waits are recorded, not slept.
func newTestClient(t *testing.T, cfg Config) (*Client, *sleeps) {
	t.Helper()
	c, err := New(cfg)
	require.NoError(t, err)
	s := &sleeps{}
	c.sleep = s.sleep
	return c, s
}

// fakeSCIM is a tiny SCIM server: POST/GET/PUT/PATCH/DELETE on any
// collection, and /Bulk with POST and DELETE operations.
type fakeSCIM struct {
	mu        sync.Mutex
	next      int
	res       map[string]map[string]any // "/Users/1" -> resource
	requests  []string                  // "METHOD /path"
	headers   []http.Header
	bodies    [][]byte
	base      string // "/scim/v2"
	srv       *httptest.Server
	noLocHdr  bool   // do not send a Location header
	badLocHdr string // send this Location header instead
}

func newFakeSCIM(t *testing.T) *fakeSCIM {
	f := &fakeSCIM{res: map[string]map[string]any{}, base: "/scim/v2"}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSCIM) url() string { return f.srv.URL + f.base }

func (f *fakeSCIM) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		if strings.HasPrefix(r, method+" ") {
			n++
		}
	}
	return n
}

func (f *fakeSCIM) create(typ string, body map[string]any) (string, map[string]any) {
	f.next++
	id := fmt.Sprint(f.next)
	loc := f.srv.URL + f.base + "/" + typ + "/" + id
	r := map[string]any{}
	for k, v := range body {
		r[k] = v
	}
	r["id"] = id
	r["meta"] = map[string]any{"location": loc, "resourceType": strings.TrimSuffix(typ, "s")}
	f.res["/"+typ+"/"+id] = r
	return loc, r
}

func (f *fakeSCIM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	f.headers = append(f.headers, r.Header.Clone())
	f.bodies = append(f.bodies, body)
	p := strings.TrimPrefix(r.URL.Path, f.base)
	segs := strings.Split(strings.Trim(p, "/"), "/")
	w.Header().Set("Content-Type", "application/scim+json")
	writeJSON := func(status int, v any) {
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	switch {
	case r.Method == "POST" && len(segs) == 1 && segs[0] == "Bulk":
		var req struct {
			Operations []struct {
				Method, Path, BulkID string
				Data                 map[string]any
			}
		}
		_ = json.Unmarshal(body, &req)
		var ops []map[string]any
		for _, op := range req.Operations {
			switch op.Method {
			case "POST":
				loc, _ := f.create(strings.Trim(op.Path, "/"), op.Data)
				ops = append(ops, map[string]any{"method": "POST", "bulkId": op.BulkID, "location": loc, "status": "201"})
			case "DELETE":
				st := "204"
				if _, ok := f.res[op.Path]; !ok {
					st = "404"
				}
				delete(f.res, op.Path)
				ops = append(ops, map[string]any{"method": "DELETE", "location": f.srv.URL + f.base + op.Path, "status": st})
			}
		}
		writeJSON(200, map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:BulkResponse"}, "Operations": ops})
	case r.Method == "POST" && len(segs) == 1:
		var in map[string]any
		if json.Unmarshal(body, &in) != nil {
			writeJSON(400, map[string]any{"status": "400", "scimType": "invalidSyntax"})
			return
		}
		loc, res := f.create(segs[0], in)
		switch {
		case f.badLocHdr != "":
			w.Header().Set("Location", f.badLocHdr)
		case !f.noLocHdr:
			w.Header().Set("Location", loc)
		}
		writeJSON(201, res)
	case len(segs) == 2:
		key := "/" + segs[0] + "/" + segs[1]
		res, ok := f.res[key]
		if !ok {
			writeJSON(404, map[string]any{"status": "404"})
			return
		}
		switch r.Method {
		case "GET":
			writeJSON(200, res)
		case "DELETE":
			delete(f.res, key)
			w.WriteHeader(204)
		case "PUT", "PATCH":
			writeJSON(200, res)
		}
	default:
		writeJSON(200, map[string]any{"Resources": []any{}, "totalResults": 0})
	}
}
