package dbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	godbus "github.com/godbus/dbus/v5"

	"github.com/handsetd/handsetd/internal/dbustest"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

const wait = 10 * time.Second

// serveHost runs Serve with a reference Host on bus until the test ends.
func serveHost(t *testing.T, addr string) (*refhost.Host, context.CancelFunc, chan struct{}) {
	t.Helper()
	return serveHostLog(t, addr, nil)
}

func serveHostLog(t *testing.T, addr string, log *slog.Logger) (*refhost.Host, context.CancelFunc, chan struct{}) {
	t.Helper()
	h := refhost.New(refhost.Options{Logger: log})
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	done := make(chan struct{})
	var serveErr error
	go func() {
		serveErr = Serve(ctx, addr, h, ServeOptions{Ready: func() { close(ready) }})
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(wait):
			t.Error("Serve did not return")
		}
	})
	select {
	case <-ready:
	case <-done:
		t.Fatalf("Serve: %v", serveErr)
	case <-time.After(wait):
		t.Fatal("Serve not ready")
	}
	return h, cancel, done
}

func dial(t *testing.T, addr string) *Transport {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	tr, err := Dial(ctx, addr, DialOptions{})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}

func readLine(t *testing.T, tr *Transport) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	s, err := tr.ReadLine(ctx)
	if err != nil {
		t.Fatalf("ReadLine: %v", err)
	}
	return s
}

func write(t *testing.T, tr *Transport, line string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := tr.WriteLine(ctx, line); err != nil {
		t.Fatalf("WriteLine(%q): %v", line, err)
	}
}

// TestHandshakeAndNotify proves the contract end to end on a private bus:
// the Client's handshake over Invoke, an incoming call notified through
// Notify to the unique name that sent NAME, hook answering it, #id echoed.
func TestHandshakeAndNotify(t *testing.T) {
	bus := dbustest.Start(t)
	h, _, _ := serveHost(t, bus.Address)
	tr := dial(t, bus.Address)
	c := phoneapi.NewClient(tr, phoneapi.ClientOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	proto, err := c.Handshake(ctx, "Test Phone")
	if err != nil || proto != phoneapi.MaxProtocol {
		t.Fatalf("Handshake = %d, %v; want %d", proto, err, phoneapi.MaxProtocol)
	}
	runDone := make(chan error, 1)
	go func() { runDone <- c.Run(ctx) }()
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if got := h.Exec("call in +15550001 Alice"); !strings.HasPrefix(got, "ok") {
		t.Fatalf("call: %s", got)
	}
	waitCalls(t, c, "ringing", func(cs phoneapi.Calls) bool { return cs.Ringing() })
	if err := c.Send(ctx, phoneapi.Hook(true)); err != nil {
		t.Fatal(err)
	}
	waitCalls(t, c, "in progress", func(cs phoneapi.Calls) bool {
		a, ok := cs.Active()
		return ok && a.Status == "INPROGRESS"
	})
	st := h.State()
	if len(st.Clients) != 1 || st.Clients[0].Name != "Test Phone" || st.Clients[0].Hook != "off" {
		t.Fatalf("host state: %+v", st)
	}
	cancel()
	<-runDone
}

// waitCalls reads the client's updates until the calls satisfy cond.
func waitCalls(t *testing.T, c *phoneapi.Client, what string, cond func(phoneapi.Calls) bool) {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case u, ok := <-c.Updates():
			if !ok {
				t.Fatalf("client stopped before %s", what)
			}
			if cond(u.Calls) {
				return
			}
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestRawInvoke proves what a hand-written client sees: Invoke answers with
// and without the interface name, #id echo, seed error codes for malformed
// commands, Introspect, and no Notify before NAME.
func TestRawInvoke(t *testing.T) {
	bus := dbustest.Start(t)
	h, _, _ := serveHost(t, bus.Address)
	// Notify calls are seen on the connection's reader, in bus order.
	notified := make(chan string, 64)
	conn, err := godbus.Connect(bus.Address, godbus.WithIncomingInterceptor(func(msg *godbus.Message) {
		if msg.Type == godbus.TypeMethodCall && header(msg, godbus.FieldMember) == "Notify" {
			if s, ok := oneString(msg); ok {
				notified <- s
			}
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	obj := conn.Object(ServiceName, HostPath)
	call := func(method, line string) string {
		t.Helper()
		var s string
		if err := obj.Call(method, 0, line).Store(&s); err != nil {
			t.Fatalf("%s(%q): %v", method, line, err)
		}
		return s
	}
	// Before NAME the client is attached (it has invoked) but must get no
	// notification: a call rings and ends, and a raw line goes out.
	if got := call("Invoke", "PING"); got != "PONG" {
		t.Fatalf("PING before NAME = %q", got)
	}
	for _, cmd := range []string{"call in +15550001 Early", "hangup", "send USERSTATUS BEFORE_NAME"} {
		if got := h.Exec(cmd); !strings.HasPrefix(got, "ok") {
			t.Fatalf("%s: %s", cmd, got)
		}
	}
	tests := []struct{ method, line, want string }{
		{"Invoke", "NAME raw", "OK"},
		{"com.Skype.API.Invoke", "PROTOCOL 9", "PROTOCOL 5"},
		{"Invoke", "#7 PING", "#7 PONG"},
		{"com.Skype.API.Invoke", "#x1 FROBNICATE", "#x1 ERROR 2 Unknown command"},
		{"Invoke", "GET CALL 77 STATUS", "ERROR 12 Unknown call"},
		{"Invoke", "HOOK OFF", ""},
	}
	for _, tc := range tests {
		if got := call(tc.method, tc.line); got != tc.want {
			t.Errorf("%s(%q) = %q, want %q", tc.method, tc.line, got, tc.want)
		}
	}
	// After NAME notifications flow; they leave in order, so had anything
	// been queued before NAME it would come before this one.
	if got := h.Exec("send USERSTATUS AFTER_NAME"); got != "ok" {
		t.Fatal(got)
	}
	select {
	case first := <-notified:
		if first != "USERSTATUS AFTER_NAME" {
			t.Errorf("first Notify = %q; want none before NAME, so USERSTATUS AFTER_NAME first", first)
		}
	case <-time.After(wait):
		t.Fatal("no Notify after NAME")
	}
	var xml string
	if err := obj.Call(introspectIf+".Introspect", 0).Store(&xml); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(xml, `<interface name="com.Skype.API">`) || !strings.Contains(xml, `name="Invoke"`) {
		t.Errorf("Introspect = %s", xml)
	}
	// Nobody can take the name over, even asking to replace the owner.
	if r, err := conn.RequestName(ServiceName, godbus.NameFlagReplaceExisting|godbus.NameFlagDoNotQueue); err != nil || r == godbus.RequestNameReplyPrimaryOwner {
		t.Errorf("RequestName with replacement = %v, %v; want the name kept by the host", r, err)
	}
	if r := call("Invoke", "PING"); r != "PONG" {
		t.Errorf("after a replacement attempt, PING = %q", r)
	}
	// A second host cannot take the name.
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := Serve(ctx, bus.Address, refhost.New(refhost.Options{}), ServeOptions{}); !errors.Is(err, ErrNameTaken) {
		t.Errorf("second Serve = %v, want ErrNameTaken", err)
	}
}

// TestHostComesAndGoes proves Dial waits for com.Skype.API to get an owner,
// and that a transport ends with ErrHostGone (wrapping ErrClosed) when its
// host leaves the bus, after delivering what it had received.
func TestHostComesAndGoes(t *testing.T) {
	bus := dbustest.Start(t)
	type result struct {
		tr  *Transport
		err error
	}
	got := make(chan result, 1)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	go func() {
		tr, err := Dial(ctx, bus.Address, DialOptions{})
		got <- result{tr, err}
	}()
	select {
	case r := <-got:
		t.Fatalf("Dial returned before any host: %v", r.err)
	case <-time.After(200 * time.Millisecond):
	}
	_, stop, done := serveHost(t, bus.Address)
	r := <-got
	if r.err != nil {
		t.Fatalf("Dial: %v", r.err)
	}
	defer r.tr.Close()
	write(t, r.tr, "NAME x")
	if s := readLine(t, r.tr); s != "OK" {
		t.Fatalf("reply %q", s)
	}
	stop()
	<-done
	_, err := r.tr.ReadLine(ctx)
	if !errors.Is(err, ErrHostGone) || !errors.Is(err, phoneapi.ErrClosed) {
		t.Fatalf("ReadLine after host left: %v", err)
	}
	if err := r.tr.WriteLine(ctx, "PING"); !errors.Is(err, phoneapi.ErrClosed) {
		t.Fatalf("WriteLine after host left: %v", err)
	}

	// Dial gives up with ctx.
	short, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	if _, err := Dial(short, bus.Address, DialOptions{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Dial without host = %v, want deadline exceeded", err)
	}
}

// fakeHost owns com.Skype.API with a raw connection, so tests can make it
// flood, hang, or answer oddly.
type fakeHost struct {
	conn   *godbus.Conn
	mu     sync.Mutex
	client string
	hang   chan struct{} // while open, Invoke of anything but NAME/PROTOCOL blocks
}

func startFake(t *testing.T, addr string) *fakeHost {
	t.Helper()
	conn, err := godbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeHost{conn: conn}
	invoke := func(sender godbus.Sender, line string) (string, *godbus.Error) {
		f.mu.Lock()
		f.client = string(sender)
		f.mu.Unlock()
		switch {
		case strings.HasPrefix(line, "NAME "):
			return "OK", nil
		case strings.HasPrefix(line, "PROTOCOL "):
			return "PROTOCOL 5", nil
		}
		return "", nil
	}
	if err := conn.ExportMethodTable(map[string]any{"Invoke": invoke}, HostPath, HostInterface); err != nil {
		t.Fatal(err)
	}
	if r, err := conn.RequestName(ServiceName, godbus.NameFlagDoNotQueue); err != nil || r != godbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName = %v, %v", r, err)
	}
	t.Cleanup(func() { conn.Close() })
	return f
}

// notify sends lines to the client in order, without waiting for replies.
func (f *fakeHost) notify(t *testing.T, dest string, lines func(i int) string, n int) {
	t.Helper()
	obj := f.conn.Object(dest, ClientPath)
	for i := range n {
		if c := obj.Go(ClientInterface+".Notify", godbus.FlagNoReplyExpected, nil, lines(i)); c.Err != nil {
			t.Errorf("Notify %d: %v", i, c.Err) // may run on another goroutine: no Fatal
			return
		}
	}
}

// TestNotifyOrder proves that 20 000 Notify calls, which godbus would
// dispatch on as many goroutines, reach ReadLine exactly in the order sent.
// (The 100 000-line burst through the whole driver is in internal/e2e.)
func TestNotifyOrder(t *testing.T) {
	bus := dbustest.Start(t)
	f := startFake(t, bus.Address)
	tr := dial(t, bus.Address)
	write(t, tr, "NAME x")
	if s := readLine(t, tr); s != "OK" {
		t.Fatalf("reply %q", s)
	}
	const n = 20000
	go f.notify(t, tr.LocalName(), func(i int) string { return fmt.Sprintf("CALL 1 DURATION %d", i) }, n)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for i := range n {
		s, err := tr.ReadLine(ctx)
		if err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if want := fmt.Sprintf("CALL 1 DURATION %d", i); s != want {
			t.Fatalf("line %d = %q, want %q (reordered)", i, s, want)
		}
	}
}

// TestNotifyFromStranger proves that only the host's unique name can
// notify: a Notify from another connection is not read.
func TestNotifyFromStranger(t *testing.T) {
	bus := dbustest.Start(t)
	f := startFake(t, bus.Address)
	tr := dial(t, bus.Address)
	other, err := godbus.Connect(bus.Address)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.Object(tr.LocalName(), ClientPath).Call(ClientInterface+".Notify", 0, "CALL 9 STATUS RINGING").Err; err != nil {
		t.Fatal(err)
	}
	f.notify(t, tr.LocalName(), func(int) string { return "MUTE ON" }, 1)
	if s := readLine(t, tr); s != "MUTE ON" {
		t.Fatalf("first line %q, want the host's MUTE ON", s)
	}
}
