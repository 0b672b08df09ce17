package driver

import (
	"fmt"

	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/callrules"
)

// Mode is the API the driver speaks to its host.
type Mode int

const (
	// ModePhone sends the Phone API (HOOK, BTN_PRESSED, MUTE…) and lets the
	// host decide what hook and keys mean.
	ModePhone Mode = iota
	// ModeAccess is for hosts that understand only the access API: the
	// driver decides itself, with Access, and sends ALTER CALL, CALL and SET
	// MUTE.
	ModeAccess
)

func (m Mode) String() string {
	if m == ModeAccess {
		return "access"
	}
	return "phone"
}

// ParseMode reads "phone" or "access".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "phone", "":
		return ModePhone, nil
	case "access":
		return ModeAccess, nil
	}
	return 0, fmt.Errorf("mode %q: want phone or access", s)
}

// Access turns what the user does on a handset into access-API commands,
// with the meaning the Phone API gives them on the host side. The meaning
// is package callrules, shared with the reference host: lifting answers the
// ringing call, hanging up ends every call, digits collect a number that
// YES or # dials, digits in a call are DTMF, NO ends or clears, YES takes a
// waiting call (holding the one in progress), and mute becomes SET MUTE
// (the host keeps mute only during a call).
//
// The commands depend on the protocol the host agreed to. ALTER CALL came
// with protocol 5; a host that speaks an older one (Skype for Linux 1.1.0.3
// spoke protocol 4) controls calls with SET CALL n STATUS INPROGRESS
// (answer), SET CALL n STATUS FINISHED (hang up) and SET CALL n DTMF d.
//
// It is pure: the caller passes the host's calls as last notified.
type Access struct {
	// Protocol is the protocol the host agreed to in the handshake; below
	// 5 the older call commands are used. 0 means not known yet, and gives
	// the newest commands.
	Protocol  int
	dialled   string
	answering int // the call lifting or YES asked the host to answer
}

// Dialled returns the digits collected so far.
func (a *Access) Dialled() string { return a.dialled }

// Reset forgets the collected digits (the host went away).
func (a *Access) Reset() { a.dialled, a.answering = "", 0 }

// Translate returns the access-API commands for one thing the user did
// (Command.Event of a command from Handset), given the calls the host has.
// Events without an access meaning (key releases, AUDIO_*) give none.
func (a *Access) Translate(ev callrules.Event, calls phoneapi.Calls) []Command {
	st := callrules.State{Dialled: a.dialled, Answering: a.answering}
	if ev.Kind == callrules.EventHook {
		// Handset reports the hook only when it moves, so before the
		// event it was in the other position.
		st.Hook = callrules.HookOff
		if ev.OffHook {
			st.Hook = callrules.HookOn
		}
	}
	st, acts := callrules.Step(calls, st, ev)
	a.dialled, a.answering = st.Dialled, st.Answering
	var cmds []Command
	for _, act := range acts {
		if c, ok := a.command(act); ok {
			cmds = append(cmds, c)
		}
	}
	return cmds
}

// alterCallProtocol is the first protocol with ALTER CALL.
const alterCallProtocol = 5

// legacy reports whether the host predates ALTER CALL.
func (a *Access) legacy() bool { return a.Protocol > 0 && a.Protocol < alterCallProtocol }

// command is the access-API line for one action of the call rules; ok is
// false for an action the access API has no line for.
func (a *Access) command(act callrules.Action) (c Command, ok bool) {
	legacy := a.legacy()
	switch act.Kind {
	case callrules.Answer:
		if legacy {
			return Command{Line: phoneapi.SetCallStatus(act.Call, "INPROGRESS")}, true
		}
		return Command{Line: phoneapi.AlterCall(act.Call, "ANSWER")}, true
	case callrules.Hangup:
		if legacy {
			return Command{Line: phoneapi.SetCallStatus(act.Call, "FINISHED")}, true
		}
		return Command{Line: phoneapi.AlterCall(act.Call, "HANGUP")}, true
	case callrules.DTMF:
		if legacy {
			return Command{Line: phoneapi.SetCallDTMF(act.Call, act.Digit)}, true
		}
		return Command{Line: phoneapi.AlterCallDTMF(act.Call, act.Digit)}, true
	case callrules.Hold:
		if legacy {
			return Command{Line: phoneapi.SetCallStatus(act.Call, "ONHOLD")}, true
		}
		return Command{Line: phoneapi.AlterCall(act.Call, "HOLD")}, true
	case callrules.Dial:
		return Command{Line: phoneapi.Dial(act.Number)}, true
	case callrules.Mute:
		return Command{Line: phoneapi.SetMute(act.On), State: "MUTE"}, true
	}
	return Command{}, false
}
