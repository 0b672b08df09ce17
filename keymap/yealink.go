package keymap

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/handsetd/handsetd/internal/seg7"
)

// Yealink packet commands. Requests marked "replies" are answered on the
// interrupt IN endpoint with a packet of the same command byte; the others
// are silent.
const (
	YealinkInit       = 0x8e // replies: a serial number
	YealinkVersion    = 0x87 // replies: the firmware version, big-endian
	YealinkKeyPress   = 0x80 // replies: the key event counter
	YealinkScanCode   = 0x81 // replies: the scancode of key event offset&0x1f
	YealinkHookPress  = 0x8b // P4K, replies: bit 4 set = on hook
	YealinkHandset    = 0x8d // B2K, replies: bit 0 PSTN ring, bit 1 off hook
	YealinkLCD        = 0x04 // size bytes of segment RAM at offset
	YealinkLED        = 0x05
	YealinkRingVolume = 0x11
	YealinkRingNote   = 0x02
	YealinkRingtone   = 0x03
	YealinkDialtone   = 0x09
	YealinkB2KRing    = 0x01
	YealinkPSTNSwitch = 0x0e
	// YealinkBadPacket is the phone's answer to a packet it could not take:
	// a wrong checksum, a short packet, an unknown command.
	YealinkBadPacket = 0xfd
)

const (
	// YealinkPacketLen is the packet: cmd, size, offset (2 bytes,
	// big-endian), 11 data bytes, checksum.
	YealinkPacketLen = 16
	yealinkDataLen   = 11
	// YealinkG2PacketLen is the second generation's packet: cmd, 6 data
	// bytes, checksum.
	YealinkG2PacketLen = 8
	yealinkG2DataLen   = 6
	// yealinkG2Spacing is the pause the P1KH needs between two commands,
	// or it garbles the LCD.
	yealinkG2Spacing = 25 * time.Millisecond
	// yealinkReplyTimeout bounds the wait for a reply before the request is
	// sent again.
	yealinkReplyTimeout = 200 * time.Millisecond
	yealinkNoKey        = 0xff // the scancode of a key release
)

// YealinkPacket builds an output report (id byte 0, then the 16-byte packet)
// with its checksum: the byte that makes all 16 sum to 0 mod 256.
func YealinkPacket(cmd, size byte, offset uint16, data ...byte) []byte {
	r := make([]byte, 1+YealinkPacketLen)
	p := r[1:]
	p[0], p[1], p[2], p[3] = cmd, size, byte(offset>>8), byte(offset)
	copy(p[4:4+yealinkDataLen], data)
	p[15] = -YealinkSum(p[:15])
	return r
}

// YealinkG2Packet builds a second-generation output report (id byte 0, then
// the 8-byte packet) with its checksum.
func YealinkG2Packet(cmd byte, data ...byte) []byte {
	r := make([]byte, 1+YealinkG2PacketLen)
	p := r[1:]
	p[0] = cmd
	copy(p[1:1+yealinkG2DataLen], data)
	p[7] = -YealinkSum(p[:7])
	return r
}

// YealinkSum is the byte sum of p mod 256; a good packet sums to 0.
func YealinkSum(p []byte) byte {
	var s byte
	for _, b := range p {
		s += b
	}
	return s
}

// YealinkModel is a member of the family, told apart by VERSION.
type YealinkModel string

// The models the profile drives.
const (
	YealinkP1K YealinkModel = "P1K"
	YealinkP4K YealinkModel = "P4K"
	YealinkB2K YealinkModel = "B2K"
	// YealinkP1KH is told apart by its USB product id (6993:b700).
	YealinkP1KH YealinkModel = "P1KH"
)

// YealinkModelOf names the model of a firmware version: P1K 0x0100-0x01ff,
// P4K 0x0230-0x02ff, B2K 0x0520-0x053f and 0x0570-0x058f.
func YealinkModelOf(version uint16) (YealinkModel, bool) {
	switch {
	case version >= 0x0100 && version <= 0x01ff:
		return YealinkP1K, true
	case version >= 0x0230 && version <= 0x02ff:
		return YealinkP4K, true
	case version >= 0x0520 && version <= 0x053f, version >= 0x0570 && version <= 0x058f:
		return YealinkB2K, true
	}
	return "", false
}

// YealinkKeys returns a model's keymap: scancode to Phone API key.
//
// USB-P1K: digits, * and #; pickup is YES, hangup is NO, C is C, the IN and
// OUT keys (← and →) are I and O, and the arrows are UP and DOWN.
// USB-P4K: DIAL is YES, DEL is C, IN and OUT are I and O, VOL+ and VOL- are
// PAGEUP and PAGEDOWN, FLASH is F, REDIAL is R, SEND is S, HELP is H and the
// hands-free key is L (loudspeaker).
// USB-B2K: the keys of the attached phone, read by its DTMF decoder: digits,
// * and #.
func YealinkKeys(m YealinkModel) map[byte]string {
	switch m {
	case YealinkP4K:
		return map[byte]string{
			0x00: "YES", 0x01: "3", 0x02: "6", 0x03: "9", 0x04: "#", 0x05: "H",
			0x10: "O", 0x11: "2", 0x12: "5", 0x13: "8", 0x14: "0", 0x15: "F",
			0x20: "L", 0x21: "1", 0x22: "4", 0x23: "7", 0x24: "*", 0x25: "S",
			0x30: "DOWN", 0x31: "PAGEUP", 0x32: "UP", 0x33: "C", 0x34: "I",
			0x40: "PAGEDOWN", 0x44: "R",
		}
	case YealinkP1KH:
		return map[byte]string{
			0x00: "1", 0x01: "2", 0x02: "3", 0x03: "YES", 0x04: "O", 0x05: "4", 0x06: "5",
			0x07: "6", 0x08: "NO", 0x09: "C", 0x0a: "7", 0x0b: "8", 0x0c: "9", 0x0d: "I",
			0x0e: "DOWN", 0x0f: "*", 0x10: "0", 0x11: "#", 0x12: "UP",
		}
	case YealinkB2K:
		m := map[byte]string{0x0b: "*", 0x0c: "#"}
		for d := byte(0); d <= 9; d++ {
			m[d] = string('0' + rune(d))
		}
		return m
	}
	return map[byte]string{
		0x00: "1", 0x01: "2", 0x02: "3", 0x03: "YES", 0x04: "O",
		0x10: "4", 0x11: "5", 0x12: "6", 0x13: "NO", 0x14: "C",
		0x20: "7", 0x21: "8", 0x22: "9", 0x23: "I", 0x24: "DOWN",
		0x30: "*", 0x31: "0", 0x32: "#", 0x33: "UP",
	}
}

type yealinkPhase int

const (
	ylVersion yealinkPhase = iota // ask which model this is
	ylInit                        // initialise the phone
	ylRun                         // scan keys and hook, push state
)

// yealinkState is what the profile keeps in step on the phone, byte for
// byte as it goes out.
type yealinkState struct {
	lcd      [seg7.RAMSize]byte
	led      []byte // LED data bytes
	ringtone byte   // P1K RINGTONE
	b2kRing  byte
	dialtone byte
}

// Yealink is the profile of a Yealink USB-P1K family phone.
//
// These phones speak one 16-byte packet format both ways: the host sends a
// packet as a SET_REPORT, and the phone answers a request packet with one
// input report of the same command byte. It never speaks unprompted: the
// host asks for the key event counter (KEYPRESS) every 100 ms (50 ms on the
// P4K and B2K, alternating with the hook scan HOOKPRESS or HANDSET), and when
// the counter moves it fetches each new event's scancode (SCANCODE, from a
// ring of 32). A scancode of 0xff is a release.
//
// The conversation, which Talk drives:
//
//	VERSION ──reply──► INIT ──reply──► full state upload ──► scan loop
//	                                                          │  ▲
//	      KEYPRESS/HOOKPRESS/HANDSET ──reply──► SCANCODE × n ─┘  │
//	      state changes (LCD, LED, ringer) go out between scans ─┘
//
// A request whose reply does not come within 200 ms is sent again; a reply
// with a bad checksum is an error from Decode and is then waited out the
// same way. The phone answers a packet it could not take with 0xfd: the
// profile sends its request again and re-sends its whole state, since it
// cannot know which packet was lost.
//
// The P1KH (6993:b700) is the second generation: 8-byte packets (cmd, 6
// data bytes, checksum), keys sent unasked as SCANCODE packets, and a 25 ms
// pause needed between two commands, so its state goes out one packet per
// Talk. VERSION and INIT work as on the others.
//
// Output maps onto the phone: the first LCD line on the twelve-digit line, a
// call duration (second LCD line, M:SS) on the clock digits; the ringer as
// RINGTONE on the P1K and P1KH (the uploaded notes carry the cadence) or the B2K's
// ring relay switched with RingOn/RingOff cadence; the LED blinks with the
// same cadence while ringing (and on the B2K is lit off-hook). The dial tone
// is left off: tones are the host's audio.
type Yealink struct {
	name string

	model   YealinkModel
	version uint16
	phase   yealinkPhase

	waiting byte // command awaiting its reply; 0 = none
	request []byte
	sentAt  time.Time
	resend  bool

	nextScan time.Time
	hookTurn bool // the next scan asks for the hook
	counter  byte
	fetched  byte // key events fetched so far
	haveKeys bool
	held     string

	hookKnown, offHook bool

	out       Output
	ringStart time.Time
	applied   *yealinkState // nil: unknown, upload in full
	notesSent bool

	// The second generation (P1KH) speaks 8-byte packets, reports keys
	// unasked, and needs its commands spaced out.
	g2       bool
	queue    [][]byte
	nextSend time.Time
}

var (
	_ Profile = (*Yealink)(nil)
	_ Talker  = (*Yealink)(nil)
	_ Display = (*Yealink)(nil)
)

// NewYealink returns the profile for a USB-P1K family phone of the first
// generation (6993:b001). name is announced to the host; empty means
// "Yealink USB-P1K".
func NewYealink(name string) *Yealink {
	if name == "" {
		name = "Yealink USB-P1K"
	}
	return &Yealink{name: name}
}

// NewYealinkP1KH returns the profile for a USB-P1KH (6993:b700), which
// speaks 8-byte packets and reports its keys unasked.
func NewYealinkP1KH(name string) *Yealink {
	if name == "" {
		name = "Yealink USB-P1KH"
	}
	return &Yealink{name: name, g2: true, model: YealinkP1KH}
}

func (p *Yealink) packetLen() int {
	if p.g2 {
		return YealinkG2PacketLen
	}
	return YealinkPacketLen
}

// Name implements Profile.
func (p *Yealink) Name() string { return p.name }

// Model is the model VERSION revealed, "" before that.
func (p *Yealink) Model() YealinkModel { return p.model }

// InputReportSize implements Profile: the id byte and a 16-byte packet.
func (p *Yealink) InputReportSize() int { return 1 + p.packetLen() }

// HasRinger reports whether the phone rings by itself: all but the P4K,
// which has only a speaker and needs the host's audio to ring. It is true
// until VERSION has named the model.
func (p *Yealink) HasRinger() bool { return p.model != YealinkP4K }

// DisplayWidth implements Display: the P1K's twelve-digit line.
func (p *Yealink) DisplayWidth() int { return 12 }

// Decode implements Profile: it takes the phone's replies.
func (p *Yealink) Decode(report []byte) ([]Event, error) {
	if len(report) != 1+p.packetLen() || report[0] != 0 {
		return nil, fmt.Errorf("%w: Yealink packet % x: want %d bytes starting with report id 0", ErrBadReport, report, 1+p.packetLen())
	}
	pk := report[1:]
	if s := YealinkSum(pk); s != 0 {
		return nil, fmt.Errorf("%w: Yealink packet % x: checksum off by %#02x", ErrBadReport, pk, s)
	}
	cmd, data := pk[0], pk[1:7]
	if !p.g2 {
		data = pk[4:15]
	}
	if cmd == YealinkBadPacket {
		p.applied, p.queue = nil, nil // something we sent was lost: send it all again
		if p.waiting != 0 {
			p.resend = true
		}
		return nil, nil
	}
	if p.g2 && cmd == YealinkScanCode {
		return p.keyEvent(data[0]), nil // the P1KH reports keys unasked, even during INIT
	}
	if cmd != p.waiting {
		return nil, nil // a stale reply, or one we did not ask for
	}
	p.waiting = 0
	switch cmd {
	case YealinkVersion:
		p.version = uint16(data[0])<<8 | uint16(data[1])
		if !p.g2 {
			m, ok := YealinkModelOf(p.version)
			if !ok {
				m = YealinkP1K // closest relative; its commands are the common set
			}
			p.model = m
		}
		p.phase = ylInit
	case YealinkInit:
		p.phase = ylRun
		p.applied = nil
		p.nextScan = time.Time{}
	case YealinkKeyPress:
		c := data[0]
		if !p.haveKeys {
			// Events before the first scan are history, except the last
			// one: if it is a press, that key is still down.
			p.haveKeys, p.fetched = true, c
			if c != 0 {
				p.fetched = c - 1
			}
		}
		p.counter = c
		if p.counter-p.fetched > 32 {
			p.fetched = p.counter - 32 // older events are overwritten
		}
		if p.counter != p.fetched {
			p.nextScan = time.Time{} // keep asking while keys move
		}
	case YealinkScanCode:
		p.fetched++
		return p.keyEvent(data[0]), nil
	case YealinkHookPress:
		return p.hook(data[0]&0x10 == 0), nil
	case YealinkHandset:
		// Bit 0 follows the ring signal of the attached landline; the
		// Phone API has no word for it.
		return p.hook(data[0]&0x02 != 0), nil
	}
	return nil, nil
}

func (p *Yealink) hook(off bool) []Event {
	if p.hookKnown && p.offHook == off {
		return nil
	}
	p.hookKnown, p.offHook = true, off
	return []Event{{Kind: EventHook, Active: off}}
}

// keyEvent releases the key held (if any) and presses the new one, as the
// phone reports one key at a time.
func (p *Yealink) keyEvent(sc byte) []Event {
	var evs []Event
	k, known := YealinkKeys(p.model)[sc]
	if p.held != "" && (!known || k != p.held) {
		evs = append(evs, Event{Kind: EventKey, Key: p.held})
		p.held = ""
	}
	if known && k != p.held {
		evs = append(evs, Event{Kind: EventKey, Key: k, Pressed: true})
		p.held = k
	}
	return evs
}

// Encode implements Profile. It records the desired output; Talk sends
// what differs between scans.
func (p *Yealink) Encode(out Output) ([][]byte, error) {
	if out.Ringer != p.out.Ringer {
		p.ringStart = time.Time{}
	}
	p.out = out
	return nil, nil
}

// Talk implements Talker.
func (p *Yealink) Talk(now time.Time) ([][]byte, time.Time) {
	if p.waiting != 0 {
		deadline := p.sentAt.Add(yealinkReplyTimeout)
		if !p.resend && now.Before(deadline) {
			return nil, deadline
		}
		p.resend = false
		p.sentAt = now
		return [][]byte{p.request}, now.Add(yealinkReplyTimeout)
	}
	switch p.phase {
	case ylVersion:
		return p.ask(now, p.packet(YealinkVersion, 2, 0)), now.Add(yealinkReplyTimeout)
	case ylInit:
		return p.ask(now, p.packet(YealinkInit, yealinkDataLen, 0)), now.Add(yealinkReplyTimeout)
	}
	if p.g2 {
		return p.talkG2(now)
	}
	if p.counter != p.fetched {
		idx := uint16(p.fetched) & 0x1f // event n+1 sits at n mod 32
		return p.ask(now, YealinkPacket(YealinkScanCode, 1, idx)), now.Add(yealinkReplyTimeout)
	}
	want, cadence := p.desired(now)
	reports := p.updates(want)
	wake := cadence
	if !now.Before(p.nextScan) {
		cmd := byte(YealinkKeyPress)
		if p.hookTurn {
			switch p.model {
			case YealinkP4K:
				cmd = YealinkHookPress
			case YealinkB2K:
				cmd = YealinkHandset
			}
		}
		if p.model == YealinkP4K || p.model == YealinkB2K {
			p.hookTurn = !p.hookTurn
		}
		p.nextScan = now.Add(p.pollInterval())
		reports = append(reports, p.ask(now, YealinkPacket(cmd, 1, 0))...)
		return reports, now.Add(yealinkReplyTimeout)
	}
	if wake.IsZero() || p.nextScan.Before(wake) {
		wake = p.nextScan
	}
	return reports, wake
}

// talkG2 sends the second generation its state changes one at a time,
// yealinkG2Spacing apart; there is nothing to poll.
func (p *Yealink) talkG2(now time.Time) ([][]byte, time.Time) {
	want, wake := p.desired(now)
	p.queue = append(p.queue, p.updates(want)...)
	var out [][]byte
	if len(p.queue) > 0 && !now.Before(p.nextSend) {
		out = append(out, p.queue[0])
		p.queue = p.queue[1:]
		p.nextSend = now.Add(yealinkG2Spacing)
	}
	if len(p.queue) > 0 && (wake.IsZero() || p.nextSend.Before(wake)) {
		wake = p.nextSend
	}
	return out, wake
}

// packet builds a packet of this phone's generation. A second-generation
// packet has no size or offset: its data bytes follow the command.
func (p *Yealink) packet(cmd, size byte, offset uint16, data ...byte) []byte {
	if p.g2 {
		return YealinkG2Packet(cmd, data...)
	}
	return YealinkPacket(cmd, size, offset, data...)
}

func (p *Yealink) pollInterval() time.Duration {
	if p.model == YealinkP4K || p.model == YealinkB2K {
		return 50 * time.Millisecond // two scans (keys, hook) per 100 ms
	}
	return 100 * time.Millisecond
}

func (p *Yealink) ask(now time.Time, req []byte) [][]byte {
	p.waiting, p.request, p.sentAt = req[1], req, now
	return [][]byte{req}
}

// desired is the phone state Output asks for at now, and when the ring
// cadence next changes it (zero when not ringing).
func (p *Yealink) desired(now time.Time) (yealinkState, time.Time) {
	var s yealinkState
	var wake time.Time
	phase := false
	if p.out.Ringer {
		if p.ringStart.IsZero() {
			p.ringStart = now
		}
		phase, wake = ringPhase(p.ringStart, now)
	}
	switch p.model {
	case YealinkB2K:
		usb := byte(0)
		if phase || (!p.out.Ringer && p.out.LEDs.OffHook) {
			usb = 0xff
		}
		s.led = []byte{usb, 0x00}
		if phase {
			s.b2kRing = 1
		}
	default:
		s.led = []byte{1} // 1 is dark, 0 is lit
		if phase {
			s.led = []byte{0}
		}
		switch {
		case p.model == YealinkP1K && p.out.Ringer:
			s.ringtone = 0x24
		case p.model == YealinkP1KH && p.out.Ringer:
			s.ringtone = 0xff
		}
		p.drawLCD(&s.lcd)
	}
	return s, wake
}

// drawLCD puts the first LCD line on the twelve digits and a duration on
// the clock.
func (p *Yealink) drawLCD(ram *[seg7.RAMSize]byte) {
	l := seg7.P1K()
	lines := strings.Split(p.out.LCD, "\n")
	main := []rune(lines[0])
	for i := range 12 {
		r := ' '
		if i < len(main) {
			r = main[i]
		}
		l.Put(ram[:], l.Lines[2][0]+i, r)
	}
	clock := "    "
	colon := ' '
	if len(lines) > 1 {
		if m, s, ok := strings.Cut(lines[1], ":"); ok && len(m) >= 1 && len(m) <= 2 && len(s) == 2 {
			clock, colon = fmt.Sprintf("%2s%s", m, s), ':'
		}
	}
	for i, el := range []int{6, 7, 9, 10} {
		l.Put(ram[:], el, rune(clock[i]))
	}
	l.Put(ram[:], 8, colon)
}

// updates returns the packets that bring the phone from the applied state
// to want, and records want as applied.
func (p *Yealink) updates(want yealinkState) [][]byte {
	var out [][]byte
	full := p.applied == nil
	old := p.applied
	if full {
		old = &yealinkState{}
		switch p.model {
		case YealinkP1K:
			out = append(out, p.ringNotes()...)
		case YealinkP1KH:
			out = append(out, p.ringNotesG2()...)
		}
		if p.model == YealinkB2K {
			out = append(out, YealinkPacket(YealinkPSTNSwitch, 1, 0, 0)) // USB, not the landline
		}
	}
	if p.model != YealinkB2K {
		chunk := yealinkDataLen
		if p.g2 {
			chunk = yealinkG2DataLen - 2 // length and offset come first
		}
		for i := 0; i < seg7.RAMSize; i++ {
			if !full && want.lcd[i] == old.lcd[i] {
				continue
			}
			n := min(chunk, seg7.RAMSize-i)
			if p.g2 {
				out = append(out, YealinkG2Packet(YealinkLCD, append([]byte{byte(n), byte(i)}, want.lcd[i:i+n]...)...))
			} else {
				out = append(out, YealinkPacket(YealinkLCD, byte(n), uint16(i), want.lcd[i:i+n]...))
			}
			i += n - 1
		}
	}
	if full || !bytes.Equal(want.led, old.led) {
		out = append(out, p.packet(YealinkLED, byte(len(want.led)), 0, want.led...))
	}
	switch p.model {
	case YealinkP1K, YealinkP1KH:
		if full || want.ringtone != old.ringtone {
			out = append(out, p.packet(YealinkRingtone, 1, 0, want.ringtone))
		}
	case YealinkB2K:
		if full || want.b2kRing != old.b2kRing {
			out = append(out, YealinkPacket(YealinkB2KRing, 1, 0, want.b2kRing))
		}
	}
	if full && p.model != YealinkP1K && p.model != YealinkP1KH {
		out = append(out, YealinkPacket(YealinkDialtone, 1, 0, 0))
	}
	p.applied = &want
	return out
}

// YealinkRingNotes is the ring tone the profile uploads to a P1K: a volume
// byte, then notes of big-endian 16-bit -frequency (Hz; 0xffff is silence)
// and 16-bit duration (10 ms units), ending with 0x0000. It warbles 1250 and
// 1000 Hz for 0.96 s, then pauses 2 s: the RingOn/RingOff cadence.
func YealinkRingNotes() (volume byte, notes []byte) {
	note := func(hz, cs uint16) []byte {
		f := -hz
		return []byte{byte(f >> 8), byte(f), byte(cs >> 8), byte(cs)}
	}
	for range 4 {
		notes = append(notes, note(1250, 12)...)
		notes = append(notes, note(1000, 12)...)
	}
	notes = append(notes, 0xff, 0xff, 0x00, 200)
	notes = append(notes, 0x00, 0x00)
	return 0xc0, notes
}

func (p *Yealink) ringNotes() [][]byte {
	vol, notes := YealinkRingNotes()
	out := [][]byte{YealinkPacket(YealinkRingVolume, 1, 0, vol)}
	for i := 0; i < len(notes); i += yealinkDataLen {
		n := min(yealinkDataLen, len(notes)-i)
		out = append(out, YealinkPacket(YealinkRingNote, byte(n), uint16(i), notes[i:i+n]...))
	}
	return out
}

// ringNotesG2 uploads the ring tone to a P1KH, whose notes are one byte each
// of frequency (the low byte of the negated frequency, as the P1K's) and
// duration.
func (p *Yealink) ringNotesG2() [][]byte {
	vol, notes := YealinkRingNotes()
	var short []byte
	for i := 0; i+3 < len(notes); i += 4 {
		if notes[i] == 0xff && notes[i+1] == 0xff {
			break // the P1KH's notes have no pause
		}
		short = append(short, notes[i+1], notes[i+3])
	}
	short = append(short, 0, 0)
	out := [][]byte{YealinkG2Packet(YealinkRingVolume, vol)}
	for i := 0; i < len(short); i += yealinkG2DataLen {
		out = append(out, YealinkG2Packet(YealinkRingNote, short[i:min(i+yealinkG2DataLen, len(short))]...))
	}
	return out
}
