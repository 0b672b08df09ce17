package hidrec

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// FuzzParse proves that Parse never panics, that every error it returns is a
// *LineError, and that whatever it accepts encodes to text that parses back to
// the same recording.
func FuzzParse(f *testing.F) {
	f.Add([]byte("R: 1 c0\nN: x\nI: 3 1 2\nE: 000000.000000 1 00\n"))
	f.Add([]byte("D: 1\nR: 2 a1 c0\nD: 0\nR: 1 c0\nE: 1.000000 1 ff\nD: 1\nE: 000002.000000 2 01 02\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rec, err := Parse(bytes.NewReader(in))
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a *LineError", err)
			}
			return
		}
		var out bytes.Buffer
		if err := Encode(&out, rec); err != nil {
			// Only a name or path Parse accepted but Encode cannot hold
			// may fail; Parse strips line breaks, so nothing should.
			t.Fatalf("Encode of a parsed recording: %v", err)
		}
		again, err := Parse(&out)
		if err != nil {
			t.Fatalf("Parse(Encode): %v\n%s", err, out.String())
		}
		if !reflect.DeepEqual(again, rec) {
			t.Fatalf("round trip changed the recording:\n%s", out.String())
		}
	})
}
