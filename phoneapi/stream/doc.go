// Package stream carries Phone API lines over a byte stream: a unix socket
// or a TCP connection. It is the simplest transport: one UTF-8 line per
// message, each ended by "\n" ("\r\n" is accepted too).
//
// Addresses are written as specs, "unix:/run/user/1000/phone.sock" or
// "tcp:127.0.0.1:7001", so one flag can name either kind.
//
// A stream has no message boundaries of its own, so framing errors are
// possible; this package keeps them local. A line that is not valid UTF-8,
// or longer than phoneapi.MaxLineLen, is reported by ReadLine as a
// *phoneapi.ProtocolError and skipped; the next ReadLine returns the next
// line. Only the end of the connection is final: it reads as an error
// wrapping phoneapi.ErrClosed (and io.EOF when the peer closed cleanly).
//
// Writers take turns, a whole line each. Besides WriteLine, which waits for
// its turn and for the peer, a connection over a socket offers TryWriteLine
// (phoneapi.TryWriter): one non-blocking write from the caller's goroutine,
// or nothing at all when it would have to wait, so a caller that must never
// block can send at once when the socket has room and queue otherwise.
package stream
