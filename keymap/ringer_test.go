package keymap

import "testing"

// TestYealinkRingerByModel proves the Yealink profile says which models ring
// by themselves: the P4K, which has only a speaker, does not, so the driver
// rings it through its sound device; the P1K and B2K do; a phone whose
// VERSION has not come yet counts as ringing by itself. A user's overrides
// keep the answer.
func TestYealinkRingerByModel(t *testing.T) {
	if !NewYealink("").HasRinger() {
		t.Error("before VERSION the profile says the phone has no ringer")
	}
	for _, tc := range []struct {
		v     uint16
		rings bool
	}{
		{0x0110, true},  // P1K
		{0x0230, false}, // P4K
		{0x0250, false}, // P4K
		{0x0521, true},  // B2K
	} {
		p, _ := startYealink(t, tc.v)
		if got := p.HasRinger(); got != tc.rings {
			t.Errorf("version %#04x (%s): HasRinger = %v, want %v", tc.v, p.Model(), got, tc.rings)
		}
		w := WithOverrides(p, Overrides{Name: "Desk phone", Keys: map[string]string{"C": "NO"}})
		r, ok := w.(Ringer)
		if !ok || r.HasRinger() != tc.rings {
			t.Errorf("version %#04x behind overrides: Ringer %v, want HasRinger = %v", tc.v, ok, tc.rings)
		}
	}
}
