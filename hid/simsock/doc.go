// Package simsock is the backend behind handsetd's sim:unix:PATH devices: a
// hid.Device over a unix socket that speaks the Linux UHID event ABI
// (package uhid), served by the firmware simulator (cmd/phonesim --listen).
//
// The roles are those of /dev/uhid: the simulator is the user-space device,
// and this client plays the kernel. It waits for CREATE2 (the handset is
// plugged), sends OPEN (a reader starts polling), turns INPUT2 into input
// reports and OUTPUT, GET_REPORT and SET_REPORT into the device's requests,
// and takes DESTROY or a lost connection as an unplug (hid.ErrDisconnected).
// One socket is one device.
//
// The package knows the wire format, not the firmware models: handsetd links
// it without linking the simulator.
package simsock
