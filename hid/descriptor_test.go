package hid

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// fieldSummary is the part of a Field the table tests compare.
type fieldSummary struct {
	kind           ReportKind
	id             uint8
	off, size, cnt int
	flags          MainFlags
	lmin, lmax     int32
	usages         string // first and last usage and their number
}

func summarize(f *Field) fieldSummary {
	u := "none"
	if n := len(f.Usages); n > 0 {
		u = fmt.Sprintf("%v..%v(%d)", f.Usages[0], f.Usages[n-1], n)
	}
	return fieldSummary{f.Kind, f.ReportID, f.BitOffset, f.BitSize, f.Count, f.Flags, f.LogicalMin, f.LogicalMax, u}
}

// TestParseDescriptor proves that each sample descriptor parses into the
// expected reports, lengths and fields: ranges expand, Push/Pop restores
// the global state, extended usages keep their own page, a usage page
// set before the usages applies at the main item, long items are skipped and delimiter aliases
// dropped.
func TestParseDescriptor(t *testing.T) {
	tests := []struct {
		name    string
		desc    []byte
		ids     bool
		lens    map[ReportKind]map[uint8]int
		fields  []fieldSummary
		topColl string
	}{
		{
			name: "boot keyboard", desc: bootKeyboard,
			lens: map[ReportKind]map[uint8]int{Input: {0: 9}, Output: {0: 2}},
			fields: []fieldSummary{
				{Input, 0, 0, 1, 8, FlagVariable, 0, 1, "Keyboard(0007):00e0..Keyboard(0007):00e7(8)"},
				{Input, 0, 8, 8, 1, FlagConstant, 0, 1, "none"},
				{Output, 0, 0, 1, 5, FlagVariable, 0, 1, "LED(0008):0001..LED(0008):0005(5)"},
				{Output, 0, 5, 3, 1, FlagConstant, 0, 1, "none"},
				{Input, 0, 16, 8, 6, 0, 0, 255, "Keyboard(0007):0000..Keyboard(0007):00ff(256)"},
			},
			topColl: "application GenericDesktop(0001):0006",
		},
		{
			name: "mouse with signed 12-bit axes", desc: mouse,
			lens: map[ReportKind]map[uint8]int{Input: {0: 5}},
			fields: []fieldSummary{
				{Input, 0, 0, 1, 3, FlagVariable, 0, 1, "Button(0009):0001..Button(0009):0003(3)"},
				{Input, 0, 3, 5, 1, FlagConstant, 0, 1, "none"},
				{Input, 0, 8, 12, 2, FlagVariable | FlagRelative, -2047, 2047, "GenericDesktop(0001):0030..GenericDesktop(0001):0031(2)"},
			},
			topColl: "application GenericDesktop(0001):0002",
		},
		{
			name: "telephony headset with report ids", desc: headset, ids: true,
			lens: map[ReportKind]map[uint8]int{Input: {1: 2, 2: 2}, Output: {3: 2}, Feature: {3: 2}},
			fields: []fieldSummary{
				{Input, 1, 0, 1, 2, FlagVariable | FlagRelative, 0, 1, "Telephony(000b):0020..Telephony(000b):002f(2)"},
				{Input, 1, 2, 1, 6, FlagConstant | FlagVariable, 0, 1, "none"},
				{Input, 2, 0, 4, 1, FlagNullState, 1, 12, "Telephony(000b):00b0..Telephony(000b):00bb(12)"},
				{Input, 2, 4, 4, 1, FlagConstant | FlagVariable, 1, 12, "none"},
				{Output, 3, 0, 1, 3, FlagVariable | FlagNoPreferred, 0, 1, "LED(0008):0017..LED(0008):0009(3)"},
				{Output, 3, 3, 1, 1, FlagVariable | FlagNoPreferred, 0, 1, "Telephony(000b):009e..Telephony(000b):009e(1)"},
				{Output, 3, 4, 1, 4, FlagConstant | FlagVariable, 0, 1, "none"},
				{Feature, 3, 0, 8, 1, FlagVariable, 0, 255, "ff00:0001..ff00:0001(1)"},
			},
			topColl: "application Telephony(000b):0005",
		},
		{
			name: "push and pop", desc: pushPop,
			lens: map[ReportKind]map[uint8]int{Input: {0: 3}},
			fields: []fieldSummary{
				{Input, 0, 0, 1, 3, FlagVariable, 0, 1, "Button(0009):0001..Button(0009):0003(3)"},
				{Input, 0, 3, 8, 1, FlagVariable | FlagRelative, -127, 127, "GenericDesktop(0001):0030..GenericDesktop(0001):0030(1)"},
				{Input, 0, 11, 1, 3, FlagVariable, 0, 1, "Button(0009):0004..Button(0009):0006(3)"},
				{Input, 0, 14, 1, 2, FlagConstant, 0, 1, "none"},
			},
			topColl: "application GenericDesktop(0001):0002",
		},
		{
			name: "extended usages", desc: extended,
			lens: map[ReportKind]map[uint8]int{Input: {0: 2}},
			fields: []fieldSummary{
				{Input, 0, 0, 1, 3, FlagVariable, 0, 1, "Telephony(000b):0020..Telephony(000b):0021(3)"},
				{Input, 0, 3, 1, 5, FlagConstant, 0, 1, "none"},
			},
			topColl: "application GenericDesktop(0001):0006",
		},
		{
			name: "long item and delimiter", desc: longItem,
			lens: map[ReportKind]map[uint8]int{Input: {0: 2}},
			fields: []fieldSummary{
				{Input, 0, 0, 8, 1, FlagVariable, 0, 1, "Telephony(000b):0020..Telephony(000b):0020(1)"},
			},
			topColl: "application Telephony(000b):0001",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDescriptor(tt.desc)
			if err != nil {
				t.Fatalf("ParseDescriptor: %v", err)
			}
			if d.UsesReportIDs != tt.ids {
				t.Errorf("UsesReportIDs = %v, want %v", d.UsesReportIDs, tt.ids)
			}
			n := 0
			for kind, byID := range tt.lens {
				for id, l := range byID {
					n++
					r := d.Report(kind, id)
					if r == nil {
						t.Errorf("no %s report %d", kind, id)
						continue
					}
					if r.Len() != l {
						t.Errorf("%s report %d: Len = %d, want %d", kind, id, r.Len(), l)
					}
				}
			}
			if len(d.Reports) != n {
				t.Errorf("%d reports, want %d", len(d.Reports), n)
			}
			var got []fieldSummary
			for _, kind := range []ReportKind{Input, Output, Feature} {
				for _, f := range d.Fields(kind) {
					got = append(got, summarize(f))
				}
			}
			var want []fieldSummary
			for _, kind := range []ReportKind{Input, Output, Feature} {
				for _, f := range tt.fields {
					if f.kind == kind {
						want = append(want, f)
					}
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("fields:\n got %+v\nwant %+v", got, want)
			}
			if len(d.Collections) != 1 {
				t.Fatalf("%d top-level collections, want 1", len(d.Collections))
			}
			c := d.Collections[0]
			if s := c.Type.String() + " " + c.Usage.String(); s != tt.topColl {
				t.Errorf("top collection %q, want %q", s, tt.topColl)
			}
		})
	}
}

// TestCollectionTree proves nested collections link parent and children
// and that fields point at their innermost collection.
func TestCollectionTree(t *testing.T) {
	d, err := ParseDescriptor(mouse)
	if err != nil {
		t.Fatal(err)
	}
	app := d.Collections[0]
	if len(app.Children) != 1 {
		t.Fatalf("application has %d children, want 1", len(app.Children))
	}
	phys := app.Children[0]
	if phys.Type != CollectionPhysical || phys.Usage != NewUsage(PageGenericDesktop, 0x01) || phys.Parent != app {
		t.Errorf("physical collection = %v %v parent ok %v", phys.Type, phys.Usage, phys.Parent == app)
	}
	for _, f := range d.Fields(Input) {
		if f.Collection != phys {
			t.Errorf("field at bit %d is not in the physical collection", f.BitOffset)
		}
		if f.Collection.Application() != app {
			t.Errorf("field at bit %d: Application() is not the top collection", f.BitOffset)
		}
	}
	if len(phys.Fields) != 3 {
		t.Errorf("physical collection has %d fields, want 3", len(phys.Fields))
	}
}

// TestGlobalDetails proves the less common global items decode per the
// spec: Unit Exponent as a nibble, Physical extents defaulting to the
// logical ones, a one-byte Logical Maximum 0xFF read as 255 when the
// minimum is not negative, and as -1 when it is.
func TestGlobalDetails(t *testing.T) {
	d, err := ParseDescriptor(longItem)
	if err != nil {
		t.Fatal(err)
	}
	f := d.Fields(Input)[0]
	if f.UnitExponent != -2 {
		t.Errorf("UnitExponent = %d, want -2", f.UnitExponent)
	}
	if f.PhysicalMin != 0 || f.PhysicalMax != 1 {
		t.Errorf("physical = %d..%d, want the logical 0..1", f.PhysicalMin, f.PhysicalMax)
	}
	for _, tc := range []struct {
		min  byte
		want int32
	}{{0x00, 255}, {0xF0, -1}} {
		desc := []byte{0x05, 0x01, 0x09, 0x30, 0x15, tc.min, 0x25, 0xFF, 0x35, 0x00, 0x46, 0xE8, 0x03, 0x66, 0x11, 0x00, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02}
		d, err := ParseDescriptor(desc)
		if err != nil {
			t.Fatal(err)
		}
		f := d.Fields(Input)[0]
		if f.LogicalMax != tc.want {
			t.Errorf("Logical Min %#x: LogicalMax = %d, want %d", tc.min, f.LogicalMax, tc.want)
		}
		if f.PhysicalMax != 1000 || f.Unit != 0x11 {
			t.Errorf("PhysicalMax = %d, Unit = %#x, want 1000, 0x11", f.PhysicalMax, f.Unit)
		}
	}
}

// TestParseDescriptorErrors proves every malformed descriptor is rejected
// with an ErrBadDescriptor that says what is wrong and where.
func TestParseDescriptorErrors(t *testing.T) {
	tests := []struct {
		name string
		desc []byte
		msg  string
		off  int
	}{
		{"empty", nil, "empty", 0},
		{"truncated item", []byte{0x05, 0x01, 0x26, 0xFF}, "truncated item", 2},
		{"truncated long item", []byte{0xFE, 0x05, 0x10, 0x01}, "long item", 0},
		{"pop without push", []byte{0x05, 0x01, 0xB4}, "Pop without Push", 2},
		{"end collection alone", []byte{0xC0}, "End Collection without", 0},
		{"unclosed collection", []byte{0x09, 0x01, 0xA1, 0x01, 0xA1, 0x00, 0xC0}, "not closed", 7},
		{"report size 0", []byte{0x95, 0x02, 0x81, 0x02}, "Report Size 0", 2},
		{"report id 0", []byte{0x85, 0x00}, "Report ID 0", 0},
		{"report size too big", []byte{0x76, 0x01, 0x02}, "Report Size", 0},
		{"report count too big", []byte{0x97, 0xFF, 0xFF, 0xFF, 0xFF}, "Report Count", 0},
		{"report too long", []byte{0x75, 0xFF, 0x96, 0x00, 0x01, 0x81, 0x02, 0x81, 0x02}, "grows past", 5},
		{"id after reports without", []byte{0x75, 0x08, 0x95, 0x01, 0x81, 0x02, 0x85, 0x01}, "after reports without", 6},
		{"pop restores no id", []byte{0xA4, 0x85, 0x01, 0xB4, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02}, "without a Report ID", 8},
		{"reserved type", []byte{0x0C}, "reserved item type", 0},
		{"reserved global tag", []byte{0xC4, 0x00}, "reserved global", 0},
		{"reserved main tag", []byte{0x00}, "reserved main", 0},
		{"reserved local tag", []byte{0x68, 0x00}, "reserved local", 0},
		{"usage max without min", []byte{0x29, 0x05}, "without a Usage Minimum", 0},
		{"usage min without max", []byte{0x19, 0x01, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02}, "without a Usage Maximum", 0},
		{"usage min above max", []byte{0x19, 0x05, 0x29, 0x01}, "greater than", 2},
		{"usage range pages differ", []byte{0x1B, 0x01, 0x00, 0x01, 0x00, 0x2B, 0x05, 0x00, 0x02, 0x00}, "different pages", 5},
		{"usage ranges too large", []byte{0x19, 0x00, 0x2A, 0xFF, 0xFF, 0x19, 0x00, 0x2A, 0x00, 0x00}, "too large", 7},
		{"nested delimiter", []byte{0xA9, 0x01, 0xA9, 0x01}, "cannot nest", 2},
		{"delimiter close alone", []byte{0xA9, 0x00}, "close without open", 0},
		{"main inside delimiter", []byte{0xA9, 0x01, 0x09, 0x01, 0xA1, 0x01}, "inside an open Delimiter", 4},
		{"delimiter left open", []byte{0xA9, 0x01}, "not closed", 2},
		{"push too deep", []byte(strings.Repeat("\xA4", maxPushDepth+1)), "Push nested", maxPushDepth},
		{"too long", make([]byte, MaxDescriptorLen+1), "more than", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDescriptor(tt.desc)
			if err == nil {
				t.Fatalf("ParseDescriptor succeeded (%d reports), want an error with %q", len(d.Reports), tt.msg)
			}
			if !errors.Is(err, ErrBadDescriptor) {
				t.Errorf("error %v does not wrap ErrBadDescriptor", err)
			}
			var de *DescriptorError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *DescriptorError", err)
			}
			if !strings.Contains(de.Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", de.Msg, tt.msg)
			}
			if de.Offset != tt.off {
				t.Errorf("offset %d, want %d (%v)", de.Offset, tt.off, err)
			}
		})
	}
}

// TestLateUsagePage proves a Usage Page item between the usages and the main
// item re-pages the usages before it, back to the first that already has
// that page, as Linux's hid-core does: Jabra's "09 07 … 05 09 … 81 02" is
// Button 7, and Apple's CarPlay keypad keeps its Telephony usages when only
// the last usage follows "05 07".
func TestLateUsagePage(t *testing.T) {
	tests := []struct {
		name string
		desc []byte
		want []Usage
	}{
		{"page after its usage", []byte{0x05, 0x0B, 0x09, 0x07, 0x15, 0x00, 0x25, 0x01, 0x05, 0x09, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02},
			[]Usage{NewUsage(PageButton, 7)}},
		{"page before the last usage only", []byte{0x05, 0x0B, 0x09, 0x20, 0x09, 0x2F, 0x05, 0x07, 0x09, 0x2A, 0x15, 0x00, 0x25, 0x02, 0x75, 0x08, 0x95, 0x01, 0x81, 0x00},
			[]Usage{NewUsage(PageTelephony, 0x20), NewUsage(PageTelephony, 0x2F), NewUsage(PageKeyboard, 0x2A)}},
		{"extended usage keeps its page", []byte{0x0B, 0x20, 0x00, 0x0B, 0x00, 0x05, 0x09, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02},
			[]Usage{NewUsage(PageTelephony, 0x20)}},
	}
	for _, tt := range tests {
		d, err := ParseDescriptor(tt.desc)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := d.Reports[0].Fields[0].Usages; !slices.Equal(got, tt.want) {
			t.Errorf("%s: usages %v, want %v", tt.name, got, tt.want)
		}
	}
}
