package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// report is everything one run measured.
type report struct {
	started  time.Time
	took     time.Duration
	settings settings
	pairs    []pair // key D-Bus, key stream, ring D-Bus
	startup  dist
	idle     []idleResult
	scale    []scaleResult
	peer     peerResult
}

// targets of the issue, per pair: p50 and p99 ratios (0: none).
var targets = map[string][2]float64{
	"key → command (D-Bus)":                       {1.2, 2},
	"key → command (stream:unix:)":                {1.2, 2},
	"ring → device (D-Bus, with GET CALL n TYPE)": {2.5, 0},
}

func machine() string {
	var model string
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	bus, _ := exec.Command("dbus-daemon", "--version").Output()
	busv, _, _ := strings.Cut(string(bus), "\n")
	return fmt.Sprintf("- CPU: %s, %d logical CPUs (GOMAXPROCS %d)\n- Linux %s\n- %s\n- %s\n- load average at start: %s",
		model, runtime.NumCPU(), runtime.GOMAXPROCS(0), strings.TrimSpace(string(kernel)), runtime.Version(),
		strings.TrimSpace(busv), loadAvg())
}

func loadAvg() string {
	load, _ := os.ReadFile("/proc/loadavg")
	return strings.TrimSpace(string(load))
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

// latencyTable is the markdown table of the latency pairs: each headline's
// p50 and p99 next to its baseline's, their ratios and the target.
func latencyTable(pairs []pair) string {
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	w("| measurement | p50 | p99 | baseline | baseline p50 | baseline p99 | ratio p50 | ratio p99 | target | verdict |\n")
	w("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |\n")
	for _, p := range pairs {
		r50, r99 := ratio(p.what.p50(), p.base.p50()), ratio(p.what.p99(), p.base.p99())
		t := targets[p.name]
		target, ok := "", true
		if t[0] > 0 {
			target += fmt.Sprintf("p50 ≤ %.1f×", t[0])
			ok = ok && r50 <= t[0]
		}
		if t[1] > 0 {
			target += fmt.Sprintf(", p99 ≤ %.1f×", t[1])
			ok = ok && r99 <= t[1]
		}
		w("| %s | %.0f µs | %.0f µs | %s | %.0f µs | %.0f µs | %.2f× | %.2f× | %s | %s |\n", p.name, us(p.what.p50()), us(p.what.p99()),
			p.baseline, us(p.base.p50()), us(p.base.p99()), r50, r99, target, verdict(ok))
	}
	return b.String()
}

func (r *report) write(s settings) error {
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	w("# handsetd benchmarks\n\n")
	w("Written by `make bench` (`cmd/handsetd-bench`) on %s; the run took %s.", r.started.UTC().Format("2006-01-02 15:04 MST"), r.took.Round(time.Second))
	if s.short {
		w(" **Short run** (BENCH_SHORT=1): few samples, short windows; the figures are indicative only.")
	}
	w("\n\n## Machine\n\n%s\n\n", machine())
	w("These machines are shared and noisy, so every latency headline is a ratio to the transport's own bare\n")
	w("round trip, measured in the same run, sample by sample alternately with the measurement.\n\n")

	w("## Latency: ratios to the bare transport\n\n")
	w("%s", latencyTable(r.pairs))
	w("\n%d samples each. Key → command: from the simulated device's input report (firmware-sim `Press`) to the\n", len(r.pairs[0].what))
	w("line in the host's Invoke handler (or the host's socket reader), with driver.Run in this process.\n")
	w("Ring → device: from the host's `CALL n STATUS RINGING` Notify (type unknown) through the driver's\n")
	w("`GET CALL n TYPE` Invoke and its answer to the handset reporting its ringer on. A key press is one\n")
	w("way and the baseline a round trip, so a ratio below 1 is possible; the ring is a Notify plus one\n")
	w("Invoke round trip plus the output report, so about 1.5× is its floor.\n\n")

	w("## Idle: one handset, handsetd as its own process\n\n")
	w("| model | PING every | window | context switches | per second | scheduled runs | PINGs | CPU time | CPU | RSS |\n")
	w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, i := range r.idle {
		ping := "never"
		if i.ping > 0 {
			ping = i.ping.String()
		}
		w("| %s | %s | %s | %d | %.2f | %d | %d | %s | %.4f %% | %.1f MB |\n", i.model, ping, i.window.Round(time.Millisecond),
			i.switches, float64(i.switches)/i.window.Seconds(), i.slices, i.pings, i.cpu.Round(time.Microsecond), i.cpuPercent(), float64(i.rssKB)/1024)
	}
	w("\nContext switches are voluntary + involuntary, summed over the process's threads (`/proc/PID/task/*/status`);\n")
	w("scheduled runs and CPU time from `/proc/PID/task/*/schedstat`; RSS is `VmRSS` at the end. The simulated\n")
	w("handset and the host (stream:unix:) run in the benchmark process, so none of their cost is counted.\n")
	var quiet *idleResult // generic-telephony with no PING: the wake-ups that are not the driver's
	for k, i := range r.idle {
		if i.model == "generic-telephony" && i.ping == 0 {
			quiet = &r.idle[k]
		}
	}
	for _, i := range r.idle {
		switch {
		case i.model == "generic-telephony" && i.ping == 0:
			w("- generic-telephony with no PING: %d wake-ups in %s (target: none), CPU %.4f %% (target ≤ 0.05 %%): %s; RSS %.1f MB (target ≤ 20 MB): %s.\n",
				i.switches, i.window.Round(time.Second), i.cpuPercent(), verdict(i.cpuPercent() <= 0.05 && i.switches == 0), float64(i.rssKB)/1024, verdict(i.rssKB <= 20*1024))
			if i.switches > 0 {
				w("  These count every thread of the process, the Go runtime's too. Traced with `strace -f` for 65 s\n")
				w("  (2026-12-03), an idle handsetd with no PING woke once: the runtime's monitor thread (sysmon)\n")
				w("  ending its 60 s sleep, re-reading the CPU limit and sleeping again; no goroutine or timer of\n")
				w("  handsetd's ran. The miss is the runtime's, which the driver cannot switch off.\n")
			}
		case i.model == "generic-telephony":
			if i.pings == 0 || quiet == nil {
				break
			}
			// What the PINGs do not explain is what the same handset does
			// with no PING in the same window: the runtime's wake-ups.
			besides := quiet.switches
			perPing := float64(i.switches-besides) / float64(i.pings)
			w("- generic-telephony with PING every %v (the issue's case): %d context switches = %d PINGs × %.1f (a PING and its PONG cross the driver's threads) + %d that the no-PING run shows are the Go runtime's; wake-ups besides the PING (target: none): %s",
				i.ping, i.switches, i.pings, perPing, besides, verdict(besides == 0))
			if besides > 0 {
				w(" by %d, the runtime's sysmon (above)", besides)
			}
			w("; CPU %.4f %% (target ≤ 0.05 %%): %s; RSS %.1f MB (target ≤ 20 MB): %s.\n",
				i.cpuPercent(), verdict(i.cpuPercent() <= 0.05), float64(i.rssKB)/1024, verdict(i.rssKB <= 20*1024))
		case strings.HasPrefix(i.model, "yealink"):
			floor := i.window.Seconds() / 0.1
			w("- %s: the Yealink must be polled (one key scan per 100 ms, the driver's poll interval): %.0f scans in the window are its floor; %d context switches are %.2f per scan, and its CPU %.4f %% (%.0f µs per scan) is %.0f× the 0.05 %% target of a handset that need not be polled: the target is not this model's, whose cost is the scans.\n",
				i.model, floor, i.switches, float64(i.switches)/floor, i.cpuPercent(), float64(i.cpu.Microseconds())/floor, i.cpuPercent()/0.05)
		case strings.HasPrefix(i.model, "cm109"):
			w("- %s: a CM109 reports only on change in the simulator (real hardware reports on each 10 ms interrupt poll, which hidapi's reader takes in the kernel's USB stack): %.2f context switches per second.\n",
				i.model, float64(i.switches)/i.window.Seconds())
		}
	}

	w("\n## Scale: simulated handsets in one handsetd process\n\n")
	w("| handsets | events/s asked | events/s sent | per handset | window | sent | received | lost | gaps | driver drops | out of order | CPU | CPU per event | latency p50 | latency p99 | RSS |\n")
	w("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, c := range r.scale {
		w("| %d | %d | %.0f | %.0f | %s | %d | %d | %d | %d | %d | %d | %.1f %% | %.1f µs | %.0f µs | %.0f µs | %.1f MB |\n", c.handsets, c.rate, float64(c.sent)/c.window.Seconds(),
			float64(c.sent)/c.window.Seconds()/float64(c.handsets), c.window,
			c.sent, c.got, c.sent-c.got, c.gaps, c.drops, c.outOfOrder, c.cpuPercent(), us(c.cpuPerEvent()), us(c.lat.p50()), us(c.lat.p99()), float64(c.rssKB)/1024)
	}
	w("\n![CPU per event and latency against the number of handsets](scale.svg)\n\n")
	w("Each event is a key press or its release (keys 0–9 in turn, press then release), paced from this process\n")
	w("at the total rate shared round-robin between the handsets; the host (stream:unix:, one connection per\n")
	w("handset) checks each handset's lines are exactly that sequence. CPU is the handsetd process's only.\n")
	w("\"gaps\" counts places where a handset's sequence skipped events, \"driver drops\" the commands handsetd's\n")
	w("outbox dropped for a slow host (from its log); events lost with no driver drop were lost in the simulated\n")
	w("handset's report queue, which, like the kernel's hidraw ring of 64 reports per reader, drops the oldest\n")
	w("when the reader falls behind: at 10 000 events/s into one handset, a burst of more than 64 in a scheduling\n")
	w("hiccup of the reader overflows it.\n")
	w("A USB handset sends at most one report per interrupt interval (1 ms at the fastest, 10 ms for most), so\n")
	w("more than 1 000 events/s through one handset is beyond any real device.\n\n")

	w("## Start-up\n\n")
	w("From exec of handsetd (one simulated handset, stream:unix: host) to the host answering its `PROTOCOL`:\n")
	w("p50 %.1f ms, max %.1f ms over %d starts.\n\n", us(r.startup.p50())/1000, us(r.startup.pct(100))/1000, len(r.startup))

	w("%s", r.peer.section("Measured in this run"))

	if s.micro != "" {
		if raw, err := os.ReadFile(s.micro); err == nil {
			w("## Micro-benchmarks (raw `go test -bench . -benchmem`)\n\n```\n%s```\n\n", keepBench(string(raw)))
		}
	}
	if raw, err := os.ReadFile(s.fuzz); s.fuzz != "" && err == nil {
		w("## Fuzzing (`make fuzz`)\n\n%s\n", fuzzTable(string(raw)))
		w("Findings so far: one, in `phoneapi FuzzParseLine` (2026-12-03, a 15 s run): `CALL 0  ` (two trailing\n")
		w("spaces) parsed as a call notification with no property and re-encoded as `CALL 0 `, a different line.\n")
		w("Fixed (a `CALL n` with no property after the id is the CALL command's target); the input is in\n")
		w("`phoneapi/testdata/fuzz/FuzzParseLine`, so `make test` runs it. A new failure shows in the table above;\n")
		w("`go test -fuzz` writes its input under the package's `testdata/fuzz/`, to be fixed and committed.\n\n")
		w("The log, as `make fuzz` left it:\n\n```\n%s```\n\n", keepFuzz(string(raw)))
	} else if old, err := os.ReadFile(s.out); err == nil {
		// Keep the fuzzing section of the last report.
		if i := strings.Index(string(old), "## Fuzzing"); i >= 0 {
			sec := string(old)[i:]
			if j := strings.Index(sec[3:], "\n## "); j >= 0 {
				sec = sec[:j+4]
			}
			w("%s\n", strings.TrimRight(sec, "\n"))
			w("\n")
		}
	}

	w("## Raw figures\n\n```\n")
	for _, p := range r.pairs {
		w("%s: n=%d p50=%v p90=%v p99=%v max=%v; %s: p50=%v p90=%v p99=%v max=%v\n", p.name, len(p.what),
			p.what.p50(), p.what.pct(90), p.what.p99(), p.what.pct(100), p.baseline, p.base.p50(), p.base.pct(90), p.base.p99(), p.base.pct(100))
	}
	for _, i := range r.idle {
		w("idle %s ping=%v: window=%v switches=%d sched_runs=%d cpu=%v rss_kb=%d pings=%d\n", i.model, i.ping, i.window, i.switches, i.slices, i.cpu, i.rssKB, i.pings)
	}
	for _, c := range r.scale {
		w("scale n=%d rate=%d window=%v: sent=%d got=%d gaps=%d driver_drops=%d out_of_order=%d cpu=%v rss_kb=%d lat_p50=%v lat_p99=%v lat_max=%v\n",
			c.handsets, c.rate, c.window, c.sent, c.got, c.gaps, c.drops, c.outOfOrder, c.cpu, c.rssKB, c.lat.p50(), c.lat.p99(), c.lat.pct(100))
	}
	w("startup: %v\n```\n", []time.Duration(r.startup))
	if err := os.WriteFile(s.out, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := os.WriteFile(s.svg, []byte(plot(r.scale)), 0o644); err != nil {
		return fmt.Errorf("write plot: %w", err)
	}
	return nil
}

// keepBench keeps the benchmark result lines and their package headers.
func keepBench(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "Benchmark") || strings.HasPrefix(l, "pkg:") || strings.HasPrefix(l, "cpu:") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// keepFuzz keeps the target headers, the last progress line of each and
// any failure.
func keepFuzz(s string) string {
	var b strings.Builder
	last := ""
	flush := func() {
		if last != "" {
			b.WriteString(last + "\n")
			last = ""
		}
	}
	for _, l := range strings.Split(s, "\n") {
		switch {
		case strings.HasPrefix(l, "== "):
			flush()
			b.WriteString(l + "\n")
		case strings.Contains(l, "fuzz: elapsed"):
			last = l
		case strings.HasPrefix(l, "--- FAIL") || strings.Contains(l, "Failing input") || strings.HasPrefix(l, "ok ") || strings.HasPrefix(l, "FAIL"):
			flush()
			b.WriteString(l + "\n")
		}
	}
	flush()
	return b.String()
}

// fuzzTable sums a make fuzz log up: one row per target with its time,
// executions and outcome.
func fuzzTable(s string) string {
	type row struct{ target, time, execs, outcome string }
	var rows []row
	for _, l := range strings.Split(s, "\n") {
		switch {
		case strings.HasPrefix(l, "== "):
			f := strings.Fields(strings.TrimPrefix(l, "== "))
			if len(f) == 2 {
				f[0] = strings.TrimPrefix(f[0], "github.com/handsetd/handsetd/")
				rows = append(rows, row{target: "`" + f[0] + " " + f[1] + "`", outcome: "did not finish"})
			}
		case len(rows) == 0:
		case strings.Contains(l, "fuzz: elapsed"):
			// fuzz: elapsed: 1m1s, execs: 1092735 (0/sec), new interesting: …
			r := &rows[len(rows)-1]
			if _, rest, ok := strings.Cut(l, "elapsed: "); ok {
				r.time, _, _ = strings.Cut(rest, ",")
			}
			if _, rest, ok := strings.Cut(l, "execs: "); ok {
				r.execs, _, _ = strings.Cut(rest, " ")
			}
		case strings.HasPrefix(l, "ok "):
			rows[len(rows)-1].outcome = "none"
		case strings.HasPrefix(l, "--- FAIL"), strings.HasPrefix(l, "FAIL"):
			rows[len(rows)-1].outcome = "**failed** (see the log)"
		}
	}
	var b strings.Builder
	b.WriteString("| target | time | executions | failures |\n| --- | ---: | ---: | --- |\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.target, r.time, r.execs, r.outcome)
	}
	return b.String()
}
