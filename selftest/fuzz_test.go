package selftest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/runner"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/suites/scim"
	"github.com/provcheck/provcheck/target"
)

// stepLine matches a step of the minimal sequence in a fuzzer's reason.
var stepLine = regexp.MustCompile(`(?m)^  \d+\. `)

var _ = Describe("the stateful fuzzer SCIM-FUZZ-001", func() {
	It("passes the reference target over many seeds, keeping no evidence of a pass", func() {
		for _, seed := range []uint64{1, 2, 3} {
			r := runCheckFuzz("SCIM-FUZZ-001", reftarget.Options{}, scim.Fuzz{Seed: seed, Checks: 40, Steps: 20})
			Expect(r.Status).To(Equal(suites.Passed), "seed %d: %s", seed, r.Reason)
			Expect(r.Exchanges).To(BeEmpty(), "a pass keeps no exchanges")
			Expect(r.Logs).To(ContainElement(ContainSubstring("40 sequences")))
		}
	})

	It("passes a target that keeps a deleted user's userName taken (a SHOULD, not this check's MUST)", func() {
		r := runCheckFuzz("SCIM-FUZZ-001", reftarget.Options{Faults: []reftarget.Fault{reftarget.FaultDeletedNameConflict}},
			scim.Fuzz{Seed: 3, Checks: 200, Steps: 15})
		Expect(r.Status).To(Equal(suites.Passed), r.Reason)
	})

	It("passes a reference target with small pages and without sorting", func() {
		r := runCheckFuzz("SCIM-FUZZ-001", reftarget.Options{MaxResults: 2, NoSort: true}, scim.Fuzz{Seed: 7, Checks: 30, Steps: 20})
		Expect(r.Status).To(Equal(suites.Passed), r.Reason)
	})

	It("passes a target that answers differently in the ways the RFC allows", func() {
		ref := reftarget.New(reftarget.Options{})
		hs := httptest.NewServer(rewording(ref))
		defer hs.Close()
		r := runFuzzAt(hs.URL+reftarget.BasePath, ref.Token(), scim.Fuzz{Seed: 5, Checks: 200, Steps: 15})
		Expect(r.Status).To(Equal(suites.Passed), r.Reason)
	})

	It("reports a target lost in the middle of a sequence as an error, not a failure", func() {
		ref := reftarget.New(reftarget.Options{})
		var n atomic.Int64
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) > 40 {
				panic(http.ErrAbortHandler) // the connection drops
			}
			ref.ServeHTTP(w, r)
		}))
		defer hs.Close()
		r := runFuzzAt(hs.URL+reftarget.BasePath, ref.Token(), scim.Fuzz{Seed: 1, Checks: 100})
		Expect(r.Status).To(Equal(suites.Error), r.Reason)
		Expect(r.Reason).To(ContainSubstring("the fuzzer lost the target"))
	})

	DescribeTable("shrinks a fault that only a sequence shows to a few steps",
		func(f reftarget.Fault) {
			r := runCheckFuzz("SCIM-FUZZ-001", reftarget.Options{Faults: []reftarget.Fault{f}},
				scim.Fuzz{Seed: 11, Checks: 1000, Steps: 5, ShrinkTime: 5 * time.Second})
			Expect(r.Status).To(Equal(suites.Failed), r.Reason)
			GinkgoWriter.Println(r.Reason)
			steps := len(stepLine.FindAllString(r.Reason, -1))
			Expect(steps).To(BeNumerically(">=", 2), r.Reason)
			Expect(steps).To(BeNumerically("<=", 6), r.Reason)
			Expect(r.Reason).To(ContainSubstring("reproduce: provcheck run --run SCIM-FUZZ-001 --seed "))
			Expect(r.Exchanges).NotTo(BeEmpty(), "the minimal sequence's exchanges are the evidence")
			Expect(len(r.Exchanges)).To(BeNumerically("<=", 3*steps), "only the minimal sequence's exchanges are kept")
			Expect(strings.Join(r.Logs, "\n")).To(ContainSubstring("1. "), "the replay logs one line per step")
		},
		Entry("a list cached across PUT and PATCH", reftarget.FaultFilterCacheStale),
		Entry("a PATCH after a PUT clearing title", reftarget.FaultPatchAfterPutClears),
		Entry("a deleted user left in a secondary index", reftarget.FaultDeletedStillFiltered),
	)
})

// runFuzzAt runs SCIM-FUZZ-001 against the SCIM service at base (no
// retries, a memory ledger) and returns its result.
func runFuzzAt(base, token string, fuzz scim.Fuzz) suites.Result {
	GinkgoHelper()
	client, err := target.New(target.Config{BaseURL: base, BearerToken: token,
		RunID: runner.NewRunID(), Ledger: target.NewMemoryLedger(), Retries: -1})
	Expect(err).NotTo(HaveOccurred())
	disc, err := scim.Discover(context.Background(), client, nil)
	Expect(err).NotTo(HaveOccurred())
	plan, err := runner.Plan(runner.Config{Selection: suites.Selection{Run: []string{"SCIM-FUZZ-001"}}})
	Expect(err).NotTo(HaveOccurred())
	env := &scim.Env{Client: client, Disc: disc, Dialect: "rfc", Fuzz: fuzz}
	return suites.RunOne(context.Background(), plan[0], suites.Options{Env: env, Has: env.Has})
}

// rewording wraps a correct SCIM server so that it answers as other
// correct servers do: userName and email values in lower case
// (caseExact=false lets a server canonicalise them), emails in reverse
// order with primary spelled out, an attribute of its own, and 204 with no
// body for a successful PATCH. SCIM-FUZZ-001 must pass it.
func rewording(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		if r.Method == http.MethodPatch && rec.Code == http.StatusOK {
			w.Header().Del("Content-Length")
			w.Header().Del("Content-Type")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || !strings.Contains(r.URL.Path, "/Users") {
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		reword := func(u map[string]any) {
			if n, ok := u["userName"].(string); ok {
				u["userName"] = strings.ToLower(n)
			}
			if es, ok := u["emails"].([]any); ok {
				slices.Reverse(es)
				for _, e := range es {
					m := e.(map[string]any)
					m["value"] = strings.ToLower(m["value"].(string))
					if _, ok := m["primary"]; !ok {
						m["primary"] = false
					}
				}
			}
			u["urn:example:params:scim:schemas:extension:acme:2.0:User"] = map[string]any{"tenant": "acme"}
		}
		if rs, ok := body["Resources"].([]any); ok {
			for _, x := range rs {
				reword(x.(map[string]any))
			}
		} else if _, ok := body["userName"]; ok {
			reword(body)
		}
		out, _ := json.Marshal(body)
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(out)
	})
}
