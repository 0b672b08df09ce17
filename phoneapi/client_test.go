package phoneapi

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/handsetd/handsetd/internal/clock"
)

// scriptHost is a whole host scripted by one function, in the spirit of
// nltest: every line the client sends is recorded and answered with the
// script's lines. push sends unsolicited notifications.
type scriptHost struct {
	t    *testing.T
	end  Transport
	got  chan string
	push func(lines ...string)
}

func newScriptHost(t *testing.T, script func(line string) []string) (Transport, *scriptHost) {
	t.Helper()
	dev, host := Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	sh := &scriptHost{t: t, end: host, got: make(chan string, 100)}
	sh.push = func(lines ...string) {
		for _, l := range lines {
			if err := host.WriteLine(ctx, l); err != nil {
				t.Errorf("push %q: %v", l, err)
			}
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			line, err := host.ReadLine(ctx)
			if err != nil {
				return
			}
			sh.got <- line
			if script != nil {
				sh.push(script(line)...)
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		host.Close()
		<-done
	})
	return dev, sh
}

// next returns the next line the client sent, failing after a bound.
func (sh *scriptHost) next() string {
	sh.t.Helper()
	select {
	case l := <-sh.got:
		return l
	case <-time.After(5 * time.Second):
		sh.t.Fatal("client sent nothing")
		return ""
	}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// runClient starts Run and stops it at cleanup, checking its result.
func runClient(t *testing.T, c *Client) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) && !errors.Is(err, ErrClosed) {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Run did not stop")
		}
	})
}

// TestHandshake proves the handshake pipelines NAME and PROTOCOL, accepts a
// host with or without OK, negotiates down, rejects versions out of range,
// and maps ERROR 68 and CONNSTATUS OFFLINE to their sentinels.
func TestHandshake(t *testing.T) {
	cases := []struct {
		name    string
		onName  []string
		onProto []string
		want    int
		wantErr error
		anyErr  bool
		calls   int // calls known after the handshake
	}{
		{name: "OK then PROTOCOL", onName: []string{"OK"}, onProto: []string{"PROTOCOL 5"}, want: 5},
		{name: "no OK (plain stream, sample 7.11)", onProto: []string{"PROTOCOL 5"}, want: 5},
		{name: "older host", onName: []string{"OK"}, onProto: []string{"PROTOCOL 3"}, want: 3},
		{name: "host answers too high", onProto: []string{"PROTOCOL 99"}, anyErr: true},
		{name: "access denied", onName: []string{"ERROR 68 Access denied"}, wantErr: ErrAccessDenied},
		{name: "offline", onName: []string{"CONNSTATUS OFFLINE"}, wantErr: ErrOffline},
		{name: "notifications meanwhile", onName: []string{"OK", "USERSTATUS ONLINE", "CALL 5 STATUS INPROGRESS"},
			onProto: []string{"CONNSTATUS ONLINE", "PROTOCOL 4"}, want: 4, calls: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr, sh := newScriptHost(t, func(line string) []string {
				switch line {
				case "NAME phone":
					return tc.onName
				case "PROTOCOL 5":
					return tc.onProto
				}
				return nil
			})
			c := NewClient(tr, ClientOptions{})
			got, err := c.Handshake(testCtx(t), "phone")
			if first, second := sh.next(), sh.next(); first != "NAME phone" || second != "PROTOCOL 5" {
				t.Errorf("sent %q, %q; want NAME then PROTOCOL 5", first, second)
			}
			switch {
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
			case tc.anyErr:
				if err == nil {
					t.Fatalf("Handshake = %d, want an error", got)
				}
			default:
				if err != nil || got != tc.want || c.Protocol() != tc.want {
					t.Fatalf("Handshake = %d, %v; want %d", got, err, tc.want)
				}
			}
			if n := len(c.Calls().All()); n != tc.calls {
				t.Errorf("%d calls known, want %d", n, tc.calls)
			}
		})
	}
}

// TestHandshakeTimeout proves a silent host fails the handshake with
// ErrTimeout after ReplyTimeout on the injected clock.
func TestHandshakeTimeout(t *testing.T) {
	tr, _ := newScriptHost(t, nil)
	clk := clock.NewFake(time.Unix(0, 0))
	c := NewClient(tr, ClientOptions{Clock: clk, ReplyTimeout: time.Second})
	errc := make(chan error, 1)
	go func() { _, err := c.Handshake(testCtx(t), "phone"); errc <- err }()
	<-clk.Armed()
	clk.Advance(2 * time.Second)
	select {
	case err := <-errc:
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("err = %v, want ErrTimeout", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("handshake did not time out")
	}
}

func handshaken(t *testing.T, proto string, script func(string) []string) (*Client, *scriptHost) {
	t.Helper()
	tr, sh := newScriptHost(t, func(line string) []string {
		if line == "PROTOCOL 5" {
			return []string{proto}
		}
		if script != nil {
			return script(line)
		}
		return nil
	})
	c := NewClient(tr, ClientOptions{})
	if _, err := c.Handshake(testCtx(t), "phone"); err != nil {
		t.Fatal(err)
	}
	sh.next()
	sh.next()
	return c, sh
}

// TestRequestTagged proves that with protocol 4+ a request carries a #id,
// notifications arriving between command and reply are processed, and the
// tagged reply (or tagged ERROR) is returned.
func TestRequestTagged(t *testing.T) {
	c, sh := handshaken(t, "PROTOCOL 5", func(line string) []string {
		switch line {
		case "#c1 GET CALL 7 TYPE":
			return []string{"CALL 8 STATUS INPROGRESS", "CALL 7 TYPE WRONG_ONE", "#c1 CALL 7 TYPE OUTGOING_P2P"}
		case "#c2 GET CALL 99 TYPE":
			return []string{"#c2 ERROR 12 Unknown call"}
		}
		return nil
	})
	runClient(t, c)
	m, err := c.Request(testCtx(t), GetCall(7, "TYPE"))
	if err != nil || m.Kind != KindCallType || m.Value != "OUTGOING_P2P" || m.ID != "c1" {
		t.Fatalf("Request = %#v, %v", m, err)
	}
	if sent := sh.next(); sent != "#c1 GET CALL 7 TYPE" {
		t.Errorf("sent %q", sent)
	}
	if _, ok := c.Calls().Active(); !ok {
		t.Error("the notification between command and reply was not processed")
	}
	_, err = c.Request(testCtx(t), GetCall(99, "TYPE"))
	var he *Error
	if !errors.As(err, &he) || he.Code != 12 {
		t.Fatalf("err = %v, want *Error 12", err)
	}
}

// TestRequestByShape proves that before protocol 4 the reply is found by
// its shape, skipping notifications about other calls or properties.
func TestRequestByShape(t *testing.T) {
	c, _ := handshaken(t, "PROTOCOL 3", func(line string) []string {
		switch line {
		case "GET CALL 7 TYPE":
			return []string{"CALL 9 TYPE INCOMING_P2P", "CALL 7 STATUS ROUTING", "CALL 7 TYPE OUTGOING_PSTN"}
		case "SET MUTE ON":
			return []string{"CALL 7 STATUS INPROGRESS", "MUTE ON"}
		case "GET CALL 1 TYPE":
			return []string{"USERSTATUS ONLINE", "ERROR 12 Unknown call"}
		}
		return nil
	})
	runClient(t, c)
	m, err := c.Request(testCtx(t), GetCall(7, "TYPE"))
	if err != nil || m.Call != 7 || m.Value != "OUTGOING_PSTN" {
		t.Fatalf("Request = %#v, %v", m, err)
	}
	m, err = c.Request(testCtx(t), SetMute(true))
	if err != nil || m.Kind != KindMute || !m.On {
		t.Fatalf("SET MUTE = %#v, %v", m, err)
	}
	if _, err = c.Request(testCtx(t), GetCall(1, "TYPE")); err == nil {
		t.Fatal("ERROR reply not returned as error")
	}
}

// TestPing proves Ping succeeds on PONG and times out (injected clock) when
// the host stays silent.
func TestPing(t *testing.T) {
	c, _ := handshaken(t, "PROTOCOL 5", func(line string) []string {
		if line == "#c1 PING" {
			return []string{"USERSTATUS ONLINE", "#c1 PONG"}
		}
		return nil
	})
	runClient(t, c)
	if err := c.Ping(testCtx(t)); err != nil {
		t.Fatal(err)
	}

	tr, _ := newScriptHost(t, nil)
	clk := clock.NewFake(time.Unix(0, 0))
	silent := NewClient(tr, ClientOptions{Clock: clk})
	runClient(t, silent)
	errc := make(chan error, 1)
	go func() { errc <- silent.Ping(testCtx(t)) }()
	<-clk.Armed()
	clk.Advance(6 * time.Second)
	if err := <-errc; !errors.Is(err, ErrTimeout) {
		t.Fatalf("Ping on silent host = %v, want ErrTimeout", err)
	}
}

// TestRingLogic proves the ring rules line by line: only incoming RINGING
// rings; an unknown type is asked with GET CALL n TYPE (then the caller's
// name); outgoing RINGING is ringback; any other status stops that call's
// ring; terminal statuses forget the call; any ringing call keeps the ring.
func TestRingLogic(t *testing.T) {
	type step struct {
		line  string
		ring  bool
		ask   []Command
		calls int
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"sample 7.12: unknown type asked first", []step{
			{"CALL 1594 STATUS RINGING", false, []Command{"GET CALL 1594 TYPE"}, 1},
			{"CALL 1594 TYPE INCOMING P2P", true, []Command{"GET CALL 1594 PARTNER_DISPNAME"}, 1},
			{"CALL 1594 PARTNER_DISPNAME answer me", true, nil, 1},
			{"CALL 1594 STATUS INPROGRESS", false, nil, 1},
			{"CALL 1594 DURATION 5", false, nil, 1},
			{"CALL 1594 STATUS FINISHED", false, nil, 0},
		}},
		{"type known first: rings at once", []step{
			{"CALL 3 TYPE INCOMING_PSTN", false, nil, 1},
			{"CALL 3 PARTNER_DISPNAME Bob", false, nil, 1},
			{"CALL 3 STATUS RINGING", true, nil, 1},
			{"CALL 3 STATUS MISSED", false, nil, 0},
			{"CALL 3 TYPE INCOMING_PSTN", false, nil, 0}, // late reply does not revive it
		}},
		{"outgoing ringing is ringback", []step{
			{"CALL 9 STATUS ROUTING", false, nil, 1},
			{"CALL 9 TYPE OUTGOING_P2P", false, nil, 1},
			{"CALL 9 STATUS RINGING", false, nil, 1},
			{"CALL 9 STATUS INPROGRESS", false, nil, 1},
		}},
		{"outgoing, type unknown at RINGING", []step{
			{"CALL 9 STATUS RINGING", false, []Command{"GET CALL 9 TYPE"}, 1},
			{"CALL 9 TYPE OUTGOING_PSTN", false, nil, 1},
		}},
		{"ring while any incoming call rings", []step{
			{"CALL 1 TYPE INCOMING_P2P", false, nil, 1},
			{"CALL 1 STATUS RINGING", true, []Command{"GET CALL 1 PARTNER_DISPNAME"}, 1},
			{"CALL 2 TYPE INCOMING_P2P", true, nil, 2},
			{"CALL 2 STATUS RINGING", true, []Command{"GET CALL 2 PARTNER_DISPNAME"}, 2},
			{"CALL 1 STATUS REFUSED", true, nil, 1},
			{"CALL 2 STATUS ONHOLD", false, nil, 1},
		}},
		{"every stopping status", []step{
			{"CALL 4 TYPE INCOMING_P2P", false, nil, 1},
			{"CALL 4 PARTNER_DISPNAME x", false, nil, 1},
			{"CALL 4 STATUS RINGING", true, nil, 1},
			{"CALL 4 STATUS ROUTING", false, nil, 1},
			{"CALL 4 STATUS RINGING", true, nil, 1},
			{"CALL 4 STATUS BUSY", false, nil, 0},
			{"CALL 5 TYPE INCOMING_P2P", false, nil, 1},
			{"CALL 5 PARTNER_DISPNAME x", false, nil, 1},
			{"CALL 5 STATUS RINGING", true, nil, 1},
			{"CALL 5 STATUS CANCELLED", false, nil, 0},
			{"CALL 6 TYPE INCOMING_P2P", false, nil, 1},
			{"CALL 6 PARTNER_DISPNAME x", false, nil, 1},
			{"CALL 6 STATUS RINGING", true, nil, 1},
			{"CALL 6 STATUS FAILED", false, nil, 0},
		}},
		{"unrelated lines change nothing", []step{
			{"USER taavet ONLINESTATUS OFFLINE", false, nil, 0},
			{"MUTE ON", false, nil, 0},
			{"CALL 7 FAILUREREASON 1", false, nil, 0},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tab := newCallTable()
			for i, s := range tc.steps {
				m, err := ParseLine(s.line)
				if err != nil {
					t.Fatal(err)
				}
				ask := tab.apply(m)
				snap := tab.snapshot()
				if snap.Ringing() != s.ring {
					t.Errorf("step %d %q: ringing %v, want %v", i, s.line, snap.Ringing(), s.ring)
				}
				if !reflect.DeepEqual(ask, s.ask) {
					t.Errorf("step %d %q: asks %q, want %q", i, s.line, ask, s.ask)
				}
				if n := len(snap.All()); n != s.calls {
					t.Errorf("step %d %q: %d calls, want %d", i, s.line, n, s.calls)
				}
			}
		})
	}
}

// TestClientAsksType proves the Client itself sends GET CALL n TYPE for a
// ringing call of unknown type, and that Updates report ringing only once
// the host's answer says INCOMING.
func TestClientAsksType(t *testing.T) {
	c, sh := handshaken(t, "PROTOCOL 3", nil)
	runClient(t, c)
	sh.push("CALL 1594 STATUS RINGING")
	if got := sh.next(); got != "GET CALL 1594 TYPE" {
		t.Fatalf("client sent %q, want GET CALL 1594 TYPE", got)
	}
	// The query is sent after the line is processed, so the state is settled.
	if c.Calls().Ringing() {
		t.Fatal("rang before the type was known")
	}
	sh.push("CALL 1594 TYPE INCOMING P2P")
	if got := sh.next(); got != "GET CALL 1594 PARTNER_DISPNAME" {
		t.Fatalf("client sent %q, want GET CALL 1594 PARTNER_DISPNAME", got)
	}
	if !c.Calls().Ringing() {
		t.Fatal("not ringing once the type said INCOMING")
	}
	sh.push("CALL 1594 PARTNER_DISPNAME answer me")
	for {
		u := nextUpdate(t, c)
		if call, ok := u.Calls.RingingCall(); ok && call.PartnerDispName == "answer me" {
			break
		}
	}
}

// TestQuestionsFromTheHandshakeAreAsked proves a call that starts ringing
// while the handshake is still going on is asked about once Run starts: the
// handshake's context ending must not lose the question, or the call would
// never ring.
func TestQuestionsFromTheHandshakeAreAsked(t *testing.T) {
	tr, sh := newScriptHost(t, func(line string) []string {
		if line == "PROTOCOL 5" {
			return []string{"CALL 7 STATUS RINGING", "PROTOCOL 5"}
		}
		return nil
	})
	c := NewClient(tr, ClientOptions{})
	if _, err := c.Handshake(testCtx(t), "phone"); err != nil {
		t.Fatal(err)
	}
	sh.next() // NAME
	sh.next() // PROTOCOL
	runClient(t, c)
	if got := sh.next(); got != "GET CALL 7 TYPE" {
		t.Fatalf("client sent %q, want GET CALL 7 TYPE", got)
	}
	sh.push("CALL 7 TYPE INCOMING_P2P")
	for !nextUpdate(t, c).Calls.Ringing() {
	}
}

// TestUpdatesCoalesce proves a consumer that does not read keeps the client
// running, and then sees the newest calls and the newest mute value.
func TestUpdatesCoalesce(t *testing.T) {
	c, sh := handshaken(t, "PROTOCOL 3", func(line string) []string {
		if line == "PING" {
			return []string{"PONG"}
		}
		return nil
	})
	runClient(t, c)
	for i := 0; i < 3*updateBuffer; i++ {
		sh.push("USERSTATUS ONLINE")
	}
	sh.push("MUTE ON")
	sh.push("CALL 12 STATUS INPROGRESS")
	if err := c.Ping(testCtx(t)); err != nil { // all lines above are processed
		t.Fatal(err)
	}
	// Coalescing keeps the newest line, so the last update is PONG's.
	var last Update
	var mute *bool
	n := 0
	for last.Line != "PONG" {
		last = nextUpdate(t, c)
		n++
		if last.Mute != nil {
			mute = last.Mute
		}
	}
	if n > updateBuffer+3 {
		t.Errorf("got %d updates; expected coalescing to at most %d", n, updateBuffer+3)
	}
	if mute == nil || !*mute {
		t.Error("the MUTE ON value was lost")
	}
	if _, ok := last.Calls.Active(); !ok || last.Line != "PONG" {
		t.Errorf("last update %+v does not carry the newest state", last)
	}
}

func nextUpdate(t *testing.T, c *Client) Update {
	t.Helper()
	select {
	case u, ok := <-c.Updates():
		if !ok {
			t.Fatal("Updates closed")
		}
		return u
	case <-time.After(5 * time.Second):
		t.Fatal("no update")
		return Update{}
	}
}

// onlyTransport hides every method of a Transport but the interface's.
type onlyTransport struct{ Transport }

// TestTrySend proves TrySend writes at once over a TryWriter (a Pipe,
// whose writes never wait), in order with Send, refuses a bad line
// without writing, and declines over a transport that cannot write
// without waiting.
func TestTrySend(t *testing.T) {
	dev, host := Pipe()
	defer dev.Close()
	c := NewClient(dev, ClientOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Send(ctx, BtnPressed("1")); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.TrySend(BtnReleased("1")); !ok || err != nil {
		t.Fatalf("TrySend over a Pipe = %v, %v", ok, err)
	}
	var pe *ProtocolError
	if ok, err := c.TrySend("BTN_PRESSED 1\nHOOK OFF"); ok || !errors.As(err, &pe) {
		t.Fatalf("TrySend of a line with a break = %v, %v; want false and a *ProtocolError", ok, err)
	}
	if err := c.Send(ctx, Hook(true)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"BTN_PRESSED 1", "BTN_RELEASED 1", "HOOK OFF"} {
		if got, err := host.ReadLine(ctx); err != nil || got != want {
			t.Fatalf("host read %q, %v; want %q", got, err, want)
		}
	}
	if ok, err := NewClient(onlyTransport{dev}, ClientOptions{}).TrySend(Ping()); ok || err != nil {
		t.Fatalf("TrySend over a plain Transport = %v, %v; want false, nil", ok, err)
	}
}
