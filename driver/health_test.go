package driver

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/clock"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

const waitLimit = 10 * time.Second

// hungTransport passes the first allow writes, then hangs every write until
// its ctx ends: a host that still talks but stopped reading.
type hungTransport struct {
	phoneapi.Transport
	allow  int32
	writes atomic.Int32
}

func (h *hungTransport) WriteLine(ctx context.Context, line string) error {
	if h.writes.Add(1) > h.allow {
		<-ctx.Done()
		return ctx.Err()
	}
	return h.Transport.WriteLine(ctx, line)
}

// observer keeps the newest Observation and wakes waiters on each one.
type observer struct {
	mu      sync.Mutex
	last    Observation
	changed chan struct{}
	downs   int // HostUp true → false transitions
}

func newObserver() *observer { return &observer{changed: make(chan struct{})} }

func (o *observer) observe(ob Observation) {
	o.mu.Lock()
	if o.last.HostUp && !ob.HostUp {
		o.downs++
	}
	o.last = ob
	close(o.changed)
	o.changed = make(chan struct{})
	o.mu.Unlock()
}

func (o *observer) wait(t *testing.T, what string, cond func(Observation, int) bool) Observation {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		o.mu.Lock()
		ob, downs, ch := o.last, o.downs, o.changed
		o.mu.Unlock()
		if cond(ob, downs) {
			return ob
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("timed out waiting for %s; last observation %+v", what, ob)
		}
	}
}

// startDriver runs the driver on a simulated handset with the given Dial.
func startDriver(t *testing.T, cfg Config) (*firmwaresim.Handset, *observer) {
	t.Helper()
	hs, err := firmwaresim.New("generic-telephony", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hs.Close() })
	obs := newObserver()
	cfg.Open = hs.Open
	cfg.Observe = obs.observe
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(waitLimit):
			t.Error("driver.Run did not return")
		}
	})
	return hs, obs
}

// pipeDial is a Config.Dial that serves host on a new in-memory pipe for
// each session and hands the driver the other end, through wrap when it
// is set (a transport that fails or stalls on purpose). Call it before
// startDriver: the host stops serving when the test ends, after the
// driver has.
func pipeDial(t *testing.T, host *refhost.Host, wrap func(phoneapi.Transport) phoneapi.Transport) func(context.Context) (Session, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var serving sync.WaitGroup
	t.Cleanup(func() { cancel(); serving.Wait() })
	return func(context.Context) (Session, error) {
		dev, hostEnd := phoneapi.Pipe()
		serving.Add(1)
		go func() {
			defer serving.Done()
			_ = host.Serve(ctx, hostEnd)
		}()
		var tr phoneapi.Transport = dev
		if wrap != nil {
			tr = wrap(dev)
		}
		return NewClientSession(tr, phoneapi.ClientOptions{}), nil
	}
}

// TestHungHostNeverStallsDevice proves that a host which stops reading
// does not stall the handset: ringing still reaches the device, key events
// beyond the bounded outbox are dropped and counted, HOOK is kept (coalesced),
// and memory stays bounded while thousands of keys are pressed.
func TestHungHostNeverStallsDevice(t *testing.T) {
	host := refhost.New(refhost.Options{})
	dial := pipeDial(t, host, func(dev phoneapi.Transport) phoneapi.Transport {
		// NAME and PROTOCOL pass; then the host never takes another line.
		return &hungTransport{Transport: dev, allow: 2}
	})
	const outbox = 16
	hs, obs := startDriver(t, Config{Dial: dial, OutboxSize: outbox})
	obs.wait(t, "host up", func(o Observation, _ int) bool { return o.HostUp })

	if got := host.Exec("call in alice Alice"); !strings.HasPrefix(got, "ok") {
		t.Fatal(got)
	}
	obs.wait(t, "ringing", func(o Observation, _ int) bool { return o.Output.Ringer })

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const taps = 3000
	for i := range taps {
		if err := hs.Tap(string(rune('0' + i%10))); err != nil {
			t.Fatal(err)
		}
	}
	if err := hs.HookOff(); err != nil {
		t.Fatal(err)
	}
	// Reports are decoded in order, so once the lift is seen every tap
	// before it has been decoded. How many key events that made depends on
	// timing: like hidraw, the simulated device keeps only the newest 64
	// reports for a reader that falls behind, so under load many taps
	// merge away. The bounds below therefore follow what the driver
	// observed, not the number of taps.
	ob := obs.wait(t, "hook seen", func(o Observation, _ int) bool { return o.OffHook })
	keys := ob.Events - 1 // every event but the lift is a key event, one command each
	if keys <= 2*outbox {
		// The device's last 64 reports are always read, so this means
		// key events went missing in the driver.
		t.Fatalf("only %d key events decoded from %d taps; want more than %d", keys, taps, 2*outbox)
	}
	// A hung host takes nothing after the handshake: at most the outbox's
	// worth of key commands is kept, every other one is dropped and
	// counted, and nothing else is dropped (HOOK is coalesced).
	if ob.Dropped < keys-outbox || ob.Dropped > keys {
		t.Errorf("dropped %d of %d key commands; want between %d and %d", ob.Dropped, keys, keys-outbox, keys)
	}
	t.Logf("%d taps: %d key events decoded, %d commands dropped", taps, keys, ob.Dropped)
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grow := int64(after.HeapAlloc) - int64(before.HeapAlloc); grow > 4<<20 {
		t.Errorf("heap grew by %d bytes for %d key taps; the outbox is not bounded", grow, taps)
	}
	if !ob.Output.LEDs.OffHook {
		t.Errorf("Off-Hook LED not lit after lifting: %+v", ob.Output)
	}
	// The host still reaches the device: the remote party hangs up.
	if got := host.Exec("hangup"); got != "ok" {
		t.Fatal(got)
	}
	// Off hook the ringer is already silent (call waiting rules); the Ring
	// LED going dark shows the host's hang-up arrived.
	obs.wait(t, "ringing stopped", func(o Observation, _ int) bool { return !o.Output.Ringer && !o.Output.LEDs.Ring })
	if st := hs.State(); st.Ringing {
		t.Errorf("simulated handset still rings: %+v", st)
	}
}

// TestKeepAliveDropsSilentHost proves the keep-alive: with PingInterval set,
// a host that stops answering is declared gone after one interval plus the
// reply timeout on the injected clock, and the handset shows "no host".
func TestKeepAliveDropsSilentHost(t *testing.T) {
	fc := clock.NewFake(time.Unix(0, 0))
	host := refhost.New(refhost.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	var serving sync.WaitGroup
	t.Cleanup(func() { cancel(); serving.Wait() }) // runs after the driver's cleanup
	var dials atomic.Int32
	dial := func(context.Context) (Session, error) {
		dials.Add(1)
		dev, hostEnd := phoneapi.Pipe()
		serving.Add(1)
		go func() {
			defer serving.Done()
			_ = host.Serve(ctx, hostEnd)
		}()
		// The handshake and the resync pass; PING never gets through.
		return NewClientSession(&hungTransport{Transport: dev, allow: 5},
			phoneapi.ClientOptions{Clock: fc, ReplyTimeout: 5 * time.Second}), nil
	}
	_, obs := startDriver(t, Config{Dial: dial, Clock: fc, PingInterval: 5 * time.Second})
	obs.wait(t, "host up", func(o Observation, _ int) bool { return o.HostUp })
	deadline := time.After(waitLimit)
	for {
		obs.mu.Lock()
		downs, changed := obs.downs, obs.changed
		obs.mu.Unlock()
		if downs > 0 {
			break
		}
		select {
		case <-fc.Armed():
		case <-changed:
		case <-deadline:
			t.Fatal("the silent host was never declared gone")
		}
		fc.Advance(5 * time.Second)
	}
	if fc.Now().Sub(time.Unix(0, 0)) < 10*time.Second {
		t.Errorf("host declared gone after %v; want one ping interval plus the reply timeout", fc.Now().Sub(time.Unix(0, 0)))
	}
}
