package hid

import "fmt"

// Usage names what a control means: a usage page (its vocabulary, such as
// Telephony or LEDs) in the high 16 bits and a usage id within that page in
// the low 16 bits. This is the same layout as a 4-byte "extended" Usage item
// in a report descriptor, so an extended usage is stored unchanged.
type Usage uint32

// Usage pages handsetd cares about (HID Usage Tables).
const (
	PageGenericDesktop uint16 = 0x01
	PageKeyboard       uint16 = 0x07
	PageLED            uint16 = 0x08
	PageButton         uint16 = 0x09
	PageTelephony      uint16 = 0x0B
	PageConsumer       uint16 = 0x0C
)

// NewUsage combines a usage page and a usage id.
func NewUsage(page, id uint16) Usage { return Usage(uint32(page)<<16 | uint32(id)) }

// Page returns the usage page.
func (u Usage) Page() uint16 { return uint16(u >> 16) }

// ID returns the usage id within its page.
func (u Usage) ID() uint16 { return uint16(u) }

// String prints the usage as page:id in hex, prefixed by the page's name when
// it is one of the pages above, for example "Telephony(000b):0020".
func (u Usage) String() string {
	name := ""
	switch u.Page() {
	case PageGenericDesktop:
		name = "GenericDesktop"
	case PageKeyboard:
		name = "Keyboard"
	case PageLED:
		name = "LED"
	case PageButton:
		name = "Button"
	case PageTelephony:
		name = "Telephony"
	case PageConsumer:
		name = "Consumer"
	}
	if name == "" {
		return fmt.Sprintf("%04x:%04x", u.Page(), u.ID())
	}
	return fmt.Sprintf("%s(%04x):%04x", name, u.Page(), u.ID())
}

// ReportKind is the direction of a report: Input (device to host), Output
// (host to device) or Feature (either way, on request).
type ReportKind uint8

// Report kinds. A report id names a report only within its kind: input
// report 1 and output report 1 are unrelated.
const (
	Input ReportKind = iota + 1
	Output
	Feature
)

func (k ReportKind) String() string {
	switch k {
	case Input:
		return "input"
	case Output:
		return "output"
	case Feature:
		return "feature"
	}
	return fmt.Sprintf("ReportKind(%d)", uint8(k))
}

// MainFlags are the data bits of an Input, Output or Feature item. Each bit
// set selects the second alternative of the pair named in HID 1.11 §6.2.2.5;
// a zero bit is the first (Data, Array, Absolute, No Wrap, Linear, Preferred
// State, No Null Position, Non Volatile, Bit Field).
type MainFlags uint32

// Main item flag bits.
const (
	FlagConstant      MainFlags = 1 << 0 // Constant (padding or fixed) instead of Data
	FlagVariable      MainFlags = 1 << 1 // one value per usage, instead of an array of indexes
	FlagRelative      MainFlags = 1 << 2 // change since the last report, instead of absolute
	FlagWrap          MainFlags = 1 << 3
	FlagNonLinear     MainFlags = 1 << 4
	FlagNoPreferred   MainFlags = 1 << 5 // no preferred state: the control does not spring back
	FlagNullState     MainFlags = 1 << 6 // an out-of-range value means "no value"
	FlagVolatile      MainFlags = 1 << 7 // Output and Feature only
	FlagBufferedBytes MainFlags = 1 << 8
)

// CollectionType is the data of a Collection item.
type CollectionType uint8

// Collection types of HID 1.11 §6.2.2.6; 0x80-0xFF are vendor-defined.
const (
	CollectionPhysical      CollectionType = 0x00
	CollectionApplication   CollectionType = 0x01
	CollectionLogical       CollectionType = 0x02
	CollectionReport        CollectionType = 0x03
	CollectionNamedArray    CollectionType = 0x04
	CollectionUsageSwitch   CollectionType = 0x05
	CollectionUsageModifier CollectionType = 0x06
)

func (t CollectionType) String() string {
	switch t {
	case CollectionPhysical:
		return "physical"
	case CollectionApplication:
		return "application"
	case CollectionLogical:
		return "logical"
	case CollectionReport:
		return "report"
	case CollectionNamedArray:
		return "named array"
	case CollectionUsageSwitch:
		return "usage switch"
	case CollectionUsageModifier:
		return "usage modifier"
	}
	if t >= 0x80 {
		return fmt.Sprintf("vendor(%#02x)", uint8(t))
	}
	return fmt.Sprintf("reserved(%#02x)", uint8(t))
}
