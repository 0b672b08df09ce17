package firmwaresim

import (
	"context"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/internal/clock"
)

func newJabraFake(t *testing.T) (*Handset, *clock.Fake) {
	t.Helper()
	fc := clock.NewFake(time.Unix(1000, 0))
	h, err := New("jabra-headset", Options{Clock: fc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h, fc
}

// TestJabraHeadsetFirmware proves the jabra-headset model sends what
// Jabra's template declares and holds its hook as the headsets do: each
// change as report 2 (hook bit 0, mute bit 3 pressed then released, the
// 4-bit keypad with 0 for none) and its vendor-page copy (report 4); an
// unanswered hook is sent again after JabraResend and, still unanswered,
// given up for the host's Off-Hook LED; an acknowledged hook is not resent;
// and outside a pending change the hook follows the host's Off-Hook LED
// and reports it (the echo of a cleared LED).
func TestJabraHeadsetFirmware(t *testing.T) {
	type act struct {
		do      func(h *Handset, d hid.Device) error
		advance time.Duration
		want    [][]byte // the reports, in order
		hook    string   // the hook state after, "" for no check
	}
	lift := func(h *Handset, _ hid.Device) error { return h.HookOff() }
	hangUp := func(h *Handset, _ hid.Device) error { return h.HookOn() }
	write := func(b ...byte) func(*Handset, hid.Device) error {
		return func(_ *Handset, d hid.Device) error { return d.WriteOutput(b) }
	}
	press := func(k string) func(*Handset, hid.Device) error {
		return func(h *Handset, _ hid.Device) error { return h.Press(k) }
	}
	release := func(k string) func(*Handset, hid.Device) error {
		return func(h *Handset, _ hid.Device) error { return h.Release(k) }
	}
	mute := func(h *Handset, _ hid.Device) error { return h.Mute() }
	offHook := [][]byte{{2, 0x01, 0}, {4, 0x01, 0}}
	onHook := [][]byte{{2, 0x00, 0}, {4, 0x00, 0}}
	for _, tc := range []struct {
		name string
		acts []act
	}{
		{"keys and mute", []act{
			{do: lift, want: offHook},
			{do: write(2, 0x01, 0)},
			{do: press("5"), want: [][]byte{{2, 0x01, 0x03}, {4, 0x01, 0x0c}}},
			{do: release("5"), want: offHook},
			{do: press("#"), want: [][]byte{{2, 0x01, 0x06}, {4, 0x01, 0x18}}},
			{do: release("#"), want: offHook},
			{do: press("0"), want: [][]byte{{2, 0x81, 0x00}, {4, 0x01, 0x02}}},
			{do: release("0"), want: offHook},
			{do: mute, want: [][]byte{{2, 0x09, 0}, {4, 0x11, 0}, {2, 0x01, 0}, {4, 0x01, 0}}},
		}},
		{"an acknowledged hook is not resent", []act{
			{do: lift, want: offHook},
			{do: write(2, 0x01, 0), hook: "off"},
			{advance: 2 * JabraResend, hook: "off"},
		}},
		{"an unanswered hook is resent, then given up", []act{
			{do: lift, want: offHook},
			{advance: JabraResend, want: offHook, hook: "off"},
			{advance: JabraResend, want: onHook, hook: "on"},
		}},
		{"clearing Off-Hook while off hook echoes hook 0; setting it lifts", []act{
			{do: lift, want: offHook},
			{do: write(2, 0x01, 0)},
			{do: write(2, 0x10, 0), want: onHook, hook: "on"},
			{do: write(2, 0x11, 0), want: offHook, hook: "off"},
		}},
		{"a hang-up the host has not seen yet ignores its stale LED", []act{
			{do: lift, want: offHook},
			{do: write(2, 0x01, 0)},
			{do: hangUp, want: onHook},
			{do: write(2, 0x01, 0), hook: "on"},
			{do: write(2, 0x00, 0), hook: "on"},
			{advance: 2 * JabraResend, hook: "on"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, fc := newJabraFake(t)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			d, err := h.Open(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			for i, a := range tc.acts {
				if a.do != nil {
					if err := a.do(h, d); err != nil {
						t.Fatalf("act %d: %v", i, err)
					}
				}
				if a.advance > 0 {
					fc.Advance(a.advance)
				}
				if len(a.want) > 0 {
					expectReports(t, d, a.want...)
				} else if a.advance == 0 {
					expectQuiet(t, d)
				}
				if a.hook != "" {
					waitHook(t, h, a.hook)
				}
			}
			expectQuiet(t, d)
		})
	}
}

// waitHook waits until the handset's hook is want (a timer's callback runs
// on its own goroutine).
func waitHook(t *testing.T, h *Handset, want string) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		ch := h.Changed()
		if h.State().Hook == want {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("hook %q, want %q", h.State().Hook, want)
		}
	}
}
