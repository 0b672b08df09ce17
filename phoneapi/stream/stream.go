package stream

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"github.com/handsetd/handsetd/phoneapi"
)

// ParseSpec splits "unix:PATH" or "tcp:HOST:PORT" into a network and an
// address for package net.
func ParseSpec(spec string) (network, address string, err error) {
	kind, addr, ok := strings.Cut(spec, ":")
	if !ok || addr == "" {
		return "", "", fmt.Errorf("address %q: write unix:PATH or tcp:HOST:PORT", spec)
	}
	switch kind {
	case "unix":
		return "unix", addr, nil
	case "tcp":
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return "", "", fmt.Errorf("address %q: tcp needs HOST:PORT: %w", spec, err)
		}
		return "tcp", addr, nil
	}
	return "", "", fmt.Errorf("address %q: unknown kind %q; write unix:PATH or tcp:HOST:PORT", spec, kind)
}

// Dial connects to a host listening at spec.
func Dial(ctx context.Context, spec string) (phoneapi.Transport, error) {
	network, addr, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w (is the host running?)", spec, err)
	}
	return New(c), nil
}

// Listen listens at spec. A unix socket file is removed when the listener
// is closed.
func Listen(spec string) (net.Listener, error) {
	network, addr, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen(network, addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", spec, err)
	}
	return l, nil
}

type result struct {
	line string
	err  error
}

// conn is a Transport over a net.Conn. One goroutine reads lines into
// results, so ReadLine can give up on ctx without losing a line: the line
// waits for the next ReadLine.
//
// Writers take turns through wsem, a one-slot semaphore rather than a
// mutex, so that WriteLine can give up waiting for its turn when its ctx
// ends and TryWriteLine can decline to wait at all. Whoever holds wsem
// owns wbuf, the line being written.
type conn struct {
	c         net.Conn
	raw       syscall.RawConn // nil: c has no file descriptor to write without waiting
	results   chan result
	startRead sync.Once
	closed    chan struct{}
	closeOnce sync.Once
	wsem      chan struct{}
	wbuf      []byte
	// rawWrite is t.writeRaw, made once so a write allocates nothing; wn
	// and werr are its outcome. All three belong to the holder of wsem.
	rawWrite func(fd uintptr) bool
	wn       int
	werr     error
}

// New returns a Transport over c. The Transport owns c: Close closes it.
// It is a phoneapi.TryWriter; over a net.Conn without a file descriptor
// (net.Pipe) TryWriteLine always declines.
func New(c net.Conn) phoneapi.Transport {
	t := &conn{c: c, results: make(chan result), closed: make(chan struct{}), wsem: make(chan struct{}, 1)}
	if sc, ok := c.(syscall.Conn); ok {
		t.raw, _ = sc.SyscallConn()
	}
	t.rawWrite = t.writeRaw
	return t
}

func (t *conn) ReadLine(ctx context.Context) (string, error) {
	t.startRead.Do(func() { go t.readLoop() })
	select {
	case r, ok := <-t.results:
		if !ok {
			return "", fmt.Errorf("read line: %w", phoneapi.ErrClosed)
		}
		return r.line, r.err
	case <-t.closed:
		return "", fmt.Errorf("read line: %w", phoneapi.ErrClosed)
	case <-ctx.Done():
		return "", fmt.Errorf("read line: %w", ctx.Err())
	}
}

// readLoop reads lines until the connection fails; after a final error it
// closes results.
func (t *conn) readLoop() {
	defer close(t.results)
	r := bufio.NewReaderSize(t.c, 4096)
	for {
		line, err := readLine(r)
		if err != nil && !isLineError(err) {
			// Any read error ends the stream: EOF, a reset, a local Close.
			err = fmt.Errorf("read line: %w: %w", phoneapi.ErrClosed, err)
			select {
			case t.results <- result{err: err}:
			case <-t.closed:
			}
			return
		}
		select {
		case t.results <- result{line: line, err: err}:
		case <-t.closed:
			return
		}
	}
}

func isLineError(err error) bool {
	var pe *phoneapi.ProtocolError
	return errors.As(err, &pe)
}

// readLine reads one "\n"-terminated line, drops a trailing "\r", and
// checks length and encoding. An over-long line is consumed to its end so
// the stream stays in step. A final line without "\n" counts if the peer
// closed after it.
func readLine(r *bufio.Reader) (string, error) {
	var buf []byte
	tooLong := false
	for {
		frag, err := r.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(frag) > phoneapi.MaxLineLen+2 {
				tooLong = true
				buf = append(buf[:0], frag[:min(len(frag), 80)]...)
			} else {
				buf = append(buf, frag...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(buf) > 0 && !tooLong:
			// the peer closed after an unterminated line: deliver it now,
			// the next read reports EOF
		case err != nil:
			return "", err
		}
		break
	}
	if tooLong {
		return "", &phoneapi.ProtocolError{Line: string(buf),
			Reason: fmt.Sprintf("line longer than %d bytes (skipped)", phoneapi.MaxLineLen)}
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(buf), "\n"), "\r")
	if len(s) > phoneapi.MaxLineLen {
		return "", &phoneapi.ProtocolError{Line: s[:80],
			Reason: fmt.Sprintf("line longer than %d bytes (skipped)", phoneapi.MaxLineLen)}
	}
	if !utf8.ValidString(s) {
		return "", &phoneapi.ProtocolError{Line: s, Reason: "line is not valid UTF-8 (skipped)"}
	}
	return s, nil
}

// WriteLine writes line and "\n". If ctx ends while it waits for its turn,
// nothing is written; if ctx ends mid-write, the connection is closed,
// since a half-written line would corrupt the stream.
func (t *conn) WriteLine(ctx context.Context, line string) error {
	if err := phoneapi.CheckLine(line); err != nil {
		return fmt.Errorf("write line: %w", err)
	}
	select {
	case t.wsem <- struct{}{}:
	case <-t.closed:
		return fmt.Errorf("write line: %w", phoneapi.ErrClosed)
	case <-ctx.Done():
		return fmt.Errorf("write line: %w", ctx.Err())
	}
	defer func() { <-t.wsem }()
	select {
	case <-t.closed:
		return fmt.Errorf("write line: %w", phoneapi.ErrClosed)
	default:
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write line: %w", err)
	}
	t.wbuf = append(append(t.wbuf[:0], line...), '\n')
	stop := context.AfterFunc(ctx, func() { _ = t.c.SetWriteDeadline(time.Unix(1, 0)) })
	n, err := t.c.Write(t.wbuf)
	if !stop() {
		_ = t.c.SetWriteDeadline(time.Time{})
	}
	if err != nil {
		if n > 0 {
			_ = t.Close()
		}
		if ctx.Err() != nil {
			return fmt.Errorf("write line: %w", ctx.Err())
		}
		return fmt.Errorf("write line: %w: %w", phoneapi.ErrClosed, err)
	}
	return nil
}

// TryWriteLine writes line and "\n" only if that needs no wait: not for
// another writer's turn, nor for the peer to make room. It then makes one
// write(2) on the non-blocking socket from the caller's goroutine, so a
// line goes out without waking any other goroutine.
//
// It reports false, with nothing written, when it would have had to wait;
// the caller then writes the line with WriteLine, which waits its turn
// behind any line this took. When the socket takes only part of the line,
// the line is still taken: a goroutine finishes it, holding the writers'
// turn, so no other line can cut into it; it ends when the rest is written
// or the connection closes (which a failure of that write does too).
func (t *conn) TryWriteLine(line string) (bool, error) {
	if t.raw == nil {
		return false, nil
	}
	if err := phoneapi.CheckLine(line); err != nil {
		return false, fmt.Errorf("write line: %w", err)
	}
	select {
	case t.wsem <- struct{}{}:
	default:
		return false, nil // another writer's turn
	}
	select {
	case <-t.closed:
		<-t.wsem
		return false, fmt.Errorf("write line: %w", phoneapi.ErrClosed)
	default:
	}
	t.wbuf = append(append(t.wbuf[:0], line...), '\n')
	n, err := t.writeNow()
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded) && n == 0:
		// A WriteLine whose ctx ended left the deadline behind; that
		// writer's failure ends the connection, so decline.
		<-t.wsem
		return false, nil
	case err != nil && n == 0:
		<-t.wsem
		return false, fmt.Errorf("write line: %w: %w", phoneapi.ErrClosed, err)
	case err != nil:
		<-t.wsem
		_ = t.Close() // half a line is on the wire
		return false, fmt.Errorf("write line: %w: %w", phoneapi.ErrClosed, err)
	case n == 0:
		<-t.wsem
		return false, nil // the peer has not made room
	case n < len(t.wbuf):
		go t.finish(t.wbuf[n:])
		return true, nil
	}
	<-t.wsem
	return true, nil
}

// writeNow writes as much of wbuf as the socket takes without waiting.
func (t *conn) writeNow() (int, error) {
	t.wn, t.werr = 0, nil
	err := t.raw.Write(t.rawWrite)
	if err == nil {
		err = t.werr
	}
	return t.wn, err
}

// writeRaw is writeNow's part on the descriptor; it never asks to wait.
func (t *conn) writeRaw(fd uintptr) bool {
	for t.wn < len(t.wbuf) {
		m, err := unix.Write(int(fd), t.wbuf[t.wn:])
		if m > 0 {
			t.wn += m
		}
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			return true
		case err != nil:
			t.werr = err
			return true
		}
	}
	return true
}

// finish writes the rest of a line TryWriteLine began, then gives up the
// writers' turn it was handed. It waits for the peer, or for Close.
func (t *conn) finish(rest []byte) {
	defer func() { <-t.wsem }()
	if _, err := t.c.Write(rest); err != nil {
		_ = t.Close()
	}
}

func (t *conn) Close() error {
	err := net.ErrClosed
	t.closeOnce.Do(func() {
		close(t.closed)
		err = t.c.Close()
	})
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}
