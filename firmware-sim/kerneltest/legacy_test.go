package kerneltest

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/vmtest"
)

// TestKernelLegacyDrivers runs the kernel's own drivers for the legacy
// phones, yealink.ko and cm109.ko, against the firmware models: the
// strictest check that the models speak the phones' protocols byte for
// byte. A program in the guest opens the input device the driver made (which
// starts the driver's polling) and prints the key events it reads; the
// test presses keys on the model, each held until the driver has polled
// it, and compares. For the P1K it also reads back, from the model's LCD
// segment RAM, the version string the driver writes on the display, and the
// ring notes the driver uploads.
func TestKernelLegacyDrivers(t *testing.T) {
	vm, exp := bootVM(t)
	ctx, cancel := context.WithTimeout(theVM.ctx, stepLimit)
	defer cancel()
	if err := vm.Modprobe(ctx, "evdev", "yealink", "cm109"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		model, input    string
		vendor, product uint16
		// ready is what the probe does once it reads the input device,
		// and readyState how the model shows it: the driver opens the
		// device for the console keyboard handler as soon as it binds, so
		// its polling says nothing about the probe.
		ready      string
		readyState func(firmwaresim.State) bool
		acts       []string // control lines: press KEY, release KEY, mute
		want       []string // "code value" of each EV_KEY event
	}{
		{
			model: "yealink-p1k", input: "Yealink usb-p1k", vendor: 0x6993, product: 0xb001,
			// The driver's sysfs line3 writes the twelve-digit line.
			ready:      "line3=123456789012",
			readyState: func(s firmwaresim.State) bool { return s.LCD == "123456789012" },
			acts:       []string{"press 5", "release 5", "press YES", "release YES", "press #", "release #"},
			// KEY_5, KEY_ENTER, and # as KEY_LEFTSHIFT with KEY_3.
			want: []string{"6 1", "6 0", "28 1", "28 0", "42 1", "4 1", "42 0", "4 0"},
		},
		{
			model: "cm109-kip1000", input: "CM109 USB driver", vendor: 0x0d8c, product: 0x000e,
			// An EV_SND bell event sounds the buzzer.
			ready:      "bell",
			readyState: func(s firmwaresim.State) bool { return s.Ringing },
			acts:       []string{"press 5", "release 5", "press YES", "release YES", "press PAGEUP", "release PAGEUP", "mute"},
			// The driver reports a keypad key down and up within one scan:
			// KEY_NUMERIC_5, KEY_ENTER; then KEY_VOLUMEUP as held, and
			// KEY_MICMUTE pressed and released.
			want: []string{"517 1", "517 0", "28 1", "28 0", "115 1", "115 0", "248 1", "248 0"},
		},
	} {
		t.Run(tc.model, func(t *testing.T) {
			outputs := make(chan []byte, 1024)
			h, err := firmwaresim.New(tc.model, firmwaresim.Options{OnOutput: func(r []byte) {
				select {
				case outputs <- r:
				default: // a driver that polls flat out; the waits below look at recent reports
				}
			}})
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			attach(t, vm, exp, h, tc.vendor, tc.product, false)

			pctx, pcancel := context.WithTimeout(theVM.ctx, 2*stepLimit)
			defer pcancel()
			type result struct {
				r   vmtest.Result
				err error
			}
			done := make(chan result, 1)
			go func() {
				r, err := vm.RunSelf(pctx, "input-probe", tc.input, strconv.Itoa(len(tc.want)), tc.ready)
				done <- result{r, err}
			}()
			// wait drains the output reports until ok, failing if the
			// probe ends first.
			wait := func(what string, ok func([]byte) bool) {
				t.Helper()
				for {
					select {
					case r := <-outputs:
						if ok(r) {
							return
						}
					case res := <-done:
						t.Fatalf("probe ended while waiting for %s: %v exit %d\nstdout %s\nstderr %s", what, res.err, res.r.ExitCode, res.r.Stdout, res.r.Stderr)
					case <-pctx.Done():
						t.Fatalf("waiting for %s: %v; state %+v", what, pctx.Err(), h.State())
					}
				}
			}
			// waitState waits until the model's state satisfies ok.
			waitState := func(what string, ok func(firmwaresim.State) bool) {
				t.Helper()
				for {
					ch := h.Changed()
					if ok(h.State()) {
						return
					}
					select {
					case <-ch:
					case <-outputs: // keep the channel from filling
					case res := <-done:
						t.Fatalf("probe ended while waiting for %s: %v exit %d\nstdout %s\nstderr %s", what, res.err, res.r.ExitCode, res.r.Stdout, res.r.Stderr)
					case <-pctx.Done():
						t.Fatalf("waiting for %s: %v; state %+v", what, pctx.Err(), h.State())
					}
				}
			}
			yealink := tc.model == "yealink-p1k"
			if yealink {
				// What the driver writes when it binds: its version on
				// the display and its default ring notes.
				waitState("the driver's version on the LCD", func(s firmwaresim.State) bool { return s.LCD == "YLD-20051230" })
				s := h.State()
				if want := strings.Repeat("1250Hz/120ms 1000Hz/120ms ", 4) + "-/4000ms"; s.RingTone != want || s.RingerVolume != 0xef {
					t.Errorf("ring notes %q volume %#x, want the driver's default %q volume 0xef", s.RingTone, s.RingerVolume, want)
				}
			}
			waitState("the probe to be ready ("+tc.ready+")", tc.readyState)
			// Each action is held until the driver has certainly read it:
			// the Yealink driver has fetched that very key event (SCANCODE
			// with the event's ring offset), or the CM109 driver has driven
			// every column once (a keypad key) or written three times (the
			// buttons of byte 0) since.
			for i, a := range tc.acts {
				if got := h.Exec(a); got != "ok" {
					t.Fatalf("%s: %s", a, got)
				}
				f := strings.Fields(a)
				switch {
				case yealink:
					wait("the driver to fetch key event "+strconv.Itoa(i+1), func(r []byte) bool { return r[1] == 0x81 && r[4] == byte(i%32) })
				case f[len(f)-1] == "PAGEUP" || a == "mute":
					for range 3 {
						wait("the driver to poll after "+a, func([]byte) bool { return true })
					}
				default:
					for _, col := range []byte{0x01, 0x08, 0x0f} {
						wait(fmt.Sprintf("the driver to drive GPO %#02x after %s", col, a), func(r []byte) bool { return r[2] == col })
					}
				}
			}
			res := <-done
			if res.err != nil || res.r.ExitCode != 0 {
				t.Fatalf("probe: %v exit %d\nstdout %s\nstderr %s", res.err, res.r.ExitCode, res.r.Stdout, res.r.Stderr)
			}
			if got := strings.TrimSpace(string(res.r.Stdout)); got != strings.Join(tc.want, "\n") {
				t.Errorf("the driver reported:\n%s\nwant:\n%s", got, strings.Join(tc.want, "\n"))
			}
			if s := h.State(); s.BadPackets != 0 {
				t.Errorf("the firmware rejected %d of the driver's packets", s.BadPackets)
			}
		})
	}
}

// inputProbe runs in the guest: input-probe NAME N READY. It waits up to
// 10 s for the input device called NAME, opens its event node, signals that
// it reads by READY ("line3=TEXT": write TEXT to the Yealink driver's
// line3 attribute; "bell": send the device a bell sound event), and prints
// "code value" for each of the first N key events (EV_KEY) it reads.
func inputProbe(args []string) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(os.Stderr, "input-probe: "+format+"\n", a...)
		return 1
	}
	if len(args) != 3 {
		return fail("usage: input-probe NAME N READY")
	}
	n, err := strconv.Atoi(args[1])
	if err != nil {
		return fail("%v", err)
	}
	var node string
	for deadline := time.Now().Add(10 * time.Second); node == "" && time.Now().Before(deadline); {
		names, _ := filepath.Glob("/sys/class/input/event*/device/name")
		for _, p := range names {
			if b, err := os.ReadFile(p); err == nil && strings.TrimSpace(string(b)) == args[0] {
				node = "/dev/input/" + filepath.Base(filepath.Dir(filepath.Dir(p)))
			}
		}
		if node == "" {
			// The guest has no udev to wait on, and the driver registers
			// its input device while the USB core binds it, just after the
			// interface appears.
			time.Sleep(50 * time.Millisecond)
		}
	}
	if node == "" {
		return fail("no input device named %q", args[0])
	}
	// A plain blocking descriptor: evdev's wake-ups did not reach Go's
	// poller here, so the deadline is a timer that ends the process.
	fd, err := syscall.Open(node, syscall.O_RDWR|syscall.O_CLOEXEC, 0)
	if err != nil {
		return fail("open %s: %v", node, err)
	}
	defer syscall.Close(fd)
	switch text, ok := strings.CutPrefix(args[2], "line3="); {
	case ok:
		// event node → input device → the USB interface with the driver's
		// attributes.
		attr := filepath.Join("/sys/class/input", filepath.Base(node), "device", "device", "line3")
		if err := os.WriteFile(attr, []byte(text), 0); err != nil {
			return fail("%v", err)
		}
	case args[2] == "bell":
		ev := make([]byte, 24)
		binary.LittleEndian.PutUint16(ev[16:], 0x12) // EV_SND
		binary.LittleEndian.PutUint16(ev[18:], 0x01) // SND_BELL
		binary.LittleEndian.PutUint32(ev[20:], 1)
		if _, err := syscall.Write(fd, ev); err != nil {
			return fail("write a bell event: %v", err)
		}
	default:
		return fail("unknown READY %q", args[2])
	}
	time.AfterFunc(50*time.Second, func() {
		fmt.Fprintf(os.Stderr, "input-probe: no %d key events on %s in 50 s\n", n, node)
		os.Exit(1)
	})
	// struct input_event on 64-bit Linux: a 16-byte timeval, then type,
	// code (16 bits each) and value (32 bits).
	ev := make([]byte, 24)
	for printed := 0; printed < n; {
		if k, err := syscall.Read(fd, ev); err != nil || k != len(ev) {
			return fail("read %s: %d bytes, %v", node, k, err)
		}
		typ, code := binary.LittleEndian.Uint16(ev[16:]), binary.LittleEndian.Uint16(ev[18:])
		value := int32(binary.LittleEndian.Uint32(ev[20:]))
		if typ == 1 && value != 2 { // EV_KEY, not autorepeat
			fmt.Printf("%d %d\n", code, value)
			printed++
		}
	}
	return 0
}
