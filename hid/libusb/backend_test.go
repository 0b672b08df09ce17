package libusb

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/uevent"
)

// TestUeventToEvent proves which uevents become hid.Events: the add (or
// change) of a HID-class usb_interface of a device Want picks is Added with
// its identity from sysfs, its remove is Removed with the path and the ids
// the event carries, and the USB device itself, a non-HID interface,
// another subsystem, an id Want refuses and garbage are ignored.
func TestUeventToEvent(t *testing.T) {
	root := t.TempDir()
	dev := filepath.Join(root, "bus", "usb", "devices", "1-1")
	if err := os.MkdirAll(dev, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]string{"idVendor": "6993\n", "idProduct": "b001\n", "serial": "SN1\n", "product": "USB-P1K\n", "manufacturer": "Yealink\n"} {
		if err := os.WriteFile(filepath.Join(dev, name), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b := Backend{SysfsRoot: root, Want: func(v, p uint16) bool { return v == 0x6993 }}
	const ifpath = "/devices/platform/vhci_hcd.0/usb1/1-1/1-1:1.3"
	p1k := hid.Info{VendorID: 0x6993, ProductID: 0xb001, Serial: "SN1", Product: "USB-P1K", Manufacturer: "Yealink", Path: "1-1:1.3", Interface: 3}
	iface := func(action string, extra ...string) []string {
		return append([]string{"ACTION=" + action, "DEVPATH=" + ifpath, "SUBSYSTEM=usb", "DEVTYPE=usb_interface"}, extra...)
	}
	for _, tc := range []struct {
		name string
		msg  []byte
		want hid.Event
		ok   bool
	}{
		{"udev add", uevent.UdevMessage(iface("add", "PRODUCT=6993/b001/100", "INTERFACE=3/0/0")...), hid.Event{Kind: hid.Added, Info: p1k}, true},
		{"udev change", uevent.UdevMessage(iface("change", "PRODUCT=6993/b001/100", "INTERFACE=3/0/0")...), hid.Event{Kind: hid.Added, Info: p1k}, true},
		{"kernel remove", uevent.KernelMessage("remove@"+ifpath, iface("remove", "PRODUCT=6993/b001/100", "INTERFACE=3/0/0")...),
			hid.Event{Kind: hid.Removed, Info: hid.Info{VendorID: 0x6993, ProductID: 0xb001, Path: "1-1:1.3", Interface: 3}}, true},
		{"the USB device", uevent.UdevMessage("ACTION=add", "DEVPATH=/devices/x/1-1", "SUBSYSTEM=usb", "DEVTYPE=usb_device", "PRODUCT=6993/b001/100"), hid.Event{}, false},
		{"audio interface", uevent.UdevMessage(iface("add", "PRODUCT=6993/b001/100", "INTERFACE=1/1/0")...), hid.Event{}, false},
		{"not wanted", uevent.UdevMessage(iface("add", "PRODUCT=046d/c52b/100", "INTERFACE=3/1/1")...), hid.Event{}, false},
		{"hidraw", uevent.UdevMessage("ACTION=add", "DEVPATH=/devices/x/hidraw/hidraw0", "SUBSYSTEM=hidraw"), hid.Event{}, false},
		{"bind", uevent.UdevMessage(iface("bind", "PRODUCT=6993/b001/100", "INTERFACE=3/0/0")...), hid.Event{}, false},
		{"no PRODUCT", uevent.UdevMessage(iface("add", "INTERFACE=3/0/0")...), hid.Event{}, false},
		{"garbage", []byte("junk"), hid.Event{}, false},
	} {
		got, ok := uevent.Convert(tc.msg, b.event)
		if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: event = %+v, %v; want %+v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
