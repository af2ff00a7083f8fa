package scim

import (
	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
)

// The Microsoft Entra ID dialect pack: the provisioning cycle as the Entra
// provisioning service runs it, with its request shapes (mockidp.EntraDoc,
// mockidp.EntraCompatDoc; recorded in fixtures/idp-requests/azuread). It
// runs with --dialect entra (or all).
var entraChecks = []suites.Check{
	{
		ID: "SCIM-ENTRA-001", Title: "Entra connection test: looking up a user no one has answers an empty ListResponse",
		Spec:  "RFC 7644 §3.4.2",
		Rule:  `[Entra's "Test Connection" and every first sync send GET /Users?filter=userName eq "…" for a user that does not exist and expect 200 with totalResults 0.] A query that matches nothing returns 200 with totalResults 0.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapFilter},
		Labels: []string{"area:dialect", "dialect:entra", "tier:entra"}, Covers: []string{"S98"}, Dialect: "entra",
		Run: dialectLookupMissing(mockidp.Entra),
	},
	{
		ID: "SCIM-ENTRA-002", Title: "Entra create: lookup, POST, then the user is found by userName and by externalId",
		Spec:  "RFC 7644 §3.3, §3.4.2.2",
		Rule:  `[Entra looks a user up by its matching attribute (userName by default, externalId when configured) before creating it, and again at every sync; the lookup must find exactly the created user.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapFilter},
		Labels: []string{"area:dialect", "dialect:entra", "tier:entra"}, Covers: []string{"S97"}, Dialect: "entra",
		Run: dialectCreateAndMatch(mockidp.Entra),
	},
	{
		ID: "SCIM-ENTRA-003", Title: `Entra update: PATCH with "Replace" ops on emails[type eq "work"].value, name.familyName, userName`,
		Spec:  "RFC 7644 §3.5.2, §3.5.2.3",
		Rule:  `Each PATCH operation object MUST have exactly one "op" member, whose value indicates the operation to perform [...] [Entra spells op values capitalised, "Replace"; RFC 7644 §3.5.2 compares them without case.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapFilter, suites.CapPatch},
		Labels: []string{"area:dialect", "dialect:entra", "tier:entra"}, Covers: []string{"S64", "S74"}, Dialect: "entra",
		Run: dialectUpdate(mockidp.Entra),
	},
	{
		ID: "SCIM-ENTRA-004", Title: `Entra deprovisioning: "Replace" active=false, then true, reads back each time`,
		Spec:  "RFC 7643 §4.1.1; RFC 7644 §3.5.2.3",
		Rule:  `[When a user is unassigned or soft-deleted, Entra sends {"op":"Replace","path":"active","value":false}; on re-assignment, true.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapFilter, suites.CapPatch},
		Labels: []string{"area:dialect", "dialect:entra", "tier:entra"}, Covers: []string{"S47"}, Dialect: "entra",
		Run: dialectActive(mockidp.Entra),
	},
	{
		ID: "SCIM-ENTRA-005", Title: "Entra: a deactivated user is still found by the lookup",
		Spec:  "RFC 7643 §4.1.1",
		Rule:  `[Entra looks the user up by its matching attribute at every sync; a server that hides deactivated users makes Entra try to create them again, which ends in 409 or duplicates.]`,
		Level: suites.Should, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapFilter, suites.CapPatch},
		Labels: []string{"area:dialect", "dialect:entra", "tier:entra"}, Covers: []string{"S47"}, Dialect: "entra",
		Run: dialectDeactivatedFound(mockidp.Entra),
	},
	{
		ID: "SCIM-ENTRA-006", Title: "Entra hard delete: DELETE answers 204, then GET 404 and the lookup finds nothing",
		Spec:  "RFC 7644 §3.6",
		Rule:  `[Entra sends DELETE /Users/{id} 30 days after a soft delete.] Service providers MUST omit the resource from future query results.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapFilter},
		Labels: []string{"area:dialect", "dialect:entra", "tier:entra"}, Covers: []string{"S45"}, Dialect: "entra",
		Run: dialectDelete(mockidp.Entra),
	},
	{
		ID: "SCIM-ENTRA-007", Title: "Entra group push: lookup with excludedAttributes=members, POST, found again, DELETE",
		Spec:  "RFC 7644 §3.3, §3.4.2, §3.6",
		Rule:  `[Entra looks a group up with GET /Groups?excludedAttributes=members&filter=displayName eq "…", creates it with externalId and meta.resourceType, and reads it without members.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapGroups, suites.CapFilter},
		Labels: []string{"area:dialect", "dialect:entra", "tier:entra"}, Covers: []string{"S48", "S97"}, Dialect: "entra",
		Run: dialectGroupPush(mockidp.Entra),
	},
	{
		ID: "SCIM-ENTRA-008", Title: `Entra group rename: "Replace" path displayName`,
		Spec:  "RFC 7644 §3.5.2.3",
		Rule:  `[Entra renames a group with {"op":"Replace","path":"displayName","value":"…"}.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapGroups, suites.CapFilter, suites.CapPatch},
		Labels: []string{"area:dialect", "dialect:entra", "tier:entra"}, Covers: []string{"S72"}, Dialect: "entra",
		Run: dialectGroupRename(mockidp.Entra),
	},
	{
		ID: "SCIM-ENTRA-009", Title: `Entra membership: "Add" members, then "Remove" path members with a value list removes only those`,
		Spec:  "RFC 7644 §3.5.2.1, §3.5.2.2",
		Rule:  `[Entra adds members with {"op":"Add","path":"members","value":[{"$ref":null,"value":"id"}]} and removes them with {"op":"Remove","path":"members","value":[{"$ref":null,"value":"id"}]}; the remove must take out only the listed members.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapGroups, suites.CapFilter, suites.CapPatch},
		Labels: []string{"area:dialect", "dialect:entra", "tier:entra"}, Covers: []string{"S51", "S54"}, Dialect: "entra",
		Run: dialectMembership(mockidp.Entra),
	},
	{
		ID: "SCIM-ENTRA-010", Title: "Entra compliant replace: one op without path, value keyed by attribute paths",
		Spec:  "RFC 7644 §3.5.2.3",
		Rule:  `If the "path" parameter is omitted, the target is assumed to be the resource itself. In this case, the "value" attribute SHALL contain a list of one or more attributes that are to be replaced. [Entra, since its SCIM compliance fixes, sends one such op whose keys are attribute paths: "name.givenName", "emails[type eq \"work\"].value", extension URNs.]`,
		Level: suites.Should, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapFilter, suites.CapPatch},
		Labels: []string{"area:dialect", "dialect:entra", "tier:entra"}, Covers: []string{"S73"}, Dialect: "entra",
		Run: dialectReplaceAttributes(mockidp.Entra),
	},
	{
		ID: "SCIM-ENTRA-011", Title: `Entra "Add" to emails[type eq "work"].value changes the work email, adds no second one`,
		Spec:  "RFC 7644 §3.5.2.1",
		Rule:  `If the target location specifies a single-valued attribute, the existing value is replaced. [Entra sends "Add" for a changed work email; the value sub-attribute of the matching email is single-valued.]`,
		Level: suites.Should, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapFilter, suites.CapPatch},
		Labels: []string{"area:dialect", "dialect:entra", "tier:entra"}, Covers: []string{"S65"}, Dialect: "entra",
		Run: dialectAddWorkEmail(mockidp.Entra),
	},
}
