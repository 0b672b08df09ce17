package keymap

import (
	"errors"
	"fmt"

	"github.com/handsetd/handsetd/hid"
)

// Errors of CheckTelephonyHandset. Compare with errors.Is.
var (
	// ErrNoTelephonyApplication means the descriptor declares no HID
	// Telephony (page 0x0B) application collection with a Hook Switch,
	// Phone Mute or phone key input in it.
	ErrNoTelephonyApplication = errors.New("no HID Telephony application collection with Hook Switch, Phone Mute or phone key inputs")
	// ErrKeyboardDevice means the device is also a keyboard or keypad.
	ErrKeyboardDevice = errors.New("also a keyboard or keypad")
)

// CheckTelephonyHandset decides from its report descriptor alone whether a
// HID device is a Telephony handset or headset: whether a user may be
// given its raw reports (the udev probe asks this for every hidraw node,
// whatever its USB id, since no id list can name every headset). It
// returns nil for a handset, and otherwise says why not.
//
// A handset declares an application collection on the Telephony page
// (Phone, Headset, Answering Machine...) holding at least one input the
// generic profile decodes: Hook Switch, Phone Mute or a phone key of
// TelephonyKeys. Telephony usages outside such a collection do not count,
// nor do a Telephony collection's LEDs or ringer alone.
//
// A device that is also a keyboard or keypad (a Generic Desktop Keyboard
// or Keypad application collection) is refused even with a Telephony
// collection, as keyboards with a microphone-mute key declare one: its raw
// reports would carry everything typed on it.
func CheckTelephonyHandset(desc []byte) error {
	d, err := hid.ParseDescriptor(desc)
	if err != nil {
		return fmt.Errorf("keymap: telephony check: %w", err)
	}
	if u, ok := keyboardApplication(d.Collections); ok {
		return fmt.Errorf("keymap: telephony check: %w (application collection %v)", ErrKeyboardDevice, u)
	}
	keys := TelephonyKeys()
	for _, f := range d.Fields(hid.Input) {
		if f.IsConstant() {
			continue
		}
		app := f.Collection.Application()
		if app == nil || app.Usage.Page() != hid.PageTelephony {
			continue
		}
		if len(controlsOf(f, keys)) > 0 {
			return nil
		}
	}
	return fmt.Errorf("keymap: telephony check: %w", ErrNoTelephonyApplication)
}

// keyboardApplication finds a Generic Desktop Keyboard or Keypad
// application collection among cs and their children.
func keyboardApplication(cs []*hid.Collection) (hid.Usage, bool) {
	keyboard := hid.NewUsage(hid.PageGenericDesktop, 0x06)
	keypad := hid.NewUsage(hid.PageGenericDesktop, 0x07)
	for _, c := range cs {
		if c.Type == hid.CollectionApplication && (c.Usage == keyboard || c.Usage == keypad) {
			return c.Usage, true
		}
		if u, ok := keyboardApplication(c.Children); ok {
			return u, true
		}
	}
	return 0, false
}
