package ratelog

import (
	"sync"
	"time"

	"github.com/handsetd/handsetd/internal/clock"
)

// Limiter decides which of a stream of similar warnings to log.
type Limiter struct {
	clk   clock.Clock
	every time.Duration

	mu         sync.Mutex
	last       time.Time
	logged     bool
	suppressed int
	total      int
}

// New returns a Limiter that lets one warning through per interval.
func New(c clock.Clock, every time.Duration) *Limiter {
	if c == nil {
		c = clock.Real{}
	}
	return &Limiter{clk: c, every: every}
}

// Allow counts one occurrence and reports whether to log it; when it does,
// suppressed says how many were held back since the last one logged and
// total how many there were in all.
func (l *Limiter) Allow() (ok bool, suppressed, total int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total++
	now := l.clk.Now()
	if l.logged && now.Sub(l.last) < l.every {
		l.suppressed++
		return false, 0, l.total
	}
	l.logged, l.last = true, now
	suppressed, l.suppressed = l.suppressed, 0
	return true, suppressed, l.total
}
