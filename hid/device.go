package hid

import (
	"context"
	"errors"
	"fmt"
)

// Errors a Device returns. Compare with errors.Is: backends wrap them with the
// operation and the device path.
var (
	// ErrDisconnected means the device is gone (unplugged, or its simulator
	// stopped). The caller drops the Device and opens the handset again.
	ErrDisconnected = errors.New("hid: device disconnected")
	// ErrClosed means Close was called on this Device.
	ErrClosed = errors.New("hid: device closed")
	// ErrPermission means the OS refused access to the device node. The fix is
	// almost always handsetd's udev rules (70-handsetd.rules, which grant the
	// user at the seat its handsets): make install, or the .deb, installs
	// them and applies them to the handsets plugged in.
	ErrPermission = errors.New("hid: permission denied (no udev rule grants you this handset: install handsetd's 70-handsetd.rules with sudo make install, or the handsetd .deb)")
	// ErrUnsupported means the device or backend does not support the request,
	// such as a feature report the device does not declare.
	ErrUnsupported = errors.New("hid: not supported")
	// ErrEventsLost means a Backend's Watch missed events (its event
	// source overflowed). The caller enumerates again and watches again.
	ErrEventsLost = errors.New("hid: device events were lost")
)

// Info is a device's identity.
type Info struct {
	VendorID  uint16
	ProductID uint16
	Serial    string
	Product   string
	// Manufacturer is empty when the backend cannot read it.
	Manufacturer string
	// Path is the backend's name for the device: a hidraw node, a libusb
	// path, or the simulator's socket.
	Path string
	// Interface is the USB interface number of the HID interface, or -1 when
	// unknown.
	Interface int
}

// String names the device for logs and error messages.
func (i Info) String() string {
	name := i.Product
	if name == "" {
		name = "HID device"
	}
	return fmt.Sprintf("%s [%04x:%04x] at %s", name, i.VendorID, i.ProductID, i.Path)
}

// Device is one open HID interface.
//
// Every report, in and out, starts with its report id byte, which is 0 when
// the device declares no report ids. A Device is safe for one reader goroutine
// (ReadInput) running alongside one writer goroutine (everything else); Close
// may be called from any goroutine and makes a blocked ReadInput return
// ErrClosed.
type Device interface {
	// ReadInput blocks until the next input report arrives, ctx is done, or
	// the device goes away. It copies the report, id byte first, into p and
	// returns its length. A report longer than p is truncated to len(p).
	ReadInput(ctx context.Context, p []byte) (int, error)
	// WriteOutput sends one output report (id byte first).
	WriteOutput(report []byte) error
	// GetFeature reads the feature report whose id is report[0] into report
	// and returns its length, id byte included.
	GetFeature(report []byte) (int, error)
	// SetFeature sends one feature report (id byte first).
	SetFeature(report []byte) error
	// ReportDescriptor returns the raw report descriptor.
	ReportDescriptor() ([]byte, error)
	// Info returns the device's identity.
	Info() Info
	// Close releases the device. It is safe to call more than once.
	Close() error
}
