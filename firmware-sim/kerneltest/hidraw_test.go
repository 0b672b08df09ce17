package kerneltest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handsetd/handsetd/driver"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidraw"
	"github.com/handsetd/handsetd/hid/hidrec"
	"github.com/handsetd/handsetd/hid/replay"
	"github.com/handsetd/handsetd/internal/vmtest"
	"github.com/handsetd/handsetd/keymap"
)

// Section markers in the hidraw-backend role's output.
const (
	monitorMark   = "--- monitor"
	recordingMark = "--- recording"
)

// TestKernelHidrawBackend proves handsetd's hidraw backend (hid/hidraw)
// against the real kernel: in the guest, the generic model's hidraw node is
// opened with hidraw.Open, its identity comes from HIDIOCGRAWINFO and sysfs,
// a feature report round-trips through the ioctls, a cancelled ctx and a
// Close both unblock a waiting read, and the driver's monitor, reading
// through a recorder, turns the keys pressed on the model on the host side
// into the Phone API lines — acknowledging the hook on the Off-Hook LED,
// which reaches the model as an output report — and pulling the model out
// fails the guest's reads and writes with hid.ErrDisconnected. The
// recording made in the guest then replays on the host into the same lines.
func TestKernelHidrawBackend(t *testing.T) {
	vm, exp := bootVM(t)
	h, outputs := newWatchedHandset(t)
	defer h.Close()
	a := attach(t, vm, exp, h, 0x1209, 0x0001, true)
	iface := strings.TrimSpace(run(t, vm, "cat /sys/class/hidraw/"+a.hidraw+"/device/../bInterfaceNumber"))
	ifaceNum, err := strconv.ParseUint(iface, 16, 8)
	if err != nil {
		t.Fatalf("bInterfaceNumber %q: %v", iface, err)
	}
	sysfs := strings.Split(strings.TrimSpace(run(t, vm, fmt.Sprintf("cat %s/serial %s/product %s/manufacturer", a.dev, a.dev, a.dev))), "\n")
	if len(sysfs) != 3 || sysfs[0] == "" {
		t.Fatalf("serial, product, manufacturer in the guest's sysfs: %q", sysfs)
	}
	want := []string{"HOOK OFF", "BTN_PRESSED 5", "BTN_RELEASED 5", "HOOK ON"}

	ctx, cancel := context.WithTimeout(theVM.ctx, stepLimit)
	defer cancel()
	g := startGuest(t, ctx, func(ctx context.Context) (vmtest.Result, error) {
		return vm.RunSelf(ctx, "hidraw-backend", "/dev/"+a.hidraw, strconv.Itoa(len(want)))
	})
	// The role's ready signal is the Mute LED on; output reports the
	// kernel sends at bind time come before it.
	ready := []byte{0x02, 0x01}
	g.waitOutput(outputs, ready, "waiting for the guest's ready signal")
	readyAt := time.Since(g.start)
	if s := h.State(); s.RingerVolume != 9 {
		t.Errorf("ringer volume on the model %d, want 9 (set by HIDIOCSFEATURE in the guest)", s.RingerVolume)
	}
	if err := h.HookOff(); err != nil {
		t.Fatal(err)
	}
	// The driver acknowledges the hook on the Off-Hook LED: wait until the
	// model has it, which also proves the guest read the hook report.
	g.waitOffHookLED(h, "waiting for the Off-Hook LED")
	ledAt := time.Since(g.start)
	if err := h.Tap("5"); err != nil {
		t.Fatal(err)
	}
	if err := h.HookOn(); err != nil {
		t.Fatal(err)
	}
	// The role signals again (Mute LED on, which the driver never sets
	// here) when it waits for the unplug: pull the handset out, which
	// drops the USB/IP connection as a pulled cable drops the bus.
	g.waitOutput(outputs, ready, "waiting for the guest to wait for the unplug")
	unplugAt := time.Now()
	if err := h.Unplug(); err != nil {
		t.Fatal(err)
	}
	res := g.finish()
	t.Logf("guest ready %v after start, Off-Hook LED on the model %v after ready, guest saw the unplug within %v, all done after %v",
		readyAt.Round(time.Millisecond), (ledAt - readyAt).Round(time.Millisecond), time.Since(unplugAt).Round(time.Millisecond), time.Since(g.start).Round(time.Millisecond))
	out := string(res.Stdout)
	t.Logf("guest: %s", strings.TrimSpace(string(res.Stderr)))
	head, rest, ok1 := strings.Cut(out, monitorMark+"\n")
	lines, recording, ok2 := strings.Cut(rest, recordingMark+"\n")
	if !ok1 || !ok2 {
		t.Fatalf("the guest printed:\n%s", out)
	}
	checks := []string{
		fmt.Sprintf("info 1209:0001 interface=%d", ifaceNum),
		fmt.Sprintf("ident serial=%q product=%q manufacturer=%q", sysfs[0], sysfs[1], sysfs[2]),
		"feature 0309",
		"deadline ok",
		"close ok",
		"unplug ok",
	}
	for _, c := range checks {
		if !strings.Contains(head, c+"\n") {
			t.Errorf("the guest's checks lack %q:\n%s", c, head)
		}
	}
	if got := strings.Split(strings.TrimSuffix(lines, "\n"), "\n"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("monitor in the guest printed %q, want %q", got, want)
	}

	// The guest's recording replays on the host into the same lines.
	if got := replayLines(t, ctx, recording); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the guest's recording replays on the host as %q, want %q\nrecording:\n%s", got, want, recording)
	}
}

// lineLimit passes writes to w and calls done once n lines went through.
type lineLimit struct {
	mu   sync.Mutex
	w    *bytes.Buffer
	n    int
	done context.CancelFunc
}

func (l *lineLimit) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.w.Write(p)
	l.n -= bytes.Count(p, []byte("\n"))
	if l.n <= 0 {
		l.done()
	}
	return len(p), nil
}

// hidrawBackend runs in the guest: hidraw-backend NODE LINES. It opens NODE
// with hid/hidraw, prints its checks (identity, a feature round trip, a
// read that ctx's deadline ends), signals ready with the Mute LED, monitors
// through a recorder until LINES Phone API lines came, checks that Close
// unblocks a read, signals again and waits for the unplug to fail reads and
// writes with hid.ErrDisconnected, then prints the lines and the recording.
func hidrawBackend(args []string) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(os.Stderr, "hidraw-backend: "+format+"\n", a...)
		return 1
	}
	if len(args) != 2 {
		return fail("usage: hidraw-backend NODE LINES")
	}
	n, err := strconv.Atoi(args[1])
	if err != nil {
		return fail("%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	dev, err := hidraw.Open(args[0])
	if err != nil {
		return fail("%v", err)
	}
	defer dev.Close()
	// A second handle on the node, for the Close check: hidraw gives every
	// open file its own copy of the reports.
	dev2, err := hidraw.Open(args[0])
	if err != nil {
		return fail("%v", err)
	}
	defer dev2.Close()
	var head bytes.Buffer
	info := dev.Info()
	fmt.Fprintf(&head, "info %04x:%04x interface=%d\n", info.VendorID, info.ProductID, info.Interface)
	fmt.Fprintf(&head, "ident serial=%q product=%q manufacturer=%q\n", info.Serial, info.Product, info.Manufacturer)
	fmt.Fprintf(os.Stderr, "hidraw-backend: opened %v serial %q manufacturer %q\n", info, info.Serial, info.Manufacturer)
	// usbhid drops input for about 50 ms after the node is opened.
	select {
	case <-time.After(150 * time.Millisecond):
	case <-ctx.Done():
		return fail("%v", ctx.Err())
	}
	if err := dev.SetFeature([]byte{3, 9}); err != nil {
		return fail("%v", err)
	}
	get := []byte{3, 0}
	k, err := dev.GetFeature(get)
	if err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(&head, "feature %x\n", get[:k])
	buf := make([]byte, 64)
	dctx, dcancel := context.WithTimeout(ctx, 50*time.Millisecond)
	_, err = dev.ReadInput(dctx, buf)
	dcancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		return fail("read with nothing pending past its deadline: %v, want context.DeadlineExceeded", err)
	}
	head.WriteString("deadline ok\n")

	if err := dev.WriteOutput([]byte{0x02, 0x01}); err != nil {
		return fail("%v", err)
	}
	var recording bytes.Buffer
	rec, err := replay.NewRecorder(dev, hidrec.NewWriter(&recording), replay.RecorderOptions{Comment: "recorded in the guest through hid/hidraw"})
	if err != nil {
		return fail("%v", err)
	}
	desc, _ := rec.ReportDescriptor()
	prof, err := keymap.ForDevice(info, desc)
	if err != nil {
		return fail("%v", err)
	}
	var lines bytes.Buffer
	mctx, mcancel := context.WithCancel(ctx)
	err = driver.Monitor(mctx, rec, prof, &lineLimit{w: &lines, n: n, done: mcancel}, nil)
	mcancel()
	if err != nil || ctx.Err() != nil {
		return fail("monitor: %v (ctx %v) after:\n%s", err, ctx.Err(), lines.String())
	}

	errc := make(chan error, 1)
	go func() {
		_, err := dev2.ReadInput(ctx, make([]byte, 64))
		errc <- err
	}()
	dev2.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, hid.ErrClosed) {
			return fail("read across Close: %v, want hid.ErrClosed", err)
		}
	case <-ctx.Done():
		return fail("Close did not unblock a read")
	}
	head.WriteString("close ok\n")

	// Unplug: the host pulls the handset after this signal; reads drain
	// what is queued and then fail, and so do writes. The model has the
	// signal before its completion travels back to this kernel, so the
	// host may pull the handset while this write still waits: then the
	// write itself fails with hid.ErrDisconnected, as a write does when a
	// cable is pulled mid-transfer, and the reads below must fail too.
	if err := dev.WriteOutput([]byte{0x02, 0x01}); err != nil && !errors.Is(err, hid.ErrDisconnected) {
		return fail("%v", err)
	}
	for {
		_, err := dev.ReadInput(ctx, buf)
		if err == nil {
			continue
		}
		if !errors.Is(err, hid.ErrDisconnected) {
			return fail("read after unplug: %v, want hid.ErrDisconnected", err)
		}
		fmt.Fprintf(os.Stderr, "hidraw-backend: read after unplug: %v\n", err)
		break
	}
	if err := dev.WriteOutput([]byte{0x02, 0x00}); !errors.Is(err, hid.ErrDisconnected) {
		return fail("write after unplug: %v, want hid.ErrDisconnected", err)
	}
	head.WriteString("unplug ok\n")
	fmt.Print(head.String() + monitorMark + "\n" + lines.String() + recordingMark + "\n" + recording.String())
	return 0
}
