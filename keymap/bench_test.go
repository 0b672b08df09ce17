package keymap

import (
	"testing"

	"github.com/handsetd/handsetd/hid"
)

// BenchmarkTelephonyDecode measures the per-report cost of the generic
// profile on the hot path (a keypad report, alternating press and release),
// beside the descriptor parse it does once per device open.
func BenchmarkTelephonyDecode(b *testing.B) {
	p, err := NewTelephony("bench", toggleButtonHeadset)
	if err != nil {
		b.Fatal(err)
	}
	reports := [][]byte{{2, 0x06}, {2, 0x00}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := p.Decode(reports[i%2]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTelephonyEncode measures encoding the full LED and ringer state.
func BenchmarkTelephonyEncode(b *testing.B) {
	p, err := NewTelephony("bench", toggleButtonHeadset)
	if err != nil {
		b.Fatal(err)
	}
	out := Output{LEDs: LEDs{OffHook: true, Mute: true}, Ringer: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Encode(out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseDescriptor measures the once-per-open descriptor parse.
func BenchmarkParseDescriptor(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := hid.ParseDescriptor(toggleButtonHeadset); err != nil {
			b.Fatal(err)
		}
	}
}
