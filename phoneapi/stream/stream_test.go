package stream

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// feed writes raw bytes into one end of a net.Pipe and returns a Transport
// on the other end; the writer closes its end when done.
func feed(t *testing.T, raw string) phoneapi.Transport {
	a, b := net.Pipe()
	go func() {
		_, _ = io.WriteString(a, raw)
		a.Close()
	}()
	tr := New(b)
	t.Cleanup(func() { tr.Close() })
	return tr
}

// TestReadFraming proves the reader splits lines on \n, drops a \r, skips
// invalid UTF-8 and over-long lines with a *ProtocolError without losing
// step, delivers a final unterminated line, and then reports ErrClosed and
// io.EOF.
func TestReadFraming(t *testing.T) {
	long := strings.Repeat("x", phoneapi.MaxLineLen+1)
	exact := strings.Repeat("y", phoneapi.MaxLineLen)
	raw := "NAME a\r\nPROTOCOL 5\nbad \xff line\n" + long + "\nPING\n" + exact + "\r\n\nlast"
	tr := feed(t, raw)
	want := []string{"NAME a", "PROTOCOL 5", "!", "!", "PING", exact, "", "last"}
	for i, w := range want {
		got, err := tr.ReadLine(ctxT(t))
		if w == "!" {
			var pe *phoneapi.ProtocolError
			if !errors.As(err, &pe) {
				t.Fatalf("line %d: got %q, %v; want a *ProtocolError", i, got, err)
			}
			continue
		}
		if err != nil || got != w {
			t.Fatalf("line %d: got %.20q, %v; want %.20q", i, got, err, w)
		}
	}
	_, err := tr.ReadLine(ctxT(t))
	if !errors.Is(err, phoneapi.ErrClosed) || !errors.Is(err, io.EOF) {
		t.Fatalf("after the end: %v, want ErrClosed and io.EOF", err)
	}
}

// TestReadLineContext proves a ReadLine that gives up on its context loses
// nothing: the line arriving later goes to the next ReadLine.
func TestReadLineContext(t *testing.T) {
	a, b := net.Pipe()
	tr := New(b)
	defer tr.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tr.ReadLine(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled ReadLine = %v", err)
	}
	go func() { _, _ = io.WriteString(a, "PONG\n") }()
	if got, err := tr.ReadLine(ctxT(t)); err != nil || got != "PONG" {
		t.Fatalf("got %q, %v", got, err)
	}
	a.Close()
}

// TestWriteLine proves lines get a "\n", bad lines are refused before
// anything is written, a blocked write gives up with its context, and
// writes after Close report ErrClosed.
func TestWriteLine(t *testing.T) {
	a, b := net.Pipe()
	tr := New(a)
	peer := New(b)
	defer peer.Close()
	go func() { _ = tr.WriteLine(ctxT(t), "HOOK OFF") }()
	if got, err := peer.ReadLine(ctxT(t)); err != nil || got != "HOOK OFF" {
		t.Fatalf("got %q, %v", got, err)
	}
	for _, bad := range []string{"a\nb", "a\rb", "\xff", strings.Repeat("z", phoneapi.MaxLineLen+1)} {
		var pe *phoneapi.ProtocolError
		if err := tr.WriteLine(ctxT(t), bad); !errors.As(err, &pe) {
			t.Errorf("WriteLine(%.10q) = %v, want a *ProtocolError", bad, err)
		}
	}
	// Nobody reads c's peer, so net.Pipe blocks the write until ctx ends.
	c, d := net.Pipe()
	defer d.Close()
	blocked := New(c)
	defer blocked.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := blocked.WriteLine(ctx, "PING"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("blocked write = %v, want DeadlineExceeded", err)
	}
	tr.Close()
	if err := tr.WriteLine(ctxT(t), "PING"); !errors.Is(err, phoneapi.ErrClosed) {
		t.Fatalf("write after Close = %v", err)
	}
	if _, err := tr.ReadLine(ctxT(t)); !errors.Is(err, phoneapi.ErrClosed) {
		t.Fatalf("read after Close = %v", err)
	}
}

// TestParseSpec proves the accepted and rejected address forms.
func TestParseSpec(t *testing.T) {
	cases := []struct{ spec, network, addr string }{
		{"unix:/tmp/x.sock", "unix", "/tmp/x.sock"},
		{"tcp:127.0.0.1:7001", "tcp", "127.0.0.1:7001"},
		{"tcp:[::1]:7001", "tcp", "[::1]:7001"},
		{"tcp:localhost", "", ""},
		{"udp:1.2.3.4:5", "", ""},
		{"unix:", "", ""},
		{"/tmp/x.sock", "", ""},
	}
	for _, tc := range cases {
		n, a, err := ParseSpec(tc.spec)
		if (err != nil) != (tc.network == "") || n != tc.network || a != tc.addr {
			t.Errorf("ParseSpec(%q) = %q, %q, %v", tc.spec, n, a, err)
		}
	}
}

// TestDialListen proves Dial and Listen connect over a unix socket and TCP
// loopback, lines flow both ways, and the unix socket file goes away on Close.
func TestDialListen(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "h.sock")
	for _, spec := range []string{"unix:" + sock, "tcp:127.0.0.1:0"} {
		l, err := Listen(spec)
		if err != nil {
			t.Fatal(err)
		}
		dialSpec := spec
		if strings.HasPrefix(spec, "tcp:") {
			dialSpec = "tcp:" + l.Addr().String()
		}
		accepted := make(chan phoneapi.Transport, 1)
		go func() {
			c, err := l.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- New(c)
		}()
		dev, err := Dial(ctxT(t), dialSpec)
		if err != nil {
			t.Fatal(err)
		}
		host := <-accepted
		if host == nil {
			t.Fatal("accept failed")
		}
		if err := dev.WriteLine(ctxT(t), "NAME x"); err != nil {
			t.Fatal(err)
		}
		if got, err := host.ReadLine(ctxT(t)); err != nil || got != "NAME x" {
			t.Fatalf("%s: got %q, %v", spec, got, err)
		}
		if err := host.WriteLine(ctxT(t), "OK"); err != nil {
			t.Fatal(err)
		}
		if got, err := dev.ReadLine(ctxT(t)); err != nil || got != "OK" {
			t.Fatalf("%s: got %q, %v", spec, got, err)
		}
		dev.Close()
		if _, err := host.ReadLine(ctxT(t)); !errors.Is(err, phoneapi.ErrClosed) {
			t.Fatalf("%s: peer close read as %v", spec, err)
		}
		host.Close()
		l.Close()
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("socket file left behind: %v", err)
	}
	if _, err := Dial(ctxT(t), "unix:"+sock); err == nil {
		t.Error("Dial to a closed socket succeeded")
	}
}

// TestClientOverStream proves a phoneapi.Client and Host talk through this
// transport end to end: handshake, then a ping.
func TestClientOverStream(t *testing.T) {
	a, b := net.Pipe()
	h := refhost.New(refhost.Options{})
	ctx, cancel := context.WithCancel(ctxT(t))
	served := make(chan error, 1)
	go func() { served <- h.Serve(ctx, New(b)) }()
	c := phoneapi.NewClient(New(a), phoneapi.ClientOptions{})
	if p, err := c.Handshake(ctxT(t), "dev"); err != nil || p != 5 {
		t.Fatalf("Handshake = %d, %v", p, err)
	}
	ran := make(chan error, 1)
	go func() { ran <- c.Run(ctx) }()
	if err := c.Ping(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-ran
	if err := <-served; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("Serve: %v", err)
	}
}
