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
	host.expectTraffic("<- NAME E2E Phone", "-> OK", "<- PROTOCOL 5", "-> PROTOCOL 5",
		"<- AUDIO_IN", "<- AUDIO_OUT", "<- HOOK ON")

	// Hook and keys.
	sim.must("hook off")
	host.expectTraffic("<- HOOK OFF")
	sim.simState("hook acknowledged", func(s firmwaresim.State) bool { return s.Hook == "off" && !s.HookPending })
	sim.must("tap 5")
	host.expectTraffic("<- BTN_PRESSED 5", "<- BTN_RELEASED 5")
	sim.must("hook on")
	host.expectTraffic("<- HOOK ON")

	// Incoming call: rings; lifting answers; the ringing stops.
	host.must("call in +15550001 Bob")
	sim.simState("ringing", func(s firmwaresim.State) bool { return s.Ringing && s.LEDs.Ring })
	sim.must("hook off")
	host.hostState("answered", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Status == "INPROGRESS"
	})
	sim.simState("ringing stopped", func(s firmwaresim.State) bool { return !s.Ringing && !s.LEDs.Ring })

	// Mute from the handset, then from the host.
	sim.must("mute")
	host.expectTraffic("<- MUTE ON")
	host.hostState("host muted", func(s refhost.State) bool { return s.Mute })
	host.must("mute off")
	sim.simState("unmuted by the host", func(s firmwaresim.State) bool { return !s.Muted && !s.LEDs.Mute })
	host.must("mute on")
	sim.simState("muted by the host", func(s firmwaresim.State) bool { return s.Muted && s.LEDs.Mute })

	// Hang up.
	sim.must("hook on")
	host.hostState("call ended", func(s refhost.State) bool { return len(s.Calls) == 0 && !s.Mute })
	sim.simState("mute off after the call", func(s firmwaresim.State) bool { return !s.Muted })

	// Outgoing call: ringback does not ring the handset.
	sim.must("hook off")
	for _, k := range []string{"1", "2", "3", "YES"} {
		sim.must("tap " + k)
	}
	st := host.hostState("dialling", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Status == "RINGING"
	})
	if st.Calls[0].Partner != "123" || !strings.HasPrefix(st.Calls[0].Type, "OUTGOING") {
		t.Fatalf("outgoing call: %+v", st.Calls[0])
	}
	host.expectTraffic("-> CALL 1002 STATUS RINGING")
	if s := sim.simState("state", func(firmwaresim.State) bool { return true }); s.Ringing {
		t.Fatalf("the handset rings for our own outgoing call: %+v", s)
	}
	host.must("answer")
	host.hostState("connected", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Status == "INPROGRESS"
	})
	sim.must("hook on")
	host.hostState("ended", func(s refhost.State) bool { return len(s.Calls) == 0 })
}

// TestAccessModeOverDBus proves --mode access end to end: the driver itself
// answers (ALTER CALL ANSWER), sends DTMF, hangs up, dials (CALL) and mutes
// (SET MUTE), and the reference host acts on it.
func TestAccessModeOverDBus(t *testing.T) {
	bus := dbustest.Start(t)
	host := startHost(t, bus.Address)
	sim, dev := startSim(t)
	startDriver(t, dev, bus.Address, "--mode", "access")
	host.expectTraffic("<- PROTOCOL 5", "-> PROTOCOL 5")

	// Answer by lifting.
	host.must("call in +15550002 Carol")
	sim.simState("ringing", func(s firmwaresim.State) bool { return s.Ringing })
	sim.must("hook off")
	host.expectTraffic("<- ALTER CALL 1001 ANSWER")
	host.hostState("answered", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Status == "INPROGRESS"
	})
	sim.simState("ringing stopped", func(s firmwaresim.State) bool { return !s.Ringing })

	// DTMF during the call.
	sim.must("tap 4")
	sim.must("tap #")
	host.expectTraffic("<- ALTER CALL 1001 DTMF 4", "<- ALTER CALL 1001 DTMF #")
	host.hostState("dtmf", func(s refhost.State) bool { return s.DTMF == "4#" })

	// Mute.
	sim.must("mute")
	host.expectTraffic("<- SET MUTE ON")
	host.hostState("muted", func(s refhost.State) bool { return s.Mute })

	sim.simState("muted", func(s firmwaresim.State) bool { return s.Muted })

	// Hang up. The host's MUTE OFF follows the end of the call, so an
	// unmuted handset means the driver knows the call is over.
	sim.must("hook on")
	host.expectTraffic("<- ALTER CALL 1001 HANGUP")
	host.hostState("ended", func(s refhost.State) bool { return len(s.Calls) == 0 })
	sim.simState("the driver saw the end", func(s firmwaresim.State) bool { return !s.Muted })

	// Dial: digits, then YES.
	for _, k := range []string{"5", "5", "5", "YES"} {
		sim.must("tap " + k)
	}
	host.expectTraffic("<- CALL 555")
	host.hostState("dialled", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Partner == "555"
	})
	host.must("answer")
	host.hostState("connected", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Status == "INPROGRESS"
	})
	// The host mutes, so the handset's mute LED tells when the driver has
	// seen the call end; NO ends it.
	host.must("mute on")
	sim.simState("muted by the host", func(s firmwaresim.State) bool { return s.Muted })
	sim.must("tap NO")
	host.expectTraffic("<- ALTER CALL 1002 HANGUP")
	host.hostState("ended", func(s refhost.State) bool { return len(s.Calls) == 0 })
	sim.simState("the driver saw the end", func(s firmwaresim.State) bool { return !s.Muted })

	// Dial with #, and refuse an incoming call with NO.
	for _, k := range []string{"7", "#"} {
		sim.must("tap " + k)
	}
	host.expectTraffic("<- CALL 7")
	host.must("hangup")
	host.hostState("idle", func(s refhost.State) bool { return len(s.Calls) == 0 })
	host.must("call in alice Alice")
	sim.simState("ringing", func(s firmwaresim.State) bool { return s.Ringing })
	sim.must("tap NO")
	host.expectTraffic("<- ALTER CALL 1004 HANGUP")
	sim.simState("silent", func(s firmwaresim.State) bool { return !s.Ringing })
}
