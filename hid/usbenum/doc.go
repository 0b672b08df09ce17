// Package usbenum lists USB devices and their descriptors through libusb
// (github.com/google/gousb), claiming nothing: the vendor and product ids,
// the strings (manufacturer, product, serial), and the interfaces of one
// device with their classes, which tell a phone's HID interface from its
// sibling audio interfaces (the phone's own sound card).
//
// It never claims an interface and never asks gousb for a Config: with
// auto-detach on, gousb's Config detaches the kernel driver of every
// interface of the configuration, which would unbind snd-usb-audio and make
// the phone's sound card vanish. Reading descriptors needs no claim; reading
// the strings opens the device node (libusb_open, which detaches nothing),
// and where this user may not open it the strings come from sysfs, which
// anyone may read.
//
// gousb's NewContext panics where libusb cannot start (a container without
// /sys/bus/usb or /dev/bus/usb); List recovers and returns an error that
// says so.
package usbenum
