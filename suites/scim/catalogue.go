package scim

import (
	"slices"

	"github.com/provcheck/provcheck/suites"
)

// Checks returns the SCIM catalogue in a fixed order: discovery, transport,
// users, errors, data model, PATCH, projection, .search, ETag, /Me, then
// the IdP dialect packs. The slice is new on every call.
func Checks() []suites.Check {
	return slices.Concat(spcChecks, schemaChecks, transportChecks,
		createChecks, readChecks, replaceChecks, deleteChecks, groupChecks, bulkChecks, errorChecks, dataModelChecks,
		patchChecks,
		projectionChecks, searchChecks, etagChecks, meChecks,
		entraChecks, oktaChecks)
}
