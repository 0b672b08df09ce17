package driver

import (
	"bytes"
	"context"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidrec"
	"github.com/handsetd/handsetd/hid/hidtest"
	"github.com/handsetd/handsetd/internal/clock"
	"github.com/handsetd/handsetd/phoneapi"
)

// scriptedSession is a host the test speaks for: it records what the driver
// sends and hands the driver the updates the test pushes.
type scriptedSession struct {
	mu      sync.Mutex
	sent    []string
	grew    chan struct{}
	updates chan phoneapi.Update
}

func newScriptedSession() *scriptedSession {
	return &scriptedSession{grew: make(chan struct{}), updates: make(chan phoneapi.Update, 8)}
}

func (s *scriptedSession) Handshake(context.Context, string) (int, error) { return 4, nil }
func (s *scriptedSession) Run(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}
func (s *scriptedSession) Send(_ context.Context, c phoneapi.Command) error {
	s.mu.Lock()
	s.sent = append(s.sent, string(c))
	close(s.grew)
	s.grew = make(chan struct{})
	s.mu.Unlock()
	return nil
}
func (s *scriptedSession) Updates() <-chan phoneapi.Update { return s.updates }
func (s *scriptedSession) Close() error                    { return nil }

func (s *scriptedSession) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// waitCount waits until line has been sent n times in all.
func (s *scriptedSession) waitCount(t *testing.T, line string, n int) {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		s.mu.Lock()
		got, ch := 0, s.grew
		for _, l := range s.sent {
			if l == line {
				got++
			}
		}
		s.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("%q sent %d times, want %d; sent %q", line, got, n, s.lines())
		}
	}
}

// echoRig is the driver on a fake device with a scripted host and a fake
// clock.
type echoRig struct {
	dev  *hidtest.Fake
	host *scriptedSession
	clk  *clock.Fake
}

func startEchoRig(t *testing.T, desc []byte) *echoRig {
	t.Helper()
	r := &echoRig{
		dev:  hidtest.NewFake(hid.Info{Product: "echo test", VendorID: 0x0b0e, ProductID: 0x24c9}, desc),
		host: newScriptedSession(),
		clk:  clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
	}
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	dial := func(ctx context.Context) (Session, error) {
		var s Session
		once.Do(func() { s = r.host })
		if s == nil {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return s, nil
	}
	opened := false
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{
			Open: func(ctx context.Context) (hid.Device, error) {
				if opened {
					<-ctx.Done()
					return nil, ctx.Err()
				}
				opened = true
				return r.dev, nil
			},
			Dial:  dial,
			Clock: r.clk,
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	r.host.waitCount(t, "HOOK ON", 1) // the resync after the handshake
	return r
}

// waitOutput waits for an output report written after the first `after`
// ones that satisfies ok, and returns how many reports there are then.
func (r *echoRig) waitOutput(t *testing.T, after int, what string, ok func([]byte) bool) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	for n := after + 1; ; n++ {
		outs, err := r.dev.WaitOutputs(ctx, n)
		if err != nil {
			t.Fatalf("%s: %v; outputs % x", what, err, r.dev.Outputs())
		}
		if ok(outs[n-1]) {
			return n
		}
	}
}

// step is one thing that happens during a test: the device sends a report,
// the host sends an update, or time passes.
type step struct {
	input   []byte
	update  *phoneapi.Update
	advance time.Duration
	// thenLine, when set, waits for the driver to send that line (its nth
	// time in all: count, default 1) before the next step.
	thenLine string
	count    int
	// thenOutput, when set, waits for an output report it accepts.
	thenOutput func([]byte) bool
}

func (r *echoRig) run(t *testing.T, steps []step) {
	t.Helper()
	outs := len(r.dev.Outputs())
	for i, s := range steps {
		switch {
		case s.input != nil:
			r.dev.Input(s.input)
		case s.update != nil:
			r.host.updates <- *s.update
		case s.advance > 0:
			r.clk.Advance(s.advance)
		}
		if s.thenOutput != nil {
			outs = r.waitOutput(t, outs, "step "+string(rune('0'+i)), s.thenOutput)
		}
		if s.thenLine != "" {
			r.host.waitCount(t, s.thenLine, max(s.count, 1))
		}
	}
}

func jabraDescriptor(t *testing.T) []byte {
	t.Helper()
	f, err := os.Open("../keymap/testdata/descriptors/jabra-link-380c.hid")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec, err := hidrec.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Devices[0].Descriptor
}

// The Jabra Link 380c's report 2: byte 1 bit 0 Hook Switch, bit 3 Phone
// Mute, bits 7-10 the keypad (0 none, 3 Phone Key 5); output report 2: bit 0
// Off-Hook, bit 2 Mute, bit 3 Ring, bit 4 Hold.
var (
	jabraOnHook  = []byte{0x02, 0x00, 0x00}
	jabraOffHook = []byte{0x02, 0x01, 0x00}
	jabraMute    = []byte{0x02, 0x09, 0x00}
	jabraKey5    = []byte{0x02, 0x01, 0x03}
)

func jabraLED(bit byte, on bool) func([]byte) bool {
	return func(b []byte) bool { return len(b) >= 2 && b[0] == 2 && (b[1]&bit != 0) == on }
}

func update(calls ...phoneapi.Call) *phoneapi.Update {
	return &phoneapi.Update{Calls: phoneapi.NewCalls(calls...)}
}

func muteUpdate(on bool) *phoneapi.Update { return &phoneapi.Update{Mute: &on} }

var (
	callInProgress = phoneapi.Call{ID: 1, Status: "INPROGRESS", Type: "INCOMING_P2P", Incoming: true, TypeKnown: true}
	callHeld       = phoneapi.Call{ID: 1, Status: "ONHOLD", Type: "INCOMING_P2P", Incoming: true, TypeKnown: true}
)

// TestEchoOfOwnWritesNeverEndsACall proves the driver tells a headset's
// echo of its own LED writes from the user's hook (gonicus/gonnect PR #52:
// a Jabra reports hook 0 when the host touches its LEDs for hold; PR #138:
// hook-on right after a call-state flag): a hook-on within the echo window
// after an LED change the host caused is held and the output written again:
// a device that then goes back off hook echoed, and no HOOK ON is sent; one
// that stays on hook was hung up, and HOOK ON goes when the window has
// passed. The same hook-on after the window, or after an LED change that
// only acknowledged the user's own press, is a hang-up at once.
func TestEchoOfOwnWritesNeverEndsACall(t *testing.T) {
	offHookLED, holdLED := byte(0x01), byte(0x10)
	lifted := []step{
		{input: jabraOffHook, thenLine: "HOOK OFF", thenOutput: jabraLED(offHookLED, true)},
		{update: update(callInProgress)},
		{update: update(callHeld), thenOutput: jabraLED(holdLED, true)},
	}
	for _, tc := range []struct {
		name  string
		steps []step
		// hookOn is how many HOOK ON the driver sends after its resync.
		hookOn int
		// rewrites is how many more output reports than the steps asked
		// for the driver writes (the echo's rewrite).
		rewrites int
	}{
		{
			name: "hook-on at once after the host's hold LED is an echo",
			steps: append(slices.Clone(lifted),
				step{input: jabraOnHook, thenOutput: jabraLED(offHookLED, true)}, // written again: still off hook
				step{input: jabraOffHook}, // the device followed its LED back
				step{input: jabraKey5, thenLine: "BTN_PRESSED 5"},
				step{advance: echoWindow + time.Millisecond},
				step{input: jabraOffHook, thenLine: "BTN_RELEASED 5"}),
			hookOn: 0, rewrites: 1,
		},
		{
			name: "a hang-up the device does not take back is sent when the window has passed",
			steps: append(slices.Clone(lifted),
				step{input: jabraOnHook, thenOutput: jabraLED(offHookLED, true)},
				step{input: []byte{0x02, 0x00, 0x03}, thenLine: "BTN_PRESSED 5"}, // still on hook; the hook-on was not sent
				step{advance: echoWindow, thenLine: "HOOK ON", count: 2}),
			hookOn: 1, rewrites: 1,
		},
		{
			name: "hook-on after the window is a hang-up",
			steps: append(slices.Clone(lifted),
				step{advance: echoWindow + time.Millisecond},
				step{input: jabraOnHook, thenLine: "HOOK ON", count: 2}),
			hookOn: 1,
		},
		{
			name: "hook-on right after the LED that acknowledged the lift is a hang-up",
			steps: []step{
				{input: jabraOffHook, thenLine: "HOOK OFF", thenOutput: jabraLED(offHookLED, true)},
				{input: jabraOnHook, thenLine: "HOOK ON", count: 2},
			},
			hookOn: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := startEchoRig(t, jabraDescriptor(t))
			before := len(r.dev.Outputs())
			r.run(t, tc.steps)
			r.host.waitCount(t, "HOOK ON", 1+tc.hookOn)
			got := 0
			for _, l := range r.host.lines() {
				if l == "HOOK ON" {
					got++
				}
			}
			if got != 1+tc.hookOn {
				t.Errorf("HOOK ON sent %d times after the resync, want %d; sent %q", got-1, tc.hookOn, r.host.lines())
			}
			if tc.rewrites > 0 {
				// Every write but the rewrites changes the output.
				outs := r.dev.Outputs()[before:]
				same := 0
				for i := 1; i < len(outs); i++ {
					if bytes.Equal(outs[i], outs[i-1]) {
						same++
					}
				}
				if same != tc.rewrites {
					t.Errorf("%d rewrites of an unchanged output, want %d; outputs % x", same, tc.rewrites, outs)
				}
			}
		})
	}
}

// TestToggleHookIsAlwaysAPress proves the echo rule applies to a level hook
// only: a headset whose Hook Switch is a toggle button (Relative) sends a
// press, never a level, so a press right after the host changed an LED
// still hangs up.
func TestToggleHookIsAlwaysAPress(t *testing.T) {
	// keymap/testdata/descriptors/headset.hex: report 1 bit 0 Hook Switch,
	// bit 1 Phone Mute (Relative); output report 2 bit 0 Off-Hook, bit 1
	// Mute.
	desc := []byte{
		0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01, 0x85, 0x01, 0x15, 0x00, 0x25, 0x01,
		0x75, 0x01, 0x95, 0x02, 0x09, 0x20, 0x09, 0x2f, 0x81, 0x06, 0x95, 0x06, 0x81, 0x03,
		0x85, 0x02, 0x05, 0x08, 0x95, 0x02, 0x09, 0x17, 0x09, 0x09, 0x91, 0x02,
		0x95, 0x06, 0x91, 0x03, 0xc0,
	}
	r := startEchoRig(t, desc)
	mutedLED := func(b []byte) bool { return len(b) >= 2 && b[0] == 2 && b[1]&0x02 != 0 }
	r.run(t, []step{
		{input: []byte{0x01, 0x01}},
		{input: []byte{0x01, 0x00}, thenLine: "HOOK OFF"},
		{update: update(callInProgress)},
		{update: muteUpdate(true), thenOutput: mutedLED},
		{input: []byte{0x01, 0x01}},
		{input: []byte{0x01, 0x00}, thenLine: "HOOK ON", count: 2},
	})
}

// TestPressesAreAcknowledgedAndRevertsIgnored proves the driver answers a
// headset's press on its LEDs at once and then mirrors the host's answer
// (WICG/webhid#72: headsets revert unless the host sets LED Off-Hook and
// Mute), and that a device's revert — a Jabra Engage 50 sends its hook
// report again about 2 s later (WICG/webhid#61) — is not a second press.
func TestPressesAreAcknowledgedAndRevertsIgnored(t *testing.T) {
	offHookLED, muteLED := byte(0x01), byte(0x04)
	for _, tc := range []struct {
		name  string
		steps []step
		want  []string // the lines after the resync, in order
	}{
		{
			name: "lift is acknowledged with Off-Hook before the host answers; the resend is no press",
			steps: []step{
				{input: jabraOffHook, thenLine: "HOOK OFF", thenOutput: jabraLED(offHookLED, true)},
				{advance: 2 * time.Second},
				{input: jabraOffHook},
				{input: jabraKey5, thenLine: "BTN_PRESSED 5"},
			},
			want: []string{"HOOK OFF", "BTN_PRESSED 5"},
		},
		{
			name: "mute press lights LED Mute at once; the host's MUTE OFF clears it",
			steps: []step{
				{input: jabraOffHook, thenLine: "HOOK OFF"},
				{input: jabraMute, thenLine: "MUTE ON", thenOutput: jabraLED(muteLED, true)},
				{input: jabraOffHook},
				{update: muteUpdate(false), thenOutput: jabraLED(muteLED, false)},
				{advance: 2 * time.Second},
				{input: jabraOffHook},
				{input: jabraKey5, thenLine: "BTN_PRESSED 5"},
			},
			want: []string{"HOOK OFF", "MUTE ON", "BTN_PRESSED 5"},
		},
		{
			name: "the host's MUTE ON is mirrored on LED Mute",
			steps: []step{
				{input: jabraOffHook, thenLine: "HOOK OFF"},
				{update: update(callInProgress)},
				{update: muteUpdate(true), thenOutput: jabraLED(muteLED, true)},
				{input: jabraKey5, thenLine: "BTN_PRESSED 5"},
			},
			want: []string{"HOOK OFF", "BTN_PRESSED 5"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := startEchoRig(t, jabraDescriptor(t))
			r.run(t, tc.steps)
			got := r.host.lines()
			i := slices.Index(got, "HOOK ON")
			if i < 0 {
				t.Fatalf("no resync HOOK ON in %q", got)
			}
			after := slices.DeleteFunc(got[i+1:], func(l string) bool { return l == "BTN_RELEASED 5" })
			if !slices.Equal(after, tc.want) {
				t.Errorf("sent after the resync %q, want %q", after, tc.want)
			}
		})
	}
}
