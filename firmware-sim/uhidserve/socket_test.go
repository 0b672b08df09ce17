package uhidserve

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/firmware-sim/internal/simtest"
	"github.com/handsetd/handsetd/hid/simsock"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidtest"
	"github.com/handsetd/handsetd/hid/uhid"
)

// serve starts Serve for h on a fresh unix socket and returns its address.
func serve(t *testing.T, h *firmwaresim.Handset) string {
	t.Helper()
	return serveUnix(t, "fwsim", "Serve", func(ctx context.Context, ln net.Listener) error { return Serve(ctx, ln, h) })
}

func dial(t *testing.T, addr string) hid.Device {
	t.Helper()
	return hidtest.Open(t, func(ctx context.Context) (hid.Device, error) { return simsock.Dial(ctx, addr) })
}

// expectSocketReports reads exactly these reports; over the socket there is
// no exact "nothing more" check, so callers follow up with a marker report.
func expectSocketReports(t *testing.T, d hid.Device, want ...[]byte) {
	t.Helper()
	for i, w := range want {
		if got := hidtest.ReadReport(t, d); !bytes.Equal(got, w) {
			t.Fatalf("report %d = % x, want % x", i, got, w)
		}
	}
}

// TestSocketRoundTrip proves identity, descriptor, input, output and
// feature reports all cross the UHID socket intact.
func TestSocketRoundTrip(t *testing.T) {
	h, _ := newFake(t, firmwaresim.Options{})
	addr := serve(t, h)
	d := dial(t, addr)

	info := d.Info()
	if info.VendorID != 0x1209 || info.ProductID != 0x0001 || info.Serial != "SIM0001" ||
		info.Product != "Generic USB Telephony Handset" || info.Path != addr {
		t.Fatalf("Info = %+v", info)
	}
	desc, err := d.ReportDescriptor()
	if err != nil || !bytes.Equal(desc, genericDescriptor()) {
		t.Fatalf("descriptor % x, %v", desc, err)
	}
	if h.State().Hosts != 1 {
		t.Fatalf("hosts %d after Dial, want 1", h.State().Hosts)
	}

	simtest.MustOK(t, h.HookOff())
	simtest.MustOK(t, h.Tap("#"))
	expectSocketReports(t, d, hookPress, idle, []byte{1, 0, 12, 0}, idle)

	simtest.MustOK(t, d.WriteOutput([]byte{2, 0x26})) // off-hook, ring, ringer
	s := simtest.WaitState(t, h.Changed, h.State, "LEDs from the socket", func(s firmwaresim.State) bool { return s.LEDs.Ring })
	if !s.LEDs.OffHook || !s.Ringing || s.HookPending {
		t.Fatalf("state after output: %+v", s)
	}

	buf := []byte{3, 0}
	if n, err := d.GetFeature(buf); err != nil || n != 2 || buf[1] != 5 {
		t.Fatalf("GetFeature: % x, %v", buf[:n], err)
	}
	simtest.MustOK(t, d.SetFeature([]byte{3, 2}))
	if n, err := d.GetFeature(buf); err != nil || n != 2 || buf[1] != 2 {
		t.Fatalf("GetFeature after set: % x, %v", buf[:n], err)
	}
	if _, err := d.GetFeature([]byte{7, 0}); !errors.Is(err, hid.ErrUnsupported) {
		t.Fatalf("GetFeature 7: %v, want ErrUnsupported", err)
	}
	if err := d.SetFeature([]byte{7, 0}); !errors.Is(err, hid.ErrUnsupported) {
		t.Fatalf("SetFeature 7: %v, want ErrUnsupported", err)
	}
	if err := d.SetFeature([]byte{3, 200}); !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("SetFeature out of range: %v, want a stall (EPIPE)", err)
	}
}

// TestSocketUnplug proves unplug disconnects the client with ErrDisconnected
// after the reports sent before it, that Dial waits for the handset to be
// plugged back in (honouring ctx), and that Close sends the client away.
func TestSocketUnplug(t *testing.T) {
	h, _ := newFake(t, firmwaresim.Options{})
	addr := serve(t, h)
	d := dial(t, addr)
	simtest.MustOK(t, h.Tap("4"))
	simtest.MustOK(t, h.Unplug())
	expectSocketReports(t, d, []byte{1, 0, 5, 0}, idle)
	if _, err := d.ReadInput(context.Background(), make([]byte, 8)); !errors.Is(err, hid.ErrDisconnected) {
		t.Fatalf("ReadInput after unplug: %v", err)
	}
	if err := d.WriteOutput([]byte{2, 0}); !errors.Is(err, hid.ErrDisconnected) {
		t.Fatalf("WriteOutput after unplug: %v", err)
	}
	if _, err := d.GetFeature([]byte{3, 0}); !errors.Is(err, hid.ErrDisconnected) {
		t.Fatalf("GetFeature after unplug: %v", err)
	}
	simtest.WaitState(t, h.Changed, h.State, "no hosts", func(s firmwaresim.State) bool { return s.Hosts == 0 })

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := simsock.Dial(ctx, addr); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Dial while unplugged: %v, want to wait until the deadline", err)
	}

	got := make(chan hid.Device, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), simtest.WaitLimit)
		defer cancel()
		d, err := simsock.Dial(ctx, addr)
		if err != nil {
			t.Error(err)
		}
		got <- d
	}()
	simtest.MustOK(t, h.Plug())
	d2 := <-got
	if d2 == nil {
		t.FailNow()
	}
	defer d2.Close()
	simtest.MustOK(t, h.Tap("0"))
	expectSocketReports(t, d2, []byte{1, 0, 1, 0}, idle)

	// Close: UHID_CLOSE stops the polling.
	d2.Close()
	simtest.WaitState(t, h.Changed, h.State, "host gone after Close", func(s firmwaresim.State) bool { return s.Hosts == 0 })
	if _, err := d2.ReadInput(context.Background(), make([]byte, 8)); !errors.Is(err, hid.ErrClosed) {
		t.Fatalf("ReadInput after Close: %v", err)
	}
}

// TestSocketTwoClients proves each connected client that opened the device
// sees every report.
func TestSocketTwoClients(t *testing.T) {
	h, _ := newFake(t, firmwaresim.Options{})
	addr := serve(t, h)
	d1, d2 := dial(t, addr), dial(t, addr)
	simtest.MustOK(t, h.Mute())
	expectSocketReports(t, d1, mutePress, idle)
	expectSocketReports(t, d2, mutePress, idle)
}

// TestSocketMalformedClient proves a client sending garbage loses its own
// connection while the server keeps serving others.
func TestSocketMalformedClient(t *testing.T) {
	h, _ := newFake(t, firmwaresim.Options{Logger: slog.New(slog.DiscardHandler)})
	addr := serve(t, h)
	good := dial(t, addr)

	tests := []struct {
		name  string
		event []byte
	}{
		{"unknown type", func() []byte { b := make([]byte, uhid.EventSize); b[0] = 99; return b }()},
		{"device event from the client", func() []byte {
			b, _ := uhid.Encode(uhid.Event{Type: uhid.Input2, Data: []byte{1, 1, 0, 0}})
			return b
		}()},
		{"truncated event", make([]byte, 100)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("unix", strings.TrimPrefix(addr, "unix:"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(simtest.WaitLimit))
			buf := make([]byte, uhid.EventSize)
			if _, err := io.ReadFull(c, buf); err != nil {
				t.Fatalf("no CREATE2: %v", err)
			}
			if e, err := uhid.Decode(buf); err != nil || e.Type != uhid.Create2 {
				t.Fatalf("first event %v, %v", e.Type, err)
			}
			if _, err := c.Write(tc.event); err != nil {
				t.Fatal(err)
			}
			if tc.name == "truncated event" {
				c.(*net.UnixConn).CloseWrite()
			}
			if _, err := io.ReadFull(c, buf); err == nil {
				t.Fatalf("server kept the connection after a bad event")
			}
		})
	}
	simtest.MustOK(t, h.Tap("8"))
	expectSocketReports(t, good, []byte{1, 0, 9, 0}, idle)
}

// TestSocketReadContext proves ReadInput over the socket honours ctx.
func TestSocketReadContext(t *testing.T) {
	h, _ := newFake(t, firmwaresim.Options{})
	d := dial(t, serve(t, h))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := d.ReadInput(ctx, make([]byte, 8)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ReadInput: %v, want DeadlineExceeded", err)
	}
}

// TestDialErrors proves Dial explains bad addresses and absent servers.
func TestDialErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), simtest.WaitLimit)
	defer cancel()
	for _, addr := range []string{"", "tcp:1.2.3.4:5", "unix:", "unix:" + filepath.Join(t.TempDir(), "none")} {
		if _, err := simsock.Dial(ctx, addr); err == nil {
			t.Errorf("Dial(%q) succeeded", addr)
		}
	}
}

// TestServeStopsOnHandsetClose proves Serve returns when the handset is
// switched off, disconnecting its clients.
func TestServeStopsOnHandsetClose(t *testing.T) {
	h, _ := newFake(t, firmwaresim.Options{})
	addr := serve(t, h)
	d := dial(t, addr)
	h.Close()
	if _, err := d.ReadInput(context.Background(), make([]byte, 8)); !errors.Is(err, hid.ErrDisconnected) {
		t.Fatalf("ReadInput after handset Close: %v", err)
	}
}

// TestConformanceSocket runs the hid.Device conformance suite against the
// UHID socket client.
func TestConformanceSocket(t *testing.T) {
	hidtest.Conformance(t, func(t *testing.T) hidtest.Backend {
		h, _ := newFake(t, firmwaresim.Options{})
		d := dial(t, serve(t, h))
		return hidtest.Backend{Dev: d, Push: h.InjectReport, Unplug: func() { h.Unplug() }}
	})
}

// TestServeStopsWithAClientThatDoesNotRead proves a client that floods
// requests and never reads the replies cannot keep Serve from returning when
// it is cancelled: the reader stuck on a reply gives up once the writer has.
func TestServeStopsWithAClientThatDoesNotRead(t *testing.T) {
	h, _ := newFake(t, firmwaresim.Options{})
	addr := serve(t, h) // its cleanup fails the test if Serve does not return
	c, err := net.Dial("unix", strings.TrimPrefix(addr, "unix:"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req, err := uhid.Encode(uhid.Event{Type: uhid.GetReport, ID: 1, RNum: 3, RType: uhid.FeatureReport})
	if err != nil {
		t.Fatal(err)
	}
	// Unix socket buffers hold a few hundred KiB: 400 requests of 4380 bytes
	// whose replies are never read fill them, so the server's writer blocks.
	c.SetWriteDeadline(time.Now().Add(500 * time.Millisecond))
	for range 400 {
		if _, err := c.Write(req); err != nil {
			break // the server stopped reading too: that is the state we want
		}
	}
}
