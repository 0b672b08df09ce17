// Package firmwaresim is a stateful model of a handset's firmware, so that
// handsetd can be developed and tested without the hardware.
//
// Like a chip simulator, it models the device and not what a driver hopes to
// see: the firmware keeps its own hook latch, key matrix, LEDs and ringer, and
// it has the quirks of real hardware. A generic HID-telephony handset, for
// example, reports its Hook Switch and Phone Mute as toggle buttons (HID Usage
// Tables 1.21 §3.4.1.2: a relative control with a preferred state, where each
// 1 means "flip"): lifting the handset sends one press and one release, and it
// is the host that owns the resulting state. The host must echo that state
// back on the Off-Hook and Mute LEDs; if it does not acknowledge a lift in
// time, the firmware drops back to on-hook, as real headsets do.
//
// Input reports are not queued while nobody polls: a USB device's interrupt
// endpoint is only read while a host has the device open, so a key pressed
// while no host listens changes the firmware's state, but its report is lost.
//
// A Handset is driven by typed methods (HookOff, Press, Tap, Unplug, …) or by
// the one-line control language of Exec, which cmd/phonesim reads on stdin.
//
// This package holds the models and nothing of the transports. A host
// reaches a model in-process with Open, or through a server that attaches
// to the Handset's transport side (Session, Host, Claim: transport.go):
// package uhidserve puts it on a unix socket in the Linux UHID event ABI
// (handsetd's sim:unix: devices, client hid/simsock), and package
// usbipserve on a real kernel's USB bus over USB/IP. Each model supplies its
// USB layout (USBDevice: VID:PID, interfaces, the number of its HID
// interface, and the descriptors built from it), as a real device's firmware
// holds its descriptors.
//
// Each model is a firmware implementation behind one internal interface;
// Models lists them and New builds one by name. Besides generic-telephony
// there are the legacy phones: yealink-p1k, yealink-p4k and yealink-b2k
// speak the Yealink 16-byte packet protocol (yealink-p1kh its 8-byte second
// generation, which reports keys unasked) (checksums, the 0xfd answer to a
// packet they cannot take, replies only to requests, a ring of key events the
// host must poll, 24 bytes of LCD segment RAM that State reads back as text);
// cm109-kip1000, cm109-gtalk, cm109-usbph01 and cm109-atcom are the CM109
// chip with each phone's keypad wired to its GPIO pins, where a key shows
// only while the host drives its column. One model is deliberately not a
// handset: usb-keyboard, a plain boot keyboard, the device the udev rules
// and the driver must leave alone (the permission tests in the VM attach
// it beside the phones).
package firmwaresim
