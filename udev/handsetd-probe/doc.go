// Command handsetd-probe tells udev whether a hidraw node is a HID
// Telephony handset, so that 70-handsetd.rules can grant the user at the
// seat access to it (see package udev). udev runs it for every hidraw node:
//
//	IMPORT{program}="handsetd-probe %S%p"
//
// It reads the node's report descriptor from sysfs and prints ID_HANDSETD=1
// and ID_HANDSETD_FAMILY=hid-telephony for a handset, nothing for any other
// device. It exits 1 only when the descriptor cannot be read; --explain
// adds, on stderr, why a device is not granted. With no argument it probes
// $DEVPATH under /sys, as udev sets it. It is small and links no C, so it
// starts fast on every hidraw event.
package main
