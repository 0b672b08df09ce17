package audio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/gordonklaus/portaudio"
)

// ErrClosed is returned by a System, or a Player of one, after Close.
var ErrClosed = errors.New("audio: closed")

// Options configure a System.
type Options struct {
	// SampleRate of the tone streams; 0 uses each device's default rate.
	SampleRate float64
	// BufferDuration is the length of one callback buffer (default 10 ms):
	// a tone stops within one buffer of being asked to.
	BufferDuration time.Duration
	// Logger gets what goes wrong with tone streams, which nobody waits on.
	Logger *slog.Logger
}

// System is the one owner of PortAudio in the process. A single goroutine
// makes every PortAudio call: it initialises the library, lists devices,
// opens, starts, stops and closes the tone streams of every Player, and
// re-scans the device list on Rescan. Create one per process with Start and
// share it among handsets.
type System struct {
	opts  Options
	calls chan func()
	kick  chan struct{}
	stop  context.CancelFunc
	done  chan struct{}

	mu    sync.Mutex
	dirty map[*Player]bool // players whose wanted tone changed

	// Owned by the owner goroutine.
	devices []*portaudio.DeviceInfo
	playing map[*Player]*stream
	ended   chan *stream
	hooks   hooks
	// grace bounds the wait for a fade-out before a stream is aborted.
	grace time.Duration
	// pending are the tones a failed re-scan closed: the next successful
	// one reopens them where they were.
	pending map[*Player]resumePoint
	// scanned is the sound card list PortAudio last scanned with
	// (RescanIfChanged); nil when unknown.
	scanned []string
}

// resumePoint is where a tone stopped by a re-scan picks up again.
type resumePoint struct {
	device string
	tone   Tone
	pos    int64
}

// hooks let tests observe the audio thread; set them with do.
type hooks struct {
	// fill runs on the audio thread after every buffer, with the position.
	fill func(st *stream, pos int64)
	// stopped runs on the owner goroutine right after a fade-out was asked.
	stopped func(st *stream)
	// initialize, when set, runs before PortAudio is initialised by a
	// re-scan; its error makes the re-scan fail as if PortAudio had.
	initialize func() error
}

// paStream is what the owner does with an open PortAudio stream.
type paStream interface {
	Stop() error
	Abort() error
	Close() error
}

// stream is one open tone stream.
type stream struct {
	p      *Player
	seq    uint64
	device string
	rate   float64
	gen    *Generator
	pa     paStream
}

// Player plays one handset's tones: at most one at a time, on one device.
// Its methods are safe for concurrent use.
type Player struct {
	s *System

	// Guarded by s.mu.
	device string
	tone   Tone
	seq    uint64 // bumped by every Set
	closed bool
	waits  []chan error // Play callers waiting for the newest Set
}

// Start initialises PortAudio on a new owner goroutine. The System runs until
// Close or until ctx ends.
func Start(ctx context.Context, opts Options) (*System, error) {
	if opts.BufferDuration <= 0 {
		opts.BufferDuration = 10 * time.Millisecond
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(ctx)
	s := &System{
		opts:    opts,
		calls:   make(chan func()),
		kick:    make(chan struct{}, 1),
		stop:    cancel,
		done:    make(chan struct{}),
		dirty:   map[*Player]bool{},
		playing: map[*Player]*stream{},
		ended:   make(chan *stream, 16),
		grace:   4*opts.BufferDuration + 200*time.Millisecond,
		pending: map[*Player]resumePoint{},
	}
	started := make(chan error, 1)
	go s.run(ctx, started)
	if err := <-started; err != nil {
		cancel()
		<-s.done
		return nil, err
	}
	return s, nil
}

func (s *System) run(ctx context.Context, started chan<- error) {
	defer close(s.done)
	if err := s.initialize(); err != nil {
		started <- err
		return
	}
	started <- nil
	defer func() {
		s.closeAll()
		if err := portaudio.Terminate(); err != nil {
			s.opts.Logger.Warn("terminating PortAudio failed", "err", err)
		}
		s.failWaiters(ErrClosed)
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case f := <-s.calls:
			f()
		case <-s.kick:
			s.reconcile()
		case st := <-s.ended:
			// A tone with a Duration has played out: free the device.
			if s.playing[st.p] == st {
				s.closeStream(st)
				delete(s.playing, st.p)
			}
		}
	}
}

func (s *System) initialize() error {
	s.devices = nil
	if s.hooks.initialize != nil {
		if err := s.hooks.initialize(); err != nil {
			return fmt.Errorf("initialise PortAudio: %w", err)
		}
	}
	quietLibraries()
	before := libraryMessages()
	if err := portaudio.Initialize(); err != nil {
		return fmt.Errorf("initialise PortAudio: %w", err)
	}
	devs, err := portaudio.Devices()
	if err != nil {
		_ = portaudio.Terminate()
		return fmt.Errorf("list PortAudio devices: %w", err)
	}
	s.devices = devs
	s.opts.Logger.Debug("PortAudio started", "devices", len(devs), "alsa_jack_messages_silenced", libraryMessages()-before)
	return nil
}

// do runs f on the owner goroutine and waits for it.
func (s *System) do(ctx context.Context, f func()) error {
	ran := make(chan struct{})
	select {
	case s.calls <- func() { f(); close(ran) }:
	case <-s.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-ran:
		return nil
	case <-s.done:
		return ErrClosed
	}
}

// Close stops every tone (with a ramp) and terminates PortAudio.
func (s *System) Close() error {
	s.stop()
	<-s.done
	return nil
}

// Devices lists the devices PortAudio found at its last (re)scan. It
// implements DeviceLister.
func (s *System) Devices() ([]Device, error) {
	var out []Device
	err := s.do(context.Background(), func() {
		for _, d := range s.devices {
			out = append(out, Device{Name: d.Name, Inputs: d.MaxInputChannels, Outputs: d.MaxOutputChannels})
		}
	})
	return out, err
}

// Rescan makes PortAudio list the devices again, so a handset plugged in
// after Start is found. PortAudio can only do that by terminating, which
// would pull the streams from under their callbacks, so Rescan first fades
// out and closes every tone stream of ours, then terminates and initialises
// PortAudio, then reopens the tones that were playing, each where its
// cadence was.
//
// A re-scan that fails leaves no tone playing, but remembers the ones that
// were: the next successful re-scan brings them back.
func (s *System) Rescan(ctx context.Context) error {
	var err error
	if e := s.do(ctx, func() { err = s.rescan(nil) }); e != nil {
		return e
	}
	return err
}

// RescanIfChanged re-scans like Rescan, but only when cards, the machine's
// list of sound cards (Finder.SoundCards), differs from the list of the last
// re-scan made through it, so the tones of other handsets are not
// interrupted for nothing. It reports whether it re-scanned. The first call
// always re-scans.
func (s *System) RescanIfChanged(ctx context.Context, cards []string) (bool, error) {
	var err error
	var did bool
	if e := s.do(ctx, func() {
		if s.scanned != nil && slices.Equal(s.scanned, cards) {
			return
		}
		did = true
		err = s.rescan(slices.Clone(cards))
	}); e != nil {
		return false, e
	}
	return did, err
}

// rescan runs on the owner goroutine. cards, when not nil, is recorded as
// the card list scanned once the re-scan succeeds.
func (s *System) rescan(cards []string) error {
	for p, st := range s.playing {
		s.pending[p] = resumePoint{device: st.device, tone: st.gen.Tone(), pos: s.closeStream(st)}
	}
	clear(s.playing)
	s.scanned = nil
	if e := portaudio.Terminate(); e != nil {
		s.opts.Logger.Warn("terminating PortAudio for a re-scan failed", "err", e)
	}
	if err := s.initialize(); err != nil {
		// Without PortAudio no tone can play; say so to every waiter.
		s.failWaiters(err)
		return err
	}
	s.scanned = cards
	resume := s.pending
	s.pending = map[*Player]resumePoint{}
	s.mu.Lock()
	for p := range resume {
		s.dirty[p] = true
	}
	s.mu.Unlock()
	s.reconcileResume(resume)
	return nil
}

// NewPlayer returns a player for one handset. Close it when the handset goes.
func (s *System) NewPlayer() *Player { return &Player{s: s} }

// Set makes tone play on the PortAudio device named device, replacing what
// the player played; the zero Tone, or an empty device, is silence. It does
// not wait: the owner goroutine fades the old tone out and opens the new
// stream, and logs what fails. A tone equal to the one playing on the same
// device keeps playing, unless it has a Duration (a DTMF burst), which
// restarts.
func (p *Player) Set(device string, tone Tone) {
	p.set(device, tone, nil)
}

// Play is Set, waiting until the tone plays (or is silenced) and returning
// why it cannot play.
func (p *Player) Play(ctx context.Context, device string, tone Tone) error {
	ch := make(chan error, 1)
	if !p.set(device, tone, ch) {
		return ErrClosed
	}
	select {
	case err := <-ch:
		return err
	case <-p.s.done:
		// The owner may have answered just before it ended.
		select {
		case err := <-ch:
			return err
		default:
			return ErrClosed
		}
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Player) set(device string, tone Tone, wait chan error) bool {
	s := p.s
	s.mu.Lock()
	if p.closed {
		s.mu.Unlock()
		return false
	}
	p.device, p.tone = device, tone
	p.seq++
	if wait != nil {
		// Earlier waiters are answered by this newer request.
		p.waits = append(p.waits, wait)
	}
	s.dirty[p] = true
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
	return true
}

// Close silences the player for good.
func (p *Player) Close() {
	p.Set("", Tone{})
	p.s.mu.Lock()
	p.closed = true
	p.s.mu.Unlock()
}

// reconcile brings every dirty player's stream in line with what it wants.
func (s *System) reconcile() { s.reconcileResume(nil) }

type want struct {
	device string
	tone   Tone
	seq    uint64
	waits  []chan error
	closed bool
}

func (s *System) reconcileResume(resume map[*Player]resumePoint) {
	s.mu.Lock()
	wants := make(map[*Player]want, len(s.dirty))
	for p := range s.dirty {
		wants[p] = want{device: p.device, tone: p.tone, seq: p.seq, waits: p.waits, closed: p.closed}
		p.waits = nil
	}
	clear(s.dirty)
	s.mu.Unlock()
	for p, w := range wants {
		err := s.apply(p, w, resume)
		if err != nil && len(w.waits) == 0 {
			s.opts.Logger.Warn("cannot play a tone on the handset", "tone", w.tone.String(), "device", w.device, "err", err)
		}
		for _, ch := range w.waits {
			ch <- err
		}
	}
}

func (s *System) apply(p *Player, w want, resume map[*Player]resumePoint) error {
	cur := s.playing[p]
	silent := w.tone.IsSilent() || w.device == ""
	if cur != nil && !silent && cur.device == w.device && cur.gen.Tone() == w.tone && w.tone.Duration == 0 {
		cur.seq = w.seq
		return nil // the same continuous tone: keep its cadence going
	}
	if cur != nil {
		s.closeStream(cur)
		delete(s.playing, p)
	}
	// A tone that is asked again while PortAudio is down still resumes
	// after the next re-scan; any other wish replaces it.
	r, resuming := s.pending[p]
	delete(s.pending, p)
	if silent {
		return nil
	}
	start := int64(0)
	if rp, ok := resume[p]; ok && rp.device == w.device && rp.tone == w.tone {
		start = rp.pos
	}
	st, err := s.open(p, w, start)
	if err != nil && resuming && r.device == w.device && r.tone == w.tone {
		s.pending[p] = r
	}
	if err != nil {
		return err
	}
	s.playing[p] = st
	s.opts.Logger.Debug("tone playing", "tone", w.tone.String(), "device", w.device, "rate", st.rate)
	return nil
}

// open opens and starts a callback stream of w.tone on w.device, from
// sample start.
func (s *System) open(p *Player, w want, start int64) (*stream, error) {
	var dev *portaudio.DeviceInfo
	for _, d := range s.devices {
		if d.Name == w.device && d.MaxOutputChannels > 0 {
			dev = d
			break
		}
	}
	if dev == nil {
		return nil, fmt.Errorf("play %s: no output device %q in PortAudio's list (unplugged, or plugged in before the last re-scan?)", w.tone, w.device)
	}
	rate := s.opts.SampleRate
	if rate <= 0 {
		rate = dev.DefaultSampleRate
	}
	ch := min(dev.MaxOutputChannels, 2)
	params := portaudio.LowLatencyParameters(nil, dev)
	params.Output.Channels = ch
	params.SampleRate = rate
	params.FramesPerBuffer = max(int(rate*s.opts.BufferDuration.Seconds()), 1)
	gen := NewGenerator(w.tone, rate, start)
	mono := make([]float32, params.FramesPerBuffer)
	var st *stream
	fill := s.hooks.fill
	// 16-bit samples: what USB handsets play natively, so PortAudio
	// converts nothing on the way.
	callback := func(out []int16) {
		frames := len(out) / ch
		if frames > len(mono) {
			mono = make([]float32, frames)
		}
		gen.Fill(mono[:frames])
		for i, v := range mono[:frames] {
			q := int16(math.Round(float64(v) * math.MaxInt16))
			for c := range ch {
				out[i*ch+c] = q
			}
		}
		if fill != nil {
			fill(st, gen.Position())
		}
	}
	st = &stream{p: p, seq: w.seq, device: w.device, rate: rate, gen: gen}
	pa, err := portaudio.OpenStream(params, callback)
	if err != nil {
		return nil, fmt.Errorf("play %s: open %q at %v Hz: %w", w.tone, w.device, rate, err)
	}
	st.pa = pa
	if err := pa.Start(); err != nil {
		_ = pa.Close()
		return nil, fmt.Errorf("play %s: start %q: %w", w.tone, w.device, err)
	}
	if w.tone.Duration > 0 {
		go s.watch(st)
	}
	return st, nil
}

// watch tells the owner when a tone with a Duration has played out. The
// generator is always done eventually: it plays out, fades after a stop,
// or is abandoned when its stream is aborted.
func (s *System) watch(st *stream) {
	<-st.gen.Done()
	select {
	case s.ended <- st:
	case <-s.done:
	}
}

// closeStream fades the tone out, stops and closes the stream, and returns
// the sample position it stopped at.
func (s *System) closeStream(st *stream) int64 {
	st.gen.Stop()
	if s.hooks.stopped != nil {
		s.hooks.stopped(st)
	}
	// The fade takes one buffer; allow a few for a busy machine, then cut.
	grace := time.NewTimer(s.grace)
	defer grace.Stop()
	var err error
	select {
	case <-st.gen.Done():
		err = st.pa.Stop()
	case <-grace.C:
		err = st.pa.Abort()
		// No callback will finish the fade now: release Done's waiters.
		st.gen.Abandon()
	}
	if err != nil {
		s.opts.Logger.Warn("stopping a tone stream failed", "device", st.device, "err", err)
	}
	if err := st.pa.Close(); err != nil {
		s.opts.Logger.Warn("closing a tone stream failed", "device", st.device, "err", err)
	}
	return st.gen.Position()
}

func (s *System) closeAll() {
	for p, st := range s.playing {
		s.closeStream(st)
		delete(s.playing, p)
	}
}

func (s *System) failWaiters(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for p := range s.dirty {
		for _, ch := range p.waits {
			ch <- err
		}
		p.waits = nil
	}
}
