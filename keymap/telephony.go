package keymap

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/handsetd/handsetd/hid"
)

// Usages of the HID Telephony page (0x0B) and LED page (0x08) that the
// generic profile understands, as page<<16 | id.
const (
	UsageHookSwitch hid.Usage = 0x000B_0020
	UsagePhoneMute  hid.Usage = 0x000B_002F
	UsageRinger     hid.Usage = 0x000B_009E
	UsageLEDMute    hid.Usage = 0x0008_0009
	UsageLEDOffHook hid.Usage = 0x0008_0017
	UsageLEDRing    hid.Usage = 0x0008_0018
	UsageLEDHold    hid.Usage = 0x0008_0020
	UsageLEDMic     hid.Usage = 0x0008_0021
)

// Errors of the generic profile. Compare with errors.Is.
var (
	// ErrUnsupportedDevice means no profile knows how to drive the device.
	ErrUnsupportedDevice = errors.New("not a supported handset")
	// ErrNoTelephonyControls means the report descriptor declares none of
	// the Telephony-page inputs the generic profile decodes.
	ErrNoTelephonyControls = errors.New("no HID Telephony input controls (Hook Switch 0x0B:0x20, Phone Mute 0x0B:0x2F or phone keys)")
	// ErrBadReport means an input report does not fit the descriptor.
	ErrBadReport = errors.New("malformed input report")
)

// TelephonyKeys returns the default keymap of the generic profile: which
// Telephony-page usage is which Phone API key. It returns a new map each
// time, so a caller may change it and pass it to NewTelephonyKeys.
func TelephonyKeys() map[hid.Usage]string {
	t := func(id uint16) hid.Usage { return hid.NewUsage(hid.PageTelephony, id) }
	keys := map[hid.Usage]string{
		t(0x21): "F",   // Flash
		t(0x24): "R",   // Redial
		t(0x26): "NO",  // Drop
		t(0x31): "YES", // Send
		t(0xBA): "*",   // Phone Key Star
		t(0xBB): "#",   // Phone Key Pound
	}
	for d := uint16(0); d <= 9; d++ { // Phone Key 0-9
		keys[t(0xB0+d)] = string(rune('0' + d))
	}
	for l := uint16(0); l < 4; l++ { // Phone Key A-D
		keys[t(0xBC+l)] = string(rune('A' + l))
	}
	return keys
}

// onOffShape is how a device reports an on/off control such as Hook Switch
// or Phone Mute (HUT 1.21 §3.4.1.2, On/Off Control):
//
//	flags of the Input item             shape          meaning of a value
//	Absolute (any preferred-state bit)  toggle switch  the level: 1 on, 0 off
//	Relative, Logical Minimum < 0       two buttons    +1 on, -1 off, 0 nothing
//	Relative, Preferred State           toggle button  each 0→1 flips the state
//	Relative, No Preferred, min >= 0    toggle button  (not in the HUT; a
//	                                                   relative 1 is a change)
//
// For a control listed in an array item, the value is 1 while the usage is
// selected by any slot and 0 otherwise; an array can only report a control
// while it is held, so such a control is a toggle button (rules.go, rule 3).
type onOffShape int

const (
	shapeToggleSwitch onOffShape = iota + 1
	shapeTwoButtons
	shapeToggleButton
)

func shapeOf(f *hid.Field) onOffShape {
	switch {
	case f.IsArray():
		// An array slot holds a control only while it is pressed (rule 3).
		return shapeToggleButton
	case !f.IsRelative():
		return shapeToggleSwitch
	case f.LogicalMin < 0:
		return shapeTwoButtons
	default:
		return shapeToggleButton
	}
}

// control is one decoded input: a value of a variable field, or a usage of
// an array field.
type control struct {
	field *hid.Field
	index int // value index (variable fields)
	need  int // report length, id byte included, that holds the control
	usage hid.Usage
	kind  EventKind
	key   string
	shape onOffShape
	// idle is rule 7's state for an array field it applies to, shared by
	// the field's controls; nil otherwise.
	idle *idleMinimum
}

// value is the control's current value in report, which has been checked
// to be long enough.
func (c *control) value(report []byte) (int32, error) {
	if !c.field.IsArray() {
		return c.field.Value(report, c.index)
	}
	minNone := c.idle != nil && c.idle.none
	for i := 0; i < c.field.Count; i++ {
		if u, ok := arrayUsage(c.field, report, i, minNone); ok && u == c.usage {
			return 1, nil
		}
	}
	return 0, nil
}

type inputReport struct {
	report   *hid.Report
	controls []control
	prev     []int32 // last values, starting from all released
}

type outputReport struct {
	report *hid.Report
	fields []*hid.Field
}

// Telephony is the generic profile for a handset that follows the HID
// Telephony usage page, built from its report descriptor alone.
type Telephony struct {
	name    string
	desc    *hid.Descriptor
	inputs  map[uint8]*inputReport
	outputs []outputReport
	ignored []Ignored
	// levels is the last level of each level-shaped control kind, shared by
	// every report that carries one (rule 6).
	levels map[EventKind]bool
	// down counts, per key name, the controls holding it down, so a key
	// that two reports (or two usages) carry is pressed once (rule 6).
	down map[string]int
}

var _ Profile = (*Telephony)(nil)

// DefaultName is announced for a device that does not name itself.
const DefaultName = "USB handset"

// NewTelephony builds the generic Telephony profile for a device with that
// report descriptor, using the default keymap. name is announced with NAME
// (DefaultName when empty). It fails with ErrNoTelephonyControls when the
// descriptor has no Hook Switch, Phone Mute or key it can decode.
func NewTelephony(name string, desc []byte) (*Telephony, error) {
	return NewTelephonyKeys(name, desc, TelephonyKeys())
}

// NewTelephonyKeys is NewTelephony with a keymap of the caller's: usages
// missing from keys are not decoded as keys.
func NewTelephonyKeys(name string, desc []byte, keys map[hid.Usage]string) (*Telephony, error) {
	d, err := hid.ParseDescriptor(desc)
	if err != nil {
		return nil, fmt.Errorf("keymap: telephony profile: %w", err)
	}
	if name == "" {
		name = DefaultName
	}
	inputs, outputs, ignored := build(d, keys)
	p := &Telephony{name: name, desc: d, inputs: inputs, outputs: outputs, ignored: ignored, levels: map[EventKind]bool{}, down: map[string]int{}}
	for _, in := range inputs {
		if len(in.controls) > 0 {
			return p, nil
		}
	}
	return nil, fmt.Errorf("keymap: telephony profile: the report descriptor has %w", ErrNoTelephonyControls)
}

// build finds the controls of every input report, the output reports that
// hold a LED or the ringer, and what it ignored, by the rules of rules.go.
func build(d *hid.Descriptor, keys map[hid.Usage]string) (map[uint8]*inputReport, []outputReport, []Ignored) {
	inputs := map[uint8]*inputReport{}
	var outputs []outputReport
	var ignored []Ignored
	ignore := func(f *hid.Field, u hid.Usage, why string) {
		ignored = append(ignored, Ignored{Kind: f.Kind, ReportID: f.ReportID, Usage: u, Why: why})
	}
	for _, r := range d.Reports {
		switch r.Kind {
		case hid.Input:
			in := &inputReport{report: r}
			for _, f := range r.Fields {
				if f.IsConstant() && !constIsData(f, keys) {
					if len(f.Usages) > 0 && hasTelephonyControl(f, keys) {
						ignore(f, f.Usages[0], "Constant, and outside a Telephony application collection")
					}
					continue
				}
				cs := controlsOf(f, keys)
				in.controls = append(in.controls, cs...)
				seen := map[hid.Usage]bool{}
				for _, c := range cs {
					seen[c.usage] = true
				}
				for _, u := range f.Usages {
					if !seen[u] && u != 0 && !(f.IsArray() && u.ID() == 0) {
						seen[u] = true
						ignore(f, u, ignoreReason(u))
					}
				}
			}
			in.prev = make([]int32, len(in.controls))
			inputs[r.ID] = in
		case hid.Output:
			var fs []*hid.Field
			for _, f := range r.Fields {
				if f.IsConstant() {
					continue
				}
				if drivesAny(f) {
					fs = append(fs, f)
				}
				for _, u := range f.Usages {
					if _, ok := drives(u, Output{}); !ok && u != 0 {
						ignore(f, u, "an output the driver has no state for")
					}
				}
			}
			if len(fs) > 0 {
				outputs = append(outputs, outputReport{report: r, fields: fs})
			}
		}
	}
	return inputs, outputs, ignored
}

func hasTelephonyControl(f *hid.Field, keys map[hid.Usage]string) bool {
	for _, u := range f.Usages {
		if isTelephonyControl(u, keys) {
			return true
		}
	}
	return false
}

func controlsOf(f *hid.Field, keys map[hid.Usage]string) []control {
	var cs []control
	add := func(i int, u hid.Usage) {
		c := control{field: f, index: i, usage: u}
		if f.IsArray() {
			c.need = 1 + (f.BitOffset+f.Count*f.BitSize+7)/8
		} else {
			c.need = 1 + (f.BitOffset+(i+1)*f.BitSize+7)/8
		}
		switch u {
		case UsageHookSwitch:
			c.kind, c.shape = EventHook, shapeOf(f)
		case UsagePhoneMute:
			c.kind, c.shape = EventMute, shapeOf(f)
		default:
			if u.Page() != hid.PageTelephony {
				return
			}
			k, ok := keys[u]
			if !ok {
				return
			}
			c.kind, c.key = EventKey, k
		}
		cs = append(cs, c)
	}
	if f.IsArray() {
		if f.BitSize > 32 {
			return nil
		}
		seen := map[hid.Usage]bool{}
		for _, u := range f.Usages {
			if !seen[u] {
				seen[u] = true
				add(0, u)
			}
		}
		if learnsIdle(f, keys) { // rule 7
			m := &idleMinimum{}
			for i := range cs {
				cs[i].idle = m
			}
		}
		return cs
	}
	if f.BitSize > 32 {
		return nil
	}
	for i := 0; i < f.Count && i < len(f.Usages); i++ {
		add(i, f.Usages[i])
	}
	return cs
}

// Name implements Profile.
func (p *Telephony) Name() string { return p.name }

// InputReportSize implements Profile.
func (p *Telephony) InputReportSize() int { return p.desc.MaxLen(hid.Input) }

// Descriptor returns the parsed report descriptor the profile was built
// from.
func (p *Telephony) Descriptor() *hid.Descriptor { return p.desc }

// Decode implements Profile. Edges are found against the previous report of
// the same id; before the first report every control counts as released
// and off. Key releases of a report come before its other events. The first
// report that carries a keypad array without a value for none decides what
// its Logical Minimum means (rules.go, rule 7).
func (p *Telephony) Decode(report []byte) ([]Event, error) {
	if len(report) == 0 {
		return nil, fmt.Errorf("keymap: decode: %w: empty report", ErrBadReport)
	}
	in, ok := p.inputs[report[0]]
	if !ok {
		return nil, fmt.Errorf("keymap: decode: %w: report id %d is not an input report of this device", ErrBadReport, report[0])
	}
	cur := make([]int32, len(in.controls))
	for i := range in.controls {
		if len(report) < in.controls[i].need { // a short report (rule 5)
			cur[i] = in.prev[i]
			continue
		}
		if m := in.controls[i].idle; m != nil && !m.decided { // rule 7
			if err := m.learn(in.controls[i].field, report); err != nil {
				return nil, fmt.Errorf("keymap: decode: %w: %w", ErrBadReport, err)
			}
		}
		v, err := in.controls[i].value(report)
		if err != nil {
			return nil, fmt.Errorf("keymap: decode: %w: %w", ErrBadReport, err)
		}
		cur[i] = v
	}
	var evs []Event
	for i, c := range in.controls { // releases first
		if c.kind == EventKey && in.prev[i] != 0 && cur[i] == 0 {
			if p.down[c.key]--; p.down[c.key] == 0 {
				delete(p.down, c.key)
				evs = append(evs, Event{Kind: EventKey, Key: c.key, Pressed: false})
			}
		}
	}
	for i, c := range in.controls {
		old, now := in.prev[i], cur[i]
		if old == now {
			continue
		}
		switch {
		case c.kind == EventKey:
			if old == 0 {
				if p.down[c.key]++; p.down[c.key] == 1 {
					evs = append(evs, Event{Kind: EventKey, Key: c.key, Pressed: true})
				}
			}
		case c.shape == shapeToggleSwitch:
			if on := now != 0; (old != 0) != on && p.levels[c.kind] != on { // rule 6
				p.levels[c.kind] = on
				evs = append(evs, Event{Kind: c.kind, Active: on})
			}
		case c.shape == shapeTwoButtons:
			if now > 0 {
				p.levels[c.kind] = true
				evs = append(evs, Event{Kind: c.kind, Active: true})
			} else if now < 0 {
				p.levels[c.kind] = false
				evs = append(evs, Event{Kind: c.kind, Active: false})
			}
		case c.shape == shapeToggleButton:
			if old == 0 {
				evs = append(evs, Event{Kind: c.kind, Toggle: true})
			}
		}
	}
	in.prev = cur
	return evs, nil
}

// drives returns the desired state of an output usage, and whether the
// profile drives that usage at all.
func drives(u hid.Usage, out Output) (on, ok bool) {
	switch u {
	case UsageLEDMute:
		return out.LEDs.Mute, true
	case UsageLEDOffHook:
		return out.LEDs.OffHook, true
	case UsageLEDRing:
		return out.LEDs.Ring, true
	case UsageLEDHold:
		return out.LEDs.Hold, true
	case UsageLEDMic:
		return out.LEDs.Microphone, true
	case UsageRinger:
		return out.Ringer, true
	}
	return false, false
}

func drivesAny(f *hid.Field) bool {
	for _, u := range f.Usages {
		if _, ok := drives(u, Output{}); ok {
			return true
		}
	}
	return false
}

// clampTo returns want if the field can hold it, else the nearest bound.
func clampTo(f *hid.Field, want int32) int32 {
	lo, hi := f.LogicalMin, f.LogicalMax
	if hi < lo {
		return want
	}
	return max(lo, min(hi, want))
}

// Encode implements Profile: one report for every output report that
// carries an LED or the ringer the profile drives, in descriptor order,
// each holding the full desired state; values it does not drive stay 0.
// The LCD text is ignored: the Telephony page has no display.
func (p *Telephony) Encode(out Output) ([][]byte, error) {
	var reports [][]byte
	for _, o := range p.outputs {
		buf := make([]byte, o.report.Len())
		buf[0] = o.report.ID
		for _, f := range o.fields {
			if err := encodeField(f, buf, out); err != nil {
				return nil, fmt.Errorf("keymap: encode %s report %d: %w", f.Kind, f.ReportID, err)
			}
		}
		reports = append(reports, buf)
	}
	return reports, nil
}

func encodeField(f *hid.Field, buf []byte, out Output) error {
	if f.BitSize > 32 {
		return nil
	}
	if !f.IsArray() {
		for i := 0; i < f.Count && i < len(f.Usages); i++ {
			on, ok := drives(f.Usages[i], out)
			if !ok {
				continue
			}
			v := clampTo(f, 0)
			if on {
				v = clampTo(f, 1)
			}
			if err := setValue(f, buf, i, v); err != nil {
				return err
			}
		}
		return nil
	}
	// An array lists the indexes of the usages that are on, one per slot.
	slot := 0
	for idx, u := range f.Usages {
		if on, _ := drives(u, out); !on || slot >= f.Count {
			continue
		}
		if err := setValue(f, buf, slot, f.LogicalMin+int32(idx)); err != nil {
			return err
		}
		slot++
	}
	return nil
}

// setValue stores v, leaving the field 0 when a self-contradictory
// descriptor declares logical values its bits cannot hold.
func setValue(f *hid.Field, buf []byte, i int, v int32) error {
	err := f.SetValue(buf, i, v)
	if errors.Is(err, hid.ErrValueRange) {
		return nil
	}
	return err
}

// String describes the profile's controls, for logs and debugging.
func (p *Telephony) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "telephony profile %q:", p.name)
	for _, r := range p.desc.Reports {
		if in, ok := p.inputs[r.ID]; ok && r.Kind == hid.Input {
			for _, c := range in.controls {
				fmt.Fprintf(&b, " in%d:%v", r.ID, c.usage)
			}
		}
	}
	for _, o := range p.outputs {
		fmt.Fprintf(&b, " out%d", o.report.ID)
	}
	return b.String()
}

// HasRinger reports whether the device declares a Telephony Ringer output,
// so it can ring by itself. A headset without one rings only if the driver
// plays the ring on its speaker.
func (p *Telephony) HasRinger() bool {
	for _, o := range p.outputs {
		for _, f := range o.fields {
			if slices.Contains(f.Usages, UsageRinger) {
				return true
			}
		}
	}
	return false
}
