package e2e

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handsetd/handsetd/driver"
	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/stream"
)

// soakN is n, or the number in the environment variable env (`make soak`
// sets them).
func soakN(env string, n int) int {
	if v, err := strconv.Atoi(os.Getenv(env)); err == nil && v > 0 {
		return v
	}
	return n
}

// logCount counts log records by message.
type logCount struct {
	mu sync.Mutex
	n  map[string]int
}

func (l *logCount) Enabled(context.Context, slog.Level) bool { return true }
func (l *logCount) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	if l.n == nil {
		l.n = map[string]int{}
	}
	l.n[r.Message]++
	l.mu.Unlock()
	return nil
}
func (l *logCount) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logCount) WithGroup(string) slog.Handler      { return l }
func (l *logCount) count(msg string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n[msg]
}

// lineHost is a Phone API host on a unix socket for the fault tests: it
// answers the handshake, PING and GET CALL n TYPE, hands the device's key
// lines to keys, and lets the test write raw bytes to the device or stop
// reading (a host that cannot keep up).
type lineHost struct {
	ln       net.Listener
	path     string
	keys     chan string
	accepted atomic.Int64
	mu       sync.Mutex
	conn     net.Conn
	joined   chan struct{}
	hooked   chan struct{} // a HOOK line: the driver's announcement is complete
	stall    chan struct{} // while open (non-nil), the reader does not read
	// hookLines are the HOOK lines received, each with the number of the
	// connection it came on; hookMore is closed and renewed at each.
	hookLines []hostHook
	hookMore  chan struct{}
}

type hostHook struct {
	conn int64
	line string
}

func startLineHost(t *testing.T, keys int) *lineHost {
	t.Helper()
	path := filepath.Join(t.TempDir(), "host.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	h := &lineHost{ln: ln, path: path, keys: make(chan string, keys), joined: make(chan struct{}, 16), hooked: make(chan struct{}, 16), hookMore: make(chan struct{})}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n := h.accepted.Add(1)
			h.mu.Lock()
			h.conn = c
			h.mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				h.serve(c, n)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		h.mu.Lock()
		if h.conn != nil {
			h.conn.Close()
		}
		h.mu.Unlock()
		wg.Wait()
	})
	return h
}

func (h *lineHost) serve(c net.Conn, n int64) {
	r := bufio.NewReader(c)
	for {
		h.mu.Lock()
		stall := h.stall
		h.mu.Unlock()
		if stall != nil {
			<-stall
		}
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		tag := ""
		if strings.HasPrefix(line, "#") {
			tag, line, _ = strings.Cut(line, " ")
			tag += " "
		}
		reply := ""
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case f[0] == "NAME":
			reply = "OK"
		case f[0] == "PROTOCOL":
			reply = "PROTOCOL 5"
			select {
			case h.joined <- struct{}{}:
			default:
			}
		case f[0] == "PING":
			reply = tag + "PONG"
		case len(f) == 4 && f[0] == "GET" && f[1] == "CALL" && f[3] == "TYPE":
			reply = tag + "CALL " + f[2] + " TYPE INCOMING_PSTN"
		case f[0] == "BTN_PRESSED" || f[0] == "BTN_RELEASED":
			h.keys <- line
		case f[0] == "HOOK":
			h.mu.Lock()
			h.hookLines = append(h.hookLines, hostHook{n, line})
			close(h.hookMore)
			h.hookMore = make(chan struct{})
			h.mu.Unlock()
			select {
			case h.hooked <- struct{}{}:
			default:
			}
		}
		if reply != "" {
			if _, err := c.Write([]byte(reply + "\n")); err != nil {
				return
			}
		}
	}
}

// write sends raw bytes to the device.
func (h *lineHost) write(t *testing.T, b []byte) {
	t.Helper()
	h.mu.Lock()
	c := h.conn
	h.mu.Unlock()
	if _, err := c.Write(b); err != nil {
		t.Fatalf("host write: %v", err)
	}
}

// writeCurrent writes line to the device's session, waiting for a new
// session when the last one has just ended (after a replug).
func (h *lineHost) writeCurrent(t *testing.T, line string) {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		h.mu.Lock()
		c := h.conn
		h.mu.Unlock()
		if _, err := c.Write([]byte(line)); err == nil {
			return
		}
		select {
		case <-h.joined:
		case <-deadline:
			t.Fatal("no host session to write to")
		}
	}
}

// waitHooked waits for the HOOK line that ends the driver's announcement of
// the handset (NAME, PROTOCOL, AUDIO_*, HOOK), after which its keys reach
// this host.
func (h *lineHost) waitHooked(t *testing.T) {
	t.Helper()
	select {
	case <-h.hooked:
	case <-time.After(waitLimit):
		t.Fatal("the driver never announced the handset's hook")
	}
}

// waitHookLine waits for a HOOK line equal to want on the connection
// whose last HOOK line so far is after, and returns that connection's number.
// after "" matches any connection.
func (h *lineHost) waitHookLine(t *testing.T, after, want string) int64 {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		h.mu.Lock()
		more := h.hookMore
		last := map[int64]string{}
		var found int64
		for _, l := range h.hookLines {
			if l.line == want && (after == "" || last[l.conn] == after) && found == 0 {
				found = l.conn
			}
			last[l.conn] = l.line
		}
		h.mu.Unlock()
		if found != 0 {
			return found
		}
		select {
		case <-more:
		case <-deadline:
			h.mu.Lock()
			defer h.mu.Unlock()
			t.Fatalf("no %q after %q on one connection; HOOK lines: %v", want, after, h.hookLines)
		}
	}
}

// forgetHooks clears the HOOK lines and announcements seen so far.
func (h *lineHost) forgetHooks() {
	h.mu.Lock()
	h.hookLines = nil
	h.mu.Unlock()
	for {
		select {
		case <-h.hooked:
		default:
			return
		}
	}
}

func (h *lineHost) waitJoined(t *testing.T) {
	t.Helper()
	select {
	case <-h.joined:
	case <-time.After(waitLimit):
		t.Fatal("the driver never finished the handshake")
	}
}

// runStreamDriver runs driver.Run in this process on a simulated handset,
// with the stream transport to h.
func runStreamDriver(t *testing.T, h *lineHost, log *slog.Logger, outbox int) (*firmwaresim.Handset, *observer) {
	t.Helper()
	return driveSim(t, driver.Config{
		Dial: func(ctx context.Context) (driver.Session, error) {
			tr, err := stream.Dial(ctx, "unix:"+h.path)
			if err != nil {
				return nil, err
			}
			return driver.NewClientSession(tr, phoneapi.ClientOptions{Logger: log}), nil
		},
		Name:       "Fault Phone",
		OutboxSize: outbox,
		Logger:     log,
	})
}

// TestGarbageFromHostSurvived proves the driver survives a host that
// streams garbage as real bytes over stream:unix:: random bytes, lines
// longer than phoneapi.MaxLineLen, invalid UTF-8 and unknown commands,
// 20 000 lines in all. The session is never dropped, malformed and unknown
// lines are logged at a bounded rate (a handful of records, not one per
// line), and the handset still rings for the call that follows.
func TestGarbageFromHostSurvived(t *testing.T) {
	h := startLineHost(t, 16)
	log := &logCount{}
	_, obs := runStreamDriver(t, h, slog.New(log), 0)
	h.waitJoined(t)
	rng := rand.New(rand.NewPCG(17, 1))
	var buf []byte
	const lines = 20000
	for i := range lines {
		switch i % 4 {
		case 0: // random bytes, no newline among them
			n := 1 + rng.IntN(200)
			for range n {
				b := byte(rng.IntN(256))
				if b == '\n' {
					b = ' '
				}
				buf = append(buf, b)
			}
		case 1: // over-long
			buf = append(buf, strings.Repeat("CALL 1 STATUS ", phoneapi.MaxLineLen/7)...)
		case 2: // invalid UTF-8
			buf = append(buf, "CALL 1 PARTNER_DISPNAME \xff\xfe\xc3\x28"...)
		case 3: // unknown command
			buf = append(buf, fmt.Sprintf("FROBNICATE %d WIDGETS", i)...)
		}
		buf = append(buf, '\n')
		if len(buf) > 64<<10 {
			h.write(t, buf)
			buf = buf[:0]
		}
	}
	h.write(t, append(buf, "CALL 7 STATUS RINGING\n"...))
	obs.waitUpTo(t, time.Minute, "ringing after the garbage", func(o driver.Observation) bool { return o.Output.Ringer })
	if n := h.accepted.Load(); n != 1 {
		t.Errorf("the driver connected %d times; garbage must not end the session", n)
	}
	malformed := log.count("skipping malformed line from host")
	unknown := log.count("ignoring a line from the host this device does not understand")
	if malformed == 0 || malformed > 10 || unknown == 0 || unknown > 10 {
		t.Errorf("logged %d malformed-line and %d unknown-line records for %d lines; want a few of each (rate-limited)", malformed, unknown, lines)
	}
}

// TestKeyStormInOrder proves a storm of key events through one handset
// reaches a host that keeps up completely and in order: 20 000 events
// (`make soak`: 1 000 000), each press followed by its release, keys 0–9
// in turn, and nothing dropped.
func TestKeyStormInOrder(t *testing.T) {
	events := soakN("HANDSETD_SOAK_KEYS", 20000)
	h := startLineHost(t, 4096)
	log := &logCount{}
	hs, obs := runStreamDriver(t, h, slog.New(log), 0)
	h.waitJoined(t)
	obs.wait(t, "host up", func(o driver.Observation) bool { return o.HostUp })
	got := make(chan error, 1)
	var recv atomic.Int64
	progress := make(chan struct{}, 1)
	go func() {
		for i := range events {
			want := "BTN_PRESSED "
			if i%2 == 1 {
				want = "BTN_RELEASED "
			}
			want += strconv.Itoa((i / 2) % 10)
			select {
			case line := <-h.keys:
				if line != want {
					got <- fmt.Errorf("event %d: host got %q, want %q (drops logged: %d)", i, line, want, log.count("host is slow; dropped a command"))
					return
				}
				recv.Add(1)
				select {
				case progress <- struct{}{}:
				default:
				}
			case <-time.After(waitLimit):
				got <- fmt.Errorf("event %d of %d never reached the host", i, events)
				return
			}
		}
		got <- nil
	}()
	began := time.Now()
	for i := range events / 2 {
		key := strconv.Itoa(i % 10)
		if err := hs.Press(key); err != nil {
			t.Fatal(err)
		}
		if err := hs.Release(key); err != nil {
			t.Fatal(err)
		}
		// A host that keeps up: the storm stays at most 16 events ahead of
		// what the host has read (beyond that the driver's outbox drops, as
		// TestHostThatCannotKeepUp shows).
		if i%4 == 3 {
			want := int64(2*(i+1) - 16)
			for recv.Load() < want {
				select {
				case <-progress:
				case err := <-got:
					t.Fatalf("before event %d: %v", want, err)
				case <-time.After(waitLimit):
					t.Fatalf("the host has %d events, want %d", recv.Load(), want)
				}
			}
		}
	}
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if n := log.count("host is slow; dropped a command"); n > 0 {
		t.Errorf("%d drops logged while the host kept up", n)
	}
	t.Logf("%d key events in order in %v", events, time.Since(began))
}

// TestHostThatCannotKeepUp proves a host that stops reading for 5 s does
// not stall the handset: while it is stuck, the device is still read (the
// driver decodes every one of 10 000 key events), what the host cannot take
// is dropped, counted and logged, memory stays bounded, the host gets keys
// again once it reads, and every key event sent is either delivered or
// counted as dropped.
func TestHostThatCannotKeepUp(t *testing.T) {
	h := startLineHost(t, 1<<16)
	log := &logCount{}
	hs, obs := runStreamDriver(t, h, slog.New(log), 16)
	h.waitJoined(t)
	obs.wait(t, "host up", func(o driver.Observation) bool { return o.HostUp })
	stall := make(chan struct{})
	h.mu.Lock()
	h.stall = stall
	h.mu.Unlock()
	// One more line wakes the reader into its stall.
	if err := hs.Tap("1"); err != nil {
		t.Fatal(err)
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const taps = 5000
	began := time.Now()
	base := obs.wait(t, "the first tap", func(o driver.Observation) bool { return o.Events >= 2 }).Events
	for i := range taps {
		if err := hs.Tap(strconv.Itoa(i % 10)); err != nil {
			t.Fatal(err)
		}
		if i%4 == 3 { // at most 16 events ahead of the reader, as a USB handset is
			want := base + 2*(i+1) - 16
			obs.waitUpTo(t, time.Minute, "the device read while the host is stuck", func(o driver.Observation) bool { return o.Events >= want })
		}
	}
	ob := obs.waitUpTo(t, time.Minute, "every key decoded while the host is stuck", func(o driver.Observation) bool { return o.Events >= base+2*taps })
	if ob.Dropped == 0 {
		t.Errorf("no command dropped while the host was stuck: %+v", ob)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 16<<20 {
		t.Errorf("heap grew by %d MB while the host was stuck", grew>>20)
	}
	if n := log.count("host is slow; dropped a command"); n == 0 || n > 20 {
		t.Errorf("%d drop records logged for %d drops; want a few (rate-limited)", n, ob.Dropped)
	}
	if d := 5*time.Second - time.Since(began); d > 0 {
		time.Sleep(d) // the host stays stuck for 5 s in all
	}
	h.mu.Lock()
	h.stall = nil
	h.mu.Unlock()
	close(stall)
	// The outbox still holds what it kept while the host was stuck, so a
	// tap may yet be dropped: tap until one gets through. Every key event
	// sent is then either delivered or counted as dropped.
	deadline := time.After(waitLimit)
	sent, delivered := 2+2*taps, 0
	for {
		if err := hs.Tap("*"); err != nil {
			t.Fatal(err)
		}
		sent += 2
		retry := time.After(100 * time.Millisecond)
	wait:
		for {
			select {
			case l := <-h.keys:
				delivered++
				if l == "BTN_RELEASED *" {
					// The last event sent is in: all before it were
					// delivered or dropped.
					final := obs.wait(t, "every event delivered or dropped", func(o driver.Observation) bool { return int(o.Dropped)+delivered >= sent })
					if got := int(final.Dropped) + delivered; got != sent {
						t.Errorf("%d delivered + %d dropped = %d, want the %d sent", delivered, final.Dropped, got, sent)
					}
					t.Logf("dropped %d of %d key events while stuck (%d delivered); heap %d → %d kB", final.Dropped, sent, delivered, before.HeapAlloc>>10, after.HeapAlloc>>10)
					return
				}
			case <-retry:
				break wait
			case <-deadline:
				t.Fatalf("the host never got keys again after it caught up (accepted %d connections)", h.accepted.Load())
			}
		}
	}
}

// TestReplugCyclesStable proves unplugging and replugging the handset
// through the simulator 200 times (`make soak`: 1 000), every tenth time
// while it rings and every tenth time (another) off hook in a call, leaves
// the driver's goroutines and file descriptors where they were: the host
// is up after each replug, an unplug mid-call tells the host HOOK ON on
// that call's connection, no ring or off-hook LED is left stuck, and the
// handset works after the last.
func TestReplugCyclesStable(t *testing.T) {
	cycles := soakN("HANDSETD_SOAK_REPLUGS", 200)
	h := startLineHost(t, 1024)
	hs, obs := runStreamDriver(t, h, slog.New(slog.DiscardHandler), 0)
	h.waitJoined(t)
	h.waitHooked(t)
	obs.wait(t, "host up", func(o driver.Observation) bool { return o.HostUp })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var baseG, baseFD, midCall int
	for i := range cycles {
		ringing, inCall := i%10 == 5, i%10 == 8
		if ringing {
			h.writeCurrent(t, fmt.Sprintf("CALL %d STATUS RINGING\n", 100+i))
			obs.wait(t, "ringing before the unplug", func(o driver.Observation) bool { return o.Output.Ringer })
		}
		if inCall {
			h.forgetHooks()
			h.writeCurrent(t, fmt.Sprintf("CALL %d STATUS INPROGRESS\n", 100+i))
			if err := hs.HookOff(); err != nil {
				t.Fatal(err)
			}
			h.waitHookLine(t, "", "HOOK OFF")
			obs.wait(t, "off hook in the call", func(o driver.Observation) bool { return o.OffHook && o.Output.LEDs.OffHook })
		}
		if err := hs.Unplug(); err != nil {
			t.Fatal(err)
		}
		if inCall {
			// Pulled out mid-call: the host hears the handset hang up on
			// the call's own connection, before it closes.
			h.waitHookLine(t, "HOOK OFF", "HOOK ON")
			h.forgetHooks()
			midCall++
		}
		if err := hs.Plug(); err != nil {
			t.Fatal(err)
		}
		if inCall {
			if err := hs.HookOn(); err != nil { // put back on its cradle
				t.Fatal(err)
			}
		}
		if err := hs.WaitHosts(ctx, 1); err != nil {
			t.Fatal(err)
		}
		// The driver announces the replugged handset again (a stale
		// HostUp from before the unplug proves nothing): wait for its
		// HOOK line, so goroutines are counted and keys pressed once it is
		// up, not while it reconnects.
		h.waitHooked(t)
		// Whether the replug kept the host session (the ring is resynced to
		// the new device) or began a new one (this host forgets the call),
		// once the call ends no ring is left stuck.
		obs.wait(t, "host up after the replug", func(o driver.Observation) bool { return o.HostUp })
		if ringing {
			h.mu.Lock()
			c := h.conn
			h.mu.Unlock()
			_, _ = c.Write([]byte(fmt.Sprintf("CALL %d STATUS FINISHED\n", 100+i))) // a closed old session has no call
			obs.wait(t, "silent after the call ended", func(o driver.Observation) bool { return !o.Output.Ringer && !o.Output.LEDs.Ring })
		}
		if inCall {
			h.writeCurrent(t, fmt.Sprintf("CALL %d STATUS FINISHED\n", 100+i))
			obs.wait(t, "on hook, its LED off, after the replug", func(o driver.Observation) bool { return !o.OffHook && !o.Output.LEDs.OffHook })
		}
		if i%50 == 0 || i == cycles-1 {
			g, fds := settle(t, baseG, baseFD, i/50)
			if i/50 == 1 {
				baseG, baseFD = g, fds
			}
		}
	}
	if err := hs.Tap("5"); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(waitLimit)
	for {
		select {
		case l := <-h.keys:
			if l == "BTN_RELEASED 5" {
				t.Logf("%d replugs, %d of them mid-call (HOOK ON on the call's connection each time); goroutines %d, fds %d", cycles, midCall, baseG, baseFD)
				return
			}
		case <-deadline:
			t.Fatalf("no key from the handset after the replugs; last observation %+v; sim %s", obs.Last(), hs.Exec("state"))
		}
	}
}
