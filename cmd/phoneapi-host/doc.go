// Command phoneapi-host is a reference Phone API host: the peer that
// handsetd talks to in tests and demos, and a small model for anyone
// building a real host.
//
//	phoneapi-host --listen unix:/tmp/phone.sock
//	phoneapi-host --listen tcp:127.0.0.1:7001
//
// It serves any number of devices on a stream socket. Stdout carries the
// traffic, one line per Phone API line, "<- LINE" for a line received from a
// device and "-> LINE" for one sent to it, plus the one-line answers to the
// control language read from stdin, which plays the remote parties:
//
//	call in HANDLE [DISPLAY NAME…] an incoming call rings       → ok <callid>
//	call out TARGET                the desktop places a call    → ok <callid>
//	answer [ID]                    the remote side answers our call
//	hangup [ID]                    the remote side hangs up
//	mute on|off                    the host mutes (during a call)
//	send RAW LINE                  send the line raw to every device
//	state                          the host's state as JSON
//	quit                           leave (so do stdin EOF, SIGINT, SIGTERM)
//
// Logs go to stderr. A unix socket file is removed on exit.
package main
