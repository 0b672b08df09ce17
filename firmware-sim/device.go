package firmwaresim

import (
	"context"
	"fmt"
	"sync"

	"github.com/handsetd/handsetd/hid"
)

// queueLen is how many input reports a host buffers before the oldest is
// dropped, as hidraw's per-reader ring does.
const queueLen = 64

// Open returns an in-process hid.Device for the handset, waiting until it is
// plugged in or ctx is done.
//
// The Device polls the handset from Open until Close, the way opening a
// hidraw node starts the kernel polling the interrupt endpoint: input
// reports from then on are queued for it (the oldest dropped past 64).
func (h *Handset) Open(ctx context.Context) (hid.Device, error) {
	for {
		s, err := h.WaitPlugged(ctx)
		if err != nil {
			return nil, fmt.Errorf("open simulated %s: %w", h.model.Name, err)
		}
		d := &simDevice{h: h, sess: s, queue: make(chan []byte, queueLen), closed: make(chan struct{})}
		if s.Attach(d) {
			return d, nil
		}
		// Unplugged between the wait and the attach: wait again.
	}
}

// info is the identity every transport reports, with the given path.
func (h *Handset) info(path string) hid.Info {
	id := h.id
	return hid.Info{
		VendorID:     id.vendor,
		ProductID:    id.product,
		Serial:       h.serial,
		Product:      id.productName,
		Manufacturer: id.manufacturer,
		Path:         path,
		Interface:    0,
	}
}

// simDevice is an in-process host of a Handset.
type simDevice struct {
	h         *Handset
	sess      *Session
	queue     chan []byte
	closed    chan struct{}
	closeOnce sync.Once
}

var _ hid.Device = (*simDevice)(nil)

// Deliver queues a report; it runs with the Handset locked, so it is the only
// sender and may drop the oldest report to make room.
func (d *simDevice) Deliver(report []byte) {
	for {
		select {
		case d.queue <- report:
			return
		default:
		}
		select {
		case <-d.queue:
		default:
		}
	}
}

func (d *simDevice) isClosed() bool {
	select {
	case <-d.closed:
		return true
	default:
		return false
	}
}

func (d *simDevice) ReadInput(ctx context.Context, p []byte) (int, error) {
	if d.isClosed() {
		return 0, fmt.Errorf("read input: %w", hid.ErrClosed)
	}
	// Reports that arrived before an unplug are still read first.
	select {
	case r := <-d.queue:
		return copy(p, r), nil
	default:
	}
	select {
	case r := <-d.queue:
		return copy(p, r), nil
	case <-ctx.Done():
		return 0, fmt.Errorf("read input: %w", ctx.Err())
	case <-d.closed:
		return 0, fmt.Errorf("read input: %w", hid.ErrClosed)
	case <-d.sess.gone:
		select {
		case r := <-d.queue:
			return copy(p, r), nil
		default:
		}
		return 0, fmt.Errorf("read input: %w", hid.ErrDisconnected)
	}
}

// check returns the error for a Device that is closed or whose handset was
// unplugged.
func (d *simDevice) check(op string) error {
	if d.isClosed() {
		return fmt.Errorf("%s: %w", op, hid.ErrClosed)
	}
	select {
	case <-d.sess.gone:
		return fmt.Errorf("%s: %w", op, hid.ErrDisconnected)
	default:
	}
	return nil
}

func (d *simDevice) request(op string, f func() error) error {
	if err := d.check(op); err != nil {
		return err
	}
	if err := f(); err != nil {
		if err == ErrSessionEnded {
			return fmt.Errorf("%s: %w", op, hid.ErrDisconnected)
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

func (d *simDevice) WriteOutput(report []byte) error {
	return d.request("write output report", func() error { return d.sess.Output(report) })
}

func (d *simDevice) GetFeature(report []byte) (int, error) {
	if len(report) == 0 {
		return 0, fmt.Errorf("get feature report: empty buffer (the first byte must be the report id)")
	}
	var n int
	err := d.request("get feature report", func() error {
		r, err := d.sess.GetFeature(report[0])
		n = copy(report, r)
		return err
	})
	return n, err
}

func (d *simDevice) SetFeature(report []byte) error {
	return d.request("set feature report", func() error { return d.sess.SetFeature(report) })
}

func (d *simDevice) ReportDescriptor() ([]byte, error) {
	if d.isClosed() {
		return nil, fmt.Errorf("report descriptor: %w", hid.ErrClosed)
	}
	return d.h.Descriptor(), nil
}

func (d *simDevice) Info() hid.Info { return d.h.info("sim:" + d.h.model.Name) }

func (d *simDevice) Close() error {
	d.closeOnce.Do(func() {
		close(d.closed)
		d.sess.Detach(d)
	})
	return nil
}
