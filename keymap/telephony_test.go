package keymap

import (
	"errors"
	"reflect"
	"testing"

	"github.com/handsetd/handsetd/hid"
)

// toggleButtonHeadset has report ids. Input report 1: Hook Switch and Phone
// Mute as toggle buttons (Relative, Preferred State), Flash and Drop as
// plain bits. Input report 2: a keypad array of two 4-bit slots. Output
// report 3: Off-Hook, Ring and Mute LEDs and the Ringer.
var toggleButtonHeadset = []byte{
	0x05, 0x0B, // Usage Page (Telephony)
	0x09, 0x05, // Usage (Headset)
	0xA1, 0x01, // Collection (Application)
	0x85, 0x01, //   Report ID (1)
	0x15, 0x00, //   Logical Minimum (0)
	0x25, 0x01, //   Logical Maximum (1)
	0x75, 0x01, //   Report Size (1)
	0x09, 0x20, //   Usage (Hook Switch)
	0x09, 0x2F, //   Usage (Phone Mute)
	0x95, 0x02, //   Report Count (2)
	0x81, 0x06, //   Input (Data, Variable, Relative): toggle buttons
	0x09, 0x21, //   Usage (Flash)
	0x09, 0x26, //   Usage (Drop)
	0x81, 0x02, //   Input (Data, Variable, Absolute)
	0x95, 0x04, //   Report Count (4)
	0x81, 0x03, //   Input (Constant): padding
	0x85, 0x02, //   Report ID (2)
	0x19, 0xB0, //   Usage Minimum (Phone Key 0)
	0x29, 0xBB, //   Usage Maximum (Phone Key Pound)
	0x15, 0x01, //   Logical Minimum (1)
	0x25, 0x0C, //   Logical Maximum (12)
	0x75, 0x04, //   Report Size (4)
	0x95, 0x02, //   Report Count (2)
	0x81, 0x00, //   Input (Data, Array): keypad, two keys at once
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
	0xC0, // End Collection
}

// toggleSwitchPhone has no report ids. Hook Switch and Phone Mute are toggle
// switches (Absolute, No Preferred); the keypad is twelve bits, one per key,
// then Send. The output report has five LEDs.
var toggleSwitchPhone = []byte{
	0x05, 0x0B, // Usage Page (Telephony)
	0x09, 0x01, // Usage (Phone)
	0xA1, 0x01, // Collection (Application)
	0x15, 0x00, //   Logical Minimum (0)
	0x25, 0x01, //   Logical Maximum (1)
	0x75, 0x01, //   Report Size (1)
	0x09, 0x20, //   Usage (Hook Switch)
	0x09, 0x2F, //   Usage (Phone Mute)
	0x95, 0x02, //   Report Count (2)
	0x81, 0x22, //   Input (Data, Variable, Absolute, No Preferred): toggle switches
	0x19, 0xB0, //   Usage Minimum (Phone Key 0)
	0x29, 0xBB, //   Usage Maximum (Phone Key Pound)
	0x95, 0x0C, //   Report Count (12)
	0x81, 0x02, //   Input (Data, Variable, Absolute): one bit per key
	0x09, 0x31, //   Usage (Send)
	0x95, 0x01, //   Report Count (1)
	0x81, 0x02, //   Input (Data, Variable, Absolute)
	0x81, 0x03, //   Input (Constant): padding
	0x05, 0x08, //   Usage Page (LED)
	0x09, 0x17, //   Usage (Off-Hook)
	0x09, 0x09, //   Usage (Mute)
	0x09, 0x18, //   Usage (Ring)
	0x09, 0x21, //   Usage (Microphone)
	0x09, 0x20, //   Usage (Hold)
	0x95, 0x05, //   Report Count (5)
	0x91, 0x02, //   Output (Data, Variable, Absolute)
	0x95, 0x03, //   Report Count (3)
	0x91, 0x03, //   Output (Constant): padding
	0xC0, // End Collection
}

// twoButtonPhone declares Hook Switch and Phone Mute as on/off button pairs
// (Relative, -1..1) and its LEDs as an array of two 2-bit slots.
var twoButtonPhone = []byte{
	0x05, 0x0B, // Usage Page (Telephony)
	0x09, 0x01, // Usage (Phone)
	0xA1, 0x01, // Collection (Application)
	0x15, 0xFF, //   Logical Minimum (-1)
	0x25, 0x01, //   Logical Maximum (1)
	0x75, 0x02, //   Report Size (2)
	0x95, 0x01, //   Report Count (1)
	0x09, 0x20, //   Usage (Hook Switch)
	0x81, 0x06, //   Input (Data, Variable, Relative): on/off buttons
	0x09, 0x2F, //   Usage (Phone Mute)
	0x81, 0x06, //   Input (Data, Variable, Relative): on/off buttons
	0x75, 0x04, //   Report Size (4)
	0x81, 0x03, //   Input (Constant): padding
	0x05, 0x08, //   Usage Page (LED)
	0x09, 0x09, //   Usage (Mute)
	0x09, 0x17, //   Usage (Off-Hook)
	0x09, 0x18, //   Usage (Ring)
	0x15, 0x01, //   Logical Minimum (1)
	0x25, 0x03, //   Logical Maximum (3)
	0x75, 0x02, //   Report Size (2)
	0x95, 0x02, //   Report Count (2)
	0x91, 0x00, //   Output (Data, Array): the LEDs that are on
	0x75, 0x04, //   Report Size (4)
	0x95, 0x01, //   Report Count (1)
	0x91, 0x03, //   Output (Constant): padding
	0xC0, // End Collection
}

// plainMouse has no telephony controls at all.
var plainMouse = []byte{
	0x05, 0x01, 0x09, 0x02, 0xA1, 0x01, // Generic Desktop Mouse application
	0x05, 0x09, 0x19, 0x01, 0x29, 0x03, // Buttons 1-3
	0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x03, 0x81, 0x02,
	0x95, 0x05, 0x81, 0x03, // padding
	0xC0,
}

func hook(active bool) Event   { return Event{Kind: EventHook, Active: active} }
func mute(active bool) Event   { return Event{Kind: EventMute, Active: active} }
func toggle(k EventKind) Event { return Event{Kind: k, Toggle: true} }
func down(k string) Event      { return Event{Kind: EventKey, Key: k, Pressed: true} }
func up(k string) Event        { return Event{Kind: EventKey, Key: k} }

type step struct {
	report []byte
	want   []Event
	err    bool
}

// TestTelephonyDecode proves each descriptor shape decodes into the right
// events: toggle buttons flip on each press, toggle switches report their
// level, button pairs report on and off; keys come as press and release
// edges, from arrays and from bits, releases first; a short report decodes
// the controls it carries and keeps the others; and bad reports are
// rejected without changing the remembered state.
func TestTelephonyDecode(t *testing.T) {
	tests := []struct {
		name  string
		desc  []byte
		steps []step
	}{
		{"toggle-button headset with report ids", toggleButtonHeadset, []step{
			{report: []byte{1, 0x01}, want: []Event{toggle(EventHook)}},
			{report: []byte{1, 0x01}},
			{report: []byte{1, 0x00}},
			{report: []byte{1, 0x02}, want: []Event{toggle(EventMute)}},
			{report: []byte{1, 0x04}, want: []Event{down("F")}},
			{report: []byte{1, 0x08}, want: []Event{up("F"), down("NO")}},
			{report: []byte{1, 0x00}, want: []Event{up("NO")}},
			{report: []byte{2, 0x06}, want: []Event{down("5")}},
			{report: []byte{2, 0x76}, want: []Event{down("6")}},
			{report: []byte{2, 0x07}, want: []Event{up("5")}},
			{report: []byte{2, 0x00}, want: []Event{up("6")}},
			{report: []byte{2, 0x0C}, want: []Event{down("#")}},
			{report: []byte{9, 0x00}, err: true},
			{report: []byte{3, 0x00}, err: true}, // an output report id
			{report: []byte{2}},                  // short: the keypad keeps its keys
			{report: []byte{}, err: true},
			{report: []byte{2, 0x0C}},
			{report: []byte{2, 0x0B, 0xFF}, want: []Event{up("#"), down("*")}},
		}},
		{"toggle-switch phone without report ids", toggleSwitchPhone, []step{
			{report: []byte{0, 0x01, 0x00}, want: []Event{hook(true)}},
			{report: []byte{0, 0x03, 0x00}, want: []Event{mute(true)}},
			{report: []byte{0, 0x02, 0x00}, want: []Event{hook(false)}},
			{report: []byte{0, 0x0A, 0x00}, want: []Event{down("1")}},
			{report: []byte{0, 0x02, 0x40}, want: []Event{up("1"), down("YES")}},
			{report: []byte{0, 0x00, 0x20}, want: []Event{up("YES"), mute(false), down("#")}},
			{report: []byte{0, 0x00}}, // short: hook and mute from the byte it has, keys kept
			{report: []byte{1, 0x00, 0x00}, err: true},
			{report: []byte{0, 0x00, 0x20}},
		}},
		{"two-button phone", twoButtonPhone, []step{
			{report: []byte{0, 0x01}, want: []Event{hook(true)}},
			{report: []byte{0, 0x00}},
			{report: []byte{0, 0x03}, want: []Event{hook(false)}},
			{report: []byte{0, 0x04}, want: []Event{mute(true)}},
			{report: []byte{0, 0x0C}, want: []Event{mute(false)}},
			{report: []byte{0, 0x0C}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewTelephony("test", tt.desc)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range tt.steps {
				got, err := p.Decode(s.report)
				if s.err {
					if !errors.Is(err, ErrBadReport) || got != nil {
						t.Errorf("step %d: Decode(% x) = %v, %v; want ErrBadReport", i, s.report, got, err)
					}
					continue
				}
				if err != nil || !reflect.DeepEqual(got, s.want) {
					t.Errorf("step %d: Decode(% x) = %v, %v; want %v", i, s.report, got, err, s.want)
				}
			}
		})
	}
}

// TestTelephonyEncode proves Encode fills every output report that carries
// a driven usage with the whole desired state: LED bits, the ringer, and
// LEDs listed in an array item.
func TestTelephonyEncode(t *testing.T) {
	tests := []struct {
		name string
		desc []byte
		out  Output
		want [][]byte
	}{
		{"headset all off", toggleButtonHeadset, Output{}, [][]byte{{3, 0x00}}},
		{"headset off-hook, muted, ringing", toggleButtonHeadset,
			Output{LEDs: LEDs{OffHook: true, Mute: true}, Ringer: true}, [][]byte{{3, 0x0D}}},
		{"headset ring LED only", toggleButtonHeadset, Output{LEDs: LEDs{Ring: true, Hold: true}}, [][]byte{{3, 0x02}}},
		{"phone five LEDs", toggleSwitchPhone,
			Output{LEDs: LEDs{OffHook: true, Ring: true, Hold: true}, Ringer: true, LCD: "ignored"}, [][]byte{{0, 0x15}}},
		{"phone microphone and mute", toggleSwitchPhone, Output{LEDs: LEDs{Microphone: true, Mute: true}}, [][]byte{{0, 0x0A}}},
		{"array LEDs mute and ring", twoButtonPhone, Output{LEDs: LEDs{Mute: true, Ring: true}}, [][]byte{{0, 0x0D}}},
		{"array LEDs more on than slots", twoButtonPhone,
			Output{LEDs: LEDs{Mute: true, OffHook: true, Ring: true}}, [][]byte{{0, 0x09}}},
		{"array LEDs none", twoButtonPhone, Output{}, [][]byte{{0, 0x00}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewTelephony("", tt.desc)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Encode(tt.out)
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Encode(%+v) = % x, %v; want % x", tt.out, got, err, tt.want)
			}
		})
	}
}

// TestForDevice proves the generic profile is picked for a telephony
// descriptor with the product name (or the default), and that other
// devices and broken descriptors get clear errors.
func TestForDevice(t *testing.T) {
	p, err := ForDevice(hid.Info{Product: "Desk Phone"}, toggleSwitchPhone)
	if err != nil || p.Name() != "Desk Phone" || p.InputReportSize() != 3 {
		t.Errorf("ForDevice(phone) = %v, %v", p, err)
	}
	p, err = ForDevice(hid.Info{}, toggleButtonHeadset)
	if err != nil || p.Name() != DefaultName || p.InputReportSize() != 2 {
		t.Errorf("ForDevice(headset, no product) = %v, %v", p, err)
	}
	_, err = ForDevice(hid.Info{Product: "Mouse", VendorID: 0x046d}, plainMouse)
	if !errors.Is(err, ErrUnsupportedDevice) || !errors.Is(err, ErrNoTelephonyControls) {
		t.Errorf("ForDevice(mouse): %v, want ErrUnsupportedDevice", err)
	}
	if _, err := ForDevice(hid.Info{}, []byte{0xC0}); !errors.Is(err, hid.ErrBadDescriptor) {
		t.Errorf("ForDevice(broken): %v, want ErrBadDescriptor", err)
	}
	if _, err := NewTelephony("x", plainMouse); !errors.Is(err, ErrNoTelephonyControls) {
		t.Errorf("NewTelephony(mouse): %v, want ErrNoTelephonyControls", err)
	}
}

// TestCustomKeymap proves the keymap is data: a caller's table renames keys
// and can drop them.
func TestCustomKeymap(t *testing.T) {
	keys := TelephonyKeys()
	keys[hid.NewUsage(hid.PageTelephony, 0x21)] = "SKYPE" // Flash
	delete(keys, hid.NewUsage(hid.PageTelephony, 0x26))   // Drop
	p, err := NewTelephonyKeys("", toggleButtonHeadset, keys)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Decode([]byte{1, 0x0C})
	if want := []Event{down("SKYPE")}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Decode = %v, %v; want %v", got, err, want)
	}
	if len(TelephonyKeys()) != 20 {
		t.Errorf("default keymap has %d keys, want 20 (and must not share the caller's map)", len(TelephonyKeys()))
	}
}

// TestShapeTable proves the flag combinations map to the documented
// on/off shapes.
func TestShapeTable(t *testing.T) {
	tests := []struct {
		flags hid.MainFlags
		min   int32
		want  onOffShape
	}{
		{hid.FlagVariable, 0, shapeToggleSwitch},
		{hid.FlagVariable | hid.FlagNoPreferred, 0, shapeToggleSwitch},
		{hid.FlagVariable | hid.FlagRelative, 0, shapeToggleButton},
		{hid.FlagVariable | hid.FlagRelative | hid.FlagNoPreferred, 0, shapeToggleButton},
		{hid.FlagVariable | hid.FlagRelative, -1, shapeTwoButtons},
	}
	for _, tt := range tests {
		f := &hid.Field{Flags: tt.flags, LogicalMin: tt.min}
		if got := shapeOf(f); got != tt.want {
			t.Errorf("flags %#x min %d: shape %d, want %d", tt.flags, tt.min, got, tt.want)
		}
	}
}
