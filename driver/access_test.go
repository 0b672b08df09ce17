package driver

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

func call(id int, status, typ string) phoneapi.Call {
	return phoneapi.Call{ID: id, Status: status, Type: typ, TypeKnown: true, Incoming: typ[:2] == "IN"}
}

// TestAccessTranslate proves the access-mode translation follows the host
// semantics of DESIGN.md, one device command at a time, for every call
// situation that changes the meaning.
func TestAccessTranslate(t *testing.T) {
	ringing := phoneapi.NewCalls(call(5, "RINGING", "INCOMING_PSTN"))
	talking := phoneapi.NewCalls(call(6, "INPROGRESS", "OUTGOING_PSTN"))
	held := phoneapi.NewCalls(call(7, "LOCALHOLD", "INCOMING_P2P"))
	ringOut := phoneapi.NewCalls(call(8, "RINGING", "OUTGOING_P2P"))
	waiting := phoneapi.NewCalls(call(6, "INPROGRESS", "OUTGOING_PSTN"), call(9, "RINGING", "INCOMING_P2P"))
	idle := phoneapi.NewCalls()
	key := keyLine
	tests := []struct {
		name    string
		dialled string
		cmd     Command
		calls   phoneapi.Calls
		want    []string
		after   string // digits collected afterwards
	}{
		{"lift answers a ringing call", "", hookLine(true), ringing, []string{"ALTER CALL 5 ANSWER"}, ""},
		{"lift with nothing ringing says nothing", "12", hookLine(true), idle, nil, "12"},
		{"hang up ends the call in progress", "", hookLine(false), talking, []string{"ALTER CALL 6 HANGUP"}, ""},
		{"hang up ends a held call", "", hookLine(false), held, []string{"ALTER CALL 7 HANGUP"}, ""},
		{"hang up refuses a ringing call", "", hookLine(false), ringing, []string{"ALTER CALL 5 HANGUP"}, ""},
		{"hang up cancels our call ringing out", "", hookLine(false), ringOut, []string{"ALTER CALL 8 HANGUP"}, ""},
		{"hang up ends the call and refuses the waiting one", "", hookLine(false), waiting, []string{"ALTER CALL 6 HANGUP", "ALTER CALL 9 HANGUP"}, ""},
		{"hang up idle clears the number", "123", hookLine(false), idle, nil, ""},
		{"digit idle is collected", "12", key("3"), idle, nil, "123"},
		{"star and plus are collected", "", key("+"), idle, nil, "+"},
		{"digit in a call is DTMF", "", key("4"), talking, []string{"ALTER CALL 6 DTMF 4"}, ""},
		{"pound in a call is DTMF", "", key("#"), talking, []string{"ALTER CALL 6 DTMF #"}, ""},
		{"plus in a call is nothing", "", key("+"), talking, nil, ""},
		{"digit while ringing is ignored", "", key("1"), ringing, nil, ""},
		{"digit while held is ignored", "", key("1"), held, nil, ""},
		{"pound dials the number", "5551234", key("#"), idle, []string{"CALL 5551234"}, ""},
		{"pound with no number is collected", "", key("#"), idle, nil, "#"},
		{"YES dials the number", "+4930", key("YES"), idle, []string{"CALL +4930"}, ""},
		{"YES answers a ringing call", "", key("YES"), ringing, []string{"ALTER CALL 5 ANSWER"}, ""},
		{"YES holds the call and answers the waiting one", "", key("YES"), waiting, []string{"ALTER CALL 6 HOLD", "ALTER CALL 9 ANSWER"}, ""},
		{"lift with a call waiting behind another takes nothing", "", hookLine(true), waiting, nil, ""},
		{"YES with no number is nothing", "", key("YES"), idle, nil, ""},
		{"YES during a call does not dial", "12", key("YES"), talking, nil, "12"},
		{"NO ends the call", "", key("NO"), talking, []string{"ALTER CALL 6 HANGUP"}, ""},
		{"NO refuses a ringing call", "", key("NO"), ringing, []string{"ALTER CALL 5 HANGUP"}, ""},
		{"NO idle clears the number", "99", key("NO"), idle, nil, ""},
		{"mute on", "", muteLine(true), talking, []string{"SET MUTE ON"}, ""},
		{"mute off", "", muteLine(false), idle, []string{"SET MUTE OFF"}, ""},
		{"release says nothing", "1", Command{Line: phoneapi.BtnReleased("1")}, idle, nil, "1"},
		{"other keys say nothing", "1", key("UP"), idle, nil, "1"},
	}
	// Protocol 5 (and an unknown protocol, 0) use ALTER CALL.
	for _, proto := range []int{5, 0} {
		for _, tc := range tests {
			t.Run(fmt.Sprintf("protocol %d/%s", proto, tc.name), func(t *testing.T) {
				a := Access{Protocol: proto, dialled: tc.dialled}
				var got []string
				for _, c := range a.Translate(tc.cmd.Event, tc.calls) {
					got = append(got, string(c.Line))
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("Translate(%q) = %q, want %q", tc.cmd.Line, got, tc.want)
				}
				if a.Dialled() != tc.after {
					t.Errorf("dialled after = %q, want %q", a.Dialled(), tc.after)
				}
			})
		}
	}
}

// TestAccessDigitsWhileAnswering proves a user who lifts and at once keys
// a menu choice loses no digit: until the host reports the call in
// progress, the digits go to the call being answered as DTMF, since the
// host has the ANSWER first. Hanging up forgets that call.
func TestAccessDigitsWhileAnswering(t *testing.T) {
	ringing := phoneapi.NewCalls(call(1001, "RINGING", "INCOMING_PSTN"))
	var a Access
	steps := []struct {
		cmd  Command
		want []string
	}{
		{hookLine(true), []string{"ALTER CALL 1001 ANSWER"}},
		{keyLine("4"), []string{"ALTER CALL 1001 DTMF 4"}},
		{keyLine("#"), []string{"ALTER CALL 1001 DTMF #"}},
		{hookLine(false), []string{"ALTER CALL 1001 HANGUP"}},
		{keyLine("5"), nil},
	}
	for i, s := range steps {
		var got []string
		for _, c := range a.Translate(s.cmd.Event, ringing) {
			got = append(got, string(c.Line))
		}
		if !reflect.DeepEqual(got, s.want) {
			t.Errorf("step %d: Translate(%q) = %q, want %q", i, s.cmd.Line, got, s.want)
		}
	}
	if a.Dialled() != "" {
		t.Errorf("dialled %q: a digit on hook with a call ringing is no number", a.Dialled())
	}
}

// TestAccessTranslateBeforeProtocol5 proves that with a host older than
// ALTER CALL (protocol 4, as Skype for Linux 1.1.0.3 spoke, or earlier) the
// same device actions become SET CALL n STATUS INPROGRESS|FINISHED and SET
// CALL n DTMF d, while dialling and mute keep their commands.
func TestAccessTranslateBeforeProtocol5(t *testing.T) {
	ringing := phoneapi.NewCalls(call(5, "RINGING", "INCOMING_PSTN"))
	talking := phoneapi.NewCalls(call(6, "INPROGRESS", "OUTGOING_PSTN"))
	held := phoneapi.NewCalls(call(7, "LOCALHOLD", "INCOMING_P2P"))
	ringOut := phoneapi.NewCalls(call(8, "RINGING", "OUTGOING_P2P"))
	idle := phoneapi.NewCalls()
	key := keyLine
	tests := []struct {
		name    string
		dialled string
		cmd     Command
		calls   phoneapi.Calls
		want    []string
	}{
		{"lift answers a ringing call", "", hookLine(true), ringing, []string{"SET CALL 5 STATUS INPROGRESS"}},
		{"YES answers a ringing call", "", key("YES"), ringing, []string{"SET CALL 5 STATUS INPROGRESS"}},
		{"hang up ends the call in progress", "", hookLine(false), talking, []string{"SET CALL 6 STATUS FINISHED"}},
		{"hang up ends a held call", "", hookLine(false), held, []string{"SET CALL 7 STATUS FINISHED"}},
		{"hang up refuses a ringing call", "", hookLine(false), ringing, []string{"SET CALL 5 STATUS FINISHED"}},
		{"hang up cancels our call ringing out", "", hookLine(false), ringOut, []string{"SET CALL 8 STATUS FINISHED"}},
		{"NO ends the call", "", key("NO"), talking, []string{"SET CALL 6 STATUS FINISHED"}},
		{"digit in a call is DTMF", "", key("4"), talking, []string{"SET CALL 6 DTMF 4"}},
		{"star in a call is DTMF", "", key("*"), talking, []string{"SET CALL 6 DTMF *"}},
		{"pound dials the number", "5551234", key("#"), idle, []string{"CALL 5551234"}},
		{"YES dials the number", "+4930", key("YES"), idle, []string{"CALL +4930"}},
		{"mute on", "", muteLine(true), talking, []string{"SET MUTE ON"}},
		{"YES holds the call and answers the waiting one", "", key("YES"),
			phoneapi.NewCalls(call(6, "INPROGRESS", "OUTGOING_PSTN"), call(9, "RINGING", "INCOMING_P2P")),
			[]string{"SET CALL 6 STATUS ONHOLD", "SET CALL 9 STATUS INPROGRESS"}},
	}
	for _, proto := range []int{4, 3, 1} {
		for _, tc := range tests {
			t.Run(fmt.Sprintf("protocol %d/%s", proto, tc.name), func(t *testing.T) {
				a := Access{Protocol: proto, dialled: tc.dialled}
				var got []string
				for _, c := range a.Translate(tc.cmd.Event, tc.calls) {
					got = append(got, string(c.Line))
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("Translate(%q) = %q, want %q", tc.cmd.Line, got, tc.want)
				}
			})
		}
	}
}

// TestAccessMuteCoalesces proves SET MUTE is a state command, so a slow
// host's outbox keeps only the newest.
func TestAccessMuteCoalesces(t *testing.T) {
	var a Access
	on := a.Translate(muteLine(true).Event, phoneapi.NewCalls())
	if len(on) != 1 || on[0].State != "MUTE" {
		t.Fatalf("SET MUTE = %+v, want a MUTE state command", on)
	}
}

// TestParseMode proves the --mode values.
func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"phone": ModePhone, "access": ModeAccess, "": ModePhone} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseMode("skype"); err == nil {
		t.Error("ParseMode(skype) succeeded")
	}
}

// protocolCap makes the client offer protocol n instead of its newest, as
// if it met a host that agrees to no more, and records the lines sent.
type protocolCap struct {
	phoneapi.Transport
	n    int
	sent chan<- string
}

func (p *protocolCap) WriteLine(ctx context.Context, line string) error {
	if strings.HasPrefix(line, "PROTOCOL ") {
		line = string(phoneapi.Protocol(p.n))
	}
	if err := p.Transport.WriteLine(ctx, line); err != nil {
		return err
	}
	select {
	case p.sent <- line:
	default:
	}
	return nil
}

// TestAccessModeProtocol4 proves access mode end to end against the
// reference host when the handshake agrees on protocol 4: lifting answers
// with SET CALL n STATUS INPROGRESS, digits go out as SET CALL n DTMF d, and
// hanging up sends SET CALL n STATUS FINISHED; the host acts on each.
func TestAccessModeProtocol4(t *testing.T) {
	answers := make(chan string, 256) // what the host sent, once it acted
	host := refhost.New(refhost.Options{OnLine: func(_ string, dir phoneapi.Direction, line string) {
		if dir == phoneapi.Sent {
			select {
			case answers <- line:
			default:
			}
		}
	}})
	sent := make(chan string, 256)
	dial := pipeDial(t, host, func(dev phoneapi.Transport) phoneapi.Transport {
		return &protocolCap{Transport: dev, n: 4, sent: sent}
	})
	hs, obs := startDriver(t, Config{Dial: dial, Mode: ModeAccess})
	obs.wait(t, "host up at protocol 4", func(o Observation, _ int) bool { return o.HostUp && o.Protocol == 4 })
	got := host.Exec("call in alice Alice")
	id := strings.TrimPrefix(got, "ok ")
	if !strings.HasPrefix(got, "ok ") {
		t.Fatal(got)
	}
	obs.wait(t, "ringing", func(o Observation, _ int) bool { return o.Output.Ringer })
	if err := hs.HookOff(); err != nil {
		t.Fatal(err)
	}
	waitSent(t, sent, "SET CALL "+id+" STATUS INPROGRESS")
	// The ringer stops at the lift; the Ring LED stays lit until the host
	// has connected the call.
	obs.wait(t, "in call", func(o Observation, _ int) bool {
		return !o.Output.Ringer && !o.Output.LEDs.Ring && o.Output.LEDs.OffHook
	})
	if err := hs.Tap("7"); err != nil {
		t.Fatal(err)
	}
	waitSent(t, sent, "SET CALL "+id+" DTMF 7")
	if err := hs.HookOn(); err != nil {
		t.Fatal(err)
	}
	waitSent(t, sent, "SET CALL "+id+" STATUS FINISHED")
	waitSent(t, answers, "CALL "+id+" STATUS FINISHED")
	st := host.State()
	if st.DTMF != "7" {
		t.Errorf("host DTMF = %q, want 7", st.DTMF)
	}
	for _, c := range st.Calls {
		if c.Status != "FINISHED" {
			t.Errorf("call still %s after hanging up: %+v", c.Status, c)
		}
	}
}
