package discover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidtest"
	"github.com/handsetd/handsetd/keymap"
)

// nodeBench is a machine's hidraw nodes, as a hidraw backend sees them:
// the test plugs devices in at nodes and pulls them out, each plug and
// unplug an event to every watcher, and a sysfs tree under root places
// each node in its USB port.
type nodeBench struct {
	t        *testing.T
	root     string
	mu       sync.Mutex
	present  map[string]hid.Info
	denied   map[string]bool
	opened   []string // paths opened, in order
	attempts map[string]int
	fakes    map[string]*hidtest.Fake
	watchers map[chan hid.Event]bool
	changed  chan struct{} // closed and renewed when watchers change
	plugs    int
}

func newNodeBench(t *testing.T) *nodeBench {
	return &nodeBench{t: t, root: t.TempDir(), present: map[string]hid.Info{}, denied: map[string]bool{},
		fakes: map[string]*hidtest.Fake{}, attempts: map[string]int{}, watchers: map[chan hid.Event]bool{}, changed: make(chan struct{})}
}

// phone is a 1209:0001 handset on USB interface 0 in port, with serial.
func phone(serial string) hid.Info {
	return hid.Info{VendorID: 0x1209, ProductID: 0x0001, Serial: serial, Product: "Sim Phone", Interface: 0}
}

// plug puts i at node (hidrawN) in the USB port (such as 1-2) and tells
// the watchers.
func (b *nodeBench) plug(i hid.Info, node, port string) hid.Info {
	b.t.Helper()
	i.Path = "/dev/" + node
	b.mu.Lock()
	b.plugs++
	n := b.plugs
	b.mu.Unlock()
	hidDev := filepath.Join(b.root, "devices", "usb1", port, port+":1.0", fmt.Sprintf("0003:%04X:%04X.%04d", i.VendorID, i.ProductID, n))
	link := filepath.Join(b.root, "class", "hidraw", node, "device")
	os.RemoveAll(filepath.Dir(link))
	for _, err := range []error{os.MkdirAll(hidDev, 0o755), os.MkdirAll(filepath.Dir(link), 0o755), os.Symlink(hidDev, link)} {
		if err != nil {
			b.t.Fatal(err)
		}
	}
	b.mu.Lock()
	b.present[i.Path] = i
	b.mu.Unlock()
	b.tell(hid.Event{Kind: hid.Added, Info: i})
	return i
}

func (b *nodeBench) unplug(path string) {
	b.mu.Lock()
	delete(b.present, path)
	if f := b.fakes[path]; f != nil {
		f.Unplug()
	}
	b.mu.Unlock()
	os.RemoveAll(filepath.Join(b.root, "class", "hidraw", filepath.Base(path)))
	b.tell(hid.Event{Kind: hid.Removed, Info: hid.Info{Path: path, Interface: -1}})
}

func (b *nodeBench) tell(ev hid.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for w := range b.watchers {
		w <- ev
	}
}

func (b *nodeBench) Enumerate(context.Context) ([]hid.Info, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []hid.Info
	for _, i := range b.present {
		out = append(out, i)
	}
	return out, nil
}

func (b *nodeBench) Watch(ctx context.Context, out chan<- hid.Event) error {
	w := make(chan hid.Event, 16)
	b.mu.Lock()
	b.watchers[w] = true
	close(b.changed)
	b.changed = make(chan struct{})
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(b.watchers, w)
		close(b.changed)
		b.changed = make(chan struct{})
		b.mu.Unlock()
	}()
	return fakeEvents(w).Watch(ctx, out)
}

func (b *nodeBench) Open(_ context.Context, path string) (hid.Device, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.attempts[path]++
	if path == "/dev/null" {
		return nil, fmt.Errorf("hidraw %s: HIDIOCGRDSIZE: %w", path, hid.ErrUnsupported)
	}
	i, ok := b.present[path]
	if !ok {
		return nil, fmt.Errorf("open %s: %w", path, os.ErrNotExist)
	}
	if b.denied[path] {
		return nil, fmt.Errorf("open %s: %w", path, hid.ErrPermission)
	}
	b.opened = append(b.opened, path)
	f := hidtest.NewFake(i, nil)
	b.fakes[path] = f
	return f, nil
}

// waitWatchers waits until n watches are listening.
func (b *nodeBench) waitWatchers(n int) {
	b.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		b.mu.Lock()
		got, ch := len(b.watchers), b.changed
		b.mu.Unlock()
		if got == n {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			b.t.Fatalf("%d watches listening, want %d", got, n)
		}
	}
}

func (b *nodeBench) openedPaths() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.opened...)
}

type opened struct {
	d   hid.Device
	err error
}

// openAsync runs f.Open in the background.
func openAsync(ctx context.Context, f *Follower) <-chan opened {
	c := make(chan opened, 1)
	go func() {
		d, err := f.Open(ctx)
		c <- opened{d, err}
	}()
	return c
}

func wait(t *testing.T, c <-chan opened, what string) opened {
	t.Helper()
	select {
	case o := <-c:
		return o
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: Open did not return within 5 s", what)
	}
	return opened{}
}

func notYet(t *testing.T, c <-chan opened, what string) {
	t.Helper()
	select {
	case o := <-c:
		t.Fatalf("%s: Open returned %v, %v; want it still waiting", what, o.d, o.err)
	default:
	}
}

// TestFollowerFindsItsHandsetAtAnotherNode proves that --device
// hidraw:PATH follows the handset, not the node: after an unplug, Open
// waits (on plug events, with one watch and no other opening) while
// another phone of the same model takes the old node, and opens the
// handset once it is back at another node and in another port, found by
// its serial; that auto's Want is told this handset is taken wherever it
// is, and the other phone is not; and that the user is told once that the
// handset is back, with its new node.
func TestFollowerFindsItsHandsetAtAnotherNode(t *testing.T) {
	b := newNodeBench(t)
	var logs bytes.Buffer
	var logMu sync.Mutex
	f := &Follower{Path: "/dev/hidraw3", Backend: b, SysfsRoot: b.root,
		Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &logMu}, nil))}
	b.plug(phone("S1"), "hidraw3", "1-1")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := wait(t, openAsync(ctx, f), "the node given, present")
	if o.err != nil || o.d.Info().Path != "/dev/hidraw3" {
		t.Fatalf("first open: %v, %v", o.d, o.err)
	}
	b.unplug("/dev/hidraw3")
	c := openAsync(ctx, f)
	b.waitWatchers(1)
	intruder := b.plug(phone("S2"), "hidraw3", "1-1")
	back := b.plug(phone("S1"), "hidraw5", "1-2")
	o = wait(t, c, "the handset back at hidraw5")
	if o.err != nil || o.d.Info().Path != "/dev/hidraw5" {
		t.Fatalf("after the replug: %v, %v; want hidraw5", o.d, o.err)
	}
	if got := b.openedPaths(); strings.Join(got, " ") != "/dev/hidraw3 /dev/hidraw5" {
		t.Errorf("opened %v; the other phone at the old node must not be opened", got)
	}
	b.waitWatchers(0)
	tel := func(i hid.Info, port string) Handset {
		return Handset{Info: i, Backend: keymap.BackendHIDRaw, Node: i.Path, USB: port, Interface: port + ":1.0"}
	}
	if !f.Claims(tel(back, "1-2")) || f.Claims(tel(intruder, "1-1")) {
		t.Errorf("Claims: the handset at hidraw5 %v (want true), the other phone at hidraw3 %v (want false)",
			f.Claims(tel(back, "1-2")), f.Claims(tel(intruder, "1-1")))
	}
	logMu.Lock()
	l := logs.String()
	logMu.Unlock()
	if n := strings.Count(l, "the handset is back"); n != 1 || !strings.Contains(l, "node=/dev/hidraw5") || !strings.Contains(l, `serial \"S1\"`) {
		t.Errorf("want one INFO saying the handset is back at hidraw5, by its serial; log:\n%s", l)
	}
}

// TestFollowerWithoutSerialGoesByPort proves a handset with no serial is
// known by its USB port: the same model plugged into another port is not
// taken for it, and it is found again in its own port at a new node.
func TestFollowerWithoutSerialGoesByPort(t *testing.T) {
	b := newNodeBench(t)
	f := &Follower{Path: "/dev/hidraw0", Backend: b, SysfsRoot: b.root}
	b.plug(phone(""), "hidraw0", "1-1")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if o := wait(t, openAsync(ctx, f), "first open"); o.err != nil {
		t.Fatal(o.err)
	}
	b.unplug("/dev/hidraw0")
	c := openAsync(ctx, f)
	b.waitWatchers(1)
	b.plug(phone(""), "hidraw0", "1-2")
	b.plug(phone(""), "hidraw1", "1-1")
	o := wait(t, c, "the handset back in port 1-1")
	if o.err != nil || o.d.Info().Path != "/dev/hidraw1" {
		t.Fatalf("after the replug: %v, %v; want hidraw1 (port 1-1)", o.d, o.err)
	}
}

// TestFollowerOpenErrors proves what Open returns at once and what it
// waits for: a node that is no HID device fails at once (the driver then
// stops: a permanent error); a node not there yet is waited for, on
// events, and opened when it appears; permission denied on the handset
// coming back is returned (the driver logs it with its fix), and the next
// Open waits for the handset's next event (udevadm trigger once the rules
// are installed) instead of trying again at once; and a cancelled wait
// returns ctx's error and ends its watch.
func TestFollowerOpenErrors(t *testing.T) {
	b := newNodeBench(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	null := &Follower{Path: "/dev/null", Backend: b, SysfsRoot: b.root}
	if o := wait(t, openAsync(ctx, null), "/dev/null"); !errors.Is(o.err, hid.ErrUnsupported) {
		t.Errorf("/dev/null: %v, want hid.ErrUnsupported at once", o.err)
	}

	f := &Follower{Path: "/dev/hidraw2", Backend: b, SysfsRoot: b.root}
	c := openAsync(ctx, f)
	b.waitWatchers(1)
	notYet(t, c, "nothing plugged in")
	b.plug(phone("S9"), "hidraw2", "1-3")
	if o := wait(t, c, "plugged in after the start"); o.err != nil || o.d.Info().Path != "/dev/hidraw2" {
		t.Fatalf("%v, %v", o.d, o.err)
	}

	b.unplug("/dev/hidraw2")
	b.mu.Lock()
	b.denied["/dev/hidraw4"] = true
	b.mu.Unlock()
	c = openAsync(ctx, f)
	b.waitWatchers(1)
	b.plug(phone("S9"), "hidraw4", "1-3")
	if o := wait(t, c, "back, but not this user's"); !errors.Is(o.err, hid.ErrPermission) {
		t.Fatalf("%v, want hid.ErrPermission", o.err)
	}
	// The next Open waits for an event rather than trying again at once:
	// the rules get installed, then udevadm trigger sends a change event.
	c = openAsync(ctx, f)
	b.waitWatchers(1)
	notYet(t, c, "denied, before any event")
	b.mu.Lock()
	delete(b.denied, "/dev/hidraw4")
	i := b.present["/dev/hidraw4"]
	b.mu.Unlock()
	b.tell(hid.Event{Kind: hid.Added, Info: i}) // the change event
	if o := wait(t, c, "the rules installed and triggered"); o.err != nil || o.d.Info().Path != "/dev/hidraw4" {
		t.Fatalf("%v, %v", o.d, o.err)
	}
	b.mu.Lock()
	n := b.attempts["/dev/hidraw4"]
	b.mu.Unlock()
	if n != 2 {
		t.Errorf("hidraw4 was opened %d times, want 2: refused, then once after the event", n)
	}

	b.unplug("/dev/hidraw4")
	wctx, wcancel := context.WithCancel(ctx)
	c = openAsync(wctx, f)
	b.waitWatchers(1)
	wcancel()
	if o := wait(t, c, "cancelled"); !errors.Is(o.err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", o.err)
	}
	b.waitWatchers(0)
}
