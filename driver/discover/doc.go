// Package discover finds the supported handsets plugged into this machine,
// and keeps one driver running for each, now and whenever one is plugged in
// or out later.
//
// A handset is reached one of two ways, as its row of the device table
// (keymap.Devices) says: a HID-class handset through the kernel's hidraw
// node (found under /sys/class/hidraw, and recognised by its report
// descriptor's Telephony controls when no row names its USB id), a legacy
// phone through libusb (found by its USB id among the USB devices, with its
// HID interface and its sibling audio interfaces from its descriptors).
// Scan lists both kinds, each with whether this user may open it and which
// kernel driver opening it would detach.
//
// Manager is hot-plug. It listens to the kernel's device events (the udev
// monitor's netlink group when udev runs, so that rules have set the
// permissions first; the kernel's own group otherwise) and scans again on
// each USB or hidraw add, change or remove. A handset that appears is opened
// and handed to its own driver at once; one that disappears ends its driver,
// which tells the host HOOK ON first when it was off hook, and closes its
// host connection. One handset that cannot be opened (permission denied, a
// broken descriptor) is logged with its fix and tried again on its next
// event; the others go on. There is no polling: between events, nothing
// runs.
package discover
