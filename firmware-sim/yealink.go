package firmwaresim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/internal/seg7"
)

// Yealink packet commands, as the phone's firmware knows them.
const (
	ylInit       = 0x8e
	ylVersion    = 0x87
	ylKeyPress   = 0x80
	ylScanCode   = 0x81
	ylHookPress  = 0x8b
	ylHandset    = 0x8d
	ylLCD        = 0x04
	ylLED        = 0x05
	ylRingVolume = 0x11
	ylRingNote   = 0x02
	ylRingtone   = 0x03
	ylDialtone   = 0x09
	ylBacklight  = 0x12
	ylSpeaker    = 0x0c
	ylB2KRing    = 0x01
	ylPSTNSwitch = 0x0e
	ylBadPacket  = 0xfd

	ylPacketLen   = 16
	ylDataLen     = 11
	ylG2PacketLen = 8
	ylG2DataLen   = 6
	ylKeyRing     = 32   // key events the phone remembers
	ylNoKey       = 0xff // the scancode recorded for a release
	ylNotesLen    = 256  // bytes of ring-note memory
)

// ylKey is a physical key: its scancode and the names the control language
// accepts, the Phone API name first.
type ylKey struct {
	code  byte
	names []string
}

// yealinkVariant is one member of the family.
type yealinkVariant struct {
	model, description, product string
	version                     uint16
	keys                        []ylKey
	// commands lists the commands the firmware takes besides the common
	// ones (INIT, VERSION, KEYPRESS, SCANCODE, LED, DIALTONE).
	commands []byte
	lcd      bool
	// g2 marks the second generation (P1KH, 6993:b700): 8-byte packets
	// (cmd, 6 data bytes, checksum), keys sent unasked.
	g2 bool
}

func digitKeys(codes ...byte) []ylKey {
	var ks []ylKey
	for i, n := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"} {
		ks = append(ks, ylKey{codes[i], []string{n}})
	}
	return ks
}

func yealinkVariants() []yealinkVariant {
	return []yealinkVariant{
		{
			model:       "yealink-p1k",
			description: "Yealink USB-P1K (6993:b001, firmware 0x0110): 16-byte packets, keypad scan, 24-byte LCD segment RAM, LED, ringer with uploaded notes",
			product:     "Yealink USB-P1K",
			version:     0x0110,
			keys: append(digitKeys(0x31, 0x00, 0x01, 0x02, 0x10, 0x11, 0x12, 0x20, 0x21, 0x22, 0x30, 0x32),
				ylKey{0x03, []string{"YES", "PICKUP"}}, ylKey{0x13, []string{"NO", "HANGUP"}},
				ylKey{0x14, []string{"C"}}, ylKey{0x23, []string{"I", "IN"}}, ylKey{0x04, []string{"O", "OUT"}},
				ylKey{0x33, []string{"UP"}}, ylKey{0x24, []string{"DOWN"}}),
			commands: []byte{ylLCD, ylRingVolume, ylRingNote, ylRingtone},
			lcd:      true,
		},
		{
			model:       "yealink-p4k",
			description: "Yealink USB-P4K (6993:b001, firmware 0x0250): P1K protocol plus a hook switch (HOOKPRESS), backlight and speaker; no ringer",
			product:     "Yealink USB-P4K",
			version:     0x0250,
			keys: append(digitKeys(0x14, 0x21, 0x11, 0x01, 0x22, 0x12, 0x02, 0x23, 0x13, 0x03, 0x24, 0x04),
				ylKey{0x00, []string{"YES", "DIAL"}}, ylKey{0x05, []string{"H", "HELP"}},
				ylKey{0x10, []string{"O", "OUT"}}, ylKey{0x15, []string{"F", "FLASH"}},
				ylKey{0x20, []string{"L", "HANDSFREE"}}, ylKey{0x25, []string{"S", "SEND"}},
				ylKey{0x30, []string{"DOWN"}}, ylKey{0x31, []string{"PAGEUP", "VOL+"}},
				ylKey{0x32, []string{"UP"}}, ylKey{0x33, []string{"C", "DEL"}},
				ylKey{0x34, []string{"I", "IN"}}, ylKey{0x40, []string{"PAGEDOWN", "VOL-"}},
				ylKey{0x44, []string{"R", "REDIAL"}}),
			commands: []byte{ylLCD, ylHookPress, ylBacklight, ylSpeaker},
			lcd:      true,
		},
		{
			model:       "yealink-p1kh",
			description: "Yealink USB-P1KH (6993:b700): the P1K's keys and LCD over 8-byte packets; keys are reported unasked",
			product:     "Yealink USB-P1KH",
			version:     0x0135,
			keys: append(digitKeys(0x10, 0x00, 0x01, 0x02, 0x05, 0x06, 0x07, 0x0a, 0x0b, 0x0c, 0x0f, 0x11),
				ylKey{0x03, []string{"YES", "PICKUP"}}, ylKey{0x08, []string{"NO", "HANGUP"}},
				ylKey{0x09, []string{"C"}}, ylKey{0x0d, []string{"I", "IN"}}, ylKey{0x04, []string{"O", "OUT"}},
				ylKey{0x12, []string{"UP"}}, ylKey{0x0e, []string{"DOWN"}}),
			commands: []byte{ylLCD, ylRingVolume, ylRingNote, ylRingtone},
			lcd:      true,
			g2:       true,
		},
		{
			model:       "yealink-b2k",
			description: "Yealink USB-B2K (6993:b001, firmware 0x0521): adapter for an ordinary phone: DTMF keys, hook and landline ring (HANDSET), ring relay, USB/PSTN switch",
			product:     "Yealink USB-B2K",
			version:     0x0521,
			keys:        digitKeys(0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x0c),
			commands:    []byte{ylHandset, ylB2KRing, ylPSTNSwitch},
		},
	}
}

// yealink is the firmware of a USB-P1K family phone.
//
// It answers requests and nothing else: the host learns of a key only by
// asking for the key event counter (KEYPRESS) and then for each new event's
// scancode (SCANCODE, from a ring of the last 32 events, where a release is
// 0xff), and of the hook only by asking (HOOKPRESS on the P4K, HANDSET on the
// B2K). Every packet is 16 bytes that sum to 0 mod 256; one that does not, is
// short, or carries a command this model does not know is answered with a
// 0xfd packet and otherwise ignored. Setting commands (LCD, LED, ringer…) are
// not answered.
type yealink struct {
	env env
	v   yealinkVariant

	counter  byte
	events   [ylKeyRing]byte
	held     []byte
	offHook  bool
	pstnRing bool

	lcd       [seg7.RAMSize]byte
	led       []byte
	ringVol   byte
	notes     [ylNotesLen]byte
	ringtone  byte
	dialtone  byte
	backlight byte
	speaker   byte
	b2kRing   byte
	pstn      byte
	bad       int
	notesAt   int // where the next G2 ring-note chunk goes

	tapCode byte   // the key code a Tap holds (see watchTap)
	tapSeen func() // called once tapCode has been reported
}

func newYealink(e env, v yealinkVariant, _ Options) *yealink {
	y := &yealink{env: e, v: v}
	y.powerOn()
	return y
}

func (y *yealink) identity() identity {
	product := uint16(0xb001)
	if y.v.g2 {
		product = 0xb700
	}
	return identity{
		vendor:       0x6993,
		product:      product,
		version:      0x0100,
		manufacturer: "Yealink Network Technology",
		productName:  y.v.product,
	}
}

// descriptor is a vendor-defined interface: one 16-byte input and one
// 16-byte output report, no report ids. The kernel's HID core ignores the
// phone; the descriptor only tells a HID backend the report sizes.
func (y *yealink) descriptor() []byte {
	if y.v.g2 {
		return vendorDescriptor(ylG2PacketLen)
	}
	return vendorDescriptor(ylPacketLen)
}

// vendorDescriptor declares n-byte vendor input and output reports.
func vendorDescriptor(n byte) []byte {
	return []byte{
		0x06, 0x00, 0xFF, // Usage Page (Vendor Defined 0xFF00)
		0x09, 0x01, // Usage (1)
		0xA1, 0x01, // Collection (Application)
		0x15, 0x00, //   Logical Minimum (0)
		0x26, 0xFF, 0x00, //   Logical Maximum (255)
		0x75, 0x08, //   Report Size (8)
		0x95, n, //   Report Count (n)
		0x09, 0x02, //   Usage (2)
		0x81, 0x02, //   Input (Data,Var,Abs)
		0x95, n, //   Report Count (n)
		0x09, 0x03, //   Usage (3)
		0x91, 0x02, //   Output (Data,Var,Abs)
		0xC0, // End Collection
	}
}

func (y *yealink) powerOn() {
	*y = yealink{env: y.env, v: y.v, led: []byte{1}}
	// The event ring starts out holding "no key": a host that asks for an
	// event that never happened must not see a key press.
	for i := range y.events {
		y.events[i] = ylNoKey
	}
	if y.v.model == "yealink-b2k" {
		y.led = []byte{0, 0}
		y.pstn = 1 // an unpowered B2K passes the landline through
	}
}

func (y *yealink) lookup(name string) (ylKey, error) {
	n := strings.ToUpper(name)
	var all []string
	for _, k := range y.v.keys {
		if slices.Contains(k.names, n) {
			return k, nil
		}
		all = append(all, k.names[0])
	}
	return ylKey{}, fmt.Errorf("model %s has no key %s (its keys: %s)", y.v.model, n, strings.Join(all, " "))
}

// keyEvent records one event in the ring the host reads.
func (y *yealink) keyEvent(code byte) {
	y.counter++
	y.events[(y.counter-1)%ylKeyRing] = code
}

func (y *yealink) press(key string) error {
	k, err := y.lookup(key)
	if err != nil {
		return err
	}
	if slices.Contains(y.held, k.code) {
		return fmt.Errorf("key %s is already pressed (release it first)", k.names[0])
	}
	y.held = append(y.held, k.code)
	if y.v.g2 {
		y.g2Reply(ylScanCode, k.code) // the second generation speaks unasked
		return nil
	}
	y.keyEvent(k.code)
	return nil
}

func (y *yealink) release(key string) error {
	k, err := y.lookup(key)
	if err != nil {
		return err
	}
	if !slices.Contains(y.held, k.code) {
		return fmt.Errorf("key %s is not pressed", k.names[0])
	}
	y.held = slices.DeleteFunc(y.held, func(c byte) bool { return c == k.code })
	if y.v.g2 {
		y.g2Reply(ylScanCode, ylNoKey)
		return nil
	}
	y.keyEvent(ylNoKey)
	return nil
}

func (y *yealink) hook(off bool) error {
	if !y.has(ylHookPress) && !y.has(ylHandset) {
		return fmt.Errorf("the %s has no hook switch (tap YES to pick up and NO to hang up)", y.v.product)
	}
	y.offHook = off
	return nil
}

func (y *yealink) mute() error {
	return fmt.Errorf("the %s has no mute button", y.v.product)
}

// command implements commander: "pstn ring on|off" rings the B2K's landline.
func (y *yealink) command(cmd string, args []string) (bool, error) {
	if cmd != "pstn" || !y.has(ylHandset) {
		return false, nil
	}
	if len(args) == 2 && strings.EqualFold(args[0], "ring") {
		switch strings.ToLower(args[1]) {
		case "on":
			y.pstnRing = true
			return true, nil
		case "off":
			y.pstnRing = false
			return true, nil
		}
	}
	return true, fmt.Errorf("usage: pstn ring on|off")
}

// has reports whether this model takes cmd beyond the common set.
func (y *yealink) has(cmd byte) bool { return slices.Contains(y.v.commands, cmd) }

// reply sends a packet with a correct checksum to the host.
func (y *yealink) reply(cmd, size byte, offset uint16, data ...byte) {
	r := make([]byte, 1+ylPacketLen)
	p := r[1:]
	p[0], p[1], p[2], p[3] = cmd, size, byte(offset>>8), byte(offset)
	copy(p[4:4+ylDataLen], data)
	var sum byte
	for _, b := range p[:15] {
		sum += b
	}
	p[15] = -sum
	y.env.emit(r)
}

// g2Reply sends an 8-byte packet to the host.
func (y *yealink) g2Reply(cmd byte, data ...byte) {
	r := make([]byte, 1+ylG2PacketLen)
	p := r[1:]
	p[0] = cmd
	copy(p[1:1+ylG2DataLen], data)
	var sum byte
	for _, b := range p[:ylG2PacketLen-1] {
		sum += b
	}
	p[ylG2PacketLen-1] = -sum
	y.env.emit(r)
}

// rejected answers a packet the phone could not take.
func (y *yealink) rejected() error {
	y.bad++
	if y.v.g2 {
		y.g2Reply(ylBadPacket)
		return nil
	}
	y.reply(ylBadPacket, 0, 0)
	return nil
}

// g2Output takes an 8-byte packet: cmd, six data bytes, checksum. An LCD
// packet carries its length and offset in the first two data bytes and up
// to four segment bytes; ring notes are one byte of frequency and one of
// duration each, appended after a RING_VOLUME.
func (y *yealink) g2Output(p []byte) error {
	if len(p) != ylG2PacketLen {
		return y.rejected()
	}
	var sum byte
	for _, b := range p {
		sum += b
	}
	if sum != 0 {
		return y.rejected()
	}
	cmd, data := p[0], p[1:7]
	switch cmd {
	case ylInit:
		y.g2Reply(ylInit, y.serial()[:ylG2DataLen]...)
	case ylVersion:
		y.g2Reply(ylVersion, byte(y.v.version>>8), byte(y.v.version))
	case ylLED:
		y.led = []byte{data[0]}
	case ylLCD:
		n, off := int(data[0]), int(data[1])
		if n < 1 || n > ylG2DataLen-2 || off+n > seg7.RAMSize {
			return y.rejected()
		}
		copy(y.lcd[off:], data[2:2+n])
	case ylRingVolume:
		y.ringVol, y.notesAt = data[0], 0
		clear(y.notes[:])
	case ylRingNote:
		y.notesAt += copy(y.notes[y.notesAt:], data)
	case ylRingtone:
		y.ringtone = data[0]
	default:
		return y.rejected()
	}
	return nil
}

// output takes one packet from the host. It returns an error only when the
// transfer itself is wrong (a report id the phone does not have); a packet
// the firmware cannot use is answered with 0xfd, as the phone does.
func (y *yealink) output(report []byte) error {
	if len(report) == 0 || report[0] != 0 {
		return fmt.Errorf("output report with id %v: %w (this phone has no report ids: the first byte must be 0)", report[:min(1, len(report))], hid.ErrUnsupported)
	}
	p := report[1:]
	if y.v.g2 {
		return y.g2Output(p)
	}
	if len(p) != ylPacketLen {
		return y.rejected()
	}
	var sum byte
	for _, b := range p {
		sum += b
	}
	if sum != 0 {
		return y.rejected()
	}
	cmd, size, offset, data := p[0], p[1], int(p[2])<<8|int(p[3]), p[4:15]
	switch {
	case cmd == ylInit:
		y.reply(ylInit, ylDataLen, 0, y.serial()...)
	case cmd == ylVersion:
		y.reply(ylVersion, 2, 0, byte(y.v.version>>8), byte(y.v.version))
	case cmd == ylKeyPress:
		y.reply(ylKeyPress, 1, 0, y.counter)
	case cmd == ylScanCode:
		i := offset % ylKeyRing
		y.reply(ylScanCode, 1, uint16(offset), y.events[i])
		if y.tapSeen != nil && y.events[i] == y.tapCode {
			f := y.tapSeen
			y.tapSeen = nil
			f()
		}
	case cmd == ylLED:
		n := 1
		if y.has(ylHandset) {
			n = 2
		}
		y.led = slices.Clone(data[:n])
	case cmd == ylDialtone:
		y.dialtone = data[0]
	case cmd == ylHookPress && y.has(cmd):
		v := byte(0xff)
		if y.offHook {
			v = 0xef
		}
		y.reply(ylHookPress, 1, 0, v)
	case cmd == ylHandset && y.has(cmd):
		var v byte
		if y.pstnRing {
			v |= 0x01
		}
		if y.offHook {
			v |= 0x02
		}
		y.reply(ylHandset, 1, 0, v)
	case cmd == ylLCD && y.has(cmd):
		if size < 1 || size > ylDataLen || offset+int(size) > seg7.RAMSize {
			return y.rejected()
		}
		copy(y.lcd[offset:], data[:size])
	case cmd == ylRingVolume && y.has(cmd):
		y.ringVol = data[0]
	case cmd == ylRingNote && y.has(cmd):
		if size < 1 || size > ylDataLen || offset+int(size) > ylNotesLen {
			return y.rejected()
		}
		copy(y.notes[offset:], data[:size])
	case cmd == ylRingtone && y.has(cmd):
		y.ringtone = data[0]
	case cmd == ylBacklight && y.has(cmd):
		y.backlight = data[0]
	case cmd == ylSpeaker && y.has(cmd):
		y.speaker = data[0]
	case cmd == ylB2KRing && y.has(cmd):
		y.b2kRing = data[0]
	case cmd == ylPSTNSwitch && y.has(cmd):
		y.pstn = data[0]
	default:
		return y.rejected()
	}
	return nil
}

// serial is what INIT answers: eleven bytes the phone calls its serial
// number, derived here from the model's version.
func (y *yealink) serial() []byte {
	s := make([]byte, ylDataLen)
	for i := range s {
		s[i] = byte(y.v.version) + byte(i)
	}
	return s
}

func (y *yealink) getFeature(id byte) ([]byte, error) {
	return nil, fmt.Errorf("feature report %d: %w (the phone has no feature reports)", id, hid.ErrUnsupported)
}

func (y *yealink) setFeature(report []byte) error {
	return fmt.Errorf("feature report: %w (the phone has no feature reports)", hid.ErrUnsupported)
}

// lcdText reads the glass as a person would: the twelve-digit line, then the
// clock (M:SS) if anything shows there.
func (y *yealink) lcdText() (string, []string) {
	l := seg7.P1K()
	var main strings.Builder
	for el := l.Lines[2][0]; el < l.Lines[2][1]; el++ {
		main.WriteString(l.Read(y.lcd[:], el))
	}
	var clock strings.Builder
	for _, el := range []int{6, 7, 8, 9, 10} {
		c := l.Read(y.lcd[:], el)
		if el == 8 && c == "" {
			c = " "
		}
		clock.WriteString(c)
	}
	var icons []string
	for el, e := range l.Elements {
		if e.Kind == seg7.Icon && e.Name != ":" {
			if n := l.Read(y.lcd[:], el); n != "" {
				icons = append(icons, n)
			}
		}
	}
	text := strings.TrimRight(main.String(), " ")
	if c := strings.TrimSpace(clock.String()); c != "" {
		text += "\n" + c
	}
	return text, icons
}

// ringTone describes the uploaded notes: "1250Hz/120ms 1000Hz/120ms … -/2000ms".
func (y *yealink) ringTone() string {
	var parts []string
	for i := 0; i+3 < ylNotesLen; i += 4 {
		f := uint16(y.notes[i])<<8 | uint16(y.notes[i+1])
		d := int(y.notes[i+2])<<8 | int(y.notes[i+3])
		if f == 0 {
			break
		}
		hz := "-"
		if f != 0xffff {
			hz = fmt.Sprintf("%dHz", uint16(-f))
		}
		parts = append(parts, fmt.Sprintf("%s/%dms", hz, d*10))
	}
	return strings.Join(parts, " ")
}

func (y *yealink) state(s *State) {
	s.Hook = "on"
	if y.offHook {
		s.Hook = "off"
	}
	s.Version = fmt.Sprintf("0x%04x", y.v.version)
	if y.has(ylHandset) {
		s.LEDs.OffHook = y.led[0] != 0 // the USB LED
		s.Ringing = y.b2kRing != 0
		s.PSTN = y.pstn != 0
		s.PSTNRing = y.pstnRing
	} else {
		s.LEDs.Ring = y.led[0] == 0 // 0 lights it
		s.Ringing = y.ringtone != 0
	}
	if y.v.lcd {
		s.LCD, s.LCDIcons = y.lcdText()
	}
	s.DialTone = y.dialtone != 0
	s.RingerVolume = int(y.ringVol)
	switch {
	case y.v.g2:
		s.RingTone = y.g2RingTone()
	case y.has(ylRingNote):
		s.RingTone = y.ringTone()
	}
	s.BadPackets = y.bad
	s.Keys = []string{}
	for _, c := range y.held {
		for _, k := range y.v.keys {
			if k.code == c {
				s.Keys = append(s.Keys, k.names[0])
			}
		}
	}
}

// g2RingTone describes G2 notes, whose frequency byte is the low byte of
// the negated frequency: "0x1e/120ms 0x18/120ms".
func (y *yealink) g2RingTone() string {
	var parts []string
	for i := 0; i+1 < y.notesAt; i += 2 {
		if y.notes[i] == 0 && y.notes[i+1] == 0 {
			break
		}
		parts = append(parts, fmt.Sprintf("%#02x/%dms", y.notes[i], int(y.notes[i+1])*10))
	}
	return strings.Join(parts, " ")
}

// answersOnlyWhenAsked implements requestDriven: the first generation
// answers requests and nothing else; the P1KH reports its keys unasked.
func (y *yealink) answersOnlyWhenAsked() bool { return !y.v.g2 }

// watchTap implements tapWatcher. The first generation has reported a key
// once it answered a SCANCODE request with the key's code; the P1KH sent
// its report unasked with the press, so it has reported it already.
func (y *yealink) watchTap(key string, seen func()) {
	y.tapSeen = nil
	if seen == nil {
		return
	}
	if y.v.g2 {
		seen()
		return
	}
	k, err := y.lookup(key)
	if err != nil {
		return
	}
	y.tapCode, y.tapSeen = k.code, seen
}

// watchRelease implements tapWatcher: the release is one more event in the
// ring, which the host fetches in order after the press: nothing to wait for.
func (y *yealink) watchRelease(_ string, seen func()) {
	if seen != nil {
		seen()
	}
}
