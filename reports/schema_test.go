package reports

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/suites"
)

// TestSchemaDocumentsEveryField keeps SCHEMA.md in step with the JSON types.
func TestSchemaDocumentsEveryField(t *testing.T) {
	doc, err := os.ReadFile("SCHEMA.md")
	require.NoError(t, err)
	for _, v := range []any{jsonReport{}, jsonRun{}, jsonSummary{}, jsonCheck{}, suites.Exchange{}} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			assert.Contains(t, string(doc), "`"+name+"`", "%s.%s is not documented in SCHEMA.md", typ.Name(), typ.Field(i).Name)
		}
	}
}

// TestSchemaExampleReads checks that the example in SCHEMA.md is a valid report.
func TestSchemaExampleReads(t *testing.T) {
	doc, err := os.ReadFile("SCHEMA.md")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(doc), "## Example\n\n```json\n")
	require.True(t, ok, "SCHEMA.md has an example")
	example, _, ok := strings.Cut(rest, "```")
	require.True(t, ok)
	r, err := ReadJSON(strings.NewReader(example))
	require.NoError(t, err)
	require.Len(t, r.Results, 1)
	assert.Equal(t, suites.Failed, r.Results[0].Status)
	assert.Equal(t, uint64(1234567890123), r.Run.Seed)
}
