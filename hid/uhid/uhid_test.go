package uhid

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"testing"

	"github.com/handsetd/handsetd/internal/fuzzcorpus"
)

var update = flag.Bool("update", false, "rewrite the committed fuzz seed corpus from the table")

// roundTrips is every event type with non-trivial payloads; it also seeds the
// fuzz corpus.
var roundTrips = []struct {
	name string
	ev   Event
}{
	{"destroy", Event{Type: Destroy}},
	{"start", Event{Type: Start, DevFlags: NumberedFeatureReports | NumberedInputReports}},
	{"stop", Event{Type: Stop}},
	{"open", Event{Type: Open}},
	{"close", Event{Type: Close}},
	{"create2", Event{Type: Create2, Create: Create{
		Name: "Generic USB Telephony Handset", Phys: "sim/0", Uniq: "SIM0001", Bus: BusUSB,
		Vendor: 0x1209, Product: 0x0001, Version: 0x0100, Country: 0, Descriptor: []byte{0x05, 0x0b, 0x09, 0x01, 0xa1, 0x01, 0xc0},
	}}},
	{"create2 max", Event{Type: Create2, Create: Create{
		Name: string(bytes.Repeat([]byte{'n'}, 127)), Phys: string(bytes.Repeat([]byte{'p'}, 63)),
		Uniq: string(bytes.Repeat([]byte{'u'}, 63)), Bus: 0xffff, Vendor: 0xffffffff, Product: 0xfffffffe,
		Version: 7, Country: 33, Descriptor: bytes.Repeat([]byte{0xc0}, DescriptorMax),
	}}},
	{"input2", Event{Type: Input2, Data: []byte{0x01, 0x01, 0x00, 0x00}}},
	{"input2 max", Event{Type: Input2, Data: bytes.Repeat([]byte{0xaa}, DataMax)}},
	{"output", Event{Type: Output, RType: OutputReport, Data: []byte{0x02, 0x02}}},
	{"get report", Event{Type: GetReport, ID: 0xdeadbeef, RNum: 3, RType: FeatureReport}},
	{"get report reply", Event{Type: GetReportReply, ID: 7, Data: []byte{0x03, 0x05}}},
	{"get report reply err", Event{Type: GetReportReply, ID: 8, Err: 95}},
	{"set report", Event{Type: SetReport, ID: 9, RNum: 3, RType: FeatureReport, Data: []byte{0x03, 0x07}}},
	{"set report reply", Event{Type: SetReportReply, ID: 9, Err: 32}},
}

func equal(a, b Event) bool {
	return a.Type == b.Type && a.RType == b.RType && a.ID == b.ID && a.RNum == b.RNum && a.Err == b.Err &&
		a.DevFlags == b.DevFlags && bytes.Equal(a.Data, b.Data) &&
		bytes.Equal(a.Create.Descriptor, b.Create.Descriptor) &&
		a.Create.Name == b.Create.Name && a.Create.Phys == b.Create.Phys && a.Create.Uniq == b.Create.Uniq &&
		a.Create.Bus == b.Create.Bus && a.Create.Vendor == b.Create.Vendor && a.Create.Product == b.Create.Product &&
		a.Create.Version == b.Create.Version && a.Create.Country == b.Create.Country
}

// TestRoundTrip proves that every event type survives Encode then Decode and
// always occupies exactly EventSize bytes.
func TestRoundTrip(t *testing.T) {
	for _, tc := range roundTrips {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Encode(tc.ev)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if len(b) != EventSize {
				t.Fatalf("encoded %d bytes, want %d", len(b), EventSize)
			}
			got, err := Decode(b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !equal(got, tc.ev) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", got, tc.ev)
			}
		})
	}
}

type check struct {
	what      string
	got, want uint32
}

// TestLayout proves the byte offsets match struct uhid_event as the C compiler
// lays it out (sizes and offsets measured with gcc against
// /usr/include/linux/uhid.h: sizeof(uhid_event)=4380, create2 rd_size at
// union offset 256, rd_data at 276, output size at 4096 and rtype at 4098,
// set_report data at 8, get_report_reply err at 4 and size at 6).
func TestLayout(t *testing.T) {
	u32 := func(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }
	u16 := func(b []byte, off int) uint16 { return binary.LittleEndian.Uint16(b[off:]) }
	mustEncode := func(e Event) []byte {
		b, err := Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	c := mustEncode(roundTrips[5].ev) // create2
	o := mustEncode(Event{Type: Output, RType: OutputReport, Data: []byte{0x02, 0x1f}})
	checks := []check{
		{"type", u32(c, 0), 11},
		{"name[0]", uint32(c[4]), 'G'},
		{"phys[0]", uint32(c[4+128]), 's'},
		{"uniq[0]", uint32(c[4+192]), 'S'},
		{"rd_size", uint32(u16(c, 4+256)), 7},
		{"bus", uint32(u16(c, 4+258)), 3},
		{"vendor", u32(c, 4+260), 0x1209},
		{"product", u32(c, 4+264), 0x0001},
		{"version", u32(c, 4+268), 0x0100},
		{"country", u32(c, 4+272), 0},
		{"rd_data[0]", uint32(c[4+276]), 0x05},
		{"output type", u32(o, 0), 6},
		{"output data[1]", uint32(o[4+1]), 0x1f},
		{"output size", uint32(u16(o, 4+4096)), 2},
		{"output rtype", uint32(o[4+4098]), 1},
	}
	s := mustEncode(Event{Type: SetReport, ID: 0x01020304, RNum: 3, RType: FeatureReport, Data: []byte{3, 9}})
	r := mustEncode(Event{Type: GetReportReply, ID: 5, Err: 32, Data: []byte{3, 4}})
	i := mustEncode(Event{Type: Input2, Data: []byte{1, 2}})
	st := mustEncode(Event{Type: Start, DevFlags: 0x0102030405060708})
	for _, x := range []check{
		{"set type", u32(s, 0), 13}, {"set id", u32(s, 4), 0x01020304}, {"set rnum", uint32(s[8]), 3},
		{"set rtype", uint32(s[9]), 0}, {"set size", uint32(u16(s, 10)), 2}, {"set data[1]", uint32(s[4+8+1]), 9},
		{"reply type", u32(r, 0), 10}, {"reply err", uint32(u16(r, 8)), 32}, {"reply size", uint32(u16(r, 10)), 2},
		{"reply data[0]", uint32(r[12]), 3},
		{"input2 type", u32(i, 0), 12}, {"input2 size", uint32(u16(i, 4)), 2}, {"input2 data[1]", uint32(i[7]), 2},
		{"start flags lo", u32(st, 4), 0x05060708}, {"start flags hi", u32(st, 8), 0x01020304},
	} {
		checks = append(checks, x)
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %#x, want %#x", ch.what, ch.got, ch.want)
		}
	}
}

// TestDecodeErrors proves malformed events are rejected with ErrMalformed.
func TestDecodeErrors(t *testing.T) {
	ev := func(typ uint32, edit func(p []byte)) []byte {
		b := make([]byte, EventSize)
		binary.LittleEndian.PutUint32(b, typ)
		if edit != nil {
			edit(b[4:])
		}
		return b
	}
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"short", make([]byte, EventSize-1)},
		{"long", make([]byte, EventSize+1)},
		{"legacy create", ev(0, nil)},
		{"legacy input", ev(8, nil)},
		{"unknown type", ev(99, nil)},
		{"create2 zero descriptor", ev(11, nil)},
		{"create2 descriptor too big", ev(11, func(p []byte) { binary.LittleEndian.PutUint16(p[256:], 4097) })},
		{"create2 name without NUL", ev(11, func(p []byte) {
			binary.LittleEndian.PutUint16(p[256:], 1)
			copy(p, bytes.Repeat([]byte{'x'}, 128))
		})},
		{"input2 too big", ev(12, func(p []byte) { binary.LittleEndian.PutUint16(p, 4097) })},
		{"output too big", ev(6, func(p []byte) { binary.LittleEndian.PutUint16(p[4096:], 0xffff) })},
		{"output bad rtype", ev(6, func(p []byte) { p[4098] = 3 })},
		{"get report bad rtype", ev(9, func(p []byte) { p[5] = 9 })},
		{"set report too big", ev(13, func(p []byte) { binary.LittleEndian.PutUint16(p[6:], 5000) })},
		{"get reply too big", ev(10, func(p []byte) { binary.LittleEndian.PutUint16(p[6:], 5000) })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Decode(tc.b); !errors.Is(err, ErrMalformed) {
				t.Fatalf("Decode = %v, want ErrMalformed", err)
			}
		})
	}
}

// TestEncodeErrors proves Encode refuses what the ABI cannot carry instead of
// truncating it.
func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name string
		ev   Event
	}{
		{"legacy type", Event{Type: 0}},
		{"name too long", Event{Type: Create2, Create: Create{Name: string(make([]byte, 128)), Descriptor: []byte{1}}}},
		{"name with NUL", Event{Type: Create2, Create: Create{Name: "a\x00b", Descriptor: []byte{1}}}},
		{"no descriptor", Event{Type: Create2}},
		{"descriptor too big", Event{Type: Create2, Create: Create{Descriptor: make([]byte, 4097)}}},
		{"input too big", Event{Type: Input2, Data: make([]byte, 4097)}},
		{"bad rtype", Event{Type: Output, RType: 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Encode(tc.ev); !errors.Is(err, ErrMalformed) {
				t.Fatalf("Encode = %v, want ErrMalformed", err)
			}
		})
	}
}

// TestWriteCorpus keeps the committed seed corpus in step with the table; it
// only writes with -update and otherwise checks the files exist.
func TestWriteCorpus(t *testing.T) {
	var seeds [][]byte
	for _, tc := range roundTrips {
		b, err := Encode(tc.ev)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	fuzzcorpus.Check(t, "FuzzDecodeEvent", "TestWriteCorpus", seeds, *update)
}

// FuzzDecodeEvent proves Decode never panics and that whatever it accepts
// encodes back to an event that decodes the same.
func FuzzDecodeEvent(f *testing.F) {
	for _, tc := range roundTrips {
		b, err := Encode(tc.ev)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) != EventSize {
			if _, err := Decode(b); err == nil {
				t.Fatalf("Decode accepted %d bytes", len(b))
			}
			// Also try it as the start of a full-size event, so the fuzzer
			// explores payloads and not just lengths.
			full := make([]byte, EventSize)
			copy(full, b)
			b = full
		}
		e, err := Decode(b)
		if err != nil {
			return
		}
		again, err := Encode(e)
		if err != nil {
			t.Fatalf("Encode of decoded %v: %v", e.Type, err)
		}
		e2, err := Decode(again)
		if err != nil || !equal(e, e2) {
			t.Fatalf("re-decode: %v\n%+v\n%+v", err, e, e2)
		}
	})
}
