package discover

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"sync"

	"github.com/handsetd/handsetd/hid"
)

// Follower is the handset a hidraw node names (--device hidraw:PATH),
// followed across replugs. The first Open opens the node as named; from
// then on the handset is known by what it is, not by its node: its USB id
// and interface number, and its serial, or, for a handset without one, the
// USB port it sits in. After an unplug, Open waits for the backend's plug
// events until that handset is back, whatever hidrawN it comes back as, and
// leaves alone another device that takes over the old node. Nothing runs
// while it waits: there is no polling.
//
// Its Open is a driver.Config.Open: errors other than "not there"
// (permission denied, a node that is no HID device) are returned as they
// are, so that the driver fails fast on a permanent one. After permission
// denied, the next Open waits for the handset's next event (plugged in
// again, or udevadm trigger once the udev rules are installed), not for
// the driver's backoff.
type Follower struct {
	// Path is the node given: /dev/hidrawN, or a udev symlink to one.
	Path string
	// Backend is the hidraw backend (hidraw.Backend): its Enumerate and
	// Watch find the handset again, its Open opens it.
	Backend Backend
	// SysfsRoot stands for /sys: where a node's USB interface is read.
	SysfsRoot string
	Logger    *slog.Logger

	mu     sync.Mutex
	id     *identity
	opened bool // Open has returned a device once
	// denied: the last open was refused permission. The next Open waits
	// for the handset's next event (a replug, or the change event of
	// udevadm trigger once the rules are installed) instead of trying
	// again on the driver's backoff.
	denied bool
}

// identity is what a handset stays across a replug.
type identity struct {
	vendor, product uint16
	iface           int
	serial          string
	// place is the USB interface's sysfs name (such as 1-1.2:1.3: bus,
	// port path, configuration, interface), "" off USB.
	place string
	name  string
}

func (id identity) String() string {
	switch {
	case id.serial != "":
		return fmt.Sprintf("%04x:%04x serial %q", id.vendor, id.product, id.serial)
	case id.place != "":
		return fmt.Sprintf("%04x:%04x in USB port %s", id.vendor, id.product, id.place)
	}
	return fmt.Sprintf("%04x:%04x named %q", id.vendor, id.product, id.name)
}

// is says whether the device i, whose USB interface is place, is this
// handset: the serial decides when it has one (the handset may come back in
// another port), the port when it has none, the product name off USB.
func (id identity) is(i hid.Info, place string) bool {
	if i.VendorID != id.vendor || i.ProductID != id.product || i.Interface != id.iface {
		return false
	}
	switch {
	case id.serial != "":
		return i.Serial == id.serial
	case id.place != "":
		return place == id.place
	}
	return i.Product == id.name
}

func (f *Follower) log() *slog.Logger {
	if f.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return f.Logger
}

// place is the sysfs name of the USB interface above the hidraw node
// i.Path, or "" when it is not on USB.
func (f *Follower) place(i hid.Info) string {
	if i.Interface < 0 {
		return ""
	}
	root := f.SysfsRoot
	if root == "" {
		root = "/sys"
	}
	hidDev, err := filepath.EvalSymlinks(filepath.Join(root, "class", "hidraw", filepath.Base(resolve(i.Path)), "device"))
	if err != nil {
		return ""
	}
	return filepath.Base(filepath.Dir(hidDev))
}

// known is the handset's identity, learned from the node given while it is
// there; nil until then.
func (f *Follower) known(ctx context.Context) *identity {
	f.mu.Lock()
	id := f.id
	f.mu.Unlock()
	if id != nil {
		return id
	}
	infos, _ := f.Backend.Enumerate(ctx)
	for _, i := range infos {
		if resolve(i.Path) == resolve(f.Path) {
			return f.learn(i)
		}
	}
	return nil
}

// learn records i as the handset followed, unless one is known already.
func (f *Follower) learn(i hid.Info) *identity {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.id == nil && (i.VendorID != 0 || i.ProductID != 0) {
		f.id = &identity{vendor: i.VendorID, product: i.ProductID, iface: i.Interface, serial: i.Serial, place: f.place(i), name: i.Product}
	}
	return f.id
}

// Claims says whether h, a handset discovery found, is the one followed, so
// that --device auto leaves it to this spec: by identity once it is known,
// by node until then.
func (f *Follower) Claims(h Handset) bool {
	if id := f.known(context.Background()); id != nil {
		place := ""
		if h.USB != "" {
			place = h.Interface
		}
		return id.is(h.Info, place)
	}
	return resolve(h.Node) == resolve(f.Path)
}

// wants says whether the device i is the handset followed.
func (f *Follower) wants(i hid.Info) bool {
	f.mu.Lock()
	id := f.id
	f.mu.Unlock()
	if id == nil {
		return resolve(i.Path) == resolve(f.Path)
	}
	return id.is(i, f.place(i))
}

// Open opens the handset: the node given the first time, and after that
// the handset wherever it is, waiting for it to be plugged in again.
func (f *Follower) Open(ctx context.Context) (hid.Device, error) {
	f.known(ctx)
	f.mu.Lock()
	first, denied := !f.opened, f.denied
	f.mu.Unlock()
	if first && !denied {
		d, err := f.Backend.Open(ctx, f.Path)
		if err == nil {
			f.learn(d.Info())
			f.mu.Lock()
			f.opened = true
			f.mu.Unlock()
			return d, nil
		}
		if !notThere(err) {
			f.refused(err)
			return nil, err
		}
		f.log().Info("the handset is not plugged in; waiting for it", "node", f.Path, "err", err)
	}
	return f.await(ctx, !denied)
}

// refused notes whether err was permission denied.
func (f *Follower) refused(err error) {
	f.mu.Lock()
	f.denied = errors.Is(err, hid.ErrPermission)
	f.mu.Unlock()
}

func notThere(err error) bool {
	return errors.Is(err, hid.ErrDisconnected) || errors.Is(err, fs.ErrNotExist)
}

// await waits for the handset's plug event, or, when look is set, finds it
// present, and opens it.
func (f *Follower) await(ctx context.Context, look bool) (hid.Device, error) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	events := make(chan hid.Event, 16)
	var watchErr <-chan error
	watch := func() { watchErr = startWatch(ctx, &wg, f.Backend, events) }
	// The watch starts before the look at what is present, so that a
	// handset plugged in between the two is not missed.
	watch()
	for {
		if look {
			look = false
			infos, _ := f.Backend.Enumerate(ctx)
			for _, i := range infos {
				if d, err, done := f.try(ctx, i); done {
					return d, err
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case ev := <-events:
			if ev.Kind != hid.Added {
				continue
			}
			if d, err, done := f.try(ctx, ev.Info); done {
				return d, err
			}
		case err := <-watchErr:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if !errors.Is(err, hid.ErrEventsLost) {
				if err == nil {
					err = errors.New("the device event source stopped")
				}
				return nil, fmt.Errorf("wait for %s to be plugged in again: %w", f.Path, err)
			}
			watch()
			look = true
		}
	}
}

// try opens the device i if it is the handset followed. done is false when
// it is not, or is not quite there yet (its node not made yet).
func (f *Follower) try(ctx context.Context, i hid.Info) (hid.Device, error, bool) {
	if !f.wants(i) {
		return nil, nil, false
	}
	d, err := f.Backend.Open(ctx, i.Path)
	if err != nil {
		if notThere(err) {
			return nil, nil, false
		}
		f.refused(err)
		return nil, err, true
	}
	f.mu.Lock()
	again := f.opened
	f.opened, f.denied = true, false
	f.mu.Unlock()
	id := f.learn(i)
	if again {
		f.log().Info("the handset is back", "node", i.Path, "known_by", id.String())
	} else {
		f.log().Info("the handset is plugged in", "node", i.Path, "known_by", id.String())
	}
	return d, nil, true
}

// resolve is path with its symbolic links followed (a udev symlink to a
// hidraw node names the node), or path itself.
func resolve(path string) string {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		return p
	}
	return path
}
