package discover

import (
	"context"
	"fmt"
	"testing"

	"github.com/handsetd/handsetd/hid"
)

// BenchmarkPlugToDrive measures the manager's own share of the hot-plug
// latency: from a plug event on the watch to the new handset's driver
// starting (scan, open with a fake backend, start the goroutine), with ten
// handsets already driven. The scan and the open are the fakes', so what
// remains is the manager's work per event.
func BenchmarkPlugToDrive(b *testing.B) {
	bn := newBench()
	for i := range 10 {
		bn.plug(handset(fmt.Sprintf("1-%d:1.3", i+10)))
	}
	ev := make(fakeEvents)
	m := &Manager{Scan: bn.scan, Open: bn.open, Watch: ev, Drive: bn.drive}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	for range 10 {
		<-bn.drives
	}
	b.ResetTimer()
	for i := range b.N {
		h := handset(fmt.Sprintf("2-%d:1.3", i))
		bn.plug(h)
		ev <- hid.Event{Kind: hid.Added}
		if k := <-bn.drives; k != h.Key() {
			b.Fatalf("drove %s, want %s", k, h.Key())
		}
		b.StopTimer()
		bn.unplug(h)
		ev <- hid.Event{Kind: hid.Removed}
		<-bn.ends
		b.StartTimer()
	}
	b.StopTimer()
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}
