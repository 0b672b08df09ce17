package kerneltest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/vmtest"
)

// TestKernelHandsetdFollowsItsNode proves, under the real kernel, that
// handsetd run --device hidraw:/dev/hidrawN follows its handset and not
// the node: the handset is unplugged (usbip detach), another phone of the
// same model is plugged in and takes the freed node (the kernel hands out
// the lowest free hidraw minor), and then the handset comes back at
// another node. The other phone goes to --device auto, which runs beside
// and never takes the followed handset; the followed handset is announced
// again from its new node, once, its keys reach the host, and the log says
// once that it is back, with the new node.
func TestKernelHandsetdFollowsItsNode(t *testing.T) {
	vm, exp := bootVM(t)
	if theVM.buildErr != nil {
		t.Fatal(theVM.buildErr)
	}
	host := buildHost(t)
	ctx, cancel := context.WithTimeout(theVM.ctx, 2*time.Minute)
	defer cancel()
	tel, err := firmwaresim.New("generic-telephony", firmwaresim.Options{Serial: "FOLLOW01"})
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Close()
	other, err := firmwaresim.New("generic-telephony", firmwaresim.Options{Serial: "OTHER02"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	first := attach(t, vm, exp, tel, 0x1209, 0x0001, true)
	g := startDriver(t, ctx, vm, host, "hidraw:/dev/"+first.hidraw, "auto")
	g.waitLine("host.out", "<- NAME", 1)
	g.hold(tel, "3", 1)

	detachID(t, vm, 0x1209, 0x0001)
	g.waitLine("hs.err", "handset unplugged; waiting for it to come back", 1)
	attach(t, vm, exp, other, 0x1209, 0x0001, true)
	taken := nodeOf(t, vm, "OTHER02")
	if taken != first.hidraw {
		t.Fatalf("the other phone came as %s, not at the freed %s: the test needs the node taken", taken, first.hidraw)
	}
	g.waitLine("hs.err", `msg="handset plugged in"`, 1) // auto's
	g.waitLine("host.out", "<- NAME", 2)
	// attach waits for a 1209:0001 with a hidraw node, which the other
	// phone is: wait for the handset's own node.
	attach(t, vm, exp, tel, 0x1209, 0x0001, true)
	back := nodeOf(t, vm, "FOLLOW01")
	if back == first.hidraw {
		t.Fatalf("the handset came back at %s, its old node", back)
	}
	g.waitLine("hs.err", "the handset is back", 1)
	g.waitLine("host.out", "<- NAME", 3)
	g.hold(tel, "3", 2)
	g.hold(other, "8", 1)

	log := g.file("hs.err")
	if n := strings.Count(log, "the handset is back"); n != 1 || !strings.Contains(log, "node=/dev/"+back) || !strings.Contains(log, "FOLLOW01") {
		t.Errorf("want one line saying the handset FOLLOW01 is back at /dev/%s:\n%s", back, log)
	}
	if n := strings.Count(log, `msg="handset plugged in"`); n != 1 {
		t.Errorf("auto started %d drivers, want 1 (the other phone only):\n%s", n, log)
	}
	if n := g.count("host.out", "<- NAME"); n != 3 {
		t.Errorf("the host saw %d NAMEs, want 3 (the handset twice, the other phone once):\n%s", n, g.file("host.out"))
	}
	if strings.Contains(log, "level=WARN") || strings.Contains(log, "level=ERROR") {
		t.Errorf("a replug is no warning:\n%s", log)
	}
	t.Logf("handset at %s, the other phone took %s, the handset came back at %s", first.hidraw, taken, back)
	run(t, vm, "kill $(cat "+autoDir+"/hs.pid)")
}

// nodeOf waits for the hidraw node of the USB device with serial and
// returns its name.
func nodeOf(t *testing.T, vm *vmtest.VM, serial string) string {
	t.Helper()
	out := run(t, vm, fmt.Sprintf(`i=0
while [ $i -lt 400 ]; do
	for x in /sys/class/hidraw/hidraw*; do
		read s <"$x/device/../../serial" 2>/dev/null || continue
		[ "$s" = %s ] && { echo "${x##*/}"; exit 0; }
	done
	sleep 0.025; i=$((i+1))
done
echo "no hidraw node with serial %s" >&2; exit 1`, serial, serial))
	return strings.TrimSpace(out)
}
