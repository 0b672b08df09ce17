package phoneapi

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors, compared with errors.Is.
var (
	// ErrClosed means the transport is closed or the peer went away (EOF).
	// Transports wrap it, so errors.Is(err, ErrClosed) holds for every way a
	// connection can end; reconnecting is the cure.
	ErrClosed = errors.New("phoneapi: transport closed")
	// ErrAccessDenied is the host refusing this device (ERROR 68). The user
	// must allow the device in the host's settings.
	ErrAccessDenied = errors.New("phoneapi: host denied access (allow this device in the host)")
	// ErrOffline is the host answering CONNSTATUS OFFLINE during the
	// handshake: it runs but is not logged in.
	ErrOffline = errors.New("phoneapi: host is offline (log in to the host and retry)")
	// ErrTimeout means no reply arrived within ClientOptions.ReplyTimeout.
	ErrTimeout = errors.New("phoneapi: no reply from host in time")
	// ErrRejected means the host itself refused one command (for example a
	// D-Bus error reply to that Invoke): the connection is still fine and
	// the next command may succeed. A Transport wraps it only when it is
	// sure the host, not the link, answered; every other write error means
	// the connection is failing.
	ErrRejected = errors.New("phoneapi: the host refused the command")
)

// Error codes from the seed's error table (skype-api-1.2 §7.10) that this
// package sends or recognises. The code numbers are fixed by the protocol; the
// texts are ours.
const (
	CodeSyntax            = 1  // empty or unparsable command
	CodeUnknownCommand    = 2  // command word not known
	CodeGetInvalidWhat    = 7  // GET of an unknown object
	CodeInvalidCallID     = 11 // GET CALL id not numeric
	CodeUnknownCall       = 12 // GET CALL id does not exist
	CodeInvalidProp       = 13 // GET CALL property not known
	CodeSetInvalidWhat    = 18 // SET of an unknown object
	CodeSetInvalidCallID  = 19 // SET/ALTER CALL id not numeric
	CodeSetUnknownCall    = 20 // SET/ALTER CALL id does not exist
	CodeUnknownCallValue  = 21 // SET CALL STATUS value not allowed
	CodeCannotResume      = 23 // answer a call that is not ringing or held
	CodeCannotHangup      = 24 // hang up a call that is not live
	CodeSetUnknownProp    = 25 // SET CALL property not known
	CodeInvalidVersion    = 27 // PROTOCOL argument not a positive number
	CodeInvalidMute       = 33 // MUTE value other than ON or OFF
	CodeInvalidCallTarget = 34 // CALL without a target
	CodeCallNotActive     = 41 // DTMF outside a call in progress
	CodeInvalidDTMF       = 42 // DTMF symbol outside 0-9 * #
	CodeCannotConference  = 72 // CALL with several targets (no conferences here)
	CodeAccessDenied      = 68 // the host refuses the client
	CodeInvalidKey        = 71 // BTN_PRESSED/BTN_RELEASED with an unknown key (1.2 release notes)
)

// Error is an "ERROR <code> <text>" line from the peer: a well-formed answer
// saying the command failed, as opposed to a ProtocolError.
type Error struct {
	Code int
	Msg  string
}

func (e *Error) Error() string {
	if e.Msg == "" {
		return "phoneapi: host error " + strconv.Itoa(e.Code)
	}
	return fmt.Sprintf("phoneapi: host error %d: %s", e.Code, e.Msg)
}

// Is makes errors.Is(err, ErrAccessDenied) hold for ERROR 68.
func (e *Error) Is(target error) bool {
	return target == ErrAccessDenied && e.Code == CodeAccessDenied
}

// ProtocolError is a line that breaks the Phone API grammar (or the
// transport's framing: invalid UTF-8, an over-long line). The line is skipped;
// the connection stays usable.
type ProtocolError struct {
	Line   string // the offending line
	Reason string
	// Code is the seed error code a host answers such a line with (for
	// example 71 for an invalid key); 0 when framing, not grammar, failed.
	Code int
}

func (e *ProtocolError) Error() string {
	l := e.Line
	if len(l) > 80 {
		l = l[:80] + "…"
	}
	return fmt.Sprintf("phoneapi: malformed line %q: %s", l, e.Reason)
}
