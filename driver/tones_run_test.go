package driver

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

// fakeTones records what the driver asks to play.
type fakeTones struct {
	got chan string
}

func (f *fakeTones) Set(device string, t Tone) { f.got <- device + " " + t.String() }

// toneRig runs the driver on a simulated model against the reference host
// over an in-memory pipe, with a fake audio lookup and tone player.
type toneRig struct {
	h     *firmwaresim.Handset
	host  *refhost.Host
	tones *fakeTones
	lines chan string
	gone  chan struct{}
}

func startToneRig(t *testing.T, model string) *toneRig {
	t.Helper()
	return startToneRigWith(t, model, nil)
}

// startToneRigWith is startToneRig with edit applied to the driver's Config.
func startToneRigWith(t *testing.T, model string, edit func(*Config)) *toneRig {
	t.Helper()
	h, err := firmwaresim.New(model, firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	r := &toneRig{h: h, tones: &fakeTones{got: make(chan string, 64)}, lines: make(chan string, 256), gone: make(chan struct{}, 4)}
	r.host = refhost.New(refhost.Options{OnLine: func(_ string, d phoneapi.Direction, line string) {
		select {
		case r.lines <- d.String() + " " + line:
		default:
		}
	}})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	cfg := Config{
		Open: h.Open,
		Dial: func(ctx context.Context) (Session, error) {
			a, b := phoneapi.Pipe()
			wg.Add(1)
			go func() { defer wg.Done(); _ = r.host.Serve(ctx, b) }()
			return NewClientSession(a, phoneapi.ClientOptions{}), nil
		},
		Audio: func(_ context.Context, info hid.Info) (string, string, error) {
			return "in:" + info.Product, "out:" + info.Product, nil
		},
		AudioGone: func(context.Context) { r.gone <- struct{}{} },
		Tones:     r.tones,
	}
	if edit != nil {
		edit(&cfg)
	}
	wg.Add(1)
	go func() { defer wg.Done(); _ = Run(ctx, cfg) }()
	r.expectLine(t, "<- HOOK ON")
	return r
}

func (r *toneRig) expectLine(t *testing.T, want string) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	var seen []string
	for {
		select {
		case l := <-r.lines:
			if l == want {
				return
			}
			seen = append(seen, l)
		case <-timeout:
			t.Fatalf("host never saw %q; saw %s", want, strings.Join(seen, " | "))
		}
	}
}

func (r *toneRig) expectTone(t *testing.T, want string) {
	t.Helper()
	select {
	case got := <-r.tones.got:
		if got != want {
			t.Fatalf("tone %q, want %q", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no tone; want %q", want)
	}
}

func (r *toneRig) noTone(t *testing.T) {
	t.Helper()
	select {
	case got := <-r.tones.got:
		t.Fatalf("unexpected tone %q", got)
	default:
	}
}

// TestDriverRingsRingerlessHeadsetThroughTones proves the driver announces
// the looked-up devices, plays the ring through Tones on AUDIO_OUT for a
// model without a Ringer, stops it when the call stops ringing, and plays
// the dial tone and a DTMF burst per key once lifted.
func TestDriverRingsRingerlessHeadsetThroughTones(t *testing.T) {
	r := startToneRig(t, "ringerless-headset")
	const out = "out:Generic USB Telephony Headset"
	if got := r.host.Exec("call in alice"); !strings.HasPrefix(got, "ok") {
		t.Fatal(got)
	}
	r.expectTone(t, out+" ring")
	if got := r.host.Exec("hangup"); got != "ok" {
		t.Fatal(got)
	}
	r.expectTone(t, out+" none")
	if err := r.h.HookOff(); err != nil {
		t.Fatal(err)
	}
	r.expectTone(t, out+" dial")
	if err := r.h.Tap("5"); err != nil {
		t.Fatal(err)
	}
	r.expectTone(t, out+" dtmf 5")
	if err := r.h.Tap("5"); err != nil {
		t.Fatal(err)
	}
	r.expectTone(t, out+" dtmf 5") // a second press is a new burst
	if err := r.h.HookOn(); err != nil {
		t.Fatal(err)
	}
	r.expectTone(t, out+" none")
}

// TestDriverLeavesRingingToARinger proves a model with its own Ringer is not
// rung through the speaker, and that unplugging the handset silences it and
// reports the sound device gone.
func TestDriverLeavesRingingToARinger(t *testing.T) {
	r := startToneRig(t, "generic-telephony")
	const out = "out:Generic USB Telephony Handset"
	if got := r.host.Exec("call in alice"); !strings.HasPrefix(got, "ok") {
		t.Fatal(got)
	}
	// Wait until the driver rings the device's own ringer.
	timeout := time.After(5 * time.Second)
	for {
		changed := r.h.Changed()
		if r.h.State().Ringing {
			break
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatal("the handset's ringer never rang")
		}
	}
	if err := r.h.HookOff(); err != nil { // answers: no dial tone in a call
		t.Fatal(err)
	}
	r.expectLine(t, "<- HOOK OFF")
	r.expectLine(t, "-> CALL 1001 STATUS INPROGRESS")
	r.noTone(t)
	if err := r.h.Tap("7"); err != nil {
		t.Fatal(err)
	}
	r.expectTone(t, out+" dtmf 7")
	if err := r.h.Unplug(); err != nil {
		t.Fatal(err)
	}
	r.expectTone(t, out+" none")
	select {
	case <-r.gone:
	case <-time.After(5 * time.Second):
		t.Fatal("AudioGone not called after the unplug")
	}
}
