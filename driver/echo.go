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
//     changed an LED for the host's sake is an echo: it is not sent, and the
//     full output is written again so a device that followed its LED goes
//     back off hook (it then reports hook 1, which changes nothing). A
//     toggle-shaped hook is a button: its report is always a press. The
//     price: a real hang-up within echoWindow of a host's LED change is
//     missed, and the user hangs up again; ending a call the user is on
//     is worse.
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
	// reasserted is set when the output was written again for an echo in
	// the current window, so a device that echoes every write is not
	// written to in a loop.
	reasserted bool
	// echoes counts the hook-on reports taken for echoes.
	echoes int
}

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

// wrote notes an output write at now; byHost says the host caused an LED
// change in it. It opens the window.
func (g *echoGuard) wrote(now time.Time, byHost bool) {
	if !g.can || !byHost {
		return
	}
	g.until = now.Add(echoWindow)
	g.reasserted = false
}

// echo reports whether ev, arriving at now on a handset that is offHook, is
// the device's echo of our write. When it is, reassert says whether the
// output should be written again.
func (g *echoGuard) echo(ev keymap.Event, offHook bool, now time.Time) (echo, reassert bool) {
	if !g.can || ev.Kind != keymap.EventHook || ev.Toggle || ev.Active || !offHook {
		return false, false
	}
	if g.until.IsZero() || now.After(g.until) {
		return false, false
	}
	g.echoes++
	reassert = !g.reasserted
	g.reasserted = true
	return true, reassert
}

// rewrote notes the write an echo asked for, at now: the device may echo it
// too, so the window runs on from it, with no further rewrite.
func (g *echoGuard) rewrote(now time.Time) {
	g.until = now.Add(echoWindow)
	g.reasserted = true
}
