package selftest

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/provginkgo"
	"github.com/provcheck/provcheck/target"
)

// The reference target must pass every check of the catalogue, in every
// dialect, warnings included (Strict): a correct server must never be reported as failing.
var ref *reftarget.Running

var _ = BeforeSuite(func() {
	var err error
	ref, err = reftarget.Start(reftarget.Options{})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(ref.Close)
})

var _ = Describe("the reference target", func() {
	provginkgo.Specs(provginkgo.Config{
		Strict:  true,
		Dialect: "all",
		Target: func() target.Config {
			return target.Config{BaseURL: ref.URL, BearerToken: ref.Token}
		},
	})
})
