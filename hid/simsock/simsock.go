package simsock

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/uhid"
)

// queueLen is how many input reports the client buffers before the oldest is
// dropped, as hidraw's per-reader ring does.
const queueLen = 64

// reportTimeout bounds a GET_REPORT or SET_REPORT round trip, like the
// kernel's own uhid timeout for the same requests.
const reportTimeout = 5 * time.Second

// Dial connects to a simulator served at addr ("unix:PATH") and
// returns it as a hid.Device. The client plays the kernel's side of UHID: it
// waits for CREATE2 (so Dial blocks until the handset is plugged in, or ctx
// is done), then opens the device (UHID_OPEN) before returning, so every
// input report sent after Dial returns is queued for it, the way opening a
// hidraw node starts polling. Close sends UHID_CLOSE.
func Dial(ctx context.Context, addr string) (hid.Device, error) {
	path, ok := strings.CutPrefix(addr, "unix:")
	if !ok || path == "" {
		return nil, fmt.Errorf("dial simulator %q: address must be unix:PATH", addr)
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, fmt.Errorf("dial simulator %s: %w (is phonesim running with --listen %s?)", addr, err, addr)
	}
	// CREATE2 arrives only once the handset is plugged: honour ctx meanwhile.
	stop := context.AfterFunc(ctx, func() { c.SetReadDeadline(time.Unix(1, 0)) })
	buf := make([]byte, uhid.EventSize)
	_, err = io.ReadFull(c, buf)
	if !stop() {
		c.Close()
		return nil, fmt.Errorf("dial simulator %s: waiting for the handset: %w", addr, ctx.Err())
	}
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("dial simulator %s: waiting for CREATE2: %w", addr, err)
	}
	e, err := uhid.Decode(buf)
	if err == nil && e.Type != uhid.Create2 {
		err = fmt.Errorf("first event is %v, want CREATE2", e.Type)
	}
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("dial simulator %s: %w", addr, err)
	}
	cl := &client{
		c:    c,
		desc: e.Create.Descriptor,
		info: hid.Info{
			VendorID:  uint16(e.Create.Vendor),
			ProductID: uint16(e.Create.Product),
			Serial:    e.Create.Uniq,
			Product:   e.Create.Name,
			Path:      addr,
			Interface: 0,
		},
		queue:    make(chan []byte, queueLen),
		pending:  map[uint32]chan uhid.Event{},
		gone:     make(chan struct{}),
		closed:   make(chan struct{}),
		loopDone: make(chan struct{}),
	}
	go cl.readLoop()
	// OPEN, then a GET_REPORT round trip as a barrier: the server handles a
	// connection's events in order, so once the reply is back the OPEN has
	// taken effect. Report 0 is never a numbered feature report; whatever
	// the reply says is ignored.
	if err := cl.send(uhid.Event{Type: uhid.Open}); err != nil {
		cl.Close()
		return nil, fmt.Errorf("dial simulator %s: open: %w", addr, err)
	}
	if _, err := cl.request(ctx, uhid.Event{Type: uhid.GetReport, RType: uhid.FeatureReport}); err != nil {
		cl.Close()
		return nil, fmt.Errorf("dial simulator %s: open: %w", addr, err)
	}
	return cl, nil
}

// client is the kernel's end of one UHID connection, as a hid.Device.
type client struct {
	c    net.Conn
	desc []byte
	info hid.Info

	queue chan []byte // input reports; only readLoop sends

	mu      sync.Mutex // guards pending, nextID, goneErr, and serialises writes
	pending map[uint32]chan uhid.Event
	nextID  uint32
	goneErr error

	gone      chan struct{} // closed when the connection is lost
	closed    chan struct{} // closed by Close
	closeOnce sync.Once
	loopDone  chan struct{}
}

var _ hid.Device = (*client)(nil)

// fail records why the connection is lost, once, and ends it.
func (cl *client) fail(err error) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.goneErr != nil {
		return
	}
	cl.goneErr = err
	close(cl.gone)
	cl.c.Close()
}

func (cl *client) readLoop() {
	defer close(cl.loopDone)
	buf := make([]byte, uhid.EventSize)
	for {
		if _, err := io.ReadFull(cl.c, buf); err != nil {
			cl.fail(fmt.Errorf("%w: connection lost: %v", hid.ErrDisconnected, err))
			return
		}
		e, err := uhid.Decode(buf)
		if err != nil {
			cl.fail(fmt.Errorf("%w: simulator sent a bad event: %v", hid.ErrDisconnected, err))
			return
		}
		switch e.Type {
		case uhid.Input2:
			for sent := false; !sent; {
				select {
				case cl.queue <- e.Data:
					sent = true
				default:
					select { // full: drop the oldest
					case <-cl.queue:
					default:
					}
				}
			}
		case uhid.GetReportReply, uhid.SetReportReply:
			cl.mu.Lock()
			ch := cl.pending[e.ID]
			delete(cl.pending, e.ID)
			cl.mu.Unlock()
			if ch != nil {
				ch <- e // buffered
			}
		case uhid.Destroy:
			cl.fail(fmt.Errorf("%w: the handset was unplugged", hid.ErrDisconnected))
			return
		default:
			cl.fail(fmt.Errorf("%w: simulator sent %v, which a device never sends after CREATE2", hid.ErrDisconnected, e.Type))
			return
		}
	}
}

func (cl *client) isClosed() bool {
	select {
	case <-cl.closed:
		return true
	default:
		return false
	}
}

// lost returns the recorded disconnection error.
func (cl *client) lost() error {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.goneErr
}

// check returns ErrClosed or ErrDisconnected if the device is unusable.
func (cl *client) check(op string) error {
	if cl.isClosed() {
		return fmt.Errorf("%s: %w", op, hid.ErrClosed)
	}
	select {
	case <-cl.gone:
		return fmt.Errorf("%s: %w", op, cl.lost())
	default:
	}
	return nil
}

func (cl *client) send(e uhid.Event) error {
	b, err := uhid.Encode(e)
	if err != nil {
		return err
	}
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.goneErr != nil {
		return cl.goneErr
	}
	if _, err := cl.c.Write(b); err != nil {
		if cl.isClosed() {
			return hid.ErrClosed
		}
		return fmt.Errorf("%w: %v", hid.ErrDisconnected, err)
	}
	return nil
}

// request sends a GET_REPORT or SET_REPORT and waits for its reply.
func (cl *client) request(ctx context.Context, e uhid.Event) (uhid.Event, error) {
	ch := make(chan uhid.Event, 1)
	cl.mu.Lock()
	cl.nextID++
	e.ID = cl.nextID
	cl.pending[e.ID] = ch
	cl.mu.Unlock()
	forget := func() {
		cl.mu.Lock()
		delete(cl.pending, e.ID)
		cl.mu.Unlock()
	}
	if err := cl.send(e); err != nil {
		forget()
		return uhid.Event{}, err
	}
	t := time.NewTimer(reportTimeout)
	defer t.Stop()
	select {
	case r := <-ch:
		return r, nil
	case <-cl.gone:
		forget()
		return uhid.Event{}, cl.lost()
	case <-cl.closed:
		forget()
		return uhid.Event{}, hid.ErrClosed
	case <-ctx.Done():
		forget()
		return uhid.Event{}, ctx.Err()
	case <-t.C:
		forget()
		return uhid.Event{}, fmt.Errorf("no reply from the simulator within %v", reportTimeout)
	}
}

// replyErr turns a reply's errno into an error.
func replyErr(n uint16) error {
	switch {
	case n == 0:
		return nil
	case syscall.Errno(n) == syscall.EOPNOTSUPP:
		return hid.ErrUnsupported
	default:
		return fmt.Errorf("the device refused the request: %w", syscall.Errno(n))
	}
}

func (cl *client) ReadInput(ctx context.Context, p []byte) (int, error) {
	if cl.isClosed() {
		return 0, fmt.Errorf("read input: %w", hid.ErrClosed)
	}
	select {
	case r := <-cl.queue:
		return copy(p, r), nil
	default:
	}
	select {
	case r := <-cl.queue:
		return copy(p, r), nil
	case <-ctx.Done():
		return 0, fmt.Errorf("read input: %w", ctx.Err())
	case <-cl.closed:
		return 0, fmt.Errorf("read input: %w", hid.ErrClosed)
	case <-cl.gone:
		select { // reports that came before the unplug are read first
		case r := <-cl.queue:
			return copy(p, r), nil
		default:
		}
		if cl.isClosed() {
			return 0, fmt.Errorf("read input: %w", hid.ErrClosed)
		}
		return 0, fmt.Errorf("read input: %w", cl.lost())
	}
}

func (cl *client) WriteOutput(report []byte) error {
	const op = "write output report"
	if err := cl.check(op); err != nil {
		return err
	}
	if err := cl.send(uhid.Event{Type: uhid.Output, RType: uhid.OutputReport, Data: report}); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

func (cl *client) GetFeature(report []byte) (int, error) {
	const op = "get feature report"
	if len(report) == 0 {
		return 0, fmt.Errorf("%s: empty buffer (the first byte must be the report id)", op)
	}
	if err := cl.check(op); err != nil {
		return 0, err
	}
	r, err := cl.request(context.Background(), uhid.Event{Type: uhid.GetReport, RNum: report[0], RType: uhid.FeatureReport})
	if err == nil {
		err = replyErr(r.Err)
	}
	if err != nil {
		return 0, fmt.Errorf("%s %d: %w", op, report[0], err)
	}
	return copy(report, r.Data), nil
}

func (cl *client) SetFeature(report []byte) error {
	const op = "set feature report"
	if len(report) == 0 {
		return fmt.Errorf("%s: empty report (the first byte must be the report id)", op)
	}
	if err := cl.check(op); err != nil {
		return err
	}
	r, err := cl.request(context.Background(), uhid.Event{Type: uhid.SetReport, RNum: report[0], RType: uhid.FeatureReport, Data: report})
	if err == nil {
		err = replyErr(r.Err)
	}
	if err != nil {
		return fmt.Errorf("%s %d: %w", op, report[0], err)
	}
	return nil
}

func (cl *client) ReportDescriptor() ([]byte, error) {
	if cl.isClosed() {
		return nil, fmt.Errorf("report descriptor: %w", hid.ErrClosed)
	}
	out := make([]byte, len(cl.desc))
	copy(out, cl.desc)
	return out, nil
}

func (cl *client) Info() hid.Info { return cl.info }

func (cl *client) Close() error {
	cl.closeOnce.Do(func() {
		close(cl.closed)
		// Best effort: the server may already be gone. A write to a unix
		// socket does not block while its buffer has room; bound it anyway.
		cl.c.SetWriteDeadline(time.Now().Add(time.Second))
		_ = cl.send(uhid.Event{Type: uhid.Close})
		cl.fail(fmt.Errorf("%w", hid.ErrClosed))
		<-cl.loopDone
	})
	return nil
}
