package libusb

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidtest"
)

// fakeHandle plays hidapi: a queue of input reports that ReadTimeout waits
// on for at most its timeout, writes recorded as hidapi receives them, and
// a check that Close never runs while a read is inside "hidapi" (the
// use-after-free the real one has).
type fakeHandle struct {
	in       chan []byte
	unplug   chan struct{}
	once     sync.Once
	inRead   atomic.Int32
	closedIn atomic.Bool // Close came while a read was inside
	closed   atomic.Bool
	gone     atomic.Bool

	mu     sync.Mutex
	writes [][]byte
}

func newFake() *fakeHandle {
	return &fakeHandle{in: make(chan []byte, 1024), unplug: make(chan struct{})}
}

func (f *fakeHandle) ReadTimeout(b []byte, ms int) (int, error) {
	f.inRead.Add(1)
	defer f.inRead.Add(-1)
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case r := <-f.in:
		return copy(b, r), nil
	case <-f.unplug:
		return 0, errors.New("hidapi: hid_error is not implemented yet")
	case <-t.C:
		return 0, nil
	}
}

func (f *fakeHandle) Write(b []byte) (int, error) {
	if f.gone.Load() {
		return 0, errors.New("hidapi: hid_error is not implemented yet")
	}
	f.mu.Lock()
	f.writes = append(f.writes, append([]byte(nil), b...))
	f.mu.Unlock()
	return len(b), nil
}

func (f *fakeHandle) GetFeatureReport(b []byte) (int, error)  { return len(b), nil }
func (f *fakeHandle) SendFeatureReport(b []byte) (int, error) { return len(b), nil }

func (f *fakeHandle) Close() error {
	if f.inRead.Load() > 0 {
		f.closedIn.Store(true)
	}
	f.closed.Store(true)
	return nil
}

func (f *fakeHandle) pull() {
	f.gone.Store(true)
	f.once.Do(func() { close(f.unplug) })
}

// TestConformance proves Device has hid.Device's semantics (order,
// truncation, waiting, ctx and Close waking a read, Close idempotent,
// unplug giving hid.ErrDisconnected on read and write) over a handle that
// behaves like hidapi's, and that Close never closes the handle while the
// reader is inside a hidapi read.
func TestConformance(t *testing.T) {
	hidtest.Conformance(t, func(t *testing.T) hidtest.Backend {
		f := newFake()
		d := newDevice(f, hid.Info{VendorID: 0x6993, ProductID: 0xb001, Path: "1-1:1.3", Interface: 3}, func() bool { return !f.gone.Load() }, true)
		t.Cleanup(func() {
			d.Close()
			if f.closedIn.Load() {
				t.Error("Close closed the hidapi handle while the reader was inside a read")
			}
		})
		return hidtest.Backend{Dev: d, Push: func(r []byte) { f.in <- r }, Unplug: f.pull}
	})
}

// TestLegacyFraming proves the framing of the legacy phones, which have no
// report ids: reads get the 0 id byte put first, and writes reach hidapi
// unchanged, 0 first, which hidapi needs to send a Yealink packet as
// SET_REPORT wValue 0x0200 with all of its bytes.
func TestLegacyFraming(t *testing.T) {
	f := newFake()
	d := newDevice(f, hid.Info{Path: "1-1:1.3"}, nil, false)
	defer d.Close()
	packet := append([]byte{0x00}, bytes.Repeat([]byte{0x87}, 16)...)
	if err := d.WriteOutput(packet); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	got := f.writes[0]
	f.mu.Unlock()
	if !bytes.Equal(got, packet) {
		t.Errorf("hidapi got % x, want % x (id byte first)", got, packet)
	}
	f.in <- []byte{0x00, 0x1f, 0x00, 0x00}
	buf := make([]byte, 5)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := d.ReadInput(ctx, buf)
	if err != nil || !bytes.Equal(buf[:n], []byte{0, 0x00, 0x1f, 0x00, 0x00}) {
		t.Errorf("read % x, %v; want 00 00 1f 00 00", buf[:n], err)
	}
}

// TestDrainsQueue proves the reader keeps hidapi's queue empty while nobody
// reads (a CM109 reports every 10 ms), dropping the oldest reports past
// queueLen and counting them, so the reports ReadInput gets are the newest.
func TestDrainsQueue(t *testing.T) {
	f := newFake()
	d := newDevice(f, hid.Info{Path: "1-1:1.3"}, nil, false)
	defer d.Close()
	const total = queueLen + 36
	for i := range total {
		f.in <- []byte{byte(i)}
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(f.in) > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	for d.Dropped() < total-queueLen && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := d.Dropped(); got != total-queueLen {
		t.Fatalf("dropped %d, want %d", got, total-queueLen)
	}
	buf := make([]byte, 2)
	n, err := d.ReadInput(context.Background(), buf)
	if err != nil || n != 2 || buf[1] != byte(total-queueLen) {
		t.Errorf("first report read % x, %v; want the oldest kept, 00 %02x", buf[:n], err, total-queueLen)
	}
}

// TestErrorsNameTheOperation proves a failed call says what failed on which
// device instead of hidapi's "hid_error is not implemented yet", and that
// a write to a phone that is gone is hid.ErrDisconnected.
func TestErrorsNameTheOperation(t *testing.T) {
	f := newFake()
	present := atomic.Bool{}
	present.Store(true)
	d := newDevice(f, hid.Info{Path: "1-1:1.3"}, present.Load, false)
	defer d.Close()
	f.gone.Store(true) // writes fail, the device is still there
	err := d.WriteOutput([]byte{0, 1})
	if err == nil || strings.Contains(err.Error(), "not implemented") || !strings.Contains(err.Error(), "1-1:1.3: write output report") {
		t.Errorf("write error %v: want the operation and the device, not hidapi's text", err)
	}
	if errors.Is(err, hid.ErrDisconnected) {
		t.Errorf("write error %v: the phone is still there", err)
	}
	present.Store(false)
	if err := d.WriteOutput([]byte{0, 1}); !errors.Is(err, hid.ErrDisconnected) {
		t.Errorf("write to a gone phone: %v, want hid.ErrDisconnected", err)
	}
}
