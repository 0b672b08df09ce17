// Package udev writes the udev rules that let the user at the seat open the
// handsets handsetd drives, without root, and decides for the rules which
// hidraw nodes are handsets (the probe, cmd handsetd-probe in
// udev/handsetd-probe).
//
// # Why rules, and which
//
// The kernel creates a handset's device nodes owned by root. udev's
// uaccess tag asks systemd-logind to add an ACL for the user logged in at
// the seat (and to move it when another user takes the seat), so rules
// grant TAG+="uaccess" and never a world-writable MODE. Rules that tag a
// device must run before 73-seat-late.rules, which applies the tag: hence
// 70-handsetd.rules.
//
// The device table (keymap.Devices) says which devices to grant:
//   - a row reached through libusb (the Yealink and CM109 families, on the
//     kernel's HID ignore list, so without a hidraw node) grants the USB
//     device node (SUBSYSTEM "usb", DEVTYPE "usb_device") of its USB ids
//     only;
//   - the HID Telephony row names no USB id: any headset or desk phone can
//     be one. For every hidraw node, udev runs the probe (IMPORT{program}),
//     which reads the report descriptor from sysfs and prints ID_HANDSETD=1
//     when keymap.CheckTelephonyHandset says it is a handset: a Telephony
//     application collection with a hook, mute or key input, and no
//     keyboard. This is how systemd's fido_id marks security keys for
//     60-fido-id.rules. A webcam, a mouse or a keyboard gets nothing.
//
// Every granted device also gets ENV{ID_HANDSETD}="1" (and
// ID_HANDSETD_FAMILY), which handsetd's own checks can read, and
// ENV{SYSTEMD_USER_WANTS}="handsetd.service", which starts the user unit
// when a handset appears.
//
// The folder also holds handsetd.service, the systemd user unit those
// rules start (the journal keeps its log: journalctl --user -u handsetd),
// and the tests of what `make install` and `make deb` (scripts/deb.sh)
// install: the rules, the probe, the unit and the programs.
//
// Rules returns the rules for a table; the committed udev/70-handsetd.rules
// is Rules(keymap.Devices(), ProbeName), and a test fails when they
// differ (go test ./udev -update rewrites the file). `make install` copies
// it, writing the probe's absolute path into it when the probe is not
// installed where udev looks for bare program names (/usr/lib/udev).
// RulesDirs lists where the file can be installed, and InstalledRules finds
// it there: `handsetd doctor` looks for exactly RulesFile in those
// directories, and tells a user without it to run `sudo make install` (or to
// install the .deb).
package udev
