package rfctext

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// page is a two-page RFC in miniature: front matter, the BCP 14
// boilerplate, a paragraph broken by a page break and by a hyphen, a
// definition list, a JSON figure, a table and a caption.
const page = `Internet Engineering Task Force (IETF)
Request for Comments: 9999

Abstract

   The service MUST be ignored here: front matter.

1.  Introduction

   The key words "MUST", "MUST NOT", "REQUIRED", "SHALL", "SHALL NOT",
   "SHOULD", "SHOULD NOT", "RECOMMENDED", "MAY", and "OPTIONAL" in this
   document are to be interpreted as described in [RFC2119].

   A server MAY do this.  A multi-
   valued attribute MUST keep its order when the
   client asks, e.g., for a sorted list.  Clients SHOULD NOT care



Doe                          Standards Track                    [Page 1]

RFC 9999                     Tiny Protocol                  October 2015


   about the order.

2.1.  Things

   patch
      A complex type.  REQUIRED.

      supported
         A Boolean.  The value "REQUIRED" is a word.  REQUIRED.

   bulkId  The identifier.  It SHALL be
      unique.

   schemes
      A list.  Servers SHOULD share it.  REQUIRED.

     {
       "description" : "This MUST be skipped."
     }

   +------+-----------------------+
   | op   | rule                  |
   +------+-----------------------+
   | eq   | Values SHALL be equal |
   |      | to match.             |
   +------+-----------------------+

                      Table 1: Operators

   The end MUST come.

Appendix A.  More

   Nothing here SHALL count.
`

func TestParse(t *testing.T) {
	got := Parse(9999, page)
	want := []Sentence{
		{RFC: 9999, Section: "1", Ordinal: 1, Keyword: "MUST", Text: "A multi-valued attribute MUST keep its order when the client asks, e.g., for a sorted list."},
		{RFC: 9999, Section: "1", Ordinal: 2, Keyword: "SHOULD NOT", Text: "Clients SHOULD NOT care about the order."},
		{RFC: 9999, Section: "2.1", Ordinal: 1, Keyword: "REQUIRED", Context: "patch", Text: "A complex type. REQUIRED."},
		{RFC: 9999, Section: "2.1", Ordinal: 2, Keyword: "REQUIRED", Context: "patch.supported", Text: `A Boolean. The value "REQUIRED" is a word. REQUIRED.`},
		{RFC: 9999, Section: "2.1", Ordinal: 3, Keyword: "SHALL", Context: "bulkId", Text: "It SHALL be unique."},
		{RFC: 9999, Section: "2.1", Ordinal: 4, Keyword: "SHOULD", Context: "schemes", Text: "Servers SHOULD share it."},
		{RFC: 9999, Section: "2.1", Ordinal: 5, Keyword: "REQUIRED", Context: "schemes", Text: "A list. [...] REQUIRED."},
		{RFC: 9999, Section: "2.1", Ordinal: 6, Keyword: "SHALL", Context: "eq", Text: "Values SHALL be equal to match."},
		{RFC: 9999, Section: "2.1", Ordinal: 7, Keyword: "MUST", Text: "The end MUST come."},
	}
	require.Equal(t, want, got)
	assert.Equal(t, "9999 §2.1 #3", got[4].Key())
}

func TestHashIgnoresLayoutNotWords(t *testing.T) {
	a := Sentence{Text: "The value  MUST\tbe unique."}
	b := Sentence{Text: "The value MUST be unique."}
	c := Sentence{Text: "The value MUST be globally unique."}
	assert.Equal(t, a.Hash(), b.Hash())
	assert.NotEqual(t, b.Hash(), c.Hash())
	assert.Len(t, a.Hash(), 8)
}

func TestStrongest(t *testing.T) {
	for s, want := range map[string]string{
		"It MUST NOT and SHOULD do.":    "MUST NOT",
		"It SHOULD, or it MAY.":         "SHOULD",
		`The key "MUST" is quoted.`:     "",
		"Clients MAY do it.":            "",
		"It is NOT RECOMMENDED to do.":  "NOT RECOMMENDED",
		"MUSTARD is not a keyword.":     "",
		"REQUIRED when method is POST.": "REQUIRED",
	} {
		assert.Equal(t, want, strongest(s), s)
	}
}
