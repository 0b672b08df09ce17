package driver_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handsetd/handsetd/driver"
	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidtest"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

const waitLimit = 5 * time.Second

// rig is a simulated handset, the driver and a reference host, wired in one
// process through the same seams handsetd uses: the firmware model's
// hid.Device and a Phone API transport.
type rig struct {
	t   *testing.T
	sim *firmwaresim.Handset

	mu      sync.Mutex
	host    *refhost.Host
	conns   []phoneapi.Transport // host ends of the driver's connections
	down    bool                 // the host refuses connections
	traffic []string             // "<- LINE" from the driver, "-> LINE" to it
	used    map[int]bool
	poke    chan struct{}

	ringedAt []string // traffic length each time the handset started ringing
}

func newRig(t *testing.T, cfg driver.Config) *rig {
	t.Helper()
	sim, err := firmwaresim.New("generic-telephony", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, sim: sim, used: map[int]bool{}, poke: make(chan struct{}, 1)}
	r.host = r.newHost()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	if cfg.Open == nil {
		cfg.Open = sim.Open
	}
	cfg.Dial = r.dial(ctx)
	go func() { done <- driver.Run(ctx, cfg) }()
	go r.watchRinging(ctx)
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("driver.Run: %v", err)
			}
		case <-time.After(waitLimit):
			t.Error("driver.Run did not return after cancel")
		}
		sim.Close()
	})
	return r
}

func (r *rig) newHost() *refhost.Host {
	return refhost.New(refhost.Options{OnLine: func(_ string, dir phoneapi.Direction, line string) {
		r.mu.Lock()
		r.traffic = append(r.traffic, dir.String()+" "+line)
		r.mu.Unlock()
		r.wake()
	}})
}

func (r *rig) wake() {
	select {
	case r.poke <- struct{}{}:
	default:
	}
}

func (r *rig) dial(ctx context.Context) func(context.Context) (driver.Session, error) {
	return func(context.Context) (driver.Session, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.down {
			return nil, errors.New("connection refused")
		}
		a, b := phoneapi.Pipe()
		r.conns = append(r.conns, b)
		host := r.host
		go func() {
			host.Serve(ctx, b)
			r.wake() // a connection ending is news to waitFor
		}()
		return driver.NewClientSession(a, phoneapi.ClientOptions{}), nil
	}
}

// restartHost drops every connection and brings up a fresh host, as when the
// host process is killed and started again.
func (r *rig) restartHost() {
	r.mu.Lock()
	conns := r.conns
	r.conns = nil
	r.host = r.newHost()
	r.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

func (r *rig) setHostDown(down bool) {
	r.mu.Lock()
	r.down = down
	conns := r.conns
	if down {
		r.conns = nil
	}
	r.mu.Unlock()
	if down {
		for _, c := range conns {
			c.Close()
		}
	}
}

func (r *rig) watchRinging(ctx context.Context) {
	was := false
	for {
		ch := r.sim.Changed()
		if now := r.sim.State().Ringing; now != was {
			was = now
			if now {
				r.mu.Lock()
				r.ringedAt = append(r.ringedAt, fmt.Sprint(len(r.traffic)))
				r.mu.Unlock()
				r.wake()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ch:
		}
	}
}

func (r *rig) do(cmd string) {
	r.t.Helper()
	if got := r.sim.Exec(cmd); got != "ok" {
		r.t.Fatalf("phonesim %q: %s", cmd, got)
	}
}

func (r *rig) hostDo(cmd string) string {
	r.t.Helper()
	r.mu.Lock()
	h := r.host
	r.mu.Unlock()
	got := h.Exec(cmd)
	if strings.HasPrefix(got, "error") {
		r.t.Fatalf("host %q: %s", cmd, got)
	}
	return got
}

// waitLine waits for the first traffic line equal to want that no earlier
// wait matched.
func (r *rig) waitLine(want string) {
	r.t.Helper()
	r.waitFor(func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		for i, l := range r.traffic {
			if !r.used[i] && l == want {
				r.used[i] = true
				return true
			}
		}
		return false
	}, func() string { return fmt.Sprintf("traffic line %q; traffic so far:\n%s", want, r.dump()) })
}

func (r *rig) dump() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.traffic, "\n")
}

// waitState waits until the simulated handset's state satisfies ok.
func (r *rig) waitState(what string, ok func(firmwaresim.State) bool) {
	r.t.Helper()
	r.waitFor(func() bool { return ok(r.sim.State()) }, func() string {
		return fmt.Sprintf("handset state: %s; it is %+v", what, r.sim.State())
	})
}

func (r *rig) waitFor(cond func() bool, what func() string) {
	r.t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	// Some of the host's state changes without a line (a client's
	// connection closing), so cond is also re-checked now and then.
	recheck := time.NewTicker(20 * time.Millisecond)
	defer recheck.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			r.t.Fatalf("timed out waiting for %s", what())
		case <-r.poke:
		case <-r.sim.Changed():
		case <-recheck.C:
		}
	}
}

// received lists what the host received, in order.
func (r *rig) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, l := range r.traffic {
		if s, ok := strings.CutPrefix(l, "<- "); ok {
			out = append(out, s)
		}
	}
	return out
}

// TestHandshakeAnnouncesTheHandsetInOrder proves the driver's first words
// to a host are NAME, PROTOCOL (the highest we speak), AUDIO_IN, AUDIO_OUT and
// the current HOOK state, in that order.
func TestHandshakeAnnouncesTheHandsetInOrder(t *testing.T) {
	r := newRig(t, driver.Config{})
	r.waitLine("<- HOOK ON")
	want := []string{"NAME Generic USB Telephony Handset", "PROTOCOL 5", "AUDIO_IN", "AUDIO_OUT", "HOOK ON"}
	if got := r.received(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("host received %q, want %q", got, want)
	}
}

// TestHookKeysAndMuteReachTheHost proves the toggle-button hook and mute of
// a headset become HOOK/MUTE commands, the driver acknowledges them on the
// LEDs so the headset does not revert, keys become BTN_PRESSED/BTN_RELEASED,
// and the host's refusal to mute outside a call turns the mute LED back off.
func TestHookKeysAndMuteReachTheHost(t *testing.T) {
	r := newRig(t, driver.Config{Name: "desk phone"})
	r.waitLine("<- HOOK ON")
	r.do("hook off")
	r.waitLine("<- HOOK OFF")
	r.waitState("off-hook acknowledged", func(s firmwaresim.State) bool { return s.LEDs.OffHook && !s.HookPending && s.Hook == "off" })
	for _, k := range []string{"1", "*", "#", "D", "YES", "NO", "F", "R"} {
		r.do("tap " + k)
		r.waitLine("<- BTN_PRESSED " + k)
		r.waitLine("<- BTN_RELEASED " + k)
	}
	r.do("mute")
	r.waitLine("<- MUTE ON")
	// No call is in progress, so the host says mute is off (seed 1.2 §7.9.2 GET MUTE).
	r.waitLine("-> MUTE OFF")
	r.waitState("mute LED off again", func(s firmwaresim.State) bool { return !s.LEDs.Mute })
	r.do("hook on")
	r.waitLine("<- HOOK ON")
	r.waitState("on-hook acknowledged", func(s firmwaresim.State) bool { return !s.LEDs.OffHook && s.Hook == "on" })
	if got := r.received()[0]; got != "NAME desk phone" {
		t.Fatalf("first line %q, want the configured NAME", got)
	}
}

// TestIncomingCallRingsUntilLifted proves an incoming call rings the handset
// (ringer and ring LED), lifting it answers the call at the host, and the
// ringing stops.
func TestIncomingCallRingsUntilLifted(t *testing.T) {
	r := newRig(t, driver.Config{})
	r.waitLine("<- HOOK ON")
	r.hostDo("call in alice Alice Liddell")
	r.waitState("ringing", func(s firmwaresim.State) bool { return s.Ringing && s.LEDs.Ring })
	r.do("hook off")
	r.waitLine("<- HOOK OFF")
	r.waitLine("-> CALL 1001 STATUS INPROGRESS")
	r.waitState("silent, off hook", func(s firmwaresim.State) bool { return !s.Ringing && !s.LEDs.Ring && s.LEDs.OffHook })
	// Mute both ways during the call: the button, then the host.
	r.do("mute")
	r.waitLine("<- MUTE ON")
	r.waitState("muted", func(s firmwaresim.State) bool { return s.LEDs.Mute })
	r.hostDo("mute off")
	r.waitState("unmuted by the host", func(s firmwaresim.State) bool { return !s.LEDs.Mute })
	r.hostDo("mute on")
	r.waitState("muted by the host", func(s firmwaresim.State) bool { return s.LEDs.Mute })
	r.hostDo("hangup")
	r.waitLine("-> CALL 1001 STATUS FINISHED")
	r.waitState("mute cleared when the call ended", func(s firmwaresim.State) bool { return !s.LEDs.Mute })
}

// TestRingbackDoesNotRingTheHandset proves an outgoing call that rings at
// the far end (ringback) never rings the handset itself.
func TestRingbackDoesNotRingTheHandset(t *testing.T) {
	r := newRig(t, driver.Config{})
	r.waitLine("<- HOOK ON")
	r.do("hook off")
	for _, k := range []string{"5", "5", "5", "YES"} {
		r.do("tap " + k)
	}
	r.waitLine("-> CALL 1001 STATUS RINGING")
	r.hostDo("answer")
	r.waitLine("-> CALL 1001 STATUS INPROGRESS")
	r.do("hook on")
	r.waitLine("-> CALL 1001 STATUS FINISHED")
	// A ringing incoming call afterwards does ring: the check above is not
	// vacuous.
	r.hostDo("call in bob")
	r.waitFor(func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return len(r.ringedAt) > 0
	}, func() string { return "the incoming call to ring; traffic:\n" + r.dump() })
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ringedAt) != 1 {
		t.Fatalf("the handset started ringing %d times (at traffic %v), want once, for the incoming call", len(r.ringedAt), r.ringedAt)
	}
}

// TestHostRestartResyncsAndSilences proves that when the host goes away the
// handset stops ringing, and when a host comes back the driver announces
// itself again with the current hook state.
func TestHostRestartResyncsAndSilences(t *testing.T) {
	r := newRig(t, driver.Config{})
	r.waitLine("<- HOOK ON")
	r.hostDo("call in carol")
	r.waitState("ringing", func(s firmwaresim.State) bool { return s.Ringing })
	r.setHostDown(true)
	r.waitState("silent without a host", func(s firmwaresim.State) bool { return !s.Ringing && !s.LEDs.Ring })
	r.do("hook off") // lifted while no host: the state waits for the next host
	r.waitState("off-hook acknowledged without a host", func(s firmwaresim.State) bool { return s.LEDs.OffHook && !s.HookPending })
	r.setHostDown(false)
	r.restartHost()
	r.waitLine("<- HOOK OFF")
	got := r.received()
	tail := got[len(got)-5:]
	want := []string{"NAME Generic USB Telephony Handset", "PROTOCOL 5", "AUDIO_IN", "AUDIO_OUT", "HOOK OFF"}
	if strings.Join(tail, "|") != strings.Join(want, "|") {
		t.Fatalf("after the restart the host received %q, want %q", tail, want)
	}
}

// TestUnplugMidCallHangsUpThenReopens proves a handset unplugged during a
// call tells the host HOOK ON before its connection closes (a host must not
// keep a call up for a handset that is gone: the reference host ends it),
// is reopened when it comes back, greets the host again with its real state
// (on hook, as a replugged headset powers up), and works again.
func TestUnplugMidCallHangsUpThenReopens(t *testing.T) {
	r := newRig(t, driver.Config{})
	r.waitLine("<- HOOK ON")
	r.hostDo("call in dave")
	r.do("hook off")
	r.waitLine("<- HOOK OFF")
	r.waitLine("-> CALL 1001 STATUS INPROGRESS")
	r.do("unplug")
	r.waitLine("<- HOOK ON")
	r.waitLine("-> CALL 1001 STATUS FINISHED")
	r.waitFor(func() bool { return !strings.Contains(r.hostDo("state"), `"clients":[{`) },
		func() string { return "the host to see the handset's connection close" })
	r.do("plug")
	r.waitLine("<- NAME Generic USB Telephony Handset")
	r.waitLine("<- HOOK ON")
	r.do("tap 7")
	r.waitLine("<- BTN_PRESSED 7")
	r.do("hook off")
	r.waitLine("<- HOOK OFF")
}

// TestMalformedReportsAreSkipped proves a short or unknown report is counted
// and skipped, and the reports after it still work.
func TestMalformedReportsAreSkipped(t *testing.T) {
	sim, err := firmwaresim.New("generic-telephony", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fake := hidtest.NewFake(hid.Info{Product: "fake headset"}, sim.Descriptor())
	r := newRig(t, driver.Config{Open: func(context.Context) (hid.Device, error) { return fake, nil }})
	r.waitLine("<- HOOK ON")
	fake.Input([]byte{0x01})                   // too short
	fake.Input([]byte{0x7f, 0, 0, 0})          // no such report id
	fake.Input([]byte{0x01, 0x01, 0x00, 0x00}) // hook toggle pressed
	r.waitLine("<- HOOK OFF")
}

// hungTransport answers the handshake, then never completes a write: a host
// that stopped reading.
type hungTransport struct {
	phoneapi.Transport
	mu     sync.Mutex
	writes int
}

func (h *hungTransport) WriteLine(ctx context.Context, line string) error {
	h.mu.Lock()
	h.writes++
	n := h.writes
	h.mu.Unlock()
	if n <= 2 {
		return h.Transport.WriteLine(ctx, line)
	}
	<-ctx.Done()
	return ctx.Err()
}

// TestHungHostNeverStallsTheHandset proves that with a host that stops
// reading, the handset keeps acknowledging hook changes on its LEDs, and the
// queued commands stay bounded: key events beyond the outbox are dropped and
// counted.
func TestHungHostNeverStallsTheHandset(t *testing.T) {
	sim, err := firmwaresim.New("generic-telephony", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	var mu sync.Mutex
	var last driver.Observation
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	host := refhost.New(refhost.Options{})
	done := make(chan error, 1)
	go func() {
		done <- driver.Run(ctx, driver.Config{
			Open:       sim.Open,
			OutboxSize: 8,
			Dial: func(context.Context) (driver.Session, error) {
				a, b := phoneapi.Pipe()
				go host.Serve(ctx, b)
				return driver.NewClientSession(&hungTransport{Transport: a}, phoneapi.ClientOptions{}), nil
			},
			Observe: func(o driver.Observation) { mu.Lock(); last = o; mu.Unlock() },
		})
	}()
	observed := func(what string, ok func(driver.Observation) bool) {
		t.Helper()
		deadline := time.Now().Add(waitLimit)
		for {
			mu.Lock()
			o := last
			mu.Unlock()
			if ok(o) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; last observation %+v", what, o)
			}
			select {
			case <-sim.Changed():
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	observed("host up", func(o driver.Observation) bool { return o.HostUp })
	for i := range 50 {
		if err := sim.Tap(fmt.Sprint(i % 10)); err != nil {
			t.Fatal(err)
		}
	}
	if err := sim.HookOff(); err != nil {
		t.Fatal(err)
	}
	observed("off-hook applied while the host hangs", func(o driver.Observation) bool { return o.Output.LEDs.OffHook })
	st := sim.State()
	if st.Hook != "off" || !st.LEDs.OffHook {
		t.Fatalf("handset state %+v, want off hook and acknowledged", st)
	}
	// The sender hangs on AUDIO_IN; AUDIO_OUT and HOOK wait in the outbox of
	// 8 (the later HOOK OFF replaces HOOK ON), so all but 6 key events (7 if
	// the first key arrived before the sender took AUDIO_IN) are dropped.
	var o driver.Observation
	observed("the hook and all keys processed", func(ob driver.Observation) bool { o = ob; return ob.Events >= 10 && ob.Output.LEDs.OffHook })
	keys := o.Events - 1
	if o.Dropped < keys-7 || o.Dropped > keys-6 {
		t.Fatalf("%d key events, %d dropped: want all but 6 or 7 dropped", keys, o.Dropped)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("driver.Run: %v", err)
	}
}
