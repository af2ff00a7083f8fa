package selftest

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/runner"
	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/suites/scim"
	"github.com/provcheck/provcheck/target"
)

// caughtBy names, for every fault of the reference target, the check meant
// to catch it. Faults whose checks belong to areas not yet in the catalogue
// are listed in pending, so a fault can never be silently uncovered.
var caughtBy = map[reftarget.Fault]string{
	reftarget.FaultSPCNoSchemas:          "SCIM-DISC-001",
	reftarget.FaultSPCNoAuthSchemes:      "SCIM-DISC-003",
	reftarget.FaultSchemaMissing:         "SCIM-DISC-007",
	reftarget.FaultSchemasListMessages:   "SCIM-DISC-013",
	reftarget.FaultDiscoveryWritable:     "SCIM-DISC-014",
	reftarget.FaultJSONContentType:       "SCIM-HTTP-001",
	reftarget.FaultNoWWWAuthenticate:     "SCIM-AUTH-002",
	reftarget.FaultAuthDisabled:          "SCIM-AUTH-001",
	reftarget.FaultNoLocation:            "SCIM-USERS-003",
	reftarget.FaultClientID:              "SCIM-USERS-005",
	reftarget.FaultClientMeta:            "SCIM-USERS-006",
	reftarget.FaultNoUniqueness:          "SCIM-USERS-008",
	reftarget.FaultCaseSensitiveUserName: "SCIM-USERS-009",
	reftarget.FaultPasswordReturned:      "SCIM-USERS-012",
	reftarget.FaultNoUserNameAccepted:    "SCIM-USERS-007",
	reftarget.FaultWrongTypeAccepted:     "SCIM-USERS-013",
	reftarget.FaultExtensionDropped:      "SCIM-USERS-011",
	reftarget.FaultNonASCIIMangled:       "SCIM-HTTP-003",
	reftarget.FaultPutCreates:            "SCIM-USERS-020",
	reftarget.FaultPutKeepsOmitted:       "SCIM-USERS-019",
	reftarget.FaultPutIgnoresRequired:    "SCIM-USERS-023",
	reftarget.FaultStaleLastModified:     "SCIM-USERS-024",
	reftarget.FaultSoftDelete:            "SCIM-USERS-025",
	reftarget.FaultDeleteTwice:           "SCIM-USERS-026",
	reftarget.FaultNotFoundPlain:         "SCIM-ERR-002",
	reftarget.FaultErrorStatusInt:        "SCIM-ERR-001",
	reftarget.FaultMalformedJSON500:      "SCIM-ERR-003",
	reftarget.FaultNoScimType:            "SCIM-USERS-008",
	reftarget.FaultMissingSchemaURN:      "SCIM-USERS-015",
	reftarget.FaultCreatedAfterModified:  "SCIM-USERS-004",
	reftarget.FaultBadDateTime:           "SCIM-USERS-004",
	reftarget.FaultIDNotStable:           "SCIM-USERS-015",
	reftarget.FaultUndeclaredAttribute:   "SCIM-USERS-017",
	reftarget.FaultUserNameNotPrepared:   "SCIM-USERS-030",
	reftarget.FaultMemberReaddDropped:    "SCIM-FUZZ-002",
	reftarget.FaultThrottleNoRetryAfter:  "SCIM-RATE-001",
	reftarget.FaultUnknownParam400:       "SCIM-PAGE-009",
	reftarget.FaultContentLocationOff:    "SCIM-COMMON-005",
	reftarget.FaultSimpleSubAttributes:   "SCIM-DISC-017",
	reftarget.FaultDeletedNameConflict:   "SCIM-USERS-029",
	reftarget.FaultSchemasDuplicated:     "SCIM-COMMON-001",
	reftarget.FaultExternalIDInvented:    "SCIM-COMMON-003",
	reftarget.FaultPatchAddNoValue:       "SCIM-PATCH-030",
	reftarget.FaultInactiveHidden:        "SCIM-ENTRA-005",
	reftarget.FaultDefaultNotStored:      "SCIM-FILTER-017",
	reftarget.FaultAnyVersion:            "SCIM-HTTP-005",
	reftarget.FaultRestatedIDRejected:    "SCIM-OKTA-007",
	reftarget.FaultPutRejectsReadOnly:    "SCIM-OKTA-003",
	reftarget.FaultPathKeysIgnored:       "SCIM-ENTRA-010",
	reftarget.FaultRemoveValueListAll:    "SCIM-ENTRA-009",
	reftarget.FaultPatchReplaceAppends:   "SCIM-PATCH-014",
	reftarget.FaultPatchOpCaseSensitive:  "SCIM-PATCH-005",
	reftarget.FaultPatchRemoveNoPath:     "SCIM-PATCH-020",
	reftarget.FaultPatchFilterIgnored:    "SCIM-PATCH-016",
	reftarget.FaultPatchNotAtomic:        "SCIM-PATCH-025",
	reftarget.FaultPatchPrimaryNotUnique: "SCIM-PATCH-024",
	reftarget.FaultPatchReadOnlyAccepted: "SCIM-PATCH-023",
	reftarget.FaultSPCPatchUnadvertised:  "SCIM-PATCH-001",
	reftarget.FaultETagIgnored:           "SCIM-ETAG-004",
	reftarget.FaultProjectionIgnored:     "SCIM-PROJ-001",
	reftarget.FaultProjectionDropsAlways: "SCIM-PROJ-002",
	reftarget.FaultProjectionNever:       "SCIM-PROJ-007",
	reftarget.FaultETagHeaderMismatch:    "SCIM-ETAG-001",
	reftarget.FaultIfNoneMatchIgnored:    "SCIM-ETAG-003",
	reftarget.FaultSearchCreated:         "SCIM-SEARCH-001",
	reftarget.FaultMe500:                 "SCIM-ME-001",

	reftarget.FaultMemberLeftAfterDelete:   "SCIM-GROUPS-014",
	reftarget.FaultGroupRemoveFilterAll:    "SCIM-GROUPS-005",
	reftarget.FaultGroupDuplicateMember:    "SCIM-GROUPS-009",
	reftarget.FaultGroupExcludedMembers:    "SCIM-GROUPS-011",
	reftarget.FaultGroupAddFirstMemberOnly: "SCIM-GROUPS-004",
	reftarget.FaultGroupMemberRefWrong:     "SCIM-GROUPS-013",
	reftarget.FaultBulkNoBulkID:            "SCIM-BULK-002",
	reftarget.FaultBulkFailOnErrorsIgnored: "SCIM-BULK-004",
	reftarget.FaultBulk413Plain:            "SCIM-BULK-009",
	reftarget.FaultBulkMaxOpsIgnored:       "SCIM-BULK-008",
	reftarget.FaultBulkNoBulkIDEcho:        "SCIM-BULK-001",
	reftarget.FaultBulkErrorNoResponse:     "SCIM-BULK-005",
	reftarget.FaultFilterCaseSensitive:     "SCIM-FILTER-008",
	reftarget.FaultPagingZeroBased:         "SCIM-PAGE-001",
	reftarget.FaultSortIgnored:             "SCIM-SORT-001",
	reftarget.FaultFilterOpCaseSensitive:   "SCIM-FILTER-007",
	reftarget.FaultFilterNoMatch404:        "SCIM-FILTER-011",
	reftarget.FaultFilterTotalUnfiltered:   "SCIM-FILTER-015",
	reftarget.FaultFilterPresentEmpty:      "SCIM-FILTER-003",
	reftarget.FaultPageCountZeroIgnored:    "SCIM-PAGE-004",
	reftarget.FaultSortDescendingIgnored:   "SCIM-SORT-002",

	reftarget.FaultJITMatchOnEmail:       "SAML-JIT-005",
	reftarget.FaultJITDuplicateOnLogin:   "SAML-JIT-002",
	reftarget.FaultJITIgnoresInactive:    "SAML-SCIM-003",
	reftarget.FaultJITNoSync:             "SAML-JIT-004",
	reftarget.FaultJITIgnoresExternalID:  "SAML-SCIM-001",
	reftarget.FaultJITCreateRace:         "SAML-JIT-006",
	reftarget.FaultUniquenessRace:        "SCIM-RACE-001",
	reftarget.FaultRacePatchLostUpdate:   "SCIM-RACE-002",
	reftarget.FaultIfMatchRace:           "SCIM-RACE-003",
	reftarget.FaultRobustUserNameType500: "SCIM-ROBUST-002",
	reftarget.FaultRobustDeepNesting500:  "SCIM-ROBUST-003",
	reftarget.FaultRobustPatchPath500:    "SCIM-ROBUST-004",
	reftarget.FaultRobustContentType500:  "SCIM-ROBUST-005",
	reftarget.FaultRobustNULDrop:         "SCIM-ROBUST-005",

	// Faults that only a sequence of operations shows.
	reftarget.FaultFilterCacheStale:     "SCIM-FUZZ-001",
	reftarget.FaultPatchAfterPutClears:  "SCIM-FUZZ-001",
	reftarget.FaultDeletedStillFiltered: "SCIM-FUZZ-001",
}

// pending faults wait for the suites of later areas; none at the moment.
var pending = map[reftarget.Fault]string{}

// selftestFuzz sizes SCIM-FUZZ-001 in the self-tests: a fixed seed, so a
// fault is caught the same way on every run, many short sequences (a fault
// shows within a few steps) and a short shrink.
var selftestFuzz = scim.Fuzz{Seed: 1, Checks: 400, Steps: 6, ShrinkTime: 2 * time.Second}

// runCheck runs one check of the catalogue against a fresh reference target
// with the given faults, over loopback HTTP, and returns its result.
func runCheck(id string, faults ...reftarget.Fault) suites.Result {
	GinkgoHelper()
	return runCheckWith(id, reftarget.Options{Faults: faults})
}

// runCheckWith is runCheck against a reference target started with opts,
// whose SAML SP trusts the mock IdP (SP-initiated logins).
func runCheckWith(id string, opts reftarget.Options) suites.Result {
	GinkgoHelper()
	return runCheckFuzz(id, opts, selftestFuzz)
}

// runCheckFuzz is runCheckWith with the fuzzer's settings.
func runCheckFuzz(id string, opts reftarget.Options, fuzz scim.Fuzz) suites.Result {
	GinkgoHelper()
	srv, err := reftarget.Start(opts)
	Expect(err).NotTo(HaveOccurred())
	defer srv.Close()
	plan, err := runner.Plan(runner.Config{Selection: suites.Selection{Run: []string{id}}})
	Expect(err).NotTo(HaveOccurred())
	Expect(plan).To(HaveLen(1), "exactly one check has ID %s", id)
	led := target.NewMemoryLedger()
	client, err := target.New(target.Config{BaseURL: srv.URL, BearerToken: srv.Token, RunID: runner.NewRunID(), Ledger: led})
	Expect(err).NotTo(HaveOccurred())
	ctx := context.Background()
	disc, err := scim.Discover(ctx, client, nil)
	Expect(err).NotTo(HaveOccurred())
	envs := runner.NewEnvs(client, disc, []string{"rfc"}, true, trustMockIdP(srv, true))
	envs.SCIM.Fuzz = fuzz
	r := suites.RunOne(ctx, plan[0], suites.Options{EnvFor: envs.For, Gate: envs.Gate, Has: envs.Has})
	_, err = client.Cleanup(ctx)
	Expect(err).NotTo(HaveOccurred())
	Expect(led.Live()).To(BeEmpty(), "the check left resources behind")
	if strings.HasPrefix(id, "SAML-") {
		// Accounts the SP created at login are found, adopted and deleted.
		resp, err := client.Do(ctx, target.Request{Path: "/Users"}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(resp.Body)).To(ContainSubstring(`"totalResults":0`), "the check left accounts behind")
	}
	return r
}

var _ = Describe("fault switches of the reference target", func() {
	It("each have a check meant for them, or are listed as pending", func() {
		for _, f := range reftarget.Faults() {
			_, caught := caughtBy[f.Fault]
			_, later := pending[f.Fault]
			Expect(caught || later).To(BeTrue(), "fault %s has no check in caughtBy and is not pending", f.Fault)
			Expect(caught && later).To(BeFalse(), "fault %s is both caught and pending", f.Fault)
		}
	})

	entries := []TableEntry{}
	for f, id := range caughtBy {
		entries = append(entries, Entry(fmt.Sprintf("%s is caught by %s", f, id), f, id))
	}
	DescribeTable("are caught by the check meant for them",
		func(f reftarget.Fault, id string) {
			r := runCheck(id, f)
			Expect(r.Status).To(BeElementOf(suites.Failed, suites.Warning),
				"fault %s: %s should have caught it, but it %s: %s", f, id, r.Status, r.Reason)
			Expect(strings.TrimSpace(r.Reason)).NotTo(BeEmpty(), "a caught fault must come with a reason")
			Expect(r.Exchanges).NotTo(BeEmpty(), "a caught fault must carry the exchanges that decided it")
		},
		entries,
	)
})
