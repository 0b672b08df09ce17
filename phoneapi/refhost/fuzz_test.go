package refhost

import (
	"testing"

	"github.com/handsetd/handsetd/internal/linequeue"
	"github.com/handsetd/handsetd/phoneapi"
)

// hostSeeds are lines of every kind a device sends, well-formed and not.
var hostSeeds = []string{
	"NAME HandSet 1.0", "PROTOCOL 5", "PROTOCOL x", "AUDIO_IN USB Audio [plughw:1,0]", "AUDIO_OUT",
	"HOOK OFF", "HOOK ON", "HOOK MAYBE", "MUTE ON", "BTN_PRESSED 1", "BTN_PRESSED YES", "BTN_RELEASED NO",
	"PING", "GET CALL 1001 STATUS", "GET CALL x STATUS", "GET MUTE", "CALL +4930123", "CALL a, b",
	"ALTER CALL 1001 ANSWER", "ALTER CALL 1001 DTMF 5", "SET CALL 1001 STATUS FINISHED", "SET MUTE OFF",
	"#a1 PING", "#! PING", "FROBNICATE", "",
}

// FuzzHostLine proves the reference host answers any line without panicking
// and without queueing a line that could not travel.
func FuzzHostLine(f *testing.F) {
	for _, s := range hostSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		h := New(Options{})
		cl := &hostClient{label: "fuzz", protocol: 5, queue: linequeue.New()}
		h.clients = append(h.clients, cl)
		h.mu.Lock()
		h.exec("call in alice Alice")
		h.flush()
		h.handleLine(cl, line)
		h.mu.Unlock()
		for {
			out, ok := cl.queue.Pop()
			if !ok {
				break
			}
			if err := phoneapi.CheckLine(out); err != nil {
				// The host echoes "#id" and values it received; those were
				// valid lines, so its output must be too.
				if phoneapi.CheckLine(line) == nil {
					t.Fatalf("host queued bad line %q for input %q: %v", out, line, err)
				}
			}
		}
	})
}
