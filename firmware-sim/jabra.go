package firmwaresim

import (
	"fmt"
	"strings"
	"time"

	"github.com/handsetd/handsetd/hid"
)

// jabraDescriptor is the report descriptor of the Jabra Link 380c USB-C
// receiver (0B0E:24C9), byte for byte as Chromium's WebHID tests publish it
// (chromium/chromium services/device/public/cpp/test/
// test_report_descriptors.cc, TestReportDescriptors::JabraLink380c(), commit
// 098756533733ea50b2dcb1c40d9a9e18d49febbe; the same bytes are in
// keymap/testdata/descriptors/jabra-link-380c.hid). Jabra's headset
// template, which other vendors copy:
//
//	Telephony Headset, report 2, input (3 bytes with the id):
//	  byte 1: bit0 Hook Switch, bit1 0x97, bit2 0x2a (Input Const,Var,Abs,NoPref)
//	          bit3 Phone Mute, bit4 Flash, bit5 Redial, bit6 Speed Dial (Input Const,Var,Rel)
//	          bit7 keypad bit 0
//	  byte 2: bits0-2 keypad bits 1-3 (4-bit array, Logical 0..12, Phone Key 0..Pound, Null State:
//	          the device sends 0 for none, so index i is Phone Key i-1), bit3 Button 7, bits 4-7 padding
//	report 2, output: byte 1 LED Off-Hook, 0x1e, Mute, Ring, Hold, Microphone, 0x2a, Ringer; byte 2 padding
//	Vendor 0xFF00, report 5: 62 bytes in and out
//	Vendor, report 4: the same layout on page 0xFF30 (input: hook 0x20, 0xfffb, 0x97, 0x2a; mute 0x2f,
//	  flash 0x21, redial 0x24, 0xfffd, 0x50; keypad 0xb0..0xbb; 0xfffc), LEDs on page 0xFF40, feature 4
//	Consumer, report 1: volume, mute 0xe2, play and track keys
func jabraDescriptor() []byte {
	return []byte{
		0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01, 0x85, 0x02, 0x05, 0x0b, 0x15, 0x00, 0x25, 0x01, 0x09, 0x20,
		0x09, 0x97, 0x09, 0x2a, 0x75, 0x01, 0x95, 0x03, 0x81, 0x23, 0x09, 0x2f, 0x09, 0x21, 0x09, 0x24,
		0x09, 0x50, 0x75, 0x01, 0x95, 0x04, 0x81, 0x07, 0x09, 0x06, 0xa1, 0x02, 0x19, 0xb0, 0x29, 0xbb,
		0x15, 0x00, 0x25, 0x0c, 0x75, 0x04, 0x95, 0x01, 0x81, 0x40, 0xc0, 0x09, 0x07, 0x15, 0x00, 0x25,
		0x01, 0x05, 0x09, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02, 0x75, 0x01, 0x95, 0x04, 0x81, 0x01, 0x05,
		0x08, 0x15, 0x00, 0x25, 0x01, 0x09, 0x17, 0x09, 0x1e, 0x09, 0x09, 0x09, 0x18, 0x09, 0x20, 0x09,
		0x21, 0x09, 0x2a, 0x75, 0x01, 0x95, 0x07, 0x91, 0x22, 0x05, 0x0b, 0x15, 0x00, 0x25, 0x01, 0x09,
		0x9e, 0x75, 0x01, 0x95, 0x01, 0x91, 0x22, 0x75, 0x01, 0x95, 0x08, 0x91, 0x01, 0xc0, 0x06, 0x00,
		0xff, 0x09, 0x01, 0xa1, 0x01, 0x85, 0x05, 0x09, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08,
		0x95, 0x3e, 0x92, 0x02, 0x01, 0x09, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x3e,
		0x82, 0x02, 0x01, 0x85, 0x04, 0x06, 0x30, 0xff, 0x15, 0x00, 0x25, 0x01, 0x09, 0x20, 0x0a, 0xfb,
		0xff, 0x09, 0x97, 0x09, 0x2a, 0x75, 0x01, 0x95, 0x04, 0x81, 0x23, 0x09, 0x2f, 0x09, 0x21, 0x09,
		0x24, 0x0a, 0xfd, 0xff, 0x09, 0x50, 0x75, 0x01, 0x95, 0x05, 0x81, 0x07, 0x09, 0x06, 0xa1, 0x02,
		0x19, 0xb0, 0x29, 0xbb, 0x15, 0x00, 0x25, 0x0c, 0x75, 0x04, 0x95, 0x01, 0x81, 0x40, 0xc0, 0x0a,
		0xfc, 0xff, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01, 0x81, 0x23, 0x75, 0x01, 0x95, 0x02,
		0x81, 0x01, 0x06, 0x40, 0xff, 0x15, 0x00, 0x25, 0x01, 0x09, 0x17, 0x0a, 0xfb, 0xff, 0x09, 0x09,
		0x09, 0x18, 0x09, 0x20, 0x09, 0x21, 0x09, 0x2a, 0x75, 0x01, 0x95, 0x07, 0x91, 0x22, 0x06, 0x30,
		0xff, 0x15, 0x00, 0x25, 0x01, 0x09, 0x9e, 0x75, 0x01, 0x95, 0x01, 0x91, 0x22, 0x75, 0x01, 0x95,
		0x08, 0x91, 0x01, 0x0a, 0xff, 0xff, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01, 0xb1, 0x22,
		0x75, 0x01, 0x95, 0x07, 0xb1, 0x01, 0xc0, 0x05, 0x0c, 0x09, 0x01, 0xa1, 0x01, 0x85, 0x01, 0x05,
		0x0c, 0x15, 0x00, 0x25, 0x01, 0x09, 0xea, 0x09, 0xe9, 0x09, 0xe2, 0x09, 0xcd, 0x09, 0xb7, 0x09,
		0xb5, 0x09, 0xb6, 0x09, 0xb3, 0x09, 0xb4, 0x75, 0x01, 0x95, 0x09, 0x81, 0x02, 0x75, 0x01, 0x95,
		0x07, 0x81, 0x01, 0xc0,
	}
}

// Report ids and bits of the Jabra-style headset.
const (
	jabraConsumerID  = 0x01
	jabraTelephonyID = 0x02
	jabraVendorID    = 0x04
	jabraVendorBufID = 0x05

	// report 2, byte 1
	jabraHook   = 1 << 0
	jabraMute   = 1 << 3
	jabraFlash  = 1 << 4
	jabraRedial = 1 << 5
	// report 4, byte 1
	jabraVendorHook   = 1 << 0
	jabraVendorMute   = 1 << 4
	jabraVendorFlash  = 1 << 5
	jabraVendorRedial = 1 << 6
	// output report 2, byte 1
	jabraLEDOffHook = 1 << 0
	jabraLEDMute    = 1 << 2
	jabraLEDRing    = 1 << 3
	jabraLEDHold    = 1 << 4
	jabraLEDMic     = 1 << 5
	jabraRinger     = 1 << 7
)

// JabraResend is how long the Jabra-style headset waits for the host to set
// LED Off-Hook after a hook change before it sends its hook report again: a
// Jabra Engage 50 repeats its hook report about 2 s later (WICG/webhid#61).
// After a second JabraResend unanswered it gives up and takes the host's
// Off-Hook LED for its hook state, reporting that.
const JabraResend = 2 * time.Second

// jabra is the firmware of a headset built on Jabra's template.
//
// The headset holds the call's hook state and takes the host's word for it:
//
//	        user lifts or hangs up: report the hook, arm JabraResend
//	idle ───────────────────────────────────────────────────► pending
//	 ▲  ◄── host sets LED Off-Hook = hook: acknowledged ─────────┘ │
//	 │                                                              │ JabraResend: report the hook again
//	 │                                                              ▼
//	 └───── JabraResend again: follow the host's Off-Hook LED ── resent
//
// Outside pending, the hook follows the Off-Hook LED: the host clearing it
// while off hook puts the headset on hook, and the headset reports hook 0
// (the echo that ended calls put on hold, gonicus/gonnect PR #52); setting
// it while on hook opens the line and reports hook 1. Mute is a button
// (Phone Mute, Const Relative: 1 then 0 per press); the headset shows muted
// when the host lights LED Mute. The keypad sends one key at a time, 0 for
// none. Every telephony report is also sent on the vendor page 0xFF30
// (report 4) with the same usage numbers, as headsets that report a change
// in two report ids do (WICG/webhid#61): a host must act on it once.
type jabra struct {
	env env

	offHook bool
	pending bool
	resent  bool
	stop    func()
	leds    LEDState
	ringer  bool
	flash   bool
	redial  bool
	keypad  byte // 1..12 (Phone Key 0..9, *, #), 0 = none
	feature byte // feature report 4's one bit
}

func newJabra(e env) *jabra {
	j := &jabra{env: e}
	j.powerOn()
	return j
}

func (j *jabra) identity() identity {
	return identity{
		// pid.codes' test PIDs, as the other simulated HID models: the
		// descriptor is the Jabra's, the ids are not claimed.
		vendor:       0x1209,
		product:      0x0003,
		version:      0x0100,
		manufacturer: "handsetd simulator",
		productName:  "Jabra-style USB Headset",
	}
}

func (j *jabra) descriptor() []byte { return jabraDescriptor() }

func (j *jabra) powerOn() {
	if j.stop != nil {
		j.stop()
	}
	*j = jabra{env: j.env}
}

// jabraKeys maps the Phone API key names to the keypad's indices.
func jabraKeys() map[string]byte {
	keys := map[string]byte{}
	for i, k := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"} {
		keys[k] = byte(i + 1)
	}
	return keys
}

// send emits the telephony report and its vendor-page copy, with extra
// (momentary) mute.
func (j *jabra) send(mute bool) {
	b1, v1 := byte(0), byte(0)
	if j.offHook {
		b1 |= jabraHook
		v1 |= jabraVendorHook
	}
	if mute {
		b1 |= jabraMute
		v1 |= jabraVendorMute
	}
	if j.flash {
		b1 |= jabraFlash
		v1 |= jabraVendorFlash
	}
	if j.redial {
		b1 |= jabraRedial
		v1 |= jabraVendorRedial
	}
	b1 |= (j.keypad & 1) << 7
	j.env.emit([]byte{jabraTelephonyID, b1, j.keypad >> 1})
	// report 4: bit 8 Speed Dial, bits 9-12 the keypad
	j.env.emit([]byte{jabraVendorID, v1, j.keypad << 1})
}

func (j *jabra) hook(off bool) error {
	if j.offHook == off {
		return nil
	}
	j.offHook = off
	j.send(false)
	j.arm()
	return nil
}

// arm waits for the host's acknowledgement of the hook.
func (j *jabra) arm() {
	if j.stop != nil {
		j.stop()
	}
	j.pending, j.resent = true, false
	j.stop = j.env.after(JabraResend, j.unanswered)
}

// unanswered runs when the host did not acknowledge the hook in time.
func (j *jabra) unanswered() {
	if !j.resent {
		j.resent = true
		j.send(false)
		j.stop = j.env.after(JabraResend, j.unanswered)
		return
	}
	j.pending, j.resent, j.stop = false, false, nil
	if j.offHook != j.leds.OffHook {
		j.offHook = j.leds.OffHook
		j.send(false)
	}
}

func (j *jabra) mute() error {
	j.send(true)
	j.send(false)
	return nil
}

func (j *jabra) lookup(key string) (kind string, index byte, err error) {
	k := strings.ToUpper(key)
	switch k {
	case "F", "FLASH":
		return "F", 0, nil
	case "R", "REDIAL":
		return "R", 0, nil
	}
	if i, ok := jabraKeys()[k]; ok {
		return k, i, nil
	}
	return "", 0, fmt.Errorf("model jabra-headset has no key %s", k)
}

func (j *jabra) press(key string) error {
	k, i, err := j.lookup(key)
	if err != nil {
		return err
	}
	switch {
	case k == "F" && j.flash, k == "R" && j.redial, i != 0 && j.keypad == i:
		return fmt.Errorf("key %s is already pressed (release it first)", k)
	case i != 0 && j.keypad != 0:
		return fmt.Errorf("the keypad reports one key at a time (release the other first)")
	}
	switch k {
	case "F":
		j.flash = true
	case "R":
		j.redial = true
	default:
		j.keypad = i
	}
	j.send(false)
	return nil
}

func (j *jabra) release(key string) error {
	k, i, err := j.lookup(key)
	if err != nil {
		return err
	}
	switch {
	case k == "F" && j.flash:
		j.flash = false
	case k == "R" && j.redial:
		j.redial = false
	case i != 0 && j.keypad == i:
		j.keypad = 0
	default:
		return fmt.Errorf("key %s is not pressed", k)
	}
	j.send(false)
	return nil
}

func (j *jabra) output(report []byte) error {
	if len(report) == 0 {
		return fmt.Errorf("empty output report: %w", hid.ErrUnsupported)
	}
	switch report[0] {
	case jabraTelephonyID:
	case jabraVendorID, jabraVendorBufID:
		return nil // the vendor LEDs and buffer drive nothing in this model
	default:
		return fmt.Errorf("output report id %d: %w (this model's output reports are ids 2, 4 and 5)", report[0], hid.ErrUnsupported)
	}
	if len(report) != 3 {
		return fmt.Errorf("output report 2 has %d bytes, want 3 (id byte included)", len(report))
	}
	b := report[1]
	j.leds = LEDState{
		OffHook:    b&jabraLEDOffHook != 0,
		Mute:       b&jabraLEDMute != 0,
		Ring:       b&jabraLEDRing != 0,
		Hold:       b&jabraLEDHold != 0,
		Microphone: b&jabraLEDMic != 0,
	}
	j.ringer = b&jabraRinger != 0
	switch {
	case j.pending && j.leds.OffHook == j.offHook:
		j.pending, j.resent = false, false
		j.stop()
		j.stop = nil
	case !j.pending && j.leds.OffHook != j.offHook:
		// The host holds the hook: the headset follows, and says so.
		j.offHook = j.leds.OffHook
		j.send(false)
	}
	return nil
}

func (j *jabra) getFeature(id byte) ([]byte, error) {
	if id != jabraVendorID {
		return nil, fmt.Errorf("feature report id %d: %w (this model's feature report is id %d)", id, hid.ErrUnsupported, jabraVendorID)
	}
	return []byte{jabraVendorID, j.feature}, nil
}

func (j *jabra) setFeature(report []byte) error {
	if len(report) != 2 || report[0] != jabraVendorID {
		return fmt.Errorf("feature report % x: %w (this model's feature report is id %d, 2 bytes)", report, hid.ErrUnsupported, jabraVendorID)
	}
	j.feature = report[1] & 1
	return nil
}

func (j *jabra) state(s *State) {
	s.Hook = "on"
	if j.offHook {
		s.Hook = "off"
	}
	s.LEDs = j.leds
	s.Ringing = j.ringer
	s.Muted = j.leds.Mute
	s.HookPending = j.pending
	s.Keys = []string{}
	if j.flash {
		s.Keys = append(s.Keys, "F")
	}
	if j.redial {
		s.Keys = append(s.Keys, "R")
	}
	if j.keypad != 0 {
		s.Keys = append(s.Keys, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"}[j.keypad-1])
	}
}

// inputReport answers GET_REPORT(Input) with the controls held now.
func (j *jabra) inputReport(id byte) ([]byte, error) {
	switch id {
	case jabraTelephonyID:
		b1 := (j.keypad & 1) << 7
		if j.offHook {
			b1 |= jabraHook
		}
		return []byte{jabraTelephonyID, b1, j.keypad >> 1}, nil
	case jabraConsumerID:
		return []byte{jabraConsumerID, 0, 0}, nil
	}
	return nil, fmt.Errorf("input report id %d: %w (this model answers for reports 1 and 2)", id, hid.ErrUnsupported)
}
