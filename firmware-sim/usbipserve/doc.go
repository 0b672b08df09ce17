// Package usbipserve puts a simulated handset (package firmwaresim) on a
// real kernel's USB bus over the Linux USB/IP protocol (wire format in
// package usbip): `usbip attach` on a Linux machine, or a relay, imports it
// as bus id 1-1.
//
// It plays the device's USB side: enumeration from the model's USB layout
// (firmwaresim.USBDevice, its descriptors), the standard and HID class
// requests on EP0, and the interrupt endpoints. A host polls from its first
// interrupt IN transfer until it unlinks its last one, and the firmware's
// reports reach it only in between, as on a real bus.
package usbipserve
