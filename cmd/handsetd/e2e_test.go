package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
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
		cmd := exec.Command("go", "build", "-o", dir+"/", "github.com/handsetd/handsetd/cmd/...")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building the commands:", err)
			return 1
		}
		binDir = dir
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
	used  int
	more  chan struct{}
	done  chan struct{}
	err   error
	stder strings.Builder
}

func start(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, name: name, more: make(chan struct{}, 1), done: make(chan struct{})}
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

// waitLine waits for the next stdout line (after the last one waited for)
// equal to want, skipping others.
func (p *proc) waitLine(want string) {
	p.t.Helper()
	p.waitMatch(want, func(l string) bool { return l == want })
}

func (p *proc) waitMatch(what string, ok func(string) bool) string {
	p.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		p.mu.Lock()
		for i := p.used; i < len(p.lines); i++ {
			if ok(p.lines[i]) {
				p.used = i + 1
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

// TestThreeProcesses proves the command-line contract end to end: phonesim
// serves the handset, phoneapi-host listens, and handsetd run connects the
// two; the host sees the handshake, hook, keys and mute, and an incoming call
// rings the simulated handset until it is lifted.
func TestThreeProcesses(t *testing.T) {
	dir := t.TempDir()
	phone := "unix:" + filepath.Join(dir, "phone.sock")
	hostAddr := "unix:" + filepath.Join(dir, "host.sock")
	sim := start(t, "phonesim", "--model", "generic-telephony", "--listen", phone)
	host := start(t, "phoneapi-host", "--listen", hostAddr)
	start(t, "handsetd", "run", "--device", "sim:"+phone, "--host", "stream:"+hostAddr)

	for _, l := range []string{"<- NAME Generic USB Telephony Handset", "<- PROTOCOL 5", "-> PROTOCOL 5", "<- AUDIO_IN", "<- AUDIO_OUT", "<- HOOK ON"} {
		host.waitLine(l)
	}
	sim.must("hook off")
	host.waitLine("<- HOOK OFF")
	sim.must("tap 4")
	host.waitLine("<- BTN_PRESSED 4")
	host.waitLine("<- BTN_RELEASED 4")
	sim.must("hook on")
	host.waitLine("<- HOOK ON")

	if got := host.say("call in echo123 Echo Test Service"); got != "ok 1001" {
		t.Fatalf("call: %s", got)
	}
	waitState(t, sim, `"ringing":true`)
	sim.must("hook off")
	host.waitLine("-> CALL 1001 STATUS INPROGRESS")
	waitState(t, sim, `"ringing":false`)
	sim.must("mute")
	host.waitLine("<- MUTE ON")
	waitState(t, sim, `"mute":true`)
	sim.must("hook on")
	host.waitLine("-> CALL 1001 STATUS FINISHED")
	host.waitLine("-> MUTE OFF")
	waitState(t, sim, `"mute":false`)
}

// waitState asks phonesim for its state until it contains want. Each state
// query is a real round trip, so this settles as soon as the driver has
// written the output report.
func waitState(t *testing.T, sim *proc, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var got string
	for ctx.Err() == nil {
		if got = sim.say("state"); strings.Contains(got, want) {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("phonesim state never contained %s; last: %s", want, got)
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
