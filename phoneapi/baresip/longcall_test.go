package baresip

import (
	"context"
	"net"
	"strconv"
	"testing"

	"github.com/handsetd/handsetd/phoneapi"
)

// TestLongCallKeepsNoGrowingState proves a long call leaves nothing behind
// that grows: after thousands of RTCP reports, DTMF digits (each a command
// whose answer is awaited) and calls that come and go, the bridge holds
// only the live call and a bounded number of unanswered commands.
func TestLongCallKeepsNoGrowingState(t *testing.T) {
	dev, host := phoneapi.Pipe()
	defer dev.Close()
	a, c := net.Pipe()
	defer a.Close()
	defer c.Close()
	go func() { // baresip's side: read and drop every command
		fr := NewFrameReader(c, 0)
		for {
			if _, err := fr.ReadFrame(); err != nil {
				return
			}
		}
	}()
	go func() { // the device's side: drain every line
		for {
			if _, err := dev.ReadLine(context.Background()); err != nil {
				return
			}
		}
	}()
	opts := Options{}.withDefaults()
	b := &bridge{opts: opts, log: opts.Logger, dev: host, ctrl: NewConn(a, 0), protocol: 5, nextID: firstCallID,
		pending: map[string]pending{}}
	ctx := context.Background()
	ev := func(typ, id string) Message {
		return Message{Event: true, Class: "call", Type: typ, Direction: "incoming", PeerURI: "sip:x@y", ID: id}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(b.onLine(ctx, "HOOK OFF"))
	must(b.onMessage(ctx, ev("CALL_INCOMING", "long")))
	must(b.onMessage(ctx, ev("CALL_ESTABLISHED", "long")))
	for i := range 5000 {
		must(b.onMessage(ctx, ev("CALL_RTCP", "long")))
		must(b.onLine(ctx, "BTN_PRESSED "+strconv.Itoa(i%10)))
		if i%100 == 0 { // a short second call that rings and goes
			id := "short" + strconv.Itoa(i)
			must(b.onMessage(ctx, ev("CALL_INCOMING", id)))
			must(b.onMessage(ctx, ev("CALL_CLOSED", id)))
		}
	}
	if len(b.calls) != 1 || b.calls[0].sid != "long" {
		t.Errorf("calls held: %d, want only the long one", len(b.calls))
	}
	if len(b.pending) > maxPending {
		t.Errorf("%d unanswered commands held, want at most %d", len(b.pending), maxPending)
	}
}
