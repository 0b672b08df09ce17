package phoneapi

import (
	"errors"
	"strings"
	"testing"
)

// parseCases is the parser's table; the fuzz targets are seeded from it.
var parseCases = []struct {
	line string
	want Message
	code int // seed error code of the ProtocolError, 0 when the line parses
}{
	{line: "NAME HandSet 1.0", want: Message{Kind: KindName, Value: "HandSet 1.0"}},
	{line: "PROTOCOL 5", want: Message{Kind: KindProtocol, Num: 5}},
	{line: "PROTOCOL 99999", want: Message{Kind: KindProtocol, Num: 99999}},
	{line: "PROTOCOL x", code: CodeInvalidVersion},
	{line: "PROTOCOL 0", code: CodeInvalidVersion},
	{line: "AUDIO_IN USB Audio [plughw:1,0]", want: Message{Kind: KindAudioIn, Value: "USB Audio [plughw:1,0]"}},
	{line: "AUDIO_OUT", want: Message{Kind: KindAudioOut}},
	{line: "HOOK OFF", want: Message{Kind: KindHook, On: false}},
	{line: "HOOK ON", want: Message{Kind: KindHook, On: true}},
	{line: "HOOK UP", code: CodeSyntax},
	{line: "MUTE ON", want: Message{Kind: KindMute, On: true}},
	{line: "MUTE X", code: CodeInvalidMute},
	{line: "BTN_PRESSED 7", want: Message{Kind: KindBtnPressed, Value: "7"}},
	{line: "BTN_PRESSED E", want: Message{Kind: KindBtnPressed, Value: "E"}},
	{line: "BTN_PRESSED PAGEDOWN", want: Message{Kind: KindBtnPressed, Value: "PAGEDOWN"}},
	{line: "BTN_RELEASED #", want: Message{Kind: KindBtnReleased, Value: "#"}},
	{line: "BTN_PRESSED e", code: CodeInvalidKey},
	{line: "BTN_PRESSED 12", code: CodeInvalidKey},
	{line: "BTN_PRESSED", code: CodeInvalidKey},
	{line: "PING", want: Message{Kind: KindPing}},
	{line: "PONG", want: Message{Kind: KindPong}},
	{line: "OK", want: Message{Kind: KindOK}},
	{line: "GET CALL 1594 TYPE", want: Message{Kind: KindGetCall, Call: 1594, Prop: "TYPE"}},
	{line: "GET CALL 15! TYPE", code: CodeInvalidCallID},
	{line: "GET CALL 15", code: CodeInvalidProp},
	{line: "GET MUTE", want: Message{Kind: KindGetMute}},
	{line: "GET USERSTATUS", want: Message{Kind: KindUnknown}},
	{line: "SET CALL 15 STATUS INPROGRESS", want: Message{Kind: KindSetCall, Call: 15, Prop: "STATUS", Value: "INPROGRESS"}},
	{line: "SET CALL A STATUS INPROGRESS", code: CodeSetInvalidCallID},
	{line: "SET MUTE ON", want: Message{Kind: KindSetMute, On: true}},
	{line: "SET MUTE O", code: CodeInvalidMute},
	{line: "ALTER CALL 5921 ANSWER", want: Message{Kind: KindAlterCall, Call: 5921, Prop: "ANSWER"}},
	{line: "ALTER CALL 5921 DTMF 5", want: Message{Kind: KindAlterCall, Call: 5921, Prop: "DTMF", Value: "5"}},
	{line: "ALTER CALL x ANSWER", code: CodeSetInvalidCallID},
	{line: "CALL echo123", want: Message{Kind: KindDial, Value: "echo123"}},
	{line: "CALL +3725555555", want: Message{Kind: KindDial, Value: "+3725555555"}},
	{line: "CALL 112", want: Message{Kind: KindDial, Value: "112"}},
	{line: "CALL a, b", want: Message{Kind: KindDial, Value: "a, b"}},
	{line: "CALL ", code: CodeInvalidCallTarget},
	{line: "CALL 1594 STATUS RINGING", want: Message{Kind: KindCallStatus, Call: 1594, Value: "RINGING"}},
	{line: "CALL 1594 TYPE INCOMING_P2P", want: Message{Kind: KindCallType, Call: 1594, Value: "INCOMING_P2P"}},
	{line: "CALL 1594 TYPE INCOMING P2P", want: Message{Kind: KindCallType, Call: 1594, Value: "INCOMING_P2P"}},
	{line: "CALL 1594 PARTNER_HANDLE caller", want: Message{Kind: KindCallPartnerHandle, Call: 1594, Value: "caller"}},
	{line: "CALL 1594 PARTNER HANDLE caller", want: Message{Kind: KindCallPartnerHandle, Call: 1594, Value: "caller"}},
	{line: "CALL 17 PARTNER_DISPNAME Mike Mann", want: Message{Kind: KindCallPartnerDispName, Call: 17, Value: "Mike Mann"}},
	{line: "CALL 1594 DURATION 5", want: Message{Kind: KindCallDuration, Call: 1594, Num: 5}},
	{line: "CALL 1594 DURATION x", code: CodeSyntax},
	{line: "CALL 181 FAILUREREASON 3", want: Message{Kind: KindCallProp, Call: 181, Prop: "FAILUREREASON", Value: "3"}},
	{line: "CALL 1402 SUBJECT", want: Message{Kind: KindCallProp, Call: 1402, Prop: "SUBJECT"}},
	{line: "ERROR 68", want: Message{Kind: KindError, Num: 68}},
	{line: "ERROR 7 GET: invalid WHAT", want: Message{Kind: KindError, Num: 7, Value: "GET: invalid WHAT"}},
	{line: "ERROR x", code: CodeSyntax},
	{line: "CONNSTATUS OFFLINE", want: Message{Kind: KindConnStatus, Value: "OFFLINE"}},
	{line: "USERSTATUS ONLINE", want: Message{Kind: KindUserStatus, Value: "ONLINE"}},
	{line: "USER taavet ONLINESTATUS OFFLINE", want: Message{Kind: KindUnknown}},
	{line: "#AB GET MUTE", want: Message{ID: "AB", Kind: KindGetMute}},
	{line: "#123 ERROR 7 GET: invalid WHAT", want: Message{ID: "123", Kind: KindError, Num: 7, Value: "GET: invalid WHAT"}},
	{line: "#cmd11 PONG", want: Message{ID: "cmd11", Kind: KindPong}},
	{line: "#a-b PING", code: CodeSyntax},
	{line: "#ab", code: CodeSyntax},
	{line: "#ab ", code: CodeSyntax},
	{line: "", code: CodeSyntax},
	{line: "   ", code: CodeSyntax},
	{line: "PING\r", code: CodeSyntax},
	{line: "NAME \xff", code: CodeSyntax},
}

// TestParseLine proves every row parses to the expected message, or fails
// with a *ProtocolError carrying the seed error code a host would answer.
func TestParseLine(t *testing.T) {
	for _, tc := range parseCases {
		got, err := ParseLine(tc.line)
		if tc.code != 0 {
			var pe *ProtocolError
			if !errors.As(err, &pe) {
				t.Errorf("ParseLine(%q) = %+v, %v; want a *ProtocolError", tc.line, got, err)
				continue
			}
			if pe.Code != tc.code {
				t.Errorf("ParseLine(%q) code %d, want %d", tc.line, pe.Code, tc.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseLine(%q): %v", tc.line, err)
			continue
		}
		got.Raw = ""
		if got != tc.want {
			t.Errorf("ParseLine(%q)\n got %#v\nwant %#v", tc.line, got, tc.want)
		}
	}
}

// TestEncodeRoundTrip proves that encoding a parsed message and parsing it
// again yields the same message, and that known kinds encode canonically.
func TestEncodeRoundTrip(t *testing.T) {
	canon := map[string]string{
		"CALL 1594 TYPE INCOMING P2P":      "CALL 1594 TYPE INCOMING_P2P",
		"CALL 1594 PARTNER HANDLE caller":  "CALL 1594 PARTNER_HANDLE caller",
		"hook off":                         "HOOK OFF",
		"#AB GET MUTE":                     "#AB GET MUTE",
		"USER taavet ONLINESTATUS OFFLINE": "USER taavet ONLINESTATUS OFFLINE",
	}
	for in, want := range canon {
		m, err := ParseLine(in)
		if err != nil {
			t.Fatalf("ParseLine(%q): %v", in, err)
		}
		if got := m.String(); got != want {
			t.Errorf("String of %q = %q, want %q", in, got, want)
		}
	}
	for _, tc := range parseCases {
		if tc.code == 0 {
			checkRoundTrip(t, tc.line)
		}
	}
}

func checkRoundTrip(t *testing.T, line string) {
	t.Helper()
	m, err := ParseLine(line)
	if err != nil {
		return
	}
	enc := m.String()
	m2, err := ParseLine(enc)
	if err != nil {
		t.Fatalf("ParseLine(%q) ok, but its encoding %q fails: %v", line, enc, err)
	}
	if enc2 := m2.String(); enc2 != enc {
		t.Fatalf("encoding not stable: %q then %q", enc, enc2)
	}
	m.Raw, m2.Raw = "", ""
	if m != m2 {
		t.Fatalf("round trip of %q via %q:\n got %#v\nwant %#v", line, enc, m2, m)
	}
}

// TestConstructors proves the driver's command constructors encode the lines
// the seeds spell, and that each parses back to its kind.
func TestConstructors(t *testing.T) {
	cases := []struct {
		cmd  Command
		want string
		kind Kind
	}{
		{Name("handsetd P1K"), "NAME handsetd P1K", KindName},
		{Protocol(MaxProtocol), "PROTOCOL 5", KindProtocol},
		{AudioIn("plughw:1"), "AUDIO_IN plughw:1", KindAudioIn},
		{AudioOut(""), "AUDIO_OUT", KindAudioOut},
		{Hook(true), "HOOK OFF", KindHook},
		{Hook(false), "HOOK ON", KindHook},
		{Mute(true), "MUTE ON", KindMute},
		{BtnPressed("YES"), "BTN_PRESSED YES", KindBtnPressed},
		{BtnReleased("1"), "BTN_RELEASED 1", KindBtnReleased},
		{Ping(), "PING", KindPing},
		{GetCall(7, "TYPE"), "GET CALL 7 TYPE", KindGetCall},
		{GetMute(), "GET MUTE", KindGetMute},
		{Dial("+3725555"), "CALL +3725555", KindDial},
		{AlterCall(7, "ANSWER"), "ALTER CALL 7 ANSWER", KindAlterCall},
		{AlterCallDTMF(7, "12#"), "ALTER CALL 7 DTMF 12#", KindAlterCall},
		{SetCallStatus(7, "FINISHED"), "SET CALL 7 STATUS FINISHED", KindSetCall},
		{SetMute(false), "SET MUTE OFF", KindSetMute},
	}
	for _, tc := range cases {
		if tc.cmd.String() != tc.want {
			t.Errorf("got %q, want %q", tc.cmd, tc.want)
		}
		m, err := ParseLine(string(tc.cmd))
		if err != nil || m.Kind != tc.kind {
			t.Errorf("ParseLine(%q) = %v, %v; want kind %v", tc.cmd, m.Kind, err, tc.kind)
		}
	}
	if m, _ := ParseLine(string(Hook(true))); !m.OffHook() {
		t.Error("Hook(true) should parse as off-hook")
	}
}

// TestValidKey proves the key set is exactly the Phone API keypad.
func TestValidKey(t *testing.T) {
	for _, k := range strings.Fields("0 9 A E Z # * + UP DOWN YES NO SKYPE PAGEUP PAGEDOWN") {
		if !ValidKey(k) {
			t.Errorf("ValidKey(%q) = false", k)
		}
	}
	for _, k := range []string{"", "a", "10", "LEFT", "!", " ", "yes"} {
		if ValidKey(k) {
			t.Errorf("ValidKey(%q) = true", k)
		}
	}
}

// TestErrorsAreDistinct proves a peer's ERROR and a malformed line are told
// apart, and that ERROR 68 matches ErrAccessDenied.
func TestErrorsAreDistinct(t *testing.T) {
	m, _ := ParseLine("ERROR 68 access denied")
	err := m.Err()
	var pe *ProtocolError
	var he *Error
	if !errors.As(err, &he) || errors.As(err, &pe) || !errors.Is(err, ErrAccessDenied) {
		t.Errorf("ERROR 68 gave %v", err)
	}
	_, err = ParseLine("ERROR x")
	if !errors.As(err, &pe) || errors.As(err, &he) {
		t.Errorf("malformed ERROR gave %v", err)
	}
	if (Message{Kind: KindOK}).Err() != nil {
		t.Error("OK has no error")
	}
}
