package reports

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "out")
	r := sampleReport()
	paths, err := WriteAll(dir, r)
	require.NoError(t, err)
	replay := filepath.Join(dir, ReplayDir)
	assert.Equal(t, []string{
		filepath.Join(dir, "junit.xml"), filepath.Join(dir, "report.json"), filepath.Join(dir, "report.html"),
		filepath.Join(replay, "SCIM-USERS-002.json"), filepath.Join(replay, "SCIM-USERS-002.sh"),
		filepath.Join(replay, "SCIM-PATCH-004.json"), filepath.Join(replay, "SCIM-PATCH-004.sh"),
	}, paths, "a replay and a curl script per failed or warned check with exchanges")

	want := map[string][]byte{
		"junit.xml":   render(t, func(b *bytes.Buffer) error { return JUnit(b, r) }),
		"report.json": render(t, func(b *bytes.Buffer) error { return JSON(b, r) }),
		"report.html": render(t, func(b *bytes.Buffer) error { return HTML(b, r) }),
	}
	for name, content := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Equal(t, string(content), string(got), name)
		fi, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm(), name)
	}
	assertOnly(t, dir, "junit.xml", "replay", "report.html", "report.json")
	rp, err := ReadReplay(filepath.Join(replay, "SCIM-USERS-002.json"))
	require.NoError(t, err)
	assert.Equal(t, "SCIM-USERS-002", rp.Check)
	require.Len(t, rp.Steps, 2)
	assert.Equal(t, "/Users", rp.Steps[0].Path)
	assert.Equal(t, 201, rp.Steps[1].Status)
}

func TestWriteAllReplacesOldFiles(t *testing.T) {
	dir := t.TempDir()
	old := bytes.Repeat([]byte("old report that is much longer than the new one\n"), 10000)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "report.json"), old, 0o644))
	_, err := WriteAll(dir, sampleReport())
	require.NoError(t, err)
	got, err := ReadJSONFile(filepath.Join(dir, "report.json"))
	require.NoError(t, err)
	assert.Len(t, got.Results, 6)
}

func TestWriteAllStrict(t *testing.T) {
	dir := t.TempDir()
	_, err := WriteAllWith(dir, sampleReport(), WriteOptions{JUnit: JUnitOptions{Strict: true}})
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	require.NoError(t, err)
	assert.Equal(t, 2, decodeJUnit(t, data).Failures)
}

func TestWriteAllGoesOnAfterAFailure(t *testing.T) {
	dir := t.TempDir()
	// A directory in the way of junit.xml makes its rename fail.
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "junit.xml", "keep"), 0o755))
	paths, err := WriteAll(dir, sampleReport())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "write "+filepath.Join(dir, "junit.xml")+": rename into place")
	assert.Equal(t, []string{filepath.Join(dir, "report.json"), filepath.Join(dir, "report.html")}, paths[:2])
	assertOnly(t, dir, "junit.xml", "replay", "report.html", "report.json")

	fi, err := os.Stat(filepath.Join(dir, "junit.xml"))
	require.NoError(t, err)
	assert.True(t, fi.IsDir(), "what was there is untouched")
}

func TestWriteAllBadDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	paths, err := WriteAll(filepath.Join(file, "out"), sampleReport())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "create report directory")
	assert.Empty(t, paths)
}

func TestWriteAtomicLeavesNoHalfFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	require.NoError(t, os.WriteFile(path, []byte("previous"), 0o644))
	err := writeAtomic(path, func(w io.Writer) error {
		_, _ = w.Write([]byte("half of a rep"))
		return assert.AnError
	})
	require.ErrorIs(t, err, assert.AnError)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "previous", string(got), "the old file survives a failed write")
	assertOnly(t, dir, "report.json")
}

// assertOnly checks that dir holds exactly the named entries: no temporary
// files are left behind.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	assert.Equal(t, names, got)
}
