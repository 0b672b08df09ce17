package hid

// Report descriptors used by the tests, written out item by item. They are
// shaped like what real devices declare; the comments name each item.

// bootKeyboard is a keyboard in the boot protocol layout: 8 modifier bits,
// a reserved byte, 5 LED outputs with 3 bits of padding, and a 6-key array.
var bootKeyboard = []byte{
	0x05, 0x01, // Usage Page (Generic Desktop)
	0x09, 0x06, // Usage (Keyboard)
	0xA1, 0x01, // Collection (Application)
	0x05, 0x07, //   Usage Page (Keyboard)
	0x19, 0xE0, //   Usage Minimum (Left Control)
	0x29, 0xE7, //   Usage Maximum (Right GUI)
	0x15, 0x00, //   Logical Minimum (0)
	0x25, 0x01, //   Logical Maximum (1)
	0x75, 0x01, //   Report Size (1)
	0x95, 0x08, //   Report Count (8)
	0x81, 0x02, //   Input (Data, Variable, Absolute): modifiers
	0x95, 0x01, //   Report Count (1)
	0x75, 0x08, //   Report Size (8)
	0x81, 0x01, //   Input (Constant): reserved byte
	0x95, 0x05, //   Report Count (5)
	0x75, 0x01, //   Report Size (1)
	0x05, 0x08, //   Usage Page (LED)
	0x19, 0x01, //   Usage Minimum (Num Lock)
	0x29, 0x05, //   Usage Maximum (Kana)
	0x91, 0x02, //   Output (Data, Variable, Absolute): LEDs
	0x95, 0x01, //   Report Count (1)
	0x75, 0x03, //   Report Size (3)
	0x91, 0x01, //   Output (Constant): padding
	0x95, 0x06, //   Report Count (6)
	0x75, 0x08, //   Report Size (8)
	0x15, 0x00, //   Logical Minimum (0)
	0x26, 0xFF, 0x00, // Logical Maximum (255), two bytes so it stays positive
	0x05, 0x07, //   Usage Page (Keyboard)
	0x19, 0x00, //   Usage Minimum (0)
	0x2A, 0xFF, 0x00, // Usage Maximum (255)
	0x81, 0x00, //   Input (Data, Array, Absolute): key codes
	0xC0, // End Collection
}

// mouse has three buttons and signed relative X/Y of 12 bits each, so Y
// starts in the middle of a byte.
var mouse = []byte{
	0x05, 0x01, // Usage Page (Generic Desktop)
	0x09, 0x02, // Usage (Mouse)
	0xA1, 0x01, // Collection (Application)
	0x09, 0x01, //   Usage (Pointer)
	0xA1, 0x00, //   Collection (Physical)
	0x05, 0x09, //     Usage Page (Button)
	0x19, 0x01, //     Usage Minimum (1)
	0x29, 0x03, //     Usage Maximum (3)
	0x15, 0x00, //     Logical Minimum (0)
	0x25, 0x01, //     Logical Maximum (1)
	0x95, 0x03, //     Report Count (3)
	0x75, 0x01, //     Report Size (1)
	0x81, 0x02, //     Input (Data, Variable, Absolute)
	0x95, 0x01, //     Report Count (1)
	0x75, 0x05, //     Report Size (5)
	0x81, 0x01, //     Input (Constant)
	0x05, 0x01, //     Usage Page (Generic Desktop)
	0x09, 0x30, //     Usage (X)
	0x09, 0x31, //     Usage (Y)
	0x16, 0x01, 0xF8, // Logical Minimum (-2047)
	0x26, 0xFF, 0x07, // Logical Maximum (2047)
	0x75, 0x0C, //     Report Size (12)
	0x95, 0x02, //     Report Count (2)
	0x81, 0x06, //     Input (Data, Variable, Relative)
	0xC0, //   End Collection
	0xC0, // End Collection
}

// headset is a telephony headset with report ids: report 1 carries Hook
// Switch and Phone Mute as toggle buttons, report 2 a keypad array, output
// report 3 the LEDs and the ringer, and feature report 3 a volume byte (same
// id, different kind).
var headset = []byte{
	0x05, 0x0B, // Usage Page (Telephony)
	0x09, 0x05, // Usage (Headset)
	0xA1, 0x01, // Collection (Application)
	0x85, 0x01, //   Report ID (1)
	0x15, 0x00, //   Logical Minimum (0)
	0x25, 0x01, //   Logical Maximum (1)
	0x09, 0x20, //   Usage (Hook Switch)
	0x09, 0x2F, //   Usage (Phone Mute)
	0x75, 0x01, //   Report Size (1)
	0x95, 0x02, //   Report Count (2)
	0x81, 0x06, //   Input (Data, Variable, Relative): toggle buttons
	0x95, 0x06, //   Report Count (6)
	0x81, 0x03, //   Input (Constant, Variable): padding
	0x85, 0x02, //   Report ID (2)
	0x19, 0xB0, //   Usage Minimum (Phone Key 0)
	0x29, 0xBB, //   Usage Maximum (Phone Key Pound)
	0x15, 0x01, //   Logical Minimum (1)
	0x25, 0x0C, //   Logical Maximum (12)
	0x75, 0x04, //   Report Size (4)
	0x95, 0x01, //   Report Count (1)
	0x81, 0x40, //   Input (Data, Array, Absolute, Null State): keypad
	0x81, 0x03, //   Input (Constant): padding nibble
	0x85, 0x03, //   Report ID (3)
	0x05, 0x08, //   Usage Page (LED)
	0x09, 0x17, //   Usage (Off-Hook)
	0x09, 0x18, //   Usage (Ring)
	0x09, 0x09, //   Usage (Mute)
	0x15, 0x00, //   Logical Minimum (0)
	0x25, 0x01, //   Logical Maximum (1)
	0x75, 0x01, //   Report Size (1)
	0x95, 0x03, //   Report Count (3)
	0x91, 0x22, //   Output (Data, Variable, Absolute, No Preferred)
	0x05, 0x0B, //   Usage Page (Telephony)
	0x09, 0x9E, //   Usage (Ringer)
	0x95, 0x01, //   Report Count (1)
	0x91, 0x22, //   Output (Data, Variable, Absolute, No Preferred)
	0x95, 0x04, //   Report Count (4)
	0x91, 0x03, //   Output (Constant): padding
	0x06, 0x00, 0xFF, // Usage Page (Vendor 0xFF00)
	0x09, 0x01, //   Usage (1)
	0x26, 0xFF, 0x00, // Logical Maximum (255)
	0x75, 0x08, //   Report Size (8)
	0x95, 0x01, //   Report Count (1)
	0xB1, 0x02, //   Feature (Data, Variable, Absolute)
	0xC0, // End Collection
}

// pushPop saves the button state with Push, declares a signed X axis, and
// restores the buttons' global state with Pop for more buttons.
var pushPop = []byte{
	0x05, 0x01, // Usage Page (Generic Desktop)
	0x09, 0x02, // Usage (Mouse)
	0xA1, 0x01, // Collection (Application)
	0x05, 0x09, //   Usage Page (Button)
	0x15, 0x00, //   Logical Minimum (0)
	0x25, 0x01, //   Logical Maximum (1)
	0x75, 0x01, //   Report Size (1)
	0x95, 0x03, //   Report Count (3)
	0x19, 0x01, //   Usage Minimum (1)
	0x29, 0x03, //   Usage Maximum (3)
	0x81, 0x02, //   Input (Data, Variable, Absolute)
	0xA4,       //   Push
	0x05, 0x01, //   Usage Page (Generic Desktop)
	0x15, 0x81, //   Logical Minimum (-127)
	0x25, 0x7F, //   Logical Maximum (127)
	0x75, 0x08, //   Report Size (8)
	0x95, 0x01, //   Report Count (1)
	0x09, 0x30, //   Usage (X)
	0x81, 0x06, //   Input (Data, Variable, Relative)
	0xB4,       //   Pop: Button page, 0..1, 1 bit, count 3 again
	0x19, 0x04, //   Usage Minimum (4)
	0x29, 0x06, //   Usage Maximum (6)
	0x81, 0x02, //   Input (Data, Variable, Absolute)
	0x95, 0x02, //   Report Count (2)
	0x81, 0x01, //   Input (Constant): padding
	0xC0, // End Collection
}

// extended declares its telephony controls with 4-byte usages inside a
// Generic Desktop page, and one short usage whose page comes after it.
var extended = []byte{
	0x05, 0x01, // Usage Page (Generic Desktop)
	0x09, 0x06, // Usage (Keyboard)
	0xA1, 0x01, // Collection (Application)
	0x0B, 0x20, 0x00, 0x0B, 0x00, // Usage (Telephony: Hook Switch), extended
	0x0B, 0x2F, 0x00, 0x0B, 0x00, // Usage (Telephony: Phone Mute), extended
	0x09, 0x21, //   Usage (0x21), short: takes the page in force at the Input item
	0x05, 0x0B, //   Usage Page (Telephony)
	0x15, 0x00, //   Logical Minimum (0)
	0x25, 0x01, //   Logical Maximum (1)
	0x75, 0x01, //   Report Size (1)
	0x95, 0x03, //   Report Count (3)
	0x81, 0x02, //   Input (Data, Variable, Absolute)
	0x95, 0x05, //   Report Count (5)
	0x81, 0x01, //   Input (Constant)
	0xC0, // End Collection
}

// longItem carries a long item (vendor data) that the parser must skip, a
// Delimiter set of two aliases, and a Unit Exponent written as a nibble.
var longItem = []byte{
	0x05, 0x0B, // Usage Page (Telephony)
	0x09, 0x01, // Usage (Phone)
	0xA1, 0x01, // Collection (Application)
	0xFE, 0x03, 0x80, 0xAA, 0xBB, 0xCC, // Long item: 3 data bytes, tag 0x80
	0xA9, 0x01, //   Delimiter (open)
	0x09, 0x20, //   Usage (Hook Switch): kept
	0x09, 0x21, //   Usage (Flash): alias, dropped
	0xA9, 0x00, //   Delimiter (close)
	0x55, 0x0E, //   Unit Exponent (-2)
	0x15, 0x00, //   Logical Minimum (0)
	0x25, 0x01, //   Logical Maximum (1)
	0x75, 0x08, //   Report Size (8)
	0x95, 0x01, //   Report Count (1)
	0x81, 0x02, //   Input (Data, Variable, Absolute)
	0xC0, // End Collection
}
