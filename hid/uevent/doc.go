// Package uevent reads the kernel's device events: the NETLINK_KOBJECT_UEVENT
// socket, in the kernel's own message format or in udev's (the udev
// monitor's group, whose events come after udev's rules ran and set the
// node's permissions). It is the one event source of the backends in hid/:
// hidraw watches SUBSYSTEM=hidraw with it, libusb SUBSYSTEM=usb.
//
// Parse decodes one message and never panics. Listen binds the socket;
// Conn.Next waits for the next event in the runtime poller (epoll), so a
// cancelled context wakes it at once and nothing polls. Watch is the loop
// both backends run: it turns each event a backend cares about into a
// hid.Event and delivers it, as hid.Backend.Watch promises. A socket buffer
// overflow (events lost) ends Watch with an error wrapping
// hid.ErrEventsLost, so the caller enumerates again.
package uevent
