package hidraw

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// usbIdentity is what sysfs knows about the USB device behind a hidraw node.
type usbIdentity struct {
	Serial       string
	Product      string
	Manufacturer string
	// Interface is bInterfaceNumber, or -1 when the node is not on USB or
	// sysfs does not say.
	Interface int
}

// readSysfs finds the USB interface and device above the hidraw node named
// node (such as "hidraw3") under the sysfs tree at root (normally "/sys").
// /sys/class/hidraw/NODE/device links to the HID device; its parent is the
// USB interface (bInterfaceNumber) and that one's parent the USB device
// (serial, product, manufacturer). Missing files leave fields empty: a
// device on another bus (Bluetooth, I2C, uhid) has no USB parents at all.
func readSysfs(root, node string) usbIdentity {
	id := usbIdentity{Interface: -1}
	hidDev, err := filepath.EvalSymlinks(filepath.Join(root, "class", "hidraw", node, "device"))
	if err != nil {
		return id
	}
	iface := filepath.Dir(hidDev)
	s, ok := readAttr(iface, "bInterfaceNumber")
	if !ok {
		return id
	}
	if n, err := strconv.ParseUint(s, 16, 8); err == nil {
		id.Interface = int(n)
	}
	usb := filepath.Dir(iface)
	id.Serial, _ = readAttr(usb, "serial")
	id.Product, _ = readAttr(usb, "product")
	id.Manufacturer, _ = readAttr(usb, "manufacturer")
	return id
}

// readAttr reads one sysfs attribute without its trailing newline.
func readAttr(dir, name string) (string, bool) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return "", false
	}
	return strings.TrimRight(string(b), "\n"), true
}
