package driver

import (
	"reflect"
	"testing"

	"github.com/handsetd/handsetd/phoneapi"
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
	key := func(k string) Command { return Command{Line: phoneapi.BtnPressed(k)} }
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
		{"hang up prefers the connected call to a waiting one", "", hookLine(false), waiting, []string{"ALTER CALL 6 HANGUP"}, ""},
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
		{"YES answers a waiting call", "", key("YES"), waiting, []string{"ALTER CALL 9 ANSWER"}, ""},
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
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := Access{dialled: tc.dialled}
			var got []string
			for _, c := range a.Translate(tc.cmd, tc.calls) {
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

// TestAccessMuteCoalesces proves SET MUTE is a state command, so a slow
// host's outbox keeps only the newest.
func TestAccessMuteCoalesces(t *testing.T) {
	var a Access
	on := a.Translate(muteLine(true), phoneapi.NewCalls())
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
