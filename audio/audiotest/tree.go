package audiotest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// Interface is one interface of a USB device.
type Interface struct {
	Number int
	// Class is bInterfaceClass: 1 audio, 3 HID.
	Class byte
	// Card is the ALSA card registered under this interface, or -1.
	Card int
	// Hidraw names the hidraw node of a HID interface ("hidraw0"), or "".
	Hidraw string
}

// USBDevice is one USB device and its interfaces.
type USBDevice struct {
	// Port is the sysfs name, e.g. "1-1" or "3-2.4".
	Port      string
	Bus, Addr int
	VID, PID  uint16
	Serial    string
	Product   string
	Ifaces    []Interface
}

// Card is one ALSA card as /proc/asound shows it.
type Card struct {
	Number            int
	ID                string
	USBID             string
	Playback, Capture bool
}

// Tree is a machine's USB devices and sound cards.
type Tree struct {
	Devices []USBDevice
	Cards   []Card
}

// Roots are where a written Tree stands in for /sys and /proc/asound.
type Roots struct {
	Sys, Asound string
}

// Write creates the tree under dir: dir/sys and dir/proc/asound, with the
// symlinks sysfs has (bus/usb/devices, class/hidraw).
func (t Tree) Write(dir string) (Roots, error) {
	r := Roots{Sys: filepath.Join(dir, "sys"), Asound: filepath.Join(dir, "proc", "asound")}
	files := map[string]string{}
	var dirs []string
	links := map[string]string{} // link → target
	for _, d := range t.Devices {
		devDir := filepath.Join(r.Sys, "devices", "pci0000:00", "0000:00:14.0", "usb"+strconv.Itoa(d.Bus), d.Port)
		files[filepath.Join(devDir, "idVendor")] = fmt.Sprintf("%04x", d.VID)
		files[filepath.Join(devDir, "idProduct")] = fmt.Sprintf("%04x", d.PID)
		files[filepath.Join(devDir, "busnum")] = strconv.Itoa(d.Bus)
		files[filepath.Join(devDir, "devnum")] = strconv.Itoa(d.Addr)
		if d.Serial != "" {
			files[filepath.Join(devDir, "serial")] = d.Serial
		}
		if d.Product != "" {
			files[filepath.Join(devDir, "product")] = d.Product
		}
		links[filepath.Join(r.Sys, "bus", "usb", "devices", d.Port)] = devDir
		for _, in := range d.Ifaces {
			name := fmt.Sprintf("%s:1.%d", d.Port, in.Number)
			inDir := filepath.Join(devDir, name)
			files[filepath.Join(inDir, "bInterfaceClass")] = fmt.Sprintf("%02x", in.Class)
			files[filepath.Join(inDir, "bInterfaceNumber")] = fmt.Sprintf("%02x", in.Number)
			links[filepath.Join(r.Sys, "bus", "usb", "devices", name)] = inDir
			if in.Card >= 0 {
				dirs = append(dirs, filepath.Join(inDir, "sound", "card"+strconv.Itoa(in.Card)))
			}
			if in.Hidraw != "" {
				node := filepath.Join(inDir, fmt.Sprintf("0003:%04X:%04X.0001", d.VID, d.PID), "hidraw", in.Hidraw)
				dirs = append(dirs, node)
				links[filepath.Join(r.Sys, "class", "hidraw", in.Hidraw)] = node
			}
		}
	}
	for _, c := range t.Cards {
		cd := filepath.Join(r.Asound, "card"+strconv.Itoa(c.Number))
		files[filepath.Join(cd, "id")] = c.ID
		if c.USBID != "" {
			files[filepath.Join(cd, "usbid")] = c.USBID
		}
		if c.Playback {
			dirs = append(dirs, filepath.Join(cd, "pcm0p"))
		}
		if c.Capture {
			dirs = append(dirs, filepath.Join(cd, "pcm0c"))
		}
	}
	dirs = append(dirs, r.Sys, r.Asound)
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return Roots{}, err
		}
	}
	for p, content := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return Roots{}, err
		}
		if err := os.WriteFile(p, []byte(content+"\n"), 0o644); err != nil {
			return Roots{}, err
		}
	}
	for link, target := range links {
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			return Roots{}, err
		}
		rel, err := filepath.Rel(filepath.Dir(link), target)
		if err != nil {
			return Roots{}, err
		}
		if err := os.Symlink(rel, link); err != nil {
			return Roots{}, err
		}
	}
	return r, nil
}

// P1K is a Yealink USB-P1K on card 1: audio control, playback and capture
// streaming on interfaces 0-2, the HID interface 3 behind them. The kernel
// ignores its HID interface, so it has no hidraw node: libusb reaches it as
// bus 1, address 5.
func P1K() Tree {
	return Tree{
		Devices: []USBDevice{
			{Port: "1-2", Bus: 1, Addr: 3, VID: 0x046d, PID: 0x0a44, Product: "Logitech Headset", Ifaces: []Interface{
				{Number: 0, Class: 1, Card: 0}, {Number: 1, Class: 1, Card: -1}, {Number: 2, Class: 1, Card: -1},
				{Number: 3, Class: 3, Card: -1, Hidraw: "hidraw0"},
			}},
			{Port: "1-1", Bus: 1, Addr: 5, VID: 0x6993, PID: 0xb001, Product: "USB-P1K", Ifaces: []Interface{
				{Number: 0, Class: 1, Card: 1}, {Number: 1, Class: 1, Card: -1}, {Number: 2, Class: 1, Card: -1},
				{Number: 3, Class: 3, Card: -1},
			}},
		},
		Cards: []Card{
			{Number: 0, ID: "Headset", USBID: "046d:0a44", Playback: true, Capture: true},
			{Number: 1, ID: "P1K", USBID: "6993:b001", Playback: true, Capture: true},
		},
	}
}

// CM109 is a CM109-based USB phone (0d8c:000e) on card 2: interfaces 0-2
// audio, 3 HID, no hidraw node (the kernel ignores it), serial "CM109A".
func CM109() Tree {
	return Tree{
		Devices: []USBDevice{
			{Port: "2-1.3", Bus: 2, Addr: 7, VID: 0x0d8c, PID: 0x000e, Serial: "CM109A", Product: "USB Audio Device", Ifaces: []Interface{
				{Number: 0, Class: 1, Card: 2}, {Number: 1, Class: 1, Card: -1}, {Number: 2, Class: 1, Card: -1},
				{Number: 3, Class: 3, Card: -1},
			}},
		},
		Cards: []Card{{Number: 2, ID: "Device", USBID: "0d8c:000e", Playback: true, Capture: true}},
	}
}

// SplitHeadset is a HID-telephony headset (0b0e:0348) whose two audio
// functions became two cards: card 3 only plays, card 4 only records. Its
// HID interface 4 is hidraw3.
func SplitHeadset() Tree {
	return Tree{
		Devices: []USBDevice{
			{Port: "3-4", Bus: 3, Addr: 2, VID: 0x0b0e, PID: 0x0348, Serial: "70BF92", Product: "Split Headset", Ifaces: []Interface{
				{Number: 0, Class: 1, Card: 3}, {Number: 1, Class: 1, Card: -1},
				{Number: 2, Class: 1, Card: 4}, {Number: 3, Class: 1, Card: -1},
				{Number: 4, Class: 3, Card: -1, Hidraw: "hidraw3"},
			}},
		},
		Cards: []Card{
			{Number: 3, ID: "Speaker", USBID: "0b0e:0348", Playback: true},
			{Number: 4, ID: "Mic", USBID: "0b0e:0348", Capture: true},
		},
	}
}
