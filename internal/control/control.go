package control

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
)

// Line is one control line, or the error for one that could not be taken.
type Line struct {
	Text string
	// Err is set (wrapping ErrTooLong) for a line longer than the limit; its
	// text is dropped.
	Err error
}

// ErrTooLong marks a control line over the limit.
var ErrTooLong = errors.New("control line too long")

// Read sends each line of r (without its "\n" or "\r\n") on out until EOF
// (it returns nil), a read error, or ctx ending. Lines longer than max bytes
// are skipped and reported as a Line with Err.
func Read(ctx context.Context, r io.Reader, max int, out chan<- Line) error {
	br := bufio.NewReaderSize(r, max+2)
	for {
		l, err := readLine(br, max)
		if errors.Is(err, io.EOF) && l.Text == "" && l.Err == nil {
			return nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		select {
		case out <- l:
		case <-ctx.Done():
			return ctx.Err()
		}
		if err != nil { // EOF after a last unterminated line
			return nil
		}
	}
}

func readLine(br *bufio.Reader, max int) (Line, error) {
	b, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		n := len(b)
		for errors.Is(err, bufio.ErrBufferFull) {
			b, err = br.ReadSlice('\n')
			n += len(b)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return Line{}, err
		}
		return Line{Err: fmt.Errorf("%w: %d bytes, at most %d", ErrTooLong, n, max)}, err
	}
	text := string(b)
	if len(text) > 0 && text[len(text)-1] == '\n' {
		text = text[:len(text)-1]
	}
	if len(text) > 0 && text[len(text)-1] == '\r' {
		text = text[:len(text)-1]
	}
	if len(text) > max {
		return Line{Err: fmt.Errorf("%w: %d bytes, at most %d", ErrTooLong, len(text), max)}, err
	}
	return Line{Text: text}, err
}
