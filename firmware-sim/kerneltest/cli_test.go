package kerneltest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/driver"
	"github.com/handsetd/handsetd/hid/replay"
	"github.com/handsetd/handsetd/internal/vmtest"
	"github.com/handsetd/handsetd/keymap"
)

// buildHandsetd builds cmd/handsetd into a new directory, with the race
// detector when the tests have it (so the build cache serves it).
func buildHandsetd() (dir, bin string, err error) {
	dir, err = os.MkdirTemp("", "kerneltest-bin-")
	if err != nil {
		return "", "", err
	}
	bin = filepath.Join(dir, "handsetd")
	args := []string{"build", "-o", bin}
	if raceBuild {
		args = append(args, "-race", "-gcflags=github.com/gordonklaus/portaudio=-d=checkptr=0")
	}
	cmd := exec.Command(goTool(), append(args, "github.com/handsetd/handsetd/cmd/handsetd")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return dir, "", fmt.Errorf("go build handsetd: %v\n%s", err, out)
	}
	return dir, bin, nil
}

// TestKernelHandsetdCLI proves the real program on a real kernel: in the
// guest, `handsetd monitor --device hidraw:/dev/hidrawN` prints the Phone
// API lines for the keys pressed on the generic model from the host, and
// acknowledges the hook on the model's Off-Hook LED, while `handsetd record
// --passive --device hidraw:…` on the same node (hidraw gives each reader
// every report) writes a recording that replays on the host into the same
// lines.
func TestKernelHandsetdCLI(t *testing.T) {
	vm, exp := bootVM(t)
	if theVM.buildErr != nil {
		t.Fatal(theVM.buildErr)
	}
	h, outputs := newWatchedHandset(t)
	defer h.Close()
	a := attach(t, vm, exp, h, 0x1209, 0x0001, true)
	want := []string{"HOOK OFF", "BTN_PRESSED 7", "BTN_RELEASED 7", "HOOK ON"}

	// Both programs log once they hold the node; after usbhid's quiet
	// time the script writes the Mute LED on as its ready signal, then
	// waits for monitor's lines and stops both with SIGINT.
	script := fmt.Sprintf(`
hs=%s; node=/dev/%s; n=%d
cd "${TMPDIR:-/run/tmp}" || exit 1
$hs monitor --device hidraw:$node >mon.out 2>mon.err &
m=$!
$hs record --passive --device hidraw:$node >rec.hid 2>rec.err &
r=$!
stop() { kill -INT $m $r 2>/dev/null; wait; }
i=0
until grep -q monitoring mon.err && grep -q recording rec.err; do
	i=$((i+1)); [ $i -lt 400 ] || { stop; cat mon.err rec.err >&2; exit 1; }
	sleep 0.025
done
sleep 0.2
printf '\002\001' >$node
i=0
until [ "$(wc -l <mon.out)" -ge $n ]; do
	i=$((i+1)); [ $i -lt 800 ] || { stop; cat mon.out mon.err rec.err >&2; exit 1; }
	sleep 0.025
done
stop
echo %s; cat mon.out; echo %s; cat rec.hid
cat mon.err rec.err >&2
`, shellQuote(theVM.handsetd), a.hidraw, len(want), monitorMark, recordingMark)

	ctx, cancel := context.WithTimeout(theVM.ctx, stepLimit)
	defer cancel()
	g := startGuest(t, ctx, func(ctx context.Context) (vmtest.Result, error) { return vm.Run(ctx, script) })
	ready := []byte{0x02, 0x01}
	g.waitOutput(outputs, ready, "waiting for the guest's ready signal")
	readyAt := time.Since(g.start)
	if err := h.HookOff(); err != nil {
		t.Fatal(err)
	}
	g.waitOffHookLED(h, "waiting for handsetd to light the Off-Hook LED")
	ledAt := time.Since(g.start)
	if err := h.Tap("7"); err != nil {
		t.Fatal(err)
	}
	if err := h.HookOn(); err != nil {
		t.Fatal(err)
	}
	res := g.finish()
	t.Logf("handsetd ready in the guest %v after start, Off-Hook LED on the model %v after ready, all done after %v",
		readyAt.Round(time.Millisecond), (ledAt - readyAt).Round(time.Millisecond), time.Since(g.start).Round(time.Millisecond))
	_, rest, ok1 := strings.Cut(string(res.Stdout), monitorMark+"\n")
	lines, recording, ok2 := strings.Cut(rest, recordingMark+"\n")
	if !ok1 || !ok2 {
		t.Fatalf("the guest printed:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
	}
	if got := strings.Split(strings.TrimSuffix(lines, "\n"), "\n"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("handsetd monitor in the guest printed %q, want %q\nstderr:\n%s", got, want, res.Stderr)
	}
	if got := replayLines(t, ctx, recording); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("handsetd record's file replays on the host as %q, want %q\nrecording:\n%s", got, want, recording)
	}
}

// shellQuote quotes s for the guest's shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// replayLines plays a recording on the host through the driver's monitor
// and returns the Phone API lines it prints.
func replayLines(t *testing.T, ctx context.Context, recording string) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "guest.hid")
	if err := os.WriteFile(path, []byte(recording), 0o644); err != nil {
		t.Fatal(err)
	}
	rec, err := replay.Load(path, -1)
	if err != nil {
		t.Fatalf("load the guest's recording: %v\n%s", err, recording)
	}
	d, err := replay.New(rec, replay.Options{Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	desc, _ := d.ReportDescriptor()
	prof, err := keymap.ForDevice(d.Info(), desc)
	if err != nil {
		t.Fatal(err)
	}
	var replayed bytes.Buffer
	if err := driver.Monitor(ctx, d, prof, &replayed, nil); !replay.IsFinished(err) {
		t.Fatalf("replay: %v, want the recording to finish", err)
	}
	return strings.Split(strings.TrimSuffix(replayed.String(), "\n"), "\n")
}
