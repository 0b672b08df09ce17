package hidtest

import (
	"context"
	"fmt"
	"sync"

	"github.com/handsetd/handsetd/hid"
)

// Fake is an in-memory hid.Device whose other end is the test: the test
// queues input reports with Input, reads back what the code under test
// wrote with Outputs or WaitOutputs, serves feature reports from a table,
// and pulls the plug with Unplug.
//
// Reports queued before an Unplug are still delivered, then ReadInput
// returns hid.ErrDisconnected, as hidraw drains its buffer before failing.
// After Close every call returns hid.ErrClosed.
type Fake struct {
	info hid.Info
	desc []byte

	mu        sync.Mutex
	queue     [][]byte
	outputs   [][]byte
	features  map[byte][]byte
	featOut   [][]byte
	writeErr  error
	closed    bool
	unplugged bool
	// changed is closed and replaced on every state change, waking
	// everyone blocked in ReadInput or WaitOutputs.
	changed chan struct{}
}

var _ hid.Device = (*Fake)(nil)

// NewFake returns a connected Fake with that identity and report
// descriptor.
func NewFake(info hid.Info, desc []byte) *Fake {
	return &Fake{
		info:     info,
		desc:     clone(desc),
		features: map[byte][]byte{},
		changed:  make(chan struct{}),
	}
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// broadcast must be called with mu held.
func (f *Fake) broadcast() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// Input queues an input report (id byte first) for ReadInput. It never
// blocks.
func (f *Fake) Input(report []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = append(f.queue, clone(report))
	f.broadcast()
}

// Outputs returns copies of every output report written so far, in order.
func (f *Fake) Outputs() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return cloneAll(f.outputs)
}

// FeatureWrites returns copies of every feature report set so far.
func (f *Fake) FeatureWrites() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return cloneAll(f.featOut)
}

func cloneAll(rs [][]byte) [][]byte {
	out := make([][]byte, len(rs))
	for i, r := range rs {
		out[i] = clone(r)
	}
	return out
}

// WaitOutputs blocks until at least n output reports have been written, and
// returns all of them; it fails when ctx is done first.
func (f *Fake) WaitOutputs(ctx context.Context, n int) ([][]byte, error) {
	for {
		f.mu.Lock()
		if len(f.outputs) >= n {
			out := cloneAll(f.outputs)
			f.mu.Unlock()
			return out, nil
		}
		have, wake := len(f.outputs), f.changed
		f.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("hidtest: waiting for %d output reports, got %d: %w", n, have, ctx.Err())
		case <-wake:
		}
	}
}

// SetFeatureReport puts a feature report (id byte first) in the table that
// GetFeature serves. SetFeature by the code under test also updates it.
func (f *Fake) SetFeatureReport(report []byte) {
	if len(report) == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.features[report[0]] = clone(report)
}

// FailWrites makes every later WriteOutput and SetFeature return err (nil
// restores success).
func (f *Fake) FailWrites(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writeErr = err
}

// Unplug disconnects the device: ReadInput returns hid.ErrDisconnected once
// the queued reports are read, and writes fail with it at once.
func (f *Fake) Unplug() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unplugged = true
	f.broadcast()
}

// state returns the error for an operation on a gone device, with mu held.
func (f *Fake) state(op string) error {
	if f.closed {
		return fmt.Errorf("hidtest: %s: %w", op, hid.ErrClosed)
	}
	if f.unplugged {
		return fmt.Errorf("hidtest: %s: %w", op, hid.ErrDisconnected)
	}
	return nil
}

// ReadInput implements hid.Device.
func (f *Fake) ReadInput(ctx context.Context, p []byte) (int, error) {
	for {
		f.mu.Lock()
		if f.closed {
			f.mu.Unlock()
			return 0, fmt.Errorf("hidtest: read input: %w", hid.ErrClosed)
		}
		if len(f.queue) > 0 {
			r := f.queue[0]
			f.queue = f.queue[1:]
			f.mu.Unlock()
			return copy(p, r), nil
		}
		if f.unplugged {
			f.mu.Unlock()
			return 0, fmt.Errorf("hidtest: read input: %w", hid.ErrDisconnected)
		}
		wake := f.changed
		f.mu.Unlock()
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("hidtest: read input: %w", ctx.Err())
		case <-wake:
		}
	}
}

// WriteOutput implements hid.Device.
func (f *Fake) WriteOutput(report []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.state("write output"); err != nil {
		return err
	}
	if f.writeErr != nil {
		return fmt.Errorf("hidtest: write output: %w", f.writeErr)
	}
	if len(report) == 0 {
		return fmt.Errorf("hidtest: write output: empty report, it needs at least the id byte")
	}
	f.outputs = append(f.outputs, clone(report))
	f.broadcast()
	return nil
}

// GetFeature implements hid.Device: it serves the table.
func (f *Fake) GetFeature(report []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.state("get feature"); err != nil {
		return 0, err
	}
	if len(report) == 0 {
		return 0, fmt.Errorf("hidtest: get feature: empty buffer, it needs at least the id byte")
	}
	r, ok := f.features[report[0]]
	if !ok {
		return 0, fmt.Errorf("hidtest: get feature %d: %w", report[0], hid.ErrUnsupported)
	}
	return copy(report, r), nil
}

// SetFeature implements hid.Device: it records the report and updates the
// table.
func (f *Fake) SetFeature(report []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.state("set feature"); err != nil {
		return err
	}
	if f.writeErr != nil {
		return fmt.Errorf("hidtest: set feature: %w", f.writeErr)
	}
	if len(report) == 0 {
		return fmt.Errorf("hidtest: set feature: empty report, it needs at least the id byte")
	}
	f.featOut = append(f.featOut, clone(report))
	f.features[report[0]] = clone(report)
	return nil
}

// ReportDescriptor implements hid.Device.
func (f *Fake) ReportDescriptor() ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.state("report descriptor"); err != nil {
		return nil, err
	}
	return clone(f.desc), nil
}

// Info implements hid.Device.
func (f *Fake) Info() hid.Info { return f.info }

// Close implements hid.Device. It is idempotent and always returns nil.
func (f *Fake) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		f.broadcast()
	}
	return nil
}
