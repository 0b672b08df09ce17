package keymap

import "github.com/handsetd/handsetd/hid"

// Options are the settings that choose among profiles for one device.
type Options struct {
	// CM109Model names the published CM109 handset whose keymap to use
	// (the CM109 chip does not say which keypad is wired to it).
	CM109Model string
}

// ForDeviceWith is ForDevice with settings. (Placeholder on the replay
// branch with the shape the legacy-handsets branch defines; that branch's
// version, which selects the CM109 keymaps, replaces this file.)
func ForDeviceWith(info hid.Info, desc []byte, opts Options) (Profile, error) {
	return ForDevice(info, desc)
}
