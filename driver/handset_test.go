package driver

import (
	"reflect"
	"testing"

	"github.com/handsetd/handsetd/keymap"
)

func lines(cs []Command) []string {
	var out []string
	for _, c := range cs {
		out = append(out, string(c.Line))
	}
	return out
}

// TestHandsetResolvesTheThreeControlShapes proves that toggle events flip the
// state, absolute events set it, and an absolute event repeating the current
// state sends nothing: the Phone API only hears real changes.
func TestHandsetResolvesTheThreeControlShapes(t *testing.T) {
	hook := func(active bool) keymap.Event { return keymap.Event{Kind: keymap.EventHook, Active: active} }
	toggle := keymap.Event{Kind: keymap.EventHook, Toggle: true}
	muteToggle := keymap.Event{Kind: keymap.EventMute, Toggle: true}
	key := func(k string, down bool) keymap.Event {
		return keymap.Event{Kind: keymap.EventKey, Key: k, Pressed: down}
	}
	tests := []struct {
		name   string
		events []keymap.Event
		want   []string
	}{
		{"toggle button lifts and hangs up", []keymap.Event{toggle, toggle}, []string{"HOOK OFF", "HOOK ON"}},
		{"toggle switch reports levels", []keymap.Event{hook(true), hook(true), hook(false)}, []string{"HOOK OFF", "HOOK ON"}},
		{"on-hook at rest says nothing", []keymap.Event{hook(false)}, nil},
		{"mute toggles", []keymap.Event{muteToggle, muteToggle}, []string{"MUTE ON", "MUTE OFF"}},
		{"keys press and release", []keymap.Event{key("5", true), key("5", false), key("YES", true)}, []string{"BTN_PRESSED 5", "BTN_RELEASED 5", "BTN_PRESSED YES"}},
		{"a key without a name is ignored", []keymap.Event{key("", true)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Handset
			var got []string
			for _, ev := range tt.events {
				got = append(got, lines(h.Event(ev))...)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("commands = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestHandsetOutputFollowsHostAndHook proves the output carries the off-hook
// and mute acknowledgements, rings only while a host is up and says so and
// the handset is on hook, and that losing the host silences the handset.
func TestHandsetOutputFollowsHostAndHook(t *testing.T) {
	var h Handset
	h.Event(keymap.Event{Kind: keymap.EventHook, Toggle: true})
	if o := h.Output(); !o.LEDs.OffHook || o.Ringer {
		t.Fatalf("after lifting: %+v", o)
	}
	h.HostCalls(true, false, false, "Alice")
	if o := h.Output(); o.Ringer {
		t.Fatal("rang without a host session")
	}
	h.HostUp(true)
	h.HostCalls(true, false, false, "Alice")
	// Lifted when the call came: it is a waiting call, shown by the Ring
	// LED; the ringer stays silent off hook (callrules.Alerting).
	if o := h.Output(); o.Ringer || !o.LEDs.Ring || o.LCD != "Alice" {
		t.Fatalf("call ringing while off hook: %+v", o)
	}
	h.Event(keymap.Event{Kind: keymap.EventHook, Toggle: true})
	if o := h.Output(); !o.Ringer || !o.LEDs.Ring || o.LCD != "Alice" {
		t.Fatalf("ringing call: %+v", o)
	}
	h.Event(keymap.Event{Kind: keymap.EventHook, Toggle: true})
	h.HostMute(true)
	if o := h.Output(); !o.LEDs.Mute {
		t.Fatal("host MUTE ON did not light the mute LED")
	}
	h.HostUp(false)
	if o := h.Output(); o.Ringer || o.LEDs.Ring || o.LCD != "" || o.LEDs.Mute {
		t.Fatalf("still ringing or muted after the host went away: %+v", o)
	}
	if got := lines(h.Resync()); !reflect.DeepEqual(got, []string{"HOOK OFF"}) {
		t.Fatalf("resync = %q, want the current hook state", got)
	}
}
