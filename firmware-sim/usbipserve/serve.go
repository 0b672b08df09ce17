package usbipserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/firmware-sim/internal/accept"
	"github.com/handsetd/handsetd/firmware-sim/usbip"
	"github.com/handsetd/handsetd/hid"
)

// BusID is the bus id the simulator exports its handset under.
const BusID = "1-1"

// USB/IP device numbers: bus 1, device 2.
const (
	usbipBusNum = 1
	usbipDevNum = 2
)

// Negative errnos of RET_SUBMIT and RET_UNLINK.
const (
	statusStall    = -int32(syscall.EPIPE)
	statusUnlinked = -int32(syscall.ECONNRESET)
	// statusShutdown completes transfers whose endpoint went away with
	// the configuration or interface setting: the kernel's
	// usb_hcd_flush_endpoint (drivers/usb/core/hcd.c), which
	// usb_set_configuration and usb_set_interface reach through
	// usb_disable_endpoint, gives them back with -ESHUTDOWN, and the
	// kernel's USB/IP server (stub_complete in drivers/usb/usbip/stub_tx.c)
	// returns that status in RET_SUBMIT.
	statusShutdown  = -int32(syscall.ESHUTDOWN)
	maxQueuedInputs = 64 // reports an IN endpoint holds while the host is between transfers
)

// errStall is a request the device answers with a STALL handshake.
var errStall = errors.New("stall")

// ErrBusy is the reason an import is refused while another host has the
// device imported.
var ErrBusy = errors.New("the simulated handset is already imported by another USB/IP client (detach it first)")

// Serve accepts USB/IP connections on ln and serves the handset on
// each with ServeConn, so a Linux host can attach it with
// `usbip attach -r HOST -b 1-1` (or through a relay). Like uhidserve.Serve, it closes
// ln and returns nil when ctx is done or the handset is closed, after its
// connections ended; per-connection errors go to Options.Logger.
func Serve(ctx context.Context, ln net.Listener, h *firmwaresim.Handset) error {
	return accept.Loop(ctx, ln, h.Done(), "serve simulated handset over USB/IP", func(ctx context.Context, c net.Conn) {
		if err := ServeConn(ctx, c, h); err != nil {
			h.Logger().Warn("USB/IP connection ended", "err", err)
		}
	})
}

// ServeConn serves the USB/IP protocol on one connection (a socket, or
// stdin and stdout joined): it answers a device list, or an import of bus id
// "1-1" after which the connection carries the device's USB traffic until
// the client leaves, the handset is unplugged or closed, or ctx is done.
// It closes c. A client that leaves returns nil; a malformed message is an
// error.
func ServeConn(ctx context.Context, c io.ReadWriteCloser, h *firmwaresim.Handset) error {
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	hdr := make([]byte, usbip.OpHeaderSize)
	if _, err := io.ReadFull(c, hdr); err != nil {
		return nil // a client that connects and leaves
	}
	op, err := usbip.DecodeOpHeader(hdr)
	if err != nil {
		return fmt.Errorf("USB/IP request: %w", err)
	}
	switch op.Code {
	case usbip.OpReqDevlist:
		var devs []usbip.Device
		if d, ok := describe(h, true); ok {
			devs = append(devs, d)
		}
		b, err := usbip.EncodeDevlistReply(devs)
		if err != nil {
			return fmt.Errorf("USB/IP device list: %w", err)
		}
		if _, err := c.Write(b); err != nil {
			return fmt.Errorf("USB/IP device list: %w", err)
		}
		return nil
	case usbip.OpReqImport:
		idb := make([]byte, usbip.BusIDSize)
		if _, err := io.ReadFull(c, idb); err != nil {
			return fmt.Errorf("USB/IP import request: %w", err)
		}
		busID, err := usbip.DecodeImportBusID(idb)
		if err != nil {
			return fmt.Errorf("USB/IP import request: %w", err)
		}
		return serveImport(ctx, c, h, busID)
	default:
		return fmt.Errorf("USB/IP request: operation %#04x is a reply; clients send OP_REQ_DEVLIST or OP_REQ_IMPORT", op.Code)
	}
}

// describe describes the handset for a device list (with interfaces)
// or an import reply; ok is false while it is unplugged.
func describe(h *firmwaresim.Handset, withInterfaces bool) (usbip.Device, bool) {
	if !h.State().Plugged {
		return usbip.Device{}, false
	}
	u := h.USB()
	// bConfigurationValue is the device's configuration at export time,
	// and that is none: each imported connection starts unconfigured until
	// the importing kernel sends SET_CONFIGURATION 1, exactly as a device
	// exported by the kernel's usbip-host, which takes the device from
	// the generic USB driver (whose unbind deconfigures it) and never
	// configures it itself (stub_probe in drivers/usb/usbip/stub_dev.c).
	// usbipd reads the attribute from sysfs, where it is empty, and
	// reports 0 (read_attr_value in tools/usb/usbip/libsrc/usbip_common.c
	// says so). Reporting 1 would contradict GET_CONFIGURATION. Unlike
	// usbipd, which then also reports 0 interfaces, the device list names
	// the interfaces of configuration 1, for `usbip list -r` to show.
	d := usbip.Device{
		Path: "/sys/devices/handsetd-sim/" + h.Model().Name, BusID: BusID,
		BusNum: usbipBusNum, DevNum: usbipDevNum, Speed: usbip.SpeedFull,
		VendorID: u.VendorID, ProductID: u.ProductID, BCDDevice: u.BCDDevice,
		ConfigurationValue: 0, NumConfigs: 1, NumInterfaces: uint8(u.NumInterfaces()),
	}
	if withInterfaces {
		for i, it := range u.Interfaces {
			if i == 0 || it.Number != u.Interfaces[i-1].Number {
				d.Interfaces = append(d.Interfaces, usbip.Interface{Class: it.Class, SubClass: it.SubClass, Protocol: it.Protocol})
			}
		}
	} else {
		d.NumInterfaces = 0 // as the kernel's server leaves it in import replies
	}
	return d, true
}

func serveImport(ctx context.Context, c io.ReadWriteCloser, h *firmwaresim.Handset, busID string) error {
	refuse := func(status uint32, why error) error {
		b, _ := usbip.EncodeImportReply(status, usbip.Device{})
		c.Write(b)
		return fmt.Errorf("USB/IP import of %q refused: %w", busID, why)
	}
	if busID != BusID {
		return refuse(usbip.StatusNoDev, fmt.Errorf("no such bus id (the simulator exports %s)", BusID))
	}
	u := h.USB()
	if err := u.Validate(); err != nil {
		return refuse(usbip.StatusDevErr, err)
	}
	sess, release, err := h.Claim()
	switch {
	case errors.Is(err, firmwaresim.ErrClaimed):
		return refuse(usbip.StatusBusy, ErrBusy)
	case err != nil:
		return refuse(usbip.StatusNoDev, err)
	}
	defer release()
	d, _ := describe(h, false)
	b, err := usbip.EncodeImportReply(usbip.StatusOK, d)
	if err != nil {
		return err
	}
	if _, err := c.Write(b); err != nil {
		return nil
	}
	uc := newUSBConn(h, sess, c, u)
	return uc.run(ctx)
}

// pendingURB is an IN transfer waiting on the HID interrupt endpoint.
type pendingURB struct {
	seqnum uint32
	length uint32
}

// usbConn is the device end of one imported USB/IP connection: the USB
// device state, the pending interrupt IN transfers, and the outbox of
// encoded replies that one writer goroutine sends in order.
type usbConn struct {
	h       *firmwaresim.Handset
	sess    *firmwaresim.Session
	c       io.ReadWriteCloser
	u       firmwaresim.USBDevice
	numbers bool // reports travel with their id byte
	report  []byte
	inEP    uint8
	outEP   uint8 // 0 when the HID interface has no interrupt OUT

	// Touched by the reader goroutine only.
	config   uint8
	alt      map[uint8]uint8
	halted   map[uint8]bool
	idle     uint8
	protocol uint8
	polling  bool

	mu      sync.Mutex // guards the fields below; taken after the Handset's lock, never before
	pending []pendingURB
	queued  [][]byte
	// latestOnly keeps one unread report, the newest: the firmware
	// reports its state (see stateReporter), and a poll reads the state
	// as it is now.
	latestOnly bool
	outbox     [][]byte
	wake       chan struct{} // 1-buffered: the outbox has news
	closed     bool
}

func newUSBConn(h *firmwaresim.Handset, sess *firmwaresim.Session, c io.ReadWriteCloser, u firmwaresim.USBDevice) *usbConn {
	uc := &usbConn{h: h, sess: sess, c: c, u: u, report: h.Descriptor(),
		alt: map[uint8]uint8{}, halted: map[uint8]bool{}, protocol: 1, wake: make(chan struct{}, 1)}
	if d, err := hid.ParseDescriptor(uc.report); err == nil {
		uc.numbers = d.UsesReportIDs
	}
	uc.latestOnly = h.ReportsState()
	ep, _ := u.HIDEndpoint(true)
	uc.inEP = ep.Address & 0x0f
	if ep, ok := u.HIDEndpoint(false); ok {
		uc.outEP = ep.Address & 0x0f
	}
	return uc
}

// toWire strips the id byte of a report from a device without report ids.
func (uc *usbConn) toWire(report []byte) []byte {
	if !uc.numbers && len(report) > 0 {
		return report[1:]
	}
	return report
}

// fromWire gives the firmware its leading id byte (0 without report ids).
func (uc *usbConn) fromWire(data []byte) []byte {
	if !uc.numbers {
		return append([]byte{0}, data...)
	}
	return data
}

// send queues an encoded reply for the writer.
func (uc *usbConn) send(b []byte) {
	uc.mu.Lock()
	uc.outbox = append(uc.outbox, b)
	uc.mu.Unlock()
	select {
	case uc.wake <- struct{}{}:
	default:
	}
}

func (uc *usbConn) reply(r usbip.Ret) {
	b, err := usbip.EncodeRet(r)
	if err != nil {
		// Only a programming error gets here: fail the transfer visibly.
		b, _ = usbip.EncodeRet(usbip.Ret{Command: usbip.RetSubmit, Seqnum: r.Seqnum, Status: statusStall})
	}
	uc.send(b)
}

// Deliver runs with the Handset locked: it completes the oldest pending IN
// transfer with the report, or keeps the report for the next one.
func (uc *usbConn) Deliver(report []byte) {
	data := uc.toWire(report)
	uc.mu.Lock()
	if len(uc.pending) == 0 {
		if len(uc.queued) == maxQueuedInputs || uc.latestOnly && len(uc.queued) > 0 {
			uc.queued = uc.queued[1:]
		}
		uc.queued = append(uc.queued, data)
		uc.mu.Unlock()
		return
	}
	p := uc.pending[0]
	uc.pending = uc.pending[1:]
	uc.mu.Unlock()
	uc.completeIn(p, data)
}

func (uc *usbConn) completeIn(p pendingURB, data []byte) {
	if uint32(len(data)) > p.length {
		data = data[:p.length]
	}
	uc.reply(usbip.Ret{Command: usbip.RetSubmit, Seqnum: p.seqnum, ActualLength: uint32(len(data)), Data: data})
}

// run serves URBs until the client leaves or the session ends.
func (uc *usbConn) run(ctx context.Context) error {
	writerDone := make(chan struct{})
	readerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		uc.writeLoop(ctx, readerDone)
	}()
	err := uc.readLoop()
	uc.stopPolling()
	close(readerDone)
	<-writerDone
	select {
	case <-uc.sess.Gone():
		return nil // unplugged: we closed the connection
	default:
	}
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func (uc *usbConn) writeLoop(ctx context.Context, readerDone <-chan struct{}) {
	for {
		uc.mu.Lock()
		out := uc.outbox
		uc.outbox = nil
		uc.mu.Unlock()
		for _, b := range out {
			if _, err := uc.c.Write(b); err != nil {
				uc.c.Close()
				return
			}
		}
		select {
		case <-uc.wake:
		case <-uc.sess.Gone():
			uc.c.Close() // the device left the bus
			return
		case <-ctx.Done():
			uc.c.Close()
			return
		case <-readerDone:
			return
		}
	}
}

func (uc *usbConn) readLoop() error {
	hdr := make([]byte, usbip.URBHeaderSize)
	for {
		if _, err := io.ReadFull(uc.c, hdr); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("read USB/IP command: %w", err)
		}
		cmd, err := usbip.DecodeCommand(hdr)
		if err != nil {
			return fmt.Errorf("USB/IP command: %w", err)
		}
		if cmd.Unlink != nil {
			uc.unlink(*cmd.Unlink)
			continue
		}
		s := cmd.Submit
		if s.Direction == usbip.DirOut && s.Length > 0 {
			s.Data = make([]byte, s.Length)
			if _, err := io.ReadFull(uc.c, s.Data); err != nil {
				return fmt.Errorf("read USB/IP OUT data: %w", err)
			}
		}
		if err := uc.submit(s); err != nil {
			return err
		}
	}
}

// submit handles one CMD_SUBMIT. Only ErrSessionEnded (the handset went away) is
// returned; everything else is answered on the wire.
func (uc *usbConn) submit(s *usbip.Submit) error {
	stall := usbip.Ret{Command: usbip.RetSubmit, Seqnum: s.Seqnum, Status: statusStall}
	switch {
	case s.EP == 0:
		reply, err := uc.control(usbip.DecodeSetup(s.Setup), s.Data)
		if err == firmwaresim.ErrSessionEnded {
			return nil
		}
		if err != nil {
			uc.reply(stall)
			return nil
		}
		if s.Direction == usbip.DirOut {
			uc.reply(usbip.Ret{Command: usbip.RetSubmit, Seqnum: s.Seqnum, ActualLength: uint32(len(s.Data))})
			return nil
		}
		if n := min(s.Length, uint32(usbip.DecodeSetup(s.Setup).Length)); uint32(len(reply)) > n {
			reply = reply[:n] // never more than the host asked for
		}
		uc.reply(usbip.Ret{Command: usbip.RetSubmit, Seqnum: s.Seqnum, ActualLength: uint32(len(reply)), Data: reply})
	case s.EP == uint32(uc.inEP) && s.Direction == usbip.DirIn && uc.config != 0 && !uc.halted[uc.inEP|0x80]:
		if !uc.polling {
			if !uc.sess.Attach(uc) {
				return nil // unplugged meanwhile
			}
			uc.polling = true
		}
		p := pendingURB{seqnum: s.Seqnum, length: s.Length}
		uc.mu.Lock()
		if len(uc.queued) > 0 {
			data := uc.queued[0]
			uc.queued = uc.queued[1:]
			uc.mu.Unlock()
			uc.completeIn(p, data)
			return nil
		}
		uc.pending = append(uc.pending, p)
		uc.mu.Unlock()
	case uc.outEP != 0 && s.EP == uint32(uc.outEP) && s.Direction == usbip.DirOut && uc.config != 0 && !uc.halted[uc.outEP]:
		err := uc.sess.Output(uc.fromWire(s.Data))
		if err == firmwaresim.ErrSessionEnded {
			return nil
		}
		if err != nil {
			// The bytes were taken; the firmware ignores a report it
			// does not understand, as devices do.
			uc.h.Logger().Warn("simulated handset ignored an output report", "report", fmt.Sprintf("% x", s.Data), "err", err)
		}
		uc.reply(usbip.Ret{Command: usbip.RetSubmit, Seqnum: s.Seqnum, ActualLength: uint32(len(s.Data))})
	default:
		uc.reply(stall)
	}
	return nil
}

// unlink cancels a pending IN transfer. When the last one goes, the host has
// stopped polling: the firmware's reports are no longer read.
func (uc *usbConn) unlink(u usbip.Unlink) {
	status := int32(0) // already completed
	uc.mu.Lock()
	for i, p := range uc.pending {
		if p.seqnum == u.Victim {
			uc.pending = append(uc.pending[:i], uc.pending[i+1:]...)
			status = statusUnlinked
			break
		}
	}
	idle := len(uc.pending) == 0
	uc.mu.Unlock()
	uc.reply(usbip.Ret{Command: usbip.RetUnlink, Seqnum: u.Seqnum, Status: status})
	if status == statusUnlinked && idle {
		uc.stopPolling()
	}
}

// failPending completes every IN transfer waiting on the interrupt
// endpoint with status (a negative errno), as a host controller gives them
// back when the endpoint halts (-EPIPE: the device answers each IN token
// with STALL) or is disabled (-ESHUTDOWN), then stops polling.
func (uc *usbConn) failPending(status int32) {
	uc.mu.Lock()
	ps := uc.pending
	uc.pending = nil
	uc.mu.Unlock()
	for _, p := range ps {
		uc.reply(usbip.Ret{Command: usbip.RetSubmit, Seqnum: p.seqnum, Status: status})
	}
	uc.stopPolling()
}

// stopPolling detaches from the handset and drops what the endpoint held.
func (uc *usbConn) stopPolling() {
	if uc.polling {
		uc.sess.Detach(uc)
		uc.polling = false
	}
	uc.mu.Lock()
	uc.queued = nil
	uc.mu.Unlock()
}
