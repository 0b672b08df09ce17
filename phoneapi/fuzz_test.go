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

// FuzzHostLine proves the reference host answers any line without panicking
// and without queueing a line that could not travel.
func FuzzHostLine(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		h := NewHost(HostOptions{})
		cl := &hostClient{label: "fuzz", protocol: 5, queue: newQueue()}
		h.clients = append(h.clients, cl)
		h.mu.Lock()
		h.exec("call in alice Alice")
		h.flush()
		h.handleLine(cl, line)
		h.mu.Unlock()
		for {
			out, ok := cl.queue.pop()
			if !ok {
				break
			}
			if err := CheckLine(out); err != nil {
				// The host echoes "#id" and values it received; those were
				// valid lines, so its output must be too.
				if CheckLine(line) == nil {
					t.Fatalf("host queued bad line %q for input %q: %v", out, line, err)
				}
			}
		}
	})
}
