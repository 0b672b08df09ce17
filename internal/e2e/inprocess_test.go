package e2e

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	godbus "github.com/godbus/dbus/v5"

	"github.com/handsetd/handsetd/driver"
	"github.com/handsetd/handsetd/driver/drivertest"
	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/dbustest"
	"github.com/handsetd/handsetd/phoneapi"
	phonedbus "github.com/handsetd/handsetd/phoneapi/dbus"
)

// observer waits on the driver's Observations, within waitLimit unless
// told otherwise.
type observer struct{ *drivertest.Observer }

func newObserver() *observer { return &observer{drivertest.NewObserver()} }

func (o *observer) observe(ob driver.Observation) { o.Observe(ob) }

func (o *observer) wait(t *testing.T, what string, cond func(driver.Observation) bool) driver.Observation {
	t.Helper()
	return o.Wait(t, waitLimit, what, cond)
}

func (o *observer) waitUpTo(t *testing.T, limit time.Duration, what string, cond func(driver.Observation) bool) driver.Observation {
	t.Helper()
	return o.Wait(t, limit, what, cond)
}

// runDriver runs driver.Run in this process on a simulated handset, with
// the D-Bus transport on addr.
func runDriver(t *testing.T, addr string, ping time.Duration) (*firmwaresim.Handset, *observer) {
	t.Helper()
	return driveSim(t, driver.Config{
		Dial: func(ctx context.Context) (driver.Session, error) {
			tr, err := phonedbus.Dial(ctx, addr, phonedbus.DialOptions{})
			if err != nil {
				return nil, err
			}
			return driver.NewClientSession(tr, phoneapi.ClientOptions{}), nil
		},
		DialWaitsForHost: true,
		PingInterval:     ping,
		Name:             "Restart Phone",
	})
}

// driveSim runs driver.Run with cfg in this process on a new simulated
// generic handset (cfg's Open and Observe are set here) until the test ends,
// and checks that Run then returns.
func driveSim(t *testing.T, cfg driver.Config) (*firmwaresim.Handset, *observer) {
	t.Helper()
	hs, err := firmwaresim.New("generic-telephony", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	obs := newObserver()
	cfg.Open, cfg.Observe = hs.Open, obs.observe
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- driver.Run(ctx, cfg) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(waitLimit):
			t.Error("driver.Run did not return")
		}
		hs.Close()
	})
	return hs, obs
}

func openFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatalf("count fds: %v", err)
	}
	return len(ents)
}

// settle returns the goroutine and fd counts once they are back at the
// baseline (or after a bounded wait, failing then). Round 0 and 1 only
// measure.
func settle(t *testing.T, baseG, baseFD, round int) (int, int) {
	t.Helper()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	deadline := time.After(waitLimit)
	for {
		g, fds := runtime.NumGoroutine(), openFDs(t)
		if round <= 1 || (g <= baseG && fds <= baseFD) {
			return g, fds
		}
		select {
		case <-tick.C:
		case <-deadline:
			var stacks strings.Builder
			_ = pprof.Lookup("goroutine").WriteTo(&stacks, 1)
			t.Fatalf("round %d: %d goroutines and %d fds, against %d and %d at the baseline: a leak; goroutines:\n%s", round, g, fds, baseG, baseFD, stacks.String())
		}
	}
}

// driveDBusHost runs the driver in this process against a Phone API host
// served on a private bus by this test: the host answers NAME, PROTOCOL
// and PING itself and hands every other line, its request tag (such as
// "#7 ", or "") cut off, to other (nil: answer nothing). It returns once
// the driver is connected, with notify, which sends the driver a Notify.
func driveDBusHost(t *testing.T, other func(tag, line string) string) (*firmwaresim.Handset, *observer, func(string)) {
	t.Helper()
	bus := dbustest.Start(t)
	conn, err := godbus.Connect(bus.Address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	clients := make(chan string, 4)
	invoke := func(sender godbus.Sender, line string) (string, *godbus.Error) {
		tag := ""
		if strings.HasPrefix(line, "#") {
			tag, line, _ = strings.Cut(line, " ")
			tag += " "
		}
		switch {
		case strings.HasPrefix(line, "NAME "):
			select {
			case clients <- string(sender):
			default:
			}
			return "OK", nil
		case strings.HasPrefix(line, "PROTOCOL "):
			return "PROTOCOL 5", nil
		case line == "PING":
			return tag + "PONG", nil
		case other != nil:
			return other(tag, line), nil
		}
		return "", nil
	}
	if err := conn.ExportMethodTable(map[string]any{"Invoke": invoke}, phonedbus.HostPath, phonedbus.HostInterface); err != nil {
		t.Fatal(err)
	}
	if r, err := conn.RequestName(phonedbus.ServiceName, godbus.NameFlagDoNotQueue); err != nil || r != godbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName = %v, %v", r, err)
	}
	hs, obs := runDriver(t, bus.Address, 0)
	var client string
	select {
	case client = <-clients:
	case <-time.After(waitLimit):
		t.Fatal("the driver never sent NAME")
	}
	obs.wait(t, "host up", func(o driver.Observation) bool { return o.HostUp })
	obj := conn.Object(client, phonedbus.ClientPath)
	notify := func(line string) {
		t.Helper()
		if c := obj.Go(phonedbus.ClientInterface+".Notify", godbus.FlagNoReplyExpected, nil, line); c.Err != nil {
			t.Fatalf("Notify %q: %v", line, c.Err)
		}
	}
	return hs, obs, notify
}

// TestNotificationBurstLeavesHandsetSilent proves ordering through the
// whole driver: a host sends 100 000 Notify calls as fast as it can, for
// 25 000 incoming calls each announced (TYPE, PARTNER_DISPNAME), RINGING and
// then FINISHED. Were any RINGING delivered after its FINISHED, that call
// would be left ringing; the handset must end silent.
func TestNotificationBurstLeavesHandsetSilent(t *testing.T) {
	// No keep-alive here: under -race a PONG can wait behind the burst
	// longer than the reply timeout, which would end the session.
	_, obs, notify := driveDBusHost(t, nil)
	const calls = 25000
	began := time.Now()
	for n := 1; n <= calls; n++ {
		notify(fmt.Sprintf("CALL %d TYPE INCOMING_PSTN", n))
		notify(fmt.Sprintf("CALL %d PARTNER_DISPNAME Caller %d", n, n))
		notify(fmt.Sprintf("CALL %d STATUS RINGING", n))
		notify(fmt.Sprintf("CALL %d STATUS FINISHED", n))
	}
	// A last call rings and ends: when the handset shows it, everything
	// before it has been processed.
	notify("CALL 99999 TYPE INCOMING_PSTN")
	notify("CALL 99999 PARTNER_DISPNAME Marker")
	notify("CALL 99999 STATUS RINGING")
	obs.waitUpTo(t, time.Minute, "the marker call", func(o driver.Observation) bool { return o.Output.LCD == "Marker" })
	notify("CALL 99999 STATUS FINISHED")
	// Silence is the ringer off and the marker's name gone together: the
	// ringer alone can read off while the marker's FINISHED is still on
	// its way.
	ob := obs.wait(t, "silence", func(o driver.Observation) bool { return !o.Output.Ringer && o.Output.LCD == "" })
	if ob.Output.LEDs.Ring || ob.Output.LCD != "" || !ob.HostUp {
		t.Fatalf("after the burst: %+v", ob)
	}
	t.Logf("%d notifications delivered and applied in %v", 4*calls+4, time.Since(began))
}
