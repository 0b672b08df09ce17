package keymap

import (
	"reflect"
	"testing"

	"github.com/handsetd/handsetd/hid"
)

// strictKeypad declares, as Jabra's EVOLVE LINK MS and the Yealink WH66 do,
// a Hook Switch bit and a 4-bit keypad array of Logical 0..11 from Phone Key
// 0 to Pound without Null State: no value of its range means "no key".
var strictKeypad = []byte{
	0x05, 0x0B, // Usage Page (Telephony)
	0x09, 0x05, // Usage (Headset)
	0xA1, 0x01, // Collection (Application)
	0x15, 0x00, //   Logical Minimum (0)
	0x25, 0x01, //   Logical Maximum (1)
	0x09, 0x20, //   Usage (Hook Switch)
	0x75, 0x01, //   Report Size (1)
	0x95, 0x01, //   Report Count (1)
	0x81, 0x22, //   Input (Data, Variable, Absolute, No Preferred)
	0x75, 0x03, //   Report Size (3)
	0x81, 0x01, //   Input (Constant): padding
	0x19, 0xB0, //   Usage Minimum (Phone Key 0)
	0x29, 0xBB, //   Usage Maximum (Phone Key Pound)
	0x25, 0x0B, //   Logical Maximum (11)
	0x75, 0x04, //   Report Size (4)
	0x81, 0x00, //   Input (Data, Array, Absolute): no Null State
	0xC0, // End Collection
}

// TestIdleMinimumIsNone proves rule 7 (rules.go): on a keypad array with no
// value for none, the first report decides what the Logical Minimum means.
// When it holds the minimum (the Jabra template idling at 0) that is no key
// from then on, so there is no phantom key 0 and the other keys still press
// and release; when it holds a value outside the range (a device that idles
// there) or another key, the minimum stays Phone Key 0; and a report too
// short to carry the keypad decides nothing.
func TestIdleMinimumIsNone(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
	}{
		{"idles at the minimum", []step{
			{report: []byte{0, 0x00}},
			{report: []byte{0, 0x01}, want: []Event{hook(true)}},
			{report: []byte{0, 0x51}, want: []Event{down("5")}},
			{report: []byte{0, 0x01}, want: []Event{up("5")}},
			{report: []byte{0, 0xB1}, want: []Event{down("#")}},
			{report: []byte{0, 0x00}, want: []Event{up("#"), hook(false)}},
		}},
		{"lift first, keypad at the minimum", []step{
			{report: []byte{0, 0x01}, want: []Event{hook(true)}},
			{report: []byte{0, 0x11}, want: []Event{down("1")}},
			{report: []byte{0, 0x01}, want: []Event{up("1")}},
		}},
		{"idles outside the range: key 0 is real", []step{
			{report: []byte{0, 0xF0}},
			{report: []byte{0, 0x00}, want: []Event{down("0")}},
			{report: []byte{0, 0xF0}, want: []Event{up("0")}},
			{report: []byte{0, 0x30}, want: []Event{down("3")}},
			{report: []byte{0, 0xF0}, want: []Event{up("3")}},
		}},
		{"a key held in the first report is pressed", []step{
			{report: []byte{0, 0x70}, want: []Event{down("7")}},
			{report: []byte{0, 0xF0}, want: []Event{up("7")}},
			{report: []byte{0, 0x00}, want: []Event{down("0")}},
		}},
		{"a short report decides nothing", []step{
			{report: []byte{0}},
			{report: []byte{0, 0x00}},
			{report: []byte{0, 0x20}, want: []Event{down("2")}},
			{report: []byte{0, 0x00}, want: []Event{up("2")}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewTelephony("test", strictKeypad)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range tt.steps {
				got, err := p.Decode(s.report)
				if err != nil || !reflect.DeepEqual(got, s.want) {
					t.Errorf("step %d: Decode(% x) = %v, %v; want %v", i, s.report, got, err, s.want)
				}
			}
		})
	}
}

// TestIdleMinimumApplies proves which array fields rule 7 learns an idle
// for: only those without Null State whose whole Logical range selects
// usages and whose minimum is a key, so a Null State keypad (rule 2), a
// keypad with values left over for none, an array whose index 0 is no
// usage, a vendor page and a variable field keep their strict reading.
func TestIdleMinimumApplies(t *testing.T) {
	keypad := make([]hid.Usage, 12)
	for i := range keypad {
		keypad[i] = hid.NewUsage(hid.PageTelephony, uint16(0xB0+i))
	}
	withNone := append([]hid.Usage{0}, keypad...)
	vendor := make([]hid.Usage, 12)
	for i := range vendor {
		vendor[i] = hid.NewUsage(0xFF30, uint16(0xB0+i))
	}
	tests := []struct {
		name     string
		flags    hid.MainFlags
		min, max int32
		usages   []hid.Usage
		want     bool
	}{
		{"Logical 0..11, 12 keys (Jabra EVOLVE LINK MS)", 0, 0, 11, keypad, true},
		{"Logical 1..12, 12 keys", 0, 1, 12, keypad, true},
		{"Null State, Logical 0..12 (rule 2)", hid.FlagNullState, 0, 12, keypad, false},
		{"Null State, Logical 0..11", hid.FlagNullState, 0, 11, keypad, false},
		{"Logical 0..15, values left for none", 0, 0, 15, keypad, false},
		{"index 0 is no usage (CarPlay)", 0, 0, 12, withNone, false},
		{"vendor page look-alike", 0, 0, 11, vendor, false},
		{"variable field", hid.FlagVariable, 0, 1, keypad, false},
	}
	for _, tt := range tests {
		f := &hid.Field{Flags: tt.flags, LogicalMin: tt.min, LogicalMax: tt.max, Usages: tt.usages, BitSize: 4, Count: 1}
		if got := learnsIdle(f, TelephonyKeys()); got != tt.want {
			t.Errorf("%s: rule 7 applies = %v, want %v", tt.name, got, tt.want)
		}
	}
}
