package driver

import (
	"bytes"
	"time"

	"github.com/handsetd/handsetd/keymap"
)

// Headsets talk back. A HID-telephony headset's firmware keeps a hook state
// of its own and takes the host's word for it: the Off-Hook LED the host
// writes is, to the device, the host's view of the call. Two things follow,
// both seen in the field:
//
//   - Our own writes echo back. Some Jabra headsets answer a cleared Off-Hook
//     LED (gonicus/gonnect once cleared it for hold) with Hook Switch 0, and a
//     driver that passes that on as HOOK ON ends the call
//     (gonicus/gonnect PR #52). Others report hook-on right after the host
//     sets a call-state flag such as Line Busy (gonicus/gonnect PR #138,
//     which ignores hook-on for a short time after the flag). So a hook-on
//     from a level hook that arrives within echoWindow after the driver
//     changed an LED for the host's sake is held, not sent, and the full
//     output is written again. A device that echoed follows its Off-Hook
//     LED back and reports hook 1 within echoWindow: the hook-on was an
//     echo and is dropped. Otherwise it was the user's: it is sent when
//     echoWindow has passed. A toggle-shaped hook is a button: its report
//     is always a press, sent at once.
//   - Hosts must acknowledge. Headsets expect the host to set LED Off-Hook
//     and LED Mute (or Microphone) after a press, or they revert
//     (WICG/webhid#72); a Jabra Engage 50 sends its hook report again about
//     2 s later when unanswered (WICG/webhid#61). The owner acknowledges in
//     the same turn that decodes the press (Handset.Output follows the hook
//     and mute at once, before the host answers) and then mirrors the host's
//     answer (MUTE ON|OFF from the host). A resent level is the state the
//     handset already has, so it is never a new press.
//
// Only a device whose profile drives an Off-Hook LED can echo (the legacy
// phones read a physical switch), and only LED changes the host caused open
// the window: the LEDs that acknowledge the device's own press repeat what
// the device already shows.

// echoWindow is how long after the driver changed an LED for the host a
// hook-on from the device is taken for the device's echo. Echoes come in
// the device's next interrupt transfer (milliseconds); the window leaves
// room for a loaded host.
const echoWindow = 500 * time.Millisecond

// echoGuard tells a device's echo of the driver's LED writes from a user's
// hook action. The owner goroutine owns it.
type echoGuard struct {
	// can is false for devices that cannot echo (no Off-Hook LED, or a
	// talking legacy profile).
	can bool
	// until is the end of the window opened by the last LED change the host
	// caused; the zero Time when none is open.
	until time.Time
	// held is the hook-on waiting for the device's word, heldAt when it
	// came.
	held   *keymap.Event
	heldAt time.Time
	// echoes counts the hook-on reports that proved to be echoes.
	echoes int
}

// verdict is what the owner does with a device event.
type verdict int

const (
	pass    verdict = iota // apply it
	hold                   // keep it back, write the output again, decide at heldAt+echoWindow
	isEcho                 // the device followed its LED back: drop the held hook-on and this
	dropDup                // a second hook-on while one is held: nothing new
)

// takesHostHook reports whether prof drives an Off-Hook LED: a device that
// is told the host's hook state, and so may echo it.
func takesHostHook(prof keymap.Profile) bool {
	if _, talks := prof.(keymap.Talker); talks {
		return false
	}
	off, err1 := prof.Encode(keymap.Output{})
	on, err2 := prof.Encode(keymap.Output{LEDs: keymap.LEDs{OffHook: true}})
	if err1 != nil || err2 != nil || len(off) != len(on) {
		return false
	}
	for i := range off {
		if !bytes.Equal(off[i], on[i]) {
			return true
		}
	}
	return false
}

// wrote notes an output write at now in which the host caused an LED
// change: it opens the window.
func (g *echoGuard) wrote(now time.Time) {
	if g.can {
		g.until = now.Add(echoWindow)
	}
}

// check decides what to do with ev, arriving at now on a handset that is
// offHook.
func (g *echoGuard) check(ev keymap.Event, offHook bool, now time.Time) verdict {
	if !g.can || ev.Kind != keymap.EventHook || ev.Toggle {
		return pass
	}
	if g.held != nil {
		if ev.Active {
			g.held = nil
			g.echoes++
			return isEcho
		}
		return dropDup
	}
	if ev.Active || !offHook || g.until.IsZero() || now.After(g.until) {
		return pass
	}
	g.held, g.heldAt = &ev, now
	return hold
}

// decideAt is when the held hook-on is decided; the zero Time when none is
// held.
func (g *echoGuard) decideAt() time.Time {
	if g.held == nil {
		return time.Time{}
	}
	return g.heldAt.Add(echoWindow)
}

// release returns the held hook-on, which the device did not take back: the
// user's.
func (g *echoGuard) release() (keymap.Event, bool) {
	if g.held == nil {
		return keymap.Event{}, false
	}
	ev := *g.held
	g.held = nil
	return ev, true
}
