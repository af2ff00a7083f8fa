package scim

import (
	"fmt"
	"sync"
	"time"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// rateRequests and rateWorkers shape the burst of SCIM-RATE-001: enough to
// measure a sustained rate, few enough for a vendor's staging server.
const (
	rateRequests = 80
	rateWorkers  = 4
	rateWanted   = 25.0 // requests per second
)

// Checks of throughput: what the big IdPs' provisioning services expect.
var rateChecks = []suites.Check{
	{
		ID: "SCIM-RATE-001", Title: "The target sustains 25 requests per second, and throttles only with 429 and Retry-After",
		Spec:  "Microsoft Entra ID provisioning; RFC 6585 §4",
		Rule:  `[Entra's provisioning service sends requests in parallel and expects a SCIM endpoint to sustain at least 25 requests per second.] 429 Too Many Requests: [...] The response representations SHOULD include details explaining the condition, and MAY include a Retry-After header indicating how long to wait before making a new request.`,
		Level: suites.Should, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:robustness", "tier:extended", "dialect:entra"}, Covers: []string{"S151"},
		Run: func(t *suites.T) {
			e := Session(t)
			if max := e.Client.MaxRPS(); max > 0 && max < rateWanted {
				t.Skipf("not applicable: the run is limited to %.1f requests per second (--max-rps), below the %.0f measured", max, rateWanted)
			}
			u, _ := createUser(t, newUser(t))
			path := resourcePath(e, URNUser, u.Str("id"))
			var mu sync.Mutex
			statuses := map[int]int{}
			var noRetryAfter, transport int
			var wg sync.WaitGroup
			start := time.Now()
			for w := range rateWorkers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i < rateRequests; i += rateWorkers {
						r, err := e.Client.Do(t.Context(), target.Request{Method: "GET", Path: path, NoRetry: true}, nil)
						mu.Lock()
						switch {
						case err != nil:
							transport++
						default:
							statuses[r.Status]++
							if r.Status == 429 && r.Header.Get("Retry-After") == "" {
								noRetryAfter++
							}
						}
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			rate := float64(rateRequests) / elapsed.Seconds()
			t.Logf("%d GET %s by %d workers in %s: %.1f requests per second; statuses %v", rateRequests, path, rateWorkers, elapsed.Round(time.Millisecond), rate, statuses)
			if transport > 0 {
				t.Errorf("%d of %d requests got no answer at %.1f requests per second", transport, rateRequests, rate)
			}
			for st, n := range statuses {
				if st != 200 && st != 429 {
					t.Errorf("%d of %d requests answered %d under load; expected 200, or 429 to throttle", n, rateRequests, st)
				}
			}
			if noRetryAfter > 0 {
				t.Errorf("%d answers of 429 carry no Retry-After header; the IdP cannot tell when to come back", noRetryAfter)
			}
			if statuses[429] == 0 && rate < rateWanted {
				t.Errorf("the target answered %s at %.1f requests per second, below the %.0f the IdP's provisioning expects",
					fmt.Sprintf("%d requests", rateRequests), rate, rateWanted)
			}
		},
	},
}
