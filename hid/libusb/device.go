package libusb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/handsetd/handsetd/hid"
	khid "github.com/karalabe/hid"
)

// readTimeout is how long one hidapi read waits, in milliseconds: the
// longest Close waits for the reader to leave hidapi.
const readTimeout = 50

// queueLen is how many input reports wait for ReadInput before the oldest is
// dropped: 640 ms of a CM109's 10 ms reports.
const queueLen = 64

// handle is what Device needs of an open hidapi device (karalabe/hid's
// Device); tests put a fake behind it.
type handle interface {
	ReadTimeout(b []byte, timeout int) (int, error)
	Write(b []byte) (int, error)
	GetFeatureReport(b []byte) (int, error)
	SendFeatureReport(b []byte) (int, error)
	Close() error
}

// Device is one phone's HID interface, open through hidapi's libusb
// backend. It implements hid.Device.
type Device struct {
	h    handle
	info hid.Info
	// present reports whether the USB device is still plugged in; it tells
	// a failed write on a gone device from one the device refused.
	present func() bool
	// size is the longest input report hidapi may hand over.
	size int
	// ids is true when the device numbers its reports: hidapi then hands
	// the id byte over itself. The legacy phones have none.
	ids bool

	reports chan []byte
	stop    chan struct{} // closed by Close
	done    chan struct{} // closed when the reader has left hidapi for good
	gone    chan struct{} // closed when the reader stopped on an error
	goneErr error         // why, set before gone is closed
	dropped atomic.Int64

	mu        sync.RWMutex // writers share it; Close takes it alone
	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

var _ hid.Device = (*Device)(nil)

// newDevice wraps an open handle and starts its reader.
func newDevice(h handle, info hid.Info, present func() bool, ids bool) *Device {
	if present == nil {
		present = func() bool { return true }
	}
	d := &Device{
		h: h, info: info, present: present, size: 64, ids: ids,
		reports: make(chan []byte, queueLen),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
		gone:    make(chan struct{}),
	}
	go d.read()
	return d
}

// read drains hidapi's queue into d.reports until Close or an error. It is
// the only goroutine inside hid_read, and Close waits for it to leave.
func (d *Device) read() {
	defer close(d.done)
	buf := make([]byte, d.size)
	for {
		select {
		case <-d.stop:
			return
		default:
		}
		n, err := d.h.ReadTimeout(buf, readTimeout)
		if err != nil {
			// hidapi's reader thread stops only when the device is gone or
			// its transfer failed for good: either way this handle is over.
			d.goneErr = d.readError(err)
			close(d.gone)
			return
		}
		if n == 0 {
			continue // timed out: look at stop again
		}
		var r []byte
		if d.ids {
			r = append(r, buf[:n]...)
		} else {
			r = make([]byte, 1+n)
			copy(r[1:], buf[:n]) // no report ids: the id byte is 0
		}
		d.push(r)
	}
}

// push queues r, dropping the oldest report when nobody has read for a
// while.
func (d *Device) push(r []byte) {
	for {
		select {
		case d.reports <- r:
			return
		default:
		}
		select {
		case <-d.reports:
			d.dropped.Add(1)
		default:
		}
	}
}

// Dropped counts the input reports dropped because ReadInput fell
// queueLen reports behind.
func (d *Device) Dropped() int64 { return d.dropped.Load() }

func (d *Device) readError(err error) error {
	if errors.Is(err, khid.ErrDeviceClosed) {
		return d.opError("read", hid.ErrClosed)
	}
	return fmt.Errorf("libusb %s: read: %w (hidapi's reader stopped: the phone was unplugged or stopped answering)", d.info.Path, hid.ErrDisconnected)
}

// ReadInput implements hid.Device.
func (d *Device) ReadInput(ctx context.Context, p []byte) (int, error) {
	if d.closed.Load() {
		return 0, d.opError("read", hid.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, fmt.Errorf("libusb %s: read into an empty buffer", d.info.Path)
	}
	select {
	case r := <-d.reports:
		return copy(p, r), nil
	default:
	}
	select {
	case r := <-d.reports:
		return copy(p, r), nil
	case <-d.gone:
		select {
		case r := <-d.reports: // what came before the end goes first
			return copy(p, r), nil
		default:
		}
		return 0, d.goneErr
	case <-d.stop:
		return 0, d.opError("read", hid.ErrClosed)
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// hold takes the handle for one call, or says why not.
func (d *Device) hold(op string) (func(), error) {
	d.mu.RLock()
	if d.closed.Load() {
		d.mu.RUnlock()
		return nil, d.opError(op, hid.ErrClosed)
	}
	return d.mu.RUnlock, nil
}

// WriteOutput implements hid.Device: the report goes to hidapi as it is, id
// byte first.
func (d *Device) WriteOutput(report []byte) error {
	if len(report) == 0 {
		return fmt.Errorf("libusb %s: write an empty output report: it needs at least the id byte", d.info.Path)
	}
	release, err := d.hold("write output report")
	if err != nil {
		return err
	}
	defer release()
	n, err := d.h.Write(report)
	if err != nil {
		return d.callError("write output report", err)
	}
	if n != len(report) {
		return fmt.Errorf("libusb %s: wrote %d of the output report's %d bytes", d.info.Path, n, len(report))
	}
	return nil
}

// GetFeature implements hid.Device.
func (d *Device) GetFeature(report []byte) (int, error) {
	if len(report) == 0 {
		return 0, fmt.Errorf("libusb %s: get a feature report into an empty buffer: it needs at least the id byte", d.info.Path)
	}
	op := fmt.Sprintf("get feature report %d", report[0])
	release, err := d.hold(op)
	if err != nil {
		return 0, err
	}
	defer release()
	n, err := d.h.GetFeatureReport(report)
	if err != nil {
		return 0, d.callError(op, err)
	}
	return n, nil
}

// SetFeature implements hid.Device.
func (d *Device) SetFeature(report []byte) error {
	if len(report) == 0 {
		return fmt.Errorf("libusb %s: set an empty feature report: it needs at least the id byte", d.info.Path)
	}
	op := fmt.Sprintf("set feature report %d", report[0])
	release, err := d.hold(op)
	if err != nil {
		return err
	}
	defer release()
	// hidapi may write into the buffer; keep the caller's intact.
	if _, err := d.h.SendFeatureReport(append([]byte(nil), report...)); err != nil {
		return d.callError(op, err)
	}
	return nil
}

// ReportDescriptor implements hid.Device. hidapi's libusb path has no way
// to it here; the legacy profiles need none, so it is empty.
func (d *Device) ReportDescriptor() ([]byte, error) {
	if d.closed.Load() {
		return nil, d.opError("report descriptor", hid.ErrClosed)
	}
	return []byte{}, nil
}

// Info implements hid.Device.
func (d *Device) Info() hid.Info { return d.info }

// Close implements hid.Device. It stops the reader, waits until it has left
// hidapi, then closes the handle, which releases the interface and binds the
// kernel driver hidapi detached at open again.
func (d *Device) Close() error {
	d.closeOnce.Do(func() {
		d.closed.Store(true)
		close(d.stop)
		<-d.done
		d.mu.Lock()
		defer d.mu.Unlock()
		if err := d.h.Close(); err != nil {
			d.closeErr = fmt.Errorf("libusb %s: close: %w", d.info.Path, err)
		}
	})
	return d.closeErr
}

// callError explains a failed hidapi call. hidapi's own text says nothing
// ("hid_error is not implemented yet"), so the operation and whether the
// phone is still there are all there is to say.
func (d *Device) callError(op string, err error) error {
	switch {
	case errors.Is(err, khid.ErrDeviceClosed):
		return d.opError(op, hid.ErrClosed)
	case !d.present():
		return d.opError(op, hid.ErrDisconnected)
	}
	select {
	case <-d.gone:
		return d.opError(op, hid.ErrDisconnected)
	default:
	}
	return fmt.Errorf("libusb %s: %s: the phone refused it or did not answer within 1 s (hidapi gives no reason)", d.info.Path, op)
}

func (d *Device) opError(op string, err error) error {
	return fmt.Errorf("libusb %s: %s: %w", d.info.Path, op, err)
}
