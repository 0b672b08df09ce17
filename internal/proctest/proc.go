package proctest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Limit bounds every wait of a Proc: generous, since it only turns a hang
// into a failure, and a loaded two-core CI machine is slow.
const Limit = 30 * time.Second

// RunFunc is a program's run function, what its main calls.
type RunFunc func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error

// Proc is one running program: its stdin to type control lines into and
// its output kept as lines.
//
// Stdout lines are read three ways, each with its own bookkeeping: Next
// and Say take answers (lines that are not traffic, "<- " or "-> ") in
// order; WaitLine takes the first line equal to what it waits for that no
// earlier Next, Say or WaitLine took, so traffic and answers may
// interleave freely; Expect reads all lines in order from where the last
// Expect stopped.
type Proc struct {
	t     testing.TB
	name  string
	stdin io.WriteCloser
	stop  func() // asks the program to end, as SIGINT does
	kill  func()
	done  chan struct{}
	err   error // run's or the process's end, once done is closed

	mu      sync.Mutex
	out     []string // stdout lines
	taken   map[int]bool
	expect  int           // the next stdout line Expect reads
	errs    []string      // stderr lines
	errSeen int           // the next stderr line WaitStderr reads
	changed chan struct{} // closed and replaced on each new line and at the end
}

func newProc(t testing.TB, name string) *Proc {
	return &Proc{t: t, name: name, taken: map[int]bool{}, changed: make(chan struct{}), done: make(chan struct{})}
}

// Start runs the program Main built; it is stopped when the test ends.
func Start(t testing.TB, name string, args ...string) *Proc {
	t.Helper()
	return StartPath(t, name, Bin(name), args...)
}

// StartPath runs the program at path, named name in messages; it is
// stopped when the test ends.
func StartPath(t testing.TB, name, path string, args ...string) *Proc {
	t.Helper()
	if name == "handsetd" && len(args) > 0 && args[0] == "run" {
		// The tests run as root in CI, where run refuses root without it.
		args = append([]string{"run", "--allow-root"}, args[1:]...)
	}
	p := newProc(t, name)
	cmd := exec.Command(path, args...)
	var err error
	if p.stdin, err = cmd.StdinPipe(); err != nil {
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
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p.stop = func() { _ = cmd.Process.Signal(os.Interrupt) }
	p.kill = func() { _ = cmd.Process.Kill() }
	readers := p.read(stdout, stderr)
	go func() {
		readers.Wait() // Wait closes the pipes: read them to the end first
		p.end(cmd.Wait())
	}()
	t.Cleanup(p.cleanup)
	return p
}

// Run runs a program's run function in this process with args, on pipes;
// the context it gets is cancelled when the test ends, and Stop cancels it
// too.
func Run(t testing.TB, name string, run RunFunc, args ...string) *Proc {
	t.Helper()
	p := newProc(t, name)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	errR, errW := io.Pipe()
	p.stdin = inW
	ctx, cancel := context.WithCancel(context.Background())
	p.stop, p.kill = cancel, cancel
	readers := p.read(outR, errR)
	go func() {
		err := run(ctx, args, inR, outW, errW)
		outW.Close()
		errW.Close()
		inR.Close() // a write to stdin now fails instead of blocking
		readers.Wait()
		p.end(err)
	}()
	t.Cleanup(func() {
		p.cleanup()
		cancel()
	})
	return p
}

// read keeps stdout's and stderr's lines until each ends.
func (p *Proc) read(stdout, stderr io.Reader) *sync.WaitGroup {
	var wg sync.WaitGroup
	keep := func(r io.Reader, lines *[]string) {
		defer wg.Done()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			*lines = append(*lines, sc.Text())
			p.poke()
			p.mu.Unlock()
		}
		_, _ = io.Copy(io.Discard, r) // past an over-long line, so the writer never blocks
	}
	wg.Add(2)
	go keep(stdout, &p.out)
	go keep(stderr, &p.errs)
	return &wg
}

// poke wakes the waiters; p.mu is held.
func (p *Proc) poke() {
	close(p.changed)
	p.changed = make(chan struct{})
}

func (p *Proc) end(err error) {
	p.mu.Lock()
	p.err = err
	p.mu.Unlock()
	close(p.done)
}

func (p *Proc) cleanup() {
	p.Stop()
	if p.t.Failed() {
		p.mu.Lock()
		p.t.Logf("%s stdout:\n%s\n%s stderr:\n%s", p.name, strings.Join(p.out, "\n"), p.name, strings.Join(p.errs, "\n"))
		p.mu.Unlock()
	}
}

// Stop ends the program as a user would (SIGINT, or cancelling run's
// context) and reports an error unless it exits cleanly. A program that
// already ended is left alone.
func (p *Proc) Stop() {
	p.t.Helper()
	select {
	case <-p.done:
		return
	default:
	}
	p.stop()
	p.stdin.Close()
	select {
	case <-p.done:
		if p.err != nil && !interrupted(p.err) {
			p.t.Errorf("%s exited with %v; stderr:\n%s", p.name, p.err, p.Stderr())
		}
	case <-time.After(Limit):
		p.kill()
		p.t.Errorf("%s did not exit on SIGINT", p.name)
	}
}

// Kill ends the program at once (SIGKILL) and waits for it.
func (p *Proc) Kill() {
	p.t.Helper()
	p.kill()
	select {
	case <-p.done:
	case <-time.After(Limit):
		p.t.Errorf("%s did not exit after SIGKILL", p.name)
	}
}

// Wait waits until the program ends and returns how it ended.
func (p *Proc) Wait() error {
	p.t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(Limit):
		p.t.Fatalf("%s did not end", p.name)
	}
	return nil
}

// CloseStdin closes the program's stdin (EOF).
func (p *Proc) CloseStdin() { p.stdin.Close() }

// Interrupt asks the program to end (SIGINT, or cancelling run's context)
// without waiting.
func (p *Proc) Interrupt() { p.stop() }

// Write types line (with its newline) into the program's stdin.
func (p *Proc) Write(line string) {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		p.t.Fatalf("%s: writing %q: %v; stderr:\n%s", p.name, line, err, p.Stderr())
	}
}

// Say types a control line and returns its one-line answer.
func (p *Proc) Say(line string) string {
	p.t.Helper()
	p.Write(line)
	return p.take("the answer to "+line, Limit, isAnswer)
}

// Must types a control line whose answer must start with "ok", and returns
// the answer.
func (p *Proc) Must(line string) string {
	p.t.Helper()
	a := p.Say(line)
	if !strings.HasPrefix(a, "ok") {
		p.t.Fatalf("%s: %q answered %q", p.name, line, a)
	}
	return a
}

// Next returns the next stdout line that is not traffic.
func (p *Proc) Next() string {
	p.t.Helper()
	return p.take("a line", Limit, isAnswer)
}

// NextWithin returns the next stdout line that is not traffic, or false
// if none comes within d or the program ends.
func (p *Proc) NextWithin(d time.Duration) (string, bool) {
	p.t.Helper()
	deadline := time.After(d)
	for {
		l, ok, ch := p.find(isAnswer)
		if ok {
			return l, true
		}
		select {
		case <-ch:
		case <-p.done:
			l, ok, _ = p.find(isAnswer)
			return l, ok
		case <-deadline:
			return "", false
		}
	}
}

// WaitLine waits for the first stdout line equal to want that no earlier
// wait took.
func (p *Proc) WaitLine(want string) {
	p.t.Helper()
	p.WaitMatch(want, func(l string) bool { return l == want })
}

// WaitMatch waits for the first stdout line no earlier wait took for which
// ok holds, and returns it; what names it in messages.
func (p *Proc) WaitMatch(what string, ok func(string) bool) string {
	p.t.Helper()
	return p.take(what, Limit, ok)
}

func isAnswer(l string) bool { return !isTraffic(l) }

func isTraffic(l string) bool { return strings.HasPrefix(l, "<- ") || strings.HasPrefix(l, "-> ") }

// find takes the first untaken stdout line for which ok holds; if there is
// none it returns the channel closed on the next change.
func (p *Proc) find(ok func(string) bool) (string, bool, chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, l := range p.out {
		if !p.taken[i] && ok(l) {
			p.taken[i] = true
			return l, true, nil
		}
	}
	return "", false, p.changed
}

func (p *Proc) take(what string, limit time.Duration, ok func(string) bool) string {
	p.t.Helper()
	deadline := time.After(limit)
	for {
		l, found, ch := p.find(ok)
		if found {
			return l
		}
		select {
		case <-ch:
		case <-p.done:
			if l, found, _ := p.find(ok); found {
				return l
			}
			p.t.Fatalf("%s exited while waiting for %q: %v\n%s", p.name, what, p.err, p.output())
		case <-deadline:
			p.t.Fatalf("%s: timed out waiting for %q\n%s", p.name, what, p.output())
		}
	}
}

// Expect waits for each wanted stdout line in order (others may come
// between), reading on from where the last Expect stopped.
func (p *Proc) Expect(want ...string) {
	p.t.Helper()
	deadline := time.After(Limit)
	for _, w := range want {
		for {
			p.mu.Lock()
			found := false
			for ; p.expect < len(p.out) && !found; p.expect++ {
				found = p.out[p.expect] == w
			}
			ch := p.changed
			p.mu.Unlock()
			if found {
				break
			}
			select {
			case <-ch:
			case <-p.done:
				p.mu.Lock()
				more := p.expect < len(p.out)
				p.mu.Unlock()
				if !more {
					p.t.Fatalf("%s exited, still waiting for %q\n%s", p.name, w, p.output())
				}
			case <-deadline:
				p.t.Fatalf("%s: no line %q\n%s", p.name, w, p.output())
			}
		}
	}
}

// DrainTraffic makes the next Expect read only lines printed from now on.
func (p *Proc) DrainTraffic() {
	p.mu.Lock()
	p.expect = len(p.out)
	p.mu.Unlock()
}

// Mark returns the number of stdout lines so far.
func (p *Proc) Mark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.out)
}

// TrafficSince returns the traffic lines ("<- " and "-> ") printed after
// mark.
func (p *Proc) TrafficSince(mark int) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, l := range p.out[mark:] {
		if isTraffic(l) {
			out = append(out, l)
		}
	}
	return out
}

// Lines returns every stdout line so far.
func (p *Proc) Lines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.out...)
}

// WaitStderr waits for a stderr line containing s, reading on from the
// line the last WaitStderr matched.
func (p *Proc) WaitStderr(s string) {
	p.t.Helper()
	deadline := time.After(Limit)
	for {
		p.mu.Lock()
		found := false
		for ; p.errSeen < len(p.errs) && !found; p.errSeen++ {
			found = strings.Contains(p.errs[p.errSeen], s)
		}
		ch := p.changed
		p.mu.Unlock()
		if found {
			return
		}
		select {
		case <-ch:
		case <-p.done:
			p.mu.Lock()
			more := p.errSeen < len(p.errs)
			p.mu.Unlock()
			if !more {
				p.t.Fatalf("%s exited before logging %q: %v\nstderr:\n%s", p.name, s, p.err, p.Stderr())
			}
		case <-deadline:
			p.t.Fatalf("%s never logged %q; stderr:\n%s", p.name, s, p.Stderr())
		}
	}
}

// Stderr returns what the program logged so far.
func (p *Proc) Stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.errs, "\n")
}

func (p *Proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return fmt.Sprintf("stdout:\n%s\nstderr:\n%s", strings.Join(p.out, "\n"), strings.Join(p.errs, "\n"))
}

// interrupted reports whether a program died of the SIGINT Stop sent. A
// program that was already leaving (its stdin closed) has reset its signal
// handling by the time that SIGINT lands, so it dies of it: that is still the
// clean stop asked for.
func interrupted(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGINT
}
