package main

import (
	"fmt"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/handsetd/handsetd/internal/proctest"
)

// terminal is handsetd demo in a tmux pane of its own tmux server: keys go
// in with send-keys, the screen comes out with capture-pane, and every byte
// the demo writes to the terminal is counted through pipe-pane.
type terminal struct {
	t    *testing.T
	sock string
	dir  string

	mu      sync.Mutex
	written int           // bytes the demo wrote to the terminal
	wrote   chan struct{} // closed and replaced at every write
}

func startTerminal(t *testing.T, cols, rows int, args ...string) *terminal {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (make deps installs it)")
	}
	dir := proctest.ShortDir(t) // the tmux socket path must fit a unix address
	tm := &terminal{t: t, sock: filepath.Join(dir, "tmux"), wrote: make(chan struct{})}
	fifo := filepath.Join(dir, "out")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := []string{proctest.Bin("handsetd"), "demo"}
	cmd = append(cmd, args...)
	// The pane signals "exited" when the demo has ended, and keeps its
	// exit status.
	tm.tmux("-f", "/dev/null", "new-session", "-d", "-x", fmt.Sprint(cols), "-y", fmt.Sprint(rows),
		strings.Join(cmd, " ")+" 2>"+filepath.Join(dir, "stderr")+"; echo $? > "+filepath.Join(dir, "status")+"; tmux -S "+tm.sock+" wait-for -S exited")
	tm.dir = dir
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", tm.sock, "kill-server").Run() })
	tm.tmux("pipe-pane", "-o", "cat > "+fifo)
	go func() {
		f, err := os.Open(fifo) // waits for pipe-pane's cat
		if err != nil {
			return
		}
		defer f.Close()
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			tm.mu.Lock()
			tm.written += n
			close(tm.wrote)
			tm.wrote = make(chan struct{})
			tm.mu.Unlock()
			if err == io.EOF || err != nil {
				return
			}
		}
	}()
	return tm
}

func (tm *terminal) tmux(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", tm.sock}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (tm *terminal) screen() string { return tm.tmux("capture-pane", "-p") }

// keys types each key (tmux key names: Space, PageUp…).
func (tm *terminal) keys(keys ...string) {
	tm.t.Helper()
	for _, k := range keys {
		tm.tmux("send-keys", k)
	}
}

// waitScreen captures the screen after every write of the demo until it
// shows every text of want.
func (tm *terminal) waitScreen(what string, want ...string) string {
	tm.t.Helper()
	deadline := time.NewTimer(20 * time.Second) // generous: a loaded two-core CI machine
	defer deadline.Stop()
	for {
		tm.mu.Lock()
		wrote := tm.wrote
		tm.mu.Unlock()
		s := tm.screen()
		missing := ""
		for _, w := range want {
			if !strings.Contains(s, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return s
		}
		select {
		case <-wrote:
		case <-deadline.C:
			tm.t.Fatalf("%s: the screen never showed %q; it shows:\n%s", what, missing, s)
		}
	}
}

// quit types q and waits for the demo to exit; it must exit 0.
func (tm *terminal) quit() {
	tm.t.Helper()
	tm.keys("q")
	done := make(chan error, 1)
	go func() { done <- exec.Command("tmux", "-S", tm.sock, "wait-for", "exited").Run() }()
	select {
	case err := <-done:
		if err != nil {
			tm.t.Fatalf("tmux wait-for: %v", err)
		}
	case <-time.After(10 * time.Second):
		tm.t.Fatalf("the demo did not exit after q; screen:\n%s", tm.screen())
	}
	status, _ := os.ReadFile(filepath.Join(tm.dir, "status"))
	stderr, _ := os.ReadFile(filepath.Join(tm.dir, "stderr"))
	if strings.TrimSpace(string(status)) != "0" {
		tm.t.Fatalf("the demo exited with status %s; stderr:\n%s", status, stderr)
	}
}

// clockTicks is the kernel's USER_HZ, the unit of /proc/PID/stat's times
// (100 on every Linux architecture handsetd builds for).
const clockTicks = 100

// demoProcesses lists the pids of every process under the pane's shell:
// handsetd demo and the phonesim and phoneapi-host it runs.
func (tm *terminal) demoProcesses() []int {
	tm.t.Helper()
	var root int
	if _, err := fmt.Sscan(tm.tmux("display-message", "-p", "#{pane_pid}"), &root); err != nil {
		tm.t.Fatalf("the pane's pid: %v", err)
	}
	parent := map[int]int{}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		tm.t.Fatal(err)
	}
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscan(e.Name(), &pid); err != nil {
			continue
		}
		if f := procStat(pid); len(f) > 1 {
			var ppid int
			fmt.Sscan(f[1], &ppid)
			parent[pid] = ppid
		}
	}
	var out []int
	for pid := range parent {
		for p := parent[pid]; p != 0; p = parent[p] {
			if p == root {
				out = append(out, pid)
				break
			}
		}
	}
	if len(out) < 3 {
		tm.t.Fatalf("found %d processes under the pane (pid %d), want handsetd, phonesim and phoneapi-host", len(out), root)
	}
	return out
}

// procStat is /proc/PID/stat's fields after the command name: state,
// ppid, …; nil if the process is gone.
func procStat(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(b[i+1:]))
}

// cpuTicks sums the user and system time of the processes, in clock
// ticks.
func cpuTicks(pids []int) int64 {
	var sum int64
	for _, pid := range pids {
		f := procStat(pid)
		if len(f) < 13 {
			continue
		}
		var u, s int64
		fmt.Sscan(f[11], &u) // utime, field 14 of stat
		fmt.Sscan(f[12], &s) // stime, field 15
		sum += u + s
	}
	return sum
}

func (tm *terminal) bytesWritten() int {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.written
}

// TestDemoInTerminal proves the interactive demo in a real terminal: keys
// drive the handset and the host, and the screen shows the hook, the LEDs,
// the digits dialled, the caller and each call's state. Idle, it writes
// (next to) nothing: it redraws only on change. With HANDSETD_SCREENSHOT set
// (make screenshots) it writes an SVG of the screen with a call ringing.
func TestDemoInTerminal(t *testing.T) {
	tm := startTerminal(t, 120, 40)
	tm.waitScreen("start", "Generic USB Telephony Handset", "on hook", "○ off-hook", "no calls", "→ host  HOOK ON")

	before := tm.bytesWritten()
	procs := tm.demoProcesses()
	// The CPU is measured over the last 4 s, after start-up's tail.
	settle := time.NewTimer(time.Second)
	<-settle.C
	cpuBefore, start := cpuTicks(procs), time.Now()
	idle := time.NewTimer(4 * time.Second)
	<-idle.C
	if n := tm.bytesWritten() - before; n > 64 {
		t.Errorf("idle for 5 s, the demo wrote %d bytes to the terminal; want (next to) none", n)
	}
	// Idle CPU: the demo with its phonesim and phoneapi-host, from their
	// own utime+stime (so a busy machine does not inflate it), against
	// the wall time; the bound is 1 % of one core.
	used := time.Duration(cpuTicks(procs)-cpuBefore) * time.Second / clockTicks
	share := float64(used) / float64(time.Since(start)) * 100
	t.Logf("idle for %v: %d processes used %v of CPU, %.2f %% of a core", time.Since(start).Round(time.Millisecond), len(procs), used, share)
	if share > 1 {
		t.Errorf("idle, the demo used %.2f %% of a core (%v in %v); want at most 1 %%", share, used, time.Since(start).Round(time.Millisecond))
	}

	tm.keys("Space")
	tm.waitScreen("lifted", "OFF HOOK", "● off-hook", "→ host  HOOK OFF")
	tm.keys("1", "2")
	tm.waitScreen("digits", "[ 12 ", "dialled  12", "→ host  BTN_RELEASED 2")
	tm.keys("#")
	tm.waitScreen("dialled out", "1001  outgoing  12", "RINGING")
	tm.keys("a")
	tm.waitScreen("answered", "1001  outgoing  12", "INPROGRESS")
	tm.keys("m")
	tm.waitScreen("muted", "● mute", "mute     ON")
	tm.keys("m", "x")
	tm.waitScreen("far end hung up", "no calls", "○ mute", "CALL 1001 STATUS FINISHED")
	tm.keys("Space")
	tm.waitScreen("hung up", "on hook", "○ off-hook")

	tm.keys("c")
	s := tm.waitScreen("incoming", "Echo Test Service calling", "1002  incoming  Echo Test Service", "((( RINGING )))", "● ring")
	if path := os.Getenv("HANDSETD_SCREENSHOT"); path != "" {
		if err := os.WriteFile(path, []byte(screenSVG(s)), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
	tm.keys("Space")
	tm.waitScreen("answered incoming", "1002  incoming  Echo Test Service", "INPROGRESS", "ringer   silent")
	tm.keys("Space", "m")
	tm.waitScreen("mute outside a call", "no calls", "no call is in progress, so the host keeps mute off")
	tm.keys("PageUp")
	tm.waitScreen("scrolled back", "lines 1-")
	tm.quit()
}

// screenSVG draws captured screen text as an SVG terminal.
func screenSVG(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	const cw, lh = 8.4, 18
	width := 0
	for _, l := range lines {
		width = max(width, len([]rune(l)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14">`+"\n",
		int(float64(width)*cw)+24, len(lines)*lh+24)
	b.WriteString(`<rect width="100%" height="100%" rx="6" fill="#1e1e2e"/>` + "\n")
	for i, l := range lines {
		fill := "#cdd6f4"
		switch {
		case strings.Contains(l, "RINGING") || strings.Contains(l, "●"):
			fill = "#f9e2af"
		case strings.HasPrefix(l, "→ host"):
			fill = "#a6e3a1"
		case strings.HasPrefix(l, "← host"):
			fill = "#89b4fa"
		}
		// One x per character pins every glyph to its column, whatever
		// font the viewer picks.
		xs := make([]string, 0, len([]rune(l)))
		for j := range []rune(l) {
			xs = append(xs, fmt.Sprintf("%.1f", 12+float64(j)*cw))
		}
		fmt.Fprintf(&b, `<text x="%s" y="%d" fill="%s" xml:space="preserve">%s</text>`+"\n",
			strings.Join(xs, " "), 28+i*lh, fill, html.EscapeString(l))
	}
	b.WriteString("</svg>\n")
	return b.String()
}
