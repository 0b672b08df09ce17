package baresip

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// DefaultMaxFrame bounds the netstrings read from baresip. Its events are a
// few hundred bytes; a response carries a command's printout (listcalls,
// help), a few kilobytes at most.
const DefaultMaxFrame = 64 << 10

// maxLenDigits bounds the length prefix: baresip's NETSTRING_MAX_SIZE is
// 999999999, nine digits.
const maxLenDigits = 9

// ErrFrame is a netstring that is malformed (no length, a leading zero, no
// colon, no trailing comma). The reader has skipped past it to the next
// comma, where the next netstring most likely starts.
var ErrFrame = errors.New("malformed netstring")

// ErrFrameTooLong is a well-formed netstring longer than the reader's limit;
// its bytes were skipped.
var ErrFrameTooLong = errors.New("netstring too long")

// FrameReader reads netstrings from a byte stream. After ErrFrame or
// ErrFrameTooLong the next ReadFrame goes on with the stream; any other
// error is the stream's own and final.
type FrameReader struct {
	r   *bufio.Reader
	max int
}

// NewFrameReader reads netstrings of at most max bytes (max <= 0:
// DefaultMaxFrame) from r.
func NewFrameReader(r io.Reader, max int) *FrameReader {
	if max <= 0 {
		max = DefaultMaxFrame
	}
	return &FrameReader{r: bufio.NewReader(r), max: max}
}

// ReadFrame returns the payload of the next netstring.
func (f *FrameReader) ReadFrame() ([]byte, error) {
	n, err := f.readLen()
	if err != nil {
		return nil, err
	}
	if n > f.max {
		if _, err := f.r.Discard(n); err != nil {
			return nil, fmt.Errorf("read netstring: skipping %d bytes: %w", n, unexpected(err))
		}
		if err := f.comma(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("read netstring: %d bytes, more than the limit of %d: %w", n, f.max, ErrFrameTooLong)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(f.r, b); err != nil {
		return nil, fmt.Errorf("read netstring: %w", unexpected(err))
	}
	if err := f.comma(); err != nil {
		return nil, err
	}
	return b, nil
}

// readLen reads "LEN:".
func (f *FrameReader) readLen() (int, error) {
	n, digits := 0, 0
	for {
		c, err := f.r.ReadByte()
		if err != nil {
			if digits > 0 {
				err = unexpected(err)
			}
			return 0, fmt.Errorf("read netstring: %w", err)
		}
		switch {
		case c >= '0' && c <= '9':
			if digits == 1 && n == 0 {
				return 0, f.skip("leading zero in the length")
			}
			if digits == maxLenDigits {
				return 0, f.skip("length longer than 9 digits")
			}
			n = n*10 + int(c-'0')
			digits++
		case c == ':' && digits > 0:
			return n, nil
		case c == ':':
			return 0, f.skip("no length before ':'")
		default:
			return 0, f.skip(fmt.Sprintf("byte %q where the length or ':' belongs", c))
		}
	}
}

// comma reads the ',' that ends a netstring.
func (f *FrameReader) comma() error {
	c, err := f.r.ReadByte()
	if err != nil {
		return fmt.Errorf("read netstring: %w", unexpected(err))
	}
	if c != ',' {
		if err := f.r.UnreadByte(); err != nil {
			return fmt.Errorf("read netstring: %w", err)
		}
		return f.skip(fmt.Sprintf("byte %q where ',' ends the netstring", c))
	}
	return nil
}

// skip discards input up to and including the next ',' (the most likely
// end of the broken netstring) and returns an ErrFrame saying why. A stream
// that ends first gives its own error.
func (f *FrameReader) skip(why string) error {
	for {
		_, err := f.r.ReadSlice(',')
		switch {
		case err == nil:
			return fmt.Errorf("read netstring: %s: %w", why, ErrFrame)
		case !errors.Is(err, bufio.ErrBufferFull):
			return fmt.Errorf("read netstring: %s, then %w", why, unexpected(err))
		}
	}
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// AppendFrame appends payload as one netstring to b.
func AppendFrame(b, payload []byte) []byte {
	b = strconv.AppendInt(b, int64(len(payload)), 10)
	b = append(b, ':')
	b = append(b, payload...)
	return append(b, ',')
}
