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
// Tables. Two legacy families speak vendor protocols over a HID interface
// instead, and get profiles of their own: the Yealink USB-P1K family
// (P1K, P4K, B2K) and phones built on the C-Media CM109. ForDeviceWith picks
// the profile from the USB identity and Options.
//
// # The device table
//
// Devices is the one list of the handsets handsetd knows. Each row gives
// the USB ids it matches (or "any", for the HID Telephony row, matched by
// its report descriptor), its family, the backend a real device needs
// (hidraw for HID-class devices the kernel binds, libusb for the legacy
// families on the kernel's HID ignore list), whether it answers only when
// asked, its simulator models (phonesim --models), the variants the user
// picks among (the CM109 keypads), its human name and its profile
// constructor. ForDeviceWith, replay pacing (AnswersRequests), the config's
// cm109_model, the --cm109-model flag, the README's supported-handsets
// table and the udev rules all read it; Lookup finds a row by USB id.
//
// Adding a model is one row here, one profile (a keymap/<model>.go, or a
// Variant of an existing row when only the keypad differs) and one firmware
// model in firmware-sim. Tests fail until all three agree: every simulator
// model belongs to a row, and the README's table matches the rows
// (go test ./keymap -update rewrites it).
//
// # Profiles that talk
//
// A HID Telephony device reports on its own. The legacy phones do not: a
// Yealink answers only the requests the host sends it, and a CM109 shows a
// key only while the host drives the key's column. Their profiles implement
// Talker as well as Profile: the driver calls Talk after every report, after
// every Encode and when the time Talk asked for comes, and writes what it
// returns. Time is a parameter, so the whole conversation runs on the
// driver's injectable clock. A profile with a text display implements
// Display, and the driver composes the LCD text for it.
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
