package usbenum

import (
	"context"
	"strings"
	"testing"

	"github.com/google/gousb"
)

// TestNames proves a device's sysfs name, its interface names (which are
// also hidapi's paths) and its usbfs node come from its bus, address and
// port path as the kernel spells them, and that interfaces are sorted out
// by class (a phone's HID interface apart from its audio interfaces).
func TestNames(t *testing.T) {
	desc := &gousb.DeviceDesc{Bus: 1, Address: 7, Path: []int{1, 2}, Vendor: 0x6993, Product: 0xb001,
		Configs: map[int]gousb.ConfigDesc{1: {Number: 1, Interfaces: []gousb.InterfaceDesc{
			{Number: 0, AltSettings: []gousb.InterfaceSetting{{Number: 0, Class: gousb.ClassAudio, SubClass: 1}}},
			{Number: 1, AltSettings: []gousb.InterfaceSetting{{Number: 1, Class: gousb.ClassAudio, SubClass: 2}}},
			{Number: 3, AltSettings: []gousb.InterfaceSetting{{Number: 3, Class: gousb.ClassHID}}},
		}}}}
	d := fromDesc(desc)
	for _, c := range []struct{ got, want string }{
		{d.Name, "1-1.2"},
		{d.InterfaceName(3), "1-1.2:1.3"},
		{d.Node(), "/dev/bus/usb/001/007"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if got := d.Of(ClassHID); len(got) != 1 || got[0] != 3 {
		t.Errorf("HID interfaces %v, want [3]", got)
	}
	if got := d.Of(ClassAudio); len(got) != 2 {
		t.Errorf("audio interfaces %v, want [0 1]", got)
	}
}

// TestListNeverPanics proves List returns, on any machine: the devices, or,
// where libusb cannot start (a container without /sys/bus/usb), an error
// saying so instead of gousb's panic.
func TestListNeverPanics(t *testing.T) {
	devs, err := Lister{}.List(context.Background(), nil)
	if err != nil {
		if !strings.Contains(err.Error(), "libusb cannot start") {
			t.Errorf("List: %v, want a libusb-cannot-start error or devices", err)
		}
		return
	}
	t.Logf("%d USB devices", len(devs))
}
