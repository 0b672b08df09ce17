package discover

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/handsetd/handsetd/hid"
)

// nodeOnly is a USBBackend that only names nodes: Lookup must not list or
// open anything.
type nodeOnly struct{ t *testing.T }

func (n nodeOnly) Enumerate(context.Context) ([]hid.Info, error) {
	n.t.Error("Lookup listed the USB devices")
	return nil, nil
}
func (n nodeOnly) Watch(context.Context, chan<- hid.Event) error { return nil }
func (n nodeOnly) Open(context.Context, string) (hid.Device, error) {
	n.t.Error("Lookup opened a device")
	return nil, hid.ErrUnsupported
}
func (n nodeOnly) Node(path string) string { return "/nonexistent/" + path }

// TestScannerLookupReadsOnlyTheNamedDevice proves Scanner.Lookup makes the
// handset of a USB phone's plug event from that device's sysfs entries
// alone, without listing or opening devices;
// that only the phone's first HID interface brings it, as in Scan; and that
// unplugs, unsupported ids and events of a backend it has not are none.
func TestScannerLookupReadsOnlyTheNamedDevice(t *testing.T) {
	root := t.TempDir()
	dev := filepath.Join(root, "bus", "usb", "devices", "1-1")
	for _, i := range []struct{ name, class, num string }{
		{"1-1:1.0", "01", "00"}, {"1-1:1.3", "03", "03"}, {"1-1:1.4", "03", "04"},
	} {
		d := filepath.Join(dev, i.name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(d, "bInterfaceClass"), []byte(i.class+"\n"), 0o644)
		os.WriteFile(filepath.Join(d, "bInterfaceNumber"), []byte(i.num+"\n"), 0o644)
	}
	s := Scanner{USB: nodeOnly{t}, SysfsRoot: root}
	p1k := hid.Info{VendorID: 0x6993, ProductID: 0xb001, Path: "1-1:1.3", Interface: 3}
	tests := []struct {
		name string
		ev   hid.Event
		ok   bool
	}{
		{"the phone's first HID interface", hid.Event{Kind: hid.Added, Info: p1k}, true},
		{"its second HID interface", hid.Event{Kind: hid.Added, Info: hid.Info{VendorID: 0x6993, ProductID: 0xb001, Path: "1-1:1.4", Interface: 4}}, false},
		{"its unplug", hid.Event{Kind: hid.Removed, Info: hid.Info{Path: "1-1:1.3"}}, false},
		{"an id no row names for libusb", hid.Event{Kind: hid.Added, Info: hid.Info{VendorID: 0x1209, ProductID: 0x0001, Path: "1-1:1.3"}}, false},
		{"a hidraw node without a hidraw backend", hid.Event{Kind: hid.Added, Info: hid.Info{Path: "/dev/hidraw0"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ok := s.Lookup(context.Background(), tt.ev)
			if ok != tt.ok {
				t.Fatalf("Lookup: ok %v, want %v (%+v)", ok, tt.ok, h)
			}
			if !ok {
				return
			}
			if h.USB != "1-1" || h.Interface != "1-1:1.3" || h.Node != "/nonexistent/1-1:1.3" {
				t.Errorf("Lookup: %+v, want the phone 1-1 at 1-1:1.3", h)
			}
		})
	}
}
