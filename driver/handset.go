package driver

import (
	"github.com/handsetd/handsetd/keymap"
	"github.com/handsetd/handsetd/phoneapi"
)

// Handset is the pure state machine of one handset: it resolves the device's
// events against the current state into Phone API commands, and derives the
// Output the device should show. It does no I/O, so the driver, the monitor
// and the tests share it.
type Handset struct {
	offHook bool
	muted   bool
	// hostUp is false while no host session is established; a handset then
	// neither rings nor shows a call.
	hostUp  bool
	ringing bool
	inCall  bool
	held    bool
	lcd     string
	// Dialling since the last hook change, for the dial tone and the key
	// feedback.
	dialled bool
	lastKey string
	presses int
}

// Command is one Phone API line from the device, with how the outbox may
// treat it when the host is slow.
type Command struct {
	Line phoneapi.Command
	// State is set for HOOK and MUTE: only the newest of a kind matters, so a
	// queued one is replaced rather than queued twice.
	State string
}

func hookLine(offHook bool) Command { return Command{Line: phoneapi.Hook(offHook), State: "HOOK"} }

func muteLine(on bool) Command { return Command{Line: phoneapi.Mute(on), State: "MUTE"} }

// OffHook reports whether the handset is lifted.
func (h *Handset) OffHook() bool { return h.offHook }

// Muted reports whether the handset is muted.
func (h *Handset) Muted() bool { return h.muted }

// Event applies one device event and returns the commands that tell the host.
// A toggle flips the current state; an absolute event that repeats the
// current state says nothing.
func (h *Handset) Event(ev keymap.Event) []Command {
	switch ev.Kind {
	case keymap.EventHook:
		next := ev.Active
		if ev.Toggle {
			next = !h.offHook
		}
		if next == h.offHook {
			return nil
		}
		h.offHook = next
		h.dialled, h.lastKey = false, ""
		return []Command{hookLine(next)}
	case keymap.EventMute:
		next := ev.Active
		if ev.Toggle {
			next = !h.muted
		}
		if next == h.muted {
			return nil
		}
		h.muted = next
		return []Command{muteLine(next)}
	case keymap.EventKey:
		if ev.Key == "" {
			return nil
		}
		if ev.Pressed {
			if h.offHook && isDTMFKey(ev.Key) {
				h.dialled, h.lastKey = true, ev.Key
				h.presses++
			}
			return []Command{{Line: phoneapi.BtnPressed(ev.Key)}}
		}
		return []Command{{Line: phoneapi.BtnReleased(ev.Key)}}
	}
	return nil
}

// HostMute applies the host's MUTE ON|OFF.
func (h *Handset) HostMute(on bool) { h.muted = on }

// HostCalls applies the host's view of the calls.
func (h *Handset) HostCalls(ringing, inCall, held bool, lcd string) {
	h.ringing, h.inCall, h.held, h.lcd = ringing, inCall, held, lcd
}

// HostUp records whether a host session is established. "No host" looks
// like this on the device: no ringer, Ring and Hold LEDs dark, the display
// blank, and mute off (the seed says mute is always off without a call in
// progress, and without a host there is no call). The Off-Hook LED keeps
// following the hook switch, because a device needs that echo to keep its
// hook state.
func (h *Handset) HostUp(up bool) {
	h.hostUp = up
	// A host that comes or goes has no call of ours in progress, so mute is
	// off on both sides (seed 1.2 §6: no call, MUTE is always OFF).
	h.muted = false
	if !up {
		h.ringing, h.inCall, h.held, h.lcd = false, false, false, ""
	}
}

// Resync returns the state commands a host needs after the handshake.
func (h *Handset) Resync() []Command {
	return []Command{hookLine(h.offHook)}
}

// Output is the full desired state of the device.
func (h *Handset) Output() keymap.Output {
	ring := h.hostUp && h.ringing
	return keymap.Output{
		LEDs: keymap.LEDs{
			OffHook:    h.offHook,
			Ring:       ring,
			Mute:       h.muted,
			Hold:       h.hostUp && h.held,
			Microphone: h.offHook && !h.muted,
		},
		Ringer: ring,
		LCD:    h.lcd,
	}
}

// Tone is the tone the handset's speaker should play. selfRing says the
// device rings by itself, so the ring is not played as a tone.
//
//   - ring: a call rings and the device cannot ring itself;
//   - DTMF: off-hook, the feedback of the last key pressed;
//   - dial: off-hook, host up, no call (ringing, in progress or held),
//     nothing dialled yet: lifting to answer a ringing call gives no dial
//     tone while the host catches up;
//   - otherwise silence.
func (h *Handset) Tone(selfRing bool) Tone {
	switch {
	case h.hostUp && h.ringing && !selfRing:
		return Tone{Kind: ToneRing}
	case h.offHook && h.lastKey != "":
		return Tone{Kind: ToneDTMF, Key: h.lastKey, Press: h.presses}
	case h.offHook && h.hostUp && !h.ringing && !h.inCall && !h.held && !h.dialled:
		return Tone{Kind: ToneDial}
	}
	return Tone{}
}
