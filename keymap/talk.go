package keymap

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/handsetd/handsetd/hid"
)

// Talker is the optional half of a Profile for handsets that must be talked
// to, not only listened to: a Yealink phone answers only the requests the
// host sends it (key scans, hook scans), and a CM109 phone shows a key only
// while the host drives the key's column. Such a profile keeps its own
// conversation with the device, and the driver gives it the floor.
//
// The driver's owner goroutine is the only caller, interleaved with Decode
// and Encode, and it calls Talk at least:
//   - once after the device is opened, right after the first Encode;
//   - after every input report it passed to Decode, whether Decode
//     succeeded or failed;
//   - after every Encode;
//   - when the wake-up time the last Talk returned has come, on the driver's
//     clock (the profile never sleeps and never starts timers).
//
// It may call Talk at other times too, so Talk returns nothing to write
// when nothing is due. now is the driver's clock at the call. Talk returns the output reports
// (id byte first) to write now, in order, and the time it wants to be called
// again; the zero Time means it needs no timer, because the next report or
// Encode will call it anyway. A wake-up time in the past means at once. The
// driver writes the reports before it reads the next input report; if a
// write fails, the device is reopened and the profile is built afresh.
//
// A Talker's Encode may return no reports and leave the writing to Talk,
// which the driver calls right after it.
type Talker interface {
	Talk(now time.Time) (reports [][]byte, wake time.Time)
}

// Display is implemented by profiles of handsets with a text display. The
// driver composes Output.LCD in full (caller, digits being dialled, call
// duration) only for these, and ticks the call clock for them once a second.
//
// Output.LCD is then lines separated by '\n': the first line is the main
// text (who is calling, who is on the line, or the number being dialled);
// the second, during a call, is its duration as M:SS or MM:SS.
type Display interface {
	// DisplayWidth is how many characters the main line shows.
	DisplayWidth() int
}

// Options tune profile selection. The zero value picks defaults.
type Options struct {
	// CM109Model picks the keymap of a CM109-based phone, whose USB
	// identity does not tell the models apart: a Variant of the CM109 row in
	// Devices (FamilyRow(FamilyCM109).VariantNames()). Empty
	// means "kip1000", the model the kernel's cm109 driver defaults to.
	CM109Model string
}

// ErrUnknownModel means Options name a model no profile knows.
var ErrUnknownModel = errors.New("unknown handset model")

// ForDevice picks the profile for a device with the default Options.
func ForDevice(info hid.Info, desc []byte) (Profile, error) {
	return ForDeviceWith(info, desc, Options{})
}

// ForDeviceWith picks the profile for a device from its identity, its
// report descriptor and opts, by the device table (Devices):
//   - a device whose USB id a row names gets that row's profile: the
//     Yealink USB-P1K family (6993:b001), which tells P1K, P4K and B2K apart
//     by asking the phone's VERSION; the P1KH (6993:b700); a CM109-based
//     phone (0d8c:0008-000f) with the keymap opts.CM109Model names;
//   - any other device whose descriptor declares HID Telephony controls gets
//     the generic Telephony profile.
//
// Anything else is an error wrapping ErrUnsupportedDevice; an unknown
// CM109Model is an error wrapping ErrUnknownModel that lists the known ones,
// even for a device that is no CM109, so a typo never waits for a plug-in.
// The name announced is info.Product, or the family's name.
func ForDeviceWith(info hid.Info, desc []byte, opts Options) (Profile, error) {
	if _, err := cm109Keymap(opts.CM109Model); err != nil {
		return nil, fmt.Errorf("keymap: %w", err)
	}
	d, ok := Lookup(info.VendorID, info.ProductID)
	if !ok {
		d, _ = FamilyRow(FamilyTelephony)
	}
	p, err := d.NewProfile(info, desc, opts)
	if errors.Is(err, ErrNoTelephonyControls) {
		return nil, fmt.Errorf("keymap: %v is %w (handsetd drives %s): its report descriptor has %w", info, ErrUnsupportedDevice, supportedList(), ErrNoTelephonyControls)
	}
	if err != nil {
		return nil, fmt.Errorf("keymap: %v: %w", info, err)
	}
	return p, nil
}

// supportedList names the table's rows for a message.
func supportedList() string {
	var names []string
	for _, d := range Devices() {
		names = append(names, d.Name)
	}
	return strings.Join(names, ", ")
}
