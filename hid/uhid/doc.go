// Package uhid encodes and decodes the Linux UHID event ABI, the fixed-size
// binary messages that a user-space HID device and the kernel's HID core
// exchange through /dev/uhid.
//
// The ABI (include/uapi/linux/uhid.h) is one packed C struct, uhid_event: a
// 32-bit little-endian type followed by a union of per-type payloads. Every
// event has the same size on the wire, EventSize bytes, whatever its type; a
// short payload is padded with zeros. The device side creates the HID device
// (CREATE2, carrying its identity and report descriptor), sends input reports
// (INPUT2) and answers report requests; the kernel side opens and closes the
// device (OPEN, CLOSE) as readers come and go, sends output reports (OUTPUT),
// and asks for or sets feature reports (GET_REPORT, SET_REPORT), matching
// each reply to its request by a 32-bit id.
//
// The firmware simulator speaks this ABI over a unix stream socket, with the
// simulator as the device and the client as the kernel, so the same byte
// layout could later be written to a real /dev/uhid. Encode and Decode are
// pure functions: they check every length and enum and never panic.
package uhid
