package scim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHTTPOtherVersion(t *testing.T) {
	for base, want := range map[string]string{
		"https://app.example.com/scim/v2":        "https://app.example.com/scim/v99",
		"https://app.example.com/scim/V2/":       "https://app.example.com/scim/v99",
		"https://app.example.com/api/v1/scim/v2": "https://app.example.com/api/v1/scim/v99",
		"https://app.example.com/v2/tenant/scim": "",
		"https://app.example.com/scim":           "",
		"https://app.example.com/scim/version2":  "",
		"http://127.0.0.1:8080":                  "",
	} {
		assert.Equal(t, want, httpOtherVersion(base), base)
	}
}
