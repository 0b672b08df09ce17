package backoff

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/handsetd/handsetd/internal/clock"
)

// Backoff waits longer after each failure, up to Max, and starts over after
// Reset. The zero value is not usable; use New.
type Backoff struct {
	Min, Max time.Duration
	clock    clock.Clock
	next     time.Duration
	// jitter returns a factor in [0.5, 1.0) to spread out retries of many
	// handsets; tests replace it to get exact delays.
	jitter func() float64
}

// New returns a Backoff from min to max on clock c.
func New(c clock.Clock, min, max time.Duration) *Backoff {
	return &Backoff{Min: min, Max: max, clock: c, next: min, jitter: func() float64 { return 0.5 + rand.Float64()/2 }}
}

// NoJitter makes the delays exact, for tests.
func (b *Backoff) NoJitter() *Backoff {
	b.jitter = func() float64 { return 1 }
	return b
}

// Next returns the delay before the next attempt and doubles the one after.
func (b *Backoff) Next() time.Duration {
	d := time.Duration(float64(b.next) * b.jitter())
	b.next *= 2
	if b.next > b.Max {
		b.next = b.Max
	}
	return d
}

// Reset starts over from Min, after a success.
func (b *Backoff) Reset() { b.next = b.Min }

// Wait sleeps for Next() on the clock, or until ctx is done.
func (b *Backoff) Wait(ctx context.Context) error {
	t := b.clock.NewTimer(b.Next())
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C():
		return nil
	}
}
