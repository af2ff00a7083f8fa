package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"github.com/provcheck/provcheck/internal/testutil"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// run calls the CLI and returns its exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, &out, &errb)
	assert.NotContains(t, errb.String(), "goroutine ", "no stack trace")
	assert.NotContains(t, errb.String(), "panic", "no panic")
	return code, out.String(), errb.String()
}

// oneLine asserts the error output is a single line starting with provcheck.
func oneLine(t *testing.T, stderr string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	last := lines[len(lines)-1]
	assert.True(t, strings.HasPrefix(last, "provcheck"), "error line %q", last)
}

func TestRunEmbeddedTargetWritesReports(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := run(t, "run", "--run", "SCIM-DISC,SCIM-USERS-001", "--out", dir)
	require.Equal(t, exitOK, code, stderr)
	data, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	require.NoError(t, err)
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(data, &doc), "junit.xml is well-formed")
	n := 0
	for _, s := range doc.Suites {
		n += len(s.Cases)
	}
	var rep struct {
		Checks []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"checks"`
	}
	data, err = os.ReadFile(filepath.Join(dir, "report.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &rep))
	assert.Equal(t, len(rep.Checks), n, "one testcase per check")
	assert.Greater(t, n, 10)
	_, err = os.Stat(filepath.Join(dir, "report.html"))
	assert.NoError(t, err)
}

func TestRunFaultIsCaught(t *testing.T) {
	code, _, stderr := run(t, "run", "--fault", "no-uniqueness", "--run", "SCIM-USERS-008", "--out", t.TempDir())
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, "SCIM-USERS-008")
}

func TestBadUsage(t *testing.T) {
	// Bad input must not write anything: run in an empty folder and look.
	wd, err := os.Getwd()
	require.NoError(t, err)
	require.NoError(t, os.Chdir(t.TempDir()))
	defer func() { require.NoError(t, os.Chdir(wd)) }()
	defer func() {
		_, err := os.Stat("provcheck-out")
		assert.True(t, os.IsNotExist(err), "bad usage wrote provcheck-out/")
	}()
	for name, args := range map[string][]string{
		"no command":                {},
		"unknown command":           {"frobnicate"},
		"unknown flag":              {"run", "--no-such-flag"},
		"bad dialect":               {"run", "--dialect", "ldap"},
		"bad selection":             {"run", "--run", "NO-SUCH-CHECK"},
		"bad label filter":          {"run", "--label-filter", "area:users &&"},
		"bad fault":                 {"run", "--fault", "no-such-fault"},
		"bad header":                {"run", "--scim-url", "http://127.0.0.1:1/scim/v2", "--header", "novalue"},
		"bad basic":                 {"run", "--scim-url", "http://127.0.0.1:1/scim/v2", "--scim-basic", "nocolon"},
		"two credentials":           {"run", "--scim-url", "http://127.0.0.1:1/scim/v2", "--scim-basic", "a:b", "--scim-token", "x"},
		"bad url":                   {"run", "--scim-url", "ftp://example.com/scim"},
		"missing profile":           {"run", "--profile", "/no/such/profile.yaml"},
		"stray argument":            {"run", "extra"},
		"negative transcript limit": {"run", "--transcript-limit", "-1"},
		"cleanup no ledger":         {"cleanup"},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := run(t, args...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.NotEmpty(t, stderr)
		})
	}
}

func TestProfile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	t.Run("unknown key names the line and the keys", func(t *testing.T) {
		code, _, stderr := run(t, "run", "--profile", write("a.yaml", "scim-url: http://x\nscim-ulr: y\n"))
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, stderr, `line 2: unknown key "scim-ulr"`)
		oneLine(t, stderr)
	})
	t.Run("malformed YAML", func(t *testing.T) {
		code, _, stderr := run(t, "run", "--profile", write("b.yaml", "scim-url: [unclosed\n"))
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, stderr, "not valid YAML")
	})
	t.Run("unset environment variable", func(t *testing.T) {
		code, _, stderr := run(t, "run", "--profile", write("c.yaml", "scim-url: http://127.0.0.1:1/scim/v2\nscim-token: ${PROVCHECK_TEST_UNSET_VAR}\n"))
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, stderr, "PROVCHECK_TEST_UNSET_VAR is not set")
	})
	t.Run("expanded profile reaches the target", func(t *testing.T) {
		t.Setenv("PROVCHECK_TEST_TOKEN", "s3cret")
		code, _, stderr := run(t, "run", "--out", t.TempDir(), "--retries", "0", "--profile",
			write("d.yaml", "scim-url: http://127.0.0.1:1/scim/v2\nscim-token: ${PROVCHECK_TEST_TOKEN}\nheader:\n  X-Tenant: t1\n"))
		assert.Equal(t, exitUnreachable, code, stderr)
		assert.NotContains(t, stderr, "s3cret")
	})
}

func TestUnreachableKeepsEarlierReports(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := run(t, "run", "--run", "SCIM-DISC-001", "--out", dir)
	require.Equal(t, exitOK, code, stderr)
	code, _, stderr = run(t, "run", "--scim-url", "http://127.0.0.1:1/scim/v2", "--scim-token", "x", "--retries", "0", "--out", dir)
	assert.Equal(t, exitUnreachable, code)
	oneLine(t, stderr)
	assert.Contains(t, stderr, "127.0.0.1:1")
	for _, f := range []string{"junit.xml", "report.json", "report.html"} {
		_, err := os.Stat(filepath.Join(dir, f))
		assert.NoError(t, err, "%s of the earlier run is kept", f)
	}
}

func TestTLSFailure(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	code, _, stderr := run(t, "run", "--scim-url", srv.URL+"/scim/v2", "--scim-token", "x", "--retries", "0", "--out", t.TempDir())
	assert.Equal(t, exitUnreachable, code, stderr)
	oneLine(t, stderr)
	assert.Contains(t, stderr, "--ca-file")
}

func TestGarbageInsteadOfSCIM(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<!doctype html><html><body>Welcome</body></html>"))
	}))
	defer srv.Close()
	code, _, stderr := run(t, "run", "--scim-url", srv.URL+"/scim/v2", "--scim-token", "x", "--out", t.TempDir())
	assert.Equal(t, exitUsage, code, stderr)
	oneLine(t, stderr)
	assert.Contains(t, stderr, "does not look like a SCIM service")
}

func TestList(t *testing.T) {
	code, stdout, _ := run(t, "list", "--json", "--run", "SCIM-USERS-008")
	require.Equal(t, exitOK, code)
	var list []map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &list))
	require.Len(t, list, 1)
	assert.Equal(t, "SCIM-USERS-008", list[0]["id"])
	assert.Equal(t, "must", list[0]["level"])
	code, stdout, _ = run(t, "list")
	require.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "SCIM-DISC-001")
}

func TestVersion(t *testing.T) {
	code, stdout, _ := run(t, "version")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "provcheck")
}

// TestSampleProfileLoads keeps fixtures/profiles/staging.example.yaml valid:
// it must parse, expand its variable and select checks.
func TestSampleProfileLoads(t *testing.T) {
	t.Setenv("STAGING_SCIM_TOKEN", "tok")
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var tf targetFlags
	var sf selectionFlags
	tf.bind(fs)
	sf.bind(fs)
	for _, name := range []string{"out", "dialect"} {
		fs.String(name, "", "")
	}
	require.True(t, parse(fs, []string{"--profile", filepath.Join("..", "..", "fixtures", "profiles", "staging.example.yaml")}, os.Stderr))
	assert.Equal(t, "https://staging.example.com/scim/v2", tf.url)
	assert.Equal(t, "tok", tf.token)
	assert.Equal(t, []string{"X-Tenant: provcheck-qa"}, []string(tf.headers))
	assert.Equal(t, "tier:core", sf.labelFilter)
	assert.Equal(t, []string{"SCIM-DISC-014"}, []string(sf.skip))
}

func TestWrongCredentials(t *testing.T) {
	ref := startRef(t)
	code, _, stderr := run(t, "run", "--scim-url", ref.URL, "--scim-token", "wrong", "--out", t.TempDir())
	assert.Equal(t, exitUsage, code, stderr)
	oneLine(t, stderr)
	assert.Contains(t, stderr, "--scim-token")
	assert.NotContains(t, stderr, "wrong", "the token is not echoed")
}

func startRef(t *testing.T) *reftarget.Running {
	t.Helper()
	ref, err := reftarget.Start(reftarget.Options{Token: "right-token"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = ref.Close() })
	return ref
}

func TestBenchWritesMeasurements(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := run(t, "bench", "--iterations", "2", "--run", "SCIM-DISC-001,SCIM-USERS-001", "--out", dir)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "2 iterations of 2 checks")
	b, err := os.ReadFile(filepath.Join(dir, "bench.json"))
	require.NoError(t, err)
	var res struct {
		Iterations []struct {
			Checks, Requests int
		} `json:"iterations"`
		Checks []struct {
			ID string `json:"id"`
		} `json:"checks"`
		ChecksPerSecond float64 `json:"checks_per_second"`
	}
	require.NoError(t, json.Unmarshal(b, &res))
	require.Len(t, res.Iterations, 2)
	assert.Equal(t, 2, res.Iterations[1].Checks)
	assert.Positive(t, res.Iterations[0].Requests, "the checks' requests are counted")
	assert.Len(t, res.Checks, 2)
	assert.Positive(t, res.ChecksPerSecond)
	assert.FileExists(t, filepath.Join(dir, "report.json"), "the last iteration's reports stay")

	code, _, stderr = run(t, "bench", "--iterations", "0")
	assert.Equal(t, exitUsage, code)
	oneLine(t, stderr)
}

func TestRunWithBaseline(t *testing.T) {
	dir := t.TempDir()
	args := []string{"run", "--fault", "no-uniqueness", "--run", "SCIM-USERS-008,SCIM-USERS-001", "--out", dir}
	code, _, stderr := run(t, args...)
	require.Equal(t, exitFailed, code, stderr)

	// provcheck baseline turns the report into a baseline file.
	base := filepath.Join(dir, "baseline.yaml")
	code, stdout, stderr := run(t, "baseline", "--report", filepath.Join(dir, "report.json"), "--out", base)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "1 known deviations written")
	data, err := os.ReadFile(base)
	require.NoError(t, err)
	assert.Contains(t, string(data), "id: SCIM-USERS-008")

	// With it the same run passes, and says what it excused.
	code, _, stderr = run(t, append(args, "--baseline", base)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "Known deviations, excused by the baseline (1)")
	var rep struct {
		Run struct {
			Baseline struct{ File string } `json:"baseline"`
		} `json:"run"`
		Checks []struct {
			ID, Status, Baseline string
		} `json:"checks"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &rep))
	assert.Equal(t, base, rep.Run.Baseline.File)
	for _, c := range rep.Checks {
		if c.ID == "SCIM-USERS-008" {
			assert.Equal(t, "failed", c.Status, "the status stays what it was")
			assert.NotEmpty(t, c.Baseline)
		}
	}
	junit, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	require.NoError(t, err)
	assert.Contains(t, string(junit), `<skipped message="known deviation (baseline)`)

	// Without the fault the check passes: the entry can go.
	code, _, stderr = run(t, "run", "--run", "SCIM-USERS-008", "--out", dir, "--baseline", base)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "Passing now, remove from the baseline (1): SCIM-USERS-008")

	// A bad baseline is one line and nothing is written.
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("entries:\n  - {id: SCIM-NOPE-001, reason: x}\n"), 0o644))
	out2 := filepath.Join(t.TempDir(), "out")
	code, _, stderr = run(t, "run", "--baseline", bad, "--out", out2)
	assert.Equal(t, exitUsage, code)
	oneLine(t, stderr)
	assert.Contains(t, stderr, "SCIM-NOPE-001 names no check")
	assert.NoDirExists(t, out2)
	code, _, stderr = run(t, "baseline", "--report", filepath.Join(dir, "missing.json"))
	assert.Equal(t, exitUsage, code)
	oneLine(t, stderr)
}

func TestShardsMergeIntoOneReport(t *testing.T) {
	dir := t.TempDir()
	ref, err := reftarget.Start(reftarget.Options{Faults: []reftarget.Fault{reftarget.FaultNoUniqueness}})
	require.NoError(t, err)
	defer ref.Close()
	sel := "SCIM-DISC,SCIM-USERS-00?"
	var files []string
	for _, sh := range []string{"1/2", "2/2"} {
		out := filepath.Join(dir, strings.ReplaceAll(sh, "/", "-of-"))
		code, _, stderr := run(t, "run", "--scim-url", ref.URL, "--scim-token", ref.Token, "--run", sel, "--shard", sh, "--out", out)
		require.Equal(t, exitFailed, code, "SCIM-USERS-008 is in one shard and fails: %s", stderr)
		files = append(files, filepath.Join(out, "report.json"))
	}
	_, listed, _ := run(t, "list", "--run", sel)
	var order []string
	for _, l := range strings.Split(listed, "\n") {
		if strings.HasPrefix(l, "SCIM-") {
			order = append(order, strings.Fields(l)[0])
		}
	}
	want := len(order)

	merged := filepath.Join(dir, "merged")
	code, stdout, stderr := run(t, append([]string{"merge", "--out", merged}, files...)...)
	require.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stdout, fmt.Sprintf("%d checks", want))
	b, err := os.ReadFile(filepath.Join(merged, "report.json"))
	require.NoError(t, err)
	var rep struct {
		Checks []struct{ ID string } `json:"checks"`
	}
	require.NoError(t, json.Unmarshal(b, &rep))
	var ids []string
	for _, c := range rep.Checks {
		ids = append(ids, c.ID)
	}
	assert.Equal(t, order, ids, "every selected check once, in catalogue order")

	// The same shard twice is refused in one line.
	code, _, stderr = run(t, "merge", "--out", merged, files[0], files[0])
	assert.Equal(t, exitUsage, code)
	oneLine(t, stderr)
	assert.Contains(t, stderr, "is in report 1 and in report 2")
	code, _, stderr = run(t, "run", "--shard", "3/2")
	assert.Equal(t, exitUsage, code)
	oneLine(t, stderr)
}

func TestCompareWritesTheMatrix(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good"), filepath.Join(dir, "bad")
	sel := "SCIM-USERS-00?,SCIM-ENTRA-009"
	code, _, stderr := run(t, "run", "--dialect", "entra", "--run", sel, "--out", good)
	require.Equal(t, exitOK, code, stderr)
	code, _, stderr = run(t, "run", "--dialect", "entra", "--run", sel, "--fault", "remove-value-list-all", "--out", bad)
	require.Equal(t, exitFailed, code, stderr)

	out := filepath.Join(dir, "cmp")
	code, stdout, stderr := run(t, "compare", filepath.Join(good, "report.json"), "vendor-b="+filepath.Join(bad, "report.json"), "--out", out)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "good: works with entra; no check fails")
	assert.Contains(t, stdout, "vendor-b: breaks with entra; fails dialect (1)")
	for _, f := range []string{"compare.html", "compare.json"} {
		assert.FileExists(t, filepath.Join(out, f))
	}

	code, _, stderr = run(t, "compare", "--out", out, filepath.Join(good, "report.json"), filepath.Join(good, "report.json"))
	assert.Equal(t, exitUsage, code)
	oneLine(t, stderr)
	assert.Contains(t, stderr, `two reports are named "good"`)
}

func TestForceAndDiscoveryFiles(t *testing.T) {
	ref, err := reftarget.Start(reftarget.Options{NoSort: true})
	require.NoError(t, err)
	defer ref.Close()
	dir := t.TempDir()
	status := func(args ...string) (int, map[string]string) {
		t.Helper()
		out := filepath.Join(dir, "out")
		code, _, stderr := run(t, append([]string{"run", "--scim-url", ref.URL, "--scim-token", ref.Token, "--out", out}, args...)...)
		b, err := os.ReadFile(filepath.Join(out, "report.json"))
		require.NoError(t, err, stderr)
		var rep struct {
			Checks []struct{ ID, Status string } `json:"checks"`
		}
		require.NoError(t, json.Unmarshal(b, &rep))
		st := map[string]string{}
		for _, c := range rep.Checks {
			st[c.ID] = c.Status
		}
		return code, st
	}
	sel := []string{"--run", "SCIM-SORT-001,SCIM-ETAG-001"}

	code, st := status(sel...)
	assert.Equal(t, exitOK, code)
	assert.Equal(t, "skipped", st["SCIM-SORT-001"], "sort is not advertised")

	// --force=sort runs the sort check (and this target ignores sortBy).
	code, st = status(append(sel, "--force=sort")...)
	assert.Equal(t, exitFailed, code)
	assert.Equal(t, "failed", st["SCIM-SORT-001"])
	assert.Equal(t, "passed", st["SCIM-ETAG-001"], "only sort was forced")

	// A local ServiceProviderConfig stands in for the target's.
	spc := filepath.Join(dir, "spc.json")
	require.NoError(t, os.WriteFile(spc, []byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
		"patch":{"supported":true},"bulk":{"supported":false},"filter":{"supported":true,"maxResults":100},
		"changePassword":{"supported":false},"sort":{"supported":true},"etag":{"supported":false},
		"authenticationSchemes":[{"type":"oauthbearertoken","name":"Bearer","description":"b"}]}`), 0o644))
	code, st = status(append(sel, "--spc-file", spc)...)
	assert.Equal(t, exitFailed, code)
	assert.Equal(t, "failed", st["SCIM-SORT-001"], "the file says sort is supported")
	assert.Equal(t, "skipped", st["SCIM-ETAG-001"], "the file says ETags are not")

	for _, bad := range [][]string{{"--spc-file", filepath.Join(dir, "missing.json")}, {"--force=sorting"}} {
		out := filepath.Join(t.TempDir(), "out")
		code, _, stderr := run(t, append([]string{"run", "--scim-url", ref.URL, "--scim-token", ref.Token, "--out", out}, bad...)...)
		assert.Equal(t, exitUsage, code, bad)
		oneLine(t, stderr)
		assert.NoDirExists(t, out, "nothing written for %v", bad)
	}
}

func TestMockIdPServeKeepsItsIdentity(t *testing.T) {
	dir := t.TempDir()
	key, cert := filepath.Join(dir, "idp.key"), filepath.Join(dir, "idp.crt")
	serve := func() (string, string) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		var out, errb testutil.SyncBuffer
		done := make(chan int)
		go func() {
			done <- Run(ctx, []string{"mockidp", "serve", "--addr", "127.0.0.1:0", "--idp-key", key, "--idp-cert", cert}, &out, &errb)
		}()
		var metadataURL string
		require.Eventually(t, func() bool {
			for _, l := range strings.Split(out.String(), "\n") {
				if f := strings.Fields(l); len(f) == 2 && f[0] == "metadata:" {
					metadataURL = f[1]
				}
			}
			return metadataURL != ""
		}, 10*time.Second, 20*time.Millisecond, errb.String())
		r, err := http.Get(metadataURL)
		require.NoError(t, err)
		md, _ := io.ReadAll(r.Body)
		r.Body.Close()
		assert.Equal(t, 200, r.StatusCode)
		assert.Contains(t, string(md), "IDPSSODescriptor")
		cancel()
		assert.Equal(t, exitOK, <-done)
		var fp string
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(l, "certificate:") {
				fp = l
			}
		}
		return fp, out.String()
	}
	first, out := serve()
	assert.Contains(t, out, "generated and written to "+key)
	assert.FileExists(t, key)
	second, out := serve()
	assert.Contains(t, out, "loaded from "+key)
	assert.Equal(t, first, second, "a restarted IdP keeps its certificate, so the SP keeps trusting it")

	require.NoError(t, os.Remove(cert))
	code, _, stderr := run(t, "mockidp", "serve", "--addr", "127.0.0.1:0", "--idp-key", key, "--idp-cert", cert)
	assert.Equal(t, exitUsage, code)
	oneLine(t, stderr)
	code, _, stderr = run(t, "mockidp")
	assert.Equal(t, exitUsage, code)
	oneLine(t, stderr)
}

func TestReplayOfAFailedCheck(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := run(t, "run", "--fault", "no-uniqueness", "--run", "SCIM-USERS-008", "--out", dir)
	require.Equal(t, exitFailed, code, stderr)
	file := filepath.Join(dir, "replay", "SCIM-USERS-008.json")
	require.FileExists(t, file)
	require.FileExists(t, filepath.Join(dir, "replay", "SCIM-USERS-008.sh"))

	// Against a target with the same bug the failure reproduces: exit 1.
	code, stdout, stderr := run(t, "replay", file, "--fault", "no-uniqueness")
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stdout, "the failure reproduces")
	// Against a correct target the duplicate is refused: the answer differs.
	code, stdout, stderr = run(t, "replay", file)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "<- status differs")
	assert.Contains(t, stdout, "the behaviour changed")

	for _, args := range [][]string{{"replay"}, {"replay", filepath.Join(dir, "missing.json")}, {"replay", filepath.Join(dir, "report.json")}} {
		code, _, stderr = run(t, args...)
		assert.Equal(t, exitUsage, code, args)
		oneLine(t, stderr)
	}
}
