package fuzzcorpus

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCheckFindsStaleSeeds proves Check writes seeds with update, accepts
// them afterwards, and reports a seed file whose content no longer matches.
func TestCheckFindsStaleSeeds(t *testing.T) {
	t.Chdir(t.TempDir())
	seeds := [][]byte{{0, 1, '"'}, []byte("x")}
	Check(t, "FuzzX", "TestX", seeds, true)
	Check(t, "FuzzX", "TestX", seeds, false)
	if err := os.WriteFile(filepath.Join("testdata", "fuzz", "FuzzX", "seed-01"), []byte(File([]byte("y"))), 0o644); err != nil {
		t.Fatal(err)
	}
	inner := &testing.T{}
	done := make(chan struct{})
	go func() { defer close(done); Check(inner, "FuzzX", "TestX", seeds, false) }()
	<-done
	if !inner.Failed() {
		t.Fatal("a stale seed file was not reported")
	}
}
