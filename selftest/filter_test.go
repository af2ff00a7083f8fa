package selftest

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/suites"
)

// The checks that apply only to targets configured otherwise than the
// default reference target: a small filter.maxResults, no sorting. A correct
// server in that configuration must pass them, not skip them.
var _ = Describe("the reference target configured otherwise", func() {
	DescribeTable("passes the checks that need that configuration",
		func(id string, opts reftarget.Options) {
			r := runCheckWith(id, opts)
			Expect(r.Status).To(Equal(suites.Passed), "%s: %s", id, r.Reason)
		},
		Entry("filter.maxResults 5: more matches are cut at 5 with the full totalResults", "SCIM-FILTER-014", reftarget.Options{MaxResults: 5}),
		Entry("filter.maxResults 2: a large count is capped", "SCIM-PAGE-006", reftarget.Options{MaxResults: 2}),
		Entry("filter.maxResults 2: every page walked", "SCIM-PAGE-002", reftarget.Options{MaxResults: 2}),
		Entry("filter.maxResults 2: filter results are read page by page", "SCIM-FILTER-016", reftarget.Options{MaxResults: 2}),
		Entry("filter.maxResults 2: sorted results are read page by page", "SCIM-SORT-003", reftarget.Options{MaxResults: 2}),
		Entry("filter.maxResults 2: the first page starts at the first result", "SCIM-PAGE-001", reftarget.Options{MaxResults: 2}),
		Entry("filter.maxResults 2: startIndex below 1", "SCIM-PAGE-003", reftarget.Options{MaxResults: 2}),
		Entry("filter.maxResults 2: ListResponse shape", "SCIM-PAGE-008", reftarget.Options{MaxResults: 2}),
		Entry("sort.supported=false: sortBy is ignored", "SCIM-SORT-005", reftarget.Options{NoSort: true}),
		Entry("sort.supported=false: pages are walked without sortBy", "SCIM-PAGE-002", reftarget.Options{NoSort: true}),
	)
})
