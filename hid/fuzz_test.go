package hid

import (
	"errors"
	"testing"
)

// FuzzParseDescriptor proves that no descriptor makes the parser panic,
// that every accepted descriptor has consistent reports, and that every
// value of every field of a report built from the fuzz input can be read
// and written back without a panic.
func FuzzParseDescriptor(f *testing.F) {
	for _, d := range [][]byte{bootKeyboard, mouse, headset, pushPop, extended, longItem} {
		f.Add(d, []byte{0x01, 0x02, 0xFF, 0x80, 0x7F, 0x00, 0x55})
	}
	f.Fuzz(func(t *testing.T, desc, data []byte) {
		d, err := ParseDescriptor(desc)
		if err != nil {
			if !errors.Is(err, ErrBadDescriptor) {
				t.Fatalf("error %v does not wrap ErrBadDescriptor", err)
			}
			return
		}
		for _, r := range d.Reports {
			if r.Len() > MaxReportBytes+1 {
				t.Fatalf("%s report %d is %d bytes", r.Kind, r.ID, r.Len())
			}
			if d.UsesReportIDs == (r.ID == 0) {
				t.Fatalf("report id %d with UsesReportIDs=%v", r.ID, d.UsesReportIDs)
			}
			report := make([]byte, r.Len())
			report[0] = r.ID
			copy(report[1:], data)
			end := 0
			for _, fl := range r.Fields {
				if fl.BitOffset != end {
					t.Fatalf("field at bit %d, want %d", fl.BitOffset, end)
				}
				end += fl.BitSize * fl.Count
				for i := 0; i < fl.Count; i++ {
					v, err := fl.Value(report, i)
					if err != nil {
						continue // wider than 32 bits
					}
					fl.UsageAt(report, i)
					if err := fl.SetValue(report, i, v); err != nil {
						t.Fatalf("SetValue(%d) of a value just read: %v", v, err)
					}
					if w, _ := fl.Value(report, i); w != v {
						t.Fatalf("wrote %d, read %d", v, w)
					}
				}
				// a truncated report is an error, not a panic
				fl.Value(report[:len(report)/2], fl.Count-1)
			}
			if end != r.Bits {
				t.Fatalf("fields cover %d bits, report has %d", end, r.Bits)
			}
		}
	})
}
