package libusb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/uevent"
	"github.com/handsetd/handsetd/hid/usbenum"
	khid "github.com/karalabe/hid"
	"golang.org/x/sys/unix"
)

// Backend is the legacy phones as a hid.Backend: their HID interfaces
// listed from their USB descriptors (hid/usbenum, which claims nothing),
// plug events from the uevent netlink socket (hid/uevent, SUBSYSTEM=usb),
// and Open through hidapi. The zero value is right for a real system with
// udev.
type Backend struct {
	// SysfsRoot is where sysfs is mounted; "" means /sys. It is only read:
	// a device's identity and its node under /dev/bus/usb.
	SysfsRoot string
	// DevRoot is where /dev is; "" means /dev.
	DevRoot string
	// Want picks the USB ids Enumerate and Watch report; nil means every
	// device with a HID interface. Enumerate opens each device it lists
	// to read its strings, so a driver names its phones here.
	Want func(vendor, product uint16) bool
	// Group is the netlink group Watch listens to: uevent.GroupUdev (0
	// means it), whose events come after udev has set the node's
	// permissions, or uevent.GroupKernel without udevd.
	Group int
}

var _ hid.Backend = Backend{}

// Enumerate lists the HID interfaces of the USB devices Want picks, whatever
// their driver, in sysfs order. Info.Path is the interface's sysfs name
// (BUS-PORT[.PORT…]:CONFIG.INTERFACE, such as 1-1:1.3), which is also
// hidapi's path of it. Listing opens no interface and detaches nothing.
func (b Backend) Enumerate(ctx context.Context) ([]hid.Info, error) {
	devs, err := usbenum.Lister{SysfsRoot: b.SysfsRoot}.List(ctx, b.Want)
	if err != nil {
		return nil, fmt.Errorf("libusb: list USB devices: %w", err)
	}
	var out []hid.Info
	for _, d := range devs {
		for _, n := range d.Of(usbenum.ClassHID) {
			out = append(out, hid.Info{
				VendorID: d.Vendor, ProductID: d.Product,
				Serial: d.Serial, Product: d.ProductName, Manufacturer: d.Manufacturer,
				Path: d.InterfaceName(n), Interface: n,
			})
		}
	}
	return out, nil
}

// Watch listens on the uevent netlink socket (b.Group) and delivers the add
// and remove events of the HID interfaces (SUBSYSTEM=usb,
// DEVTYPE=usb_interface, class 3) of the USB devices Want picks. An added
// interface's Info comes from sysfs; a removed one's holds its Path.
func (b Backend) Watch(ctx context.Context, events chan<- hid.Event) error {
	return uevent.Watch(ctx, b.Group, "USB phones", b.event, events)
}

// event turns a uevent into a hid.Event, if it is the add or remove of a
// HID interface of a USB device Want picks. The kernel's usb_interface
// events carry PRODUCT (VID/PID/BCD in hex) and INTERFACE (class/subclass/
// protocol in decimal), remove events too (usb_uevent and
// usb_if_uevent in drivers/usb/core).
func (b Backend) event(u uevent.Uevent) (hid.Event, bool) {
	if u.Env["SUBSYSTEM"] != "usb" || u.Env["DEVTYPE"] != "usb_interface" {
		return hid.Event{}, false
	}
	if class, _, _ := strings.Cut(u.Env["INTERFACE"], "/"); class != "3" {
		return hid.Event{}, false
	}
	f := strings.Split(u.Env["PRODUCT"], "/")
	if len(f) < 2 {
		return hid.Event{}, false
	}
	v, err1 := strconv.ParseUint(f[0], 16, 16)
	p, err2 := strconv.ParseUint(f[1], 16, 16)
	if err1 != nil || err2 != nil || (b.Want != nil && !b.Want(uint16(v), uint16(p))) {
		return hid.Event{}, false
	}
	path := filepath.Base(u.DevPath)
	switch u.Action {
	case "add", "change": // change: udevadm trigger after new rules; it may open now
		info := b.info(path)
		info.VendorID, info.ProductID = uint16(v), uint16(p)
		return hid.Event{Kind: hid.Added, Info: info}, true
	case "remove":
		return hid.Event{Kind: hid.Removed, Info: hid.Info{VendorID: uint16(v), ProductID: uint16(p), Path: path, Interface: interfaceOf(path)}}, true
	}
	return hid.Event{}, false
}

// info is what sysfs says of the interface path (such as 1-1:1.3) and its
// USB device.
func (b Backend) info(path string) hid.Info {
	name, _, _ := strings.Cut(path, ":")
	dev := filepath.Join(b.sysfs(), "bus", "usb", "devices", name)
	info := hid.Info{Path: path, Interface: interfaceOf(path)}
	if v, err := readHex(filepath.Join(dev, "idVendor")); err == nil {
		info.VendorID = uint16(v)
	}
	if p, err := readHex(filepath.Join(dev, "idProduct")); err == nil {
		info.ProductID = uint16(p)
	}
	info.Serial = readString(filepath.Join(dev, "serial"))
	info.Product = readString(filepath.Join(dev, "product"))
	info.Manufacturer = readString(filepath.Join(dev, "manufacturer"))
	return info
}

// interfaceOf is the interface number at the end of an interface's sysfs
// name (3 of 1-1:1.3), or -1.
func interfaceOf(path string) int {
	_, cfg, ok := strings.Cut(path, ":")
	if !ok {
		return -1
	}
	_, num, ok := strings.Cut(cfg, ".")
	if !ok {
		return -1
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return -1
	}
	return n
}

// Open opens the interface path names (a path from Enumerate or Watch: the
// interface's sysfs name). It detaches the kernel driver bound to that one
// interface (yealink.ko, cm109.ko or usbhid) until Close. The device's
// identity comes from sysfs.
func (b Backend) Open(ctx context.Context, path string) (hid.Device, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if path == "" {
		return nil, errors.New("libusb: open: no path (want the interface's sysfs name, such as 1-1:1.3)")
	}
	if !khid.Supported() {
		return nil, errors.New("libusb: hidapi was built without cgo: the libusb backend is not available")
	}
	info := b.info(path)
	node := b.node(path)
	h, err := khid.DeviceInfo{Path: info.Path, VendorID: info.VendorID, ProductID: info.ProductID, Interface: info.Interface}.Open()
	if err != nil {
		return nil, b.openError(info, node)
	}
	present := func() bool {
		if node == "" {
			return true
		}
		_, err := os.Stat(node)
		return !errors.Is(err, fs.ErrNotExist)
	}
	return newDevice(h, info, present, false), nil
}

// openError says why hidapi could not open a device: hidapi itself only says
// that it failed.
func (b Backend) openError(info hid.Info, node string) error {
	if node == "" {
		return fmt.Errorf("libusb %s: open: %w (no such USB device in sysfs)", info.Path, hid.ErrDisconnected)
	}
	err := unix.Access(node, unix.R_OK|unix.W_OK)
	switch {
	case errors.Is(err, unix.ENOENT):
		return fmt.Errorf("libusb %s: open %s: %w", info.Path, node, hid.ErrDisconnected)
	case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
		return fmt.Errorf("libusb %s: open %s: %w (this user may not write the USB device node)", info.Path, node, hid.ErrPermission)
	}
	return fmt.Errorf("libusb %s: open %s: libusb could not claim the HID interface %d: another program holds it, or the kernel driver would not let go", info.Path, node, info.Interface)
}

// node is the usbfs node (/dev/bus/usb/BBB/DDD) of the USB device an
// interface path belongs to, or "" when sysfs does not know it.
func (b Backend) node(path string) string {
	sys := b.sysfs()
	dev := b.DevRoot
	if dev == "" {
		dev = "/dev"
	}
	name, _, _ := strings.Cut(path, ":")
	dir := filepath.Join(sys, "bus", "usb", "devices", name)
	bus, err1 := readNum(filepath.Join(dir, "busnum"))
	num, err2 := readNum(filepath.Join(dir, "devnum"))
	if err1 != nil || err2 != nil {
		return ""
	}
	return filepath.Join(dev, "bus", "usb", fmt.Sprintf("%03d", bus), fmt.Sprintf("%03d", num))
}

// Node is the usbfs node of the USB device an interface path (such as
// 1-1:1.3) belongs to, or "" when sysfs does not know it.
func (b Backend) Node(path string) string { return b.node(path) }

func readNum(path string) (int, error) {
	s, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(s)))
}

func readHex(path string) (uint64, error) {
	s, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(strings.TrimSpace(string(s)), 16, 16)
}

func readString(path string) string {
	s, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimRight(string(s), "\n")
}

func (b Backend) sysfs() string {
	if b.SysfsRoot == "" {
		return "/sys"
	}
	return b.SysfsRoot
}
