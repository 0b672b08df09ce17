package audio

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/handsetd/handsetd/hid"
)

// Errors of the lookup, one per link of the chain that can be missing.
// Compare with errors.Is; each is wrapped with what was looked at.
var (
	// ErrNoUSBDevice: the handset's USB device is not in sysfs.
	ErrNoUSBDevice = errors.New("audio: handset's USB device not found in sysfs")
	// ErrNoAudioInterface: the USB device has no USB Audio Class interface,
	// so it has no sound device of its own.
	ErrNoAudioInterface = errors.New("audio: handset has no USB audio interface")
	// ErrNoCard: the audio interfaces have no ALSA card bound.
	ErrNoCard = errors.New("audio: no ALSA card bound to the handset's audio interfaces (is snd-usb-audio loaded?)")
	// ErrNoPortAudioDevice: PortAudio lists no device for the handset's card.
	ErrNoPortAudioDevice = errors.New("audio: PortAudio lists no device for the handset's sound card")
)

// Card is one ALSA sound card bound to a handset's audio interfaces.
type Card struct {
	Number int
	// ID is the card's id (/proc/asound/cardN/id), e.g. "P1K" or "Device".
	ID string
	// USBID is "vvvv:pppp" from /proc/asound/cardN/usbid, or "" if unknown.
	USBID string
	// Playback and Capture say whether the card has a playback (pcm*p) or
	// capture (pcm*c) device.
	Playback, Capture bool
}

// Finder finds a handset's sound cards. The roots stand for /sys and
// /proc/asound, so tests and the simulator can point them at fixture trees.
type Finder struct {
	SysRoot    string // default "/sys"
	AsoundRoot string // default "/proc/asound"
}

func (f Finder) sys() string {
	if f.SysRoot == "" {
		return "/sys"
	}
	return f.SysRoot
}

func (f Finder) asound() string {
	if f.AsoundRoot == "" {
		return "/proc/asound"
	}
	return f.AsoundRoot
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// USBDevice returns the sysfs directory of the USB device the HID interface
// belongs to. It follows, in order: a hidraw node (/dev/hidrawN), a libusb
// path as hidapi writes it ("bbbb:dddd:ii", bus, address, interface in
// hex), and finally the vendor and product id (and serial, when known),
// which must then name exactly one device.
func (f Finder) USBDevice(info hid.Info) (string, error) {
	if name, ok := strings.CutPrefix(info.Path, "/dev/"); ok && strings.HasPrefix(name, "hidraw") {
		p, err := filepath.EvalSymlinks(filepath.Join(f.sys(), "class", "hidraw", name))
		if err != nil {
			return "", fmt.Errorf("%w: %s: %w", ErrNoUSBDevice, info.Path, err)
		}
		for d := p; d != filepath.Dir(d) && strings.HasPrefix(d, f.sys()); d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "idVendor")); err == nil {
				return d, nil
			}
		}
		return "", fmt.Errorf("%w: %s resolves to %s, which is not below a USB device", ErrNoUSBDevice, info.Path, p)
	}
	if dev, ok := sysfsInterfaceDevice(info.Path); ok {
		// The interface's sysfs name (1-1:1.3), which is what hidapi's
		// libusb backend uses as its path now.
		p, err := filepath.EvalSymlinks(filepath.Join(f.sys(), "bus", "usb", "devices", dev))
		if err != nil {
			return "", fmt.Errorf("%w: %s: %w", ErrNoUSBDevice, info.Path, err)
		}
		return p, nil
	}
	devs, err := filepath.Glob(filepath.Join(f.sys(), "bus", "usb", "devices", "*"))
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNoUSBDevice, err)
	}
	// Interfaces are listed too ("1-1:1.0"); devices have no colon.
	devs = slices.DeleteFunc(devs, func(d string) bool { return strings.Contains(filepath.Base(d), ":") })
	if bus, addr, ok := parseLibusbPath(info.Path); ok {
		for _, d := range devs {
			b, _ := strconv.Atoi(readTrim(filepath.Join(d, "busnum")))
			a, _ := strconv.Atoi(readTrim(filepath.Join(d, "devnum")))
			if b == bus && a == addr {
				return filepath.EvalSymlinks(d)
			}
		}
		return "", fmt.Errorf("%w: no device at bus %d address %d (libusb path %s)", ErrNoUSBDevice, bus, addr, info.Path)
	}
	var found []string
	for _, d := range devs {
		if readTrim(filepath.Join(d, "idVendor")) != fmt.Sprintf("%04x", info.VendorID) ||
			readTrim(filepath.Join(d, "idProduct")) != fmt.Sprintf("%04x", info.ProductID) {
			continue
		}
		if info.Serial != "" {
			if s := readTrim(filepath.Join(d, "serial")); s != "" && s != info.Serial {
				continue
			}
		}
		found = append(found, d)
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("%w: no device %04x:%04x in %s", ErrNoUSBDevice, info.VendorID, info.ProductID, f.sys())
	case 1:
		return filepath.EvalSymlinks(found[0])
	}
	return "", fmt.Errorf("%w: %d devices are %04x:%04x and nothing tells them apart (give each a serial number, or use its hidraw node)", ErrNoUSBDevice, len(found), info.VendorID, info.ProductID)
}

// sysfsInterfaceDevice reads a USB interface's sysfs name
// (BUS-PORT[.PORT…]:CONFIG.INTERFACE, such as 1-1.2:1.3) and returns its
// device's (1-1.2).
func sysfsInterfaceDevice(p string) (string, bool) {
	dev, intf, ok := strings.Cut(p, ":")
	if !ok || strings.Count(intf, ".") != 1 || strings.Contains(intf, ":") {
		return "", false
	}
	bus, ports, ok := strings.Cut(dev, "-")
	if !ok || bus == "" || ports == "" {
		return "", false
	}
	for _, part := range append(strings.Split(ports, "."), bus, strings.Split(intf, ".")[0], strings.Split(intf, ".")[1]) {
		if _, err := strconv.ParseUint(part, 10, 8); err != nil {
			return "", false
		}
	}
	return dev, true
}

// parseLibusbPath reads hidapi-libusb's "bbbb:dddd:ii" path.
func parseLibusbPath(p string) (bus, addr int, ok bool) {
	parts := strings.Split(p, ":")
	if len(parts) != 3 {
		return 0, 0, false
	}
	var v [3]uint64
	for i, s := range parts {
		n, err := strconv.ParseUint(s, 16, 16)
		if err != nil {
			return 0, 0, false
		}
		v[i] = n
	}
	return int(v[0]), int(v[1]), true
}

// Cards returns the ALSA cards bound to the audio interfaces of the USB
// device the HID interface belongs to, by card number.
func (f Finder) Cards(info hid.Info) ([]Card, error) {
	dev, err := f.USBDevice(info)
	if err != nil {
		return nil, err
	}
	ifaces, err := filepath.Glob(filepath.Join(dev, "*:*"))
	if err != nil {
		return nil, fmt.Errorf("list interfaces of %s: %w", dev, err)
	}
	audio := 0
	var nums []int
	for _, in := range ifaces {
		if readTrim(filepath.Join(in, "bInterfaceClass")) != "01" {
			continue
		}
		audio++
		cards, _ := filepath.Glob(filepath.Join(in, "sound", "card*"))
		for _, c := range cards {
			n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(c), "card"))
			if err == nil && !slices.Contains(nums, n) {
				nums = append(nums, n)
			}
		}
	}
	if audio == 0 {
		return nil, fmt.Errorf("%w: %s (%04x:%04x) at %s", ErrNoAudioInterface, info.Product, info.VendorID, info.ProductID, dev)
	}
	if len(nums) == 0 {
		return nil, fmt.Errorf("%w: %d audio interfaces under %s", ErrNoCard, audio, dev)
	}
	slices.Sort(nums)
	cards := make([]Card, 0, len(nums))
	for _, n := range nums {
		dir := filepath.Join(f.asound(), "card"+strconv.Itoa(n))
		c := Card{Number: n, ID: readTrim(filepath.Join(dir, "id")), USBID: readTrim(filepath.Join(dir, "usbid"))}
		p, _ := filepath.Glob(filepath.Join(dir, "pcm*p"))
		r, _ := filepath.Glob(filepath.Join(dir, "pcm*c"))
		c.Playback, c.Capture = len(p) > 0, len(r) > 0
		if !isDir(dir) {
			// No procfs view of the card: assume it does both.
			c.Playback, c.Capture = true, true
		}
		cards = append(cards, c)
	}
	return cards, nil
}

// Device is one PortAudio device, as matching needs it.
type Device struct {
	Name string
	// Inputs and Outputs are the maximum channel counts.
	Inputs, Outputs int
}

// DeviceLister lists the devices PortAudio knows; System implements it.
type DeviceLister interface {
	Devices() ([]Device, error)
}

// Names are the device names to announce as AUDIO_IN and AUDIO_OUT; ""
// means the host's default device.
type Names struct {
	In, Out string
}

// parseHW reads the "(hw:N,D)" that ends PortAudio's name of an ALSA
// hardware device.
func parseHW(name string) (card, dev int, ok bool) {
	name = strings.TrimSpace(name)
	i := strings.LastIndex(name, "(hw:")
	if i < 0 || !strings.HasSuffix(name, ")") {
		return 0, 0, false
	}
	c, d, found := strings.Cut(name[i+len("(hw:"):len(name)-1], ",")
	if !found {
		return 0, 0, false
	}
	card, err1 := strconv.Atoi(c)
	dev, err2 := strconv.Atoi(d)
	return card, dev, err1 == nil && err2 == nil
}

// refersTo reports whether PortAudio device name d names card c: as an ALSA
// hardware device "… (hw:N,D)", or as a PCM the user named after the card's
// id. The second form ranks first, because the user chose it.
func refersTo(d string, c Card) (rank int, ok bool) {
	if c.ID != "" && d == c.ID {
		return 0, true
	}
	if card, dev, ok := parseHW(d); ok && card == c.Number {
		return 1 + dev, true
	}
	return 0, false
}

// pick returns the best device for the first card that has the wanted
// direction.
func pick(cards []Card, devs []Device, playback bool) (string, error) {
	var tried []string
	for _, c := range cards {
		if (playback && !c.Playback) || (!playback && !c.Capture) {
			continue
		}
		best, bestRank := "", -1
		for _, d := range devs {
			if (playback && d.Outputs == 0) || (!playback && d.Inputs == 0) {
				continue
			}
			if r, ok := refersTo(d.Name, c); ok && (bestRank < 0 || r < bestRank) {
				best, bestRank = d.Name, r
			}
		}
		if bestRank >= 0 {
			return best, nil
		}
		tried = append(tried, fmt.Sprintf("card %d (%s)", c.Number, c.ID))
	}
	dir := "capture"
	if playback {
		dir = "playback"
	}
	if len(tried) == 0 {
		return "", fmt.Errorf("%w: none of the handset's cards does %s", ErrNoPortAudioDevice, dir)
	}
	names := make([]string, len(devs))
	for i, d := range devs {
		names[i] = strconv.Quote(d.Name)
	}
	return "", fmt.Errorf("%w: no %s device names %s; PortAudio lists [%s] (is the card busy, or was it plugged in after PortAudio started?)",
		ErrNoPortAudioDevice, dir, strings.Join(tried, ", "), strings.Join(names, ", "))
}

// Match picks, among PortAudio's devices, the ones that belong to the
// handset's cards: the first playback card gives AUDIO_OUT, the first capture
// card AUDIO_IN. A direction with no device is left "" and explained in the
// error; the other is still returned.
func Match(cards []Card, devs []Device) (Names, error) {
	out, errOut := pick(cards, devs, true)
	in, errIn := pick(cards, devs, false)
	return Names{In: in, Out: out}, errors.Join(errOut, errIn)
}

// Lookup finds the names to announce for the handset: its cards in sysfs,
// then the PortAudio devices that refer to them. Whatever is not found is ""
// and explained in the error.
func (f Finder) Lookup(info hid.Info, l DeviceLister) (Names, error) {
	cards, err := f.Cards(info)
	if err != nil {
		return Names{}, err
	}
	devs, err := l.Devices()
	if err != nil {
		return Names{}, fmt.Errorf("list PortAudio devices: %w", err)
	}
	return Match(cards, devs)
}

// SoundCards lists the machine's ALSA sound cards as "cardN id usbid", in
// order: what a re-scan would find. Two lists differ when a card came, went,
// or another device took a number (System.RescanIfChanged).
func (f Finder) SoundCards() ([]string, error) {
	dirs, err := filepath.Glob(filepath.Join(f.asound(), "card*"))
	if err != nil {
		return nil, fmt.Errorf("list sound cards: %w", err)
	}
	cards := []string{}
	for _, d := range dirs {
		n := strings.TrimPrefix(filepath.Base(d), "card")
		if _, err := strconv.Atoi(n); err != nil || !isDir(d) {
			continue
		}
		cards = append(cards, strings.TrimSpace("card"+n+" "+readTrim(filepath.Join(d, "id"))+" "+readTrim(filepath.Join(d, "usbid"))))
	}
	slices.SortFunc(cards, func(a, b string) int {
		na, _ := strconv.Atoi(strings.TrimPrefix(strings.Fields(a)[0], "card"))
		nb, _ := strconv.Atoi(strings.TrimPrefix(strings.Fields(b)[0], "card"))
		return na - nb
	})
	return cards, nil
}
