// Command phonesim plays a USB phone handset's firmware, so handsetd can be
// run and tested without the hardware.
//
//	phonesim --model generic-telephony --listen unix:/tmp/phone.sock
//	phonesim --model yealink-p1k --listen unix:/tmp/phone.sock
//	phonesim --replay phone.hid --listen unix:/tmp/phone.sock [--fast] [--autoplay]
//	phonesim --model generic-telephony --usbip unix:/tmp/usbip.sock
//	phonesim --model generic-telephony --usbip stdio [--log FILE]
//	phonesim --models
//
// It serves the handset on a unix socket in the Linux UHID event format (see
// package firmwaresim), where `handsetd run --device sim:…` or any test
// reaches it as a HID device. With --usbip it is also (or, with stdio,
// only) a USB device over the Linux USB/IP protocol, bus id 1-1, that a
// Linux host attaches with `usbip attach`; with --usbip stdio, one
// connection runs on standard input and output and there is no control
// language, and nothing is written on standard error (qemu's guestfwd
// shows a program's stderr to the guest, and one stray byte breaks
// `usbip attach`): logs are discarded unless --log FILE is given. In every
// mode --log FILE sends the logs to FILE instead of stderr. You play the user: each line on standard input
// is one control command, answered by exactly one line on standard output:
//
//	hook off | hook on        lift or hang up
//	press KEY | release KEY   hold a key down or let it go
//	tap KEY                   press and release (KEY: 0-9 * # A-D YES NO F R);
//	                          on a polled phone the key is held until the
//	                          host has seen it, at most 5 s
//	mute                      press the mute button
//	unplug | plug             pull the handset out or put it back
//	state                     the handset's state as one JSON line
//	watch                     "ok", then "state {json}" now and after every change
//	quit                      stop
//
// Legacy models add their own commands ("pstn ring on|off" on the B2K,
// "speaker-mute" on the CM109 phones) and show their LCD in state as text.
// The answer is "ok", "error: <reason>" or the JSON state. After watch, the
// lines starting "state " are the changes, printed as they happen between
// the answers (handsetd demo redraws from them instead of polling).
//
// With --replay it serves a hid-recorder recording instead of a model (see
// uhidserve.ServeReplay): every client that opens the device gets the
// recorded reports from the first, once "play" is typed (or at once with
// --autoplay); its control lines are play, state and quit. Output reports
// are accepted and ignored: a replay cannot react.
//
// End of input,
// quit, SIGINT or SIGTERM stop phonesim and remove the socket. Logs go to
// standard error.
package main
