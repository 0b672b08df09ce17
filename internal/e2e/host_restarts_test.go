package e2e

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/handsetd/handsetd/driver"
	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/dbustest"
	"github.com/handsetd/handsetd/internal/proctest"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

// restartPhase is what the handset is doing when its host is killed.
type restartPhase int

const (
	phaseIdle    restartPhase = iota // on hook, no call
	phaseRinging                     // on hook, an incoming call ringing (CALL n STATUS RINGING outstanding)
	phaseInCall                      // off hook, a call in progress and a second one waiting
	phases                           // how many there are
)

func (p restartPhase) String() string {
	return [...]string{"idle", "mid-ring", "mid-call"}[p]
}

// restartPhases is the order the rounds go through: every phase follows
// every other one once, so each restart starts from each hook state and
// each earlier kill.
var restartPhases = [...]restartPhase{phaseInCall, phaseRinging, phaseIdle, phaseRinging, phaseInCall, phaseIdle}

// latencies collects one duration per round.
type latencies []time.Duration

func (l latencies) String() string {
	if len(l) == 0 {
		return "none"
	}
	s := slices.Sorted(slices.Values(l))
	return fmt.Sprintf("p50 %v, max %v over %d", s[len(s)/2].Round(time.Microsecond), s[len(s)-1].Round(time.Microsecond), len(s))
}

// resyncLimit is the bound on how long a restart may leave the
// handset out of step with the host.
const resyncLimit = time.Second

// TestHostRestarts proves the driver survives its host being killed
// (SIGKILL) and restarted, 12 times here and 500 under `make soak`
// (HANDSETD_SOAK_ROUNDS), mid-ring, mid-call and idle in turn:
//   - within 1 s of the kill the handset shows "no host": ringer and Ring
//     LED off (no ring left stuck), no mute, no text, the hook LED its real
//     hook state;
//   - within 1 s of the next host taking the bus name the driver greets it
//     (NAME, PROTOCOL, AUDIO_IN, AUDIO_OUT, then HOOK with the handset's
//     real hook state, ON after a mid-ring kill, OFF after a mid-call one)
//     and the handset shows the host up, silent, its hook LED right;
//   - goroutines and file descriptors of the driver's process come back to
//     the same count every round.
//
// Both latencies are logged per phase as p50 and max.
func TestHostRestarts(t *testing.T) {
	bus := dbustest.Start(t)
	hs, obs := runDriver(t, bus.Address, 5*time.Second)
	if err := hs.WaitHosts(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	rounds := 2 * len(restartPhases)
	if n, err := strconv.Atoi(os.Getenv("HANDSETD_SOAK_ROUNDS")); err == nil && n > 0 {
		rounds = n // `make soak` runs many more
	}
	var resync, silence [phases]latencies
	offHook := false
	var baseG, baseFD int
	for i := range rounds {
		phase := restartPhases[i%len(restartPhases)]
		host := start(t, "phoneapi-host", "--dbus="+bus.Address)
		host.WaitStderr("serving the Phone API on D-Bus")
		ready := time.Now()
		host.Expect("<- NAME Restart Phone", "<- PROTOCOL 5", "<- AUDIO_IN", "<- AUDIO_OUT", "<- "+hookLine(offHook))
		obs.wait(t, "the handset in step with the new host", func(o driver.Observation) bool {
			return o.HostUp && o.OffHook == offHook && o.Output.LEDs.OffHook == offHook && !o.Output.Ringer && !o.Output.LEDs.Ring
		})
		d := time.Since(ready)
		resync[phase] = append(resync[phase], d)
		if d > resyncLimit {
			t.Errorf("round %d (%v): greeting and resync took %v after the host appeared; want ≤ %v", i, phase, d, resyncLimit)
		}

		// Measured with the host up and the handset in step (while no host
		// is up the count depends on where the driver's dial is): after the
		// first cycle (its most is the baseline) the counts must come back.
		if i < len(restartPhases) {
			g, fds := settle(t, 0, 0, 0) // round 0: only measures
			baseG, baseFD = max(baseG, g), max(baseFD, fds)
		} else {
			settle(t, baseG, baseFD, i)
		}

		offHook = enterPhase(t, hs, obs, host, phase, offHook)

		began := time.Now()
		host.Kill()
		// "No host" and silence come in one observation: the ringer is
		// never left on once the driver knows the host is gone.
		ob := obs.wait(t, "no host", func(o driver.Observation) bool { return !o.HostUp })
		d = time.Since(began)
		silence[phase] = append(silence[phase], d)
		if d > resyncLimit {
			t.Errorf("round %d (%v): the handset took %v after the kill to show no host; want ≤ %v", i, phase, d, resyncLimit)
		}
		if ob.Output.Ringer || ob.Output.LEDs.Ring || ob.Output.LEDs.Mute || ob.Output.LCD != "" || ob.Output.LEDs.OffHook != offHook {
			t.Fatalf("round %d (%v): \"no host\" looks wrong: %+v", i, phase, ob.Output)
		}

	}
	for p, l := range resync {
		t.Logf("%v: resync after restart %v; silent after kill %v", restartPhase(p), l, silence[p])
	}
	t.Logf("%d restarts; goroutines %d, fds %d", rounds, baseG, baseFD)
}

func hookLine(offHook bool) string {
	if offHook {
		return "HOOK OFF"
	}
	return "HOOK ON"
}

// enterPhase brings the handset and host from the hook state offHook to
// phase, and returns the hook state then.
func enterPhase(t *testing.T, hs *firmwaresim.Handset, obs *observer, host *proctest.Proc, phase restartPhase, offHook bool) bool {
	t.Helper()
	want := phase == phaseInCall
	if want != offHook {
		lift := hs.HookOn
		if want {
			lift = hs.HookOff
		}
		if err := lift(); err != nil {
			t.Fatal(err)
		}
		host.Expect("<- " + hookLine(want))
		obs.wait(t, hookLine(want), func(o driver.Observation) bool { return o.OffHook == want && o.Output.LEDs.OffHook == want })
	}
	switch phase {
	case phaseRinging:
		host.Must("call in +15550002 Carol")
		obs.wait(t, "ringing", func(o driver.Observation) bool { return o.Output.Ringer && o.Output.LEDs.Ring })
	case phaseInCall:
		// An incoming call comes to the lifted handset: it waits (the Ring
		// LED, no ringer off hook); YES answers it.
		host.Must("call in +15550003 Dave")
		obs.wait(t, "call waiting", func(o driver.Observation) bool { return o.Output.LEDs.Ring && !o.Output.Ringer })
		if err := hs.Tap("YES"); err != nil {
			t.Fatal(err)
		}
		hostState(t, host, "in call", func(s refhost.State) bool {
			return len(s.Calls) == 1 && s.Calls[0].Status == "INPROGRESS" && len(s.Clients) == 1 && s.Clients[0].Hook == "off"
		})
		obs.wait(t, "ringing stopped", func(o driver.Observation) bool { return !o.Output.Ringer && !o.Output.LEDs.Ring })
		// A second call waits on the call in progress, shown by the Ring
		// LED, without the ringer.
		host.Must("call in +15550004 Eve")
		obs.wait(t, "second call waiting", func(o driver.Observation) bool { return o.Output.LEDs.Ring && !o.Output.Ringer })
	}
	return want
}
