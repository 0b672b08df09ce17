// Package hidraw opens a HID-class handset through the Linux kernel's hidraw
// interface, the backend for devices the kernel's HID core binds (HID
// Telephony headsets and desk phones).
//
// When usbhid (or any HID transport) binds an interface, the kernel parses
// its report descriptor and creates a character device /dev/hidrawN for it.
// That node speaks raw reports: read(2) returns one whole input report per
// call, write(2) sends one output report, and ioctls fetch the report
// descriptor, the bus and USB ids, the device's name, and get or set feature
// reports (GET_REPORT and SET_REPORT on the control endpoint). The device
// stays bound, so the desktop keeps using its other functions, and several
// readers may open the node at once: each gets its own copy of every report.
//
// Report bytes follow hid.Device's convention, which is also hidraw's on the
// way out: the first byte is the report id, 0 for a device that declares
// none. On the way in hidraw omits that byte when the device has no report
// ids; Device adds it back, so callers never see the difference.
//
// Identity comes from two places: HIDIOCGRAWINFO gives the bus and the
// vendor and product ids, and sysfs gives what only the USB layer knows: the
// serial number, the manufacturer and product strings, and the number of the
// interface the node belongs to (/sys/class/hidraw/hidrawN/device is the HID
// device, its parent the USB interface, and that one's parent the USB device).
//
// A read waits in Go's runtime poller (the node is non-blocking and
// registered with epoll), so cancelling the context or closing the Device
// wakes a blocked reader at once, without polling in a loop. After an
// unplug the kernel answers reads with EIO and writes with ENODEV; both
// become hid.ErrDisconnected. A node the user may not open yields
// hid.ErrPermission, whose message names the fix (handsetd's udev rules).
//
// Backend is hidraw as a hid.Backend. Enumerate reads /sys/class/hidraw
// (identity from sysfs alone, so no node needs opening); Watch listens to the
// kernel's NETLINK_KOBJECT_UEVENT socket through hid/uevent, by default to
// udev's group, whose events come after udev created the node and set its
// permissions, or to the kernel's own group on a machine without udevd.
// Nothing polls: the socket's reads wait in epoll.
package hidraw
