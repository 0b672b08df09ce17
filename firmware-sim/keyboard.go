package firmwaresim

import (
	"errors"
	"fmt"
)

// errNotAHandset is what the phone actions answer on the usb-keyboard
// model.
var errNotAHandset = errors.New("the usb-keyboard model is a keyboard, not a handset: it has no hook, mute or phone keys")

// keyboardDescriptor is the boot keyboard report descriptor of the HID
// specification (Device Class Definition for HID 1.11, appendix B.1 and
// E.6): input 8 bytes (modifier bits, a reserved byte, six key codes),
// output 1 byte (five LEDs and padding), no report ids.
func keyboardDescriptor() []byte {
	return []byte{
		0x05, 0x01, // Usage Page (Generic Desktop)
		0x09, 0x06, // Usage (Keyboard)
		0xA1, 0x01, // Collection (Application)
		0x05, 0x07, //   Usage Page (Keyboard)
		0x19, 0xE0, //   Usage Minimum (Left Control)
		0x29, 0xE7, //   Usage Maximum (Right GUI)
		0x15, 0x00, //   Logical Minimum (0)
		0x25, 0x01, //   Logical Maximum (1)
		0x75, 0x01, //   Report Size (1)
		0x95, 0x08, //   Report Count (8)
		0x81, 0x02, //   Input (Data,Var,Abs): modifiers
		0x95, 0x01, //   Report Count (1)
		0x75, 0x08, //   Report Size (8)
		0x81, 0x01, //   Input (Const): reserved
		0x95, 0x05, //   Report Count (5)
		0x75, 0x01, //   Report Size (1)
		0x05, 0x08, //   Usage Page (LEDs)
		0x19, 0x01, //   Usage Minimum (Num Lock)
		0x29, 0x05, //   Usage Maximum (Kana)
		0x91, 0x02, //   Output (Data,Var,Abs)
		0x95, 0x01, //   Report Count (1)
		0x75, 0x03, //   Report Size (3)
		0x91, 0x01, //   Output (Const): padding
		0x95, 0x06, //   Report Count (6)
		0x75, 0x08, //   Report Size (8)
		0x15, 0x00, //   Logical Minimum (0)
		0x25, 0x65, //   Logical Maximum (101)
		0x05, 0x07, //   Usage Page (Keyboard)
		0x19, 0x00, //   Usage Minimum (0)
		0x29, 0x65, //   Usage Maximum (101)
		0x81, 0x00, //   Input (Data,Array,Abs): key codes
		0xC0, // End Collection
	}
}

// keyboard is a plain USB boot keyboard: the device a handset driver must
// leave alone, and its rules must not grant (the usb-keyboard model is in
// no row of the driver's device table). It types nothing; the host may set
// its LEDs.
type keyboard struct {
	leds byte // the last output report: Num Lock, Caps Lock, ... bits
}

func newKeyboard() *keyboard { return &keyboard{} }

func (k *keyboard) identity() identity {
	return identity{
		// pid.codes' test PID 0003 (see generic.identity).
		vendor: 0x1209, product: 0x0003, version: 0x0100,
		manufacturer: "handsetd simulator", productName: "USB boot keyboard",
	}
}

func (k *keyboard) descriptor() []byte { return keyboardDescriptor() }

func (k *keyboard) powerOn() { k.leds = 0 }

func (k *keyboard) hook(bool) error         { return errNotAHandset }
func (k *keyboard) press(string) error      { return errNotAHandset }
func (k *keyboard) release(string) error    { return errNotAHandset }
func (k *keyboard) mute() error             { return errNotAHandset }
func (k *keyboard) setFeature([]byte) error { return fmt.Errorf("usb-keyboard: %w", errNotAHandset) }

// output takes the LED report, with or without a leading 0 report id (the
// descriptor numbers no reports).
func (k *keyboard) output(report []byte) error {
	switch len(report) {
	case 1:
		k.leds = report[0]
	case 2:
		k.leds = report[1]
	default:
		return fmt.Errorf("usb-keyboard: output report of %d bytes, want the 1-byte LED report", len(report))
	}
	return nil
}

func (k *keyboard) getFeature(id byte) ([]byte, error) {
	return nil, fmt.Errorf("usb-keyboard: feature report %d: it has none", id)
}

func (k *keyboard) state(s *State) {
	s.Hook = "on"
	s.Keys = []string{}
}

// usb is the keyboard on the bus: DefaultUSB's one HID interface, in the
// boot keyboard subclass and protocol (1, 1), as real keyboards declare.
func (k *keyboard) usb() USBDevice {
	id := k.identity()
	u := DefaultUSB(id.vendor, id.product, id.version, id.manufacturer, id.productName, k.descriptor())
	u.Interfaces[0].SubClass, u.Interfaces[0].Protocol = 1, 1
	return u
}
