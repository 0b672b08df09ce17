package replay

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidrec"
	"github.com/handsetd/handsetd/internal/clock"
)

// ErrFinished is what ReadInput returns after the last recorded report when
// Options.Hold is not set. It wraps hid.ErrDisconnected.
var ErrFinished = fmt.Errorf("%w: the replay finished (end of the recording)", hid.ErrDisconnected)

// Options configure a replayed Device. The zero value replays at the
// recorded pace on the system clock and ends with ErrFinished.
type Options struct {
	// Clock paces the reports; nil means the system clock.
	Clock clock.Clock
	// Fast plays the reports back to back, as fast as the reader takes them.
	Fast bool
	// Hold keeps the device present and silent after the last report:
	// ReadInput then blocks until ctx ends or Close.
	Hold bool
	// Start, when set, holds playback until it is closed; the recorded
	// times count from then.
	Start <-chan struct{}
	// OnOutput, when set, is called with every output and feature report
	// written to the device (kind is "output" or "feature"). It must not
	// block.
	OnOutput func(kind string, report []byte)
	// Path names the device in Info; empty means "replay".
	Path string
	// Answers holds each report (after its recorded time, unless Fast)
	// until the host has written an output report that it answers:
	// Answers(request, report) is true (both with the id byte first), or
	// AnswerWait has passed. nil plays every report without waiting. The
	// caller sets it (usually to SameCommand) for a recorded device that
	// only answers requests; see the package doc.
	Answers func(request, report []byte) bool
}

// SameCommand is the request-reply rule of the first Yealink generation: a
// reply starts with the command byte of the request it answers.
func SameCommand(request, report []byte) bool {
	return len(request) > 1 && len(report) > 1 && request[1] == report[1]
}

// Device is a recording played back as a hid.Device.
type Device struct {
	rec      *hidrec.Device
	opts     Options
	numbered bool
	info     hid.Info

	next   int // index of the next event; only the reader touches it
	origin time.Time
	begun  bool

	// The outputs written since the last report released, for
	// Options.Answers; wrote is signalled after each.
	mu      sync.Mutex
	pending [][]byte
	wrote   chan struct{}

	done      chan struct{} // closed after the last report was read
	doneOnce  sync.Once
	closed    chan struct{}
	closeOnce sync.Once
}

var _ hid.Device = (*Device)(nil)

// HasReportIDs reports whether a descriptor declares report ids, which
// decides whether recorded reports carry an id byte.
func HasReportIDs(desc []byte) (bool, error) {
	d, err := hid.ParseDescriptor(desc)
	if err != nil {
		return false, fmt.Errorf("cannot tell whether the reports carry a report id: %w", err)
	}
	return d.UsesReportIDs, nil
}

// New returns a Device that plays rec.
func New(rec *hidrec.Device, opts Options) (*Device, error) {
	numbered, err := HasReportIDs(rec.Descriptor)
	if err != nil {
		return nil, fmt.Errorf("replay %q: %w", rec.Name, err)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	path := opts.Path
	if path == "" {
		path = "replay"
	}
	return &Device{
		rec: rec, opts: opts, numbered: numbered,
		info: hid.Info{
			VendorID: rec.VendorID, ProductID: rec.ProductID, Product: rec.Name,
			Path: path, Interface: -1,
		},
		done:   make(chan struct{}),
		closed: make(chan struct{}),
		wrote:  make(chan struct{}, 1),
	}, nil
}

// Load reads a recording file and returns the device to replay: the only
// device of the file when index is negative, else the one numbered index.
func Load(path string, index int) (*hidrec.Device, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open recording: %w", err)
	}
	defer f.Close()
	rec, err := hidrec.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("recording %s: %w", path, err)
	}
	if index < 0 {
		if len(rec.Devices) > 1 {
			names := ""
			for i, d := range rec.Devices {
				if i > 0 {
					names += ", "
				}
				names += fmt.Sprintf("%d: %s", d.Index, d.Name)
			}
			return nil, fmt.Errorf("recording %s holds %d devices (%s); pick one with replay:%s#N", path, len(rec.Devices), names, path)
		}
		return rec.Devices[0], nil
	}
	for _, d := range rec.Devices {
		if d.Index == index {
			return d, nil
		}
	}
	return nil, fmt.Errorf("recording %s has no device %d", path, index)
}

// Done is closed once the last recorded report has been read.
func (d *Device) Done() <-chan struct{} { return d.done }

// Len is the number of recorded reports.
func (d *Device) Len() int { return len(d.rec.Events) }

func (d *Device) isClosed() bool {
	select {
	case <-d.closed:
		return true
	default:
		return false
	}
}

// ReadInput returns the next recorded report when it is due.
func (d *Device) ReadInput(ctx context.Context, p []byte) (int, error) {
	const op = "read input"
	if d.isClosed() {
		return 0, fmt.Errorf("%s: %w", op, hid.ErrClosed)
	}
	if !d.begun {
		if d.opts.Start != nil {
			select {
			case <-d.opts.Start:
			case <-ctx.Done():
				return 0, fmt.Errorf("%s: %w", op, ctx.Err())
			case <-d.closed:
				return 0, fmt.Errorf("%s: %w", op, hid.ErrClosed)
			}
		}
		d.begun, d.origin = true, d.opts.Clock.Now()
	}
	if d.next >= len(d.rec.Events) {
		d.doneOnce.Do(func() { close(d.done) })
		if !d.opts.Hold {
			return 0, fmt.Errorf("%s: %w", op, ErrFinished)
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("%s: %w", op, ctx.Err())
		case <-d.closed:
			return 0, fmt.Errorf("%s: %w", op, hid.ErrClosed)
		}
	}
	e := d.rec.Events[d.next]
	if !d.opts.Fast {
		due := d.origin.Add(e.Time - d.rec.Events[0].Time)
		if wait := due.Sub(d.opts.Clock.Now()); wait > 0 {
			t := d.opts.Clock.NewTimer(wait)
			select {
			case <-t.C():
			case <-ctx.Done():
				t.Stop()
				return 0, fmt.Errorf("%s: %w", op, ctx.Err())
			case <-d.closed:
				t.Stop()
				return 0, fmt.Errorf("%s: %w", op, hid.ErrClosed)
			}
		}
	}
	if d.opts.Answers != nil {
		if err := d.awaitRequest(ctx, d.report(e.Data)); err != nil {
			return 0, fmt.Errorf("%s: %w", op, err)
		}
	}
	d.next++
	if d.next == len(d.rec.Events) {
		d.doneOnce.Do(func() { close(d.done) })
	}
	return copy(p, d.report(e.Data)), nil
}

// report is recorded data with the id byte first.
func (d *Device) report(data []byte) []byte {
	if d.numbered {
		return data
	}
	return append([]byte{0}, data...)
}

// AnswerWait bounds how long a fast replay holds a reply for its request:
// a recording may answer requests this host never makes (another driver's,
// or the 0xfd a damaged packet got), and those must not stop the replay.
// The host's own polls come well within it.
const AnswerWait = time.Second

// awaitRequest waits until an output written since the last report
// released is one that report answers, and forgets the outputs up to it;
// after AnswerWait it gives up waiting and lets the report go.
func (d *Device) awaitRequest(ctx context.Context, report []byte) error {
	var limit clock.Timer
	defer func() {
		if limit != nil {
			limit.Stop()
		}
	}()
	for {
		d.mu.Lock()
		for i, req := range d.pending {
			if d.opts.Answers(req, report) {
				d.pending = append(d.pending[:0:0], d.pending[i+1:]...)
				d.mu.Unlock()
				return nil
			}
		}
		d.mu.Unlock()
		if limit == nil {
			limit = d.opts.Clock.NewTimer(AnswerWait)
		}
		select {
		case <-d.wrote:
		case <-limit.C():
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-d.closed:
			return hid.ErrClosed
		}
	}
}

// WriteOutput accepts the report and changes nothing.
func (d *Device) WriteOutput(report []byte) error {
	if d.isClosed() {
		return fmt.Errorf("write output report: %w", hid.ErrClosed)
	}
	if d.opts.OnOutput != nil {
		d.opts.OnOutput("output", append([]byte(nil), report...))
	}
	if d.opts.Answers != nil {
		d.mu.Lock()
		d.pending = append(d.pending, append([]byte(nil), report...))
		d.mu.Unlock()
		select {
		case d.wrote <- struct{}{}:
		default:
		}
	}
	return nil
}

// GetFeature fails: a recording holds no feature reports.
func (d *Device) GetFeature(report []byte) (int, error) {
	if d.isClosed() {
		return 0, fmt.Errorf("get feature report: %w", hid.ErrClosed)
	}
	return 0, fmt.Errorf("get feature report: a recording holds no feature reports: %w", hid.ErrUnsupported)
}

// SetFeature accepts the report and changes nothing.
func (d *Device) SetFeature(report []byte) error {
	if d.isClosed() {
		return fmt.Errorf("set feature report: %w", hid.ErrClosed)
	}
	if d.opts.OnOutput != nil {
		d.opts.OnOutput("feature", append([]byte(nil), report...))
	}
	return nil
}

// ReportDescriptor returns the recorded descriptor.
func (d *Device) ReportDescriptor() ([]byte, error) {
	if d.isClosed() {
		return nil, fmt.Errorf("report descriptor: %w", hid.ErrClosed)
	}
	return append([]byte(nil), d.rec.Descriptor...), nil
}

// Info returns the recorded identity.
func (d *Device) Info() hid.Info { return d.info }

// Close ends the replay; a blocked ReadInput returns hid.ErrClosed.
func (d *Device) Close() error {
	d.closeOnce.Do(func() { close(d.closed) })
	return nil
}

// IsFinished reports whether err is the end of a replay.
func IsFinished(err error) bool { return errors.Is(err, ErrFinished) }
