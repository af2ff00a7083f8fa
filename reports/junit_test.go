package reports

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/suites"
)

func TestJUnitGolden(t *testing.T) {
	got := render(t, func(b *bytes.Buffer) error { return JUnit(b, sampleReport()) })
	golden(t, "junit.xml", got)
}

// decodeJUnit parses JUnit output back with a strict decoder.
func decodeJUnit(t *testing.T, data []byte) junitTestsuites {
	t.Helper()
	var doc junitTestsuites
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	require.NoError(t, dec.Decode(&doc), "junit output must be well-formed XML")
	return doc
}

func TestJUnitDecodesBack(t *testing.T) {
	data := render(t, func(b *bytes.Buffer) error { return JUnit(b, sampleReport()) })
	doc := decodeJUnit(t, data)

	assert.Equal(t, "provcheck", doc.Name)
	assert.Equal(t, 6, doc.Tests)
	assert.Equal(t, 1, doc.Failures)
	assert.Equal(t, 1, doc.Errors)
	assert.Equal(t, 1, doc.Skipped)
	assert.Equal(t, "42.500", doc.Time)

	var names []string
	for _, s := range doc.Suites {
		names = append(names, s.Name)
		assert.Equal(t, "2026-03-01T10:00:00Z", s.Timestamp)
		require.NotNil(t, s.Properties)
		props := map[string]string{}
		for _, p := range s.Properties.Props {
			props[p.Name] = p.Value
		}
		assert.Equal(t, map[string]string{
			"target": "https://scim.example.test/scim/v2", "seed": "1234567890123",
			"version": "0.1.0-test", "dialect": "entra",
		}, props)
	}
	assert.Equal(t, []string{"provcheck/users", "provcheck/patch", "provcheck/bulk", "provcheck/saml-sec", "provcheck/other"}, names)

	users := doc.Suites[0]
	assert.Equal(t, 2, users.Tests)
	assert.Equal(t, 1, users.Failures)
	assert.Equal(t, "1.620", users.Time)
	pass, fail := users.Cases[0], users.Cases[1]
	assert.Equal(t, "SCIM-USERS-001 POST /Users with minimal body creates a user", pass.Name)
	assert.Equal(t, "provcheck.users", pass.Classname)
	assert.Equal(t, "0.120", pass.Time)
	assert.Nil(t, pass.Failure)
	require.NotNil(t, fail.Failure)
	assert.Equal(t, "expected status 409 Conflict for a duplicate userName", fail.Failure.Message)
	assert.Equal(t, "must", fail.Failure.Type)
	assert.Contains(t, fail.Failure.Text, "got 201 Created")
	assert.Contains(t, fail.Failure.Text, "RFC 7644 §3.3: If the service provider")
	assert.Contains(t, fail.Failure.Text, "2. POST https://scim.example.test/scim/v2/Users -> 201")
	assert.Contains(t, fail.SystemOut.Text, "created dup-7f3a as id 43")

	warn := doc.Suites[1].Cases[0]
	assert.Nil(t, warn.Failure, "a warning passes unless strict")
	assert.True(t, strings.HasPrefix(warn.SystemOut.Text, "WARNING: displayName was cleared"), warn.SystemOut.Text)
	assert.Equal(t, 0, doc.Suites[1].Failures)

	skip := doc.Suites[2].Cases[0]
	require.NotNil(t, skip.Skipped)
	assert.Equal(t, "capability bulk is not advertised in /ServiceProviderConfig", skip.Skipped.Message)

	errCase := doc.Suites[3].Cases[0]
	require.NotNil(t, errCase.Error)
	assert.Equal(t, "harness", errCase.Error.Type)
	assert.Contains(t, errCase.Error.Text, "POST https://sp.example.test/saml/acs -> transport error: dial tcp")

	assert.Equal(t, "provcheck.other", doc.Suites[4].Cases[0].Classname)
}

func TestJUnitStrictTurnsWarningsIntoFailures(t *testing.T) {
	data := render(t, func(b *bytes.Buffer) error { return JUnitWith(b, sampleReport(), JUnitOptions{Strict: true}) })
	doc := decodeJUnit(t, data)
	assert.Equal(t, 2, doc.Failures)
	warn := doc.Suites[1].Cases[0]
	require.NotNil(t, warn.Failure)
	assert.Equal(t, "should", warn.Failure.Type)
	assert.Equal(t, "WARNING: displayName was cleared instead of kept", warn.Failure.Message)
	assert.Equal(t, 1, doc.Suites[1].Failures)
}

func TestJUnitStaysWellFormedWithHostileText(t *testing.T) {
	r := sampleReport()
	bad := "bad \x00 nul \x1b[1m esc \x7f del \u0085 nel \ufffe \xff\xfe invalid ]]> <tag> & \"quote\" \r\nend"
	r.Results[1].Reason = bad
	r.Results[1].Logs = append(r.Results[1].Logs, bad)
	r.Results[3].Reason = bad
	r.Results[0].Title = bad
	r.Run.Target = bad
	data := render(t, func(b *bytes.Buffer) error { return JUnit(b, r) })

	assert.True(t, utf8.Valid(data))
	for _, c := range []string{"\x00", "\x1b", "\x7f", "\u0085", "\ufffe"} {
		assert.NotContains(t, string(data), c)
	}
	doc := decodeJUnit(t, data)
	fail := doc.Suites[0].Cases[1].Failure
	require.NotNil(t, fail)
	assert.Equal(t, `bad \x00 nul \x1b[1m esc \x7f del \u0085 nel \ufffe `+"\ufffd\ufffd"+` invalid ]]> <tag> & "quote"`, fail.Message)
	assert.Contains(t, fail.Text, "\nend")
	assert.Contains(t, fail.Text, "invalid ]]> <tag> &", "CDATA survives a ]]> in the text")

	// Every token must decode: walk the whole document.
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
}

func TestJUnitEmptyReport(t *testing.T) {
	data := render(t, func(b *bytes.Buffer) error { return JUnit(b, suites.Report{}) })
	doc := decodeJUnit(t, data)
	assert.Equal(t, 0, doc.Tests)
	assert.Empty(t, doc.Suites)
}

func TestReportersRefuseUnknownStatus(t *testing.T) {
	r := sampleReport()
	r.Results[2].Status = "flaky"
	var buf bytes.Buffer
	for name, f := range map[string]func() error{
		"junit": func() error { return JUnit(&buf, r) },
		"json":  func() error { return JSON(&buf, r) },
		"html":  func() error { return HTML(&buf, r) },
	} {
		err := f()
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), `SCIM-PATCH-004`, name)
		assert.Contains(t, err.Error(), `unknown status "flaky"`, name)
	}
	assert.Zero(t, buf.Len(), "nothing is written on a refused report")
}
