// Package libusb reaches the legacy USB phones (Yealink USB-P1K family,
// CM109 phones) through hidapi's libusb backend (github.com/karalabe/hid,
// which bundles both).
//
// These phones are on the kernel's HID ignore list: usbhid never binds them,
// so they have no hidraw node. Their own kernel drivers, yealink.ko and
// cm109.ko, turn them into input devices that speak none of the Phone API.
// libusb talks to the USB device node (/dev/bus/usb/BBB/DDD) directly
// instead. Opening a phone detaches the kernel driver bound to its HID
// interface (yealink.ko, cm109.ko, or usbhid) and claims that one interface;
// Close releases it and binds the kernel driver again (yealink.ko then
// re-initialises the phone). The phone's other interfaces, its sound card
// among them, stay with the kernel: only the HID interface changes hands.
//
// hidapi's libusb backend has traps this package hides behind hid.Device:
//
//   - A write must begin with the report id byte (0 for these phones): hidapi
//     takes the first byte as the id and sends the rest, as a SET_REPORT on
//     EP0 (wValue 0x0200 | id) when the interface has no interrupt OUT
//     endpoint. Without the 0 a Yealink packet would go out as wValue
//     0x02<cmd> minus its first byte. hid.Device's convention already puts
//     the id first, so WriteOutput passes reports through unchanged.
//   - On the way in hidapi hands over the bytes of the interrupt transfer,
//     without an id byte for a device that has none; ReadInput adds the 0.
//   - hidapi queues about 30 input reports and then drops the oldest. A
//     CM109 reports on every 10 ms poll, so one reader goroutine drains that
//     queue at all times into the Device's own; when nobody reads, the
//     oldest reports are dropped there instead, and counted.
//   - A Yealink reply can be a stale one, left queued by the kernel driver
//     or by a request sent before: the reply carries the request's command
//     byte, and matching it to the request pending is the Yealink profile's
//     job (keymap.Yealink.Decode), because only the profile knows which
//     request is pending. The backend delivers every report, in order.
//   - hid_close while another thread is inside hid_read frees memory the
//     reader still uses. The reader here waits in ReadTimeout loops of
//     readTimeout and Close stops it first, waits for it to exit, and only
//     then closes the handle; writes hold the handle against Close too.
//   - Every hidapi error reads "hid_error is not implemented yet". Errors
//     here name the operation and the device, and are sorted: a device that
//     is gone (its node under /dev/bus/usb vanished, or hidapi's reader
//     stopped) is hid.ErrDisconnected, a node the user may not open is
//     hid.ErrPermission.
//
// Backend is libusb as a hid.Backend: Enumerate lists the HID interfaces of
// the USB devices its Want picks from their descriptors (hid/usbenum, which
// claims nothing), Watch follows their usb_interface add and remove events
// through hid/uevent (the same netlink source hidraw's Watch reads), and
// Open takes the interface's sysfs name (1-1:1.3).
//
// hidapi cannot fetch the report descriptor on this path without claiming
// the interface a second way; the legacy profiles do not need one, so
// ReportDescriptor returns an empty descriptor.
package libusb
