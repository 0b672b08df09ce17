package firmwaresim_test

import (
	"testing"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/keymap"
)

// TestKeymapProfileDrivesModel proves the project's generic Telephony
// profile, built only from the simulator's own descriptor, understands the
// firmware: hook and mute arrive as toggles, keys as down/up, and an encoded
// Output lights the simulated LEDs and ringer.
func TestKeymapProfileDrivesModel(t *testing.T) {
	h, d, ctx := openModel(t, "generic-telephony")
	desc, err := d.ReportDescriptor()
	if err != nil {
		t.Fatal(err)
	}
	p, err := keymap.ForDevice(d.Info(), desc)
	if err != nil {
		t.Fatalf("keymap.ForDevice on the simulator: %v", err)
	}
	if p.Name() != "Generic USB Telephony Handset" {
		t.Errorf("profile name %q", p.Name())
	}

	var got []string
	collect := func(n int) {
		t.Helper()
		buf := make([]byte, p.InputReportSize())
		for range n {
			k, err := d.ReadInput(ctx, buf)
			if err != nil {
				t.Fatal(err)
			}
			evs, err := p.Decode(buf[:k])
			if err != nil {
				t.Fatalf("Decode % x: %v", buf[:k], err)
			}
			for _, e := range evs {
				got = append(got, e.String())
			}
		}
	}
	if err := h.HookOff(); err != nil {
		t.Fatal(err)
	}
	collect(2)
	for _, k := range []string{"5", "YES"} {
		if err := h.Tap(k); err != nil {
			t.Fatal(err)
		}
		collect(2)
	}
	if err := h.Mute(); err != nil {
		t.Fatal(err)
	}
	collect(2)
	want := []string{"hook toggle", "key 5 down", "key 5 up", "key YES down", "key YES up", "mute toggle"}
	if len(got) != len(want) {
		t.Fatalf("events %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("events %q, want %q", got, want)
		}
	}

	reports, err := p.Encode(keymap.Output{LEDs: keymap.LEDs{OffHook: true, Mute: true}, Ringer: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		if err := d.WriteOutput(r); err != nil {
			t.Fatalf("WriteOutput % x: %v", r, err)
		}
	}
	s := h.State()
	if s.Hook != "off" || s.HookPending || !s.LEDs.OffHook || !s.Muted || !s.Ringing {
		t.Fatalf("after the profile's Output the handset shows %+v", s)
	}
}

// TestAnswersRequestsAgreesWithKeymap proves the simulator's knowledge of
// which devices speak only when asked, derived from its firmware models,
// agrees with the driver's (keymap) for every model's VID:PID, without the
// simulator importing keymap.
func TestAnswersRequestsAgreesWithKeymap(t *testing.T) {
	for _, tc := range []struct {
		vendor, product uint16
		want            bool
	}{
		{0x6993, 0xb001, true},  // Yealink P1K, P4K, B2K: replies to requests only
		{0x6993, 0xb700, false}, // Yealink P1KH: keys come unasked
		{0x0d8c, 0x000e, false}, // CM109: registers on every poll
		{0x1209, 0x0001, false}, // generic telephony
		{0x1234, 0x5678, false}, // no model
	} {
		if got := firmwaresim.AnswersRequests(tc.vendor, tc.product); got != tc.want {
			t.Errorf("firmwaresim.AnswersRequests(%04x:%04x) = %v, want %v", tc.vendor, tc.product, got, tc.want)
		}
		if got := keymap.AnswersRequests(tc.vendor, tc.product); got != tc.want {
			t.Errorf("keymap.AnswersRequests(%04x:%04x) = %v, want %v", tc.vendor, tc.product, got, tc.want)
		}
	}
}
