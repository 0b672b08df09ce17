package main

import (
	"errors"
	"strings"
	"testing"
)

// TestRefuseRoot proves run refuses uid 0 unless --allow-root, and that the
// refusal says why and what to do (install the udev rules, or
// --allow-root); any other user is never refused. The uid comes from the
// test, not from the process: CI runs as root.
func TestRefuseRoot(t *testing.T) {
	tests := []struct {
		uid       int
		allowRoot bool
		refused   bool
	}{
		{0, false, true},
		{0, true, false},
		{1000, false, false},
		{1000, true, false},
	}
	for _, tt := range tests {
		err := refuseRoot(tt.allowRoot, func() int { return tt.uid })
		if got := errors.Is(err, errRoot); got != tt.refused {
			t.Errorf("uid %d, --allow-root=%v: refused %v, want %v", tt.uid, tt.allowRoot, got, tt.refused)
		}
	}
	msg := errRoot.Error()
	for _, want := range []string{"refusing to run as root", "make install", "--allow-root"} {
		if !strings.Contains(msg, want) {
			t.Errorf("refusal %q does not mention %q", msg, want)
		}
	}
}
