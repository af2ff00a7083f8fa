package saml

import (
	"bytes"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/provcheck/provcheck/mockidp"
)

// secParseHead is how much of an X08 payload the evidence inflates.
const secParseHead = 4 << 10

// secParseShown is the response as the evidence shows it: the XML itself
// (after a note when a byte-order mark precedes it); for a UTF-16 document
// (X05) the same text transcoded to UTF-8; for a raw
// DEFLATE payload (X08) its head, inflated under a bound, with the sizes.
// Each transformed view says so in a bracketed first line.
func secParseShown(xml []byte) string {
	if bytes.HasPrefix(xml, []byte{0xFF, 0xFE}) && len(xml)%2 == 0 {
		units := make([]uint16, 0, len(xml)/2-1)
		for i := 2; i+1 < len(xml); i += 2 {
			units = append(units, uint16(xml[i])|uint16(xml[i+1])<<8)
		}
		return fmt.Sprintf("[UTF-16LE with a byte-order mark, %d bytes as sent; shown transcoded to UTF-8]\n%s", len(xml), string(utf16.Decode(units)))
	}
	if bom := []byte("\xEF\xBB\xBF"); bytes.HasPrefix(xml, bom) {
		return "[a UTF-8 byte-order mark (EF BB BF) precedes the document]\n" + string(xml[len(bom):])
	}
	if utf8.Valid(xml) {
		return string(xml)
	}
	head, more, err := mockidp.ParseInflatedHead(xml, secParseHead)
	if err != nil {
		return string(xml)
	}
	rest := "the whole stream"
	if more {
		rest = fmt.Sprintf("the first %d bytes; the stream inflates further, far beyond any real response", secParseHead)
	}
	return fmt.Sprintf("[raw DEFLATE, %d bytes as sent; what it inflates to, %s:]\n%s", len(xml), rest, head)
}
