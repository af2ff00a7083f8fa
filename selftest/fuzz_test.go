package selftest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
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

	It("passes a reference target with small pages and without sorting", func() {
		r := runCheckFuzz("SCIM-FUZZ-001", reftarget.Options{MaxResults: 2, NoSort: true}, scim.Fuzz{Seed: 7, Checks: 30, Steps: 20})
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
		client, err := target.New(target.Config{BaseURL: hs.URL + reftarget.BasePath, BearerToken: ref.Token(),
			RunID: runner.NewRunID(), Ledger: target.NewMemoryLedger(), Retries: -1})
		Expect(err).NotTo(HaveOccurred())
		disc, err := scim.Discover(context.Background(), client, nil)
		Expect(err).NotTo(HaveOccurred())
		plan, err := runner.Plan(runner.Config{Selection: suites.Selection{Run: []string{"SCIM-FUZZ-001"}}})
		Expect(err).NotTo(HaveOccurred())
		env := &scim.Env{Client: client, Disc: disc, Dialect: "rfc", Fuzz: scim.Fuzz{Seed: 1, Checks: 100}}
		r := suites.RunOne(context.Background(), plan[0], suites.Options{Env: env, Has: env.Has})
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
