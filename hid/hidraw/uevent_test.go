package hidraw

import (
	"encoding/binary"
	"errors"
	"flag"
	"reflect"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/internal/fuzzcorpus"
)

var updateCorpus = flag.Bool("update", false, "rewrite the committed fuzz seed corpus from the table")

// kernelMsg builds a message in the kernel's format.
func kernelMsg(head string, props ...string) []byte {
	return []byte(head + "\x00" + strings.Join(props, "\x00") + "\x00")
}

// udevMsg builds a message in udev's format: the 40-byte libudev header
// (magic big-endian, the rest in host order) and the properties after it.
func udevMsg(props ...string) []byte {
	body := []byte(strings.Join(props, "\x00") + "\x00")
	h := make([]byte, udevHeaderLen)
	copy(h, udevPrefix)
	binary.BigEndian.PutUint32(h[8:], udevMagic)
	binary.NativeEndian.PutUint32(h[12:], udevHeaderLen)
	binary.NativeEndian.PutUint32(h[16:], udevHeaderLen)
	binary.NativeEndian.PutUint32(h[20:], uint32(len(body)))
	return append(h, body...)
}

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
		{name: "empty", msg: nil, bad: true},
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
		got, err := ParseUevent(tc.msg)
		if tc.bad {
			if !errors.Is(err, errUevent) {
				t.Errorf("%s: ParseUevent = %+v, %v; want errUevent", tc.name, got, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: ParseUevent = %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}
}

// FuzzParseUevent proves ParseUevent never panics, refuses only with
// errUevent, and never accepts an event without an action and a device
// path.
func FuzzParseUevent(f *testing.F) {
	for _, tc := range uevents() {
		f.Add(tc.msg)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		u, err := ParseUevent(msg)
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
