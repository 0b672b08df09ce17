package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The in-VM measurement lives in package firmware-sim/kerneltest, as the
// test TestKernelPeerLatency, because the VM's machinery is there: the
// booted guest, the USB/IP export of the models, the guest roles its test
// binary plays and handsetd built for the guest. The benchmark runs that
// one test with the variables below set and reads the figures it writes.
const (
	peerPackage    = "./firmware-sim/kerneltest"
	peerTest       = "^TestKernelPeerLatency$"
	envPeerOut     = "HANDSETD_PEER_BENCH_OUT"
	envPeerSamples = "HANDSETD_PEER_BENCH_SAMPLES"
)

// peerFigures is the JSON TestKernelPeerLatency writes: nanoseconds, all on
// the host's monotonic clock.
type peerFigures struct {
	Kernel    string  `json:"kernel"`
	BootNS    int64   `json:"boot_ns"`
	PollNS    int64   `json:"poll_ns"`
	Echo      []int64 `json:"echo_ns"`
	YealinkKO []int64 `json:"yealink_ko_ns"`
	Handsetd  []int64 `json:"handsetd_ns"`
}

// peerResult is the comparison with the kernel's yealink.ko, or why it was
// not measured.
type peerResult struct {
	at                      time.Time
	took                    time.Duration
	skipped                 string // why not measured; "" when measured
	kernel                  string
	boot, poll              time.Duration
	echo, yealink, handsetd dist
}

var skipLine = regexp.MustCompile(`(?m)^\s+\S+\.go:\d+: (.*)\n--- SKIP: TestKernelPeerLatency`)

// peerLatency runs TestKernelPeerLatency with n presses per path. A test
// that skips (no prepared kernel, qemu missing) is a result that says why.
func peerLatency(ctx context.Context, dir string, n int, log io.Writer) (peerResult, error) {
	r := peerResult{at: time.Now()}
	out := filepath.Join(dir, "peer.json")
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-timeout", "15m", "-run", peerTest, "-v", peerPackage)
	cmd.Env = append(os.Environ(), envPeerOut+"="+out, envPeerSamples+"="+strconv.Itoa(n))
	var buf bytes.Buffer
	cmd.Stdout = io.MultiWriter(&buf, log)
	cmd.Stderr = cmd.Stdout
	err := cmd.Run()
	r.took = time.Since(r.at)
	if m := skipLine.FindSubmatch(buf.Bytes()); err == nil && m != nil {
		r.skipped = string(m[1])
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("go test -run %s %s (its output is above): %w", peerTest, peerPackage, err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		return r, fmt.Errorf("%s wrote no figures: %w", peerTest, err)
	}
	return r, r.parse(raw)
}

func (r *peerResult) parse(raw []byte) error {
	var f peerFigures
	if err := json.Unmarshal(raw, &f); err != nil {
		return fmt.Errorf("read the yealink.ko comparison's figures: %w", err)
	}
	if len(f.Echo) == 0 || len(f.YealinkKO) == 0 || len(f.Handsetd) == 0 {
		return errors.New("read the yealink.ko comparison's figures: a path has no samples")
	}
	toDist := func(ns []int64) dist {
		d := make([]time.Duration, len(ns))
		for i, v := range ns {
			d[i] = time.Duration(v)
		}
		return newDist(d)
	}
	r.kernel, r.boot, r.poll = f.Kernel, time.Duration(f.BootNS), time.Duration(f.PollNS)
	r.echo, r.yealink, r.handsetd = toDist(f.Echo), toDist(f.YealinkKO), toDist(f.Handsetd)
	return nil
}

const peerHeading = "## Against the kernel's yealink.ko"

// section is the report's section on the comparison. provenance says which
// run produced it.
func (r peerResult) section(provenance string) string {
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	w("%s\n\n", peerHeading)
	if r.skipped != "" {
		w("Not measured in this run: the in-VM comparison (evdev key latency of yealink.ko on the same simulated\n")
		w("P1K over USB/IP) needs the VM, and its test skipped: %s\n\n", r.skipped)
		return b.String()
	}
	w("%s: %d presses per path, Linux %s in qemu (TCG, one vCPU; boot %s), the measurement took %s.\n\n",
		provenance, len(r.handsetd), r.kernel, r.boot.Round(time.Second), r.took.Round(time.Second))
	w("| path | p50 | p99 | ratio p50 to yealink.ko | ratio p99 to yealink.ko |\n")
	w("| --- | ---: | ---: | ---: | ---: |\n")
	w("| yealink.ko → evdev | %.1f ms | %.1f ms | 1.00× | 1.00× |\n", ms(r.yealink.p50()), ms(r.yealink.p99()))
	w("| handsetd (libusb) → Phone API line | %.1f ms | %.1f ms | %.2f× | %.2f× |\n", ms(r.handsetd.p50()), ms(r.handsetd.p99()),
		ratio(r.handsetd.p50(), r.yealink.p50()), ratio(r.handsetd.p99(), r.yealink.p99()))
	w("| echo leg alone, on a quiet bus (not a baseline: see below) | %.1f ms | %.1f ms | | |\n", ms(r.echo.p50()), ms(r.echo.p99()))
	w("\nHeadline: handsetd / yealink.ko = **%.1f×** at p50, **%.1f×** at p99, both with the echo leg.\n\n",
		ratio(r.handsetd.p50(), r.yealink.p50()), ratio(r.handsetd.p99(), r.yealink.p99()))
	w("Method (`TestKernelPeerLatency` in firmware-sim/kerneltest, run by `handsetd-bench`; one clock, the host's):\n")
	w("the simulated yealink-p1k and a generic-telephony \"echo\" model are exported over USB/IP and attached in the\n")
	w("guest. Each sample runs from the host pressing a key on the P1K (the key is then ready at the model) to the\n")
	w("guest's consumer echoing that press, by writing an output report to the echo model's hidraw node, and the\n")
	w("report arriving at the echo model on the host. Each press comes after a pause uniform over one scan\n")
	w("interval (%s), so that it falls at a random point of handsetd's scans, as a finger's would, and is\n", r.poll)
	w("held until its echo arrives, then released (and that echo awaited) before the next.\n")
	w("- **yealink.ko → evdev**: the kernel driver polls the P1K back to back, as fast as the bus answers, and\n")
	w("  reports the key on its input device; a program in the guest reads it from evdev and echoes it.\n")
	w("- **handsetd**: `handsetd run --device usb:6993:b001 --host stream:unix:…` in the guest (libusb; it detaches\n")
	w("  yealink.ko, which so measures first) scans the P1K every %s, fetches the key and sends `BTN_PRESSED`\n", r.poll)
	w("  to a minimal Phone API host in the guest, which echoes it. hidraw is not a path for the P1K (not HID class).\n")
	w("- **echo leg alone**: a key pressed on the echo model, read from its hidraw node and echoed at once,\n")
	w("  meant as the cost both paths include on top of their own (USB/IP both ways, the guest's hidraw). It is\n")
	w("  not one: alone, on an otherwise quiet bus, it came in steps of about 44 ms (44 or 88 ms), far more\n")
	w("  than yealink.ko's whole path, while the same echo riding on yealink.ko's busy bus costs a few ms. That is a stall\n")
	w("  of the emulated network (qemu's user-mode TCP to the USB/IP server) when nothing else is in flight,\n")
	w("  not yet explained (quick ACKs on the guest's route did not remove it); so nothing is subtracted.\n")
	w("  handsetd's sparse scans leave the bus quiet between exchanges and may meet the same stall, so part of\n")
	w("  its excess over its floor below may be this emulation's, not handsetd's.\n\n")
	floor := r.poll / 2
	w("The poll interval is handsetd's floor: a press waits for the next scan, %s on average and up to %s.\n", floor, r.poll)
	w("handsetd's p50 is %+.1f ms from that mean wait and its p99 %+.1f ms from the interval (echo leg included).\n",
		ms(r.handsetd.p50()-floor), ms(r.handsetd.p99()-r.poll))
	w("yealink.ko has no such floor because it never stops polling, the cost the idle section counts for\n")
	w("handsetd's side: handsetd trades up to one interval of key latency for not keeping the bus and a CPU\n")
	w("busy. The paths run one after the other in one VM (echo, yealink.ko, handsetd), not interleaved\n")
	w("(handsetd must detach the kernel driver), on an emulated guest on a loaded machine, so absolute\n")
	w("figures are far above real hardware's; the ratio is the figure to read.\n\n")
	w("```\n")
	for _, p := range []struct {
		name string
		d    dist
	}{{"echo", r.echo}, {"yealink.ko", r.yealink}, {"handsetd", r.handsetd}} {
		w("peer %s: n=%d p50=%v p90=%v p99=%v max=%v\n", p.name, len(p.d), p.d.p50(), p.d.pct(90), p.d.p99(), p.d.pct(100))
	}
	w("```\n\n")
	return b.String()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// splicePeer replaces the yealink.ko section of the report at path with sec,
// keeping the rest of the file as the run that wrote it left it.
func splicePeer(path, sec string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("splice into %s (run handsetd-bench without -peer-only first): %w", path, err)
	}
	s := string(old)
	i := strings.Index(s, peerHeading)
	if i < 0 {
		return fmt.Errorf("splice into %s: no %q section", path, peerHeading)
	}
	end := len(s)
	if j := strings.Index(s[i+len(peerHeading):], "\n## "); j >= 0 {
		end = i + len(peerHeading) + j + 1
	}
	if err := os.WriteFile(path, []byte(s[:i]+sec+s[end:]), 0o644); err != nil {
		return fmt.Errorf("splice into %s: %w", path, err)
	}
	return nil
}
