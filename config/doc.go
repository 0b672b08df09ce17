// Package config reads the user's handsetd configuration: per-handset
// overrides of the keymap profiles. A handset's firmware sends what it
// sends; the config changes what handsetd makes of it: the NAME announced to
// the host, which Phone API key each key becomes (or none), and, for CM109
// handsets, which published keypad layout is wired to the chip.
//
// The file is TOML, at $XDG_CONFIG_HOME/handsetd/config.toml (or
// ~/.config/handsetd/config.toml), read with go-toml's parser. handsetd
// takes the tables below and string values; anything else, and any setting
// it does not know, is an error naming the file and line rather than a
// setting silently ignored:
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
//	[device.desk]                 # any label, with the ids it applies to
//	ids = ["6993:b001", "6993:b700"]
//
//	[model."Generic USB Telephony Handset"]   # by the profile's own NAME
//	[model."Generic USB Telephony Handset".keys]
//	"F" = "NO"
//
// A [device] table is named by a USB id, or by a label when ids lists the
// ids it applies to; a table named by an id may list more. Each id belongs
// to one [device] table. Dotted keys and inline tables say the same as
// headers (device."0d8c:000e".name = "…", keys = { "#" = "" }). Only ids
// takes an array; numbers, booleans and arrays of tables are refused.
//
// When both a [device] and a [model] table match a handset, the device's
// name wins and its key remaps are applied over the model's, key by key.
// Key names on both sides are Phone API key names: 0-9, A-Z, #, *, +, UP,
// DOWN, YES, NO, SKYPE, PAGEUP, PAGEDOWN.
package config
