package hidrec

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGolden proves that every sample recording (Python and C recorder
// styles, several devices, sloppy spacing, CRLF) parses, that Encode writes
// the expected canonical text, and that the canonical text parses back to the
// same recording.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.hid")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample recordings: %v", err)
	}
	for _, in := range files {
		t.Run(filepath.Base(in), func(t *testing.T) {
			b, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := Parse(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var out bytes.Buffer
			if err := Encode(&out, rec); err != nil {
				t.Fatalf("Encode: %v", err)
			}
			golden := strings.TrimSuffix(in, ".hid") + ".golden"
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if out.String() != string(want) {
				t.Errorf("Encode differs from %s:\n--- got\n%s--- want\n%s", golden, out.String(), want)
			}
			again, err := Parse(&out)
			if err != nil {
				t.Fatalf("Parse(Encode): %v", err)
			}
			if !reflect.DeepEqual(again, rec) {
				t.Errorf("round trip changed the recording:\n got %+v\nwant %+v", again, rec)
			}
		})
	}
}

// TestParseFields proves the parsed values of the Python-style sample: the
// identity in hex, the descriptor, and microsecond timestamps.
func TestParseFields(t *testing.T) {
	rec, err := Parse(strings.NewReader("R: 2 a1 c0\nN:  Desk Phone \nP: usb-1/input0\nI: 3 6993 b001\nE: 000001.000002 3 01 0a ff\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Recording{Devices: []*Device{{
		Name: "Desk Phone", Phys: "usb-1/input0", Bus: 3, VendorID: 0x6993, ProductID: 0xb001,
		Descriptor: []byte{0xa1, 0xc0},
		Events:     []Event{{Time: time.Second + 2*time.Microsecond, Data: []byte{1, 0x0a, 0xff}}},
	}}}
	if !reflect.DeepEqual(rec, want) {
		t.Errorf("got %+v, want %+v", rec.Devices[0], want.Devices[0])
	}
}

// TestParseErrors proves that each kind of malformed line is rejected with
// an error naming its line, wrapping ErrMalformed.
func TestParseErrors(t *testing.T) {
	const head = "R: 1 c0\nN: x\nI: 3 1 2\n" // lines 1-3
	cases := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"empty", "", 0, "no device"},
		{"only comments", "# nothing\n# here\n", 2, "no device"},
		{"no tag", "hello\n", 1, "not a recording line"},
		{"unknown tag", "X: 1\n", 1, "unknown line tag"},
		{"D not a number", "D: one\n", 1, "D: wants a device number"},
		{"D negative", "D: -1\n", 1, "D: wants a device number"},
		{"R length mismatch", "R: 3 a1 c0\n", 1, "length says 3 bytes, the line has 2"},
		{"R missing length", "R:\n", 1, "missing the length"},
		{"R bad hex", "R: 2 a1 zz\n", 1, "byte 2, \"zz\", is not a hex byte"},
		{"R three digits", "R: 1 0c0\n", 1, "is not a hex byte"},
		{"R signed length", "R: +1 c0\n", 1, "is not a decimal number"},
		{"R too long", "R: 4097" + strings.Repeat(" 00", 4097) + "\n", 1, "from 0 to 4096"},
		{"second R", head + "R: 1 c0\n", 4, "second R: line for device 0 (the first is on line 1)"},
		{"I too few", "I: 3 1\n", 1, "I: wants bus"},
		{"I not hex", "I: 3 1 xyz\n", 1, "not a 16-bit hex number"},
		{"I too wide", "I: 3 10000 1\n", 1, "not a 16-bit hex number"},
		{"E before R", "N: x\nE: 000000.000000 1 00\n", 2, "before the R: line of device 0"},
		{"E no bytes", head + "E: 000000.000000 0\n", 4, "at least one byte"},
		{"E no length", head + "E: 000000.000000\n", 4, "E: wants a time"},
		{"E short fraction", head + "E: 1.5 1 00\n", 4, "six fraction digits"},
		{"E no fraction", head + "E: 1 1 00\n", 4, "six fraction digits"},
		{"E letters in time", head + "E: 1a.000000 1 00\n", 4, "decimal digits"},
		{"E length mismatch", head + "E: 000000.000000 2 00\n", 4, "length says 2 bytes"},
		{"E backwards", head + "E: 000002.000000 1 00\nE: 000001.000000 1 00\n", 5, "before the previous report"},
		{"device without R", head + "D: 1\nN: other\n", 4, "device 1 has no R: line"},
		{"CR inside", "N: a\rb\n", 1, "carriage return"},
		{"line too long", strings.Repeat("#", maxLine+10) + "\n", 1, "longer than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(c.in))
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a *LineError", err)
			}
			if le.Line != c.line || !strings.Contains(le.Msg, c.msg) {
				t.Errorf("got %q, want line %d containing %q", err, c.line, c.msg)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("%v does not wrap ErrMalformed", err)
			}
		})
	}
}

// TestWriter proves the streaming writer's lines: comments, header, events
// with zero-padded seconds, exactly what Encode writes for one device.
func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	d := &Device{Name: "Phone", Bus: 3, VendorID: 0x0d8c, ProductID: 0x000e, Descriptor: []byte{0xc0}}
	if err := w.Comment("recorded by a test\nsecond line"); err != nil {
		t.Fatal(err)
	}
	if err := w.Header(d); err != nil {
		t.Fatal(err)
	}
	for _, e := range []Event{{Time: 0, Data: []byte{1}}, {Time: 90*time.Second + 1500*time.Nanosecond, Data: []byte{0xab, 0}}} {
		if err := w.Event(e); err != nil {
			t.Fatal(err)
		}
	}
	want := "# recorded by a test\n# second line\n# Phone\nR: 1 c0\nN: Phone\nI: 3 0d8c 000e\nE: 000000.000000 1 01\nE: 000090.000001 2 ab 00\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestEncodeRejects proves that Encode refuses what the format cannot hold,
// instead of writing a file no reader accepts.
func TestEncodeRejects(t *testing.T) {
	cases := map[string]*Device{
		"name with newline": {Name: "a\nb", Descriptor: []byte{0}},
		"phys with CR":      {Phys: "a\rb", Descriptor: []byte{0}},
		"empty event":       {Descriptor: []byte{0}, Events: []Event{{}}},
		"negative time":     {Descriptor: []byte{0}, Events: []Event{{Time: -1, Data: []byte{1}}}},
		"huge descriptor":   {Descriptor: make([]byte, MaxDescriptorSize+1)},
		"huge event":        {Descriptor: []byte{0}, Events: []Event{{Data: make([]byte, MaxEventSize+1)}}},
	}
	for name, d := range cases {
		if err := Encode(&bytes.Buffer{}, &Recording{Devices: []*Device{d}}); err == nil {
			t.Errorf("%s: Encode accepted it", name)
		}
	}
	two := &Recording{Devices: []*Device{{Index: 1, Descriptor: []byte{0}}, {Index: 1, Descriptor: []byte{0}}}}
	if err := Encode(&bytes.Buffer{}, two); err == nil {
		t.Error("Encode accepted two devices with the same index")
	}
}
