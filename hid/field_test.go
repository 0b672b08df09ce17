package hid

import (
	"bytes"
	"errors"
	"testing"
)

func mustParse(t testing.TB, b []byte) *Descriptor {
	t.Helper()
	d, err := ParseDescriptor(b)
	if err != nil {
		t.Fatalf("ParseDescriptor: %v", err)
	}
	return d
}

// TestFieldValue proves values are read little-endian at any bit offset,
// sign-extended only for signed fields, and that array values map to the
// usage they index.
func TestFieldValue(t *testing.T) {
	m := mustParse(t, mouse)
	buttons, axes := m.Fields(Input)[0], m.Fields(Input)[2]
	// X = -5 (0xFFB), Y = 300 (0x12C): Y starts at bit 20, mid-byte.
	mouseReport := []byte{0x00, 0x05, 0xFB, 0xCF, 0x12}
	h := mustParse(t, headset)
	keypad := h.Report(Input, 2).Fields[0]
	kb := mustParse(t, bootKeyboard)
	keys := kb.Fields(Input)[2]
	kbReport := []byte{0, 0x02, 0, 0, 0x04, 0, 0, 0, 0}

	tests := []struct {
		name      string
		f         *Field
		report    []byte
		i         int
		want      int32
		usage     Usage
		haveUsage bool
	}{
		{"button 1 pressed", buttons, mouseReport, 0, 1, NewUsage(PageButton, 1), true},
		{"button 2 released", buttons, mouseReport, 1, 0, NewUsage(PageButton, 2), true},
		{"button 3 pressed", buttons, mouseReport, 2, 1, NewUsage(PageButton, 3), true},
		{"signed X across bytes", axes, mouseReport, 0, -5, NewUsage(PageGenericDesktop, 0x30), true},
		{"Y at a nibble offset", axes, mouseReport, 1, 300, NewUsage(PageGenericDesktop, 0x31), true},
		{"keypad 5", keypad, []byte{2, 0x06}, 0, 6, NewUsage(PageTelephony, 0xB5), true},
		{"keypad pound", keypad, []byte{2, 0xFC}, 0, 12, NewUsage(PageTelephony, 0xBB), true},
		{"keypad null", keypad, []byte{2, 0xF0}, 0, 0, 0, false},
		{"keyboard key a", keys, kbReport, 1, 4, NewUsage(PageKeyboard, 4), true},
		{"keyboard no key", keys, kbReport, 0, 0, NewUsage(PageKeyboard, 0), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.f.Value(tt.report, tt.i)
			if err != nil || got != tt.want {
				t.Errorf("Value = %d, %v; want %d", got, err, tt.want)
			}
			u, ok := tt.f.UsageAt(tt.report, tt.i)
			if u != tt.usage || ok != tt.haveUsage {
				t.Errorf("UsageAt = %v, %v; want %v, %v", u, ok, tt.usage, tt.haveUsage)
			}
		})
	}
}

// TestSetValueRoundTrip proves SetValue writes exactly the field's bits,
// leaves the neighbours alone, and reads back through Value, for signed and
// unsigned fields at odd offsets.
func TestSetValueRoundTrip(t *testing.T) {
	d := mustParse(t, mouse)
	axes := d.Fields(Input)[2]
	buf := []byte{0, 0xFF, 0, 0, 0}
	for _, v := range []int32{-2047, -1, 0, 1, 300, 2047} {
		for i := 0; i < 2; i++ {
			if err := axes.SetValue(buf, i, v); err != nil {
				t.Fatalf("SetValue(%d, %d): %v", i, v, err)
			}
			if got, _ := axes.Value(buf, i); got != v {
				t.Errorf("value %d: wrote %d, read %d", i, v, got)
			}
		}
		if buf[1] != 0xFF {
			t.Errorf("button byte clobbered: %#x", buf[1])
		}
	}
	if err := axes.SetValue(buf, 0, 5000); !errors.Is(err, ErrValueRange) {
		t.Errorf("SetValue(5000) on 12 bits: %v, want ErrValueRange", err)
	}
	h := mustParse(t, headset)
	leds := h.Report(Output, 3).Fields[0]
	out := make([]byte, h.Report(Output, 3).Len())
	out[0] = 3
	for i, v := range []int32{1, 0, 1} {
		if err := leds.SetValue(out, i, v); err != nil {
			t.Fatal(err)
		}
	}
	if want := []byte{3, 0x05}; !bytes.Equal(out, want) {
		t.Errorf("LED report % x, want % x", out, want)
	}
	if err := leds.SetValue(out, 0, -1); !errors.Is(err, ErrValueRange) {
		t.Errorf("SetValue(-1) on an unsigned bit: %v, want ErrValueRange", err)
	}
}

// TestFieldValueErrors proves a short report, a report of another id, or a
// value index out of range give their sentinel errors, never a panic.
func TestFieldValueErrors(t *testing.T) {
	h := mustParse(t, headset)
	keypad := h.Report(Input, 2).Fields[0]
	tests := []struct {
		name   string
		report []byte
		i      int
		want   error
	}{
		{"empty", nil, 0, ErrShortReport},
		{"id only", []byte{2}, 0, ErrShortReport},
		{"other id", []byte{1, 0x01}, 0, ErrWrongReport},
		{"index past count", []byte{2, 0x01}, 1, ErrValueRange},
		{"negative index", []byte{2, 0x01}, -1, ErrValueRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := keypad.Value(tt.report, tt.i); !errors.Is(err, tt.want) {
				t.Errorf("Value: %v, want %v", err, tt.want)
			}
			if err := keypad.SetValue(tt.report, tt.i, 1); !errors.Is(err, tt.want) {
				t.Errorf("SetValue: %v, want %v", err, tt.want)
			}
			if u, ok := keypad.UsageAt(tt.report, tt.i); ok {
				t.Errorf("UsageAt = %v, want none", u)
			}
		})
	}
}

// TestVariableUsageRepeat proves the last usage of a variable field covers
// the values beyond the usage list, while an array has no usage there.
func TestVariableUsageRepeat(t *testing.T) {
	f := &Field{Flags: FlagVariable, Count: 4, Usages: []Usage{1, 2}}
	if u, ok := f.Usage(3); !ok || u != 2 {
		t.Errorf("variable Usage(3) = %v, %v; want 2, true", u, ok)
	}
	f.Flags = 0
	if u, ok := f.Usage(3); ok {
		t.Errorf("array Usage(3) = %v, want none", u)
	}
}
