package discover

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidtest"
	"github.com/handsetd/handsetd/keymap"
)

// fakeEvents is a Watcher the test feeds by hand.
type fakeEvents chan hid.Event

func (f fakeEvents) Watch(ctx context.Context, out chan<- hid.Event) error {
	for {
		select {
		case ev := <-f:
			select {
			case out <- ev:
			case <-ctx.Done():
				return nil
			}
		case <-ctx.Done():
			return nil
		}
	}
}

// bench is a machine whose handsets the test plugs in and out.
type bench struct {
	mu      sync.Mutex
	present map[string]Handset
	fakes   map[string]*hidtest.Fake
	denied  map[string]bool
	drives  chan string // key of each handset a driver started for
	ends    chan string // key of each driver that ended
}

func newBench() *bench {
	return &bench{present: map[string]Handset{}, fakes: map[string]*hidtest.Fake{}, denied: map[string]bool{},
		drives: make(chan string, 16), ends: make(chan string, 16)}
}

func handset(iface string) Handset {
	return Handset{Backend: keymap.BackendLibUSB, Interface: iface,
		Info: hid.Info{VendorID: 0x6993, ProductID: 0xb001, Path: iface, Product: "phone " + iface}}
}

func (b *bench) plug(h Handset) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.present[h.Key()] = h
}

func (b *bench) unplug(h Handset) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.present, h.Key())
	if f := b.fakes[h.Key()]; f != nil {
		f.Unplug()
	}
}

func (b *bench) scan(context.Context) ([]Handset, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Handset
	for _, h := range b.present {
		out = append(out, h)
	}
	return out, nil
}

func (b *bench) open(_ context.Context, h Handset) (hid.Device, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.present[h.Key()]; !ok {
		return nil, fmt.Errorf("open %s: %w", h.Interface, hid.ErrDisconnected)
	}
	if b.denied[h.Key()] {
		return nil, fmt.Errorf("open %s: %w", h.Interface, hid.ErrPermission)
	}
	f := hidtest.NewFake(h.Info, nil)
	b.fakes[h.Key()] = f
	return f, nil
}

// drive stands for driver.Run: it reads until the device fails, then opens
// again, and ends when the opener says the handset is gone.
func (b *bench) drive(ctx context.Context, h Handset, _ Event, open func(context.Context) (hid.Device, error)) error {
	b.drives <- h.Key()
	defer func() { b.ends <- h.Key() }()
	for {
		d, err := open(ctx)
		if err != nil {
			return nil
		}
		buf := make([]byte, 8)
		for {
			if _, err := d.ReadInput(ctx, buf); err != nil {
				break
			}
		}
		d.Close()
		if ctx.Err() != nil {
			return nil
		}
	}
}

func waitKey(t *testing.T, ch <-chan string, want, what string) {
	t.Helper()
	select {
	case k := <-ch:
		if k != want {
			t.Fatalf("%s: got %s, want %s", what, k, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: nothing within 5 s", what)
	}
}

// TestManagerFollowsPlugAndUnplug proves the hot-plug manager drives the
// handset present at start and one plugged in later, each as soon as its
// event arrives; ends the driver of one unplugged without touching the
// other; drives a handset plugged in again; and that a handset it may not
// open is logged with its fix while the others go on.
func TestManagerFollowsPlugAndUnplug(t *testing.T) {
	b := newBench()
	a, c, denied := handset("1-1:1.3"), handset("1-2:1.3"), handset("1-3:1.3")
	b.plug(a)
	ev := make(fakeEvents, 4)
	var logs bytes.Buffer
	var logMu sync.Mutex
	m := &Manager{Scan: b.scan, Open: b.open, Watch: ev, Drive: b.drive,
		Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &logMu}, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	waitKey(t, b.drives, a.Key(), "the handset present at start")

	b.plug(c)
	ev <- hid.Event{Kind: hid.Added}
	waitKey(t, b.drives, c.Key(), "the handset plugged in")

	b.mu.Lock()
	b.denied[denied.Key()] = true
	b.mu.Unlock()
	b.plug(denied)
	ev <- hid.Event{Kind: hid.Added}

	b.unplug(a)
	ev <- hid.Event{Kind: hid.Removed}
	waitKey(t, b.ends, a.Key(), "the unplugged handset's driver")

	b.plug(a)
	ev <- hid.Event{Kind: hid.Added}
	waitKey(t, b.drives, a.Key(), "the handset plugged in again")
	select {
	case k := <-b.ends:
		t.Fatalf("the driver of %s ended; only the unplugged one may", k)
	default:
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	logMu.Lock()
	defer logMu.Unlock()
	if !bytes.Contains(logs.Bytes(), []byte("udev rules")) || !bytes.Contains(logs.Bytes(), []byte("1-3:1.3")) {
		t.Errorf("the handset that could not be opened was not logged with its fix:\n%s", logs.String())
	}
	if n := bytes.Count(logs.Bytes(), []byte("cannot open a handset")); n != 1 {
		t.Errorf("the failed handset was logged %d times, want once:\n%s", n, logs.String())
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
