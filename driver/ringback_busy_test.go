package driver

import (
	"testing"
	"time"

	"github.com/handsetd/handsetd/keymap"
)

// TestHandsetRingbackAndBusy proves the call-progress tones of our own
// calls: while our call rings at the far end the earpiece plays ringback
// (the ringer stays silent), it stops when the call connects; a call the
// far end ends while the handset is off hook leaves the busy tone until the
// hook moves or a key is pressed; a call the handset ends itself (NO, or
// hanging up) leaves no busy tone.
func TestHandsetRingbackAndBusy(t *testing.T) {
	lift := keymap.Event{Kind: keymap.EventHook, Active: true}
	hang := keymap.Event{Kind: keymap.EventHook, Active: false}
	press := func(k string) keymap.Event { return keymap.Event{Kind: keymap.EventKey, Key: k, Pressed: true} }
	now := time.Unix(1000, 0)
	type step struct {
		ev      *keymap.Event
		anyCall bool // the host's calls after the step (when ev is nil)
		inCall  bool
		ring    bool // our call rings at the far end
	}
	evs := func(e keymap.Event) step { return step{ev: &e} }
	tests := []struct {
		name  string
		steps []step
		want  ToneKind
	}{
		{"our call rings: ringback", []step{evs(lift), evs(press("5")), evs(press("YES")), {anyCall: true, ring: true}}, ToneRingback},
		{"answered: silence", []step{evs(lift), {anyCall: true, ring: true}, {anyCall: true, inCall: true}}, ToneNone},
		// An auto-answering far end connects at once, with no ringing
		// first: the last digit's feedback is not played in the call.
		{"answered without ringing: silence", []step{evs(lift), evs(press("5")), evs(press("YES")), {anyCall: true, inCall: true}}, ToneNone},
		{"a digit in the call: its feedback", []step{evs(lift), {anyCall: true, inCall: true}, evs(press("7"))}, ToneDTMF},
		{"far end hangs up: busy", []step{evs(lift), {anyCall: true, inCall: true}, {}}, ToneBusy},
		{"far end busy before answering: busy", []step{evs(lift), {anyCall: true, ring: true}, {}}, ToneBusy},
		{"busy until a key", []step{evs(lift), {anyCall: true, inCall: true}, {}, evs(press("1"))}, ToneDTMF},
		{"busy until the hook moves", []step{evs(lift), {anyCall: true, inCall: true}, {}, evs(hang), evs(lift)}, ToneDial},
		{"NO ends it: no busy", []step{evs(lift), {anyCall: true, inCall: true}, evs(press("NO")), {}}, ToneDial},
		{"hung up: silence", []step{evs(lift), {anyCall: true, inCall: true}, evs(hang), {}}, ToneNone},
	}
	for _, tt := range tests {
		var h Handset
		h.HostUp(true)
		for _, s := range tt.steps {
			if s.ev != nil {
				h.Event(*s.ev)
				continue
			}
			h.HostCalls(false, s.inCall, false, "Bob")
			h.HostRingback(s.ring)
			id := 0
			if s.inCall {
				id = 1
			}
			h.HostCallClock(s.anyCall, id, 0, now)
			if o := h.Output(); o.Ringer {
				t.Errorf("%s: the ringer rings for our own call", tt.name)
			}
		}
		if got := h.Tone(false); got.Kind != tt.want {
			t.Errorf("%s: tone %v, want %v", tt.name, got, Tone{Kind: tt.want})
		}
	}
}
