package reports

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/suites"
)

func compareSample() []Named {
	res := func(id string, st suites.Status, labels ...string) suites.Result {
		return suites.Result{ID: id, Title: "t " + id, Level: suites.Must, Status: st, Labels: labels}
	}
	a := suites.Report{Run: suites.RunInfo{Target: "https://a.example/scim", Dialect: "rfc,entra,okta"}, Results: []suites.Result{
		res("SCIM-USERS-001", suites.Passed, "area:users"),
		res("SCIM-PATCH-001", suites.Failed, "area:patch"),
		res("SCIM-PATCH-002", suites.Failed, "area:patch"),
		res("SCIM-ENTRA-001", suites.Passed, "area:dialect", "pack:entra", "dialect:entra"),
		res("SCIM-OKTA-001", suites.Failed, "area:dialect", "pack:okta", "dialect:okta"),
	}}
	b := suites.Report{Run: suites.RunInfo{Target: "https://b.example/<scim>", Dialect: "rfc"}, Results: []suites.Result{
		res("SCIM-USERS-001", suites.Passed, "area:users"),
		res("SCIM-BULK-001", suites.Skipped, "area:bulk"),
	}}
	b.Results = append(b.Results, res("SCIM-PATCH-001", suites.Failed, "area:patch"))
	b.Results[2].Baseline = "known: RFC 7644 §3.5.2"
	return []Named{{Name: "vendor-a", Report: a}, {Name: "vendor-b", Report: b}}
}

func TestCompareMatrix(t *testing.T) {
	c := Compare(compareSample())
	require.Len(t, c.Columns, 2)
	assert.Equal(t, "works with entra; breaks with rfc and okta; fails dialect (1), patch (2)", c.Columns[0].Verdict)
	assert.Equal(t, "breaks with rfc; fails patch (1)", c.Columns[1].Verdict, "a failure a baseline excuses still counts for a buyer")

	var ids []string
	for _, r := range c.Rows {
		ids = append(ids, r.ID)
	}
	assert.Equal(t, []string{"SCIM-USERS-001", "SCIM-PATCH-001", "SCIM-PATCH-002", "SCIM-ENTRA-001", "SCIM-OKTA-001", "SCIM-BULK-001"}, ids)
	assert.Equal(t, []string{"failed", ""}, c.Rows[2].Statuses, "a check one run did not include")

	// Areas line up across columns: the union, sorted; missing ones score -1.
	var areas []string
	for _, a := range c.Columns[1].Areas {
		areas = append(areas, a.Area)
	}
	assert.Equal(t, []string{"bulk", "dialect", "patch", "users"}, areas)
	assert.Equal(t, -1, c.Columns[1].Areas[0].Score, "bulk was only skipped")
	assert.Equal(t, -1, c.Columns[1].Areas[1].Score, "vendor-b ran no dialect pack")
	assert.Equal(t, 0, c.Columns[0].Areas[2].Score)
	assert.Equal(t, 100, c.Columns[1].Areas[3].Score)
	assert.Equal(t, 0, c.Columns[1].Areas[2].Score, "the baselined failure is scored")

	var js bytes.Buffer
	require.NoError(t, CompareJSON(&js, c))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	assert.EqualValues(t, SchemaVersion, doc["schema_version"])

	var html bytes.Buffer
	require.NoError(t, CompareHTML(&html, c))
	page := html.String()
	assert.Contains(t, page, "https://b.example/&lt;scim&gt;", "target strings are escaped")
	assert.Contains(t, page, `<td class="s-failed">`)
	assert.Contains(t, page, `<td class="s-none">not run</td>`)
	assert.Contains(t, page, "Content-Security-Policy")
	assert.NotContains(t, page, "<script", "the comparison needs no script")
}
