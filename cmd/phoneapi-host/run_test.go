package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	godbus "github.com/godbus/dbus/v5"

	"github.com/handsetd/handsetd/internal/dbustest"
	"github.com/handsetd/handsetd/internal/proctest"
	"github.com/handsetd/handsetd/phoneapi"
	phonedbus "github.com/handsetd/handsetd/phoneapi/dbus"
	"github.com/handsetd/handsetd/phoneapi/stream"
)

// hostProc is phoneapi-host's run() on pipes, listening on sock.
type hostProc struct {
	*proctest.Proc
	sock string
}

// startHost runs run() on a unix socket in a temporary directory and waits
// until it listens (its "listening" log line on stderr).
func startHost(t *testing.T) *hostProc {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "host.sock")
	p := &hostProc{Proc: proctest.Run(t, "phoneapi-host", run, "--listen", "unix:"+sock), sock: sock}
	p.WaitStderr("listening")
	return p
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
	p.Expect("<- NAME test phone", "-> OK", "<- PROTOCOL 5", "-> PROTOCOL 5")
	go func() { _ = c.Run(ctxT(t)) }()

	p.Write("call in alice Alice")
	p.Expect("-> CALL 1001 STATUS RINGING", "-> CALL 1001 PARTNER_DISPNAME Alice", "ok 1001")
	// The client asks the type itself (it arrived after RINGING) and rings.
	p.Expect("<- GET CALL 1001 TYPE")
	for u := range c.Updates() {
		if u.Calls.Ringing() {
			break
		}
	}
	if err := c.Send(ctxT(t), phoneapi.Hook(true)); err != nil {
		t.Fatal(err)
	}
	p.Expect("<- HOOK OFF", "-> CALL 1001 STATUS INPROGRESS")
	p.Write("state")
	p.Expect(`{"clients":[{"name":"test phone","protocol":5,"audio_in":"","audio_out":"","hook":"off","mute":false}],` +
		`"calls":[{"id":1001,"status":"INPROGRESS","type":"INCOMING_P2P","partner":"alice"}],"dialled":"","dtmf":"","mute":false}`)
	p.Write("bogus")
	p.Expect(`error: unknown command "bogus" (try: call, answer, hangup, mute, send, state, quit)`)
	p.Write("quit")
	p.Expect("ok")
	if err := p.Wait(); err != nil {
		t.Fatalf("run = %v", err)
	}
	if _, err := os.Stat(p.sock); !os.IsNotExist(err) {
		t.Errorf("socket file left behind: %v", err)
	}
}

// TestRunStdinEOF proves run ends cleanly when stdin closes.
func TestRunStdinEOF(t *testing.T) {
	p := startHost(t)
	p.CloseStdin()
	if err := p.Wait(); err != nil {
		t.Fatalf("run = %v", err)
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
	p := proctest.Run(t, "phoneapi-host", run, "--dbus="+bus.Address)
	p.WaitStderr("serving the Phone API on D-Bus")

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
	var second proctest.SyncBuffer
	err = run(ctxT(t), []string{"--dbus=" + bus.Address}, strings.NewReader(""), &second, &second)
	if !errors.Is(err, phonedbus.ErrNameTaken) || !strings.Contains(err.Error(), "already owned") {
		t.Errorf("second host = %v, want ErrNameTaken", err)
	}
	p.Write("state")
	p.Write("quit")
	if err := p.Wait(); err != nil {
		t.Fatalf("run: %v", err)
	}
	out := strings.Join(p.Lines(), "\n")
	for _, want := range []string{"<- NAME test", "-> OK", `"name":"test"`} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}
