package main

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handsetd/handsetd/firmware-sim/uhidserve"
	"github.com/handsetd/handsetd/internal/proctest"

	"golang.org/x/sys/unix"

	"github.com/handsetd/handsetd/audio/audiotest"
	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/refhost"
	"github.com/handsetd/handsetd/phoneapi/stream"
)

// lineLog collects the lines the host saw and signals each one.
type lineLog struct {
	mu    sync.Mutex
	lines []string
	more  chan struct{}
}

func (l *lineLog) add(line string) {
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.mu.Unlock()
	select {
	case l.more <- struct{}{}:
	default:
	}
}

// waitFor waits until the host has seen line.
func (l *lineLog) waitFor(t *testing.T, line string, deadline <-chan time.Time) {
	t.Helper()
	for {
		l.mu.Lock()
		ok := slices.Contains(l.lines, line)
		seen := strings.Join(l.lines, " | ")
		l.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-l.more:
		case <-deadline:
			t.Fatalf("the host never saw %q; it saw: %s", line, seen)
		}
	}
}

// growth signals every write to files in dir (inotify), so the test can wait
// for the sound to be recorded without polling.
func growth(t *testing.T, dir string) <-chan struct{} {
	t.Helper()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	if err != nil {
		t.Skipf("inotify: %v", err)
	}
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_MODIFY|unix.IN_CREATE); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	ch := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			if _, err := unix.Read(fd, buf); err != nil {
				return
			}
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		// Closing does not wake a blocked read: make one more event.
		unix.Close(fd)
		_ = os.WriteFile(filepath.Join(dir, "wake"), nil, 0o644)
		select {
		case <-done:
		case <-time.After(time.Second):
		}
	})
	return ch
}

// audioE2E is handsetd run against the simulated ringerless headset (over
// its socket) and the reference host, with a fixture sysfs whose card is a
// private ALSA PCM that records to a WAV file.
type audioE2E struct {
	h        *firmwaresim.Handset
	host     *refhost.Host
	lines    *lineLog
	stderr   *proctest.SyncBuffer
	wav      string
	grew     <-chan struct{}
	roots    audiotest.Roots
	deadline <-chan time.Time
}

const e2ePCM = "HandsetdE2E"

// e2eTree is the headset's USB device; card is its sound card's number, or
// -1 for a card not registered yet.
func e2eTree(card int) audiotest.Tree {
	tree := audiotest.Tree{
		Devices: []audiotest.USBDevice{{Port: "1-1", Bus: 1, Addr: 9, VID: 0x1209, PID: 0x0002, Serial: "SIM0001", Ifaces: []audiotest.Interface{
			{Number: 0, Class: 1, Card: card}, {Number: 1, Class: 1, Card: -1}, {Number: 2, Class: 1, Card: -1}, {Number: 3, Class: 3, Card: -1},
		}}},
	}
	if card >= 0 {
		tree.Cards = []audiotest.Card{{Number: card, ID: e2ePCM, USBID: "1209:0002", Playback: true, Capture: true}}
	}
	return tree
}

func startAudioE2E(t *testing.T, tree audiotest.Tree, extra ...string) *audioE2E {
	t.Helper()
	dir := proctest.ShortDir(t) // the sockets' paths must fit a unix address
	wavDir := filepath.Join(dir, "rec")
	if err := os.Mkdir(wavDir, 0o755); err != nil {
		t.Fatal(err)
	}
	e := &audioE2E{wav: filepath.Join(wavDir, "out.wav"), stderr: &proctest.SyncBuffer{}, deadline: time.After(20 * time.Second)}
	conf, err := audiotest.FilePCM(dir, e2ePCM, e.wav)
	if err != nil {
		t.Skip(err)
	}
	t.Setenv("ALSA_CONFIG_PATH", conf)
	t.Setenv("JACK_NO_START_SERVER", "1")
	t.Setenv("JACK_DEFAULT_SERVER", "handsetd-no-such-server")
	if e.roots, err = tree.Write(filepath.Join(dir, "fixture")); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	var wg sync.WaitGroup
	runDone := make(chan error, 1)
	t.Cleanup(func() {
		cancel()
		if err := <-runDone; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("run: %v", err)
		}
		wg.Wait()
		if t.Failed() {
			e.lines.mu.Lock()
			t.Logf("host saw:\n%s", strings.Join(e.lines.lines, "\n"))
			e.lines.mu.Unlock()
			t.Logf("handsetd log:\n%s", e.stderr.String())
		}
	})

	// The simulated headset on a socket.
	if e.h, err = firmwaresim.New("ringerless-headset", firmwaresim.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.h.Close() })
	simSock := filepath.Join(dir, "sim.sock")
	simLn, err := stream.Listen("unix:" + simSock)
	if err != nil {
		t.Fatal(err)
	}
	wg.Add(1)
	go func() { defer wg.Done(); _ = uhidserve.Serve(ctx, simLn, e.h) }()

	// The reference host.
	e.lines = &lineLog{more: make(chan struct{}, 1)}
	e.host = refhost.New(refhost.Options{OnLine: func(_ string, d phoneapi.Direction, line string) { e.lines.add(d.String() + " " + line) }})
	hostSock := filepath.Join(dir, "host.sock")
	hostLn, err := stream.Listen("unix:" + hostSock)
	if err != nil {
		t.Fatal(err)
	}
	acceptHost(ctx, hostLn, e.host, &wg)
	go func() { <-ctx.Done(); hostLn.Close(); simLn.Close() }()

	e.grew = growth(t, wavDir)
	args := append([]string{"run", "--allow-root", "--device", "sim:unix:" + simSock, "--host", "stream:unix:" + hostSock,
		"--sysfs-root", e.roots.Sys, "--asound-root", e.roots.Asound, "--audio-rate", "8000", "--log-level", "debug"}, extra...)
	go func() {
		runDone <- run(ctx, args, strings.NewReader(""), &bytes.Buffer{}, e.stderr)
	}()
	return e
}

// recorded waits until at least n samples of sound were recorded, and
// returns them from the first non-zero one.
func (e *audioE2E) recorded(t *testing.T, n int) []float32 {
	t.Helper()
	for {
		if w, err := audiotest.ReadWAV(e.wav); err == nil {
			x := w.Mono()
			if w.Rate != 8000 {
				t.Fatalf("recorded at %d Hz, want 8000", w.Rate)
			}
			if lead := slices.IndexFunc(x, func(v float32) bool { return v != 0 }); lead >= 0 && len(x) >= lead+n {
				return x[lead:]
			}
		}
		select {
		case <-e.grew:
		case <-e.deadline:
			t.Fatalf("fewer than %d samples of sound were recorded on the headset's device", n)
		}
	}
}

// checkFreqs checks which frequencies sound in x.
func checkFreqs(t *testing.T, what string, x []float32, freqs map[float64]bool) {
	t.Helper()
	full := float64(len(x)*len(x)) / 4
	for f, want := range freqs {
		if p := goertzelPower(x, f, 8000) / full; want && p < 0.01 || !want && p > 0.001 {
			t.Errorf("%s: %v Hz relative power %.4f, want present=%v", what, f, p, want)
		}
	}
}

// TestEndToEndRingerlessHeadsetRingsOnItsOwnDevice proves, with the
// simulator, handsetd and the reference host, that the handshake announces
// the matched device as AUDIO_IN and AUDIO_OUT, and an incoming call plays
// the ring, 440+480 Hz, on that device.
func TestEndToEndRingerlessHeadsetRingsOnItsOwnDevice(t *testing.T) {
	const rate = 8000
	e := startAudioE2E(t, e2eTree(7))
	e.lines.waitFor(t, "<- AUDIO_IN "+e2ePCM, e.deadline)
	e.lines.waitFor(t, "<- AUDIO_OUT "+e2ePCM, e.deadline)
	// The handshake ends with the hook state; a call that rings before it
	// arrives would be refused by it.
	e.lines.waitFor(t, "<- HOOK ON", e.deadline)

	if got := e.host.Exec("call in alice"); !strings.HasPrefix(got, "ok") {
		t.Fatalf("call: %s", got)
	}
	// Wait until a second of ring has been recorded (the PCM is unpaced, so
	// this takes milliseconds).
	x := e.recorded(t, rate)
	// The Ring LED travels over the simulator's socket; it may land just
	// after the tone started.
	for {
		changed := e.h.Changed()
		st := e.h.State()
		if st.Ringing {
			t.Fatalf("headset state %+v: it rings by itself, but has no ringer", st)
		}
		if st.LEDs.Ring {
			break
		}
		select {
		case <-changed:
		case <-e.deadline:
			t.Fatalf("headset state %+v: the Ring LED never lit", st)
		}
	}
	if got := e.host.Exec("hangup"); got != "ok" {
		t.Fatalf("hangup: %s", got)
	}
	checkFreqs(t, "ring", x[rate/10:rate/10+rate/2], map[float64]bool{440: true, 480: true, 350: false, 697: false})
}

// TestEndToEndDialToneFlag proves --dial-tone reaches the tone player:
// lifting the headset with no call plays 350+440 Hz with na and 425 Hz with
// eu on its own device.
func TestEndToEndDialToneFlag(t *testing.T) {
	cases := []struct {
		flag  string
		freqs map[float64]bool
	}{
		{"na", map[float64]bool{350: true, 440: true, 425: false, 480: false}},
		{"eu", map[float64]bool{425: true, 350: false, 440: false}},
	}
	for _, c := range cases {
		t.Run(c.flag, func(t *testing.T) {
			e := startAudioE2E(t, e2eTree(7), "--dial-tone", c.flag)
			e.lines.waitFor(t, "<- HOOK ON", e.deadline)
			if err := e.h.HookOff(); err != nil {
				t.Fatal(err)
			}
			e.lines.waitFor(t, "<- HOOK OFF", e.deadline)
			x := e.recorded(t, 4000)
			checkFreqs(t, "dial tone "+c.flag, x[800:2800], c.freqs)
		})
	}
}

// TestEndToEndSoundCardMissingThenLate proves that a headset whose sound
// card is not registered is announced with the empty name (the host's
// default) and the reason logged, and that once the card appears, within
// the look-again window, handsetd re-scans PortAudio and announces it.
func TestEndToEndSoundCardMissingThenLate(t *testing.T) {
	e := startAudioE2E(t, e2eTree(-1))
	e.lines.waitFor(t, "<- AUDIO_IN", e.deadline)
	e.lines.waitFor(t, "<- AUDIO_OUT", e.deadline)
	e.lines.waitFor(t, "<- HOOK ON", e.deadline)
	log := e.stderr.String()
	for _, want := range []string{"not found yet", "no ALSA card bound to the handset's audio interfaces"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log does not say %q:\n%s", want, log)
		}
	}
	// snd-usb-audio registers the card.
	card := filepath.Join(e.roots.Sys, "bus", "usb", "devices", "1-1:1.0", "sound", "card7")
	for _, d := range []string{card, filepath.Join(e.roots.Asound, "card7", "pcm0p"), filepath.Join(e.roots.Asound, "card7", "pcm0c")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(e.roots.Asound, "card7", "id"), []byte(e2ePCM+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.lines.waitFor(t, "<- AUDIO_IN "+e2ePCM, e.deadline)
	e.lines.waitFor(t, "<- AUDIO_OUT "+e2ePCM, e.deadline)
	// Once at the open (the first re-scan), once for the new card.
	if log := e.stderr.String(); strings.Count(log, "sound cards changed") != 2 {
		t.Errorf("want two re-scans, at the open and for the late card:\n%s", log)
	}
}

func goertzelPower(x []float32, f, rate float64) float64 {
	c := 2 * math.Cos(2*math.Pi*f/rate)
	var s1, s2 float64
	for _, v := range x {
		s1, s2 = float64(v)+c*s1-s2, s1
	}
	return s1*s1 + s2*s2 - c*s1*s2
}
