package runner

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provcheck/provcheck/suites"
)

var update = flag.Bool("update", false, "rewrite the golden catalogue")

// TestCatalogueGolden makes adding, removing or re-levelling a check a
// reviewed diff of testdata/catalogue.golden.
func TestCatalogueGolden(t *testing.T) {
	cat := Catalogue()
	require.NoError(t, suites.Validate(cat))
	var b strings.Builder
	for _, c := range cat {
		fmt.Fprintf(&b, "%s\t%s\t%s\n", c.ID, c.Level, c.Spec)
	}
	path := filepath.Join("testdata", "catalogue.golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run 'go test ./runner -update' to create the golden file")
	require.Equal(t, string(want), b.String(), "the catalogue changed: review it and run 'go test ./runner -update'")
}

// TestCatalogueIsWellFormed checks what a golden list cannot: every check
// has an area label, a rule, and covers a catalogue line.
func TestCatalogueIsWellFormed(t *testing.T) {
	for _, c := range Catalogue() {
		require.NotEqual(t, "other", c.Area(), "%s has no area: label", c.ID)
		require.NotEmpty(t, c.Rule, "%s quotes no rule", c.ID)
		require.NotEmpty(t, c.Covers, "%s covers no catalogue line", c.ID)
		require.NotEmpty(t, c.Labels, "%s has no labels", c.ID)
	}
}

// TestEveryCheckHasOneTier: tiers make a new server's first goal selectable
// (--label-filter tier:core): every check is in exactly one, and a dialect
// pack's checks are in their dialect's tier.
func TestEveryCheckHasOneTier(t *testing.T) {
	tiers := []string{"tier:core", "tier:extended", "tier:entra", "tier:okta"}
	for _, c := range Catalogue() {
		var got []string
		for _, l := range c.Labels {
			if strings.HasPrefix(l, "tier:") {
				got = append(got, l)
			}
		}
		if assert.Len(t, got, 1, "%s has tier labels %v", c.ID, got) {
			assert.Contains(t, tiers, got[0], c.ID)
			if c.Dialect != "" {
				assert.Equal(t, "tier:"+c.Dialect, got[0], "%s is in the %s pack", c.ID, c.Dialect)
			}
		}
	}
}
