package selftest

import (
	"net/http"
	"net/http/httptest"

	. "github.com/onsi/ginkgo/v2"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/provginkgo"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// createdNoBody answers every successful POST with 201 Created, the
// Location header and no body: RFC 7644 §3.3 says the body SHOULD, not
// MUST, hold the new resource.
func createdNoBody(h http.Handler) http.Handler {
	return withoutBody(h, http.MethodPost, http.StatusCreated, http.StatusCreated, nil)
}

// Checks that only use a created user or group as their starting point
// find it through the Location header of a bodiless 201, and leave nothing
// behind (provginkgo's clean-up fails the suite otherwise).
var _ = Describe("the reference target answering POST with 201 and no body", func() {
	provginkgo.Specs(provginkgo.Config{
		Strict: true,
		Selection: suites.Selection{Run: []string{
			"SCIM-USERS-015", "SCIM-USERS-018", "SCIM-USERS-025", "SCIM-USERS-026",
			"SCIM-PATCH-006", "SCIM-GROUPS-004", "SCIM-FILTER-001",
		}},
		Target: func() target.Config {
			srv := reftarget.New(reftarget.Options{})
			hs := httptest.NewServer(createdNoBody(srv))
			DeferCleanup(hs.Close)
			return target.Config{BaseURL: hs.URL + reftarget.BasePath, BearerToken: srv.Token()}
		},
	})
})
