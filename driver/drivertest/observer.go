package drivertest

import (
	"sync"
	"testing"
	"time"

	"github.com/handsetd/handsetd/driver"
)

// Observer keeps a driver's newest Observation and wakes waiters.
type Observer struct {
	mu      sync.Mutex
	last    driver.Observation
	changed chan struct{}
}

// NewObserver returns an Observer that has observed nothing yet.
func NewObserver() *Observer { return &Observer{changed: make(chan struct{})} }

// Observe records ob; it is a driver.Config's Observe.
func (o *Observer) Observe(ob driver.Observation) {
	o.mu.Lock()
	o.last = ob
	close(o.changed)
	o.changed = make(chan struct{})
	o.mu.Unlock()
}

// Last returns the newest Observation.
func (o *Observer) Last() driver.Observation {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.last
}

// Wait returns the first Observation, the newest one included, for which
// cond holds, rechecking on every new one; after limit it fails the test,
// naming what it waited for and the last Observation.
func (o *Observer) Wait(t testing.TB, limit time.Duration, what string, cond func(driver.Observation) bool) driver.Observation {
	t.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for {
		o.mu.Lock()
		ob, ch := o.last, o.changed
		o.mu.Unlock()
		if cond(ob) {
			return ob
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; last observation %+v", what, ob)
		}
	}
}
