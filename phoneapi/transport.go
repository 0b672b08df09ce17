package phoneapi

import (
	"context"
	"fmt"
	"sync"
)

// Transport carries Phone API lines (without terminator) between a device and
// a host. WriteLine must be safe for concurrent use; ReadLine is called by one
// goroutine. Once the connection has ended, ReadLine and WriteLine return an
// error wrapping ErrClosed. A WriteLine error wrapping ErrRejected is the
// host refusing that one line; any other WriteLine error means the
// connection is failing. A malformed line (invalid UTF-8, too long) makes
// ReadLine return a *ProtocolError for that line only; the next call reads
// the next line.
type Transport interface {
	ReadLine(ctx context.Context) (string, error)
	WriteLine(ctx context.Context, line string) error
	Close() error
}

// Direction says which way a line went, for traffic logs.
type Direction int

// Directions as seen from the host.
const (
	Received Direction = iota // device → host, printed "<-"
	Sent                      // host → device, printed "->"
)

func (d Direction) String() string {
	if d == Sent {
		return "->"
	}
	return "<-"
}

// Pipe returns two connected in-memory Transports: a line written to one is
// read from the other, in order. Writes never block (the queue grows), which
// keeps in-process peers free of write-write deadlocks. Closing either end
// ends both: reads drain what was already written, then return ErrClosed.
func Pipe() (Transport, Transport) {
	a, b := newQueue(), newQueue()
	var once sync.Once
	done := make(chan struct{})
	closeFn := func() { once.Do(func() { close(done) }) }
	return &pipeEnd{in: a, out: b, done: done, close: closeFn},
		&pipeEnd{in: b, out: a, done: done, close: closeFn}
}

type lineQueue struct {
	mu    sync.Mutex
	lines []string
	ready chan struct{} // holds a token while lines is non-empty
}

func newQueue() *lineQueue { return &lineQueue{ready: make(chan struct{}, 1)} }

func (q *lineQueue) push(s string) {
	q.mu.Lock()
	q.lines = append(q.lines, s)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

func (q *lineQueue) pop() (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.lines) == 0 {
		return "", false
	}
	s := q.lines[0]
	q.lines = q.lines[1:]
	if len(q.lines) > 0 {
		select {
		case q.ready <- struct{}{}:
		default:
		}
	}
	return s, true
}

type pipeEnd struct {
	in, out *lineQueue
	done    chan struct{}
	close   func()
}

func (p *pipeEnd) ReadLine(ctx context.Context) (string, error) {
	for {
		if s, ok := p.in.pop(); ok {
			return s, nil
		}
		select {
		case <-p.in.ready:
		case <-p.done:
			if s, ok := p.in.pop(); ok {
				return s, nil
			}
			return "", fmt.Errorf("read line: %w", ErrClosed)
		case <-ctx.Done():
			return "", fmt.Errorf("read line: %w", ctx.Err())
		}
	}
}

func (p *pipeEnd) WriteLine(ctx context.Context, line string) error {
	if err := CheckLine(line); err != nil {
		return fmt.Errorf("write line: %w", err)
	}
	select {
	case <-p.done:
		return fmt.Errorf("write line: %w", ErrClosed)
	default:
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write line: %w", err)
	}
	p.out.push(line)
	return nil
}

func (p *pipeEnd) Close() error {
	p.close()
	return nil
}
