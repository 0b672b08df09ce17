// Package phoneapi speaks the Skype Phone API, the line protocol between a
// telephone handset (the device) and the program that places calls (the host).
//
// Every message is one UTF-8 line of words. The device introduces itself and
// then reports what the user does:
//
//	-> NAME handsetd Yealink USB-P1K
//	-> PROTOCOL 5             the highest version the device speaks
//	<- PROTOCOL 5             the host answers with the version to use, never higher
//	-> HOOK OFF               the handset was lifted
//	-> BTN_PRESSED 1          a key went down (BTN_RELEASED when it comes up)
//
// The host answers with the access-API notifications a handset needs: calls
// appear as "CALL <id> STATUS RINGING", their TYPE tells incoming from
// outgoing, "MUTE ON|OFF" mirrors the microphone. A device ignores what it does
// not understand (seed §7.6), so unknown lines parse to KindUnknown instead of
// failing. From protocol 4 on a command may carry a "#<id> " tag, which the
// host copies onto its reply; notifications may arrive between a command and
// its reply.
//
// The package has three parts, each usable alone:
//
//   - ParseLine and Message.String: the pure parser and encoder. A line that
//     breaks the grammar is a *ProtocolError; a well-formed "ERROR <code> <text>"
//     from the peer is an *Error. The two are never confused.
//   - Transport: the seam to the wire (D-Bus, a stream socket, a SIP bridge),
//     one line per call. Pipe gives an in-memory pair.
//   - Client: the device side. It runs the handshake, correlates replies, and
//     keeps the table of calls that decides when the handset rings.
//
// What the hook and keys mean for the calls is package callrules; a
// reference host is package refhost. Neither is needed to speak the
// protocol, so a device links neither.
package phoneapi
