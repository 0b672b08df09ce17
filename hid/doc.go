// Package hid is the seam between handsetd and a handset's HID interface.
//
// A USB handset talks in HID reports: short byte strings that carry the state
// of its controls (input reports), the state the host wants on its LEDs and
// ringer (output reports), and configuration (feature reports). Which bits mean
// what is declared by the device's report descriptor, a little byte-coded
// program of Main, Global and Local items. This package has two jobs:
//
//   - the Device interface, which every backend (hidraw, the simulator's
//     socket, libusb) implements with the same semantics, and the Backend
//     interface through which a driver finds devices (Enumerate), follows
//     them coming and going (Watch) and opens them (Open);
//   - the report-descriptor parser and the field extraction that turn the
//     descriptor into Reports and Fields, so that keymap can decode a handset
//     it has never seen from its descriptor alone.
//
// Report bytes follow the hidraw and hidapi convention everywhere: the first
// byte is the report id, and 0 for a device that declares no report ids.
//
// # Reading a report descriptor
//
// A descriptor is a sequence of items, each a prefix byte (tag, type, data
// size) and 0, 1, 2 or 4 little-endian data bytes. Global items (Usage Page,
// Logical Minimum/Maximum, Report Size, Report Count, Report ID, ...) set
// state that lasts until changed, and Push/Pop save and restore it. Local
// items (Usage, Usage Minimum/Maximum) name the controls of the next Main
// item only. Each Main item Input, Output or Feature then declares Report
// Count values of Report Size bits, appended to the report of the current
// Report ID and kind; Collection and End Collection group them.
//
// A Usage is a page and an id: Telephony (0x0B) Hook Switch (0x20) is the
// usage 0x000B0020. A 4-byte Usage item carries its page itself; a shorter
// one takes the Usage Page in force at its Main item. A Variable item has
// one value per usage (a bit per LED); an Array item has Report Count slots,
// each holding the index of a pressed control among its usages (a keypad
// reporting the key that is down). ParseDescriptor turns all this into
// Reports of Fields; Field.Value and Field.SetValue read and write one value
// of a report.
package hid
