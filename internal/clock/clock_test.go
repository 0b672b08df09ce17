package clock

import (
	"testing"
	"time"
)

// TestFakeFiresTimersOnlyWhenDue proves a fake timer fires once Advance
// reaches its deadline, not before, and that Stop and Reset work.
func TestFakeFiresTimersOnlyWhenDue(t *testing.T) {
	f := NewFake(time.Unix(100, 0))
	tm := f.NewTimer(2 * time.Second)
	f.Advance(time.Second)
	select {
	case <-tm.C():
		t.Fatal("fired early")
	default:
	}
	f.Advance(time.Second)
	select {
	case now := <-tm.C():
		if !now.Equal(time.Unix(102, 0)) {
			t.Fatalf("fired at %v, want 102s", now)
		}
	default:
		t.Fatal("did not fire when due")
	}
	if f.Pending() != 0 {
		t.Fatalf("Pending = %d after firing", f.Pending())
	}
	tm.Reset(time.Second)
	if !tm.Stop() {
		t.Fatal("Stop of a reset timer reported it was not pending")
	}
	f.Advance(time.Hour)
	select {
	case <-tm.C():
		t.Fatal("a stopped timer fired")
	default:
	}
}
