package main

import (
	"context"
	"fmt"
	"strings"
)

// abilities is what the simulated handset has, as far as the built-in
// script needs to know: a hook switch, a mute button, the YES and NO keys,
// and LEDs that show the host's Telephony LED state.
type abilities struct {
	hookSwitch bool
	muteButton bool
	yes, no    bool
	leds       bool
}

// probe asks phonesim what its handset has, before the driver connects:
// "hook on" on a handset on hook and "release KEY" of a key not held change
// nothing and say whether the switch or key exists; "mute" with no host
// polling reaches nobody. The legacy models (their state has a firmware
// version or CM109 GPO pins) keep LEDs of their own, not the Telephony ones.
func probe(ctx context.Context, sim *child) (abilities, error) {
	var a abilities
	st, err := sim.exec(ctx, "state")
	if err != nil {
		return a, err
	}
	exists := func(cmd, missing string) (bool, error) {
		answer, err := sim.ask(ctx, cmd)
		if err != nil {
			return false, err
		}
		return !strings.Contains(answer, missing), nil
	}
	steps := []struct {
		has          *bool
		cmd, missing string
	}{
		{&a.hookSwitch, "hook on", "no hook switch"},
		{&a.muteButton, "mute", "no mute button"},
		{&a.yes, "release YES", "has no key"},
		{&a.no, "release NO", "has no key"},
	}
	for _, s := range steps {
		if *s.has, err = exists(s.cmd, s.missing); err != nil {
			return a, err
		}
	}
	a.leds = stateField(st, "version") == "(missing)" && stateField(st, "gpo") == "(missing)"
	return a, nil
}

// builtinScript is what `handsetd demo` runs without a terminal: a whole
// tour of the Phone API, checked as it goes, in the steps this model can
// take.
func builtinScript(model string, a abilities) string {
	var b strings.Builder
	say := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	answer := func() {
		if a.hookSwitch {
			say("hook off")
		} else {
			say("tap YES")
		}
	}
	hangUp := func() {
		if a.hookSwitch {
			say("hook on")
		} else {
			say("tap NO")
		}
	}
	say("# The driver announces the simulated %s to the host.", model)
	say("wait -> PROTOCOL")
	say("wait <- HOOK ON")
	dial := "YES"
	if !a.yes {
		dial = "#"
	}
	if a.hookSwitch {
		say("# Lift the handset, dial 123 and press %s: the host places a call.", dial)
		say("hook off")
		say("wait <- HOOK OFF")
		if a.leds {
			say("expect leds.offhook=true")
		}
	} else {
		say("# The %s has no hook switch: dial 123 and press %s, and the host places a call.", model, dial)
	}
	for _, k := range []string{"1", "2", "3", dial} {
		say("tap %s", k)
	}
	say("wait <- BTN_RELEASED %s", dial)
	say("wait STATUS RINGING")
	say("# The far end answers.")
	say("host answer")
	say("wait STATUS INPROGRESS")
	if a.muteButton {
		say("# Mute and unmute (the host mutes only during a call in progress).")
		say("mute")
		say("wait <- MUTE ON")
		if a.leds {
			say("expect leds.mute=true")
		}
		say("mute")
		say("wait <- MUTE OFF")
	} else {
		say("# The %s has no mute button.", model)
	}
	say("# Hang up.")
	hangUp()
	say("wait STATUS FINISHED")
	say("# Someone calls: the handset rings (by its ringer, or without one on its speaker) until it is answered.")
	say("host call in echo123 Echo Test Service")
	say("wait STATUS RINGING")
	say("expect ring=on")
	answer()
	say("wait STATUS INPROGRESS")
	say("expect ring=off")
	hangUp()
	say("wait STATUS FINISHED")
	return b.String()
}
