package keymap_test

import (
	"errors"
	"testing"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/keymap"
)

// notHandsets are the simulator models that are deliberately no handset,
// and so in no row: the devices the rules and the driver must leave alone.
var notHandsets = map[string]string{
	"usb-keyboard": "a boot keyboard: the udev rules must not grant it",
}

// TestDeviceTableSimModels proves that every simulator model a row names
// exists in phonesim's list, and that every simulator model belongs to
// exactly one row, except the few listed in notHandsets (which belong to
// none), so a model added to firmware-sim without its row (or the other way
// round) fails here.
func TestDeviceTableSimModels(t *testing.T) {
	sims := map[string]bool{}
	for _, m := range firmwaresim.Models() {
		sims[m.Name] = true
	}
	for m := range notHandsets {
		if !sims[m] {
			t.Errorf("notHandsets lists %q, which phonesim --models does not list", m)
		}
	}
	owner := map[string]string{}
	for _, d := range keymap.Devices() {
		if len(d.SimModels) == 0 {
			t.Errorf("row %q names no simulator model", d.Name)
		}
		for _, m := range d.SimModels {
			if !sims[m] {
				t.Errorf("row %q names simulator model %q, which phonesim --models does not list", d.Name, m)
			}
			if why, ok := notHandsets[m]; ok {
				t.Errorf("row %q names simulator model %q, which is no handset (%s)", d.Name, m, why)
			}
			if o, ok := owner[m]; ok {
				t.Errorf("simulator model %q is in rows %q and %q", m, o, d.Name)
			}
			owner[m] = d.Name
		}
		for _, v := range d.Variants {
			if v.SimModel != "" && owner[v.SimModel] != d.Name {
				t.Errorf("row %q: variant %q's simulator model %q is not among the row's", d.Name, v.Name, v.SimModel)
			}
		}
	}
	for m := range sims {
		if _, ok := owner[m]; !ok && notHandsets[m] == "" {
			t.Errorf("simulator model %q has no row in keymap.Devices", m)
		}
	}
}

// TestDeviceTableShape proves the table's invariants: every row has a name,
// a family, a backend, a summary and a profile constructor; id ranges are
// ordered and no two rows claim one id; exactly one row matches by
// descriptor; a row with variants has exactly one default; and a family
// with variants has one row, so its variant names are one list.
func TestDeviceTableShape(t *testing.T) {
	rows := keymap.Devices()
	byDesc := 0
	for i, d := range rows {
		if d.Name == "" || d.Family == "" || d.Backend == "" || d.Summary == "" || d.NewProfile == nil {
			t.Errorf("row %d is incomplete: %+v", i, d)
		}
		if d.ByDescriptor {
			byDesc++
			continue
		}
		if d.ProductMin > d.ProductMax {
			t.Errorf("row %q: product range %04x-%04x is reversed", d.Name, d.ProductMin, d.ProductMax)
		}
		for _, o := range rows[i+1:] {
			if !o.ByDescriptor && o.Vendor == d.Vendor && o.ProductMin <= d.ProductMax && d.ProductMin <= o.ProductMax {
				t.Errorf("rows %q and %q overlap", d.Name, o.Name)
			}
		}
		if len(d.Variants) > 0 {
			defaults := 0
			for _, v := range d.Variants {
				if v.Default {
					defaults++
				}
			}
			if defaults != 1 {
				t.Errorf("row %q has %d default variants, want 1", d.Name, defaults)
			}
			if _, ok := keymap.FamilyRow(d.Family); !ok {
				t.Errorf("family %s has variants but more than one row", d.Family)
			}
		}
	}
	if byDesc != 1 {
		t.Errorf("%d rows match by descriptor, want 1", byDesc)
	}
}

// TestLookup proves that Lookup finds each legacy family by USB id (the
// whole CM109 range), that the descriptor row is never returned by id, and
// that AnswersRequests reads the table: only the first Yealink generation
// answers only when asked.
func TestLookup(t *testing.T) {
	cases := []struct {
		vendor, product uint16
		family          keymap.Family
		backend         keymap.Backend
		answers         bool
	}{
		{0x6993, 0xb001, keymap.FamilyYealink, keymap.BackendLibUSB, true},
		{0x6993, 0xb700, keymap.FamilyYealink, keymap.BackendLibUSB, false},
		{0x0d8c, 0x0008, keymap.FamilyCM109, keymap.BackendLibUSB, false},
		{0x0d8c, 0x000e, keymap.FamilyCM109, keymap.BackendLibUSB, false},
		{0x0d8c, 0x000f, keymap.FamilyCM109, keymap.BackendLibUSB, false},
		{0x0d8c, 0x0010, "", "", false},
		{0x0d8c, 0x0007, "", "", false},
		{0x6993, 0xb002, "", "", false},
		{0x046d, 0x0a44, "", "", false},
	}
	for _, c := range cases {
		d, ok := keymap.Lookup(c.vendor, c.product)
		if ok != (c.family != "") || d.Family != c.family || d.Backend != c.backend {
			t.Errorf("Lookup(%04x:%04x) = %q %q %v, want %q %q", c.vendor, c.product, d.Family, d.Backend, ok, c.family, c.backend)
		}
		if got := keymap.AnswersRequests(c.vendor, c.product); got != c.answers {
			t.Errorf("AnswersRequests(%04x:%04x) = %v, want %v", c.vendor, c.product, got, c.answers)
		}
	}
	tel, ok := keymap.FamilyRow(keymap.FamilyTelephony)
	if !ok || !tel.ByDescriptor || tel.Backend != keymap.BackendHIDRaw || tel.IDs() != "any" {
		t.Errorf("telephony row: %+v %v", tel, ok)
	}
	if _, ok := keymap.FamilyRow(keymap.FamilyYealink); ok {
		t.Error("FamilyRow(yealink) is ambiguous (two rows) but reported one")
	}
}

// TestRowProfiles proves that each row's constructor builds the profile
// ForDeviceWith picks for its ids, and that a CM109 variant is found by
// name, alias and default, an unknown one listing the known names.
func TestRowProfiles(t *testing.T) {
	for _, d := range keymap.Devices() {
		if d.ByDescriptor {
			continue
		}
		info := hid.Info{VendorID: d.Vendor, ProductID: d.ProductMax}
		want, err := d.NewProfile(info, nil, keymap.Options{})
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		got, err := keymap.ForDevice(info, nil)
		if err != nil || got.Name() != want.Name() {
			t.Errorf("%s: ForDevice = %v %v, want %q", d.Name, got, err, want.Name())
		}
	}
	cm, ok := keymap.FamilyRow(keymap.FamilyCM109)
	if !ok {
		t.Fatal("no CM109 row")
	}
	for name, want := range map[string]string{"": "kip1000", "GTalk": "gtalk", "au100": "atcom", "ATCOM-AU100": "atcom", "usb_ph01": "usbph01"} {
		if v, err := cm.Variant(name); err != nil || v.Name != want {
			t.Errorf("Variant(%q) = %q %v, want %q", name, v.Name, err, want)
		}
	}
	if _, err := cm.Variant("kip2000"); !errors.Is(err, keymap.ErrUnknownModel) {
		t.Errorf("Variant(kip2000): %v", err)
	}
	if got := cm.IDs(); got != "0d8c:0008-000f" {
		t.Errorf("CM109 IDs = %q", got)
	}
}
