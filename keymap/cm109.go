package keymap

import (
	"bytes"
	"fmt"
	"slices"
	"time"
)

// The CM109's registers, as its 4-byte reports carry them (after the id
// byte).
const (
	cmVolUp      = 1 << 0 // IN byte 0
	cmVolDown    = 1 << 1
	cmPlayMute   = 1 << 2
	cmRecordMute = 1 << 3
	cmBuzzer     = 1 << 5 // OUT byte 0
	cmAllColumns = 0x0f   // GPO: drive every column
	cmRowMask    = 0xf0   // GPI: the keypad rows
)

const (
	// cmScanRetry is how long the profile waits for the reading of a
	// column it drove before it drives it again.
	cmScanRetry = 100 * time.Millisecond
	cmReportLen = 5 // id byte and the 4 register bytes
)

// RingCadence is how the legacy profiles ring: on for RingOn, off for
// RingOff, repeated while a call rings.
const (
	RingOn  = time.Second
	RingOff = 2 * time.Second
)

// ringPhase reports whether a ringer started at start is sounding at now,
// and when that next changes.
func ringPhase(start, now time.Time) (on bool, next time.Time) {
	period := RingOn + RingOff
	el := now.Sub(start) % period
	if el < RingOn {
		return true, now.Add(RingOn - el)
	}
	return false, now.Add(period - el)
}

// cm109Variants are the published CM109 phones, each with its keypad: the
// scancode, a row bit of the GPI high nibble ORed with the column bit the
// host drove, and the Phone API key it is. IN and OUT (or ← and →) are I and
// O. They are the CM109 row's Variants in Devices.
func cm109Variants() []Variant {
	digits := func(codes ...byte) map[byte]string {
		m := map[byte]string{}
		for i, k := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "#", "*"} {
			m[codes[i]] = k
		}
		return m
	}
	with := func(m map[byte]string, extra map[byte]string) map[byte]string {
		for c, k := range extra {
			m[c] = k
		}
		return m
	}
	return []Variant{
		{
			// Rows 1 2 3 / 4 5 6 / 7 8 9 / * 0 #, with → ← END OK down
			// the left column. The kernel's cm109 driver defaults to it.
			Name: "kip1000", Product: "Komunikate KIP1000", Default: true, SimModel: "cm109-kip1000",
			Keys: with(digits(0x82, 0x14, 0x12, 0x11, 0x24, 0x22, 0x21, 0x44, 0x42, 0x41, 0x81, 0x84),
				map[byte]string{0x88: "YES", 0x48: "NO", 0x28: "I", 0x18: "O"}),
		},
		{
			// Talk, End and the up/down rocker.
			Name: "gtalk", Product: "Genius G-Talk", SimModel: "cm109-gtalk",
			Keys: with(digits(0x11, 0x21, 0x41, 0x81, 0x12, 0x22, 0x42, 0x82, 0x14, 0x24, 0x44, 0x84),
				map[byte]string{0x18: "YES", 0x28: "NO", 0x48: "UP", 0x88: "DOWN"}),
		},
		{
			// Pickup, hangup, IN, OUT.
			Name: "usbph01", Product: "Corega USBPH01", SimModel: "cm109-usbph01",
			Keys: with(digits(0x11, 0x21, 0x41, 0x81, 0x12, 0x22, 0x42, 0x82, 0x14, 0x24, 0x44, 0x84),
				map[byte]string{0x18: "YES", 0x28: "NO", 0x48: "I", 0x88: "O"}),
		},
		{
			// Pickup, hangup, ← and →.
			Name: "atcom", Aliases: []string{"atcom-au100", "au100"}, Product: "ATCOM AU-100", SimModel: "cm109-atcom",
			Keys: with(digits(0x82, 0x11, 0x12, 0x14, 0x21, 0x22, 0x24, 0x41, 0x42, 0x44, 0x84, 0x81),
				map[byte]string{0x18: "YES", 0x28: "NO", 0x48: "I", 0x88: "O"}),
		},
	}
}

type cm109Map struct {
	model string
	keys  map[byte]string
}

// cm109Keymap looks a model up in the CM109 row (see Device.Variant): ""
// is kip1000; case, '-', '_' and spaces are ignored, and "atcom-au100" is
// accepted for "atcom".
func cm109Keymap(model string) (cm109Map, error) {
	v, err := cm109Row().Variant(model)
	if err != nil {
		return cm109Map{}, err
	}
	return cm109Map{model: v.Name, keys: v.Keys}, nil
}

// CM109 is the profile of a CM109-based phone.
//
// The CM109 is a USB audio chip with a few general-purpose pins. Phone
// makers wire a 4x4 keypad to them: the four columns to GPO pins 0-3 (OUT
// byte 1) and the four rows to GPI pins 4-7 (IN byte 1, high nibble). A row
// reads high only while the host drives the column of a pressed key, so the
// host scans: it drives all four columns, and while a row reads high it
// drives one column at a time (0x1, 0x2, 0x4, 0x8), reads which rows
// answer, drives all four again, and repeats. The low nibble of each reading is the columns
// driven at the time, so a reading is matched to its column and stale ones
// are skipped. The scancode is row bit | column bit, and the model's keymap
// names it.
//
// Byte 0 of an input report holds volume up and down (levels, reported as
// the keys PAGEUP and PAGEDOWN), playback mute (ignored: it mutes the
// speaker, which the Phone API has no word for) and record mute, which the
// chip reports once per press: it is the Phone API MUTE, as a toggle.
//
// The buzzer is bit 5 of OUT byte 0; the profile sounds it with RingOn/
// RingOff cadence while the Output asks for the ringer. Every output report
// carries the full register state: buzzer, the columns driven, and the same
// columns as outputs in byte 2.
type CM109 struct {
	name  string
	model string
	keys  map[byte]string

	started bool
	col     byte   // column being scanned; 0 = all driven (idle)
	rows    byte   // the rows of the last all-columns reading
	found   []byte // scancodes seen in the current scan
	held    []byte // scancodes reported down, in press order
	special byte   // byte 0 of the previous report
	sentAt  time.Time
	lastOut []byte

	ringing   bool
	ringStart time.Time // zero until Talk starts the cadence
}

var (
	_ Profile = (*CM109)(nil)
	_ Talker  = (*CM109)(nil)
)

// NewCM109 returns the profile of a CM109 phone of the given model (one of
// the CM109 row's Variants in Devices); an unknown model is an error wrapping ErrUnknownModel.
func NewCM109(name, model string) (*CM109, error) {
	m, err := cm109Keymap(model)
	if err != nil {
		return nil, fmt.Errorf("keymap: %w", err)
	}
	return newCM109(name, m), nil
}

func newCM109(name string, m cm109Map) *CM109 {
	if name == "" {
		name = "CM109 USB phone (" + m.model + ")"
	}
	return &CM109{name: name, model: m.model, keys: m.keys}
}

// Name implements Profile.
func (p *CM109) Name() string { return p.name }

// Model is the keymap in use.
func (p *CM109) Model() string { return p.model }

// InputReportSize implements Profile: the id byte and 4 register bytes.
func (p *CM109) InputReportSize() int { return cmReportLen }

// Decode implements Profile.
func (p *CM109) Decode(report []byte) ([]Event, error) {
	if len(report) != cmReportLen || report[0] != 0 {
		return nil, fmt.Errorf("%w: CM109 input report % x: want 5 bytes starting with report id 0", ErrBadReport, report)
	}
	var evs []Event
	ir0, gpi := report[1], report[2]
	for _, v := range []struct {
		bit byte
		key string
	}{{cmVolUp, "PAGEUP"}, {cmVolDown, "PAGEDOWN"}} {
		was, is := p.special&v.bit != 0, ir0&v.bit != 0
		if was != is {
			evs = append(evs, Event{Kind: EventKey, Key: v.key, Pressed: is})
		}
	}
	if ir0&cmRecordMute != 0 && p.special&cmRecordMute == 0 {
		evs = append(evs, Event{Kind: EventMute, Toggle: true})
	}
	p.special = ir0

	driven, rows := gpi&0x0f, gpi&cmRowMask
	switch {
	case p.col == 0:
		if driven != cmAllColumns {
			break // a stale column reading
		}
		if rows == 0 {
			if p.rows != 0 || len(p.held) > 0 {
				evs = append(evs, p.settle(nil)...)
			}
			p.rows = 0
			break
		}
		// A row is high: scan, and scan again after each scan for as long
		// as one stays high, as cm109.ko does. The rows alone cannot tell
		// the keys of one row apart: a key released and another of its row
		// pressed between two readings leave them as they were.
		p.rows = rows
		p.col, p.found = 1, nil
	case driven == p.col:
		for r := byte(0x10); r != 0; r <<= 1 {
			if rows&r != 0 {
				p.found = append(p.found, r|p.col)
			}
		}
		p.col <<= 1
		if p.col > 0x08 {
			p.col = 0
			evs = append(evs, p.settle(p.found)...)
		}
	}
	return evs, nil
}

// settle turns a finished scan into key events: releases first, then
// presses in scan order. Scancodes the keymap does not name are ignored.
func (p *CM109) settle(down []byte) []Event {
	var evs []Event
	for _, c := range p.held {
		if !slices.Contains(down, c) {
			if k, ok := p.keys[c]; ok {
				evs = append(evs, Event{Kind: EventKey, Key: k})
			}
		}
	}
	var held []byte
	for _, c := range p.held {
		if slices.Contains(down, c) {
			held = append(held, c)
		}
	}
	for _, c := range down {
		if !slices.Contains(p.held, c) {
			held = append(held, c)
			if k, ok := p.keys[c]; ok {
				evs = append(evs, Event{Kind: EventKey, Key: k, Pressed: true})
			}
		}
	}
	p.held = held
	return evs
}

// Encode implements Profile. It only records whether to ring: Talk writes
// the registers, with the buzzer where the cadence has it.
func (p *CM109) Encode(out Output) ([][]byte, error) {
	if out.Ringer != p.ringing {
		p.ringing = out.Ringer
		p.ringStart = time.Time{}
	}
	return nil, nil
}

// Talk implements Talker: it writes the registers whenever the buzzer
// cadence or the scanned column changes, and drives a column again when its
// reading has not come within cmScanRetry.
func (p *CM109) Talk(now time.Time) ([][]byte, time.Time) {
	var wake time.Time
	buzz := false
	if p.ringing {
		if p.ringStart.IsZero() {
			p.ringStart = now
		}
		buzz, wake = ringPhase(p.ringStart, now)
	}
	gpo := byte(cmAllColumns)
	if p.col != 0 {
		gpo = p.col
	}
	var b0 byte // bits 7-6 = 0: bytes 1-2 drive the GPIO pins
	if buzz {
		b0 |= cmBuzzer
	}
	out := []byte{0, b0, gpo, gpo, 0}
	retry := p.col != 0 && !now.Before(p.sentAt.Add(cmScanRetry))
	var reports [][]byte
	if !p.started || retry || !bytes.Equal(out, p.lastOut) {
		p.started = true
		p.lastOut = out
		p.sentAt = now
		reports = append(reports, out)
	}
	if p.col != 0 {
		if r := p.sentAt.Add(cmScanRetry); wake.IsZero() || r.Before(wake) {
			wake = r
		}
	}
	return reports, wake
}
