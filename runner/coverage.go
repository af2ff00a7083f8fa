package runner

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// scimLines is the number of SCIM lines (S1…S151) of the project catalogue
// (CATALOGUE.md, part 1).
const scimLines = 151

// Uncovered maps a SCIM catalogue line that no check covers yet to the
// reason. Lines leave this map when a check's Covers names them; the test
// in coverage_test.go keeps both in step.
var Uncovered = uncovered()

func uncovered() map[string]string {
	out := map[string]string{
		"S22": "not a check: a base URL with a query string is refused when the run is configured (target.New)",
	}
	// Spans of lines waiting for checks of a later slice, by reason; none
	// at the moment.
	pending := map[string]string{}
	for reason, span := range pending {
		for _, l := range expand(span) {
			out[l] = reason
		}
	}
	return out
}

// expand turns "S48-S61" into S48, S49, …, S61.
func expand(span string) []string {
	a, b, ok := strings.Cut(span, "-")
	if !ok {
		return []string{span}
	}
	from, _ := strconv.Atoi(strings.TrimPrefix(a, "S"))
	to, _ := strconv.Atoi(strings.TrimPrefix(b, "S"))
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("S%d", i))
	}
	return out
}

// Coverage returns, for every SCIM catalogue line, the IDs of the checks
// that cover it or the reason none does, in line order.
func Coverage() [][2]string {
	covered := map[string][]string{}
	for _, c := range Catalogue() {
		if isSAML(c) {
			// Part 2's lines (S01…S34 of §5.3) are not the SCIM S lines.
			continue
		}
		for _, l := range c.Covers {
			covered[l] = append(covered[l], c.ID)
		}
	}
	var out [][2]string
	for i := 1; i <= scimLines; i++ {
		l := fmt.Sprintf("S%d", i)
		if ids := covered[l]; len(ids) > 0 {
			sort.Strings(ids)
			out = append(out, [2]string{l, strings.Join(ids, ", ")})
		} else {
			out = append(out, [2]string{l, Uncovered[l]})
		}
	}
	return out
}
