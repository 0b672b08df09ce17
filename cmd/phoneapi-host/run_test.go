package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	godbus "github.com/godbus/dbus/v5"

	"github.com/handsetd/handsetd/internal/dbustest"
	"github.com/handsetd/handsetd/phoneapi"
	phonedbus "github.com/handsetd/handsetd/phoneapi/dbus"
	"github.com/handsetd/handsetd/phoneapi/stream"
)

type hostProc struct {
	t      *testing.T
	stdin  *io.PipeWriter
	stdout chan string
	done   chan error
	sock   string
}

// startHost runs run() on a unix socket in a temporary directory and waits
// until it listens (its "listening" log line on stderr).
func startHost(t *testing.T) *hostProc {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "host.sock")
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	errR, errW := io.Pipe()
	p := &hostProc{t: t, stdin: inW, stdout: make(chan string, 100), done: make(chan error, 1), sock: sock}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		p.done <- run(ctx, []string{"--listen", "unix:" + sock}, inR, outW, errW)
		outW.Close()
		errW.Close()
	}()
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			p.stdout <- sc.Text()
		}
		close(p.stdout)
	}()
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(errR)
		once := false
		for sc.Scan() {
			if !once && strings.Contains(sc.Text(), "listening") {
				once = true
				close(listening)
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		inW.Close()
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			t.Error("run did not stop")
		}
	})
	select {
	case <-listening:
	case err := <-p.done:
		t.Fatalf("run ended early: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("host did not start listening")
	}
	return p
}

// expect reads stdout lines until each wanted line has been seen in order
// (other lines may come between).
func (p *hostProc) expect(want ...string) {
	p.t.Helper()
	for _, w := range want {
		for {
			select {
			case got, ok := <-p.stdout:
				if !ok {
					p.t.Fatalf("stdout ended, still waiting for %q", w)
				}
				if got == w {
					goto next
				}
			case <-time.After(5 * time.Second):
				p.t.Fatalf("stdout never showed %q", w)
			}
		}
	next:
	}
}

func (p *hostProc) control(line string) {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		p.t.Fatal(err)
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestRunEndToEnd proves the whole command over a real unix socket: a
// device handshakes, the traffic appears on stdout as "<- " and "-> "
// lines, control lines on stdin ring the device and answer in one line,
// "quit" ends run cleanly, and the socket file is removed.
func TestRunEndToEnd(t *testing.T) {
	p := startHost(t)
	tr, err := stream.Dial(ctxT(t), "unix:"+p.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	c := phoneapi.NewClient(tr, phoneapi.ClientOptions{})
	if n, err := c.Handshake(ctxT(t), "test phone"); err != nil || n != 5 {
		t.Fatalf("Handshake = %d, %v", n, err)
	}
	p.expect("<- NAME test phone", "-> OK", "<- PROTOCOL 5", "-> PROTOCOL 5")
	go func() { _ = c.Run(ctxT(t)) }()

	p.control("call in alice Alice")
	p.expect("-> CALL 1001 STATUS RINGING", "-> CALL 1001 PARTNER_DISPNAME Alice", "ok 1001")
	// The client asks the type itself (it arrived after RINGING) and rings.
	p.expect("<- GET CALL 1001 TYPE")
	for u := range c.Updates() {
		if u.Calls.Ringing() {
			break
		}
	}
	if err := c.Send(ctxT(t), phoneapi.Hook(true)); err != nil {
		t.Fatal(err)
	}
	p.expect("<- HOOK OFF", "-> CALL 1001 STATUS INPROGRESS")
	p.control("state")
	p.expect(`{"clients":[{"name":"test phone","protocol":5,"audio_in":"","audio_out":"","hook":"off","mute":false}],` +
		`"calls":[{"id":1001,"status":"INPROGRESS","type":"INCOMING_P2P","partner":"alice"}],"dialled":"","dtmf":"","mute":false}`)
	p.control("bogus")
	p.expect(`error: unknown command "bogus" (try: call, answer, hangup, mute, send, state, quit)`)
	p.control("quit")
	p.expect("ok")
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("run = %v", err)
		}
		p.done <- nil // for the cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("quit did not stop run")
	}
	if _, err := os.Stat(p.sock); !os.IsNotExist(err) {
		t.Errorf("socket file left behind: %v", err)
	}
}

// TestRunStdinEOF proves run ends cleanly when stdin closes.
func TestRunStdinEOF(t *testing.T) {
	p := startHost(t)
	p.stdin.Close()
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("run = %v", err)
		}
		p.done <- nil
	case <-time.After(5 * time.Second):
		t.Fatal("stdin EOF did not stop run")
	}
}

// TestRunArgs proves bad arguments fail with a message naming the fix, and
// that a second host on a live socket is refused.
func TestRunArgs(t *testing.T) {
	for _, args := range [][]string{nil, {"--listen", "udp:x"}, {"--listen", "unix:/x", "extra"}, {"--bogus"}} {
		err := run(ctxT(t), args, strings.NewReader(""), io.Discard, io.Discard)
		if err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
	p := startHost(t)
	err := run(ctxT(t), []string{"--listen", "unix:" + p.sock}, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "already listening") {
		t.Errorf("second host on a live socket: %v", err)
	}
}

// TestRunRemovesStaleSocket proves a socket file left by a killed host is
// replaced rather than blocking the start.
func TestRunRemovesStaleSocket(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "stale.sock")
	l, err := stream.Listen("unix:" + sock)
	if err != nil {
		t.Fatal(err)
	}
	// Simulate a crash: close the socket without unlinking the file.
	if ul, ok := l.(interface{ SetUnlinkOnClose(bool) }); ok {
		ul.SetUnlinkOnClose(false)
	}
	l.Close()
	if _, err := os.Stat(sock); err != nil {
		t.Fatalf("setup: %v", err)
	}
	// Empty stdin: run starts, listens, and stops at EOF.
	if err := run(ctxT(t), []string{"--listen", "unix:" + sock}, strings.NewReader(""), io.Discard, io.Discard); err != nil {
		t.Fatalf("run over a stale socket = %v", err)
	}
}

// TestServeOnDBus proves --dbus=ADDRESS: the host owns com.Skype.API on a
// private bus, answers Invoke, logs the traffic on stdout and keeps its
// stdin control; a second host on the same bus is refused with a message
// saying what to do.
func TestServeOnDBus(t *testing.T) {
	bus := dbustest.Start(t)
	inR, inW := io.Pipe()
	errR, errW := io.Pipe()
	var out syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--dbus=" + bus.Address}, inR, &out, errW)
		errW.Close()
	}()
	serving := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(errR)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "serving the Phone API on D-Bus") {
				close(serving)
				break
			}
		}
		_, _ = io.Copy(io.Discard, errR)
	}()
	select {
	case <-serving:
	case err := <-done:
		t.Fatalf("run ended early: %v", err)
	case <-ctx.Done():
		t.Fatal("the host never said it serves on D-Bus")
	}

	var reply string
	conn, err := godbus.Connect(bus.Address)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Object(phonedbus.ServiceName, phonedbus.HostPath).Call("Invoke", 0, "NAME test").Store(&reply); err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	if reply != "OK" {
		t.Fatalf("Invoke(NAME) = %q", reply)
	}
	var second syncBuffer
	err = run(ctx, []string{"--dbus=" + bus.Address}, strings.NewReader(""), &second, &second)
	if !errors.Is(err, phonedbus.ErrNameTaken) || !strings.Contains(err.Error(), "already owned") {
		t.Errorf("second host = %v, want ErrNameTaken", err)
	}
	if _, err := io.WriteString(inW, "state\nquit\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("run did not stop on quit")
	}
	for _, want := range []string{"<- NAME test", "-> OK", `"name":"test"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the writer goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
