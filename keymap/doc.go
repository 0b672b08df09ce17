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
//
// # The generic Telephony profile
//
// NewTelephony parses the descriptor and keeps, for every input report, the
// controls it can name: Hook Switch, Phone Mute, and the keys listed in a
// keymap (TelephonyKeys: phone keys 0-9, *, #, A-D, Flash "F", Redial "R",
// Drop "NO", Send "YES"). Keys may be declared one bit each or as an array
// of key indexes; either way a key's edges are found by comparing a report
// with the previous report of the same id.
//
// Hook Switch and Phone Mute are on/off controls, which the HID Usage Tables
// let a device declare in three shapes, told apart by the Input item's
// flags: a toggle switch (Absolute) reports its level; a toggle button
// (Relative) reports a press that flips the state, which only the driver
// knows, so the Event says Toggle; a pair of on and off buttons (Relative,
// Logical Minimum -1) reports +1 for on and -1 for off.
//
// Encode writes the full desired state into every output report that holds
// a LED (Off-Hook, Ring, Mute, Hold, Microphone) or the Telephony Ringer.
// Many headsets wait for the host to echo the Off-Hook and Mute LEDs before
// they accept a change, which is why the driver re-sends the whole Output
// after every hook or mute event.
package keymap
