package reftarget

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
)

// JSON objects are written with their keys in a readable order: schemas and
// id first, meta and the big arrays last, the rest alphabetically, so that
// transcripts in reports read like the RFC examples. Order has no meaning in
// JSON; this is cosmetic.

var keyRank = map[string]int{}

func init() {
	first := []string{"schemas", "id", "externalId", "status", "scimType", "detail",
		"totalResults", "itemsPerPage", "startIndex", "method", "bulkId", "location", "version",
		"userName", "name", "displayName", "value", "display", "type", "primary", "$ref"}
	for i, k := range first {
		keyRank[k] = i - len(first) - 10
	}
	for i, k := range []string{"meta", "Resources", "Operations", "response"} {
		keyRank[k] = 10 + i
	}
}

func rank(k string) int {
	if r, ok := keyRank[k]; ok {
		return r
	}
	if strings.HasPrefix(k, "urn:") {
		return 5
	}
	return 0
}

// marshalOrdered encodes v as JSON without HTML escaping, with object keys
// in display order.
func marshalOrdered(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := encodeOrdered(&buf, v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func encodeOrdered(buf *bytes.Buffer, v any) error {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			ri, rj := rank(keys[i]), rank(keys[j])
			if ri != rj {
				return ri < rj
			}
			return keys[i] < keys[j]
		})
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodePlain(buf, k); err != nil {
				return err
			}
			buf.WriteByte(':')
			if err := encodeOrdered(buf, t[k]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	case []any:
		buf.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeOrdered(buf, e); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	}
	return encodePlain(buf, v)
}

func encodePlain(buf *bytes.Buffer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Write(bytes.TrimRight(b.Bytes(), "\n"))
	return nil
}
