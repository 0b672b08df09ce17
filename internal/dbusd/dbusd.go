package dbusd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Program is the daemon Start runs; `make deps` installs it (Debian
// package dbus-daemon).
const Program = "dbus-daemon"

// startTimeout bounds how long the daemon may take to print its address,
// and to exit once killed.
const startTimeout = 10 * time.Second

// ErrNotInstalled is returned by Start when dbus-daemon is not on PATH.
var ErrNotInstalled = errors.New(Program + " is not installed (run `make deps`, or apt-get install dbus-daemon)")

// Options change the bus's configuration. The zero value is a bus that
// refuses no call for lack of reply slots.
type Options struct {
	// MaxRepliesPerConnection is the daemon's max_replies_per_connection:
	// how many method calls one connection may have waiting for a reply
	// before the daemon refuses its next one (dbus-daemon's own default is
	// 128; the session bus's config raises it). 0 means 1000000.
	MaxRepliesPerConnection int
	// Log, when set, is given each line the daemon prints on stderr, except
	// its harmless warning about the file descriptor limit.
	Log func(line string)
}

// Bus is a running private bus.
type Bus struct {
	// Address is the D-Bus address of the bus: "unix:path=…,guid=…".
	Address string
	// Socket is the path of its unix socket.
	Socket string
	cmd    *exec.Cmd
	done   chan error
	log    *lineKeeper
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

// Start runs a bus with its socket and config file in dir, until Stop.
// ctx bounds only the start.
func Start(ctx context.Context, dir string, opts Options) (*Bus, error) {
	maxReplies := opts.MaxRepliesPerConnection
	if maxReplies <= 0 {
		maxReplies = 1000000
	}
	path, err := exec.LookPath(Program)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotInstalled, err)
	}
	sock := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(config, sock, maxReplies)), 0o600); err != nil {
		return nil, fmt.Errorf("write the bus config: %w", err)
	}
	cmd := exec.Command(path, "--config-file="+conf, "--nofork", "--print-address=1", "--nopidfile")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("%s stdout: %w", Program, err)
	}
	logw := &lineKeeper{log: opts.Log}
	cmd.Stderr = logw
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", Program, err)
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
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case a, ok := <-addr:
		if ok && a != "" {
			b.Address = a
			return b, nil
		}
		_ = b.Stop()
		return nil, fmt.Errorf("%s exited without printing its address: %s", Program, strings.Join(b.Complaints(), "; "))
	case <-timer.C:
		_ = b.Stop()
		return nil, fmt.Errorf("%s did not print its address within %v", Program, startTimeout)
	case <-ctx.Done():
		_ = b.Stop()
		return nil, ctx.Err()
	}
}

// Stop kills the daemon and waits, at most 10 s, for it to exit.
func (b *Bus) Stop() error {
	_ = b.cmd.Process.Kill()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case <-b.done:
		return nil
	case <-timer.C:
		return fmt.Errorf("%s did not exit within %v of being killed", Program, startTimeout)
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

// lineKeeper keeps the daemon's stderr lines, at most maxKept, and passes
// them to log.
type lineKeeper struct {
	log   func(string)
	mu    sync.Mutex
	lines []string
}

// maxKept bounds the complaints a Bus keeps.
const maxKept = 1000

func (w *lineKeeper) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		if strings.HasSuffix(strings.TrimSpace(line), "]:") {
			continue // the prefix of a message on the next line
		}
		if line != "" && !strings.Contains(line, "file descriptor") && !strings.Contains(line, "fd limit") && len(w.lines) < maxKept {
			w.lines = append(w.lines, line)
			if w.log != nil {
				w.log(line)
			}
		}
	}
	return len(p), nil
}
