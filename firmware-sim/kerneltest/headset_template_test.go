package kerneltest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/internal/vmtest"
)

// TestKernelJabraStyleHeadset proves the jabra-headset model (Jabra's
// template: Const hook and mute, a 0-means-none keypad, vendor page 0xFF30
// copies of every report, a Consumer collection) through the real kernel:
// usbhid and hid-generic bind it and give it one hidraw node, and in the
// guest `handsetd monitor --device hidraw:/dev/hidrawN` turns the hook, a
// key and the mute button pressed on the model into exactly one Phone API
// line each, acknowledging the hook on the model's Off-Hook LED in time
// (the model neither resends nor reverts it).
func TestKernelJabraStyleHeadset(t *testing.T) {
	vm, exp := bootVM(t)
	if theVM.buildErr != nil {
		t.Fatal(theVM.buildErr)
	}
	h, outputs := newWatchedModel(t, "jabra-headset")
	defer h.Close()
	a := attach(t, vm, exp, h, 0x1209, 0x0003, true)
	want := []string{"HOOK OFF", "BTN_PRESSED 5", "BTN_RELEASED 5", "MUTE ON", "HOOK ON"}

	// monitor logs once it holds the node; after usbhid's quiet time the
	// script writes LED Ring on (output report 2, bit 3) as its ready
	// signal, then waits for monitor's lines and stops it with SIGINT.
	script := fmt.Sprintf(`
hs=%s; node=/dev/%s; n=%d
cd "${TMPDIR:-/run/tmp}" || exit 1
$hs monitor --device hidraw:$node >mon.out 2>mon.err &
m=$!
stop() { kill -INT $m 2>/dev/null; wait; }
i=0
until grep -q monitoring mon.err; do
	i=$((i+1)); [ $i -lt 400 ] || { stop; cat mon.err >&2; exit 1; }
	sleep 0.025
done
sleep 0.2
printf '\002\010\000' >$node
i=0
until [ "$(wc -l <mon.out)" -ge $n ]; do
	i=$((i+1)); [ $i -lt 800 ] || { stop; cat mon.out mon.err >&2; exit 1; }
	sleep 0.025
done
stop
echo %s; cat mon.out
cat mon.err >&2
`, shellQuote(theVM.handsetd), a.hidraw, len(want), monitorMark)

	ctx, cancel := context.WithTimeout(theVM.ctx, stepLimit)
	defer cancel()
	g := startGuest(t, ctx, func(ctx context.Context) (vmtest.Result, error) { return vm.Run(ctx, script) })
	g.waitOutput(outputs, []byte{0x02, 0x08, 0x00}, "waiting for the guest's ready signal")
	if err := h.HookOff(); err != nil {
		t.Fatal(err)
	}
	g.waitOffHookLED(h, "waiting for handsetd to light the Off-Hook LED")
	if s := h.State(); s.HookPending || s.Hook != "off" {
		t.Fatalf("the model after the Off-Hook LED: %+v", s)
	}
	if err := h.Tap("5"); err != nil {
		t.Fatal(err)
	}
	if err := h.Mute(); err != nil {
		t.Fatal(err)
	}
	for !h.State().LEDs.Mute {
		select {
		case <-h.Changed():
		case <-ctx.Done():
			g.fail("waiting for handsetd to light LED Mute")
		}
	}
	if err := h.HookOn(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res := g.finish()
	t.Logf("guest done %v after the hang-up", time.Since(start).Round(time.Millisecond))
	_, lines, ok := strings.Cut(string(res.Stdout), monitorMark+"\n")
	if !ok {
		t.Fatalf("the guest printed:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
	}
	if got := strings.Split(strings.TrimSuffix(lines, "\n"), "\n"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("handsetd monitor in the guest printed %q, want %q\nstderr:\n%s", got, want, res.Stderr)
	}
	if s := h.State(); s.Hook != "on" || s.LEDs.OffHook {
		t.Errorf("the model after the hang-up: %+v", s)
	}
}
