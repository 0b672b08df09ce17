// Package hid is the seam between handsetd and a handset's HID interface.
//
// A USB handset talks in HID reports: short byte strings that carry the state
// of its controls (input reports), the state the host wants on its LEDs and
// ringer (output reports), and configuration (feature reports). Which bits mean
// what is declared by the device's report descriptor, a little byte-coded
// program of Main, Global and Local items. This package has two jobs:
//
//   - the Device interface, which every backend (the firmware simulator,
//     hidraw, libusb) implements with the same semantics;
//   - the report-descriptor parser and the field extraction that turn the
//     descriptor into Reports and Fields, so that keymap can decode a handset
//     it has never seen from its descriptor alone.
//
// Report bytes follow the hidraw and hidapi convention everywhere: the first
// byte is the report id, and 0 for a device that declares no report ids.
package hid
