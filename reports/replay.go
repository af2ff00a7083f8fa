package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/provcheck/provcheck/suites"
)

// Replay is what a failed check sent and got, as a file `provcheck replay`
// sends again to a target (the same or another) and a curl script a person
// can read: replay/<ID>.json and replay/<ID>.sh in the output folder.
type Replay struct {
	SchemaVersion int    `json:"schema_version"`
	Check         string `json:"check"`
	Title         string `json:"title"`
	Spec          string `json:"spec"`
	Status        string `json:"status"`
	Reason        string `json:"reason"`
	// Target is the base URL of the run that recorded the steps.
	Target string `json:"target"`
	// RunID is that run's marker, replaced by the replaying run's own.
	RunID string       `json:"run_id"`
	Steps []ReplayStep `json:"steps"`
}

// ReplayStep is one recorded request and the answer it got.
type ReplayStep struct {
	Method string `json:"method"`
	// Path is relative to Target: "/Users/2819c223", with its query.
	Path string `json:"path"`
	// Headers are the request headers worth sending again (Content-Type,
	// Accept, If-Match, If-None-Match); credentials are never recorded.
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
	// Status and Response are what the target answered then.
	Status   int    `json:"status"`
	Response string `json:"response,omitempty"`
	// ResponseHeaders keeps ETag and Location, which later steps may use.
	ResponseHeaders map[string]string `json:"response_headers,omitempty"`
}

// replayHeaders are the request headers a replay sends again.
var replayHeaders = []string{"Content-Type", "Accept", "If-Match", "If-None-Match"}

// ReplayOf turns a result's exchanges below the run's base URL into a
// replay; ok is false when there is nothing to replay (no such exchange).
func ReplayOf(run suites.RunInfo, res suites.Result) (Replay, bool) {
	rp := Replay{SchemaVersion: SchemaVersion, Check: res.ID, Title: res.Title, Spec: res.Spec,
		Status: string(res.Status), Reason: res.Reason, Target: run.Target, RunID: run.RunID}
	base := strings.TrimRight(run.Target, "/")
	for _, ex := range res.Exchanges {
		if base == "" || !strings.HasPrefix(ex.URL, base) || ex.Error != "" {
			continue
		}
		st := ReplayStep{Method: ex.Method, Path: strings.TrimPrefix(ex.URL, base), Body: ex.RequestBody,
			Status: ex.Status, Response: ex.ResponseBody}
		for _, h := range replayHeaders {
			if v, ok := headerValue(ex.RequestHeaders, h); ok {
				if st.Headers == nil {
					st.Headers = map[string]string{}
				}
				st.Headers[h] = v
			}
		}
		for _, h := range []string{"ETag", "Location"} {
			if v, ok := headerValue(ex.ResponseHeaders, h); ok {
				if st.ResponseHeaders == nil {
					st.ResponseHeaders = map[string]string{}
				}
				st.ResponseHeaders[h] = v
			}
		}
		rp.Steps = append(rp.Steps, st)
	}
	return rp, len(rp.Steps) > 0
}

func headerValue(h map[string]string, name string) (string, bool) {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// ReadReplay reads a replay file, with one-line errors.
func ReadReplay(path string) (Replay, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Replay{}, fmt.Errorf("replay file %s: %w", path, unwrapPath(err))
	}
	var rp Replay
	if err := json.Unmarshal(b, &rp); err != nil {
		return Replay{}, fmt.Errorf("replay file %s: not a replay (%v)", path, err)
	}
	switch {
	case rp.SchemaVersion != SchemaVersion:
		return Replay{}, fmt.Errorf("replay file %s: schema_version %d is not %d", path, rp.SchemaVersion, SchemaVersion)
	case len(rp.Steps) == 0:
		return Replay{}, fmt.Errorf("replay file %s: no steps", path)
	}
	return rp, nil
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// MarshalReplay renders a replay as indented JSON.
func MarshalReplay(rp Replay) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rp); err != nil {
		return nil, fmt.Errorf("encode replay: %w", err)
	}
	return buf.Bytes(), nil
}

// idField finds the ids a response names: its own "id" (the first one of
// a SCIM resource) and the last segment of its Location.
var idField = regexp.MustCompile(`"id"\s*:\s*"([^"\\]+)"`)

// Curl renders the replay as a bash script of curl commands. The ids the
// target assigns are captured from each answer and used by the later
// steps, and the run marker of the recorded run is kept (the resources it
// names were deleted after that run).
func (rp Replay) Curl() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "#!/usr/bin/env bash\n# %s: %s (%s), %s\n", rp.Check, oneLine(rp.Title), rp.Spec, rp.Status)
	for _, l := range strings.Split(strings.TrimSpace(rp.Reason), "\n") {
		fmt.Fprintf(&b, "#   %s\n", l)
	}
	b.WriteString("# Replays the requests of the recorded run. 'provcheck replay' sends them too, compares the\n")
	b.WriteString("# answers and cleans up; this script is for reading and for a bug report.\n")
	fmt.Fprintf(&b, "set -u\nBASE=\"${SCIM_URL:-%s}\"\nTOKEN=\"${SCIM_TOKEN:?set SCIM_TOKEN to a bearer token of the target}\"\n", shellEscape(rp.Target))
	vars := map[string]string{}
	for i, st := range rp.Steps {
		// The body goes into an unquoted here-document, so that ${IDn}
		// expands: $, ` and \ of the JSON itself are escaped first.
		path, body := st.Path, heredocEscape.Replace(st.Body)
		for old, v := range vars {
			path = strings.ReplaceAll(path, old, "${"+v+"}")
			body = strings.ReplaceAll(body, old, "${"+v+"}")
		}
		fmt.Fprintf(&b, "\n# step %d: the recorded run got %d\n", i+1, st.Status)
		fmt.Fprintf(&b, "R%d=$(curl -sS -X %s \"$BASE%s\" -H \"Authorization: Bearer $TOKEN\"", i+1, st.Method, strings.ReplaceAll(path, `"`, `\"`))
		for _, h := range replayHeaders {
			if v, ok := st.Headers[h]; ok {
				fmt.Fprintf(&b, " -H %s", shellEscape(h+": "+v))
			}
		}
		if body != "" {
			fmt.Fprintf(&b, " --data-binary \"$(cat <<PROVCHECK_BODY\n%s\nPROVCHECK_BODY\n)\"", body)
		}
		b.WriteString(")\n")
		fmt.Fprintf(&b, "printf '%%s\\n' \"$R%d\"\n", i+1)
		if m := idField.FindStringSubmatch(st.Response); m != nil && st.Method == "POST" {
			v := fmt.Sprintf("ID%d", i+1)
			if _, seen := vars[m[1]]; !seen {
				vars[m[1]] = v
				fmt.Fprintf(&b, "%s=$(printf '%%s' \"$R%d\" | sed -n 's/.*\"id\" *: *\"\\([^\"]*\\)\".*/\\1/p' | head -n 1)\n", v, i+1)
			}
		}
	}
	return []byte(b.String())
}

// heredocEscape keeps a JSON body literal inside an unquoted here-document.
var heredocEscape = strings.NewReplacer(`\`, `\\`, "$", `\$`, "`", "\\`")

func shellEscape(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
