package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// child is phonesim or phoneapi-host run by the demo: commands go to its
// stdin, one at a time, and each gets the one answer line its control
// language promises. Lines that are not answers (phonesim's watched states,
// phoneapi-host's traffic) go to the notice function given to startChild.
type child struct {
	name    string
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	answers chan string
	done    chan struct{} // closed when the process has exited and its output is read
	err     error         // the exit status, once done is closed

	say      sync.Mutex  // one command in flight
	stopping atomic.Bool // stop has begun: what it logs now is the ending
}

// childAnswerTimeout bounds the wait for one answer; the control languages
// answer at once, so only a stuck child takes this long.
const childAnswerTimeout = 5 * time.Second

// findProgram finds one of the demo's programs: beside the running handsetd
// (bin/ after make build), else on PATH.
func findProgram(name string) (string, error) {
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("handsetd demo runs %s, which is neither beside handsetd nor on PATH: run `make build` (it builds handsetd, phonesim and phoneapi-host into bin/) and start bin/handsetd", name)
}

// startChild starts the program name with args. notice sees every stdout
// line and says whether it took it; the others are answers. stderr lines go
// to log, at their own level when they are slog's.
func startChild(name string, args []string, log *slog.Logger, notice func(line string) bool) (*child, error) {
	path, err := findProgram(name)
	if err != nil {
		return nil, err
	}
	c := &child{name: name, answers: make(chan string, 16), done: make(chan struct{})}
	c.cmd = exec.Command(path, args...)
	// A process group of its own: the terminal's signals (a closed window's
	// SIGHUP) reach the demo, which stops its children in order and cleans
	// up, instead of killing them behind its back.
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.cmd.Stdout = &lineSplitter{line: func(l string) {
		if !notice(l) {
			select {
			case c.answers <- l:
			default:
				log.Warn("dropped an answer nobody asked for", "program", name, "line", l)
			}
		}
	}}
	c.cmd.Stderr = &lineSplitter{line: func(l string) { logChildLine(log, name, l, c.stopping.Load()) }}
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	go func() {
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// logChildLine logs a stderr line of a child: a slog text line at its own
// level (warnings and errors show at the demo's default level, the rest at
// debug), anything else as a warning. While the child is being stopped,
// everything is debug: connections ending then are the plan.
func logChildLine(log *slog.Logger, name, l string, stopping bool) {
	level := slog.LevelWarn
	switch {
	case stopping:
		level = slog.LevelDebug
	case strings.Contains(l, "level=ERROR"):
		level = slog.LevelError
	case strings.Contains(l, "level=WARN"):
	case strings.Contains(l, "level="):
		level = slog.LevelDebug
	}
	// The child's own time stamp repeats the demo's.
	if strings.HasPrefix(l, "time=") {
		if _, rest, ok := strings.Cut(l, " "); ok {
			l = rest
		}
	}
	log.Log(context.Background(), level, name+" says", "line", l)
}

// ask sends one control line and returns its answer.
func (c *child) ask(ctx context.Context, line string) (string, error) {
	c.say.Lock()
	defer c.say.Unlock()
	// An answer left by a command that timed out belongs to nobody.
	for len(c.answers) > 0 {
		<-c.answers
	}
	if _, err := io.WriteString(c.stdin, line+"\n"); err != nil {
		return "", fmt.Errorf("%s: send %q: %w", c.name, line, c.exited(err))
	}
	t := time.NewTimer(childAnswerTimeout)
	defer t.Stop()
	select {
	case a := <-c.answers:
		return a, nil
	case <-c.done:
		return "", fmt.Errorf("%s: no answer to %q: %w", c.name, line, c.exited(nil))
	case <-ctx.Done():
		return "", ctx.Err()
	case <-t.C:
		return "", fmt.Errorf("%s: no answer to %q within %v", c.name, line, childAnswerTimeout)
	}
}

// exec sends a control line and turns an "error: …" answer into an error.
func (c *child) exec(ctx context.Context, line string) (string, error) {
	a, err := c.ask(ctx, line)
	if err != nil {
		return "", err
	}
	if r, ok := strings.CutPrefix(a, "error: "); ok {
		return "", errors.New(r)
	}
	return a, nil
}

// exited describes why the child cannot be talked to.
func (c *child) exited(err error) error {
	select {
	case <-c.done:
		if c.err != nil {
			return fmt.Errorf("it exited: %w (its log above says why)", c.err)
		}
		return errors.New("it exited")
	default:
		return err
	}
}

// stop ends the child and reaps it: end of input first (both control
// languages stop there), SIGTERM if it is still running after a while,
// SIGKILL last.
func (c *child) stop() {
	c.stopping.Store(true)
	c.stdin.Close()
	for _, sig := range []os.Signal{nil, syscall.SIGTERM, syscall.SIGKILL} {
		if sig != nil {
			_ = c.cmd.Process.Signal(sig)
		}
		t := time.NewTimer(2 * time.Second)
		select {
		case <-c.done:
			t.Stop()
			return
		case <-t.C:
		}
	}
	<-c.done
}

// lineSplitter is an io.Writer that hands on whole lines.
type lineSplitter struct {
	buf  []byte
	line func(string)
}

func (s *lineSplitter) Write(p []byte) (int, error) {
	s.buf = append(s.buf, p...)
	for {
		i := bytes.IndexByte(s.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		s.line(string(s.buf[:i]))
		s.buf = s.buf[i+1:]
	}
}
