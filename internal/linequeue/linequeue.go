package linequeue

import "sync"

// Queue is a FIFO of lines, safe for concurrent use. Push never blocks.
type Queue struct {
	mu    sync.Mutex
	lines []string
	ready chan struct{} // holds a token while lines is non-empty
}

// New returns an empty Queue.
func New() *Queue { return &Queue{ready: make(chan struct{}, 1)} }

// Ready has a value while the queue may hold lines; after receiving from it,
// Pop until it reports none.
func (q *Queue) Ready() <-chan struct{} { return q.ready }

// Push appends s.
func (q *Queue) Push(s string) {
	q.mu.Lock()
	q.lines = append(q.lines, s)
	q.mu.Unlock()
	q.signal()
}

func (q *Queue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// Pop removes and returns the oldest line; ok is false when there is none.
func (q *Queue) Pop() (s string, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.lines) == 0 {
		return "", false
	}
	s = q.lines[0]
	q.lines = q.lines[1:]
	if len(q.lines) > 0 {
		q.signal()
	}
	return s, true
}
