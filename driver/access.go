package driver

import (
	"fmt"

	"github.com/handsetd/handsetd/phoneapi"
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

// Access turns a handset's Phone API commands into access-API commands, with
// the meaning the Phone API gives them on the host side:
//
//   - lifting the handset answers the ringing incoming call;
//   - hanging up ends the connected call, else refuses the ringing one, else
//     cancels our own call still ringing out;
//   - digits with no call collect a number, and YES or # dials it; digits
//     during a call in progress are DTMF; NO ends or refuses like hanging up,
//     or clears the number;
//   - YES answers a ringing call;
//   - mute becomes SET MUTE (the host keeps mute only during a call).
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
	Protocol int
	dialled  string
}

// Dialled returns the digits collected so far.
func (a *Access) Dialled() string { return a.dialled }

// Reset forgets the collected digits (the host went away).
func (a *Access) Reset() { a.dialled = "" }

// Translate returns the access-API commands for one command from Handset,
// given the calls the host has. Commands without an access meaning (key
// releases, AUDIO_*) give none.
func (a *Access) Translate(c Command, calls phoneapi.Calls) []Command {
	m, err := phoneapi.ParseLine(string(c.Line))
	if err != nil {
		return nil
	}
	switch m.Kind {
	case phoneapi.KindHook:
		if m.OffHook() {
			if r, ok := calls.RingingCall(); ok {
				return a.answer(r.ID)
			}
			return nil
		}
		a.dialled = ""
		return a.hangUp(calls)
	case phoneapi.KindMute:
		return []Command{{Line: phoneapi.SetMute(m.On), State: "MUTE"}}
	case phoneapi.KindBtnPressed:
		return a.key(m.Value, calls)
	}
	return nil
}

func (a *Access) key(k string, calls phoneapi.Calls) []Command {
	_, ringing := calls.RingingCall()
	_, active := calls.Active()
	_, outgoing := outgoingPending(calls)
	switch {
	case isDialKey(k):
		if c, ok := inProgress(calls); ok {
			if k == "+" {
				return nil
			}
			return a.dtmf(c.ID, k)
		}
		if ringing || active || outgoing {
			return nil
		}
		if k == "#" && a.dialled != "" {
			return a.dial()
		}
		a.dialled += k
	case k == "YES":
		if r, ok := calls.RingingCall(); ok {
			return a.answer(r.ID)
		}
		if a.dialled != "" && !active && !outgoing {
			return a.dial()
		}
	case k == "NO":
		if cmds := a.hangUp(calls); cmds != nil {
			return cmds
		}
		a.dialled = ""
	}
	return nil
}

func (a *Access) dial() []Command {
	n := a.dialled
	a.dialled = ""
	return []Command{{Line: phoneapi.Dial(n)}}
}

// alterCallProtocol is the first protocol with ALTER CALL.
const alterCallProtocol = 5

// legacy reports whether the host predates ALTER CALL.
func (a *Access) legacy() bool { return a.Protocol > 0 && a.Protocol < alterCallProtocol }

func (a *Access) answer(id int) []Command {
	if a.legacy() {
		return []Command{{Line: phoneapi.SetCallStatus(id, "INPROGRESS")}}
	}
	return []Command{{Line: phoneapi.AlterCall(id, "ANSWER")}}
}

func (a *Access) hangUpCall(id int) []Command {
	if a.legacy() {
		return []Command{{Line: phoneapi.SetCallStatus(id, "FINISHED")}}
	}
	return []Command{{Line: phoneapi.AlterCall(id, "HANGUP")}}
}

func (a *Access) dtmf(id int, k string) []Command {
	if a.legacy() {
		return []Command{{Line: phoneapi.SetCallDTMF(id, k)}}
	}
	return []Command{{Line: phoneapi.AlterCallDTMF(id, k)}}
}

// hangUp ends what is going on: the connected call, else the ringing
// incoming call, else our own call still ringing out.
func (a *Access) hangUp(calls phoneapi.Calls) []Command {
	if c, ok := calls.Active(); ok {
		return a.hangUpCall(c.ID)
	}
	if c, ok := calls.RingingCall(); ok {
		return a.hangUpCall(c.ID)
	}
	if c, ok := outgoingPending(calls); ok {
		return a.hangUpCall(c.ID)
	}
	return nil
}

func isDialKey(k string) bool {
	return len(k) == 1 && (k[0] >= '0' && k[0] <= '9' || k[0] == '*' || k[0] == '#' || k[0] == '+')
}

func inProgress(calls phoneapi.Calls) (phoneapi.Call, bool) {
	for _, c := range calls.All() {
		if c.Status == "INPROGRESS" {
			return c, true
		}
	}
	return phoneapi.Call{}, false
}

// outgoingPending is our own call not yet answered by the far end.
func outgoingPending(calls phoneapi.Calls) (phoneapi.Call, bool) {
	for _, c := range calls.All() {
		if c.TypeKnown && !c.Incoming {
			switch c.Status {
			case "ROUTING", "RINGING", "EARLYMEDIA":
				return c, true
			}
		}
	}
	return phoneapi.Call{}, false
}
