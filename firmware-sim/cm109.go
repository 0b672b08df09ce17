package firmwaresim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/handsetd/handsetd/hid"
)

// CM109 register bits.
const (
	cmVolUp      = 1 << 0 // IN byte 0
	cmVolDown    = 1 << 1
	cmPlayMute   = 1 << 2
	cmRecordMute = 1 << 3
	cmBuzzer     = 1 << 5 // OUT byte 0, in mode 0
	cmReportLen  = 5      // report id 0 and four register bytes
)

// cmKey is a key of a CM109 phone's keypad matrix: the row bit (GPI 4-7)
// and column bit (GPO 0-3) it joins, and its names, the Phone API name first.
type cmKey struct {
	row, col byte
	names    []string
}

type cm109Variant struct {
	model, description, product string
	product16                   uint16
	keys                        []cmKey
}

// cmMatrix builds a keypad from a printed layout: layout[r][c] names the key
// joining row bit 0x10<<r and column bit 1<<c; "" is no key. Each name may
// carry aliases after a '/'.
func cmMatrix(layout [4][4]string) []cmKey {
	var ks []cmKey
	for r, row := range layout {
		for c, n := range row {
			if n != "" {
				ks = append(ks, cmKey{row: 0x10 << r, col: 1 << c, names: strings.Split(n, "/")})
			}
		}
	}
	return ks
}

func cm109Variants() []cm109Variant {
	// Columns are listed from GPO bit 0 to bit 3.
	return []cm109Variant{
		{
			model:       "cm109-kip1000",
			description: "Komunikate KIP1000 (CM109, 0d8c:000e): keypad on GPI rows / GPO columns, buzzer, volume and mute buttons",
			product:     "Komunikate KIP1000",
			product16:   0x000e,
			keys: cmMatrix([4][4]string{
				{"3", "2", "1", "O/OUT"},
				{"6", "5", "4", "I/IN"},
				{"9", "8", "7", "NO/HANGUP/END"},
				{"#", "0", "*", "YES/PICKUP/OK"},
			}),
		},
		{
			model:       "cm109-gtalk",
			description: "Genius G-Talk (CM109, 0d8c:000e): keypad with Talk, End and an up/down rocker, buzzer, volume and mute buttons",
			product:     "Genius G-Talk",
			product16:   0x000e,
			keys: cmMatrix([4][4]string{
				{"0", "4", "8", "YES/TALK"},
				{"1", "5", "9", "NO/END"},
				{"2", "6", "#", "UP"},
				{"3", "7", "*", "DOWN"},
			}),
		},
		{
			model:       "cm109-usbph01",
			description: "Allied Telesis Corega USBPH01 (CM109, 0d8c:000e): keypad with pickup, hangup, IN and OUT, buzzer, volume and mute buttons",
			product:     "Corega USBPH01",
			product16:   0x000e,
			keys: cmMatrix([4][4]string{
				{"0", "4", "8", "YES/PICKUP"},
				{"1", "5", "9", "NO/HANGUP"},
				{"2", "6", "#", "I/IN"},
				{"3", "7", "*", "O/OUT"},
			}),
		},
		{
			model:       "cm109-atcom",
			description: "ATCOM AU-100 (CM109, 0d8c:000e): keypad with pickup, hangup and arrows, buzzer, volume and mute buttons",
			product:     "ATCOM AU-100",
			product16:   0x000e,
			keys: cmMatrix([4][4]string{
				{"1", "2", "3", "YES/PICKUP"},
				{"4", "5", "6", "NO/HANGUP"},
				{"7", "8", "9", "I/LEFT"},
				{"*", "0", "#", "O/RIGHT"},
			}),
		},
	}
}

// cm109 is the firmware of a CM109-based phone.
//
// The chip has no idea of keys: it has four output pins (GPO 0-3, the
// keypad's columns) and four input pins (GPI 4-7, the rows). A row pin reads
// high only while a pressed key joins it to a column the host drives, so
// the host must scan. The chip reports its registers after every output
// report the host sends and whenever an input changes (the real chip
// answers every 10 ms interrupt poll; a host that keeps the newest sees the
// same): byte 0 volume up/down (held), playback and record mute (set in one
// report per press), byte 1 the GPI pins, whose low nibble reads back the
// columns driven.
//
// An output report is byte 0 (bits 7-6 the register mode: 0 maps bytes 1-2
// to the GPIO pins and byte 0 bit 5 to the buzzer; other modes use the
// registers otherwise, so the model then drives nothing), byte 1 the GPO
// level, byte 2 which GPIO pins are outputs, byte 3 (SPDIF status, unused).
type cm109 struct {
	env env
	v   cm109Variant

	mode    byte
	buzzer  bool
	gpo     byte
	dir     byte
	held    []cmKey
	volume  byte // held volume bits
	started bool

	tapKey   cmKey  // the key a Tap holds (see watchTap)
	tapVol   byte   // or the volume button it holds
	tapShown bool   // a report has shown it since
	tapSeen  func() // called once the host has read such a report
	relSeen  func() // called once the host has scanned after the release
	relScan  bool   // it has driven a single column since the release
}

func newCM109(e env, v cm109Variant) *cm109 {
	c := &cm109{env: e, v: v}
	c.powerOn()
	return c
}

func (c *cm109) identity() identity {
	return identity{vendor: 0x0d8c, product: c.v.product16, version: 0x0100, manufacturer: "C-Media Electronics", productName: c.v.product}
}

func (c *cm109) descriptor() []byte { return vendorDescriptor(4) }

func (c *cm109) powerOn() { *c = cm109{env: c.env, v: c.v} }

// report sends the registers, with extra pulse bits in byte 0.
func (c *cm109) report(pulse byte) {
	var rows byte
	for _, k := range c.held {
		if k.col&drive(c) != 0 {
			rows |= k.row
		}
	}
	c.env.emit([]byte{0, c.volume | pulse, rows | c.gpo&0x0f, 0, 0})
	if c.tapSeen != nil && (c.tapVol != 0 && c.volume&c.tapVol != 0 || c.tapVol == 0 && rows&c.tapKey.row != 0 && drive(c) == c.tapKey.col) {
		c.tapShown = true
	}
}

// drive is the set of keypad columns the host drives: the GPIO pins it made
// outputs (dir) and set high (gpo), in register mode 0 only.
func drive(c *cm109) byte {
	if c.mode != 0 {
		return 0
	}
	return c.gpo & c.dir & 0x0f
}

// watchTap implements tapWatcher: the CM109 has reported a key once it sent
// its registers with the key's row while the host drove the key's column
// alone, the reading that tells the host which key it is (a volume button:
// with its bit, in any report), and the host has since ended its scan
// (a volume button: written again); see tapRead. A USB endpoint that keeps
// only the newest state would otherwise let the release replace the press
// unread.
func (c *cm109) watchTap(key string, seen func()) {
	c.tapSeen, c.tapShown, c.tapVol = nil, false, 0
	if seen == nil {
		return
	}
	if b := volumeBit(key); b != 0 {
		c.tapVol, c.tapSeen = b, seen
		return
	}
	k, err := c.lookup(key)
	if err != nil {
		return
	}
	c.tapKey, c.tapSeen = k, seen
}

// watchRelease implements tapWatcher: a host that found a key scans again
// when its row falls, and reads the release in that scan: the release is
// seen once the host has driven a single column and then all of them again
// (a volume button: once the host has written again).
func (c *cm109) watchRelease(key string, seen func()) {
	c.relSeen, c.relScan = seen, false
	if seen != nil {
		c.tapVol = volumeBit(key)
	}
}

// tapRead calls tapSeen, after an output report, if the host has read a
// report that showed the tapped key: it has since finished its scan and
// drives every column again (a volume button: it has written at all since).
// The end of the scan, not the next column: a report the firmware sends
// unasked (the release itself) completes whichever poll is waiting, so a
// host's readings may trail its columns by one.
func (c *cm109) tapRead() {
	if c.relSeen != nil {
		d := drive(c)
		if c.tapVol != 0 || c.relScan && d == 0x0f {
			f := c.relSeen
			c.relSeen, c.relScan = nil, false
			f()
		} else if d != 0x0f && d != 0 {
			c.relScan = true
		}
	}
	if c.tapSeen != nil && c.tapShown && (c.tapVol != 0 || drive(c) == 0x0f) {
		f := c.tapSeen
		c.tapSeen, c.tapShown = nil, false
		f()
	}
}

func (c *cm109) lookup(name string) (cmKey, error) {
	n := strings.ToUpper(name)
	var all []string
	for _, k := range c.v.keys {
		if slices.Contains(k.names, n) {
			return k, nil
		}
		all = append(all, k.names[0])
	}
	return cmKey{}, fmt.Errorf("model %s has no key %s (its keys: %s PAGEUP PAGEDOWN)", c.v.model, n, strings.Join(all, " "))
}

// volumeBit is the button of a volume key name, or 0.
func volumeBit(name string) byte {
	switch strings.ToUpper(name) {
	case "PAGEUP", "VOL+":
		return cmVolUp
	case "PAGEDOWN", "VOL-":
		return cmVolDown
	}
	return 0
}

func (c *cm109) press(key string) error {
	if b := volumeBit(key); b != 0 {
		if c.volume&b != 0 {
			return fmt.Errorf("key %s is already pressed (release it first)", strings.ToUpper(key))
		}
		c.volume |= b
		c.report(0)
		return nil
	}
	k, err := c.lookup(key)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(c.held, func(h cmKey) bool { return h.row == k.row && h.col == k.col }) {
		return fmt.Errorf("key %s is already pressed (release it first)", k.names[0])
	}
	c.held = append(c.held, k)
	c.report(0)
	return nil
}

func (c *cm109) release(key string) error {
	if b := volumeBit(key); b != 0 {
		if c.volume&b == 0 {
			return fmt.Errorf("key %s is not pressed", strings.ToUpper(key))
		}
		c.volume &^= b
		c.report(0)
		return nil
	}
	k, err := c.lookup(key)
	if err != nil {
		return err
	}
	n := len(c.held)
	c.held = slices.DeleteFunc(c.held, func(h cmKey) bool { return h.row == k.row && h.col == k.col })
	if len(c.held) == n {
		return fmt.Errorf("key %s is not pressed", k.names[0])
	}
	c.report(0)
	return nil
}

func (c *cm109) hook(bool) error {
	return fmt.Errorf("the %s has no hook switch (tap YES to pick up and NO to hang up)", c.v.product)
}

// mute presses the record-mute button: one report carries the bit.
func (c *cm109) mute() error {
	c.report(cmRecordMute)
	c.report(0)
	return nil
}

// command implements commander: "speaker-mute" presses playback mute.
func (c *cm109) command(cmd string, args []string) (bool, error) {
	if cmd != "speaker-mute" {
		return false, nil
	}
	if len(args) != 0 {
		return true, fmt.Errorf("speaker-mute takes no argument")
	}
	c.report(cmPlayMute)
	c.report(0)
	return true, nil
}

func (c *cm109) output(report []byte) error {
	if len(report) == 0 || report[0] != 0 {
		return fmt.Errorf("output report with id %v: %w (the CM109 has no report ids: the first byte must be 0)", report[:min(1, len(report))], hid.ErrUnsupported)
	}
	if len(report) != cmReportLen {
		return fmt.Errorf("CM109 output report has %d bytes, want %d (id byte and 4 registers)", len(report), cmReportLen)
	}
	c.mode = report[1] >> 6
	c.buzzer = c.mode == 0 && report[1]&cmBuzzer != 0
	c.gpo, c.dir = report[2], report[3]
	c.started = true
	c.tapRead()
	c.report(0)
	return nil
}

func (c *cm109) getFeature(id byte) ([]byte, error) {
	return nil, fmt.Errorf("feature report %d: %w (the CM109 has no feature reports)", id, hid.ErrUnsupported)
}

func (c *cm109) setFeature([]byte) error {
	return fmt.Errorf("feature report: %w (the CM109 has no feature reports)", hid.ErrUnsupported)
}

func (c *cm109) state(s *State) {
	s.Hook = "on"
	s.Ringing = c.buzzer
	s.GPO = fmt.Sprintf("%02x", c.gpo)
	s.Keys = []string{}
	for _, k := range c.held {
		s.Keys = append(s.Keys, k.names[0])
	}
	if c.volume&cmVolUp != 0 {
		s.Keys = append(s.Keys, "PAGEUP")
	}
	if c.volume&cmVolDown != 0 {
		s.Keys = append(s.Keys, "PAGEDOWN")
	}
}
