package audio

import (
	"math"
	"testing"
)

// TestRingbackAndBusy proves the call-progress tones are the North
// American ones: ringback 440+480 Hz, 2 s on and 4 s off; busy 480+620 Hz,
// 0.5 s on and 0.5 s off; both play until stopped, and the envelope follows
// the cadence.
func TestRingbackAndBusy(t *testing.T) {
	const rate = 8000
	r := int64(Ramp.Seconds() * rate)
	for _, c := range []struct {
		tone    Tone
		freqs   [2]float64
		on, off int64 // samples
	}{
		{Ringback(), [2]float64{440, 480}, 2 * rate, 4 * rate},
		{Busy(), [2]float64{480, 620}, rate / 2, rate / 2},
	} {
		if c.tone.Freqs != c.freqs || c.tone.IsSilent() || c.tone.Duration != 0 {
			t.Errorf("%s: %+v, want %v Hz until stopped", c.tone, c.tone, c.freqs)
		}
		for _, e := range []struct {
			n    int64
			want float64
		}{{r, 1}, {c.on / 2, 1}, {c.on + c.off/2, 0}, {c.on + c.off + r, 1}} {
			if got := Envelope(c.tone, rate, e.n); math.Abs(got-e.want) > 1e-9 {
				t.Errorf("Envelope(%s, n=%d) = %v, want %v", c.tone, e.n, got, e.want)
			}
		}
	}
}
