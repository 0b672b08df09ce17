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

	"golang.org/x/sys/unix"

	"github.com/handsetd/handsetd/audio/audiotest"
	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/phoneapi"
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

// TestEndToEndRingerlessHeadsetRingsOnItsOwnDevice runs handsetd against the
// simulated ringerless headset (over its socket) and the reference host,
// with a fixture sysfs whose card is a private ALSA PCM. It proves the
// handshake announces the matched device as AUDIO_IN and AUDIO_OUT, and an
// incoming call plays the ring, 440+480 Hz, on that device.
func TestEndToEndRingerlessHeadsetRingsOnItsOwnDevice(t *testing.T) {
	const pcm = "HandsetdE2E"
	const rate = 8000
	dir := shortDir(t) // the sockets' paths must fit a unix address
	wavDir := filepath.Join(dir, "rec")
	if err := os.Mkdir(wavDir, 0o755); err != nil {
		t.Fatal(err)
	}
	wav := filepath.Join(wavDir, "out.wav")
	conf, err := audiotest.FilePCM(dir, pcm, wav)
	if err != nil {
		t.Skip(err)
	}
	t.Setenv("ALSA_CONFIG_PATH", conf)
	t.Setenv("JACK_NO_START_SERVER", "1")
	t.Setenv("JACK_DEFAULT_SERVER", "handsetd-no-such-server")
	tree := audiotest.Tree{
		Devices: []audiotest.USBDevice{{Port: "1-1", Bus: 1, Addr: 9, VID: 0x1209, PID: 0x0002, Serial: "SIM0001", Ifaces: []audiotest.Interface{
			{Number: 0, Class: 1, Card: 7}, {Number: 1, Class: 1, Card: -1}, {Number: 2, Class: 1, Card: -1}, {Number: 3, Class: 3, Card: -1},
		}}},
		Cards: []audiotest.Card{{Number: 7, ID: pcm, USBID: "1209:0002", Playback: true, Capture: true}},
	}
	roots, err := tree.Write(filepath.Join(dir, "fixture"))
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	deadline := time.After(20 * time.Second)

	// The simulated headset on a socket.
	h, err := firmwaresim.New("ringerless-headset", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	simSock := filepath.Join(dir, "sim.sock")
	simLn, err := stream.Listen("unix:" + simSock)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Add(1)
	go func() { defer wg.Done(); _ = firmwaresim.Serve(ctx, simLn, h) }()

	// The reference host.
	lines := &lineLog{more: make(chan struct{}, 1)}
	host := phoneapi.NewHost(phoneapi.HostOptions{OnLine: func(_ string, d phoneapi.Direction, line string) { lines.add(d.String() + " " + line) }})
	hostSock := filepath.Join(dir, "host.sock")
	hostLn, err := stream.Listen("unix:" + hostSock)
	if err != nil {
		t.Fatal(err)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := hostLn.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); _ = host.Serve(ctx, stream.New(c)) }()
		}
	}()
	go func() { <-ctx.Done(); hostLn.Close(); simLn.Close() }()

	grew := growth(t, wavDir)
	var stderr syncBuffer
	runDone := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		runDone <- run(ctx, []string{"run", "--device", "sim:unix:" + simSock, "--host", "stream:unix:" + hostSock,
			"--sysfs-root", roots.Sys, "--asound-root", roots.Asound, "--audio-rate", "8000", "--log-level", "debug"},
			strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	defer func() {
		cancel()
		if err := <-runDone; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("run: %v", err)
		}
		if t.Failed() {
			lines.mu.Lock()
			t.Logf("host saw:\n%s", strings.Join(lines.lines, "\n"))
			lines.mu.Unlock()
			t.Logf("handsetd log:\n%s", stderr.String())
		}
	}()

	lines.waitFor(t, "<- AUDIO_IN "+pcm, deadline)
	lines.waitFor(t, "<- AUDIO_OUT "+pcm, deadline)
	// The handshake ends with the hook state; a call that rings before it
	// arrives would be refused by it.
	lines.waitFor(t, "<- HOOK ON", deadline)

	if got := host.Exec("call in alice"); !strings.HasPrefix(got, "ok") {
		t.Fatalf("call: %s", got)
	}
	// Wait until a second of ring has been recorded (the PCM is unpaced, so
	// this takes milliseconds), then end the call.
	for {
		if fi, err := os.Stat(wav); err == nil && fi.Size() > 2*2*rate*2 {
			break
		}
		select {
		case <-grew:
		case <-deadline:
			t.Fatal("no ring was recorded on the headset's device")
		}
	}
	// The Ring LED travels over the simulator's socket; it may land just
	// after the tone started.
	for {
		changed := h.Changed()
		st := h.State()
		if st.Ringing {
			t.Fatalf("headset state %+v: it rings by itself, but has no ringer", st)
		}
		if st.LEDs.Ring {
			break
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("headset state %+v: the Ring LED never lit", st)
		}
	}
	if got := host.Exec("hangup"); got != "ok" {
		t.Fatalf("hangup: %s", got)
	}
	w, err := audiotest.ReadWAV(wav)
	if err != nil {
		t.Fatal(err)
	}
	x := w.Mono()
	lead := slices.IndexFunc(x, func(v float32) bool { return v != 0 })
	if w.Rate != rate || lead < 0 || len(x) < lead+rate {
		t.Fatalf("recorded %d samples at %d Hz, sound from %d: want a second of ring at %d Hz", len(x), w.Rate, lead, rate)
	}
	y := x[lead+rate/10 : lead+rate/10+rate/2]
	full := float64(len(y)*len(y)) / 4
	for f, want := range map[float64]bool{440: true, 480: true, 350: false, 697: false} {
		if p := goertzelPower(y, f, rate) / full; want && p < 0.01 || !want && p > 0.001 {
			t.Errorf("%v Hz relative power %.4f, want present=%v", f, p, want)
		}
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
