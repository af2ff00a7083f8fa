package reftarget

import (
	"fmt"
	"strings"
)

// Fault names one deliberate deviation from RFC 7643/7644. A server started
// with a fault behaves correctly except for the one behaviour the fault names,
// so self-tests can prove that the harness notices it.
type Fault string

// The faults the reference target can switch on.
const (
	FaultSPCNoSchemas          Fault = "spc-no-schemas"
	FaultSPCNoAuthSchemes      Fault = "spc-no-auth-schemes"
	FaultSchemaMissing         Fault = "schema-missing"
	FaultSchemasListMessages   Fault = "schemas-list-messages"
	FaultDiscoveryWritable     Fault = "discovery-writable"
	FaultJSONContentType       Fault = "json-content-type"
	FaultNoWWWAuthenticate     Fault = "no-www-authenticate"
	FaultAuthDisabled          Fault = "auth-disabled"
	FaultNoLocation            Fault = "no-location"
	FaultClientID              Fault = "client-id"
	FaultClientMeta            Fault = "client-meta"
	FaultNoUniqueness          Fault = "no-uniqueness"
	FaultCaseSensitiveUserName Fault = "case-sensitive-username"
	FaultPasswordReturned      Fault = "password-returned"
	FaultNoUserNameAccepted    Fault = "no-username-accepted"
	FaultWrongTypeAccepted     Fault = "wrong-type-accepted"
	FaultExtensionDropped      Fault = "extension-dropped"
	FaultNonASCIIMangled       Fault = "non-ascii-mangled"
	FaultPutCreates            Fault = "put-creates"
	FaultPutKeepsOmitted       Fault = "put-keeps-omitted"
	FaultPutIgnoresRequired    Fault = "put-ignores-required"
	FaultStaleLastModified     Fault = "stale-last-modified"
	FaultSoftDelete            Fault = "soft-delete"
	FaultDeleteTwice           Fault = "delete-twice"
	FaultNotFoundPlain         Fault = "not-found-plain"
	FaultErrorStatusInt        Fault = "error-status-int"
	FaultMalformedJSON500      Fault = "malformed-json-500"
	FaultNoScimType            Fault = "no-scimtype"
	FaultMissingSchemaURN      Fault = "missing-schema-urn"
	FaultCreatedAfterModified  Fault = "created-ne-modified"
	FaultBadDateTime           Fault = "bad-datetime"
	FaultIDNotStable           Fault = "id-not-stable"
	FaultUndeclaredAttribute   Fault = "undeclared-attribute"
	FaultFilterCaseSensitive   Fault = "filter-case-sensitive"
	FaultPagingZeroBased       Fault = "paging-zero-based"
	FaultSortIgnored           Fault = "sort-ignored"
	FaultETagIgnored           Fault = "etag-ignored"
	FaultPatchReplaceAppends   Fault = "patch-replace-appends"
	FaultPatchOpCaseSensitive  Fault = "patch-op-case-sensitive"
	FaultPatchRemoveNoPath     Fault = "patch-remove-without-path"
	FaultPatchFilterIgnored    Fault = "patch-filter-ignored"
	FaultPatchNotAtomic        Fault = "patch-not-atomic"
	FaultPatchPrimaryNotUnique Fault = "patch-primary-not-unique"
	FaultPatchReadOnlyAccepted Fault = "patch-readonly-accepted"
	FaultSPCPatchUnadvertised  Fault = "spc-patch-unadvertised"
	FaultMemberLeftAfterDelete Fault = "member-left-after-delete"
	FaultBulkNoBulkID          Fault = "bulk-ignores-bulkid"
	FaultUniquenessRace        Fault = "uniqueness-race"
	FaultFilterCacheStale      Fault = "filter-cache-stale"
	FaultProjectionIgnored     Fault = "projection-ignored"
	FaultInactiveHidden        Fault = "inactive-hidden"
	// FaultDefaultNotStored: the default of active is only rendered.
	FaultDefaultNotStored Fault = "default-not-stored"
	// FaultAnyVersion: /scim/v1/…, /scim/v99/… are served as /scim/v2/….
	FaultAnyVersion            Fault = "any-version"
	FaultRestatedIDRejected    Fault = "restated-id-rejected"
	FaultPutRejectsReadOnly    Fault = "put-rejects-readonly"
	FaultPathKeysIgnored       Fault = "path-keys-ignored"
	FaultRemoveValueListAll    Fault = "remove-value-list-all"
	FaultProjectionDropsAlways Fault = "projection-drops-always"
	FaultProjectionNever       Fault = "projection-returns-never"
	FaultETagHeaderMismatch    Fault = "etag-header-mismatch"
	FaultIfNoneMatchIgnored    Fault = "if-none-match-ignored"
	FaultSearchCreated         Fault = "search-created"
	FaultMe500                 Fault = "me-500"

	FaultGroupRemoveFilterAll    Fault = "group-remove-filter-removes-all"
	FaultGroupDuplicateMember    Fault = "group-duplicate-member"
	FaultGroupExcludedMembers    Fault = "group-excluded-members-ignored"
	FaultGroupAddFirstMemberOnly Fault = "group-add-first-member-only"
	FaultGroupMemberRefWrong     Fault = "group-member-ref-wrong"
	FaultBulkFailOnErrorsIgnored Fault = "bulk-fail-on-errors-ignored"
	FaultBulk413Plain            Fault = "bulk-413-plain"
	FaultBulkMaxOpsIgnored       Fault = "bulk-max-operations-ignored"
	FaultBulkNoBulkIDEcho        Fault = "bulk-no-bulkid-echo"
	FaultBulkErrorNoResponse     Fault = "bulk-error-no-response"
	FaultFilterOpCaseSensitive   Fault = "filter-op-case-sensitive"
	FaultFilterNoMatch404        Fault = "filter-no-match-404"
	FaultFilterTotalUnfiltered   Fault = "filter-total-unfiltered"
	FaultFilterPresentEmpty      Fault = "filter-pr-empty"
	FaultPageCountZeroIgnored    Fault = "page-count-zero-ignored"
	FaultSortDescendingIgnored   Fault = "sort-descending-ignored"
	FaultPatchAfterPutClears     Fault = "patch-after-put-clears-title"
	FaultDeletedStillFiltered    Fault = "deleted-still-filtered"

	// Faults of the SAML SP's JIT provisioning.
	FaultJITMatchOnEmail       Fault = "jit-match-on-email"
	FaultJITDuplicateOnLogin   Fault = "jit-duplicate-on-login"
	FaultJITIgnoresInactive    Fault = "jit-ignores-inactive"
	FaultJITNoSync             Fault = "jit-no-sync"
	FaultJITIgnoresExternalID  Fault = "jit-ignores-externalid"
	FaultJITCreateRace         Fault = "jit-create-race"
	FaultRacePatchLostUpdate   Fault = "patch-lost-update"
	FaultIfMatchRace           Fault = "if-match-race"
	FaultRobustDeepNesting500  Fault = "deep-nesting-500"
	FaultRobustUserNameType500 Fault = "username-type-500"
	FaultRobustContentType500  Fault = "content-type-500"
	FaultRobustPatchPath500    Fault = "patch-path-bracket-500"
	FaultRobustNULDrop         Fault = "nul-drops-connection"
	FaultDeletedNameConflict   Fault = "deleted-name-conflict"
	FaultSchemasDuplicated     Fault = "schemas-duplicated"
	FaultExternalIDInvented    Fault = "externalid-invented"
	FaultPatchAddNoValue       Fault = "patch-add-no-value"
	FaultUnknownParam400       Fault = "unknown-param-400"
	FaultContentLocationOff    Fault = "content-location-mismatch"
	FaultSimpleSubAttributes   Fault = "simple-subattributes"
	FaultThrottleNoRetryAfter  Fault = "throttle-no-retry-after"
	FaultMemberReaddDropped    Fault = "member-readd-dropped"
	FaultUserNameNotPrepared   Fault = "username-not-prepared"
)

// FaultInfo describes one fault.
type FaultInfo struct {
	Fault       Fault
	Description string
}

var faultInfos = []FaultInfo{
	{FaultSPCNoSchemas, "/ServiceProviderConfig omits the schemas attribute"},
	{FaultSPCNoAuthSchemes, "/ServiceProviderConfig has an empty authenticationSchemes array"},
	{FaultSchemaMissing, "the enterprise User schema is missing from /Schemas (404) though ResourceType User names it"},
	{FaultSchemasListMessages, "/Schemas also lists the PatchOp message schema"},
	{FaultDiscoveryWritable, "POST/PUT/PATCH/DELETE on discovery endpoints answer 200 instead of 405"},
	{FaultJSONContentType, "responses use Content-Type application/json instead of application/scim+json"},
	{FaultNoWWWAuthenticate, "401 responses lack the WWW-Authenticate header"},
	{FaultAuthDisabled, "requests without or with a wrong bearer token are served"},
	{FaultNoLocation, "POST responses lack the Location header"},
	{FaultClientID, "POST uses the client-supplied id"},
	{FaultClientMeta, "POST keeps client-supplied meta.created and meta.lastModified"},
	{FaultNoUniqueness, "a duplicate userName is accepted"},
	{FaultCaseSensitiveUserName, "userName uniqueness and filtering compare case-sensitively"},
	{FaultPasswordReturned, "password is returned in responses"},
	{FaultNoUserNameAccepted, "POST /Users without userName is accepted"},
	{FaultWrongTypeAccepted, "attributes with wrong JSON types are stored as given"},
	{FaultExtensionDropped, "enterprise extension data in POST/PUT is silently dropped"},
	{FaultNonASCIIMangled, "non-ASCII characters in stored strings are replaced by '?'"},
	{FaultPutCreates, "PUT to an unknown id creates the resource (201) instead of 404"},
	{FaultPutKeepsOmitted, "PUT keeps the old values of attributes omitted from the body"},
	{FaultPutIgnoresRequired, "PUT without userName is accepted and keeps the old userName"},
	{FaultStaleLastModified, "PUT and PATCH change neither meta.lastModified nor meta.version"},
	{FaultSoftDelete, "DELETE answers 204 but the resource stays readable and listed"},
	{FaultDeleteTwice, "DELETE of an unknown or deleted id answers 204 instead of 404"},
	{FaultNotFoundPlain, "404 responses have a text/plain body instead of a SCIM error"},
	{FaultErrorStatusInt, "error bodies carry status as a JSON number instead of a string"},
	{FaultMalformedJSON500, "malformed JSON bodies get 500 instead of 400"},
	{FaultNoScimType, "400 and 409 errors omit scimType"},
	{FaultMissingSchemaURN, "GET /Users/{id} returns an empty schemas list"},
	{FaultCreatedAfterModified, "on create, meta.lastModified is one hour after meta.created"},
	{FaultBadDateTime, "meta.created and meta.lastModified are not xsd:dateTime (\"2006-01-02 15:04:05\")"},
	{FaultIDNotStable, "GET /Users/{id} returns a different id than the one in the URL"},
	{FaultUndeclaredAttribute, "User responses carry an attribute (internalScore) declared in no schema"},
	{FaultFilterCaseSensitive, "filtering on userName is case-sensitive"},
	{FaultPagingZeroBased, "startIndex is treated as 0-based"},
	{FaultSortIgnored, "sortBy and sortOrder are ignored"},
	{FaultETagIgnored, "If-Match with a stale version is ignored (no 412)"},
	{FaultPatchReplaceAppends, "PATCH replace on a multi-valued attribute appends instead of replacing"},
	{FaultPatchOpCaseSensitive, "PATCH op values are matched case-sensitively: \"Replace\" and \"Add\" are refused with 400"},
	{FaultPatchRemoveNoPath, "PATCH remove without a path answers 200 and changes nothing instead of 400 noTarget"},
	{FaultPatchFilterIgnored, "the value filter of a PATCH path is ignored: emails[type eq \"work\"].value sets every email"},
	{FaultPatchNotAtomic, "a PATCH whose operation fails keeps the changes of the operations before it"},
	{FaultPatchPrimaryNotUnique, "PATCH setting primary=true on one value leaves the other values primary"},
	{FaultPatchReadOnlyAccepted, "PATCH on a readOnly attribute (groups, id) answers 200 and is ignored instead of 400 mutability"},
	{FaultSPCPatchUnadvertised, "/ServiceProviderConfig says patch.supported=false though PATCH works"},
	{FaultMemberLeftAfterDelete, "deleting a user leaves it in groups' members"},
	{FaultBulkNoBulkID, "bulkId references in Bulk data are not resolved (stored literally)"},
	{FaultUniquenessRace, "the userName uniqueness check and the insert are not atomic"},
	{FaultFilterCacheStale, "list results are cached per query and not invalidated by PUT or PATCH"},
	{FaultProjectionIgnored, "attributes and excludedAttributes are ignored"},
	{FaultInactiveHidden, "users with active=false are left out of list and filter results"},
	{FaultAnyVersion, "any protocol version in the path (/scim/v1/, /scim/v99/) is served as version 2"},
	{FaultDefaultNotStored, "a user created without active is shown as active=true, but the default is not stored, so filters on active miss it"},
	{FaultRestatedIDRejected, "a PATCH value object that restates the resource's own id is refused with 400 mutability"},
	{FaultPutRejectsReadOnly, "PUT bodies carrying readOnly attributes (id, groups, meta) are refused with 400 mutability"},
	{FaultPathKeysIgnored, "in add/replace without a path, value keys that are attribute paths (name.givenName, URN:attr, filters) are ignored"},
	{FaultRemoveValueListAll, "remove of a multi-valued attribute with a value list (Entra's member removal) removes every value"},
	{FaultProjectionDropsAlways, "excludedAttributes=id removes id, though it is returned \"always\""},
	{FaultProjectionNever, "a returned=never attribute (password) named in attributes= is returned"},
	{FaultETagHeaderMismatch, "the ETag header is a different tag from meta.version"},
	{FaultIfNoneMatchIgnored, "GET with If-None-Match of the current version answers 200, not 304"},
	{FaultSearchCreated, "POST .search answers 201 Created instead of 200"},
	{FaultMe500, "GET /Me answers 500 instead of 501 or the subject's resource"},
	{FaultGroupRemoveFilterAll, "PATCH remove members[value eq \"id\"] on a group removes every member"},
	{FaultGroupDuplicateMember, "adding a member already present appends it again (members are never de-duplicated)"},
	{FaultGroupExcludedMembers, "excludedAttributes=members is ignored on groups"},
	{FaultGroupAddFirstMemberOnly, "PATCH add members with several values adds only the first"},
	{FaultGroupMemberRefWrong, "members[].$ref of a user points at /Groups/{id} instead of /Users/{id}"},
	{FaultBulkFailOnErrorsIgnored, "failOnErrors in a BulkRequest is ignored: every operation is processed"},
	{FaultBulk413Plain, "Bulk 413 answers have a text/plain body instead of a SCIM error naming the limit"},
	{FaultBulkMaxOpsIgnored, "more Bulk operations than maxOperations are processed instead of refused with 413"},
	{FaultBulkNoBulkIDEcho, "Bulk operation results omit the bulkId of the request"},
	{FaultBulkErrorNoResponse, "failed Bulk operations carry a status but no \"response\" error body"},
	{FaultFilterOpCaseSensitive, "filter operators are recognised only in lower case (\"userName EQ\" answers 400)"},
	{FaultFilterNoMatch404, "a filtered list that matches nothing answers 404 instead of 200 with totalResults 0"},
	{FaultFilterTotalUnfiltered, "totalResults of a filtered list counts the whole collection, ignoring the filter"},
	{FaultFilterPresentEmpty, "\"pr\" treats an empty string as a present value"},
	{FaultPageCountZeroIgnored, "count=0 (and a negative count) is ignored and a full page is returned"},
	{FaultSortDescendingIgnored, "sortOrder=descending is ignored: results are always ascending"},
	{FaultPatchAfterPutClears, "the first PATCH of a user after a PUT also removes its title, unless the PATCH sets it"},
	{FaultDeletedStillFiltered, "a deleted user is still returned by filters that name an attribute other than userName or id (a stale secondary index)"},
	{FaultJITMatchOnEmail, "the SP finds the account of a login by the asserted email before the NameID (account takeover by email)"},
	{FaultJITDuplicateOnLogin, "the SP creates a new account at every login instead of finding the NameID's account"},
	{FaultJITIgnoresInactive, "the SP logs in to an account with active=false"},
	{FaultJITNoSync, "the SP declares attribute sync on login but never updates an existing account"},
	{FaultJITIgnoresExternalID, "the SP does not link a SCIM-provisioned user whose externalId is the NameID and creates a second account"},
	{FaultJITCreateRace, "the SP's find-or-create at first login is not atomic: concurrent first logins create several accounts"},
	{FaultRacePatchLostUpdate, "PATCH reads the resource, releases the lock, then writes its copy back: concurrent PATCHes lose each other's changes"},
	{FaultIfMatchRace, "PUT and PATCH check If-Match, release the lock, then write: concurrent writes with the same version all succeed"},
	{FaultRobustDeepNesting500, "a request body nested deeper than 1000 levels answers 500 (the decoder's stack overflows)"},
	{FaultRobustUserNameType500, "a userName given as a JSON array or object answers 500 instead of 400"},
	{FaultRobustContentType500, "a request body sent as text/plain, XML or a form answers 500 with a plain-text body instead of 415"},
	{FaultRobustNULDrop, "a request body with an escaped NUL character (\\u0000) makes the server close the connection without an answer"},
	{FaultRobustPatchPath500, "a PATCH path with an unbalanced \"[\" or \"]\" answers 500 instead of 400 invalidPath"},
	{FaultDeletedNameConflict, "the userName of a deleted user stays taken: creating it again answers 409"},
	{FaultSchemasDuplicated, "resources list their core schema URN twice in \"schemas\""},
	{FaultExternalIDInvented, "a user created without externalId gets one from the server (a copy of its id)"},
	{FaultPatchAddNoValue, "a PATCH add without \"value\" is accepted (200) and ignored"},
	{FaultUnknownParam400, "list requests with a query parameter the server does not know answer 400"},
	{FaultContentLocationOff, "the Content-Location header of a resource ends in a trailing \"/\" path that differs from meta.location"},
	{FaultSimpleSubAttributes, "/Schemas declares subAttributes on the simple attribute userName"},
	{FaultThrottleNoRetryAfter, "every tenth GET is answered 429 Too Many Requests without a Retry-After header"},
	{FaultMemberReaddDropped, "a member removed from a group and added again by PATCH stays out (a tombstone is never cleared)"},
	{FaultUserNameNotPrepared, "userName uniqueness compares raw strings: \"Å\" (U+00C5) and \"A\u030A\", or full-width letters, count as different"},
}

func init() { faultInfos = append(faultInfos, jitFaultInfos...) }

// Faults lists every fault with a one-line description, in a stable order.
func Faults() []FaultInfo {
	out := make([]FaultInfo, len(faultInfos))
	copy(out, faultInfos)
	return out
}

// ParseFault returns the fault named s (case-insensitive, surrounding space
// ignored). An unknown name is an error that lists the valid names.
func ParseFault(s string) (Fault, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	for _, fi := range faultInfos {
		if string(fi.Fault) == name {
			return fi.Fault, nil
		}
	}
	names := make([]string, len(faultInfos))
	for i, fi := range faultInfos {
		names[i] = string(fi.Fault)
	}
	return "", fmt.Errorf("unknown fault %q (valid: %s)", s, strings.Join(names, ", "))
}

// String returns the fault's name.
func (f Fault) String() string { return string(f) }

// Description returns the fault's one-line description, or "" for an unknown
// fault.
func (f Fault) Description() string {
	for _, fi := range faultInfos {
		if fi.Fault == f {
			return fi.Description
		}
	}
	return ""
}

// has reports whether fault f is switched on.
func (s *Server) has(f Fault) bool { return s.faults[f] }
