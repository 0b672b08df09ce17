package driver

import (
	"context"
	"sync"
)

// outbox holds the commands waiting for a slow host. It is bounded: state
// commands (HOOK, MUTE) replace a queued one of the same kind, so the host
// always learns the newest state; other commands (keys) are dropped and
// counted once the box is full, since a key press delivered seconds late is
// worse than one lost.
type outbox struct {
	mu    sync.Mutex
	queue []Command
	// sending counts the commands taken and not yet done; empty is
	// signalled (coalesced) when the queue is empty and nothing is sending.
	sending int
	empty   chan struct{}
	limit   int
	dropped int
	ready   chan struct{} // signalled (coalesced) when queue becomes non-empty
	// halted says the sender gave up on a failing link: the box is never
	// idle again, so nothing is sent past the command that failed.
	halted bool
}

func newOutbox(limit int) *outbox {
	return &outbox{limit: limit, ready: make(chan struct{}, 1), empty: make(chan struct{}, 1)}
}

// put queues c. It reports false when c was dropped.
func (o *outbox) put(c Command) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if c.State != "" {
		for i, q := range o.queue {
			if q.State == c.State {
				// Keep the order of the host's view: the newer state goes
				// last, after anything queued since the old one.
				o.queue = append(o.queue[:i], o.queue[i+1:]...)
				break
			}
		}
	}
	if len(o.queue) >= o.limit {
		if c.State == "" {
			o.dropped++
			return false
		}
		// A state command always fits: drop the oldest key event instead.
		for i, q := range o.queue {
			if q.State == "" {
				o.queue = append(o.queue[:i], o.queue[i+1:]...)
				o.dropped++
				break
			}
		}
	}
	o.queue = append(o.queue, c)
	select {
	case o.ready <- struct{}{}:
	default:
	}
	return true
}

// take waits for the next command.
func (o *outbox) take(ctx context.Context) (Command, error) {
	for {
		o.mu.Lock()
		if len(o.queue) > 0 {
			c := o.queue[0]
			o.queue = o.queue[1:]
			o.sending++
			o.mu.Unlock()
			return c, nil
		}
		o.mu.Unlock()
		select {
		case <-ctx.Done():
			return Command{}, ctx.Err()
		case <-o.ready:
		}
	}
}

// Dropped reports how many commands were dropped because the box was full.
func (o *outbox) Dropped() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.dropped
}

func (o *outbox) len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.queue)
}

// idle reports that nothing is queued and nothing is being sent, so a
// command sent now by another way overtakes none. Only the one goroutine
// that puts may rely on it: nothing else makes the box busy again.
func (o *outbox) idle() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.sending == 0 && len(o.queue) == 0 && !o.halted
}

// halt marks the box as given up on by its sender (see halted).
func (o *outbox) halt() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.halted = true
}

// done marks the command last taken as sent (or given up on).
func (o *outbox) done() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sending--
	if o.sending == 0 && len(o.queue) == 0 {
		select {
		case o.empty <- struct{}{}:
		default:
		}
	}
}

// drained waits until everything queued has been sent.
func (o *outbox) drained(ctx context.Context) error {
	for {
		o.mu.Lock()
		idle := o.sending == 0 && len(o.queue) == 0
		o.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-o.empty:
		}
	}
}
