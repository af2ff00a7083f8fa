package scim

import (
	"github.com/provcheck/provcheck/mockidp"
	"github.com/provcheck/provcheck/suites"
)

// The Okta dialect pack: the provisioning cycle as Okta's SCIM 2.0 client
// runs it, with its request shapes (mockidp.OktaDoc; recorded in
// fixtures/idp-requests/okta). It runs with --dialect okta (or all).
var oktaChecks = []suites.Check{
	{
		ID: "SCIM-OKTA-001", Title: "Okta user-exists check: a paged lookup of an unknown userName answers an empty ListResponse",
		Spec:  "RFC 7644 §3.4.2, §3.4.2.4",
		Rule:  `[Okta checks whether a user exists with GET /Users?filter=userName eq "…"&startIndex=1&count=100 and expects 200 with totalResults 0.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapFilter},
		Labels: []string{"area:dialect", "dialect:okta", "tier:okta"}, Covers: []string{"S98"}, Dialect: "okta",
		Run: dialectLookupMissing(mockidp.Okta),
	},
	{
		ID: "SCIM-OKTA-002", Title: "Okta create: lookup, POST with password, groups [] and locale, then found by userName and externalId",
		Spec:  "RFC 7644 §3.3, §3.4.2.2",
		Rule:  `[Okta creates a user with userName, name, emails, displayName, locale, externalId, an empty groups list, the password when password sync is on, and active; then finds it by userName.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapFilter},
		Labels: []string{"area:dialect", "dialect:okta", "tier:okta"}, Covers: []string{"S23"}, Dialect: "okta",
		Run: dialectCreateAndMatch(mockidp.Okta),
	},
	{
		ID: "SCIM-OKTA-003", Title: "Okta profile update: PUT of the whole user (with id, groups [] and meta) is applied",
		Spec:  "RFC 7644 §3.5.1",
		Rule:  `[Okta pushes profile changes with PUT /Users/{id} carrying the full user, its id, an empty groups list and meta.resourceType.] readOnly values (id, groups, meta) in a PUT SHALL be ignored.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapFilter},
		Labels: []string{"area:dialect", "dialect:okta", "tier:okta"}, Covers: []string{"S40"}, Dialect: "okta",
		Run: dialectUpdate(mockidp.Okta),
	},
	{
		ID: "SCIM-OKTA-004", Title: `Okta deactivation: replace without path {"active":false}, then true, reads back each time`,
		Spec:  "RFC 7644 §3.5.2.3",
		Rule:  `If the "path" parameter is omitted, the target is assumed to be the resource itself. In this case, the "value" attribute SHALL contain a list of one or more attributes that are to be replaced. [Okta deactivates with {"op":"replace","value":{"active":false}}.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapFilter, suites.CapPatch},
		Labels: []string{"area:dialect", "dialect:okta", "tier:okta"}, Covers: []string{"S47", "S73"}, Dialect: "okta",
		Run: dialectActive(mockidp.Okta),
	},
	{
		ID: "SCIM-OKTA-005", Title: "Okta: a deactivated user is still found by the user-exists lookup",
		Spec:  "RFC 7643 §4.1.1",
		Rule:  `[Okta never deletes users: it deactivates them and, on re-assignment, looks them up and reactivates them; a server that hides deactivated users breaks reactivation.]`,
		Level: suites.Should, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapFilter, suites.CapPatch},
		Labels: []string{"area:dialect", "dialect:okta", "tier:okta"}, Covers: []string{"S47"}, Dialect: "okta",
		Run: dialectDeactivatedFound(mockidp.Okta),
	},
	{
		ID: "SCIM-OKTA-006", Title: "Okta group push: paged lookup, POST with members [], found again, DELETE",
		Spec:  "RFC 7644 §3.3, §3.4.2, §3.6",
		Rule:  `[Okta pushes a group with POST /Groups {"displayName":…,"members":[]}, finds it by displayName, and deletes it with DELETE /Groups/{id} when the push is removed.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapGroups, suites.CapFilter},
		Labels: []string{"area:dialect", "dialect:okta", "tier:okta"}, Covers: []string{"S48"}, Dialect: "okta",
		Run: dialectGroupPush(mockidp.Okta),
	},
	{
		ID: "SCIM-OKTA-007", Title: `Okta group rename: replace without path, value {"id":…, "displayName":…}`,
		Spec:  "RFC 7644 §3.5.2.3; RFC 7643 §3.1",
		Rule:  `[Okta renames a pushed group with {"op":"replace","value":{"id":"<the group's id>","displayName":"…"}}. The id is unchanged, so nothing readOnly is modified; a server that answers 400 mutability breaks Okta group push.]`,
		Level: suites.Should, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapGroups, suites.CapFilter, suites.CapPatch},
		Labels: []string{"area:dialect", "dialect:okta", "tier:okta"}, Covers: []string{"S72"}, Dialect: "okta",
		Run: dialectGroupRename(mockidp.Okta),
	},
	{
		ID: "SCIM-OKTA-008", Title: `Okta membership: add members with display, remove each with members[value eq "…"]`,
		Spec:  "RFC 7644 §3.5.2.1, §3.5.2.2",
		Rule:  `If the target location is a multi-valued attribute and a complex filter is specified based on the attribute's sub-attributes, the matching records are removed.`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers, suites.CapGroups, suites.CapFilter, suites.CapPatch},
		Labels: []string{"area:dialect", "dialect:okta", "tier:okta"}, Covers: []string{"S51", "S52"}, Dialect: "okta",
		Run: dialectMembership(mockidp.Okta),
	},
	{
		ID: "SCIM-OKTA-009", Title: "Okta import: GET /Users and /Groups with startIndex=1&count=100 answer a page of at most 100",
		Spec:  "RFC 7644 §3.4.2.4",
		Rule:  `count: Non-negative integer. Specifies the desired maximum number of query results per page [...] itemsPerPage: The number of resources returned in a list response page. [Okta imports users and groups page by page, 100 at a time.]`,
		Level: suites.Must, Kind: suites.Sequence, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:dialect", "dialect:okta", "tier:okta"}, Covers: []string{"S104"}, Dialect: "okta",
		Run: dialectImportPage(mockidp.Okta),
	},
}
