package audio

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/handsetd/handsetd/audio/audiotest"
)

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
		if pos <= rate/4 {
			t.Errorf("the ring came back at sample %d, want past %d", pos, rate/4)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the ring did not come back after a successful re-scan")
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
