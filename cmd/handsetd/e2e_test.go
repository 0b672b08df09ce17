package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/internal/dbustest"
	"github.com/handsetd/handsetd/internal/proctest"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

func TestMain(m *testing.M) { os.Exit(proctest.Main(m)) }

// trio is phonesim, phoneapi-host and handsetd run, three processes wired
// over unix sockets exactly as the README shows, after the handshake.
type trio struct {
	sim, host, drv *proctest.Proc
}

func startTrio(t *testing.T) *trio {
	t.Helper()
	return startTrioModel(t, "generic-telephony")
}

// startTrioModel is startTrio with phonesim playing model.
func startTrioModel(t *testing.T, model string) *trio {
	t.Helper()
	dir := t.TempDir()
	phone := "unix:" + filepath.Join(dir, "phone.sock")
	hostAddr := "unix:" + filepath.Join(dir, "host.sock")
	tr := &trio{
		sim:  proctest.Start(t, "phonesim", "--model", model, "--listen", phone),
		host: proctest.Start(t, "phoneapi-host", "--listen", hostAddr),
	}
	tr.drv = proctest.Start(t, "handsetd", "run", "--device", "sim:"+phone, "--host", "stream:"+hostAddr)
	tr.host.WaitLine("<- HOOK ON")
	return tr
}

// hostState asks phoneapi-host for its state.
func (tr *trio) hostState() string { return tr.host.Say("state") }

// TestProcessHandshake proves (issue item 1) the handshake across three
// processes: NAME, then PROTOCOL negotiated down to what the host speaks,
// then AUDIO_IN, AUDIO_OUT and the hook state.
func TestProcessHandshake(t *testing.T) {
	tr := startTrio(t)
	var got []string
	for _, l := range tr.host.Lines() {
		if strings.HasPrefix(l, "<- ") || strings.HasPrefix(l, "-> PROTOCOL") {
			got = append(got, l)
		}
	}
	want := []string{"<- NAME Generic USB Telephony Handset", "<- PROTOCOL 5", "-> PROTOCOL 5", "<- AUDIO_IN", "<- AUDIO_OUT", "<- HOOK ON"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("handshake traffic %q, want %q", got, want)
	}
}

// TestProcessHookAndKeys proves (items 2 and 3) that lifting gives HOOK OFF
// and the device's Off-Hook LED is acknowledged (the headset keeps its hook
// state instead of reverting), and that tap 5 gives exactly BTN_PRESSED 5
// then BTN_RELEASED 5.
func TestProcessHookAndKeys(t *testing.T) {
	tr := startTrio(t)
	tr.sim.Must("hook off")
	tr.host.WaitLine("<- HOOK OFF")
	waitState(t, tr.sim, `"hook":"off"`, `"offhook":true`, `"hook_pending":false`)
	mark := tr.host.Mark()
	tr.sim.Must("tap 5")
	tr.host.WaitLine("<- BTN_RELEASED 5")
	if got := tr.host.TrafficSince(mark); strings.Join(got, "|") != "<- BTN_PRESSED 5|<- BTN_RELEASED 5" {
		t.Fatalf("tap 5 gave %q", got)
	}
}

// TestProcessIncomingCall proves (item 4) that call in alice rings the
// handset, lifting answers it (the host's state shows it INPROGRESS) and
// silences it, and hanging up ends it.
func TestProcessIncomingCall(t *testing.T) {
	tr := startTrio(t)
	if got := tr.host.Say("call in alice"); got != "ok 1001" {
		t.Fatalf("call in: %s", got)
	}
	waitState(t, tr.sim, `"ringing":true`, `"ring":true`)
	tr.sim.Must("hook off")
	tr.host.WaitLine("-> CALL 1001 STATUS INPROGRESS")
	if st := tr.hostState(); !strings.Contains(st, `"status":"INPROGRESS"`) {
		t.Fatalf("host state after lifting: %s", st)
	}
	waitState(t, tr.sim, `"ringing":false`, `"ring":false`)
	tr.sim.Must("hook on")
	tr.host.WaitLine("-> CALL 1001 STATUS FINISHED")
	if st := tr.hostState(); strings.Contains(st, `"status":"INPROGRESS"`) {
		t.Fatalf("host state after hanging up: %s", st)
	}
}

// TestProcessRingback proves (item 5) that an outgoing call's RINGING never
// rings the handset: phonesim's state is sampled after every line of the
// call's progress, and an incoming call afterwards does ring (so the
// sampling sees ringing when there is some).
func TestProcessRingback(t *testing.T) {
	tr := startTrio(t)
	tr.sim.Must("hook off")
	for _, k := range []string{"1", "2", "3", "YES"} {
		tr.sim.Must("tap " + k)
	}
	tr.host.WaitLine("-> CALL 1001 STATUS RINGING")
	for range 5 {
		waitState(t, tr.sim, `"ringing":false`)
	}
	tr.host.Must("answer")
	tr.host.WaitLine("-> CALL 1001 STATUS INPROGRESS")
	waitState(t, tr.sim, `"ringing":false`)
	tr.sim.Must("hook on")
	tr.host.WaitLine("-> CALL 1001 STATUS FINISHED")
	tr.host.Must("call out 5550100")
	tr.host.WaitLine("-> CALL 1002 STATUS RINGING")
	waitState(t, tr.sim, `"ringing":false`)
	tr.host.Must("hangup")
	tr.host.Must("call in bob")
	waitState(t, tr.sim, `"ringing":true`)
}

// TestProcessMute proves (items 6 and 7) mute both ways: the host's mute on
// lights the mute LED; the device's mute button sends MUTE ON, the host's
// echo keeps the LED in step, and pressed twice it ends OFF.
func TestProcessMute(t *testing.T) {
	tr := startTrio(t)
	tr.host.Must("call in carol")
	tr.sim.Must("hook off")
	tr.host.WaitLine("-> CALL 1001 STATUS INPROGRESS")
	tr.host.Must("mute on")
	tr.host.WaitLine("-> MUTE ON")
	waitState(t, tr.sim, `"mute":true`)
	tr.host.Must("mute off")
	waitState(t, tr.sim, `"mute":false`)

	tr.sim.Must("mute")
	tr.host.WaitLine("<- MUTE ON")
	tr.host.WaitLine("-> MUTE ON")
	waitState(t, tr.sim, `"mute":true`)
	tr.sim.Must("mute")
	tr.host.WaitLine("<- MUTE OFF")
	tr.host.WaitLine("-> MUTE OFF")
	waitState(t, tr.sim, `"mute":false`, `"muted":false`)
	if st := tr.hostState(); !strings.Contains(st, `"mute":false`) {
		t.Fatalf("host state after two presses: %s", st)
	}
}

// TestProcessBadInput proves (item 8) that bad input crashes nothing and is
// answered or skipped with a rate-limited log: a raw host feeds handsetd
// malformed lines, invalid UTF-8 and an over-long line, and the driver still
// rings for the next good call; phoneapi-host answers a raw client's bad
// lines with the seed's errors, and an over-long control line with an error.
func TestProcessBadInput(t *testing.T) {
	dir := t.TempDir()
	phone := "unix:" + filepath.Join(dir, "phone.sock")
	hostPath := filepath.Join(dir, "raw.sock")
	ln, err := net.Listen("unix", hostPath)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	sim := proctest.Start(t, "phonesim", "--model", "generic-telephony", "--listen", phone)
	drv := proctest.Start(t, "handsetd", "run", "--device", "sim:"+phone, "--host", "stream:unix:"+hostPath)
	ln.(*net.UnixListener).SetDeadline(time.Now().Add(10 * time.Second))
	c, err := ln.Accept()
	if err != nil {
		t.Fatalf("handsetd never connected: %v\n%s", err, drv.Stderr())
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	for _, want := range []string{"NAME ", "PROTOCOL 5"} {
		if l, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(l, want) {
			t.Fatalf("handshake line %q, %v; want %q", l, err, want)
		}
	}
	bad := "OK\nPROTOCOL 5\n" +
		"\xff\xfe CALL 1 STATUS RINGING\n" + // invalid UTF-8
		strings.Repeat("CALL 2 PARTNER_DISPNAME x", 4000) + "\n" + // ~100 KiB
		strings.Repeat("CALL x STATUS RINGING\n#\nCALL 5 STATUS\n", 40) +
		"CALL 9 STATUS RINGING\nCALL 9 TYPE INCOMING_P2P\n"
	if _, err := io.WriteString(c, bad); err != nil {
		t.Fatal(err)
	}
	waitState(t, sim, `"ringing":true`)
	if n := strings.Count(drv.Stderr(), "msg=\"skipping malformed line"); n < 1 || n > 2 {
		t.Fatalf("the driver logged %d malformed-line warnings for 122 bad lines; want 1 or 2 (rate-limited):\n%s", n, drv.Stderr())
	}

	hostAddr := filepath.Join(dir, "host.sock")
	host := proctest.Start(t, "phoneapi-host", "--listen", "unix:"+hostAddr)
	host.WaitStderr("listening")
	hc, err := net.Dial("unix", hostAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer hc.Close()
	hc.SetDeadline(time.Now().Add(10 * time.Second))
	hr := bufio.NewReader(hc)
	for _, tc := range []struct{ send, want string }{
		{"GRT USERSTATUS\n", "ERROR 2 "},
		{"BTN_PRESSED ??\n", "ERROR 71 "},
		{"\xc3\x28 HOOK OFF\n", "ERROR 1 "},
		{strings.Repeat("A", 70<<10) + "\n", "ERROR 1 "},
		{"PING\n", "PONG"},
	} {
		if _, err := io.WriteString(hc, tc.send); err != nil {
			t.Fatal(err)
		}
		l, err := hr.ReadString('\n')
		if err != nil || !strings.HasPrefix(l, tc.want) {
			t.Fatalf("host answered %.60q (%v) to %.40q; want %q", l, err, tc.send, tc.want)
		}
	}
	if got := host.Say("send " + strings.Repeat("X", 70<<10)); !strings.HasPrefix(got, "error: ") {
		t.Fatalf("an over-long control line: %.60q, want an error", got)
	}
	if got := host.Say("state"); !strings.HasPrefix(got, "{") {
		t.Fatalf("state after bad input: %.60q", got) // still alive and answering
	}
}

// TestProcessDemoWithoutTTY proves (item 9) what `make run` does in CI:
// handsetd demo with stdin from /dev/null runs the built-in script to the
// end, prints the Phone API conversation and exits 0.
func TestProcessDemoWithoutTTY(t *testing.T) {
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	cmd := exec.Command(proctest.Bin("handsetd"), "demo")
	cmd.Stdin = devnull
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("demo exited with %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("demo did not finish; stdout so far:\n%s", out.String())
	}
	for _, want := range []string{"<- NAME ", "-> PROTOCOL 5", "<- HOOK OFF", "<- BTN_PRESSED YES", "-> CALL 1002 STATUS RINGING", "-> CALL 1002 STATUS FINISHED"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo's conversation lacks %q", want)
		}
	}
}

// waitState asks phonesim for its state until it contains want. Each state
// query is a real round trip, so this settles as soon as the driver has
// written the output report.
func waitState(t *testing.T, sim *proctest.Proc, want ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var got string
	for ctx.Err() == nil {
		got = sim.Say("state")
		all := true
		for _, w := range want {
			all = all && strings.Contains(got, w)
		}
		if all {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("phonesim state never contained %s; last: %s", strings.Join(want, " and "), got)
}

// TestMonitorPrintsPhoneAPILines proves handsetd monitor prints what each
// event would send, one line each, with no host at all.
func TestMonitorPrintsPhoneAPILines(t *testing.T) {
	dir := t.TempDir()
	phone := "unix:" + filepath.Join(dir, "phone.sock")
	sim := proctest.Start(t, "phonesim", "--model", "generic-telephony", "--listen", phone)
	sim.WaitStderr("serving simulated handset") // monitor does not wait for a device that is not there
	mon := proctest.Start(t, "handsetd", "monitor", "--device", "sim:"+phone)
	waitState(t, sim, `"hosts":1`)
	sim.Must("hook off")
	mon.WaitLine("HOOK OFF")
	sim.Must("tap #")
	mon.WaitLine("BTN_PRESSED #")
	mon.WaitLine("BTN_RELEASED #")
	sim.Must("mute")
	mon.WaitLine("MUTE ON")
	waitState(t, sim, `"hook":"off"`) // the monitor acknowledged the lift
	mon.Stop()
	want := "HOOK OFF|BTN_PRESSED #|BTN_RELEASED #|MUTE ON"
	if got := strings.Join(mon.Lines(), "|"); got != want {
		t.Fatalf("monitor printed %q, want %q", got, want)
	}
}

// TestProcessTwoHandsetsOwnNames proves `handsetd run` with two --device
// makes each handset its own D-Bus client with its own NAME: two handsets
// of the same model, or two given one --name, are numbered in --device
// order, and lifting the first shows on the client with the plain name.
func TestProcessTwoHandsetsOwnNames(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra []string
		base  string
	}{
		{"same model", nil, "Generic USB Telephony Handset"},
		{"one --name", []string{"--name", "Desk Phone"}, "Desk Phone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bus := dbustest.Start(t)
			dir := t.TempDir()
			phone1 := "unix:" + filepath.Join(dir, "phone1.sock")
			phone2 := "unix:" + filepath.Join(dir, "phone2.sock")
			sim1 := proctest.Start(t, "phonesim", "--model", "generic-telephony", "--listen", phone1)
			proctest.Start(t, "phonesim", "--model", "generic-telephony", "--listen", phone2)
			host := proctest.Start(t, "phoneapi-host", "--dbus="+bus.Address)
			args := append([]string{"run", "--device", "sim:" + phone1, "--device", "sim:" + phone2,
				"--host", "dbus:" + bus.Address}, tc.extra...)
			proctest.Start(t, "handsetd", args...)
			host.WaitLine("<- NAME " + tc.base)
			host.WaitLine("<- NAME " + tc.base + " #2")
			sim1.Must("hook off")
			host.WaitLine("<- HOOK OFF")
			st := host.Say("state")
			var hs refhost.State
			if err := json.Unmarshal([]byte(st), &hs); err != nil {
				t.Fatal(err)
			}
			hooks := map[string]string{}
			for _, c := range hs.Clients {
				hooks[c.Name] = c.Hook
			}
			if len(hs.Clients) != 2 || hooks[tc.base] != "off" || hooks[tc.base+" #2"] != "on" {
				t.Errorf("clients %+v; want %q off hook and %q on hook", hs.Clients, tc.base, tc.base+" #2")
			}
		})
	}
}
