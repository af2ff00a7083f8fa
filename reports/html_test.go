package reports

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/suites"
)

func TestHTMLGolden(t *testing.T) {
	got := render(t, func(b *bytes.Buffer) error { return HTML(b, sampleReport()) })
	golden(t, "report.html", got)
}

func TestHTMLIsSelfContained(t *testing.T) {
	r := sampleReport()
	// A target that puts URLs everywhere it can.
	r.Results[0].Exchanges[0].ResponseHeaders["Link"] = `<https://evil.example/x.js>; rel="preload"`
	r.Results[0].Reason = `see <img src="https://evil.example/pixel.gif"> and <a href="http://evil.example/">here</a>`
	r.Results[0].Status = suites.Failed
	page := string(render(t, func(b *bytes.Buffer) error { return HTML(b, r) }))

	// html/template escapes every "<" of data, so each "<name" is real markup.
	tag := regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	attr := regexp.MustCompile(`(?i)\s([a-z-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)
	tags := tag.FindAllString(page, -1)
	require.NotEmpty(t, tags)
	for _, tg := range tags {
		for _, m := range attr.FindAllStringSubmatch(tg, -1) {
			switch strings.ToLower(m[1]) {
			case "src", "href", "action", "formaction", "srcset", "poster", "data", "background", "cite", "xmlns":
				t.Errorf("tag %s has a %s attribute", tg, m[1])
			}
			v := strings.ToLower(html.UnescapeString(m[2]))
			assert.NotContains(t, v, "http:", tg)
			assert.NotContains(t, v, "https:", tg)
		}
	}
	for _, tag := range []string{"<link", "<img", "<iframe", "<object", "<embed", "@import", "url("} {
		assert.NotContains(t, page, tag)
	}
	assert.Contains(t, page, `&lt;img src=&#34;https://evil.example/pixel.gif&#34;&gt;`, "the URL is shown as escaped text")
	assert.Contains(t, page, `http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`)
}

func TestHTMLContainsEveryCheck(t *testing.T) {
	r := sampleReport()
	page := string(render(t, func(b *bytes.Buffer) error { return HTML(b, r) }))
	for _, res := range r.Results {
		assert.Contains(t, page, `<code class="id">`+res.ID+`</code>`)
	}
	for _, area := range []string{"users", "patch", "bulk", "saml-sec", "other"} {
		assert.Contains(t, page, `<section class="area" id="area-`+area+`"`)
	}
	// Failures, warnings and errors are open; passed and skipped are not.
	open := regexp.MustCompile(`<li class="check" id="check-([^"]+)" data-status="(\w+)">\n<details( open)?>`)
	seen := 0
	for _, m := range open.FindAllStringSubmatch(page, -1) {
		seen++
		wantOpen := m[2] == "failed" || m[2] == "warning" || m[2] == "error"
		assert.Equal(t, wantOpen, m[3] == " open", m[1])
	}
	assert.Equal(t, len(r.Results), seen)
	assert.Contains(t, page, "capability bulk is not advertised", "a skip shows its reason")
	assert.Contains(t, html.UnescapeString(page), "zoë.ångström+山田@example.test", "unicode is kept")
}

func TestHTMLEscapesTargetData(t *testing.T) {
	page := string(render(t, func(b *bytes.Buffer) error { return HTML(b, sampleReport()) }))
	assert.Equal(t, 1, strings.Count(page, "<script"), "only the page's own script")
	assert.NotContains(t, page, `<script>alert`)
	assert.Contains(t, page, `&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;`)
	assert.Contains(t, page, `\x00\x1b[31mred\x1b[0m \u0085 done`, "control characters are shown as escapes")
	assert.NotContains(t, page, "\x00")
	assert.NotContains(t, page, "\x1b")
}

func TestHTMLPrettyPrintsJSONBodies(t *testing.T) {
	page := string(render(t, func(b *bytes.Buffer) error { return HTML(b, sampleReport()) }))
	assert.Contains(t, page, "{\n  &#34;id&#34;: &#34;42&#34;,\n  &#34;userName&#34;:")
	assert.Equal(t, "not json {", prettyBody("not json {"))
	assert.Equal(t, "[\n  1,\n  2\n]", prettyBody(" [1,2] "))
}

func TestHTMLEmptyReport(t *testing.T) {
	page := string(render(t, func(b *bytes.Buffer) error { return HTML(b, suites.Report{}) }))
	assert.Contains(t, page, "No checks ran.")
	assert.Contains(t, page, "Totals: 0 checks")
}

func TestCSPMatchesInlineCode(t *testing.T) {
	page := string(render(t, func(b *bytes.Buffer) error { return HTML(b, sampleReport()) }))
	script := page[strings.Index(page, "<script>")+len("<script>") : strings.Index(page, "</script>")]
	style := page[strings.Index(page, "<style>")+len("<style>") : strings.Index(page, "</style>")]
	assert.Contains(t, htmlCSP, "script-src '"+cspHash(script)+"'")
	assert.Contains(t, htmlCSP, "style-src '"+cspHash(style)+"'")
}

func TestAnchorsAreUnique(t *testing.T) {
	used := map[string]bool{}
	assert.Equal(t, "check-A-1", anchor("check-A 1", used))
	assert.Equal(t, "check-A-1-2", anchor("check-A/1", used))
	assert.Equal(t, "x", anchor("<>", used))
	require.Len(t, used, 3)
}
