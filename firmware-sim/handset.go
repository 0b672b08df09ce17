package firmwaresim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"github.com/handsetd/handsetd/internal/clock"
)

// Options configure a Handset. The zero value is usable.
type Options struct {
	// Clock drives the firmware's timers; nil means the system clock.
	Clock clock.Clock
	// HookTimeout is how long the firmware waits for the host to acknowledge
	// a hook change on its Off-Hook LED before it reverts; 0 means 1 s.
	HookTimeout time.Duration
	// Serial is the USB serial number; empty means "SIM0001".
	Serial string
	// Unplugged starts the handset unplugged.
	Unplugged bool
	// Logger receives Serve's per-connection errors; nil discards them.
	Logger *slog.Logger
	// OnOutput, when set, sees every output report a host sends (id byte
	// first), before the firmware handles it, whatever the transport: tests
	// use it to check the exact bytes. It runs with the handset locked and
	// must not call the Handset.
	OnOutput func(report []byte)
}

// LEDState is the state of the handset's indicators.
type LEDState struct {
	OffHook    bool `json:"offhook"`
	Mute       bool `json:"mute"`
	Ring       bool `json:"ring"`
	Hold       bool `json:"hold"`
	Microphone bool `json:"microphone"`
}

// State is a snapshot of the handset. Its JSON form is the answer to the
// control command "state".
type State struct {
	Model   string `json:"model"`
	Plugged bool   `json:"plugged"`
	// Hook is "on" (idle) or "off" (lifted).
	Hook    string   `json:"hook"`
	Ringing bool     `json:"ringing"`
	LEDs    LEDState `json:"leds"`
	// LCD is the display text; empty for a model without a display.
	LCD string `json:"lcd"`
	// Muted is the mute state the device shows (it follows the Mute LED).
	Muted bool `json:"muted"`
	// HookPending is true while a hook change awaits the host's
	// acknowledgement on the Off-Hook LED.
	HookPending bool `json:"hook_pending"`
	// Keys lists the keys held down, by Phone API name.
	Keys         []string `json:"keys"`
	RingerVolume int      `json:"ringer_volume"`
	// Hosts is how many hosts poll the device (open in-process Devices and
	// socket clients that sent UHID_OPEN).
	Hosts int `json:"hosts"`

	// The fields below belong to the legacy models; they are omitted when
	// zero.

	// Version is the firmware version a Yealink phone reports to VERSION.
	Version string `json:"version,omitempty"`
	// LCDIcons lists the lit pictograms of a Yealink LCD.
	LCDIcons []string `json:"lcd_icons,omitempty"`
	// DialTone is a Yealink phone's dial tone.
	DialTone bool `json:"dialtone,omitempty"`
	// RingTone describes the ring notes uploaded to a Yealink P1K.
	RingTone string `json:"ringtone,omitempty"`
	// BadPackets counts the packets a Yealink phone answered with 0xfd.
	BadPackets int `json:"bad_packets,omitempty"`
	// PSTN is true while a B2K is switched to its landline, PSTNRing while
	// that line rings.
	PSTN     bool `json:"pstn,omitempty"`
	PSTNRing bool `json:"pstn_ring,omitempty"`
	// GPO is the CM109's general-purpose output register (the keypad
	// columns the host drives), as two hex digits.
	GPO string `json:"gpo,omitempty"`
}

// ErrUnplugged is returned by actions on an unplugged handset.
var ErrUnplugged = errors.New("the handset is unplugged (plug it first)")

// ErrHandsetClosed is returned after Close.
var ErrHandsetClosed = errors.New("the simulated handset is switched off")

// Handset is one simulated handset. All its methods are safe for concurrent
// use.
type Handset struct {
	model  ModelInfo
	opts   Options
	serial string

	mu       sync.Mutex
	fw       firmware
	plugged  bool
	sess     *Session
	plugWait chan struct{} // closed when plugged
	hosts    map[Host]struct{}
	held     []byte // the newest report no host has read (see inputHolder)

	id      identity      // the model's, fixed at New
	desc    []byte        // its report descriptor, fixed at New
	usb     USBDevice     // its USB layout, fixed at New
	changed chan struct{} // closed at the next state change
	last    State
	closed  bool
	claimed bool          // a transport has put the device on its bus (Claim)
	done    chan struct{} // closed by Close
}

// New returns a handset running the named model's firmware, plugged in
// unless opts.Unplugged.
func New(model string, opts Options) (*Handset, error) {
	def, err := lookupModel(model)
	if err != nil {
		return nil, err
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.HookTimeout <= 0 {
		opts.HookTimeout = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handset{
		model:    def.info,
		opts:     opts,
		serial:   opts.Serial,
		plugWait: make(chan struct{}),
		hosts:    map[Host]struct{}{},
		changed:  make(chan struct{}),
		done:     make(chan struct{}),
	}
	if h.serial == "" {
		h.serial = "SIM0001"
	}
	h.fw = def.new(handsetEnv{h}, opts)
	// A model's identity, descriptor and USB layout never change: keep
	// them, so that readers need no lock while a plug resets the firmware.
	h.id, h.desc = h.fw.identity(), h.fw.descriptor()
	h.usb = h.computeUSB()
	if !opts.Unplugged {
		h.plugLocked()
	}
	h.last = h.stateLocked()
	return h, nil
}

func (h *Handset) lock()   { h.mu.Lock() }
func (h *Handset) unlock() { h.mu.Unlock() }

// Model returns the handset's model.
func (h *Handset) Model() ModelInfo { return h.model }

// Descriptor returns the model's report descriptor.
func (h *Handset) Descriptor() []byte { return append([]byte(nil), h.desc...) }

// handsetEnv gives the firmware its reports' way out and its timers.
type handsetEnv struct{ h *Handset }

func (e handsetEnv) emit(report []byte) {
	if len(e.h.hosts) == 0 {
		if _, ok := e.h.fw.(inputHolder); ok {
			e.h.held = append([]byte(nil), report...)
		}
		return
	}
	for c := range e.h.hosts {
		r := make([]byte, len(report))
		copy(r, report)
		c.Deliver(r)
	}
}

// inputHolder is implemented by firmware whose interrupt IN endpoint keeps
// its newest unread report while no host polls, as a USB device's endpoint
// buffer does: a legacy phone answers a request the host sent before its
// first poll, and the host still reads that answer. (A HID-telephony
// model's reports, which say what the user did, are lost instead, as input
// is while nothing reads it.)
type inputHolder interface {
	holdsInput()
}

func (e handsetEnv) after(d time.Duration, f func()) func() {
	h := e.h
	t := h.opts.Clock.NewTimer(d)
	stop := make(chan struct{})
	sess := h.sess
	go func() {
		select {
		case <-t.C():
		case <-stop:
			return
		case <-h.done:
			return
		}
		h.lock()
		defer h.unlock()
		select {
		case <-stop: // stopped while we waited for the lock
			return
		default:
		}
		if h.sess != sess || !h.plugged {
			return
		}
		f()
		h.noteChangeLocked()
	}()
	var stopped bool
	return func() {
		if !stopped {
			stopped = true
			t.Stop()
			close(stop)
		}
	}
}

func (h *Handset) stateLocked() State {
	s := State{Model: h.model.Name, Plugged: h.plugged, Hosts: len(h.hosts)}
	h.fw.state(&s)
	return s
}

// noteChangeLocked wakes the Changed waiters if the state moved.
func (h *Handset) noteChangeLocked() {
	s := h.stateLocked()
	if stateEqual(s, h.last) {
		return
	}
	h.last = s
	close(h.changed)
	h.changed = make(chan struct{})
}

func stateEqual(a, b State) bool { return reflect.DeepEqual(a, b) }

// Changed returns a channel that is closed at the next change of State.
// Changes are coalesced: call Changed again after it fires, then read State.
func (h *Handset) Changed() <-chan struct{} {
	h.lock()
	defer h.unlock()
	return h.changed
}

// State returns a snapshot of the handset.
func (h *Handset) State() State {
	h.lock()
	defer h.unlock()
	return h.stateLocked()
}

// act runs a firmware action on a plugged handset.
func (h *Handset) act(f func() error) error {
	h.lock()
	defer h.unlock()
	if h.closed {
		return ErrHandsetClosed
	}
	if !h.plugged {
		return ErrUnplugged
	}
	err := f()
	h.noteChangeLocked()
	return err
}

// HookOff lifts the handset. Lifting a lifted handset does nothing.
func (h *Handset) HookOff() error { return h.act(func() error { return h.fw.hook(true) }) }

// HookOn hangs up. Hanging up an idle handset does nothing.
func (h *Handset) HookOn() error { return h.act(func() error { return h.fw.hook(false) }) }

// Press holds a key down. Keys are named as in the Phone API.
func (h *Handset) Press(key string) error { return h.act(func() error { return h.fw.press(key) }) }

// Release lets a held key go.
func (h *Handset) Release(key string) error { return h.act(func() error { return h.fw.release(key) }) }

// TapHoldMax bounds how long Tap holds a key down on a polled model while
// it waits for the host to see it. A polling host sees it within a few of
// its polls; the bound is for a host that stalls (a loaded machine: 1 s was
// too short with a dozen simulated phones polled side by side under -race).
const TapHoldMax = 5 * time.Second

// Tap presses and releases a key, the way a finger does: long enough for
// the host to see it.
//
// A HID-class model sends its press and its release as two input reports,
// and every transport queues them for the host in order (a USB interrupt
// endpoint, the UHID socket, the in-process Device): the host sees both, so
// the release follows the press at once.
//
// A polled model (the Yealink and CM109 phones) only shows a key while it
// is down, to a host that asks: pressed and released in the same instant,
// it would never be seen. So Tap holds the key until the firmware has
// reported it to the host (a first-generation Yealink answered a SCANCODE
// request with the press; a CM109 sent its registers with the key's row
// while the host drove that key's column alone, and the host then ended
// its scan, so it read them; a P1KH's unasked report went out), or
// for TapHoldMax at most on the handset's clock, so a host that never polls
// does not hang the tap. Then it releases the key and, the same way, waits
// until the host has read the release (a CM109 host scanned again), so that
// the next tap is not folded into this one. With no host polling at all, nobody can see the
// key and the tap completes at once. If the handset is unplugged while the
// key is held, the key goes with the power and Tap returns nil.
func (h *Handset) Tap(key string) error {
	seen := make(chan struct{})
	var (
		sess *Session
		w    tapWatcher
	)
	err := h.act(func() error {
		if err := h.fw.press(key); err != nil {
			return err
		}
		var ok bool
		if w, ok = h.fw.(tapWatcher); !ok || len(h.hosts) == 0 {
			w = nil
			return h.fw.release(key)
		}
		sess = h.sess
		var once sync.Once
		w.watchTap(key, func() { once.Do(func() { close(seen) }) })
		return nil
	})
	if err != nil || w == nil {
		return err
	}
	t := h.opts.Clock.NewTimer(TapHoldMax)
	defer t.Stop()
	select {
	case <-seen:
	case <-t.C():
	case <-sess.gone:
	case <-h.done:
	}
	released := make(chan struct{})
	h.lock()
	if h.closed || h.sess != sess || !h.plugged {
		h.unlock()
		return nil
	}
	w.watchTap(key, nil)
	err = h.fw.release(key)
	if err == nil {
		var once sync.Once
		w.watchRelease(key, func() { once.Do(func() { close(released) }) })
	}
	h.noteChangeLocked()
	h.unlock()
	if err != nil {
		return err
	}
	t.Reset(TapHoldMax)
	select {
	case <-released:
	case <-t.C():
	case <-sess.gone:
	case <-h.done:
	}
	h.lock()
	defer h.unlock()
	w.watchRelease(key, nil)
	return nil
}

// Mute presses and releases the mute button.
func (h *Handset) Mute() error { return h.act(h.fw.mute) }

// Unplug pulls the handset out: its Devices and socket connections are
// disconnected. Unplugging an unplugged handset does nothing.
func (h *Handset) Unplug() error {
	h.lock()
	defer h.unlock()
	if h.closed {
		return ErrHandsetClosed
	}
	h.unplugLocked()
	h.noteChangeLocked()
	return nil
}

func (h *Handset) unplugLocked() {
	if !h.plugged {
		return
	}
	h.plugged = false
	close(h.sess.gone)
	h.sess = nil
	clear(h.hosts)
	h.held = nil
	h.plugWait = make(chan struct{})
	h.fw.powerOn() // no power, no state: it comes back in its power-on state
}

// Plug puts the handset back in, in its power-on state. Plugging a plugged
// handset does nothing.
func (h *Handset) Plug() error {
	h.lock()
	defer h.unlock()
	if h.closed {
		return ErrHandsetClosed
	}
	h.plugLocked()
	h.noteChangeLocked()
	return nil
}

func (h *Handset) plugLocked() {
	if h.plugged {
		return
	}
	h.fw.powerOn()
	h.plugged = true
	h.sess = &Session{h: h, gone: make(chan struct{})}
	close(h.plugWait)
}

// Close switches the simulator off: it unplugs the handset, stops its
// timers, and makes Open and Serve return. It is safe to call more than once.
func (h *Handset) Close() error {
	h.lock()
	defer h.unlock()
	if h.closed {
		return nil
	}
	h.unplugLocked()
	h.closed = true
	close(h.done)
	h.noteChangeLocked()
	return nil
}

// WaitHosts blocks until at least n hosts poll the device. Tests use it to
// know that a socket client's UHID_OPEN has been seen before they act.
func (h *Handset) WaitHosts(ctx context.Context, n int) error {
	for {
		h.lock()
		got := len(h.hosts)
		ch := h.changed
		h.unlock()
		if got >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %d hosts (have %d): %w", n, got, ctx.Err())
		case <-ch:
		}
	}
}
