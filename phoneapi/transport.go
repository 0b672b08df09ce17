package phoneapi

import (
	"context"
	"fmt"
	"sync"

	"github.com/handsetd/handsetd/internal/linequeue"
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

// TryWriter is a Transport that can also write a line only if that needs
// no wait, so that a caller which must never block (a handset's owner
// goroutine) can send at once when the way is clear and queue otherwise.
//
// TryWriteLine reports true when it took line: the line then goes out
// before any line written after it. It reports false, having written
// nothing, when writing would have meant waiting for another writer or
// for the peer; the caller then writes the line with WriteLine. An error
// (with false) says the connection is failing, as WriteLine would report
// too; the line did not go out.
type TryWriter interface {
	Transport
	TryWriteLine(line string) (bool, error)
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
	a, b := linequeue.New(), linequeue.New()
	var once sync.Once
	done := make(chan struct{})
	closeFn := func() { once.Do(func() { close(done) }) }
	return &pipeEnd{in: a, out: b, done: done, close: closeFn},
		&pipeEnd{in: b, out: a, done: done, close: closeFn}
}

type pipeEnd struct {
	in, out *linequeue.Queue
	done    chan struct{}
	close   func()
}

func (p *pipeEnd) ReadLine(ctx context.Context) (string, error) {
	for {
		if s, ok := p.in.Pop(); ok {
			return s, nil
		}
		select {
		case <-p.in.Ready():
		case <-p.done:
			if s, ok := p.in.Pop(); ok {
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
	p.out.Push(line)
	return nil
}

// TryWriteLine is WriteLine: a pipe's writes never wait.
func (p *pipeEnd) TryWriteLine(line string) (bool, error) {
	if err := p.WriteLine(context.Background(), line); err != nil {
		return false, err
	}
	return true, nil
}

func (p *pipeEnd) Close() error {
	p.close()
	return nil
}
