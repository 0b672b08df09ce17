package usbipserve

import (
	"context"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/internal/clock"
)

// waitLimit bounds every wait in these tests; it only turns a hang into a
// failure.
const waitLimit = 5 * time.Second

// newFake returns a generic-telephony handset on a fake clock.
func newFake(t *testing.T, opts firmwaresim.Options) (*firmwaresim.Handset, *clock.Fake) {
	t.Helper()
	fc := clock.NewFake(time.Unix(1000, 0))
	opts.Clock = fc
	h, err := firmwaresim.New("generic-telephony", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h, fc
}

// genericDescriptor is the generic-telephony model's report descriptor.
func genericDescriptor() []byte {
	h, err := firmwaresim.New("generic-telephony", firmwaresim.Options{})
	if err != nil {
		panic(err)
	}
	defer h.Close()
	return h.Descriptor()
}

func open(t *testing.T, h *firmwaresim.Handset) hid.Device {
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

// waitState waits until cond holds for the handset's state.
func waitState(t *testing.T, h *firmwaresim.Handset, what string, cond func(firmwaresim.State) bool) firmwaresim.State {
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

// Bits of the generic-telephony model's output report byte 1 (its report
// descriptor's LED and ringer usages, in firmware-sim/generic.go).
const (
	outMuteLED = 1 << 0
	outHookLED = 1 << 1
	outRingLED = 1 << 2
	outRinger  = 1 << 5
)

// inSend is the generic model's SEND (YES) button, bit 5 of input byte 1.
const inSend = 1 << 5
