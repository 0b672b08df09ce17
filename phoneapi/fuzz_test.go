package phoneapi

import (
	"errors"
	"testing"
)

// FuzzParseLine proves ParseLine never panics, fails only with a
// *ProtocolError, and that whatever it accepts survives encode → parse.
func FuzzParseLine(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		_, err := ParseLine(line)
		var pe *ProtocolError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("ParseLine(%q): error %v is not a *ProtocolError", line, err)
		}
		checkRoundTrip(t, line)
	})
}
