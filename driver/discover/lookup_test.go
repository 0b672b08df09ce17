package discover

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/handsetd/handsetd/hid"
)

// TestManagerLooksOnlyAtTheDeviceAnEventNames proves that with Lookup set,
// the manager scans every device once, at start, and then handles each
// event by the one device it names: a plug starts the handset Lookup names
// (unless Want refuses it), an event Lookup names no handset for starts
// nothing, and an unplug ends only the driver of the handset at its path.
func TestManagerLooksOnlyAtTheDeviceAnEventNames(t *testing.T) {
	b := newBench()
	a, c, other := handset("1-1:1.3"), handset("1-2:1.3"), handset("1-4:1.3")
	b.plug(a)
	var scans atomic.Int32
	lookup := func(_ context.Context, ev hid.Event) (Handset, bool) {
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, h := range b.present {
			if h.Info.Path == ev.Info.Path {
				return h, true
			}
		}
		return Handset{}, false
	}
	ev := make(fakeEvents, 4)
	m := &Manager{
		Scan:   func(ctx context.Context) ([]Handset, error) { scans.Add(1); return b.scan(ctx) },
		Lookup: lookup, Open: b.open, Watch: ev, Drive: b.drive,
		Want: func(h Handset) bool { return h.Interface != other.Interface },
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	waitKey(t, b.drives, a.Key(), "the handset present at start")

	tests := []struct {
		name  string
		plug  *Handset // plugged in before the event
		ev    hid.Event
		drive string // key of the driver that starts, or ""
		end   string // key of the driver that ends, or ""
	}{
		{name: "a keyboard", ev: hid.Event{Kind: hid.Added, Info: hid.Info{Path: "/dev/hidraw7"}}},
		{name: "a handset plugged in", plug: &c, ev: hid.Event{Kind: hid.Added, Info: c.Info}, drive: c.Key()},
		{name: "its repeated add", ev: hid.Event{Kind: hid.Added, Info: c.Info}},
		{name: "a handset Want refuses", plug: &other, ev: hid.Event{Kind: hid.Added, Info: other.Info}},
		{name: "an unplug", ev: hid.Event{Kind: hid.Removed, Info: hid.Info{Path: a.Info.Path}}, end: a.Key()},
		{name: "a plug again", plug: &a, ev: hid.Event{Kind: hid.Added, Info: a.Info}, drive: a.Key()},
	}
	for _, tt := range tests {
		if tt.plug != nil {
			b.plug(*tt.plug)
		}
		if tt.end != "" {
			b.unplug(a)
		}
		ev <- tt.ev
		if tt.drive != "" {
			waitKey(t, b.drives, tt.drive, tt.name)
		}
		if tt.end != "" {
			waitKey(t, b.ends, tt.end, tt.name)
		}
	}
	// The events above are handled in order; a last one flushes them.
	b.plug(handset("1-9:1.3"))
	ev <- hid.Event{Kind: hid.Added, Info: handset("1-9:1.3").Info}
	waitKey(t, b.drives, handset("1-9:1.3").Key(), "the last handset")
	select {
	case k := <-b.drives:
		t.Errorf("a driver started for %s", k)
	case k := <-b.ends:
		t.Errorf("the driver of %s ended", k)
	default:
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := scans.Load(); n != 1 {
		t.Errorf("the manager scanned %d times, want once (at start)", n)
	}
}
