package runner

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/reports"
	"github.com/provcheck/provcheck/target"
)

func TestReplaySubstitutesAndCleansUp(t *testing.T) {
	ref, err := reftarget.Start(reftarget.Options{})
	require.NoError(t, err)
	defer ref.Close()
	rp := reports.Replay{SchemaVersion: reports.SchemaVersion, Check: "SCIM-X-001", RunID: "pc00000000", Target: "http://recorded/scim/v2",
		Steps: []reports.ReplayStep{
			{Method: "POST", Path: "/Users", Body: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"pc-r-pc00000000-a"}`,
				Headers: map[string]string{"Content-Type": "application/scim+json"}, Status: 201,
				Response: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"old-id","userName":"pc-r-pc00000000-a","active":true,"meta":{"version":"W/\"1\""}}`},
			{Method: "GET", Path: "/Users/old-id", Status: 200,
				Response: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"old-id","userName":"pc-r-pc00000000-a","active":true,"meta":{"version":"W/\"1\""}}`},
			{Method: "DELETE", Path: "/Users/not-ours", Status: 404},
		}}
	var log bytes.Buffer
	led := target.NewMemoryLedger()
	out, err := Replay(context.Background(), target.Config{BaseURL: ref.URL, BearerToken: ref.Token, Ledger: led}, rp, &log)
	require.NoError(t, err)
	require.Len(t, out.Steps, 3)
	assert.Equal(t, 201, out.Steps[0].Status)
	assert.Equal(t, 200, out.Steps[1].Status, "the GET went to the id the target assigned now")
	assert.NotContains(t, out.Steps[1].Path, "old-id")
	assert.Empty(t, out.Steps[1].Note, "the same user, the run marker and the id replaced")
	assert.Contains(t, out.Steps[2].Note, "not created by this run", "the guard refuses what the replay did not create")
	assert.Equal(t, 3, out.FirstDifference)
	assert.Equal(t, 1, out.Cleanup.Deleted)
	assert.Empty(t, led.Live(), "the replay leaves nothing behind")
	assert.Contains(t, log.String(), "step 2: GET /Users/")
}
