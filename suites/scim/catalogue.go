package scim

import (
	"slices"

	"github.com/provcheck/provcheck/suites"
)

// Checks returns the SCIM catalogue in a fixed order: discovery, transport,
// users, errors, data model. The slice is new on every call.
func Checks() []suites.Check {
	return slices.Concat(spcChecks, schemaChecks, transportChecks,
		createChecks, readChecks, replaceChecks, deleteChecks, errorChecks, dataModelChecks,
		filterChecks, pageChecks, sortChecks)
}
