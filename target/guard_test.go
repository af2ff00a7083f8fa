package target

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func createUser(t *testing.T, c *Client, name string) (string, *Response) {
	t.Helper()
	resp, err := c.Do(context.Background(), Request{Method: "POST", Path: "/Users", Body: map[string]any{"userName": name}}, nil)
	require.NoError(t, err)
	require.Equal(t, 201, resp.Status)
	m, err := resp.Object()
	require.NoError(t, err)
	return m["id"].(string), resp
}

func TestGuardRefusesUnownedWrites(t *testing.T) {
	f := newFakeSCIM(t)
	c, _ := newTestClient(t, Config{BaseURL: f.url()})
	ctx := context.Background()
	for _, req := range []Request{
		{Method: "DELETE", Path: "/Users/123"},
		{Method: "PUT", Path: "Users/123", Body: map[string]any{}},
		{Method: "PATCH", Path: f.url() + "/Groups/abc"},
		{Method: "delete", Path: "/Users/123"},
		{Method: "PUT", Path: "/ServiceProviderConfig", Body: "{}"},
		{Method: "DELETE", Path: "/Users"},
		{Method: "PATCH", Path: "/Me"},
		{Method: "DELETE", Path: ""},
		{Method: "DELETE", Path: f.srv.URL + "/api/users/1"},
		{Method: "MERGE", Path: "/Users/123"},
		{Method: "POST", Path: "/Users/123", Header: map[string]string{"x-http-method-override": "DELETE"}},
	} {
		_, err := c.Do(ctx, req, nil)
		require.Error(t, err, "%s %s", req.Method, req.Path)
		assert.Contains(t, err.Error(), "refusing "+req.Method+" ")
		assert.Contains(t, err.Error(), ": not created by this run (provcheck never modifies resources it did not create)")
	}
	_, err := c.Do(ctx, Request{Method: "DELETE", Path: "/Users/123"}, nil)
	assert.Equal(t, "refusing DELETE "+f.url()+"/Users/123: not created by this run (provcheck never modifies resources it did not create)", err.Error())
	assert.Empty(t, f.requests, "nothing was sent")

	// Reads, creates, searches, Bulk endpoints and AllowUnowned pass.
	for _, req := range []Request{
		{Method: "GET", Path: "/Users/123"},
		{Method: "HEAD", Path: "/Users/123"},
		{Method: "POST", Path: "/Users/.search", Body: "{}"},
		{Method: "PUT", Path: "/Users/.search", Body: "{}"},
		{Method: "DELETE", Path: "/Users/pc-missing-1", AllowUnowned: true},
		{Method: "PUT", Path: "/ServiceProviderConfig", Body: "{}", AllowUnowned: true},
	} {
		_, err := c.Do(ctx, req, nil)
		assert.NoError(t, err, "%s %s", req.Method, req.Path)
	}
}

func TestGuardAllowsOwnedAndTracksLedger(t *testing.T) {
	f := newFakeSCIM(t)
	c, _ := newTestClient(t, Config{BaseURL: f.url() + "/", RunID: "pcrun001"})
	ctx := context.Background()

	id, resp := createUser(t, c, "pc-user-pcrun001-1")
	live := c.Ledger().Live()
	require.Len(t, live, 1)
	assert.Equal(t, Entry{RunID: "pcrun001", Type: "Users", ID: id, Location: resp.Header.Get("Location"), Created: live[0].Created}, live[0])
	assert.False(t, live[0].Created.IsZero())
	assert.True(t, c.Owns("/Users/"+id))
	assert.False(t, c.Owns("/Users/"+id+"0"))

	for _, p := range []string{"/Users/" + id, "Users/" + id + "/", f.url() + "/Users/" + id, "/users/" + id, "/Users/" + id + "?attributes=id"} {
		_, err := c.Do(ctx, Request{Method: "PATCH", Path: p, Body: map[string]any{"Operations": []any{}}}, nil)
		require.NoError(t, err, p)
	}
	// Traversal out of an owned resource is not owned.
	_, err := c.Do(ctx, Request{Method: "DELETE", Path: "/Users/" + id + "/../999"}, nil)
	assert.ErrorContains(t, err, "not created by this run")

	r, err := c.Do(ctx, Request{Method: "DELETE", Path: "/Users/" + id}, nil)
	require.NoError(t, err)
	assert.Equal(t, 204, r.Status)
	assert.Empty(t, c.Ledger().Live())
	// A deleted resource of this run may be addressed again (checks of 404).
	r, err = c.Do(ctx, Request{Method: "DELETE", Path: "/Users/" + id}, nil)
	require.NoError(t, err)
	assert.Equal(t, 404, r.Status)
}

func TestLedgerLocationChoice(t *testing.T) {
	f := newFakeSCIM(t)
	c, _ := newTestClient(t, Config{BaseURL: f.url()})

	f.noLocHdr = true
	id, _ := createUser(t, c, "a")
	assert.Equal(t, f.url()+"/Users/"+id, c.Ledger().Live()[0].Location, "meta.location")

	// A Location that names the collection (or another host) is never
	// recorded: the clean-up would delete it.
	for i, bad := range []string{f.url() + "/Users", "https://internal.example/scim/v2/Users/x", "/scim/v2/Users/other-id"} {
		f.noLocHdr, f.badLocHdr = false, bad
		id, _ := createUser(t, c, "b")
		got := c.Ledger().Live()[1+i].Location
		assert.Equal(t, f.url()+"/Users/"+id, got, bad)
	}
	// A relative Location is resolved.
	f.badLocHdr = "/scim/v2/Users/5"
	id, _ = createUser(t, c, "c")
	require.Equal(t, "5", id)
	assert.Equal(t, f.url()+"/Users/5", c.Ledger().Live()[4].Location)
}

func TestLedgerWriteFailureStopsDo(t *testing.T) {
	f := newFakeSCIM(t)
	l, err := OpenLedger(filepath.Join(t.TempDir(), "l"))
	require.NoError(t, err)
	c, _ := newTestClient(t, Config{BaseURL: f.url(), Ledger: l})
	require.NoError(t, l.Close())
	_, err = c.Do(context.Background(), Request{Method: "POST", Path: "/Users", Body: map[string]any{"userName": "x"}}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "could not be recorded in the ledger")
	assert.Contains(t, err.Error(), "/Users/1")
}

func TestPutCreatedIsRecorded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(201)
		_, _ = w.Write([]byte(`{"id":"made-on-put"}`))
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Config{BaseURL: srv.URL})
	_, err := c.Do(context.Background(), Request{Method: "PUT", Path: "/Users/pc-missing-x", Body: "{}", AllowUnowned: true}, nil)
	require.NoError(t, err)
	live := c.Ledger().Live()
	require.Len(t, live, 1)
	assert.Equal(t, srv.URL+"/Users/made-on-put", live[0].Location)
}

func TestBulk(t *testing.T) {
	f := newFakeSCIM(t)
	c, _ := newTestClient(t, Config{BaseURL: f.url()})
	ctx := context.Background()
	bulk := func(ops ...map[string]any) (*Response, error) {
		return c.Do(ctx, Request{Method: "POST", Path: "/Bulk", Body: map[string]any{
			"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:BulkRequest"}, "Operations": ops}}, nil)
	}
	resp, err := bulk(
		map[string]any{"method": "POST", "path": "/Users", "bulkId": "a", "data": map[string]any{"userName": "x"}},
		map[string]any{"method": "POST", "path": "/Groups", "bulkId": "b", "data": map[string]any{"displayName": "g"}},
	)
	require.NoError(t, err)
	require.Equal(t, 200, resp.Status)
	live := c.Ledger().Live()
	require.Len(t, live, 2)
	assert.Equal(t, "Users", live[0].Type)
	assert.Equal(t, "1", live[0].ID)
	assert.Equal(t, "Groups", live[1].Type)
	assert.Equal(t, f.url()+"/Groups/2", live[1].Location)

	n := len(f.requests)
	_, err = bulk(map[string]any{"method": "DELETE", "path": "/Users/99"})
	require.Error(t, err)
	assert.Equal(t, "refusing POST "+f.url()+"/Bulk: Bulk operation 1 (DELETE /Users/99) targets a resource not created by this run (provcheck never modifies resources it did not create)", err.Error())
	_, err = bulk(map[string]any{"method": "patch", "path": "https://evil.example/Users/1"})
	assert.ErrorContains(t, err, "is not on the target")
	assert.Len(t, f.requests, n, "nothing sent")

	_, err = bulk(map[string]any{"method": "PUT", "path": "/Users/bulkId:a"}, map[string]any{"method": "GET", "path": "/Users/77"})
	assert.NoError(t, err)
	_, err = c.Do(ctx, Request{Method: "POST", Path: "/Bulk", Body: `{"Operations":[{"method":"DELETE","path":"/Users/99"}]}`, AllowUnowned: true}, nil)
	assert.NoError(t, err)

	resp, err = bulk(map[string]any{"method": "DELETE", "path": "/Users/1"})
	require.NoError(t, err)
	assert.Contains(t, string(resp.Body), `"status":"204"`)
	live = c.Ledger().Live()
	require.Len(t, live, 1, "the Bulk DELETE is recorded")
	assert.Equal(t, "Groups", live[0].Type)
}

func TestBulkErrorAnswerTracked(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],"Operations":[` +
			`{"method":"POST","bulkId":"a","status":"201","location":"/scim/v2/Users/7"},` +
			`{"method":"POST","bulkId":"c","status":"201","response":{"id":"8","meta":{"location":"/scim/v2/Users/8"}}},` +
			`{"method":"POST","bulkId":"b","status":"400","response":{"status":"400"}}]}`))
	}))
	t.Cleanup(srv.Close)
	c, _ := newTestClient(t, Config{BaseURL: srv.URL + "/scim/v2"})
	resp, err := c.Do(context.Background(), Request{Method: "POST", Path: "/Bulk", Body: map[string]any{"Operations": []any{}}}, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, resp.Status)
	live := c.Ledger().Live()
	require.Len(t, live, 2, "resources reported created in an error answer are recorded")
	assert.Equal(t, srv.URL+"/scim/v2/Users/7", live[0].Location)
	assert.Equal(t, srv.URL+"/scim/v2/Users/8", live[1].Location, "from meta.location when the operation has no location")
}

func TestBulkStatusForms(t *testing.T) {
	assert.Equal(t, "201", bulkStatus("201 Created"[:3]))
	assert.Equal(t, "201", bulkStatus(float64(201)))
	assert.Equal(t, "201", bulkStatus(map[string]any{"code": "201"}))
	assert.Equal(t, "", bulkStatus(nil))
	assert.True(t, strings.HasPrefix(bulkStatus("201 Created"), "201"))
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTranscriptFailureKeepsLedger(t *testing.T) {
	f := newFakeSCIM(t)
	c, _ := newTestClient(t, Config{BaseURL: f.url(), Transcript: failingWriter{}})
	_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/Users", Body: map[string]any{"userName": "x"}}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "transcript: cannot write the exchange POST "+f.url()+"/Users: disk full")
	assert.Len(t, c.Ledger().Live(), 1, "the created resource is recorded all the same")
}

func TestAdoptRecordsOnlyWhatCarriesTheRunMarker(t *testing.T) {
	f := newFakeSCIM(t)
	c, _ := newTestClient(t, Config{BaseURL: f.url(), RunID: "pcadopt01"})
	ctx := context.Background()
	// Accounts created behind the client's back, as a JIT login does.
	f.mu.Lock()
	mineLoc, mine := f.create("Users", map[string]any{"userName": "someone", "externalId": "n1-pcadopt01-ab"})
	_, byEmail := f.create("Users", map[string]any{"userName": "x", "emails": []any{map[string]any{"value": "J@pcadopt01.example"}}})
	_, other := f.create("Users", map[string]any{"userName": "admin"})
	f.mu.Unlock()

	err := c.Adopt(ctx, "Users", other["id"].(string), "admin", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not carry the run ID")
	err = c.Adopt(ctx, "Users", other["id"].(string), "n1-pcadopt01-ab", nil)
	require.Error(t, err, "the marker must be on the resource")
	assert.Contains(t, err.Error(), "not adopted")
	require.Error(t, c.Adopt(ctx, "Users", "999", "n1-pcadopt01-ab", nil), "a missing resource")
	require.Error(t, c.Adopt(ctx, "Users/../Groups", "1", "n1-pcadopt01-ab", nil))
	assert.Empty(t, c.Ledger().Live())

	require.NoError(t, c.Adopt(ctx, "Users", mine["id"].(string), "n1-pcadopt01-ab", nil))
	require.NoError(t, c.Adopt(ctx, "Users", mine["id"].(string), "n1-pcadopt01-ab", nil), "twice is a no-op")
	require.NoError(t, c.Adopt(ctx, "Users", byEmail["id"].(string), "j@pcadopt01.example", nil))
	live := c.Ledger().Live()
	require.Len(t, live, 2)
	assert.Equal(t, mineLoc, live[0].Location)
	assert.True(t, c.Owns("/Users/"+mine["id"].(string)))
	assert.False(t, c.Owns("/Users/"+other["id"].(string)))

	rep, err := c.Cleanup(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Deleted)
	assert.Empty(t, c.Ledger().Live())
}

// A 201 without a body (RFC 7644 §3.3 only says the body SHOULD hold the
// resource) is recorded from its Location header when that names one
// resource of the same type below the base URL.
func TestCreatedWithoutBodyRecordedFromLocation(t *testing.T) {
	var loc string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", loc)
		w.WriteHeader(201)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Config{BaseURL: srv.URL + "/scim/v2"})
	post := func() {
		t.Helper()
		_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/Users", Body: map[string]any{"userName": "x"}}, nil)
		require.NoError(t, err)
	}
	loc = "/scim/v2/Users/u-1"
	post()
	live := c.Ledger().Live()
	require.Len(t, live, 1)
	assert.Equal(t, srv.URL+"/scim/v2/Users/u-1", live[0].Location)
	assert.Equal(t, "u-1", live[0].ID)

	for _, bad := range []string{"", srv.URL + "/scim/v2/Users", srv.URL + "/scim/v2/Groups/g-1", "https://elsewhere.example/scim/v2/Users/u-2", "/scim/v2/Users/u-3/extra"} {
		loc = bad
		post()
		assert.Len(t, c.Ledger().Live(), 1, "Location %q must not be recorded", bad)
	}
}
