package udev

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/handsetd/handsetd/keymap"
)

// Verdict is the probe's answer for one hidraw node.
type Verdict struct {
	// Handset is true when the rules should grant the node.
	Handset bool
	// Family is the granted node's family.
	Family keymap.Family
	// Why says why a node is not granted (nil for a handset): an error
	// wrapping keymap.ErrNoTelephonyApplication, keymap.ErrKeyboardDevice
	// or hid.ErrBadDescriptor.
	Why error
}

// Properties are the lines the probe prints for udev's IMPORT{program}:
// KEY=value, one per line; none for a device that is not granted.
func (v Verdict) Properties() []string {
	if !v.Handset {
		return nil
	}
	return []string{Property + "=1", FamilyProperty + "=" + string(v.Family)}
}

// Probe decides whether the hidraw node at syspath (a sysfs directory such
// as /sys/devices/…/0003:1234:5678.0001/hidraw/hidraw0, what udev calls
// %S%p) is a HID Telephony handset, from the report descriptor of the HID
// device it belongs to (syspath/device/report_descriptor). Only a
// descriptor that cannot be read is an error; one that does not parse is
// a Verdict that grants nothing.
func Probe(syspath string) (Verdict, error) {
	path := filepath.Join(syspath, "device", "report_descriptor")
	desc, err := os.ReadFile(path)
	if err != nil {
		return Verdict{}, fmt.Errorf("udev: probe: reading the report descriptor: %w", err)
	}
	if err := keymap.CheckTelephonyHandset(desc); err != nil {
		return Verdict{Why: err}, nil
	}
	return Verdict{Handset: true, Family: keymap.FamilyTelephony}, nil
}
