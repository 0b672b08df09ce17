package discover

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/usbenum"
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
	// Audio lists the numbers of the USB device's audio interfaces: the
	// handset's own sound card.
	Audio []int
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

// USBLister lists USB devices with their descriptors (hid/usbenum).
type USBLister interface {
	List(ctx context.Context, want func(vendor, product uint16) bool) ([]usbenum.Device, error)
}

// Scanner finds handsets. The zero value scans hidraw nodes only; set USB to
// find the legacy phones too.
type Scanner struct {
	USB USBLister
	// SysfsRoot and DevRoot stand for /sys and /dev (tests use fixtures).
	SysfsRoot, DevRoot string
}

func (s Scanner) sys() string {
	if s.SysfsRoot == "" {
		return "/sys"
	}
	return s.SysfsRoot
}

func (s Scanner) dev() string {
	if s.DevRoot == "" {
		return "/dev"
	}
	return s.DevRoot
}

// Scan lists the supported handsets plugged in, sorted by interface. An
// error says what could not be looked at (libusb could not start); the
// handsets found elsewhere are returned with it.
func (s Scanner) Scan(ctx context.Context) ([]Handset, error) {
	out := s.hidraw()
	var errs []error
	if s.USB != nil {
		devs, err := s.USB.List(ctx, func(v, p uint16) bool {
			r, ok := keymap.Lookup(v, p)
			return ok && r.Backend == keymap.BackendLibUSB
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("list the USB phones: %w", err))
		}
		for _, d := range devs {
			if h, ok := s.libusb(d); ok {
				out = append(out, h)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Interface < out[j].Interface })
	return out, errors.Join(errs...)
}

func (s Scanner) libusb(d usbenum.Device) (Handset, bool) {
	row, ok := keymap.Lookup(d.Vendor, d.Product)
	hids := d.Of(usbenum.ClassHID)
	if !ok || len(hids) == 0 {
		return Handset{}, false
	}
	iface := d.InterfaceName(hids[0])
	node := filepath.Join(s.dev(), "bus", "usb", fmt.Sprintf("%03d", d.Bus), fmt.Sprintf("%03d", d.Address))
	h := Handset{
		Info: hid.Info{VendorID: d.Vendor, ProductID: d.Product, Serial: d.Serial, Product: d.ProductName,
			Manufacturer: d.Manufacturer, Path: iface, Interface: hids[0]},
		Row: row, Backend: keymap.BackendLibUSB, USB: d.Name, Interface: iface, Node: node,
		Driver: driverOf(filepath.Join(s.sys(), "bus", "usb", "devices", iface)),
		Audio:  d.Of(usbenum.ClassAudio),
		Access: access(node),
	}
	return h, true
}

// hidraw lists the hidraw nodes that are handsets: a row names their USB
// id, or their report descriptor declares Telephony controls.
func (s Scanner) hidraw() []Handset {
	nodes, _ := filepath.Glob(filepath.Join(s.sys(), "class", "hidraw", "hidraw*"))
	var out []Handset
	for _, n := range nodes {
		if h, ok := s.hidrawNode(filepath.Base(n)); ok {
			out = append(out, h)
		}
	}
	return out
}

func (s Scanner) hidrawNode(name string) (Handset, bool) {
	hidDev, err := filepath.EvalSymlinks(filepath.Join(s.sys(), "class", "hidraw", name, "device"))
	if err != nil {
		return Handset{}, false
	}
	ue := readUevent(filepath.Join(hidDev, "uevent"))
	vendor, product, ok := parseHIDID(ue["HID_ID"])
	if !ok {
		return Handset{}, false
	}
	desc, _ := os.ReadFile(filepath.Join(hidDev, "report_descriptor"))
	iface := filepath.Dir(hidDev)
	usb := filepath.Dir(iface)
	h := Handset{Backend: keymap.BackendHIDRaw, Interface: filepath.Base(hidDev), Node: filepath.Join(s.dev(), name)}
	h.Info = hid.Info{VendorID: vendor, ProductID: product, Serial: ue["HID_UNIQ"], Product: ue["HID_NAME"], Path: h.Node, Interface: -1}
	if num, ok := readAttr(iface, "bInterfaceNumber"); ok {
		if v, err := strconv.ParseUint(num, 16, 8); err == nil {
			h.Info.Interface = int(v)
		}
		h.Interface, h.USB = filepath.Base(iface), filepath.Base(usb)
		h.Driver = driverOf(iface)
		if p, ok := readAttr(usb, "product"); ok {
			h.Info.Product = p
		}
		h.Info.Manufacturer, _ = readAttr(usb, "manufacturer")
		if sn, ok := readAttr(usb, "serial"); ok {
			h.Info.Serial = sn
		}
		h.Audio = audioInterfaces(usb)
	}
	if row, ok := keymap.Lookup(vendor, product); ok {
		h.Row = row
	} else if _, err := keymap.NewTelephony(h.Info.Product, desc); err == nil {
		h.Row, _ = keymap.FamilyRow(keymap.FamilyTelephony)
	} else {
		return Handset{}, false // a keyboard, a webcam's buttons: not a handset
	}
	h.Access = access(h.Node)
	return h, true
}

// audioInterfaces lists the audio-class interfaces of the USB device at dir.
func audioInterfaces(dir string) []int {
	ifs, _ := filepath.Glob(filepath.Join(dir, filepath.Base(dir)+":*"))
	var out []int
	for _, i := range ifs {
		c, _ := readAttr(i, "bInterfaceClass")
		n, _ := readAttr(i, "bInterfaceNumber")
		if c != "01" {
			continue
		}
		if v, err := strconv.ParseUint(n, 16, 8); err == nil {
			out = append(out, int(v))
		}
	}
	sort.Ints(out)
	return out
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

func readUevent(path string) map[string]string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	m := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			m[k] = v
		}
	}
	return m
}

// parseHIDID reads HID_ID=BBBB:VVVVVVVV:PPPPPPPP.
func parseHIDID(s string) (vendor, product uint16, ok bool) {
	f := strings.Split(s, ":")
	if len(f) != 3 {
		return 0, 0, false
	}
	v, err1 := strconv.ParseUint(f[1], 16, 32)
	p, err2 := strconv.ParseUint(f[2], 16, 32)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uint16(v), uint16(p), true
}
