package kerneltest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/vmtest"
)

// autoDir is where the guest keeps the host's and the driver's output.
const autoDir = "/run/tmp/auto"

// guestHost is phoneapi-host and handsetd run --device auto running in the
// guest, talking over a unix socket; the test reads their output files and
// writes the host's control lines into its fifo.
type guestHost struct {
	t    *testing.T
	vm   *vmtest.VM
	done chan guestResult
}

// startAutoDriver starts the reference host and the driver with --device
// auto in the guest. The kernel's own drivers for the legacy phones are
// loaded, so that the driver must detach them.
func startAutoDriver(t *testing.T, ctx context.Context, vm *vmtest.VM, host string) *guestHost {
	t.Helper()
	return startDriver(t, ctx, vm, host, "auto")
}

// startDriver is startAutoDriver with the driver's --device SPECs given;
// one of them must be auto.
func startDriver(t *testing.T, ctx context.Context, vm *vmtest.VM, host string, devices ...string) *guestHost {
	t.Helper()
	var flags []string
	for _, d := range devices {
		flags = append(flags, "--device "+shellQuote(d))
	}
	if err := vm.Modprobe(ctx, "evdev", "yealink", "cm109"); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(`
rm -rf %[1]s; mkdir -p %[1]s && cd %[1]s || exit 1
mkfifo host.in || exit 1
exec 3<>host.in
%[2]s --listen unix:%[1]s/host.sock <host.in >host.out 2>host.err &
i=0; until [ -S host.sock ]; do i=$((i+1)); [ $i -lt 400 ] || { cat host.err >&2; exit 1; }; sleep 0.025; done
%[3]s run --allow-root %[4]s --host stream:unix:%[1]s/host.sock --audio=false --log-level debug >hs.out 2>hs.err &
echo $! >hs.pid
wait
`, autoDir, shellQuote(host), shellQuote(theVM.handsetd), strings.Join(flags, " "))
	g := &guestHost{t: t, vm: vm, done: make(chan guestResult, 1)}
	go func() {
		r, err := vm.Run(ctx, script)
		g.done <- guestResult{r, err}
	}()
	g.waitLine("hs.err", "driving every supported handset", 1)
	return g
}

// waitLine waits until file holds at least n lines containing want.
func (g *guestHost) waitLine(file, want string, n int) {
	g.t.Helper()
	script := fmt.Sprintf(`d=%s
i=0; until [ "$(grep -c -F -e %s $d/%s 2>/dev/null)" -ge %d ]; do
	i=$((i+1)); [ $i -lt 600 ] || { echo "--- host.out"; cat $d/host.out; echo "--- hs.err"; cat $d/hs.err; exit 1; } >&2
	sleep 0.025
done`, autoDir, shellQuote(want), file, n)
	ctx, cancel := context.WithTimeout(theVM.ctx, stepLimit)
	defer cancel()
	r, err := g.vm.Run(ctx, script)
	if err != nil || r.ExitCode != 0 {
		select {
		case res := <-g.done:
			g.t.Fatalf("the driver ended while waiting for %q in %s: %v exit %d\nstdout %s\nstderr %s", want, file, res.err, res.r.ExitCode, res.r.Stdout, res.r.Stderr)
		default:
		}
		g.t.Fatalf("waiting for %d× %q in %s: %v exit %d\n%s", n, want, file, err, r.ExitCode, r.Stderr)
	}
}

// count is how many lines of file contain want.
func (g *guestHost) count(file, want string) int {
	g.t.Helper()
	out := run(g.t, g.vm, fmt.Sprintf("grep -c -F -e %s %s/%s; true", shellQuote(want), autoDir, file))
	n, _ := strconv.Atoi(strings.TrimSpace(out))
	return n
}

// hostDo writes a control line to the reference host.
func (g *guestHost) hostDo(line string) {
	g.t.Helper()
	run(g.t, g.vm, fmt.Sprintf("echo %s >%s/host.in", shellQuote(line), autoDir))
}

// file returns a guest file's contents.
func (g *guestHost) file(name string) string {
	g.t.Helper()
	return run(g.t, g.vm, "cat "+autoDir+"/"+name)
}

// buildHost builds phoneapi-host for the guest.
func buildHost(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(theVM.binDir, "phoneapi-host")
	args := []string{"build", "-o", bin}
	if raceBuild {
		args = append(args, "-race")
	}
	if out, err := exec.Command(goTool(), append(args, "github.com/handsetd/handsetd/cmd/phoneapi-host")...).CombinedOutput(); err != nil {
		t.Fatalf("go build phoneapi-host: %v\n%s", err, out)
	}
	return bin
}

// hold presses key on h, waits for the host to see it, and releases it:
// the CM109's keypad is scanned, so a key must stay down until the driver
// has read it.
func (g *guestHost) hold(h *firmwaresim.Handset, key string, n int) {
	g.t.Helper()
	if err := h.Press(key); err != nil {
		g.t.Fatal(err)
	}
	g.waitLine("host.out", "<- BTN_PRESSED "+key, n)
	if err := h.Release(key); err != nil {
		g.t.Fatal(err)
	}
	g.waitLine("host.out", "<- BTN_RELEASED "+key, n)
}

// waitState waits until h's firmware state satisfies ok.
func waitState(t *testing.T, h *firmwaresim.Handset, what string, ok func(firmwaresim.State) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(theVM.ctx, stepLimit)
	defer cancel()
	for {
		ch := h.Changed()
		if ok(h.State()) {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v; state %+v", what, ctx.Err(), h.State())
		}
	}
}

// detachID pulls every attached device with the USB id vendor:product out
// of the guest (usbip detach) and waits until the kernel has removed them.
func detachID(t *testing.T, vm *vmtest.VM, vendor, product uint16) {
	t.Helper()
	// usbip port names the device on the line after its port's.
	run(t, vm, fmt.Sprintf(`for p in $(usbip port | awk '/^Port/ {p = $2 + 0} /%04x:%04x/ {print p}'); do usbip detach -p "$p" >/dev/null; done
i=0; while grep -qs %04x /sys/bus/usb/devices/*/idVendor; do i=$((i+1)); [ $i -lt 400 ] || exit 1; sleep 0.025; done`, vendor, product, vendor))
}

// sinceEvent finds an announcement's USB id and time since its uevent.
var sinceEvent = regexp.MustCompile(`handset announced to the host.*device="[^"]*\[([0-9a-f]{4}:[0-9a-f]{4})\][^"]*".*since_event_us=(\d+)`)

// TestKernelHandsetdAuto proves the built handsetd, run with --device auto
// in the guest against the reference host, finds and drives every kind of
// handset the kernel presents: the Yealink P1K and a CM109 phone through
// libusb (karalabe/hid), detaching yealink.ko and cm109.ko, which are
// loaded and bound, and a HID Telephony handset through its hidraw node.
// Each is announced (NAME), its keys reach the host, a call rings it, and
// the CM109's mute button and the telephony handset's hook and mute work.
// Then, while the driver runs, the telephony handset is unplugged (usbip
// detach) and plugged in again, one unplug in the middle of a call, and
// then the CM109: each attach is announced again, an unplug mid-call sends
// HOOK ON first, the driver's open files and threads stay level, the P1K
// is never announced again and its keys still work, and when the driver
// exits, the kernel's yealink and cm109 drivers have their phones back.
//
// make test does 3 telephony replugs and 1 CM109 replug with a race build
// and holds each to 2 s from the attach's uevent to the announcement,
// which a driver that polled once a second would miss.
// HANDSETD_VM_REPLUGS=20 (make test-hotplug) does 20 of each; built
// without the race detector, as users run it, it holds every telephony
// replug to 300 ms and the CM109's median (see below why not each), and
// with a race build the medians. Measured on 2 cores (2026-12-04, TCG),
// without race: telephony median 87-104 ms, slowest 175-271 ms, of which
// the kernel's open of the hidraw node over USB/IP took about 60 ms; CM109
// median 220 ms, slowest 384 ms. With race, telephony median 181 ms.
func TestKernelHandsetdAuto(t *testing.T) {
	vm, exp := bootVM(t)
	if theVM.buildErr != nil {
		t.Fatal(theVM.buildErr)
	}
	host := buildHost(t)
	replugs := 3
	if v := os.Getenv("HANDSETD_VM_REPLUGS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("HANDSETD_VM_REPLUGS=%q: want a number of replugs ≥ 1", v)
		}
		replugs = n
	}
	// 20 replugs take about 2.5 minutes of the emulated guest's time.
	ctx, cancel := context.WithTimeout(theVM.ctx, 3*time.Minute+time.Duration(replugs)*10*time.Second)
	defer cancel()
	g := startAutoDriver(t, ctx, vm, host)

	p1k, err := firmwaresim.New("yealink-p1k", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p1k.Close()
	cm, err := firmwaresim.New("cm109-kip1000", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cm.Close()
	tel, err := firmwaresim.New("generic-telephony", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Close()

	attach(t, vm, exp, p1k, 0x6993, 0xb001, false)
	g.waitLine("host.out", "<- NAME", 1)
	attach(t, vm, exp, cm, 0x0d8c, 0x000e, false)
	g.waitLine("host.out", "<- NAME", 2)
	attach(t, vm, exp, tel, 0x1209, 0x0001, true)
	g.waitLine("host.out", "<- NAME", 3)
	hsLog := g.file("hs.err")
	for _, d := range []string{"detaches=yealink", "detaches=cm109", "backend=hidraw"} {
		if !strings.Contains(hsLog, d) {
			t.Errorf("the driver's log does not say %s:\n%s", d, hsLog)
		}
	}

	// Keys, from each handset.
	g.hold(p1k, "5", 1)
	g.hold(cm, "7", 1)
	g.hold(tel, "9", 1)
	// Hook and mute from the telephony handset, mute from the CM109.
	if err := tel.HookOff(); err != nil {
		t.Fatal(err)
	}
	g.waitLine("host.out", "<- HOOK OFF", 1)
	if err := tel.HookOn(); err != nil {
		t.Fatal(err)
	}
	if err := cm.Mute(); err != nil {
		t.Fatal(err)
	}
	g.waitLine("host.out", "<- MUTE", 1)
	// A call rings all three.
	g.hostDo("call in alice Alice")
	waitState(t, p1k, "the P1K to ring", func(s firmwaresim.State) bool { return s.Ringing })
	waitState(t, cm, "the CM109 to ring", func(s firmwaresim.State) bool { return s.Ringing })
	waitState(t, tel, "the telephony handset to ring", func(s firmwaresim.State) bool { return s.Ringing })
	g.hostDo("hangup")
	waitState(t, p1k, "the P1K to stop ringing", func(s firmwaresim.State) bool { return !s.Ringing })

	// Hot-plug: the telephony handset (it has a hook switch, so it can be
	// pulled out mid-call) out and in, replugs times; then the CM109
	// (libusb: its HID interface's uevents, cm109.ko bound again by the
	// kernel at each plug and detached again) out and in, legacyReplugs
	// times.
	legacyReplugs := 1
	if replugs >= 20 {
		legacyReplugs = replugs
	}
	names := g.count("host.out", "<- NAME")
	level := func() (threads, fds int) {
		out := run(t, vm, fmt.Sprintf(`p=$(cat %s/hs.pid); ls /proc/$p/fd | wc -l; ls /proc/$p/task | wc -l`, autoDir))
		f := strings.Fields(out)
		if len(f) != 2 {
			t.Fatalf("fd and thread counts: %q", out)
		}
		fds, _ = strconv.Atoi(f[0])
		threads, _ = strconv.Atoi(f[1])
		return threads, fds
	}
	threads0, fds0 := level()
	gone := 0
	for i := 1; i <= replugs; i++ {
		midCall := i == (replugs+1)/2
		if midCall {
			g.hostDo("call in bob Bob")
			waitState(t, tel, "the telephony handset to ring", func(s firmwaresim.State) bool { return s.Ringing })
			if err := tel.HookOff(); err != nil { // answer
				t.Fatal(err)
			}
			g.waitLine("host.out", "<- HOOK OFF", 2)
		}
		hookOns := g.count("host.out", "<- HOOK ON")
		detachID(t, vm, 0x1209, 0x0001)
		gone++
		g.waitLine("hs.err", "handset gone", gone)
		if midCall && g.count("host.out", "<- HOOK ON") <= hookOns {
			t.Errorf("unplugged mid-call, the handset did not tell the host HOOK ON:\n%s", g.file("host.out"))
		}
		if midCall {
			tel.HookOn() // it comes back on hook, as a replugged headset powers up
		}
		attach(t, vm, exp, tel, 0x1209, 0x0001, true)
		g.waitLine("host.out", "<- NAME", names+i)
	}
	for i := 1; i <= legacyReplugs; i++ {
		detachID(t, vm, 0x0d8c, 0x000e)
		gone++
		g.waitLine("hs.err", "handset gone", gone)
		attach(t, vm, exp, cm, 0x0d8c, 0x000e, false)
		g.waitLine("host.out", "<- NAME", names+replugs+i)
	}
	// The handsets left alone still work, and the replugged ones again.
	g.hold(p1k, "5", 2)
	g.hold(tel, "9", 2)
	g.hold(cm, "7", 2)
	threads1, fds1 := level()

	// The log has the time from each attach's uevent to the announcement.
	// The guest is emulated (TCG, other VMs sharing two cores), so make
	// test (a race build, 3 replugs) holds each to 2 s, which a driver
	// that polled once a second would miss; make test-hotplug (20, built
	// as users run it) holds each telephony replug to 300 ms and the
	// CM109's median; a race build with 20 holds the medians.
	log := g.file("hs.err")
	announced := map[string][]time.Duration{}
	for _, m := range sinceEvent.FindAllStringSubmatch(log, -1) {
		us, _ := strconv.Atoi(m[2])
		announced[m[1]] = append(announced[m[1]], time.Duration(us)*time.Microsecond)
	}
	round := func(ds []time.Duration) []time.Duration {
		out := make([]time.Duration, len(ds))
		for i, d := range ds {
			out[i] = d.Round(100 * time.Microsecond)
		}
		return out
	}
	t.Logf("first plugs, uevent to announcement: P1K %v, CM109 %v, telephony %v",
		round(announced["6993:b001"]), round(announced["0d8c:000e"][:1]), round(announced["1209:0001"][:1]))
	// Every CM109 replug is not held to 300 ms under TCG: the guest has one
	// emulated CPU, and while the driver looks the phone up and opens it,
	// the kernel is still setting the phone up (snd-usb-audio's three
	// interfaces, cm109.ko's probe and input device, each control transfer
	// a round trip over USB/IP). The same four sysfs reads took 0.3 ms on
	// one replug and 30 ms on another (measured 2026-12-04): 20 replugs
	// gave median 220 ms, 2 of 20 over 300 ms (slowest 384 ms), so its
	// median is held instead.
	for _, c := range []struct {
		name, id string
		n        int
		each     bool // make test-hotplug holds each replug, not the median
	}{{"telephony (hidraw)", "1209:0001", replugs, true}, {"CM109 (libusb)", "0d8c:000e", legacyReplugs, false}} {
		all := announced[c.id]
		if len(all) != c.n+1 {
			t.Errorf("%s: %d announcements with their time since the event, want %d:\n%s", c.name, len(all), c.n+1, log)
			continue
		}
		took := all[1:]
		inOrder := round(took)
		slices.Sort(took)
		median, slowest := took[len(took)/2], took[len(took)-1]
		t.Logf("%s: %d replugs, uevent to announcement: median %v, slowest %v; in order: %v", c.name, c.n, median.Round(100*time.Microsecond), slowest.Round(100*time.Microsecond), inOrder)
		switch {
		case c.n < 20 && slowest > 2*time.Second:
			t.Errorf("%s: a replug was announced %v after its uevent, want ≤ 2 s", c.name, slowest)
		case c.n >= 20 && !raceBuild && c.each:
			if over := len(took) - sort.Search(len(took), func(i int) bool { return took[i] > 300*time.Millisecond }); over > 0 {
				t.Errorf("%s: %d of %d replugs were announced more than 300 ms after their uevent (the slowest %v)", c.name, over, c.n, slowest)
			}
		case c.n >= 20 && median > 300*time.Millisecond:
			t.Errorf("%s: the median replug was announced %v after its uevent, want ≤ 300 ms", c.name, median)
		}
	}
	// Where the time of the last replug went, from the driver's debug log.
	var phases []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "looked up the device") || strings.Contains(l, "opened a handset") || strings.Contains(l, "handset plugged in") || strings.Contains(l, "announced to the host") {
			phases = append(phases, l)
		}
	}
	t.Logf("the last replug, as the driver logged it:\n%s", strings.Join(phases[max(0, len(phases)-4):], "\n"))
	if n := g.count("host.out", "<- NAME"); n != names+replugs+legacyReplugs {
		t.Errorf("the host saw %d NAMEs, want %d: the other handsets were disturbed", n, names+replugs+legacyReplugs)
	}
	t.Logf("the driver's threads %d → %d, open files %d → %d over %d replugs", threads0, threads1, fds0, fds1, replugs+legacyReplugs)
	if fds1 > fds0+2 {
		t.Errorf("the driver's open files grew from %d to %d over %d replugs", fds0, fds1, replugs+legacyReplugs)
	}
	// hidapi runs a thread per open libusb device; a leaked one would stay.
	if threads1 > threads0+4 {
		t.Errorf("the driver's threads grew from %d to %d over %d replugs", threads0, threads1, replugs+legacyReplugs)
	}
	// Let go, the driver gives each legacy phone's HID interface back to
	// the kernel driver it detached.
	run(t, vm, "kill $(cat "+autoDir+"/hs.pid)")
	run(t, vm, `i=0
while :; do
	y=; c=
	for d in /sys/bus/usb/devices/*:1.3; do
		case "$(readlink "$d/driver")" in */yealink) y=1 ;; */cm109) c=1 ;; esac
	done
	[ -n "$y" ] && [ -n "$c" ] && exit 0
	i=$((i+1)); [ $i -lt 400 ] || { for d in /sys/bus/usb/devices/*:1.3; do echo "$d: $(readlink "$d/driver")"; done >&2; exit 1; }
	sleep 0.025
done`)
}
