package uevent

import (
	"encoding/binary"
	"errors"
	"flag"
	"reflect"
	"testing"

	"github.com/handsetd/handsetd/internal/fuzzcorpus"
)

var updateCorpus = flag.Bool("update", false, "rewrite the committed fuzz seed corpus from the table")

// kernelMsg and udevMsg build messages in the two formats.
var kernelMsg, udevMsg = KernelMessage, UdevMessage

const hidrawPath = "/devices/pci0000:00/0000:00:01.2/usb1/1-1/1-1:1.3/0003:6993:B001.0001/hidraw/hidraw3"

// uevents is the table both TestParseUevent and the fuzz corpus use.
func uevents() []struct {
	name string
	msg  []byte
	want Uevent
	bad  bool
} {
	badMagic := udevMsg("ACTION=add", "DEVPATH=/x")
	badMagic[8] = 0
	pastEnd := udevMsg("ACTION=add", "DEVPATH=/x")
	binary.NativeEndian.PutUint32(pastEnd[20:], 4096)
	return []struct {
		name string
		msg  []byte
		want Uevent
		bad  bool
	}{
		{name: "kernel add", msg: kernelMsg("add@"+hidrawPath, "ACTION=add", "DEVPATH="+hidrawPath, "SUBSYSTEM=hidraw", "MAJOR=241", "MINOR=3", "DEVNAME=hidraw3", "SEQNUM=2345"),
			want: Uevent{Action: "add", DevPath: hidrawPath, Env: map[string]string{"ACTION": "add", "DEVPATH": hidrawPath, "SUBSYSTEM": "hidraw", "MAJOR": "241", "MINOR": "3", "DEVNAME": "hidraw3", "SEQNUM": "2345"}}},
		{name: "kernel remove, last string without NUL", msg: []byte("remove@/devices/x/hidraw/hidraw0\x00SUBSYSTEM=hidraw"),
			want: Uevent{Action: "remove", DevPath: "/devices/x/hidraw/hidraw0", Env: map[string]string{"SUBSYSTEM": "hidraw"}}},
		{name: "value with =", msg: kernelMsg("change@/devices/y", "HID_NAME=a=b"),
			want: Uevent{Action: "change", DevPath: "/devices/y", Env: map[string]string{"HID_NAME": "a=b"}}},
		{name: "udev add", msg: udevMsg("ACTION=add", "DEVPATH="+hidrawPath, "SUBSYSTEM=hidraw", "DEVNAME=/dev/hidraw3", "SEQNUM=2345", "USEC_INITIALIZED=123"),
			want: Uevent{Action: "add", DevPath: hidrawPath, FromUdev: true, Env: map[string]string{"ACTION": "add", "DEVPATH": hidrawPath, "SUBSYSTEM": "hidraw", "DEVNAME": "/dev/hidraw3", "SEQNUM": "2345", "USEC_INITIALIZED": "123"}}},
		{name: "kernel usb add", msg: kernelMsg("add@/devices/platform/vhci_hcd.0/usb1/1-1", "ACTION=add", "DEVPATH=/devices/platform/vhci_hcd.0/usb1/1-1", "SUBSYSTEM=usb", "DEVTYPE=usb_device"),
			want: Uevent{Action: "add", DevPath: "/devices/platform/vhci_hcd.0/usb1/1-1", Env: map[string]string{"ACTION": "add", "DEVPATH": "/devices/platform/vhci_hcd.0/usb1/1-1", "SUBSYSTEM": "usb", "DEVTYPE": "usb_device"}}},
		{name: "udev remove", msg: udevMsg("ACTION=remove", "DEVPATH=/devices/x/hidraw/hidraw0", "SUBSYSTEM=hidraw"),
			want: Uevent{Action: "remove", DevPath: "/devices/x/hidraw/hidraw0", FromUdev: true, Env: map[string]string{"ACTION": "remove", "DEVPATH": "/devices/x/hidraw/hidraw0", "SUBSYSTEM": "hidraw"}}},
		{name: "empty", msg: nil, bad: true},
		{name: "udev prefix then garbage", msg: []byte("libudev\x00garbage"), bad: true},
		{name: "no NUL", msg: []byte("add@/devices/x"), bad: true},
		{name: "no @", msg: kernelMsg("add", "A=b"), bad: true},
		{name: "empty action", msg: kernelMsg("@/devices/x"), bad: true},
		{name: "property without =", msg: kernelMsg("add@/d", "JUNK"), bad: true},
		{name: "udev header cut short", msg: []byte(udevPrefix + "\xfe\xed"), bad: true},
		{name: "udev bad magic", msg: badMagic, bad: true},
		{name: "udev properties past the end", msg: pastEnd, bad: true},
		{name: "udev without ACTION", msg: udevMsg("DEVPATH=/x"), bad: true},
	}
}

// TestParseUevent proves both message formats decode to the action, the
// device path and the properties, and that every malformed message (short,
// no header, bad magic, offsets past the end, a property without =) is
// refused with errUevent rather than misread.
func TestParseUevent(t *testing.T) {
	for _, tc := range uevents() {
		got, err := Parse(tc.msg)
		if tc.bad {
			if !errors.Is(err, errUevent) {
				t.Errorf("%s: Parse = %+v, %v; want errUevent", tc.name, got, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Parse = %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}
}

// FuzzParseUevent proves Parse never panics, refuses only with
// errUevent, and never accepts an event without an action and a device
// path.
func FuzzParseUevent(f *testing.F) {
	for _, tc := range uevents() {
		f.Add(tc.msg)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		u, err := Parse(msg)
		if err != nil {
			if !errors.Is(err, errUevent) {
				t.Fatalf("error %v is not errUevent", err)
			}
			return
		}
		if u.Action == "" || u.DevPath == "" || u.Env == nil {
			t.Fatalf("accepted %q as %+v", msg, u)
		}
	})
}

// TestUeventSeedCorpus proves the committed corpus under testdata/fuzz holds
// the table's messages (rewrite it with -update).
func TestUeventSeedCorpus(t *testing.T) {
	var seeds [][]byte
	for _, tc := range uevents() {
		seeds = append(seeds, tc.msg)
	}
	fuzzcorpus.Check(t, "FuzzParseUevent", "TestUeventSeedCorpus", seeds, *updateCorpus)
}
