package scim

import (
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of modifying Users with PATCH: RFC 7644 §3.5.2 and its add, remove
// and replace operations (§3.5.2.1–3), with the attribute notation of §3.10.
// Group membership PATCH belongs to the groups suite.
var patchChecks = []suites.Check{
	{
		ID: "SCIM-PATCH-001", Title: "A target that advertises patch.supported=false does not accept PATCH",
		Spec:  "RFC 7643 §5; RFC 7644 §3.5.2, §3.12",
		Rule:  `patch: ... supported: A Boolean value specifying whether or not the operation is supported. REQUIRED. [RFC 7644 §3.5.2: Clients may discover service provider support for PATCH by querying the service provider configuration. 501 (Not Implemented): Service provider does not support the request operation, e.g., PATCH. Derived: a target that advertises patch.supported=false yet applies PATCH misleads the clients that read its configuration.]`,
		Level: suites.Should, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:patch", "tier:extended"}, Covers: []string{"S16"},
		Run: func(t *suites.T) {
			e := Session(t)
			if ok, _ := e.Disc.Has(suites.CapPatch); ok {
				t.Logf("ServiceProviderConfig advertises patch.supported=true; the other PATCH checks test that PATCH works")
				return
			}
			if e.Disc.SPC == nil {
				t.Skipf("not applicable: the ServiceProviderConfig could not be read, so there is no advertisement to compare with")
			}
			_, path := patchUser(t, newUser(t), "displayName")
			r := patch(t, path, op("replace", "displayName", "PATCH unadvertised"))
			if r.Status >= 200 && r.Status < 300 {
				t.Errorf("ServiceProviderConfig advertises patch.supported=%s, yet %s to a PATCH replacing displayName; expected the PATCH refused (501 Not Implemented), or patch.supported=true",
					compact(e.Disc.SPC.Get("patch", "supported")), line(r))
				return
			}
			t.Logf("%s, consistent with patch.supported=false", line(r))
		},
	},
	{
		ID: "SCIM-PATCH-002", Title: "A PATCH body without the PatchOp schema is refused with 400",
		Spec:  "RFC 7644 §3.5.2, §3.12",
		Rule:  `The body of each request MUST contain the "schemas" attribute with the URI value of "urn:ietf:params:scim:api:messages:2.0:PatchOp". [invalidSyntax: The request body message structure was invalid or did not conform to the request schema.]`,
		Level: suites.Must, Kind: suites.Negative, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core"}, Covers: []string{"S62"},
		Run: func(t *suites.T) {
			u, path := patchUser(t, newUser(t), "displayName")
			for _, c := range []struct {
				what string
				body Obj
			}{
				{"a PATCH body without \"schemas\"", Obj{"Operations": []any{op("replace", "displayName", "no schemas")}}},
				{"a PATCH body whose \"schemas\" is the User schema, not PatchOp", Obj{"schemas": []any{URNUser}, "Operations": []any{op("replace", "displayName", "wrong schemas")}}},
			} {
				r := patchRaw(t, path, c.body)
				patchRefused(t, r, c.what, "invalidSyntax", "invalidValue")
				patchUnchanged(t, path, u, c.what)
			}
		},
	},
	{
		ID: "SCIM-PATCH-003", Title: "A PATCH without Operations, or with an empty Operations array, is refused with 400",
		Spec:  "RFC 7644 §3.5.2, §3.12",
		Rule:  `The body of an HTTP PATCH request MUST contain the attribute "Operations", whose value is an array of one or more PATCH operations. [invalidSyntax: The request body message structure was invalid or did not conform to the request schema.]`,
		Level: suites.Must, Kind: suites.Negative, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core"}, Covers: []string{"S63"},
		Run: func(t *suites.T) {
			u, path := patchUser(t, newUser(t))
			for _, c := range []struct {
				what string
				body Obj
			}{
				{"a PATCH body without \"Operations\"", Obj{"schemas": []any{URNPatchOp}}},
				{"a PATCH body with \"Operations\": []", Obj{"schemas": []any{URNPatchOp}, "Operations": []any{}}},
			} {
				r := patchRaw(t, path, c.body)
				patchRefused(t, r, c.what, "invalidSyntax", "invalidValue")
				patchUnchanged(t, path, u, c.what)
			}
		},
	},
	{
		ID: "SCIM-PATCH-004", Title: "An operation other than add, remove or replace is refused with 400",
		Spec:  "RFC 7644 §3.5.2, §3.12",
		Rule:  `Each PATCH operation object MUST have exactly one "op" member, whose value indicates the operation to perform and MAY be one of "add", "remove", or "replace". [...] SCIM servers do not support array indexing and do not support [RFC6902] operation types relating to array element manipulation, such as "move". [If a request fails, the server SHALL return an HTTP response status code and a JSON detail error response.]`,
		Level: suites.Must, Kind: suites.Negative, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core"}, Covers: []string{"S64"},
		Run: func(t *suites.T) {
			body := newUser(t)
			body["nickName"] = "Babs"
			u, path := patchUser(t, body, "nickName", "displayName")
			for _, o := range []Obj{
				{"op": "move", "from": "nickName", "path": "displayName"},
				{"op": "provcheck-update", "path": "displayName", "value": "unknown op"},
			} {
				what := fmt.Sprintf("the operation %s", compact(o))
				r := patch(t, path, o)
				patchRefused(t, r, what, "invalidSyntax", "invalidValue")
				patchUnchanged(t, path, u, what)
			}
		},
	},
	{
		ID: "SCIM-PATCH-005", Title: "PATCH op values are accepted in any case: \"Add\", \"Replace\", \"Remove\" as Entra ID sends them",
		Spec:  "RFC 7644 §3.5.2",
		Rule:  `Each PATCH operation object MUST have exactly one "op" member, whose value indicates the operation to perform and MAY be one of "add", "remove", or "replace". [The RFC does not say whether op values are case-sensitive; Entra ID sends "Add", "Replace" and "Remove", and Microsoft asks service providers not to require a case-sensitive match on op.]`,
		Level: suites.Should, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core", "dialect:entra"}, Covers: []string{"S64"},
		Run: func(t *suites.T) {
			body := newUser(t)
			body["title"] = "Tour Guide"
			patchRemovable(t, "title")
			_, path := patchUser(t, body, "displayName", "nickName", "title")
			views := patchApply(t, path,
				op("Replace", "displayName", "Replaced Capitalised"),
				op("Add", "nickName", "Added Capitalised"),
				op("Remove", "title", nil))
			patchWantStr(t, views, "Replaced Capitalised", "displayName")
			patchWantStr(t, views, "Added Capitalised", "nickName")
			patchWantUnassigned(t, views, "title")
		},
	},
	{
		ID: "SCIM-PATCH-006", Title: "PATCH add with a path sets a simple attribute, visible in the response and in GET",
		Spec:  "RFC 7644 §3.5.2.1",
		Rule:  `The "add" operation is used to add a new attribute value to an existing resource. [...] If the target location does not exist, the attribute and value are added. [...] If the target location specifies a single-valued attribute, the existing value is replaced.`,
		Level: suites.Must, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core", "dialect:rfc", "dialect:entra"}, Covers: []string{"S65"},
		Run: func(t *suites.T) {
			body := newUser(t)
			body["title"] = "Tour Guide"
			_, path := patchUser(t, body, "nickName", "title")
			views := patchApply(t, path, op("add", "nickName", "Babs"), op("add", "title", "Chief Tour Guide"))
			patchWantStr(t, views, "Babs", "nickName")
			patchWantStr(t, views, "Chief Tour Guide", "title")
			patchWantStr(t, views, body.Str("userName"), "userName")
		},
	},
	{
		ID: "SCIM-PATCH-007", Title: "PATCH add without a path merges the value object into the user; attribute names ignore case",
		Spec:  "RFC 7644 §3.5.2.1, §3.10",
		Rule:  `If omitted, the target location is assumed to be the resource itself. The "value" parameter contains a set of attributes to be added to the resource. [...] In the above example, an additional value is added to the multi-valued attribute "emails". The second attribute, "nickname", is added to the User resource. [§3.10: All facets (URN, attribute, and sub-attribute name) of the fully encoded attribute name are case insensitive.]`,
		Level: suites.Must, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core", "dialect:rfc"}, Covers: []string{"S66"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			work := patchMail(e, "work")
			body["displayName"] = "Babs Jensen"
			body["emails"] = []any{Obj{"value": work, "type": "work"}}
			_, path := patchUser(t, body, "nickName", "title", "displayName", "emails")
			home := patchMail(e, "home")
			// The RFC's own example spells nickName "nickname".
			views := patchApply(t, path, op("add", "", Obj{
				"emails":   []any{Obj{"value": home, "type": "home"}},
				"nickname": "Babs",
				"TITLE":    "Tour Guide",
			}))
			patchWantStr(t, views, "Babs", "nickName")
			patchWantStr(t, views, "Tour Guide", "title")
			patchWantStr(t, views, "Babs Jensen", "displayName")
			patchWantValues(t, views, "emails", work, home)
		},
	},
	{
		ID: "SCIM-PATCH-008", Title: "PATCH add to a multi-valued attribute appends the value and keeps the others",
		Spec:  "RFC 7644 §3.5.2.1",
		Rule:  `If the target location specifies a multi-valued attribute, a new value is added to the attribute.`,
		Level: suites.Must, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core", "dialect:rfc", "dialect:entra"}, Covers: []string{"S67"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			work := patchMail(e, "work")
			body["emails"] = []any{Obj{"value": work, "type": "work"}}
			_, path := patchUser(t, body, "emails")
			home := patchMail(e, "home")
			views := patchApply(t, path, op("add", "emails", []any{Obj{"value": home, "type": "home"}}))
			patchWantValues(t, views, "emails", work, home)
		},
	},
	{
		ID: "SCIM-PATCH-009", Title: "Setting one sub-attribute of name keeps its other sub-attributes",
		Spec:  "RFC 7644 §3.5.2.1, §3.5.2.3",
		Rule:  `[add] If the target location specifies a single-valued attribute, the existing value is replaced. [replace] If the target location specifies a complex attribute, a set of sub-attributes SHALL be specified in the "value" parameter, which replaces any existing values or adds where an attribute did not previously exist. Sub-attributes that are not specified in the "value" parameter are left unchanged.`,
		Level: suites.Must, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core", "dialect:entra"}, Covers: []string{"S68"},
		Run: func(t *suites.T) {
			body := newUser(t)
			body["name"] = Obj{"givenName": "Barbara", "familyName": "Jensen", "formatted": "Ms. Barbara J Jensen"}
			_, path := patchUser(t, body, "name.givenName", "name.familyName", "name.formatted", "name.middleName")
			views := patchApply(t, path, op("add", "name.givenName", "Babs"))
			patchWantStr(t, views, "Babs", "name", "givenName")
			patchWantStr(t, views, "Jensen", "name", "familyName")
			patchWantStr(t, views, "Ms. Barbara J Jensen", "name", "formatted")
			views = patchApply(t, path, op("replace", "name", Obj{"middleName": "Jane"}))
			patchWantStr(t, views, "Jane", "name", "middleName")
			patchWantStr(t, views, "Babs", "name", "givenName")
			patchWantStr(t, views, "Jensen", "name", "familyName")
		},
	},
	{
		ID: "SCIM-PATCH-010", Title: "PATCH add of the value an attribute already has does not change meta.lastModified",
		Spec:  "RFC 7644 §3.5.2.1",
		Rule:  `If the target location already contains the value specified, no changes SHOULD be made to the resource, and a success response SHOULD be returned. Unless other operations change the resource, this operation SHALL NOT change the modify timestamp of the resource.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:extended"}, Covers: []string{"S69"},
		Run: func(t *suites.T) {
			body := newUser(t)
			body["nickName"] = "Babs"
			_, path := patchUser(t, body, "nickName")
			before := object(t, get(t, path, nil))
			was := before.Str("meta", "lastModified")
			if was == "" {
				t.Skipf("not applicable: the user has no meta.lastModified to compare (%s)", compact(before.Get("meta")))
			}
			// Let a clock with one-second resolution tick.
			time.Sleep(1100 * time.Millisecond)
			for _, v := range patchApply(t, path, op("add", "nickName", "Babs")) {
				if got := v.o.Str("meta", "lastModified"); got != "" && !patchSameTime(got, was) {
					t.Errorf("%s has meta.lastModified %s, %s before an add of the value nickName already had; expected it unchanged", v.from, got, was)
				}
			}
		},
	},
	{
		ID: "SCIM-PATCH-011", Title: "PATCH add and replace reach an enterprise extension attribute through its URN path",
		Spec:  "RFC 7644 §3.5.2, §3.10",
		Rule:  `Clients MAY implicitly modify the "schemas" attribute by adding (or replacing) an attribute with its fully qualified name, including schema URN. For example, adding the attribute "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber" automatically adds the value "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User" to the resource's "schemas" attribute.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers, suites.CapPatch, suites.CapEnterpriseUser},
		Labels: []string{"area:patch", "tier:core", "dialect:entra", "dialect:okta"}, Covers: []string{"S70"},
		Run: func(t *suites.T) {
			patchWritableIn(t, URNEnterprise, "department")
			_, path := patchUser(t, newUser(t))
			attr := URNEnterprise + ":department"
			views := patchApply(t, path, op("add", attr, "Tour Operations"))
			patchWantStr(t, views, "Tour Operations", URNEnterprise, "department")
			for _, v := range views {
				if !hasString(v.o.Strs("schemas"), URNEnterprise) {
					t.Errorf("%s has \"schemas\" %s after adding %s; expected it to contain %s", v.from, compact(v.o.Get("schemas")), attr, URNEnterprise)
				}
			}
			views = patchApply(t, path, op("replace", attr, "Research"))
			patchWantStr(t, views, "Research", URNEnterprise, "department")
		},
	},
	{
		ID: "SCIM-PATCH-012", Title: "A path with the core User schema URN is accepted (urn:…:core:2.0:User:displayName)",
		Spec:  "RFC 7644 §3.10",
		Rule:  `In general, attributes are uniquely identified by prefixing the attribute name with its schema URN separated by a colon (":") character; e.g., the core User resource attribute 'userName' is identified as "urn:ietf:params:scim:schemas:core:2.0:User:userName". Clients MAY omit core schema attribute URN prefixes [...] the fully qualified path for a User's givenName is "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName".`,
		Level: suites.Must, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:extended"}, Covers: []string{"S71"},
		Run: func(t *suites.T) {
			_, path := patchUser(t, newUser(t), "displayName", "name.givenName")
			views := patchApply(t, path,
				op("replace", URNUser+":displayName", "Qualified Name"),
				op("add", URNUser+":name.givenName", "Qualified"))
			patchWantStr(t, views, "Qualified Name", "displayName")
			patchWantStr(t, views, "Qualified", "name", "givenName")
		},
	},
	{
		ID: "SCIM-PATCH-013", Title: "PATCH replace sets simple attributes: displayName, active and userName",
		Spec:  "RFC 7644 §3.5.2.3",
		Rule:  `The "replace" operation replaces the value at the target location specified by the "path". [...] If the target location is a single-value attribute, the attributes value is replaced.`,
		Level: suites.Must, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core", "dialect:entra", "dialect:okta"}, Covers: []string{"S72"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			body["displayName"] = "Babs Jensen"
			body["active"] = true
			_, path := patchUser(t, body, "displayName", "active")
			ops := []Obj{op("replace", "displayName", "Barbara Replaced"), op("replace", "active", false)}
			newName := ""
			if a := e.Disc.UserSchema().Attr("userName"); a == nil || a.Mutability == "readWrite" {
				newName = e.Name("pc-renamed")
				ops = append(ops, op("replace", "userName", newName))
			} else {
				t.Logf("userName is %s in the target's schema; its replacement was left out", a.Mutability)
			}
			views := patchApply(t, path, ops...)
			patchWantStr(t, views, "Barbara Replaced", "displayName")
			patchWantBool(t, views, false, "active")
			if newName != "" {
				patchWantStr(t, views, newName, "userName")
			}
		},
	},
	{
		ID: "SCIM-PATCH-014", Title: "PATCH replace of a multi-valued attribute without a filter replaces all its values",
		Spec:  "RFC 7644 §3.5.2.3",
		Rule:  `If the target location is a multi-valued attribute and no filter is specified, the attribute and all values are replaced.`,
		Level: suites.Must, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core", "dialect:okta"}, Covers: []string{"S72"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			body["emails"] = []any{Obj{"value": patchMail(e, "work"), "type": "work"}, Obj{"value": patchMail(e, "home"), "type": "home"}}
			_, path := patchUser(t, body, "emails")
			only := patchMail(e, "new")
			views := patchApply(t, path, op("replace", "emails", []any{Obj{"value": only, "type": "work"}}))
			for _, v := range views {
				if got := patchValues(v.o, "emails"); len(got) != 1 || !strings.EqualFold(got[0], only) {
					t.Errorf("%s has emails %s after replacing emails with [%s]; expected exactly that one value", v.from, compact(got), only)
				}
			}
		},
	},
	{
		ID: "SCIM-PATCH-015", Title: "PATCH replace without a path, value {\"active\":false}, deactivates the user and touches nothing else",
		Spec:  "RFC 7644 §3.5.2.3",
		Rule:  `If the "path" parameter is omitted, the target is assumed to be the resource itself. In this case, the "value" attribute SHALL contain a list of one or more attributes that are to be replaced. [Okta and Entra ID deactivate users with {"op":"replace","value":{"active":false}}.]`,
		Level: suites.Must, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core", "dialect:okta", "dialect:entra"}, Covers: []string{"S73"},
		Run: func(t *suites.T) {
			body := newUser(t)
			body["active"] = true
			body["displayName"] = "Babs Jensen"
			_, path := patchUser(t, body, "active", "displayName")
			views := patchApply(t, path, op("replace", "", Obj{"active": false}))
			patchWantBool(t, views, false, "active")
			patchWantStr(t, views, "Babs Jensen", "displayName")
			patchWantStr(t, views, body.Str("userName"), "userName")
		},
	},
	{
		ID: "SCIM-PATCH-016", Title: "PATCH replace emails[type eq \"work\"].value changes only the matching email",
		Spec:  "RFC 7644 §3.5.2.3",
		Rule:  `If the target location is a complex multi-valued attribute with a value selection filter ("valuePath") and a specific sub-attribute (e.g., "addresses[type eq "work"].streetAddress"), the matching sub-attribute of all matching records is replaced.`,
		Level: suites.Must, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core", "dialect:entra"}, Covers: []string{"S74"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			work, home := patchMail(e, "work"), patchMail(e, "home")
			body["emails"] = []any{Obj{"value": work, "type": "work"}, Obj{"value": home, "type": "home"}}
			_, path := patchUser(t, body, "emails.value", "emails.type")
			moved := patchMail(e, "moved")
			views := patchApply(t, path, op("replace", `emails[type eq "work"].value`, moved))
			patchWantValues(t, views, "emails", moved, home)
			for _, v := range views {
				if m := patchFind(v.o, "emails", moved); m != nil && !strings.EqualFold(m.Str("type"), "work") {
					t.Errorf("%s: the replaced email %s has type %q; expected it still \"work\"", v.from, moved, m.Str("type"))
				}
			}
		},
	},
	{
		ID: "SCIM-PATCH-017", Title: "PATCH replace through a value filter that matches nothing is refused with 400 noTarget",
		Spec:  "RFC 7644 §3.5.2.3",
		Rule:  `If the target location is a multi-valued attribute for which a value selection filter ("valuePath") has been supplied and no record match was made, the service provider SHALL indicate failure by returning HTTP status code 400 and a "scimType" error code of "noTarget".`,
		Level: suites.Must, Kind: suites.Negative, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:extended"}, Covers: []string{"S75"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			body["emails"] = []any{Obj{"value": patchMail(e, "work"), "type": "work"}}
			u, path := patchUser(t, body, "emails.value", "emails.type")
			o := op("replace", `emails[type eq "home"].value`, patchMail(e, "home"))
			what := fmt.Sprintf("%s on a user whose only email is of type work", compact(o))
			patchRefused(t, patch(t, path, o), what, "noTarget")
			patchUnchanged(t, path, u, what)
		},
	},
	{
		ID: "SCIM-PATCH-018", Title: "PATCH replace of an attribute that has no value adds it",
		Spec:  "RFC 7644 §3.5.2.3",
		Rule:  `If the target location path specifies an attribute that does not exist, the service provider SHALL treat the operation as an "add".`,
		Level: suites.Must, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core", "dialect:entra"}, Covers: []string{"S76"},
		Run: func(t *suites.T) {
			_, path := patchUser(t, newUser(t), "nickName", "name.givenName")
			views := patchApply(t, path, op("replace", "nickName", "Babs"), op("replace", "name.givenName", "Barbara"))
			patchWantStr(t, views, "Babs", "nickName")
			patchWantStr(t, views, "Barbara", "name", "givenName")
		},
	},
	{
		ID: "SCIM-PATCH-019", Title: "PATCH remove makes a simple or multi-valued attribute unassigned and keeps the rest",
		Spec:  "RFC 7644 §3.5.2.2; RFC 7643 §2.5",
		Rule:  `If the target location is a single-value attribute, the attribute and its associated value is removed, and the attribute SHALL be considered unassigned. If the target location is a multi-valued attribute and no filter is specified, the attribute and all values are removed, and the attribute SHALL be considered unassigned.`,
		Level: suites.Must, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core", "dialect:rfc"}, Covers: []string{"S77"},
		Run: func(t *suites.T) {
			body := newUser(t)
			body["nickName"] = "Babs"
			body["title"] = "Tour Guide"
			body["phoneNumbers"] = []any{Obj{"value": "+1-555-555-8377", "type": "work"}, Obj{"value": "+1-555-555-0100", "type": "home"}}
			patchRemovable(t, "nickName", "phoneNumbers")
			_, path := patchUser(t, body, "nickName", "title", "phoneNumbers")
			views := patchApply(t, path, op("remove", "nickName", nil), op("remove", "phoneNumbers", nil))
			patchWantUnassigned(t, views, "nickName")
			patchWantUnassigned(t, views, "phoneNumbers")
			patchWantStr(t, views, "Tour Guide", "title")
		},
	},
	{
		ID: "SCIM-PATCH-020", Title: "PATCH remove without a path is refused with 400 noTarget",
		Spec:  "RFC 7644 §3.5.2.2",
		Rule:  `If "path" is unspecified, the operation fails with HTTP status code 400 and a "scimType" error code of "noTarget".`,
		Level: suites.Must, Kind: suites.Negative, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core"}, Covers: []string{"S78"},
		Run: func(t *suites.T) {
			body := newUser(t)
			body["nickName"] = "Babs"
			u, path := patchUser(t, body, "nickName")
			for _, o := range []Obj{op("remove", "", nil), op("remove", "", Obj{"nickName": "Babs"})} {
				what := fmt.Sprintf("the operation %s", compact(o))
				patchRefused(t, patch(t, path, o), what, "noTarget")
				patchUnchanged(t, path, u, what)
			}
		},
	},
	{
		ID: "SCIM-PATCH-021", Title: "PATCH remove with emails[type eq \"work\" and value ew \"example.com\"] removes only the matching email",
		Spec:  "RFC 7644 §3.5.2.2",
		Rule:  `If the target location is a complex multi-valued attribute and a complex filter is specified based on the attribute's sub-attributes, the matching records are removed. [Example: "path":"emails[type eq \"work\" and value ew \"example.com\"]"]`,
		Level: suites.Must, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:extended", "dialect:rfc"}, Covers: []string{"S79"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			gone := patchMail(e, "work")
			home := patchMail(e, "home")
			other := strings.TrimSuffix(patchMail(e, "work2"), "example.com") + "example.org"
			body["emails"] = []any{
				Obj{"value": gone, "type": "work"},
				Obj{"value": home, "type": "home"},
				Obj{"value": other, "type": "work"},
			}
			// Two values of one type are what tell the filter's two clauses
			// apart; RFC 7643 §2.4 allows a server to hold them but does not
			// oblige it to.
			patchWritableIn(t, URNUser, "emails.value", "emails.type")
			u := createUserOrSkip(t, body, "the target refuses a user with two emails of type work, which RFC 7643 §2.4 does not oblige it to accept, and without them the filter's two clauses cannot be told apart")
			path := resourcePath(e, URNUser, u.Str("id"))
			views := patchApply(t, path, op("remove", `emails[type eq "work" and value ew "example.com"]`, nil))
			patchWantValues(t, views, "emails", home, other)
		},
	},
	{
		ID: "SCIM-PATCH-022", Title: "PATCH remove of the required userName or the readOnly id is refused with 400 mutability",
		Spec:  "RFC 7644 §3.5.2.2",
		Rule:  `If an attribute is removed or becomes unassigned and is defined as a required attribute or a read-only attribute, the server SHALL return an HTTP response status code and a JSON detail error response as defined in Section 3.12, with a "scimType" error code of "mutability".`,
		Level: suites.Must, Kind: suites.Negative, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:extended"}, Covers: []string{"S80"},
		Run: func(t *suites.T) {
			e := Session(t)
			u, path := patchUser(t, newUser(t))
			paths := []string{"id"}
			if a := e.Disc.UserSchema().Attr("userName"); a == nil || a.Required {
				paths = append(paths, "userName")
			} else {
				t.Logf("userName is not required in the target's schema; its removal was left out")
			}
			for _, p := range paths {
				what := fmt.Sprintf("remove %q", p)
				patchRefused(t, patch(t, path, op("remove", p, nil)), what, "mutability")
				patchUnchanged(t, path, u, what)
			}
		},
	},
	{
		ID: "SCIM-PATCH-023", Title: "PATCH add or replace of a readOnly or a set immutable attribute is refused with 400 mutability",
		Spec:  "RFC 7644 §3.5.2",
		Rule:  `Each operation against an attribute MUST be compatible with the attribute's mutability and schema as defined in Sections 2.2 and 2.3 of [RFC7643]. For example, a client MUST NOT modify an attribute that has mutability "readOnly" or "immutable". However, a client MAY "add" a value to an "immutable" attribute if the attribute had no previous value. An operation that is not compatible with an attribute's mutability or schema SHALL return the appropriate HTTP response status code and a JSON detail error response as defined in Section 3.12. [mutability: The attempted modification is not compatible with the target attribute's mutability or current state (e.g., modification of an "immutable" attribute with an existing value).]`,
		Level: suites.Must, Kind: suites.Negative, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:extended"}, Covers: []string{"S81"},
		Run: func(t *suites.T) {
			e := Session(t)
			s := e.Disc.UserSchema()
			if s == nil {
				t.Skipf("not applicable: the target publishes no User schema to say which attributes are readOnly or immutable")
			}
			readOnly, immutable := patchFixedAttrs(s)
			if readOnly == nil && immutable == nil {
				t.Skipf("not applicable: the target's User schema declares no readOnly and no single-valued immutable string attribute")
			}
			body := newUser(t)
			if immutable != nil {
				body[immutable.Name] = e.Name("pc-imm")
			}
			u, path := patchUser(t, body)
			if immutable != nil && !u.Has(immutable.Name) {
				if readOnly == nil {
					t.Skipf("not applicable: the user was created without the immutable %q it was sent with, and the schema declares no readOnly attribute", immutable.Name)
				}
				t.Logf("the user was created without the immutable %q it was sent with; that part was left out", immutable.Name)
				immutable = nil
			}
			if readOnly != nil {
				v := patchSample(t, *readOnly)
				for _, name := range []string{"add", "replace"} {
					o := op(name, readOnly.Name, v)
					what := fmt.Sprintf("%s on the readOnly attribute %q", compact(o), readOnly.Name)
					patchRefused(t, patch(t, path, o), what, "mutability", "invalidValue")
					patchUnchanged(t, path, u, what)
				}
			}
			if immutable != nil {
				for _, name := range []string{"add", "replace"} {
					o := op(name, immutable.Name, e.Name("pc-imm-changed"))
					what := fmt.Sprintf("%s on the immutable attribute %q, which has a value", compact(o), immutable.Name)
					patchRefused(t, patch(t, path, o), what, "mutability")
					patchUnchanged(t, path, u, what)
				}
			}
		},
	},
	{
		ID: "SCIM-PATCH-024", Title: "Making one email primary makes the others non-primary",
		Spec:  "RFC 7644 §3.5.2",
		Rule:  `For multi-valued attributes, a PATCH operation that sets a value's "primary" sub-attribute to "true" SHALL cause the server to automatically set "primary" to "false" for any other values in the array.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:extended", "dialect:entra"}, Covers: []string{"S82"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			work, home := patchMail(e, "work"), patchMail(e, "home")
			body["emails"] = []any{Obj{"value": work, "type": "work", "primary": true}, Obj{"value": home, "type": "home"}}
			_, path := patchUser(t, body, "emails.value", "emails.type", "emails.primary")
			views := patchApply(t, path, op("replace", `emails[type eq "home"].primary`, true))
			patchWantPrimary(t, views, home, "after replace emails[type eq \"home\"].primary=true")
			other := patchMail(e, "other")
			views = patchApply(t, path, op("add", "emails", []any{Obj{"value": other, "type": "other", "primary": true}}))
			patchWantPrimary(t, views, other, "after adding a new email with primary=true")
		},
	},
	{
		ID: "SCIM-PATCH-025", Title: "Operations apply in order, and a request with a failing operation changes nothing",
		Spec:  "RFC 7644 §3.5.2",
		Rule:  `Operations are applied sequentially in the order they appear in the array. Each operation in the sequence is applied to the target resource; the resulting resource becomes the target of the next operation. [...] A PATCH request, regardless of the number of operations, SHALL be treated as atomic. If a single operation encounters an error condition, the original SCIM resource MUST be restored, and a failure status SHALL be returned.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core"}, Covers: []string{"S83"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			body["displayName"] = "Babs Jensen"
			body["title"] = "Tour Guide"
			body["emails"] = []any{Obj{"value": patchMail(e, "work"), "type": "work"}}
			patchRemovable(t, "title")
			_, path := patchUser(t, body, "displayName", "nickName", "title", "emails.value", "emails.type")
			views := patchApply(t, path, op("add", "nickName", "First"), op("replace", "nickName", "Second"), op("remove", "title", nil))
			patchWantStr(t, views, "Second", "nickName")
			patchWantUnassigned(t, views, "title")

			before := object(t, get(t, path, nil))
			ops := []Obj{
				op("replace", "displayName", "Applied Before The Failure"),
				op("replace", "nickName", "Also Before The Failure"),
				op("replace", `emails[type eq "provcheck-none"].value`, patchMail(e, "none")),
			}
			r := patch(t, path, ops...)
			if r.Status >= 200 && r.Status < 300 {
				t.Skipf("not applicable: %s, so no operation failed and atomicity could not be observed (the last operation's filter matches no email: SCIM-PATCH-017 judges that)", line(r))
			}
			if r.Status < 400 || r.Status >= 500 {
				t.Errorf("%s for a request whose third operation cannot apply; expected a 4xx failure status%s", line(r), bodyHint(r))
			}
			patchUnchanged(t, path, before, fmt.Sprintf("request %s, whose third operation fails", patchOpsText(ops)))
		},
	},
	{
		ID: "SCIM-PATCH-026", Title: "A successful PATCH answers 204, or 200 with the whole resource as the next GET shows it",
		Spec:  "RFC 7644 §3.5.2, §3.9",
		Rule:  `On successful completion, the server either MUST return a 200 OK response code and the entire resource within the response body, subject to the "attributes" query parameter (see Section 3.9), or MAY return HTTP status code 204 (No Content) and the appropriate response headers for a successful PATCH request. The server MUST return a 200 OK if the "attributes" parameter is specified in the request.`,
		Level: suites.Must, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core"}, Covers: []string{"S84"},
		Run: func(t *suites.T) {
			body := richUser(t)
			_, path := patchUser(t, body, "displayName")
			r := patch(t, path, op("replace", "displayName", "Whole Resource"))
			switch r.Status {
			case 204:
				if len(strings.TrimSpace(string(r.Body))) > 0 {
					t.Errorf("%s with a body; 204 No Content has none", line(r))
				}
				t.Logf("the target answers PATCH with 204 No Content")
			case 200:
				m, err := r.Object()
				if err != nil {
					t.Fatalf("%s but the body is not the resource as JSON: %v%s", line(r), err, bodyHint(r))
				}
				g := object(t, get(t, path, nil))
				patchSameResource(t, Obj(m), g)
			default:
				t.Fatalf("%s for a valid replace of displayName; expected 200 with the user or 204%s", line(r), bodyHint(r))
			}
			q := url.Values{"attributes": {"displayName"}}
			r = do(t, target.Request{Method: "PATCH", Path: path, Query: q, Body: patchBody(op("replace", "displayName", "Projected"))})
			if !wantStatus(t, r, 200) {
				return
			}
			o := object(t, r)
			if got := o.Str("displayName"); got != "Projected" {
				t.Errorf("%s?attributes=displayName returned displayName %q; expected \"Projected\"", line(r), got)
			}
			if o.Has("emails") {
				t.Errorf("%s?attributes=displayName returned emails %s; expected only displayName and the attributes returned always", line(r), compact(o.Get("emails")))
			}
		},
	},
	{
		ID: "SCIM-PATCH-027", Title: "The enterprise manager can be set, changed and removed",
		Spec:  "RFC 7643 §4.3; RFC 7644 §3.5.2",
		Rule:  `manager: The user's manager. A complex type that optionally allows service providers to represent organizational hierarchy by referencing the "id" attribute of another User. value: The "id" of the SCIM resource representing the user's manager. RECOMMENDED. [Entra ID sends the manager's id as a bare value. A remove operation SHALL leave the manager unassigned (RFC 7644 §3.5.2.2); a replace with an empty value {"value":""} may clear it or be refused with 400, but must not be answered with success while the old manager stays.]`,
		Level: suites.Should, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapPatch, suites.CapEnterpriseUser},
		Labels: []string{"area:patch", "tier:extended", "dialect:entra"}, Covers: []string{"S85"},
		Run: func(t *suites.T) {
			e := Session(t)
			patchWritableIn(t, URNEnterprise, "manager", "manager.value")
			a, _ := createUser(t, newUser(t))
			b, _ := createUser(t, newUser(t))
			_, path := patchUser(t, newUser(t))
			mgr := URNEnterprise + ":manager"
			views := patchApply(t, path, op("add", mgr, Obj{"value": a.Str("id")}))
			patchWantStr(t, views, a.Str("id"), URNEnterprise, "manager", "value")

			change := op("replace", mgr, Obj{"value": b.Str("id")})
			if e.Dialect == "entra" {
				change = op("Replace", mgr, b.Str("id"))
			}
			views = patchApply(t, path, change)
			patchWantStr(t, views, b.Str("id"), URNEnterprise, "manager", "value")

			views = patchApply(t, path, op("remove", mgr, nil))
			patchWantUnassigned(t, views, URNEnterprise, "manager")

			patchApply(t, path, op("add", mgr, Obj{"value": a.Str("id")}))
			empty := op("replace", mgr, Obj{"value": ""})
			r := patch(t, path, empty)
			if r.Status == 400 {
				t.Logf("%s: the target refuses an empty manager value; the remove operation clears it", line(r))
				return
			}
			if r.Status != 200 && r.Status != 204 {
				t.Fatalf("%s for %s; expected the manager cleared (200 or 204) or the empty value refused (400)%s", line(r), compact(empty), bodyHint(r))
			}
			for _, v := range patchViews(t, r, path) {
				if got := v.o.Str(URNEnterprise, "manager", "value"); got != "" {
					t.Errorf("%s still has manager.value %q after %s; expected the manager cleared", v.from, got, compact(empty))
				}
			}
		},
	},
	{
		ID: "SCIM-PATCH-028", Title: "PATCH replace with null or an empty string clears the attribute",
		Spec:  "RFC 7643 §2.5; RFC 7644 §3.5.2.3",
		Rule:  `Unassigned attributes, the null value, or empty array (in the case of a multi-valued attribute) SHALL be considered to be equivalent in "state". [IdPs clear attributes with a replace to null or to an empty string. A replace to null leaves the attribute unassigned; an empty string may be stored as such, but the old value must go.]`,
		Level: suites.Should, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:extended", "dialect:entra"}, Covers: []string{"S86"},
		Run: func(t *suites.T) {
			body := newUser(t)
			body["nickName"] = "Babs"
			body["title"] = "Tour Guide"
			body["userType"] = "Employee"
			patchRemovable(t, "nickName", "title", "userType")
			_, path := patchUser(t, body, "nickName", "title", "userType")
			views := patchApply(t, path, Obj{"op": "replace", "path": "nickName", "value": nil})
			patchWantUnassigned(t, views, "nickName")
			views = patchApply(t, path, op("replace", "", Obj{"userType": nil}))
			patchWantUnassigned(t, views, "userType")
			views = patchApply(t, path, op("replace", "title", ""))
			for _, v := range views {
				if got := v.o.Str("title"); got != "" {
					t.Errorf("%s has title %q after replace title=\"\"; expected it empty or unassigned", v.from, got)
				}
			}
		},
	},
	{
		ID: "SCIM-PATCH-029", Title: "PATCH of an unknown id answers 404 and creates nothing",
		Spec:  "RFC 7644 §3.12",
		Rule:  `404 Not Found: Specified resource (e.g., User) or endpoint does not exist.`,
		Level: suites.Must, Kind: suites.Negative, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core"}, Covers: []string{"S87"},
		Run: func(t *suites.T) {
			e := Session(t)
			path := resourcePath(e, URNUser, randomMissingID(t))
			r := do(t, target.Request{Method: "PATCH", Path: path, AllowUnowned: true,
				Body: patchBody(op("replace", "displayName", "Nobody"))})
			wantStatus(t, r, 404)
			if g := get(t, path, nil); g.Status != 404 {
				t.Errorf("after the PATCH, %s; expected 404 (nothing created)", line(g))
			}
		},
	},
	{
		ID: "SCIM-PATCH-030", Title: "PATCH add without a \"value\" is refused with 400 and changes nothing",
		Spec:  "RFC 7644 §3.5.2.1, §3.12",
		Rule:  `The operation MUST contain a "value" member whose content specifies the value to be added. [An add without one is not a valid operation: 400, and nothing applied.]`,
		Level: suites.Must, Kind: suites.Negative, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:extended"}, Covers: []string{"S63"},
		Run: func(t *suites.T) {
			body := newUser(t)
			body["nickName"] = "Babs"
			before, path := patchUser(t, body, "nickName")
			o := op("add", "nickName", nil)
			patchRefused(t, patch(t, path, o), fmt.Sprintf("the operation %s", compact(o)), "invalidValue", "invalidSyntax", "noTarget")
			patchUnchanged(t, path, before, "the refused add")
		},
	},
	{
		ID: "SCIM-PATCH-031", Title: "PATCH remove of a sub-attribute, or of the last value through a filter, leaves it unassigned",
		Spec:  "RFC 7644 §3.5.2.2; RFC 7643 §2.5",
		Rule:  `If no other values remain after removal of the selected values, the multi-valued attribute SHALL be considered unassigned. Sub-attributes whose values have been removed SHALL be considered unassigned. If the complex multi-valued attribute has no remaining records, the attribute SHALL be considered unassigned.`,
		Level: suites.Must, Kind: suites.Example, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:extended"}, Covers: []string{"S77", "S79"},
		Run: func(t *suites.T) {
			body := newUser(t)
			body["name"] = Obj{"givenName": "Barbara", "familyName": "Jensen"}
			body["phoneNumbers"] = []any{Obj{"value": "+1-555-555-8377", "type": "work"}}
			patchRemovable(t, "name.givenName", "phoneNumbers")
			_, path := patchUser(t, body, "name.givenName", "phoneNumbers")
			views := patchApply(t, path, op("remove", "name.givenName", nil), op("remove", `phoneNumbers[type eq "work"]`, nil))
			patchWantUnassigned(t, views, "name", "givenName")
			patchWantStr(t, views, "Jensen", "name", "familyName")
			patchWantUnassigned(t, views, "phoneNumbers")
		},
	},
	{
		ID: "SCIM-PATCH-032", Title: "A refused PATCH answers with a SCIM error body",
		Spec:  "RFC 7644 §3.5.2, §3.12",
		Rule:  `If a request fails, the server SHALL return an HTTP response status code and a JSON detail error response as defined in Section 3.12.`,
		Level: suites.Must, Kind: suites.Negative, Requires: patchRequires,
		Labels: []string{"area:patch", "tier:core"}, Covers: []string{"S138"},
		Run: func(t *suites.T) {
			_, path := patchUser(t, newUser(t))
			for _, body := range []Obj{
				{"Operations": []any{op("replace", "displayName", "x")}},
				patchBody(Obj{"op": "move", "path": "displayName", "value": "x"}),
				patchBody(op("remove", "", nil)),
			} {
				r := patchRaw(t, path, body)
				if r.Status < 400 {
					t.Logf("%s for %s: not refused; the other PATCH checks judge that", line(r), compact(body))
					continue
				}
				for _, p := range scimErrorProblems(r) {
					t.Errorf("%s for %s: %s", line(r), compact(body), p)
				}
			}
		},
	},
	{
		ID: "SCIM-PATCH-033", Title: "The server supports PATCH",
		Spec:  "RFC 7644 §3.5",
		Rule:  `Resources such as Groups may be very large; hence, implementers SHOULD support HTTP PATCH [RFC5789] to enable partial resource modifications. [Entra ID and Okta deprovision with PATCH.]`,
		Level: suites.Should, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:patch", "tier:core", "dialect:entra", "dialect:okta"}, Covers: []string{"S16"},
		Run: func(t *suites.T) {
			if ok, why := Session(t).Disc.Has(suites.CapPatch); !ok {
				t.Errorf("%s; PATCH SHOULD be supported, and IdPs rely on it to deactivate users and change group members", why)
			}
		},
	},
}

// patchRequires is what most PATCH checks need.
var patchRequires = []suites.Capability{suites.CapUsers, suites.CapPatch}

// patchView is one view of a user after a successful PATCH: the 200
// response body or the GET that follows.
type patchView struct {
	from string
	o    Obj
}

// patchUser creates a user for a PATCH check, after making sure the target's
// User schema declares the named attributes readWrite, and returns the user
// as a GET then shows it, with its path.
func patchUser(t *suites.T, body Obj, attrs ...string) (Obj, string) {
	patchWritableIn(t, URNUser, attrs...)
	u, _ := createUser(t, body)
	path := resourcePath(Session(t), URNUser, u.Str("id"))
	g := get(t, path, nil)
	if g.Status != 200 {
		t.Fatalf("cannot read the user just created to test with: %s; expected 200%s", line(g), bodyHint(g))
	}
	return object(t, g), path
}

// patchWritableIn skips the check unless the schema urn, when the target
// publishes it, declares every named attribute ("name.givenName" reaches a
// sub-attribute) with mutability readWrite.
func patchWritableIn(t *suites.T, urn string, names ...string) {
	s := Session(t).Disc.Schema(urn)
	if s == nil {
		return
	}
	for _, n := range names {
		switch a := s.Attr(n); {
		case a == nil:
			t.Skipf("not applicable: the target's schema %s declares no %q attribute", urn, n)
		case a.Mutability != "readWrite":
			t.Skipf("not applicable: the target's schema %s declares %q %s, not readWrite", urn, n, a.Mutability)
		}
	}
}

// patchRemovable skips the check when the target's User schema declares
// one of the named attributes required, so that removing it must fail.
func patchRemovable(t *suites.T, names ...string) {
	for _, n := range names {
		if a := Session(t).Disc.UserSchema().Attr(n); a != nil && a.Required {
			t.Skipf("not applicable: the target's User schema declares %q required, so it cannot be removed", n)
		}
	}
}

// patchRaw sends a PATCH with a body that need not be a valid PatchOp.
func patchRaw(t *suites.T, path string, body Obj) *target.Response {
	return do(t, target.Request{Method: "PATCH", Path: path, Body: body})
}

// patchApply sends the operations, stops the check unless the target
// answers 200 or 204, and returns the views of the result.
func patchApply(t *suites.T, path string, ops ...Obj) []patchView {
	r := patch(t, path, ops...)
	if r.Status != 200 && r.Status != 204 {
		t.Fatalf("%s for the operations %s; expected 200 with the user or 204%s", line(r), patchOpsText(ops), bodyHint(r))
	}
	return patchViews(t, r, path)
}

// patchViews returns the body of a 200 answer, when it is a JSON object, and
// the user as a GET returns it (SCIM-PATCH-026 judges a 200 without a body).
func patchViews(t *suites.T, r *target.Response, path string) []patchView {
	var views []patchView
	if r.Status == 200 {
		if m, err := r.Object(); err == nil {
			views = append(views, patchView{"the PATCH response", Obj(m)})
		}
	}
	g := get(t, path, nil)
	if g.Status != 200 {
		t.Fatalf("after the PATCH, %s; expected 200 with the user%s", line(g), bodyHint(g))
	}
	return append(views, patchView{"GET after the PATCH", object(t, g)})
}

func patchOpsText(ops []Obj) string { return compact(patchBody(ops...)["Operations"]) }

// patchRefused fails the check unless r is 400 with a scimType, if any, among
// allowed (the first is the one the RFC names).
func patchRefused(t *suites.T, r *target.Response, sent string, allowed ...string) {
	if r.Status != 400 {
		t.Errorf("%s for %s; expected 400 with scimType %q%s", line(r), sent, allowed[0], bodyHint(r))
		return
	}
	if st := scimType(r); st != "" && !hasString(allowed, st) {
		t.Errorf("%s for %s with scimType %q; expected %q", line(r), sent, st, allowed[0])
	}
}

// patchUnchanged fails the check when the user at path differs from before
// in any attribute but meta: a refused PATCH changes nothing.
func patchUnchanged(t *suites.T, path string, before Obj, what string) {
	g := get(t, path, nil)
	if g.Status != 200 {
		t.Errorf("after %s, %s; expected the user unchanged%s", what, line(g), bodyHint(g))
		return
	}
	after := object(t, g)
	seen := map[string]bool{}
	var keys []string
	for _, o := range []Obj{before, after} {
		for k := range o {
			if lk := strings.ToLower(k); !seen[lk] && lk != "meta" {
				seen[lk] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if b, a := before.Get(k), after.Get(k); !reflect.DeepEqual(b, a) {
			t.Errorf("after %s, %s changed from %s to %s; expected the user unchanged", what, k, patchShow(b), patchShow(a))
		}
	}
}

// patchPathText renders an attribute path for messages: urn:…:User:manager.value.
func patchPathText(path []string) string {
	if len(path) > 1 && strings.HasPrefix(strings.ToLower(path[0]), "urn:") {
		return path[0] + ":" + strings.Join(path[1:], ".")
	}
	return strings.Join(path, ".")
}

// patchWantStr fails the check unless every view has the string want at
// path, compared without regard to case.
func patchWantStr(t *suites.T, views []patchView, want string, path ...string) {
	for _, v := range views {
		if got, ok := v.o.Get(path...).(string); !ok || !strings.EqualFold(got, want) {
			t.Errorf("%s has %s = %s; expected %q", v.from, patchPathText(path), patchShow(v.o.Get(path...)), want)
		}
	}
}

// patchWantBool fails the check unless every view has the boolean want at path.
func patchWantBool(t *suites.T, views []patchView, want bool, path ...string) {
	for _, v := range views {
		if got, ok := v.o.Bool(path...); !ok || got != want {
			t.Errorf("%s has %s = %s; expected %v", v.from, patchPathText(path), patchShow(v.o.Get(path...)), want)
		}
	}
}

// patchWantUnassigned fails the check unless path is unassigned in every
// view: absent, null or an empty array or object (RFC 7643 §2.5).
func patchWantUnassigned(t *suites.T, views []patchView, path ...string) {
	for _, v := range views {
		if got := v.o.Get(path...); !patchEmpty(got) {
			t.Errorf("%s has %s = %s; expected it unassigned", v.from, patchPathText(path), compact(got))
		}
	}
}

// patchShow renders a value for messages; an unassigned one (absent, null,
// empty) reads "unassigned".
func patchShow(v any) string {
	if patchEmpty(v) {
		return "unassigned"
	}
	return compact(v)
}

// patchEmpty reports whether v is unassigned: absent, null, or an empty
// array or object (RFC 7643 §2.5).
func patchEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []any:
		return len(x) == 0
	case []string:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	case Obj:
		return len(x) == 0
	}
	return false
}

// patchValues returns the "value" sub-attributes of a multi-valued attribute.
func patchValues(o Obj, attr string) []string {
	var out []string
	for _, m := range o.Objs(attr) {
		out = append(out, m.Str("value"))
	}
	return out
}

// patchFind returns the value of a multi-valued attribute whose "value" is
// value (without regard to case), or nil.
func patchFind(o Obj, attr, value string) Obj {
	for _, m := range o.Objs(attr) {
		if strings.EqualFold(m.Str("value"), value) {
			return m
		}
	}
	return nil
}

// patchWantValues fails the check unless, in every view, the multi-valued
// attribute holds exactly the given values (in any order, any case).
func patchWantValues(t *suites.T, views []patchView, attr string, want ...string) {
	for _, v := range views {
		got := patchValues(v.o, attr)
		ok := len(got) == len(want)
		for _, w := range want {
			ok = ok && patchFind(v.o, attr, w) != nil
		}
		if !ok {
			t.Errorf("%s has %s with the values %s; expected exactly %s", v.from, attr, patchShow(got), compact(want))
		}
	}
}

// patchWantPrimary fails the check unless, in every view, the email with
// value primary is the one and only email with primary=true.
func patchWantPrimary(t *suites.T, views []patchView, primary, after string) {
	for _, v := range views {
		var primaries []string
		for _, m := range v.o.Objs("emails") {
			if p, _ := m.Bool("primary"); p {
				primaries = append(primaries, m.Str("value"))
			}
		}
		if len(primaries) != 1 || !strings.EqualFold(primaries[0], primary) {
			t.Errorf("%s %s has the primary emails %s; expected only %s (emails: %s)", v.from, after, compact(primaries), primary, compact(v.o.Get("emails")))
		}
	}
}

// patchMail returns a fresh run-unique address at example.com.
func patchMail(e *Env, kind string) string {
	return strings.ToLower(e.Name("pc-"+kind)) + "@example.com"
}

// patchSameTime reports whether two dateTime strings name the same instant.
func patchSameTime(a, b string) bool {
	ta, err1 := parseDateTime(a)
	tb, err2 := parseDateTime(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return ta.Equal(tb)
}

// patchFixedAttrs picks from the User schema one readOnly attribute and one
// single-valued immutable string attribute the client could set, or nil.
func patchFixedAttrs(s *Schema) (readOnly, immutable *Attribute) {
	for i := range s.Attributes {
		a := &s.Attributes[i]
		switch {
		case a.Mutability == "readOnly" && (readOnly == nil || readOnly.Type == "complex" && a.Type != "complex"):
			readOnly = a
		case a.Mutability == "immutable" && a.Type == "string" && !a.MultiValued && immutable == nil:
			immutable = a
		}
	}
	return readOnly, immutable
}

// patchSample returns a value of the attribute's type to attempt to write.
func patchSample(t *suites.T, a Attribute) any {
	var v any
	switch a.Type {
	case "boolean":
		v = true
	case "integer", "decimal":
		v = 1
	case "datetime":
		v = "2011-08-01T18:29:49Z"
	case "complex":
		sub := Obj{}
		for _, s := range a.SubAttributes {
			if strings.EqualFold(s.Name, "value") || len(sub) == 0 && s.Type == "string" {
				sub = Obj{s.Name: randomMissingID(t)}
			}
		}
		v = sub
	default:
		v = "provcheck-" + randomMissingID(t)
	}
	if a.MultiValued {
		return []any{v}
	}
	return v
}

// patchSameResource fails the check when a PATCH response body differs from
// the GET that followed in any attribute but meta, or in meta.version.
func patchSameResource(t *suites.T, body, g Obj) {
	seen := map[string]bool{}
	for _, o := range []Obj{g, body} {
		for k := range o {
			lk := strings.ToLower(k)
			if seen[lk] || lk == "meta" {
				continue
			}
			seen[lk] = true
			if b, a := body.Get(k), g.Get(k); !reflect.DeepEqual(b, a) && !(patchEmpty(b) && patchEmpty(a)) {
				t.Errorf("the 200 PATCH response has %s = %s but the GET that follows has %s; expected the entire resource in the response", k, patchShow(b), patchShow(a))
			}
		}
	}
	if bv, gv := body.Str("meta", "version"), g.Str("meta", "version"); bv != "" && gv != "" && bv != gv {
		t.Errorf("the 200 PATCH response has meta.version %s but the GET that follows has %s", bv, gv)
	}
}
