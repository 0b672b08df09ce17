package hidraw

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/handsetd/handsetd/hid"
)

// TestIoctlNumbers proves the request numbers equal the kernel's, worked
// out by hand from include/uapi/linux/hidraw.h and asm-generic/ioctl.h
// (direction in bits 30-31, size in 16-29, 'H' in 8-15, number in 0-7),
// including the buffer length the variable-length requests carry.
func TestIoctlNumbers(t *testing.T) {
	tests := []struct {
		name string
		got  uint
		want uint
	}{
		{"HIDIOCGRDSIZE", hidiocGRDescSize, 0x80044801},
		{"HIDIOCGRDESC", hidiocGRDesc, 0x90044802},
		{"HIDIOCGRAWINFO", hidiocGRawInfo, 0x80084803},
		{"HIDIOCGRAWNAME(256)", hidiocGRawName(256), 0x81004804},
		{"HIDIOCGRAWPHYS(64)", hidiocGRawPhys(64), 0x80404805},
		{"HIDIOCSFEATURE(2)", hidiocSFeature(2), 0xC0024806},
		{"HIDIOCGFEATURE(9)", hidiocGFeature(9), 0xC0094807},
		{"HIDIOCGFEATURE(max)", hidiocGFeature(iocSizeMax), 0xFFFF4807},
		{"ioc agrees with the constants", ioc(iocRead, 'H', nrGetRDesc, sizeofRawDescriptor), hidiocGRDesc},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %#x, want %#x", tt.name, tt.got, tt.want)
		}
	}
}

// TestSysfs proves readSysfs walks from a hidraw node to its USB interface
// (bInterfaceNumber, in hex) and device (serial, product, manufacturer) in
// a fixture tree shaped like the kernel's, and that a node off USB or
// missing from sysfs leaves the fields empty and Interface -1.
func TestSysfs(t *testing.T) {
	root := t.TempDir()
	usb := filepath.Join(root, "devices", "pci0000:00", "usb1", "1-1")
	iface := filepath.Join(usb, "1-1:1.3")
	hidDev := filepath.Join(iface, "0003:1209:0001.0001")
	virt := filepath.Join(root, "devices", "virtual", "misc", "uhid", "0003:1209:0002.0002")
	for _, d := range []string{filepath.Join(hidDev, "hidraw", "hidraw0"), virt, filepath.Join(root, "class", "hidraw")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(usb, "serial"):             "SN-0042\n",
		filepath.Join(usb, "product"):            "Generic Telephony Handset\n",
		filepath.Join(usb, "manufacturer"):       "handsetd\n",
		filepath.Join(iface, "bInterfaceNumber"): "0a\n",
	}
	for p, s := range files {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// class/hidraw/hidrawN is a link to the node's directory, and its
	// device link points at the HID device.
	if err := os.Symlink(filepath.Join(hidDev, "hidraw", "hidraw0"), filepath.Join(root, "class", "hidraw", "hidraw0")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../../0003:1209:0001.0001", filepath.Join(hidDev, "hidraw", "hidraw0", "device")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "class", "hidraw", "hidraw1"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(virt, filepath.Join(root, "class", "hidraw", "hidraw1", "device")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		node string
		want usbIdentity
	}{
		{"hidraw0", usbIdentity{Serial: "SN-0042", Product: "Generic Telephony Handset", Manufacturer: "handsetd", Interface: 10}},
		{"hidraw1", usbIdentity{Interface: -1}},
		{"hidraw9", usbIdentity{Interface: -1}},
	}
	for _, tt := range tests {
		if got := readSysfs(root, tt.node); got != tt.want {
			t.Errorf("readSysfs(%s) = %+v, want %+v", tt.node, got, tt.want)
		}
	}
}

// TestErrorMapping proves the errno a hidraw node gives maps to the hid
// sentinel the caller acts on, and that a permission error names the fix.
func TestErrorMapping(t *testing.T) {
	tests := []struct {
		err  error
		want error
	}{
		{&fs.PathError{Op: "read", Path: "/dev/hidraw0", Err: syscall.EIO}, hid.ErrDisconnected},
		{&fs.PathError{Op: "write", Path: "/dev/hidraw0", Err: syscall.ENODEV}, hid.ErrDisconnected},
		{syscall.ENODEV, hid.ErrDisconnected},
		{&fs.PathError{Op: "read", Path: "/dev/hidraw0", Err: os.ErrClosed}, hid.ErrClosed},
		{syscall.EACCES, hid.ErrPermission},
		{syscall.EPERM, hid.ErrPermission},
		{syscall.EINVAL, hid.ErrUnsupported},
		{syscall.ENOTTY, hid.ErrUnsupported},
	}
	for _, tt := range tests {
		got := mapError("hidraw /dev/hidraw0: op", tt.err)
		if !errors.Is(got, tt.want) {
			t.Errorf("mapError(%v) = %v, want it to wrap %v", tt.err, got, tt.want)
		}
	}
	err := openError("/dev/hidraw7", &fs.PathError{Op: "open", Path: "/dev/hidraw7", Err: syscall.EACCES})
	if !errors.Is(err, hid.ErrPermission) || !strings.Contains(err.Error(), "make install") || !strings.Contains(err.Error(), "/dev/hidraw7") || !strings.Contains(err.Error(), "70-handsetd.rules") {
		t.Errorf("open EACCES: %v; want hid.ErrPermission naming the node and the fix", err)
	}
}

// TestOpenErrors proves Open explains a missing node, and that a file that
// is not a hidraw node (no hidraw ioctls) is refused with
// hid.ErrUnsupported instead of being taken for a device.
func TestOpenErrors(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "hidraw99"))
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "/sys/class/hidraw") {
		t.Errorf("Open(missing) = %v, want ErrNotExist and a hint", err)
	}
	d, err := Open(os.DevNull)
	if err == nil {
		d.Close()
		t.Fatal("Open(/dev/null) succeeded")
	}
	if !errors.Is(err, hid.ErrUnsupported) || !strings.Contains(err.Error(), "HIDIOCGRDSIZE") {
		t.Errorf("Open(/dev/null) = %v, want hid.ErrUnsupported from HIDIOCGRDSIZE", err)
	}
}

// TestScanReportIDs proves the fallback scan finds a Report ID item and
// steps over item data (and long items) that merely contain 0x85.
func TestScanReportIDs(t *testing.T) {
	tests := []struct {
		desc []byte
		want bool
	}{
		{[]byte{0x05, 0x0B, 0x09, 0x01, 0xA1, 0x01, 0x85, 0x01, 0xC0}, true},
		{[]byte{0x05, 0x0B, 0x09, 0x85, 0xA1, 0x01, 0xC0}, false},
		{[]byte{0xFE, 0x02, 0x00, 0x85, 0x85, 0xC0}, false},
		{[]byte{0x85}, true},
		{nil, false},
		{[]byte{0xFE}, false},
	}
	for _, tt := range tests {
		if got := scanReportIDs(tt.desc); got != tt.want {
			t.Errorf("scanReportIDs(% x) = %v, want %v", tt.desc, got, tt.want)
		}
	}
}
