package driver

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handsetd/handsetd/audio"
	"github.com/handsetd/handsetd/audio/audiotest"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/internal/clock"
	"github.com/handsetd/handsetd/keymap"
)

// TestDriverRingsRingerlessBehindOverrides proves a ringerless headset whose
// profile carries a user's overrides (any config entry) is still rung
// through its speaker: the wrapper keeps HasRinger.
func TestDriverRingsRingerlessBehindOverrides(t *testing.T) {
	r := startToneRigWith(t, "ringerless-headset", func(c *Config) {
		c.Profile = func(info hid.Info, desc []byte) (keymap.Profile, error) {
			p, err := keymap.ForDevice(info, desc)
			return keymap.WithOverrides(p, keymap.Overrides{Name: "Desk", Keys: map[string]string{"UP": ""}}), err
		}
	})
	if got := r.host.Exec("call in alice"); !strings.HasPrefix(got, "ok") {
		t.Fatal(got)
	}
	r.expectTone(t, "out:Generic USB Telephony Headset ring")
}

// learnsModel is a profile that learns from the device's first report that
// it has no ringer of its own, as the Yealink profile learns the P4K's model
// from its VERSION reply.
type learnsModel struct {
	keymap.Profile
	seen atomic.Bool
}

func (p *learnsModel) Decode(b []byte) ([]keymap.Event, error) {
	p.seen.Store(true)
	return p.Profile.Decode(b)
}

func (p *learnsModel) HasRinger() bool { return !p.seen.Load() }

// TestDriverAsksRingerAfterReports proves the driver asks the profile
// whether the device rings by itself after every report, not once at open:
// a profile that learns its model late gets the ring on its speaker.
func TestDriverAsksRingerAfterReports(t *testing.T) {
	r := startToneRigWith(t, "generic-telephony", func(c *Config) {
		c.Profile = func(info hid.Info, desc []byte) (keymap.Profile, error) {
			p, err := keymap.ForDevice(info, desc)
			return &learnsModel{Profile: p}, err
		}
	})
	if got := r.host.Exec("call in alice"); !strings.HasPrefix(got, "ok") {
		t.Fatal(got)
	}
	if err := r.h.Tap("1"); err != nil { // a report: the profile now knows
		t.Fatal(err)
	}
	r.expectTone(t, "out:Generic USB Telephony Handset ring")
}

// lateCardRig is a ringerless headset on a fixture sysfs whose sound card
// is not registered yet, looked up with the real Finder on a fake clock.
type lateCardRig struct {
	*toneRig
	clk     *clock.Fake
	roots   audiotest.Roots
	lookups atomic.Int32
}

const latePCM = "Headset7"

func startLateCardRig(t *testing.T) *lateCardRig {
	t.Helper()
	tree := audiotest.Tree{Devices: []audiotest.USBDevice{{Port: "1-1", Bus: 1, Addr: 9, VID: 0x1209, PID: 0x0002, Serial: "SIM0001",
		Ifaces: []audiotest.Interface{{Number: 0, Class: 1, Card: -1}, {Number: 1, Class: 1, Card: -1}, {Number: 3, Class: 3, Card: -1}}}}}
	roots, err := tree.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rig := &lateCardRig{clk: clock.NewFake(time.Unix(1e9, 0)), roots: roots}
	finder := audio.Finder{SysRoot: roots.Sys, AsoundRoot: roots.Asound}
	devs := pcmList{{Name: latePCM, Inputs: 1, Outputs: 2}, {Name: "default", Inputs: 2, Outputs: 2}}
	rig.toneRig = startToneRigWith(t, "ringerless-headset", func(c *Config) {
		c.Clock = rig.clk
		c.Audio = func(_ context.Context, info hid.Info) (string, string, error) {
			rig.lookups.Add(1)
			n, err := finder.Lookup(info, devs)
			return n.In, n.Out, err
		}
	})
	return rig
}

type pcmList []audio.Device

func (l pcmList) Devices() ([]audio.Device, error) { return l, nil }

// plugCard registers card 7 under the headset's first audio interface, as
// snd-usb-audio does some time after the HID node appeared.
func (r *lateCardRig) plugCard(t *testing.T) {
	t.Helper()
	for _, d := range []string{
		filepath.Join(r.roots.Sys, "bus", "usb", "devices", "1-1:1.0", "sound", "card7"),
		filepath.Join(r.roots.Asound, "card7", "pcm0p"),
		filepath.Join(r.roots.Asound, "card7", "pcm0c"),
	} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(r.roots.Asound, "card7", "id"), []byte(latePCM+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// advanceUntil advances the fake clock a second at a time, each time the
// driver has armed a timer, until the host sees want; it gives up after
// steps seconds of fake time.
func (r *lateCardRig) advanceUntil(t *testing.T, want string, steps int) bool {
	t.Helper()
	for range steps {
		select {
		case <-r.clk.Armed():
		case <-time.After(300 * time.Millisecond):
			// No timer armed: the driver stopped looking.
		}
		r.clk.Advance(time.Second)
		if r.sawLine(want, 100*time.Millisecond) {
			return true
		}
	}
	return false
}

func (r *lateCardRig) sawLine(want string, d time.Duration) bool {
	timeout := time.After(d)
	for {
		select {
		case l := <-r.lines:
			if l == want {
				return true
			}
		case <-timeout:
			return false
		}
	}
}

// TestDriverAnnouncesLateSoundCard proves that when the sound card is
// registered after the handset opened, the driver announces the host's
// default first, looks again on its clock, announces AUDIO_IN and AUDIO_OUT
// as soon as the card is there, and rings the headset on it.
func TestDriverAnnouncesLateSoundCard(t *testing.T) {
	r := startLateCardRig(t) // the handshake is over: AUDIO_OUT was the default
	r.plugCard(t)
	if !r.advanceUntil(t, "<- AUDIO_IN "+latePCM, 5) {
		t.Fatal("the late card was never announced as AUDIO_IN")
	}
	r.expectLine(t, "<- AUDIO_OUT "+latePCM)
	if got := r.host.Exec("call in alice"); !strings.HasPrefix(got, "ok") {
		t.Fatal(got)
	}
	r.expectTone(t, latePCM+" ring")
}

// TestDriverStopsLookingForSoundCard proves the look-again is bounded: with
// no card ever registered, the driver stops looking about five seconds
// after the open and keeps the host's default.
func TestDriverStopsLookingForSoundCard(t *testing.T) {
	r := startLateCardRig(t)
	if r.advanceUntil(t, "<- AUDIO_OUT "+latePCM, 8) {
		t.Fatal("announced a card that is not there")
	}
	n := r.lookups.Load()
	if n < 3 || n > 10 {
		t.Errorf("%d lookups in 8 s, want a few, backing off, for about 5 s", n)
	}
	if p := r.clk.Pending(); p != 0 {
		t.Errorf("%d timers still armed: the driver is still looking", p)
	}
}
