package scim

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of Groups and their members: RFC 7643 §4.2 and §4.1.2 (User.groups),
// RFC 7644 §3.3, §3.5.2 and §3.9. Every group lists only users this check
// created.
var groupChecks = []suites.Check{
	{
		ID: "SCIM-GROUPS-001", Title: "POST /Groups with displayName creates the group (201)",
		Spec:  "RFC 7644 §3.3; RFC 7643 §4.2",
		Rule:  `When the service provider successfully creates the new resource, an HTTP response SHALL be returned with HTTP status code 201 (Created). [displayName: A human-readable name for the Group. REQUIRED.]`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapGroups},
		Labels: []string{"area:groups", "tier:core", "dialect:rfc", "dialect:entra", "dialect:okta"}, Covers: []string{"S48"},
		Run: func(t *suites.T) {
			body := newGroup(t)
			g, _ := createGroup(t, body)
			if !hasString(g.Strs("schemas"), URNGroup) {
				t.Errorf("\"schemas\" of the 201 body is %s; expected it to contain %s", compact(g.Get("schemas")), URNGroup)
			}
			if rt := g.Str("meta", "resourceType"); rt != "" && rt != "Group" {
				t.Errorf("meta.resourceType is %q; expected \"Group\"", rt)
			}
			got := groupRead(t, resourcePath(Session(t), URNGroup, g.Str("id")))
			if got.Str("displayName") != body.Str("displayName") {
				t.Errorf("GET of the new group has displayName %q; expected %q", got.Str("displayName"), body.Str("displayName"))
			}
		},
	},
	{
		ID: "SCIM-GROUPS-002", Title: "POST /Groups with members keeps them; type, display and $ref are valid when present",
		Spec:  "RFC 7643 §4.2",
		Rule:  `members: A list of members of the Group. [...] The "value" sub-attribute contains the value of an "id" attribute of a SCIM resource, and the "$ref" sub-attribute must be the URI of a SCIM resource such as a "User", or a "Group".`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapGroups, suites.CapUsers},
		Labels: []string{"area:groups", "tier:core", "dialect:rfc"}, Covers: []string{"S49"},
		Run: func(t *suites.T) {
			e := Session(t)
			ids := groupUsers(t, 2)
			body := newGroup(t)
			body["members"] = groupMemberList(ids...)
			g, created := createGroup(t, body)
			path := resourcePath(e, URNGroup, g.Str("id"))
			if g.Has("members") {
				groupWantSet(t, groupMemberIDs(g), ids, "the 201 body of "+line(created))
			}
			got := groupRead(t, path)
			groupWantSet(t, groupMemberIDs(got), ids, "POST /Groups with 2 members, GET "+path)
			for _, m := range got.Objs("members") {
				id := m.Str("value")
				if ty, ok := m.Get("type").(string); ok && !strings.EqualFold(ty, "User") {
					t.Errorf("member %s is a User but has type %q; expected \"User\"", id, ty)
				} else if m.Has("type") && !ok {
					t.Errorf("member %s has type %s; expected the string \"User\"", id, compact(m.Get("type")))
				}
				if d := m.Get("display"); d != nil {
					if _, ok := d.(string); !ok {
						t.Errorf("member %s has display %s; expected a string", id, compact(d))
					}
				}
				if ref := m.Get("$ref"); ref != nil {
					s, ok := ref.(string)
					if !ok || !groupRefNames(s, id) {
						t.Errorf("member %s has $ref %s; expected the URI of that user (ending in /%s)", id, compact(ref), id)
					}
				}
			}
		},
	},
	{
		ID: "SCIM-GROUPS-003", Title: "POST /Groups without the required displayName is refused with 400",
		Spec:  "RFC 7643 §4.2; RFC 7644 §3.12",
		Rule:  `displayName: A human-readable name for the Group. REQUIRED. [400 invalidValue: A required value was missing.]`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapGroups},
		Labels: []string{"area:groups", "tier:core"}, Covers: []string{"S50"},
		Run: func(t *suites.T) {
			e := Session(t)
			if a := e.Disc.Schema(URNGroup).Attr("displayName"); a != nil && !a.Required {
				t.Skipf("not applicable: the target's Group schema declares displayName not required")
			}
			body := Obj{"schemas": []any{URNGroup}, "externalId": e.Name("pc-noname")}
			r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNGroup), Body: body})
			adopt(t, URNGroup, r)
			if r.Status == 201 {
				t.Fatalf("%s for a group without displayName; expected 400 (displayName is REQUIRED)", line(r))
			}
			wantBadRequest(t, r, "invalidValue", "invalidSyntax")
		},
	},
	{
		ID: "SCIM-GROUPS-004", Title: "PATCH add members adds one value, then several; GET shows them",
		Spec:  "RFC 7644 §3.5.2.1",
		Rule:  `If the target location specifies a multi-valued attribute, a new value is added to the attribute. [On success the server either MUST return 200 OK with the resource or MAY return 204 No Content.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapGroups, suites.CapUsers, suites.CapPatch},
		Labels: []string{"area:groups", "tier:core", "dialect:rfc", "dialect:entra", "dialect:okta"}, Covers: []string{"S51"},
		Run: func(t *suites.T) {
			ids := groupUsers(t, 3)
			path := groupWith(t)
			groupPatchOK(t, path, op("add", "members", groupMemberList(ids[0])))
			groupWantMembers(t, path, ids[:1], `PATCH add members with one value`)
			groupPatchOK(t, path, op("add", "members", groupMemberList(ids[1:]...)))
			groupWantMembers(t, path, ids, `PATCH add members with two more values`)
		},
	},
	{
		ID: "SCIM-GROUPS-005", Title: `PATCH remove members[value eq "id"] removes only that member`,
		Spec:  "RFC 7644 §3.5.2.2",
		Rule:  `If the target location is a multi-valued attribute and a complex filter is specified comparing a "value", the values matched by the filter are removed.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapGroups, suites.CapUsers, suites.CapPatch},
		Labels: []string{"area:groups", "tier:core", "dialect:rfc", "dialect:okta"}, Covers: []string{"S52"},
		Run: func(t *suites.T) {
			ids := groupUsers(t, 3)
			path := groupWith(t, ids...)
			p := fmt.Sprintf("members[value eq %q]", ids[1])
			groupPatchOK(t, path, op("remove", p, nil))
			groupWantMembers(t, path, []string{ids[0], ids[2]}, "PATCH remove "+p)
		},
	},
	{
		ID: "SCIM-GROUPS-006", Title: "PATCH remove path=members without a filter removes every member",
		Spec:  "RFC 7644 §3.5.2.2",
		Rule:  `If the target location is a multi-valued attribute and no filter is specified, the attribute and all values are removed, and the attribute SHALL be considered unassigned.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapGroups, suites.CapUsers, suites.CapPatch},
		Labels: []string{"area:groups", "tier:core", "dialect:rfc"}, Covers: []string{"S53"},
		Run: func(t *suites.T) {
			groupSkipIfMembersRequired(t)
			path := groupWith(t, groupUsers(t, 2)...)
			groupPatchOK(t, path, op("remove", "members", nil))
			groupWantMembers(t, path, nil, "PATCH remove path=members")
		},
	},
	{
		ID: "SCIM-GROUPS-007", Title: "Entra-style remove path=members with a value list removes only the listed members",
		Spec:  "RFC 7644 §3.5.2.2 (as Entra ID uses it)",
		Rule:  `[Entra ID removes members with {"op":"remove","path":"members","value":[{"value":"<id>"}]}. RFC 7644 reads a remove of "members" without a filter as removing every value; a server that serves Entra must honour the value list, or Entra's membership removals empty the group.]`,
		Level: suites.Should, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapGroups, suites.CapUsers, suites.CapPatch},
		Labels: []string{"area:groups", "tier:extended", "dialect:entra"}, Covers: []string{"S54"},
		Run: func(t *suites.T) {
			ids := groupUsers(t, 3)
			path := groupWith(t, ids...)
			groupPatchOK(t, path, op("remove", "members", groupMemberList(ids[0], ids[2])))
			got := groupMemberIDs(groupRead(t, path))
			if len(got) == 0 {
				t.Fatalf(`after PATCH remove path=members with value [{"value":%q},{"value":%q}], the group has no members; expected only %s left (Entra ID sends this shape to remove the listed members, not all)`, ids[0], ids[2], ids[1])
			}
			groupWantSet(t, got, ids[1:2], fmt.Sprintf(`PATCH remove path=members with value [{"value":%q},{"value":%q}]`, ids[0], ids[2]))
		},
	},
	{
		ID: "SCIM-GROUPS-008", Title: "PATCH replace members sets exactly the given members",
		Spec:  "RFC 7644 §3.5.2.3",
		Rule:  `If the target location is a multi-valued attribute and no filter is specified, the attribute and all values are replaced.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapGroups, suites.CapUsers, suites.CapPatch},
		Labels: []string{"area:groups", "tier:core", "dialect:rfc", "dialect:okta"}, Covers: []string{"S55"},
		Run: func(t *suites.T) {
			ids := groupUsers(t, 3)
			path := groupWith(t, ids[:2]...)
			groupPatchOK(t, path, op("replace", "members", groupMemberList(ids[1:]...)))
			groupWantMembers(t, path, ids[1:], "PATCH replace members")
		},
	},
	{
		ID: "SCIM-GROUPS-009", Title: "Adding a member that is already present succeeds and adds no duplicate",
		Spec:  "RFC 7644 §3.5.2.1; RFC 7643 §2.4",
		Rule:  `If the target location already contains the value specified, no changes SHOULD be made to the resource, and a success response SHOULD be returned. [RFC 7643 §2.4: the same (type, value) combination SHOULD NOT be returned more than once.]`,
		Level: suites.Should, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapGroups, suites.CapUsers, suites.CapPatch},
		Labels: []string{"area:groups", "tier:core", "dialect:entra", "dialect:okta"}, Covers: []string{"S56"},
		Run: func(t *suites.T) {
			ids := groupUsers(t, 1)
			path := groupWith(t, ids...)
			groupPatchOK(t, path, op("add", "members", groupMemberList(ids[0])))
			groupWantMembers(t, path, ids, "PATCH add of a member already present")
		},
	},
	{
		ID: "SCIM-GROUPS-010", Title: "Adding an unknown member id: the whole PATCH is refused, or the valid members are kept",
		Spec:  "RFC 7644 §3.5.2; RFC 7643 §2.3.7",
		Rule:  `A PATCH request, regardless of the number of operations, SHALL be treated as atomic. If a single operation encounters an error condition, the original SCIM resource MUST be restored, and a failure status SHALL be returned. [A service provider MAY enforce referential integrity (RFC 7643 §2.3.7): refusing the request, or adding the valid member, are both allowed.]`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapGroups, suites.CapUsers, suites.CapPatch},
		Labels: []string{"area:groups", "tier:extended"}, Covers: []string{"S57"},
		Run: func(t *suites.T) {
			ids := groupUsers(t, 2)
			path := groupWith(t, ids[0])
			missing := randomMissingID(t)
			r := patch(t, path, op("add", "members", groupMemberList(ids[1], missing)))
			got := groupMemberIDs(groupRead(t, path))
			switch {
			case r.Status == 400 || r.Status == 404:
				t.Logf("the target refuses a member id that names no resource: %s", line(r))
				groupWantSet(t, got, ids[:1], "the refused PATCH (atomic: nothing of it may be applied)")
			case r.Status == 200 || r.Status == 204:
				if slices.Contains(got, missing) {
					t.Logf("the target accepts the unknown member id and stores it: %s", line(r))
				} else {
					t.Logf("the target accepts the request and drops the unknown member id: %s", line(r))
				}
				groupWantSet(t, groupWithout(got, missing), ids, "the accepted PATCH adding a valid and an unknown member")
			default:
				t.Errorf("%s for PATCH add of a valid and an unknown member; expected 400 (refused as a whole) or 200/204 (valid member added)%s", line(r), bodyHint(r))
			}
		},
	},
	{
		ID: "SCIM-GROUPS-011", Title: "GET /Groups/{id}?excludedAttributes=members omits members",
		Spec:  "RFC 7644 §3.9",
		Rule:  `excludedAttributes: When specified, each resource returned MUST contain the minimum set of resource attributes. Additionally, the default set of attributes minus those attributes listed in "excludedAttributes" is returned.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapGroups, suites.CapUsers},
		Labels: []string{"area:groups", "tier:core", "dialect:entra"}, Covers: []string{"S58"},
		Run: func(t *suites.T) {
			e := Session(t)
			if a := e.Disc.Schema(URNGroup).Attr("members"); a != nil && strings.EqualFold(a.Returned, "always") {
				t.Skipf("not applicable: the target's Group schema declares members returned=always, which excludedAttributes cannot remove")
			}
			path := groupWith(t, groupUsers(t, 1)...)
			r := get(t, path, url.Values{"excludedAttributes": {"members"}})
			mustStatus(t, r, 200)
			g := object(t, r)
			if g.Has("members") {
				t.Errorf("%s with members in the body (%d values); expected members left out", line(r), len(g.List("members")))
			}
			if g.Str("id") == "" {
				t.Errorf("%s has no id; expected the minimum set (id is returned always)", line(r))
			}
			if ok, _ := e.Disc.Has(suites.CapFilter); !ok {
				t.Logf("filtering is not advertised; the list query Entra ID sends was left out")
				return
			}
			// Entra ID looks groups up with GET /Groups?excludedAttributes=members&filter=displayName eq "...".
			name := groupRead(t, path).Str("displayName")
			l := get(t, e.Disc.Endpoint(URNGroup), url.Values{"excludedAttributes": {"members"}, "filter": {fmt.Sprintf("displayName eq %q", name)}})
			mustStatus(t, l, 200)
			found := false
			for _, res := range object(t, l).Objs("Resources") {
				if res.Str("id") != groupIDOf(path) {
					continue
				}
				found = true
				if res.Has("members") {
					t.Errorf("%s lists the group with members (%d values); expected members left out", line(l), len(res.List("members")))
				}
			}
			if !found {
				t.Logf("%s did not list the group; the list part was not judged (filtering is checked elsewhere)", line(l))
			}
		},
	},
	{
		ID: "SCIM-GROUPS-012", Title: "User.groups reflects membership and is readOnly: writing it through the User changes nothing",
		Spec:  "RFC 7643 §4.1.2, §4.2; RFC 7644 §3.5.1, §3.5.2",
		Rule:  `groups: [...] If the SCIM service provider exposes a "Group" resource, the "value" sub-attribute MUST be the "id" [...] Since this attribute has a mutability of "readOnly", group membership changes MUST be applied via the "Group" Resource. [A readOnly value in a PUT SHALL be ignored; a PATCH of it is refused with 400 mutability or ignored.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapGroups, suites.CapUsers},
		Labels: []string{"area:groups", "tier:core"}, Covers: []string{"S59"},
		Run: func(t *suites.T) {
			e := Session(t)
			a := e.Disc.UserSchema().Attr("groups")
			if a == nil {
				t.Skipf("not applicable: the target's User schema declares no \"groups\" attribute")
			}
			if a.Mutability != "readOnly" {
				t.Errorf("the target's User schema declares groups with mutability %q; RFC 7643 §4.1.2 makes it readOnly", a.Mutability)
			}
			body := newUser(t)
			u, _ := createUser(t, body)
			uid := u.Str("id")
			upath := resourcePath(e, URNUser, uid)
			inPath := groupWith(t, uid)
			outPath := groupWith(t)
			inID, outID := groupIDOf(inPath), groupIDOf(outPath)

			var q url.Values
			if strings.EqualFold(a.Returned, "request") {
				q = url.Values{"attributes": {"groups"}}
			}
			ur := get(t, upath, q)
			mustStatus(t, ur, 200)
			ug := object(t, ur)
			var gids []string
			for _, g := range ug.Objs("groups") {
				gids = append(gids, g.Str("value"))
				if ref := g.Str("$ref"); ref != "" && g.Str("value") == inID && !groupRefNames(ref, inID) {
					t.Errorf("the user's groups entry for %s has $ref %q; expected the URI of that group", inID, ref)
				}
			}
			if !slices.Contains(gids, inID) {
				t.Errorf("the user %s is a member of group %s, but its groups are %s; expected an entry with value %q", uid, inID, compact(ug.Get("groups")), inID)
			}
			if slices.Contains(gids, outID) {
				t.Errorf("the user's groups list %s, a group the user is not a member of", outID)
			}

			put := Obj{}
			for k, v := range body {
				put[k] = v
			}
			put["groups"] = []any{Obj{"value": outID}}
			r := do(t, target.Request{Method: "PUT", Path: upath, Body: put})
			if r.Status != 200 && r.Status != 400 {
				t.Errorf("%s for a PUT carrying the readOnly groups; expected 200 (ignored) or 400 mutability%s", line(r), bodyHint(r))
			}
			groupMembershipUnchanged(t, inPath, outPath, uid, "a PUT of the user with groups=["+outID+"]")

			if ok, _ := e.Disc.Has(suites.CapPatch); !ok {
				t.Logf("PATCH is not advertised; the PATCH part of this check was left out")
				return
			}
			r = patch(t, upath, op("add", "groups", []any{Obj{"value": outID}}))
			if r.Status != 200 && r.Status != 204 && r.Status != 400 {
				t.Errorf("%s for PATCH add groups; expected 400 mutability (readOnly) or 200/204 with the value ignored%s", line(r), bodyHint(r))
			}
			groupMembershipUnchanged(t, inPath, outPath, uid, "PATCH add groups=["+outID+"] on the user")
		},
	},
	{
		ID: "SCIM-GROUPS-013", Title: "members[].value is the member's id and members[].$ref resolves to that user",
		Spec:  "RFC 7643 §4.2, §2.3.7",
		Rule:  `The "value" sub-attribute contains the value of an "id" attribute of a SCIM resource, and the "$ref" sub-attribute must be the URI of a SCIM resource [...] An HTTP client performing a GET operation on a reference URI MUST receive the target resource or an appropriate HTTP response code.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapGroups, suites.CapUsers},
		Labels: []string{"area:groups", "tier:core"}, Covers: []string{"S60"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			u, _ := createUser(t, body)
			uid := u.Str("id")
			path := groupWith(t, uid)
			ms := groupRead(t, path).Objs("members")
			if len(ms) != 1 || ms[0].Str("value") != uid {
				t.Fatalf("the group's members are %s; expected one member with value %q (the user's id)", compact(ms), uid)
			}
			ref, ok := ms[0].Get("$ref").(string)
			if !ok {
				t.Logf("the member carries no $ref (it is OPTIONAL); only value was checked")
				return
			}
			abs, under := groupRefURL(e.Client.BaseURL(), ref)
			if !under {
				t.Logf("members[].$ref %q is not under the target's base URL %s; it was not followed", ref, e.Client.BaseURL())
				return
			}
			r := get(t, abs, nil)
			if r.Status != 200 {
				t.Fatalf("members[].$ref %q: %s; expected 200 with the user %s%s", ref, line(r), uid, bodyHint(r))
			}
			got := object(t, r)
			if got.Str("id") != uid || !strings.EqualFold(got.Str("userName"), body.Str("userName")) {
				t.Errorf("members[].$ref %q returned id %q, userName %q; expected the member, id %q, userName %q",
					ref, got.Str("id"), got.Str("userName"), uid, body.Str("userName"))
			}
		},
	},
	{
		ID: "SCIM-GROUPS-014", Title: "Deleting a user removes it from the members of its groups",
		Spec:  "RFC 7643 §4.2; RFC 7644 §3.6",
		Rule:  `[derived] members: The "value" sub-attribute contains the value of an "id" attribute of a SCIM resource. [A deleted user has no id any more (RFC 7644 §3.6: 404 for all operations on it), so a member naming it is dangling; Entra ID and Okta expect the membership gone.]`,
		Level: suites.Should, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapGroups, suites.CapUsers},
		Labels: []string{"area:groups", "tier:core", "dialect:entra", "dialect:okta"}, Covers: []string{"S61"},
		Run: func(t *suites.T) {
			e := Session(t)
			ids := groupUsers(t, 2)
			path := groupWith(t, ids...)
			mustStatus(t, do(t, target.Request{Method: "DELETE", Path: resourcePath(e, URNUser, ids[0])}), 204)
			groupWantMembers(t, path, ids[1:], "DELETE of member "+ids[0])
		},
	},
	{
		ID: "SCIM-GROUPS-015", Title: "One PATCH adding 20 members adds them all (IdP batch size)",
		Spec:  "RFC 7644 §3.5.2.1",
		Rule:  `If the target location specifies a multi-valued attribute, a new value is added to the attribute. [Okta and Entra ID send membership changes in batches of many values in one operation.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapGroups, suites.CapUsers, suites.CapPatch},
		Labels: []string{"area:groups", "tier:extended", "dialect:entra", "dialect:okta"}, Covers: []string{"S51"},
		Run: func(t *suites.T) {
			ids := groupUsers(t, 20)
			path := groupWith(t)
			groupPatchOK(t, path, op("add", "members", groupMemberList(ids...)))
			groupWantMembers(t, path, ids, "one PATCH add members with 20 values")
		},
	},
}

// groupUsers creates n users for a check's groups and returns their ids.
func groupUsers(t *suites.T, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		u, _ := createUser(t, newUser(t))
		ids[i] = u.Str("id")
	}
	return ids
}

// groupMemberList is a members value naming the given ids.
func groupMemberList(ids ...string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = Obj{"value": id}
	}
	return out
}

// groupWith creates a group with the given members and returns its path. It
// stops the check when the new group does not hold exactly those members, as
// the rest of the check would measure the set-up, not the rule.
func groupWith(t *suites.T, ids ...string) string {
	body := newGroup(t)
	if len(ids) > 0 {
		body["members"] = groupMemberList(ids...)
	} else {
		groupSkipIfMembersRequired(t)
	}
	g, _ := createGroup(t, body)
	path := resourcePath(Session(t), URNGroup, g.Str("id"))
	if len(ids) > 0 {
		got := groupMemberIDs(groupRead(t, path))
		if missing, extra, twice := groupDiff(got, ids); len(missing)+len(extra)+len(twice) > 0 {
			t.Fatalf("cannot set up: POST /Groups with members %s made a group whose members are %s (see SCIM-GROUPS-002)", groupList(ids), groupList(got))
		}
	}
	return path
}

// groupSkipIfMembersRequired skips a check that needs a group without
// members when the target's Group schema declares members required.
func groupSkipIfMembersRequired(t *suites.T) {
	if a := Session(t).Disc.Schema(URNGroup).Attr("members"); a != nil && a.Required {
		t.Skipf("not applicable: the target's Group schema declares members required, and this check needs a group without members")
	}
}

// groupIDOf returns the id at the end of a group's path.
func groupIDOf(path string) string {
	id := path[strings.LastIndex(path, "/")+1:]
	if u, err := url.PathUnescape(id); err == nil {
		return u
	}
	return id
}

// groupRead GETs a group, asking for members explicitly when the target's
// schema returns them only on request, and stops the check unless it gets one.
func groupRead(t *suites.T, path string) Obj {
	var q url.Values
	if a := Session(t).Disc.Schema(URNGroup).Attr("members"); a != nil && strings.EqualFold(a.Returned, "request") {
		q = url.Values{"attributes": {"displayName,members"}}
	}
	r := get(t, path, q)
	if r.Status != 200 {
		t.Fatalf("%s; expected 200 with the group%s", line(r), bodyHint(r))
	}
	return object(t, r)
}

// groupMemberIDs returns members[].value of a group, in order.
func groupMemberIDs(g Obj) []string {
	var out []string
	for _, m := range g.Objs("members") {
		out = append(out, m.Str("value"))
	}
	return out
}

// groupWithout returns ids without id.
func groupWithout(ids []string, id string) []string {
	return slices.DeleteFunc(slices.Clone(ids), func(s string) bool { return s == id })
}

// groupDiff compares member ids with the expected set: which are missing,
// which are not expected, and which appear more than once.
func groupDiff(got, want []string) (missing, extra, twice []string) {
	seen := map[string]int{}
	for _, g := range got {
		seen[g]++
		if seen[g] == 2 {
			twice = append(twice, g)
		}
		if !slices.Contains(want, g) && seen[g] == 1 {
			extra = append(extra, g)
		}
	}
	for _, w := range want {
		if seen[w] == 0 {
			missing = append(missing, w)
		}
	}
	return missing, extra, twice
}

// groupWantSet fails the check unless got holds exactly the ids of want, each
// once; after names the step that should have produced want.
func groupWantSet(t *suites.T, got, want []string, after string) bool {
	missing, extra, twice := groupDiff(got, want)
	if len(missing)+len(extra)+len(twice) == 0 {
		return true
	}
	var why []string
	if len(missing) > 0 {
		why = append(why, "missing "+strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		why = append(why, "not expected "+strings.Join(extra, ", "))
	}
	if len(twice) > 0 {
		why = append(why, "listed more than once "+strings.Join(twice, ", "))
	}
	expected := "none"
	if len(want) > 0 {
		expected = "exactly " + groupList(want)
	}
	t.Errorf("after %s the group has members %s; expected %s (%s)", after, groupList(got), expected, strings.Join(why, "; "))
	return false
}

// groupList renders member ids for messages.
func groupList(ids []string) string {
	if len(ids) == 0 {
		return "[] (none)"
	}
	return "[" + strings.Join(ids, ", ") + "]"
}

// groupWantMembers reads the group at path and fails the check unless its
// members are exactly want.
func groupWantMembers(t *suites.T, path string, want []string, after string) bool {
	return groupWantSet(t, groupMemberIDs(groupRead(t, path)), want, after)
}

// groupPatchOK sends a PATCH to a group and stops the check unless it
// succeeds: 200 with the resource or 204 (RFC 7644 §3.5.2).
func groupPatchOK(t *suites.T, path string, ops ...Obj) *target.Response {
	r := patch(t, path, ops...)
	if r.Status != 200 && r.Status != 204 {
		t.Fatalf("%s for %s; expected 200 or 204%s", line(r), compact(patchBody(ops...)["Operations"]), bodyHint(r))
	}
	return r
}

// groupMembershipUnchanged fails the check unless the user uid is still a
// member of the group at inPath and has not become one of the group at outPath.
func groupMembershipUnchanged(t *suites.T, inPath, outPath, uid, after string) {
	if got := groupMemberIDs(groupRead(t, outPath)); slices.Contains(got, uid) {
		t.Errorf("after %s the user %s is a member of group %s; expected groups (readOnly) to be ignored or refused, membership changes go through the Group", after, uid, groupIDOf(outPath))
	}
	if got := groupMemberIDs(groupRead(t, inPath)); !slices.Contains(got, uid) {
		t.Errorf("after %s the user %s is no longer a member of group %s; expected groups (readOnly) to be ignored or refused", after, uid, groupIDOf(inPath))
	}
}

// groupRefNames reports whether a reference URI (absolute or relative) ends
// in the resource id.
func groupRefNames(ref, id string) bool {
	ref = strings.TrimRight(ref, "/")
	return strings.HasSuffix(ref, "/"+id) || strings.HasSuffix(ref, "/"+url.PathEscape(id))
}

// groupRefURL resolves a reference against the base URL (RFC 7643 §2.3.7:
// relative references are relative to the service provider root) and
// reports whether the result lies under the base URL, the only place a
// check may follow it to.
func groupRefURL(base, ref string) (string, bool) {
	b, err := url.Parse(strings.TrimRight(base, "/") + "/")
	if err != nil {
		return "", false
	}
	u, err := b.Parse(strings.TrimSpace(ref))
	if err != nil || !strings.EqualFold(u.Scheme, b.Scheme) || !strings.EqualFold(u.Host, b.Host) || u.User != nil {
		return "", false
	}
	if !strings.HasPrefix(u.Path, b.Path) || u.Path == b.Path {
		return "", false
	}
	return u.String(), true
}
