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
	khid "github.com/karalabe/hid"
	"golang.org/x/sys/unix"
)

// Backend opens and lists devices through hidapi's libusb backend. The zero
// value is right for a real system.
type Backend struct {
	// SysfsRoot is where sysfs is mounted; "" means /sys. It is only read,
	// to find a device's node under /dev/bus/usb.
	SysfsRoot string
	// DevRoot is where /dev is; "" means /dev.
	DevRoot string
}

// Enumerate lists every USB HID interface hidapi sees, whatever its driver.
// Info.Path is hidapi's path, which is also the interface's sysfs name
// (BUS-PORT[.PORT…]:CONFIG.INTERFACE, such as 1-1:1.3). Listing opens no
// interface and detaches nothing.
func (b Backend) Enumerate(ctx context.Context) ([]hid.Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !khid.Supported() {
		return nil, errors.New("libusb: hidapi was built without cgo: the libusb backend is not available")
	}
	list, err := khid.Enumerate(0, 0)
	if err != nil {
		return nil, fmt.Errorf("libusb: list HID interfaces: %w", err)
	}
	out := make([]hid.Info, 0, len(list))
	for _, d := range list {
		out = append(out, infoOf(d))
	}
	return out, nil
}

func infoOf(d khid.DeviceInfo) hid.Info {
	return hid.Info{
		VendorID: d.VendorID, ProductID: d.ProductID,
		Serial: d.Serial, Product: d.Product, Manufacturer: d.Manufacturer,
		Path: d.Path, Interface: d.Interface,
	}
}

// Open opens the interface info.Path names (a path from Enumerate, or the
// interface's sysfs name). It detaches the kernel driver bound to that one
// interface (yealink.ko, cm109.ko or usbhid) until Close. info's other fields
// are kept as the device's identity; an empty Info beside the path is filled
// in from Enumerate.
func (b Backend) Open(ctx context.Context, info hid.Info) (*Device, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if info.Path == "" {
		return nil, errors.New("libusb: open: no path (want the interface's sysfs name, such as 1-1:1.3)")
	}
	if info.VendorID == 0 && info.ProductID == 0 {
		if all, err := b.Enumerate(ctx); err == nil {
			for _, i := range all {
				if i.Path == info.Path {
					info = i
				}
			}
		}
	}
	node := b.node(info.Path)
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
	sys := b.SysfsRoot
	if sys == "" {
		sys = "/sys"
	}
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
