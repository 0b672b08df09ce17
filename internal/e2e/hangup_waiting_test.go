package e2e

import (
	"strings"
	"testing"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/dbustest"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

// TestHangUpEndsEveryCall proves, across the three processes (phonesim,
// handsetd, phoneapi-host on a private bus), that hanging up ends every
// call of the handset: lift, dial 12# (call 1001 rings out), an incoming
// call arrives (1002, offered as waiting: the lifted handset does not ring),
// hang up: 1001 is CANCELLED and 1002 REFUSED, the far end can no longer
// answer 1001, and nothing rings.
func TestHangUpEndsEveryCall(t *testing.T) {
	bus := dbustest.Start(t)
	host := startHost(t, bus.Address)
	sim, dev := startSim(t)
	startDriver(t, dev, bus.Address)
	host.expectTraffic("<- PROTOCOL 5", "-> PROTOCOL 5", "<- HOOK ON")

	sim.must("hook off")
	host.expectTraffic("<- HOOK OFF")
	for _, k := range []string{"1", "2", "#"} {
		sim.must("tap " + k)
	}
	host.hostState("dialled 12", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Partner == "12" && s.Calls[0].Status == "RINGING"
	})
	host.must("call in bob Bob")
	st := host.hostState("both calls", func(s refhost.State) bool { return len(s.Calls) == 2 })
	if c := st.Calls[1]; c.ID != 1002 || !c.Waiting || !strings.HasPrefix(c.Type, "INCOMING") {
		t.Fatalf("incoming call during dialling: %+v, want 1002 offered as waiting", c)
	}
	sim.simState("the call shows, the lifted handset does not ring", func(s firmwaresim.State) bool {
		return s.LEDs.Ring && !s.Ringing
	})

	sim.must("hook on")
	host.expectTraffic("-> CALL 1001 STATUS CANCELLED", "-> CALL 1002 STATUS REFUSED")
	host.hostState("no call left", func(s refhost.State) bool { return len(s.Calls) == 0 })
	if a := host.ask("answer 1001"); !strings.HasPrefix(a, "error:") {
		t.Errorf("the far end answered a call the handset hung up: %q", a)
	}
	sim.simState("nothing rings", func(s firmwaresim.State) bool { return !s.Ringing && !s.LEDs.Ring })
}

// TestCallWaiting proves call waiting across the three processes: in a
// call, off hook, a second call arrives. The handset's ringer stays silent,
// the driver wants the call-waiting tone, and the host offers the call as
// waiting; YES holds the first call and answers the second; hanging up
// finishes both and leaves nothing ringing.
func TestCallWaiting(t *testing.T) {
	bus := dbustest.Start(t)
	host := startHost(t, bus.Address)
	sim, dev := startSim(t)
	drv := startDriver(t, dev, bus.Address, "--log-level", "debug")
	host.expectTraffic("<- PROTOCOL 5", "-> PROTOCOL 5", "<- HOOK ON")

	host.must("call in alice Alice")
	sim.simState("ringing", func(s firmwaresim.State) bool { return s.Ringing })
	sim.must("hook off")
	host.hostState("in call", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Status == "INPROGRESS"
	})
	sim.simState("ringing stopped", func(s firmwaresim.State) bool { return !s.Ringing && !s.LEDs.Ring })

	host.must("call in bob Bob")
	st := host.hostState("second call", func(s refhost.State) bool { return len(s.Calls) == 2 })
	if c := st.Calls[1]; c.ID != 1002 || c.Status != "RINGING" || !c.Waiting {
		t.Fatalf("second call: %+v, want 1002 RINGING offered as waiting", c)
	}
	if st.Calls[0].Status != "INPROGRESS" {
		t.Fatalf("first call: %+v, want it still in progress", st.Calls[0])
	}
	sim.simState("the waiting call shows on the Ring LED, the ringer is silent", func(s firmwaresim.State) bool {
		return s.LEDs.Ring && !s.Ringing
	})
	drv.waitStderr("tone=waiting")

	sim.must("tap YES")
	host.expectTraffic("-> CALL 1001 STATUS LOCALHOLD", "-> CALL 1002 STATUS INPROGRESS")

	sim.must("hook on")
	host.expectTraffic("-> CALL 1001 STATUS FINISHED", "-> CALL 1002 STATUS FINISHED")
	host.hostState("no call left", func(s refhost.State) bool { return len(s.Calls) == 0 })
	sim.simState("nothing rings", func(s firmwaresim.State) bool { return !s.Ringing && !s.LEDs.Ring })
}
