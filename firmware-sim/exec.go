package firmwaresim

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Exec runs one line of the control language and returns its one-line
// answer: "ok", "error: <reason>", or for "state" the State as one JSON
// object. A blank line returns "" (nothing to answer).
//
//	hook off | hook on         lift or hang up the handset
//	press KEY | release KEY    hold a key down or let it go
//	tap KEY                    press and release, held until the host saw it
//	mute                       press and release the mute button
//	unplug | plug              pull the handset out or put it back
//	state                      the State as JSON
//	quit                       "ok"; the caller ends its loop
//
// KEY is named as in the Phone API: 0-9 * # A-D, YES (Send), NO (Drop),
// F (Flash), R (Redial); SEND, DROP, FLASH and REDIAL are accepted too.
// The legacy models name their keys the way their profiles report them
// (yealink-p1k: YES for pickup, NO for hangup, C, I and O for IN and OUT, UP,
// DOWN) and accept the printed labels too (PICKUP, HANGUP, IN, OUT, VOL+…).
// Some models add commands of their own:
//
//	pstn ring on|off           yealink-b2k: the landline rings (or stops)
//	speaker-mute               cm109-*: press the playback-mute button
//
// tap answers once the key is released. On a polled model (yealink-*,
// cm109-*) it holds the key until the firmware has reported it to a polling
// host, and after the release waits until the host has read that too, each
// at most TapHoldMax (5 s); a HID-class model sends the press and the
// release reports back to back (see Handset.Tap).
func (h *Handset) Exec(line string) string {
	f := strings.Fields(line)
	if len(f) == 0 {
		return ""
	}
	cmd, args := strings.ToLower(f[0]), f[1:]
	answer := func(err error) string {
		if err != nil {
			return "error: " + err.Error()
		}
		return "ok"
	}
	noArgs := func(run func() error) string {
		if len(args) != 0 {
			return fmt.Sprintf("error: %s takes no argument", cmd)
		}
		return answer(run())
	}
	keyArg := func(run func(string) error) string {
		if len(args) != 1 {
			return fmt.Sprintf("error: usage: %s KEY (KEY is 0-9 * # A-D YES NO F R)", cmd)
		}
		return answer(run(args[0]))
	}
	switch cmd {
	case "hook":
		if len(args) == 1 {
			switch strings.ToLower(args[0]) {
			case "off":
				return answer(h.HookOff())
			case "on":
				return answer(h.HookOn())
			}
		}
		return "error: usage: hook off | hook on"
	case "press":
		return keyArg(h.Press)
	case "release":
		return keyArg(h.Release)
	case "tap":
		return keyArg(h.Tap)
	case "mute":
		return noArgs(h.Mute)
	case "unplug":
		return noArgs(h.Unplug)
	case "plug":
		return noArgs(h.Plug)
	case "quit":
		return noArgs(func() error { return nil })
	case "state":
		if len(args) != 0 {
			return "error: state takes no argument"
		}
		b, err := json.Marshal(h.State())
		if err != nil {
			return answer(err)
		}
		return string(b)
	}
	if known, reply := h.modelCommand(cmd, args); known {
		return reply
	}
	return fmt.Sprintf("error: unknown command %q (try: hook, press, release, tap, mute, unplug, plug, state, quit)", f[0])
}

// modelCommand offers a command to a firmware with commands of its own.
func (h *Handset) modelCommand(cmd string, args []string) (known bool, reply string) {
	c, ok := h.fw.(commander)
	if !ok {
		return false, ""
	}
	err := h.act(func() error {
		var err error
		known, err = c.command(cmd, args)
		return err
	})
	if !known && err == nil {
		return false, ""
	}
	if err != nil {
		return true, "error: " + err.Error()
	}
	return true, "ok"
}
