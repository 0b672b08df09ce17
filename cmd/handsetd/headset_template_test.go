package main

import (
	"slices"
	"strings"
	"testing"
)

// TestProcessJabraStyleHeadset proves a headset on Jabra's template works
// across the three processes (phonesim --model jabra-headset, handsetd run,
// phoneapi-host): its Const hook answers a ringing call and is acknowledged
// on LED Off-Hook (the headset neither resends nor reverts it), a key taps
// once although every report also comes on the vendor page 0xFF30 and the
// keypad idles at 0, the Const mute button mutes with its LED, holding and
// resuming the call lights and clears LED Hold without a HOOK ON, and
// hanging up ends the call.
func TestProcessJabraStyleHeadset(t *testing.T) {
	tr := startTrioModel(t, "jabra-headset")
	if got := tr.host.Say("call in alice"); got != "ok 1001" {
		t.Fatalf("call in: %s", got)
	}
	waitState(t, tr.sim, `"ringing":true`, `"ring":true`)
	tr.sim.Must("hook off")
	tr.host.WaitLine("-> CALL 1001 STATUS INPROGRESS")
	waitState(t, tr.sim, `"hook":"off"`, `"offhook":true`, `"hook_pending":false`, `"ringing":false`)

	mark := tr.host.Mark()
	tr.sim.Must("tap 5")
	tr.host.WaitLine("<- BTN_RELEASED 5")
	if got := tr.host.TrafficSince(mark); strings.Join(got, "|") != "<- BTN_PRESSED 5|<- BTN_RELEASED 5" {
		t.Fatalf("tap 5 gave %q", got)
	}

	tr.sim.Must("mute")
	tr.host.WaitLine("<- MUTE ON")
	tr.host.WaitLine("-> MUTE ON")
	waitState(t, tr.sim, `"mute":true`)

	mark = tr.host.Mark()
	tr.host.Must("send CALL 1001 STATUS ONHOLD")
	waitState(t, tr.sim, `"hold":true`, `"offhook":true`, `"hook":"off"`)
	tr.host.Must("send CALL 1001 STATUS INPROGRESS")
	waitState(t, tr.sim, `"hold":false`, `"offhook":true`)
	tr.sim.Must("tap 1")
	tr.host.WaitLine("<- BTN_RELEASED 1")
	if got := tr.host.TrafficSince(mark); slices.Contains(got, "<- HOOK ON") {
		t.Fatalf("hold and resume gave a HOOK ON: %q", got)
	}
	if st := tr.hostState(); !strings.Contains(st, `"status":"INPROGRESS"`) {
		t.Fatalf("host state after hold and resume: %s", st)
	}

	tr.sim.Must("hook on")
	tr.host.WaitLine("-> CALL 1001 STATUS FINISHED")
	waitState(t, tr.sim, `"hook":"on"`, `"offhook":false`, `"hook_pending":false`)
}
