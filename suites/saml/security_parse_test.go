package saml

import (
	"bytes"
	"compress/flate"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSecParseShown: the evidence shows XML as sent, a BOM and UTF-16 with
// a note, and a DEFLATE payload by its bounded head.
func TestSecParseShown(t *testing.T) {
	doc := `<?xml version="1.0"?><samlp:Response/>`
	assert.Equal(t, doc, secParseShown([]byte(doc)))
	assert.Equal(t, "[a UTF-8 byte-order mark (EF BB BF) precedes the document]\n"+doc, secParseShown(append([]byte("\xEF\xBB\xBF"), doc...)))

	wide := []byte{0xFF, 0xFE}
	for _, r := range doc {
		wide = append(wide, byte(r), 0)
	}
	assert.Equal(t, "[UTF-16LE with a byte-order mark, 78 bytes as sent; shown transcoded to UTF-8]\n"+doc, secParseShown(wide))

	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	require.NoError(t, err)
	_, err = w.Write([]byte(doc + strings.Repeat(" ", 1<<20)))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	shown := secParseShown(buf.Bytes())
	assert.True(t, strings.HasPrefix(shown, "[raw DEFLATE, "), shown[:40])
	assert.Contains(t, shown, "the first 4096 bytes; the stream inflates further")
	assert.Contains(t, shown, doc)
	assert.Less(t, len(shown), secParseHead+200)

	assert.Equal(t, "\xff\x00junk", secParseShown([]byte("\xff\x00junk")), "neither XML nor DEFLATE: as sent")
}
