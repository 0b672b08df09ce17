// Package discover finds the supported handsets plugged into this machine,
// and keeps one driver running for each, now and whenever one is plugged in
// or out later.
//
// It is written against the hid backend seam: a Backend (what discover
// needs of a hid.Backend: Enumerate, Watch, Open) per way of reaching a
// handset, as its row of the device table (keymap.Devices) says. A
// HID-class handset comes through the hidraw backend (hid/hidraw), and is
// recognised by its report descriptor's Telephony controls when no row
// names its USB id; a legacy phone comes through the libusb backend
// (hid/libusb), by its USB id. Scanner.Scan lists both kinds from their
// backends' Enumerate, adding from sysfs what a driver and a user need: the
// USB interface, the kernel driver bound to it (which opening with libusb
// detaches), the sibling audio interfaces, and whether this user may open
// the node.
//
// Manager is hot-plug. It follows the backends' Watch (Scanner.Watch: the
// kernel's device events through hid/uevent, the udev monitor's netlink
// group when udev runs, so that rules have set the permissions first; the
// kernel's own group otherwise). It scans once at start (and again when
// events were lost); after that an event leads to only the device it names
// being looked at (Scanner.Lookup reads that one device's sysfs entries),
// since a scan opens every USB phone for its strings, which takes hundreds
// of milliseconds on a slow bus. A handset that appears is opened
// and handed to its own driver at once; one that disappears ends its driver,
// which tells the host HOOK ON first when it was off hook, and closes its
// host connection. One handset that cannot be opened (permission denied, a
// broken descriptor) is logged with its fix and tried again on its next
// event; the others go on. There is no polling: between events, nothing
// runs.
//
// Follower is the same for one handset named by its hidraw node (--device
// hidraw:PATH): it learns what the handset is (USB id and interface, and
// its serial or else its USB port) while the node is there, and after an
// unplug waits on the backend's plug events for that handset, whatever
// node it comes back as. Claims tells the Manager's Want which handset a
// Follower has, so that auto leaves it alone.
package discover
