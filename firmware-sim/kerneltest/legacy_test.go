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
// it, and compares: every key of the P1K, and every key of each of the
// four phones the cm109 driver has a keymap for, with the volume button. For the P1K it also reads back, from the model's LCD
// segment RAM, the version string the driver writes on the display, and the
// ring notes the driver uploads.
func TestKernelLegacyDrivers(t *testing.T) {
	vm, exp := bootVM(t)
	ctx, cancel := context.WithTimeout(theVM.ctx, stepLimit)
	defer cancel()
	if err := vm.Modprobe(ctx, "evdev", "yealink"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range legacyKernelCases() {
		t.Run(tc.model, func(t *testing.T) {
			if tc.module != "" {
				// The cm109 driver's keymap is a module parameter.
				run(t, vm, "rmmod "+strings.Fields(tc.module)[0]+" 2>/dev/null; true")
				mctx, mcancel := context.WithTimeout(theVM.ctx, stepLimit)
				defer mcancel()
				if err := vm.Modprobe(mctx, tc.module); err != nil {
					t.Fatal(err)
				}
			}
			runLegacyCase(t, vm, exp, tc, true)
		})
	}
}

// TestKernelTap proves phonesim's tap reaches a polling kernel driver: a
// "tap KEY" control line, with no wait after it, gives the key's press and
// release events from yealink.ko and cm109.ko, for every key of the P1K and
// of the KIP1000 (with its volume button). Tap holds the key until the
// firmware has reported it to the host, so nothing is lost between polls.
func TestKernelTap(t *testing.T) {
	vm, exp := bootVM(t)
	ctx, cancel := context.WithTimeout(theVM.ctx, stepLimit)
	defer cancel()
	if err := vm.Modprobe(ctx, "evdev", "yealink"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range legacyKernelCases() {
		if tc.model != "yealink-p1k" && tc.model != "cm109-kip1000" {
			continue
		}
		// Each "press K", "release K" pair becomes "tap K"; the events
		// the driver must report stay the same.
		var acts []string
		for i := 0; i+1 < len(tc.acts); i += 2 {
			k, ok := strings.CutPrefix(tc.acts[i], "press ")
			if !ok || tc.acts[i+1] != "release "+k {
				t.Fatalf("%s: actions %q %q are not a press and its release", tc.model, tc.acts[i], tc.acts[i+1])
			}
			acts = append(acts, "tap "+k)
		}
		tc.acts = acts
		t.Run(tc.model, func(t *testing.T) {
			if tc.module != "" {
				run(t, vm, "rmmod "+strings.Fields(tc.module)[0]+" 2>/dev/null; true")
				mctx, mcancel := context.WithTimeout(theVM.ctx, stepLimit)
				defer mcancel()
				if err := vm.Modprobe(mctx, tc.module); err != nil {
					t.Fatal(err)
				}
			}
			runLegacyCase(t, vm, exp, tc, false)
		})
	}
}

// runLegacyCase attaches tc's model to the guest's kernel driver, runs its
// actions while the probe reads the input device, and checks the key events
// the driver reported. With waitEach, each action is followed by a wait
// until the driver has certainly read it; without, the actions must see to
// that themselves (tap).
func runLegacyCase(t *testing.T, vm *vmtest.VM, exp *exporter, tc legacyCase, waitEach bool) {
	t.Helper()
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
		r, err := vm.RunSelf(pctx, "input-probe", tc.input, tc.want[len(tc.want)-1], tc.ready)
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
		if !waitEach {
			continue // the action held itself until the driver read it (tap)
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
	got := strings.Split(strings.TrimSpace(string(res.r.Stdout)), "\n")
	if !waitEach && sameKeyEvents(got, tc.want) {
		// Taps follow each other without a pause, and cm109.ko reports
		// a keypad key's release only at its next scan, by which time
		// the volume button (read from another register) may be down.
		got = tc.want
	}
	if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
		t.Errorf("the driver reported:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
	}
	if s := h.State(); s.BadPackets != 0 {
		t.Errorf("the firmware rejected %d of the driver's packets", s.BadPackets)
	}
}

// sameKeyEvents tells whether got holds the events of want, each key's in
// the same order (press, then release), the presses in want's order, and
// nothing else.
func sameKeyEvents(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	perKey := func(evs []string) (map[string][]string, []string) {
		m := map[string][]string{}
		var presses []string
		for _, e := range evs {
			code, value, _ := strings.Cut(e, " ")
			m[code] = append(m[code], value)
			if value == "1" {
				presses = append(presses, code)
			}
		}
		return m, presses
	}
	gm, gp := perKey(got)
	wm, wp := perKey(want)
	return fmt.Sprint(gm) == fmt.Sprint(wm) && strings.Join(gp, ",") == strings.Join(wp, ",")
}

// inputProbe runs in the guest: input-probe NAME LAST READY. It waits up to
// 10 s for the input device called NAME, opens its event node, signals that
// it reads by READY ("line3=TEXT": write TEXT to the Yealink driver's
// line3 attribute; "bell": send the device a bell sound event), and prints
// "code value" for each key event (EV_KEY) it reads, up to and including
// the one that prints as LAST.
func inputProbe(args []string) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(os.Stderr, "input-probe: "+format+"\n", a...)
		return 1
	}
	if len(args) != 3 {
		return fail("usage: input-probe NAME LAST READY")
	}
	var node string
	for deadline := time.Now().Add(10 * time.Second); node == "" && time.Now().Before(deadline); {
		if node = inputEventNode(args[0]); node == "" {
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
		fmt.Fprintf(os.Stderr, "input-probe: no key event %q on %s in 50 s\n", args[1], node)
		os.Exit(1)
	})
	// struct input_event on 64-bit Linux: a 16-byte timeval, then type,
	// code (16 bits each) and value (32 bits).
	ev := make([]byte, 24)
	for {
		if k, err := syscall.Read(fd, ev); err != nil || k != len(ev) {
			return fail("read %s: %d bytes, %v", node, k, err)
		}
		typ, code := binary.LittleEndian.Uint16(ev[16:]), binary.LittleEndian.Uint16(ev[18:])
		value := int32(binary.LittleEndian.Uint32(ev[20:]))
		if typ == 1 && value != 2 { // EV_KEY, not autorepeat
			line := fmt.Sprintf("%d %d", code, value)
			fmt.Println(line)
			if line == args[1] {
				return 0
			}
		}
	}
}

// legacyCase is one model under its kernel driver.
type legacyCase struct {
	model, input    string
	vendor, product uint16
	module          string // modprobe spec to load first; "" = loaded already
	// ready is what the probe does once it reads the input device, and
	// readyState how the model shows it: the driver opens the device for
	// the console keyboard handler as soon as it binds, so its polling
	// says nothing about the probe.
	ready      string
	readyState func(firmwaresim.State) bool
	acts       []string // control lines: press KEY, release KEY, mute
	want       []string // "code value" of each EV_KEY event
}

// Linux input key codes (linux/input-event-codes.h) the drivers report.
const (
	keyEsc        = 1
	keyBackspace  = 14
	keyEnter      = 28
	keyLeftShift  = 42
	keyKPAsterisk = 55
	keyUp         = 103
	keyLeft       = 105
	keyRight      = 106
	keyDown       = 108
	keyVolumeUp   = 115
	keyNumeric0   = 0x200 // KEY_NUMERIC_0..9, then STAR 0x20a, POUND 0x20b
)

// tapAll presses and releases each key in turn; codes gives the key codes
// the driver reports for it, down then up.
func tapAll(keys []string, codes func(string) []int) (acts, want []string) {
	for _, k := range keys {
		acts = append(acts, "press "+k, "release "+k)
		for _, v := range []int{1, 0} {
			for _, c := range codes(k) {
				want = append(want, fmt.Sprintf("%d %d", c, v))
			}
		}
	}
	return acts, want
}

var legacyDigits = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"}

func legacyKernelCases() []legacyCase {
	// yealink.ko: KEY_1..KEY_9 are 2..10, KEY_0 is 11; # is KEY_LEFTSHIFT
	// with KEY_3.
	p1kActs, p1kWant := tapAll(append(legacyDigits, "YES", "NO", "C", "I", "O", "UP", "DOWN"), func(k string) []int {
		switch k {
		case "0":
			return []int{11}
		case "*":
			return []int{keyKPAsterisk}
		case "#":
			return []int{keyLeftShift, 4}
		}
		if k[0] >= '1' && k[0] <= '9' {
			return []int{int(k[0]-'1') + 2}
		}
		return []int{map[string]int{"YES": keyEnter, "NO": keyEsc, "C": keyBackspace, "I": keyLeft, "O": keyRight, "UP": keyUp, "DOWN": keyDown}[k]}
	})
	cases := []legacyCase{{
		model: "yealink-p1k", input: "Yealink usb-p1k", vendor: 0x6993, product: 0xb001,
		// The driver's sysfs line3 writes the twelve-digit line.
		ready:      "line3=123456789012",
		readyState: func(s firmwaresim.State) bool { return s.LCD == "123456789012" },
		acts:       p1kActs, want: p1kWant,
	}}
	// cm109.ko reports a keypad key down and up within the scan that finds
	// it. Its keymaps name the same keys the profiles do.
	for _, m := range []struct {
		phone string
		extra map[string]int
	}{
		{"kip1000", map[string]int{"YES": keyEnter, "NO": keyEsc, "I": keyLeft, "O": keyRight}},
		{"gtalk", map[string]int{"YES": keyEnter, "NO": keyEsc, "UP": keyUp, "DOWN": keyDown}},
		{"usbph01", map[string]int{"YES": keyEnter, "NO": keyEsc, "I": keyLeft, "O": keyRight}},
		{"atcom", map[string]int{"YES": keyEnter, "NO": keyEsc, "I": keyLeft, "O": keyRight}},
	} {
		keys := append([]string(nil), legacyDigits...)
		for _, k := range []string{"YES", "NO", "I", "O", "UP", "DOWN"} {
			if _, ok := m.extra[k]; ok {
				keys = append(keys, k)
			}
		}
		acts, want := tapAll(keys, func(k string) []int {
			switch k {
			case "*":
				return []int{keyNumeric0 + 10}
			case "#":
				return []int{keyNumeric0 + 11}
			}
			if c, ok := m.extra[k]; ok {
				return []int{c}
			}
			return []int{keyNumeric0 + int(k[0]-'0')}
		})
		// A button of byte 0: volume up, reported as held; its release
		// ends the probe's reading. (Record mute is left out: the chip
		// shows it for one report, and a USB endpoint that keeps only the
		// newest state can lose that report between two polls.)
		acts = append(acts, "press PAGEUP", "release PAGEUP")
		want = append(want, fmt.Sprintf("%d 1", keyVolumeUp), fmt.Sprintf("%d 0", keyVolumeUp))
		cases = append(cases, legacyCase{
			model: "cm109-" + m.phone, input: "CM109 USB driver", vendor: 0x0d8c, product: 0x000e,
			module: "cm109 phone=" + m.phone,
			// An EV_SND bell event sounds the buzzer.
			ready:      "bell",
			readyState: func(s firmwaresim.State) bool { return s.Ringing },
			acts:       acts, want: want,
		})
	}
	return cases
}
