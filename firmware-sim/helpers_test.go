package firmwaresim

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidtest"
	"github.com/handsetd/handsetd/internal/clock"
)

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

// expectReports reads exactly the given reports and then checks that no more
// are queued.
func expectReports(t *testing.T, d hid.Device, want ...[]byte) {
	t.Helper()
	for i, w := range want {
		if got := hidtest.ReadReport(t, d); !bytes.Equal(got, w) {
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
