package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handsetd/handsetd/firmware-sim/uhidserve"
	"github.com/handsetd/handsetd/internal/proctest"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/hid/hidrec"
	"github.com/handsetd/handsetd/hid/replay"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/refhost"
	"github.com/handsetd/handsetd/phoneapi/stream"
)

const waitLimit = 10 * time.Second

var update = flag.Bool("update", false, "rewrite testdata/session.hid from a fresh recording")

// testHost is the reference Phone API host (what phoneapi-host runs) on a
// unix socket, keeping the lines each device sent it.
type testHost struct {
	addr    string
	mu      sync.Mutex
	lines   []string
	changed chan struct{}
}

func startHost(t *testing.T, ctx context.Context, path string) *testHost {
	t.Helper()
	th := &testHost{addr: "unix:" + path, changed: make(chan struct{}, 1)}
	host := refhost.New(refhost.Options{OnLine: func(_ string, dir phoneapi.Direction, line string) {
		if dir != phoneapi.Received {
			return
		}
		th.mu.Lock()
		th.lines = append(th.lines, line)
		th.mu.Unlock()
		select {
		case th.changed <- struct{}{}:
		default:
		}
	}})
	l, err := stream.Listen(th.addr)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	acceptHost(ctx, l, host, &wg)
	return th
}

func (th *testHost) snapshot() []string {
	th.mu.Lock()
	defer th.mu.Unlock()
	return append([]string(nil), th.lines...)
}

// waitLines waits until the host has received n lines, or one equal to last.
func (th *testHost) wait(t *testing.T, what string, ok func([]string) bool) []string {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		if l := th.snapshot(); ok(l) {
			return l
		}
		select {
		case <-th.changed:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; the host has %q", what, th.snapshot())
		}
	}
}

// waitSim waits, on the handset's change notifications, until its state
// satisfies ok.
func waitSim(t *testing.T, sim *firmwaresim.Handset, what string, ok func(firmwaresim.State) bool) {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		changed := sim.Changed()
		if ok(sim.State()) {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; the handset's state: %s", what, sim.Exec("state"))
		}
	}
}

func hasLine(want string) func([]string) bool {
	return func(ls []string) bool {
		for _, l := range ls {
			if l == want {
				return true
			}
		}
		return false
	}
}

// runCmd runs handsetd's run() in the background until ctx ends.
func runCmd(t *testing.T, ctx context.Context, stdout io.Writer, args ...string) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, strings.NewReader(""), stdout, &proctest.SyncBuffer{}) }()
	return done
}

func waitErr(t *testing.T, done <-chan error, what string) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(waitLimit):
		t.Fatalf("%s did not end", what)
		return nil
	}
}

// serveSim makes a simulated handset of the given model and serves it on
// the unix socket dir/sim until ctx ends. It returns the handset (which the
// caller closes), the socket's path, and the channel Serve's result arrives
// on.
func serveSim(t *testing.T, ctx context.Context, dir, model string) (*firmwaresim.Handset, string, <-chan error) {
	t.Helper()
	sim, err := firmwaresim.New(model, firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	simPath := filepath.Join(dir, "sim")
	ln, err := net.Listen("unix", simPath)
	if err != nil {
		sim.Close()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- uhidserve.Serve(ctx, ln, sim) }()
	return sim, simPath, served
}

// TestRecordThenReplay proves that recording a handset and replaying the
// recording reproduces the same Phone API lines. A simulated handset is
// driven through its control language while handsetd run carries it to a
// host and handsetd record listens in; then handsetd run --device replay:
// plays the file to a second host, which must receive exactly the same
// lines; so must a third host fed through phonesim's replay server; and
// handsetd monitor prints the same events from the file.
func TestRecordThenReplay(t *testing.T) {
	dir := proctest.ShortDir(t)
	t.Setenv("XDG_CONFIG_HOME", dir) // no user config applies
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	sim, simPath, served := serveSim(t, ctx, dir, "generic-telephony")
	defer sim.Close()

	host1 := startHost(t, ctx, filepath.Join(dir, "h1"))
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	ran := runCmd(t, runCtx, io.Discard, "run", "--allow-root", "--log-level", "error", "--device", "sim:unix:"+simPath, "--host", "stream:"+host1.addr)

	recording := proctest.SyncBuffer{Wrote: make(chan struct{}, 1)}
	recorded := runCmd(t, ctx, &recording, "record", "--passive", "--log-level", "error", "--device", "sim:unix:"+simPath)

	host1.wait(t, "the driver's handshake", hasLine("HOOK ON"))
	// The recorder writes the header once it has opened the handset.
	for limit := time.After(waitLimit); !strings.Contains(recording.String(), "\nI: "); {
		select {
		case <-recording.Wrote:
		case <-limit:
			t.Fatalf("the recorder never wrote its header:\n%s", recording.String())
		}
	}
	// settle is what the handset's state shows once the driver has
	// acknowledged the step on the LEDs; the next step waits for it. (Mute
	// is left out: without a call the host turns it straight off again, so
	// the lines depend on the host's timing, not only on the recording.)
	offHookLED := func(on bool) func(firmwaresim.State) bool {
		return func(s firmwaresim.State) bool { return s.LEDs.OffHook == on }
	}
	steps := []struct {
		do, want string
		settle   func(firmwaresim.State) bool
	}{
		{"hook off", "HOOK OFF", offHookLED(true)},
		{"tap 1", "BTN_RELEASED 1", nil},
		{"tap #", "BTN_RELEASED #", nil},
		{"press 5", "BTN_PRESSED 5", nil},
		{"release 5", "BTN_RELEASED 5", nil},
		{"tap *", "BTN_RELEASED *", nil},
		{"hook on", "HOOK ON", offHookLED(false)},
	}
	n := 0
	for _, s := range steps {
		if got := sim.Exec(s.do); got != "ok" {
			t.Fatalf("%s: %s", s.do, got)
		}
		// Wait for this step's line after every earlier one.
		host1.wait(t, s.want, func(ls []string) bool {
			for i := n; i < len(ls); i++ {
				if ls[i] == s.want {
					n = i + 1
					return true
				}
			}
			return false
		})
		if s.settle != nil {
			waitSim(t, sim, "the acknowledgement of "+s.do, func(st firmwaresim.State) bool { return s.settle(st) && !st.HookPending })
		}
	}
	want := host1.snapshot()
	// Unplugging flushes the reports still queued for the recorder, then
	// ends its recording.
	if got := sim.Exec("unplug"); got != "ok" {
		t.Fatalf("unplug: %s", got)
	}
	if err := waitErr(t, recorded, "record"); err != nil {
		t.Fatalf("record: %v", err)
	}
	stopRun()
	if err := waitErr(t, ran, "run"); err != nil {
		t.Fatalf("run: %v", err)
	}
	// The test drove the handset within milliseconds. Replayed at that
	// pace, a loaded machine's host can fall behind, and the driver then
	// rightly sends only the newest hook state; a person is slower. Space
	// the reports 25 ms apart, as a brisk human would.
	parsed, err := hidrec.Parse(strings.NewReader(recording.String()))
	if err != nil {
		t.Fatalf("the recording does not parse: %v\n%s", err, recording.String())
	}
	for i := range parsed.Devices[0].Events {
		parsed.Devices[0].Events[i].Time = time.Duration(i) * 25 * time.Millisecond
	}
	var paced bytes.Buffer
	if err := hidrec.Encode(&paced, parsed); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "x.hid")
	if err := os.WriteFile(file, paced.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("testdata/session.hid", []byte(recording.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(recording.String(), "\nR: ") || strings.Count(recording.String(), "\nE: ") < 8 {
		t.Fatalf("recording lacks a descriptor or events:\n%s", recording.String())
	}

	host2 := startHost(t, ctx, filepath.Join(dir, "h2"))
	rctx, stopReplay := context.WithCancel(ctx)
	// At the recorded pace: with --fast, hook and mute changes the host
	// has not read yet are coalesced by the driver (only the newest state
	// of each is sent), which is right for a driver but not a reproduction.
	replayed := runCmd(t, rctx, io.Discard, "run", "--allow-root", "--log-level", "error", "--device", "replay:"+file, "--host", "stream:"+host2.addr)
	got := host2.wait(t, fmt.Sprintf("the %d lines of the recorded session", len(want)), func(ls []string) bool { return len(ls) >= len(want) })
	stopReplay()
	if err := waitErr(t, replayed, "run --device replay:"); err != nil {
		t.Fatalf("replay run: %v", err)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("replay sent\n%s\nthe recorded session sent\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// phonesim --replay serves the file on the UHID socket: handsetd run
	// on sim: gets the same lines. Playback starts once the host has the
	// driver's resync, as a person typing play into phonesim would wait.
	rec, err := replay.Load(file, -1)
	if err != nil {
		t.Fatal(err)
	}
	replaySock := filepath.Join(dir, "rp")
	rln, err := net.Listen("unix", replaySock)
	if err != nil {
		t.Fatal(err)
	}
	play := make(chan struct{})
	sctx, stopServe := context.WithCancel(ctx)
	servedReplay := make(chan error, 1)
	go func() {
		servedReplay <- uhidserve.ServeReplay(sctx, rln, rec, uhidserve.ReplayOptions{Start: play})
	}()
	host3 := startHost(t, ctx, filepath.Join(dir, "h3"))
	pctx, stopPlay := context.WithCancel(ctx)
	viaSim := runCmd(t, pctx, io.Discard, "run", "--allow-root", "--log-level", "error", "--device", "sim:unix:"+replaySock, "--host", "stream:"+host3.addr)
	host3.wait(t, "the resync", hasLine("HOOK ON"))
	close(play)
	got = host3.wait(t, "the recorded lines via phonesim", func(ls []string) bool { return len(ls) >= len(want) })
	stopPlay()
	if err := waitErr(t, viaSim, "run --device sim: (replay)"); err != nil {
		t.Fatalf("run via phonesim replay: %v", err)
	}
	stopServe()
	if err := waitErr(t, servedReplay, "ServeReplay"); err != nil {
		t.Fatalf("ServeReplay: %v", err)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("replay via phonesim sent\n%s\nthe recorded session sent\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// monitor prints the same events, and exits at the end of the file.
	var mon proctest.SyncBuffer
	if err := waitErr(t, runCmd(t, ctx, &mon, "monitor", "--fast", "--log-level", "error", "--device", "replay:"+file), "monitor"); err != nil {
		t.Fatalf("monitor: %v", err)
	}
	wantMon := "HOOK OFF\nBTN_PRESSED 1\nBTN_RELEASED 1\nBTN_PRESSED #\nBTN_RELEASED #\nBTN_PRESSED 5\nBTN_RELEASED 5\nBTN_PRESSED *\nBTN_RELEASED *\nHOOK ON\n"
	if mon.String() != wantMon {
		t.Errorf("monitor printed\n%s\nwant\n%s", mon.String(), wantMon)
	}
	cancel()
	<-served
}

// TestMonitorConfig proves that --config applies its remaps and NAME to a
// replayed handset, that a malformed config stops handsetd with the file and
// line, and that a missing --config file is an error while a missing default
// one is not.
func TestMonitorConfig(t *testing.T) {
	dir := proctest.ShortDir(t)
	t.Setenv("XDG_CONFIG_HOME", dir)
	ctx := context.Background()
	monitorDevice := func(device string, extra ...string) (string, error) {
		var out proctest.SyncBuffer
		args := append([]string{"monitor", "--fast", "--log-level", "error", "--device", device}, extra...)
		err := waitErr(t, runCmd(t, ctx, &out, args...), "monitor")
		return out.String(), err
	}
	monitor := func(extra ...string) (string, error) { return monitorDevice("replay:testdata/session.hid", extra...) }
	plain, err := monitor()
	if err != nil || !strings.Contains(plain, "BTN_PRESSED #\n") {
		t.Fatalf("no config: %v\n%s", err, plain)
	}
	cfg := filepath.Join(dir, "c.toml")
	os.WriteFile(cfg, []byte("[model.\"Generic USB Telephony Handset\".keys]\n\"1\" = \"YES\"\n\"#\" = \"\"\n"), 0o644)
	got, err := monitor("--config", cfg)
	want := "HOOK OFF\nBTN_PRESSED YES\nBTN_RELEASED YES\nBTN_PRESSED 5\nBTN_RELEASED 5\nBTN_PRESSED *\nBTN_RELEASED *\nHOOK ON\n"
	if err != nil || got != want {
		t.Errorf("with remaps: %v\n%s\nwant\n%s", err, got, want)
	}
	// The default location is used when --config is not given.
	os.MkdirAll(filepath.Join(dir, "handsetd"), 0o755)
	os.Rename(cfg, filepath.Join(dir, "handsetd", "config.toml"))
	if got, err := monitor(); err != nil || got != want {
		t.Errorf("default config: %v\n%s", err, got)
	}
	os.WriteFile(cfg, []byte("[model.A]\n\n name = 3\n"), 0o644)
	if _, err := monitor("--config", cfg); err == nil || !strings.Contains(err.Error(), cfg+":3:") {
		t.Errorf("malformed config: %v, want an error at %s:3", err, cfg)
	}
	if _, err := monitor("--config", filepath.Join(dir, "nope.toml")); err == nil {
		t.Error("missing --config file accepted")
	}
	os.WriteFile(filepath.Join(dir, "bad.hid"), []byte("R: 1 c0\nE: 1\n"), 0o644)
	if _, err := monitorDevice("replay:" + filepath.Join(dir, "bad.hid")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("malformed recording: %v, want line 2", err)
	}
}

// TestRecordAcknowledges proves that handsetd record on its own (not
// --passive) acknowledges the hook on the LEDs as the driver would, so the
// simulated handset does not revert to on-hook, notes its outputs with
// --outputs, prints the Phone API lines on stderr, and ends with a complete
// recording when the handset is unplugged.
func TestRecordAcknowledges(t *testing.T) {
	dir := proctest.ShortDir(t)
	t.Setenv("XDG_CONFIG_HOME", dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sim, simPath, served := serveSim(t, ctx, dir, "generic-telephony")
	defer sim.Close()

	var out, errOut proctest.SyncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"record", "--outputs", "--log-level", "error", "--device", "sim:unix:" + simPath}, strings.NewReader(""), &out, &errOut)
	}()
	waitSim(t, sim, "the recorder to open the handset", func(s firmwaresim.State) bool { return s.Hosts == 1 })
	if got := sim.Exec("hook off"); got != "ok" {
		t.Fatal(got)
	}
	waitSim(t, sim, "the off-hook acknowledgement", func(s firmwaresim.State) bool { return s.LEDs.OffHook && !s.HookPending })
	if got := sim.Exec("unplug"); got != "ok" {
		t.Fatal(got)
	}
	if err := waitErr(t, done, "record"); err != nil {
		t.Fatalf("record: %v", err)
	}
	rec := out.String()
	if !strings.Contains(rec, "# output: ") || strings.Count(rec, "\nE: ") != 2 {
		t.Errorf("want two reports and output notes:\n%s", rec)
	}
	if !strings.Contains(errOut.String(), "HOOK OFF") {
		t.Errorf("stderr lacks the Phone API line: %s", errOut.String())
	}
	cancel()
	<-served
}

// TestRecordPicksProfile proves that handsetd record chooses a CM109
// phone's keymap as run and monitor do: by --cm109-model, or by cm109_model
// in the --config file. Recording a G-Talk, its UP key must be printed as
// BTN_PRESSED UP on stderr, not as the KIP1000 key on the same contacts.
func TestRecordPicksProfile(t *testing.T) {
	for _, tc := range []struct {
		name string
		args func(dir string) []string
	}{
		{"flag", func(string) []string { return []string{"--cm109-model", "gtalk"} }},
		{"config", func(dir string) []string {
			path := filepath.Join(dir, "c.toml")
			if err := os.WriteFile(path, []byte("cm109_model = \"gtalk\"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			return []string{"--config", path}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := proctest.ShortDir(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sim, simPath, served := serveSim(t, ctx, dir, "cm109-gtalk")
			defer sim.Close()

			var out bytes.Buffer
			errOut := &proctest.SyncBuffer{Wrote: make(chan struct{}, 1)}
			done := make(chan error, 1)
			args := append([]string{"record", "--log-level", "error", "--device", "sim:unix:" + simPath}, tc.args(dir)...)
			go func() { done <- run(ctx, args, strings.NewReader(""), &out, errOut) }()
			waitSim(t, sim, "the recorder to open the handset", func(s firmwaresim.State) bool { return s.Hosts == 1 })
			if err := sim.Press("UP"); err != nil {
				t.Fatal(err)
			}
			deadline := time.After(e2eLimit)
			for !strings.Contains(errOut.String(), "BTN_PRESSED UP") {
				select {
				case <-errOut.Wrote:
				case <-deadline:
					t.Fatalf("no BTN_PRESSED UP on stderr: %q", errOut.String())
				}
			}
			cancel()
			if err := waitErr(t, done, "record"); err != nil {
				t.Fatalf("record: %v", err)
			}
			<-served
		})
	}
}

// recordLegacy records a simulated legacy handset with handsetd record
// (which polls and scans it as the driver does) while keys are tapped, and
// returns the recording and the HOOK/BTN lines record printed on stderr.
func recordLegacy(t *testing.T, model string, keys []string) (recording string, lines []string) {
	t.Helper()
	dir := proctest.ShortDir(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sim, simPath, served := serveSim(t, ctx, dir, model)
	defer sim.Close()

	out := &proctest.SyncBuffer{Wrote: make(chan struct{}, 1)}
	errOut := &proctest.SyncBuffer{Wrote: make(chan struct{}, 1)}
	args := append([]string{"record", "--log-level", "error", "--device", "sim:unix:" + simPath}, cmModelArg(model)...)
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, strings.NewReader(""), out, errOut) }()
	waitSim(t, sim, "the recorder to open the handset", func(s firmwaresim.State) bool { return s.Hosts == 1 })
	seen := 0
	await := func(line string) {
		t.Helper()
		deadline := time.After(e2eLimit)
		for {
			ls := filterEvents(errOut.String())
			if i := slices.Index(ls[min(seen, len(ls)):], line); i >= 0 {
				seen += i + 1
				return
			}
			select {
			case <-errOut.Wrote:
			case <-deadline:
				t.Fatalf("record never printed %q; stderr: %q", line, errOut.String())
			}
		}
	}
	for _, k := range keys {
		if err := sim.Press(k); err != nil {
			t.Fatal(err)
		}
		await("BTN_PRESSED " + k)
		if err := sim.Release(k); err != nil {
			t.Fatal(err)
		}
		await("BTN_RELEASED " + k)
		if !strings.HasPrefix(model, "yealink") {
			continue // a CM109 reports only changes
		}
		// A person pauses between keys, and the driver goes on polling:
		// let a few more reports (the idle polls' replies) be recorded.
		more := strings.Count(out.String(), "\nE: ") + 3
		deadline := time.After(e2eLimit)
		for strings.Count(out.String(), "\nE: ") < more {
			select {
			case <-out.Wrote:
			case <-deadline:
				t.Fatalf("the recording stopped growing:\n%s", out.String())
			}
		}
	}
	if got := sim.Exec("unplug"); got != "ok" {
		t.Fatal(got)
	}
	if err := waitErr(t, done, "record"); err != nil {
		t.Fatalf("record: %v", err)
	}
	cancel()
	<-served
	return out.String(), filterEvents(errOut.String())
}

// filterEvents keeps the HOOK and BTN lines of a monitor's output.
func filterEvents(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "HOOK ") || strings.HasPrefix(l, "BTN_") {
			out = append(out, l)
		}
	}
	return out
}

// monitorReplay runs handsetd monitor on a recording file and returns its
// HOOK and BTN lines.
func monitorReplay(t *testing.T, file string, extra ...string) []string {
	t.Helper()
	var mon proctest.SyncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), e2eLimit)
	defer cancel()
	args := append([]string{"monitor", "--log-level", "error", "--device", "replay:" + file}, extra...)
	if err := run(ctx, args, strings.NewReader(""), &mon, io.Discard); err != nil {
		t.Fatalf("monitor %v: %v", extra, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("monitor %v did not finish the replay in %v; printed %q", extra, e2eLimit, mon.String())
	}
	return filterEvents(mon.String())
}

// TestLegacyRecordThenReplay proves, for a Yealink P1K and a CM109 (G-Talk
// keymap), that a session recorded with handsetd record replays through
// handsetd monitor, at the recorded pace, as the same key lines the
// recorder saw; and that the P1K's recording, whose every report is a reply
// to the driver's poll, gives the same lines with --fast, where each reply
// waits for the driver's request.
func TestLegacyRecordThenReplay(t *testing.T) {
	for _, tc := range []struct {
		model string
		keys  []string
		fast  bool
	}{
		{"yealink-p1k", []string{"1", "#", "YES", "UP", "C"}, true},
		{"cm109-gtalk", []string{"1", "#", "YES", "UP"}, false},
	} {
		t.Run(tc.model, func(t *testing.T) {
			t.Parallel()
			recording, want := recordLegacy(t, tc.model, tc.keys)
			if len(want) != 2*len(tc.keys) {
				t.Fatalf("the recorder saw %q", want)
			}
			file := filepath.Join(proctest.ShortDir(t), "x.hid")
			if err := os.WriteFile(file, []byte(recording), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := monitorReplay(t, file, cmModelArg(tc.model)...); !slices.Equal(got, want) {
				t.Errorf("paced replay printed\n%q\nthe recorder saw\n%q", got, want)
			}
			if tc.fast {
				if got := monitorReplay(t, file, append(cmModelArg(tc.model), "--fast")...); !slices.Equal(got, want) {
					t.Errorf("fast replay printed\n%q\nthe recorder saw\n%q", got, want)
				}
			}
		})
	}
}
