package dbustest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Daemon is the program Start runs; `make deps` installs it (Debian package
// dbus-daemon).
const Daemon = "dbus-daemon"

// startTimeout bounds how long the daemon may take to print its address.
const startTimeout = 10 * time.Second

// Bus is a running private bus.
type Bus struct {
	// Address is the D-Bus address of the bus: "unix:path=…,guid=…".
	Address string
	// Socket is the path of its unix socket.
	Socket string
	cmd    *exec.Cmd
	done   chan error
	log    *prefixWriter
}

// Options change the private bus's configuration. The zero value is the
// configuration Start uses.
type Options struct {
	// MaxRepliesPerConnection is the daemon's max_replies_per_connection:
	// how many method calls one connection may have waiting for a reply
	// before the daemon refuses its next one (dbus-daemon's own default is
	// 128; the session bus's config raises it). 0 means 1000000.
	MaxRepliesPerConnection int
}

const config = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <limit name="max_replies_per_connection">%d</limit>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
`

// Start runs a private bus for the rest of t. When dbus-daemon is not
// installed it skips t, saying how to install it.
func Start(t testing.TB) *Bus {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith is Start with a configuration changed by opts.
func StartWith(t testing.TB, opts Options) *Bus {
	t.Helper()
	maxReplies := opts.MaxRepliesPerConnection
	if maxReplies <= 0 {
		maxReplies = 1000000
	}
	path, err := exec.LookPath(Daemon)
	if err != nil {
		t.Skipf("%s is not installed (run `make deps`, or apt-get install dbus-daemon): %v", Daemon, err)
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(config, sock, maxReplies)), 0o600); err != nil {
		t.Fatalf("write bus config: %v", err)
	}
	cmd := exec.Command(path, "--config-file="+conf, "--nofork", "--print-address=1", "--nopidfile")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("dbus-daemon stdout: %v", err)
	}
	logw := &prefixWriter{t: t}
	cmd.Stderr = logw
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", Daemon, err)
	}
	b := &Bus{Socket: sock, cmd: cmd, done: make(chan error, 1), log: logw}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			addr <- strings.TrimSpace(sc.Text())
		}
		close(addr)
		for sc.Scan() {
		}
		b.done <- cmd.Wait()
	}()
	t.Cleanup(b.stop(t))
	select {
	case a, ok := <-addr:
		if !ok || a == "" {
			t.Fatalf("%s exited without printing its address", Daemon)
		}
		b.Address = a
	case <-time.After(startTimeout):
		t.Fatalf("%s did not print its address within %v", Daemon, startTimeout)
	}
	return b
}

func (b *Bus) stop(t testing.TB) func() {
	return func() {
		_ = b.cmd.Process.Kill()
		select {
		case <-b.done:
		case <-time.After(startTimeout):
			t.Errorf("%s did not exit within %v of being killed", Daemon, startTimeout)
		}
	}
}

// Complaints returns what the daemon has printed on stderr so far, one
// line each, except its harmless warning about the file descriptor limit.
// A refused call ("The maximum number of pending replies …") shows here.
func (b *Bus) Complaints() []string {
	b.log.mu.Lock()
	defer b.log.mu.Unlock()
	return append([]string(nil), b.log.lines...)
}

// prefixWriter passes the daemon's complaints to the test log, except its
// harmless warning about the file descriptor limit, and keeps them.
type prefixWriter struct {
	t     testing.TB
	mu    sync.Mutex
	lines []string
}

// maxKept bounds the complaints a Bus keeps and passes to the test log.
const maxKept = 1000

func (w *prefixWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		if strings.HasSuffix(strings.TrimSpace(line), "]:") {
			continue // the prefix of a message on the next line
		}
		if line != "" && !strings.Contains(line, "file descriptor") && !strings.Contains(line, "fd limit") && len(w.lines) < maxKept {
			w.lines = append(w.lines, line)
			w.t.Logf("dbus-daemon: %s", line)
		}
	}
	return len(p), nil
}
