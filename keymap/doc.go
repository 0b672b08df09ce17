// Package keymap holds the device profiles: how one family of handsets
// encodes its controls in HID reports, and how to drive its LEDs, ringer and
// display.
//
// A profile matches a device, decodes its input reports into Events (hook,
// keys, mute) and encodes an Output (the full desired state of LEDs,
// ringer and LCD) into output reports. Events are expressed in Phone API
// terms: keys carry the names the Phone API uses in BTN_PRESSED.
//
// The generic HID Telephony profile is built from the report descriptor alone
// (usage page 0x0B for controls, page 0x08 for LEDs), following the HID Usage
// Tables. Vendor profiles for the legacy families come in later.
package keymap
