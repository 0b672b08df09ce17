package uhidserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/firmware-sim/internal/accept"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/uhid"
)

// Serve accepts connections on ln and serves the handset on each, speaking
// the UHID event ABI with the simulator as the device:
//
//   - once the handset is plugged in, it sends CREATE2 (identity and report
//     descriptor);
//   - after the client's OPEN it sends each input report as INPUT2, until
//     CLOSE;
//   - it applies the client's OUTPUT events and answers GET_REPORT and
//     SET_REPORT with their replies (err 0, or an errno: EOPNOTSUPP for a
//     report the model does not have, EPIPE for one it rejects, as a USB
//     device stalls);
//   - at unplug it sends DESTROY and closes the connection.
//
// Several clients may be connected at once. A client that sends a malformed
// or out-of-place event loses its connection (the error goes to
// the handset's Options.Logger); the server goes on. Serve closes ln and returns nil when
// ctx is done or the handset is closed, after all its connections ended.
func Serve(ctx context.Context, ln net.Listener, h *firmwaresim.Handset) error {
	return accept.Loop(ctx, ln, h.Done(), "serve simulated handset", func(ctx context.Context, c net.Conn) {
		if err := serveConn(ctx, c, h); err != nil {
			h.Logger().Warn("simulator connection ended", "remote", c.RemoteAddr().String(), "err", err)
		}
	})
}

// queueLen is how many input reports a connection buffers before the
// oldest is dropped, as hidraw's per-reader ring does.
const queueLen = 64

// serverConn is the device end of one connection.
type serverConn struct {
	h      *firmwaresim.Handset
	sess   *firmwaresim.Session
	c      net.Conn
	inputs chan []byte // encoded INPUT2 events, oldest dropped when full
	writes chan []byte // encoded replies, written in order
	// writerDone is closed when writeLoop returns; a reply queued after that
	// would wait forever.
	writerDone chan struct{}
}

// Deliver runs with the Handset locked; it is the only sender
// on inputs and may drop the oldest report.
func (sc *serverConn) Deliver(report []byte) {
	b, err := uhid.Encode(uhid.Event{Type: uhid.Input2, Data: report})
	if err != nil {
		return // a firmware report never exceeds UHID_DATA_MAX
	}
	for {
		select {
		case sc.inputs <- b:
			return
		default:
		}
		select {
		case <-sc.inputs:
		default:
		}
	}
}

func serveConn(ctx context.Context, c net.Conn, h *firmwaresim.Handset) error {
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()

	s, err := h.WaitPlugged(ctx)
	if err != nil {
		return nil // shutting down before the handset was ever plugged
	}
	id := h.Identity()
	create, err := uhid.Encode(uhid.Event{Type: uhid.Create2, Create: uhid.Create{
		Name:       id.Product,
		Phys:       "handsetd-sim/" + h.Model().Name,
		Uniq:       id.Serial,
		Bus:        uhid.BusUSB,
		Vendor:     uint32(id.VendorID),
		Product:    uint32(id.ProductID),
		Version:    uint32(id.Version),
		Country:    uint32(id.Country),
		Descriptor: h.Descriptor(),
	}})
	if err != nil {
		return fmt.Errorf("encode CREATE2: %w", err)
	}
	if _, err := c.Write(create); err != nil {
		return nil // the client left while waiting for the handset
	}

	writerDone := make(chan struct{})
	sc := &serverConn{h: h, sess: s, c: c, inputs: make(chan []byte, queueLen), writes: make(chan []byte), writerDone: writerDone}
	readerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		sc.writeLoop(ctx, readerDone)
	}()
	err = sc.readLoop()
	s.Detach(sc)
	close(readerDone)
	<-writerDone
	select {
	case <-s.Gone():
		return nil // unplugged: the reader failed because we closed the conn
	default:
	}
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// writeLoop writes queued events until the reader ends, or the session ends
// (then it flushes the pending input, sends DESTROY and closes).
func (sc *serverConn) writeLoop(ctx context.Context, readerDone <-chan struct{}) {
	write := func(b []byte) bool {
		if _, err := sc.c.Write(b); err != nil {
			sc.c.Close()
			return false
		}
		return true
	}
	for {
		select {
		case b := <-sc.inputs:
			if !write(b) {
				return
			}
		case b := <-sc.writes:
			if !write(b) {
				return
			}
		case <-sc.sess.Gone():
			for flushing := true; flushing; {
				select {
				case b := <-sc.inputs:
					if !write(b) {
						return
					}
				default:
					flushing = false
				}
			}
			if d, err := uhid.Encode(uhid.Event{Type: uhid.Destroy}); err == nil {
				write(d)
			}
			sc.c.Close()
			return
		case <-ctx.Done():
			sc.c.Close()
			return
		case <-readerDone:
			return
		}
	}
}

// send queues a reply for the writer; false if the connection is ending.
func (sc *serverConn) send(e uhid.Event) error {
	b, err := uhid.Encode(e)
	if err != nil {
		return fmt.Errorf("encode %v: %w", e.Type, err)
	}
	select {
	case sc.writes <- b:
		return nil
	case <-sc.sess.Gone():
		return firmwaresim.ErrSessionEnded
	case <-sc.writerDone:
		return firmwaresim.ErrSessionEnded
	}
}

// errno turns a firmware error into the errno of a report reply.
func errno(err error) uint16 {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, hid.ErrUnsupported):
		return uint16(syscall.EOPNOTSUPP)
	default:
		return uint16(syscall.EPIPE)
	}
}

// readLoop handles the client's events until the connection ends. It
// returns nil when the client simply left.
func (sc *serverConn) readLoop() error {
	buf := make([]byte, uhid.EventSize)
	opened := false
	for {
		if _, err := io.ReadFull(sc.c, buf); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("client sent a truncated event: %w", err)
			}
			return fmt.Errorf("read event: %w", err)
		}
		e, err := uhid.Decode(buf)
		if err != nil {
			return fmt.Errorf("client event: %w", err)
		}
		switch e.Type {
		case uhid.Start, uhid.Stop:
			// The HID core binding or unbinding: nothing for the firmware.
		case uhid.Open:
			if !opened {
				if !sc.sess.Attach(sc) {
					return nil // unplugged meanwhile
				}
				opened = true
			}
		case uhid.Close:
			sc.sess.Detach(sc)
			opened = false
		case uhid.Output:
			if e.RType != uhid.OutputReport {
				return fmt.Errorf("client event: OUTPUT with report type %d (only output reports travel as OUTPUT)", e.RType)
			}
			if err := sc.sess.Output(e.Data); err != nil {
				if err == firmwaresim.ErrSessionEnded {
					return nil
				}
				// OUTPUT has no reply in the ABI; a real device ignores
				// such a report too. Say so, and carry on.
				sc.h.Logger().Warn("simulated handset ignored an output report", "report", fmt.Sprintf("% x", e.Data), "err", err)
			}
		case uhid.GetReport:
			reply := uhid.Event{Type: uhid.GetReportReply, ID: e.ID}
			if e.RType != uhid.FeatureReport {
				reply.Err = uint16(syscall.EOPNOTSUPP)
			} else {
				data, err := sc.sess.GetFeature(e.RNum)
				if err == firmwaresim.ErrSessionEnded {
					return nil
				}
				reply.Err, reply.Data = errno(err), data
			}
			if err := sc.send(reply); err != nil {
				return nil
			}
		case uhid.SetReport:
			var err error
			switch e.RType {
			case uhid.FeatureReport:
				err = sc.sess.SetFeature(e.Data)
			case uhid.OutputReport:
				err = sc.sess.Output(e.Data)
			default:
				err = fmt.Errorf("set input report: %w", hid.ErrUnsupported)
			}
			if err == firmwaresim.ErrSessionEnded {
				return nil
			}
			if err := sc.send(uhid.Event{Type: uhid.SetReportReply, ID: e.ID, Err: errno(err)}); err != nil {
				return nil
			}
		default:
			return fmt.Errorf("client event: %v is a device-to-kernel event; the client plays the kernel", e.Type)
		}
	}
}
