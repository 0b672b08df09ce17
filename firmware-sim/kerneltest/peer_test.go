package kerneltest

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/vmtest"
)

// Environment of TestKernelPeerLatency: it runs only when asked to write
// its figures (cmd/handsetd-bench does, for BENCHMARKS.md).
const (
	envPeerOut     = "HANDSETD_PEER_BENCH_OUT"
	envPeerSamples = "HANDSETD_PEER_BENCH_SAMPLES"
)

// The echo model's output reports (generic-telephony: report 2, the LED
// bits): the guest's echo role writes peerPress for a key press it saw,
// peerRelease for a release, and peerReady once it is set up.
var (
	peerPress   = []byte{0x02, 0x01}
	peerRelease = []byte{0x02, 0x00}
	peerReady   = []byte{0x02, 0x02}
)

// PeerFigures is what TestKernelPeerLatency writes (JSON): each latency in
// nanoseconds, all on the host's monotonic clock.
type PeerFigures struct {
	Kernel    string  `json:"kernel"`
	BootNS    int64   `json:"boot_ns"`
	PollNS    int64   `json:"poll_ns"` // handsetd's P1K key scan interval
	Echo      []int64 `json:"echo_ns"`
	YealinkKO []int64 `json:"yealink_ko_ns"`
	Handsetd  []int64 `json:"handsetd_ns"`
}

// TestKernelPeerLatency is a measurement, not a check: it runs only with
// HANDSETD_PEER_BENCH_OUT set (make bench sets it) and proves only that
// each path delivers every key press, in turn. It times, on the host's
// clock, from a key press on the simulated yealink-p1k (the report is
// ready at the model) to the guest's echo of it arriving back at the host
// as an output report of a second model, a generic-telephony handset the
// guest writes through its hidraw node:
//
//   - echo: the echo leg alone, as the baseline: a key pressed on the echo
//     model itself, read from its hidraw node and echoed at once;
//   - yealink.ko: the kernel driver polls the P1K (as fast as USB/IP lets
//     it) and reports the key on its input device; the echo role reads it
//     from evdev;
//   - handsetd: `handsetd run --device usb:6993:b001` (libusb, which
//     detaches yealink.ko) scans the P1K every 100 ms and sends BTN_PRESSED
//     over stream:unix: to the echo role, a minimal Phone API host.
//
// Each press comes after a pause uniform over one scan interval, so that it
// falls at a random point of handsetd's scans, and is held until its echo
// arrives, then released (and that echo awaited) before the next. (An
// earlier version of the driver left its first press after such a pause
// unechoed in two trial runs, and the pacing was the echo alone; four
// runs with pauses of up to 150 ms and up to 1 s, 2026-12-04, echoed every
// press.)
func TestKernelPeerLatency(t *testing.T) {
	out := os.Getenv(envPeerOut)
	if out == "" {
		t.Skip("a measurement for make bench: set " + envPeerOut + " to the JSON file to write")
	}
	n := 200
	if s := os.Getenv(envPeerSamples); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number of samples", envPeerSamples, s)
		}
	}
	vm, exp := bootVM(t)
	if theVM.buildErr != nil {
		t.Fatal(theVM.buildErr)
	}
	ctx, cancel := context.WithTimeout(theVM.ctx, 5*time.Minute)
	defer cancel()
	if err := vm.Modprobe(ctx, "evdev", "yealink"); err != nil {
		t.Fatal(err)
	}
	echo, outputs := newWatchedModel(t, "generic-telephony")
	defer echo.Close()
	ea := attach(t, vm, exp, echo, 0x1209, 0x0001, true)
	node := "/dev/" + ea.hidraw
	fig := PeerFigures{BootNS: int64(vm.BootTime), PollNS: int64(100 * time.Millisecond)}
	if r, err := vm.Run(ctx, "uname -r"); err == nil {
		fig.Kernel = strings.TrimSpace(string(r.Stdout))
	}

	// measure runs the echo role in the guest (role args), waits for its
	// ready signal, and times n presses on h.
	measure := func(what string, h *firmwaresim.Handset, script string) []int64 {
		t.Helper()
		rctx, rcancel := context.WithCancel(ctx)
		defer rcancel()
		g := startGuest(t, rctx, func(ctx context.Context) (vmtest.Result, error) { return vm.Run(ctx, script) })
		ready := time.AfterFunc(time.Minute, func() {
			// A stuck start: show what the guest's programs logged.
			r, _ := vm.Run(ctx, "cat /run/tmp/peer-hs.err 2>/dev/null; true")
			t.Logf("%s: not ready after a minute; handsetd's log:\n%s", what, r.Stdout)
			rcancel()
		})
		g.waitOutput(outputs, peerReady, what+": waiting for the guest's echo role to be ready")
		ready.Stop()
		var lat []int64
		for i := range n {
			key := strconv.Itoa(i % 10)
			// A pause uniform over one scan interval, so that each press
			// falls at a random point of handsetd's scans (and of
			// yealink.ko's polls), as a finger's would.
			time.Sleep(time.Duration(rand.Int64N(fig.PollNS)))
			start := time.Now()
			if err := h.Press(key); err != nil {
				t.Fatal(err)
			}
			g.waitOutput(outputs, peerPress, fmt.Sprintf("%s: waiting for the echo of press %d (%s)", what, i+1, key))
			lat = append(lat, int64(time.Since(start)))
			if err := h.Release(key); err != nil {
				t.Fatal(err)
			}
			g.waitOutput(outputs, peerRelease, fmt.Sprintf("%s: waiting for the echo of release %d (%s)", what, i+1, key))
		}
		rcancel()
		<-g.done
		return lat
	}
	self := func(args ...string) string {
		t.Helper()
		cmd, err := vmtest.SelfCommand("peer-echo", args...)
		if err != nil {
			t.Fatal(err)
		}
		return cmd
	}

	fig.Echo = measure("echo", echo, "exec "+self(node, "hidraw"))

	p1k, err := firmwaresim.New("yealink-p1k", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p1k.Close()
	attach(t, vm, exp, p1k, 0x6993, 0xb001, false)
	waitState(t, p1k, "yealink.ko's version on the LCD", func(s firmwaresim.State) bool { return s.LCD == "YLD-20051230" })
	fig.YealinkKO = measure("yealink.ko", p1k, "exec "+self(node, "evdev", "Yealink usb-p1k"))

	sock := "/run/tmp/peer.sock"
	fig.Handsetd = measure("handsetd", p1k, fmt.Sprintf(`rm -f %[1]s
%[2]s &
i=0; until [ -S %[1]s ]; do i=$((i+1)); [ $i -lt 400 ] || exit 1; sleep 0.025; done
%[3]s run --allow-root --device usb:6993:b001 --host stream:unix:%[1]s --audio=false --log-level warn 2>/run/tmp/peer-hs.err &
wait`, sock, self(node, "api", sock), shellQuote(theVM.handsetd)))

	raw, err := json.Marshal(fig)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d presses each: echo p50 %v, yealink.ko p50 %v, handsetd p50 %v", n,
		time.Duration(median(fig.Echo)), time.Duration(median(fig.YealinkKO)), time.Duration(median(fig.Handsetd)))
}

func median(d []int64) int64 {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// peerEcho runs in the guest: peer-echo NODE SOURCE [ARG]. It opens the
// echo model's hidraw NODE and writes an output report there for each key
// press and release it sees from SOURCE, peerPress or peerRelease, after
// writing peerReady once it is set up:
//
//   - hidraw: the input reports of NODE itself (a non-zero key byte is a press);
//   - evdev NAME: the EV_KEY events of the input device called NAME;
//   - api PATH: BTN_PRESSED and BTN_RELEASED lines from a Phone API client
//     (handsetd) connecting to the unix socket PATH; it answers the
//     handshake and PING, and is ready once the handshake is done.
//
// It runs until killed.
func peerEcho(args []string) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(os.Stderr, "peer-echo: "+format+"\n", a...)
		return 1
	}
	if len(args) < 2 {
		return fail("usage: peer-echo NODE hidraw|evdev NAME|api PATH")
	}
	f, err := os.OpenFile(args[0], os.O_RDWR, 0)
	if err != nil {
		return fail("%v", err)
	}
	defer f.Close()
	write := func(r []byte) error {
		if _, err := f.Write(r); err != nil {
			return fmt.Errorf("write % x to %s: %w", r, args[0], err)
		}
		return nil
	}
	echo := func(press bool) error {
		if press {
			return write(peerPress)
		}
		return write(peerRelease)
	}
	switch {
	case args[1] == "hidraw":
		time.Sleep(150 * time.Millisecond) // usbhid drops input for about 50 ms after open
		if err := write(peerReady); err != nil {
			return fail("%v", err)
		}
		buf := make([]byte, 64)
		for {
			k, err := f.Read(buf)
			if err != nil {
				return fail("read %s: %v", args[0], err)
			}
			// generic-telephony's input report 1: the key byte is the third.
			if k >= 3 && buf[0] == 1 {
				if err := echo(buf[2] != 0); err != nil {
					return fail("%v", err)
				}
			}
		}
	case args[1] == "evdev" && len(args) == 3:
		ev := inputEventNode(args[2])
		if ev == "" {
			return fail("no input device named %q", args[2])
		}
		// Blocking reads, as inputProbe does.
		fd, err := syscall.Open(ev, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != nil {
			return fail("open %s: %v", ev, err)
		}
		defer syscall.Close(fd)
		if err := write(peerReady); err != nil {
			return fail("%v", err)
		}
		b := make([]byte, 24) // struct input_event on 64-bit Linux
		for {
			if k, err := syscall.Read(fd, b); err != nil || k != len(b) {
				return fail("read %s: %d bytes, %v", ev, k, err)
			}
			typ, value := binary.LittleEndian.Uint16(b[16:]), int32(binary.LittleEndian.Uint32(b[20:]))
			if typ == 1 && value != 2 { // EV_KEY, not autorepeat
				if err := echo(value == 1); err != nil {
					return fail("%v", err)
				}
			}
		}
	case args[1] == "api" && len(args) == 3:
		ln, err := net.Listen("unix", args[2])
		if err != nil {
			return fail("%v", err)
		}
		defer ln.Close()
		c, err := ln.Accept()
		if err != nil {
			return fail("%v", err)
		}
		defer c.Close()
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return fail("read from the client: %v", err)
			}
			line = strings.TrimRight(line, "\r\n")
			tag := ""
			if strings.HasPrefix(line, "#") {
				if i := strings.IndexByte(line, ' '); i > 0 {
					tag, line = line[:i+1], line[i+1:]
				}
			}
			var reply string
			switch w, _, _ := strings.Cut(line, " "); w {
			case "BTN_PRESSED", "BTN_RELEASED":
				err = echo(w == "BTN_PRESSED")
			case "NAME":
				reply = "OK"
			case "PROTOCOL":
				reply = "PROTOCOL 5"
				err = write(peerReady)
			case "PING":
				reply = "PONG"
			}
			if err != nil {
				return fail("%v", err)
			}
			if reply != "" {
				if _, err := c.Write([]byte(tag + reply + "\n")); err != nil {
					return fail("write to the client: %v", err)
				}
			}
		}
	}
	return fail("unknown source %q", strings.Join(args[1:], " "))
}
