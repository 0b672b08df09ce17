package e2e

import (
	"strings"
	"testing"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/dbustest"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

// TestPhoneModeOverDBus proves the foundation's scenarios across three
// processes on a private bus: phonesim plays the handset, handsetd drives it
// over D-Bus, phoneapi-host answers. Handshake, hook, keys, an incoming
// call, ringback on an outgoing call, and mute from either side.
func TestPhoneModeOverDBus(t *testing.T) {
	bus := dbustest.Start(t)
	host := startHost(t, bus.Address)
	sim, dev := startSim(t)
	startDriver(t, dev, bus.Address, "--name", "E2E Phone")

	// Handshake and resync.
	host.Expect("<- NAME E2E Phone", "-> OK", "<- PROTOCOL 5", "-> PROTOCOL 5",
		"<- AUDIO_IN", "<- AUDIO_OUT", "<- HOOK ON")

	// Hook and keys.
	sim.Must("hook off")
	host.Expect("<- HOOK OFF")
	simState(t, sim, "hook acknowledged", func(s firmwaresim.State) bool { return s.Hook == "off" && !s.HookPending })
	sim.Must("tap 5")
	host.Expect("<- BTN_PRESSED 5", "<- BTN_RELEASED 5")
	sim.Must("hook on")
	host.Expect("<- HOOK ON")

	// Incoming call: rings; lifting answers; the ringing stops.
	host.Must("call in +15550001 Bob")
	simState(t, sim, "ringing", func(s firmwaresim.State) bool { return s.Ringing && s.LEDs.Ring })
	sim.Must("hook off")
	hostState(t, host, "answered", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Status == "INPROGRESS"
	})
	simState(t, sim, "ringing stopped", func(s firmwaresim.State) bool { return !s.Ringing && !s.LEDs.Ring })

	// Mute from the handset, then from the host.
	sim.Must("mute")
	host.Expect("<- MUTE ON")
	hostState(t, host, "host muted", func(s refhost.State) bool { return s.Mute })
	host.Must("mute off")
	simState(t, sim, "unmuted by the host", func(s firmwaresim.State) bool { return !s.Muted && !s.LEDs.Mute })
	host.Must("mute on")
	simState(t, sim, "muted by the host", func(s firmwaresim.State) bool { return s.Muted && s.LEDs.Mute })

	// Hang up.
	sim.Must("hook on")
	hostState(t, host, "call ended", func(s refhost.State) bool { return len(s.Calls) == 0 && !s.Mute })
	simState(t, sim, "mute off after the call", func(s firmwaresim.State) bool { return !s.Muted })

	// Outgoing call: ringback does not ring the handset.
	sim.Must("hook off")
	for _, k := range []string{"1", "2", "3", "YES"} {
		sim.Must("tap " + k)
	}
	st := hostState(t, host, "dialling", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Status == "RINGING"
	})
	if st.Calls[0].Partner != "123" || !strings.HasPrefix(st.Calls[0].Type, "OUTGOING") {
		t.Fatalf("outgoing call: %+v", st.Calls[0])
	}
	host.Expect("-> CALL 1002 STATUS RINGING")
	if s := simState(t, sim, "state", func(firmwaresim.State) bool { return true }); s.Ringing {
		t.Fatalf("the handset rings for our own outgoing call: %+v", s)
	}
	host.Must("answer")
	hostState(t, host, "connected", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Status == "INPROGRESS"
	})
	sim.Must("hook on")
	hostState(t, host, "ended", func(s refhost.State) bool { return len(s.Calls) == 0 })
}

// TestAccessModeOverDBus proves --mode access end to end: the driver itself
// answers (ALTER CALL ANSWER), sends DTMF, hangs up, dials (CALL) and mutes
// (SET MUTE), and the reference host acts on it.
func TestAccessModeOverDBus(t *testing.T) {
	bus := dbustest.Start(t)
	host := startHost(t, bus.Address)
	sim, dev := startSim(t)
	startDriver(t, dev, bus.Address, "--mode", "access")
	host.Expect("<- PROTOCOL 5", "-> PROTOCOL 5")

	// Answer by lifting.
	host.Must("call in +15550002 Carol")
	simState(t, sim, "ringing", func(s firmwaresim.State) bool { return s.Ringing })
	sim.Must("hook off")
	host.Expect("<- ALTER CALL 1001 ANSWER")
	hostState(t, host, "answered", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Status == "INPROGRESS"
	})
	simState(t, sim, "ringing stopped", func(s firmwaresim.State) bool { return !s.Ringing })

	// DTMF during the call.
	sim.Must("tap 4")
	sim.Must("tap #")
	host.Expect("<- ALTER CALL 1001 DTMF 4", "<- ALTER CALL 1001 DTMF #")
	hostState(t, host, "dtmf", func(s refhost.State) bool { return s.DTMF == "4#" })

	// Mute.
	sim.Must("mute")
	host.Expect("<- SET MUTE ON")
	hostState(t, host, "muted", func(s refhost.State) bool { return s.Mute })

	simState(t, sim, "muted", func(s firmwaresim.State) bool { return s.Muted })

	// Hang up. The host's MUTE OFF follows the end of the call, so an
	// unmuted handset means the driver knows the call is over.
	sim.Must("hook on")
	host.Expect("<- ALTER CALL 1001 HANGUP")
	hostState(t, host, "ended", func(s refhost.State) bool { return len(s.Calls) == 0 })
	simState(t, sim, "the driver saw the end", func(s firmwaresim.State) bool { return !s.Muted })

	// Dial: digits, then YES.
	for _, k := range []string{"5", "5", "5", "YES"} {
		sim.Must("tap " + k)
	}
	host.Expect("<- CALL 555")
	hostState(t, host, "dialled", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Partner == "555"
	})
	host.Must("answer")
	hostState(t, host, "connected", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Status == "INPROGRESS"
	})
	// The host mutes, so the handset's mute LED tells when the driver has
	// seen the call end; NO ends it.
	host.Must("mute on")
	simState(t, sim, "muted by the host", func(s firmwaresim.State) bool { return s.Muted })
	sim.Must("tap NO")
	host.Expect("<- ALTER CALL 1002 HANGUP")
	hostState(t, host, "ended", func(s refhost.State) bool { return len(s.Calls) == 0 })
	simState(t, sim, "the driver saw the end", func(s firmwaresim.State) bool { return !s.Muted })

	// Dial with #, and refuse an incoming call with NO.
	for _, k := range []string{"7", "#"} {
		sim.Must("tap " + k)
	}
	host.Expect("<- CALL 7")
	host.Must("hangup")
	hostState(t, host, "idle", func(s refhost.State) bool { return len(s.Calls) == 0 })
	host.Must("call in alice Alice")
	simState(t, sim, "ringing", func(s firmwaresim.State) bool { return s.Ringing })
	sim.Must("tap NO")
	host.Expect("<- ALTER CALL 1004 HANGUP")
	simState(t, sim, "silent", func(s firmwaresim.State) bool { return !s.Ringing })
}
