package scim

import (
	"flag"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWithRapidSetsAndRestoresFlags: rapid's settings are set for the
// duration of one property check, fail files are always off, and the
// previous values come back afterwards.
func TestWithRapidSetsAndRestoresFlags(t *testing.T) {
	get := func(name string) string { return flag.Lookup(name).Value.String() }
	before := map[string]string{}
	for _, n := range []string{"rapid.checks", "rapid.steps", "rapid.seed", "rapid.nofailfile", "rapid.shrinktime"} {
		before[n] = get(n)
	}
	err := withRapid(7, 3, 42, 2*time.Second, func() {
		assert.Equal(t, "7", get("rapid.checks"))
		assert.Equal(t, "3", get("rapid.steps"))
		assert.Equal(t, "42", get("rapid.seed"))
		assert.Equal(t, "true", get("rapid.nofailfile"))
		assert.Equal(t, "2s", get("rapid.shrinktime"))
	})
	require.NoError(t, err)
	for n, v := range before {
		assert.Equal(t, v, get(n), n)
	}
}

// TestWithRapidSerialises: two property checks never see each other's
// settings.
func TestWithRapidSerialises(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = withRapid(100+i, 5, uint64(i+1), time.Second, func() {
				time.Sleep(time.Millisecond)
				assert.Equal(t, flag.Lookup("rapid.checks").Value.String(), strconv.Itoa(100+i))
			})
		}()
	}
	wg.Wait()
}
