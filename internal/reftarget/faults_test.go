package reftarget

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// faultProbes checks, per fault, the behaviour the fault breaks: each probe
// reports whether the server behaved correctly.
var faultProbes = map[Fault]func(c *client) bool{
	FaultSPCNoSchemas: func(c *client) bool {
		r := c.do("GET", "/ServiceProviderConfig", nil)
		return r.code == 200 && assert.ObjectsAreEqual([]any{uriSPC}, r.body["schemas"])
	},
	FaultSPCNoAuthSchemes: func(c *client) bool {
		arr, _ := c.do("GET", "/ServiceProviderConfig", nil).body["authenticationSchemes"].([]any)
		return len(arr) > 0
	},
	FaultSchemaMissing: func(c *client) bool {
		listed := false
		for _, sc := range c.do("GET", "/Schemas", nil).resources() {
			listed = listed || sc["id"] == uriEnterprise
		}
		return listed && c.do("GET", "/Schemas/"+uriEnterprise, nil).code == 200
	},
	FaultSchemasListMessages: func(c *client) bool {
		for _, sc := range c.do("GET", "/Schemas", nil).resources() {
			if strings.Contains(sc["id"].(string), ":api:messages:") {
				return false
			}
		}
		return true
	},
	FaultDiscoveryWritable: func(c *client) bool {
		return c.do("POST", "/Schemas", map[string]any{}).code == 405 &&
			c.do("PUT", "/ServiceProviderConfig", map[string]any{}).code == 405 &&
			c.do("DELETE", "/ResourceTypes/User", nil).code == 405
	},
	FaultJSONContentType: func(c *client) bool {
		return c.do("GET", "/Users", nil).header.Get("Content-Type") == "application/scim+json"
	},
	FaultNoWWWAuthenticate: func(c *client) bool {
		c.token = ""
		r := c.do("GET", "/Users", nil)
		return r.code != 401 || strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer")
	},
	FaultAuthDisabled: func(c *client) bool {
		c.token = "wrong"
		ok := c.do("GET", "/Users", nil).code == 401
		c.token = ""
		return ok && c.do("GET", "/Users", nil).code == 401
	},
	FaultNoLocation: func(c *client) bool {
		r := c.do("POST", "/Users", user("loc"))
		return r.header.Get("Location") != "" && r.header.Get("Location") == r.str("meta.location")
	},
	FaultClientID: func(c *client) bool {
		r := c.do("POST", "/Users", user("cid", "id", "client-chosen"))
		return r.code == 201 && r.str("id") != "client-chosen"
	},
	FaultClientMeta: func(c *client) bool {
		r := c.do("POST", "/Users", user("cm", "meta", map[string]any{"created": "2000-01-01T00:00:00Z", "lastModified": "2000-01-01T00:00:00Z"}))
		return !strings.HasPrefix(r.str("meta.created"), "2000-") && !strings.HasPrefix(r.str("meta.lastModified"), "2000-")
	},
	FaultNoUniqueness: func(c *client) bool {
		c.do("POST", "/Users", user("dup"))
		r := c.do("POST", "/Users", user("dup"))
		return r.code == 409
	},
	FaultCaseSensitiveUserName: func(c *client) bool {
		c.do("POST", "/Users", user("casey"))
		if c.do("POST", "/Users", user("CASEY")).code != 409 {
			return false
		}
		return len(c.do("GET", "/Users?filter=userName+eq+%22CaSeY%22", nil).resources()) == 1
	},
	FaultPasswordReturned: func(c *client) bool {
		r := c.do("POST", "/Users", user("pw", "password", "s3cret"))
		g := c.do("GET", "/Users/"+r.str("id"), nil)
		l := c.do("GET", "/Users", nil)
		return !strings.Contains(r.raw+g.raw+l.raw, "s3cret") && !strings.Contains(r.raw+g.raw+l.raw, "password")
	},
	FaultNoUserNameAccepted: func(c *client) bool {
		return c.do("POST", "/Users", map[string]any{"schemas": []any{uriUser}, "displayName": "x"}).code == 400
	},
	FaultWrongTypeAccepted: func(c *client) bool {
		return c.do("POST", "/Users", user("wt", "active", "yes")).code == 400 &&
			c.do("POST", "/Users", map[string]any{"schemas": []any{uriUser}, "userName": 5}).code == 400 &&
			c.do("POST", "/Users", user("wt", "emails", map[string]any{"value": "x"})).code == 400
	},
	FaultExtensionDropped: func(c *client) bool {
		r := c.do("POST", "/Users", user("ext", uriEnterprise, map[string]any{"department": "D"}))
		g := c.do("GET", "/Users/"+r.str("id"), nil)
		return g.ent("department") == "D"
	},
	FaultNonASCIIMangled: func(c *client) bool {
		r := c.do("POST", "/Users", user("ascii", "displayName", "Zoë 山田"))
		return c.do("GET", "/Users/"+r.str("id"), nil).str("displayName") == "Zoë 山田"
	},
	FaultPutCreates: func(c *client) bool {
		return c.do("PUT", "/Users/not-there", user("pc")).code == 404 &&
			c.do("GET", "/Users/not-there", nil).code == 404
	},
	FaultPutKeepsOmitted: func(c *client) bool {
		id := c.createUser(user("pko", "title", "T"))
		c.do("PUT", "/Users/"+id, user("pko"))
		return c.do("GET", "/Users/"+id, nil).get("title") == nil
	},
	FaultPutIgnoresRequired: func(c *client) bool {
		id := c.createUser(user("pir"))
		return c.do("PUT", "/Users/"+id, map[string]any{"schemas": []any{uriUser}, "title": "x"}).code == 400
	},
	FaultStaleLastModified: func(c *client) bool {
		r := c.do("POST", "/Users", user("stale"))
		time.Sleep(2 * time.Millisecond)
		p := c.do("PATCH", "/Users/"+r.str("id"), patchBody(op("replace", "title", "x")))
		q := c.do("PUT", "/Users/"+r.str("id"), user("stale", "title", "y"))
		return p.str("meta.lastModified") > r.str("meta.lastModified") && p.str("meta.version") != r.str("meta.version") &&
			q.str("meta.lastModified") > p.str("meta.lastModified") && q.str("meta.version") != p.str("meta.version")
	},
	FaultSoftDelete: func(c *client) bool {
		id := c.createUser(user("soft"))
		c.do("DELETE", "/Users/"+id, nil)
		return c.do("GET", "/Users/"+id, nil).code == 404 && len(c.do("GET", "/Users", nil).resources()) == 0
	},
	FaultDeleteTwice: func(c *client) bool {
		id := c.createUser(user("twice"))
		c.do("DELETE", "/Users/"+id, nil)
		return c.do("DELETE", "/Users/"+id, nil).code == 404 && c.do("DELETE", "/Users/never", nil).code == 404
	},
	FaultNotFoundPlain: func(c *client) bool {
		r := c.do("GET", "/Users/nope", nil)
		return r.code == 404 && r.body != nil && assert.ObjectsAreEqual([]any{uriError}, r.body["schemas"])
	},
	FaultErrorStatusInt: func(c *client) bool {
		_, ok := c.do("GET", "/Users/nope", nil).body["status"].(string)
		return ok
	},
	FaultMalformedJSON500: func(c *client) bool {
		r := c.do("POST", "/Users", `{"userName":`)
		return r.code == 400 && r.body != nil && assert.ObjectsAreEqual([]any{uriError}, r.body["schemas"])
	},
	FaultNoScimType: func(c *client) bool {
		c.do("POST", "/Users", user("st"))
		return c.do("POST", "/Users", user("st")).body["scimType"] == scimUniqueness &&
			c.do("GET", "/Users?filter=bad", nil).body["scimType"] == scimInvalidFilter
	},
	FaultMissingSchemaURN: func(c *client) bool {
		id := c.createUser(user("msu"))
		return assert.ObjectsAreEqual([]any{uriUser}, c.do("GET", "/Users/"+id, nil).body["schemas"])
	},
	FaultCreatedAfterModified: func(c *client) bool {
		r := c.do("POST", "/Users", user("cam"))
		return r.str("meta.created") == r.str("meta.lastModified")
	},
	FaultBadDateTime: func(c *client) bool {
		r := c.do("POST", "/Users", user("bdt"))
		_, err1 := time.Parse(time.RFC3339Nano, r.str("meta.created"))
		_, err2 := time.Parse(time.RFC3339Nano, r.str("meta.lastModified"))
		return err1 == nil && err2 == nil
	},
	FaultIDNotStable: func(c *client) bool {
		id := c.createUser(user("ins"))
		return c.do("GET", "/Users/"+id, nil).str("id") == id
	},
	FaultUndeclaredAttribute: func(c *client) bool {
		r := c.do("POST", "/Users", user("ua"))
		_, bad := r.body["internalScore"]
		return !bad && !strings.Contains(c.do("GET", "/Users", nil).raw, "internalScore")
	},
	FaultFilterCaseSensitive: func(c *client) bool {
		c.createUser(user("Filtered"))
		return len(c.do("GET", "/Users?filter=userName+eq+%22fILTERED%22", nil).resources()) == 1
	},
	FaultPagingZeroBased: func(c *client) bool {
		c.createUser(user("p1"))
		c.createUser(user("p2"))
		r := c.do("GET", "/Users?startIndex=1&count=1", nil)
		return assert.ObjectsAreEqual([]string{"p1"}, r.names()) && r.body["startIndex"] == float64(1)
	},
	FaultSortIgnored: func(c *client) bool {
		c.createUser(user("b"))
		c.createUser(user("a"))
		return assert.ObjectsAreEqual([]string{"a", "b"}, c.do("GET", "/Users?sortBy=userName", nil).names()) &&
			assert.ObjectsAreEqual([]string{"b", "a"}, c.do("GET", "/Users?sortBy=userName&sortOrder=descending", nil).names())
	},
	FaultETagIgnored: func(c *client) bool {
		r := c.do("POST", "/Users", user("et"))
		id, v := r.str("id"), r.header.Get("ETag")
		c.do("PATCH", "/Users/"+id, patchBody(op("replace", "title", "x")))
		return c.do("PUT", "/Users/"+id, user("et"), "If-Match: "+v).code == 412 &&
			c.do("PATCH", "/Users/"+id, patchBody(op("replace", "title", "y")), "If-Match: "+v).code == 412
	},
	FaultPatchReplaceAppends: func(c *client) bool {
		id := c.createUser(user("pra", "emails", []any{map[string]any{"value": "old@x"}}))
		r := c.do("PATCH", "/Users/"+id, patchBody(op("replace", "emails", []any{map[string]any{"value": "new@x"}})))
		return assert.ObjectsAreEqual([]any{map[string]any{"value": "new@x"}}, r.body["emails"])
	},
	FaultPatchOpCaseSensitive: func(c *client) bool {
		id := c.createUser(user("pocs"))
		r := c.do("PATCH", "/Users/"+id, patchBody(op("Replace", "displayName", "Capitalised")))
		return r.code == 200 && r.str("displayName") == "Capitalised"
	},
	FaultPatchRemoveNoPath: func(c *client) bool {
		id := c.createUser(user("prnp", "nickName", "Babs"))
		return c.do("PATCH", "/Users/"+id, patchBody(op("remove", "", nil))).code == 400
	},
	FaultPatchFilterIgnored: func(c *client) bool {
		id := c.createUser(user("pfi", "emails", []any{
			map[string]any{"value": "a@x", "type": "work"}, map[string]any{"value": "b@x", "type": "home"}}))
		c.do("PATCH", "/Users/"+id, patchBody(op("replace", `emails[type eq "work"].value`, "c@x")))
		g := c.do("GET", "/Users/"+id, nil)
		return g.str("emails.0.value") == "c@x" && g.str("emails.1.value") == "b@x"
	},
	FaultPatchNotAtomic: func(c *client) bool {
		id := c.createUser(user("pna"))
		r := c.do("PATCH", "/Users/"+id, patchBody(op("replace", "displayName", "changed"),
			op("replace", `emails[type eq "work"].value`, "a@x")))
		return r.code == 400 && c.do("GET", "/Users/"+id, nil).get("displayName") == nil
	},
	FaultPatchPrimaryNotUnique: func(c *client) bool {
		id := c.createUser(user("ppnu", "emails", []any{map[string]any{"value": "a@x", "primary": true}}))
		c.do("PATCH", "/Users/"+id, patchBody(op("add", "emails", []any{map[string]any{"value": "b@x", "primary": true}})))
		g := c.do("GET", "/Users/"+id, nil)
		return g.get("emails.0.primary") == false && g.get("emails.1.primary") == true
	},
	FaultPatchReadOnlyAccepted: func(c *client) bool {
		id := c.createUser(user("proa"))
		return c.do("PATCH", "/Users/"+id, patchBody(op("add", "groups", []any{map[string]any{"value": "g"}}))).code == 400 &&
			c.do("PATCH", "/Users/"+id, patchBody(op("remove", "id", nil))).code == 400
	},
	FaultSPCPatchUnadvertised: func(c *client) bool {
		return c.do("GET", "/ServiceProviderConfig", nil).get("patch.supported") == true
	},
	FaultMemberLeftAfterDelete: func(c *client) bool {
		uid := c.createUser(user("mlad"))
		gid := c.createGroup(group("g", uid))
		c.do("DELETE", "/Users/"+uid, nil)
		return c.do("GET", "/Groups/"+gid, nil).get("members") == nil
	},
	FaultBulkNoBulkID: func(c *client) bool {
		r := c.do("POST", "/Bulk", bulk(0,
			bop("POST", "/Users", "u", user("bulky")),
			bop("POST", "/Groups", "g", group("bulkies", "bulkId:u"))))
		ops := bulkOps(r)
		if len(ops) != 2 || ops[1]["status"] != "201" {
			return false
		}
		g := c.do("GET", strings.TrimPrefix(ops[1]["location"].(string), testBase), nil)
		return g.get("members.0.value") == strings.TrimPrefix(ops[0]["location"].(string), testBase+"/Users/")
	},
	FaultUniquenessRace: func(c *client) bool {
		// Several rounds: on a loaded machine one round's goroutines may
		// happen not to overlap; the race shows in one of them.
		for i := range 5 {
			if concurrentCreates(c, 20, fmt.Sprintf("race-%d", i))[http.StatusCreated] != 1 {
				return false
			}
		}
		return true
	},
	FaultFilterCacheStale: func(c *client) bool {
		id := c.createUser(user("cached"))
		q := "/Users?filter=" + url.QueryEscape(`userName eq "cached"`)
		if len(c.do("GET", q, nil).resources()) != 1 {
			return false
		}
		c.do("PATCH", "/Users/"+id, patchBody(op("replace", "userName", "renamed")))
		return len(c.do("GET", q, nil).resources()) == 0
	},
	FaultPatchAfterPutClears: func(c *client) bool {
		id := c.createUser(user("put-then-patch", "title", "Boss"))
		c.do("PUT", "/Users/"+id, user("put-then-patch", "title", "Chief"))
		r := c.do("PATCH", "/Users/"+id, patchBody(op("replace", "nickName", "Bo")))
		return r.code == 200 && r.str("title") == "Chief" && r.str("nickName") == "Bo"
	},
	FaultDeletedStillFiltered: func(c *client) bool {
		id := c.createUser(user("ghost", "title", "Haunting"))
		c.do("DELETE", "/Users/"+id, nil)
		q := "/Users?filter=" + url.QueryEscape(`title eq "Haunting"`)
		return len(c.do("GET", q, nil).resources()) == 0
	},
	FaultProjectionIgnored: func(c *client) bool {
		id := c.createUser(user("proj", "title", "T"))
		g := c.do("GET", "/Users/"+id+"?attributes=userName", nil)
		e := c.do("GET", "/Users/"+id+"?excludedAttributes=title", nil)
		return g.get("title") == nil && g.get("meta") == nil && e.get("title") == nil
	},
	FaultUserNameNotPrepared: func(c *client) bool {
		c.createUser(user("n\u00e9e"))
		return c.do("POST", "/Users", user("ne\u0301e")).code == http.StatusConflict
	},
	FaultMemberReaddDropped: func(c *client) bool {
		uid := c.createUser(user("readd"))
		gid := c.createGroup(group("readd", uid))
		c.do("PATCH", "/Groups/"+gid, patchBody(op("remove", `members[value eq "`+uid+`"]`, nil)))
		c.do("PATCH", "/Groups/"+gid, patchBody(op("add", "members", []any{map[string]any{"value": uid}})))
		return c.do("GET", "/Groups/"+gid, nil).str("members.0.value") == uid
	},
	FaultThrottleNoRetryAfter: func(c *client) bool {
		for range 20 {
			if r := c.do("GET", "/ServiceProviderConfig", nil); r.code == http.StatusTooManyRequests && r.header.Get("Retry-After") == "" {
				return false
			}
		}
		return true
	},
	FaultUnknownParam400: func(c *client) bool {
		return c.do("GET", "/Users?pcUnknown=1", nil).code == http.StatusOK
	},
	FaultContentLocationOff: func(c *client) bool {
		r := c.do("POST", "/Users", user("cl"))
		return r.header.Get("Content-Location") == r.str("meta.location")
	},
	FaultSimpleSubAttributes: func(c *client) bool {
		for _, a := range c.do("GET", "/Schemas/"+uriUser, nil).body["attributes"].([]any) {
			if m := a.(map[string]any); m["name"] == "userName" && m["subAttributes"] != nil {
				return false
			}
		}
		return true
	},
	FaultDeletedNameConflict: func(c *client) bool {
		id := c.createUser(user("again"))
		c.do("DELETE", "/Users/"+id, nil)
		return c.do("POST", "/Users", user("again")).code == http.StatusCreated
	},
	FaultSchemasDuplicated: func(c *client) bool {
		id := c.createUser(user("schemas"))
		seen := map[any]bool{}
		for _, s := range c.do("GET", "/Users/"+id, nil).body["schemas"].([]any) {
			if seen[s] {
				return false
			}
			seen[s] = true
		}
		return true
	},
	FaultExternalIDInvented: func(c *client) bool {
		id := c.createUser(user("noext"))
		return c.do("GET", "/Users/"+id, nil).body["externalId"] == nil
	},
	FaultPatchAddNoValue: func(c *client) bool {
		id := c.createUser(user("novalue"))
		return c.do("PATCH", "/Users/"+id, patchBody(op("add", "nickName", nil))).code == http.StatusBadRequest
	},
	FaultDefaultNotStored: func(c *client) bool {
		c.createUser(user("defaulted"))
		return len(c.do("GET", "/Users?filter="+url.QueryEscape(`userName eq "defaulted" and active eq true`), nil).resources()) == 1
	},
	FaultAnyVersion: func(c *client) bool {
		req := httptest.NewRequest("GET", "http://reftarget.test/scim/v99/ServiceProviderConfig", nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		rec := httptest.NewRecorder()
		c.s.ServeHTTP(rec, req)
		return rec.Code == http.StatusNotFound
	},
	FaultInactiveHidden: func(c *client) bool {
		c.createUser(user("sleeper", "active", false))
		return len(c.do("GET", "/Users?filter="+url.QueryEscape(`userName eq "sleeper"`), nil).resources()) == 1
	},
	FaultRestatedIDRejected: func(c *client) bool {
		gid := c.createGroup(group("okta-pushed"))
		r := c.do("PATCH", "/Groups/"+gid, patchBody(op("replace", "", map[string]any{"id": gid, "displayName": "renamed"})))
		return r.code == 200 && r.str("displayName") == "renamed"
	},
	FaultPutRejectsReadOnly: func(c *client) bool {
		id := c.createUser(user("okta-put"))
		r := c.do("PUT", "/Users/"+id, user("okta-put", "id", id, "groups", []any{}, "meta", map[string]any{"resourceType": "User"}))
		return r.code == 200
	},
	FaultPathKeysIgnored: func(c *client) bool {
		id := c.createUser(user("entra-keys", "name", map[string]any{"givenName": "A"}))
		c.do("PATCH", "/Users/"+id, patchBody(op("replace", "", map[string]any{"name.givenName": "B"})))
		return c.do("GET", "/Users/"+id, nil).str("name.givenName") == "B"
	},
	FaultRemoveValueListAll: func(c *client) bool {
		a, b := c.createUser(user("rv-a")), c.createUser(user("rv-b"))
		gid := c.createGroup(group("rv", a, b))
		c.do("PATCH", "/Groups/"+gid, patchBody(op("remove", "members", []any{map[string]any{"value": a}})))
		return c.do("GET", "/Groups/"+gid, nil).str("members.0.value") == b
	},
	FaultProjectionDropsAlways: func(c *client) bool {
		id := c.createUser(user("pda"))
		return c.do("GET", "/Users/"+id+"?excludedAttributes=id", nil).get("id") != nil
	},
	FaultProjectionNever: func(c *client) bool {
		id := c.createUser(user("pn", "password", "n3ver"))
		g := c.do("GET", "/Users/"+id+"?attributes=userName,password", nil)
		l := c.do("GET", "/Users?attributes=password", nil)
		return !strings.Contains(g.raw+l.raw, "n3ver")
	},
	FaultETagHeaderMismatch: func(c *client) bool {
		r := c.do("POST", "/Users", user("ehm"))
		g := c.do("GET", "/Users/"+r.str("id"), nil)
		return r.header.Get("ETag") == r.str("meta.version") && g.header.Get("ETag") == g.str("meta.version")
	},
	FaultIfNoneMatchIgnored: func(c *client) bool {
		r := c.do("POST", "/Users", user("inm"))
		return c.do("GET", "/Users/"+r.str("id"), nil, "If-None-Match: "+r.str("meta.version")).code == http.StatusNotModified
	},
	FaultSearchCreated: func(c *client) bool {
		c.createUser(user("sc"))
		r := c.do("POST", "/Users/.search", map[string]any{"schemas": []any{uriSearchRequest}, "filter": `userName eq "sc"`})
		return r.code == http.StatusOK && len(r.resources()) == 1
	},
	FaultMe500: func(c *client) bool {
		return c.do("GET", "/Me", nil).code == http.StatusNotImplemented
	},
	FaultGroupRemoveFilterAll: func(c *client) bool {
		u1, u2 := c.createUser(user("rf1")), c.createUser(user("rf2"))
		gid := c.createGroup(group("rf", u1, u2))
		r := c.do("PATCH", "/Groups/"+gid, patchBody(op("remove", `members[value eq "`+u1+`"]`, nil)))
		members, _ := r.body["members"].([]any)
		return r.code == http.StatusOK && len(members) == 1 && r.get("members.0.value") == u2
	},
	FaultGroupDuplicateMember: func(c *client) bool {
		uid := c.createUser(user("dup"))
		gid := c.createGroup(group("dup", uid))
		r := c.do("PATCH", "/Groups/"+gid, patchBody(op("add", "members", []any{map[string]any{"value": uid}})))
		members, _ := r.body["members"].([]any)
		return r.code == http.StatusOK && len(members) == 1
	},
	FaultGroupExcludedMembers: func(c *client) bool {
		gid := c.createGroup(group("ex", c.createUser(user("ex"))))
		r := c.do("GET", "/Groups/"+gid+"?excludedAttributes=members", nil)
		return r.code == http.StatusOK && r.body["members"] == nil && r.body["displayName"] == "ex"
	},
	FaultGroupAddFirstMemberOnly: func(c *client) bool {
		u1, u2 := c.createUser(user("af1")), c.createUser(user("af2"))
		gid := c.createGroup(group("af"))
		r := c.do("PATCH", "/Groups/"+gid, patchBody(op("add", "members", group("", u1, u2)["members"])))
		members, _ := r.body["members"].([]any)
		return r.code == http.StatusOK && len(members) == 2
	},
	FaultGroupMemberRefWrong: func(c *client) bool {
		uid := c.createUser(user("ref"))
		return c.do("POST", "/Groups", group("ref", uid)).get("members.0.$ref") == testBase+"/Users/"+uid
	},
	FaultBulkFailOnErrorsIgnored: func(c *client) bool {
		r := c.do("POST", "/Bulk", bulk(1,
			bop("POST", "/Groups", "bad", map[string]any{"schemas": []any{uriGroup}}),
			bop("POST", "/Users", "after", user("foe"))))
		return r.code == http.StatusOK && len(bulkOps(r)) == 1
	},
	FaultBulk413Plain: func(c *client) bool {
		r := c.do("POST", "/Bulk", bulk(0, bop("POST", "/Users", "big", user("big", "displayName", strings.Repeat("x", 1<<20)))))
		return r.code == http.StatusRequestEntityTooLarge && assert.ObjectsAreEqual([]any{uriError}, r.body["schemas"])
	},
	FaultBulkMaxOpsIgnored: func(c *client) bool {
		ops := make([]map[string]any, 101)
		for i := range ops {
			ops[i] = bop("POST", "/Groups", "g"+strconv.Itoa(i), map[string]any{"schemas": []any{uriGroup}})
		}
		return c.do("POST", "/Bulk", bulk(0, ops...)).code == http.StatusRequestEntityTooLarge
	},
	FaultBulkNoBulkIDEcho: func(c *client) bool {
		ops := bulkOps(c.do("POST", "/Bulk", bulk(0, bop("POST", "/Users", "echo", user("echo")))))
		return len(ops) == 1 && ops[0]["bulkId"] == "echo"
	},
	FaultBulkErrorNoResponse: func(c *client) bool {
		ops := bulkOps(c.do("POST", "/Bulk", bulk(0, bop("POST", "/Groups", "bad", map[string]any{"schemas": []any{uriGroup}}))))
		return len(ops) == 1 && ops[0]["status"] == "400" && ops[0]["response"] != nil
	},
	FaultFilterOpCaseSensitive: func(c *client) bool {
		c.createUser(user("op"))
		r := c.do("GET", "/Users?filter="+url.QueryEscape(`userName EQ "op" AND title PR or userName Eq "op"`), nil)
		return r.code == 200 && assert.ObjectsAreEqual([]string{"op"}, r.names())
	},
	FaultFilterNoMatch404: func(c *client) bool {
		r := c.do("GET", "/Users?filter="+url.QueryEscape(`userName eq "nobody"`), nil)
		return r.code == 200 && r.body["totalResults"] == float64(0)
	},
	FaultFilterTotalUnfiltered: func(c *client) bool {
		c.createUser(user("t1"))
		c.createUser(user("t2"))
		r := c.do("GET", "/Users?count=1&filter="+url.QueryEscape(`userName sw "t"`), nil)
		return r.body["totalResults"] == float64(2) &&
			c.do("GET", "/Users?filter="+url.QueryEscape(`userName eq "t1"`), nil).body["totalResults"] == float64(1)
	},
	FaultFilterPresentEmpty: func(c *client) bool {
		c.createUser(user("pe", "title", ""))
		c.createUser(user("pf", "title", "T"))
		return assert.ObjectsAreEqual([]string{"pf"}, c.do("GET", "/Users?filter="+url.QueryEscape("title pr"), nil).names())
	},
	FaultPageCountZeroIgnored: func(c *client) bool {
		c.createUser(user("c0"))
		for _, n := range []string{"0", "-3"} {
			r := c.do("GET", "/Users?count="+n, nil)
			if len(r.resources()) != 0 || r.body["totalResults"] != float64(1) {
				return false
			}
		}
		return true
	},
	FaultSortDescendingIgnored: func(c *client) bool {
		c.createUser(user("a"))
		c.createUser(user("c"))
		c.createUser(user("b"))
		return assert.ObjectsAreEqual([]string{"c", "b", "a"}, c.do("GET", "/Users?sortBy=userName&sortOrder=descending", nil).names())
	},
	FaultJITMatchOnEmail: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		victim, _ := login(c.t, c.s, "p-victim", AttrEmail, "v@example.com")
		again, code := login(c.t, c.s, "p-attacker", AttrEmail, "v@example.com")
		return victim.whoamiID() != "" && (code != 303 || again.whoamiID() != victim.whoamiID())
	},
	FaultJITDuplicateOnLogin: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		first, _ := login(c.t, c.s, "p-dup", AttrEmail, "d@example.com")
		second, _ := login(c.t, c.s, "p-dup", AttrEmail, "d@example.com")
		return first.whoamiID() != "" && first.whoamiID() == second.whoamiID() && userCount(c.s) == 1
	},
	FaultJITIgnoresInactive: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		b, _ := login(c.t, c.s, "p-inactive", AttrEmail, "i@example.com")
		id := b.whoamiID()
		c.do("PATCH", "/Users/"+id, patchBody(op("replace", "active", false)))
		again, code := login(c.t, c.s, "p-inactive", AttrEmail, "i@example.com")
		return id != "" && code == 403 && again.whoamiID() == ""
	},
	FaultJITNoSync: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		login(c.t, c.s, "p-sync", AttrEmail, "old@example.com")
		b, _ := login(c.t, c.s, "p-sync", AttrEmail, "new@example.com")
		who, _ := b.whoami()
		return who["email"] == "new@example.com"
	},
	FaultJITCreateRace: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		var encoded []string
		for range 6 {
			encoded = append(encoded, signedResponse(c.t, assertion{nameID: "p-race", attrs: [][2]string{{AttrEmail, "r@example.com"}}}))
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		for _, enc := range encoded {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				newBrowser(c.t, c.s).post(enc)
			}()
		}
		close(start)
		wg.Wait()
		return userCount(c.s) == 1
	},
	FaultJITIgnoresExternalID: func(c *client) bool {
		trustTestIdP(c.t, c.s)
		id := c.createUser(user("p-scim", "externalId", "p-ext"))
		b, _ := login(c.t, c.s, "p-ext", AttrEmail, "e@example.com")
		return b.whoamiID() == id && userCount(c.s) == 1
	},
	FaultRacePatchLostUpdate: func(c *client) bool {
		ids := make([]string, 10)
		for i := range ids {
			ids[i] = c.createUser(user("lost" + strconv.Itoa(i)))
		}
		gid := c.createGroup(group("lost"))
		raceParallel(len(ids), func(i int) {
			c.do("PATCH", "/Groups/"+gid, patchBody(op("add", "members", []any{map[string]any{"value": ids[i]}})))
		})
		members, _ := c.do("GET", "/Groups/"+gid, nil).body["members"].([]any)
		return len(members) == len(ids)
	},
	FaultIfMatchRace: func(c *client) bool {
		r := c.do("POST", "/Users", user("imr"))
		id, v := r.str("id"), r.str("meta.version")
		var mu sync.Mutex
		ok := 0
		raceParallel(10, func(i int) {
			if c.do("PUT", "/Users/"+id, user("imr", "title", strconv.Itoa(i)), "If-Match: "+v).code == http.StatusOK {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		})
		return ok == 1
	},
	FaultRobustDeepNesting500: func(c *client) bool {
		deep := strings.Repeat("[", 1500) + strings.Repeat("]", 1500)
		r := c.do("POST", "/Users", `{"schemas":["`+uriUser+`"],"userName":"deep","unknownDeep":`+deep+`}`)
		return r.code == http.StatusCreated
	},
	FaultRobustUserNameType500: func(c *client) bool {
		return c.do("POST", "/Users", map[string]any{"schemas": []any{uriUser}, "userName": []any{"a"}}).code == 400 &&
			c.do("POST", "/Users", map[string]any{"schemas": []any{uriUser}, "userName": map[string]any{"value": "a"}}).code == 400
	},
	FaultRobustContentType500: func(c *client) bool {
		r := c.do("POST", "/Users", `{"schemas":["`+uriUser+`"],"userName":"ct"}`, "Content-Type: text/plain")
		return r.code == http.StatusUnsupportedMediaType && r.body != nil && assert.ObjectsAreEqual([]any{uriError}, r.body["schemas"])
	},
	FaultRobustNULDrop: func(c *client) (answered bool) {
		defer func() {
			if p := recover(); p != nil {
				answered = false // the handler aborted: the connection is dropped
			}
		}()
		return c.do("POST", "/Users", user("nul", "displayName", "a\x00b")).code == http.StatusCreated
	},
	FaultRobustPatchPath500: func(c *client) bool {
		id := c.createUser(user("ppb"))
		return c.do("PATCH", "/Users/"+id, patchBody(op("replace", `emails[type eq "work"`, "x"))).code == 400 &&
			c.do("PATCH", "/Users/"+id, patchBody(op("replace", `userName]`, "x"))).code == 400
	},
}

// raceParallel runs f(0) … f(n-1) at once, each in its own goroutine, released
// together, and waits for all.
func raceParallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f(i)
		}()
	}
	close(start)
	wg.Wait()
}

func TestFaults(t *testing.T) {
	for _, fi := range Faults() {
		t.Run(string(fi.Fault), func(t *testing.T) {
			probe, ok := faultProbes[fi.Fault]
			require.True(t, ok, "no probe for fault %s", fi.Fault)
			assert.True(t, probe(newClient(t)), "the correct server fails the probe")
			assert.False(t, probe(newClient(t, fi.Fault)), "the probe does not notice fault %s", fi.Fault)
		})
	}
}

// TestFaultsAreTargeted runs every probe against a server with one fault and
// checks that only the probes of that fault (and of faults with the same
// symptom) fail. It asks which fault breaks which probe, a question the
// race detector adds nothing to but several minutes of CI: under -race it
// is skipped, and the test command runs it once more without (README).
func TestFaultsAreTargeted(t *testing.T) {
	if raceDetector {
		t.Skip("every probe against every fault runs without the race detector (go test -run TestFaultsAreTargeted ./internal/reftarget); TestFaults runs each probe under it")
	}
	// faults whose symptom another fault's probe also observes
	overlaps := map[Fault][]Fault{
		FaultCaseSensitiveUserName: {FaultFilterCaseSensitive, FaultNoUniqueness},
		FaultFilterCaseSensitive:   {FaultCaseSensitiveUserName},
		FaultNoUniqueness:          {FaultCaseSensitiveUserName, FaultUniquenessRace, FaultNoScimType, FaultUserNameNotPrepared},
		FaultNonASCIIMangled:       {FaultUserNameNotPrepared},
		FaultUniquenessRace:        {},
		FaultNotFoundPlain:         {FaultErrorStatusInt},
		FaultErrorStatusInt:        {FaultNotFoundPlain},
		FaultAuthDisabled:          {FaultNoWWWAuthenticate},
		FaultSoftDelete:            {FaultMemberLeftAfterDelete, FaultDeleteTwice, FaultDeletedNameConflict, FaultDeletedStillFiltered},
		FaultSchemasDuplicated:     {FaultMissingSchemaURN},
		FaultPutKeepsOmitted:       {FaultPutIgnoresRequired},
		FaultBadDateTime:           {FaultStaleLastModified},
		FaultProjectionIgnored:     {FaultGroupExcludedMembers},
		FaultPasswordReturned:      {FaultProjectionNever},
		FaultPatchFilterIgnored:    {FaultGroupRemoveFilterAll},
		FaultPutCreates:            {},
		FaultBulkNoBulkID:          {},
		FaultSortDescendingIgnored: {FaultSortIgnored},
		FaultSortIgnored:           {FaultSortDescendingIgnored},
		FaultJITDuplicateOnLogin:   {FaultJITIgnoresExternalID, FaultJITIgnoresInactive, FaultJITCreateRace},
		FaultWrongTypeAccepted:     {FaultRobustUserNameType500},
		FaultStaleLastModified:     {FaultETagIgnored, FaultIfMatchRace},
		FaultETagIgnored:           {FaultIfMatchRace},
	}
	for _, fi := range Faults() {
		t.Run(string(fi.Fault), func(t *testing.T) {
			t.Parallel() // every probe against every fault: the slowest test here
			for _, other := range Faults() {
				if other.Fault == fi.Fault {
					continue
				}
				allowed := false
				for _, o := range append(overlaps[fi.Fault], jitOverlaps[fi.Fault]...) {
					allowed = allowed || o == other.Fault
				}
				if allowed {
					continue
				}
				assert.True(t, faultProbes[other.Fault](newClient(t, fi.Fault)),
					"fault %s also breaks the probe of %s", fi.Fault, other.Fault)
			}
		})
	}
}

func TestFaultList(t *testing.T) {
	all := Faults()
	assert.Len(t, all, len(faultProbes), "every fault has a probe")
	seen := map[Fault]bool{}
	for _, fi := range all {
		assert.False(t, seen[fi.Fault], "duplicate %s", fi.Fault)
		seen[fi.Fault] = true
		assert.NotEmpty(t, fi.Description)
		assert.Equal(t, fi.Description, fi.Fault.Description())
		assert.Regexp(t, `^[a-z0-9]+(-[a-z0-9]+)*$`, string(fi.Fault))
		f, err := ParseFault(" " + strings.ToUpper(string(fi.Fault)) + " ")
		require.NoError(t, err)
		assert.Equal(t, fi.Fault, f)
	}
	_, err := ParseFault("nope")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spc-no-schemas")
	assert.Contains(t, err.Error(), "projection-ignored")
	all[0].Description = "changed"
	assert.NotEqual(t, "changed", Faults()[0].Description, "Faults returns a copy")
	s := New(Options{Faults: []Fault{FaultSortIgnored, FaultAuthDisabled}})
	assert.Equal(t, []Fault{FaultAuthDisabled, FaultSortIgnored}, s.Faults())
}
