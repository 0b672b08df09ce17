package keymap

import (
	"fmt"
	"slices"
	"strings"

	"github.com/handsetd/handsetd/hid"
)

// Family names a protocol family: the handsets of one family share a
// profile and speak the same reports.
type Family string

// The families handsetd drives.
const (
	// FamilyTelephony is every device whose report descriptor declares HID
	// Telephony controls (usage page 0x0B), whatever its USB id.
	FamilyTelephony Family = "hid-telephony"
	// FamilyYealink is the Yealink USB-P1K family's vendor protocol.
	FamilyYealink Family = "yealink"
	// FamilyCM109 is phones built on the C-Media CM109 audio chip, their
	// keypad wired to its GPIO pins.
	FamilyCM109 Family = "cm109"
)

// Backend names how handsetd reaches a device on a real USB bus.
type Backend string

const (
	// BackendHIDRaw is the kernel's hidraw node: for HID-class devices the
	// kernel's HID core binds. The kernel keeps the device, so the desktop
	// keeps its other functions.
	BackendHIDRaw Backend = "hidraw"
	// BackendLibUSB is the USB device node through libusb: for the legacy
	// families on the kernel's HID ignore list, which usbhid never binds
	// (their own drivers, yealink.ko and cm109.ko, are input drivers that
	// have no hidraw node).
	BackendLibUSB Backend = "libusb"
)

// Device is one row of the device table: a kind of handset handsetd knows.
type Device struct {
	// Name is what a person calls these handsets.
	Name   string
	Family Family
	// ByDescriptor means the row matches any USB id whose report
	// descriptor declares the family's controls; Vendor and the product
	// range are then unused.
	ByDescriptor bool
	// Vendor and ProductMin..ProductMax (inclusive) are the USB ids the
	// row matches.
	Vendor                 uint16
	ProductMin, ProductMax uint16
	// Backend is how a real device of this row is reached.
	Backend Backend
	// AnswersRequests means the device speaks only when asked, with a reply
	// that starts with the request's command byte; a fast replay of its
	// recording waits for each request.
	AnswersRequests bool
	// SimModels are the firmware models (phonesim --models) that simulate
	// this row.
	SimModels []string
	// Variants are the published models of the row whose difference the
	// device cannot report, such as the keypad wired to a CM109; the user
	// picks one. Empty for most rows.
	Variants []Variant
	// Summary says what handsetd does with these handsets.
	Summary string
	// NewProfile builds the profile for a device of this row. info.Product
	// is the name it announces (the row's default when empty).
	NewProfile func(info hid.Info, desc []byte, opts Options) (Profile, error)
}

// Variant is one published model of a row that the user names, since the
// device cannot tell: a CM109 phone's keypad.
type Variant struct {
	// Name is how --cm109-model and the config's cm109_model spell it.
	Name string
	// Aliases are other spellings accepted for Name.
	Aliases []string
	// Product is the phone sold with this variant.
	Product string
	// Default marks the variant picked when the user names none.
	Default bool
	// SimModel is the firmware model that simulates this variant.
	SimModel string
	// Keys maps a scancode (for a CM109: row bit | column bit) to its Phone
	// API key.
	Keys map[byte]string
}

// Matches reports whether the row matches a USB identity by id. A
// ByDescriptor row matches no id: it is the fallback.
func (d Device) Matches(vendor, product uint16) bool {
	return !d.ByDescriptor && vendor == d.Vendor && product >= d.ProductMin && product <= d.ProductMax
}

// IDs is the row's USB ids as lsusb shows them: "6993:b001",
// "0d8c:0008-000f", or "any" for a ByDescriptor row.
func (d Device) IDs() string {
	switch {
	case d.ByDescriptor:
		return "any"
	case d.ProductMin == d.ProductMax:
		return fmt.Sprintf("%04x:%04x", d.Vendor, d.ProductMin)
	default:
		return fmt.Sprintf("%04x:%04x-%04x", d.Vendor, d.ProductMin, d.ProductMax)
	}
}

// Variant looks a variant of the row up by name; case, '-', '_' and spaces
// are ignored, aliases are accepted, and "" is the default variant. An
// unknown name is an error wrapping ErrUnknownModel that lists the known
// ones.
func (d Device) Variant(name string) (Variant, error) {
	n := normalName(name)
	for _, v := range d.Variants {
		if n == "" && v.Default || n != "" && n == normalName(v.Name) {
			return v, nil
		}
		for _, a := range v.Aliases {
			if n != "" && n == normalName(a) {
				return v, nil
			}
		}
	}
	return Variant{}, fmt.Errorf("%w: %s model %q (known %s models: %s)", ErrUnknownModel, d.familyLabel(), name, d.familyLabel(), strings.Join(d.VariantNames(), ", "))
}

// VariantNames lists the names of the row's variants, sorted.
func (d Device) VariantNames() []string {
	var names []string
	for _, v := range d.Variants {
		names = append(names, v.Name)
	}
	slices.Sort(names)
	return names
}

func (d Device) familyLabel() string { return strings.ToUpper(string(d.Family)) }

func normalName(s string) string {
	n := strings.ToLower(s)
	for _, c := range []string{"-", "_", " "} {
		n = strings.ReplaceAll(n, c, "")
	}
	return n
}

// Devices is the device table: every kind of handset handsetd drives. A
// device matches the row that names its USB id; only a device no row names
// falls to the row matched by descriptor (HID Telephony). It is a function, not a package variable, so nothing can change it; each call
// returns a fresh copy.
//
// Everything that must know a model reads it: ForDeviceWith, replay pacing
// (AnswersRequests), the config's and the CLI's CM109 model names, the
// README's supported-handsets table and the udev rules.
func Devices() []Device {
	cm109 := cm109Variants()
	return []Device{
		{
			Name:         "HID Telephony handsets and headsets",
			Family:       FamilyTelephony,
			ByDescriptor: true,
			Backend:      BackendHIDRaw,
			SimModels:    []string{"generic-telephony", "ringerless-headset", "jabra-headset"},
			Summary:      "profile built from the report descriptor: hook, mute, keypad, LEDs, ringer",
			NewProfile: func(info hid.Info, desc []byte, _ Options) (Profile, error) {
				return NewTelephony(info.Product, desc)
			},
		},
		{
			Name:            "Yealink USB-P1K, P4K, B2K",
			Family:          FamilyYealink,
			Vendor:          0x6993,
			ProductMin:      0xb001,
			ProductMax:      0xb001,
			Backend:         BackendLibUSB,
			AnswersRequests: true,
			SimModels:       []string{"yealink-p1k", "yealink-p4k", "yealink-b2k"},
			Summary:         "16-byte packet protocol; the model is told apart by its firmware VERSION",
			NewProfile: func(info hid.Info, _ []byte, _ Options) (Profile, error) {
				return NewYealink(info.Product), nil
			},
		},
		{
			Name:       "Yealink USB-P1KH",
			Family:     FamilyYealink,
			Vendor:     0x6993,
			ProductMin: 0xb700,
			ProductMax: 0xb700,
			Backend:    BackendLibUSB,
			SimModels:  []string{"yealink-p1kh"},
			Summary:    "the P1K's keys and LCD over 8-byte packets, sent unasked",
			NewProfile: func(info hid.Info, _ []byte, _ Options) (Profile, error) {
				return NewYealinkP1KH(info.Product), nil
			},
		},
		{
			Name:       "CM109 phones",
			Family:     FamilyCM109,
			Vendor:     0x0d8c,
			ProductMin: 0x0008,
			ProductMax: 0x000f,
			Backend:    BackendLibUSB,
			SimModels:  simModelsOf(cm109),
			Variants:   cm109,
			Summary:    "keypad scanned through the chip's GPIO pins; buzzer",
			NewProfile: func(info hid.Info, _ []byte, opts Options) (Profile, error) {
				m, err := cm109Keymap(opts.CM109Model)
				if err != nil {
					return nil, err
				}
				return newCM109(info.Product, m), nil
			},
		},
	}
}

// Lookup finds the row that matches a USB identity by id. A device no row
// names may still be a HID Telephony handset: see ForDeviceWith.
func Lookup(vendor, product uint16) (Device, bool) {
	for _, d := range Devices() {
		if d.Matches(vendor, product) {
			return d, true
		}
	}
	return Device{}, false
}

// FamilyRow is the row of a family that has one row only (FamilyCM109,
// FamilyTelephony); ok is false for a family of several rows or none.
func FamilyRow(f Family) (d Device, ok bool) {
	n := 0
	for _, r := range Devices() {
		if r.Family == f {
			d, n = r, n+1
		}
	}
	if n != 1 {
		return Device{}, false
	}
	return d, true
}

// AnswersRequests reports whether a device speaks only when asked, with a
// reply that starts with the request's command byte, as its row in Devices
// says: the first Yealink generation (6993:b001) does; the P1KH's 8-byte
// packets come unasked. A fast replay of such a device waits for each
// request (package replay).
func AnswersRequests(vendor, product uint16) bool {
	d, ok := Lookup(vendor, product)
	return ok && d.AnswersRequests
}

func simModelsOf(vs []Variant) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.SimModel)
	}
	return out
}

// cm109Row is the CM109 row. The table has exactly one, which a test
// proves.
func cm109Row() Device {
	d, _ := FamilyRow(FamilyCM109)
	return d
}

// ForSimModel finds the row whose handset the simulator's firmware model
// name (phonesim --models) plays, and for a family told apart by its
// variants (CM109) the variant too. A simulator model with no row is no
// handset (a keyboard kept to prove the udev rules refuse it).
func ForSimModel(name string) (Device, Variant, bool) {
	for _, d := range Devices() {
		for _, v := range d.Variants {
			if v.SimModel == name {
				return d, v, true
			}
		}
		if slices.Contains(d.SimModels, name) {
			return d, Variant{}, true
		}
	}
	return Device{}, Variant{}, false
}
