package uevent

import (
	"encoding/binary"
	"strings"
)

// KernelMessage encodes a message in the kernel's format: head
// ("ACTION@DEVPATH") and the KEY=VALUE properties, each NUL-terminated.
// Tests and fake event sources use it; Parse reads it back.
func KernelMessage(head string, props ...string) []byte {
	return []byte(head + "\x00" + strings.Join(props, "\x00") + "\x00")
}

// UdevMessage encodes a message in udev's format: the 40-byte libudev
// header (the magic big-endian, the rest in this machine's order) and the
// NUL-terminated KEY=VALUE properties after it.
func UdevMessage(props ...string) []byte {
	body := []byte(strings.Join(props, "\x00") + "\x00")
	h := make([]byte, udevHeaderLen)
	copy(h, udevPrefix)
	binary.BigEndian.PutUint32(h[8:], udevMagic)
	binary.NativeEndian.PutUint32(h[12:], udevHeaderLen)
	binary.NativeEndian.PutUint32(h[16:], udevHeaderLen)
	binary.NativeEndian.PutUint32(h[20:], uint32(len(body)))
	return append(h, body...)
}
