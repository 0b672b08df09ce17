package phoneapi

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxProtocol is the highest Phone API protocol version this package speaks.
// Version 4 added "#id" tags; version 5 added ALTER CALL.
const MaxProtocol = 5

// MaxLineLen bounds a line in bytes; transports reject longer ones.
const MaxLineLen = 64 << 10

// Kind says which message a line carries. Both directions share one set: a
// line like "MUTE ON" or "PROTOCOL 5" is sent by either side.
type Kind int

// Kinds of lines. KindUnknown is every line this package does not model; the
// protocol says to ignore those, so it is not an error.
const (
	KindUnknown Kind = iota
	// device → host, Phone API
	KindName        // NAME Value
	KindProtocol    // PROTOCOL Num (both directions)
	KindAudioIn     // AUDIO_IN Value (both directions: the host confirms)
	KindAudioOut    // AUDIO_OUT Value
	KindHook        // HOOK ON|OFF (On)
	KindMute        // MUTE ON|OFF (On; both directions)
	KindBtnPressed  // BTN_PRESSED Value (a key name)
	KindBtnReleased // BTN_RELEASED Value
	KindPing        // PING
	// device → host, access API
	KindGetCall   // GET CALL Call Prop
	KindGetMute   // GET MUTE
	KindDial      // CALL Value (the target)
	KindAlterCall // ALTER CALL Call Prop [Value] (Prop is ANSWER, HANGUP, DTMF…)
	KindSetCall   // SET CALL Call Prop Value (e.g. STATUS INPROGRESS)
	KindSetMute   // SET MUTE ON|OFF (On)
	// host → device
	KindOK                  // OK
	KindPong                // PONG
	KindCallStatus          // CALL Call STATUS Value
	KindCallType            // CALL Call TYPE Value (normalised: INCOMING_P2P)
	KindCallPartnerHandle   // CALL Call PARTNER_HANDLE Value
	KindCallPartnerDispName // CALL Call PARTNER_DISPNAME Value
	KindCallDuration        // CALL Call DURATION Num
	KindCallProp            // CALL Call Prop Value, any other property
	KindError               // ERROR Num Value
	KindConnStatus          // CONNSTATUS Value
	KindUserStatus          // USERSTATUS Value
)

var kindNames = [...]string{"Unknown", "Name", "Protocol", "AudioIn", "AudioOut", "Hook", "Mute",
	"BtnPressed", "BtnReleased", "Ping", "GetCall", "GetMute", "Dial", "AlterCall", "SetCall", "SetMute",
	"OK", "Pong", "CallStatus", "CallType", "CallPartnerHandle", "CallPartnerDispName", "CallDuration",
	"CallProp", "Error", "ConnStatus", "UserStatus"}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Message is one parsed line. Which fields matter depends on Kind (see the
// Kind constants); the others are zero.
type Message struct {
	ID    string // the "#id" tag without '#', "" when untagged
	Kind  Kind
	Call  int    // call id of CALL/GET CALL/SET CALL/ALTER CALL lines
	Prop  string // property or action word, upper case
	Value string // device name, key, status, type, target, text…
	Num   int    // protocol version, duration, error code
	On    bool   // the ON of ON|OFF
	Raw   string // the line as received, without the "#id " tag
}

// OffHook reports whether a KindHook message says the handset is lifted
// ("HOOK OFF").
func (m Message) OffHook() bool { return m.Kind == KindHook && !m.On }

// Err returns the peer's error for a KindError message, else nil.
func (m Message) Err() error {
	if m.Kind != KindError {
		return nil
	}
	return &Error{Code: m.Num, Msg: m.Value}
}

// String encodes the message as one line (without terminator), with its
// "#id " tag when ID is set. Known kinds are written in canonical form;
// KindUnknown is written as received.
func (m Message) String() string {
	body := m.Body()
	if m.ID != "" {
		return "#" + m.ID + " " + body
	}
	return body
}

// OnOff is the protocol's word for a switch: "ON" or "OFF".
func OnOff(on bool) string {
	if on {
		return "ON"
	}
	return "OFF"
}

func join(words ...string) string {
	return strings.Join(words, " ")
}

// joinOpt joins head and an optional value, leaving no trailing space.
func joinOpt(head, v string) string {
	if v == "" {
		return head
	}
	return head + " " + v
}

// Body is m in canonical form without its "#id" tag: what a host compares
// and answers.
func (m Message) Body() string {
	id := strconv.Itoa(m.Call)
	switch m.Kind {
	case KindName:
		return joinOpt("NAME", m.Value)
	case KindProtocol:
		return "PROTOCOL " + strconv.Itoa(m.Num)
	case KindAudioIn:
		return joinOpt("AUDIO_IN", m.Value)
	case KindAudioOut:
		return joinOpt("AUDIO_OUT", m.Value)
	case KindHook:
		return "HOOK " + OnOff(m.On)
	case KindMute:
		return "MUTE " + OnOff(m.On)
	case KindBtnPressed:
		return "BTN_PRESSED " + m.Value
	case KindBtnReleased:
		return "BTN_RELEASED " + m.Value
	case KindPing:
		return "PING"
	case KindGetCall:
		return join("GET CALL", id, m.Prop)
	case KindGetMute:
		return "GET MUTE"
	case KindDial:
		return "CALL " + m.Value
	case KindAlterCall:
		return joinOpt(join("ALTER CALL", id, m.Prop), m.Value)
	case KindSetCall:
		return joinOpt(join("SET CALL", id, m.Prop), m.Value)
	case KindSetMute:
		return "SET MUTE " + OnOff(m.On)
	case KindOK:
		return "OK"
	case KindPong:
		return "PONG"
	case KindCallStatus:
		return joinOpt(join("CALL", id, "STATUS"), m.Value)
	case KindCallType:
		return joinOpt(join("CALL", id, "TYPE"), m.Value)
	case KindCallPartnerHandle:
		return joinOpt(join("CALL", id, "PARTNER_HANDLE"), m.Value)
	case KindCallPartnerDispName:
		return joinOpt(join("CALL", id, "PARTNER_DISPNAME"), m.Value)
	case KindCallDuration:
		return join("CALL", id, "DURATION", strconv.Itoa(m.Num))
	case KindCallProp:
		return joinOpt(join("CALL", id, m.Prop), m.Value)
	case KindError:
		return joinOpt("ERROR "+strconv.Itoa(m.Num), m.Value)
	case KindConnStatus:
		return joinOpt("CONNSTATUS", m.Value)
	case KindUserStatus:
		return joinOpt("USERSTATUS", m.Value)
	}
	return m.Raw
}

// ValidKey reports whether k names a key of the Phone API keypad: 0-9, A-Z,
// #, *, +, UP, DOWN, YES, NO, SKYPE, PAGEUP, PAGEDOWN. Names are upper case.
func ValidKey(k string) bool {
	if len(k) == 1 {
		c := k[0]
		return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == '#' || c == '*' || c == '+'
	}
	switch k {
	case "UP", "DOWN", "YES", "NO", "SKYPE", "PAGEUP", "PAGEDOWN":
		return true
	}
	return false
}

// CheckLine reports whether s can travel as one line: valid UTF-8, no line
// breaks or NULs, at most MaxLineLen bytes.
func CheckLine(s string) error {
	switch {
	case len(s) > MaxLineLen:
		return &ProtocolError{Line: s, Reason: "line longer than " + strconv.Itoa(MaxLineLen) + " bytes", Code: CodeSyntax}
	case !utf8.ValidString(s):
		return &ProtocolError{Line: s, Reason: "line is not valid UTF-8", Code: CodeSyntax}
	case strings.ContainsAny(s, "\r\n\x00"):
		return &ProtocolError{Line: s, Reason: "line contains a line break or NUL", Code: CodeSyntax}
	}
	return nil
}

func perr(line, reason string, code int) error {
	return &ProtocolError{Line: line, Reason: reason, Code: code}
}

// ValidTag reports whether s can be a command's "#id" tag (without its
// "#"): one or more ASCII letters and digits.
func ValidTag(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// ParseCallID parses a call id: decimal digits only, at least one, fitting
// an int32.
func ParseCallID(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// cut splits off the first space-separated word.
func cut(s string) (word, rest string) {
	w, r, _ := strings.Cut(s, " ")
	return w, r
}

// ParseLine parses one line (without its terminator). Unknown commands and
// properties parse to KindUnknown / KindCallProp without error, as the
// protocol asks; a line that breaks the grammar of a known command is a
// *ProtocolError whose Code is the seed error code a host answers with.
func ParseLine(line string) (Message, error) {
	if err := CheckLine(line); err != nil {
		return Message{}, err
	}
	var m Message
	body := line
	if strings.HasPrefix(line, "#") {
		tag, rest, ok := strings.Cut(line[1:], " ")
		if !ValidTag(tag) {
			return Message{}, perr(line, "a command id is '#' and letters or digits, then a space", CodeSyntax)
		}
		if !ok || strings.TrimSpace(rest) == "" {
			return Message{}, perr(line, "command id without a command", CodeSyntax)
		}
		m.ID, body = tag, rest
	}
	m.Raw = body
	if strings.TrimSpace(body) == "" {
		return Message{}, perr(line, "empty command", CodeSyntax)
	}
	word, rest := cut(body)
	switch strings.ToUpper(word) {
	case "NAME":
		if strings.TrimSpace(rest) == "" {
			return Message{}, perr(line, "NAME needs a device name", CodeSyntax)
		}
		m.Kind, m.Value = KindName, rest
	case "PROTOCOL":
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 {
			return Message{}, perr(line, "invalid version number (PROTOCOL takes a positive number)", CodeInvalidVersion)
		}
		m.Kind, m.Num = KindProtocol, n
	case "AUDIO_IN":
		m.Kind, m.Value = KindAudioIn, rest
	case "AUDIO_OUT":
		m.Kind, m.Value = KindAudioOut, rest
	case "HOOK", "MUTE":
		on, ok := ParseOnOff(rest)
		if !ok {
			code := CodeSyntax
			if strings.EqualFold(word, "MUTE") {
				code = CodeInvalidMute
			}
			return Message{}, perr(line, strings.ToUpper(word)+" takes ON or OFF", code)
		}
		m.Kind, m.On = KindHook, on
		if strings.EqualFold(word, "MUTE") {
			m.Kind = KindMute
		}
	case "BTN_PRESSED", "BTN_RELEASED":
		if !ValidKey(rest) {
			return Message{}, perr(line, "invalid key", CodeInvalidKey)
		}
		m.Kind, m.Value = KindBtnPressed, rest
		if strings.EqualFold(word, "BTN_RELEASED") {
			m.Kind = KindBtnReleased
		}
	case "PING":
		m.Kind = KindPing
	case "PONG":
		m.Kind = KindPong
	case "OK":
		m.Kind = KindOK
	case "GET":
		return parseGet(line, rest, m)
	case "SET":
		return parseSet(line, rest, m)
	case "ALTER":
		return parseAlter(line, rest, m)
	case "CALL":
		return parseCall(line, rest, m)
	case "ERROR":
		code, text := cut(rest)
		n, err := strconv.Atoi(code)
		if err != nil || n < 0 {
			return Message{}, perr(line, "ERROR needs a numeric code", CodeSyntax)
		}
		m.Kind, m.Num, m.Value = KindError, n, text
	case "CONNSTATUS":
		m.Kind, m.Value = KindConnStatus, rest
	case "USERSTATUS":
		m.Kind, m.Value = KindUserStatus, rest
	}
	return m, nil
}

// ParseOnOff reads a switch word, ON or OFF in any case.
func ParseOnOff(s string) (on, ok bool) {
	switch strings.ToUpper(s) {
	case "ON":
		return true, true
	case "OFF":
		return false, true
	}
	return false, false
}

func parseGet(line, rest string, m Message) (Message, error) {
	what, rest := cut(rest)
	switch strings.ToUpper(what) {
	case "CALL":
		id, prop := cut(rest)
		n, ok := ParseCallID(id)
		if !ok {
			return Message{}, perr(line, "invalid call id (digits only)", CodeInvalidCallID)
		}
		if prop == "" {
			return Message{}, perr(line, "invalid PROP (GET CALL <id> <property>)", CodeInvalidProp)
		}
		m.Kind, m.Call, m.Prop = KindGetCall, n, strings.ToUpper(prop)
	case "MUTE":
		if rest != "" {
			return m, nil // GET MUTE something: unknown, ignored
		}
		m.Kind = KindGetMute
	}
	return m, nil
}

func parseSet(line, rest string, m Message) (Message, error) {
	what, rest := cut(rest)
	switch strings.ToUpper(what) {
	case "CALL":
		id, rest := cut(rest)
		n, ok := ParseCallID(id)
		if !ok {
			return Message{}, perr(line, "invalid call id (digits only)", CodeSetInvalidCallID)
		}
		prop, val := cut(rest)
		if prop == "" {
			return Message{}, perr(line, "unknown WHAT (SET CALL <id> <property> <value>)", CodeSetUnknownProp)
		}
		m.Kind, m.Call, m.Prop, m.Value = KindSetCall, n, strings.ToUpper(prop), val
	case "MUTE":
		on, ok := ParseOnOff(rest)
		if !ok {
			return Message{}, perr(line, "invalid parameter to SET MUTE (ON or OFF)", CodeInvalidMute)
		}
		m.Kind, m.On = KindSetMute, on
	}
	return m, nil
}

func parseAlter(line, rest string, m Message) (Message, error) {
	what, rest := cut(rest)
	if !strings.EqualFold(what, "CALL") {
		return m, nil
	}
	id, rest := cut(rest)
	n, ok := ParseCallID(id)
	if !ok {
		return Message{}, perr(line, "invalid call id (digits only)", CodeSetInvalidCallID)
	}
	action, arg := cut(rest)
	if action == "" {
		return Message{}, perr(line, "ALTER CALL needs an action (ANSWER, HANGUP, DTMF…)", CodeSetUnknownProp)
	}
	m.Kind, m.Call, m.Prop, m.Value = KindAlterCall, n, strings.ToUpper(action), arg
	return m, nil
}

// parseCall tells the notification "CALL <id> <PROP> [value]" from the
// command "CALL <target>": a numeric second word followed by a property is a
// notification; anything else is a target to call.
func parseCall(line, rest string, m Message) (Message, error) {
	id, tail := cut(rest)
	// A notification names a property right after the id; "CALL 0  " (found
	// by fuzzing) names none, so it is the CALL command's target instead,
	// or it would encode as a different line.
	if prop, val := cut(tail); prop != "" {
		if n, ok := ParseCallID(id); ok {
			return parseCallProp(line, n, prop, val, m)
		}
	}
	if strings.TrimSpace(rest) == "" {
		return Message{}, perr(line, "invalid user handle to CALL (CALL <name or number>)", CodeInvalidCallTarget)
	}
	m.Kind, m.Value = KindDial, rest
	return m, nil
}

// parseCallProp reads a CALL n PROP [VALUE] notification.
func parseCallProp(line string, n int, prop, val string, m Message) (Message, error) {
	prop = strings.ToUpper(prop)
	// Sample session 7.12 spells "PARTNER HANDLE" with a space.
	if prop == "PARTNER" {
		p2, v2 := cut(val)
		if p2 = strings.ToUpper(p2); p2 == "HANDLE" || p2 == "DISPNAME" {
			prop, val = "PARTNER_"+p2, v2
		}
	}
	m.Call, m.Prop, m.Value = n, prop, val
	switch prop {
	case "STATUS":
		m.Kind, m.Value = KindCallStatus, strings.ToUpper(val)
	case "TYPE":
		// Sample session 7.12 writes "INCOMING P2P"; the property list
		// writes INCOMING_P2P. Both mean the same.
		m.Kind, m.Value = KindCallType, strings.ReplaceAll(strings.ToUpper(val), " ", "_")
	case "PARTNER_HANDLE":
		m.Kind = KindCallPartnerHandle
	case "PARTNER_DISPNAME":
		m.Kind = KindCallPartnerDispName
	case "DURATION":
		d, err := strconv.Atoi(val)
		if err != nil || d < 0 {
			return Message{}, perr(line, "DURATION needs a number of seconds", CodeSyntax)
		}
		m.Kind, m.Num, m.Value = KindCallDuration, d, ""
	default:
		m.Kind = KindCallProp
	}
	if m.Kind != KindCallProp {
		m.Prop = ""
	}
	return m, nil
}
