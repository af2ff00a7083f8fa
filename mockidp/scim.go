package mockidp

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// Dialect is the way one identity provider's provisioning client speaks SCIM.
type Dialect string

// The dialects provcheck speaks.
const (
	// RFC is plain RFC 7644, as the RFC's own examples send it.
	RFC Dialect = "rfc"
	// Entra is the Microsoft Entra ID provisioning service.
	Entra Dialect = "entra"
	// Okta is Okta's SCIM 2.0 provisioning.
	Okta Dialect = "okta"
)

// Dialects lists every dialect, RFC first.
func Dialects() []Dialect { return []Dialect{RFC, Entra, Okta} }

// ParseDialects reads a --dialect value: one dialect, a comma-separated
// list, or "all".
func ParseDialects(s string) ([]Dialect, error) {
	var out []Dialect
	for _, part := range strings.Split(s, ",") {
		p := Dialect(strings.ToLower(strings.TrimSpace(part)))
		switch p {
		case "all":
			return Dialects(), nil
		case RFC, Entra, Okta:
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		default:
			return nil, fmt.Errorf("unknown dialect %q: expected rfc, entra, okta or all", strings.TrimSpace(part))
		}
	}
	return out, nil
}

// Title is the dialect's name for people: "Microsoft Entra ID".
func (d Dialect) Title() string {
	switch d {
	case Entra:
		return "Microsoft Entra ID"
	case Okta:
		return "Okta"
	}
	return "RFC 7644"
}

// Sources of the request shapes, cited by every builder below.
const (
	// EntraDoc is Microsoft's tutorial for SCIM endpoints, with the request
	// and response of every operation the provisioning service sends.
	EntraDoc = "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"
	// EntraCompatDoc lists the request shapes of the SCIM 2.0 compliance
	// fixes (feature flag aadOptscim062020), the default for new apps.
	EntraCompatDoc = "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"
	// OktaDoc is Okta's SCIM 2.0 protocol reference for provisioning apps.
	OktaDoc = "https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20"
	// RecordedData is the folder of recorded Entra and Okta requests the
	// shapes were checked against (from elimity-com/scim, MIT).
	RecordedData = "fixtures/idp-requests"
)

// URNs the builders use.
const (
	urnUser       = "urn:ietf:params:scim:schemas:core:2.0:User"
	urnGroup      = "urn:ietf:params:scim:schemas:core:2.0:Group"
	urnEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	urnPatchOp    = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
)

// Person is an account as an IdP holds it, before it is shaped into SCIM.
type Person struct {
	UserName    string
	ExternalID  string
	GivenName   string
	FamilyName  string
	DisplayName string
	Email       string
	Active      bool
	// Department and EmployeeNumber go into the enterprise extension when
	// the provisioner sends it.
	Department     string
	EmployeeNumber string
	// Password is sent on create by Okta ("sync password").
	Password string
}

// SCIMRequest is one request a provisioning client sends, not yet sent.
type SCIMRequest struct {
	// Step names what the IdP is doing: "look up the user before creating it".
	Step   string
	Method string
	// Path is relative to the SCIM base URL: /Users, /Groups/<id>.
	Path  string
	Query url.Values
	// Body is the JSON body, nil for none.
	Body map[string]any
	// Source is the public document the shape comes from.
	Source string
}

// Provisioner builds the requests of one dialect's provisioning client.
type Provisioner struct {
	Dialect Dialect
	// Users and Groups are the endpoints, "/Users" and "/Groups" by default.
	Users, Groups string
	// Enterprise makes created users carry the enterprise extension.
	Enterprise bool
}

// NewProvisioner returns a provisioner of dialect d with the RFC endpoints.
func NewProvisioner(d Dialect) Provisioner {
	return Provisioner{Dialect: d, Users: "/Users", Groups: "/Groups"}
}

func (p Provisioner) source() string {
	switch p.Dialect {
	case Entra:
		return EntraDoc
	case Okta:
		return OktaDoc
	}
	return "RFC 7644"
}

// opName spells a PATCH op as the dialect does: Entra capitalises
// ("Replace"), Okta and the RFC use lower case.
func (p Provisioner) opName(op string) string {
	if p.Dialect == Entra {
		return strings.ToUpper(op[:1]) + op[1:]
	}
	return op
}

func (p Provisioner) op(name, path string, value any) map[string]any {
	o := map[string]any{"op": p.opName(name)}
	if path != "" {
		o["path"] = path
	}
	if value != nil {
		o["value"] = value
	}
	return o
}

func patchOp(ops ...map[string]any) map[string]any {
	list := make([]any, len(ops))
	for i, o := range ops {
		list[i] = o
	}
	return map[string]any{"schemas": []any{urnPatchOp}, "Operations": list}
}

func (p Provisioner) userPath(id string) string  { return p.Users + "/" + url.PathEscape(id) }
func (p Provisioner) groupPath(id string) string { return p.Groups + "/" + url.PathEscape(id) }

// LookupUser is the query an IdP sends before creating a user, to match an
// existing account. Entra filters on its matching attribute (userName by
// default) without paging; Okta adds startIndex=1&count=100.
func (p Provisioner) LookupUser(attr, value string) SCIMRequest {
	q := url.Values{"filter": {fmt.Sprintf("%s eq %s", attr, quote(value))}}
	if p.Dialect == Okta {
		q.Set("startIndex", "1")
		q.Set("count", "100")
	}
	return SCIMRequest{Step: "look up the user by " + attr, Method: "GET", Path: p.Users, Query: q, Source: p.source()}
}

// quote renders a SCIM filter string literal (a JSON string).
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// CreateUser is the POST that provisions a new user.
func (p Provisioner) CreateUser(u Person) SCIMRequest {
	body := map[string]any{
		"schemas":    []any{urnUser},
		"userName":   u.UserName,
		"externalId": u.ExternalID,
		"active":     u.Active,
		"name":       map[string]any{"givenName": u.GivenName, "familyName": u.FamilyName},
		"emails":     []any{map[string]any{"primary": true, "type": "work", "value": u.Email}},
	}
	switch p.Dialect {
	case Entra:
		// Entra sends meta.resourceType, a formatted name and an empty roles list.
		body["meta"] = map[string]any{"resourceType": "User"}
		body["name"].(map[string]any)["formatted"] = u.GivenName + " " + u.FamilyName
		body["roles"] = []any{}
	case Okta:
		// Okta sends displayName, locale, an empty groups list and, with
		// password sync, the password.
		body["displayName"] = u.DisplayName
		body["locale"] = "en-US"
		body["groups"] = []any{}
		if u.Password != "" {
			body["password"] = u.Password
		}
	default:
		body["displayName"] = u.DisplayName
	}
	if p.Enterprise {
		body["schemas"] = []any{urnUser, urnEnterprise}
		body[urnEnterprise] = map[string]any{"department": u.Department, "employeeNumber": u.EmployeeNumber}
	}
	return SCIMRequest{Step: "create the user", Method: "POST", Path: p.Users, Body: body, Source: p.source()}
}

// GetUser reads one user.
func (p Provisioner) GetUser(id string) SCIMRequest {
	return SCIMRequest{Step: "read the user", Method: "GET", Path: p.userPath(id), Source: p.source()}
}

// UpdateUser sends the change from old to new the dialect's way. Entra
// PATCHes each changed attribute with "Replace" and paths such as
// emails[type eq "work"].value; Okta PUTs the whole user; the RFC dialect
// PATCHes with lower-case ops.
func (p Provisioner) UpdateUser(id string, old, new Person) SCIMRequest {
	if p.Dialect == Okta {
		body := map[string]any{
			"schemas":     []any{urnUser},
			"id":          id,
			"userName":    new.UserName,
			"name":        map[string]any{"givenName": new.GivenName, "familyName": new.FamilyName},
			"emails":      []any{map[string]any{"primary": true, "value": new.Email, "type": "work", "display": new.Email}},
			"displayName": new.DisplayName,
			"externalId":  new.ExternalID,
			"active":      new.Active,
			"groups":      []any{},
			"meta":        map[string]any{"resourceType": "User"},
		}
		if p.Enterprise {
			body["schemas"] = []any{urnUser, urnEnterprise}
			body[urnEnterprise] = map[string]any{"department": new.Department, "employeeNumber": new.EmployeeNumber}
		}
		return SCIMRequest{Step: "update the user (Okta replaces it with PUT)", Method: "PUT", Path: p.userPath(id), Body: body, Source: OktaDoc}
	}
	var ops []map[string]any
	add := func(path string, was, now any) {
		if was != now {
			ops = append(ops, p.op("replace", path, now))
		}
	}
	add(`emails[type eq "work"].value`, old.Email, new.Email)
	add("name.givenName", old.GivenName, new.GivenName)
	add("name.familyName", old.FamilyName, new.FamilyName)
	add("userName", old.UserName, new.UserName)
	if p.Dialect != Entra {
		add("displayName", old.DisplayName, new.DisplayName)
	}
	if p.Enterprise {
		add(urnEnterprise+":department", old.Department, new.Department)
		add(urnEnterprise+":employeeNumber", old.EmployeeNumber, new.EmployeeNumber)
	}
	add("active", old.Active, new.Active)
	return SCIMRequest{Step: "update the changed attributes with PATCH", Method: "PATCH", Path: p.userPath(id), Body: patchOp(ops...), Source: p.source()}
}

// SetActive deactivates or reactivates a user. Entra replaces path
// "active" with a JSON boolean (the compliant shape); Okta replaces
// without a path, with the value object {"active": …}.
func (p Provisioner) SetActive(id string, active bool) SCIMRequest {
	step := "deactivate the user"
	if active {
		step = "reactivate the user"
	}
	var o map[string]any
	if p.Dialect == Okta {
		o = p.op("replace", "", map[string]any{"active": active})
	} else {
		o = p.op("replace", "active", active)
	}
	return SCIMRequest{Step: step, Method: "PATCH", Path: p.userPath(id), Body: patchOp(o), Source: p.source()}
}

// DeleteUser is the hard delete. Okta never sends it (it deactivates), so
// for Okta it returns ok=false.
func (p Provisioner) DeleteUser(id string) (SCIMRequest, bool) {
	if p.Dialect == Okta {
		return SCIMRequest{}, false
	}
	return SCIMRequest{Step: "delete the user", Method: "DELETE", Path: p.userPath(id), Source: p.source()}, true
}

// LookupGroup is the query before a group is pushed. Entra excludes
// members from the answer; Okta pages.
func (p Provisioner) LookupGroup(displayName string) SCIMRequest {
	q := url.Values{"filter": {"displayName eq " + quote(displayName)}}
	switch p.Dialect {
	case Entra:
		q.Set("excludedAttributes", "members")
	case Okta:
		q.Set("startIndex", "1")
		q.Set("count", "100")
	}
	return SCIMRequest{Step: "look up the group by displayName", Method: "GET", Path: p.Groups, Query: q, Source: p.source()}
}

// CreateGroup pushes a new group. Entra sends externalId and
// meta.resourceType and adds members later; Okta sends an empty members list.
func (p Provisioner) CreateGroup(displayName, externalID string) SCIMRequest {
	body := map[string]any{"schemas": []any{urnGroup}, "displayName": displayName}
	switch p.Dialect {
	case Entra:
		body["externalId"] = externalID
		body["meta"] = map[string]any{"resourceType": "Group"}
	case Okta:
		body["members"] = []any{}
	}
	return SCIMRequest{Step: "create the group", Method: "POST", Path: p.Groups, Body: body, Source: p.source()}
}

// GetGroup reads a group; Entra asks without its members.
func (p Provisioner) GetGroup(id string) SCIMRequest {
	r := SCIMRequest{Step: "read the group", Method: "GET", Path: p.groupPath(id), Source: p.source()}
	if p.Dialect == Entra {
		r.Query = url.Values{"excludedAttributes": {"members"}}
	}
	return r
}

// AddMembers adds users to a group with one "add" of path members. Entra
// sends "$ref": null in each value; Okta sends display.
func (p Provisioner) AddMembers(groupID string, members map[string]string) SCIMRequest {
	var vals []any
	for _, id := range slices.Sorted(maps.Keys(members)) {
		v := map[string]any{"value": id}
		switch p.Dialect {
		case Entra:
			v["$ref"] = nil
		case Okta:
			v["display"] = members[id]
		}
		vals = append(vals, v)
	}
	return SCIMRequest{Step: "add members", Method: "PATCH", Path: p.groupPath(groupID),
		Body: patchOp(p.op("add", "members", vals)), Source: p.source()}
}

// RemoveMembers removes users from a group. Entra sends one "Remove" of
// path members with the members as a value list; Okta and the RFC send a
// remove with a value filter per member.
func (p Provisioner) RemoveMembers(groupID string, ids []string) SCIMRequest {
	var ops []map[string]any
	if p.Dialect == Entra {
		var vals []any
		for _, id := range ids {
			vals = append(vals, map[string]any{"$ref": nil, "value": id})
		}
		ops = append(ops, p.op("remove", "members", vals))
	} else {
		for _, id := range ids {
			ops = append(ops, p.op("remove", fmt.Sprintf("members[value eq %s]", quote(id)), nil))
		}
	}
	return SCIMRequest{Step: "remove members", Method: "PATCH", Path: p.groupPath(groupID), Body: patchOp(ops...), Source: p.source()}
}

// RenameGroup changes displayName. Okta replaces without a path and puts
// the group's own id in the value object; Entra and the RFC use path
// displayName.
func (p Provisioner) RenameGroup(groupID, name string) SCIMRequest {
	var o map[string]any
	if p.Dialect == Okta {
		o = p.op("replace", "", map[string]any{"id": groupID, "displayName": name})
	} else {
		o = p.op("replace", "displayName", name)
	}
	return SCIMRequest{Step: "rename the group", Method: "PATCH", Path: p.groupPath(groupID), Body: patchOp(o), Source: p.source()}
}

// DeleteGroup deletes a group.
func (p Provisioner) DeleteGroup(id string) SCIMRequest {
	return SCIMRequest{Step: "delete the group", Method: "DELETE", Path: p.groupPath(id), Source: p.source()}
}

// ReplaceAttributes is the shape of the Entra provisioning service after its
// SCIM 2.0 compliance fixes: one "replace" without a path whose value object
// is keyed by attribute paths ("name.givenName", "emails[type eq
// \"work\"].value", extension URNs) (EntraCompatDoc, "Request to replace
// multiple attributes").
func (p Provisioner) ReplaceAttributes(id string, values map[string]any) SCIMRequest {
	return SCIMRequest{Step: "replace several attributes without a path", Method: "PATCH", Path: p.userPath(id),
		Body: patchOp(map[string]any{"op": "replace", "value": values}), Source: EntraCompatDoc}
}

// AddWorkEmail is the "Add" Entra sends for a changed work email when its
// attribute mapping treats the value as new: a value-filtered path whose
// element exists, so the add replaces the sub-attribute.
func (p Provisioner) AddWorkEmail(id, email string) SCIMRequest {
	return SCIMRequest{Step: "change the work email with Add", Method: "PATCH", Path: p.userPath(id),
		Body: patchOp(p.op("add", `emails[type eq "work"].value`, email)), Source: EntraDoc}
}
