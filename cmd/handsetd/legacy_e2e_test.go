package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handsetd/handsetd/firmware-sim/uhidserve"
	"github.com/handsetd/handsetd/internal/proctest"

	"github.com/handsetd/handsetd/config"
	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/keymap"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/refhost"
	"github.com/handsetd/handsetd/phoneapi/stream"
)

// e2eLimit bounds every wait of the end-to-end tests.
const e2eLimit = 10 * time.Second

// recorder keeps the lines the host received from the device, in order.
type recorder struct {
	mu      sync.Mutex
	lines   []string
	changed chan struct{}
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{})} }

func (r *recorder) add(line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, line)
	close(r.changed)
	r.changed = make(chan struct{})
}

func (r *recorder) snapshot() ([]string, <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...), r.changed
}

// rig is phonesim, handsetd and phoneapi-host over unix sockets: the
// simulator served as phonesim serves it, the reference host served as
// phoneapi-host serves it, and handsetd's own run() between them, without
// its sound (PortAudio is one per process, and these rigs run side by side).
type rig struct {
	t      *testing.T
	sim    *firmwaresim.Handset
	host   *refhost.Host
	rec    *recorder
	cursor int
	stderr *proctest.SyncBuffer
}

func startRig(t *testing.T, model string, args ...string) *rig {
	t.Helper()
	dir := proctest.ShortDir(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() {
		cancel()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(e2eLimit):
			t.Error("the rig did not stop")
		}
	})

	sim, err := firmwaresim.New(model, firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	simSock := filepath.Join(dir, "sim.sock")
	ln, err := net.Listen("unix", simSock)
	if err != nil {
		t.Fatal(err)
	}
	wg.Add(1)
	go func() { defer wg.Done(); _ = uhidserve.Serve(ctx, ln, sim) }()

	rec := newRecorder()
	host := refhost.New(refhost.Options{OnLine: func(_ string, d phoneapi.Direction, line string) {
		if d == phoneapi.Received {
			rec.add(line)
		}
	}})
	hostSock := filepath.Join(dir, "host.sock")
	hl, err := stream.Listen("unix:" + hostSock)
	if err != nil {
		t.Fatal(err)
	}
	acceptHost(ctx, hl, host, &wg)
	t.Cleanup(func() { hl.Close() })

	r := &rig{t: t, sim: sim, host: host, rec: rec, stderr: &proctest.SyncBuffer{}}
	all := append([]string{"run", "--allow-root", "--device", "sim:unix:" + simSock, "--host", "stream:unix:" + hostSock, "--log-level", "warn", "--audio=false"}, args...)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := run(ctx, all, strings.NewReader(""), &bytes.Buffer{}, r.stderr); err != nil && ctx.Err() == nil {
			t.Errorf("handsetd run: %v", err)
		}
	}()
	r.waitLine(regexp.MustCompile(`^HOOK (ON|OFF)$`)) // the handshake and resync are done
	return r
}

// waitLine waits for the next line from the device matching re and returns
// it; lines before it are skipped.
func (r *rig) waitLine(re *regexp.Regexp) string {
	r.t.Helper()
	deadline := time.After(e2eLimit)
	for {
		lines, changed := r.rec.snapshot()
		for ; r.cursor < len(lines); r.cursor++ {
			if re.MatchString(lines[r.cursor]) {
				r.cursor++
				return lines[r.cursor-1]
			}
		}
		select {
		case <-changed:
		case <-deadline:
			r.t.Fatalf("no line matching %q; the host got %q; handsetd said: %s", re, lines, r.stderr.String())
		}
	}
}

// waitState waits until the simulated handset's state satisfies ok.
func (r *rig) waitState(what string, ok func(firmwaresim.State) bool) firmwaresim.State {
	r.t.Helper()
	deadline := time.After(e2eLimit)
	for {
		ch := r.sim.Changed()
		s := r.sim.State()
		if ok(s) {
			return s
		}
		select {
		case <-ch:
		case <-deadline:
			r.t.Fatalf("%s: never happened; last state %+v; handsetd said: %s", what, s, r.stderr.String())
		}
	}
}

// btnLines returns every BTN_PRESSED/BTN_RELEASED line the host got.
func (r *rig) btnLines() []string {
	lines, _ := r.rec.snapshot()
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, "BTN_") {
			out = append(out, l)
		}
	}
	return out
}

// legacyKeys is, per model, every key and the Phone API name it must
// arrive as.
func legacyKeys() map[string][]string {
	digits := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"}
	with := func(extra ...string) []string { return append(append([]string(nil), digits...), extra...) }
	return map[string][]string{
		"yealink-p1k":   with("YES", "NO", "C", "I", "O", "UP", "DOWN"),
		"yealink-p1kh":  with("YES", "NO", "C", "I", "O", "UP", "DOWN"),
		"yealink-p4k":   with("YES", "H", "O", "F", "L", "S", "DOWN", "PAGEUP", "UP", "C", "I", "PAGEDOWN", "R"),
		"yealink-b2k":   with(),
		"cm109-kip1000": with("YES", "NO", "I", "O", "PAGEUP", "PAGEDOWN"),
		"cm109-gtalk":   with("YES", "NO", "UP", "DOWN", "PAGEUP", "PAGEDOWN"),
		"cm109-usbph01": with("YES", "NO", "I", "O", "PAGEUP", "PAGEDOWN"),
		"cm109-atcom":   with("YES", "NO", "I", "O", "PAGEUP", "PAGEDOWN"),
	}
}

// cmModelArg is the --cm109-model argument for a CM109 simulator model.
func cmModelArg(model string) []string {
	if m, ok := strings.CutPrefix(model, "cm109-"); ok {
		return []string{"--cm109-model", m}
	}
	return nil
}

// tap presses k and releases it once the host has seen the press, as a
// finger does: a key shorter than one scan is lost on real phones too.
func (r *rig) tap(k string) {
	r.t.Helper()
	if err := r.sim.Press(k); err != nil {
		r.t.Fatalf("press %s: %v", k, err)
	}
	r.waitLine(regexp.MustCompile(`^BTN_PRESSED ` + regexp.QuoteMeta(k) + `$`))
	if err := r.sim.Release(k); err != nil {
		r.t.Fatalf("release %s: %v", k, err)
	}
	r.waitLine(regexp.MustCompile(`^BTN_RELEASED ` + regexp.QuoteMeta(k) + `$`))
}

// TestLegacyEveryKeyEndToEnd proves that every key of every legacy model,
// pressed on the simulator and released once the host has seen the press,
// reaches the host through handsetd as exactly one BTN_PRESSED and one
// BTN_RELEASED with the key's Phone API name, and nothing else.
func TestLegacyEveryKeyEndToEnd(t *testing.T) {
	for model, keys := range legacyKeys() {
		t.Run(model, func(t *testing.T) {
			t.Parallel()
			r := startRig(t, model, cmModelArg(model)...)
			var want []string
			for _, k := range keys {
				r.tap(k)
				want = append(want, "BTN_PRESSED "+k, "BTN_RELEASED "+k)
			}
			if got := r.btnLines(); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("host got\n%q\nwant\n%q", got, want)
			}
		})
	}
}

// TestLegacyRingingEndToEnd proves an incoming call rings each legacy
// model's ringer (the P1K's and P1KH's ringtone, the B2K's ring relay, the CM109's
// buzzer; the P4K, which has no ringer, blinks its LED), that the P1K's LCD
// shows the caller's display name while it rings, and that answering on the
// handset stops the ringing (and starts the P1K's call clock).
func TestLegacyRingingEndToEnd(t *testing.T) {
	for _, model := range []string{"yealink-p1k", "yealink-p1kh", "yealink-p4k", "yealink-b2k", "cm109-kip1000", "cm109-gtalk", "cm109-usbph01", "cm109-atcom"} {
		t.Run(model, func(t *testing.T) {
			t.Parallel()
			r := startRig(t, model, cmModelArg(model)...)
			if got := r.host.Exec("call in alice Alice Smith"); !strings.HasPrefix(got, "ok") {
				t.Fatalf("host call: %s", got)
			}
			rings := func(s firmwaresim.State) bool { return s.Ringing }
			if model == "yealink-p4k" {
				rings = func(s firmwaresim.State) bool { return s.LEDs.Ring }
			}
			s := r.waitState("ringing", rings)
			if model == "yealink-p1k" || model == "yealink-p1kh" || model == "yealink-p4k" {
				s = r.waitState("the caller on the LCD", func(s firmwaresim.State) bool { return s.LCD == "ALICE SMITH" })
			}
			if model == "yealink-p1k" && !strings.Contains(s.RingTone, "1250Hz") {
				t.Errorf("ring notes not uploaded: %q", s.RingTone)
			}
			switch model {
			case "yealink-p4k", "yealink-b2k":
				if err := r.sim.HookOff(); err != nil {
					t.Fatal(err)
				}
				r.waitLine(regexp.MustCompile(`^HOOK OFF$`))
			default:
				r.tap("YES")
			}
			r.waitState("ringing stopped", func(s firmwaresim.State) bool { return !s.Ringing && !s.LEDs.Ring })
			if model == "yealink-p1k" || model == "yealink-p1kh" {
				r.waitState("call clock on the LCD", func(s firmwaresim.State) bool {
					return regexp.MustCompile(`^ALICE SMITH\n\d?\d:\d\d$`).MatchString(s.LCD)
				})
			}
		})
	}
}

// TestLegacyDialDisplayEndToEnd proves the P1K's LCD shows the digits being
// dialled, and that C takes the last one back.
func TestLegacyDialDisplayEndToEnd(t *testing.T) {
	r := startRig(t, "yealink-p1k")
	for _, k := range []string{"5", "5", "5", "1", "2", "C"} {
		r.tap(k)
	}
	r.waitState("dialled digits on the LCD", func(s firmwaresim.State) bool { return s.LCD == "5551" })
}

// TestCM109ModelFlag proves an unknown --cm109-model is refused at once with
// the known models listed.
func TestCM109ModelFlag(t *testing.T) {
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"run", "--device", "sim:unix:/nonexistent", "--host", "stream:unix:/nonexistent", "--cm109-model", "kip2000"}, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "atcom, gtalk, kip1000, usbph01") {
		t.Fatalf("run with an unknown model = %v", err)
	}
}

// TestProcessLegacyEveryKey proves, with the three built programs wired over
// unix sockets as the README shows (phonesim playing the model, handsetd
// run, phoneapi-host), that every key of every legacy model arrives at the
// host as exactly its BTN_PRESSED and BTN_RELEASED lines.
func TestProcessLegacyEveryKey(t *testing.T) {
	for model, keys := range legacyKeys() {
		t.Run(model, func(t *testing.T) {
			t.Parallel()
			sim, host := startLegacyTrio(t, model)
			mark := host.Mark()
			var want []string
			for _, k := range keys {
				sim.Must("press " + k)
				host.WaitLine("<- BTN_PRESSED " + k)
				sim.Must("release " + k)
				host.WaitLine("<- BTN_RELEASED " + k)
				want = append(want, "<- BTN_PRESSED "+k, "<- BTN_RELEASED "+k)
			}
			var got []string
			for _, l := range host.TrafficSince(mark) {
				if strings.HasPrefix(l, "<- BTN_") {
					got = append(got, l)
				}
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("host got\n%q\nwant\n%q", got, want)
			}
		})
	}
}

// TestProcessLegacyRinging proves across the three programs that an
// incoming call rings a P1K with the caller's name on its LCD, and that
// picking up with YES stops the ringing.
func TestProcessLegacyRinging(t *testing.T) {
	sim, host := startLegacyTrio(t, "yealink-p1k")
	if got := host.Say("call in alice Alice Smith"); !strings.HasPrefix(got, "ok") {
		t.Fatalf("call in: %s", got)
	}
	waitState(t, sim, `"ringing":true`, `"lcd":"ALICE SMITH"`, `"ring":true`)
	sim.Must("press YES")
	host.WaitLine("<- BTN_PRESSED YES")
	sim.Must("release YES")
	waitState(t, sim, `"ringing":false`, `"ring":false`)
}

// startLegacyTrio starts phonesim with model, phoneapi-host and handsetd
// run (with --cm109-model for a CM109 model), and waits for the handshake.
func startLegacyTrio(t *testing.T, model string) (sim, host *proctest.Proc) {
	t.Helper()
	dir := proctest.ShortDir(t)
	phone := "unix:" + filepath.Join(dir, "phone.sock")
	hostAddr := "unix:" + filepath.Join(dir, "host.sock")
	sim = proctest.Start(t, "phonesim", "--model", model, "--listen", phone)
	host = proctest.Start(t, "phoneapi-host", "--listen", hostAddr)
	proctest.Start(t, "handsetd", append([]string{"run", "--device", "sim:" + phone, "--host", "stream:" + hostAddr}, cmModelArg(model)...)...)
	host.WaitLine("<- HOOK ON")
	return sim, host
}

// TestCM109ModelFlagBeatsConfig proves the profile choice: cm109_model from
// the config file picks a CM109 phone's keymap, --cm109-model wins over it,
// and other devices are left to the config.
func TestCM109ModelFlagBeatsConfig(t *testing.T) {
	cfg := &config.Config{File: "test.toml", CM109Model: config.Setting{Value: "atcom", Line: 1}}
	cm := hid.Info{VendorID: 0x0d8c, ProductID: 0x000e}
	model := func(pick func(hid.Info, []byte) (keymap.Profile, error), info hid.Info) string {
		t.Helper()
		p, err := pick(info, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c, ok := p.(*keymap.CM109); ok {
			return c.Model()
		}
		return fmt.Sprintf("%T", p)
	}
	var none profileFlags
	if got := model(none.picker(cfg), cm); got != "atcom" {
		t.Errorf("config alone: %s", got)
	}
	flag := profileFlags{cm109Model: "gtalk"}
	if err := flag.check(); err != nil {
		t.Fatal(err)
	}
	if got := model(flag.picker(cfg), cm); got != "gtalk" {
		t.Errorf("flag and config: %s", got)
	}
	if got := model(flag.picker(nil), hid.Info{VendorID: 0x6993, ProductID: 0xb001}); got != "*keymap.Yealink" {
		t.Errorf("a Yealink with the flag: %s", got)
	}
	if err := (&profileFlags{cm109Model: "nope"}).check(); !errors.Is(err, errUsage) {
		t.Errorf("unknown model: %v", err)
	}
}
