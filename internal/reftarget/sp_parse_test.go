package reftarget

import (
	"bytes"
	"compress/flate"
	"net/http"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The probes of the parser faults: each holds on the correct SP and breaks
// with its own fault only.
func init() {
	faultProbes[FaultParseInflateUnbounded] = func(c *client) bool {
		trustTestIdP(c.t, c.s)
		enc := secRaw(c.t, signedResponse(c.t, assertion{nameID: "p-bomb"}), func(b []byte) []byte {
			return parseTestDeflate(c.t, b, 6<<20) // beyond gosaml2's 5 MiB bound
		})
		b, code := secPost(c.t, c.s, enc)
		return code == http.StatusForbidden && b.whoamiID() == "" && userCount(c.s) == 0
	}
	faultProbes[FaultParseAssertionInSignature] = func(c *client) bool {
		trustTestIdP(c.t, c.s)
		b, code := secPost(c.t, c.s, parseTestErrorDecoy(c.t, "p-decoy"))
		return code == http.StatusForbidden && b.whoamiID() == "" && userCount(c.s) == 0
	}
}

// parseTestDeflate raw-DEFLATEs b followed by spaces up to size bytes:
// b's blocks end in a sync flush and the padding's blocks, compressed once
// per size, follow (the fault probes post a bomb against every fault).
func parseTestDeflate(t testing.TB, b []byte, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	require.NoError(t, err)
	_, err = w.Write(b)
	require.NoError(t, err)
	require.NoError(t, w.Flush())
	buf.Write(parseTestPad(t, max(0, size-len(b))))
	return buf.Bytes()
}

var parseTestPads sync.Map

// parseTestPad is the raw DEFLATE stream, its last block final, of n
// spaces rounded up to a multiple of 64 KiB.
func parseTestPad(t testing.TB, n int) []byte {
	n = (n + 64<<10 - 1) &^ (64<<10 - 1)
	if v, ok := parseTestPads.Load(n); ok {
		return v.([]byte)
	}
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	require.NoError(t, err)
	_, err = w.Write(bytes.Repeat([]byte{' '}, n))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	v, _ := parseTestPads.LoadOrStore(n, buf.Bytes())
	return v.([]byte)
}

// parseTestErrorDecoy is the S19 shape: the Response, without its
// assertion and with StatusCode Requester, signed by the test IdP; a decoy
// signature after the genuine one holds the assertion for nameID in a
// ds:Object.
func parseTestErrorDecoy(t testing.TB, nameID string) string {
	t.Helper()
	key, cert := testIdPIdentity(t)
	return secEdit(t, signedResponse(t, assertion{nameID: nameID}), func(doc *etree.Document) {
		root := doc.Root()
		as := root.SelectElement("saml:Assertion")
		root.RemoveChild(as)
		root.FindElement("samlp:Status/samlp:StatusCode").CreateAttr("Value", "urn:oasis:names:tc:SAML:2.0:status:Requester")
		secSign(t, root, key, cert)
		sig := root.SelectElement("ds:Signature")
		require.NotNil(t, sig)
		decoy := sig.Copy()
		decoy.CreateElement("ds:Object").AddChild(as)
		root.InsertChildAt(sig.Index()+1, decoy)
	})
}

// TestParseRefusals: the correct SP reads UTF-8 XML only, so a DEFLATE
// payload (also one hiding a DOCTYPE from the DOCTYPE check), UTF-16 and a
// declared Latin-1 are refused; a UTF-8 byte-order mark is read as the same
// document.
func TestParseRefusals(t *testing.T) {
	s := newSP(t, Options{})
	utf16le := func(b []byte) []byte {
		out := []byte{0xFF, 0xFE}
		for _, u := range utf16.Encode([]rune(string(b))) {
			out = append(out, byte(u), byte(u>>8))
		}
		return out
	}
	cases := map[string]func([]byte) []byte{
		"deflate": func(b []byte) []byte { return parseTestDeflate(t, b, 0) },
		"deflated doctype": func(b []byte) []byte {
			return parseTestDeflate(t, append([]byte(`<!DOCTYPE samlp:Response [<!ENTITY % x SYSTEM "http://127.0.0.1:9/x">]>`+"\n"), b...), 0)
		},
		"utf-16":          utf16le,
		"declared latin1": func(b []byte) []byte { return append([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?>`), b...) },
	}
	for name, edit := range cases {
		b, code := secPost(t, s, secRaw(t, signedResponse(t, assertion{nameID: "r-" + name}), edit))
		assert.Equal(t, http.StatusForbidden, code, name)
		assert.Empty(t, b.whoamiID(), name)
	}
	assert.Equal(t, 0, userCount(s))

	b, code := secPost(t, s, secRaw(t, signedResponse(t, assertion{nameID: "r-bom"}), func(b []byte) []byte {
		return append([]byte("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>"), b...)
	}))
	assert.Equal(t, http.StatusSeeOther, code, "a UTF-8 BOM and declaration read as the same document")
	assert.NotEmpty(t, b.whoamiID())
}

// TestParseFaults: with its fault, the SP inflates the bomb and logs in
// the genuine response inside it, and takes the decoy's assertion.
func TestParseFaults(t *testing.T) {
	s := newSP(t, Options{Faults: []Fault{FaultParseInflateUnbounded}})
	enc := secRaw(t, signedResponse(t, assertion{nameID: "f-bomb"}), func(b []byte) []byte { return parseTestDeflate(t, b, 6<<20) })
	b, code := secPost(t, s, enc)
	assert.Equal(t, http.StatusSeeOther, code)
	assert.NotEmpty(t, b.whoamiID())

	s = newSP(t, Options{Faults: []Fault{FaultParseAssertionInSignature}})
	b, code = secPost(t, s, parseTestErrorDecoy(t, "f-decoy"))
	assert.Equal(t, http.StatusSeeOther, code)
	assert.NotEmpty(t, b.whoamiID())
	assert.Equal(t, 1, userCount(s))
}
