package reports

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromium finds a Chromium to drive: $PROVCHECK_CHROMIUM, or Debian's.
func chromium() string {
	if p := os.Getenv("PROVCHECK_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser starts a headless Chromium and collects every console error,
// uncaught exception and browser log error (a CSP violation is one).
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	bin := chromium()
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no Chromium: .ci/run installs Debian's chromium for this test")
		}
		t.Skip("no Chromium on this machine (apt-get install chromium); CI runs this test")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })

	var mu sync.Mutex
	var problems []string
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()
	_, err := chromedp.Call(ctx, log.Enable, cdp.Empty{})
	require.NoError(t, err, "start Chromium (%s)", bin)
	_, err = chromedp.Call(ctx, runtime.Enable, cdp.Empty{})
	require.NoError(t, err)
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), problems...)
	}
}

// browserOut is where the pages and their screenshots go:
// $PROVCHECK_BROWSER_OUT (kept for a person to look at) or a temp folder.
func browserOut(t *testing.T) string {
	if d := os.Getenv("PROVCHECK_BROWSER_OUT"); d != "" {
		require.NoError(t, os.MkdirAll(d, 0o755))
		return d
	}
	return t.TempDir()
}

// TestReportPagesInChromium opens report.html and compare.html in headless
// Chromium: the filter script runs under the page's CSP, the status filters
// hide and show checks, an exchange expands, nothing is logged as an error,
// and a screenshot of each page is saved next to it.
func TestReportPagesInChromium(t *testing.T) {
	ctx, problems := browser(t)
	dir := browserOut(t)
	rep := sampleReport()
	report := filepath.Join(dir, "report.html")
	require.NoError(t, os.WriteFile(report, render(t, func(b *bytes.Buffer) error { return HTML(b, rep) }), 0o644))
	compare := filepath.Join(dir, "compare.html")
	require.NoError(t, os.WriteFile(compare, render(t, func(b *bytes.Buffer) error { return CompareHTML(b, Compare(compareSample())) }), 0o644))

	count := func(sel string) int {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
		require.NoError(t, err)
		return n
	}
	text := func(sel string) string {
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err)
		return v
	}
	click := func(sel string) {
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))))
	}
	screenshot := func(name string) {
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), shot, 0o644))
	}

	// The script unhides the filters: it ran under the page's CSP.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+report), chromedp.WaitVisible(chromedp.CSS(`.filters`))))
	total := count(`li.check`)
	require.Equal(t, len(rep.Results), total)
	require.Equal(t, total, count(`li.check:not([hidden])`), "everything shows at first")

	// Hiding the passed checks hides exactly them; the note says so.
	click(`.filters button[data-status="passed"]`)
	passed := count(`li.check[data-status="passed"]`)
	assert.Equal(t, total-passed, count(`li.check:not([hidden])`))
	assert.Zero(t, count(`li.check[data-status="passed"]:not([hidden])`))
	assert.Equal(t, fmt.Sprintf("Showing %d of %d checks.", total-passed, total), text(`.filter-note`))
	assert.Equal(t, "false", attr(t, ctx, `.filters button[data-status="passed"]`, "aria-pressed"))

	// Showing them again restores every check.
	click(`.filters button[data-status="passed"]`)
	assert.Equal(t, total, count(`li.check:not([hidden])`))

	// An exchange of the open failed check expands and shows its request.
	require.Zero(t, count(`#check-SCIM-USERS-002 details.exchange[open]`))
	click(`#check-SCIM-USERS-002 details.exchange > summary`)
	assert.Equal(t, 1, count(`#check-SCIM-USERS-002 details.exchange[open]`))
	assert.Contains(t, text(`#check-SCIM-USERS-002 details.exchange[open] pre.http`), "POST https://scim.example.test/scim/v2/Users")
	screenshot("report.png")

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+compare), chromedp.WaitVisible(chromedp.CSS(`table.matrix`))))
	assert.Equal(t, len(Compare(compareSample()).Rows), count(`section:last-of-type table.matrix tbody tr`))
	screenshot("compare.png")

	assert.Empty(t, problems(), "the pages log no errors (a CSP violation would be one)")
}

func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	require.NoError(t, err)
	return v.Value
}

// TestChromiumSeesPageErrors proves the error collector works, so the
// assertion above can fail: a console.error, an uncaught exception and a
// script the page's CSP blocks are all caught.
func TestChromiumSeesPageErrors(t *testing.T) {
	ctx, problems := browser(t)
	page := filepath.Join(t.TempDir(), "bad.html")
	require.NoError(t, os.WriteFile(page, []byte(`<!DOCTYPE html><html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-`+
		`NpK2r6ujnL5cS1K0jYiCzOBMRgeAB4Ijbh3VCYb5tnw='">
</head><body><p id="p">x</p>
<script>console.error("boom"); throw new Error("bang");</script>
</body></html>`), 0o644))
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+page), chromedp.WaitVisible(chromedp.CSS(`#p`))))
	require.Eventually(t, func() bool { return len(problems()) > 0 }, 5*time.Second, 50*time.Millisecond)
	assert.Contains(t, fmt.Sprint(problems()), "Content Security Policy", "the inline script is blocked by the CSP")
}
