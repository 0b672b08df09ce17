package refhost

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/internal/clock"
	"github.com/handsetd/handsetd/internal/linequeue"
)

// runSession plays a script against a Host, with no sockets:
//
//	a> LINE      client a sends LINE (clients appear on first use)
//	! CONTROL    the control language; the next "= REPLY" is its answer
//	~ 5s         the clock moves on
//	a< LINE      what client a receives, in order, after the step above
//
// After each step every client's received lines must match exactly.
func runSession(t *testing.T, script string) {
	t.Helper()
	clk := clock.NewFake(time.Unix(1_000_000, 0))
	h := New(Options{Clock: clk})
	clients := map[string]*hostClient{}
	var order []string
	client := func(name string) *hostClient {
		if c := clients[name]; c != nil {
			return c
		}
		c := &hostClient{label: name, protocol: 1, queue: linequeue.New()}
		h.mu.Lock()
		h.clients = append(h.clients, c)
		h.mu.Unlock()
		clients[name] = c
		order = append(order, name)
		return c
	}
	lines := strings.Split(strings.TrimSpace(script), "\n")
	for _, l := range lines { // clients exist from the start, in order of mention
		if l = strings.TrimSpace(l); len(l) >= 2 && (l[1] == '<' || l[1] == '>') {
			client(l[:1])
		}
	}
	var want []string
	step := "(start)"
	check := func() {
		t.Helper()
		var got []string
		for _, name := range order {
			for {
				l, ok := clients[name].queue.Pop()
				if !ok {
					break
				}
				got = append(got, name+"< "+l)
			}
		}
		// Compare per client: the order between clients is not defined.
		for _, name := range order {
			g, w := only(got, name), only(want, name)
			if strings.Join(g, "\n") != strings.Join(w, "\n") {
				t.Errorf("after %s, client %s got:\n\t%s\nwant:\n\t%s", step, name,
					strings.Join(g, "\n\t"), strings.Join(w, "\n\t"))
			}
		}
		want = want[:0]
	}
	var pendingReply string
	for _, raw := range lines {
		l := strings.TrimSpace(raw)
		switch {
		case l == "" || strings.HasPrefix(l, "//"):
		case strings.HasPrefix(l, "= "):
			if pendingReply != strings.TrimPrefix(l, "= ") {
				t.Errorf("after %s: reply %q, want %q", step, pendingReply, strings.TrimPrefix(l, "= "))
			}
			pendingReply = ""
		case len(l) > 2 && l[1] == '<':
			client(l[:1])
			want = append(want, l)
		default:
			check()
			step = l
			switch {
			case strings.HasPrefix(l, "! "):
				pendingReply = h.Exec(strings.TrimPrefix(l, "! "))
			case strings.HasPrefix(l, "~ "):
				d, err := time.ParseDuration(strings.TrimPrefix(l, "~ "))
				if err != nil {
					t.Fatal(err)
				}
				clk.Advance(d)
			case len(l) >= 2 && l[1] == '>':
				c := client(l[:1])
				h.mu.Lock()
				h.handleLine(c, strings.TrimPrefix(l[2:], " "))
				h.mu.Unlock()
			default:
				t.Fatalf("bad script line %q", l)
			}
		}
	}
	check()
}

func only(lines []string, name string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, name+"<") {
			out = append(out, l)
		}
	}
	return out
}

// TestSessions proves the reference host's semantics as scripted
// sessions: handshake and errors, answering and ending with the hook, keypad
// dialling and DTMF, mute only during a call, the seed sample sessions 7.11
// and 7.12, #id echo, broadcast to every client, and the Skype client's
// rules of issue 14: hanging up ends every call, and call waiting.
func TestSessions(t *testing.T) {
	sessions := map[string]string{
		"handshake and errors": `
a> NAME HandSet 1.0
a< OK
a> PROTOCOL 99999
a< PROTOCOL 5
a> PROTOCOL 3
a< PROTOCOL 3
a> PROTOCOL x
a< ERROR 27 invalid version number (PROTOCOL takes a positive number)
a> AUDIO_IN USB Audio
a< AUDIO_IN USB Audio
a> PING
a< PONG
a>
a< ERROR 1 empty command
a> GRT USERSTATUS
a< ERROR 2 Unknown command
a> GET FOO
a< ERROR 7 GET: invalid WHAT
a> SET FOO 1
a< ERROR 18 SET: invalid WHAT
a> BTN_PRESSED E
a> BTN_RELEASED E
a> BTN_PRESSED e
a< ERROR 71 invalid key
a> GET CALL 5 TYPE
a< ERROR 12 Unknown call
a> GET CALL 5x TYPE
a< ERROR 11 invalid call id (digits only)
a> SET CALL 5 STATUS INPROGRESS
a< ERROR 20 Unknown call
a> CALL
a< ERROR 34 invalid user handle to CALL (CALL <name or number>)
a> CALL a, b
a< ERROR 72 Cannot create conference (this host has no conferences)
a> GET MUTE
a< MUTE OFF
a> MUTE ON
a< MUTE OFF
a> SET MUTE ON
a< MUTE OFF
a> SET MUTE O
a< ERROR 33 invalid parameter to SET MUTE (ON or OFF)
! mute on
= error: mute needs a call in progress
! answer
= error: no such call right now
! bogus
= error: unknown command "bogus" (try: call, answer, hangup, mute, send, state, quit)
`,
		// A handset announces its hook state after every handshake: a second
		// handset connecting on hook must not end the first one's call, and
		// hanging up the one in the call still does.
		"a new handset's first HOOK ON establishes state only": `
a> HOOK ON
! call in alice
= ok 1001
a< CALL 1001 STATUS RINGING
a< CALL 1001 TYPE INCOMING_P2P
a< CALL 1001 PARTNER_HANDLE alice
a< CALL 1001 PARTNER_DISPNAME alice
b< CALL 1001 STATUS RINGING
b< CALL 1001 TYPE INCOMING_P2P
b< CALL 1001 PARTNER_HANDLE alice
b< CALL 1001 PARTNER_DISPNAME alice
a> HOOK OFF
a< CALL 1001 STATUS INPROGRESS
b< CALL 1001 STATUS INPROGRESS
b> HOOK ON
a> HOOK OFF
a> HOOK ON
a< CALL 1001 DURATION 0
a< CALL 1001 STATUS FINISHED
b< CALL 1001 DURATION 0
b< CALL 1001 STATUS FINISHED
`,
		// Issue 14: lift, dial 12#, a call comes in, hang up: both calls end
		// (the outgoing CANCELLED, the incoming REFUSED) and none is left
		// for the far end to answer.
		"hanging up ends every call: ringing out and ringing in": `
a> HOOK ON
a> HOOK OFF
a> BTN_PRESSED 1
a> BTN_PRESSED 2
a> BTN_PRESSED #
a< CALL 1001 STATUS ROUTING
a< CALL 1001 TYPE OUTGOING_PSTN
a< CALL 1001 PARTNER_HANDLE 12
a< CALL 1001 STATUS RINGING
! call in bob Bob
= ok 1002
a< CALL 1002 STATUS RINGING
a< CALL 1002 TYPE INCOMING_P2P
a< CALL 1002 PARTNER_HANDLE bob
a< CALL 1002 PARTNER_DISPNAME Bob
! state
= {"clients":[{"name":"","protocol":1,"audio_in":"","audio_out":"","hook":"off","mute":false}],"calls":[{"id":1001,"status":"RINGING","type":"OUTGOING_PSTN","partner":"12"},{"id":1002,"status":"RINGING","type":"INCOMING_P2P","partner":"bob","waiting":true}],"dialled":"","dtmf":"","mute":false}
a> HOOK ON
a< CALL 1001 STATUS CANCELLED
a< CALL 1002 STATUS REFUSED
! answer 1001
= error: no live call 1001 (see state)
! state
= {"clients":[{"name":"","protocol":1,"audio_in":"","audio_out":"","hook":"on","mute":false}],"calls":[],"dialled":"","dtmf":"","mute":false}
`,
		// Call waiting: a call rings during a call. Lifting cannot take it
		// (the handset is already lifted), digits stay DTMF of the call in
		// progress; YES holds that call and answers the waiting one; hanging
		// up then finishes both.
		"call waiting: YES holds the call and answers; hanging up ends both": `
a> HOOK ON
! call in alice
= ok 1001
a< CALL 1001 STATUS RINGING
a< CALL 1001 TYPE INCOMING_P2P
a< CALL 1001 PARTNER_HANDLE alice
a< CALL 1001 PARTNER_DISPNAME alice
a> HOOK OFF
a< CALL 1001 STATUS INPROGRESS
! call in bob
= ok 1002
a< CALL 1002 STATUS RINGING
a< CALL 1002 TYPE INCOMING_P2P
a< CALL 1002 PARTNER_HANDLE bob
a< CALL 1002 PARTNER_DISPNAME bob
a> BTN_PRESSED 3
! state
= {"clients":[{"name":"","protocol":1,"audio_in":"","audio_out":"","hook":"off","mute":false}],"calls":[{"id":1001,"status":"INPROGRESS","type":"INCOMING_P2P","partner":"alice"},{"id":1002,"status":"RINGING","type":"INCOMING_P2P","partner":"bob","waiting":true}],"dialled":"","dtmf":"3","mute":false}
a> BTN_PRESSED YES
a< CALL 1001 STATUS LOCALHOLD
a< CALL 1002 STATUS INPROGRESS
~ 2s
a> HOOK ON
a< CALL 1001 DURATION 2
a< CALL 1001 STATUS FINISHED
a< CALL 1002 DURATION 2
a< CALL 1002 STATUS FINISHED
`,
		// A handset that is lifted and dialling when a call comes in: the
		// call waits; lifting again is no event, # with digits is not dialled
		// while it rings, and only YES answers it.
		"a call arriving while dialling waits for YES": `
a> HOOK ON
a> HOOK OFF
a> BTN_PRESSED 4
! call in carol
= ok 1001
a< CALL 1001 STATUS RINGING
a< CALL 1001 TYPE INCOMING_P2P
a< CALL 1001 PARTNER_HANDLE carol
a< CALL 1001 PARTNER_DISPNAME carol
a> HOOK OFF
a> BTN_PRESSED #
! state
= {"clients":[{"name":"","protocol":1,"audio_in":"","audio_out":"","hook":"off","mute":false}],"calls":[{"id":1001,"status":"RINGING","type":"INCOMING_P2P","partner":"carol","waiting":true}],"dialled":"4","dtmf":"","mute":false}
a> BTN_PRESSED YES
a< CALL 1001 STATUS INPROGRESS
`,
		"call out places a call from the desktop, which rings back": `
a> HOOK ON
! call out 5551234
= ok 1001
a< CALL 1001 STATUS ROUTING
a< CALL 1001 TYPE OUTGOING_PSTN
a< CALL 1001 PARTNER_HANDLE 5551234
a< CALL 1001 STATUS RINGING
! call out bob
= error: a call is already going on (hang it up first)
! answer
= ok
a< CALL 1001 STATUS INPROGRESS
! call
= error: usage: call in HANDLE [DISPLAY NAME] | call out TARGET
! call alice
= error: usage: call in HANDLE [DISPLAY NAME] | call out TARGET
! call in
= error: usage: call in HANDLE [DISPLAY NAME]
`,
		"ids are echoed from protocol 4": `
a> #1 PING
a< PONG
a> PROTOCOL 4
a< PROTOCOL 4
a> #AB PING
a< #AB PONG
a> #x1 HOOK OFF
a< #x1 OK
a> #x2 GET CALL 9 TYPE
a< #x2 ERROR 12 Unknown call
a> #x3 BTN_PRESSED e
a< #x3 ERROR 71 invalid key
`,
		"incoming call: hook answers, mute, hook ends; all clients told": `
a> PROTOCOL 5
a< PROTOCOL 5
b> NAME other
b< OK
! call in alice Alice Liddell
= ok 1001
a< CALL 1001 STATUS RINGING
a< CALL 1001 TYPE INCOMING_P2P
a< CALL 1001 PARTNER_HANDLE alice
a< CALL 1001 PARTNER_DISPNAME Alice Liddell
b< CALL 1001 STATUS RINGING
b< CALL 1001 TYPE INCOMING_P2P
b< CALL 1001 PARTNER_HANDLE alice
b< CALL 1001 PARTNER_DISPNAME Alice Liddell
a> HOOK OFF
a< CALL 1001 STATUS INPROGRESS
b< CALL 1001 STATUS INPROGRESS
a> MUTE ON
a< MUTE ON
b< MUTE ON
a> BTN_PRESSED 4
a> BTN_PRESSED 2
! state
= {"clients":[{"name":"","protocol":5,"audio_in":"","audio_out":"","hook":"off","mute":true},{"name":"other","protocol":1,"audio_in":"","audio_out":"","hook":"on","mute":true}],"calls":[{"id":1001,"status":"INPROGRESS","type":"INCOMING_P2P","partner":"alice"}],"dialled":"","dtmf":"42","mute":true}
~ 7s
a> HOOK ON
a< CALL 1001 DURATION 7
a< CALL 1001 STATUS FINISHED
a< MUTE OFF
b< CALL 1001 DURATION 7
b< CALL 1001 STATUS FINISHED
b< MUTE OFF
`,
		"sample 7.12: device asks type, answers, remote hangs up": `
! call in +3725555555
= ok 1001
a< CALL 1001 STATUS RINGING
a< CALL 1001 TYPE INCOMING_PSTN
a< CALL 1001 PARTNER_HANDLE +3725555555
a< CALL 1001 PARTNER_DISPNAME +3725555555
a> GET CALL 1001 TYPE
a< CALL 1001 TYPE INCOMING_PSTN
a> GET CALL 1001 PARTNER_HANDLE
a< CALL 1001 PARTNER_HANDLE +3725555555
a> GET CALL 1001 SUBJECT
a< ERROR 13 Invalid PROP
a> SET CALL 1001 STATUS INPROGRESS
a< CALL 1001 STATUS INPROGRESS
~ 5s
a> GET CALL 1001 DURATION
a< CALL 1001 DURATION 5
! hangup
= ok
a< CALL 1001 DURATION 5
a< CALL 1001 STATUS FINISHED
a> GET CALL 1001 STATUS
a< CALL 1001 STATUS FINISHED
a> SET CALL 1001 STATUS FINISHED
a< ERROR 24 Cannot hangup inactive call
`,
		"sample 7.11: device calls, remote answers, device hangs up": `
a> NAME HandSet 1.0
a< OK
a> PROTOCOL 1
a< PROTOCOL 1
a> CALL kaido
a< CALL 1001 STATUS ROUTING
a< CALL 1001 TYPE OUTGOING_P2P
a< CALL 1001 PARTNER_HANDLE kaido
a< CALL 1001 STATUS RINGING
a> SET CALL 1001 STATUS INPROGRESS
a< ERROR 23 Cannot resume this call at the moment
! answer
= ok
a< CALL 1001 STATUS INPROGRESS
a> SET CALL 1001 STATUS FINISHED
a< CALL 1001 DURATION 0
a< CALL 1001 STATUS FINISHED
`,
		"keypad dialling, DTMF, NO ends": `
a> HOOK OFF
a> BTN_PRESSED 1
a> BTN_RELEASED 1
a> BTN_PRESSED 2
a> NO
a< ERROR 2 Unknown command
a> BTN_PRESSED NO
! state
= {"clients":[{"name":"","protocol":1,"audio_in":"","audio_out":"","hook":"off","mute":false}],"calls":[],"dialled":"","dtmf":"","mute":false}
a> BTN_PRESSED 5
a> BTN_PRESSED 5
a> BTN_PRESSED #
a< CALL 1001 STATUS ROUTING
a< CALL 1001 TYPE OUTGOING_PSTN
a< CALL 1001 PARTNER_HANDLE 55
a< CALL 1001 STATUS RINGING
! answer 1001
= ok
a< CALL 1001 STATUS INPROGRESS
a> BTN_PRESSED 9
a> BTN_PRESSED *
a> ALTER CALL 1001 DTMF 0#
a< ALTER CALL 1001 DTMF 0#
a> ALTER CALL 1001 DTMF x
a< ERROR 42 Invalid DTMF code
! state
= {"clients":[{"name":"","protocol":1,"audio_in":"","audio_out":"","hook":"off","mute":false}],"calls":[{"id":1001,"status":"INPROGRESS","type":"OUTGOING_PSTN","partner":"55"}],"dialled":"","dtmf":"9*0#","mute":false}
a> BTN_PRESSED NO
a< CALL 1001 DURATION 0
a< CALL 1001 STATUS FINISHED
a> BTN_PRESSED 7
a> BTN_PRESSED YES
a< CALL 1002 STATUS ROUTING
a< CALL 1002 TYPE OUTGOING_PSTN
a< CALL 1002 PARTNER_HANDLE 7
a< CALL 1002 STATUS RINGING
a> HOOK ON
a< CALL 1002 STATUS CANCELLED
a> ALTER CALL 1002 DTMF 1
a< ERROR 41 Call not active
`,
		"ringing call: NO refuses, remote hangup is MISSED, YES answers": `
! call in bob
= ok 1001
a< CALL 1001 STATUS RINGING
a< CALL 1001 TYPE INCOMING_P2P
a< CALL 1001 PARTNER_HANDLE bob
a< CALL 1001 PARTNER_DISPNAME bob
a> BTN_PRESSED NO
a< CALL 1001 STATUS REFUSED
! call in carol
= ok 1002
a< CALL 1002 STATUS RINGING
a< CALL 1002 TYPE INCOMING_P2P
a< CALL 1002 PARTNER_HANDLE carol
a< CALL 1002 PARTNER_DISPNAME carol
! hangup
= ok
a< CALL 1002 STATUS MISSED
! call in dave
= ok 1003
a< CALL 1003 STATUS RINGING
a< CALL 1003 TYPE INCOMING_P2P
a< CALL 1003 PARTNER_HANDLE dave
a< CALL 1003 PARTNER_DISPNAME dave
a> BTN_PRESSED YES
a< CALL 1003 STATUS INPROGRESS
! mute on
= ok
a< MUTE ON
a> #9 ALTER CALL 1003 HANGUP
a< ALTER CALL 1003 HANGUP
a< CALL 1003 DURATION 0
a< CALL 1003 STATUS FINISHED
a< MUTE OFF
! send USERSTATUS ONLINE
= ok
a< USERSTATUS ONLINE
! hangup 1003
= error: no live call 1003 (see state)
`,
		"access API: ALTER CALL answer and hold": `
a> PROTOCOL 5
a< PROTOCOL 5
! call in eve
= ok 1001
a< CALL 1001 STATUS RINGING
a< CALL 1001 TYPE INCOMING_P2P
a< CALL 1001 PARTNER_HANDLE eve
a< CALL 1001 PARTNER_DISPNAME eve
a> #a1 ALTER CALL 1001 ANSWER
a< #a1 ALTER CALL 1001 ANSWER
a< CALL 1001 STATUS INPROGRESS
a> #a2 ALTER CALL 1001 HOLD
a< #a2 ALTER CALL 1001 HOLD
a< CALL 1001 STATUS LOCALHOLD
a> ALTER CALL 1001 RESUME
a< ALTER CALL 1001 RESUME
a< CALL 1001 STATUS INPROGRESS
a> ALTER CALL 1001 FLY
a< ERROR 21 Unknown/disallowed call prop
a> SET CALL 1001 SEEN
a< ERROR 25 Unknown WHAT
`,
	}
	for name, script := range sessions {
		t.Run(name, func(t *testing.T) { runSession(t, script) })
	}
}

// TestHostExecQuitAndState proves quit answers ok and State is empty but
// non-nil for a fresh host (JSON [] rather than null).
func TestHostExecQuitAndState(t *testing.T) {
	h := New(Options{})
	if got := h.Exec("quit"); got != "ok" {
		t.Errorf("quit = %q", got)
	}
	if got, want := h.Exec("state"), `{"clients":[],"calls":[],"dialled":"","dtmf":"","mute":false}`; got != want {
		t.Errorf("state = %s, want %s", got, want)
	}
	if s := h.State(); s.Clients == nil || s.Calls == nil {
		t.Error(fmt.Sprintf("State has nil slices: %+v", s))
	}
}
