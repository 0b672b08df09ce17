package baresip

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handsetd/handsetd/phoneapi"
)

// fakeBaresip is a scripted ctrl_tcp peer: it answers every command "ok"
// (mute toggles, as menu.so's does) and lets the test send events and raw
// bytes. Commands it received arrive on cmds.
type fakeBaresip struct {
	t    *testing.T
	ln   net.Listener
	cmds chan Command

	mu    sync.Mutex
	conn  net.Conn
	muted bool
	conns chan net.Conn
}

func newFakeBaresip(t *testing.T) *fakeBaresip {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeBaresip{t: t, ln: ln, cmds: make(chan Command, 100), conns: make(chan net.Conn, 10)}
	t.Cleanup(func() { ln.Close() })
	go f.accept()
	return f
}

func (f *fakeBaresip) addr() string { return f.ln.Addr().String() }

func (f *fakeBaresip) accept() {
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.mu.Lock()
		f.conn = c
		f.mu.Unlock()
		f.conns <- c
		go f.serve(c)
	}
}

func (f *fakeBaresip) serve(c net.Conn) {
	fr := NewFrameReader(c, 0)
	for {
		b, err := fr.ReadFrame()
		if err != nil {
			return
		}
		var cmd Command
		if err := json.Unmarshal(b, &cmd); err != nil {
			f.t.Errorf("fake baresip: bad command %s: %v", b, err)
			return
		}
		data := ""
		if cmd.Command == "mute" {
			f.mu.Lock()
			f.muted = !f.muted
			data = "\ncall muted\n"
			if !f.muted {
				data = "\ncall un-muted\n"
			}
			f.mu.Unlock()
		}
		f.cmds <- cmd
		f.write(c, map[string]any{"response": true, "ok": true, "data": data, "token": cmd.Token})
	}
}

func (f *fakeBaresip) write(c net.Conn, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		f.t.Fatal(err)
	}
	f.raw(c, string(AppendFrame(nil, b)))
}

func (f *fakeBaresip) raw(c net.Conn, s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := c.Write([]byte(s)); err != nil {
		f.t.Errorf("fake baresip: write: %v", err)
	}
}

func (f *fakeBaresip) current() net.Conn {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conn
}

// event sends a call event as baresip 1.0.0 shapes it.
func (f *fakeBaresip) event(typ, dir, peer, id, param string) {
	f.write(f.current(), map[string]any{"event": true, "class": "call", "type": typ, "accountaor": "sip:me@127.0.0.1",
		"direction": dir, "peeruri": peer, "id": id, "param": param})
}

// want waits for the next command and checks it.
func (f *fakeBaresip) want(command, params string) {
	f.t.Helper()
	select {
	case c := <-f.cmds:
		if c.Command != command || c.Params != params {
			f.t.Fatalf("baresip got %q %q, want %q %q", c.Command, c.Params, command, params)
		}
	case <-time.After(5 * time.Second):
		f.t.Fatalf("baresip got no command; want %q %q", command, params)
	}
}

// device is the driver's side of the bridge, line by line.
type device struct {
	t  *testing.T
	tr phoneapi.Transport
}

func (d device) send(lines ...string) {
	d.t.Helper()
	for _, l := range lines {
		if err := d.tr.WriteLine(context.Background(), l); err != nil {
			d.t.Fatalf("device writes %q: %v", l, err)
		}
	}
}

// want reads the next lines and checks them.
func (d device) want(lines ...string) {
	d.t.Helper()
	for _, w := range lines {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		got, err := d.tr.ReadLine(ctx)
		cancel()
		if err != nil || got != w {
			d.t.Fatalf("device read %q (%v), want %q", got, err, w)
		}
	}
}

func dialFake(t *testing.T, f *fakeBaresip, opts Options) device {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tr, err := Dial(ctx, f.addr(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	select { // the fake has accepted the connection: events can go out
	case <-f.conns:
	case <-time.After(5 * time.Second):
		t.Fatal("the fake baresip accepted no connection")
	}
	d := device{t: t, tr: tr}
	d.send("NAME Test Phone", "PROTOCOL 5")
	d.want("OK", "PROTOCOL 5")
	return d
}

// TestHandshakeAndPing proves the bridge greets a device as a Phone API
// host does: NAME → OK, PROTOCOL n → the lower of n and ours, a tagged
// PING gets its tagged PONG, a tagged HOOK gets its tagged OK, an unknown
// command an ERROR.
func TestHandshakeAndPing(t *testing.T) {
	f := newFakeBaresip(t)
	d := dialFake(t, f, Options{})
	d.send("#c1 PING", "#c2 HOOK ON", "FROBNICATE", "AUDIO_OUT USB Audio (hw:1,0)")
	d.want("#c1 PONG", "#c2 OK", "ERROR 2 Unknown command", "AUDIO_OUT USB Audio (hw:1,0)")
}

// TestIncomingCall proves an incoming SIP call rings the handset with the
// caller's name, lifting the handset accepts it, and the far end's hangup
// ends it (FINISHED).
func TestIncomingCall(t *testing.T) {
	f := newFakeBaresip(t)
	d := dialFake(t, f, Options{})
	d.send("HOOK ON")
	f.event("CALL_INCOMING", "incoming", "sip:alice@example.org", "c1", "sip:alice@example.org")
	d.want("CALL 1 TYPE INCOMING_P2P", "CALL 1 PARTNER_HANDLE sip:alice@example.org", "CALL 1 PARTNER_DISPNAME alice",
		"CALL 1 STATUS RINGING")
	d.send("HOOK OFF")
	f.want("accept", "")
	f.event("CALL_ESTABLISHED", "incoming", "sip:alice@example.org", "c1", "")
	d.want("CALL 1 STATUS INPROGRESS")
	f.event("CALL_CLOSED", "incoming", "sip:alice@example.org", "c1", "Connection reset by peer")
	d.want("CALL 1 STATUS FINISHED")
}

// TestRejectAndMissed proves NO refuses a ringing call (hangup to baresip,
// REFUSED to the device), and a call the far end gives up is MISSED.
func TestRejectAndMissed(t *testing.T) {
	f := newFakeBaresip(t)
	d := dialFake(t, f, Options{})
	d.send("HOOK ON")
	f.event("CALL_INCOMING", "incoming", "sip:bob@example.org", "c1", "")
	d.want("CALL 1 TYPE INCOMING_P2P", "CALL 1 PARTNER_HANDLE sip:bob@example.org", "CALL 1 PARTNER_DISPNAME bob",
		"CALL 1 STATUS RINGING")
	d.send("BTN_PRESSED NO")
	f.want("hangup", "")
	f.event("CALL_CLOSED", "incoming", "sip:bob@example.org", "c1", "Connection reset by user")
	d.want("CALL 1 STATUS REFUSED")
	f.event("CALL_INCOMING", "incoming", "sip:bob@example.org", "c2", "")
	d.want("CALL 2 TYPE INCOMING_P2P", "CALL 2 PARTNER_HANDLE sip:bob@example.org", "CALL 2 PARTNER_DISPNAME bob",
		"CALL 2 STATUS RINGING")
	f.event("CALL_CLOSED", "incoming", "sip:bob@example.org", "c2", "Request terminated")
	d.want("CALL 2 STATUS MISSED")
}

// TestOutgoingCall proves digits and YES dial the URI the template makes,
// baresip's ringing and answer reach the device, digits in the call are
// DTMF, mute toggles baresip's and comes back as MUTE ON, hanging up hangs
// up, and mute goes off with the call.
func TestOutgoingCall(t *testing.T) {
	f := newFakeBaresip(t)
	d := dialFake(t, f, Options{DialURI: "sip:{digits}@pbx.example"})
	d.send("HOOK OFF", "BTN_PRESSED 1", "BTN_RELEASED 1", "BTN_PRESSED 2", "BTN_PRESSED YES")
	d.want("CALL 1 TYPE OUTGOING_P2P", "CALL 1 PARTNER_HANDLE sip:12@pbx.example", "CALL 1 PARTNER_DISPNAME 12",
		"CALL 1 STATUS ROUTING")
	f.want("dial", "sip:12@pbx.example")
	f.event("CALL_RINGING", "outgoing", "sip:12@pbx.example", "o1", "")
	d.want("CALL 1 STATUS RINGING")
	f.event("CALL_ESTABLISHED", "outgoing", "sip:12@pbx.example", "o1", "")
	d.want("CALL 1 STATUS INPROGRESS")
	d.send("BTN_PRESSED 5", "MUTE ON")
	f.want("sndcode", "5")
	f.want("mute", "")
	d.want("MUTE ON")
	d.send("MUTE ON") // already muted: no toggle, just the state
	d.want("MUTE ON")
	d.send("HOOK ON")
	f.want("hangup", "")
	f.event("CALL_CLOSED", "outgoing", "sip:12@pbx.example", "o1", "Connection reset by user")
	d.want("CALL 1 STATUS FINISHED", "MUTE OFF")
}

// TestOutgoingBusyAndFailed proves a call the far end refuses before
// answering ends BUSY (486) or FAILED, and one baresip cannot place ends
// FAILED.
func TestOutgoingBusyAndFailed(t *testing.T) {
	f := newFakeBaresip(t)
	d := dialFake(t, f, Options{DialURI: "sip:{digits}@pbx.example"})
	d.send("HOOK OFF", "BTN_PRESSED 7", "BTN_PRESSED #")
	d.want("CALL 1 TYPE OUTGOING_P2P", "CALL 1 PARTNER_HANDLE sip:7@pbx.example", "CALL 1 PARTNER_DISPNAME 7",
		"CALL 1 STATUS ROUTING")
	f.want("dial", "sip:7@pbx.example")
	f.event("CALL_CLOSED", "outgoing", "sip:7@pbx.example", "o1", "486 Busy Here")
	d.want("CALL 1 STATUS BUSY")
}

// TestDialTimeout proves a number collected off hook is dialled once the
// dial timeout passes after the last digit, on the injected clock.
func TestDialTimeout(t *testing.T) {
	f := newFakeBaresip(t)
	clk := newFakeClock()
	d := dialFake(t, f, Options{DialURI: "sip:{digits}@pbx.example", DialTimeout: 4 * time.Second, Clock: clk})
	d.send("HOOK OFF", "BTN_PRESSED 3", "BTN_PRESSED 4", "#p0 PING")
	d.want("#p0 PONG") // lines are handled in order: the timer of the last digit is armed
	clk.Advance(3 * time.Second)
	d.send("#p1 PING")
	d.want("#p1 PONG") // not dialled yet
	clk.Advance(time.Second)
	d.want("CALL 1 TYPE OUTGOING_P2P", "CALL 1 PARTNER_HANDLE sip:34@pbx.example", "CALL 1 PARTNER_DISPNAME 34",
		"CALL 1 STATUS ROUTING")
	f.want("dial", "sip:34@pbx.example")
}

// TestBadInputSurvived proves malformed netstrings, over-long ones, bad
// JSON and unknown events from baresip are skipped: the next good event
// still reaches the device.
func TestBadInputSurvived(t *testing.T) {
	f := newFakeBaresip(t)
	d := dialFake(t, f, Options{MaxFrame: 512})
	c := f.current()
	f.raw(c, "hello,")
	f.raw(c, "600:"+strings.Repeat("x", 600)+",")
	f.raw(c, "5:{bad},")
	f.write(c, map[string]any{"event": true, "class": "other", "type": "SOMETHING_NEW"})
	f.write(c, map[string]any{"response": true, "ok": true, "token": "not-ours"})
	d.send("HOOK ON")
	f.event("CALL_INCOMING", "incoming", "sip:carol@example.org", "c1", "")
	d.want("CALL 1 TYPE INCOMING_P2P")
}

// TestBaresipGoneAndBack proves that when baresip closes ctrl_tcp the
// device's transport ends (the driver shows no host), and a new Dial waits,
// with backoff on the injected clock, until baresip listens again.
func TestBaresipGoneAndBack(t *testing.T) {
	f := newFakeBaresip(t)
	d := dialFake(t, f, Options{})
	addr := f.addr()
	f.ln.Close()
	f.current().Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := d.tr.ReadLine(ctx); !errors.Is(err, phoneapi.ErrClosed) {
		t.Fatalf("after baresip left the device read %v, want ErrClosed", err)
	}

	clk := newFakeClock()
	got := make(chan phoneapi.Transport, 1)
	go func() {
		tr, err := Dial(ctx, addr, Options{Clock: clk, RetryMin: time.Second, RetryMax: time.Second})
		if err != nil {
			t.Error(err)
		}
		got <- tr
	}()
	<-clk.Armed() // Dial failed once and waits out its backoff
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	clk.Advance(time.Second)
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tr := <-got
	defer tr.Close()
	d2 := device{t: t, tr: tr}
	d2.send("NAME Test Phone", "PROTOCOL 3")
	d2.want("OK", "PROTOCOL 3")
}
