package simtest

import (
	"testing"
	"time"
)

// WaitLimit bounds every wait in the simulator's tests; it only turns a
// hang into a failure.
const WaitLimit = 5 * time.Second

// WaitState waits until cond holds for state(), rechecking each time
// changed's channel closes (a handset's Changed and State).
func WaitState[S any](t testing.TB, changed func() <-chan struct{}, state func() S, what string, cond func(S) bool) S {
	t.Helper()
	deadline := time.NewTimer(WaitLimit)
	defer deadline.Stop()
	for {
		ch := changed()
		s := state()
		if cond(s) {
			return s
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; state %+v", what, s)
		}
	}
}

// MustOK fails the test at once on an error.
func MustOK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// YealinkPkt builds a Yealink P1K output report (id 0 + 16 bytes: command,
// size, offset, data, checksum) with a good checksum.
func YealinkPkt(cmd, size byte, offset uint16, data ...byte) []byte {
	r := make([]byte, 17)
	r[1], r[2], r[3], r[4] = cmd, size, byte(offset>>8), byte(offset)
	copy(r[5:16], data)
	var s byte
	for _, b := range r[1:16] {
		s += b
	}
	r[16] = -s
	return r
}

// P1KHPkt builds a Yealink P1KH output report (id 0 + 8 bytes: command,
// data, checksum) with a good checksum.
func P1KHPkt(cmd byte, data ...byte) []byte {
	r := make([]byte, 9)
	r[1] = cmd
	copy(r[2:8], data)
	var s byte
	for _, b := range r[1:8] {
		s += b
	}
	r[8] = -s
	return r
}
