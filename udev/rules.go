package udev

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/handsetd/handsetd/keymap"
)

// Names the rules, the probe and the unit share.
const (
	// RulesFile is the rules file's name: 70 orders it before
	// 73-seat-late.rules, which turns the uaccess tag into an ACL.
	RulesFile = "70-handsetd.rules"
	// ProbeName is the probe program's name. udev runs a bare program name
	// from its own directory (/usr/lib/udev).
	ProbeName = "handsetd-probe"
	// Property is set to "1" on every device the rules grant.
	Property = "ID_HANDSETD"
	// FamilyProperty names the granted device's family (keymap.Family).
	FamilyProperty = "ID_HANDSETD_FAMILY"
	// Unit is the systemd user unit the rules ask for.
	Unit = "handsetd.service"
)

// RulesDirs are the directories udev reads rules from, in udev's order of
// precedence, where RulesFile is installed: /etc/udev/rules.d (make install
// with PREFIX outside /usr and /usr/local), /usr/local/lib/udev/rules.d
// (make install's default PREFIX), /usr/lib/udev/rules.d (PREFIX=/usr, and
// the .deb), and /lib/udev/rules.d (older systems without the /usr merge).
func RulesDirs() []string {
	return []string{"/etc/udev/rules.d", "/usr/local/lib/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d"}
}

// InstalledRules returns where RulesFile is installed, looking in RulesDirs
// below root ("" means /), or false when it is in none of them.
func InstalledRules(root string) (string, bool) {
	for _, d := range RulesDirs() {
		p := filepath.Join(root, d, RulesFile)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}

// Rules returns the text of RulesFile for the device table devs. probe is
// the program IMPORT{program} runs for hidraw nodes: ProbeName, or its
// absolute path when it is installed elsewhere. A row the rules cannot
// express (a hidraw row with no id that is not matched by descriptor, an
// unknown backend) is an error.
func Rules(devs []keymap.Device, probe string) (string, error) {
	if probe == "" || strings.ContainsAny(probe, "\"\n ") {
		return "", fmt.Errorf("udev: rules: probe path %q: want a program name or path without spaces or quotes", probe)
	}
	var usb, hidrawByID, hidrawByDesc []keymap.Device
	for _, d := range devs {
		switch {
		case d.ByDescriptor && d.Backend == keymap.BackendHIDRaw:
			hidrawByDesc = append(hidrawByDesc, d)
		case d.ByDescriptor:
			return "", fmt.Errorf("udev: rules: %s: a row matched by descriptor must use the %s backend, not %q", d.Name, keymap.BackendHIDRaw, d.Backend)
		case d.ProductMin > d.ProductMax:
			return "", fmt.Errorf("udev: rules: %s: product range %04x-%04x is empty", d.Name, d.ProductMin, d.ProductMax)
		case d.Backend == keymap.BackendLibUSB:
			usb = append(usb, d)
		case d.Backend == keymap.BackendHIDRaw:
			hidrawByID = append(hidrawByID, d)
		default:
			return "", fmt.Errorf("udev: rules: %s: unknown backend %q", d.Name, d.Backend)
		}
	}
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("# %s: lets the user at the seat open the USB phone handsets", RulesFile)
	p("# handsetd drives, without root. Generated from handsetd's device table")
	p("# (keymap.Devices) by `go test ./udev -update`: do not edit.")
	p("#")
	p("# uaccess makes systemd-logind give the seat's active user an ACL on the node;")
	p("# these rules must come before 73-seat-late.rules, which applies it.")
	p("")
	p(`ACTION=="remove", GOTO="handsetd_end"`)
	p(`SUBSYSTEM=="hidraw", GOTO="handsetd_hidraw"`)
	p(`SUBSYSTEM!="usb", GOTO="handsetd_end"`)
	p(`ENV{DEVTYPE}!="usb_device", GOTO="handsetd_end"`)
	p("")
	p("# Phones on the kernel's HID ignore list have no hidraw node: handsetd opens")
	p("# their USB device node through libusb. Only their USB ids are granted.")
	for _, d := range usb {
		p("# %s (%s)", d.Name, d.IDs())
		p(`ATTR{idVendor}=="%04x", ATTR{idProduct}=="%s", %s`, d.Vendor, products(d), mark(d))
	}
	p(`GOTO="handsetd_grant"`)
	p("")
	p(`LABEL="handsetd_hidraw"`)
	for _, d := range hidrawByID {
		p("# %s (%s)", d.Name, d.IDs())
		p(`ATTRS{idVendor}=="%04x", ATTRS{idProduct}=="%s", %s, GOTO="handsetd_grant"`, d.Vendor, products(d), mark(d))
	}
	for _, d := range hidrawByDesc {
		p("# %s: any USB id. The probe reads the node's", d.Name)
		p("# report descriptor (device/report_descriptor in sysfs) and prints")
		p("# %s=1 and %s=%s for a HID Telephony handset;", Property, FamilyProperty, d.Family)
		p("# for anything else (a keyboard, a webcam) nothing.")
		p(`IMPORT{program}="%s %%S%%p"`, probe)
	}
	p("")
	p(`LABEL="handsetd_grant"`)
	p(`ENV{%s}!="1", GOTO="handsetd_end"`, Property)
	p(`TAG+="uaccess"`)
	p("# Starts the user unit (systemctl --user) when a handset appears.")
	p(`TAG+="systemd", ENV{SYSTEMD_USER_WANTS}+="%s"`, Unit)
	p("")
	p(`LABEL="handsetd_end"`)
	return b.String(), nil
}

// products is the row's product ids as a udev pattern: one id, or the
// range's ids as alternatives.
func products(d keymap.Device) string {
	var ids []string
	for p := uint32(d.ProductMin); p <= uint32(d.ProductMax); p++ {
		ids = append(ids, fmt.Sprintf("%04x", p))
	}
	return strings.Join(ids, "|")
}

// mark is the assignments that mark a device of row d as granted.
func mark(d keymap.Device) string {
	return fmt.Sprintf(`ENV{%s}="1", ENV{%s}="%s"`, Property, FamilyProperty, d.Family)
}
