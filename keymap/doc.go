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
// # Reading shipping descriptors
//
// Shipping headsets do not declare what the HID Usage Tables idealise.
// rules.go states, in one place, how the profile reads them; each rule comes
// from a published descriptor in testdata/descriptors (sources in its
// INDEX.md):
//
//   - Const data: a Constant field with a known Telephony usage inside a
//     Telephony application collection is data (Jabra Link 380c in Chromium's
//     test_report_descriptors.cc; Google's Floss HFP UHID device; Chrome
//     WebHID and libhidtelephony read such fields).
//   - Zero means none: a Null State array of Logical 0..n with n usages
//     uses 0 for no key, so a Jabra keypad idling at 0 presses nothing
//     (Jabra Link 380c; a Jabra Engage 50 sends [1, 0] on lift, WICG/webhid#61).
//   - Hook and mute shapes: Absolute is a level with or without Preferred
//     State; Relative and array entries are toggle buttons, one toggle per
//     press sent as 1 then 0 (Poly 3320, google/libhidtelephony#2;
//     WICG/webhid#72); an Absolute mute is a state (Floss), one MUTE ON or
//     OFF per change.
//   - Order, padding and pages: mute before hook and per-LED report ids
//     (Plantronics Blackwire 3220, Qualcomm ADK), inputs and LEDs in one
//     report (Airoha), a Usage Page after its usage (hid-core's rule,
//     applied by package hid).
//   - Look-alikes act on nothing: vendor pages with telephony numbers
//     (0xFF30 in the Jabra Link 380c, 0xFFA0 in the Blackwire 3220, Teams
//     0xFF99), Consumer Mute 0x0C:0xE2 and Button usages are listed as
//     ignored by Description.
//   - Hook-only devices are driven (Floss's first HFP device).
//   - An idle minimum is none: a keypad array with no value for none
//     (no Null State, every value of its Logical range a usage) whose
//     first report holds its Logical Minimum in every slot reads that
//     minimum as no key from then on; otherwise the minimum stays its key
//     (Jabra EVOLVE LINK MS and Yealink WH66, Logical 0..11 from Phone Key
//     0 without Null State, in gonicus/gonnect's captured descriptors).
//   - Short reports decode with what they carry (gonicus/gonnect PR #54
//     missed them); a level reported again, in the same or another report
//     id, is not a second change (WICG/webhid#61).
//
// Description (and DescribeTelephony for a descriptor that gives no profile)
// prints what the profile found and what it ignored, for bug reports.
//
// Encode writes the full desired state into every output report that holds
// a LED (Off-Hook, Ring, Mute, Hold, Microphone) or the Telephony Ringer.
// Many headsets wait for the host to echo the Off-Hook and Mute LEDs before
// they accept a change, which is why the driver re-sends the whole Output
// after every hook or mute event.
package keymap
