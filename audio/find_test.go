package audio

import (
	"errors"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/audio/audiotest"
	"github.com/handsetd/handsetd/hid"
)

type devList []Device

func (l devList) Devices() ([]Device, error) { return l, nil }

// paDevices is what PortAudio lists on a machine with the fixtures' cards
// and a desktop sound server.
var paDevices = devList{
	{Name: "Logitech Headset: USB Audio (hw:0,0)", Inputs: 1, Outputs: 2},
	{Name: "USB-P1K: USB Audio (hw:1,0)", Inputs: 1, Outputs: 1},
	{Name: "USB Audio Device: - (hw:2,0)", Inputs: 1, Outputs: 2},
	{Name: "Split Headset: USB Audio (hw:3,0)", Outputs: 2},
	{Name: "Split Headset: USB Audio (hw:4,0)", Inputs: 1},
	{Name: "USB Audio Device: - (hw:12,0)", Inputs: 1, Outputs: 2},
	{Name: "pulse", Inputs: 32, Outputs: 32},
	{Name: "default", Inputs: 32, Outputs: 32},
}

// TestLookupFixtures proves the whole chain, HID interface → USB device →
// audio interfaces → ALSA card → PortAudio device, on the layouts of real
// handsets, reached through each kind of HID path.
func TestLookupFixtures(t *testing.T) {
	cases := []struct {
		name    string
		tree    audiotest.Tree
		info    hid.Info
		want    Names
		wantErr error
	}{
		{"P1K by libusb path", audiotest.P1K(), hid.Info{VendorID: 0x6993, ProductID: 0xb001, Path: "0001:0005:03"},
			Names{In: "USB-P1K: USB Audio (hw:1,0)", Out: "USB-P1K: USB Audio (hw:1,0)"}, nil},
		{"P1K by its interface's sysfs name (hidapi's path now)", audiotest.P1K(), hid.Info{VendorID: 0x6993, ProductID: 0xb001, Path: "1-1:1.3"},
			Names{In: "USB-P1K: USB Audio (hw:1,0)", Out: "USB-P1K: USB Audio (hw:1,0)"}, nil},
		{"interface sysfs name of nothing", audiotest.P1K(), hid.Info{Path: "1-7:1.3"}, Names{}, ErrNoUSBDevice},
		{"P1K by VID:PID", audiotest.P1K(), hid.Info{VendorID: 0x6993, ProductID: 0xb001, Path: "sim:unix:/tmp/x"},
			Names{In: "USB-P1K: USB Audio (hw:1,0)", Out: "USB-P1K: USB Audio (hw:1,0)"}, nil},
		{"neighbour headset by hidraw", audiotest.P1K(), hid.Info{VendorID: 0x046d, ProductID: 0x0a44, Path: "/dev/hidraw0"},
			Names{In: "Logitech Headset: USB Audio (hw:0,0)", Out: "Logitech Headset: USB Audio (hw:0,0)"}, nil},
		{"CM109 by VID:PID and serial", audiotest.CM109(), hid.Info{VendorID: 0x0d8c, ProductID: 0x000e, Serial: "CM109A"},
			Names{In: "USB Audio Device: - (hw:2,0)", Out: "USB Audio Device: - (hw:2,0)"}, nil},
		{"CM109 with another serial", audiotest.CM109(), hid.Info{VendorID: 0x0d8c, ProductID: 0x000e, Serial: "OTHER"},
			Names{}, ErrNoUSBDevice},
		{"split headset by hidraw", audiotest.SplitHeadset(), hid.Info{VendorID: 0x0b0e, ProductID: 0x0348, Path: "/dev/hidraw3"},
			Names{In: "Split Headset: USB Audio (hw:4,0)", Out: "Split Headset: USB Audio (hw:3,0)"}, nil},
		{"unknown hidraw", audiotest.SplitHeadset(), hid.Info{Path: "/dev/hidraw9"}, Names{}, ErrNoUSBDevice},
		{"libusb path of nothing", audiotest.P1K(), hid.Info{Path: "0001:0009:03"}, Names{}, ErrNoUSBDevice},
		{"HID-only device", audiotest.Tree{Devices: []audiotest.USBDevice{{Port: "1-1", Bus: 1, Addr: 2, VID: 1, PID: 2,
			Ifaces: []audiotest.Interface{{Number: 0, Class: 3, Card: -1, Hidraw: "hidraw0"}}}}},
			hid.Info{Path: "/dev/hidraw0"}, Names{}, ErrNoAudioInterface},
		{"audio interface without a card", audiotest.Tree{Devices: []audiotest.USBDevice{{Port: "1-1", Bus: 1, Addr: 2, VID: 1, PID: 2,
			Ifaces: []audiotest.Interface{{Number: 0, Class: 1, Card: -1}, {Number: 1, Class: 3, Card: -1, Hidraw: "hidraw0"}}}}},
			hid.Info{Path: "/dev/hidraw0"}, Names{}, ErrNoCard},
		{"two identical phones without serials", audiotest.Tree{Devices: []audiotest.USBDevice{
			{Port: "1-1", Bus: 1, Addr: 2, VID: 0x6993, PID: 0xb001, Ifaces: []audiotest.Interface{{Number: 0, Class: 1, Card: 0}}},
			{Port: "1-2", Bus: 1, Addr: 3, VID: 0x6993, PID: 0xb001, Ifaces: []audiotest.Interface{{Number: 0, Class: 1, Card: 1}}},
		}}, hid.Info{VendorID: 0x6993, ProductID: 0xb001}, Names{}, ErrNoUSBDevice},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			roots, err := c.tree.Write(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			f := Finder{SysRoot: roots.Sys, AsoundRoot: roots.Asound}
			got, err := f.Lookup(c.info, paDevices)
			if !errors.Is(err, c.wantErr) || (c.wantErr == nil && err != nil) {
				t.Fatalf("Lookup error = %v, want %v", err, c.wantErr)
			}
			if got != c.want {
				t.Errorf("Lookup = %+v, want %+v", got, c.want)
			}
		})
	}
}

// TestCardsReadProcfs proves the card's id, usbid and directions come from
// /proc/asound.
func TestCardsReadProcfs(t *testing.T) {
	roots, err := audiotest.SplitHeadset().Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cards, err := Finder{SysRoot: roots.Sys, AsoundRoot: roots.Asound}.Cards(hid.Info{Path: "/dev/hidraw3"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Card{
		{Number: 3, ID: "Speaker", USBID: "0b0e:0348", Playback: true},
		{Number: 4, ID: "Mic", USBID: "0b0e:0348", Capture: true},
	}
	if len(cards) != len(want) || cards[0] != want[0] || cards[1] != want[1] {
		t.Errorf("Cards = %+v, want %+v", cards, want)
	}
}

// TestMatch proves the pure matching rules: "(hw:N,D)" must name the card's
// exact number (card 1 is not card 12), the direction must have channels, a
// PCM named after the card's id wins over the hardware device, and the
// lowest hardware device number wins.
func TestMatch(t *testing.T) {
	p1k := []Card{{Number: 1, ID: "P1K", Playback: true, Capture: true}}
	cases := []struct {
		name    string
		cards   []Card
		devs    []Device
		want    Names
		wantErr bool
	}{
		{"card 1 is not card 12", p1k, []Device{{Name: "X (hw:12,0)", Inputs: 1, Outputs: 1}, {Name: "X (hw:1,0)", Inputs: 1, Outputs: 1}},
			Names{In: "X (hw:1,0)", Out: "X (hw:1,0)"}, false},
		{"lowest device number", p1k, []Device{{Name: "X: b (hw:1,1)", Inputs: 1, Outputs: 1}, {Name: "X: a (hw:1,0)", Inputs: 1, Outputs: 1}},
			Names{In: "X: a (hw:1,0)", Out: "X: a (hw:1,0)"}, false},
		{"alias named after the card id", p1k, []Device{{Name: "X (hw:1,0)", Inputs: 1, Outputs: 1}, {Name: "P1K", Inputs: 2, Outputs: 2}},
			Names{In: "P1K", Out: "P1K"}, false},
		{"output-only device leaves input empty", p1k, []Device{{Name: "X (hw:1,0)", Outputs: 1}},
			Names{Out: "X (hw:1,0)"}, true},
		{"nothing listed", p1k, nil, Names{}, true},
		{"a name that only mentions hw", p1k, []Device{{Name: "hw:1,0", Inputs: 1, Outputs: 1}, {Name: "(hw:1,x)", Inputs: 1, Outputs: 1}}, Names{}, true},
	}
	for _, c := range cases {
		got, err := Match(c.cards, c.devs)
		if got != c.want || (err != nil) != c.wantErr {
			t.Errorf("%s: Match = %+v, %v; want %+v, error %v", c.name, got, err, c.want, c.wantErr)
		}
		if err != nil && !errors.Is(err, ErrNoPortAudioDevice) {
			t.Errorf("%s: error %v is not ErrNoPortAudioDevice", c.name, err)
		}
	}
}

// TestMatchErrorSaysWhy proves a failed match names the card and lists what
// PortAudio offered, so the log tells the user what to fix.
func TestMatchErrorSaysWhy(t *testing.T) {
	_, err := Match([]Card{{Number: 1, ID: "P1K", Playback: true}}, []Device{{Name: "pulse", Outputs: 2}})
	if err == nil || !strings.Contains(err.Error(), "card 1 (P1K)") || !strings.Contains(err.Error(), `"pulse"`) {
		t.Errorf("error = %v; want it to name card 1 (P1K) and list \"pulse\"", err)
	}
}
