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
	var lines []string
	for i := 1; i <= scimLines; i++ {
		lines = append(lines, fmt.Sprintf("S%d", i))
	}
	return coverageRows(lines, coveredLines(false), Uncovered)
}

// coveredLines maps each catalogue line to the checks whose Covers name
// it: the SCIM checks' (part 1), or with saml the SAML checks' (part 2,
// whose S01…S34 of §5.3 are not the SCIM S lines).
func coveredLines(saml bool) map[string][]string {
	covered := map[string][]string{}
	for _, c := range Catalogue() {
		if isSAML(c) != saml {
			continue
		}
		for _, l := range c.Covers {
			covered[l] = append(covered[l], c.ID)
		}
	}
	return covered
}

// coverageRows is, for each line, the sorted IDs of the checks covering it
// or the reason in uncovered.
func coverageRows(lines []string, covered map[string][]string, uncovered map[string]string) [][2]string {
	var out [][2]string
	for _, l := range lines {
		if ids := covered[l]; len(ids) > 0 {
			sort.Strings(ids)
			out = append(out, [2]string{l, strings.Join(ids, ", ")})
		} else {
			out = append(out, [2]string{l, uncovered[l]})
		}
	}
	return out
}

// jitLines and coexistLines are the numbers of the JIT lines (J01…J27) and
// of the SCIM + JIT coexistence lines (C01…C08) of the project catalogue
// (CATALOGUE.md, part 2, §5.1 and §5.2).
const (
	jitLines     = 27
	coexistLines = 8
)

// UncoveredJIT maps a J or C line of the catalogue that no check covers
// yet to the reason. Lines leave this map when a check's Covers names
// them; the test in coverage_test.go keeps both in step.
var UncoveredJIT = map[string]string{
	"J23": "not a check of its own: an invariant every rejected case of the SAML security suite asserts (Δu = 0, V unchanged, no session)",
}

// jitCoverageLines are J01…J27, then C01…C08.
func jitCoverageLines() []string {
	var out []string
	for i := 1; i <= jitLines; i++ {
		out = append(out, fmt.Sprintf("J%02d", i))
	}
	for i := 1; i <= coexistLines; i++ {
		out = append(out, fmt.Sprintf("C%02d", i))
	}
	return out
}

// JITCoverage returns, for every J and C line of the catalogue, the IDs of
// the checks that cover it or the reason none does, in line order.
func JITCoverage() [][2]string {
	return coverageRows(jitCoverageLines(), coveredLines(true), UncoveredJIT)
}
