package scim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Env is what every SCIM check receives through suites.T.Env.
type Env struct {
	// Client talks to the target; it records exchanges and keeps the ledger.
	Client *target.Client
	// Disc is what discovery learnt about the target.
	Disc *Discovery
	// Dialect is the IdP dialect the run speaks: rfc, entra or okta.
	Dialect string
	// Authenticated is true when the run was given credentials for the target,
	// so checks of authentication make sense.
	Authenticated bool
	// UserEmail (--user-email) adds one work email to every User body a
	// check POSTs or PUTs without "emails", for targets that refuse a User
	// without an email (see withUserEmail).
	UserEmail bool
	// Fuzz sets how much the stateful fuzzer (SCIM-FUZZ-001) does.
	Fuzz Fuzz
}

// Fuzz are the settings of the stateful fuzzer. Zero values take the
// defaults, small enough for the normal catalogue run (about 15 sequences
// of 12 steps, well under two seconds against a loopback target).
type Fuzz struct {
	// Seed starts rapid's random generator; 0 draws a random seed, which
	// the check logs so a run can be repeated with --seed.
	Seed uint64
	// Checks is the number of sequences per batch (default 15).
	Checks int
	// Steps is the average number of operations of a sequence (default 12).
	Steps int
	// Time is a budget: batches of Checks sequences with successive seeds
	// run until it is spent. Zero runs one batch.
	Time time.Duration
	// ShrinkTime bounds rapid's minimisation of a failing sequence
	// (default 30s); every attempt replays a sequence against the target.
	ShrinkTime time.Duration
}

// Default fuzzer settings.
const (
	DefaultFuzzChecks = 15
	DefaultFuzzSteps  = 12
	DefaultShrinkTime = 30 * time.Second
)

// withDefaults fills in the zero settings.
func (f Fuzz) withDefaults() Fuzz {
	if f.Checks <= 0 {
		f.Checks = DefaultFuzzChecks
	}
	if f.Steps <= 0 {
		f.Steps = DefaultFuzzSteps
	}
	if f.ShrinkTime <= 0 {
		f.ShrinkTime = DefaultShrinkTime
	}
	return f
}

// Session returns the SCIM environment of a check, aborting the check with an
// error if the runner did not provide one.
func Session(t *suites.T) *Env {
	e, ok := t.Env().(*Env)
	if !ok || e == nil || e.Client == nil {
		t.Abort(fmt.Errorf("check %s needs a SCIM target but the run has none", t.Name()))
	}
	if e.Disc == nil {
		e.Disc = &Discovery{}
	}
	return e
}

// Name returns a fresh, run-unique name with the run marker: a prefix, the
// run ID and random hex, so resources of this run are recognisable and
// never collide with another run's.
func (e *Env) Name(prefix string) string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%s-%s", prefix, e.Client.RunID(), hex.EncodeToString(b))
}

// Has reports whether the target offers a capability, and if not, why.
// It is the runner's capability gate for SCIM checks.
func (e *Env) Has(c suites.Capability) (bool, string) {
	if c == suites.CapAuth {
		if !e.Authenticated {
			return false, "the run was given no credentials for the target, so refusing requests without them proves nothing"
		}
		return true, ""
	}
	return e.Disc.Has(c)
}

// URN constants of RFC 7643 and RFC 7644.
const (
	URNUser       = "urn:ietf:params:scim:schemas:core:2.0:User"
	URNGroup      = "urn:ietf:params:scim:schemas:core:2.0:Group"
	URNEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	URNSPC        = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	URNResType    = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	URNSchema     = "urn:ietf:params:scim:schemas:core:2.0:Schema"
	URNList       = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	URNError      = "urn:ietf:params:scim:api:messages:2.0:Error"
	URNPatchOp    = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	URNSearch     = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
	URNBulkReq    = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
	URNBulkResp   = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
)

// messageURNs are the API message schemas that RFC 7644 §3.1 says are not
// resources and so are not listed at /Schemas.
var messageURNs = []string{URNList, URNError, URNPatchOp, URNSearch, URNBulkReq, URNBulkResp}

func isMessageURN(s string) bool {
	for _, m := range messageURNs {
		if strings.EqualFold(m, s) {
			return true
		}
	}
	return false
}
