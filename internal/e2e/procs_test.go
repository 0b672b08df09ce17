package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/proctest"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

// waitLimit bounds the waits of this package's own helpers; it only turns
// a hang into a failure.
const waitLimit = 20 * time.Second

func TestMain(m *testing.M) { os.Exit(proctest.Main(m)) }

// start runs a program Main built; it is killed (SIGKILL) when the test
// ends.
func start(t *testing.T, name string, args ...string) *proctest.Proc {
	t.Helper()
	p := proctest.Start(t, name, args...)
	t.Cleanup(p.Kill)
	return p
}

// startPath runs the program at path, named name in messages; it is killed
// when the test ends.
func startPath(t *testing.T, name, path string, args ...string) *proctest.Proc {
	t.Helper()
	p := proctest.StartPath(t, name, path, args...)
	t.Cleanup(p.Kill)
	return p
}

// pollEvery paces the state polls below; the programs report state only
// when asked.
const pollEvery = 20 * time.Millisecond

// simState asks phonesim for its state until cond holds.
func simState(t *testing.T, p *proctest.Proc, what string, cond func(firmwaresim.State) bool) firmwaresim.State {
	t.Helper()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	deadline := time.After(waitLimit)
	for {
		var st firmwaresim.State
		if err := json.Unmarshal([]byte(p.Say("state")), &st); err != nil {
			t.Fatalf("phonesim state: %v", err)
		}
		if cond(st) {
			return st
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting for the handset: %s; last state %+v", what, st)
		}
	}
}

// hostState asks phoneapi-host for its state until cond holds.
func hostState(t *testing.T, p *proctest.Proc, what string, cond func(refhost.State) bool) refhost.State {
	t.Helper()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	deadline := time.After(waitLimit)
	for {
		var st refhost.State
		if err := json.Unmarshal([]byte(p.Say("state")), &st); err != nil {
			t.Fatalf("phoneapi-host state: %v", err)
		}
		if cond(st) {
			return st
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting for the host: %s; last state %+v", what, st)
		}
	}
}

// startSim runs phonesim on a socket in dir and returns it with its device
// SPEC for handsetd.
func startSim(t *testing.T) (*proctest.Proc, string) {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "phone.sock")
	p := start(t, "phonesim", "--listen", "unix:"+sock)
	p.WaitStderr("serving simulated handset")
	return p, "sim:unix:" + sock
}

// startHost runs phoneapi-host on the bus and waits until it owns the name.
func startHost(t *testing.T, bus string) *proctest.Proc {
	t.Helper()
	p := start(t, "phoneapi-host", "--dbus="+bus)
	p.WaitStderr("serving the Phone API on D-Bus")
	return p
}

// startDriver runs handsetd on the simulated handset and the bus.
func startDriver(t *testing.T, dev, bus string, extra ...string) *proctest.Proc {
	t.Helper()
	args := append([]string{"run", "--device", dev, "--host", "dbus:" + bus}, extra...)
	return start(t, "handsetd", args...)
}
