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

// patchNoContent answers every successful PATCH with 204 No Content and no
// body, which RFC 7644 §3.5.2 allows in place of 200 with the resource.
func patchNoContent(h http.Handler) http.Handler {
	return withoutBody(h, http.MethodPatch, http.StatusOK, http.StatusNoContent,
		func(r *http.Request) bool { return r.URL.Query().Has("attributes") })
}

// withoutBody answers requests of one method whose answer has status from
// with status to, the same headers and no body; other answers, and requests
// keep(r) says to leave alone, pass unchanged.
func withoutBody(h http.Handler, method string, from, to int, keep func(*http.Request) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method || (keep != nil && keep(r)) {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			if k != "Content-Type" && k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		if rec.Code == from {
			w.WriteHeader(to)
			return
		}
		w.Header().Set("Content-Type", rec.Header().Get("Content-Type"))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// The PATCH checks accept every answer the RFC allows: a target that answers
// PATCH with 204 passes them, and so does the reference target spoken to in
// Entra ID's dialect.
var _ = Describe("the reference target answering PATCH with 204 No Content", func() {
	provginkgo.Specs(provginkgo.Config{
		Strict:    true,
		Selection: suites.Selection{Run: []string{"SCIM-PATCH"}},
		Target: func() target.Config {
			srv := reftarget.New(reftarget.Options{})
			hs := httptest.NewServer(patchNoContent(srv))
			DeferCleanup(hs.Close)
			return target.Config{BaseURL: hs.URL + reftarget.BasePath, BearerToken: srv.Token()}
		},
	})
})

var _ = Describe("the reference target spoken to in Entra ID's dialect", func() {
	provginkgo.Specs(provginkgo.Config{
		Strict:    true,
		Dialect:   "entra",
		Selection: suites.Selection{Run: []string{"SCIM-PATCH"}},
		Target: func() target.Config {
			return target.Config{BaseURL: ref.URL, BearerToken: ref.Token}
		},
	})
})
