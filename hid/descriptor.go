package hid

import (
	"errors"
	"fmt"
)

// ErrBadDescriptor is wrapped by every error of ParseDescriptor.
var ErrBadDescriptor = errors.New("hid: malformed report descriptor")

// DescriptorError says where and why a report descriptor is malformed.
type DescriptorError struct {
	// Offset is the byte offset of the offending item's prefix.
	Offset int
	// Msg says what is wrong.
	Msg string
}

func (e *DescriptorError) Error() string {
	return fmt.Sprintf("hid: malformed report descriptor at byte %d: %s (the device cannot be driven from it; report the descriptor's hex dump)", e.Offset, e.Msg)
}

// Unwrap makes errors.Is(err, ErrBadDescriptor) true.
func (e *DescriptorError) Unwrap() error { return ErrBadDescriptor }

// Limits that keep a hostile or corrupt descriptor from exhausting memory.
// They are far above anything a real handset declares.
const (
	// MaxDescriptorLen is the largest descriptor accepted (the Linux limit).
	MaxDescriptorLen = 4096
	// MaxReportBytes is the largest report, without its id byte.
	MaxReportBytes = 4096
	// maxReportSize is the largest Report Size in bits.
	maxReportSize = 256
	maxPushDepth  = 32
	maxNesting    = 32
	// maxUsages bounds the usages kept by one main item and by the whole
	// descriptor (usage ranges expand).
	maxItemUsages  = 0x10000
	maxTotalUsages = 1 << 18
)

// Descriptor is a parsed report descriptor.
type Descriptor struct {
	// Collections are the top-level collections, in order.
	Collections []*Collection
	// Reports are every report the device declares, in order of first
	// appearance. A report is identified by its kind and id together.
	Reports []*Report
	// UsesReportIDs is true when the descriptor declares report ids. Then
	// every report has a non-zero id; otherwise every report has id 0. In
	// both cases reports travel with a leading id byte (hidraw convention).
	UsesReportIDs bool
}

// Report returns the report of that kind and id, or nil.
func (d *Descriptor) Report(kind ReportKind, id uint8) *Report {
	for _, r := range d.Reports {
		if r.Kind == kind && r.ID == id {
			return r
		}
	}
	return nil
}

// MaxLen returns the length of the longest report of that kind, id byte
// included, or 0 when there is none: a buffer size for reading reports.
func (d *Descriptor) MaxLen(kind ReportKind) int {
	n := 0
	for _, r := range d.Reports {
		if r.Kind == kind && r.Len() > n {
			n = r.Len()
		}
	}
	return n
}

// Fields returns every field of that kind, in descriptor order.
func (d *Descriptor) Fields(kind ReportKind) []*Field {
	var fs []*Field
	for _, r := range d.Reports {
		if r.Kind == kind {
			fs = append(fs, r.Fields...)
		}
	}
	return fs
}

// Report is one report: a kind, an id and its fields laid out in bits.
type Report struct {
	Kind ReportKind
	ID   uint8
	// Bits is the length of the report's data, id byte excluded.
	Bits   int
	Fields []*Field
}

// Len is the report's length in bytes, including the leading id byte that
// every report carries (0 for a device without report ids).
func (r *Report) Len() int { return 1 + (r.Bits+7)/8 }

// Collection groups fields under a usage, such as the Telephony "Phone"
// application collection. Collections nest.
type Collection struct {
	Type CollectionType
	// Usage is the collection's usage, 0 when it has none.
	Usage    Usage
	Parent   *Collection
	Children []*Collection
	// Fields are the fields declared directly inside this collection.
	Fields []*Field
}

// Application returns the nearest enclosing application collection (c
// itself if it is one), or nil.
func (c *Collection) Application() *Collection {
	for ; c != nil; c = c.Parent {
		if c.Type == CollectionApplication {
			return c
		}
	}
	return nil
}

// globalState is the Global item state, saved and restored by Push and Pop.
type globalState struct {
	usagePage    uint16
	logicalMin   int32
	logicalMaxB  rawItem // resolved against logicalMin at main item time
	physicalMin  int32
	physicalMaxB rawItem
	physSet      bool
	unitExponent int32
	unit         uint32
	reportSize   uint32
	reportID     uint8
	reportCount  uint32
}

// rawItem keeps an item's data undecoded, because whether Logical Maximum
// is signed depends on a Logical Minimum that may come later.
type rawItem struct {
	data []byte
}

func (r rawItem) unsigned() uint32 { return udata(r.data) }
func (r rawItem) signed() int32    { return sdata(r.data) }

// localUsage is a Usage item with the page it was declared under. An
// extended 4-byte usage carries its own page; a short one takes the Usage
// Page in force when it is declared, and a Usage Page item that follows it
// before the main item may re-page it (see resolvedUsages).
type localUsage struct {
	value    uint32
	extended bool
	page     uint16
}

func (l localUsage) resolve() Usage {
	if l.extended {
		return Usage(l.value)
	}
	return NewUsage(l.page, uint16(l.value))
}

type localState struct {
	usages   []localUsage
	min, max *localUsage
	minOff   int
	// delimiter handling: inside an open set only the first usage (or
	// range) is kept, since the rest are aliases for the same control.
	inDelim    bool
	delimTaken bool
	delimStart int // len(usages) when the set opened
}

type parser struct {
	d        *Descriptor
	g        globalState
	stack    []globalState
	l        localState
	open     []*Collection
	reports  map[uint16]*Report
	total    int // usages kept so far
	sawMain  bool
	seenNoID bool // a data main item was declared before any Report ID
	off      int
}

func (p *parser) errf(format string, args ...any) error {
	return &DescriptorError{Offset: p.off, Msg: fmt.Sprintf(format, args...)}
}

func udata(b []byte) uint32 {
	var v uint32
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint32(b[i])
	}
	return v
}

func sdata(b []byte) int32 {
	v := udata(b)
	switch len(b) {
	case 1:
		return int32(int8(v))
	case 2:
		return int32(int16(v))
	}
	return int32(v)
}

// ParseDescriptor parses a HID 1.11 report descriptor.
//
// It returns an error wrapping ErrBadDescriptor (a *DescriptorError, with
// the byte offset) for anything malformed, and never panics. Long items are
// skipped; Designator and String items are parsed and dropped; of a set of
// usages inside a Delimiter pair only the first is kept.
func ParseDescriptor(b []byte) (*Descriptor, error) {
	if len(b) == 0 {
		return nil, &DescriptorError{Msg: "empty descriptor"}
	}
	if len(b) > MaxDescriptorLen {
		return nil, &DescriptorError{Msg: fmt.Sprintf("descriptor is %d bytes, more than the %d allowed", len(b), MaxDescriptorLen)}
	}
	p := &parser{d: &Descriptor{}, reports: map[uint16]*Report{}}
	for i := 0; i < len(b); {
		p.off = i
		prefix := b[i]
		if prefix == 0xFE { // long item: size, tag, data
			if i+3 > len(b) {
				return nil, p.errf("truncated long item header")
			}
			n := int(b[i+1])
			if i+3+n > len(b) {
				return nil, p.errf("long item of %d data bytes runs past the end", n)
			}
			i += 3 + n
			continue
		}
		size := int(prefix & 3)
		if size == 3 {
			size = 4
		}
		if i+1+size > len(b) {
			return nil, p.errf("truncated item %#02x: needs %d data bytes, %d left", prefix, size, len(b)-i-1)
		}
		data := b[i+1 : i+1+size]
		i += 1 + size
		typ := (prefix >> 2) & 3
		tag := prefix >> 4
		var err error
		switch typ {
		case 0:
			err = p.main(tag, data)
		case 1:
			err = p.global(tag, data)
		case 2:
			err = p.local(tag, data)
		default:
			err = p.errf("reserved item type 3 (prefix %#02x)", prefix)
		}
		if err != nil {
			return nil, err
		}
	}
	p.off = len(b)
	if len(p.open) > 0 {
		return nil, p.errf("%d collection(s) not closed by End Collection", len(p.open))
	}
	if p.l.inDelim {
		return nil, p.errf("Delimiter set opened but not closed")
	}
	return p.d, nil
}

func (p *parser) global(tag uint8, data []byte) error {
	g := &p.g
	switch tag {
	case 0x0: // Usage Page
		v := udata(data)
		if v > 0xFFFF {
			return p.errf("Usage Page %#x does not fit in 16 bits", v)
		}
		g.usagePage = uint16(v)
	case 0x1:
		g.logicalMin = sdata(data)
	case 0x2:
		g.logicalMaxB = rawItem{data}
	case 0x3:
		g.physicalMin = sdata(data)
		g.physSet = true
	case 0x4:
		g.physicalMaxB = rawItem{data}
		g.physSet = true
	case 0x5: // Unit Exponent: a 4-bit signed nibble, tolerating a full signed value
		v := udata(data)
		if v&^0xF == 0 {
			g.unitExponent = int32(v<<28) >> 28
		} else {
			g.unitExponent = sdata(data)
		}
	case 0x6:
		g.unit = udata(data)
	case 0x7:
		v := udata(data)
		if v > maxReportSize {
			return p.errf("Report Size %d bits exceeds the %d-bit limit", v, maxReportSize)
		}
		g.reportSize = v
	case 0x8:
		v := udata(data)
		if v == 0 {
			return p.errf("Report ID 0 is reserved")
		}
		if v > 0xFF {
			return p.errf("Report ID %d does not fit in one byte", v)
		}
		if p.seenNoID {
			return p.errf("Report ID declared after reports without one: once ids are used every report needs one")
		}
		g.reportID = uint8(v)
		p.d.UsesReportIDs = true
	case 0x9:
		v := udata(data)
		if uint64(v) > MaxReportBytes*8 {
			return p.errf("Report Count %d exceeds the limit of %d", v, MaxReportBytes*8)
		}
		g.reportCount = v
	case 0xA: // Push
		if len(p.stack) >= maxPushDepth {
			return p.errf("Push nested deeper than %d", maxPushDepth)
		}
		p.stack = append(p.stack, p.g)
	case 0xB: // Pop
		if len(p.stack) == 0 {
			return p.errf("Pop without Push")
		}
		p.g = p.stack[len(p.stack)-1]
		p.stack = p.stack[:len(p.stack)-1]
	default:
		return p.errf("reserved global item tag %#x", tag)
	}
	return nil
}

func (p *parser) local(tag uint8, data []byte) error {
	l := &p.l
	lu := localUsage{value: udata(data), extended: len(data) == 4, page: p.g.usagePage}
	switch tag {
	case 0x0: // Usage
		if l.inDelim && l.delimTaken {
			return nil
		}
		if p.total++; p.total > maxTotalUsages {
			return p.errf("descriptor declares more than %d usages", maxTotalUsages)
		}
		l.usages = append(l.usages, lu)
		l.delimTaken = l.inDelim
	case 0x1: // Usage Minimum
		if l.inDelim && l.delimTaken {
			return nil
		}
		if l.min != nil {
			return p.errf("Usage Minimum repeated before its Usage Maximum")
		}
		l.min = &lu
		l.minOff = p.off
	case 0x2: // Usage Maximum
		if l.inDelim && l.delimTaken {
			return nil
		}
		if l.min == nil {
			return p.errf("Usage Maximum without a Usage Minimum before it")
		}
		l.max = &lu
		if err := p.addRange(); err != nil {
			return err
		}
		l.delimTaken = l.inDelim
	case 0x3, 0x4, 0x5, 0x7, 0x8, 0x9: // designator and string items: not used
	case 0xA: // Delimiter
		switch udata(data) {
		case 1:
			if l.inDelim {
				return p.errf("Delimiter sets cannot nest")
			}
			l.inDelim, l.delimTaken = true, false
		case 0:
			if !l.inDelim {
				return p.errf("Delimiter close without open")
			}
			l.inDelim = false
		default:
			return p.errf("Delimiter data %d is neither 0 (close) nor 1 (open)", udata(data))
		}
	default:
		return p.errf("reserved local item tag %#x", tag)
	}
	return nil
}

// addRange expands a Usage Minimum/Maximum pair into the usage list. The
// page of a non-extended range is applied at the main item, like a Usage.
func (p *parser) addRange() error {
	l := &p.l
	lo, hi := *l.min, *l.max
	l.min, l.max = nil, nil
	if lo.extended != hi.extended || (lo.extended && lo.value>>16 != hi.value>>16) {
		if lo.extended && hi.extended {
			return p.errf("Usage Minimum and Maximum on different pages (%#x, %#x)", lo.value, hi.value)
		}
		// one extended, one not: the short one takes the other's page
		if lo.extended {
			hi = localUsage{value: lo.value&0xFFFF0000 | hi.value&0xFFFF, extended: true}
		} else {
			lo = localUsage{value: hi.value&0xFFFF0000 | lo.value&0xFFFF, extended: true}
		}
	}
	if !lo.extended && (lo.value > 0xFFFF || hi.value > 0xFFFF) {
		return p.errf("Usage Minimum/Maximum larger than 16 bits without a page")
	}
	if lo.value > hi.value {
		return p.errf("Usage Minimum %#x is greater than Usage Maximum %#x", lo.value, hi.value)
	}
	n := int(hi.value-lo.value) + 1
	if len(l.usages)+n > maxItemUsages || p.total+n > maxTotalUsages {
		return p.errf("usage range %#x-%#x is too large", lo.value, hi.value)
	}
	p.total += n
	for v := lo.value; ; v++ {
		l.usages = append(l.usages, localUsage{value: v, extended: lo.extended, page: p.g.usagePage})
		if v == hi.value {
			break
		}
	}
	return nil
}

// resolvedUsages combines the local usages with their pages, the way Linux
// (hid-core, hid_concatenate_last_usage_page) and Windows do: a Usage Page
// item between the usages and the main item re-pages the usages declared
// before it, walking back from the last one and stopping at the first that
// already has that page. So "09 07 … 05 09 81 02" is Button 7, while
// "05 0B 09 20 … 05 07 09 2A 81 00" keeps Hook Switch on the Telephony page
// and makes only 0x2A a Keyboard usage.
func (p *parser) resolvedUsages() []Usage {
	if len(p.l.usages) == 0 {
		return nil
	}
	page := p.g.usagePage
	for i := len(p.l.usages) - 1; i >= 0; i-- {
		lu := &p.l.usages[i]
		if lu.extended {
			continue
		}
		if lu.page == page {
			break
		}
		lu.page = page
	}
	us := make([]Usage, len(p.l.usages))
	for i, lu := range p.l.usages {
		us[i] = lu.resolve()
	}
	return us
}

func (p *parser) main(tag uint8, data []byte) error {
	if p.l.inDelim {
		return p.errf("main item inside an open Delimiter set")
	}
	if p.l.min != nil {
		p.off = p.l.minOff
		return p.errf("Usage Minimum without a Usage Maximum")
	}
	var err error
	switch tag {
	case 0x8:
		err = p.field(Input, data)
	case 0x9:
		err = p.field(Output, data)
	case 0xB:
		err = p.field(Feature, data)
	case 0xA: // Collection
		if len(p.open) >= maxNesting {
			return p.errf("collections nested deeper than %d", maxNesting)
		}
		c := &Collection{Type: CollectionType(udata(data))}
		if us := p.resolvedUsages(); len(us) > 0 {
			c.Usage = us[0]
		}
		if n := len(p.open); n > 0 {
			c.Parent = p.open[n-1]
			c.Parent.Children = append(c.Parent.Children, c)
		} else {
			p.d.Collections = append(p.d.Collections, c)
		}
		p.open = append(p.open, c)
	case 0xC: // End Collection
		if len(p.open) == 0 {
			return p.errf("End Collection without a Collection")
		}
		p.open = p.open[:len(p.open)-1]
	default:
		err = p.errf("reserved main item tag %#x", tag)
	}
	p.l = localState{}
	return err
}

func (p *parser) field(kind ReportKind, data []byte) error {
	g := &p.g
	flags := MainFlags(udata(data))
	if g.reportCount == 0 {
		return nil
	}
	if g.reportSize == 0 {
		return p.errf("%s item with Report Count %d but Report Size 0", kind, g.reportCount)
	}
	if !p.d.UsesReportIDs {
		p.seenNoID = true
	} else if g.reportID == 0 {
		return p.errf("%s item without a Report ID (a Pop restored none) while the descriptor uses report ids", kind)
	}
	key := uint16(kind)<<8 | uint16(g.reportID)
	r := p.reports[key]
	if r == nil {
		r = &Report{Kind: kind, ID: g.reportID}
		p.reports[key] = r
		p.d.Reports = append(p.d.Reports, r)
	}
	bits := int64(g.reportSize) * int64(g.reportCount)
	if int64(r.Bits)+bits > MaxReportBytes*8 {
		return p.errf("%s report %d grows past %d bytes", kind, g.reportID, MaxReportBytes)
	}
	f := &Field{
		Kind:         kind,
		ReportID:     g.reportID,
		BitOffset:    r.Bits,
		BitSize:      int(g.reportSize),
		Count:        int(g.reportCount),
		Flags:        flags,
		LogicalMin:   g.logicalMin,
		PhysicalMin:  g.physicalMin,
		Unit:         g.unit,
		UnitExponent: g.unitExponent,
		Usages:       p.resolvedUsages(),
	}
	// Logical Maximum is signed only when the minimum is negative: many
	// devices write 255 as the single byte 0xFF.
	if g.logicalMin < 0 {
		f.LogicalMax = g.logicalMaxB.signed()
	} else {
		f.LogicalMax = int32(g.logicalMaxB.unsigned())
	}
	if !g.physSet || (g.physicalMin == 0 && g.physicalMaxB.unsigned() == 0) {
		// HID 1.11 §6.2.2.7: physical extents left undefined (or both 0)
		// equal the logical ones.
		f.PhysicalMin, f.PhysicalMax = f.LogicalMin, f.LogicalMax
	} else if g.physicalMin < 0 {
		f.PhysicalMax = g.physicalMaxB.signed()
	} else {
		f.PhysicalMax = int32(g.physicalMaxB.unsigned())
	}
	if n := len(p.open); n > 0 {
		f.Collection = p.open[n-1]
		f.Collection.Fields = append(f.Collection.Fields, f)
	}
	r.Bits += int(bits)
	r.Fields = append(r.Fields, f)
	return nil
}
