package audio

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Ramp is how long a tone takes to fade in or out at every switch on or off.
// 5 ms is long enough that the switch makes no click and short enough that
// the cadence still sounds crisp.
const Ramp = 5 * time.Millisecond

// Tone describes a telephone tone: the sum of up to two sines, optionally
// switched on and off by a cadence. The zero Tone is silence. Tone is a
// comparable value, so callers can tell whether the wanted tone changed.
type Tone struct {
	// Name is for logs: "ring", "dial", "dtmf 5".
	Name string
	// Freqs are the frequencies in Hz; 0 means unused.
	Freqs [2]float64
	// Level is the peak amplitude of the sum, 0..1 of full scale.
	Level float64
	// On and Off are the cadence: the tone sounds for On, then is silent for
	// Off, and repeats. Off == 0 means continuous.
	On, Off time.Duration
	// Duration ends the tone after this long; 0 means it plays until stopped.
	Duration time.Duration
}

// IsSilent reports whether the tone produces no sound at all.
func (t Tone) IsSilent() bool {
	return t.Level == 0 || (t.Freqs[0] == 0 && t.Freqs[1] == 0)
}

func (t Tone) String() string {
	if t.Name != "" {
		return t.Name
	}
	if t.IsSilent() {
		return "silence"
	}
	return fmt.Sprintf("%v Hz", t.Freqs)
}

// Ring is the ring played on a handset's own speaker: 440+480 Hz, 2 s on and
// 4 s off, the North American ringing cadence.
func Ring() Tone {
	return Tone{Name: "ring", Freqs: [2]float64{440, 480}, Level: 0.5, On: 2 * time.Second, Off: 4 * time.Second}
}

// CallWaiting is the call-waiting tone played in the earpiece while a
// second call rings: a 300 ms burst of 440 Hz, repeated every 10 s. 440 Hz
// for 0.3 s is the United States call-waiting tone (Silicon Labs AN93,
// "SAS cadence for supported countries", Table 82); ITU-T E.180 (03/1998)
// lists call-waiting tones in the 400-450 Hz band with short bursts and a
// long pause, and the 10 s period is one of them (AN93 gives 425 Hz 0.3 s
// every 10 s for Vanuatu). Softer than the dial tone: it sounds over a
// conversation.
func CallWaiting() Tone {
	return Tone{Name: "waiting", Freqs: [2]float64{440}, Level: 0.2, On: 300 * time.Millisecond,
		Off: 10*time.Second - 300*time.Millisecond}
}

// Ringback is the tone a caller hears while the far end rings: 440+480 Hz,
// 2 s on and 4 s off, the North American ringback (ITU-T E.180 Supplement
// 2 lists it for the United States), softer than the dial tone since it
// plays at the ear.
func Ringback() Tone {
	return Tone{Name: "ringback", Freqs: [2]float64{440, 480}, Level: 0.2, On: 2 * time.Second, Off: 4 * time.Second}
}

// Busy is the busy tone: 480+620 Hz, 0.5 s on and 0.5 s off, the North
// American busy signal (ITU-T E.180 Supplement 2, United States).
func Busy() Tone {
	return Tone{Name: "busy", Freqs: [2]float64{480, 620}, Level: 0.3, On: 500 * time.Millisecond, Off: 500 * time.Millisecond}
}

// DialTone selects the dial tone played while off-hook with nothing dialled.
type DialTone int

const (
	// DialToneOff plays no dial tone.
	DialToneOff DialTone = iota
	// DialToneNorthAmerica is 350+440 Hz, continuous.
	DialToneNorthAmerica
	// DialToneEurope is 425 Hz, continuous.
	DialToneEurope
)

func (d DialTone) String() string {
	switch d {
	case DialToneOff:
		return "off"
	case DialToneNorthAmerica:
		return "na"
	case DialToneEurope:
		return "eu"
	}
	return fmt.Sprintf("DialTone(%d)", int(d))
}

// ParseDialTone reads a dial-tone setting: off, na (North American 350+440
// Hz) or eu (European 425 Hz).
func ParseDialTone(s string) (DialTone, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "off", "none", "":
		return DialToneOff, nil
	case "na", "us", "north-american":
		return DialToneNorthAmerica, nil
	case "eu", "europe", "european":
		return DialToneEurope, nil
	}
	return DialToneOff, fmt.Errorf("dial tone %q: want off, na (350+440 Hz) or eu (425 Hz)", s)
}

// Dial returns the dial tone of the setting; ok is false for DialToneOff.
func Dial(d DialTone) (t Tone, ok bool) {
	switch d {
	case DialToneNorthAmerica:
		return Tone{Name: "dial na", Freqs: [2]float64{350, 440}, Level: 0.3}, true
	case DialToneEurope:
		return Tone{Name: "dial eu", Freqs: [2]float64{425}, Level: 0.3}, true
	}
	return Tone{}, false
}

// DTMFDuration is how long a key's feedback tone sounds: long enough to hear
// a quick tap, short enough not to overlap the next key.
const DTMFDuration = 150 * time.Millisecond

// DTMF returns the feedback tone of a keypad key (0-9, *, #, A-D): its row
// frequency plus its column frequency, for DTMFDuration. ok is false for a
// key with no DTMF pair.
func DTMF(key string) (t Tone, ok bool) {
	rows := [4]float64{697, 770, 852, 941}
	cols := [4]float64{1209, 1336, 1477, 1633}
	const pad = "123A456B789C*0#D"
	if len(key) != 1 {
		return Tone{}, false
	}
	i := strings.IndexByte(pad, strings.ToUpper(key)[0])
	if i < 0 {
		return Tone{}, false
	}
	return Tone{Name: "dtmf " + key, Freqs: [2]float64{rows[i/4], cols[i%4]}, Level: 0.4, Duration: DTMFDuration}, true
}

// samples converts a duration to a whole number of samples at rate.
func samples(d time.Duration, rate float64) int64 {
	return int64(math.Round(d.Seconds() * rate))
}

// rampGain is the raised-cosine fade-in gain k samples into a ramp of r.
func rampGain(k, r int64) float64 {
	if k >= r {
		return 1
	}
	if k <= 0 {
		return 0
	}
	return 0.5 - 0.5*math.Cos(math.Pi*float64(k)/float64(r))
}

// Envelope is the gain, 0..1, of tone t at sample n at the given rate: the
// cadence and the duration, with a Ramp at every edge. It is a pure function
// of its arguments.
func Envelope(t Tone, rate float64, n int64) float64 {
	if n < 0 || t.IsSilent() {
		return 0
	}
	r := max(samples(Ramp, rate), 1)
	g := 1.0
	if t.Duration > 0 {
		end := samples(t.Duration, rate)
		if n >= end {
			return 0
		}
		g = rampGain(end-n, r)
	}
	p := n
	on := int64(-1) // continuous
	if t.Off > 0 {
		on = samples(t.On, rate)
		p = n % (on + samples(t.Off, rate))
		if p >= on {
			return 0
		}
		g *= rampGain(on-p, r)
	}
	return g * rampGain(p, r)
}

// Sample is sample n of tone t at the given rate, in -1..1. It is a pure
// function: the phase comes from n, so any stretch of a tone can be computed
// on its own, and a tone restarted after a re-scan picks up where it was.
func Sample(t Tone, rate float64, n int64) float32 {
	e := Envelope(t, rate, n)
	if e == 0 {
		return 0
	}
	var sum float64
	k := 0
	for _, f := range t.Freqs {
		if f == 0 {
			continue
		}
		k++
		// Only the fraction of n*f/rate cycles matters; dropping the whole
		// cycles keeps math.Sin's argument small.
		cycles := float64(n) * f / rate
		sum += math.Sin(2 * math.Pi * (cycles - math.Floor(cycles)))
	}
	return float32(t.Level * e * sum / float64(k))
}

// Generator plays a Tone buffer by buffer from an audio callback. Fill runs
// on the audio thread; Stop and Done may be called from any goroutine.
type Generator struct {
	tone Tone
	rate float64
	// n is the next sample index. Only Fill writes it, but Position may
	// read it from another goroutine after the stream was aborted, when
	// nothing orders the audio thread's last write before the read.
	n atomic.Int64

	stop     atomic.Bool
	stopAt   int64 // sample index where the fade-out began; -1 before
	done     chan struct{}
	doneOnce sync.Once
}

// NewGenerator returns a generator of t at rate samples per second, starting
// at sample start (0 for a fresh tone).
func NewGenerator(t Tone, rate float64, start int64) *Generator {
	g := &Generator{tone: t, rate: rate, stopAt: -1, done: make(chan struct{})}
	g.n.Store(start)
	return g
}

// Tone is the tone being generated.
func (g *Generator) Tone() Tone { return g.tone }

// Position is the index of the next sample Fill writes. It is safe to call
// from any goroutine; it is exact once the generator is done or its stream
// stopped.
func (g *Generator) Position() int64 { return g.n.Load() }

// Stop asks the generator to fade out: the next Fill ramps to silence within
// its buffer (over Ramp, or the whole buffer if that is shorter) and fills
// with silence from then on.
func (g *Generator) Stop() { g.stop.Store(true) }

// Done is closed once a stopped generator has faded out completely, a tone
// with a Duration has ended, or Abandon was called.
func (g *Generator) Done() <-chan struct{} { return g.done }

// Abandon marks the generator done without waiting for Fill: its stream was
// aborted, so no Fill will ever finish the fade. Whoever waits on Done is
// released.
func (g *Generator) Abandon() { g.doneOnce.Do(func() { close(g.done) }) }

// Fill writes the next len(out) samples of a mono stream.
func (g *Generator) Fill(out []float32) {
	pos := g.n.Load()
	if g.stop.Load() && g.stopAt < 0 {
		g.stopAt = pos
	}
	fade := int64(0)
	if g.stopAt >= 0 {
		fade = min(max(samples(Ramp, g.rate), 1), int64(len(out)))
		if fade == 0 {
			fade = 1
		}
	}
	for i := range out {
		n := pos + int64(i)
		if g.stopAt >= 0 {
			k := n - g.stopAt
			if k >= fade {
				out[i] = 0
				continue
			}
			out[i] = Sample(g.tone, g.rate, n) * float32(rampGain(fade-1-k, fade))
			continue
		}
		out[i] = Sample(g.tone, g.rate, n)
	}
	pos += int64(len(out))
	g.n.Store(pos)
	ended := g.tone.Duration > 0 && pos >= samples(g.tone.Duration, g.rate)
	if (g.stopAt >= 0 && pos-g.stopAt >= fade) || ended || g.tone.IsSilent() {
		g.doneOnce.Do(func() { close(g.done) })
	}
}
