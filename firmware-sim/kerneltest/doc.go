// Package kerneltest shows the simulated handsets to a real Linux kernel:
// each firmware model is exported over USB/IP from the test process and
// attached in a qemu guest (package vmtest) with `usbip attach`, so the
// kernel's own USB core, usbhid and hidraw enumerate it as they would a
// handset on a real bus.
//
// Its tests prove what a driver relies on: each model appears with its
// real VID:PID; the generic-telephony model gets a hidraw node whose report
// descriptor (read from sysfs) is the model's; and a program in the guest
// reading and writing that node exchanges exactly the reports the firmware
// sends and sees. handsetd's hidraw backend (hid/hidraw) and the built
// handsetd program (monitor and record with --device hidraw:/dev/hidrawN)
// run in the guest on that node and must turn the keys pressed on the model
// into the right Phone API lines and light its Off-Hook LED. The legacy phones, which the kernel's HID core ignores,
// meet the kernel's own drivers for them: yealink.ko and cm109.ko poll the
// yealink-p1k and cm109-kip1000 models, and every key pressed on the model
// must come out of the driver's input device as the right key code (and the
// driver's LCD text, ring notes and bell must reach the firmware intact).
// The udev rules and probe, installed by `make install-files` and run by
// Debian's systemd-udevd in the guest, must grant (ID_HANDSETD, uaccess)
// the telephony model's hidraw node and a legacy phone's USB device node
// and not a keyboard's, and an unprivileged user must then open exactly
// those two (logind's uaccess ACL is emulated: the guest has no seat).
// The Debian package `make deb` builds installs with dpkg in the guest's
// real (overlaid, writable for that test only) root, its dependencies met
// by the host's packages; its installed rules and probe grant a simulated
// handset (udevadm test), its handsetd lists it, and a purge leaves nothing.
// The package has no code of its own, only tests (and it builds handsetd
// for the guest before the VM boots); it needs
// the kernel that `make test-kernel` prepares.
package kerneltest
