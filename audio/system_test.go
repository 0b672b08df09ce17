package audio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/handsetd/handsetd/audio/audiotest"
	"github.com/handsetd/handsetd/hid"
)

// testPCM is the name of the private ALSA PCM the tests play to.
const testPCM = "HandsetdTest"

// alsaFile points ALSA at a private configuration with one file PCM and
// returns the WAV file it records to. It also keeps PortAudio from trying to
// start a JACK server.
func alsaFile(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	wav := filepath.Join(dir, "out.wav")
	conf, err := audiotest.FilePCM(dir, testPCM, wav)
	if err != nil {
		t.Skip(err)
	}
	t.Setenv("ALSA_CONFIG_PATH", conf)
	t.Setenv("JACK_NO_START_SERVER", "1")
	t.Setenv("JACK_DEFAULT_SERVER", "handsetd-no-such-server")
	return wav
}

func startSystem(t *testing.T, opts Options) *System {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	s, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func setHooks(t *testing.T, s *System, h hooks) {
	t.Helper()
	if err := s.do(context.Background(), func() { s.hooks = h }); err != nil {
		t.Fatal(err)
	}
}

// holdAt returns hooks that park the audio thread once the stream has
// played `at` samples, until the owner has asked the tone to stop: the
// stop then lands exactly one buffer after `at`, however fast an unpaced
// device runs. reached is closed when the thread parks.
func holdAt(at int64) (h hooks, reached <-chan struct{}) {
	r := make(chan struct{})
	release := make(chan struct{})
	var once, stopOnce sync.Once
	h.fill = func(_ *stream, pos int64) {
		if pos >= at {
			once.Do(func() {
				close(r)
				<-release
			})
		}
	}
	h.stopped = func(*stream) { stopOnce.Do(func() { close(release) }) }
	return h, r
}

func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(20 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// readWAV returns what the PCM recorded, from the tone's first sample on:
// PortAudio primes the device with silent buffers before the first
// callback, and every tone starts with a ramp from exactly zero.
func readWAV(t *testing.T, path string, rate int) []float32 {
	t.Helper()
	w, err := audiotest.ReadWAV(path)
	if err != nil {
		t.Fatalf("reading what the PCM recorded: %v", err)
	}
	if w.Rate != rate {
		t.Fatalf("recorded at %d Hz, want %d", w.Rate, rate)
	}
	x := w.Mono()
	lead := slices.IndexFunc(x, func(v float32) bool { return v != 0 })
	if lead < 1 {
		t.Fatalf("recorded no tone (first sound at %d of %d samples)", lead, len(x))
	}
	if lead > 10*rate/100 {
		t.Errorf("the tone started after %d samples of silence, want at most a few buffers", lead)
	}
	return x[lead-1:]
}

// TestPortAudioEnumeratesAndLookupMatches proves, against real PortAudio and
// ALSA, that a user PCM named after the handset card's id is listed and is
// what Lookup announces for a handset whose sysfs shows that card.
func TestPortAudioEnumeratesAndLookupMatches(t *testing.T) {
	alsaFile(t)
	s := startSystem(t, Options{})
	devs, err := s.Devices()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(devs, func(d Device) bool { return d.Name == testPCM && d.Outputs > 0 }) {
		t.Fatalf("PortAudio does not list %s: %+v", testPCM, devs)
	}
	tree := audiotest.Tree{
		Devices: []audiotest.USBDevice{{Port: "1-1", Bus: 1, Addr: 4, VID: 0x1209, PID: 0x0002, Ifaces: []audiotest.Interface{
			{Number: 0, Class: 1, Card: 5}, {Number: 1, Class: 1, Card: -1}, {Number: 2, Class: 3, Card: -1, Hidraw: "hidraw1"},
		}}},
		Cards: []audiotest.Card{{Number: 5, ID: testPCM, Playback: true, Capture: true}},
	}
	roots, err := tree.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	names, err := Finder{SysRoot: roots.Sys, AsoundRoot: roots.Asound}.Lookup(hid.Info{Path: "/dev/hidraw1"}, s)
	if err != nil || names != (Names{In: testPCM, Out: testPCM}) {
		t.Errorf("Lookup = %+v, %v; want %s both ways", names, err, testPCM)
	}
	// A re-scan keeps the device listed.
	if err := s.Rescan(context.Background()); err != nil {
		t.Fatal(err)
	}
	if devs, _ := s.Devices(); !slices.ContainsFunc(devs, func(d Device) bool { return d.Name == testPCM }) {
		t.Errorf("after Rescan, %s is gone: %+v", testPCM, devs)
	}
}

// blockRMS is the RMS of each block of n samples.
func blockRMS(x []float32, n int) []float64 {
	var out []float64
	for i := 0; i+n <= len(x); i += n {
		var s float64
		for _, v := range x[i : i+n] {
			s += float64(v) * float64(v)
		}
		out = append(out, math.Sqrt(s/float64(n)))
	}
	return out
}

// TestRingCadenceOnRealStream proves the ring that comes out of a real
// PortAudio stream into ALSA has the 2 s on / 4 s off cadence (edges within
// one buffer) and carries 440 and 480 Hz and no dial-tone frequency.
func TestRingCadenceOnRealStream(t *testing.T) {
	const rate = 8000
	wav := alsaFile(t)
	s := startSystem(t, Options{SampleRate: rate})
	h, reached := holdAt(13 * rate)
	setHooks(t, s, h)
	p := s.NewPlayer()
	ctx := context.Background()
	if err := p.Play(ctx, testPCM, Ring()); err != nil {
		t.Fatal(err)
	}
	wait(t, reached, "13 s of ring")
	if err := p.Play(ctx, "", Tone{}); err != nil {
		t.Fatal(err)
	}
	x := readWAV(t, wav, rate)
	if len(x) < 13*rate {
		t.Fatalf("recorded %d samples, want at least %d", len(x), 13*rate)
	}
	const buf = rate / 100 // one 10 ms buffer
	rms := blockRMS(x[:13*rate], buf)
	for i, r := range rms {
		sec := float64(i*buf) / rate
		on := math.Mod(sec, 6) < 2
		edge := math.Abs(math.Mod(sec, 6)) < 0.011 || math.Abs(math.Mod(sec, 6)-2) < 0.011 || math.Mod(sec, 6) > 5.989
		if edge {
			continue // within one buffer of an edge
		}
		if on && r < 0.03 || !on && r > 0.001 { // 440+480 Hz beat at 40 Hz: a 10 ms block can be quiet, never silent
			t.Fatalf("at %.2f s the ring is %v (block RMS %.4f), want on=%v", sec, r > 0.1, r, on)
		}
	}
	for _, seg := range [][2]int{{0, 2 * rate}, {6 * rate, 8 * rate}, {12 * rate, 13 * rate}} {
		y := x[seg[0]+buf : seg[0]+buf+rate/2]
		full := float64(len(y)*len(y)) / 4
		for f, want := range map[float64]bool{440: true, 480: true, 350: false, 425: false} {
			p := goertzel(y, f, rate) / full
			if want && p < 0.01 || !want && p > 0.001 {
				t.Errorf("ring from %.0f s: %v Hz relative power %.4f, want present=%v", float64(seg[0])/rate, f, p, want)
			}
		}
	}
}

// TestStopMidCadenceIsClean proves that stopping the ring in the middle of
// its on phase fades it out within one buffer, with no step larger than the
// tone makes by itself, and leaves silence after.
func TestStopMidCadenceIsClean(t *testing.T) {
	const rate = 8000
	const buf = rate / 100
	wav := alsaFile(t)
	s := startSystem(t, Options{SampleRate: rate})
	h, reached := holdAt(rate) // 1 s: the middle of the first 2 s burst
	setHooks(t, s, h)
	p := s.NewPlayer()
	ctx := context.Background()
	if err := p.Play(ctx, testPCM, Ring()); err != nil {
		t.Fatal(err)
	}
	wait(t, reached, "1 s of ring")
	if err := p.Play(ctx, "", Tone{}); err != nil {
		t.Fatal(err)
	}
	x := readWAV(t, wav, rate)
	last := -1
	for i, v := range x {
		if v != 0 {
			last = i
		}
	}
	// The audio thread parked after the buffer that reached 1 s; the next
	// buffer carries the fade.
	stopAt := (rate + buf - 1) / buf * buf
	if last < stopAt-buf || last >= stopAt+buf {
		t.Fatalf("sound ends at sample %d, want within the buffer after %d", last, stopAt)
	}
	if r := blockRMS(x[stopAt-buf:stopAt], buf)[0]; r < 0.03 {
		t.Errorf("the buffer before the stop has RMS %.3f: the ring was not sounding", r)
	}
	maxStep := 2*math.Pi*480/rate*0.5 + 0.5*math.Pi/float64(buf)
	for i := stopAt - buf; i < min(len(x), stopAt+2*buf); i++ {
		if d := math.Abs(float64(x[i] - x[i-1])); d > maxStep {
			t.Errorf("step %.3f at sample %d is a click (max %.3f)", d, i, maxStep)
		}
	}
}

// TestDTMFOnRealStream proves a DTMF key played through PortAudio carries
// both its row and its column frequency (key 5: 770 and 1336 Hz).
func TestDTMFOnRealStream(t *testing.T) {
	const rate = 8000
	wav := alsaFile(t)
	s := startSystem(t, Options{SampleRate: rate})
	h, reached := holdAt(int64(DTMFDuration.Seconds() * rate)) // the end of the burst
	setHooks(t, s, h)
	p := s.NewPlayer()
	tone, _ := DTMF("5")
	ctx := context.Background()
	if err := p.Play(ctx, testPCM, tone); err != nil {
		t.Fatal(err)
	}
	wait(t, reached, "the DTMF burst")
	if err := p.Play(ctx, "", Tone{}); err != nil {
		t.Fatal(err)
	}
	x := readWAV(t, wav, rate)
	y := x[80:1200] // inside the 150 ms burst
	full := float64(len(y)*len(y)) / 4
	for f, want := range map[float64]bool{770: true, 1336: true, 697: false, 852: false, 1209: false, 1477: false} {
		p := goertzel(y, f, rate) / full
		if want && p < 0.01 || !want && p > 0.001 {
			t.Errorf("DTMF 5: %v Hz relative power %.4f, want present=%v", f, p, want)
		}
	}
	if tail := x[int(DTMFDuration.Seconds()*rate):]; slices.ContainsFunc(tail, func(v float32) bool { return v != 0 }) {
		t.Error("sound after the end of the DTMF burst")
	}
}

// TestJACKDummyPacedRingStops proves the tone plays on a real JACK server
// (the dummy backend paces callbacks by the clock): PortAudio lists the
// server, the stream advances at about the sample rate (an unpaced device
// would run hundreds of times faster), and a stop asked mid-ring begins its
// fade within one buffer of the last buffer played.
func TestJACKDummyPacedRingStops(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := fmt.Sprintf("handsetd-test-%d", os.Getpid())
	const period = 480
	j, err := audiotest.StartJACK(ctx, name, 48000, period)
	if err != nil {
		t.Skip(err)
	}
	// Cleanups run last-in first-out: the System must let go of the
	// server before it stops, or PortAudio's JACK code asserts.
	t.Cleanup(j.Stop)
	alsaFile(t)
	t.Setenv("JACK_DEFAULT_SERVER", name)
	s := startSystem(t, Options{BufferDuration: 10 * time.Millisecond})
	devs, err := s.Devices()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(devs, func(d Device) bool { return d.Name == "system" && d.Outputs > 0 }) {
		t.Fatalf("PortAudio does not list JACK's system device: %+v", devs)
	}
	type mark struct {
		at  time.Time
		pos int64
	}
	var mu sync.Mutex
	var marks []mark
	var stopped *stream
	var posAtStop int64
	setHooks(t, s, hooks{
		fill: func(_ *stream, pos int64) {
			mu.Lock()
			marks = append(marks, mark{time.Now(), pos})
			mu.Unlock()
		},
		stopped: func(st *stream) {
			mu.Lock()
			if len(marks) > 0 {
				stopped, posAtStop = st, marks[len(marks)-1].pos
			}
			mu.Unlock()
		},
	})
	p := s.NewPlayer()
	if err := p.Play(ctx, "system", Ring()); err != nil {
		t.Fatal(err)
	}
	<-time.After(500 * time.Millisecond)
	start := time.Now()
	if err := p.Play(ctx, "system", Tone{}); err != nil {
		t.Fatal(err)
	}
	stopTook := time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	if len(marks) < 10 || stopped == nil {
		t.Fatalf("only %d callbacks in 500 ms, stop seen: %v", len(marks), stopped != nil)
	}
	first, last := marks[2], marks[len(marks)-1]
	rate := float64(last.pos-first.pos) / last.at.Sub(first.at).Seconds()
	if rate < 48000*0.5 || rate > 48000*1.5 {
		t.Errorf("stream ran at %.0f samples/s, want about the server's 48000 (paced)", rate)
	}
	<-stopped.gen.Done()
	if lag := stopped.gen.stopAt - posAtStop; lag < 0 || lag > period {
		t.Errorf("the fade began %d samples after the last buffer played when the stop was asked, want within one buffer (%d)", lag, period)
	}
	if stopTook > 2*time.Second {
		t.Errorf("stopping took %v", stopTook)
	}
	t.Logf("paced at %.0f samples/s; stop took %v", rate, stopTook)
}

// TestRescanResumesTone proves a re-scan closes our stream before PortAudio
// is terminated and reopens the tone afterwards where its cadence was, not
// from the start.
func TestRescanResumesTone(t *testing.T) {
	const rate = 8000
	alsaFile(t)
	s := startSystem(t, Options{SampleRate: rate})
	h, reached := holdAt(rate / 2)
	var mu sync.Mutex
	firsts := map[*stream]int64{}
	var order []*stream
	park := h.fill
	h.fill = func(st *stream, pos int64) {
		mu.Lock()
		if _, ok := firsts[st]; !ok {
			firsts[st] = pos
			order = append(order, st)
		}
		mu.Unlock()
		park(st, pos)
	}
	setHooks(t, s, h)
	p := s.NewPlayer()
	ctx := context.Background()
	if err := p.Play(ctx, testPCM, Ring()); err != nil {
		t.Fatal(err)
	}
	wait(t, reached, "half a second of ring")
	if err := s.Rescan(ctx); err != nil {
		t.Fatal(err)
	}
	// The hooks are read when a stream opens: reopen by asking again.
	if pos := firstFillAfterRescan(ctx, t, s); pos <= rate/2 {
		t.Errorf("after a re-scan the ring restarted at %d, want past %d", pos, rate/2)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(order) < 2 {
		t.Fatalf("saw %d streams, want the first and the reopened one", len(order))
	}
	if second := firsts[order[1]]; second <= rate/2 {
		t.Errorf("the reopened stream started at %d, want past %d", second, rate/2)
	}
}

// TestPlayAfterCloseReturnsErrClosed proves a Player's Play returns
// ErrClosed at once when its System was closed, instead of waiting for its
// context to end.
func TestPlayAfterCloseReturnsErrClosed(t *testing.T) {
	alsaFile(t)
	s := startSystem(t, Options{SampleRate: 8000})
	p := s.NewPlayer()
	s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	err := p.Play(ctx, testPCM, Ring())
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("Play after Close = %v, want ErrClosed", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Play after Close took %v", d)
	}
}

// fakePA is a PortAudio stream whose audio thread is stuck: it filled one
// buffer and then never calls back again, so a fade-out never finishes.
type fakePA struct{ aborted, stopped, closed bool }

func (f *fakePA) Stop() error  { f.stopped = true; return nil }
func (f *fakePA) Abort() error { f.aborted = true; return nil }
func (f *fakePA) Close() error { f.closed = true; return nil }

// TestAbortReleasesDurationWatcher proves that when a stream's fade-out
// does not finish within the grace time, the stream is aborted, the
// generator is marked done so the goroutine watching a DTMF burst ends, and
// the position is read without a data race against the audio thread (run
// with -race).
func TestAbortReleasesDurationWatcher(t *testing.T) {
	s := &System{
		opts:  Options{Logger: slog.New(slog.DiscardHandler)},
		ended: make(chan *stream, 1),
		done:  make(chan struct{}),
		grace: time.Millisecond,
	}
	defer close(s.done)
	tone, _ := DTMF("5")
	gen := NewGenerator(tone, 8000, 0)
	pa := &fakePA{}
	st := &stream{device: "x", rate: 8000, gen: gen, pa: pa}
	filled := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	go func() { // the audio thread: one buffer, then stuck
		gen.Fill(make([]float32, 80))
		close(filled)
		<-release
	}()
	<-filled
	go s.watch(st)
	pos := s.closeStream(st)
	if !pa.aborted || pa.stopped || !pa.closed {
		t.Errorf("stream aborted=%v stopped=%v closed=%v; want aborted and closed", pa.aborted, pa.stopped, pa.closed)
	}
	if pos != 80 {
		t.Errorf("position after abort = %d, want 80", pos)
	}
	select {
	case got := <-s.ended:
		if got != st {
			t.Error("the watcher reported another stream")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the DTMF watcher is still waiting for a generator that will never finish")
	}
}

// TestFailedRescanKeepsTones proves a re-scan whose PortAudio
// initialisation fails loses no tone: the ring that was playing comes back,
// where its cadence was, with the next successful re-scan.
func TestFailedRescanKeepsTones(t *testing.T) {
	const rate = 8000
	alsaFile(t)
	s := startSystem(t, Options{SampleRate: rate})
	h, reached := holdAt(rate / 4)
	setHooks(t, s, h)
	p := s.NewPlayer()
	ctx := context.Background()
	if err := p.Play(ctx, testPCM, Ring()); err != nil {
		t.Fatal(err)
	}
	wait(t, reached, "a quarter second of ring")
	boom := errors.New("no sound server")
	// Keep the stop hook, which lets the parked audio thread go.
	setHooks(t, s, hooks{initialize: func() error { return boom }, stopped: h.stopped})
	if err := s.Rescan(ctx); !errors.Is(err, boom) {
		t.Fatalf("Rescan = %v, want the initialisation error", err)
	}
	if devs, _ := s.Devices(); len(devs) != 0 {
		t.Errorf("after a failed re-scan PortAudio lists %d devices, want none", len(devs))
	}
	if pos := firstFillAfterRescan(ctx, t, s); pos <= rate/4 {
		t.Errorf("the ring came back at sample %d, want past %d", pos, rate/4)
	}
}

// firstFillAfterRescan re-scans and returns the cadence position of the
// first buffer the reopened stream fills, failing the test if the tone does
// not come back.
func firstFillAfterRescan(ctx context.Context, t *testing.T, s *System) int64 {
	t.Helper()
	got := make(chan int64, 1)
	setHooks(t, s, hooks{fill: func(_ *stream, pos int64) {
		select {
		case got <- pos:
		default:
		}
	}})
	if err := s.Rescan(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case pos := <-got:
		return pos
	case <-time.After(10 * time.Second):
		t.Fatal("the tone did not come back after the re-scan")
		return 0
	}
}

// TestRescanIfChangedSparesStreams proves RescanIfChanged re-scans only
// when the card list differs from the one it last scanned with: the same
// list keeps a playing tone's stream untouched, a new card reopens it.
func TestRescanIfChangedSparesStreams(t *testing.T) {
	alsaFile(t)
	s := startSystem(t, Options{SampleRate: 8000})
	p := s.NewPlayer()
	ctx := context.Background()
	if err := p.Play(ctx, testPCM, Ring()); err != nil {
		t.Fatal(err)
	}
	current := func() *stream {
		var st *stream
		if err := s.do(ctx, func() { st = s.playing[p] }); err != nil {
			t.Fatal(err)
		}
		return st
	}
	one := []string{"card0 PCH"}
	two := []string{"card0 PCH", "card1 P1K 6993:b001"}
	steps := []struct {
		cards     []string
		rescans   bool
		newStream bool
	}{
		{one, true, true},   // the first call always re-scans
		{one, false, false}, // nothing changed: the ring plays on
		{slices.Clone(one), false, false},
		{two, true, true}, // a card arrived
		{one, true, true}, // and left
	}
	for i, step := range steps {
		before := current()
		did, err := s.RescanIfChanged(ctx, step.cards)
		if err != nil {
			t.Fatal(err)
		}
		after := current()
		if did != step.rescans || (before != after) != step.newStream || after == nil {
			t.Errorf("step %d (%v): rescanned=%v, stream replaced=%v, playing=%v; want rescanned=%v replaced=%v",
				i, step.cards, did, before != after, after != nil, step.rescans, step.newStream)
		}
	}
}

// TestDialToneOnRealStream proves each dial-tone setting plays its
// frequencies through a real PortAudio stream: 350+440 Hz for North
// America, 425 Hz for Europe, and nothing else of the two.
func TestDialToneOnRealStream(t *testing.T) {
	const rate = 8000
	cases := []struct {
		d     DialTone
		there []float64
		not   []float64
	}{
		{DialToneNorthAmerica, []float64{350, 440}, []float64{425, 480}},
		{DialToneEurope, []float64{425}, []float64{350, 440}},
	}
	for _, c := range cases {
		t.Run(c.d.String(), func(t *testing.T) {
			wav := alsaFile(t)
			s := startSystem(t, Options{SampleRate: rate})
			h, reached := holdAt(rate / 2)
			setHooks(t, s, h)
			tone, ok := Dial(c.d)
			if !ok {
				t.Fatalf("Dial(%v) plays nothing", c.d)
			}
			p := s.NewPlayer()
			ctx := context.Background()
			if err := p.Play(ctx, testPCM, tone); err != nil {
				t.Fatal(err)
			}
			wait(t, reached, "half a second of dial tone")
			if err := p.Play(ctx, "", Tone{}); err != nil {
				t.Fatal(err)
			}
			s.Close()
			x := readWAV(t, wav, rate)
			y := x[rate/10 : rate/10+rate/4]
			full := float64(len(y)*len(y)) / 4
			for _, f := range c.there {
				if pw := goertzel(y, f, rate) / full; pw < 0.01 {
					t.Errorf("%v Hz relative power %.4f, want present", f, pw)
				}
			}
			for _, f := range c.not {
				if pw := goertzel(y, f, rate) / full; pw > 0.001 {
					t.Errorf("%v Hz relative power %.4f, want absent", f, pw)
				}
			}
		})
	}
}

// TestSoundCardsListsProcfs proves SoundCards lists every card of
// /proc/asound with its id and USB id, by number, and that an empty
// machine gives an empty, not unknown, list.
func TestSoundCardsListsProcfs(t *testing.T) {
	roots, err := audiotest.P1K().Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	got, err := Finder{SysRoot: roots.Sys, AsoundRoot: roots.Asound}.SoundCards()
	want := []string{"card0 Headset 046d:0a44", "card1 P1K 6993:b001"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("SoundCards = %q, %v; want %q", got, err, want)
	}
	empty, err := audiotest.Tree{}.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	got, err = Finder{SysRoot: empty.Sys, AsoundRoot: empty.Asound}.SoundCards()
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("SoundCards of no cards = %#v, %v; want an empty list", got, err)
	}
}
