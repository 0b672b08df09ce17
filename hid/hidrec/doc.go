// Package hidrec reads and writes HID recordings in the text format of the
// hid-tools project (hid-recorder writes it, hid-replay plays it back), so a
// handset recorded on one machine can be replayed on another, by handsetd or
// by hid-tools.
//
// # The format
//
// A recording is a text file of lines, each starting with a one-letter tag,
// a colon and a space:
//
//	# a comment; hid-recorder prints the device name and a decoded
//	# descriptor and report as comments, and readers ignore them
//	D: 0                      which device the following lines are about
//	R: 27 05 0b 09 01 a1 01 … the report descriptor: its length in bytes
//	                          (decimal), then each byte in hex
//	N: Example USB Phone      the device name
//	P: usb-0000:00:14.0-1/input3   the physical path
//	I: 3 6993 b001            bus, vendor id, product id, all in hex
//	E: 000001.250000 3 01 00 02    an input report: seconds.microseconds
//	                          since the first report, its length (decimal),
//	                          then its bytes in hex
//
// D: lines appear only in a recording of several devices: hid-recorder
// numbers its devices from 0 in the order given, prints "D: n" before each
// device's R/N/I block, and again before events whenever the device changes.
// Lines before any D: line belong to device 0. All devices share one time
// origin, the first report of any of them.
//
// Event bytes are what a read from the device's hidraw node returns: for a
// device whose descriptor declares report ids the first byte is the report
// id; for a device without report ids there is no id byte at all. (The
// hid.Device seam always puts an id byte first, 0 for such a device; the
// replay package converts.)
//
// Parse is strict: an unknown tag, a length that does not match the bytes,
// a byte that is not hex, a time that goes backwards, an event before its
// device's descriptor, or a device without R: line is an error naming the
// line. Encode writes what the Python hid-recorder writes: comments with
// the name, then R, N, P (only when known), I, then E lines with six-digit
// seconds, so hid-replay reads handsetd's files and Parse reads both the
// Python and the older C recorder's output (which prints unpadded seconds).
package hidrec
