package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/internal/proctest"
)

// TestWatchStreamsStateChanges proves "watch" answers ok, then prints one
// "state {json}" line for the state now and one for each change, between
// the answers of later commands, and nothing while the handset is idle.
func TestWatchStreamsStateChanges(t *testing.T) {
	s := start(t, "--listen", "unix:"+filepath.Join(proctest.ShortDir(t), "s"))
	if got := s.Say("watch"); got != "ok" {
		t.Fatalf("watch = %q", got)
	}
	next := s.Next
	if got := next(); !strings.HasPrefix(got, `state {"model":"generic-telephony"`) || !strings.Contains(got, `"hook":"on"`) {
		t.Fatalf("first watch line = %q", got)
	}
	s.Write("hook off")
	var answer, change bool
	for !answer || !change {
		l := next()
		switch {
		case l == "ok":
			answer = true
		case strings.HasPrefix(l, "state ") && strings.Contains(l, `"hook":"off"`):
			change = true
		default:
			t.Fatalf("unexpected line %q", l)
		}
	}
	// The hook change times out unacknowledged after --hook-timeout (1 s):
	// one more change; after that the handset is idle and says nothing.
	if got := next(); !strings.Contains(got, `"hook_pending":false`) {
		t.Fatalf("after the timeout: %q", got)
	}
	if l, ok := s.NextWithin(300 * time.Millisecond); ok {
		t.Fatalf("an idle handset printed %q", l)
	}
	if got := s.Say("watch extra"); got != "error: watch takes no argument" {
		t.Fatalf("watch extra = %q", got)
	}
}
