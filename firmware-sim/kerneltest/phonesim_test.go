package kerneltest

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/firmware-sim/usbipserve"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/vmtest"
)

// TestPhonesimGuestfwd proves the documented qemu setup end to end with
// the real program: qemu's guestfwd starts `phonesim --usbip stdio` for the
// guest's connection (so anything phonesim wrote on stderr would reach the
// guest and break the protocol), and the guest's `usbip attach` enumerates
// the generic model with its VID:PID, a hidraw node and the model's report
// descriptor, then detaches. It boots its own VM, since the package's VM
// forwards to an in-process server instead.
func TestPhonesimGuestfwd(t *testing.T) {
	if m := vmtest.Missing(); m != "" {
		t.Skip(m)
	}
	kdir, err := vmtest.KernelDir()
	if err != nil {
		t.Skip(err)
	}
	// Build before Boot: qemu runs the program on the host, but a file the
	// guest may look at should exist before the guest caches the root.
	start := time.Now()
	bin := filepath.Join(t.TempDir(), "phonesim")
	build := exec.Command(goTool(), "build", "-o", bin, "github.com/handsetd/handsetd/cmd/phonesim")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build phonesim: %v\n%s", err, out)
	}
	built := time.Since(start)
	logFile := filepath.Join(t.TempDir(), "phonesim.log")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	vm, err := vmtest.Boot(ctx, vmtest.Config{KernelDir: kdir, Timeout: 2 * time.Minute,
		USBIPCommand: bin + " --model generic-telephony --usbip stdio --log " + logFile})
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	if err := vm.Modprobe(ctx, "vhci-hcd nr_hcs=1", "usbhid", "hid-generic"); err != nil {
		t.Fatal(err)
	}
	booted := time.Since(start)
	r, err := vm.Run(ctx, fmt.Sprintf(`
usbip attach -r %s -b %s || exit 1
i=0
while [ $i -lt 400 ]; do
	for x in /sys/bus/usb/devices/*/*:1.*/*/hidraw/hidraw*; do
		[ -e "$x" ] || continue
		d=${x%%/*:1.*}
		read v <"$d/idVendor"; read p <"$d/idProduct"
		echo "$v:$p ${x##*/}"
		od -An -v -tx1 "/sys/class/hidraw/${x##*/}/device/report_descriptor"
		for q in $(usbip port | sed -n 's/^Port \([0-9]*\):.*/\1/p'); do usbip detach -p "$q" >/dev/null; done
		exit 0
	done
	sleep 0.025
	i=$((i+1))
done
echo "no hidraw node 10 s after attach" >&2
exit 1
`, vmtest.USBIPAddr, usbipserve.BusID))
	if err != nil {
		t.Fatal(err)
	}
	log, _ := os.ReadFile(logFile)
	if r.ExitCode != 0 {
		t.Fatalf("guest: exit %d\nstdout %s\nstderr %s\nphonesim log:\n%s\nconsole:\n%s", r.ExitCode, r.Stdout, r.Stderr, log, vm.Console())
	}
	first, rest, _ := strings.Cut(string(r.Stdout), "\n")
	if f := strings.Fields(first); len(f) != 2 || f[0] != "1209:0001" || !strings.HasPrefix(f[1], "hidraw") {
		t.Errorf("the guest enumerated %q, want 1209:0001 with a hidraw node", first)
	}
	h, err := firmwaresim.New("generic-telephony", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	got, err := hex.DecodeString(strings.Join(strings.Fields(rest), ""))
	if err != nil || !bytes.Equal(got, h.Descriptor()) {
		t.Errorf("report descriptor in the guest:\n% x (%v)\nthe model's:\n% x", got, err, h.Descriptor())
	}
	if !strings.Contains(string(log), "USB/IP on stdio") {
		t.Errorf("phonesim's --log file %q lacks its start line", log)
	}
	t.Logf("phonesim built in %v, VM booted with modules after %v, attached and detached after %v", built.Round(time.Millisecond), booted.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// goTool is the go command that runs these tests.
func goTool() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); runtime.GOROOT() != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "go"
}
