package callrules

import (
	"strconv"

	"github.com/handsetd/handsetd/phoneapi"
)

// Hook is the hook position as the rules know it.
type Hook int

const (
	// HookUnknown: the handset has not reported its hook yet (a host's new
	// client before its first HOOK line).
	HookUnknown Hook = iota
	// HookOn: on hook (hung up).
	HookOn
	// HookOff: lifted.
	HookOff
)

// State is the handset's local state that the host's calls do not carry.
type State struct {
	// Dialled is the number collected so far.
	Dialled string
	// Hook is the last hook position reported.
	Hook Hook
	// Answering is the ringing call the handset asked the host to answer
	// (0 for none). Until the host reports it in progress, digits are DTMF
	// to it: a user who lifts and at once keys a menu choice means that
	// call, and the host reads the answer before the digits, since the
	// handset's commands reach it in order. Step forgets it once that call
	// no longer rings.
	Answering int
}

// EventKind says what the user did.
type EventKind int

const (
	// EventNone has no meaning for the calls (a key release, AUDIO_*).
	EventNone EventKind = iota
	// EventHook: the hook switch moved (OffHook).
	EventHook
	// EventKey: a key was pressed (Key, a Phone API key name).
	EventKey
	// EventMute: the handset's mute changed (On).
	EventMute
)

// Event is one thing the user did on the handset.
type Event struct {
	Kind    EventKind
	OffHook bool   // EventHook: lifted
	Key     string // EventKey: "0"…"9", "*", "#", "+", "YES", "NO"…
	On      bool   // EventMute: muted
}

// HookEvent is the handset lifted (offHook) or hung up.
func HookEvent(offHook bool) Event { return Event{Kind: EventHook, OffHook: offHook} }

// KeyEvent is key pressed.
func KeyEvent(key string) Event { return Event{Kind: EventKey, Key: key} }

// MuteEvent is the handset muted (on) or unmuted.
func MuteEvent(on bool) Event { return Event{Kind: EventMute, On: on} }

// ActionKind is what to do.
type ActionKind int

const (
	// Answer call Call.
	Answer ActionKind = iota + 1
	// Hangup call Call, which then ends in status End.
	Hangup
	// Dial Number.
	Dial
	// DTMF sends Digit on call Call.
	DTMF
	// Mute sets the host's mute to On.
	Mute
	// Hold puts call Call on hold (to take a waiting call).
	Hold
)

func (k ActionKind) String() string {
	switch k {
	case Answer:
		return "answer"
	case Hangup:
		return "hangup"
	case Dial:
		return "dial"
	case DTMF:
		return "dtmf"
	case Mute:
		return "mute"
	case Hold:
		return "hold"
	}
	return "action?"
}

// End statuses of a call the handset hangs up (skype-api-1.2 §7.8.3 call
// status values).
const (
	Refused   = "REFUSED"   // an incoming call that still rang
	Cancelled = "CANCELLED" // our own call not yet answered (protocol 2)
	Finished  = "FINISHED"  // a call in progress or held
)

// Action is one thing to do to the host's calls.
type Action struct {
	Kind   ActionKind
	Call   int    // Answer, Hangup, DTMF
	End    string // Hangup: Refused, Cancelled or Finished
	Number string // Dial
	Digit  string // DTMF
	On     bool   // Mute
}

func (a Action) String() string {
	switch a.Kind {
	case Answer:
		return "answer " + strconv.Itoa(a.Call)
	case Hangup:
		return "hangup " + strconv.Itoa(a.Call) + " " + a.End
	case Dial:
		return "dial " + a.Number
	case DTMF:
		return "dtmf " + strconv.Itoa(a.Call) + " " + a.Digit
	case Mute:
		if a.On {
			return "mute on"
		}
		return "mute off"
	case Hold:
		return "hold " + strconv.Itoa(a.Call)
	}
	return a.Kind.String()
}

// Step applies one event to the handset's state, given the host's calls,
// and returns the new state and the actions, in order.
//
// A hook report that repeats the known position does nothing. The first
// report of a handset (Hook unknown) only establishes the state when it says
// on hook: a handset that reconnects on hook must not end a call another
// handset, or the desktop, is carrying. Lifting answers a ringing call even
// as the first report.
func Step(calls phoneapi.Calls, st State, ev Event) (State, []Action) {
	if r, ok := calls.RingingCall(); st.Answering != 0 && (!ok || r.ID != st.Answering) {
		st.Answering = 0 // answered, ended or gone: a later call may reuse its id
	}
	switch ev.Kind {
	case EventHook:
		prev := st.Hook
		st.Hook = HookOn
		if ev.OffHook {
			st.Hook = HookOff
		}
		if prev == st.Hook {
			return st, nil
		}
		if ev.OffHook {
			if r, ok := calls.RingingCall(); ok && !goingOn(calls) {
				st.Answering = r.ID
				return st, []Action{{Kind: Answer, Call: r.ID}}
			}
			return st, nil
		}
		st.Answering = 0
		if prev == HookUnknown {
			return st, nil
		}
		st.Dialled = ""
		return st, hangUp(calls)
	case EventMute:
		return st, []Action{{Kind: Mute, On: ev.On}}
	case EventKey:
		return key(calls, st, ev.Key)
	}
	return st, nil
}

func key(calls phoneapi.Calls, st State, k string) (State, []Action) {
	_, ringing := calls.RingingCall()
	_, active := calls.Active()
	_, outgoing := OutgoingPending(calls)
	switch {
	case IsDialKey(k):
		if c, ok := InProgress(calls); ok {
			if !IsDTMF(k) {
				return st, nil
			}
			return st, []Action{{Kind: DTMF, Call: c.ID, Digit: k}}
		}
		if r, ok := calls.RingingCall(); ok && st.Answering != 0 && r.ID == st.Answering {
			if !IsDTMF(k) {
				return st, nil
			}
			return st, []Action{{Kind: DTMF, Call: r.ID, Digit: k}}
		}
		if ringing || active || outgoing {
			return st, nil
		}
		if k == "#" && st.Dialled != "" {
			return dial(st)
		}
		st.Dialled += k
	case k == "YES":
		if r, ok := calls.RingingCall(); ok {
			st.Answering = r.ID
			return st, take(calls, r)
		}
		if st.Dialled != "" && !active && !outgoing {
			return dial(st)
		}
	case k == "NO":
		if acts := hangUp(calls); acts != nil {
			return st, acts
		}
		st.Dialled = ""
	}
	return st, nil
}

func dial(st State) (State, []Action) {
	n := st.Dialled
	st.Dialled = ""
	return st, []Action{{Kind: Dial, Number: n}}
}

// hangUp ends every call of the handset, in id order: a ringing incoming
// call is refused, our own call not yet answered is cancelled, a call in
// progress or held is finished. The Skype client did so: putting the
// handset down leaves no call behind, not even one ringing.
func hangUp(calls phoneapi.Calls) []Action {
	var acts []Action
	for _, c := range calls.All() {
		switch {
		case c.Ringing():
			acts = append(acts, Action{Kind: Hangup, Call: c.ID, End: Refused})
		case outgoingPending(c):
			acts = append(acts, Action{Kind: Hangup, Call: c.ID, End: Cancelled})
		case connected(c):
			acts = append(acts, Action{Kind: Hangup, Call: c.ID, End: Finished})
		}
	}
	return acts
}

// take answers the ringing call r. When r is a waiting call, the call in
// progress is put on hold first (it stays held until resumed), and our own
// call still ringing out is cancelled, since it cannot be held (ALTER CALL
// HOLD needs a call in progress: skype-api-2.0, ERROR 22).
func take(calls phoneapi.Calls, r phoneapi.Call) []Action {
	var acts []Action
	if c, ok := InProgress(calls); ok {
		acts = append(acts, Action{Kind: Hold, Call: c.ID})
	}
	if c, ok := OutgoingPending(calls); ok {
		acts = append(acts, Action{Kind: Hangup, Call: c.ID, End: Cancelled})
	}
	return append(acts, Action{Kind: Answer, Call: r.ID})
}

// goingOn reports whether a call other than a ringing incoming one goes
// on: one in progress or held, or our own not yet answered.
func goingOn(calls phoneapi.Calls) bool {
	_, active := calls.Active()
	_, outgoing := OutgoingPending(calls)
	return active || outgoing
}

// Waiting returns the ringing incoming call when it is offered as call
// waiting: it arrived while the handset is off hook (dialling, or in a
// call) or while another call goes on. Lifting does not answer a waiting
// call, digits do not reach it, and the handset signals it with the
// call-waiting tone, not the ringer (Alerting). Only YES takes it; hanging
// up or NO refuses it with the rest.
func Waiting(calls phoneapi.Calls, offHook bool) (phoneapi.Call, bool) {
	r, ok := calls.RingingCall()
	if !ok || !offHook && !goingOn(calls) {
		return phoneapi.Call{}, false
	}
	return r, true
}

// Alert is how a handset signals a ringing incoming call.
type Alert int

const (
	// AlertNone: no signal (nothing rings, or the handset is answering).
	AlertNone Alert = iota
	// AlertRinger: the ringer rings (or the ring plays on the speaker).
	AlertRinger
	// AlertWaitingTone: the call-waiting tone plays in the earpiece.
	AlertWaitingTone
)

// Alerting says how a handset signals a ringing incoming call. On hook it
// rings. Off hook the ringer stays silent, since the user holds the handset
// at the ear, and a call-waiting tone plays in the earpiece instead, unless
// the handset was lifted to answer this very call (answering): the host is
// then answering it, and the handset stays quiet until it has.
func Alerting(ringing, offHook, answering bool) Alert {
	switch {
	case !ringing:
		return AlertNone
	case !offHook:
		return AlertRinger
	case answering:
		return AlertNone
	}
	return AlertWaitingTone
}

// IsDialKey reports whether k can be part of a number: 0-9, *, # and +.
func IsDialKey(k string) bool {
	return IsDTMF(k) || k == "+"
}

// IsDTMF reports whether k is a digit a call can send as DTMF (ALTER CALL
// n DTMF <0|1|..|9|*|#>, skype-api-2.0 reference): '+' is not one.
func IsDTMF(k string) bool {
	return len(k) == 1 && (k[0] >= '0' && k[0] <= '9' || k[0] == '*' || k[0] == '#')
}

// InProgress returns the lowest-id call in status INPROGRESS.
func InProgress(calls phoneapi.Calls) (phoneapi.Call, bool) {
	for _, c := range calls.All() {
		if c.Status == "INPROGRESS" {
			return c, true
		}
	}
	return phoneapi.Call{}, false
}

// OutgoingPending returns our own call not yet answered by the far end
// (ROUTING, RINGING or EARLYMEDIA), lowest id first.
func OutgoingPending(calls phoneapi.Calls) (phoneapi.Call, bool) {
	for _, c := range calls.All() {
		if outgoingPending(c) {
			return c, true
		}
	}
	return phoneapi.Call{}, false
}

// connected reports whether c is in progress or held.
func connected(c phoneapi.Call) bool {
	switch c.Status {
	case "INPROGRESS", "ONHOLD", "LOCALHOLD", "REMOTEHOLD":
		return true
	}
	return false
}

func outgoingPending(c phoneapi.Call) bool {
	if !c.TypeKnown || c.Incoming {
		return false
	}
	switch c.Status {
	case "ROUTING", "RINGING", "EARLYMEDIA":
		return true
	}
	return false
}
