package keymap

import (
	"fmt"
	"strings"

	"github.com/handsetd/handsetd/hid"
)

// The rules by which the generic Telephony profile reads the descriptors of
// shipping devices rather than the idealised ones of the HID Usage Tables.
// Each is named in doc.go with the device that needs it; the corpus under
// testdata/descriptors holds those devices' descriptors.
//
//  1. Const data. A field flagged Constant is padding unless it carries a
//     known Telephony usage (Hook Switch, Phone Mute or a key of the keymap)
//     and sits inside a Telephony application collection: then it is data.
//     Jabra's headset template and Google's Floss HFP device declare their
//     hook and mute that way and send live values in them (Chrome WebHID and
//     libhidtelephony read them); padding has no usage. (constIsData)
//  2. Zero means none. An array with the Null State flag whose Logical
//     Minimum is 0 and whose range has exactly one value more than it lists
//     usages uses 0 for "no key": the usages belong to 1..max. The Jabra
//     keypad (Logical 0..12, Phone Key 0..Pound) idles at 0; read strictly
//     that is Phone Key 0, pressed for ever. (zeroIsNone)
//  3. Hook and mute shapes. Absolute is a level whatever its Preferred State
//     bit (every published hook is held at 1 while off-hook); Relative with
//     Logical Minimum < 0 is a pair of buttons; other Relative fields and any
//     on/off control listed in an array are toggle buttons: one toggle per
//     0-to-1 edge, so a press sent as 1 then 0 is one change. (shapeOf)
//  4. Look-alikes act on nothing. Only usages of the Telephony page count:
//     vendor pages reusing the numbers (0xFF30, 0xFFA0, Teams 0xFF99),
//     Consumer Mute (0x0C:0xE2) and Button usages in a Telephony collection
//     are listed as ignored. A descriptor with nothing else is refused.
//  5. Short reports decode with what they carry: a control whose bits lie
//     past the end of the report keeps its last value.
//  6. Duplicates are not a second change: a level (hook, mute) reported again
//     at the same value, in the same report or in another report id, gives no
//     event.
//  7. An idle minimum is none. An array that declares no value for "no
//     key" (no Null State, and every value of its Logical range selects a
//     usage) and whose Logical Minimum selects a key of the keymap must idle
//     on a key value or outside its range. Jabra's EVOLVE LINK MS and the
//     Yealink WH66, which copies Jabra's template, declare the keypad as
//     Logical 0..11 from Phone Key 0 without Null State, and the template
//     idles at 0: read strictly, the first report presses Phone Key 0 and
//     never releases it. So the first report that carries such a field
//     decides: if every slot holds the Logical Minimum, the minimum means no
//     key for that field from then on; otherwise (a device that idles
//     outside the range, like one declaring 1..13) the minimum stays its key,
//     so key 0 is readable where it is real. Only the minimum is learned:
//     the first report comes on a user's first action, not at plug-in, and a
//     key held in it on a device that idles outside the range is then a
//     normal press rather than a key lost for the session. On a device that
//     idles at the minimum the key the minimum names cannot be pressed.
//     (idleMinimum)
//
// The descriptor parser (package hid) adds one more: a Usage Page item that
// follows the usages it applies to re-pages them, as Linux and Windows do.

// constIsData reports whether a Constant field is data by rule 1.
func constIsData(f *hid.Field, keys map[hid.Usage]string) bool {
	if !inTelephonyApplication(f) {
		return false
	}
	for _, u := range f.Usages {
		if isTelephonyControl(u, keys) {
			return true
		}
	}
	return false
}

func inTelephonyApplication(f *hid.Field) bool {
	app := f.Collection.Application()
	return app != nil && app.Usage.Page() == hid.PageTelephony
}

func isTelephonyControl(u hid.Usage, keys map[hid.Usage]string) bool {
	if u.Page() != hid.PageTelephony {
		return false
	}
	if u == UsageHookSwitch || u == UsagePhoneMute {
		return true
	}
	_, ok := keys[u]
	return ok
}

// zeroIsNone reports whether an array field uses 0 for "none" by rule 2.
func zeroIsNone(f *hid.Field) bool {
	return f.IsArray() && f.HasNullState() && f.LogicalMin == 0 &&
		int64(f.LogicalMax)-int64(f.LogicalMin) == int64(len(f.Usages))
}

// idleMinimum is what rule 7 learned of one array field, shared by the
// controls of that field in one profile.
type idleMinimum struct {
	decided bool // the first report that carries the field has been read
	none    bool // it held the Logical Minimum in every slot: that is none
}

// learnsIdle reports whether rule 7 applies to an array field: it has no
// Null State, every value of its Logical range selects a usage, and the
// Logical Minimum selects a key of keys.
func learnsIdle(f *hid.Field, keys map[hid.Usage]string) bool {
	if !f.IsArray() || f.HasNullState() || len(f.Usages) == 0 ||
		int64(f.LogicalMax)-int64(f.LogicalMin) >= int64(len(f.Usages)) {
		return false
	}
	u := f.Usages[0]
	if u.Page() != hid.PageTelephony {
		return false
	}
	_, ok := keys[u]
	return ok
}

// learn decides rule 7 for its field from the first report that carries it.
func (m *idleMinimum) learn(f *hid.Field, report []byte) error {
	none := true
	for i := 0; i < f.Count; i++ {
		v, err := f.Value(report, i)
		if err != nil {
			return err
		}
		if v != f.LogicalMin {
			none = false
		}
	}
	m.decided, m.none = true, none
	return nil
}

// arrayUsage is the usage slot i of an array field selects in report, with
// rules 2 and 7 applied (minNone: rule 7 found the minimum to be none);
// false for none.
func arrayUsage(f *hid.Field, report []byte, i int, minNone bool) (hid.Usage, bool) {
	if !zeroIsNone(f) {
		if minNone {
			if v, err := f.Value(report, i); err != nil || v == f.LogicalMin {
				return 0, false
			}
		}
		return f.UsageAt(report, i)
	}
	v, err := f.Value(report, i)
	if err != nil || v <= 0 || int(v) > len(f.Usages) {
		return 0, false
	}
	return f.Usages[v-1], true
}

// Ignored is a part of the descriptor the profile does not act on, and why.
type Ignored struct {
	Kind     hid.ReportKind
	ReportID uint8
	// Usage is the field's usage, 0 for a field without one.
	Usage hid.Usage
	Why   string
}

func (ig Ignored) String() string {
	u := "no usage"
	if ig.Usage != 0 {
		u = ig.Usage.String()
	}
	return fmt.Sprintf("%s report %d %s: %s", ig.Kind, ig.ReportID, u, ig.Why)
}

// ignoreReason says why a usage of a data field is not a control of the
// profile.
func ignoreReason(u hid.Usage) string {
	switch {
	case u.Page() == hid.PageTelephony:
		return "a Telephony usage the profile has no Phone API meaning for"
	case u == hid.NewUsage(0x0C, 0xE2):
		return "Consumer Mute (0x0C:0xE2) mutes the speaker for the desktop, not the call: look-alike"
	case u.Page() >= 0xFF00:
		return fmt.Sprintf("vendor page %#04x: its usage numbers are not Telephony usages, even where they match: look-alike", u.Page())
	case u.Page() == 0x09:
		return "a Button usage: it has no Phone API meaning"
	}
	return "not on the Telephony page"
}

// Description returns what the profile found in the descriptor, one line
// each: the controls of every input report with their shape, the LEDs and
// ringer it drives, and what it ignored and why. It is what a user whose
// headset does nothing attaches to a bug report.
func (p *Telephony) Description() string {
	return describe(p.desc, p.inputs, p.outputs, p.ignored)
}

func describe(d *hid.Descriptor, inputs map[uint8]*inputReport, outputs []outputReport, ignored []Ignored) string {
	var b strings.Builder
	fmt.Fprintf(&b, "report ids: %v\n", d.UsesReportIDs)
	for _, r := range d.Reports {
		if r.Kind != hid.Input {
			continue
		}
		in := inputs[r.ID]
		if in == nil {
			continue
		}
		for _, c := range in.controls {
			fmt.Fprintf(&b, "input %d: %s\n", r.ID, c.describe())
		}
	}
	for _, o := range outputs {
		for _, f := range o.fields {
			for _, u := range f.Usages {
				if _, ok := drives(u, Output{}); ok {
					fmt.Fprintf(&b, "output %d: %s (%s)\n", o.report.ID, outputName(u), u)
				}
			}
		}
	}
	for _, ig := range ignored {
		fmt.Fprintf(&b, "ignored: %s\n", ig)
	}
	return b.String()
}

func outputName(u hid.Usage) string {
	switch u {
	case UsageLEDMute:
		return "LED Mute"
	case UsageLEDOffHook:
		return "LED Off-Hook"
	case UsageLEDRing:
		return "LED Ring"
	case UsageLEDHold:
		return "LED Hold"
	case UsageLEDMic:
		return "LED Microphone"
	case UsageRinger:
		return "Ringer"
	}
	return u.String()
}

func (c *control) describe() string {
	var what string
	switch c.kind {
	case EventHook:
		what = "Hook Switch, " + c.shape.String()
	case EventMute:
		what = "Phone Mute, " + c.shape.String()
	default:
		what = "key " + c.key
	}
	f := c.field
	var notes []string
	if f.IsArray() {
		notes = append(notes, fmt.Sprintf("array of %d, logical %d..%d", f.Count, f.LogicalMin, f.LogicalMax))
		if zeroIsNone(f) {
			notes = append(notes, "0 is none")
		}
		if m := c.idle; m != nil {
			switch {
			case !m.decided:
				notes = append(notes, fmt.Sprintf("no value for none: %d is none if the first report holds it", f.LogicalMin))
			case m.none:
				notes = append(notes, fmt.Sprintf("%d is none: the first report held it", f.LogicalMin))
			default:
				notes = append(notes, fmt.Sprintf("%d is a key: the first report did not hold it", f.LogicalMin))
			}
		}
	} else {
		notes = append(notes, fmt.Sprintf("bit %d", f.BitOffset+c.index*f.BitSize))
	}
	if f.IsConstant() {
		notes = append(notes, "Constant but a Telephony control: data")
	}
	return fmt.Sprintf("%s (%s; %s)", what, c.usage, strings.Join(notes, ", "))
}

func (s onOffShape) String() string {
	switch s {
	case shapeToggleSwitch:
		return "level"
	case shapeTwoButtons:
		return "on/off buttons"
	case shapeToggleButton:
		return "toggle button"
	}
	return "?"
}

// DescribeTelephony is Description for a descriptor that may not give a
// profile at all: for one without Telephony controls it says what was
// ignored, and err wraps ErrNoTelephonyControls.
func DescribeTelephony(desc []byte) (string, error) {
	p, err := NewTelephony("", desc)
	if err == nil {
		return p.Description(), nil
	}
	d, perr := hid.ParseDescriptor(desc)
	if perr != nil {
		return "", err
	}
	inputs, outputs, ignored := build(d, TelephonyKeys())
	return describe(d, inputs, outputs, ignored), err
}
