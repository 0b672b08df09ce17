package driver

import (
	"testing"

	"github.com/handsetd/handsetd/keymap"
)

// TestHandsetTone proves which tone a handset's speaker should play: the
// ring only for a device that cannot ring itself, the dial tone off-hook
// with the host up and nothing dialled, DTMF feedback for each key press
// (a new Press each time), the call-waiting tone off-hook when a call rings
// that the handset was not lifted to answer, and silence on-hook.
func TestHandsetTone(t *testing.T) {
	lift := keymap.Event{Kind: keymap.EventHook, Active: true}
	hang := keymap.Event{Kind: keymap.EventHook, Active: false}
	press := func(k string) keymap.Event { return keymap.Event{Kind: keymap.EventKey, Key: k, Pressed: true} }
	release := func(k string) keymap.Event { return keymap.Event{Kind: keymap.EventKey, Key: k} }
	tests := []struct {
		name     string
		hostUp   bool
		ringing  bool
		inCall   bool
		selfRing bool
		events   []keymap.Event
		want     Tone
	}{
		{"idle", true, false, false, false, nil, Tone{}},
		{"ringing, device cannot ring", true, true, false, false, nil, Tone{Kind: ToneRing}},
		{"ringing, device rings itself", true, true, false, true, nil, Tone{}},
		{"ringing without a host", false, true, false, false, nil, Tone{}},
		{"off-hook: dial tone", true, false, false, false, []keymap.Event{lift}, Tone{Kind: ToneDial}},
		{"off-hook without a host: no dial tone", false, false, false, false, []keymap.Event{lift}, Tone{}},
		{"off-hook in a call: silence", true, false, true, false, []keymap.Event{lift}, Tone{}},
		{"lifted to answer, ringer device: silence", true, true, false, true, []keymap.Event{lift}, Tone{}},
		{"a key: DTMF feedback", true, false, false, false, []keymap.Event{lift, press("5")}, Tone{Kind: ToneDTMF, Key: "5", Press: 1}},
		{"the same key again is a new tone", true, false, false, false, []keymap.Event{lift, press("5"), release("5"), press("5")}, Tone{Kind: ToneDTMF, Key: "5", Press: 2}},
		{"a function key is no DTMF", true, false, false, false, []keymap.Event{lift, press("YES")}, Tone{Kind: ToneDial}},
		{"hanging up silences", true, false, false, false, []keymap.Event{lift, press("1"), hang}, Tone{}},
		{"lifting again gives the dial tone back", true, false, false, false, []keymap.Event{lift, press("1"), hang, lift}, Tone{Kind: ToneDial}},
		{"lifted to answer, device cannot ring: silence", true, true, false, false, []keymap.Event{lift}, Tone{}},
		{"a call rings during a call: the waiting tone", true, true, true, true, []keymap.Event{lift}, Tone{Kind: ToneWaiting}},
		{"a call waits during a call, ringerless device: the waiting tone", true, true, true, false, []keymap.Event{lift}, Tone{Kind: ToneWaiting}},
	}
	for _, tt := range tests {
		var h Handset
		h.HostUp(tt.hostUp)
		h.HostCalls(tt.ringing, tt.inCall, false, "")
		for _, ev := range tt.events {
			h.Event(ev)
		}
		if got := h.Tone(tt.selfRing); got != tt.want {
			t.Errorf("%s: Tone = %v %+v, want %v %+v", tt.name, got, got, tt.want, tt.want)
		}
	}
}

// TestCanRing proves the driver reads the profile's own ringer: a Telephony
// profile with a Ringer usage rings itself, a profile that does not say is
// assumed to.
func TestCanRing(t *testing.T) {
	withRinger := []byte{
		0x05, 0x0B, 0x09, 0x01, 0xA1, 0x01,
		0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01, 0x09, 0x20, 0x81, 0x06, 0x95, 0x07, 0x81, 0x03,
		0x95, 0x01, 0x09, 0x9E, 0x91, 0x02, 0x95, 0x07, 0x91, 0x03,
		0xC0,
	}
	without := []byte{
		0x05, 0x0B, 0x09, 0x01, 0xA1, 0x01,
		0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01, 0x09, 0x20, 0x81, 0x06, 0x95, 0x07, 0x81, 0x03,
		0x05, 0x08, 0x95, 0x01, 0x09, 0x17, 0x91, 0x02, 0x95, 0x07, 0x91, 0x03,
		0xC0,
	}
	for _, c := range []struct {
		name string
		desc []byte
		want bool
	}{{"Ringer usage", withRinger, true}, {"LEDs only", without, false}} {
		p, err := keymap.NewTelephony("x", c.desc)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := canRing(p); got != c.want {
			t.Errorf("%s: canRing = %v, want %v", c.name, got, c.want)
		}
	}
	if !canRing(struct{}{}) {
		t.Error("a profile that does not say must be taken to ring by itself")
	}
}

// TestHandsetCallWaitingWhileDialling proves a call arriving while the
// handset is lifted and dialling is signalled as call waiting: the ringer
// stays silent, the Ring LED shows it, the earpiece plays the waiting tone;
// once the host has connected it (YES) the tone stops, and hanging up
// silences everything.
func TestHandsetCallWaitingWhileDialling(t *testing.T) {
	var h Handset
	h.HostUp(true)
	h.Event(keymap.Event{Kind: keymap.EventHook, Active: true})
	h.Event(keymap.Event{Kind: keymap.EventKey, Key: "1", Pressed: true})
	h.HostCalls(true, false, false, "Bob")
	if o := h.Output(); o.Ringer || !o.LEDs.Ring {
		t.Errorf("waiting call while dialling: ringer %v, Ring LED %v; want silent ringer, lit LED", o.Ringer, o.LEDs.Ring)
	}
	if got := h.Tone(true); got.Kind != ToneWaiting {
		t.Errorf("waiting call while dialling: tone %v, want waiting", got)
	}
	h.HostCalls(false, true, false, "Bob")
	if got := h.Tone(true); got != (Tone{}) {
		t.Errorf("in the call: tone %v, want silence", got)
	}
	h.Event(keymap.Event{Kind: keymap.EventHook, Active: false})
	h.HostCalls(false, false, false, "")
	if o := h.Output(); o.Ringer || o.LEDs.Ring || h.Tone(false) != (Tone{}) {
		t.Errorf("after hanging up: %+v, tone %v", o, h.Tone(false))
	}
}
