package fuzzcorpus

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// File is the go-fuzz corpus encoding of one []byte seed.
func File(seed []byte) string {
	return "go test fuzz v1\n[]byte(" + strconv.Quote(string(seed)) + ")\n"
}

// Check compares testdata/fuzz/<target>/seed-NN with seeds, or rewrites them
// when update is set. testName names the test to rerun with -update.
func Check(t *testing.T, target, testName string, seeds [][]byte, update bool) {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", target)
	for i, s := range seeds {
		path := filepath.Join(dir, fmt.Sprintf("seed-%02d", i))
		content := File(s)
		if update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Errorf("%s is stale or missing (run go test -run %s -update): %v", path, testName, err)
		}
	}
}
