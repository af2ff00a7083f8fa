package scim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDiscPlural(t *testing.T) {
	for name, ep := range map[string]string{"User": "Users", "Group": "groups", "Policy": "Policies", "Address": "Addresses", "Person": "People"} {
		assert.True(t, discPlural(name, ep), "%s → %s", name, ep)
	}
	for name, ep := range map[string]string{"User": "User", "Group": "Members", "Person": "Persone"} {
		assert.False(t, discPlural(name, ep), "%s → %s", name, ep)
	}
}
