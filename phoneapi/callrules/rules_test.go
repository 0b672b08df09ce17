package callrules

import (
	"reflect"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/phoneapi"
)

func call(id int, status, typ string) phoneapi.Call {
	return phoneapi.Call{ID: id, Status: status, Type: typ, TypeKnown: true, Incoming: strings.HasPrefix(typ, "INCOMING")}
}

var (
	idle    = phoneapi.NewCalls()
	ringing = phoneapi.NewCalls(call(1594, "RINGING", "INCOMING_P2P"))
	talking = phoneapi.NewCalls(call(122211, "INPROGRESS", "OUTGOING_P2P"))
	held    = phoneapi.NewCalls(call(1540, "ONHOLD", "OUTGOING_P2P"))
	routing = phoneapi.NewCalls(call(122211, "ROUTING", "OUTGOING_P2P"))
	ringOut = phoneapi.NewCalls(call(122211, "RINGING", "OUTGOING_P2P"))
	// untyped is a ringing call whose TYPE the device has not learnt yet
	// (§7.12: the device asks GET CALL n TYPE first).
	untyped = phoneapi.NewCalls(phoneapi.Call{ID: 1594, Status: "RINGING"})
	// A second call rings during a call (call waiting), during our own call
	// ringing out, and with a held call and one in progress.
	waitTalk = phoneapi.NewCalls(call(6, "INPROGRESS", "OUTGOING_PSTN"), call(9, "RINGING", "INCOMING_P2P"))
	waitOut  = phoneapi.NewCalls(call(1001, "RINGING", "OUTGOING_PSTN"), call(1002, "RINGING", "INCOMING_P2P"))
	waitHeld = phoneapi.NewCalls(call(1540, "LOCALHOLD", "OUTGOING_P2P"), call(1545, "INPROGRESS", "OUTGOING_P2P"),
		call(1546, "RINGING", "INCOMING_PSTN"))
)

type row struct {
	name   string
	source string // where the reference says so
	calls  phoneapi.Calls
	st     State
	ev     Event
	want   []string // the actions, as Action.String
	after  State
}

// rules is the table of the call rules, one row per rule, each with its
// source: skype-api-1.2.txt §6 (Phone API) and the sample sessions §7.11
// (outgoing call) and §7.12 (incoming call); the ALTER CALL syntax of
// skype-api-2.0-reference.txt.
var rules = []row{
	// §7.12: "Device accepts (answers the call) -> SET CALL 1594 STATUS INPROGRESS".
	{"lifting answers the ringing call", "1.2 §7.12", ringing, State{Hook: HookOn}, HookEvent(true),
		[]string{"answer 1594"}, State{Hook: HookOff, Answering: 1594}},
	{"lifting as the first report answers too", "1.2 §7.12", ringing, State{}, HookEvent(true),
		[]string{"answer 1594"}, State{Hook: HookOff, Answering: 1594}},
	{"lifting with nothing ringing does nothing", "1.2 §6.1 HOOK", idle, State{Hook: HookOn, Dialled: "12"}, HookEvent(true),
		nil, State{Hook: HookOff, Dialled: "12"}},
	{"a call not known to be incoming is not answered", "1.2 §7.12 GET CALL TYPE", untyped, State{Hook: HookOn}, HookEvent(true),
		nil, State{Hook: HookOff}},
	// §7.11: "Now device decides to hang up the call -> SET CALL 122211 STATUS FINISHED".
	{"hanging up finishes the call in progress", "1.2 §7.11", talking, State{Hook: HookOff}, HookEvent(false),
		[]string{"hangup 122211 FINISHED"}, State{Hook: HookOn}},
	{"hanging up finishes a held call", "2.0 SET CALL ONHOLD", held, State{Hook: HookOff}, HookEvent(false),
		[]string{"hangup 1540 FINISHED"}, State{Hook: HookOn}},
	{"hanging up refuses a ringing call", "1.2 §7.8.3 REFUSED", ringing, State{Hook: HookOff}, HookEvent(false),
		[]string{"hangup 1594 REFUSED"}, State{Hook: HookOn}},
	{"hanging up cancels our call still routing", "1.2 §7.11 ROUTING, §7.8.3 CANCELLED", routing, State{Hook: HookOff}, HookEvent(false),
		[]string{"hangup 122211 CANCELLED"}, State{Hook: HookOn}},
	{"hanging up cancels our call ringing out", "1.2 §7.11 RINGING, §7.8.3 CANCELLED", ringOut, State{Hook: HookOff}, HookEvent(false),
		[]string{"hangup 122211 CANCELLED"}, State{Hook: HookOn}},
	{"hanging up clears the number", "1.2 §6.1 HOOK", idle, State{Hook: HookOff, Dialled: "123"}, HookEvent(false),
		nil, State{Hook: HookOn}},
	{"the first report on hook only sets the state", "1.2 §6.1 HOOK", talking, State{Dialled: "1"}, HookEvent(false),
		nil, State{Hook: HookOn, Dialled: "1"}},
	{"a repeated hook report does nothing", "1.2 §6.1 HOOK", talking, State{Hook: HookOff}, HookEvent(true),
		nil, State{Hook: HookOff}},
	// §7.11: "Device initiates a call to kaido -> CALL kaido".
	{"a digit with no call is collected", "1.2 §7.11 CALL", idle, State{Hook: HookOff, Dialled: "12"}, KeyEvent("3"),
		nil, State{Hook: HookOff, Dialled: "123"}},
	{"plus is collected", "1.2 §6.1 BTN_PRESSED", idle, State{Hook: HookOff}, KeyEvent("+"),
		nil, State{Hook: HookOff, Dialled: "+"}},
	{"pound dials the number", "1.2 §7.11 CALL", idle, State{Hook: HookOff, Dialled: "5551234"}, KeyEvent("#"),
		[]string{"dial 5551234"}, State{Hook: HookOff}},
	{"pound with no number is collected", "1.2 §6.1 BTN_PRESSED", idle, State{Hook: HookOff}, KeyEvent("#"),
		nil, State{Hook: HookOff, Dialled: "#"}},
	{"YES dials the number", "1.2 §7.11 CALL", idle, State{Hook: HookOff, Dialled: "+4930"}, KeyEvent("YES"),
		[]string{"dial +4930"}, State{Hook: HookOff}},
	{"YES with no number does nothing", "1.2 §6.1 BTN_PRESSED", idle, State{Hook: HookOff}, KeyEvent("YES"),
		nil, State{Hook: HookOff}},
	{"YES during a call does not dial", "1.2 §7.11", talking, State{Hook: HookOff, Dialled: "12"}, KeyEvent("YES"),
		nil, State{Hook: HookOff, Dialled: "12"}},
	{"YES answers a ringing call", "1.2 §7.12", ringing, State{Hook: HookOn}, KeyEvent("YES"),
		[]string{"answer 1594"}, State{Hook: HookOn, Answering: 1594}},
	// 2.0 reference, ALTER CALL: "DTMF <0|1|..|9|*|#>".
	{"a digit in a call is DTMF", "2.0 ALTER CALL DTMF", talking, State{Hook: HookOff}, KeyEvent("4"),
		[]string{"dtmf 122211 4"}, State{Hook: HookOff}},
	{"pound in a call is DTMF", "2.0 ALTER CALL DTMF", talking, State{Hook: HookOff}, KeyEvent("#"),
		[]string{"dtmf 122211 #"}, State{Hook: HookOff}},
	{"plus in a call is nothing: it has no DTMF", "2.0 ALTER CALL DTMF", talking, State{Hook: HookOff}, KeyEvent("+"),
		nil, State{Hook: HookOff}},
	{"a digit while ringing is ignored", "1.2 §7.12", ringing, State{Hook: HookOn}, KeyEvent("1"),
		nil, State{Hook: HookOn}},
	{"a digit while held is ignored", "2.0 SET CALL ONHOLD", held, State{Hook: HookOff}, KeyEvent("1"),
		nil, State{Hook: HookOff}},
	{"a digit while our call rings out is ignored", "1.2 §7.11 RINGING", ringOut, State{Hook: HookOff}, KeyEvent("1"),
		nil, State{Hook: HookOff}},
	{"NO ends the call", "1.2 §7.11", talking, State{Hook: HookOff}, KeyEvent("NO"),
		[]string{"hangup 122211 FINISHED"}, State{Hook: HookOff}},
	{"NO refuses a ringing call", "1.2 §7.8.3 REFUSED", ringing, State{Hook: HookOn}, KeyEvent("NO"),
		[]string{"hangup 1594 REFUSED"}, State{Hook: HookOn}},
	{"NO with no call clears the number", "1.2 §6.1 BTN_PRESSED", idle, State{Hook: HookOff, Dialled: "99"}, KeyEvent("NO"),
		nil, State{Hook: HookOff}},
	{"other keys do nothing", "1.2 §6.1 BTN_PRESSED", idle, State{Hook: HookOff, Dialled: "1"}, KeyEvent("UP"),
		nil, State{Hook: HookOff, Dialled: "1"}},
	// Issue 14, the Skype client's rules: hanging up (or NO) ends every
	// call of the handset; a call ringing during another is call waiting.
	// Each End status is a §7.8.3 status value; holding follows the 2.0
	// reference's SET CALL ONHOLD example (hold the first call, take another).
	{"hanging up cancels our call and refuses the incoming one", "1.2 §7.8.3 CANCELLED, REFUSED", waitOut, State{Hook: HookOff}, HookEvent(false),
		[]string{"hangup 1001 CANCELLED", "hangup 1002 REFUSED"}, State{Hook: HookOn}},
	{"hanging up finishes the call and refuses the waiting one", "1.2 §7.11, §7.8.3 REFUSED", waitTalk, State{Hook: HookOff}, HookEvent(false),
		[]string{"hangup 6 FINISHED", "hangup 9 REFUSED"}, State{Hook: HookOn}},
	{"hanging up finishes held calls too", "2.0 SET CALL ONHOLD", waitHeld, State{Hook: HookOff}, HookEvent(false),
		[]string{"hangup 1540 FINISHED", "hangup 1545 FINISHED", "hangup 1546 REFUSED"}, State{Hook: HookOn}},
	{"NO ends every call", "1.2 §7.8.3", waitOut, State{Hook: HookOff, Dialled: "3"}, KeyEvent("NO"),
		[]string{"hangup 1001 CANCELLED", "hangup 1002 REFUSED"}, State{Hook: HookOff, Dialled: "3"}},
	{"lifting does not take a call waiting behind another", "2.0 SET CALL ONHOLD", waitTalk, State{Hook: HookOn}, HookEvent(true),
		nil, State{Hook: HookOff}},
	{"YES holds the call in progress and answers the waiting one", "2.0 SET CALL ONHOLD example", waitTalk, State{Hook: HookOff}, KeyEvent("YES"),
		[]string{"hold 6", "answer 9"}, State{Hook: HookOff, Answering: 9}},
	{"YES cancels our call ringing out and answers the waiting one", "2.0 ERROR 22 cannot hold", waitOut, State{Hook: HookOff}, KeyEvent("YES"),
		[]string{"hangup 1001 CANCELLED", "answer 1002"}, State{Hook: HookOff, Answering: 1002}},
	{"YES with a held call holds only the one in progress", "2.0 SET CALL ONHOLD", waitHeld, State{Hook: HookOff}, KeyEvent("YES"),
		[]string{"hold 1545", "answer 1546"}, State{Hook: HookOff, Answering: 1546}},
	{"YES off hook with no other call just answers", "1.2 §7.12", ringing, State{Hook: HookOff, Dialled: "12"}, KeyEvent("YES"),
		[]string{"answer 1594"}, State{Hook: HookOff, Dialled: "12", Answering: 1594}},
	// A user lifts and at once keys a menu choice: the host has the ANSWER
	// before the digit (the handset's commands reach it in order), so the
	// digit is DTMF to the call being answered, not lost.
	{"a digit while the host answers is DTMF to that call", "2.0 ALTER CALL DTMF", ringing, State{Hook: HookOff, Answering: 1594}, KeyEvent("4"),
		[]string{"dtmf 1594 4"}, State{Hook: HookOff, Answering: 1594}},
	{"plus while the host answers is not DTMF", "2.0 ALTER CALL DTMF", ringing, State{Hook: HookOff, Answering: 1594}, KeyEvent("+"),
		nil, State{Hook: HookOff, Answering: 1594}},
	{"a digit while another call is being answered is not sent", "1.2 §7.12", ringing, State{Hook: HookOff, Answering: 77}, KeyEvent("4"),
		nil, State{Hook: HookOff}},
	{"the answered call is forgotten once it no longer rings", "1.2 §7.12", talking, State{Hook: HookOff, Answering: 122211}, KeyEvent("4"),
		[]string{"dtmf 122211 4"}, State{Hook: HookOff}},
	{"hanging up forgets the call being answered", "1.2 §7.8.3 REFUSED", ringing, State{Hook: HookOff, Answering: 1594}, HookEvent(false),
		[]string{"hangup 1594 REFUSED"}, State{Hook: HookOn}},
	{"a digit during call waiting is DTMF on the call in progress", "2.0 ALTER CALL DTMF", waitTalk, State{Hook: HookOff}, KeyEvent("5"),
		[]string{"dtmf 6 5"}, State{Hook: HookOff}},
	{"a digit while a call waits during dialling is not dialled", "1.2 §7.12", ringing, State{Hook: HookOff, Dialled: "12"}, KeyEvent("3"),
		nil, State{Hook: HookOff, Dialled: "12"}},
	// §6.1 and §6.2: MUTE ON|OFF goes both ways.
	{"mute is passed on", "1.2 §6.1 MUTE", talking, State{Hook: HookOff}, MuteEvent(true),
		[]string{"mute on"}, State{Hook: HookOff}},
	{"an event without meaning does nothing", "1.2 §6.1 BTN_RELEASED", talking, State{Hook: HookOff}, Event{},
		nil, State{Hook: HookOff}},
}

// TestStep proves each call rule of the table: the actions for one event in
// one situation, and the handset's state afterwards.
func TestStep(t *testing.T) {
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			st, acts := Step(r.calls, r.st, r.ev)
			var got []string
			for _, a := range acts {
				got = append(got, a.String())
			}
			if !reflect.DeepEqual(got, r.want) {
				t.Errorf("actions = %q, want %q (source: %s)", got, r.want, r.source)
			}
			if st != r.after {
				t.Errorf("state after = %+v, want %+v (source: %s)", st, r.after, r.source)
			}
		})
	}
}

// TestSampleSessions proves the two sample sessions of the reference, played
// as events against the calls the host notifies: §7.11, the device dials
// and hangs up; §7.12, an incoming call answered by lifting.
func TestSampleSessions(t *testing.T) {
	// §7.11: dial, the call rings out, is answered, the device hangs up.
	st := State{}
	steps := []struct {
		calls phoneapi.Calls
		ev    Event
		want  string
	}{
		{idle, HookEvent(true), ""},
		{idle, KeyEvent("1"), ""},
		{idle, KeyEvent("2"), ""},
		{idle, KeyEvent("YES"), "dial 12"},
		{routing, KeyEvent("5"), ""},
		{talking, KeyEvent("5"), "dtmf 122211 5"},
		{talking, HookEvent(false), "hangup 122211 FINISHED"},
	}
	for i, s := range steps {
		var acts []Action
		st, acts = Step(s.calls, st, s.ev)
		var got []string
		for _, a := range acts {
			got = append(got, a.String())
		}
		if strings.Join(got, "; ") != s.want {
			t.Errorf("§7.11 step %d: actions %q, want %q", i, got, s.want)
		}
	}
	// §7.12: the call rings, the device lifts, the other party hangs up.
	st = State{Hook: HookOn}
	st, acts := Step(ringing, st, HookEvent(true))
	if len(acts) != 1 || acts[0] != (Action{Kind: Answer, Call: 1594}) {
		t.Errorf("§7.12 lift: %v, want answer 1594", acts)
	}
	if _, acts = Step(idle, st, HookEvent(false)); acts != nil {
		t.Errorf("§7.12 hang up after the far end finished: %v, want nothing", acts)
	}
}

// TestWaiting proves which ringing call is call waiting: one that rings
// while the handset is off hook or while another call goes on (in progress,
// held, or our own ringing out); alone and on hook it simply rings.
func TestWaiting(t *testing.T) {
	for _, tc := range []struct {
		name    string
		calls   phoneapi.Calls
		offHook bool
		want    int // the waiting call's id, 0 for none
	}{
		{"rings alone, on hook", ringing, false, 0},
		{"rings alone, off hook (dialling)", ringing, true, 1594},
		{"rings during a call", waitTalk, false, 9},
		{"rings while our call rings out", waitOut, true, 1002},
		{"rings with a held call", waitHeld, false, 1546},
		{"nothing rings", talking, true, 0},
		{"our own call ringing out is no waiting call", ringOut, true, 0},
	} {
		c, ok := Waiting(tc.calls, tc.offHook)
		if got := map[bool]int{true: c.ID}[ok]; got != tc.want {
			t.Errorf("%s: waiting call %d (%v), want %d", tc.name, c.ID, ok, tc.want)
		}
	}
}

// TestAlerting proves how a ringing call is signalled: the ringer on hook;
// off hook no ringer but the call-waiting tone; nothing while the handset,
// lifted to answer, waits for the host to connect the call.
func TestAlerting(t *testing.T) {
	for _, tc := range []struct {
		ringing, offHook, answering bool
		want                        Alert
	}{
		{false, false, false, AlertNone},
		{false, true, false, AlertNone},
		{true, false, false, AlertRinger},
		{true, true, false, AlertWaitingTone},
		{true, true, true, AlertNone},
	} {
		if got := Alerting(tc.ringing, tc.offHook, tc.answering); got != tc.want {
			t.Errorf("Alerting(ringing %v, off hook %v, answering %v) = %v, want %v",
				tc.ringing, tc.offHook, tc.answering, got, tc.want)
		}
	}
}
