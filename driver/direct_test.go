package driver

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

// gatedTransport is a phoneapi.TryWriter on a Pipe end that plays a socket
// whose host can stop reading. While the gate is shut, WriteLine waits for
// it to open (or for its ctx), and TryWriteLine declines the next decline
// lines, then takes lines again: a host that made room for later lines
// while an earlier one still waits in the sender. It counts the lines each
// way took, and can fail TryWriteLine for one line.
type gatedTransport struct {
	phoneapi.Transport
	mu       sync.Mutex
	shut     chan struct{} // nil: open
	decline  int
	failLine string
	direct   int
	queued   int
}

func (g *gatedTransport) TryWriteLine(line string) (bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if line == g.failLine {
		g.failLine = ""
		return false, errors.New("write: broken pipe")
	}
	if g.decline > 0 {
		g.decline--
		return false, nil
	}
	if err := g.Transport.WriteLine(context.Background(), line); err != nil {
		return false, err
	}
	g.direct++
	return true, nil
}

func (g *gatedTransport) WriteLine(ctx context.Context, line string) error {
	g.mu.Lock()
	shut := g.shut
	g.mu.Unlock()
	if shut != nil {
		select {
		case <-shut:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.queued++
	return g.Transport.WriteLine(ctx, line)
}

// stall shuts the gate and makes TryWriteLine decline the next n lines;
// the returned func opens it again.
func (g *gatedTransport) stall(n int) (open func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.shut, g.decline = make(chan struct{}), n
	shut := g.shut
	return func() {
		g.mu.Lock()
		g.shut = nil
		g.mu.Unlock()
		close(shut)
	}
}

func (g *gatedTransport) counts() (direct, queued int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.direct, g.queued
}

// received records the device lines a refhost received, in its order.
type received struct {
	mu    sync.Mutex
	lines []string
	more  chan struct{}
}

func newReceived() *received { return &received{more: make(chan struct{}, 1)} }

func (r *received) onLine(_ string, dir phoneapi.Direction, line string) {
	if dir != phoneapi.Received {
		return
	}
	r.mu.Lock()
	r.lines = append(r.lines, line)
	r.mu.Unlock()
	select {
	case r.more <- struct{}{}:
	default:
	}
}

// waitFor waits until line has been received and returns every line
// received after the first mark (all of them for mark "").
func (r *received) waitFor(t *testing.T, mark, line string) []string {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		r.mu.Lock()
		got := slices.Clone(r.lines)
		r.mu.Unlock()
		if mark != "" {
			if i := slices.Index(got, mark); i >= 0 {
				got = got[i+1:]
			} else {
				got = nil
			}
		}
		if slices.Contains(got, line) {
			return got
		}
		select {
		case <-r.more:
		case <-deadline:
			t.Fatalf("%q never reached the host after %q; it received %q", line, mark, got)
		}
	}
}

// TestDirectSendNeverOvertakes proves the owner's direct sends keep the
// host's order and never wait for a host: while a command waits in the
// sender for a host that stopped reading, later commands queue behind it
// even though the transport would take them at once; the handset still
// lights its Off-Hook LED meanwhile; once the host reads again everything
// arrives in the order pressed; and with the outbox idle again the next
// key goes out directly, after all of it.
func TestDirectSendNeverOvertakes(t *testing.T) {
	rec := newReceived()
	host := refhost.New(refhost.Options{OnLine: rec.onLine})
	var g *gatedTransport
	dial := pipeDial(t, host, func(dev phoneapi.Transport) phoneapi.Transport {
		g = &gatedTransport{Transport: dev}
		return g
	})
	hs, obs := startDriver(t, Config{Dial: dial})
	obs.wait(t, "host up", func(o Observation, _ int) bool { return o.HostUp })
	rec.waitFor(t, "", "HOOK ON")
	if err := hs.Tap("1"); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "", "BTN_RELEASED 1")

	open := g.stall(1) // BTN_PRESSED 2 is declined and waits in the sender
	for _, k := range []string{"2", "3", "4"} {
		if err := hs.Tap(k); err != nil {
			t.Fatal(err)
		}
	}
	if err := hs.HookOff(); err != nil {
		t.Fatal(err)
	}
	obs.wait(t, "Off-Hook LED lit while the host is not reading", func(o Observation, _ int) bool {
		return o.Output.LEDs.OffHook && o.Events >= 8
	})
	open()
	want := []string{"BTN_PRESSED 2", "BTN_RELEASED 2", "BTN_PRESSED 3", "BTN_RELEASED 3",
		"BTN_PRESSED 4", "BTN_RELEASED 4", "HOOK OFF"}
	if got := rec.waitFor(t, "BTN_RELEASED 1", "HOOK OFF"); !slices.Equal(got, want) {
		t.Fatalf("after the stall the host received %q, want %q", got, want)
	}

	direct, _ := g.counts()
	// The sender marks the last line done just after writing it; a key in
	// that instant joins the outbox, so tap until one goes out directly.
	for i := 0; ; i++ {
		if err := hs.Tap("5"); err != nil {
			t.Fatal(err)
		}
		rec.waitFor(t, "HOOK OFF", "BTN_RELEASED 5")
		if d, _ := g.counts(); d > direct {
			break
		}
		if i == 10 {
			t.Fatal("no key went out directly with the outbox idle")
		}
	}
	got := rec.waitFor(t, "HOOK OFF", "BTN_RELEASED 5")
	for i, l := range got {
		if want := []string{"BTN_PRESSED 5", "BTN_RELEASED 5"}[i%2]; l != want {
			t.Fatalf("after HOOK OFF the host received %q, want press/release pairs of key 5", got)
		}
	}
	if o := obs.wait(t, "all events", func(o Observation, _ int) bool { return o.Events >= 10 }); o.Dropped != 0 {
		t.Errorf("%d commands dropped with an outbox of 64", o.Dropped)
	}
}

// TestDirectSendFailureQueues proves a direct write that fails loses
// nothing: the command joins the outbox and reaches the host in its place.
func TestDirectSendFailureQueues(t *testing.T) {
	rec := newReceived()
	host := refhost.New(refhost.Options{OnLine: rec.onLine})
	var g *gatedTransport
	dial := pipeDial(t, host, func(dev phoneapi.Transport) phoneapi.Transport {
		g = &gatedTransport{Transport: dev, failLine: "BTN_PRESSED 1"}
		return g
	})
	hs, obs := startDriver(t, Config{Dial: dial})
	obs.wait(t, "host up", func(o Observation, _ int) bool { return o.HostUp })
	rec.waitFor(t, "", "HOOK ON")
	d0, q0 := g.counts()
	if err := hs.Press("1"); err != nil {
		t.Fatal(err)
	}
	if got := rec.waitFor(t, "HOOK ON", "BTN_PRESSED 1"); !slices.Equal(got, []string{"BTN_PRESSED 1"}) {
		t.Fatalf("host received %q, want the failed direct line once", got)
	}
	if d, q := g.counts(); d != d0 || q != q0+1 {
		t.Errorf("direct %d → %d, queued %d → %d; want the key through the outbox only", d0, d, q0, q)
	}
}

// slowCloseTransport fails WriteLine for one line, as a broken link does,
// and holds Close until let go, so the session lingers after the failure;
// it records the lines written after the failure.
type slowCloseTransport struct {
	phoneapi.Transport
	failLine string
	failed   atomic.Bool
	failedCh chan struct{} // closed at the failure
	closing  chan struct{}
	mu       sync.Mutex
	after    []string
}

func (s *slowCloseTransport) TryWriteLine(line string) (bool, error) {
	if line == s.failLine && !s.failed.Load() {
		return false, nil // to the sender, which fails on it
	}
	if err := s.Transport.WriteLine(context.Background(), line); err != nil {
		return false, err
	}
	s.record(line)
	return true, nil
}

func (s *slowCloseTransport) WriteLine(ctx context.Context, line string) error {
	if line == s.failLine && s.failed.CompareAndSwap(false, true) {
		close(s.failedCh)
		return errors.New("write: broken pipe")
	}
	if err := s.Transport.WriteLine(ctx, line); err != nil {
		return err
	}
	s.record(line)
	return nil
}

func (s *slowCloseTransport) record(line string) {
	if s.failed.Load() {
		s.mu.Lock()
		s.after = append(s.after, line)
		s.mu.Unlock()
	}
}

func (s *slowCloseTransport) Close() error {
	select {
	case <-s.closing:
	case <-time.After(waitLimit):
	}
	return s.Transport.Close()
}

// TestDirectSendStopsAfterFailure proves that once the sender met a
// failing link, nothing more reaches that session directly, though it is
// not closed yet: a key pressed then waits for the next session (which
// gets the hook state), so the host never sees a line that overtook the
// failed one.
func TestDirectSendStopsAfterFailure(t *testing.T) {
	host := refhost.New(refhost.Options{})
	var mu sync.Mutex
	var sessions []*slowCloseTransport
	closing := make(chan struct{})
	dial := pipeDial(t, host, func(dev phoneapi.Transport) phoneapi.Transport {
		s := &slowCloseTransport{Transport: dev, failLine: "BTN_PRESSED 1", failedCh: make(chan struct{}), closing: closing}
		mu.Lock()
		sessions = append(sessions, s)
		mu.Unlock()
		return s
	})
	var letGo sync.Once
	t.Cleanup(func() { letGo.Do(func() { close(closing) }) }) // after the driver's, before the host's
	hs, obs := startDriver(t, Config{Dial: dial, RetryMin: time.Millisecond, RetryMax: 10 * time.Millisecond})
	first := obs.wait(t, "host up", func(o Observation, _ int) bool { return o.HostUp })
	mu.Lock()
	s := sessions[0]
	mu.Unlock()
	if err := hs.Press("1"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.failedCh:
	case <-time.After(waitLimit):
		t.Fatal("the failing send never happened")
	}
	if err := hs.Release("1"); err != nil {
		t.Fatal(err)
	}
	obs.wait(t, "the release decoded", func(o Observation, _ int) bool { return o.Events >= first.Events+2 })
	letGo.Do(func() { close(closing) })
	s.mu.Lock()
	after := slices.Clone(s.after)
	s.mu.Unlock()
	if len(after) != 0 {
		t.Fatalf("after the failed BTN_PRESSED 1 the failing session still got %q", after)
	}
	obs.wait(t, "host up again", func(o Observation, downs int) bool { return o.HostUp && downs >= 1 })
}
