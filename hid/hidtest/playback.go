package hidtest

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/handsetd/handsetd/hid"
)

// OpKind is the kind of one step of a recorded conversation.
type OpKind int

// Kinds of Op.
const (
	OpRead OpKind = iota + 1
	OpWrite
	OpGetFeature
	OpSetFeature
)

func (k OpKind) String() string {
	switch k {
	case OpRead:
		return "read input"
	case OpWrite:
		return "write output"
	case OpGetFeature:
		return "get feature"
	case OpSetFeature:
		return "set feature"
	}
	return fmt.Sprintf("OpKind(%d)", int(k))
}

// Op is one step of a conversation with a device.
type Op struct {
	Kind OpKind
	// Data is the input report ReadInput returns, the exact bytes
	// WriteOutput or SetFeature must send, or the feature report GetFeature
	// returns (its first byte is the id the caller must ask for).
	Data []byte
	// Err, when set, is what the call returns instead (Data is then
	// ignored for reads), e.g. hid.ErrDisconnected to end a session.
	Err error
}

// Read is a step where the device delivers an input report.
func Read(report []byte) Op { return Op{Kind: OpRead, Data: report} }

// ReadErr is a step where ReadInput fails with err.
func ReadErr(err error) Op { return Op{Kind: OpRead, Err: err} }

// Write is a step where the code under test must write exactly report.
func Write(report []byte) Op { return Op{Kind: OpWrite, Data: report} }

// GetFeature is a step where the code asks for feature report report[0]
// and gets report.
func GetFeature(report []byte) Op { return Op{Kind: OpGetFeature, Data: report} }

// SetFeature is a step where the code must set exactly report.
func SetFeature(report []byte) Op { return Op{Kind: OpSetFeature, Data: report} }

// Playback is a hid.Device that replays a recorded conversation, step by
// step, and fails on anything that departs from it, in the spirit of
// periph.io's conntest.Playback.
//
// The steps are a causal order, and reads and writes may come from
// different goroutines. ReadInput blocks until every step before the next
// Read has happened (so a read that the script places after a write waits
// for that write), then returns it; when the script is used up it blocks
// until ctx is done or Close. A write or feature request that comes while
// the next step is a Read waits (up to Timeout) for the reader to take it.
// One that is not the next step, or whose bytes differ, fails with an error
// naming both byte strings, and the first such error is kept.
//
// Close returns an error when steps are left over or a step failed; Err and
// Verify report the same without closing.
type Playback struct {
	info hid.Info
	desc []byte

	mu      sync.Mutex
	ops     []Op
	next    int
	err     error // first mismatch
	closed  bool
	changed chan struct{}
}

var _ hid.Device = (*Playback)(nil)

// NewPlayback returns a Playback of ops for a device with that identity and
// descriptor.
func NewPlayback(info hid.Info, desc []byte, ops ...Op) *Playback {
	return &Playback{info: info, desc: clone(desc), ops: ops, changed: make(chan struct{})}
}

// advance consumes the next step, with mu held.
func (p *Playback) advance() {
	p.next++
	close(p.changed)
	p.changed = make(chan struct{})
}

func (p *Playback) fail(err error) error {
	if p.err == nil {
		p.err = err
	}
	return err
}

// Err returns the first mismatch, or an error listing the steps left over,
// or nil when the conversation went exactly as recorded.
func (p *Playback) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.errLocked()
}

func (p *Playback) errLocked() error {
	if p.err != nil {
		return p.err
	}
	if left := len(p.ops) - p.next; left > 0 {
		return fmt.Errorf("hidtest: playback: %d step(s) left over, next is step %d: %s", left, p.next, describe(p.ops[p.next]))
	}
	return nil
}

// Verify fails t when Err is not nil.
func (p *Playback) Verify(t interface {
	Helper()
	Error(args ...any)
}) {
	t.Helper()
	if err := p.Err(); err != nil {
		t.Error(err)
	}
}

func describe(op Op) string {
	if op.Err != nil {
		return fmt.Sprintf("%s failing with %v", op.Kind, op.Err)
	}
	return fmt.Sprintf("%s % x", op.Kind, op.Data)
}

// ReadInput implements hid.Device.
func (p *Playback) ReadInput(ctx context.Context, buf []byte) (int, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return 0, fmt.Errorf("hidtest: playback: read input: %w", hid.ErrClosed)
		}
		if p.next < len(p.ops) && p.ops[p.next].Kind == OpRead {
			op := p.ops[p.next]
			p.advance()
			p.mu.Unlock()
			if op.Err != nil {
				return 0, fmt.Errorf("hidtest: playback: read input: %w", op.Err)
			}
			return copy(buf, op.Data), nil
		}
		wake := p.changed
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("hidtest: playback: read input: %w", ctx.Err())
		case <-wake:
		}
	}
}

// expect checks a write-like call against the next step.
func (p *Playback) expect(kind OpKind, data []byte) (Op, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	// Reads run on their own goroutine: a write that the script places
	// after a read waits for that read to be taken.
	var deadline <-chan time.Time
	for !p.closed && p.err == nil && p.next < len(p.ops) && p.ops[p.next].Kind == OpRead {
		if deadline == nil {
			tm := time.NewTimer(Timeout)
			defer tm.Stop()
			deadline = tm.C
		}
		wake := p.changed
		p.mu.Unlock()
		timedOut := false
		select {
		case <-wake:
		case <-deadline:
			timedOut = true
		}
		p.mu.Lock()
		if timedOut {
			break
		}
	}
	if p.closed {
		return Op{}, fmt.Errorf("hidtest: playback: %s: %w", kind, hid.ErrClosed)
	}
	if p.err != nil {
		return Op{}, fmt.Errorf("hidtest: playback: %s after an earlier mismatch: %w", kind, p.err)
	}
	if p.next >= len(p.ops) {
		return Op{}, p.fail(fmt.Errorf("hidtest: playback: unexpected %s % x after the last step", kind, data))
	}
	op := p.ops[p.next]
	switch {
	case op.Kind != kind:
		return Op{}, p.fail(fmt.Errorf("hidtest: playback: step %d: got %s % x, want %s", p.next, kind, data, describe(op)))
	case kind == OpGetFeature && (len(data) == 0 || len(op.Data) == 0 || data[0] != op.Data[0]):
		return Op{}, p.fail(fmt.Errorf("hidtest: playback: step %d: got get feature for id % x, want %s", p.next, data[:min(1, len(data))], describe(op)))
	case kind != OpGetFeature && op.Err == nil && !bytes.Equal(op.Data, data):
		return Op{}, p.fail(fmt.Errorf("hidtest: playback: step %d: %s wrote % x, want % x", p.next, kind, data, op.Data))
	}
	p.advance()
	return op, nil
}

// WriteOutput implements hid.Device.
func (p *Playback) WriteOutput(report []byte) error {
	op, err := p.expect(OpWrite, report)
	if err != nil {
		return err
	}
	if op.Err != nil {
		return fmt.Errorf("hidtest: playback: write output: %w", op.Err)
	}
	return nil
}

// GetFeature implements hid.Device.
func (p *Playback) GetFeature(report []byte) (int, error) {
	op, err := p.expect(OpGetFeature, report)
	if err != nil {
		return 0, err
	}
	if op.Err != nil {
		return 0, fmt.Errorf("hidtest: playback: get feature: %w", op.Err)
	}
	return copy(report, op.Data), nil
}

// SetFeature implements hid.Device.
func (p *Playback) SetFeature(report []byte) error {
	op, err := p.expect(OpSetFeature, report)
	if err != nil {
		return err
	}
	if op.Err != nil {
		return fmt.Errorf("hidtest: playback: set feature: %w", op.Err)
	}
	return nil
}

// ReportDescriptor implements hid.Device.
func (p *Playback) ReportDescriptor() ([]byte, error) { return clone(p.desc), nil }

// Info implements hid.Device.
func (p *Playback) Info() hid.Info { return p.info }

// Close implements hid.Device. It unblocks ReadInput with hid.ErrClosed
// and returns Err; a second Close returns nil.
func (p *Playback) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	close(p.changed)
	p.changed = make(chan struct{})
	return p.errLocked()
}
