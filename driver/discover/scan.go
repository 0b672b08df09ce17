package discover

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/keymap"
	"golang.org/x/sys/unix"
)

// Handset is one supported handset plugged in.
type Handset struct {
	// Info is its identity. Path is what its backend opens: the hidraw node
	// (/dev/hidrawN) or, for libusb, the HID interface's sysfs name (1-1:1.3).
	Info    hid.Info
	Row     keymap.Device
	Backend keymap.Backend
	// USB is the USB device's sysfs name (such as 1-1), "" when the handset
	// is not on USB.
	USB string
	// Interface is the HID interface's sysfs name (such as 1-1:1.3), or the
	// HID device's for a handset not on USB.
	Interface string
	// Node is the device node opening it needs: /dev/hidrawN or
	// /dev/bus/usb/BBB/DDD.
	Node string
	// Driver is the kernel driver bound to the HID interface now ("" for
	// none). The libusb backend detaches it while the handset is open.
	Driver string
	// Access is nil when this user may open Node, else why not (wrapping
	// hid.ErrPermission when the udev rules are missing).
	Access error
}

// Key names the handset while it stays plugged in: its backend, USB id,
// serial and interface.
func (h Handset) Key() string {
	return fmt.Sprintf("%s %04x:%04x %q %s", h.Backend, h.Info.VendorID, h.Info.ProductID, h.Info.Serial, h.Interface)
}

// Detaches is the kernel driver opening the handset takes it from, or ""
// (hidraw leaves the device bound).
func (h Handset) Detaches() string {
	if h.Backend == keymap.BackendLibUSB {
		return h.Driver
	}
	return ""
}

// Backend is what discover needs of one way of reaching handsets: list the
// devices present, follow them coming and going, open one. hid.Backend
// implementations (hidraw.Backend, libusb.Backend) are Backends.
type Backend interface {
	Enumerate(ctx context.Context) ([]hid.Info, error)
	Watch(ctx context.Context, events chan<- hid.Event) error
	Open(ctx context.Context, path string) (hid.Device, error)
}

// USBBackend is a Backend whose paths are USB interfaces (libusb.Backend):
// it also names the usbfs node (/dev/bus/usb/BBB/DDD) a path's device has,
// which is what this user must be able to open.
type USBBackend interface {
	Backend
	Node(path string) string
}

// Scanner finds handsets through its backends: HIDRaw for the HID-class
// handsets, USB for the legacy phones. A nil backend is not looked at.
type Scanner struct {
	HIDRaw Backend
	USB    USBBackend
	// SysfsRoot stands for /sys (tests use fixtures): where a handset's
	// interface, kernel driver and sibling audio interfaces are read.
	SysfsRoot string
}

func (s Scanner) sys() string {
	if s.SysfsRoot == "" {
		return "/sys"
	}
	return s.SysfsRoot
}

// Scan lists the supported handsets plugged in, sorted by interface. An
// error says what could not be looked at (libusb could not start); the
// handsets found elsewhere are returned with it.
func (s Scanner) Scan(ctx context.Context) ([]Handset, error) {
	var out []Handset
	var errs []error
	if s.HIDRaw != nil {
		infos, err := s.HIDRaw.Enumerate(ctx)
		if err != nil && !errors.Is(err, fs.ErrNotExist) { // no /sys/class/hidraw: no HID device yet
			errs = append(errs, fmt.Errorf("list the hidraw handsets: %w", err))
		}
		for _, i := range infos {
			if h, ok := s.hidraw(i); ok {
				out = append(out, h)
			}
		}
	}
	if s.USB != nil {
		infos, err := s.USB.Enumerate(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("list the USB phones: %w", err))
		}
		seen := map[string]bool{}
		for _, i := range infos {
			h, ok := s.usb(i)
			if ok && !seen[h.USB] { // a phone's first HID interface is the one driven
				seen[h.USB] = true
				out = append(out, h)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Interface < out[j].Interface })
	return out, errors.Join(errs...)
}

// Lookup is the handset a plug event from Watch brings, if it brings a
// supported one: the one device the event names is looked at (its sysfs
// entries; a USB phone is not opened), not every device as Scan does.
// Only a USB phone's first HID interface brings it, as in Scan. The event
// is told from its path: a hidraw node (/dev/hidrawN) or a USB interface
// (1-1:1.3).
func (s Scanner) Lookup(_ context.Context, ev hid.Event) (Handset, bool) {
	if ev.Kind != hid.Added || ev.Info.Path == "" {
		return Handset{}, false
	}
	if filepath.IsAbs(ev.Info.Path) {
		if s.HIDRaw == nil {
			return Handset{}, false
		}
		return s.hidraw(ev.Info)
	}
	if s.USB == nil {
		return Handset{}, false
	}
	h, ok := s.usb(ev.Info)
	if !ok || !firstHID(filepath.Join(s.sys(), "bus", "usb", "devices"), ev.Info.Path) {
		return Handset{}, false
	}
	return h, true
}

// firstHID says whether the USB interface iface (such as 1-1:1.3) is the
// first HID interface of its device: no interface numbered below it in
// the same configuration is of class 3. Only those are read, by name: on a
// device still being set up by the kernel, each sysfs read costs.
func firstHID(devices, iface string) bool {
	prefix, num, ok := strings.Cut(iface, ".")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || !strings.Contains(prefix, ":") {
		return false
	}
	usb, _, _ := strings.Cut(prefix, ":")
	for i := range n {
		if c, ok := readAttr(filepath.Join(devices, usb, prefix+"."+strconv.Itoa(i)), "bInterfaceClass"); ok && c == "03" {
			return false
		}
	}
	return true
}

// Open opens a handset with the backend that found it.
func (s Scanner) Open(ctx context.Context, h Handset) (hid.Device, error) {
	b := s.backend(h.Backend)
	if b == nil {
		return nil, fmt.Errorf("open %s: no %s backend: %w", h.Info, h.Backend, hid.ErrUnsupported)
	}
	return b.Open(ctx, h.Info.Path)
}

func (s Scanner) backend(k keymap.Backend) Backend {
	if k == keymap.BackendLibUSB {
		if s.USB == nil {
			return nil
		}
		return s.USB
	}
	return s.HIDRaw
}

// Watch follows every backend's devices coming and going (hid.Backend's
// Watch) until ctx ends or one backend's watch fails; it returns that
// failure.
func (s Scanner) Watch(ctx context.Context, events chan<- hid.Event) error {
	var bs []Backend
	if s.HIDRaw != nil {
		bs = append(bs, s.HIDRaw)
	}
	if s.USB != nil {
		bs = append(bs, s.USB)
	}
	if len(bs) == 0 {
		<-ctx.Done()
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, len(bs))
	for _, b := range bs {
		go func() { errc <- b.Watch(ctx, events) }()
	}
	err := <-errc
	cancel()
	for range len(bs) - 1 {
		if e := <-errc; err == nil {
			err = e
		}
	}
	return err
}

// LibUSBPhone says whether a row of the device table names this USB id for
// the libusb backend: the filter for libusb.Backend's Want.
func LibUSBPhone(vendor, product uint16) bool {
	r, ok := keymap.Lookup(vendor, product)
	return ok && r.Backend == keymap.BackendLibUSB
}

// usb is the handset behind a libusb backend's HID interface, if a row
// names its USB id for libusb.
func (s Scanner) usb(i hid.Info) (Handset, bool) {
	if !LibUSBPhone(i.VendorID, i.ProductID) {
		return Handset{}, false
	}
	row, _ := keymap.Lookup(i.VendorID, i.ProductID)
	name, _, _ := strings.Cut(i.Path, ":")
	devices := filepath.Join(s.sys(), "bus", "usb", "devices")
	node := s.USB.Node(i.Path)
	return Handset{
		Info: i, Row: row, Backend: keymap.BackendLibUSB, USB: name, Interface: i.Path, Node: node,
		Driver: driverOf(filepath.Join(devices, i.Path)),
		Access: access(node),
	}, true
}

// hidraw is the handset behind a hidraw node, if it is one: a row names its
// USB id, or its report descriptor declares Telephony controls.
func (s Scanner) hidraw(i hid.Info) (Handset, bool) {
	if i.VendorID == 0 && i.ProductID == 0 {
		return Handset{}, false // sysfs gave no HID_ID
	}
	hidDev, err := filepath.EvalSymlinks(filepath.Join(s.sys(), "class", "hidraw", filepath.Base(i.Path), "device"))
	if err != nil {
		return Handset{}, false
	}
	h := Handset{Info: i, Backend: keymap.BackendHIDRaw, Interface: filepath.Base(hidDev), Node: i.Path}
	if i.Interface >= 0 { // on USB: the interface and the device above the HID device
		iface := filepath.Dir(hidDev)
		usb := filepath.Dir(iface)
		h.Interface, h.USB = filepath.Base(iface), filepath.Base(usb)
		h.Driver = driverOf(iface)
	}
	if row, ok := keymap.Lookup(i.VendorID, i.ProductID); ok {
		h.Row = row
	} else if desc, _ := os.ReadFile(filepath.Join(hidDev, "report_descriptor")); isTelephony(i.Product, desc) {
		h.Row, _ = keymap.FamilyRow(keymap.FamilyTelephony)
	} else {
		return Handset{}, false // a keyboard, a webcam's buttons: not a handset
	}
	h.Access = access(h.Node)
	return h, true
}

func isTelephony(product string, desc []byte) bool {
	_, err := keymap.NewTelephony(product, desc)
	return err == nil
}

// access says whether this user may open node for reading and writing.
func access(node string) error {
	err := unix.Access(node, unix.R_OK|unix.W_OK)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
		return fmt.Errorf("%s: %w", node, hid.ErrPermission)
	case errors.Is(err, unix.ENOENT):
		return fmt.Errorf("%s: no such node: %w", node, hid.ErrDisconnected)
	}
	return fmt.Errorf("%s: %w", node, err)
}

func driverOf(dir string) string {
	p, err := os.Readlink(filepath.Join(dir, "driver"))
	if err != nil {
		return ""
	}
	return filepath.Base(p)
}

func readAttr(dir, name string) (string, bool) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return "", false
	}
	return strings.TrimRight(string(b), "\n"), true
}
