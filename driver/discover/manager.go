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
	var watchErr chan error
	watch := func() {
		// The watch starts before the scan, so that a handset plugged in
		// meanwhile is not missed (only one plugged in within the
		// microseconds before its socket is bound could be).
		c := make(chan error, 1)
		watchErr = c
		wg.Add(1)
		go func() {
			defer wg.Done()
			c <- m.Watch.Watch(ctx, events)
		}()
	}
	if m.Watch != nil {
		watch()
	}
	ended := make(chan *running, 16)
	live := map[string]*running{}
	failed := map[string]string{} // key → the error logged, until it leaves

	scan := func(ev Event) {
		hs, err := m.Scan(ctx)
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
			if _, ok := live[k]; ok {
				continue
			}
			if _, ok := failed[k]; ok && ev.Kind != hid.Added {
				continue // tried already: wait for its next event
			}
			dev, err := m.Open(ctx, h)
			if err != nil {
				if failed[k] != err.Error() {
					log.Error("cannot open a handset plugged in; the others go on", "handset", h.Info.String(), "err", err, "fix", Fix(err))
				}
				failed[k] = err.Error()
				continue
			}
			delete(failed, k)
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
		for k, r := range live {
			if seen[k] {
				continue
			}
			// It leaves live now, so that plugging it in again starts a
			// new driver even while this one is still ending. The driver
			// ends by itself once its reads fail; stop it if it has not
			// after grace.
			delete(live, k)
			close(r.removed)
			t := time.AfterFunc(grace, r.cancel)
			go func() { <-r.done; t.Stop() }()
		}
		for k := range failed {
			if !seen[k] {
				delete(failed, k)
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
			scan(Event{Event: ev, At: time.Now()})
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
