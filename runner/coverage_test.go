package runner

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestEveryCatalogueLineIsAccountedFor: each SCIM line of the project
// catalogue is covered by a check or has a reason, never both, never neither.
func TestEveryCatalogueLineIsAccountedFor(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range Catalogue() {
		for _, l := range c.Covers {
			covered[l] = true
		}
	}
	for _, row := range Coverage() {
		l := row[0]
		_, waived := Uncovered[l]
		assert.True(t, covered[l] || waived, "%s is neither covered by a check nor listed in Uncovered", l)
		assert.False(t, covered[l] && waived, "%s is covered by a check; remove it from Uncovered", l)
	}
}
