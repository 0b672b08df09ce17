package driver

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/internal/backoff"
	"github.com/handsetd/handsetd/internal/clock"
	"github.com/handsetd/handsetd/internal/ratelog"
	"github.com/handsetd/handsetd/keymap"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/callrules"
)

// Session is the driver's view of one connection to a Phone API host, as
// phoneapi.Client provides it.
type Session interface {
	// Handshake announces the handset (NAME, PROTOCOL) and returns the
	// protocol the host chose.
	Handshake(ctx context.Context, name string) (int, error)
	// Run processes the host's lines until the connection ends.
	Run(ctx context.Context) error
	// Send sends one command.
	Send(ctx context.Context, cmd phoneapi.Command) error
	// Updates delivers the host's view of calls and its mute requests.
	Updates() <-chan phoneapi.Update
	Close() error
}

// ClientSession is a Session made of a phoneapi.Client on a transport.
type ClientSession struct {
	*phoneapi.Client
	t phoneapi.Transport
}

// NewClientSession starts a Phone API client on t.
func NewClientSession(t phoneapi.Transport, opts phoneapi.ClientOptions) *ClientSession {
	return &ClientSession{Client: phoneapi.NewClient(t, opts), t: t}
}

// Close closes the transport, which ends Run.
func (s *ClientSession) Close() error { return s.t.Close() }

// Config describes one handset and where its host is.
type Config struct {
	// Open opens the handset; it is called again after the handset goes
	// away. It may block until the handset is present.
	Open func(ctx context.Context) (hid.Device, error)
	// Profile picks the profile for an open device; nil means
	// keymap.ForDevice.
	Profile func(info hid.Info, descriptor []byte) (keymap.Profile, error)
	// Dial connects to the host; it is called again after the host goes away.
	Dial func(ctx context.Context) (Session, error)
	// Name overrides the NAME the profile announces.
	Name string
	// Names, when set, keeps this handset's NAME apart from those of the
	// other handsets of the process (see Names): the name above, or the
	// profile's, is the base it numbers.
	Names NameBook
	// AudioIn and AudioOut are announced after the handshake; empty means
	// the host's default device.
	AudioIn, AudioOut string
	// Audio, when set, finds the handset's own sound device each time the
	// handset is opened; its names replace AudioIn and AudioOut.
	Audio AudioLookup
	// AudioRetry is how long after an open a lookup that did not find
	// everything is tried again (default 5 s; negative: never). Names found
	// late are announced to the host then.
	AudioRetry time.Duration
	// AudioGone, when set, is called after the handset was closed because
	// it went away, so the sound device list can be re-scanned without its
	// card.
	AudioGone func(ctx context.Context)
	// Tones, when set, plays the ring (for a device without a ringer of its
	// own), the dial tone and DTMF feedback on the AUDIO_OUT device.
	Tones Tones
	// OutboxSize bounds the commands waiting for a slow host (default 64).
	OutboxSize int
	// HandshakeTimeout bounds NAME/PROTOCOL (default 5 s).
	HandshakeTimeout time.Duration
	// RetryMin and RetryMax bound the backoff between reconnects (defaults
	// 50 ms and 1 s).
	RetryMin, RetryMax time.Duration
	// DialWaitsForHost says Dial itself blocks until a host is present (as
	// the D-Bus transport does, watching the host's bus name). A session
	// that ends because the host went away is then redialled at once, so a
	// restarted host is greeted without waiting out a backoff.
	DialWaitsForHost bool
	// PingInterval, when positive, makes the driver PING the host this often
	// (on Clock) while a session is up, if the Session can Ping. A host that
	// does not answer within the session's reply timeout is treated as gone.
	PingInterval time.Duration
	// Mode is the API spoken to the host: ModePhone (default) or ModeAccess.
	Mode   Mode
	Clock  clock.Clock
	Logger *slog.Logger
	// Observe, when set, is called by the handset's owner goroutine after
	// every change it applied, with the output now on the device. Tests and
	// the demo's view use it; it must not block.
	Observe func(Observation)
}

// Observation is a snapshot of one handset, for views and tests.
type Observation struct {
	Output   keymap.Output
	OffHook  bool
	Muted    bool
	HostUp   bool
	Protocol int
	// Events counts the device events decoded since the handset opened;
	// Dropped counts the commands a slow host made the driver drop.
	Events  int
	Dropped int
}

func (c *Config) defaults() {
	if c.Profile == nil {
		c.Profile = keymap.ForDevice
	}
	if c.OutboxSize <= 0 {
		c.OutboxSize = 64
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = 5 * time.Second
	}
	if c.AudioRetry == 0 {
		c.AudioRetry = defaultAudioRetry
	}
	if c.RetryMin <= 0 {
		c.RetryMin = 50 * time.Millisecond
	}
	if c.RetryMax <= 0 {
		c.RetryMax = time.Second
	}
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// ErrGone is what a Config.Open returns (wrapped) when the handset is gone
// for good, such as a hot-plugged handset that was unplugged: Run then
// returns nil instead of waiting for it to come back.
var ErrGone = errors.New("the handset is gone")

// Run drives one handset until ctx ends. It reopens the handset when it goes
// away and reconnects to the host when that goes away; it returns an error
// only for what retrying cannot fix, such as a device no profile supports,
// or a node that is not a HID device at all (hid.ErrUnsupported at open).
//
// Errors at open are sorted: a permanent one (hid.ErrUnsupported) ends Run
// at once; permission denied is logged once, with its fix, and retried
// quietly (installing the rules and replugging fixes it while the driver
// runs); a handset that is not there (yet) is waited for quietly, with
// backoff; anything else is logged the first time and then retried quietly
// until it changes.
func Run(ctx context.Context, cfg Config) error {
	cfg.defaults()
	log := cfg.Logger
	bo := backoff.New(cfg.Clock, cfg.RetryMin, cfg.RetryMax)
	lastOpenErr := ""
	for {
		dev, err := cfg.Open(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, ErrGone) {
				return nil
			}
			if errors.Is(err, hid.ErrUnsupported) {
				return fmt.Errorf("open the handset: %w (not a HID device: check the --device SPEC)", err)
			}
			if msg := err.Error(); msg != lastOpenErr {
				lastOpenErr = msg
				switch {
				case errors.Is(err, hid.ErrPermission):
					log.Error("cannot open the handset: permission denied; install the udev rules with `make install` and replug it (retrying quietly)", "err", err)
				case errors.Is(err, hid.ErrDisconnected), errors.Is(err, fs.ErrNotExist):
					log.Info("the handset is not there; waiting for it", "err", err)
				default:
					log.Warn("cannot open the handset; retrying quietly", "err", err)
				}
			} else {
				log.Debug("cannot open the handset yet", "err", err)
			}
			if bo.Wait(ctx) != nil {
				return nil
			}
			continue
		}
		lastOpenErr = ""
		bo.Reset()
		err = runDevice(ctx, cfg, dev)
		dev.Close()
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, hid.ErrDisconnected):
			log.Info("handset unplugged; waiting for it to come back", "device", dev.Info().String())
			if cfg.AudioGone != nil {
				cfg.AudioGone(ctx)
			}
		case errors.Is(err, errUnsupported):
			return err
		default:
			log.Warn("handset failed; reopening it", "device", dev.Info().String(), "err", err)
			if bo.Wait(ctx) != nil {
				return nil
			}
		}
	}
}

var errUnsupported = errors.New("unsupported handset")

// errRenamed ends a session whose handset must announce another NAME.
var errRenamed = errors.New("the handset's NAME changed")

type report struct {
	data []byte
	err  error
}

type hostMsg struct {
	sess     Session // set on connect
	protocol int
	// failed, set on connect, ends the session when sending to the host
	// fails: hostLoop then closes it and reconnects, and the next session
	// gets the handset's state again.
	failed func(error)
	err    error // set on loss
}

// owner is the single owner of one open handset's state.
type owner struct {
	cfg     Config
	dev     hid.Device
	prof    keymap.Profile
	h       Handset
	applied keymap.Output
	fresh   bool // nothing applied yet since open: write in full
	// echo tells the device's echo of our LED writes from the user's hook
	// (echo.go); hostTouched says the host changed the desired state since
	// the last apply, and reassert that an echo asks for the output again.
	echo        echoGuard
	hostTouched bool
	reassert    bool

	sess     Session
	protocol int
	// direct, when the session can, sends a command at once from this
	// goroutine while the outbox is idle (see put).
	direct   trySender
	box      *outbox
	stopSend context.CancelFunc
	sendDone chan struct{}
	events   int
	dropped  int              // commands dropped by earlier sessions' outboxes
	bad      *ratelog.Limiter // malformed reports skipped
	slow     *ratelog.Limiter // commands dropped for a slow host

	clk    clock.Clock
	talker keymap.Talker // nil for a profile that only listens
	wake   timer         // when the talker wants the floor again
	tick   timer         // when the call clock on the display next moves
	// confirm is when a held hook-on (echo.go) is decided.
	confirm timer

	audioIn, audioOut string
	tone              Tone // last tone asked of cfg.Tones
	wanted            Tone // last tone the handset wanted, played or not

	access Access         // used in ModeAccess
	calls  phoneapi.Calls // the host's calls as last notified
}

// timer is a clock.Timer armed on demand; its channel is nil while it is
// not armed, so a select on it waits forever.
type timer struct {
	t     clock.Timer
	armed bool
}

// at arms the timer for when (now or later); the zero Time disarms it.
func (t *timer) at(clk clock.Clock, when time.Time) {
	if when.IsZero() {
		if t.armed {
			t.t.Stop()
			t.armed = false
		}
		return
	}
	d := max(when.Sub(clk.Now()), 0)
	if t.t == nil {
		t.t = clk.NewTimer(d)
	} else {
		t.t.Stop()
		t.t.Reset(d)
	}
	t.armed = true
}

func (t *timer) c() <-chan time.Time {
	if !t.armed {
		return nil
	}
	return t.t.C()
}

// fired notes that the timer's channel delivered.
func (t *timer) fired() { t.armed = false }

func (t *timer) stop() {
	if t.armed {
		t.t.Stop()
		t.armed = false
	}
}

// newOwner builds the owner of an open device.
func newOwner(cfg Config, dev hid.Device, prof keymap.Profile) *owner {
	clk := cfg.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	o := &owner{cfg: cfg, dev: dev, prof: prof, fresh: true, clk: clk, bad: ratelog.New(clk, badReportLogEvery),
		slow: ratelog.New(clk, badReportLogEvery)}
	o.talker, _ = prof.(keymap.Talker)
	o.echo.can = takesHostHook(prof)
	_, display := prof.(keymap.Display)
	o.h.SetDisplay(display)
	return o
}

func runDevice(ctx context.Context, cfg Config, dev hid.Device) error {
	log := cfg.Logger.With("device", dev.Info().String())
	desc, err := dev.ReportDescriptor()
	if err != nil {
		return fmt.Errorf("read report descriptor: %w", err)
	}
	prof, err := cfg.Profile(dev.Info(), desc)
	if err != nil {
		return fmt.Errorf("%w %s: %w", errUnsupported, dev.Info(), err)
	}
	name := cfg.Name
	if name == "" {
		name = prof.Name()
	}
	log.Info("handset open", "name", name)

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()

	reports := startReader(ctx, &wg, dev, prof.InputReportSize())
	hostCh := make(chan hostMsg)
	wg.Add(1)
	go func() {
		defer wg.Done()
		hostLoop(ctx, cfg, log, name, hostCh)
	}()

	o := newOwner(cfg, dev, prof)
	o.audioIn, o.audioOut = cfg.AudioIn, cfg.AudioOut
	audioLate := make(chan audioFound, 1)
	if cfg.Audio != nil {
		opened := cfg.Clock.Now()
		in, out, err := cfg.Audio(ctx, dev.Info())
		o.audioIn, o.audioOut = in, out
		switch {
		case err == nil:
			log.Info("handset's own sound device", "audio_in", in, "audio_out", out)
		case cfg.AudioRetry > 0:
			log.Info("handset's sound device not found yet; announcing the host's default meanwhile and looking again",
				"audio_in", in, "audio_out", out, "for", cfg.AudioRetry, "why", err)
			wg.Add(1)
			go func() {
				defer wg.Done()
				retryAudio(ctx, cfg, dev.Info(), opened, audioLate)
			}()
		default:
			o.audioNotFound(log, in, out, err)
		}
	}
	if cfg.Tones != nil {
		defer func() { o.setTone(Tone{}) }()
	}
	defer o.stopSender()
	defer o.wake.stop()
	defer o.tick.stop()
	defer o.confirm.stop()
	if err := o.apply(); err != nil {
		return err
	}
	for {
		var updates <-chan phoneapi.Update
		if o.sess != nil {
			updates = o.sess.Updates()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case r := <-reports:
			if r.err != nil {
				return o.unplugged(ctx, log, r.err)
			}
			o.onReport(log, r.data)
		case m := <-hostCh:
			o.onHost(ctx, log, m)
		case f := <-audioLate:
			o.onAudioFound(log, f)
		case u, ok := <-updates:
			if !ok {
				// The session is over; hostLoop reports the loss.
				o.sess = nil
				continue
			}
			o.onUpdate(u)
		case <-o.wake.c():
			o.wake.fired()
		case <-o.tick.c():
			o.tick.fired()
		case <-o.confirm.c():
			o.confirm.fired()
			o.onConfirm(log)
		}
		if err := o.apply(); err != nil {
			// A write can be the first to find the handset gone.
			return o.unplugged(ctx, log, err)
		}
	}
}

// unplugged passes err on; when it says the handset is gone, whether a read
// or a write found that out first, the host hears it hang up first.
func (o *owner) unplugged(ctx context.Context, log *slog.Logger, err error) error {
	if errors.Is(err, hid.ErrDisconnected) {
		o.hangUpUnplugged(ctx, log)
	}
	return err
}

// unplugFlush bounds how long an unplugged handset's last commands (its
// HOOK ON) may take to reach the host before its connection closes.
const unplugFlush = time.Second

// hangUpUnplugged tells the host that a handset pulled out while off hook
// (mid-call, or dialling) is back on hook, and waits until the outbox has
// gone out, so that HOOK ON reaches the host before the connection
// closes: a host must not keep a call up for a handset that is gone.
func (o *owner) hangUpUnplugged(ctx context.Context, log *slog.Logger) {
	if !o.h.OffHook() || o.box == nil {
		return
	}
	log.Info("handset unplugged off hook; telling the host it hung up")
	// Through the outbox only, so drained sees the line all the way out:
	// a line sent directly may still be finishing when the session closes.
	o.direct = nil
	for _, c := range o.h.Event(keymap.Event{Kind: keymap.EventHook, Active: false}) {
		o.send(log, c)
	}
	fctx, cancel := context.WithTimeout(ctx, unplugFlush)
	defer cancel()
	if err := o.box.drained(fctx); err != nil {
		log.Warn("the host did not take the unplugged handset's HOOK ON in time", "err", err)
	}
}

// badReportLogEvery bounds the warnings about malformed reports.
const badReportLogEvery = 10 * time.Second

// startReader starts the one reader goroutine of dev, counted in wg, and
// returns the channel it hands raw reports on. The owner decodes them, so
// the profile is used by one goroutine only. The reader ends after the first
// error it hands over, or when ctx ends.
func startReader(ctx context.Context, wg *sync.WaitGroup, dev hid.Device, size int) <-chan report {
	reports := make(chan report, 16)
	wg.Add(1)
	go func() {
		defer wg.Done()
		readReports(ctx, dev, size, reports)
	}()
	return reports
}

func readReports(ctx context.Context, dev hid.Device, size int, out chan<- report) {
	if size <= 0 {
		size = 64
	}
	for {
		buf := make([]byte, size)
		n, err := dev.ReadInput(ctx, buf)
		r := report{data: buf[:n], err: err}
		select {
		case out <- r:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

func (o *owner) onReport(log *slog.Logger, data []byte) {
	evs, err := o.prof.Decode(data)
	if err != nil {
		o.skip(log, data, err)
		return
	}
	for _, ev := range evs {
		o.events++
		switch o.echo.check(ev, o.h.OffHook(), o.clk.Now()) {
		case hold:
			log.Debug("hook-on right after the host changed the LEDs: writing them again to see whether the device echoed them",
				"report", fmt.Sprintf("% x", data))
			o.reassert = true
			o.confirm.at(o.clk, o.echo.decideAt())
			continue
		case isEcho:
			o.confirm.stop()
			log.Info("the device's hook-on was its echo of our LED write (it went back off hook): not a hang-up",
				"report", fmt.Sprintf("% x", data), "echoes", o.echo.echoes)
			continue
		case dropDup:
			continue
		}
		o.event(log, ev)
	}
}

func (o *owner) event(log *slog.Logger, ev keymap.Event) {
	for _, c := range o.h.Event(ev) {
		o.send(log, c)
	}
}

// onConfirm decides a held hook-on the device did not take back: the user
// hung up.
func (o *owner) onConfirm(log *slog.Logger) {
	if ev, ok := o.echo.release(); ok {
		o.event(log, ev)
	}
}

// skip counts a malformed report and logs it at a bounded rate.
func (o *owner) skip(log *slog.Logger, data []byte, err error) {
	if ok, suppressed, total := o.bad.Allow(); ok {
		log.Warn("skipping a malformed input report", "report", fmt.Sprintf("% x", data), "err", err,
			"suppressed_since_last", suppressed, "skipped_total", total)
	}
}

func (o *owner) send(log *slog.Logger, c Command) {
	if o.cfg.Mode == ModeAccess {
		if o.box == nil {
			log.Debug("no host; the device event has no meaning", "command", c.Line)
			return
		}
		for _, a := range o.access.Translate(c.Event, o.calls) {
			o.put(log, a)
		}
		return
	}
	o.put(log, c)
}

// trySender is a Session that can send a command without waiting
// (phoneapi.Client over a phoneapi.TryWriter transport).
type trySender interface {
	TrySend(cmd phoneapi.Command) (bool, error)
}

// put hands c to the host. While the outbox is idle (nothing queued,
// nothing being sent) and the session can send without waiting, the owner
// writes c itself: no earlier command is left to overtake, and the line
// goes out without waking the sender. Otherwise, or when the transport
// declines (a host that has not made room, a request being written) or
// fails, c joins the outbox, whose sender meets any failure again and
// ends the session.
func (o *owner) put(log *slog.Logger, c Command) {
	if o.box == nil {
		log.Debug("no host yet; the next host gets the hook state on connect", "command", string(c.Line))
		return
	}
	if o.direct != nil && o.box.idle() {
		if sent, err := o.direct.TrySend(c.Line); sent && err == nil {
			return
		}
	}
	if !o.box.put(c) {
		// A key storm against a stuck host drops thousands: one line per
		// interval, with the count.
		if ok, suppressed, _ := o.slow.Allow(); ok {
			log.Warn("host is slow; dropped a command", "command", c.Line, "dropped", o.dropped+o.box.Dropped(),
				"suppressed_since_last", suppressed)
		}
	}
}

func (o *owner) onHost(ctx context.Context, log *slog.Logger, m hostMsg) {
	o.hostTouched = true
	if m.sess == nil {
		o.stopSender()
		o.sess = nil
		o.h.HostUp(false)
		o.access.Reset()
		o.calls = phoneapi.Calls{}
		return
	}
	o.sess, o.protocol = m.sess, m.protocol
	o.direct, _ = m.sess.(trySender)
	o.h.HostUp(true)
	o.box = newOutbox(o.cfg.OutboxSize)
	sctx, cancel := context.WithCancel(ctx)
	o.stopSend = cancel
	o.sendDone = make(chan struct{})
	go sendLoop(sctx, log, m.sess, o.box, m.failed, o.cfg.Clock, o.sendDone)
	if o.cfg.Mode == ModeAccess {
		// An access-API host knows neither AUDIO_* nor HOOK; there is no
		// device state for it to resync. Its protocol picks the call
		// commands.
		o.access.Protocol = m.protocol
		return
	}
	o.box.put(Command{Line: phoneapi.AudioIn(o.audioIn)})
	o.box.put(Command{Line: phoneapi.AudioOut(o.audioOut)})
	for _, c := range o.h.Resync() {
		o.box.put(c)
	}
}

func (o *owner) stopSender() {
	if o.stopSend != nil {
		o.stopSend()
		<-o.sendDone
		o.dropped += o.box.Dropped()
		o.stopSend, o.sendDone, o.box = nil, nil, nil
	}
	o.direct = nil
}

// sendLoop sends the outbox to the host. A command the host refused by
// itself (phoneapi.ErrRejected: the link is fine) is logged, at a bounded
// rate, and sending goes on. Any other failure means the link is failing:
// nothing sent after it could be trusted to arrive, so the session is ended
// through failed, and the driver reconnects and resyncs the handset.
func sendLoop(ctx context.Context, log *slog.Logger, s Session, box *outbox, failed func(error), clk clock.Clock, done chan<- struct{}) {
	defer close(done)
	refusals := ratelog.New(clk, refusedLogEvery)
	for {
		c, err := box.take(ctx)
		if err != nil {
			return
		}
		err = s.Send(ctx, c.Line)
		failing := err != nil && ctx.Err() == nil && !errors.Is(err, phoneapi.ErrRejected)
		if failing {
			// Before done, so the box never looks idle to the owner past
			// the failed command.
			box.halt()
		}
		box.done()
		switch {
		case err == nil, ctx.Err() != nil:
		case errors.Is(err, phoneapi.ErrRejected):
			if ok, suppressed, total := refusals.Allow(); ok {
				log.Warn("the host refused a command; going on with the next", "command", c.Line, "err", err,
					"suppressed_since_last", suppressed, "refused_total", total)
			}
		default:
			log.Warn("cannot send to the host; ending the session to reconnect", "command", c.Line, "err", err)
			if failed != nil {
				failed(fmt.Errorf("send %q: %w", c.Line, err))
			}
			return
		}
	}
}

// refusedLogEvery bounds the warnings about commands the host refused.
const refusedLogEvery = 10 * time.Second

func (o *owner) onUpdate(u phoneapi.Update) {
	o.hostTouched = true
	o.calls = u.Calls
	if u.Mute != nil {
		o.h.HostMute(*u.Mute)
	}
	ringing := u.Calls.Ringing()
	active, inCall := u.Calls.Active()
	held := inCall && isHeld(active.Status)
	lcd := ""
	if c, ok := u.Calls.RingingCall(); ok {
		lcd = partner(c)
	} else if inCall {
		lcd = partner(active)
	}
	all := u.Calls.All()
	if lcd == "" && !inCall && len(all) > 0 {
		lcd = partner(all[0]) // an outgoing call being set up
	}
	o.h.HostCalls(ringing, inCall && !held, held, lcd)
	out, pending := callrules.OutgoingPending(u.Calls)
	o.h.HostRingback(pending && out.Status == "RINGING")
	id, secs := 0, 0
	if inCall {
		id, secs = active.ID, active.Duration
	}
	o.h.HostCallClock(len(all) > 0, id, secs, o.clk.Now())
}

// audioNotFound logs the final outcome of a lookup that did not find
// everything.
func (o *owner) audioNotFound(log *slog.Logger, in, out string, err error) {
	msg := "announcing the host's default sound device for what was not found"
	if o.cfg.Tones != nil && out == "" {
		msg += "; the handset plays no tones"
	}
	log.Warn(msg, "audio_in", in, "audio_out", out, "why", err)
}

// onAudioFound takes the outcome of the lookup retried after the open: new
// names are announced to the host at once, and a tone playing moves to the
// new device.
func (o *owner) onAudioFound(log *slog.Logger, f audioFound) {
	if f.err != nil {
		o.audioNotFound(log, f.in, f.out, f.err)
	} else {
		log.Info("handset's own sound device, found after the open", "audio_in", f.in, "audio_out", f.out)
	}
	if f.in == o.audioIn && f.out == o.audioOut {
		return
	}
	if f.out != o.audioOut && o.tone != (Tone{}) {
		o.setTone(Tone{}) // silence it where it was; apply restarts it
	}
	o.audioIn, o.audioOut = f.in, f.out
	if o.box != nil && o.cfg.Mode != ModeAccess {
		o.box.put(Command{Line: phoneapi.AudioIn(o.audioIn)})
		o.box.put(Command{Line: phoneapi.AudioOut(o.audioOut)})
	}
}

// wantTone logs the tone the handset should play when it changes, even
// with nothing to play it on (no tone player, no sound device), so the
// call-progress state can be followed in the log; then asks for it.
func (o *owner) wantTone(t Tone) {
	if t != o.wanted {
		o.wanted = t
		if o.cfg.Logger != nil {
			o.cfg.Logger.Debug("tone wanted", "tone", t.String())
		}
	}
	o.setTone(t)
}

// setTone asks cfg.Tones for tone when it differs from the last one asked.
func (o *owner) setTone(t Tone) {
	if o.cfg.Tones == nil || o.audioOut == "" || t == o.tone {
		return
	}
	o.tone = t
	o.cfg.Logger.Debug("tone", "tone", t.String(), "device", o.audioOut)
	o.cfg.Tones.Set(o.audioOut, t)
}

// apply writes the desired output when it differs from what the device has,
// asks for the tone the handset should play, then gives a talking profile
// the floor.
func (o *owner) apply() error {
	now := o.clk.Now()
	o.tick.at(o.clk, o.h.Tick(now))
	// A talking profile may learn only from the device whether it rings.
	o.wantTone(o.h.Tone(canRing(o.prof)))
	out := o.h.Output()
	byHost := o.hostTouched && !o.fresh && out.LEDs != o.applied.LEDs
	o.hostTouched = false
	if o.fresh || o.reassert || out != o.applied {
		reports, err := o.prof.Encode(out)
		if err != nil {
			return fmt.Errorf("encode output: %w", err)
		}
		if err := o.write(reports); err != nil {
			return err
		}
		if byHost {
			o.echo.wrote(now)
		}
		o.applied, o.fresh, o.reassert = out, false, false
	}
	if err := o.talk(); err != nil {
		return err
	}
	o.observe()
	return nil
}

// talk runs the profile's side of the conversation with the device (see
// keymap.Talker) and arms the wake-up it asks for.
func (o *owner) talk() error {
	if o.talker == nil {
		return nil
	}
	reports, wake := o.talker.Talk(o.clk.Now())
	if err := o.write(reports); err != nil {
		return err
	}
	o.wake.at(o.clk, wake)
	return nil
}

func (o *owner) write(reports [][]byte) error {
	for _, r := range reports {
		if err := o.dev.WriteOutput(r); err != nil {
			return fmt.Errorf("write output report: %w", err)
		}
	}
	return nil
}

func (o *owner) observe() {
	if o.cfg.Observe == nil {
		return
	}
	d := o.dropped
	if o.box != nil {
		d += o.box.Dropped()
	}
	o.cfg.Observe(Observation{Output: o.applied, OffHook: o.h.OffHook(), Muted: o.h.Muted(), HostUp: o.sess != nil, Protocol: o.protocol, Events: o.events, Dropped: d})
}

// hostLoop keeps one host session alive for the handset: dial, handshake,
// hand the session to the owner, run it, report its loss, back off, repeat.
func hostLoop(ctx context.Context, cfg Config, log *slog.Logger, base string, owner chan<- hostMsg) {
	bo := backoff.New(cfg.Clock, cfg.RetryMin, cfg.RetryMax)
	// A host that stays away is logged once, and again only when why
	// changes; the retries in between are quiet (DEBUG).
	lastWhy := ""
	retrying := func(msg string, err error) {
		if why := msg + ": " + err.Error(); why != lastWhy {
			lastWhy = why
			log.Warn(msg+"; retrying quietly", "err", err)
			return
		}
		log.Debug(msg+"; retrying", "err", err)
	}
	for ctx.Err() == nil {
		name, renamed := base, (<-chan struct{})(nil)
		if cfg.Names != nil {
			name, renamed = cfg.Names.Claim(base)
		}
		sess, err := cfg.Dial(ctx)
		if err != nil {
			if ctx.Err() == nil {
				retrying("cannot reach the Phone API host", err)
			}
			if bo.Wait(ctx) != nil {
				return
			}
			continue
		}
		hctx, cancel := context.WithTimeout(ctx, cfg.HandshakeTimeout)
		proto, err := sess.Handshake(hctx, name)
		cancel()
		if err != nil {
			sess.Close()
			if ctx.Err() != nil {
				return
			}
			switch {
			case errors.Is(err, phoneapi.ErrOffline):
				retrying("the host has nobody logged in (CONNSTATUS OFFLINE)", err)
			case errors.Is(err, phoneapi.ErrAccessDenied):
				retrying("the host refused access (ERROR 68); allow handsetd in the host", err)
			default:
				retrying("handshake with the host failed", err)
			}
			if bo.Wait(ctx) != nil {
				return
			}
			continue
		}
		lastWhy = ""
		log.Info("host connected", "protocol", proto, "name", name)
		started := cfg.Clock.Now()
		runErr := make(chan error, 1)
		rctx, stop := context.WithCancel(ctx)
		go func() { runErr <- sess.Run(rctx) }()
		sendErr := make(chan error, 1)
		failed := func(err error) {
			select {
			case sendErr <- err:
			default:
			}
		}
		var pinging sync.WaitGroup
		pingErr := make(chan error, 1)
		if p, ok := sess.(pinger); ok && cfg.PingInterval > 0 {
			pinging.Add(1)
			go func() {
				defer pinging.Done()
				keepAlive(rctx, cfg.Clock, cfg.PingInterval, p, pingErr)
			}()
		}
		select {
		case owner <- hostMsg{sess: sess, protocol: proto, failed: failed}:
		case <-ctx.Done():
		}
		ran := false
		select {
		case err = <-runErr:
			ran = true
		case err = <-pingErr:
			log.Warn("the host stopped answering PING; treating it as gone", "err", err)
		case err = <-sendErr:
		case <-renamed:
			err = errRenamed
			log.Info("another handset earlier in --device order announces the same NAME; greeting the host again as the next number", "was", name)
		case <-ctx.Done():
			err = ctx.Err()
		}
		stop()
		sess.Close()
		if !ran {
			<-runErr
		}
		pinging.Wait()
		if ctx.Err() != nil {
			return
		}
		log.Warn("lost the host; reconnecting", "err", err)
		select {
		case owner <- hostMsg{err: err}:
		case <-ctx.Done():
			return
		}
		// A host that left is greeted again as soon as Dial sees a new one
		// (Dial waits for it, so this cannot spin); a renamed handset at
		// once (names change only when a handset opens).
		if cfg.DialWaitsForHost && errors.Is(err, phoneapi.ErrClosed) || errors.Is(err, errRenamed) {
			bo.Reset()
			continue
		}
		// A session that lasted resets the backoff; one the host drops at
		// once does not, so a crashing host is not hammered.
		if cfg.Clock.Now().Sub(started) > cfg.RetryMax {
			bo.Reset()
		}
		if bo.Wait(ctx) != nil {
			return
		}
	}
}

// pinger is a Session that can check the host is alive (phoneapi.Client).
type pinger interface {
	Ping(ctx context.Context) error
}

// keepAlive pings every interval until ctx ends; the first failure is sent
// to failed.
func keepAlive(ctx context.Context, clk clock.Clock, interval time.Duration, p pinger, failed chan<- error) {
	for {
		t := clk.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C():
		}
		if err := p.Ping(ctx); err != nil {
			if ctx.Err() == nil {
				failed <- fmt.Errorf("keep-alive PING: %w", err)
			}
			return
		}
	}
}

func isHeld(status string) bool {
	switch status {
	case "ONHOLD", "LOCALHOLD", "REMOTEHOLD":
		return true
	}
	return false
}

// partner is what a display shows for the other party of a call.
func partner(c phoneapi.Call) string {
	if c.PartnerDispName != "" {
		return c.PartnerDispName
	}
	return c.PartnerHandle
}
