// Package uhidserve serves a simulated handset, or a recorded device, over a
// unix socket in the Linux UHID event ABI (package hid/uhid): the simulator
// plays the user-space device, and the client (hid/simsock, which handsetd
// opens as sim:unix:PATH) plays the kernel. The same bytes could be fed to a
// real /dev/uhid.
//
// Serve puts a firmware model (package firmwaresim) on the socket: CREATE2
// once it is plugged, INPUT2 for every report while the client has it open,
// the replies to its report requests, DESTROY at unplug. ServeReplay plays a
// recording (package hid/hidrec) on the same protocol instead of a model.
package uhidserve
