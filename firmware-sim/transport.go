package firmwaresim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/handsetd/handsetd/hid"
)

// This file is the Handset's side that faces a transport: the in-process
// Device (Open), the UHID socket server (package uhidserve) and the USB/IP
// server (package usbipserve) all reach the firmware through it, and only
// through it.
//
// A transport waits for a plugged-in Session, attaches a Host to it while
// its far end polls the interrupt endpoint (so that input reports reach it),
// and passes the host's requests to the firmware through the Session. When
// the handset is unplugged, the Session ends for good (Gone is closed and
// every request returns ErrSessionEnded): the transport disconnects its host,
// as the device has left the bus.

// Host is one reader of input reports: an open in-process Device, a socket
// client that sent UHID_OPEN, or a USB/IP host polling the interrupt IN
// endpoint.
type Host interface {
	// Deliver takes one input report, id byte first. It runs with the
	// Handset locked: it must not block nor call the Handset. The report
	// is the host's to keep.
	Deliver(report []byte)
}

// Session is one plugged-in period of a Handset. It ends at unplug.
type Session struct {
	h    *Handset
	gone chan struct{}
}

// ErrSessionEnded is returned by a Session's requests once the handset it
// belongs to was unplugged (or switched off).
var ErrSessionEnded = errors.New("session ended (the handset was unplugged)")

// ErrClaimed is returned by Claim while another transport has the device on
// its bus.
var ErrClaimed = errors.New("the simulated handset is already on another host's bus")

// Identity is what the handset tells a host about itself.
type Identity struct {
	VendorID, ProductID uint16
	// Version is bcdDevice.
	Version uint16
	// Country is the HID country code; 0 = not localised.
	Country      uint8
	Manufacturer string
	Product      string
	Serial       string
}

// Identity returns the model's identity and the handset's serial number.
func (h *Handset) Identity() Identity {
	id := h.id
	return Identity{
		VendorID: id.vendor, ProductID: id.product, Version: id.version, Country: id.country,
		Manufacturer: id.manufacturer, Product: id.productName, Serial: h.serial,
	}
}

// Done is closed when the handset is switched off (Close): servers stop.
func (h *Handset) Done() <-chan struct{} { return h.done }

// Logger is where transports log their per-connection errors
// (Options.Logger).
func (h *Handset) Logger() *slog.Logger { return h.opts.Logger }

// ReportsState tells whether the firmware's input reports are its state, not
// events (the CM109's registers): a transport that buffers reports for a
// host between polls then keeps only the newest (see stateReporter).
func (h *Handset) ReportsState() bool {
	_, ok := h.fw.(stateReporter)
	return ok
}

// InjectReport sends report (id byte first) to the polling hosts as if the
// firmware had emitted it. It exists for transport tests that need reports
// no model makes; a model's own reports come from its keys and requests.
func (h *Handset) InjectReport(report []byte) {
	h.lock()
	defer h.unlock()
	handsetEnv{h}.emit(report)
}

// WaitPlugged blocks until the handset is plugged in and returns the current
// session, or fails with ErrHandsetClosed or ctx's error.
func (h *Handset) WaitPlugged(ctx context.Context) (*Session, error) {
	for {
		h.lock()
		if h.closed {
			h.unlock()
			return nil, ErrHandsetClosed
		}
		if h.plugged {
			s := h.sess
			h.unlock()
			return s, nil
		}
		w := h.plugWait
		h.unlock()
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the handset to be plugged: %w", ctx.Err())
		case <-w:
		case <-h.done:
		}
	}
}

// Claim puts the device on one transport's bus, as a USB device is plugged
// into one host at a time: it returns the current session and the release
// to call when that host lets it go. It fails with ErrClaimed while another
// claim holds, and with ErrUnplugged (or ErrHandsetClosed) when there is no
// session to claim.
func (h *Handset) Claim() (*Session, func(), error) {
	h.lock()
	defer h.unlock()
	switch {
	case h.claimed:
		return nil, nil, ErrClaimed
	case h.closed:
		return nil, nil, ErrHandsetClosed
	case !h.plugged:
		return nil, nil, ErrUnplugged
	}
	h.claimed = true
	release := func() {
		h.lock()
		h.claimed = false
		h.unlock()
	}
	return h.sess, release, nil
}

// Handset returns the handset the session belongs to.
func (s *Session) Handset() *Handset { return s.h }

// Gone is closed when the session ends.
func (s *Session) Gone() <-chan struct{} { return s.gone }

// Attach makes c a polling host: input reports reach it from now on, and the
// report the endpoint held (see inputHolder) first. It returns false if the
// session has ended.
func (s *Session) Attach(c Host) bool {
	h := s.h
	h.lock()
	defer h.unlock()
	if h.sess != s || !h.plugged {
		return false
	}
	h.hosts[c] = struct{}{}
	if h.held != nil {
		c.Deliver(h.held)
		h.held = nil
	}
	h.noteChangeLocked()
	return true
}

// Detach stops c polling. Detaching a host that is not attached does
// nothing.
func (s *Session) Detach(c Host) {
	h := s.h
	h.lock()
	defer h.unlock()
	if _, ok := h.hosts[c]; ok {
		delete(h.hosts, c)
		h.noteChangeLocked()
	}
}

// request runs a host request against the firmware if s is current.
func (s *Session) request(f func() error) error {
	h := s.h
	h.lock()
	defer h.unlock()
	if h.sess != s || !h.plugged {
		return ErrSessionEnded
	}
	err := f()
	h.noteChangeLocked()
	return err
}

// Output gives the firmware one output report from the host (id byte first).
// An error other than ErrSessionEnded means the firmware refused the report.
func (s *Session) Output(report []byte) error {
	return s.request(func() error {
		if s.h.opts.OnOutput != nil {
			s.h.opts.OnOutput(append([]byte(nil), report...))
		}
		return s.h.fw.output(report)
	})
}

// SetFeature gives the firmware one feature report (id byte first).
func (s *Session) SetFeature(report []byte) error {
	return s.request(func() error { return s.h.fw.setFeature(report) })
}

// GetFeature returns the feature report with this id, id byte first. A
// report the model does not have fails with hid.ErrUnsupported.
func (s *Session) GetFeature(id byte) ([]byte, error) {
	var out []byte
	err := s.request(func() error {
		var err error
		out, err = s.h.fw.getFeature(id)
		return err
	})
	return out, err
}

// InputReport returns the current input report with this id, id byte
// first, for a host that asks for it (GET_REPORT(Input)). A model that only
// sends its input reports fails with hid.ErrUnsupported.
func (s *Session) InputReport(id byte) ([]byte, error) {
	var out []byte
	err := s.request(func() error {
		m, ok := s.h.fw.(usbInputReporter)
		if !ok {
			return fmt.Errorf("get input report %d: %w", id, hid.ErrUnsupported)
		}
		var err error
		out, err = m.inputReport(id)
		return err
	})
	return out, err
}
