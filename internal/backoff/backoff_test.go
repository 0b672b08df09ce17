package backoff

import (
	"context"
	"testing"
	"time"

	"github.com/handsetd/handsetd/internal/clock"
)

// TestNextDoublesUpToMaxAndResets proves the delays grow 1, 2, 4... up to Max
// and start over after Reset.
func TestNextDoublesUpToMaxAndResets(t *testing.T) {
	b := New(clock.Real{}, 10*time.Millisecond, 50*time.Millisecond).NoJitter()
	want := []time.Duration{10, 20, 40, 50, 50}
	for i, w := range want {
		if got := b.Next(); got != w*time.Millisecond {
			t.Fatalf("delay %d = %v, want %v", i, got, w*time.Millisecond)
		}
	}
	b.Reset()
	if got := b.Next(); got != 10*time.Millisecond {
		t.Fatalf("after Reset: %v, want 10ms", got)
	}
}

// TestJitterStaysWithinHalfToFull proves jittered delays never exceed the
// nominal delay and never fall below half of it.
func TestJitterStaysWithinHalfToFull(t *testing.T) {
	b := New(clock.Real{}, 100*time.Millisecond, 100*time.Millisecond)
	for range 1000 {
		d := b.Next()
		if d < 50*time.Millisecond || d > 100*time.Millisecond {
			t.Fatalf("jittered delay %v outside [50ms, 100ms]", d)
		}
	}
}

// TestWaitFollowsTheClock proves Wait returns when the (fake) clock reaches
// the delay, and returns ctx's error when ctx ends first.
func TestWaitFollowsTheClock(t *testing.T) {
	fc := clock.NewFake(time.Unix(0, 0))
	b := New(fc, time.Second, time.Minute).NoJitter()
	done := make(chan error, 1)
	go func() { done <- b.Wait(context.Background()) }()
	<-fc.Armed()
	fc.Advance(999 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("Wait returned %v before the delay passed", err)
	default:
	}
	fc.Advance(time.Millisecond)
	if err := <-done; err != nil {
		t.Fatalf("Wait: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.Wait(ctx); err != context.Canceled {
		t.Fatalf("Wait on a cancelled ctx = %v, want context.Canceled", err)
	}
}
