package reftarget

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func bulk(failOnErrors int, ops ...map[string]any) map[string]any {
	arr := make([]any, len(ops))
	for i, o := range ops {
		arr[i] = o
	}
	b := map[string]any{"schemas": []any{uriBulkRequest}, "Operations": arr}
	if failOnErrors > 0 {
		b["failOnErrors"] = failOnErrors
	}
	return b
}

func bop(method, path, bulkID string, data any) map[string]any {
	m := map[string]any{"method": method, "path": path}
	if bulkID != "" {
		m["bulkId"] = bulkID
	}
	if data != nil {
		m["data"] = data
	}
	return m
}

func bulkOps(r *resp) []map[string]any {
	arr, _ := r.body["Operations"].([]any)
	out := make([]map[string]any, len(arr))
	for i, e := range arr {
		out[i] = e.(map[string]any)
	}
	return out
}

func TestBulk(t *testing.T) {
	c := newClient(t)
	existing := c.createUser(user("existing"))
	doomed := c.createUser(user("doomed"))
	r := c.do("POST", "/Bulk", bulk(0,
		// the group refers to a user created later in the request
		bop("POST", "/Groups", "grp", map[string]any{"schemas": []any{uriGroup}, "displayName": "Tour Guides",
			"members": []any{map[string]any{"type": "User", "value": "bulkId:alice"}}}),
		bop("POST", "/Users", "alice", user("Alice")),
		bop("POST", "/Users", "bob", map[string]any{"schemas": []any{uriUser, uriEnterprise}, "userName": "Bob",
			uriEnterprise: map[string]any{"employeeNumber": "11250", "manager": map[string]any{"value": "bulkId:alice"}}}),
		bop("PUT", "/Users/"+existing, "", user("existing", "title", "put")),
		bop("PATCH", "/Users/bulkId:bob", "", patchBody(op("add", "title", "patched"))),
		bop("DELETE", "/Users/"+doomed, "", nil),
	)).must(t, http.StatusOK)
	assert.Equal(t, []any{uriBulkResponse}, r.body["schemas"])
	ops := bulkOps(r)
	require.Len(t, ops, 6)
	for i, want := range []string{"201", "201", "201", "200", "200", "204"} {
		assert.Equal(t, want, ops[i]["status"], "op %d: %v", i, ops[i])
		assert.NotEmpty(t, ops[i]["location"])
	}
	assert.Equal(t, "grp", ops[0]["bulkId"])
	assert.Equal(t, "POST", ops[0]["method"])
	assert.Regexp(t, `^W/"`, ops[0]["version"])
	aliceID := strings.TrimPrefix(ops[1]["location"].(string), testBase+"/Users/")
	g := c.do("GET", strings.TrimPrefix(ops[0]["location"].(string), testBase), nil).must(t, http.StatusOK)
	assert.Equal(t, aliceID, g.get("members.0.value"))
	b := c.do("GET", strings.TrimPrefix(ops[2]["location"].(string), testBase), nil).must(t, http.StatusOK)
	assert.Equal(t, aliceID, b.ent("manager.value"))
	assert.Equal(t, "patched", b.str("title"))
	assert.Equal(t, "put", c.do("GET", "/Users/"+existing, nil).str("title"))
	c.do("GET", "/Users/"+doomed, nil).must(t, http.StatusNotFound)
}

func TestBulkErrors(t *testing.T) {
	c := newClient(t)
	r := c.do("POST", "/Bulk", bulk(0,
		bop("POST", "/Users", "", user("nobulkid")),
		bop("POST", "/Users", "x", nil),
		bop("PUT", "", "", user("nopath")),
		bop("POST", "/Users", "dup", user("dup1")),
		bop("POST", "/Users", "dup", user("dup2")),
		bop("DELETE", "/Users/nope", "", nil),
		bop("POST", "/Users", "bad", user("bad", "active", "yes")),
		bop("POST", "/Groups", "g", group("g", "bulkId:bad")),
		bop("POST", "/Groups", "g2", group("g2", "bulkId:unknown")),
		bop("FETCH", "/Users", "", nil),
		bop("POST", "/Nope", "n", user("n")),
		bop("PATCH", "/Users/nope", "", patchBody(op("add", "title", "x"))),
	)).must(t, http.StatusOK)
	ops := bulkOps(r)
	require.Len(t, ops, 12)
	want := []string{"400", "400", "400", "201", "400", "404", "400", "400", "400", "400", "404", "404"}
	for i, w := range want {
		assert.Equal(t, w, ops[i]["status"], "op %d: %v", i, ops[i])
		if w[0] != '2' {
			resp, _ := ops[i]["response"].(map[string]any)
			require.NotNil(t, resp, "op %d has no error response", i)
			assert.Equal(t, []any{uriError}, resp["schemas"])
			assert.Equal(t, w, resp["status"])
		}
	}
	assert.NotContains(t, ops[0], "location", "failed POSTs have no location")
	assert.Equal(t, testBase+"/Users/nope", ops[5]["location"])

	// failOnErrors stops after that many errors
	r = c.do("POST", "/Bulk", bulk(2,
		bop("POST", "/Users", "a", user("f1")),
		bop("POST", "/Users", "b", user("f1")),
		bop("POST", "/Users", "c", user("f2")),
		bop("POST", "/Users", "d", user("f2")),
		bop("POST", "/Users", "e", user("f3")),
	)).must(t, http.StatusOK)
	ops = bulkOps(r)
	require.Len(t, ops, 4)
	assert.Equal(t, "409", ops[3]["status"])
	c.do("GET", "/Users?filter=userName+eq+%22f3%22", nil)
	assert.EqualValues(t, 0, c.do("GET", "/Users?filter=userName+eq+%22f3%22", nil).body["totalResults"])

	// circular references are resolved (RFC 7644 §3.7.1)
	r = c.do("POST", "/Bulk", bulk(0,
		bop("POST", "/Groups", "qwerty", group("A", "bulkId:ytrewq")),
		bop("POST", "/Groups", "ytrewq", group("B", "bulkId:qwerty")),
	)).must(t, http.StatusOK)
	ops = bulkOps(r)
	require.Len(t, ops, 2)
	ids := map[string]string{}
	for _, o := range ops {
		require.Equal(t, "201", o["status"], "%v", o)
		ids[o["bulkId"].(string)] = strings.TrimPrefix(o["location"].(string), testBase+"/Groups/")
	}
	a := c.do("GET", "/Groups/"+ids["qwerty"], nil).must(t, http.StatusOK)
	assert.Equal(t, ids["ytrewq"], a.get("members.0.value"))
	assert.Equal(t, ops[0]["version"], a.header.Get("ETag"))
	assert.Equal(t, ids["qwerty"], c.do("GET", "/Groups/"+ids["ytrewq"], nil).get("members.0.value"))

	// a circular reference whose other end fails is refused with 409, and
	// nothing of it stays
	r = c.do("POST", "/Bulk", bulk(0,
		bop("POST", "/Groups", "c1", group("C1", "bulkId:c2")),
		bop("POST", "/Groups", "c2", map[string]any{"schemas": []any{uriGroup}, "members": []any{map[string]any{"value": "bulkId:c1"}}}),
	)).must(t, http.StatusOK)
	ops = bulkOps(r)
	require.Len(t, ops, 2)
	assert.Equal(t, "400", ops[1]["status"], "%v", ops[1])
	assert.Equal(t, "409", ops[0]["status"], "%v", ops[0])
	assert.Equal(t, "c1", ops[0]["bulkId"])
	assert.NotContains(t, ops[0], "location")
	assert.EqualValues(t, 0, c.do("GET", "/Groups?filter=displayName+eq+%22C1%22", nil).body["totalResults"])

	requireSCIMError(t, c.do("POST", "/Bulk", map[string]any{"Operations": []any{}}), http.StatusBadRequest, scimInvalidSyntax)
	requireSCIMError(t, c.do("POST", "/Bulk", map[string]any{"schemas": []any{uriBulkRequest}}), http.StatusBadRequest, scimInvalidSyntax)
	requireSCIMError(t, c.do("POST", "/Bulk", map[string]any{"schemas": []any{uriBulkRequest}, "Operations": []any{}, "failOnErrors": "x"}), http.StatusBadRequest, scimInvalidValue)
}

func TestBulkLimits(t *testing.T) {
	c := newClientOpts(t, Options{MaxBulkOperations: 2, MaxBulkPayload: 1000})
	sc := c.do("GET", "/ServiceProviderConfig", nil)
	assert.EqualValues(t, 2, sc.get("bulk.maxOperations"))
	assert.EqualValues(t, 1000, sc.get("bulk.maxPayloadSize"))
	var ops []map[string]any
	for i := 0; i < 3; i++ {
		ops = append(ops, bop("POST", "/Users", fmt.Sprint(i), user(fmt.Sprint("u", i))))
	}
	r := c.do("POST", "/Bulk", bulk(0, ops...))
	requireSCIMError(t, r, http.StatusRequestEntityTooLarge, "")
	assert.Contains(t, r.body["detail"], "maxOperations")
	r = c.do("POST", "/Bulk", bulk(0, bop("POST", "/Users", "big", user("big", "title", strings.Repeat("x", 2000)))))
	requireSCIMError(t, r, http.StatusRequestEntityTooLarge, "")
	assert.Contains(t, r.body["detail"], "maxPayloadSize")
	assert.Empty(t, c.do("GET", "/Users", nil).resources())
	c.do("POST", "/Bulk", bulk(0, ops[:2]...)).must(t, http.StatusOK)
	assert.Len(t, c.do("GET", "/Users", nil).resources(), 2)
}
