package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

// waitLimit bounds every wait; it only turns a hang into a failure.
const waitLimit = 10 * time.Second

// binDir holds the programs TestMain built.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "handsetd-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	binDir = dir
	gobin := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		gobin = "go"
	}
	build := exec.Command(gobin, "build", "-o", dir+string(filepath.Separator),
		"github.com/handsetd/handsetd/cmd/handsetd", "github.com/handsetd/handsetd/cmd/phonesim",
		"github.com/handsetd/handsetd/cmd/phoneapi-host")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building the programs failed:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is one running program with its stdin and its output as lines.
type proc struct {
	t       *testing.T
	name    string
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	answers chan string // stdout lines that are not traffic
	traffic chan string // stdout lines starting with "<- " or "-> "
	stderr  chan string
	done    chan struct{}
	mu      sync.Mutex
	log     []string // everything, for failure messages
}

// start runs a built program; it is killed when the test ends.
func start(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	return startPath(t, name, filepath.Join(binDir, name), args...)
}

// startPath runs the program at path, named name in messages.
func startPath(t *testing.T, name, path string, args ...string) *proc {
	t.Helper()
	if name == "handsetd" && len(args) > 0 && args[0] == "run" {
		// The tests run as root in CI, where run refuses root without it.
		args = append([]string{"run", "--allow-root"}, args[1:]...)
	}
	cmd := exec.Command(path, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, name: name, cmd: cmd, stdin: stdin, answers: make(chan string, 1000),
		traffic: make(chan string, 100000), stderr: make(chan string, 100000), done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	var readers sync.WaitGroup
	readers.Add(2)
	go func() {
		defer readers.Done()
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.note("out", line)
			if strings.HasPrefix(line, "<- ") || strings.HasPrefix(line, "-> ") {
				p.traffic <- line
			} else {
				p.answers <- line
			}
		}
	}()
	go func() {
		defer readers.Done()
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.note("err", sc.Text())
			select {
			case p.stderr <- sc.Text():
			default:
			}
		}
	}()
	go func() {
		readers.Wait()
		_ = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			p.mu.Lock()
			t.Logf("%s output:\n%s", name, strings.Join(p.log, "\n"))
			p.mu.Unlock()
		}
	})
	return p
}

func (p *proc) note(stream, line string) {
	p.mu.Lock()
	p.log = append(p.log, stream+": "+line)
	p.mu.Unlock()
}

// kill ends the process at once (SIGKILL) and waits for it.
func (p *proc) kill() {
	_ = p.cmd.Process.Kill()
	select {
	case <-p.done:
	case <-time.After(waitLimit):
		p.t.Errorf("%s did not exit after SIGKILL", p.name)
	}
}

// ask sends one control line and returns its answer.
func (p *proc) ask(line string) string {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		p.t.Fatalf("%s: write %q: %v", p.name, line, err)
	}
	select {
	case a := <-p.answers:
		return a
	case <-p.done:
		p.t.Fatalf("%s exited while answering %q", p.name, line)
	case <-time.After(waitLimit):
		p.t.Fatalf("%s did not answer %q", p.name, line)
	}
	return ""
}

// must sends a control line whose answer must start with "ok".
func (p *proc) must(line string) string {
	p.t.Helper()
	a := p.ask(line)
	if !strings.HasPrefix(a, "ok") {
		p.t.Fatalf("%s: %q answered %q", p.name, line, a)
	}
	return a
}

// expectTraffic waits for each wanted traffic line in order (others may
// come between) and returns when the last was seen.
func (p *proc) expectTraffic(want ...string) {
	p.t.Helper()
	deadline := time.After(waitLimit)
	for _, w := range want {
		for found := false; !found; {
			select {
			case l := <-p.traffic:
				found = l == w
			case <-deadline:
				p.t.Fatalf("%s: no traffic line %q", p.name, w)
			}
		}
	}
}

// drainTraffic forgets traffic seen so far.
func (p *proc) drainTraffic() {
	for {
		select {
		case <-p.traffic:
		default:
			return
		}
	}
}

// waitStderr waits for a stderr line containing s.
func (p *proc) waitStderr(s string) {
	p.t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case l := <-p.stderr:
			if strings.Contains(l, s) {
				return
			}
		case <-p.done:
			p.t.Fatalf("%s exited while waiting for %q on stderr", p.name, s)
		case <-deadline:
			p.t.Fatalf("%s: no %q on stderr", p.name, s)
		}
	}
}

// pollEvery paces the state polls below; the programs report state only
// when asked.
const pollEvery = 20 * time.Millisecond

// simState asks phonesim for its state until cond holds.
func (p *proc) simState(what string, cond func(firmwaresim.State) bool) firmwaresim.State {
	p.t.Helper()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	deadline := time.After(waitLimit)
	for {
		var st firmwaresim.State
		if err := json.Unmarshal([]byte(p.ask("state")), &st); err != nil {
			p.t.Fatalf("phonesim state: %v", err)
		}
		if cond(st) {
			return st
		}
		select {
		case <-tick.C:
		case <-deadline:
			p.t.Fatalf("timed out waiting for the handset: %s; last state %+v", what, st)
		}
	}
}

// hostState asks phoneapi-host for its state until cond holds.
func (p *proc) hostState(what string, cond func(refhost.State) bool) refhost.State {
	p.t.Helper()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	deadline := time.After(waitLimit)
	for {
		var st refhost.State
		if err := json.Unmarshal([]byte(p.ask("state")), &st); err != nil {
			p.t.Fatalf("phoneapi-host state: %v", err)
		}
		if cond(st) {
			return st
		}
		select {
		case <-tick.C:
		case <-deadline:
			p.t.Fatalf("timed out waiting for the host: %s; last state %+v", what, st)
		}
	}
}

// startSim runs phonesim on a socket in dir and returns it with its device
// SPEC for handsetd.
func startSim(t *testing.T) (*proc, string) {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "phone.sock")
	p := start(t, "phonesim", "--listen", "unix:"+sock)
	p.waitStderr("serving simulated handset")
	return p, "sim:unix:" + sock
}

// startHost runs phoneapi-host on the bus and waits until it owns the name.
func startHost(t *testing.T, bus string) *proc {
	t.Helper()
	p := start(t, "phoneapi-host", "--dbus="+bus)
	p.waitStderr("serving the Phone API on D-Bus")
	return p
}

// startDriver runs handsetd on the simulated handset and the bus.
func startDriver(t *testing.T, dev, bus string, extra ...string) *proc {
	t.Helper()
	args := append([]string{"run", "--device", dev, "--host", "dbus:" + bus}, extra...)
	return start(t, "handsetd", args...)
}

var _ = context.Background

// next returns the next line the program prints on stdout.
func (p *proc) next() string {
	p.t.Helper()
	select {
	case a := <-p.answers:
		return a
	case <-p.done:
		select {
		case a := <-p.answers:
			return a
		default:
		}
		p.t.Fatalf("%s exited", p.name)
	case <-time.After(waitLimit + 5*time.Second):
		p.t.Fatalf("%s printed nothing", p.name)
	}
	return ""
}
