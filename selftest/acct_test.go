package selftest

import (
	"context"
	"encoding/json"
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/runner"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// acctRun runs the selection against a reference SP without its SCIM
// API (the SAML-only contract), with the accounts listing as the oracle
// when listing is set, and returns the run's outcome and the results by ID.
func acctRun(run []string, listing bool, faults ...reftarget.Fault) (*reftarget.Running, runner.Outcome, map[string]suites.Result) {
	GinkgoHelper()
	srv, err := reftarget.Start(reftarget.Options{Faults: faults})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(srv.Close)
	sc := trustMockIdP(srv, true)
	if listing {
		sc.Accounts = runner.ReferenceAccounts(srv)
	}
	out, err := runner.Run(context.Background(), runner.Config{
		Selection: suites.Selection{Run: run}, OutDir: GinkgoT().TempDir(), Parallel: 4, SAML: sc,
	})
	Expect(err).NotTo(HaveOccurred())
	byID := map[string]suites.Result{}
	for _, r := range out.Report.Results {
		byID[r.ID] = r
	}
	return srv, out, byID
}

var _ = Describe("the accounts-listing oracle (--sp-accounts-url) without SCIM", func() {
	It("lets the JIT and security suites pass against the reference SP, measuring Δu through the listing, and lists the accounts it cannot delete", func() {
		srv, out, byID := acctRun([]string{"SAML-JIT", "SAML-SEC"}, true)
		measured := 0
		for id, r := range byID {
			Expect(r.Status).NotTo(BeElementOf(suites.Failed, suites.Error), "%s: %s", id, r.Reason)
			for _, l := range r.Logs {
				if strings.Contains(l, "Δu is measured by the accounts listing") {
					measured++
					break
				}
			}
		}
		Expect(byID["SAML-JIT-001"].Status).To(Equal(suites.Passed))
		Expect(measured).To(BeNumerically(">", 20), "checks log that the listing measured Δu")

		// Every account the logins created is listed for the operator.
		Expect(out.AccountsLeft).NotTo(BeEmpty())
		data, err := os.ReadFile(out.AccountsLeft)
		Expect(err).NotTo(HaveOccurred())
		var left struct {
			Accounts []struct{ ID string } `json:"accounts"`
		}
		Expect(json.Unmarshal(data, &left)).To(Succeed())
		listed := map[string]bool{}
		for _, a := range left.Accounts {
			listed[a.ID] = true
		}
		c, err := target.New(target.Config{BaseURL: srv.URL, BearerToken: srv.Token})
		Expect(err).NotTo(HaveOccurred())
		resp, err := c.Do(context.Background(), target.Request{Path: "/Users", Query: map[string][]string{"count": {"1000"}}}, nil)
		Expect(err).NotTo(HaveOccurred())
		var users struct {
			Resources []struct{ ID string } `json:"Resources"`
		}
		Expect(resp.JSON(&users)).To(Succeed())
		Expect(users.Resources).NotTo(BeEmpty())
		for _, u := range users.Resources {
			Expect(listed).To(HaveKey(u.ID), "account %s the run left is listed in %s", u.ID, out.AccountsLeft)
		}
	})

	It("catches a JIT fault by the accounts it creates (jit-transient-keyed: a persistent account per transient login) through the listing", func() {
		_, _, withListing := acctRun([]string{"SAML-JIT-009"}, true, reftarget.FaultJITTransientKeyed)
		r := withListing["SAML-JIT-009"]
		Expect(r.Status).To(Equal(suites.Failed), "%s", r.Reason)
		Expect(r.Reason).To(ContainSubstring("Δu = +2"))
	})

	It("catches the duplicate-on-login fault with the new account in Δu", func() {
		_, _, byID := acctRun([]string{"SAML-JIT-002"}, true, reftarget.FaultJITDuplicateOnLogin)
		r := byID["SAML-JIT-002"]
		Expect(r.Status).To(Equal(suites.Failed), "%s", r.Reason)
		Expect(r.Reason).To(ContainSubstring("Δu = +1"))
	})
})
