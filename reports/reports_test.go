package reports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/suites"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/<name>.golden, or rewrites the file with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test ./reports -update")
	assert.Equal(t, string(want), string(got), "output differs from %s; run go test ./reports -update if the change is intended", path)
}

// hostileBody is a response body a broken or malicious target might send.
const hostileBody = "<html><script>alert(\"pwned\")</script>\x00\x1b[31mred\x1b[0m \u0085 done</html>"

// sampleReport is a fixed report with a result of every status, exchanges,
// unicode, control characters and markup in target-provided data.
func sampleReport() suites.Report {
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return start.Add(time.Duration(ms) * time.Millisecond) }
	return suites.Report{
		Run: suites.RunInfo{
			Target:   "https://scim.example.test/scim/v2",
			Started:  start,
			Finished: start.Add(42*time.Second + 500*time.Millisecond),
			Seed:     1234567890123,
			Version:  "0.1.0-test",
			Dialect:  "entra",
		},
		Results: []suites.Result{
			{
				ID: "SCIM-USERS-001", Title: "POST /Users with minimal body creates a user",
				Spec: "RFC 7644 §3.3", Rule: "When the service provider successfully creates the new resource, an HTTP response SHALL be returned with HTTP status code 201 (Created).",
				Level: suites.Must, Kind: suites.Example,
				Labels: []string{"area:users", "tier:core"}, Covers: []string{"S1"},
				Status: suites.Passed, Started: at(10), Duration: 120 * time.Millisecond,
				Exchanges: []suites.Exchange{{
					Method: "POST", URL: "https://scim.example.test/scim/v2/Users",
					RequestHeaders:  map[string]string{"Content-Type": "application/scim+json", "Authorization": "Bearer [REDACTED]"},
					RequestBody:     `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"zoë.ångström+山田@example.test"}`,
					Status:          201,
					ResponseHeaders: map[string]string{"Content-Type": "application/scim+json", "Location": "https://scim.example.test/scim/v2/Users/42"},
					ResponseBody:    `{"id":"42","userName":"zoë.ångström+山田@example.test","meta":{"resourceType":"User"}}`,
					DurationMS:      95,
				}},
			},
			{
				ID: "SCIM-USERS-002", Title: "Duplicate userName is refused with 409",
				Spec: "RFC 7644 §3.3", Rule: "If the service provider determines that the creation of the requested resource conflicts with existing resources, the service provider MUST return HTTP status code 409 (Conflict).",
				Level: suites.Must, Kind: suites.Negative,
				Labels:  []string{"area:users", "dialect:entra"},
				Status:  suites.Failed,
				Reason:  "expected status 409 Conflict for a duplicate userName\ngot 201 Created: the target now holds two users named \"dup-7f3a\"",
				Logs:    []string{"created dup-7f3a as id 43", "second create returned id 44"},
				Started: at(200), Duration: 1500 * time.Millisecond,
				Exchanges: []suites.Exchange{
					{Method: "POST", URL: "https://scim.example.test/scim/v2/Users", RequestBody: `{"userName":"dup-7f3a"}`, Status: 201, ResponseBody: `{"id":"43"}`, DurationMS: 80},
					{
						Method: "POST", URL: "https://scim.example.test/scim/v2/Users", RequestBody: `{"userName":"dup-7f3a"}`,
						Status: 201, ResponseHeaders: map[string]string{"Content-Type": "text/html"},
						ResponseBody: hostileBody, DurationMS: 77,
					},
				},
			},
			{
				ID: "SCIM-PATCH-004", Title: "PATCH replace without path merges attributes",
				Spec: "RFC 7644 §3.5.2.3", Rule: "If the \"path\" parameter is omitted, the target is assumed to be the resource itself.",
				Level: suites.Should, Kind: suites.Property,
				Labels:  []string{"area:patch", "cap:patch"},
				Status:  suites.Warning,
				Reason:  "displayName was cleared instead of kept\nseed 99, 3 steps after shrinking",
				Started: at(2000), Duration: 2250 * time.Millisecond,
				Exchanges: []suites.Exchange{{
					Method: "PATCH", URL: "https://scim.example.test/scim/v2/Users/42",
					RequestBody: `{"Operations":[{"op":"replace","value":{"title":"Ingénieur ☃"}}]}`,
					Status:      200, ResponseBody: `{"id":"42","title":"Ingénieur ☃"}`, DurationMS: 60,
				}},
			},
			{
				ID: "SCIM-BULK-001", Title: "Bulk request with two operations",
				Spec: "RFC 7644 §3.7", Level: suites.Must, Kind: suites.Example,
				Labels: []string{"area:bulk"},
				Status: suites.Skipped, Reason: "capability bulk is not advertised in /ServiceProviderConfig",
				Started: at(4300),
			},
			{
				ID: "SAML-SEC-XSW-4", Title: "Wrapped assertion is rejected",
				Spec: "SAML Core §5.4", Rule: "The signature MUST cover the assertion that is used.",
				Level: suites.Must, Kind: suites.Negative,
				Labels: []string{"area:saml-sec", "dialect:okta"},
				Status: suites.Error, Reason: "post to ACS: dial tcp 10.0.0.7:443: connect: connection refused",
				Started: at(4400), Duration: 3 * time.Second,
				Exchanges: []suites.Exchange{{
					Method: "POST", URL: "https://sp.example.test/saml/acs",
					RequestHeaders: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
					RequestBody:    "SAMLResponse=PHNhbWxwOlJlc3BvbnNlLz4%3D&RelayState=%2Fhome",
					Error:          "dial tcp 10.0.0.7:443: connect: connection refused", DurationMS: 3000,
				}},
			},
			{
				ID: "MISC-001", Title: "Catalogue sanity", Spec: "provcheck", Level: suites.Should, Kind: suites.Example,
				Status: suites.Passed, Started: at(7500), Duration: 1234 * time.Microsecond,
				Logs: []string{"no area label: grouped under other"},
			},
		},
	}
}

func render(t *testing.T, f func(*bytes.Buffer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, f(&buf))
	return buf.Bytes()
}

func TestBaselinedFailureInEveryReport(t *testing.T) {
	rep := sampleReport()
	rep.Results[1].Baseline = "RFC 7644 §3.3: <duplicates> accepted"
	rep.Run.Baseline = suites.BaselineInfo{File: "known.yaml", Fixed: []string{"SCIM-DISC-001"}}

	html := string(render(t, func(b *bytes.Buffer) error { return HTML(b, rep) }))
	assert.Contains(t, html, "known deviation")
	assert.Contains(t, html, "RFC 7644 §3.3: &lt;duplicates&gt; accepted")
	assert.Contains(t, html, "<code>known.yaml</code>")

	junit := string(render(t, func(b *bytes.Buffer) error { return JUnit(b, rep) }))
	assert.Contains(t, junit, `<skipped message="known deviation (baseline): RFC 7644 §3.3: &lt;duplicates&gt; accepted">`)

	var out bytes.Buffer
	(&Console{W: &out}).Summary(rep, nil)
	assert.Contains(t, out.String(), "Known deviations, excused by the baseline (1):\n  "+rep.Results[1].ID)
	assert.Contains(t, out.String(), "Passing now, remove from the baseline (1): SCIM-DISC-001")
	assert.NotContains(t, out.String(), "Failed (1)", "the excused failure is not listed as a failure")
}
