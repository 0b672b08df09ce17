package phoneapi

import "testing"

// BenchmarkParseLine measures parsing the host's most frequent lines.
func BenchmarkParseLine(b *testing.B) {
	lines := []string{"CALL 1594 STATUS RINGING", "#c12 CALL 1594 TYPE INCOMING_P2P", "MUTE ON", "CALL 1594 DURATION 5"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := ParseLine(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
	}
}
