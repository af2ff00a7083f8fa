package scim

import (
	"slices"

	"github.com/provcheck/provcheck/suites"
)

// Checks returns the SCIM catalogue in a fixed order: discovery, transport,
// users, groups, Bulk, errors, data model, PATCH, filter, paging, sort,
// projection, .search, ETag, /Me, the stateful fuzzer, concurrency, input robustness, throughput, then
// the IdP dialect packs. The slice is new on every call.
func Checks() []suites.Check {
	return slices.Concat(spcChecks, schemaChecks, transportChecks,
		createChecks, readChecks, replaceChecks, deleteChecks, commonChecks, groupChecks, bulkChecks, errorChecks, dataModelChecks,
		patchChecks, filterChecks, pageChecks, sortChecks,
		projectionChecks, searchChecks, etagChecks, meChecks, fuzzChecks, raceChecks, robustChecks, rateChecks,
		entraChecks, oktaChecks)
}
