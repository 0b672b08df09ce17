package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handsetd/handsetd/internal/dbustest"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

// binDir holds phonesim, phoneapi-host and handsetd built once for the
// process-level tests.
var binDir string

func TestMain(m *testing.M) {
	code := func() int {
		dir, err := os.MkdirTemp("", "handsetd-e2e-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		// No user's keymap overrides (config.toml) apply to any test.
		os.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config-home"))
		cmd := exec.Command("go", "build", "-o", dir+"/", "github.com/handsetd/handsetd/cmd/...")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building the commands:", err)
			return 1
		}
		binDir = dir
		// handsetd demo, also run in this process, finds phonesim and
		// phoneapi-host on PATH.
		os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
		return m.Run()
	}()
	os.Exit(code)
}

// proc is one of the three programs, with its stdin to type into and its
// stdout lines to wait for.
type proc struct {
	t     *testing.T
	name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser

	mu    sync.Mutex
	lines []string
	used  map[int]bool // lines a wait has matched
	more  chan struct{}
	done  chan struct{}
	err   error
	stder strings.Builder
}

func start(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, name: name, more: make(chan struct{}, 1), done: make(chan struct{}), used: map[int]bool{}}
	if name == "handsetd" && len(args) > 0 && args[0] == "run" {
		// The tests run as root in CI, where run refuses root without it.
		args = append([]string{"run", "--allow-root"}, args[1:]...)
	}
	p.cmd = exec.Command(filepath.Join(binDir, name), args...)
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stderr = &syncWriter{mu: &p.mu, b: &p.stder, poke: p.more}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
			select {
			case p.more <- struct{}{}:
			default:
			}
		}
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() { p.stop() })
	return p
}

type syncWriter struct {
	mu   *sync.Mutex
	b    *strings.Builder
	poke chan struct{}
}

func (w *syncWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	n, err := w.b.Write(b)
	w.mu.Unlock()
	select {
	case w.poke <- struct{}{}:
	default:
	}
	return n, err
}

// waitStderr waits until the program has logged text.
func (p *proc) waitStderr(text string) {
	p.t.Helper()
	deadline := time.After(5 * time.Second)
	for !strings.Contains(p.stderr(), text) {
		select {
		case <-p.more:
		case <-p.done:
			p.t.Fatalf("%s exited before logging %q: %v\nstderr:\n%s", p.name, text, p.err, p.stderr())
		case <-deadline:
			p.t.Fatalf("%s never logged %q; stderr:\n%s", p.name, text, p.stderr())
		}
	}
}

// stop ends the program as a user would (SIGTERM) and checks it exits
// cleanly.
func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
		if p.err != nil {
			p.t.Errorf("%s exited with %v; stderr:\n%s", p.name, p.err, p.stderr())
		}
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		p.t.Errorf("%s did not exit on SIGINT", p.name)
	}
}

func (p *proc) stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stder.String()
}

// waitLine waits for the first stdout line equal to want that no earlier
// wait matched. Traffic lines and control answers interleave freely, so a
// wait does not consume the lines before its match.
func (p *proc) waitLine(want string) {
	p.t.Helper()
	p.waitMatch(want, func(l string) bool { return l == want })
}

func (p *proc) waitMatch(what string, ok func(string) bool) string {
	p.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		p.mu.Lock()
		for i := range p.lines {
			if !p.used[i] && ok(p.lines[i]) {
				p.used[i] = true
				l := p.lines[i]
				p.mu.Unlock()
				return l
			}
		}
		p.mu.Unlock()
		select {
		case <-p.more:
		case <-p.done:
			p.t.Fatalf("%s exited while waiting for %q: %v\nstdout:\n%s\nstderr:\n%s", p.name, what, p.err, strings.Join(p.lines, "\n"), p.stderr())
		case <-deadline:
			p.mu.Lock()
			out := strings.Join(p.lines, "\n")
			p.mu.Unlock()
			p.t.Fatalf("%s: timed out waiting for %q; stdout:\n%s\nstderr:\n%s", p.name, what, out, p.stderr())
		}
	}
}

// mark returns the number of stdout lines so far.
func (p *proc) mark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.lines)
}

// since returns the traffic lines ("<- "/"-> ") after mark.
func (p *proc) since(mark int) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, l := range p.lines[mark:] {
		if strings.HasPrefix(l, "<- ") || strings.HasPrefix(l, "-> ") {
			out = append(out, l)
		}
	}
	return out
}

// say types a control line and returns its one-line answer.
func (p *proc) say(line string) string {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		p.t.Fatalf("%s: writing %q: %v", p.name, line, err)
	}
	return p.waitMatch("the answer to "+line, func(l string) bool {
		return l == "ok" || strings.HasPrefix(l, "ok ") || strings.HasPrefix(l, "error: ") || strings.HasPrefix(l, "{")
	})
}

func (p *proc) must(line string) {
	p.t.Helper()
	if got := p.say(line); !strings.HasPrefix(got, "ok") {
		p.t.Fatalf("%s %q: %s", p.name, line, got)
	}
}

// trio is phonesim, phoneapi-host and handsetd run, three processes wired
// over unix sockets exactly as the README shows, after the handshake.
type trio struct {
	sim, host, drv *proc
}

func startTrio(t *testing.T) *trio {
	t.Helper()
	dir := t.TempDir()
	phone := "unix:" + filepath.Join(dir, "phone.sock")
	hostAddr := "unix:" + filepath.Join(dir, "host.sock")
	tr := &trio{
		sim:  start(t, "phonesim", "--model", "generic-telephony", "--listen", phone),
		host: start(t, "phoneapi-host", "--listen", hostAddr),
	}
	tr.drv = start(t, "handsetd", "run", "--device", "sim:"+phone, "--host", "stream:"+hostAddr)
	tr.host.waitLine("<- HOOK ON")
	return tr
}

// hostState asks phoneapi-host for its state.
func (tr *trio) hostState() string { return tr.host.say("state") }

// TestProcessHandshake proves (issue item 1) the handshake across three
// processes: NAME, then PROTOCOL negotiated down to what the host speaks,
// then AUDIO_IN, AUDIO_OUT and the hook state.
func TestProcessHandshake(t *testing.T) {
	tr := startTrio(t)
	tr.host.mu.Lock()
	var got []string
	for _, l := range tr.host.lines {
		if strings.HasPrefix(l, "<- ") || strings.HasPrefix(l, "-> PROTOCOL") {
			got = append(got, l)
		}
	}
	tr.host.mu.Unlock()
	want := []string{"<- NAME Generic USB Telephony Handset", "<- PROTOCOL 5", "-> PROTOCOL 5", "<- AUDIO_IN", "<- AUDIO_OUT", "<- HOOK ON"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("handshake traffic %q, want %q", got, want)
	}
}

// TestProcessHookAndKeys proves (items 2 and 3) that lifting gives HOOK OFF
// and the device's Off-Hook LED is acknowledged (the headset keeps its hook
// state instead of reverting), and that tap 5 gives exactly BTN_PRESSED 5
// then BTN_RELEASED 5.
func TestProcessHookAndKeys(t *testing.T) {
	tr := startTrio(t)
	tr.sim.must("hook off")
	tr.host.waitLine("<- HOOK OFF")
	waitState(t, tr.sim, `"hook":"off"`, `"offhook":true`, `"hook_pending":false`)
	mark := tr.host.mark()
	tr.sim.must("tap 5")
	tr.host.waitLine("<- BTN_RELEASED 5")
	if got := tr.host.since(mark); strings.Join(got, "|") != "<- BTN_PRESSED 5|<- BTN_RELEASED 5" {
		t.Fatalf("tap 5 gave %q", got)
	}
}

// TestProcessIncomingCall proves (item 4) that call in alice rings the
// handset, lifting answers it (the host's state shows it INPROGRESS) and
// silences it, and hanging up ends it.
func TestProcessIncomingCall(t *testing.T) {
	tr := startTrio(t)
	if got := tr.host.say("call in alice"); got != "ok 1001" {
		t.Fatalf("call in: %s", got)
	}
	waitState(t, tr.sim, `"ringing":true`, `"ring":true`)
	tr.sim.must("hook off")
	tr.host.waitLine("-> CALL 1001 STATUS INPROGRESS")
	if st := tr.hostState(); !strings.Contains(st, `"status":"INPROGRESS"`) {
		t.Fatalf("host state after lifting: %s", st)
	}
	waitState(t, tr.sim, `"ringing":false`, `"ring":false`)
	tr.sim.must("hook on")
	tr.host.waitLine("-> CALL 1001 STATUS FINISHED")
	if st := tr.hostState(); strings.Contains(st, `"status":"INPROGRESS"`) {
		t.Fatalf("host state after hanging up: %s", st)
	}
}

// TestProcessRingback proves (item 5) that an outgoing call's RINGING never
// rings the handset: phonesim's state is sampled after every line of the
// call's progress, and an incoming call afterwards does ring (so the
// sampling sees ringing when there is some).
func TestProcessRingback(t *testing.T) {
	tr := startTrio(t)
	tr.sim.must("hook off")
	for _, k := range []string{"1", "2", "3", "YES"} {
		tr.sim.must("tap " + k)
	}
	tr.host.waitLine("-> CALL 1001 STATUS RINGING")
	for range 5 {
		waitState(t, tr.sim, `"ringing":false`)
	}
	tr.host.must("answer")
	tr.host.waitLine("-> CALL 1001 STATUS INPROGRESS")
	waitState(t, tr.sim, `"ringing":false`)
	tr.sim.must("hook on")
	tr.host.waitLine("-> CALL 1001 STATUS FINISHED")
	tr.host.must("call out 5550100")
	tr.host.waitLine("-> CALL 1002 STATUS RINGING")
	waitState(t, tr.sim, `"ringing":false`)
	tr.host.must("hangup")
	tr.host.must("call in bob")
	waitState(t, tr.sim, `"ringing":true`)
}

// TestProcessMute proves (items 6 and 7) mute both ways: the host's mute on
// lights the mute LED; the device's mute button sends MUTE ON, the host's
// echo keeps the LED in step, and pressed twice it ends OFF.
func TestProcessMute(t *testing.T) {
	tr := startTrio(t)
	tr.host.must("call in carol")
	tr.sim.must("hook off")
	tr.host.waitLine("-> CALL 1001 STATUS INPROGRESS")
	tr.host.must("mute on")
	tr.host.waitLine("-> MUTE ON")
	waitState(t, tr.sim, `"mute":true`)
	tr.host.must("mute off")
	waitState(t, tr.sim, `"mute":false`)

	tr.sim.must("mute")
	tr.host.waitLine("<- MUTE ON")
	tr.host.waitLine("-> MUTE ON")
	waitState(t, tr.sim, `"mute":true`)
	tr.sim.must("mute")
	tr.host.waitLine("<- MUTE OFF")
	tr.host.waitLine("-> MUTE OFF")
	waitState(t, tr.sim, `"mute":false`, `"muted":false`)
	if st := tr.hostState(); !strings.Contains(st, `"mute":false`) {
		t.Fatalf("host state after two presses: %s", st)
	}
}

// TestProcessBadInput proves (item 8) that bad input crashes nothing and is
// answered or skipped with a rate-limited log: a raw host feeds handsetd
// malformed lines, invalid UTF-8 and an over-long line, and the driver still
// rings for the next good call; phoneapi-host answers a raw client's bad
// lines with the seed's errors, and an over-long control line with an error.
func TestProcessBadInput(t *testing.T) {
	dir := t.TempDir()
	phone := "unix:" + filepath.Join(dir, "phone.sock")
	hostPath := filepath.Join(dir, "raw.sock")
	ln, err := net.Listen("unix", hostPath)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	sim := start(t, "phonesim", "--model", "generic-telephony", "--listen", phone)
	drv := start(t, "handsetd", "run", "--device", "sim:"+phone, "--host", "stream:unix:"+hostPath)
	ln.(*net.UnixListener).SetDeadline(time.Now().Add(10 * time.Second))
	c, err := ln.Accept()
	if err != nil {
		t.Fatalf("handsetd never connected: %v\n%s", err, drv.stderr())
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	for _, want := range []string{"NAME ", "PROTOCOL 5"} {
		if l, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(l, want) {
			t.Fatalf("handshake line %q, %v; want %q", l, err, want)
		}
	}
	bad := "OK\nPROTOCOL 5\n" +
		"\xff\xfe CALL 1 STATUS RINGING\n" + // invalid UTF-8
		strings.Repeat("CALL 2 PARTNER_DISPNAME x", 4000) + "\n" + // ~100 KiB
		strings.Repeat("CALL x STATUS RINGING\n#\nCALL 5 STATUS\n", 40) +
		"CALL 9 STATUS RINGING\nCALL 9 TYPE INCOMING_P2P\n"
	if _, err := io.WriteString(c, bad); err != nil {
		t.Fatal(err)
	}
	waitState(t, sim, `"ringing":true`)
	if n := strings.Count(drv.stderr(), "msg=\"skipping malformed line"); n < 1 || n > 2 {
		t.Fatalf("the driver logged %d malformed-line warnings for 122 bad lines; want 1 or 2 (rate-limited):\n%s", n, drv.stderr())
	}

	hostAddr := filepath.Join(dir, "host.sock")
	host := start(t, "phoneapi-host", "--listen", "unix:"+hostAddr)
	host.waitStderr("listening")
	hc, err := net.Dial("unix", hostAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer hc.Close()
	hc.SetDeadline(time.Now().Add(10 * time.Second))
	hr := bufio.NewReader(hc)
	for _, tc := range []struct{ send, want string }{
		{"GRT USERSTATUS\n", "ERROR 2 "},
		{"BTN_PRESSED ??\n", "ERROR 71 "},
		{"\xc3\x28 HOOK OFF\n", "ERROR 1 "},
		{strings.Repeat("A", 70<<10) + "\n", "ERROR 1 "},
		{"PING\n", "PONG"},
	} {
		if _, err := io.WriteString(hc, tc.send); err != nil {
			t.Fatal(err)
		}
		l, err := hr.ReadString('\n')
		if err != nil || !strings.HasPrefix(l, tc.want) {
			t.Fatalf("host answered %.60q (%v) to %.40q; want %q", l, err, tc.send, tc.want)
		}
	}
	if got := host.say("send " + strings.Repeat("X", 70<<10)); !strings.HasPrefix(got, "error: ") {
		t.Fatalf("an over-long control line: %.60q, want an error", got)
	}
	if got := host.say("state"); !strings.HasPrefix(got, "{") {
		t.Fatalf("state after bad input: %.60q", got) // still alive and answering
	}
}

// TestProcessDemoWithoutTTY proves (item 9) what `make run` does in CI:
// handsetd demo with stdin from /dev/null runs the built-in script to the
// end, prints the Phone API conversation and exits 0.
func TestProcessDemoWithoutTTY(t *testing.T) {
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	cmd := exec.Command(filepath.Join(binDir, "handsetd"), "demo")
	cmd.Stdin = devnull
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("demo exited with %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("demo did not finish; stdout so far:\n%s", out.String())
	}
	for _, want := range []string{"<- NAME ", "-> PROTOCOL 5", "<- HOOK OFF", "<- BTN_PRESSED YES", "-> CALL 1002 STATUS RINGING", "-> CALL 1002 STATUS FINISHED"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo's conversation lacks %q", want)
		}
	}
}

// waitState asks phonesim for its state until it contains want. Each state
// query is a real round trip, so this settles as soon as the driver has
// written the output report.
func waitState(t *testing.T, sim *proc, want ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var got string
	for ctx.Err() == nil {
		got = sim.say("state")
		all := true
		for _, w := range want {
			all = all && strings.Contains(got, w)
		}
		if all {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("phonesim state never contained %s; last: %s", strings.Join(want, " and "), got)
}

// TestMonitorPrintsPhoneAPILines proves handsetd monitor prints what each
// event would send, one line each, with no host at all.
func TestMonitorPrintsPhoneAPILines(t *testing.T) {
	dir := t.TempDir()
	phone := "unix:" + filepath.Join(dir, "phone.sock")
	sim := start(t, "phonesim", "--model", "generic-telephony", "--listen", phone)
	sim.waitStderr("serving simulated handset") // monitor does not wait for a device that is not there
	mon := start(t, "handsetd", "monitor", "--device", "sim:"+phone)
	waitState(t, sim, `"hosts":1`)
	sim.must("hook off")
	mon.waitLine("HOOK OFF")
	sim.must("tap #")
	mon.waitLine("BTN_PRESSED #")
	mon.waitLine("BTN_RELEASED #")
	sim.must("mute")
	mon.waitLine("MUTE ON")
	waitState(t, sim, `"hook":"off"`) // the monitor acknowledged the lift
	mon.stop()
	mon.mu.Lock()
	defer mon.mu.Unlock()
	want := "HOOK OFF|BTN_PRESSED #|BTN_RELEASED #|MUTE ON"
	if got := strings.Join(mon.lines, "|"); got != want {
		t.Fatalf("monitor printed %q, want %q", got, want)
	}
}

// TestProcessTwoHandsetsOwnNames proves `handsetd run` with two --device
// makes each handset its own D-Bus client with its own NAME: two handsets
// of the same model, or two given one --name, are numbered in --device
// order, and lifting the first shows on the client with the plain name.
func TestProcessTwoHandsetsOwnNames(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra []string
		base  string
	}{
		{"same model", nil, "Generic USB Telephony Handset"},
		{"one --name", []string{"--name", "Desk Phone"}, "Desk Phone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bus := dbustest.Start(t)
			dir := t.TempDir()
			phone1 := "unix:" + filepath.Join(dir, "phone1.sock")
			phone2 := "unix:" + filepath.Join(dir, "phone2.sock")
			sim1 := start(t, "phonesim", "--model", "generic-telephony", "--listen", phone1)
			start(t, "phonesim", "--model", "generic-telephony", "--listen", phone2)
			host := start(t, "phoneapi-host", "--dbus="+bus.Address)
			args := append([]string{"run", "--device", "sim:" + phone1, "--device", "sim:" + phone2,
				"--host", "dbus:" + bus.Address}, tc.extra...)
			start(t, "handsetd", args...)
			host.waitLine("<- NAME " + tc.base)
			host.waitLine("<- NAME " + tc.base + " #2")
			sim1.must("hook off")
			host.waitLine("<- HOOK OFF")
			st := host.say("state")
			var hs refhost.State
			if err := json.Unmarshal([]byte(st), &hs); err != nil {
				t.Fatal(err)
			}
			hooks := map[string]string{}
			for _, c := range hs.Clients {
				hooks[c.Name] = c.Hook
			}
			if len(hs.Clients) != 2 || hooks[tc.base] != "off" || hooks[tc.base+" #2"] != "on" {
				t.Errorf("clients %+v; want %q off hook and %q on hook", hs.Clients, tc.base, tc.base+" #2")
			}
		})
	}
}
