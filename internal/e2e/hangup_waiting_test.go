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
	host.Expect("<- PROTOCOL 5", "-> PROTOCOL 5", "<- HOOK ON")

	sim.Must("hook off")
	host.Expect("<- HOOK OFF")
	for _, k := range []string{"1", "2", "#"} {
		sim.Must("tap " + k)
	}
	hostState(t, host, "dialled 12", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Partner == "12" && s.Calls[0].Status == "RINGING"
	})
	host.Must("call in bob Bob")
	st := hostState(t, host, "both calls", func(s refhost.State) bool { return len(s.Calls) == 2 })
	if c := st.Calls[1]; c.ID != 1002 || !c.Waiting || !strings.HasPrefix(c.Type, "INCOMING") {
		t.Fatalf("incoming call during dialling: %+v, want 1002 offered as waiting", c)
	}
	simState(t, sim, "the call shows, the lifted handset does not ring", func(s firmwaresim.State) bool {
		return s.LEDs.Ring && !s.Ringing
	})

	sim.Must("hook on")
	host.Expect("-> CALL 1001 STATUS CANCELLED", "-> CALL 1002 STATUS REFUSED")
	hostState(t, host, "no call left", func(s refhost.State) bool { return len(s.Calls) == 0 })
	if a := host.Say("answer 1001"); !strings.HasPrefix(a, "error:") {
		t.Errorf("the far end answered a call the handset hung up: %q", a)
	}
	simState(t, sim, "nothing rings", func(s firmwaresim.State) bool { return !s.Ringing && !s.LEDs.Ring })
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
	host.Expect("<- PROTOCOL 5", "-> PROTOCOL 5", "<- HOOK ON")

	host.Must("call in alice Alice")
	simState(t, sim, "ringing", func(s firmwaresim.State) bool { return s.Ringing })
	sim.Must("hook off")
	hostState(t, host, "in call", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Status == "INPROGRESS"
	})
	simState(t, sim, "ringing stopped", func(s firmwaresim.State) bool { return !s.Ringing && !s.LEDs.Ring })

	host.Must("call in bob Bob")
	st := hostState(t, host, "second call", func(s refhost.State) bool { return len(s.Calls) == 2 })
	if c := st.Calls[1]; c.ID != 1002 || c.Status != "RINGING" || !c.Waiting {
		t.Fatalf("second call: %+v, want 1002 RINGING offered as waiting", c)
	}
	if st.Calls[0].Status != "INPROGRESS" {
		t.Fatalf("first call: %+v, want it still in progress", st.Calls[0])
	}
	simState(t, sim, "the waiting call shows on the Ring LED, the ringer is silent", func(s firmwaresim.State) bool {
		return s.LEDs.Ring && !s.Ringing
	})
	drv.WaitStderr("tone=waiting")

	sim.Must("tap YES")
	host.Expect("-> CALL 1001 STATUS LOCALHOLD", "-> CALL 1002 STATUS INPROGRESS")

	sim.Must("hook on")
	host.Expect("-> CALL 1001 STATUS FINISHED", "-> CALL 1002 STATUS FINISHED")
	hostState(t, host, "no call left", func(s refhost.State) bool { return len(s.Calls) == 0 })
	simState(t, sim, "nothing rings", func(s firmwaresim.State) bool { return !s.Ringing && !s.LEDs.Ring })
}
