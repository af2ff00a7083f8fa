package scim

import "testing"

// TestBulkNamesLimit: a 413 detail specifies the limit exceeded by its value,
// its attribute name or plain words; the generic 413 phrases do not.
func TestBulkNamesLimit(t *testing.T) {
	for _, c := range []struct {
		detail, name string
		want         bool
	}{
		{"The size of the bulk operation exceeds the maxPayloadSize (1048576).", "maxPayloadSize", true},
		{"payload over 1048576", "maxPayloadSize", true},
		{"the bulk request payload size exceeds the maximum", "maxPayloadSize", true},
		{"the request has more bytes than allowed", "maxPayloadSize", true},
		{"Number of operations in BulkRequest exceeds maxOperations limit (1000)", "maxOperations", true},
		{"too many operations", "maxOperations", true},
		{"request entity too large", "maxPayloadSize", false},
		{"Payload Too Large", "maxPayloadSize", false},
		{"Payload Too Large", "maxOperations", false},
		{"", "maxOperations", false},
	} {
		if got := bulkNamesLimit(c.detail, 1048576, c.name); got != c.want {
			t.Errorf("bulkNamesLimit(%q, %s) = %v; want %v", c.detail, c.name, got, c.want)
		}
	}
}
