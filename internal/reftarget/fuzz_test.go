package reftarget

import (
	"net/http"
	"net/url"
	"testing"
)

// The fuzz targets check that no input makes the server answer 5xx. Their
// seeds run with every go test; run them with -fuzz to explore.

func fuzzClient(t *testing.T, faults ...Fault) (*client, string, string) {
	c := newClient(t, faults...)
	uid := c.createUser(user("fuzz", "emails", []any{map[string]any{"value": "a@x", "type": "work", "primary": true}},
		uriEnterprise, map[string]any{"department": "D"}))
	gid := c.createGroup(group("fuzzers", uid))
	return c, uid, gid
}

func FuzzFilter(f *testing.F) {
	for _, s := range []string{
		`userName eq "x"`, `emails[type eq "work" and value co "@"]`, `not (a pr) or b gt 1`,
		`meta.lastModified gt "2011-05-13T04:42:34Z"`, `members[value eq "x"]`, `a eq "\u00e9"`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department sw "D"`, `x[`, `]`, `"`, `((`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, filter string) {
		c, _, _ := fuzzClient(t)
		for _, path := range []string{"/Users", "/Groups", ""} {
			if r := c.do("GET", path+"?filter="+url.QueryEscape(filter)+"&sortBy="+url.QueryEscape(filter), nil); r.code >= 500 {
				t.Fatalf("%s: %d %s", filter, r.code, r.raw)
			}
		}
		p := c.do("PATCH", "/Users/x", patchBody(op("remove", filter, nil)))
		if p.code >= 500 {
			t.Fatalf("%s: %d %s", filter, p.code, p.raw)
		}
	})
}

func FuzzBodies(f *testing.F) {
	for _, s := range []string{
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u"}`,
		`{"userName":"u","emails":[{"value":1}],"name":{"givenName":[]}}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"emails[type eq \"x\"].value","value":"v"}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"m"}}}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Groups","bulkId":"a","data":{"displayName":"g","members":[{"value":"bulkId:a"}]}}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName pr","count":-1}`,
		`{"displayName":"g","members":[{"value":null},{}]}`,
		`[]`, `null`, `{"a":`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, faults := range [][]Fault{nil, {FaultWrongTypeAccepted}} {
			c, uid, gid := fuzzClient(t, faults...)
			for _, req := range []struct{ method, path string }{
				{"POST", "/Users"}, {"POST", "/Groups"}, {"PUT", "/Users/" + uid}, {"PUT", "/Groups/" + gid},
				{"PATCH", "/Users/" + uid}, {"PATCH", "/Groups/" + gid}, {"POST", "/Bulk"}, {"POST", "/.search"},
				{"GET", "/Users"}, {"GET", "/Groups"},
			} {
				if r := c.do(req.method, req.path, body); r.code >= http.StatusInternalServerError {
					t.Fatalf("%s %s %q: %d %s", req.method, req.path, body, r.code, r.raw)
				}
			}
		}
	})
}
