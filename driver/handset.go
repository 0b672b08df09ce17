package driver

import (
	"fmt"
	"strings"
	"time"

	"github.com/handsetd/handsetd/keymap"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/callrules"
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
	// answering is set when the handset was lifted while a call rang with
	// no other call going on: the host is answering that call, so it is no
	// waiting call (callrules.Alerting).
	answering bool

	// For a handset with a display (SetDisplay): the number being dialled,
	// whether the host has any call, and the clock of the connected call.
	display   bool
	digits    string
	anyCall   bool
	callID    int
	callStart time.Time
	elapsed   time.Duration
	// Dialling since the last hook change, for the dial tone and the key
	// feedback.
	dialled bool
	lastKey string
	presses int
	// ringback: our own call rings at the far end. busy: a call ended
	// while the handset was off hook, and not by the handset (the far end
	// hung up, or the call failed); it lasts until the hook moves or a key
	// is pressed. hungUp: the handset pressed NO during a call, so the end
	// that follows is its own.
	ringback, busy, hungUp bool
}

// maxDialled bounds the digits kept for the display.
const maxDialled = 32

// SetDisplay says the handset has a text display: Output.LCD then shows what
// a phone shows (see keymap.Display), not only the other party's name.
func (h *Handset) SetDisplay(on bool) { h.display = on }

// Command is one Phone API line from the device, with how the outbox may
// treat it when the host is slow.
type Command struct {
	Line phoneapi.Command
	// State is set for HOOK and MUTE: only the newest of a kind matters, so a
	// queued one is replaced rather than queued twice.
	State string
	// Event is what the user did, for the call rules of access mode; it is
	// the zero Event for lines that mean nothing to the calls.
	Event callrules.Event
}

func hookLine(offHook bool) Command {
	return Command{Line: phoneapi.Hook(offHook), State: "HOOK", Event: callrules.HookEvent(offHook)}
}

func muteLine(on bool) Command {
	return Command{Line: phoneapi.Mute(on), State: "MUTE", Event: callrules.MuteEvent(on)}
}

func keyLine(key string) Command {
	return Command{Line: phoneapi.BtnPressed(key), Event: callrules.KeyEvent(key)}
}

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
		h.busy = false
		h.answering = next && h.hostUp && h.ringing && !h.inCall && !h.held
		if !next {
			h.digits = ""
		}
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
			h.busy = false
			h.hungUp = h.hungUp || ev.Key == "NO" && h.anyCall
			h.dial(ev.Key)
			if h.offHook && isDTMFKey(ev.Key) {
				h.dialled, h.lastKey = true, ev.Key
				h.presses++
			}
			return []Command{keyLine(ev.Key)}
		}
		return []Command{{Line: phoneapi.BtnReleased(ev.Key)}}
	}
	return nil
}

// dial keeps the digits typed while no call exists, for the display: C
// takes the last one back and NO clears them.
func (h *Handset) dial(k string) {
	if h.ringing || h.inCall || h.anyCall {
		return
	}
	switch {
	case len(k) == 1 && strings.ContainsAny(k, "0123456789*#+"):
		if len(h.digits) < maxDialled {
			h.digits += k
		}
	case k == "C":
		if h.digits != "" {
			h.digits = h.digits[:len(h.digits)-1]
		}
	case k == "NO":
		h.digits = ""
	}
}

// HostCallClock applies what the host says of its calls beyond ringing:
// whether any call exists (which ends dialling), and the connected call's id
// and duration in seconds (id 0: none), at now on the driver's clock. The
// clock starts when a call connects, and moves forward to the host's
// DURATION when the host is ahead.
func (h *Handset) HostCallClock(anyCall bool, activeID, durationSecs int, now time.Time) {
	if h.anyCall && !anyCall && h.offHook && h.hostUp && !h.hungUp {
		h.busy, h.lastKey = true, ""
	}
	if anyCall {
		h.busy = false
	} else {
		h.hungUp = false
	}
	h.anyCall = anyCall
	if anyCall {
		h.digits = ""
	}
	if activeID == 0 {
		h.callID, h.callStart, h.elapsed = 0, time.Time{}, 0
		return
	}
	hostSays := time.Duration(durationSecs) * time.Second
	if activeID != h.callID || now.Sub(h.callStart) < hostSays {
		h.callID, h.callStart = activeID, now.Add(-hostSays)
	}
	h.Tick(now)
}

// Tick moves the call clock to now. It returns when the shown duration next
// changes, or the zero Time when no call clock runs.
func (h *Handset) Tick(now time.Time) time.Time {
	if !h.display || h.callID == 0 || !h.hostUp {
		return time.Time{}
	}
	h.elapsed = now.Sub(h.callStart).Truncate(time.Second)
	return h.callStart.Add(h.elapsed + time.Second)
}

// HostRingback says whether our own call rings at the far end (an outgoing
// call in status RINGING): the earpiece plays the ringback tone, never the
// ringer.
func (h *Handset) HostRingback(on bool) {
	if on && !h.ringback {
		h.lastKey = "" // the dialled number's last key is not played again after it
	}
	h.ringback = on
}

// HostMute applies the host's MUTE ON|OFF.
func (h *Handset) HostMute(on bool) { h.muted = on }

// HostCalls applies the host's view of the calls.
func (h *Handset) HostCalls(ringing, inCall, held bool, lcd string) {
	if inCall && !h.inCall {
		// A call that connects ends the dialled number's feedback: its
		// last key is not played again in the call.
		h.lastKey = ""
	}
	h.ringing, h.inCall, h.held, h.lcd = ringing, inCall, held, lcd
	if !ringing {
		h.answering = false
	}
	if h.alert() == callrules.AlertWaitingTone {
		// The waiting tone takes over the earpiece; the last key's
		// feedback is not played again after it.
		h.lastKey = ""
	}
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
	// off on both sides (seed 1.2 §7.9.2 GET MUTE: no call, MUTE is always OFF).
	h.muted = false
	if !up {
		h.ringing, h.inCall, h.held, h.lcd, h.answering = false, false, false, "", false
		h.ringback, h.busy, h.hungUp = false, false, false
		h.anyCall, h.callID, h.callStart, h.elapsed = false, 0, time.Time{}, 0
	}
}

// Resync returns the state commands a host needs after the handshake.
func (h *Handset) Resync() []Command {
	return []Command{hookLine(h.offHook)}
}

// alert is how the handset signals a ringing call now.
func (h *Handset) alert() callrules.Alert {
	return callrules.Alerting(h.hostUp && h.ringing, h.offHook, h.answering)
}

// Output is the full desired state of the device. The Ring LED shows a
// ringing call; the ringer rings only while on hook (callrules.Alerting:
// off hook, a call that rings is waiting, and the earpiece plays the
// call-waiting tone instead).
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
		Ringer: h.alert() == callrules.AlertRinger,
		LCD:    h.screen(ring),
	}
}

// screen is the LCD text: for a handset without a display, the other
// party's name; with one, what a phone shows: the caller while it rings,
// the other party and the call's duration during a call, the callee while
// an outgoing call is set up, else the digits being dialled.
func (h *Handset) screen(ring bool) string {
	if !h.display {
		if !h.hostUp {
			return ""
		}
		return h.lcd
	}
	if !h.hostUp {
		return h.digits // no calls without a host, but typing still shows
	}
	switch {
	case ring:
		return h.lcd
	case h.inCall || h.held:
		return h.lcd + "\n" + clockText(h.elapsed)
	case h.anyCall:
		return h.lcd
	}
	return h.digits
}

// clockText formats a call duration as M:SS (minutes wrap at 100).
func clockText(d time.Duration) string {
	s := int(d / time.Second)
	return fmt.Sprintf("%d:%02d", (s/60)%100, s%60)
}

// Tone is the tone the handset's speaker should play. selfRing says the
// device rings by itself, so the ring is not played as a tone.
//
//   - waiting: off-hook, a call rings that the handset was not lifted to
//     answer (call waiting, callrules.Alerting);
//   - ring: on hook, a call rings and the device cannot ring itself;
//   - busy: off-hook, the far end ended the call or it failed;
//   - ringback: our own call rings at the far end;
//   - DTMF: off-hook, the feedback of the last key pressed;
//   - dial: off-hook, host up, no call (ringing, in progress or held),
//     nothing dialled yet: lifting to answer a ringing call gives no dial
//     tone while the host catches up;
//   - otherwise silence.
func (h *Handset) Tone(selfRing bool) Tone {
	alert := h.alert()
	switch {
	case alert == callrules.AlertWaitingTone:
		return Tone{Kind: ToneWaiting}
	case alert == callrules.AlertRinger && !selfRing:
		return Tone{Kind: ToneRing}
	case h.busy && h.offHook && h.hostUp:
		return Tone{Kind: ToneBusy}
	case h.ringback && h.hostUp:
		return Tone{Kind: ToneRingback}
	case h.offHook && h.lastKey != "":
		return Tone{Kind: ToneDTMF, Key: h.lastKey, Press: h.presses}
	case h.offHook && h.hostUp && !h.ringing && !h.inCall && !h.held && !h.dialled:
		return Tone{Kind: ToneDial}
	}
	return Tone{}
}
