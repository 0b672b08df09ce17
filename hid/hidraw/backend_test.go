package hidraw

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/uevent"
)

// sysfsFixture builds a sysfs tree with a USB handset behind hidraw10 and a
// uhid device (no USB parents) behind hidraw2, shaped like the kernel's.
func sysfsFixture(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	usb := filepath.Join(root, "devices", "pci0000:00", "usb1", "1-1")
	iface := filepath.Join(usb, "1-1:1.3")
	hidDev := filepath.Join(iface, "0003:6993:B001.0001")
	virt := filepath.Join(root, "devices", "virtual", "misc", "uhid", "0003:1209:0001.0002")
	for _, d := range []string{filepath.Join(hidDev, "hidraw", "hidraw10"), filepath.Join(virt, "hidraw", "hidraw2"), filepath.Join(root, "class", "hidraw")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(usb, "serial"):             "SN1\n",
		filepath.Join(usb, "product"):            "Yealink USB-P1K\n",
		filepath.Join(usb, "manufacturer"):       "Yealink Network Technology\n",
		filepath.Join(iface, "bInterfaceNumber"): "03\n",
		filepath.Join(hidDev, "uevent"):          "DRIVER=hid-generic\nHID_ID=0003:00006993:0000B001\nHID_NAME=Yealink Network Technology Yealink USB-P1K\nHID_PHYS=usb-0000:00:01.2-1/input3\nHID_UNIQ=SN1\n",
		filepath.Join(virt, "uevent"):            "HID_ID=0003:00001209:00000001\nHID_NAME=Generic Telephony Handset\nHID_UNIQ=SIM0001\n",
	}
	for p, s := range files {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for node, dev := range map[string]string{"hidraw10": hidDev, "hidraw2": virt} {
		dir := filepath.Join(dev, "hidraw", node)
		if err := os.Symlink(dir, filepath.Join(root, "class", "hidraw", node)); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(dev, filepath.Join(dir, "device")); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestEnumerate proves Backend.Enumerate lists /sys/class/hidraw in node
// order (hidraw2 before hidraw10), with the ids from the HID device's
// uevent, the strings from the USB parents when there are some and the HID
// core's name and uniq otherwise, and paths under DevDir.
func TestEnumerate(t *testing.T) {
	b := Backend{SysfsRoot: sysfsFixture(t), DevDir: "/dev"}
	got, err := b.Enumerate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []hid.Info{
		{VendorID: 0x1209, ProductID: 0x0001, Serial: "SIM0001", Product: "Generic Telephony Handset", Path: "/dev/hidraw2", Interface: -1},
		{VendorID: 0x6993, ProductID: 0xb001, Serial: "SN1", Product: "Yealink USB-P1K", Manufacturer: "Yealink Network Technology", Path: "/dev/hidraw10", Interface: 3},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Enumerate =\n%+v\nwant\n%+v", got, want)
	}
	if _, err := (Backend{SysfsRoot: t.TempDir()}).Enumerate(context.Background()); err == nil {
		t.Error("Enumerate without /sys/class/hidraw succeeded")
	}
}

// kernelMsg and udevMsg build uevent messages in the two formats.
var kernelMsg, udevMsg = uevent.KernelMessage, uevent.UdevMessage

// TestUeventToEvent proves which uevents become hid.Events: a hidraw add
// (kernel or udev format, DEVNAME relative or absolute) is Added with the
// node's identity from sysfs, a remove is Removed with the path only, and
// other subsystems or actions are ignored.
func TestUeventToEvent(t *testing.T) {
	b := Backend{SysfsRoot: sysfsFixture(t), DevDir: "/dev"}
	p1k := hid.Info{VendorID: 0x6993, ProductID: 0xb001, Serial: "SN1", Product: "Yealink USB-P1K", Manufacturer: "Yealink Network Technology", Path: "/dev/hidraw10", Interface: 3}
	for _, tc := range []struct {
		name string
		msg  []byte
		want hid.Event
		ok   bool
	}{
		{"kernel add", kernelMsg("add@/devices/x/hidraw/hidraw10", "ACTION=add", "SUBSYSTEM=hidraw", "DEVNAME=hidraw10"), hid.Event{Kind: hid.Added, Info: p1k}, true},
		{"udev add", udevMsg("ACTION=add", "DEVPATH=/devices/x/hidraw/hidraw10", "SUBSYSTEM=hidraw", "DEVNAME=/dev/hidraw10"), hid.Event{Kind: hid.Added, Info: p1k}, true},
		{"udev remove", udevMsg("ACTION=remove", "DEVPATH=/devices/x/hidraw/hidraw7", "SUBSYSTEM=hidraw", "DEVNAME=/dev/hidraw7"), hid.Event{Kind: hid.Removed, Info: hid.Info{Path: "/dev/hidraw7", Interface: -1}}, true},
		{"remove without DEVNAME", kernelMsg("remove@/devices/x/hidraw/hidraw7", "SUBSYSTEM=hidraw"), hid.Event{Kind: hid.Removed, Info: hid.Info{Path: "/dev/hidraw7", Interface: -1}}, true},
		{"another subsystem", kernelMsg("add@/devices/x/input/input3", "SUBSYSTEM=input"), hid.Event{}, false},
		{"bind", kernelMsg("bind@/devices/x/hidraw/hidraw10", "SUBSYSTEM=hidraw"), hid.Event{}, false},
		{"garbage", []byte("junk"), hid.Event{}, false},
	} {
		got, ok := uevent.Convert(tc.msg, b.event)
		if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: event = %+v, %v; want %+v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

// TestWatchStopsWithContext proves Watch listens without polling and
// returns nil as soon as ctx is done. It needs a netlink socket; where the
// sandbox refuses one, it is skipped.
func TestWatchStopsWithContext(t *testing.T) {
	c, err := uevent.Listen(uevent.GroupKernel)
	if err != nil {
		t.Skipf("no uevent netlink socket here: %v", err)
	}
	c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Backend{Group: uevent.GroupKernel}.Watch(ctx, make(chan hid.Event)) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Watch after cancel: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Watch did not return after cancel")
	}
}
