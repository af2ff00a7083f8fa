// Package rfctext extracts the normative sentences of an RFC published as
// plain text: the sentences that carry a BCP 14 keyword in capitals (MUST,
// MUST NOT, SHALL, SHALL NOT, SHOULD, SHOULD NOT, REQUIRED, RECOMMENDED,
// NOT RECOMMENDED), each with the number of the section it stands in.
//
// MAY and OPTIONAL are left out on purpose: they grant a choice, and a
// conformance check must accept every allowed choice, so a MAY sentence alone
// never makes a server fail. Where a MAY sentence also carries a MUST or a
// SHOULD it is extracted for those.
//
// The text is read the way the RFC Editor lays it out (RFC 7322): page
// footers and headers are dropped, sections start with a number at column
// zero, prose is indented, figures (JSON, HTTP, ABNF) are recognised by their
// shape and skipped, lines are joined (a line ending in a hyphen is joined
// without a space) and sentences end at a full stop followed by two spaces or
// at the end of a paragraph or list item.
package rfctext

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// Sentence is one normative sentence of an RFC.
type Sentence struct {
	RFC     int    // the RFC number, e.g. 7644
	Section string // the section number, e.g. "3.5.2.1"
	Ordinal int    // 1 for the first normative sentence of the section, 2 for the next, …
	Keyword string // the strongest keyword of the sentence, e.g. "MUST NOT"
	Context string // the definition-list item or table row it stands in, e.g. "patch.supported"; may be empty
	Text    string // the sentence on one line, single-spaced
}

// Key is the stable name of the sentence, e.g. "7644 §3.5.2.1 #3": it does
// not change when the text is reflowed, only when normative sentences are
// added to or removed from the section before it.
func (s Sentence) Key() string {
	return fmt.Sprintf("%d §%s #%d", s.RFC, s.Section, s.Ordinal)
}

// Hash is a short digest of the sentence's words, to notice when the text
// under a key changes.
func (s Sentence) Hash() string {
	sum := sha256.Sum256([]byte(s.Context + "\x00" + strings.Join(strings.Fields(s.Text), " ")))
	return hex.EncodeToString(sum[:4])
}

var (
	// pageFooter and pageHeader are the RFC Editor's page furniture.
	pageFooter = regexp.MustCompile(`^\S.*\[Page \d+\]\s*$`)
	pageHeader = regexp.MustCompile(`^RFC \d{4} .*\d{4}\s*$`)
	// heading is a numbered section heading at column zero, e.g. "3.5.2.1.  Add Operation".
	heading = regexp.MustCompile(`^(\d+(?:\.\d+)*)\.\s+\S`)
	// caption is the caption of a figure or table, a paragraph of its own.
	caption = regexp.MustCompile(`^\s+(Figure|Table) \d+: `)
	// unnumbered is a heading at column zero that ends the numbered sections.
	unnumbered = regexp.MustCompile(`^(Appendix|Acknowledgements|Contributors|Authors' Addresses)`)
	// keyword finds the BCP 14 keywords in capitals, not inside quotes.
	keyword = regexp.MustCompile(`(^|[^"A-Za-z])(NOT RECOMMENDED|MUST NOT|SHALL NOT|SHOULD NOT|MUST|SHALL|SHOULD|REQUIRED|RECOMMENDED)([^"A-Za-z]|$)`)
	// bullet is the marker of a list item: "o  ", "1.  ", "(a)  ", "*  ".
	bullet = regexp.MustCompile(`^(?:o|\*|-|\d+\.|[a-z]\.|\([a-z0-9]+\))\s+`)
	// sentenceEnd is a full stop (or ? !), perhaps closed by a quote or
	// bracket, followed by two spaces: the RFC's sentence separator.
	sentenceEnd = regexp.MustCompile(`[.?!]["')\]]*  +`)
)

// strength orders the keywords: a sentence is filed under its strongest.
var strength = []string{"MUST NOT", "MUST", "SHALL NOT", "SHALL", "REQUIRED", "SHOULD NOT", "SHOULD", "NOT RECOMMENDED", "RECOMMENDED"}

// Parse returns the normative sentences of the RFC text in document order.
// Only the numbered sections are read: the front matter and the table of
// contents are not, and neither are the appendices after them.
func Parse(rfc int, text string) []Sentence {
	var out []Sentence
	section := ""
	ordinal := 0
	var terms []term
	for _, p := range paragraphs(text) {
		if p.heading != "" {
			section, ordinal, terms = p.heading, 0, nil
			continue
		}
		if section == "" {
			continue
		}
		var found []Sentence
		switch {
		case isTable(p.lines):
			found = tableSentences(p.lines)
		case isFigure(p.lines):
			continue
		default:
			found, terms = proseSentences(p.lines, terms)
		}
		for _, s := range found {
			ordinal++
			s.RFC, s.Section, s.Ordinal = rfc, section, ordinal
			out = append(out, s)
		}
	}
	return out
}

// term is the name of an item of a definition list ("patch", "userName",
// "bulkId") with the indentation it is printed at.
type term struct {
	name   string
	indent int
}

var (
	// inlineTerm is a term followed by two spaces and its definition.
	inlineTerm = regexp.MustCompile(`^\s*([$A-Za-z][$\w-]*(?:, [$A-Za-z][$\w-]*)*)  +\S`)
)

// loneTerm returns the definition-list term of a paragraph whose first line
// is a short label without final punctuation ("patch", "readWrite,
// writeOnly", ""Schemas" Attribute") over more deeply indented lines.
func loneTerm(lines []string) (string, bool) {
	first := strings.TrimSpace(lines[0])
	if len(lines) < 2 || indent(lines[1]) <= indent(lines[0]) || len(first) > 40 || bullet.MatchString(first) {
		return "", false
	}
	if strings.ContainsAny(first[len(first)-1:], ".,;:") || strings.Contains(first, "  ") {
		return "", false
	}
	return first, true
}

// proseSentences returns the normative sentences of a prose paragraph. terms
// is the stack of definition-list terms the paragraph may stand under; the
// stack after the paragraph is returned. A sentence that starts with its
// keyword ("REQUIRED.", "REQUIRED when …") only makes sense with what it
// qualifies, so it carries the sentences of the paragraph before it.
func proseSentences(lines []string, terms []term) ([]Sentence, []term) {
	ind := indent(lines[0])
	for len(terms) > 0 && terms[len(terms)-1].indent >= ind {
		terms = terms[:len(terms)-1]
	}
	hanging := len(lines) > 1 && indent(lines[1]) > ind
	body := lines
	if name, ok := loneTerm(lines); ok {
		terms = append(terms, term{name, ind})
		body = lines[1:]
	} else if m := inlineTerm.FindStringSubmatch(lines[0]); m != nil && (hanging || len(lines) == 1) && !bullet.MatchString(strings.TrimSpace(lines[0])) {
		terms = append(terms, term{m[1], ind})
		body = append([]string{strings.TrimSpace(lines[0])[len(m[1]):]}, lines[1:]...)
	}
	var names []string
	for _, t := range terms {
		names = append(names, t.name)
	}
	context := strings.Join(names, ".")
	var out []Sentence
	all := sentences(join(body))
	for i, s := range all {
		kw := strongest(s)
		if kw == "" || boilerplate(s) {
			continue
		}
		if strings.HasPrefix(s, kw) {
			s = qualified(all[:i+1])
		}
		out = append(out, Sentence{Context: context, Keyword: kw, Text: s})
	}
	return out, terms
}

// qualified returns the last sentence, a bare keyword ("REQUIRED."), with
// the sentences before it that it qualifies: back to the previous normative
// one, or, when that one comes right before it, the paragraph's first
// sentence (the definition) and "[...]".
func qualified(ss []string) string {
	last := len(ss) - 1
	from := last
	for from > 0 && strongest(ss[from-1]) == "" {
		from--
	}
	if from == last && last > 0 && strongest(ss[0]) == "" {
		return ss[0] + " [...] " + ss[last]
	}
	return strings.Join(ss[from:], " ")
}

// indent is the number of leading spaces of a printed line.
func indent(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }

// isTable reports whether the paragraph is an ASCII-art table.
func isTable(lines []string) bool {
	l := strings.TrimSpace(lines[0])
	return strings.HasPrefix(l, "+-") || strings.HasPrefix(l, "|")
}

// tableSentences returns the normative sentences of a table, cell by cell:
// a row ends at a border or at a line whose cells are all empty, the lines
// of a cell are joined, and each sentence carries the row's first cell as
// its context ("count", "[ ]").
func tableSentences(lines []string) []Sentence {
	var out []Sentence
	var row [][]string // row[col] = printed lines of the cell
	flush := func() {
		if len(row) == 0 {
			return
		}
		context := strings.Join(strings.Fields(strings.Join(row[0], " ")), " ")
		for _, cell := range row[1:] {
			for _, s := range sentences(join(cell)) {
				if kw := strongest(s); kw != "" {
					out = append(out, Sentence{Context: context, Keyword: kw, Text: s})
				}
			}
		}
		row = nil
	}
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "+") {
			flush()
			continue
		}
		cells := strings.Split(strings.Trim(l, "|"), "|")
		if strings.TrimSpace(strings.Join(cells, "")) == "" {
			flush()
			continue
		}
		for len(row) < len(cells) {
			row = append(row, nil)
		}
		for i, c := range cells {
			if c = strings.TrimSpace(c); c != "" {
				row[i] = append(row[i], c)
			}
		}
	}
	flush()
	return out
}

// paragraph is a run of non-blank lines, or a section heading.
type paragraph struct {
	heading string   // the section number when the paragraph is a heading
	lines   []string // the lines as printed, indentation kept
}

// paragraphs splits the text at blank lines, without the page furniture. A
// paragraph broken by a page break is joined again when its last line
// before the break does not end a sentence.
func paragraphs(text string) []paragraph {
	var out []paragraph
	var cur []string
	blank := false     // a blank line was seen since the last text line
	pageBreak := false // a page break was seen since the last text line
	flush := func() {
		if len(cur) > 0 {
			out = append(out, paragraph{lines: cur})
			cur = nil
		}
	}
	for _, raw := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		line := strings.TrimRight(strings.ReplaceAll(raw, "\f", ""), " \t")
		switch {
		case pageFooter.MatchString(line) || pageHeader.MatchString(line):
			pageBreak = true
			continue
		case line == "":
			blank = true
			continue
		}
		if pageBreak && !continues(cur, line) || !pageBreak && blank {
			flush()
		}
		blank, pageBreak = false, false
		if caption.MatchString(line) {
			flush()
			cur = []string{line}
			flush()
			continue
		}
		if m := heading.FindStringSubmatch(line); m != nil {
			flush()
			out = append(out, paragraph{heading: m[1]})
			continue
		}
		if unnumbered.MatchString(line) {
			break
		}
		cur = append(cur, line)
	}
	flush()
	return out
}

// continues reports whether line, the first line after a page break,
// continues the paragraph cur: cur does not end a sentence, and line is
// indented like cur's last line (or deeper, under a one-line list item or
// term).
func continues(cur []string, line string) bool {
	if len(cur) == 0 || endsSentence(cur[len(cur)-1]) {
		return false
	}
	last := indent(cur[len(cur)-1])
	return indent(line) == last || len(cur) == 1 && indent(line) > last
}

// endsSentence reports whether a printed line ends a sentence or a
// paragraph-like unit (a colon introduces a list or a figure).
func endsSentence(line string) bool {
	l := strings.TrimRight(line, `"')]`)
	return strings.HasSuffix(l, ".") || strings.HasSuffix(l, ":") || strings.HasSuffix(l, "?") || strings.HasSuffix(l, "{") || strings.HasSuffix(l, "}")
}

var (
	// figureLine matches a line that only occurs in figures: JSON, HTTP
	// messages, ABNF rules, URLs on their own, table borders.
	figureLine = regexp.MustCompile(`^\s*(?:[{}\[\]],?$|[{\[]\s*"|[}\]],|"[^"]*"\s*:|(?:GET|POST|PUT|PATCH|DELETE) /|HTTP/1\.1|Host: |Content-Type: |Accept: |Authorization: |ETag: |Location: |If-(?:None-)?Match: |[A-Za-z][A-Za-z0-9-]*\s+=/?\s|\+-{3,}|\|)`)
)

// isFigure reports whether the paragraph is a figure rather than prose:
// any line shaped like JSON, HTTP, ABNF or a table, or text at column zero
// (RFC 7643 §8.7 prints its schema figures unindented).
func isFigure(lines []string) bool {
	for _, l := range lines {
		if figureLine.MatchString(l) || (l != "" && l[0] != ' ') {
			return true
		}
	}
	return false
}

// join turns the printed lines of a paragraph into one line: the
// indentation and the list marker go, a line ending in a hyphen after a
// letter joins the next without a space ("multi-" "valued"), a line ending a
// sentence keeps the RFC's two-space sentence separator.
func join(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if i == 0 {
			l = bullet.ReplaceAllString(l, "")
		}
		if i > 0 {
			prev := strings.TrimSpace(lines[i-1])
			switch {
			case len(prev) > 1 && prev[len(prev)-1] == '-' && isLetter(prev[len(prev)-2]):
				// hyphenated compound broken at its hyphen: no space
			case endsSentence(prev) && !strings.HasSuffix(prev, "e.g.") && !strings.HasSuffix(prev, "i.e."):
				b.WriteString("  ")
			default:
				b.WriteString(" ")
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// sentences splits a joined paragraph at the RFC's sentence separator and
// returns each sentence single-spaced.
func sentences(p string) []string {
	var out []string
	for {
		loc := sentenceEnd.FindStringIndex(p)
		if loc == nil {
			break
		}
		end := loc[1]
		for end > loc[0] && p[end-1] == ' ' {
			end--
		}
		out = append(out, p[:end])
		p = p[loc[1]:]
	}
	if strings.TrimSpace(p) != "" {
		out = append(out, p)
	}
	for i, s := range out {
		out[i] = strings.Join(strings.Fields(s), " ")
	}
	return out
}

// strongest returns the strongest BCP 14 keyword of the sentence, or "".
func strongest(s string) string {
	found := map[string]bool{}
	for _, m := range keyword.FindAllStringSubmatch(s, -1) {
		found[m[2]] = true
	}
	for _, k := range strength {
		if found[k] {
			return k
		}
	}
	return ""
}

// boilerplate reports the BCP 14 boilerplate ("The key words "MUST", … are
// to be interpreted as described in [RFC2119]").
func boilerplate(s string) bool {
	return strings.Contains(s, "are to be interpreted as described in [RFC2119]")
}
