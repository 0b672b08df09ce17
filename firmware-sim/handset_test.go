package firmwaresim

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/firmware-sim/internal/simtest"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidtest"
)

// TestModels proves the registry lists the generic model and that New names
// the known models when asked for an unknown one.
func TestModels(t *testing.T) {
	ms := Models()
	names := map[string]bool{}
	for _, m := range ms {
		if m.Description == "" {
			t.Errorf("model %s has no description", m.Name)
		}
		names[m.Name] = true
	}
	for _, want := range []string{"generic-telephony", "yealink-p1k", "yealink-p4k", "yealink-b2k", "cm109-kip1000", "cm109-gtalk", "cm109-usbph01", "cm109-atcom"} {
		if !names[want] {
			t.Errorf("Models() lacks %s: %+v", want, ms)
		}
	}
	_, err := New("yealink-p9k", Options{})
	if err == nil || !strings.Contains(err.Error(), `unknown model "yealink-p9k"`) || !strings.Contains(err.Error(), "generic-telephony") {
		t.Fatalf("New(unknown) = %v", err)
	}
}

// TestIdentity proves the in-process Device reports the model's identity
// and descriptor.
func TestIdentity(t *testing.T) {
	h, _ := newFake(t, Options{Serial: "SIM0042"})
	d := hidtest.Open(t, h.Open)
	info := d.Info()
	if info.VendorID != 0x1209 || info.ProductID != 0x0001 || info.Serial != "SIM0042" ||
		info.Product != "Generic USB Telephony Handset" || info.Path != "sim:generic-telephony" {
		t.Fatalf("Info = %+v", info)
	}
	desc, err := d.ReportDescriptor()
	if err != nil || len(desc) == 0 || desc[0] != 0x05 {
		t.Fatalf("ReportDescriptor = % x, %v", desc, err)
	}
}

// TestUnplugPlug proves unplugging disconnects open Devices, refuses
// actions, makes Open wait, and that plugging brings the handset back in its
// power-on state.
func TestUnplugPlug(t *testing.T) {
	h, _ := newFake(t, Options{})
	d := hidtest.Open(t, h.Open)
	simtest.MustOK(t, h.HookOff())
	simtest.MustOK(t, d.WriteOutput([]byte{2, 0x27})) // ack off-hook, mute, ring, ringer
	simtest.MustOK(t, d.SetFeature([]byte{3, 9}))
	simtest.MustOK(t, h.Press("3"))
	hidtest.ReadReport(t, d)
	hidtest.ReadReport(t, d)

	simtest.MustOK(t, h.Unplug())
	simtest.MustOK(t, h.Unplug()) // idempotent
	// The report queued before the unplug is still read, then the loss.
	hidtest.ReadReport(t, d)
	buf := make([]byte, 8)
	if _, err := d.ReadInput(context.Background(), buf); !errors.Is(err, hid.ErrDisconnected) {
		t.Fatalf("ReadInput after unplug: %v", err)
	}
	if err := d.WriteOutput([]byte{2, 0}); !errors.Is(err, hid.ErrDisconnected) {
		t.Fatalf("WriteOutput after unplug: %v", err)
	}
	if _, err := d.GetFeature([]byte{3, 0}); !errors.Is(err, hid.ErrDisconnected) {
		t.Fatalf("GetFeature after unplug: %v", err)
	}
	if err := h.HookOn(); !errors.Is(err, ErrUnplugged) {
		t.Fatalf("HookOn while unplugged: %v", err)
	}
	if s := h.State(); s.Plugged || s.Hosts != 0 {
		t.Fatalf("state while unplugged: %+v", s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := h.Open(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Open while unplugged: %v, want to wait until the deadline", err)
	}

	opened := make(chan hid.Device, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), simtest.WaitLimit)
		defer cancel()
		d, err := h.Open(ctx)
		if err != nil {
			t.Error(err)
		}
		opened <- d
	}()
	simtest.MustOK(t, h.Plug())
	d2 := <-opened
	if d2 == nil {
		t.Fatal("Open failed after plug")
	}
	defer d2.Close()
	s := h.State()
	if !s.Plugged || s.Hook != "on" || s.LEDs != (LEDState{}) || s.Ringing || s.Muted || len(s.Keys) != 0 || s.RingerVolume != genericDefaultVolume {
		t.Fatalf("not in power-on state after plug: %+v", s)
	}
	// The old Device stays disconnected; the new one works.
	if err := d.WriteOutput([]byte{2, 0}); !errors.Is(err, hid.ErrDisconnected) {
		t.Fatalf("old Device after replug: %v", err)
	}
	simtest.MustOK(t, h.Tap("2"))
	expectReports(t, d2, []byte{1, 0, 3, 0}, idle)
}

// TestUnplugCancelsRevert proves a pending hook revert does not fire into
// the next plugged-in period.
func TestUnplugCancelsRevert(t *testing.T) {
	h, fc := newFake(t, Options{})
	simtest.MustOK(t, h.HookOff())
	simtest.MustOK(t, h.Unplug())
	simtest.MustOK(t, h.Plug())
	d := hidtest.Open(t, h.Open)
	simtest.MustOK(t, d.WriteOutput([]byte{2, 0x02})) // host lifts: hook follows
	fc.Advance(time.Hour)
	if s := h.State(); s.Hook != "off" {
		t.Fatalf("an old timer moved the hook: %+v", s)
	}
}

// TestStartUnplugged proves Options.Unplugged and that Close ends waiting
// Opens.
func TestStartUnplugged(t *testing.T) {
	h, _ := newFake(t, Options{Unplugged: true})
	if h.State().Plugged {
		t.Fatal("plugged")
	}
	done := make(chan error, 1)
	go func() {
		_, err := h.Open(context.Background())
		done <- err
	}()
	h.Close()
	select {
	case err := <-done:
		if !errors.Is(err, ErrHandsetClosed) {
			t.Fatalf("Open after Close: %v", err)
		}
	case <-time.After(simtest.WaitLimit):
		t.Fatal("Close did not end a waiting Open")
	}
	if got := h.Exec("plug"); got != "error: "+ErrHandsetClosed.Error() {
		t.Fatalf("plug after Close: %q", got)
	}
}

// TestChanged proves Changed fires on a state change (and not before).
func TestChanged(t *testing.T) {
	h, _ := newFake(t, Options{})
	ch := h.Changed()
	select {
	case <-ch:
		t.Fatal("Changed fired with no change")
	default:
	}
	simtest.MustOK(t, h.HookOn()) // no-op: no change
	select {
	case <-ch:
		t.Fatal("Changed fired on a no-op")
	default:
	}
	simtest.MustOK(t, h.HookOff())
	select {
	case <-ch:
	case <-time.After(simtest.WaitLimit):
		t.Fatal("Changed did not fire")
	}
}

// TestExec proves the control language's answers, one line each.
func TestExec(t *testing.T) {
	h, _ := newFake(t, Options{})
	d := hidtest.Open(t, h.Open)
	tests := []struct{ line, want string }{
		{"", ""},
		{"   ", ""},
		{"hook off", "ok"},
		{"hook off", "ok"},
		{"HOOK ON", "ok"},
		{"hook", "error: usage: hook off | hook on"},
		{"hook up", "error: usage: hook off | hook on"},
		{"press 5", "ok"},
		{"press 5", "error: key 5 is already pressed (release it first)"},
		{"release 5", "ok"},
		{"release 5", "error: key 5 is not pressed"},
		{"tap #", "ok"},
		{"tap UP", "error: model generic-telephony has no key UP"},
		{"tap", "error: usage: tap KEY (KEY is 0-9 * # A-D YES NO F R)"},
		{"press 1 2", "error: usage: press KEY (KEY is 0-9 * # A-D YES NO F R)"},
		{"mute", "ok"},
		{"mute now", "error: mute takes no argument"},
		{"dance", `error: unknown command "dance" (try: hook, press, release, tap, mute, unplug, plug, state, quit)`},
		{"unplug", "ok"},
		{"tap 1", "error: the handset is unplugged (plug it first)"},
		{"plug", "ok"},
		{"quit", "ok"},
	}
	for _, tc := range tests {
		if got := h.Exec(tc.line); got != tc.want {
			t.Errorf("Exec(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
	if _, err := d.ReadInput(context.Background(), make([]byte, 8)); !errors.Is(err, hid.ErrDisconnected) {
		// The Device was opened before "unplug"; reports before it are
		// queued first, so drain them to reach the disconnection.
		for err == nil {
			_, err = d.ReadInput(context.Background(), make([]byte, 8))
		}
		if !errors.Is(err, hid.ErrDisconnected) {
			t.Fatalf("Device after unplug in Exec: %v", err)
		}
	}
}

// TestExecState proves "state" answers one JSON line with the documented
// fields.
func TestExecState(t *testing.T) {
	h, _ := newFake(t, Options{})
	d := hidtest.Open(t, h.Open)
	simtest.MustOK(t, h.HookOff())
	simtest.MustOK(t, d.WriteOutput([]byte{2, 0x07}))
	simtest.MustOK(t, h.Press("9"))
	line := h.Exec("state")
	if strings.Contains(line, "\n") {
		t.Fatalf("state answer spans lines: %q", line)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("state is not JSON: %v: %s", err, line)
	}
	want := map[string]any{
		"model": "generic-telephony", "plugged": true, "hook": "off", "ringing": false, "lcd": "",
		"muted": true, "hook_pending": false, "ringer_volume": float64(5), "hosts": float64(1),
		"keys": []any{"9"},
		"leds": map[string]any{"offhook": true, "mute": true, "ring": true, "hold": false, "microphone": false},
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || !jsonEqual(g, v) {
			t.Errorf("state[%q] = %v, want %v (line %s)", k, g, v, line)
		}
	}
	if h.Exec("state now") != "error: state takes no argument" {
		t.Error("state with an argument accepted")
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestConformanceInProcess runs the hid.Device conformance suite against the
// in-process Device. Push stands for the firmware sending a report.
func TestConformanceInProcess(t *testing.T) {
	hidtest.Conformance(t, func(t *testing.T) hidtest.Backend {
		h, _ := newFake(t, Options{})
		d := hidtest.Open(t, h.Open)
		return hidtest.Backend{Dev: d, Push: h.InjectReport, Unplug: func() { h.Unplug() }}
	})
}
