package firmwaresim

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/firmware-sim/internal/simtest"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidtest"
)

// Input report bytes of the generic model, for readability.
var (
	idle      = []byte{0x01, 0x00, 0x00, 0x00}
	hookPress = []byte{0x01, 0x01, 0x00, 0x00}
	mutePress = []byte{0x01, 0x02, 0x00, 0x00}
)

// TestDescriptorParses proves the model's descriptor says what the firmware
// sends: the project's own parser finds a Telephony/Phone application with
// toggle-button hook and mute, and report sizes that match the reports.
func TestDescriptorParses(t *testing.T) {
	d, err := hid.ParseDescriptor(genericDescriptor())
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Collections) != 1 || d.Collections[0].Usage != hid.NewUsage(0x0B, 0x01) || d.Collections[0].Type != hid.CollectionApplication {
		t.Fatalf("collections %+v, want one Application Telephony/Phone", d.Collections)
	}
	for _, r := range []struct {
		kind hid.ReportKind
		id   uint8
		len  int
	}{{hid.Input, 1, 4}, {hid.Output, 2, 2}, {hid.Feature, 3, 2}} {
		rep := d.Report(r.kind, r.id)
		if rep == nil || rep.Len() != r.len {
			t.Errorf("%v report %d: %+v, want length %d", r.kind, r.id, rep, r.len)
		}
	}
	find := func(kind hid.ReportKind, page, id uint16) *hid.Field {
		for _, f := range d.Fields(kind) {
			if f.HasUsage(hid.NewUsage(page, id)) {
				return f
			}
		}
		t.Fatalf("no %v field for usage %04x:%04x", kind, page, id)
		return nil
	}
	for _, u := range []uint16{0x20, 0x2F} { // Hook Switch, Phone Mute
		f := find(hid.Input, 0x0B, u)
		if !f.IsRelative() || !f.HasPreferredState() || f.IsArray() || f.LogicalMin != 0 || f.LogicalMax != 1 {
			t.Errorf("usage 0b:%02x is not a toggle button (Var, Rel, preferred, 0..1): %+v", u, f)
		}
	}
	for _, u := range []uint16{0x21, 0x24, 0x26, 0x31} {
		if f := find(hid.Input, 0x0B, u); f.IsRelative() || f.IsArray() {
			t.Errorf("usage 0b:%02x is not a momentary button: %+v", u, f)
		}
	}
	keypad := find(hid.Input, 0x0B, 0xB5)
	if !keypad.IsArray() || keypad.Count != 2 || !keypad.HasUsage(hid.NewUsage(0x0B, 0xBF)) {
		t.Errorf("keypad is not a 2-slot array over B0..BF: %+v", keypad)
	}
	for _, u := range []uint16{0x09, 0x17, 0x18, 0x20, 0x21} {
		find(hid.Output, 0x08, u)
	}
	find(hid.Output, 0x0B, 0x9E)
	find(hid.Feature, 0x0C, 0xE0)
}

// TestHook proves the hook latch: a lift or hang-up sends one toggle press
// and release, a no-op sends nothing, an acknowledged change stays, an
// unacknowledged one reverts on the fake clock without a report, and with no
// change pending the hook follows the host's Off-Hook LED.
func TestHook(t *testing.T) {
	type step struct {
		do      string // "off", "on", "out XX", "advance", "advance-half"
		reports [][]byte
		hook    string
		pending bool
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"lift sends a toggle", []step{
			{do: "off", reports: [][]byte{hookPress, idle}, hook: "off", pending: true},
		}},
		{"lift twice sends once", []step{
			{do: "off", reports: [][]byte{hookPress, idle}, hook: "off", pending: true},
			{do: "off", hook: "off", pending: true},
		}},
		{"hang up while idle sends nothing", []step{
			{do: "on", hook: "on"},
		}},
		{"acknowledged lift stays", []step{
			{do: "off", reports: [][]byte{hookPress, idle}, hook: "off", pending: true},
			{do: "out 02", hook: "off"},
			{do: "advance", hook: "off"},
		}},
		{"unacknowledged lift reverts silently", []step{
			{do: "off", reports: [][]byte{hookPress, idle}, hook: "off", pending: true},
			{do: "advance-half", hook: "off", pending: true},
			{do: "advance-half", hook: "on"},
		}},
		{"stale output while pending is not a revert", []step{
			{do: "off", reports: [][]byte{hookPress, idle}, hook: "off", pending: true},
			{do: "out 04", hook: "off", pending: true},
			{do: "out 02", hook: "off"},
			{do: "advance", hook: "off"},
		}},
		{"host hang-up moves the hook", []step{
			{do: "off", reports: [][]byte{hookPress, idle}, hook: "off", pending: true},
			{do: "out 02", hook: "off"},
			{do: "out 00", hook: "on"},
		}},
		{"host lift moves the hook", []step{
			{do: "out 02", hook: "off"},
		}},
		{"hang-up the host ignores reverts to off-hook", []step{
			{do: "off", reports: [][]byte{hookPress, idle}, hook: "off", pending: true},
			{do: "out 02", hook: "off"},
			{do: "on", reports: [][]byte{hookPress, idle}, hook: "on", pending: true},
			{do: "advance", hook: "off"},
		}},
		{"acknowledged hang-up", []step{
			{do: "off", reports: [][]byte{hookPress, idle}, hook: "off", pending: true},
			{do: "out 02", hook: "off"},
			{do: "on", reports: [][]byte{hookPress, idle}, hook: "on", pending: true},
			{do: "out 00", hook: "on"},
			{do: "advance", hook: "on"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, fc := newFake(t, Options{})
			d := hidtest.Open(t, h.Open)
			for i, st := range tc.steps {
				switch {
				case st.do == "off":
					simtest.MustOK(t, h.HookOff())
				case st.do == "on":
					simtest.MustOK(t, h.HookOn())
				case strings.HasPrefix(st.do, "out "):
					var b byte
					for _, c := range st.do[4:] {
						b = b<<4 | byte(strings.IndexRune("0123456789abcdef", c))
					}
					simtest.MustOK(t, d.WriteOutput([]byte{0x02, b}))
				case st.do == "advance", st.do == "advance-half":
					dur := time.Second
					if st.do == "advance-half" {
						dur = 500 * time.Millisecond
					}
					fc.Advance(dur)
				}
				if strings.HasPrefix(st.do, "advance") {
					// The timer fires on its own goroutine: wait for the
					// state this step expects.
					simtest.WaitState(t, h.Changed, h.State, "step "+st.do, func(s State) bool { return s.Hook == st.hook && s.HookPending == st.pending })
				}
				expectReports(t, d, st.reports...)
				if s := h.State(); s.Hook != st.hook || s.HookPending != st.pending {
					t.Fatalf("step %d (%s): hook %s pending %v, want %s %v", i, st.do, s.Hook, s.HookPending, st.hook, st.pending)
				}
			}
		})
	}
}

// TestHookTimeoutOption proves the revert waits for Options.HookTimeout.
func TestHookTimeoutOption(t *testing.T) {
	h, fc := newFake(t, Options{HookTimeout: 3 * time.Second})
	simtest.MustOK(t, h.HookOff())
	fc.Advance(2 * time.Second)
	if s := h.State(); s.Hook != "off" {
		t.Fatalf("reverted before the timeout: %+v", s)
	}
	fc.Advance(time.Second)
	simtest.WaitState(t, h.Changed, h.State, "revert", func(s State) bool { return s.Hook == "on" })
}

// TestMute proves mute is a toggle press and release, and that the device
// shows muted exactly when the host lights the Mute LED.
func TestMute(t *testing.T) {
	h, _ := newFake(t, Options{})
	d := hidtest.Open(t, h.Open)
	simtest.MustOK(t, h.Mute())
	expectReports(t, d, mutePress, idle)
	if h.State().Muted {
		t.Fatal("muted before the host said so")
	}
	simtest.MustOK(t, d.WriteOutput([]byte{0x02, 0x01}))
	if s := h.State(); !s.Muted || !s.LEDs.Mute {
		t.Fatalf("host lit Mute LED, state %+v", s)
	}
	simtest.MustOK(t, h.Mute())
	expectReports(t, d, mutePress, idle)
	simtest.MustOK(t, d.WriteOutput([]byte{0x02, 0x00}))
	if h.State().Muted {
		t.Fatal("still muted after the host cleared the LED")
	}
}

// TestKeys proves the key reports: keypad keys travel in the two-slot array
// in press order, function keys as bits, held controls stay in every report,
// and bad key operations are errors that send nothing.
func TestKeys(t *testing.T) {
	type step struct {
		op, key string
		reports [][]byte
		err     string
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"tap digit", []step{{op: "tap", key: "5", reports: [][]byte{{1, 0, 6, 0}, idle}}}},
		{"tap every keypad key", func() []step {
			var s []step
			for i, k := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D"} {
				s = append(s, step{op: "tap", key: k, reports: [][]byte{{1, 0, byte(i + 1), 0}, idle}})
			}
			return s
		}()},
		{"lower-case letter", []step{{op: "tap", key: "d", reports: [][]byte{{1, 0, 16, 0}, idle}}}},
		{"two keys held", []step{
			{op: "press", key: "1", reports: [][]byte{{1, 0, 2, 0}}},
			{op: "press", key: "#", reports: [][]byte{{1, 0, 2, 12}}},
			{op: "release", key: "1", reports: [][]byte{{1, 0, 12, 0}}},
			{op: "release", key: "#", reports: [][]byte{idle}},
		}},
		{"third key refused", []step{
			{op: "press", key: "1", reports: [][]byte{{1, 0, 2, 0}}},
			{op: "press", key: "2", reports: [][]byte{{1, 0, 2, 3}}},
			{op: "press", key: "3", err: "the keypad reports at most 2 keys at once (release one first)"},
		}},
		{"function keys and aliases", []step{
			{op: "tap", key: "YES", reports: [][]byte{{1, 0x20, 0, 0}, idle}},
			{op: "tap", key: "send", reports: [][]byte{{1, 0x20, 0, 0}, idle}},
			{op: "tap", key: "NO", reports: [][]byte{{1, 0x10, 0, 0}, idle}},
			{op: "tap", key: "DROP", reports: [][]byte{{1, 0x10, 0, 0}, idle}},
			{op: "tap", key: "F", reports: [][]byte{{1, 0x04, 0, 0}, idle}},
			{op: "tap", key: "FLASH", reports: [][]byte{{1, 0x04, 0, 0}, idle}},
			{op: "tap", key: "R", reports: [][]byte{{1, 0x08, 0, 0}, idle}},
			{op: "tap", key: "REDIAL", reports: [][]byte{{1, 0x08, 0, 0}, idle}},
		}},
		{"held button stays in a keypad report", []step{
			{op: "press", key: "YES", reports: [][]byte{{1, 0x20, 0, 0}}},
			{op: "tap", key: "7", reports: [][]byte{{1, 0x20, 8, 0}, {1, 0x20, 0, 0}}},
			{op: "release", key: "SEND", reports: [][]byte{idle}},
		}},
		{"unknown key", []step{{op: "press", key: "UP", err: "model generic-telephony has no key UP"}}},
		{"unknown key lower case", []step{{op: "tap", key: "down", err: "model generic-telephony has no key DOWN"}}},
		{"double press", []step{
			{op: "press", key: "5", reports: [][]byte{{1, 0, 6, 0}}},
			{op: "press", key: "5", err: "key 5 is already pressed (release it first)"},
		}},
		{"alias double press", []step{
			{op: "press", key: "YES", reports: [][]byte{{1, 0x20, 0, 0}}},
			{op: "press", key: "SEND", err: "key YES is already pressed (release it first)"},
		}},
		{"release not down", []step{{op: "release", key: "9", err: "key 9 is not pressed"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := newFake(t, Options{})
			d := hidtest.Open(t, h.Open)
			for i, st := range tc.steps {
				var err error
				switch st.op {
				case "press":
					err = h.Press(st.key)
				case "release":
					err = h.Release(st.key)
				case "tap":
					err = h.Tap(st.key)
				}
				if st.err == "" && err != nil || st.err != "" && (err == nil || err.Error() != st.err) {
					t.Fatalf("step %d %s %s: err %v, want %q", i, st.op, st.key, err, st.err)
				}
				expectReports(t, d, st.reports...)
			}
		})
	}
}

// TestHeldKeysInState proves State lists the held keys by Phone API name.
func TestHeldKeysInState(t *testing.T) {
	h, _ := newFake(t, Options{})
	simtest.MustOK(t, h.Press("FLASH"))
	simtest.MustOK(t, h.Press("*"))
	if got := strings.Join(h.State().Keys, ","); got != "F,*" {
		t.Fatalf("keys %q, want F,*", got)
	}
}

// TestOutputs proves every output bit drives its LED or the ringer, padding
// bits are ignored, and malformed output reports are rejected unchanged.
func TestOutputs(t *testing.T) {
	tests := []struct {
		name    string
		report  []byte
		leds    LEDState
		ringing bool
		err     error
	}{
		{"all off", []byte{2, 0x00}, LEDState{}, false, nil},
		{"mute", []byte{2, 0x01}, LEDState{Mute: true}, false, nil},
		{"offhook", []byte{2, 0x02}, LEDState{OffHook: true}, false, nil},
		{"ring", []byte{2, 0x04}, LEDState{Ring: true}, false, nil},
		{"hold", []byte{2, 0x08}, LEDState{Hold: true}, false, nil},
		{"microphone", []byte{2, 0x10}, LEDState{Microphone: true}, false, nil},
		{"ringer", []byte{2, 0x20}, LEDState{}, true, nil},
		{"everything and padding", []byte{2, 0xff}, LEDState{true, true, true, true, true}, true, nil},
		{"wrong id", []byte{1, 0x3f}, LEDState{}, false, hid.ErrUnsupported},
		{"empty", []byte{}, LEDState{}, false, hid.ErrUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := newFake(t, Options{})
			d := hidtest.Open(t, h.Open)
			err := d.WriteOutput(tc.report)
			if tc.err != nil && !errors.Is(err, tc.err) || tc.err == nil && err != nil {
				t.Fatalf("WriteOutput: %v, want %v", err, tc.err)
			}
			s := h.State()
			if s.LEDs != tc.leds || s.Ringing != tc.ringing {
				t.Fatalf("leds %+v ringing %v, want %+v %v", s.LEDs, s.Ringing, tc.leds, tc.ringing)
			}
		})
	}
	t.Run("wrong length", func(t *testing.T) {
		h, _ := newFake(t, Options{})
		d := hidtest.Open(t, h.Open)
		if err := d.WriteOutput([]byte{2, 0x04, 0}); err == nil {
			t.Fatal("3-byte output report accepted")
		}
		if h.State().LEDs.Ring {
			t.Fatal("rejected report changed the LEDs")
		}
	})
}

// TestFeatures proves the ringer-volume feature report round-trips, and that
// bad ids and values are errors.
func TestFeatures(t *testing.T) {
	h, _ := newFake(t, Options{})
	d := hidtest.Open(t, h.Open)
	buf := []byte{3, 0xff, 0xff}
	n, err := d.GetFeature(buf)
	if err != nil || n != 2 || buf[1] != genericDefaultVolume {
		t.Fatalf("GetFeature: % x, %v", buf[:n], err)
	}
	simtest.MustOK(t, d.SetFeature([]byte{3, 8}))
	if n, err := d.GetFeature(buf); err != nil || buf[1] != 8 || n != 2 || h.State().RingerVolume != 8 {
		t.Fatalf("after set 8: % x, %v", buf[:n], err)
	}
	if err := d.SetFeature([]byte{3, 11}); err == nil || errors.Is(err, hid.ErrUnsupported) {
		t.Fatalf("volume 11: %v, want a range error", err)
	}
	if _, err := d.GetFeature([]byte{9, 0}); !errors.Is(err, hid.ErrUnsupported) {
		t.Fatalf("GetFeature 9: %v, want ErrUnsupported", err)
	}
	if err := d.SetFeature([]byte{9, 0}); !errors.Is(err, hid.ErrUnsupported) {
		t.Fatalf("SetFeature 9: %v, want ErrUnsupported", err)
	}
}

// TestNoQueueWhileNobodyPolls proves that input produced while no host has
// the device open changes the firmware state but is lost, and that a host
// sees only what happens after it opened.
func TestNoQueueWhileNobodyPolls(t *testing.T) {
	h, _ := newFake(t, Options{})
	simtest.MustOK(t, h.HookOff())
	simtest.MustOK(t, h.Press("5"))
	if s := h.State(); s.Hook != "off" || len(s.Keys) != 1 {
		t.Fatalf("state did not change: %+v", s)
	}
	d := hidtest.Open(t, h.Open)
	expectQuiet(t, d)
	simtest.MustOK(t, h.Release("5"))
	expectReports(t, d, idle)
	d.Close()
	simtest.MustOK(t, h.Tap("1"))
	d2 := hidtest.Open(t, h.Open)
	expectQuiet(t, d2)
}

// TestTwoHosts proves every open host gets every report.
func TestTwoHosts(t *testing.T) {
	h, _ := newFake(t, Options{})
	d1, d2 := hidtest.Open(t, h.Open), hidtest.Open(t, h.Open)
	if h.State().Hosts != 2 {
		t.Fatalf("hosts %d, want 2", h.State().Hosts)
	}
	simtest.MustOK(t, h.Tap("0"))
	expectReports(t, d1, []byte{1, 0, 1, 0}, idle)
	expectReports(t, d2, []byte{1, 0, 1, 0}, idle)
}
