package discover

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	"github.com/handsetd/handsetd/driver"
	"github.com/handsetd/handsetd/hid"
)

// Manager keeps one driver running for every supported handset plugged in.
type Manager struct {
	// Scan lists the handsets plugged in (Scanner.Scan).
	Scan func(ctx context.Context) ([]Handset, error)
	// Open opens a handset with its backend (Scanner.Open).
	Open func(ctx context.Context, h Handset) (hid.Device, error)
	// Watch delivers device events (Scanner.Watch); nil scans once and
	// never again.
	Watch Watcher
	// Lookup, when set, names the handset a plug event brings
	// (Scanner.Lookup), so that an event leads to that one device being
	// looked at instead of a Scan of every device: a full scan opens every
	// USB phone for its strings, hundreds of milliseconds on a slow bus.
	// ok is false when the event brings no supported handset. An unplug
	// event then ends the driver of the handset whose Info.Path it names.
	// nil: every event leads to a Scan.
	Lookup func(ctx context.Context, ev hid.Event) (h Handset, ok bool)
	// Want, when set, picks the handsets to drive (usb:VID:PID[:SERIAL]).
	Want func(Handset) bool
	// Drive runs the driver for one handset until ctx ends or open
	// reports driver.ErrGone (driver.Run with open as Config.Open). ev is
	// the event that brought the handset (zero for one present at start).
	Drive func(ctx context.Context, h Handset, ev Event, open func(context.Context) (hid.Device, error)) error
	// GoneGrace is how long a handset's driver may take to end by itself
	// (telling the host HOOK ON) after its handset left, before it is
	// stopped; default 2 s.
	GoneGrace time.Duration
	Logger    *slog.Logger
}

// Watcher delivers plug and unplug events until ctx ends, as
// hid.Backend's Watch does (Scanner.Watch watches all its backends).
type Watcher interface {
	Watch(ctx context.Context, events chan<- hid.Event) error
}

// Event is a device event as the manager received it.
type Event struct {
	hid.Event
	// At is when the manager received it; zero for the scan at start.
	At time.Time
}

// running is one handset's driver.
type running struct {
	h       Handset
	cancel  context.CancelFunc
	removed chan struct{} // closed when a scan no longer lists it
	done    chan struct{}
}

// Run drives handsets until ctx ends.
func (m *Manager) Run(ctx context.Context) error {
	log := m.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	grace := m.GoneGrace
	if grace <= 0 {
		grace = 2 * time.Second
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	// Whatever ends Run ends the drivers and the watch with it.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := make(chan hid.Event, 64)
	var watchErr <-chan error
	// The watch starts before the scan, so that a handset plugged in
	// meanwhile is not missed (only one plugged in within the microseconds
	// before its socket is bound could be).
	watch := func() { watchErr = startWatch(ctx, &wg, m.Watch, events) }
	if m.Watch != nil {
		watch()
	}
	ended := make(chan *running, 16)
	live := map[string]*running{}
	failed := map[string]string{}     // key → the error logged, until it leaves
	failedPath := map[string]string{} // key → its Info.Path, for its unplug event

	// start drives h unless it is driven already or failed to open and
	// ev is no new plug of it.
	start := func(h Handset, ev Event) {
		k := h.Key()
		if _, ok := live[k]; ok {
			return
		}
		if _, ok := failed[k]; ok && ev.Kind != hid.Added {
			return // tried already: wait for its next event
		}
		t0 := time.Now()
		dev, err := m.Open(ctx, h)
		log.Debug("opened a handset", "handset", h.Info.String(), "err", err, "took", time.Since(t0))
		if err != nil {
			if failed[k] != err.Error() {
				log.Error("cannot open a handset plugged in; the others go on", "handset", h.Info.String(), "err", err, "fix", Fix(err))
			}
			failed[k] = err.Error()
			failedPath[k] = h.Info.Path
			return
		}
		delete(failed, k)
		delete(failedPath, k)
		r := &running{h: h, removed: make(chan struct{}), done: make(chan struct{})}
		var hctx context.Context
		hctx, r.cancel = context.WithCancel(ctx)
		live[k] = r
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(r.done)
			err := m.Drive(hctx, h, ev, m.opener(h, dev, r.removed))
			if err != nil && hctx.Err() == nil {
				log.Error("handset stopped", "handset", h.Info.String(), "err", err, "fix", Fix(err))
			}
			select {
			case ended <- r:
			case <-ctx.Done():
			}
		}()
	}
	// gone ends the driver of a handset that left. It leaves live now, so
	// that plugging it in again starts a new driver even while this one is
	// still ending. The driver ends by itself once its reads fail; stop it
	// if it has not after grace.
	gone := func(k string, r *running) {
		delete(live, k)
		close(r.removed)
		t := time.AfterFunc(grace, r.cancel)
		go func() { <-r.done; t.Stop() }()
	}

	scan := func(ev Event) {
		t0 := time.Now()
		hs, err := m.Scan(ctx)
		log.Debug("scanned for handsets", "found", len(hs), "took", time.Since(t0))
		if err != nil {
			log.Warn("looking for handsets", "err", err)
		}
		seen := map[string]bool{}
		for _, h := range hs {
			if m.Want != nil && !m.Want(h) {
				continue
			}
			k := h.Key()
			seen[k] = true
			start(h, ev)
		}
		for k, r := range live {
			if !seen[k] {
				gone(k, r)
			}
		}
		for k := range failed {
			if !seen[k] {
				delete(failed, k)
				delete(failedPath, k)
			}
		}
	}
	// one handles an event that names its device (m.Lookup set): a plug
	// starts the handset it brings, an unplug ends the driver of the
	// handset at its path.
	one := func(ev Event) {
		switch ev.Kind {
		case hid.Added:
			t0 := time.Now()
			h, ok := m.Lookup(ctx, ev.Event)
			log.Debug("looked up the device of a plug event", "path", ev.Info.Path, "handset", ok, "took", time.Since(t0), "since_event", time.Since(ev.At))
			if ok && (m.Want == nil || m.Want(h)) {
				start(h, ev)
			}
		case hid.Removed:
			for k, r := range live {
				if r.h.Info.Path == ev.Info.Path {
					gone(k, r)
				}
			}
			for k, path := range failedPath {
				if path == ev.Info.Path {
					delete(failed, k)
					delete(failedPath, k)
				}
			}
		}
	}

	scan(Event{})
	for {
		select {
		case <-ctx.Done():
			return nil
		case r := <-ended:
			r.cancel()
			if k := r.h.Key(); live[k] == r {
				delete(live, k)
			}
		case ev := <-events:
			if m.Lookup != nil {
				one(Event{Event: ev, At: time.Now()})
			} else {
				scan(Event{Event: ev, At: time.Now()})
			}
		case err := <-watchErr:
			if ctx.Err() != nil {
				return nil
			}
			if !errors.Is(err, hid.ErrEventsLost) {
				if err == nil {
					err = errors.New("the device event source stopped")
				}
				return fmt.Errorf("watch for handsets plugged in: %w", err)
			}
			// Events were dropped: listen again, then look at everything.
			log.Warn("device events were lost; looking for handsets again", "err", err)
			watch()
			scan(Event{Event: hid.Event{Kind: hid.Added}, At: time.Now()})
		}
	}
}

// startWatch runs w.Watch on a goroutine of its own, counted in wg, and
// returns where its end is reported.
func startWatch(ctx context.Context, wg *sync.WaitGroup, w Watcher, events chan<- hid.Event) <-chan error {
	c := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		c <- w.Watch(ctx, events)
	}()
	return c
}

// opener hands the driver the device the manager opened, then reopens it
// while the handset is still plugged in; once it is gone it reports
// driver.ErrGone, which ends the driver.
func (m *Manager) opener(h Handset, first hid.Device, removed <-chan struct{}) func(context.Context) (hid.Device, error) {
	var mu sync.Mutex
	return func(ctx context.Context) (hid.Device, error) {
		mu.Lock()
		d := first
		first = nil
		mu.Unlock()
		if d != nil {
			return d, nil
		}
		select {
		case <-removed:
			return nil, fmt.Errorf("%s: %w", h.Info, driver.ErrGone)
		default:
		}
		d, err := m.Open(ctx, h)
		if err == nil {
			return d, nil
		}
		if errors.Is(err, hid.ErrDisconnected) || errors.Is(err, fs.ErrNotExist) {
			// Unplugged: its remove event is on its way.
			select {
			case <-removed:
				return nil, fmt.Errorf("%s: %w", h.Info, driver.ErrGone)
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		return nil, err
	}
}

// Fix is what a user does about an error opening a handset.
func Fix(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, hid.ErrPermission):
		return "install handsetd's udev rules (sudo make install, or the handsetd package) and plug the handset in again"
	case errors.Is(err, hid.ErrUnsupported):
		return "this device is not a HID handset handsetd can drive"
	case errors.Is(err, hid.ErrDisconnected):
		return "plug the handset in again"
	}
	return "unplug the handset and plug it in again; if it persists, run handsetd doctor"
}
