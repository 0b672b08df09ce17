package kerneltest

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/handsetd/handsetd/firmware-sim/usbipserve"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/vmtest"
)

func TestMain(m *testing.M) {
	code := vmtest.Main(m, map[string]func([]string) int{"hidraw-probe": hidrawProbe, "input-probe": inputProbe, "hidraw-backend": hidrawBackend, "open-as": openAs, "uaccess-emulate": uaccessEmulate, "peer-echo": peerEcho})
	if theVM.vm != nil {
		theVM.vm.Close()
	}
	if theVM.stop != nil {
		theVM.stop()
	}
	if theVM.binDir != "" {
		os.RemoveAll(theVM.binDir)
	}
	os.Exit(code)
}

// kernelModels is what the kernel must make of each model. A legacy model
// adds its row: the kernel's HID quirk list ignores these devices, so they
// appear on the bus with their IDs but get no hidraw node.
var kernelModels = []struct {
	model           string
	vendor, product uint16
	hidraw          bool
}{
	{model: "generic-telephony", vendor: 0x1209, product: 0x0001, hidraw: true},
	{model: "ringerless-headset", vendor: 0x1209, product: 0x0002, hidraw: true},
	{model: "jabra-headset", vendor: 0x1209, product: 0x0003, hidraw: true},
	{model: "yealink-p1k", vendor: 0x6993, product: 0xb001, hidraw: false},
	{model: "cm109-kip1000", vendor: 0x0d8c, product: 0x000e, hidraw: false},
}

// vmLimit bounds the package's whole VM life; stepLimit one guest command.
const (
	vmLimit   = 8 * time.Minute
	stepLimit = 30 * time.Second
)

// exporter serves the guest's USB/IP connections from whichever handset a
// test plugged in last.
type exporter struct {
	mu    sync.Mutex
	h     *firmwaresim.Handset
	conns sync.WaitGroup
	// attaches counts attach calls; detached is its value when a cleanup
	// last detached every port, so that the cleanups of one test after
	// the first (a replug loop registers one per attach) have nothing to do.
	attaches, detached int
}

// waitConns waits for every USB/IP connection to end, as each does once
// the guest has detached its device; one still open after 30 s is an
// error, not a test that hangs until the package's timeout.
func (e *exporter) waitConns(t *testing.T) {
	t.Helper()
	done := make(chan struct{})
	go func() { e.conns.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Errorf("a USB/IP connection is still open 30 s after every port was detached")
	}
}

func (e *exporter) set(h *firmwaresim.Handset) {
	e.mu.Lock()
	e.h = h
	e.mu.Unlock()
}

func (e *exporter) serve(ctx context.Context, c net.Conn) {
	e.mu.Lock()
	h := e.h
	e.conns.Add(1)
	e.mu.Unlock()
	defer e.conns.Done()
	if h == nil {
		return
	}
	usbipserve.ServeConn(ctx, c, h)
}

// theVM is the package's one VM, booted by the first test that needs it.
var theVM struct {
	once sync.Once
	vm   *vmtest.VM
	exp  *exporter
	err  error
	ctx  context.Context
	stop context.CancelFunc
	// handsetd is the program built for the guest before the VM booted
	// (the guest caches the host's root), in binDir; buildErr says why
	// not.
	handsetd, binDir string
	buildErr         error
}

func bootVM(t *testing.T) (*vmtest.VM, *exporter) {
	t.Helper()
	if m := vmtest.Missing(); m != "" {
		t.Skip(m)
	}
	kdir, err := vmtest.KernelDir()
	if err != nil {
		t.Skip(err)
	}
	theVM.once.Do(func() {
		theVM.ctx, theVM.stop = context.WithTimeout(context.Background(), vmLimit)
		theVM.exp = &exporter{}
		start := time.Now()
		theVM.binDir, theVM.handsetd, theVM.buildErr = buildHandsetd()
		if theVM.buildErr == nil {
			t.Logf("handsetd built for the guest in %v", time.Since(start).Round(time.Millisecond))
		}
		theVM.vm, theVM.err = vmtest.Boot(theVM.ctx, vmtest.Config{KernelDir: kdir, USBIP: theVM.exp.serve, Timeout: vmLimit})
		if theVM.err != nil {
			return
		}
		theVM.err = theVM.vm.Modprobe(theVM.ctx, "vhci-hcd nr_hcs=1", "usbhid", "hid-generic")
		t.Logf("VM boot %v, modules loaded after %v", theVM.vm.BootTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	})
	if theVM.err != nil {
		t.Fatal(theVM.err)
	}
	return theVM.vm, theVM.exp
}

// run runs a guest script that must succeed and returns its stdout.
func run(t *testing.T, vm *vmtest.VM, script string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(theVM.ctx, stepLimit)
	defer cancel()
	r, err := vm.Run(ctx, script)
	if err != nil {
		t.Fatal(err)
	}
	if r.ExitCode != 0 {
		t.Fatalf("guest: %s\nexit %d\nstdout: %s\nstderr: %s", script, r.ExitCode, r.Stdout, r.Stderr)
	}
	return string(r.Stdout)
}

// attached is a model attached to the guest's vhci-hcd.
type attached struct {
	dev    string        // the USB device's sysfs directory in the guest
	hidraw string        // its hidraw node's name, "" when it has none
	took   time.Duration // from usbip attach to enumerated, on the guest's clock
}

// attach exports h to the guest, attaches it, and waits until the kernel
// has enumerated it (and, when wantHidraw, bound hidraw). Cleanup detaches
// it and waits for the USB/IP connection to end.
func attach(t *testing.T, vm *vmtest.VM, exp *exporter, h *firmwaresim.Handset, vendor, product uint16, wantHidraw bool) attached {
	t.Helper()
	exp.set(h)
	exp.mu.Lock()
	exp.attaches++
	exp.mu.Unlock()
	t.Cleanup(func() {
		exp.mu.Lock()
		n, done := exp.attaches, exp.detached == exp.attaches
		exp.mu.Unlock()
		if done {
			return // an earlier cleanup detached every port since
		}
		start := time.Now()
		// A port may free itself between usbip port and usbip detach (the
		// device went away on its own), so a failed detach is not an error;
		// what must hold is that no port is left in use.
		run(t, vm, `for p in $(usbip port | sed -n 's/^Port \([0-9]*\):.*/\1/p'); do usbip detach -p "$p" >/dev/null 2>&1; done
i=0; while usbip port 2>/dev/null | grep -q '^Port'; do i=$((i+1)); [ $i -lt 100 ] || { usbip port; exit 1; }; sleep 0.05; done`)
		detached := time.Since(start)
		exp.waitConns(t)
		exp.set(nil)
		exp.mu.Lock()
		exp.detached = n
		exp.mu.Unlock()
		t.Logf("detach %v, connection closed after %v", detached.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	})
	want := "0"
	if wantHidraw {
		want = "1"
	}
	// The kernel enumerates after attach returns, and there is no udev in
	// the guest to wait on: poll sysfs, with a bound, using shell builtins
	// only (every process started in the emulated guest costs time). The
	// guest's clock measures the attach.
	out := run(t, vm, fmt.Sprintf(`
read t0 _ </proc/uptime
usbip attach -r %s -b %s || exit 1
i=0
while [ $i -lt 400 ]; do
	for d in /sys/bus/usb/devices/*; do
		[ -f "$d/idVendor" ] || continue
		read v <"$d/idVendor"; read p <"$d/idProduct"
		[ "$v" = %04x ] && [ "$p" = %04x ] || continue
		read n <"$d/bNumInterfaces" 2>/dev/null || continue
		k=0
		for x in "$d"/*:1.*; do [ -d "$x" ] && k=$((k+1)); done
		[ $k -ge ${n:-99} ] || continue
		raw=
		for x in "$d"/*:1.*/*/hidraw/hidraw*; do [ -e "$x" ] && raw=${x##*/}; done
		[ %s = 1 ] && [ -z "$raw" ] && continue
		read t1 _ </proc/uptime
		echo "$d $t0 $t1 $raw"
		exit 0
	done
	sleep 0.025
	i=$((i+1))
done
echo "device %04x:%04x not enumerated in 10 s" >&2
ls /sys/bus/usb/devices >&2
exit 1
`, vmtest.USBIPAddr, usbipserve.BusID, vendor, product, want, vendor, product))
	f := strings.Fields(out)
	if len(f) < 3 {
		t.Fatalf("attach printed %q", out)
	}
	t0, err0 := strconv.ParseFloat(f[1], 64)
	t1, err1 := strconv.ParseFloat(f[2], 64)
	if err0 != nil || err1 != nil {
		t.Fatalf("attach printed %q", out)
	}
	a := attached{dev: f[0], took: time.Duration((t1 - t0) * float64(time.Second))}
	if len(f) > 3 {
		a.hidraw = f[3]
	}
	return a
}

// TestKernelEnumerates proves, for every model, that the guest kernel
// enumerates it with its VID:PID, that models with a HID interface the
// kernel drives get a hidraw node whose report descriptor in sysfs equals
// the model's, and that the others get none.
func TestKernelEnumerates(t *testing.T) {
	vm, exp := bootVM(t)
	for _, m := range kernelModels {
		t.Run(m.model, func(t *testing.T) {
			h, err := firmwaresim.New(m.model, firmwaresim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			a := attach(t, vm, exp, h, m.vendor, m.product, m.hidraw)
			t.Logf("%s: attached and enumerated in %v (%s %s)", m.model, a.took.Round(time.Millisecond), a.dev, a.hidraw)
			if !m.hidraw {
				if a.hidraw != "" {
					t.Errorf("the kernel made %s for a device it should ignore", a.hidraw)
				}
				return
			}
			if a.hidraw == "" {
				t.Fatal("no hidraw node")
			}
			out := run(t, vm, "od -An -v -tx1 /sys/class/hidraw/"+a.hidraw+"/device/report_descriptor")
			got, err := hex.DecodeString(strings.Join(strings.Fields(out), ""))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, h.Descriptor()) {
				t.Errorf("report descriptor in sysfs:\n% x\nthe model's:\n% x", got, h.Descriptor())
			}
		})
	}
}

// TestKernelHidrawIO proves that reports cross the kernel's USB and HID
// stacks unchanged both ways: a program in the guest reads the generic
// model's input reports from its hidraw node, byte for byte as the firmware
// emitted them, the output reports it writes reach the firmware as exactly
// the bytes written, and a feature report set and read back with hidraw's
// ioctls (SET_REPORT and GET_REPORT on EP0) reaches the firmware.
func TestKernelHidrawIO(t *testing.T) {
	vm, exp := bootVM(t)
	outputs := make(chan []byte, 64)
	h, err := firmwaresim.New("generic-telephony", firmwaresim.Options{OnOutput: func(r []byte) {
		select {
		case outputs <- r:
		default:
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	a := attach(t, vm, exp, h, 0x1209, 0x0001, true)

	ready := []byte{0x02, 0x01} // the probe's first write: Mute LED
	writes := [][]byte{{0x02, 0x02}, {0x02, 0x24}, {0x02, 0x00}}
	input := [][]byte{{1, 0, 2, 0}, {1, 0, 0, 0}, {1, 0, 12, 0}, {1, 0, 0, 0}} // tap 1, tap #
	args := []string{"/dev/" + a.hidraw, strconv.Itoa(len(input)), hex.EncodeToString(ready)}
	for _, w := range writes {
		args = append(args, hex.EncodeToString(w))
	}
	ctx, cancel := context.WithTimeout(theVM.ctx, stepLimit)
	defer cancel()
	type result struct {
		r   vmtest.Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := vm.RunSelf(ctx, "hidraw-probe", args...)
		done <- result{r, err}
	}()

	next := func(what string) []byte {
		t.Helper()
		select {
		case r := <-outputs:
			return r
		case res := <-done:
			t.Fatalf("probe ended while waiting for %s: %v exit %d\nstdout %s\nstderr %s", what, res.err, res.r.ExitCode, res.r.Stdout, res.r.Stderr)
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		}
		return nil
	}
	// Output reports the kernel itself may send at bind time come before
	// the probe's marker; skip them.
	for {
		if bytes.Equal(next("the probe's first output report"), ready) {
			break
		}
	}
	for _, k := range []string{"1", "#"} {
		if err := h.Tap(k); err != nil {
			t.Fatal(err)
		}
	}
	for i, w := range writes {
		if got := next(fmt.Sprintf("output report %d", i)); !bytes.Equal(got, w) {
			t.Errorf("output report %d reached the firmware as % x, want % x", i, got, w)
		}
	}
	res := <-done
	if res.err != nil || res.r.ExitCode != 0 {
		t.Fatalf("probe: %v exit %d\nstdout %s\nstderr %s", res.err, res.r.ExitCode, res.r.Stdout, res.r.Stderr)
	}
	var want strings.Builder
	for _, r := range input {
		want.WriteString(hex.EncodeToString(r) + "\n")
	}
	want.WriteString("feature 0309\n") // set the ringer volume to 9, then read it back
	if got := string(res.r.Stdout); got != want.String() {
		t.Errorf("the guest read:\n%s\nwant:\n%s", got, want.String())
	}
	if s := h.State(); s.LEDs.Mute || s.LEDs.OffHook || s.Ringing || s.RingerVolume != 9 {
		t.Errorf("firmware state after the probe %+v, want everything off and ringer volume 9", s)
	}
}

// hidrawProbe runs in the guest: hidraw-probe NODE N FIRST [OUT...]. It
// opens NODE, waits out usbhid's quiet time after open, writes the FIRST
// output report (hex) as its ready signal, prints N input reports as hex
// lines, then writes each OUT report, then sets feature report 3 to 9 and
// prints it read back.
func hidrawProbe(args []string) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(os.Stderr, "hidraw-probe: "+format+"\n", a...)
		return 1
	}
	if len(args) < 3 {
		return fail("usage: hidraw-probe NODE N FIRST [OUT...]")
	}
	n, err := strconv.Atoi(args[1])
	if err != nil {
		return fail("%v", err)
	}
	f, err := os.OpenFile(args[0], os.O_RDWR, 0)
	if err != nil {
		return fail("%v", err)
	}
	defer f.Close()
	// usbhid drops input for about 50 ms after the device is opened.
	time.Sleep(150 * time.Millisecond)
	write := func(h string) error {
		b, err := hex.DecodeString(h)
		if err != nil {
			return err
		}
		if n, err := f.Write(b); err != nil || n != len(b) {
			return fmt.Errorf("write % x: wrote %d: %v", b, n, err)
		}
		return nil
	}
	if err := write(args[2]); err != nil {
		return fail("%v", err)
	}
	f.SetReadDeadline(time.Now().Add(20 * time.Second))
	buf := make([]byte, 64)
	for i := 0; i < n; i++ {
		k, err := f.Read(buf)
		if err != nil {
			return fail("read report %d: %v", i, err)
		}
		fmt.Println(hex.EncodeToString(buf[:k]))
	}
	for _, h := range args[3:] {
		if err := write(h); err != nil {
			return fail("%v", err)
		}
	}
	// Feature reports travel as SET_REPORT and GET_REPORT on EP0.
	set := []byte{3, 9}
	if err := featureIoctl(f, hidiocsfeature, set); err != nil {
		return fail("HIDIOCSFEATURE: %v", err)
	}
	get := []byte{3, 0}
	if err := featureIoctl(f, hidiocgfeature, get); err != nil {
		return fail("HIDIOCGFEATURE: %v", err)
	}
	fmt.Printf("feature %s\n", hex.EncodeToString(get))
	return 0
}

// hidraw's feature ioctls: _IOC(read|write, 'H', nr, len).
const (
	hidiocsfeature = 0x06
	hidiocgfeature = 0x07
)

func featureIoctl(f *os.File, nr uintptr, buf []byte) error {
	req := uintptr(3)<<30 | uintptr(len(buf))<<16 | uintptr('H')<<8 | nr
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var errno syscall.Errno
	if err := rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, req, uintptr(unsafe.Pointer(&buf[0])))
	}); err != nil {
		return err
	}
	if errno != 0 {
		return errno
	}
	return nil
}
