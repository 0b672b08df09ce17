package ratelog

import (
	"testing"
	"time"

	"github.com/handsetd/handsetd/internal/clock"
)

// TestOnePerInterval proves the first occurrence is logged, the rest of the
// interval is counted instead, and the next logged one reports the count.
func TestOnePerInterval(t *testing.T) {
	fc := clock.NewFake(time.Unix(0, 0))
	l := New(fc, time.Second)
	if ok, s, n := l.Allow(); !ok || s != 0 || n != 1 {
		t.Fatalf("first: ok=%v suppressed=%d total=%d", ok, s, n)
	}
	for range 99 {
		if ok, _, _ := l.Allow(); ok {
			t.Fatal("logged twice within the interval")
		}
	}
	fc.Advance(time.Second)
	if ok, s, n := l.Allow(); !ok || s != 99 || n != 101 {
		t.Fatalf("after the interval: ok=%v suppressed=%d total=%d, want true 99 101", ok, s, n)
	}
}
