package keymap

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidtest"
)

// TestCheckTelephonyHandset proves which devices the udev probe grants:
// a Telephony application collection with a hook, mute or key input is a
// handset; a keyboard (even one with a Telephony mute key), a webcam, a
// mouse, a vendor interface, Telephony usages outside a Telephony
// application, outputs only, constant inputs and a broken descriptor are
// not. Every file in testdata/descriptors must have its verdict here.
func TestCheckTelephonyHandset(t *testing.T) {
	tests := map[string]error{ // file → nil (granted) or the reason
		"headset.hex":                nil,
		"desk-phone-keypad.hex":      nil,
		"hook-in-logical.hex":        nil,
		"boot-keyboard.hex":          ErrKeyboardDevice,
		"keyboard-micmute.hex":       ErrKeyboardDevice,
		"webcam.hex":                 ErrNoTelephonyApplication,
		"consumer-phone-mute.hex":    ErrNoTelephonyApplication,
		"telephony-outputs-only.hex": ErrNoTelephonyApplication,
		"constant-hook.hex":          ErrNoTelephonyApplication,
		"vendor.hex":                 ErrNoTelephonyApplication,
		"mouse.hex":                  ErrNoTelephonyApplication,
		"truncated.hex":              hid.ErrBadDescriptor,
	}
	files, err := filepath.Glob("testdata/descriptors/*.hex")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, ok := tests[filepath.Base(f)]; !ok {
			t.Errorf("%s has no verdict in this test", f)
		}
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			err := CheckTelephonyHandset(hidtest.ReadHexDescriptor(t, filepath.Join("testdata/descriptors", name)))
			switch {
			case want == nil && err != nil:
				t.Errorf("refused: %v", err)
			case want != nil && !errors.Is(err, want):
				t.Errorf("got %v, want %v", err, want)
			}
		})
	}
}
