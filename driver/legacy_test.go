package driver

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/internal/clock"
	"github.com/handsetd/handsetd/keymap"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

// TestHandsetDisplay proves what a handset with a display shows: the
// digits being dialled, with or without a host (C takes one back, NO clears
// them), the caller while
// it rings, the other party and the call clock during a call (moved forward
// to the host's DURATION), and that a handset without a display only gets
// the other party's name.
func TestHandsetDisplay(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	key := func(k string) keymap.Event { return keymap.Event{Kind: keymap.EventKey, Key: k, Pressed: true} }
	var h Handset
	h.SetDisplay(true)
	h.Event(key("4"))
	if got := h.Output().LCD; got != "4" {
		t.Errorf("typing with no host: %q", got)
	}
	h.Event(key("NO"))
	h.HostUp(true)
	for _, k := range []string{"1", "2", "3", "C", "#", "UP"} {
		h.Event(key(k))
	}
	if got := h.Output().LCD; got != "12#" {
		t.Errorf("dialling: %q", got)
	}
	h.Event(key("NO"))
	if got := h.Output().LCD; got != "" {
		t.Errorf("after NO: %q", got)
	}
	h.Event(key("7"))
	h.HostCalls(true, false, false, "Alice")
	h.HostCallClock(true, 0, 0, t0)
	h.Event(key("9")) // digits during ringing are not dialling
	if got := h.Output().LCD; got != "Alice" {
		t.Errorf("ringing: %q", got)
	}
	h.HostCalls(false, true, false, "Alice")
	h.HostCallClock(true, 4, 0, t0)
	if next := h.Tick(t0.Add(65*time.Second + 300*time.Millisecond)); !next.Equal(t0.Add(66 * time.Second)) {
		t.Errorf("next tick %v", next)
	}
	if got := h.Output().LCD; got != "Alice\n1:05" {
		t.Errorf("in call: %q", got)
	}
	h.HostCallClock(true, 4, 600, t0.Add(70*time.Second)) // the host knows better
	if got := h.Output().LCD; got != "Alice\n10:00" {
		t.Errorf("after DURATION: %q", got)
	}
	h.HostCalls(false, false, false, "")
	h.HostCallClock(false, 0, 0, t0.Add(80*time.Second))
	if got, next := h.Output().LCD, h.Tick(t0.Add(81*time.Second)); got != "" || !next.IsZero() {
		t.Errorf("after the call: %q, next tick %v", got, next)
	}

	var plain Handset
	plain.HostUp(true)
	plain.Event(key("5"))
	plain.HostCalls(false, true, false, "Bob")
	plain.HostCallClock(true, 1, 0, t0)
	if got := plain.Output().LCD; got != "Bob" {
		t.Errorf("no display: %q", got)
	}
}

// faultyDevice damages chosen packets between the driver and a simulated
// phone: of every nth output report, in turn, one gets a wrong checksum, one
// is cut short and one carries an unknown command; every mth input report
// gets a wrong checksum.
type faultyDevice struct {
	hid.Device
	mu         sync.Mutex
	outN, inN  int
	outs, ins  int
	damagedOut int
	damagedIn  int
}

func (f *faultyDevice) WriteOutput(r []byte) error {
	f.mu.Lock()
	f.outs++
	if f.outN > 0 && len(r) > 2 {
		r = append([]byte(nil), r...)
		switch f.outs % (3 * f.outN) {
		case 0: // wrong checksum
			r[len(r)-1]++
			f.damagedOut++
		case f.outN: // short packet
			r = r[:len(r)/2]
			f.damagedOut++
		case 2 * f.outN: // a command the phone does not know, summed right
			r[len(r)-1] += r[1] - 0x77
			r[1] = 0x77
			f.damagedOut++
		}
	}
	f.mu.Unlock()
	return f.Device.WriteOutput(r)
}

func (f *faultyDevice) ReadInput(ctx context.Context, p []byte) (int, error) {
	n, err := f.Device.ReadInput(ctx, p)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ins++
	if err == nil && f.inN > 0 && f.ins%f.inN == 0 && n > 2 {
		p[n-1]++
		f.damagedIn++
	}
	return n, err
}

// hostPipe is a reference Host served over an in-memory pipe, recording the
// lines it receives.
type hostPipe struct {
	host  *refhost.Host
	mu    sync.Mutex
	lines []string
	grew  chan struct{}
}

func newHostPipe(t *testing.T, ctx context.Context) (*hostPipe, func(context.Context) (Session, error)) {
	hp := &hostPipe{grew: make(chan struct{})}
	hp.host = refhost.New(refhost.Options{OnLine: func(_ string, d phoneapi.Direction, line string) {
		if d == phoneapi.Received {
			hp.mu.Lock()
			hp.lines = append(hp.lines, line)
			close(hp.grew)
			hp.grew = make(chan struct{})
			hp.mu.Unlock()
		}
	}})
	var once sync.Once
	dial := func(ctx context.Context) (Session, error) {
		var s Session
		once.Do(func() {
			dev, hostEnd := phoneapi.Pipe()
			go func() { _ = hp.host.Serve(ctx, hostEnd) }()
			s = NewClientSession(dev, phoneapi.ClientOptions{})
		})
		if s == nil {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return s, nil
	}
	return hp, dial
}

func (hp *hostPipe) wait(t *testing.T, line string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		hp.mu.Lock()
		got, ch := append([]string(nil), hp.lines...), hp.grew
		hp.mu.Unlock()
		for _, l := range got {
			if l == line {
				return
			}
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("no %q; got %q", line, got)
		}
	}
}

// TestDriverRecoversFromBadPackets proves the driver keeps a Yealink phone
// working through damaged packets both ways: outgoing packets with a wrong
// checksum, cut short or with an unknown command (the phone answers 0xfd,
// the profile asks again and re-sends its state) and incoming replies with a wrong checksum (skipped as malformed;
// the profile asks again after its timeout). Keys still arrive, the LCD
// ends up right, and the phone counted the packets it rejected.
func TestDriverRecoversFromBadPackets(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sim, err := firmwaresim.New("yealink-p1k", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	var fd *faultyDevice
	var mu sync.Mutex
	hp, dial := newHostPipe(t, ctx)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{
			Open: func(ctx context.Context) (hid.Device, error) {
				d, err := sim.Open(ctx)
				if err != nil {
					return nil, err
				}
				mu.Lock()
				defer mu.Unlock()
				fd = &faultyDevice{Device: d, outN: 7, inN: 5}
				return fd, nil
			},
			Dial:  dial,
			Clock: clock.Real{},
		})
	}()
	hp.wait(t, "HOOK ON")
	for _, k := range []string{"1", "2", "3", "4"} {
		if err := sim.Press(k); err != nil {
			t.Fatal(err)
		}
		hp.wait(t, "BTN_PRESSED "+k)
		if err := sim.Release(k); err != nil {
			t.Fatal(err)
		}
		hp.wait(t, "BTN_RELEASED "+k)
	}
	deadline := time.After(10 * time.Second)
	for {
		ch := sim.Changed()
		if s := sim.State(); s.LCD == "1234" && s.BadPackets > 0 {
			break
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("LCD never settled: %+v", sim.State())
		}
	}
	mu.Lock()
	f := fd
	mu.Unlock()
	f.mu.Lock()
	if f.damagedIn == 0 || f.damagedOut == 0 {
		t.Errorf("nothing was damaged: in %d out %d", f.damagedIn, f.damagedOut)
	}
	f.mu.Unlock()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}

// TestTalkerOnFakeClock proves the owner paces a talking profile on the
// injected clock alone: with the fake clock standing still the CM109's
// buzzer stays on, and advancing it by RingOn switches the buzzer off.
func TestTalkerOnFakeClock(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sim, err := firmwaresim.New("cm109-gtalk", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	fake := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	hp, dial := newHostPipe(t, ctx)
	go func() {
		_ = Run(ctx, Config{
			Open: sim.Open,
			Profile: func(info hid.Info, d []byte) (keymap.Profile, error) {
				return keymap.ForDeviceWith(info, d, keymap.Options{CM109Model: "gtalk"})
			},
			Dial:  dial,
			Clock: fake,
		})
	}()
	hp.wait(t, "HOOK ON")
	if r := hp.host.Exec("call in bob"); !strings.HasPrefix(r, "ok") {
		t.Fatal(r)
	}
	waitSim := func(what string, ok func(firmwaresim.State) bool) {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for {
			ch := sim.Changed()
			if ok(sim.State()) {
				return
			}
			select {
			case <-ch:
			case <-deadline:
				t.Fatalf("%s: %+v", what, sim.State())
			}
		}
	}
	waitSim("buzzer on", func(s firmwaresim.State) bool { return s.Ringing })
	fake.Advance(keymap.RingOn)
	waitSim("buzzer off in cadence", func(s firmwaresim.State) bool { return !s.Ringing })
	fake.Advance(keymap.RingOff)
	waitSim("buzzer on again", func(s firmwaresim.State) bool { return s.Ringing })
}
