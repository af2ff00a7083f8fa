package scim

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// The steps of the IdP dialect packs (entra.go, okta.go). Each step plays
// one part of an IdP's provisioning cycle with the requests shaped as that
// IdP's client shapes them (mockidp.Provisioner, which cites the vendor's
// documentation), and checks what became of the account.

// dialectProvisioner returns the request builder of dialect d for this
// target's endpoints; users carry the enterprise extension when the target
// declares it.
func dialectProvisioner(t *suites.T, d mockidp.Dialect) mockidp.Provisioner {
	e := Session(t)
	p := mockidp.NewProvisioner(d)
	p.Users, p.Groups = e.Disc.Endpoint(URNUser), e.Disc.Endpoint(URNGroup)
	p.Enterprise, _ = e.Disc.Has(suites.CapEnterpriseUser)
	return p
}

// dialectSend sends one IdP request, saying in the log which step of the
// IdP it is and where its shape comes from, and adopts what it creates.
func dialectSend(t *suites.T, r mockidp.SCIMRequest) *target.Response {
	t.Logf("%s: %s %s", r.Step, r.Method, r.Path)
	req := target.Request{Method: r.Method, Path: r.Path, Query: r.Query}
	if r.Body != nil {
		req.Body = r.Body
	}
	resp := do(t, req)
	if r.Method == "POST" {
		urn := URNUser
		if r.Path == Session(t).Disc.Endpoint(URNGroup) {
			urn = URNGroup
		}
		adopt(t, urn, resp)
	}
	return resp
}

// dialectPerson returns a fresh account as an IdP holds it.
func dialectPerson(t *suites.T, d mockidp.Dialect) mockidp.Person {
	e := Session(t)
	name := e.Name("pc-" + string(d))
	return mockidp.Person{
		UserName: name, ExternalID: e.Name("pc-ext"),
		GivenName: "Ada", FamilyName: "Lovelace", DisplayName: "Ada Lovelace",
		Email: strings.ToLower(name) + "@example.com", Active: true,
		Department: "Engineering", EmployeeNumber: "100042", Password: "pc-Secret-" + name,
	}
}

// dialectLookup sends a lookup and returns the resources it found, stopping
// the check unless the answer is 200 with a ListResponse.
func dialectLookup(t *suites.T, r mockidp.SCIMRequest) []Obj {
	return dialectListed(t, r, dialectSend(t, r))
}

// dialectListed is the Resources of the answer resp to the lookup r,
// stopping the check unless it is 200 with a ListResponse.
func dialectListed(t *suites.T, r mockidp.SCIMRequest, resp *target.Response) []Obj {
	if resp.Status != 200 {
		t.Fatalf("%s: %s; the IdP expects 200 with a ListResponse%s", r.Step, line(resp), bodyHint(resp))
	}
	o := object(t, resp)
	if !hasString(o.Strs("schemas"), URNList) {
		t.Errorf("%s: \"schemas\" is %s; expected %s", r.Step, compact(o.Get("schemas")), URNList)
	}
	if !isInteger(o.Get("totalResults")) {
		t.Errorf("%s: \"totalResults\" is %s; a ListResponse REQUIRES it as an integer (RFC 7644 §3.4.2)", r.Step, compact(o.Get("totalResults")))
	}
	return o.Objs("Resources")
}

// dialectCreateUser provisions a person the dialect's way (look up, then
// create) and returns the created user's id.
func dialectCreateUser(t *suites.T, p mockidp.Provisioner, u mockidp.Person) string {
	return dialectCreate(t, p.LookupUser("userName", u.UserName), p.CreateUser(u), "user")
}

// dialectCreateGroup pushes a group the dialect's way and returns its id.
func dialectCreateGroup(t *suites.T, p mockidp.Provisioner, name string) string {
	return dialectCreate(t, p.LookupGroup(name), p.CreateGroup(name, Session(t).Name("pc-ext")), "group")
}

// dialectCreate sends an IdP's lookup, which must find nothing (the name
// is fresh), then its create, which must answer 201 with an id.
func dialectCreate(t *suites.T, lookup, create mockidp.SCIMRequest, what string) string {
	if found := dialectLookup(t, lookup); len(found) > 0 {
		t.Fatalf("%s (GET %s?%s) found %d resources though no %s has that name; the IdP would link to %s instead of creating",
			lookup.Step, lookup.Path, dialectQuery(lookup.Query), len(found), what, found[0].Str("id"))
	}
	r := dialectSend(t, create)
	if r.Status != 201 {
		t.Fatalf("%s: %s; expected 201%s", create.Step, line(r), bodyHint(r))
	}
	id := object(t, r).Str("id")
	if id == "" {
		t.Fatalf("%s: %s without an \"id\" in the body", create.Step, line(r))
	}
	return id
}

// dialectFindsOnly fails the check unless a lookup found exactly the
// resource id.
func dialectFindsOnly(t *suites.T, r mockidp.SCIMRequest, id string) Obj {
	return dialectFoundOnly(t, r, dialectSend(t, r), id)
}

// dialectFoundOnly is dialectFindsOnly for the answer resp already received.
func dialectFoundOnly(t *suites.T, r mockidp.SCIMRequest, resp *target.Response, id string) Obj {
	found := dialectListed(t, r, resp)
	var ids []string
	for _, f := range found {
		ids = append(ids, f.Str("id"))
	}
	if len(found) != 1 || ids[0] != id {
		what := "nothing"
		if len(ids) > 0 {
			what = fmt.Sprintf("%d resources %v", len(ids), ids)
		}
		t.Fatalf("%s (GET %s?%s) found %s; the IdP expects exactly the resource it created, %s",
			r.Step, r.Path, dialectQuery(r.Query), what, id)
	}
	return found[0]
}

// dialectQuery renders a query for people: unescaped, keys sorted.
func dialectQuery(q url.Values) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(q)) {
		for _, v := range q[k] {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, "&")
}

// dialectUpdated fails the check unless a PATCH/PUT answered success.
func dialectUpdated(t *suites.T, r mockidp.SCIMRequest) {
	resp := dialectSend(t, r)
	want := []int{200, 204}
	if r.Method == "PUT" {
		want = []int{200}
	}
	if !slices.Contains(want, resp.Status) {
		t.Fatalf("%s: %s; expected %s%s", r.Step, line(resp), statusList(want), bodyHint(resp))
	}
}

// dialectWant compares attributes of a user read back with what the IdP sent.
func dialectWant(t *suites.T, u Obj, after string, want map[string]string) {
	for _, path := range slices.Sorted(maps.Keys(want)) {
		got := dialectAttr(u, path)
		if got != want[path] {
			t.Errorf("after %s, %s is %q; expected %q", after, path, got, want[path])
		}
	}
}

// dialectAttr reads a user attribute by the paths the packs use: dotted
// sub-attributes, the enterprise extension by URN prefix, and the work
// email (or the only email when none is typed work).
func dialectAttr(u Obj, path string) string {
	switch {
	case path == "workEmail":
		emails := u.Objs("emails")
		for _, m := range emails {
			if strings.EqualFold(m.Str("type"), "work") {
				return m.Str("value")
			}
		}
		if len(emails) == 1 {
			return emails[0].Str("value")
		}
		return ""
	case strings.HasPrefix(path, URNEnterprise+":"):
		return u.Str(URNEnterprise, strings.TrimPrefix(path, URNEnterprise+":"))
	}
	return u.Str(strings.Split(path, ".")...)
}

// dialectRead GETs a user by id, stopping the check unless it is 200.
func dialectRead(t *suites.T, p mockidp.Provisioner, id string) Obj {
	r := dialectSend(t, p.GetUser(id))
	if r.Status != 200 {
		t.Fatalf("read the user back: %s; expected 200%s", line(r), bodyHint(r))
	}
	return object(t, r)
}

// dialectLookupMissing: the IdP's connection test and every first sync look
// up an account that does not exist; the answer is an empty ListResponse.
func dialectLookupMissing(d mockidp.Dialect) func(t *suites.T) {
	return func(t *suites.T) {
		p := dialectProvisioner(t, d)
		found := dialectLookup(t, p.LookupUser("userName", Session(t).Name("pc-nobody")))
		if len(found) > 0 {
			t.Errorf("the lookup of a userName no one has found %d resources; expected none", len(found))
		}
	}
}

// dialectCreateAndMatch: look up, create, and find the user again by the
// IdP's matching attributes (userName, and externalId, which both IdPs
// can be configured to match on).
func dialectCreateAndMatch(d mockidp.Dialect) func(t *suites.T) {
	return func(t *suites.T) {
		p := dialectProvisioner(t, d)
		u := dialectPerson(t, d)
		id := dialectCreateUser(t, p, u)
		got := dialectFindsOnly(t, p.LookupUser("userName", u.UserName), id)
		dialectWant(t, got, "create", map[string]string{"userName": u.UserName, "name.familyName": u.FamilyName, "workEmail": u.Email})
		// Matching on externalId is a choice the IdP's admin makes; a target
		// may decline that filter (RFC 7644 §3.12), which is logged.
		byExt := p.LookupUser("externalId", u.ExternalID)
		r := dialectSend(t, byExt)
		if filterDeclined(r) {
			t.Logf("%s: the target declines filtering on externalId; an IdP set to match on externalId cannot link accounts here", line(r))
			return
		}
		dialectFoundOnly(t, byExt, r, id)
	}
}

// dialectUpdate: change email, family name, userName and department the
// dialect's way (Entra PATCHes with "Replace" per attribute, Okta PUTs).
func dialectUpdate(d mockidp.Dialect) func(t *suites.T) {
	return func(t *suites.T) {
		p := dialectProvisioner(t, d)
		old := dialectPerson(t, d)
		id := dialectCreateUser(t, p, old)
		next := old
		next.UserName = Session(t).Name("pc-renamed")
		next.Email = strings.ToLower(next.UserName) + "@example.org"
		next.FamilyName = "Byron"
		next.DisplayName = "Ada Byron"
		next.Department = "Research"
		dialectUpdated(t, p.UpdateUser(id, old, next))
		want := map[string]string{"userName": next.UserName, "workEmail": next.Email, "name.familyName": next.FamilyName, "name.givenName": next.GivenName}
		if p.Enterprise {
			want[URNEnterprise+":department"] = next.Department
		}
		dialectWant(t, dialectRead(t, p, id), "the update", want)
		dialectFindsOnly(t, p.LookupUser("userName", next.UserName), id)
	}
}

// dialectActive: deactivate and reactivate the dialect's way; the value
// reads back as a JSON boolean each time.
func dialectActive(d mockidp.Dialect) func(t *suites.T) {
	return func(t *suites.T) {
		p := dialectProvisioner(t, d)
		u := dialectPerson(t, d)
		id := dialectCreateUser(t, p, u)
		for _, want := range []bool{false, true} {
			r := p.SetActive(id, want)
			dialectUpdated(t, r)
			got, ok := dialectRead(t, p, id).Bool("active")
			if !ok || got != want {
				t.Fatalf("after the request to %s, \"active\" reads back as %s; expected %t",
					r.Step, compact(dialectRead(t, p, id).Get("active")), want)
			}
		}
	}
}

// dialectDeactivatedFound: a deactivated user is still found by the IdP's
// lookup, or the next sync cycle creates a duplicate or fails with 409.
func dialectDeactivatedFound(d mockidp.Dialect) func(t *suites.T) {
	return func(t *suites.T) {
		p := dialectProvisioner(t, d)
		u := dialectPerson(t, d)
		id := dialectCreateUser(t, p, u)
		dialectUpdated(t, p.SetActive(id, false))
		got := dialectFindsOnly(t, p.LookupUser("userName", u.UserName), id)
		if b, ok := got.Bool("active"); ok && b {
			t.Errorf("the lookup shows the deactivated user with \"active\": true")
		}
	}
}

// dialectDelete: the hard delete after deprovisioning; afterwards the user
// is gone from GET and from the lookup.
func dialectDelete(d mockidp.Dialect) func(t *suites.T) {
	return func(t *suites.T) {
		p := dialectProvisioner(t, d)
		u := dialectPerson(t, d)
		id := dialectCreateUser(t, p, u)
		del, ok := p.DeleteUser(id)
		if !ok {
			t.Skipf("%s does not delete users", d.Title())
		}
		r := dialectSend(t, del)
		mustStatus(t, r, 204)
		wantStatus(t, dialectSend(t, p.GetUser(id)), 404)
		if found := dialectLookup(t, p.LookupUser("userName", u.UserName)); len(found) > 0 {
			t.Errorf("the lookup still finds the deleted user (%d results)", len(found))
		}
	}
}

// dialectGroupPush: look up, create, find again, read, and delete a group.
func dialectGroupPush(d mockidp.Dialect) func(t *suites.T) {
	return func(t *suites.T) {
		p := dialectProvisioner(t, d)
		name := Session(t).Name("pc-" + string(d) + "-group")
		id := dialectCreateGroup(t, p, name)
		dialectFindsOnly(t, p.LookupGroup(name), id)
		r := dialectSend(t, p.GetGroup(id))
		mustStatus(t, r, 200)
		if got := object(t, r).Str("displayName"); got != name {
			t.Errorf("read the group: displayName is %q; expected %q", got, name)
		}
		mustStatus(t, dialectSend(t, p.DeleteGroup(id)), 204)
		wantStatus(t, dialectSend(t, p.GetGroup(id)), 404)
	}
}

// dialectGroupRename: rename a group the dialect's way.
func dialectGroupRename(d mockidp.Dialect) func(t *suites.T) {
	return func(t *suites.T) {
		p := dialectProvisioner(t, d)
		e := Session(t)
		id := dialectCreateGroup(t, p, e.Name("pc-"+string(d)+"-group"))
		name := e.Name("pc-renamed-group")
		dialectUpdated(t, p.RenameGroup(id, name))
		r := dialectSend(t, p.GetGroup(id))
		mustStatus(t, r, 200)
		if got := object(t, r).Str("displayName"); got != name {
			t.Errorf("after the rename, displayName is %q; expected %q", got, name)
		}
	}
}

// dialectMembership: add three members in one request, then remove two
// the dialect's way; the group holds exactly the members the IdP expects.
func dialectMembership(d mockidp.Dialect) func(t *suites.T) {
	return func(t *suites.T) {
		p := dialectProvisioner(t, d)
		e := Session(t)
		gid := dialectCreateGroup(t, p, e.Name("pc-"+string(d)+"-group"))
		members := map[string]string{}
		var ids []string
		for range 3 {
			u := dialectPerson(t, d)
			id := dialectCreateUser(t, p, u)
			members[id] = u.UserName
			ids = append(ids, id)
		}
		dialectUpdated(t, p.AddMembers(gid, members))
		dialectMembers(t, gid, "adding three members", ids)
		dialectUpdated(t, p.RemoveMembers(gid, ids[:2]))
		dialectMembers(t, gid, "removing two of them", ids[2:])
	}
}

// dialectMembers fails the check unless the group's members are exactly want.
func dialectMembers(t *suites.T, gid, after string, want []string) {
	r := get(t, resourcePath(Session(t), URNGroup, gid), nil)
	mustStatus(t, r, 200)
	var got []string
	for _, m := range object(t, r).Objs("members") {
		got = append(got, m.Str("value"))
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Fatalf("after %s the group's members are %v; expected %v", after, got, want)
	}
}

// dialectImportPage: the IdP's import reads users and groups page by page
// (startIndex=1&count=100); each page is a ListResponse of at most count.
func dialectImportPage(d mockidp.Dialect) func(t *suites.T) {
	return func(t *suites.T) {
		e := Session(t)
		createUser(t, newUser(t))
		for _, urn := range []string{URNUser, URNGroup} {
			if ok, _ := e.Disc.Has(capOf(urn)); !ok {
				continue
			}
			o := query(t, e.Disc.Endpoint(urn), url.Values{"startIndex": {"1"}, "count": {"100"}})
			n := len(o.Objs("Resources"))
			if n > 100 {
				t.Errorf("GET %s?startIndex=1&count=100 returned %d resources; count is the most a page may hold (RFC 7644 §3.4.2.4)", e.Disc.Endpoint(urn), n)
			}
			if urn == URNUser && n == 0 {
				t.Errorf("GET %s?startIndex=1&count=100 returned no users though this check just created one", e.Disc.Endpoint(urn))
			}
			if v := o.Get("itemsPerPage"); v != nil && fmt.Sprint(v) != fmt.Sprint(n) {
				t.Errorf("GET %s?startIndex=1&count=100: itemsPerPage is %s but the page holds %d resources", e.Disc.Endpoint(urn), compact(v), n)
			}
		}
	}
}

func capOf(urn string) suites.Capability {
	if urn == URNGroup {
		return suites.CapGroups
	}
	return suites.CapUsers
}

// dialectReplaceAttributes: Entra's compliant multi-attribute replace
// without a path, keyed by attribute paths.
func dialectReplaceAttributes(d mockidp.Dialect) func(t *suites.T) {
	return func(t *suites.T) {
		p := dialectProvisioner(t, d)
		u := dialectPerson(t, d)
		id := dialectCreateUser(t, p, u)
		mail := strings.ToLower(Session(t).Name("pc-mail")) + "@example.org"
		values := map[string]any{
			"displayName":                  "Augusta Ada King",
			"name.givenName":               "Augusta",
			"name.familyName":              "King",
			`emails[type eq "work"].value`: mail,
		}
		want := map[string]string{"displayName": "Augusta Ada King", "name.givenName": "Augusta", "name.familyName": "King", "workEmail": mail}
		if p.Enterprise {
			values[URNEnterprise+":employeeNumber"] = "200084"
			want[URNEnterprise+":employeeNumber"] = "200084"
		}
		dialectUpdated(t, p.ReplaceAttributes(id, values))
		dialectWant(t, dialectRead(t, p, id), "the replace", want)
	}
}

// dialectAddWorkEmail: Entra's "Add" to emails[type eq "work"].value of a
// user who has a work email changes that email; it does not add a second.
func dialectAddWorkEmail(d mockidp.Dialect) func(t *suites.T) {
	return func(t *suites.T) {
		p := dialectProvisioner(t, d)
		u := dialectPerson(t, d)
		id := dialectCreateUser(t, p, u)
		mail := strings.ToLower(Session(t).Name("pc-mail")) + "@example.org"
		dialectUpdated(t, p.AddWorkEmail(id, mail))
		got := dialectRead(t, p, id)
		var work []string
		for _, m := range got.Objs("emails") {
			if strings.EqualFold(m.Str("type"), "work") {
				work = append(work, m.Str("value"))
			}
		}
		if len(work) != 1 || work[0] != mail {
			t.Errorf("after the Add, the work emails are %v; expected exactly [%s]", work, mail)
		}
	}
}
