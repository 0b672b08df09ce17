package main

import (
	"errors"
	"testing"

	"github.com/handsetd/handsetd/driver/discover"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/keymap"
)

// TestNoHandsetIsDrivenTwice proves that --device auto beside explicit
// specs drives only the handsets no other spec names: an explicit hidraw:
// node is left to its own spec, a handset two usb: specs match goes to the
// first, and the same spec given twice is refused at start.
func TestNoHandsetIsDrivenTwice(t *testing.T) {
	p1k := discover.Handset{Backend: keymap.BackendLibUSB, Node: "/dev/bus/usb/001/002",
		Info: hid.Info{VendorID: 0x6993, ProductID: 0xb001, Serial: "SN1"}}
	tel := discover.Handset{Backend: keymap.BackendHIDRaw, Node: "/dev/hidraw3",
		Info: hid.Info{VendorID: 0x1209, ProductID: 0x0001}}
	other := discover.Handset{Backend: keymap.BackendHIDRaw, Node: "/dev/hidraw4",
		Info: hid.Info{VendorID: 0x1209, ProductID: 0x0002}}
	all := []discover.Handset{p1k, tel, other}
	for _, tc := range []struct {
		name    string
		devices []string
		// want[i] lists, for the i-th auto or usb: spec, the handsets it drives.
		want [][]discover.Handset
	}{
		{"auto alone", []string{"auto"}, [][]discover.Handset{all}},
		{"auto and hidraw", []string{"hidraw:/dev/hidraw3", "auto"}, [][]discover.Handset{{p1k, other}}},
		{"auto and usb", []string{"auto", "usb:6993:b001"}, [][]discover.Handset{{tel, other}, {p1k}}},
		{"usb naming a hidraw node given", []string{"usb:1209:0001", "hidraw:/dev/hidraw3"}, [][]discover.Handset{nil}},
		{"two usb specs", []string{"usb:6993:b001", "usb:6993:b001:SN1"}, [][]discover.Handset{{p1k}, nil}},
	} {
		wants, _, err := discoveryWants(tc.devices, "")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(wants) != len(tc.want) {
			t.Fatalf("%s: %d wants, want %d", tc.name, len(wants), len(tc.want))
		}
		for i, w := range wants {
			var got []discover.Handset
			for _, h := range all {
				if w(h) {
					got = append(got, h)
				}
			}
			if len(got) != len(tc.want[i]) {
				t.Errorf("%s: spec %d drives %v, want %v", tc.name, i, got, tc.want[i])
				continue
			}
			for j := range got {
				if got[j].Node != tc.want[i][j].Node {
					t.Errorf("%s: spec %d drives %v, want %v", tc.name, i, got, tc.want[i])
				}
			}
		}
	}
	for _, dup := range [][]string{{"auto", "auto"}, {"hidraw:/dev/hidraw3", "hidraw:/dev/hidraw3"}, {"usb:6993:b001", "usb:6993:b001"}} {
		if _, _, err := discoveryWants(dup, ""); !errors.Is(err, errUsage) {
			t.Errorf("%v: err = %v, want a usage error", dup, err)
		}
	}
}
