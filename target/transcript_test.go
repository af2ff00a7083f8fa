package target

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/internal/testutil"
	"github.com/provcheck/provcheck/suites"
)

func TestTranscriptLimitDropsBodiesNotExchanges(t *testing.T) {
	f := newFakeSCIM(t)
	transcript := &testutil.SyncBuffer{}
	c, _ := newTestClient(t, Config{BaseURL: f.url(), Transcript: transcript, TranscriptLimit: 2048})
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		createUser(t, c, n)
	}
	lines := strings.Split(strings.TrimSpace(transcript.String()), "\n")
	require.Len(t, lines, 6, "every exchange keeps its line")
	var first, last suites.Exchange
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	require.NoError(t, json.Unmarshal([]byte(lines[5]), &last))
	assert.Contains(t, first.RequestBody, `"userName"`, "bodies are kept up to the limit")
	assert.Equal(t, "POST", last.Method)
	assert.Equal(t, 201, last.Status)
	assert.Contains(t, last.RequestBody, "--transcript-limit", "past the limit the bodies say why they are missing")
	assert.Contains(t, last.ResponseBody, "[omitted")
	assert.NotContains(t, lines[5], `"userName"`)
}

func TestTranscriptWithoutLimitKeepsBodies(t *testing.T) {
	f := newFakeSCIM(t)
	transcript := &testutil.SyncBuffer{}
	c, _ := newTestClient(t, Config{BaseURL: f.url(), Transcript: transcript})
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		createUser(t, c, n)
	}
	assert.NotContains(t, transcript.String(), "[omitted")
	lines := strings.Split(strings.TrimSpace(transcript.String()), "\n")
	require.Len(t, lines, 6)
	for _, l := range lines {
		var ex suites.Exchange
		require.NoError(t, json.Unmarshal([]byte(l), &ex))
		assert.Contains(t, ex.RequestBody, `"userName"`)
		assert.Contains(t, ex.ResponseBody, `"userName"`)
	}
}

func TestTranscriptLimitNegativeIsRefused(t *testing.T) {
	_, err := New(Config{BaseURL: "http://127.0.0.1:1/scim/v2", Transcript: &testutil.SyncBuffer{}, TranscriptLimit: -1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "transcript limit")
}
