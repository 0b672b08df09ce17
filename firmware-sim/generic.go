package firmwaresim

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/handsetd/handsetd/hid"
)

// Report ids of the generic-telephony model.
const (
	genericInputID   = 0x01
	genericOutputID  = 0x02
	genericFeatureID = 0x03
)

// genericDescriptor is the generic-telephony handset's report descriptor.
//
// Input report 1 (4 bytes with its id):
//
//	byte 1: bit0 Hook Switch (toggle), bit1 Phone Mute (toggle), bit2 Flash,
//	        bit3 Redial, bit4 Drop, bit5 Send, bits 6-7 padding
//	byte 2, 3: keypad array, 1..16 = Phone Key 0..9, Star, Pound, A..D, 0 = none
//
// Output report 2 (2 bytes): bit0 Mute LED, bit1 Off-Hook LED, bit2 Ring LED,
// bit3 Hold LED, bit4 Microphone LED, bit5 Ringer, bits 6-7 padding.
//
// Feature report 3 (2 bytes): ringer volume 0..10.
func genericDescriptor() []byte { return genericDescriptorRinger(true) }

// genericDescriptorRinger is the generic descriptor; without a ringer, the
// Ringer bit of output report 2 is padding, as on headsets that can only
// ring through their speaker (the ringerless-headset model).
func genericDescriptorRinger(ringer bool) []byte {
	ringerItem := []byte{0x91, 0x02} // Output (Data,Var,Abs)
	if !ringer {
		ringerItem = []byte{0x91, 0x03} // Output (Const,Var,Abs): padding
	}
	d := []byte{
		0x05, 0x0B, // Usage Page (Telephony Devices)
		0x09, 0x01, // Usage (Phone)
		0xA1, 0x01, // Collection (Application)

		0x85, genericInputID, //   Report ID (1)
		0x15, 0x00, //   Logical Minimum (0)
		0x25, 0x01, //   Logical Maximum (1)
		0x75, 0x01, //   Report Size (1)
		0x95, 0x02, //   Report Count (2)
		0x09, 0x20, //   Usage (Hook Switch)
		0x09, 0x2F, //   Usage (Phone Mute)
		0x81, 0x06, //   Input (Data,Var,Rel): toggle buttons, preferred state bit clear
		0x95, 0x04, //   Report Count (4)
		0x09, 0x21, //   Usage (Flash)
		0x09, 0x24, //   Usage (Redial)
		0x09, 0x26, //   Usage (Drop)
		0x09, 0x31, //   Usage (Send)
		0x81, 0x02, //   Input (Data,Var,Abs): momentary buttons
		0x95, 0x02, //   Report Count (2)
		0x81, 0x03, //   Input (Const,Var,Abs): padding to the byte
		0x19, 0xB0, //   Usage Minimum (Phone Key 0)
		0x29, 0xBF, //   Usage Maximum (Phone Key D)
		0x15, 0x01, //   Logical Minimum (1): 0 is out of range, meaning no key
		0x25, 0x10, //   Logical Maximum (16)
		0x75, 0x08, //   Report Size (8)
		0x95, 0x02, //   Report Count (2): two keys at once
		0x81, 0x00, //   Input (Data,Array,Abs)

		0x85, genericOutputID, //   Report ID (2)
		0x05, 0x08, //   Usage Page (LEDs)
		0x15, 0x00, //   Logical Minimum (0)
		0x25, 0x01, //   Logical Maximum (1)
		0x75, 0x01, //   Report Size (1)
		0x95, 0x05, //   Report Count (5)
		0x09, 0x09, //   Usage (Mute)
		0x09, 0x17, //   Usage (Off-Hook)
		0x09, 0x18, //   Usage (Ring)
		0x09, 0x20, //   Usage (Hold)
		0x09, 0x21, //   Usage (Microphone)
		0x91, 0x02, //   Output (Data,Var,Abs)
		0x05, 0x0B, //   Usage Page (Telephony Devices)
		0x95, 0x01, //   Report Count (1)
		0x09, 0x9E, //   Usage (Ringer)
		0xFF, 0xFF, //   (the Ringer's Output item, patched below)
		0x95, 0x02, //   Report Count (2)
		0x91, 0x03, //   Output (Const,Var,Abs): padding

		0x85, genericFeatureID, //   Report ID (3)
		0x05, 0x0C, //   Usage Page (Consumer)
		0x09, 0xE0, //   Usage (Volume): the ringer volume
		0x15, 0x00, //   Logical Minimum (0)
		0x25, 0x0A, //   Logical Maximum (10)
		0x75, 0x08, //   Report Size (8)
		0x95, 0x01, //   Report Count (1)
		0xB1, 0x02, //   Feature (Data,Var,Abs)

		0xC0, // End Collection
	}
	for i := 0; i+1 < len(d); i++ {
		if d[i] == 0xFF && d[i+1] == 0xFF {
			copy(d[i:], ringerItem)
			break
		}
	}
	return d
}

// Bits of input report byte 1.
const (
	inHook   = 1 << 0
	inMute   = 1 << 1
	inFlash  = 1 << 2
	inRedial = 1 << 3
	inDrop   = 1 << 4
	inSend   = 1 << 5
)

// Bits of output report byte 1.
const (
	outMuteLED = 1 << 0
	outHookLED = 1 << 1
	outRingLED = 1 << 2
	outHoldLED = 1 << 3
	outMicLED  = 1 << 4
	outRinger  = 1 << 5
)

const (
	genericKeySlots      = 2
	genericMaxVolume     = 10
	genericDefaultVolume = 5
)

// genericKey is where a Phone API key lives in the input report: a bit of
// byte 1, or an index in the keypad array.
type genericKey struct {
	bit   byte // one of inFlash…inSend, or 0
	index byte // 1..16 for the keypad array, or 0
}

// genericKeys maps the Phone API key names (and the aliases the control
// language accepts) to their controls.
func genericKeys() map[string]genericKey {
	keys := map[string]genericKey{
		"YES": {bit: inSend}, "SEND": {bit: inSend},
		"NO": {bit: inDrop}, "DROP": {bit: inDrop},
		"F": {bit: inFlash}, "FLASH": {bit: inFlash},
		"R": {bit: inRedial}, "REDIAL": {bit: inRedial},
	}
	for i, k := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D"} {
		keys[k] = genericKey{index: byte(i + 1)}
	}
	return keys
}

// genericKeyName is the canonical (Phone API) name of a control.
func genericKeyName(k genericKey) string {
	switch k.bit {
	case inSend:
		return "YES"
	case inDrop:
		return "NO"
	case inFlash:
		return "F"
	case inRedial:
		return "R"
	}
	return []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D"}[k.index-1]
}

// generic is the firmware of a generic HID-telephony handset.
//
// The hook latch works as on real toggle-button headsets:
//
//	        user lifts: hook=off, press+release Hook Switch, wait for ack
//	idle ───────────────────────────────────────────────────────────► pending
//	 ▲  ◄─── timeout: hook follows the host's Off-Hook LED (so: back on) ─┘ │
//	 │                                                                       │
//	 └──── host writes Off-Hook LED = hook: acknowledged, back to idle ◄─────┘
//
// Outside of pending, the hook follows every Off-Hook LED the host writes.
// While pending, an output report whose Off-Hook LED disagrees is taken as
// written before the host saw the press, and does not move the hook. The
// same holds for hanging up. Mute has no latch of its own: the device shows
// muted exactly when the host lights the Mute LED.
type generic struct {
	env     env
	timeout time.Duration
	keys    map[string]genericKey
	variant genericVariant

	offHook     bool
	pending     bool   // a hook change awaits the host's acknowledgement
	stopPending func() // cancels the revert timer
	leds        LEDState
	ringer      bool
	buttons     byte   // inFlash…inSend bits held down
	keypad      []byte // keypad indices held down, in press order
	volume      byte
}

// genericVariant tells the models built on the generic firmware apart.
type genericVariant struct {
	model   string
	product uint16
	name    string
	// ringer: the device has a Telephony Ringer; without one it ignores the
	// ringer bit and rings only if the host plays a ring on its speaker.
	ringer bool
}

func genericTelephony() genericVariant {
	return genericVariant{model: "generic-telephony", product: 0x0001, name: "Generic USB Telephony Handset", ringer: true}
}

func genericHeadset() genericVariant {
	return genericVariant{model: "ringerless-headset", product: 0x0002, name: "Generic USB Telephony Headset", ringer: false}
}

func newGeneric(e env, opts Options) *generic { return newGenericVariant(e, opts, genericTelephony()) }

func newGenericVariant(e env, opts Options, v genericVariant) *generic {
	g := &generic{env: e, timeout: opts.HookTimeout, keys: genericKeys(), variant: v}
	g.powerOn()
	return g
}

func (g *generic) identity() identity {
	return identity{
		// 1209 is pid.codes; its PIDs 0001-0010 are reserved for testing, so
		// the simulator never claims a real product's id.
		vendor:       0x1209,
		product:      g.variant.product,
		version:      0x0100,
		manufacturer: "handsetd simulator",
		productName:  g.variant.name,
	}
}

func (g *generic) descriptor() []byte { return genericDescriptorRinger(g.variant.ringer) }

func (g *generic) powerOn() {
	if g.stopPending != nil {
		g.stopPending()
	}
	*g = generic{env: g.env, timeout: g.timeout, keys: g.keys, variant: g.variant, volume: genericDefaultVolume}
}

// report builds input report 1 with the held controls plus extra bits.
func (g *generic) report(extra byte) []byte {
	r := make([]byte, 2+genericKeySlots)
	r[0] = genericInputID
	r[1] = g.buttons | extra
	copy(r[2:], g.keypad)
	return r
}

// toggle sends a toggle button's press and release.
func (g *generic) toggle(bit byte) {
	g.env.emit(g.report(bit))
	g.env.emit(g.report(0))
}

func (g *generic) hook(off bool) error {
	if g.offHook == off {
		return nil
	}
	g.offHook = off
	g.toggle(inHook)
	if g.stopPending != nil {
		g.stopPending()
	}
	g.pending = true
	g.stopPending = g.env.after(g.timeout, func() {
		// Not acknowledged: the phone goes back to what the host shows.
		g.pending = false
		g.stopPending = nil
		g.offHook = g.leds.OffHook
	})
	return nil
}

func (g *generic) mute() error {
	g.toggle(inMute)
	return nil
}

func (g *generic) lookup(key string) (genericKey, error) {
	k, ok := g.keys[strings.ToUpper(key)]
	if !ok {
		return genericKey{}, fmt.Errorf("model %s has no key %s", g.variant.model, strings.ToUpper(key))
	}
	return k, nil
}

func (g *generic) held(k genericKey) bool {
	if k.bit != 0 {
		return g.buttons&k.bit != 0
	}
	return slices.Contains(g.keypad, k.index)
}

func (g *generic) press(key string) error {
	k, err := g.lookup(key)
	if err != nil {
		return err
	}
	if g.held(k) {
		return fmt.Errorf("key %s is already pressed (release it first)", genericKeyName(k))
	}
	if k.bit != 0 {
		g.buttons |= k.bit
	} else {
		if len(g.keypad) == genericKeySlots {
			return fmt.Errorf("the keypad reports at most %d keys at once (release one first)", genericKeySlots)
		}
		g.keypad = append(g.keypad, k.index)
	}
	g.env.emit(g.report(0))
	return nil
}

func (g *generic) release(key string) error {
	k, err := g.lookup(key)
	if err != nil {
		return err
	}
	if !g.held(k) {
		return fmt.Errorf("key %s is not pressed", genericKeyName(k))
	}
	if k.bit != 0 {
		g.buttons &^= k.bit
	} else {
		g.keypad = slices.DeleteFunc(g.keypad, func(i byte) bool { return i == k.index })
	}
	g.env.emit(g.report(0))
	return nil
}

func (g *generic) output(report []byte) error {
	if len(report) == 0 || report[0] != genericOutputID {
		id := -1
		if len(report) > 0 {
			id = int(report[0])
		}
		return fmt.Errorf("output report id %d: %w (this model's output report is id %d)", id, hid.ErrUnsupported, genericOutputID)
	}
	if len(report) != 2 {
		return fmt.Errorf("output report %d has %d bytes, want 2 (id byte included)", genericOutputID, len(report))
	}
	b := report[1] // padding bits are ignored, as devices do
	g.leds = LEDState{
		Mute:       b&outMuteLED != 0,
		OffHook:    b&outHookLED != 0,
		Ring:       b&outRingLED != 0,
		Hold:       b&outHoldLED != 0,
		Microphone: b&outMicLED != 0,
	}
	g.ringer = g.variant.ringer && b&outRinger != 0
	switch {
	case g.pending && g.leds.OffHook == g.offHook:
		g.pending = false
		g.stopPending()
		g.stopPending = nil
	case !g.pending:
		g.offHook = g.leds.OffHook
	}
	return nil
}

func (g *generic) getFeature(id byte) ([]byte, error) {
	if id != genericFeatureID {
		return nil, fmt.Errorf("feature report id %d: %w (this model's feature report is id %d)", id, hid.ErrUnsupported, genericFeatureID)
	}
	return []byte{genericFeatureID, g.volume}, nil
}

func (g *generic) setFeature(report []byte) error {
	if len(report) == 0 || report[0] != genericFeatureID {
		id := -1
		if len(report) > 0 {
			id = int(report[0])
		}
		return fmt.Errorf("feature report id %d: %w (this model's feature report is id %d)", id, hid.ErrUnsupported, genericFeatureID)
	}
	if len(report) != 2 {
		return fmt.Errorf("feature report %d has %d bytes, want 2 (id byte included)", genericFeatureID, len(report))
	}
	if report[1] > genericMaxVolume {
		return fmt.Errorf("ringer volume %d out of range 0..%d", report[1], genericMaxVolume)
	}
	g.volume = report[1]
	return nil
}

func (g *generic) state(s *State) {
	s.Hook = "on"
	if g.offHook {
		s.Hook = "off"
	}
	s.LEDs = g.leds
	s.Ringing = g.ringer
	s.Muted = g.leds.Mute
	s.HookPending = g.pending
	s.RingerVolume = int(g.volume)
	s.Keys = []string{}
	for _, bit := range []byte{inFlash, inRedial, inDrop, inSend} {
		if g.buttons&bit != 0 {
			s.Keys = append(s.Keys, genericKeyName(genericKey{bit: bit}))
		}
	}
	for _, i := range g.keypad {
		s.Keys = append(s.Keys, genericKeyName(genericKey{index: i}))
	}
}

// usb is the generic handset on the bus: one HID interface with an
// interrupt IN endpoint for report 1 and an interrupt OUT endpoint for
// report 2 (4 and 2 bytes with their ids).
func (g *generic) usb() USBDevice {
	id := g.identity()
	return USBDevice{
		VendorID: id.vendor, ProductID: id.product, BCDDevice: id.version,
		Manufacturer: id.manufacturer, Product: id.productName, MaxPowerMA: 100,
		Interfaces: []USBInterface{{
			Number: 0, Class: USBClassHID,
			Endpoints: []USBEndpoint{
				{Address: 0x81, Attributes: usbTransferInterrupt, MaxPacketSize: 8, Interval: 10},
				{Address: 0x02, Attributes: usbTransferInterrupt, MaxPacketSize: 8, Interval: 10},
			},
		}},
		HIDInterface: 0,
	}
}

// inputReport answers GET_REPORT(Input) with the controls held now.
func (g *generic) inputReport(id byte) ([]byte, error) {
	if id != genericInputID {
		return nil, fmt.Errorf("input report id %d: %w (this model's input report is id %d)", id, hid.ErrUnsupported, genericInputID)
	}
	return g.report(0), nil
}
