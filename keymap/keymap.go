package keymap

import "fmt"

// EventKind says which control an Event comes from.
type EventKind int

const (
	// EventHook is the hook switch. Active means off-hook (handset lifted).
	EventHook EventKind = iota + 1
	// EventMute is the mute button or switch. Active means muted.
	EventMute
	// EventKey is a keypad or function key, named as the Phone API names it.
	EventKey
)

func (k EventKind) String() string {
	switch k {
	case EventHook:
		return "hook"
	case EventMute:
		return "mute"
	case EventKey:
		return "key"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is one change of a handset control, decoded from an input report.
//
// On/off controls come in three shapes (HUT 1.21 §3.4.1.2). A toggle switch
// or a pair of on/off buttons reports the new state: Toggle is false and
// Active carries it. A toggle button reports a request to flip whatever the
// current state is: Toggle is true and Active is meaningless. The driver owns
// the state, so it resolves a toggle.
type Event struct {
	Kind EventKind
	// Toggle: flip the current hook or mute state (toggle-button shape).
	Toggle bool
	// Active: hook off (lifted) or muted, for EventHook and EventMute when
	// Toggle is false.
	Active bool
	// Key is the Phone API key name for EventKey: "0"-"9", "*", "#", "A"-"Z",
	// "+", "UP", "DOWN", "YES", "NO", "SKYPE", "PAGEUP", "PAGEDOWN".
	Key string
	// Pressed is true for a key going down, false for it coming up.
	Pressed bool
}

func (e Event) String() string {
	switch e.Kind {
	case EventKey:
		if e.Pressed {
			return "key " + e.Key + " down"
		}
		return "key " + e.Key + " up"
	case EventHook, EventMute:
		if e.Toggle {
			return e.Kind.String() + " toggle"
		}
		return fmt.Sprintf("%s active=%v", e.Kind, e.Active)
	}
	return e.Kind.String()
}

// LEDs is the full desired state of a handset's indicators. A device without
// a given LED ignores its field.
type LEDs struct {
	OffHook    bool
	Ring       bool
	Mute       bool
	Hold       bool
	Microphone bool
}

// Output is everything the host side wants the handset to show. Profiles
// encode it whole: every output report carries the full desired state, so a
// lost or reordered report is corrected by the next one.
type Output struct {
	LEDs LEDs
	// Ringer sounds the device's ringer (a profile with a cadence turns it on
	// and off itself).
	Ringer bool
	// LCD is the text for a device with a display, lines separated by '\n'.
	LCD string
}

// Profile decodes and encodes the reports of one open handset. It is not
// shared between devices: Decode remembers the previous report to find
// edges. It is used by one goroutine at a time.
type Profile interface {
	// Name is the device name announced to the host with NAME.
	Name() string
	// InputReportSize is the largest input report, id byte included: the
	// buffer size for ReadInput.
	InputReportSize() int
	// Decode turns one input report (id byte first) into the Events it
	// carries, in order. A report that does not belong to the device's
	// controls yields no events; a malformed one yields an error and changes
	// nothing.
	Decode(report []byte) ([]Event, error)
	// Encode returns the output reports (id byte first) that put out on the
	// device in full.
	Encode(out Output) ([][]byte, error)
}

// Ringer is implemented by profiles that know whether their device can
// ring by itself. A device that cannot (a headset with no Ringer usage, a
// phone that rings through its speaker) is rung by the driver playing the
// ring on the handset's own sound device. A profile without the method is
// taken to ring by itself. The answer may change once the profile has
// talked to the device and knows its model; the driver asks again after
// every report.
//
// Ringer is one of the optional interfaces a Profile may implement (their
// list is in overrides.go); a profile wrapper must keep them.
type Ringer interface {
	HasRinger() bool
}
