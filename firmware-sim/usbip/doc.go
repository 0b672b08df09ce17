// Package usbip encodes and decodes the Linux USB/IP protocol, with which a
// USB device on one machine is used by the USB stack of another over a
// stream socket (the kernel's Documentation/usb/usbip_protocol.rst).
//
// A connection starts in the operation phase. Every operation message begins
// with an 8-byte header: a protocol version (Version, 0x0111), a code, and a
// status. OP_REQ_DEVLIST asks which devices a server exports and is answered
// by OP_REP_DEVLIST (one Device record per device, each followed by one
// 4-byte record per interface), after which the server closes the
// connection. OP_REQ_IMPORT names one device by its bus id ("1-1") and is
// answered by OP_REP_IMPORT; on success the same connection moves to the URB
// phase and belongs to that device.
//
// In the URB phase every message starts with a 48-byte header: a command, a
// sequence number chosen by the client, the device id (bus<<16 | device), a
// direction and an endpoint number, then 28 command-specific bytes.
// USBIP_CMD_SUBMIT carries one USB request block: its buffer length, and for
// control transfers the 8-byte SETUP packet; an OUT submit is followed by its
// data. USBIP_RET_SUBMIT completes it with a status (0, or a negative errno:
// -EPIPE is a stall) and the number of bytes moved, followed by the data of
// an IN transfer. USBIP_CMD_UNLINK cancels a pending submit by its sequence
// number; USBIP_RET_UNLINK answers -ECONNRESET when it was still pending (and
// then no RET_SUBMIT follows) or 0 when it had already completed.
//
// All integers are big-endian, except inside the SETUP packet, which keeps
// USB's little-endian layout. The functions here are pure: they check every
// length and enum, and never panic on bad input.
package usbip
