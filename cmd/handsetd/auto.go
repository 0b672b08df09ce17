package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/handsetd/handsetd/driver"
	"github.com/handsetd/handsetd/driver/discover"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidraw"
	"github.com/handsetd/handsetd/hid/libusb"
	"github.com/handsetd/handsetd/hid/uevent"
	"github.com/handsetd/handsetd/keymap"
)

// usbSpec is what --device usb:VID:PID[:SERIAL] picks.
type usbSpec struct {
	vendor, product uint16
	serial          string
}

func (u usbSpec) match(h discover.Handset) bool {
	return h.Info.VendorID == u.vendor && h.Info.ProductID == u.product && (u.serial == "" || h.Info.Serial == u.serial)
}

// parseUSBSpec reads VID:PID[:SERIAL] (hex ids, as lsusb shows them).
func parseUSBSpec(spec, rest string) (usbSpec, error) {
	f := strings.SplitN(rest, ":", 3)
	bad := fmt.Errorf("%w: device %q: want usb:VID:PID[:SERIAL] with hex ids as lsusb shows them, such as usb:6993:b001", errUsage, spec)
	if len(f) < 2 {
		return usbSpec{}, bad
	}
	v, err1 := strconv.ParseUint(f[0], 16, 16)
	p, err2 := strconv.ParseUint(f[1], 16, 16)
	if err1 != nil || err2 != nil {
		return usbSpec{}, bad
	}
	u := usbSpec{vendor: uint16(v), product: uint16(p)}
	if len(f) == 3 {
		u.serial = f[2]
	}
	return u, nil
}

// isDiscovered says whether a device SPEC is served by discovery (auto and
// usb:) rather than opened as given.
func isDiscovered(spec string) bool {
	return spec == "auto" || strings.HasPrefix(spec, "usb:")
}

// discoveryWants says, for each auto and usb: spec of devices in order,
// which handsets it drives, so that none is driven twice: the handset an
// explicit hidraw: node names is driven by that spec and by nothing else,
// even after it comes back as another node (the Follower each such spec
// gets, in followers, knows it); a handset several usb: specs match goes
// to the first of them; auto drives every supported handset that no other
// spec names. The same spec given twice is refused. sysRoot stands for
// /sys.
func discoveryWants(devices []string, sysRoot string) (wants []func(discover.Handset) bool, followers map[string]*discover.Follower, err error) {
	seen := map[string]bool{}
	followers = map[string]*discover.Follower{}
	for _, spec := range devices {
		if seen[spec] {
			return nil, nil, fmt.Errorf("%w: device %q is given twice: one handset is driven once", errUsage, spec)
		}
		seen[spec] = true
		if node, ok := strings.CutPrefix(spec, "hidraw:"); ok {
			followers[spec] = newFollower(node, sysRoot)
		}
	}
	explicit := func(h discover.Handset) bool {
		if h.Backend != keymap.BackendHIDRaw {
			return false
		}
		for _, f := range followers {
			if f.Claims(h) {
				return true
			}
		}
		return false
	}
	var usbs []usbSpec
	earlier := func(h discover.Handset, n int) bool {
		return slices.ContainsFunc(usbs[:n], func(u usbSpec) bool { return u.match(h) })
	}
	for _, spec := range devices {
		switch {
		case spec == "auto":
			wants = append(wants, nil) // filled in below, once every usb: spec is known
		case strings.HasPrefix(spec, "usb:"):
			u, err := parseUSBSpec(spec, strings.TrimPrefix(spec, "usb:"))
			if err != nil {
				return nil, nil, err
			}
			n := len(usbs)
			usbs = append(usbs, u)
			wants = append(wants, func(h discover.Handset) bool { return u.match(h) && !explicit(h) && !earlier(h, n) })
		}
	}
	for i, w := range wants {
		if w == nil {
			wants[i] = func(h discover.Handset) bool { return !explicit(h) && !earlier(h, len(usbs)) }
		}
	}
	return wants, followers, nil
}

// newFollower follows the handset at the hidraw node given, through the
// hidraw backend watched like discovery's (scanner).
func newFollower(node, sysRoot string) *discover.Follower {
	if sysRoot == "/sys" {
		sysRoot = ""
	}
	return &discover.Follower{Path: node, SysfsRoot: sysRoot,
		Backend: hidraw.Backend{SysfsRoot: sysRoot, Group: uevent.DefaultGroup("")}}
}

// scanner is the machine's handsets, hidraw and libusb, watched through
// the udev monitor's group when udevd runs, else the kernel's.
func scanner(sysRoot string) discover.Scanner {
	if sysRoot == "/sys" {
		sysRoot = ""
	}
	group := uevent.DefaultGroup("")
	return discover.Scanner{
		HIDRaw:    hidraw.Backend{SysfsRoot: sysRoot, Group: group},
		USB:       libusb.Backend{SysfsRoot: sysRoot, Group: group, Want: discover.LibUSBPhone},
		SysfsRoot: sysRoot,
	}
}

// autoDriver runs the hot-plug manager for one auto or usb: SPEC: every
// handset it picks gets a driver made from template.
type autoDriver struct {
	spec     string
	want     func(discover.Handset) bool
	template driver.Config
	names    *driver.Names
	// slot hands out the NAME slots of the handsets plugged in, after
	// those of the --device SPECs.
	slot  *atomic.Int64
	audio *handsetAudio
	log   *slog.Logger
	scan  discover.Scanner
}

func (a *autoDriver) run(ctx context.Context) error {
	m := &discover.Manager{
		Scan:   a.scan.Scan,
		Open:   a.scan.Open,
		Lookup: a.scan.Lookup,
		Watch:  a.scan,
		Want:   a.want,
		Drive:  a.drive,
		Logger: a.log,
	}
	if a.spec == "auto" {
		a.log.Info("driving every supported handset plugged in, now and later")
	} else {
		a.log.Info("driving the handset " + a.spec + " whenever it is plugged in")
	}
	return m.Run(ctx)
}

func (a *autoDriver) drive(ctx context.Context, h discover.Handset, ev discover.Event, open func(context.Context) (hid.Device, error)) error {
	slot := int(a.slot.Add(1))
	defer a.names.Release(slot)
	cfg := a.template
	cfg.Open = open
	cfg.Names = a.names.Slot(slot)
	if cfg.Name != "" {
		a.names.Slot(slot).Reserve(cfg.Name)
	}
	log := a.log.With("handset", h.Interface)
	cfg.Logger = log
	attrs := []any{"device", h.Info.String(), "backend", string(h.Backend)}
	if d := h.Detaches(); d != "" {
		attrs = append(attrs, "detaches", d)
	}
	if !ev.At.IsZero() {
		attrs = append(attrs, "since_event", time.Since(ev.At))
	}
	log.Info("handset plugged in", attrs...)
	var announced atomic.Bool
	cfg.Observe = func(o driver.Observation) {
		if o.HostUp && announced.CompareAndSwap(false, true) {
			args := []any{"device", h.Info.String()}
			if !ev.At.IsZero() {
				args = append(args, "since_event", time.Since(ev.At).Round(time.Millisecond).String(), "since_event_us", time.Since(ev.At).Microseconds())
			}
			log.Info("handset announced to the host", args...)
		}
	}
	if a.audio != nil {
		defer a.audio.configure(&cfg, log)()
	}
	err := driver.Run(ctx, cfg)
	log.Info("handset gone", "device", h.Info.String())
	return err
}
