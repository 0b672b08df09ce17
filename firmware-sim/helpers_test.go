package firmwaresim

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/internal/clock"
)

// waitLimit bounds every wait in these tests; it only turns a hang into a
// failure.
const waitLimit = 5 * time.Second

// newFake returns a generic-telephony handset on a fake clock.
func newFake(t *testing.T, opts Options) (*Handset, *clock.Fake) {
	t.Helper()
	fc := clock.NewFake(time.Unix(1000, 0))
	opts.Clock = fc
	h, err := New("generic-telephony", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h, fc
}

func open(t *testing.T, h *Handset) hid.Device {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	d, err := h.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// readReport reads one input report, failing after waitLimit.
func readReport(t *testing.T, d hid.Device) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	buf := make([]byte, 64)
	n, err := d.ReadInput(ctx, buf)
	if err != nil {
		t.Fatalf("ReadInput: %v", err)
	}
	return buf[:n]
}

// expectReports reads exactly the given reports and then checks that no more
// are queued.
func expectReports(t *testing.T, d hid.Device, want ...[]byte) {
	t.Helper()
	for i, w := range want {
		if got := readReport(t, d); !bytes.Equal(got, w) {
			t.Fatalf("report %d = % x, want % x", i, got, w)
		}
	}
	expectQuiet(t, d)
}

// expectQuiet checks that no input report is queued. For the in-process
// Device the firmware emits synchronously, so a read with a done context is
// an exact check.
func expectQuiet(t *testing.T, d hid.Device) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	buf := make([]byte, 64)
	if n, err := d.ReadInput(ctx, buf); !errors.Is(err, context.Canceled) {
		t.Fatalf("unexpected report % x (err %v)", buf[:n], err)
	}
}

// waitState waits until cond holds for the handset's state.
func waitState(t *testing.T, h *Handset, what string, cond func(State) bool) State {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		ch := h.Changed()
		s := h.State()
		if cond(s) {
			return s
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; state %+v", what, s)
		}
	}
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// inject sends a raw input report as if the firmware had, for transport
// tests that need reports the model itself never makes.
func (h *Handset) inject(report []byte) {
	h.lock()
	defer h.unlock()
	handsetEnv{h}.emit(report)
}

// serveUnix runs serve on a fresh unix socket (in a new temporary directory
// named after prefix: short, as unix socket paths are limited to 108 bytes)
// until the test ends, and returns the socket's address. At the end it
// cancels serve's ctx and fails the test unless serve, named name, returns
// nil within waitLimit.
func serveUnix(t *testing.T, prefix, name string, serve func(context.Context, net.Listener) error) string {
	t.Helper()
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		case <-time.After(waitLimit):
			t.Errorf("%s did not return after cancel", name)
		}
	})
	return "unix:" + path
}
