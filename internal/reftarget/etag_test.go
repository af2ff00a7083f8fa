package reftarget

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestETags(t *testing.T) {
	c := newClient(t)
	r := c.do("POST", "/Users", user("etag")).must(t, http.StatusCreated)
	id, v1 := r.str("id"), r.header.Get("ETag")
	assert.True(t, strings.HasPrefix(v1, `W/"`))

	// conditional GET
	nm := c.do("GET", "/Users/"+id, nil, "If-None-Match: "+v1).must(t, http.StatusNotModified)
	assert.Empty(t, nm.raw)
	assert.Equal(t, v1, nm.header.Get("ETag"))
	c.do("GET", "/Users/"+id, nil, "If-None-Match: *").must(t, http.StatusNotModified)
	c.do("GET", "/Users/"+id, nil, `If-None-Match: W/"other", `+v1).must(t, http.StatusNotModified)
	c.do("GET", "/Users/"+id, nil, `If-None-Match: W/"other"`).must(t, http.StatusOK)

	// If-Match on PUT, PATCH and DELETE
	r = c.do("PUT", "/Users/"+id, user("etag", "title", "a"), "If-Match: "+v1).must(t, http.StatusOK)
	v2 := r.header.Get("ETag")
	assert.NotEqual(t, v1, v2)
	requireSCIMError(t, c.do("PUT", "/Users/"+id, user("etag", "title", "b"), "If-Match: "+v1), http.StatusPreconditionFailed, "")
	requireSCIMError(t, c.do("PATCH", "/Users/"+id, patchBody(op("replace", "title", "b")), "If-Match: "+v1), http.StatusPreconditionFailed, "")
	requireSCIMError(t, c.do("DELETE", "/Users/"+id, nil, "If-Match: "+v1), http.StatusPreconditionFailed, "")
	assert.Equal(t, "a", c.do("GET", "/Users/"+id, nil).str("title"))
	// the strong form of the same tag and "*" match too
	r = c.do("PATCH", "/Users/"+id, patchBody(op("replace", "title", "b")), "If-Match: "+strings.TrimPrefix(v2, "W/")).must(t, http.StatusOK)
	v3 := r.header.Get("ETag")
	c.do("PATCH", "/Users/"+id, patchBody(op("replace", "title", "c")), "If-Match: *").must(t, http.StatusOK)
	requireSCIMError(t, c.do("DELETE", "/Users/"+id, nil, "If-Match: "+v3), http.StatusPreconditionFailed, "")
	cur := c.do("GET", "/Users/"+id, nil).header.Get("ETag")
	c.do("DELETE", "/Users/"+id, nil, "If-Match: "+cur).must(t, http.StatusNoContent)
	// a missing resource is 404 whatever the precondition
	requireSCIMError(t, c.do("DELETE", "/Users/"+id, nil, "If-Match: *"), http.StatusNotFound, "")
}
