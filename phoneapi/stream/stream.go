package stream

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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
type conn struct {
	c         net.Conn
	results   chan result
	startRead sync.Once
	closed    chan struct{}
	closeOnce sync.Once
	wmu       sync.Mutex
}

// New returns a Transport over c. The Transport owns c: Close closes it.
func New(c net.Conn) phoneapi.Transport {
	return &conn{c: c, results: make(chan result), closed: make(chan struct{})}
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

// WriteLine writes line and "\n". If ctx ends mid-write, the connection is
// closed, since a half-written line would corrupt the stream.
func (t *conn) WriteLine(ctx context.Context, line string) error {
	if err := phoneapi.CheckLine(line); err != nil {
		return fmt.Errorf("write line: %w", err)
	}
	t.wmu.Lock()
	defer t.wmu.Unlock()
	select {
	case <-t.closed:
		return fmt.Errorf("write line: %w", phoneapi.ErrClosed)
	default:
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write line: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { _ = t.c.SetWriteDeadline(time.Unix(1, 0)) })
	n, err := io.WriteString(t.c, line+"\n")
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
