package reftarget

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUserCreate(t *testing.T) {
	c := newClient(t)
	r := c.do("POST", "/Users", map[string]any{
		"schemas":  []any{uriUser, uriEnterprise},
		"id":       "client-id",
		"userName": "bjensen@example.com",
		"Name":     map[string]any{"GivenName": "Barbara", "familyName": "Jensen", "nope": 1},
		"emails":   []any{map[string]any{"value": "bjensen@example.com", "type": "work", "primary": true}},
		"active":   true,
		"password": "t1meMa$heen",
		"groups":   []any{map[string]any{"value": "g"}},
		"meta":     map[string]any{"created": "2000-01-01T00:00:00Z"},
		"unknown":  "ignored",
		"roles":    []any{},
		uriEnterprise: map[string]any{
			"employeeNumber": "701984",
			"manager":        map[string]any{"value": "m1", "displayName": "readOnly, ignored"},
		},
	}).must(t, http.StatusCreated)
	id := r.str("id")
	assert.NotEqual(t, "client-id", id)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, id)
	assert.Equal(t, []any{uriUser, uriEnterprise}, r.body["schemas"])
	assert.Equal(t, "Barbara", r.get("name.givenName"))
	assert.Nil(t, r.get("name.nope"))
	assert.NotContains(t, r.body, "password")
	assert.NotContains(t, r.body, "groups")
	assert.NotContains(t, r.body, "unknown")
	assert.NotContains(t, r.body, "roles")
	assert.Equal(t, "701984", r.ent("employeeNumber"))
	assert.Equal(t, map[string]any{"value": "m1", "$ref": testBase + "/Users/m1"}, r.ent("manager"), "manager.$ref is RECOMMENDED (RFC 7643 §4.3)")
	assert.Equal(t, "User", r.get("meta.resourceType"))
	loc := testBase + "/Users/" + id
	assert.Equal(t, loc, r.get("meta.location"))
	assert.Equal(t, loc, r.header.Get("Location"))
	assert.Equal(t, loc, r.header.Get("Content-Location"))
	assert.Equal(t, r.get("meta.version"), r.header.Get("ETag"))
	assert.Regexp(t, `^W/".+"$`, r.header.Get("ETag"))
	created, err := time.Parse(time.RFC3339Nano, r.str("meta.created"))
	require.NoError(t, err)
	assert.Equal(t, r.get("meta.created"), r.get("meta.lastModified"))
	assert.WithinDuration(t, time.Now(), created, time.Minute)

	g := c.do("GET", "/Users/"+id, nil).must(t, http.StatusOK)
	assert.Equal(t, r.body, g.body)
	assert.Equal(t, r.header.Get("ETag"), g.header.Get("ETag"))
	assert.Equal(t, loc, g.header.Get("Location"))
	assert.Equal(t, loc, g.header.Get("Content-Location"))
}

func TestUserCreateValidation(t *testing.T) {
	c := newClient(t)
	for name, body := range map[string]map[string]any{
		"no userName":       {"schemas": []any{uriUser}, "displayName": "x"},
		"empty userName":    user(""),
		"null userName":     {"schemas": []any{uriUser}, "userName": nil},
		"numeric userName":  {"schemas": []any{uriUser}, "userName": 5},
		"active string":     user("a", "active", "yes"),
		"active True":       user("a", "active", "True"),
		"emails object":     user("a", "emails", map[string]any{"value": "x"}),
		"emails strings":    user("a", "emails", []any{"x@example.com"}),
		"name string":       user("a", "name", "Barbara"),
		"givenName number":  user("a", "name", map[string]any{"givenName": 3}),
		"primary string":    user("a", "emails", []any{map[string]any{"value": "x", "primary": "true"}}),
		"two primaries":     user("a", "emails", []any{map[string]any{"value": "x", "primary": true}, map[string]any{"value": "y", "primary": true}}),
		"enterprise string": user("a", uriEnterprise, "x"),
		"x509 not base64":   user("a", "x509Certificates", []any{map[string]any{"value": "not base64!"}}),
		"schemas string":    {"schemas": uriUser, "userName": "a"},
	} {
		t.Run(name, func(t *testing.T) {
			requireSCIMError(t, c.do("POST", "/Users", body), http.StatusBadRequest, scimInvalidValue)
		})
	}
	c.do("GET", "/Users", nil).must(t, http.StatusOK)
	assert.Empty(t, c.do("GET", "/Users", nil).resources())
}

func TestUserNameUniqueness(t *testing.T) {
	c := newClient(t)
	id := c.createUser(user("alice"))
	for _, n := range []string{"alice", "ALICE", "Alice"} {
		requireSCIMError(t, c.do("POST", "/Users", user(n)), http.StatusConflict, scimUniqueness)
	}
	other := c.createUser(user("bob"))
	requireSCIMError(t, c.do("PUT", "/Users/"+other, user("Alice")), http.StatusConflict, scimUniqueness)
	requireSCIMError(t, c.do("PATCH", "/Users/"+other, patchBody(op("replace", "userName", "aLiCe"))), http.StatusConflict, scimUniqueness)
	// changing the case of one's own userName is fine
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "userName", "ALICE"))).must(t, http.StatusOK)
	// a deleted user's userName is free again
	c.do("DELETE", "/Users/"+id, nil).must(t, http.StatusNoContent)
	c.createUser(user("alice"))
}

func TestUserNameUniquenessConcurrent(t *testing.T) {
	c := newClient(t)
	codes := concurrentCreates(c, 20, "racer")
	assert.Equal(t, 1, codes[http.StatusCreated], "codes: %v", codes)
	assert.Equal(t, 19, codes[http.StatusConflict], "codes: %v", codes)
	assert.Len(t, c.do("GET", "/Users", nil).resources(), 1)
}

// concurrentCreates creates the same userName from n goroutines at once and
// counts the status codes.
func concurrentCreates(c *client, n int, userName string) map[int]int {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		start = make(chan struct{})
		codes = map[int]int{}
	)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := c.do("POST", "/Users", user(userName))
			mu.Lock()
			codes[r.code]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return codes
}

func TestUserGetDelete(t *testing.T) {
	c := newClient(t)
	requireSCIMError(t, c.do("GET", "/Users/nope", nil), http.StatusNotFound, "")
	id := c.createUser(user("del"))
	gid := c.createGroup(group("g"))
	requireSCIMError(t, c.do("GET", "/Groups/"+id, nil), http.StatusNotFound, "")
	requireSCIMError(t, c.do("GET", "/Users/"+gid, nil), http.StatusNotFound, "")
	r := c.do("DELETE", "/Users/"+id, nil).must(t, http.StatusNoContent)
	assert.Empty(t, r.raw)
	requireSCIMError(t, c.do("GET", "/Users/"+id, nil), http.StatusNotFound, "")
	requireSCIMError(t, c.do("DELETE", "/Users/"+id, nil), http.StatusNotFound, "")
	requireSCIMError(t, c.do("PUT", "/Users/"+id, user("del")), http.StatusNotFound, "")
	requireSCIMError(t, c.do("PATCH", "/Users/"+id, patchBody(op("add", "title", "x"))), http.StatusNotFound, "")
	assert.Empty(t, c.do("GET", "/Users", nil).resources())
}

func TestUserPut(t *testing.T) {
	clock, advance := frozenClock()
	c := newClientOpts(t, Options{Now: clock})
	r := c.do("POST", "/Users", user("put", "title", "Boss", "nickName", "B", "password", "secret",
		uriEnterprise, map[string]any{"department": "R&D"})).must(t, http.StatusCreated)
	id := r.str("id")
	v1, m1 := r.str("meta.version"), r.str("meta.lastModified")

	// omitted readWrite attributes are cleared, readOnly values ignored
	r = c.do("PUT", "/Users/"+id, map[string]any{
		"schemas": []any{uriUser}, "id": "other", "userName": "put", "title": "Chief",
		"meta": map[string]any{"created": "2000-01-01T00:00:00Z"}, "groups": []any{map[string]any{"value": "x"}},
	}).must(t, http.StatusOK)
	assert.Equal(t, id, r.str("id"))
	assert.Equal(t, "Chief", r.str("title"))
	assert.NotContains(t, r.body, "nickName")
	assert.NotContains(t, r.body, uriEnterprise)
	assert.Equal(t, []any{uriUser}, r.body["schemas"])
	assert.Equal(t, r.str("meta.version"), r.header.Get("ETag"))
	assert.NotEqual(t, v1, r.str("meta.version"))
	assert.Greater(t, r.str("meta.lastModified"), m1, "lastModified must advance although the clock did not")
	assert.Equal(t, testBase+"/Users/"+id, r.header.Get("Location"))
	assert.Equal(t, r.body, c.do("GET", "/Users/"+id, nil).body)

	// an identical PUT changes nothing
	v2 := r.str("meta.version")
	advance(time.Second)
	r = c.do("PUT", "/Users/"+id, user("put", "title", "Chief")).must(t, http.StatusOK)
	assert.Equal(t, v2, r.str("meta.version"))

	requireSCIMError(t, c.do("PUT", "/Users/"+id, map[string]any{"schemas": []any{uriUser}, "title": "x"}), http.StatusBadRequest, scimInvalidValue)
	requireSCIMError(t, c.do("PUT", "/Users/"+id, user("put", "active", "no")), http.StatusBadRequest, scimInvalidValue)
	requireSCIMError(t, c.do("PUT", "/Users/unknown", user("put")), http.StatusNotFound, "")
	assert.Equal(t, "Chief", c.do("GET", "/Users/"+id, nil).str("title"), "failed PUTs change nothing")
}

func TestUserRoundTripNonASCII(t *testing.T) {
	c := newClient(t)
	name := "Zoë Ångström 山田 🚀"
	r := c.do("POST", "/Users", user("zoë@例え.jp", "displayName", name, "name", map[string]any{"familyName": "<Ünïcödé & co>"})).must(t, http.StatusCreated)
	assert.Contains(t, r.raw, "<Ünïcödé & co>", "not escaped")
	g := c.do("GET", "/Users/"+r.str("id"), nil).must(t, http.StatusOK)
	assert.Equal(t, name, g.str("displayName"))
	assert.Equal(t, "zoë@例え.jp", g.str("userName"))
	l := c.do("GET", `/Users?filter=displayName+eq+%22Zo%C3%AB+%C3%85ngstr%C3%B6m+%E5%B1%B1%E7%94%B0+%F0%9F%9A%80%22`, nil).must(t, http.StatusOK)
	assert.Equal(t, []string{"zoë@例え.jp"}, l.names())
	l = c.do("GET", `/Users?filter=displayName+co+%22%5Cu00EB%22`, nil).must(t, http.StatusOK)
	assert.Equal(t, []string{"zoë@例え.jp"}, l.names(), "JSON escapes in filter strings are decoded")
}

func TestLastModifiedStrictlyIncreases(t *testing.T) {
	clock, _ := frozenClock()
	c := newClientOpts(t, Options{Now: clock})
	r := c.do("POST", "/Users", user("clock")).must(t, http.StatusCreated)
	id := r.str("id")
	prev, prevV := r.str("meta.lastModified"), r.str("meta.version")
	for i, body := range []map[string]any{
		patchBody(op("replace", "title", "a")),
		patchBody(op("replace", "title", "b")),
		patchBody(op("replace", "title", "c")),
	} {
		r := c.do("PATCH", "/Users/"+id, body).must(t, http.StatusOK)
		assert.Greater(t, r.str("meta.lastModified"), prev, "step %d", i)
		assert.NotEqual(t, prevV, r.str("meta.version"))
		assert.Equal(t, "2024-05-01T12:00:00.000Z", r.str("meta.created"))
		prev, prevV = r.str("meta.lastModified"), r.str("meta.version")
		g := c.do("GET", "/Users/"+id, nil)
		assert.Equal(t, prev, g.str("meta.lastModified"), "GET does not modify")
	}
}

func TestDuplicateValuesCollapsed(t *testing.T) {
	c := newClient(t)
	r := c.do("POST", "/Users", user("dupvals", "emails", []any{
		map[string]any{"value": "a@x.com", "type": "work"},
		map[string]any{"value": "A@X.com", "type": "Work", "primary": true},
		map[string]any{"value": "a@x.com", "type": "home"},
	})).must(t, http.StatusCreated)
	assert.Equal(t, []any{
		map[string]any{"value": "A@X.com", "type": "Work", "primary": true},
		map[string]any{"value": "a@x.com", "type": "home"},
	}, r.body["emails"], "RFC 7643 §2.4: a (type, value) pair is returned once")
	id := r.str("id")
	r = c.do("PATCH", "/Users/"+id, patchBody(op("add", "emails", []any{map[string]any{"value": "a@x.com", "type": "home", "display": "Home"}}))).must(t, http.StatusOK)
	assert.Equal(t, map[string]any{"value": "a@x.com", "type": "home", "display": "Home"}, r.get("emails.1"))
	assert.Len(t, r.body["emails"], 2)
	r = c.do("PATCH", "/Users/"+id, patchBody(op("replace", `emails[type eq "home"].type`, "work"))).must(t, http.StatusOK)
	assert.Len(t, r.body["emails"], 1)
}
