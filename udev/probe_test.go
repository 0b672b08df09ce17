package udev

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/hid/hidtest"
	"github.com/handsetd/handsetd/keymap"
)

// hidrawNode writes a sysfs tree for one hidraw node whose HID device has
// report descriptor desc, as the kernel lays it out, and returns the
// node's directory (udev's %S%p).
func hidrawNode(t *testing.T, desc []byte) string {
	t.Helper()
	hidDev := filepath.Join(t.TempDir(), "devices", "pci0000:00", "usb1", "1-1", "1-1:1.3", "0003:1209:0001.0001")
	node := filepath.Join(hidDev, "hidraw", "hidraw0")
	if err := os.MkdirAll(node, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hidDev, "report_descriptor"), desc, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../../0003:1209:0001.0001", filepath.Join(node, "device")); err != nil {
		t.Fatal(err)
	}
	return node
}

// TestProbeSimulatorModels proves the probe grants the hidraw node of
// every simulated HID Telephony model and of no legacy model (those are
// granted by USB id, on their USB device node), reading the descriptor
// through the hidraw node's device link as udev's %S%p gives it.
func TestProbeSimulatorModels(t *testing.T) {
	family := map[string]keymap.Family{}
	for _, d := range keymap.Devices() {
		for _, m := range d.SimModels {
			family[m] = d.Family
		}
	}
	for _, m := range firmwaresim.Models() {
		t.Run(m.Name, func(t *testing.T) {
			h, err := firmwaresim.New(m.Name, firmwaresim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			v, err := Probe(hidrawNode(t, h.Descriptor()))
			if err != nil {
				t.Fatal(err)
			}
			want := family[m.Name] == keymap.FamilyTelephony
			if v.Handset != want {
				t.Errorf("granted %v, want %v (family %q; why: %v)", v.Handset, want, family[m.Name], v.Why)
			}
		})
	}
}

// TestProbeDescriptors proves what the probe prints for udev on a table
// of descriptors: the two properties for a headset and a desk phone,
// nothing for a keyboard, a keyboard with a mute key, a webcam, a mouse or
// a broken descriptor.
func TestProbeDescriptors(t *testing.T) {
	granted := []string{"ID_HANDSETD=1", "ID_HANDSETD_FAMILY=hid-telephony"}
	tests := []struct {
		file string
		want []string
	}{
		{"headset.hex", granted},
		{"desk-phone-keypad.hex", granted},
		{"boot-keyboard.hex", nil},
		{"keyboard-micmute.hex", nil},
		{"webcam.hex", nil},
		{"mouse.hex", nil},
		{"truncated.hex", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			v, err := Probe(hidrawNode(t, hidtest.ReadHexDescriptor(t, filepath.Join("..", "keymap", "testdata", "descriptors", tt.file))))
			if err != nil {
				t.Fatal(err)
			}
			if got := v.Properties(); !slices.Equal(got, tt.want) {
				t.Errorf("properties %q, want %q", got, tt.want)
			}
			if (v.Why == nil) != v.Handset {
				t.Errorf("Handset %v with Why %v", v.Handset, v.Why)
			}
		})
	}
}

// TestProbeUnreadableDescriptor proves a node without a readable report
// descriptor is an error (udev logs it), not a silent "no".
func TestProbeUnreadableDescriptor(t *testing.T) {
	_, err := Probe(t.TempDir())
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want a not-exist error", err)
	}
}
