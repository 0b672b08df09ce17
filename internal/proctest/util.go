package proctest

import (
	"bytes"
	"os"
	"sync"
	"testing"
)

// ShortDir returns a new temporary directory, removed when the test ends,
// whose paths fit a unix socket address. t.TempDir's paths carry the test's
// name and can pass the 108 bytes sun_path holds.
func ShortDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "hsd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// SyncBuffer is a bytes.Buffer that a program's goroutines may write while
// the test reads it.
type SyncBuffer struct {
	// Wrote, if set, is signalled (without blocking) on each Write.
	Wrote chan struct{}

	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Wrote != nil {
		select {
		case s.Wrote <- struct{}{}:
		default:
		}
	}
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
