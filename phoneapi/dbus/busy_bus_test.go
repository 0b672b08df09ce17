package dbus

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	godbus "github.com/godbus/dbus/v5"

	"github.com/handsetd/handsetd/internal/dbustest"
	"github.com/handsetd/handsetd/phoneapi"
)

// refusals returns the bus daemon's complaints about a connection having
// too many calls waiting for replies.
func refusals(bus *dbustest.Bus) []string {
	var out []string
	for _, l := range bus.Complaints() {
		if strings.Contains(l, "pending replies") {
			out = append(out, l)
		}
	}
	return out
}

// TestInvokesStayBelowTheBusLimit proves a Transport never has more
// Invokes waiting for answers than the bus allows one connection: 2 000
// WriteLines at once against a bus whose max_replies_per_connection is
// exactly DefaultMaxInFlight, and a host slow enough that they pile up,
// all succeed, the host sees every line, and the bus refuses nothing.
func TestInvokesStayBelowTheBusLimit(t *testing.T) {
	bus := dbustest.StartWith(t, dbustest.Options{MaxRepliesPerConnection: DefaultMaxInFlight})
	conn, err := godbus.Connect(bus.Address)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var inside, most, seen atomic.Int64
	invoke := func(string) (string, *godbus.Error) {
		n := inside.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(200 * time.Microsecond) // a host slower than the burst
		inside.Add(-1)
		seen.Add(1)
		return "", nil
	}
	serveAsSkype(t, conn, invoke)
	tr := dial(t, bus.Address)
	const writers = 2000
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := tr.WriteLine(ctx, "GET CALL "+strconv.Itoa(i+1)+" TYPE"); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if failed == 0 {
			t.Errorf("WriteLine: %v", err)
		}
		failed++
	}
	if failed > 0 {
		t.Errorf("%d of %d WriteLines failed", failed, writers)
	}
	if got := seen.Load(); got != writers {
		t.Errorf("host saw %d Invokes, want %d", got, writers)
	}
	if most.Load() > DefaultMaxInFlight {
		t.Errorf("host had %d Invokes at once, more than the bound %d", most.Load(), DefaultMaxInFlight)
	}
	if r := refusals(bus); len(r) > 0 {
		t.Errorf("the bus refused %d calls, first: %s", len(r), r[0])
	}
	t.Logf("at most %d Invokes at the host at once", most.Load())
}

// floodHost is a Phone API host for the flood test: it answers the
// handshake and GET CALL n TYPE|PARTNER_DISPNAME, counting the questions,
// and lets the test send notifications to its one client.
type floodHost struct {
	mu       sync.Mutex
	notify   func(string)
	attached chan struct{}
	asked    map[string]int // question → times asked
	answered chan struct{}  // a token after each question
}

func (h *floodHost) Attach(_ string, notify func(string)) (func(string) string, func()) {
	h.mu.Lock()
	h.notify = notify
	h.mu.Unlock()
	select {
	case h.attached <- struct{}{}:
	default:
	}
	invoke := func(line string) string {
		f := strings.Fields(line)
		switch {
		case len(f) > 0 && f[0] == "NAME":
			return "OK"
		case len(f) > 0 && f[0] == "PROTOCOL":
			return "PROTOCOL " + strconv.Itoa(phoneapi.MaxProtocol)
		case len(f) == 4 && f[0] == "GET" && f[1] == "CALL":
			h.mu.Lock()
			h.asked[line]++
			h.mu.Unlock()
			defer func() { h.answered <- struct{}{} }()
			if f[3] == "TYPE" {
				return "CALL " + f[2] + " TYPE INCOMING_PSTN"
			}
			return "CALL " + f[2] + " " + f[3] + " Caller " + f[2]
		}
		return ""
	}
	return invoke, func() {}
}

// send notifies the client of lines, in order, while holding the host's
// lock as refhost does.
func (h *floodHost) send(lines []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, l := range lines {
		h.notify(l)
	}
}

// recorder is a Transport that remembers every line ReadLine returned.
type recorder struct {
	phoneapi.Transport
	mu    sync.Mutex
	lines []string
}

func (r *recorder) ReadLine(ctx context.Context) (string, error) {
	s, err := r.Transport.ReadLine(ctx)
	if err == nil {
		r.mu.Lock()
		r.lines = append(r.lines, s)
		r.mu.Unlock()
	}
	return s, err
}

// counter counts the log records at any level that carry a given message.
type counter struct {
	msg string
	n   atomic.Int64
}

func (c *counter) Enabled(context.Context, slog.Level) bool { return true }
func (c *counter) Handle(_ context.Context, r slog.Record) error {
	if r.Message == c.msg {
		c.n.Add(1)
	}
	return nil
}
func (c *counter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *counter) WithGroup(string) slog.Handler      { return c }

// floodSize is how many notifications TestNotificationFloodAppliedInOrder
// sends: 10 000, or HANDSETD_FLOOD_NOTIFICATIONS (`make soak` sends
// 100 000).
func floodSize(t *testing.T) int {
	n := 10_000
	if s := os.Getenv("HANDSETD_FLOOD_NOTIFICATIONS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 2000 {
			t.Fatalf("HANDSETD_FLOOD_NOTIFICATIONS=%q: want a number ≥ 2000", s)
		}
		n = v
	}
	return n
}

// TestNotificationFloodAppliedInOrder proves a flood of host notifications
// over D-Bus is applied in order and every question it raises is asked
// and answered, with the bus never refusing a call of ours: 10 000 (soak:
// 100 000) notifications in bursts of 2 000 (100 new calls RINGING of unknown type,
// 1 800 DURATION updates of them, and the previous burst's 100 calls
// FINISHED), on a bus whose max_replies_per_connection is 16. Each ringing
// call is asked its TYPE and then its PARTNER_DISPNAME exactly once; the
// client reads every notification in the order sent; at the end exactly
// the last burst's calls ring, named.
func TestNotificationFloodAppliedInOrder(t *testing.T) {
	const (
		burst    = 2000
		newCalls = 100
	)
	total := floodSize(t)
	bursts := total / burst
	bus := dbustest.StartWith(t, dbustest.Options{MaxRepliesPerConnection: 16})
	h := &floodHost{attached: make(chan struct{}, 1), asked: map[string]int{}, answered: make(chan struct{}, 4*newCalls)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	ready := make(chan struct{})
	go func() { served <- Serve(ctx, bus.Address, h, ServeOptions{Ready: func() { close(ready) }}) }()
	select {
	case <-ready:
	case err := <-served:
		t.Fatalf("Serve: %v", err)
	}
	tr, err := Dial(ctx, bus.Address, DialOptions{MaxInFlight: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	rec := &recorder{Transport: tr}
	failures := &counter{msg: "cannot ask the host about a call"}
	c := phoneapi.NewClient(rec, phoneapi.ClientOptions{Logger: slog.New(failures)})
	hctx, hcancel := context.WithTimeout(ctx, wait)
	defer hcancel()
	if _, err := c.Handshake(hctx, "flood"); err != nil {
		t.Fatal(err)
	}
	runErr := make(chan error, 1)
	go func() { runErr <- c.Run(ctx) }()

	var sent []string
	start := time.Now()
	for b := range bursts {
		lines := make([]string, 0, burst)
		first := b*newCalls + 1
		for id := first; id < first+newCalls; id++ {
			lines = append(lines, fmt.Sprintf("CALL %d STATUS RINGING", id))
		}
		for k := 0; len(lines) < burst-newCalls; k++ {
			lines = append(lines, fmt.Sprintf("CALL %d DURATION %d", first+k%newCalls, k/newCalls))
		}
		for id := first - newCalls; id < first; id++ {
			ended := id
			if ended < 1 { // the first burst: calls that ring and end at once
				ended += 900_000_000
			}
			lines = append(lines, fmt.Sprintf("CALL %d STATUS FINISHED", ended))
		}
		h.send(lines)
		sent = append(sent, lines...)

		// Each new call is asked its type, then (incoming) its name.
		for range 2 * newCalls {
			select {
			case <-h.answered:
			case err := <-runErr:
				t.Fatalf("Run ended during burst %d: %v", b, err)
			case <-time.After(30 * time.Second):
				t.Fatalf("burst %d: questions not all asked within 30s (failed asks so far: %d; bus refusals: %d)", b, failures.n.Load(), len(refusals(bus)))
			}
		}

	}
	elapsed := time.Since(start)

	waitCalls(t, c, "the last burst's calls ringing, named", func(cs phoneapi.Calls) bool {
		all := cs.All()
		if len(all) != newCalls {
			return false
		}
		for _, call := range all {
			if !call.Ringing() || call.PartnerDispName == "" || call.ID <= (bursts-1)*newCalls {
				return false
			}
		}
		return true
	})
	if r := refusals(bus); len(r) > 0 {
		t.Errorf("the bus refused %d calls, first: %s", len(r), r[0])
	}
	if n := failures.n.Load(); n > 0 {
		t.Errorf("%d questions could not be asked", n)
	}
	h.mu.Lock()
	for q, n := range h.asked {
		if n != 1 {
			t.Errorf("%q asked %d times, want once", q, n)
		}
	}
	if len(h.asked) != 2*newCalls*bursts {
		t.Errorf("%d distinct questions, want %d", len(h.asked), 2*newCalls*bursts)
	}
	h.mu.Unlock()
	rec.mu.Lock()
	var got []string
	for _, l := range rec.lines {
		if strings.Contains(l, " STATUS ") || strings.Contains(l, " DURATION ") {
			got = append(got, l)
		}
	}
	rec.mu.Unlock()
	if len(got) != len(sent) {
		t.Fatalf("client read %d STATUS lines, host sent %d", len(got), len(sent))
	}
	for i := range sent {
		if got[i] != sent[i] {
			t.Fatalf("line %d: read %q, sent %q (out of order)", i, got[i], sent[i])
		}
	}
	t.Logf("%d notifications and %d questions in %v (%.0f notifications/s)", len(sent), len(h.asked), elapsed,
		float64(len(sent))/elapsed.Seconds())
}
