package firmwaresim

import (
	"bytes"
	"context"
	"errors"
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
