package audio

import (
	"math"
	"testing"
	"time"
)

// goertzel returns the power of frequency f in x (sampled at rate), scaled
// so that a full-scale sine of that frequency gives about len(x)²/4.
func goertzel(x []float32, f, rate float64) float64 {
	w := 2 * math.Pi * f / rate
	c := 2 * math.Cos(w)
	var s1, s2 float64
	for _, v := range x {
		s0 := float64(v) + c*s1 - s2
		s2, s1 = s1, s0
	}
	return s1*s1 + s2*s2 - c*s1*s2
}

// render computes samples [from, from+n) of t.
func render(t Tone, rate float64, from int64, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = Sample(t, rate, from+int64(i))
	}
	return out
}

// TestSampleValues proves Sample is exactly the documented sum of sines once
// the ramp is over, and exactly zero where the cadence is off.
func TestSampleValues(t *testing.T) {
	const rate = 8000
	dtmf1, _ := DTMF("1")
	ring := Ring()
	cases := []struct {
		name string
		tone Tone
		n    int64
		want float64
	}{
		{"dtmf 1 first sample is ramped to 0", dtmf1, 0, 0},
		{"dtmf 1 steady", dtmf1, 100, 0.4 * (math.Sin(2*math.Pi*697*100/rate) + math.Sin(2*math.Pi*1209*100/rate)) / 2},
		{"dtmf 1 after its duration", dtmf1, 8000 * 150 / 1000, 0},
		{"ring steady", ring, 1001, 0.5 * (math.Sin(2*math.Pi*440*1001/rate) + math.Sin(2*math.Pi*480*1001/rate)) / 2},
		{"ring off part of the cadence", ring, 3 * rate, 0},
		{"ring second cycle", ring, 6*rate + 1001, 0.5 * (math.Sin(2*math.Pi*440*(6*rate+1001)/rate) + math.Sin(2*math.Pi*480*(6*rate+1001)/rate)) / 2},
		{"silence", Tone{}, 123, 0},
	}
	for _, c := range cases {
		got := float64(Sample(c.tone, rate, c.n))
		if math.Abs(got-c.want) > 1e-6 {
			t.Errorf("%s: Sample(n=%d) = %v, want %v", c.name, c.n, got, c.want)
		}
	}
}

// TestEnvelopeCadence proves the ring's on/off edges fall on the exact
// samples of its 2 s on / 4 s off cadence, with a 5 ms ramp at each edge.
func TestEnvelopeCadence(t *testing.T) {
	const rate = 8000
	r := int64(Ramp.Seconds() * rate) // 40 samples
	ring := Ring()
	cases := []struct {
		n    int64
		want float64
	}{
		{0, 0},
		{r / 2, 0.5},
		{r, 1},
		{rate, 1},
		{2*rate - r, 1},
		{2*rate - r/2, 0.5},
		{2 * rate, 0},
		{5 * rate, 0},
		{6 * rate, 0},
		{6*rate + r, 1},
		{-1, 0},
	}
	for _, c := range cases {
		if got := Envelope(ring, rate, c.n); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("Envelope(ring, n=%d) = %v, want %v", c.n, got, c.want)
		}
	}
}

// TestSpectra proves every tone carries its frequencies and nothing at the
// other telephone frequencies: each DTMF key its row and column, the dial
// tones theirs, the ring 440+480 Hz.
func TestSpectra(t *testing.T) {
	const rate = 8000
	all := []float64{350, 425, 440, 480, 697, 770, 852, 941, 1209, 1336, 1477, 1633}
	type tc struct {
		tone Tone
		want []float64
	}
	var cases []tc
	rows := map[byte]float64{'1': 697, '2': 697, '3': 697, 'A': 697, '4': 770, '5': 770, '6': 770, 'B': 770, '7': 852, '8': 852, '9': 852, 'C': 852, '*': 941, '0': 941, '#': 941, 'D': 941}
	cols := map[byte]float64{'1': 1209, '4': 1209, '7': 1209, '*': 1209, '2': 1336, '5': 1336, '8': 1336, '0': 1336, '3': 1477, '6': 1477, '9': 1477, '#': 1477, 'A': 1633, 'B': 1633, 'C': 1633, 'D': 1633}
	for _, k := range "0123456789*#ABCD" {
		tone, ok := DTMF(string(k))
		if !ok {
			t.Fatalf("DTMF(%q) not found", k)
		}
		cases = append(cases, tc{tone, []float64{rows[byte(k)], cols[byte(k)]}})
	}
	na, _ := Dial(DialToneNorthAmerica)
	eu, _ := Dial(DialToneEurope)
	cases = append(cases, tc{na, []float64{350, 440}}, tc{eu, []float64{425}}, tc{Ring(), []float64{440, 480}})
	for _, c := range cases {
		// 1 s resolves 425 Hz from 440 Hz; a DTMF burst only lasts 150 ms,
		// but its frequencies are far apart.
		n := rate
		if c.tone.Duration > 0 {
			n = 800
		}
		x := render(c.tone, rate, 80, n)
		full := float64(len(x)*len(x)) / 4
		for _, f := range all {
			p := goertzel(x, f, rate) / full
			wanted := false
			for _, w := range c.want {
				wanted = wanted || w == f
			}
			switch {
			case wanted && p < 0.01:
				t.Errorf("%s: %v Hz missing (relative power %.4f)", c.tone, f, p)
			case !wanted && p > 0.001:
				t.Errorf("%s: unexpected %v Hz (relative power %.4f)", c.tone, f, p)
			}
		}
	}
}

// TestDTMFUnknownKeys proves keys without a DTMF pair are refused.
func TestDTMFUnknownKeys(t *testing.T) {
	for _, k := range []string{"", "E", "YES", "11", "+"} {
		if _, ok := DTMF(k); ok {
			t.Errorf("DTMF(%q) ok, want no tone", k)
		}
	}
}

// TestParseDialTone proves the dial-tone setting accepts its three values
// and rejects anything else with an error naming the choices.
func TestParseDialTone(t *testing.T) {
	for in, want := range map[string]DialTone{"off": DialToneOff, "na": DialToneNorthAmerica, "EU": DialToneEurope, "european": DialToneEurope} {
		got, err := ParseDialTone(in)
		if err != nil || got != want {
			t.Errorf("ParseDialTone(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseDialTone("uk"); err == nil {
		t.Error("ParseDialTone(uk) succeeded, want an error")
	}
	if _, ok := Dial(DialToneOff); ok {
		t.Error("Dial(off) returned a tone")
	}
}

// TestGeneratorMatchesSample proves filling buffer by buffer produces the
// same samples as the pure function, whatever the buffer sizes.
func TestGeneratorMatchesSample(t *testing.T) {
	const rate = 8000
	g := NewGenerator(Ring(), rate, 15990) // across the on→off edge
	var got []float32
	for _, size := range []int{1, 7, 64, 333, 100} {
		buf := make([]float32, size)
		g.Fill(buf)
		got = append(got, buf...)
	}
	want := render(Ring(), rate, 15990, len(got))
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sample %d: generator %v, Sample %v", i, got[i], want[i])
		}
	}
}

// TestGeneratorStopWithinOneBuffer proves Stop fades the tone out inside the
// next buffer, with no step bigger than the sine itself makes (no click),
// and closes Done.
func TestGeneratorStopWithinOneBuffer(t *testing.T) {
	const rate = 8000
	for _, size := range []int{8, 40, 256} {
		g := NewGenerator(Ring(), rate, 0)
		buf := make([]float32, size)
		for range 10 {
			g.Fill(buf)
		}
		prev := buf[len(buf)-1]
		g.Stop()
		g.Fill(buf)
		if buf[len(buf)-1] != 0 {
			t.Errorf("buffer %d: last sample after Stop = %v, want 0", size, buf[len(buf)-1])
		}
		// The largest step of the sum of sines is 2π·480/8000·0.5 ≈ 0.19;
		// a click would be a jump to 0 from up to 0.5.
		maxStep := 2*math.Pi*480/rate*0.5 + 0.5/float64(min(size, 40))*math.Pi/2
		for i, v := range buf {
			if d := math.Abs(float64(v - prev)); d > maxStep {
				t.Errorf("buffer %d: step %v at sample %d is a click (max %v)", size, d, i, maxStep)
			}
			prev = v
		}
		select {
		case <-g.Done():
		default:
			t.Errorf("buffer %d: Done not closed after the fading buffer", size)
		}
		g.Fill(buf)
		for _, v := range buf {
			if v != 0 {
				t.Fatalf("buffer %d: sound after the fade: %v", size, v)
			}
		}
	}
}

// TestGeneratorDurationEnds proves a DTMF tone ends by itself after
// DTMFDuration, ramped to zero, and reports Done.
func TestGeneratorDurationEnds(t *testing.T) {
	const rate = 8000
	tone, _ := DTMF("5")
	g := NewGenerator(tone, rate, 0)
	buf := make([]float32, int(DTMFDuration.Seconds()*rate))
	g.Fill(buf)
	if buf[len(buf)-1] > 0.01 || buf[len(buf)-1] < -0.01 {
		t.Errorf("last sample of the DTMF burst = %v, want faded to ~0", buf[len(buf)-1])
	}
	select {
	case <-g.Done():
	case <-time.After(time.Second):
		t.Error("Done not closed at the end of the duration")
	}
}

// BenchmarkFill measures tone generation: one 10 ms buffer at 48 kHz of the
// two-frequency ring.
func BenchmarkFill(b *testing.B) {
	g := NewGenerator(Ring(), 48000, 0)
	buf := make([]float32, 480)
	b.SetBytes(int64(len(buf) * 4))
	for b.Loop() {
		g.Fill(buf)
	}
}

// TestCallWaitingCadence proves the call-waiting tone is 440 Hz alone,
// sounding for 300 ms out of every 10 s, with the usual ramp at each edge.
func TestCallWaitingCadence(t *testing.T) {
	const rate = 8000
	r := int64(Ramp.Seconds() * rate)
	w := CallWaiting()
	if w.Freqs != [2]float64{440} || w.IsSilent() {
		t.Fatalf("call-waiting tone %+v, want 440 Hz alone", w)
	}
	for _, c := range []struct {
		n    int64
		want float64
	}{
		{0, 0}, {r, 1}, {rate * 3 / 10 / 2, 1}, {rate*3/10 - r/2, 0.5}, {rate * 3 / 10, 0},
		{5 * rate, 0}, {10*rate - 1, 0}, {10*rate + r, 1},
	} {
		if got := Envelope(w, rate, c.n); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("Envelope(waiting, n=%d) = %v, want %v", c.n, got, c.want)
		}
	}
}
