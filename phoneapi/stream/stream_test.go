package stream

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
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

// socketPair returns a Transport over one end of a connected socket of
// the given network ("unix" or "tcp", on loopback) and the raw other end.
func socketPair(t *testing.T, network string) (*conn, net.Conn) {
	t.Helper()
	addr := "127.0.0.1:0"
	if network == "unix" {
		addr = filepath.Join(t.TempDir(), "s.sock")
	}
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial(network, ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	p, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	tr := New(c).(*conn)
	t.Cleanup(func() { tr.Close(); p.Close() })
	return tr, p
}

// fill writes lines of size bytes with TryWriteLine into a peer that does
// not read until it declines, and returns the lines it took.
func fill(t *testing.T, tr *conn, size int) []string {
	t.Helper()
	var took []string
	for i := 0; ; i++ {
		line := strconv.Itoa(i) + " " + strings.Repeat("x", size)
		ok, err := tr.TryWriteLine(line)
		if err != nil {
			t.Fatalf("TryWriteLine %d: %v", i, err)
		}
		if !ok {
			return took
		}
		took = append(took, line)
		if i > 1<<20 {
			t.Fatal("the socket never filled up")
		}
	}
}

// readAll reads n lines from p.
func readAll(t *testing.T, p net.Conn, n int) []string {
	t.Helper()
	_ = p.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(p)
	var got []string
	for range n {
		l, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("read line %d of %d: %v", len(got), n, err)
		}
		got = append(got, strings.TrimSuffix(l, "\n"))
	}
	return got
}

// TestTryWriteLineNeverWaits proves TryWriteLine declines, having written
// nothing, when the peer stops reading (rather than waiting for it), and
// while another writer's WriteLine waits for the peer; and that every
// line it took arrives whole and in order, before a WriteLine that was
// waiting behind them.
func TestTryWriteLineNeverWaits(t *testing.T) {
	for _, network := range []string{"unix", "tcp"} {
		t.Run(network, func(t *testing.T) {
			tr, p := socketPair(t, network)
			took := fill(t, tr, 100)
			if len(took) == 0 {
				t.Fatal("TryWriteLine took nothing from an empty socket")
			}
			wrote := make(chan error, 1)
			go func() { wrote <- tr.WriteLine(ctxT(t), "HOOK OFF") }()
			// Wait until the WriteLine holds the writers' turn.
			deadline := time.Now().Add(5 * time.Second)
			for len(tr.wsem) == 0 {
				if time.Now().After(deadline) {
					t.Fatal("the WriteLine never took the writers' turn")
				}
				runtime.Gosched()
			}
			if ok, err := tr.TryWriteLine("BTN_PRESSED 9"); ok || err != nil {
				t.Fatalf("TryWriteLine while a WriteLine waits = %v, %v; want false, nil", ok, err)
			}
			got := readAll(t, p, len(took)+1)
			if !slices.Equal(got[:len(took)], took) || got[len(took)] != "HOOK OFF" {
				t.Fatalf("the peer read %d lines, not the %d taken then HOOK OFF", len(got), len(took))
			}
			if err := <-wrote; err != nil {
				t.Fatalf("WriteLine: %v", err)
			}
			if ok, err := tr.TryWriteLine("BTN_PRESSED 1"); !ok || err != nil {
				t.Fatalf("TryWriteLine once the peer read = %v, %v", ok, err)
			}
			if got := readAll(t, p, 1); got[0] != "BTN_PRESSED 1" {
				t.Fatalf("next line %q, want BTN_PRESSED 1 (the declined line must not be on the wire)", got[0])
			}
		})
	}
}

// TestTryWriteLinePartial proves a line the socket takes only part of is
// still taken whole: TCP takes what fits of a long line, the rest is
// finished holding the writers' turn, so a WriteLine waits behind it (and
// gives up with its ctx, writing nothing) and TryWriteLine declines; once
// the peer reads, every line arrives whole and in order. Close ends a
// finish still waiting for the peer.
func TestTryWriteLinePartial(t *testing.T) {
	tr, p := socketPair(t, "tcp")
	took := fill(t, tr, 60<<10)
	if len(tr.wsem) == 0 {
		t.Skip("the socket declined a whole line without taking part of one; nothing partial to test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := tr.WriteLine(ctx, "HOOK OFF"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WriteLine behind an unfinished line = %v, want DeadlineExceeded", err)
	}
	wrote := make(chan error, 1)
	go func() { wrote <- tr.WriteLine(ctxT(t), "HOOK ON") }()
	got := readAll(t, p, len(took)+1)
	for i, l := range got[:len(took)] {
		if l != took[i] {
			t.Fatalf("line %d: %d bytes %.10q…, want %d bytes %.10q…", i, len(l), l, len(took[i]), took[i])
		}
	}
	if got[len(took)] != "HOOK ON" {
		t.Fatalf("after the taken lines: %.20q, want HOOK ON (the given-up HOOK OFF must not be on the wire)", got[len(took)])
	}
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}

	// Fill again, and close with part of a line waiting.
	fill(t, tr, 60<<10)
	if len(tr.wsem) == 0 {
		return
	}
	tr.Close()
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	if err := tr.WriteLine(ctx2, "PING"); !errors.Is(err, phoneapi.ErrClosed) {
		t.Fatalf("WriteLine after Close = %v, want ErrClosed", err)
	}
	for len(tr.wsem) != 0 {
		select {
		case <-ctx2.Done():
			t.Fatal("Close did not end the unfinished write")
		default:
			runtime.Gosched()
		}
	}
}

// TestTryWriteLineWithoutDescriptor proves a connection with no file
// descriptor (net.Pipe) declines every TryWriteLine, so callers fall back
// to WriteLine, and that a bad line is refused.
func TestTryWriteLineWithoutDescriptor(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	tr := New(a).(*conn)
	defer tr.Close()
	if ok, err := tr.TryWriteLine("PING"); ok || err != nil {
		t.Fatalf("TryWriteLine over net.Pipe = %v, %v; want false, nil", ok, err)
	}
	us, _ := socketPair(t, "unix")
	var pe *phoneapi.ProtocolError
	if ok, err := us.TryWriteLine("a\nb"); ok || !errors.As(err, &pe) {
		t.Fatalf("TryWriteLine of a line with a break = %v, %v; want false and a *ProtocolError", ok, err)
	}
}
