// Package config reads the user's handsetd configuration: per-handset
// overrides of the keymap profiles. A handset's firmware sends what it
// sends; the config changes what handsetd makes of it: the NAME announced to
// the host, which Phone API key each key becomes (or none), and, for CM109
// handsets, which published keypad layout is wired to the chip.
//
// The file is TOML, at $XDG_CONFIG_HOME/handsetd/config.toml (or
// ~/.config/handsetd/config.toml). handsetd reads a strict subset of TOML,
// so any TOML tool reads the file too, and anything outside the subset is an
// error naming the line rather than a setting silently ignored:
//
//	# CM109 handsets use this keypad unless a [device] says otherwise.
//	cm109_model = "kip1000"
//
//	[device."0d8c:000e"]          # by USB vendor:product id, in hex
//	name = "Kitchen phone"        # the NAME sent to the host
//	cm109_model = "usbph01"
//
//	[device."0d8c:000e".keys]     # key the profile reports = key to send
//	"UP" = "PAGEUP"
//	"#" = ""                      # "" switches the key off
//
//	[model."Generic USB Telephony Handset"]   # by the profile's own NAME
//	[model."Generic USB Telephony Handset".keys]
//	"F" = "NO"
//
// Supported: comments, blank lines, the tables above, keys bare or quoted,
// and string values ("basic" with escapes, or 'literal'). Numbers, booleans,
// arrays, inline tables, dotted keys and multi-line strings are not.
//
// When both a [device] and a [model] table match a handset, the device's
// name wins and its key remaps are applied over the model's, key by key.
// Key names on both sides are Phone API key names: 0-9, A-Z, #, *, +, UP,
// DOWN, YES, NO, SKYPE, PAGEUP, PAGEDOWN.
package config
