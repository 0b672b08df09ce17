package uevent

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// Uevent is one device event from the kernel's NETLINK_KOBJECT_UEVENT
// socket, as the kernel sends it or as udev re-sends it once it has handled
// it (device node created, permissions set).
type Uevent struct {
	// Action is "add", "remove", "change", "bind", "unbind", …
	Action string
	// DevPath is the device's path below /sys, such as
	// /devices/…/hidraw/hidraw3.
	DevPath string
	// Env holds the KEY=VALUE properties: SUBSYSTEM, DEVNAME, MAJOR,
	// MINOR, SEQNUM, and udev's own.
	Env map[string]string
	// FromUdev is true for udev's format (the udev netlink group).
	FromUdev bool
}

// The libudev netlink header, as systemd lays it out (struct
// monitor_netlink_header in src/libsystemd/sd-device/device-monitor.c,
// formerly struct udev_monitor_netlink_header in
// src/libudev/libudev-monitor.c): the 8 bytes "libudev\0", then eight
// 32-bit fields: magic 0xfeedcafe in network (big-endian) order, then
// header_size, properties_off, properties_len, filter_subsystem_hash,
// filter_devtype_hash, filter_tag_bloom_hi and filter_tag_bloom_lo, in the
// sender's host order. The properties are properties_len bytes at
// properties_off of NUL-terminated KEY=VALUE strings.
const (
	udevPrefix    = "libudev\x00"
	udevMagic     = 0xfeedcafe
	udevHeaderLen = 8 + 8*4
)

// errUevent marks a message that is not a well-formed uevent.
var errUevent = errors.New("malformed uevent")

// Parse decodes one NETLINK_KOBJECT_UEVENT message in either format:
//
//   - the kernel's (lib/kobject_uevent.c): "ACTION@DEVPATH\0" followed by
//     NUL-terminated KEY=VALUE strings;
//   - udev's: the libudev header (see udevHeaderLen) and the properties it
//     points at, among them ACTION and DEVPATH.
//
// It is a pure function: it checks every length and offset and never
// panics. Header fields other than the magic are read in this machine's
// byte order, as udev on this machine writes them.
func Parse(msg []byte) (Uevent, error) {
	if bytes.HasPrefix(msg, []byte(udevPrefix)) {
		return parseUdev(msg)
	}
	head, rest, ok := bytes.Cut(msg, []byte{0})
	if !ok {
		return Uevent{}, fmt.Errorf("%w: no NUL after the ACTION@DEVPATH header", errUevent)
	}
	action, devpath, ok := strings.Cut(string(head), "@")
	if !ok || action == "" || devpath == "" {
		return Uevent{}, fmt.Errorf("%w: header %q is not ACTION@DEVPATH", errUevent, head)
	}
	env, err := parseProps(rest)
	if err != nil {
		return Uevent{}, err
	}
	return Uevent{Action: action, DevPath: devpath, Env: env}, nil
}

func parseUdev(msg []byte) (Uevent, error) {
	if len(msg) < udevHeaderLen {
		return Uevent{}, fmt.Errorf("%w: libudev header of %d bytes, want %d", errUevent, len(msg), udevHeaderLen)
	}
	if m := binary.BigEndian.Uint32(msg[8:]); m != udevMagic {
		return Uevent{}, fmt.Errorf("%w: libudev magic %#08x, want %#08x", errUevent, m, udevMagic)
	}
	ne := binary.NativeEndian
	hdr, off, n := uint64(ne.Uint32(msg[12:])), uint64(ne.Uint32(msg[16:])), uint64(ne.Uint32(msg[20:]))
	if hdr < udevHeaderLen || off < hdr || off+n > uint64(len(msg)) {
		return Uevent{}, fmt.Errorf("%w: libudev header size %d, properties at %d+%d in a %d-byte message", errUevent, hdr, off, n, len(msg))
	}
	env, err := parseProps(msg[off : off+n])
	if err != nil {
		return Uevent{}, err
	}
	if env["ACTION"] == "" || env["DEVPATH"] == "" {
		return Uevent{}, fmt.Errorf("%w: udev event without ACTION or DEVPATH", errUevent)
	}
	return Uevent{Action: env["ACTION"], DevPath: env["DEVPATH"], Env: env, FromUdev: true}, nil
}

// parseProps splits NUL-terminated KEY=VALUE strings. A last string
// without its NUL is accepted; an empty string (padding) is skipped.
func parseProps(b []byte) (map[string]string, error) {
	env := map[string]string{}
	for len(b) > 0 {
		var kv []byte
		kv, b, _ = bytes.Cut(b, []byte{0})
		if len(kv) == 0 {
			continue
		}
		k, v, ok := strings.Cut(string(kv), "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%w: property %q is not KEY=VALUE", errUevent, kv)
		}
		env[k] = v
	}
	return env, nil
}
