package firmwaresim

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/handsetd/handsetd/firmware-sim/internal/simtest"
	"github.com/handsetd/handsetd/hid/hidtest"
	"github.com/handsetd/handsetd/internal/clock"
)

// tapAsync runs Tap in a goroutine and returns its result channel.
func tapAsync(h *Handset, key string) <-chan error {
	done := make(chan error, 1)
	go func() { done <- h.Tap(key) }()
	return done
}

func expectPending(t *testing.T, done <-chan error, what string) {
	t.Helper()
	select {
	case err := <-done:
		t.Fatalf("tap completed %s (err %v); it must hold the key", what, err)
	case <-time.After(50 * time.Millisecond):
	}
}

func expectDone(t *testing.T, done <-chan error, what string) {
	t.Helper()
	select {
	case err := <-done:
		simtest.MustOK(t, err)
	case <-time.After(simtest.WaitLimit):
		t.Fatalf("tap did not complete %s", what)
	}
}

// TestTapHoldsUntilReported proves tap on a polled model holds the key down
// until the firmware has reported it to the host, then releases it: a
// Yealink P1K until it answered SCANCODE with the key's code (a KEYPRESS
// poll alone is not enough), a CM109 until it sent its registers with the
// key's row while the host drove the key's column alone and the host then
// ended its scan (driving another column, or all of them before, is not
// enough), and then until the host scanned again and so read the release;
// and that a host that never looks gets the release after
// TapHoldMax on the handset's clock.
func TestTapHoldsUntilReported(t *testing.T) {
	held := func(key string) func(State) bool {
		return func(s State) bool { return slices.Contains(s.Keys, key) }
	}
	released := func(s State) bool { return len(s.Keys) == 0 }
	newModel := func(t *testing.T, model string) (*Handset, *clock.Fake) {
		fc := clock.NewFake(time.Unix(1000, 0))
		h, err := New(model, Options{Clock: fc})
		simtest.MustOK(t, err)
		t.Cleanup(func() { h.Close() })
		return h, fc
	}

	t.Run("yealink-p1k", func(t *testing.T) {
		h, _ := newModel(t, "yealink-p1k")
		d := hidtest.Open(t, h.Open)
		done := tapAsync(h, "1")
		simtest.WaitState(t, h.Changed, h.State, "1 held", held("1"))
		simtest.MustOK(t, d.WriteOutput(simtest.YealinkPkt(0x80, 1, 0))) // KEYPRESS: the counter moved
		hidtest.ReadReport(t, d)
		expectPending(t, done, "after a KEYPRESS poll")
		simtest.MustOK(t, d.WriteOutput(simtest.YealinkPkt(0x81, 1, 0))) // SCANCODE of event 0: the press
		hidtest.ReadReport(t, d)
		expectDone(t, done, "after SCANCODE answered the press")
		simtest.WaitState(t, h.Changed, h.State, "1 released", released)
	})

	t.Run("cm109-kip1000", func(t *testing.T) {
		h, _ := newModel(t, "cm109-kip1000")
		d := hidtest.Open(t, h.Open)
		drive := func(col byte) { simtest.MustOK(t, d.WriteOutput([]byte{0, 0, col, 0x0f, 0})) }
		done := tapAsync(h, "1") // row 0x10, column 0x04
		simtest.WaitState(t, h.Changed, h.State, "1 held", held("1"))
		drive(0x01)
		expectPending(t, done, "while another column was driven")
		drive(0x0f)
		expectPending(t, done, "while every column was driven (the host cannot tell the key yet)")
		drive(0x01)
		drive(0x04)
		expectPending(t, done, "before the host read the registers showing it")
		drive(0x08)
		expectPending(t, done, "before the host ended its scan")
		drive(0x0f) // the scan is over: it read them
		simtest.WaitState(t, h.Changed, h.State, "1 released", released)
		expectPending(t, done, "before the host scanned after the release")
		drive(0x01)
		drive(0x0f) // the scan that reads the release
		expectDone(t, done, "once the host scanned after the release")
	})

	t.Run("nobody looks", func(t *testing.T) {
		h, fc := newModel(t, "yealink-p1k")
		hidtest.Open(t, h.Open) // a host that polls nothing
		done := tapAsync(h, "2")
		simtest.WaitState(t, h.Changed, h.State, "2 held", held("2"))
		ctx, cancel := context.WithTimeout(context.Background(), simtest.WaitLimit)
		defer cancel()
		for fc.Pending() == 0 {
			select {
			case <-fc.Armed():
			case <-ctx.Done():
				t.Fatal("tap armed no timer")
			}
		}
		fc.Advance(TapHoldMax - time.Millisecond)
		expectPending(t, done, "before TapHoldMax")
		fc.Advance(time.Millisecond)
		expectDone(t, done, "at TapHoldMax")
		simtest.WaitState(t, h.Changed, h.State, "2 released", released)
	})
}

// TestTapWithoutHostIsImmediate proves a tap on a polled model that no host
// polls completes at once (nobody could see it), and that a HID-class
// model's tap never waits: its press and release are two queued reports.
func TestTapWithoutHostIsImmediate(t *testing.T) {
	for _, model := range []string{"yealink-p1k", "cm109-kip1000", "generic-telephony"} {
		h, err := New(model, Options{Clock: clock.NewFake(time.Unix(1000, 0))})
		simtest.MustOK(t, err)
		expectDone(t, tapAsync(h, "1"), model+" with no host")
		h.Close()
	}
	h, _ := newFake(t, Options{})
	d := hidtest.Open(t, h.Open)
	expectDone(t, tapAsync(h, "5"), "generic-telephony with a host")
	expectReports(t, d, []byte{1, 0, 6, 0}, idle)
}
