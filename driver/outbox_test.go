package driver

import (
	"context"
	"reflect"
	"testing"

	"github.com/handsetd/handsetd/phoneapi"
)

func drain(t *testing.T, o *outbox) []string {
	t.Helper()
	var got []string
	for o.len() > 0 {
		c, err := o.take(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(c.Line))
	}
	return got
}

// TestOutboxCoalescesStateAndDropsKeysWhenFull proves the outbox stays
// bounded: a newer HOOK replaces a queued one (moving to the back), keys are
// dropped and counted once it is full, and a state command still gets in by
// evicting the oldest key.
func TestOutboxCoalescesStateAndDropsKeysWhenFull(t *testing.T) {
	o := newOutbox(3)
	o.put(hookLine(true))
	o.put(Command{Line: phoneapi.BtnPressed("1")})
	o.put(hookLine(false))
	if got, want := drain(t, o), []string{"BTN_PRESSED 1", "HOOK ON"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("coalesced = %q, want %q", got, want)
	}

	o = newOutbox(3)
	for _, k := range []string{"1", "2", "3", "4"} {
		o.put(Command{Line: phoneapi.BtnPressed(k)})
	}
	if o.Dropped() != 1 {
		t.Fatalf("dropped = %d, want 1", o.Dropped())
	}
	if !o.put(muteLine(true)) {
		t.Fatal("a state command was refused by a full outbox")
	}
	if got, want := drain(t, o), []string{"BTN_PRESSED 2", "BTN_PRESSED 3", "MUTE ON"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after overflow = %q, want %q", got, want)
	}
	if o.Dropped() != 2 {
		t.Fatalf("dropped = %d, want 2", o.Dropped())
	}
}

// TestOutboxTakeHonoursContext proves a sender waiting on an empty outbox is
// released when its context ends.
func TestOutboxTakeHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newOutbox(1).take(ctx); err != context.Canceled {
		t.Fatalf("take = %v, want context.Canceled", err)
	}
}
