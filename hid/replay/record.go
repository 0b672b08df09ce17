package replay

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidrec"
	"github.com/handsetd/handsetd/internal/clock"
)

// BusUSB is the Linux bus type of a USB device (BUS_USB), written on the I:
// line; every handset handsetd drives is a USB device.
const BusUSB = 0x03

// Recorder is a hid.Device that records the input reports read through it.
// Like any hid.Device it takes one reader and one writer goroutine.
type Recorder struct {
	hid.Device
	clk      clock.Clock
	numbered bool
	outputs  bool

	mu     sync.Mutex // guards w, origin, begun
	w      *hidrec.Writer
	origin time.Time
	begun  bool
	buf    []byte // reader's buffer, big enough for any report
}

// RecorderOptions configure a Recorder.
type RecorderOptions struct {
	// Clock times the reports; nil means the system clock.
	Clock clock.Clock
	// Outputs notes every output and feature report written through the
	// Recorder as a "# output: LEN BYTES" comment line.
	Outputs bool
	// Comment, when set, is written as # lines before the header.
	Comment string
}

// NewRecorder writes dev's header (descriptor, name, path, bus and ids) to
// w and returns the recording wrapper.
func NewRecorder(dev hid.Device, w *hidrec.Writer, opts RecorderOptions) (*Recorder, error) {
	desc, err := dev.ReportDescriptor()
	if err != nil {
		return nil, fmt.Errorf("record: read the report descriptor: %w", err)
	}
	numbered, err := HasReportIDs(desc)
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", dev.Info(), err)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	info := dev.Info()
	if opts.Comment != "" {
		if err := w.Comment(opts.Comment); err != nil {
			return nil, fmt.Errorf("record: %w", err)
		}
	}
	if err := w.Header(&hidrec.Device{
		Name: info.Product, Phys: info.Path, Bus: BusUSB,
		VendorID: info.VendorID, ProductID: info.ProductID, Descriptor: desc,
	}); err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	return &Recorder{Device: dev, clk: opts.Clock, numbered: numbered, outputs: opts.Outputs, w: w,
		buf: make([]byte, hidrec.MaxEventSize+1)}, nil
}

// ReadInput reads one report from the device and records it.
func (r *Recorder) ReadInput(ctx context.Context, p []byte) (int, error) {
	n, err := r.Device.ReadInput(ctx, r.buf)
	if err != nil {
		return 0, err
	}
	report := r.buf[:n]
	data := report
	if !r.numbered && len(data) > 0 {
		data = data[1:] // hidraw has no id byte for this device
	}
	if len(data) > 0 {
		r.mu.Lock()
		now := r.clk.Now()
		if !r.begun {
			r.begun, r.origin = true, now
		}
		werr := r.w.Event(hidrec.Event{Time: now.Sub(r.origin).Truncate(time.Microsecond), Data: data})
		r.mu.Unlock()
		if werr != nil {
			return 0, fmt.Errorf("record: %w", werr)
		}
	}
	return copy(p, report), nil
}

func (r *Recorder) note(kind string, report []byte) error {
	if !r.outputs {
		return nil
	}
	s := fmt.Sprintf("%s: %d", kind, len(report))
	for _, b := range report {
		s += fmt.Sprintf(" %02x", b)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.w.Comment(s); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	return nil
}

// WriteOutput writes the report to the device and notes it.
func (r *Recorder) WriteOutput(report []byte) error {
	if err := r.Device.WriteOutput(report); err != nil {
		return err
	}
	return r.note("output", report)
}

// SetFeature writes the feature report to the device and notes it.
func (r *Recorder) SetFeature(report []byte) error {
	if err := r.Device.SetFeature(report); err != nil {
		return err
	}
	return r.note("feature", report)
}
