package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// settings are the knobs of one run.
type settings struct {
	out, svg    string
	bin         string
	micro, fuzz string
	samples     int
	idle        time.Duration
	scaleWindow time.Duration
	rate        int
	scaleSizes  []int
	startups    int
	short       bool
	// peer runs the in-VM comparison with yealink.ko, peerSamples presses
	// per path; peerOnly runs only it and splices its section into out.
	peer, peerOnly bool
	peerSamples    int
	// latencyOnly runs only the latency pairs of latencyPaths (in-process,
	// no handsetd binary) and prints their table to stdout, writing no
	// report: the quick loop for work on the key → command path.
	latencyOnly  bool
	latencyPaths []string
	cpuProfile   string
}

// errUsage marks a command-line mistake, already reported with the usage.
var errUsage = errors.New("usage error")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("handsetd-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var s settings
	fs.StringVar(&s.out, "out", "BENCHMARKS.md", "where to write the report; the plot goes next to it (scale.svg)")
	fs.StringVar(&s.bin, "handsetd", "", "the handsetd binary to measure (default: build ./cmd/handsetd into a temporary directory)")
	fs.StringVar(&s.micro, "micro", "", "output of `go test -bench` to include as the micro-benchmarks")
	fs.StringVar(&s.fuzz, "fuzz", "", "output of `make fuzz` to summarise")
	fs.BoolVar(&s.short, "short", os.Getenv("BENCH_SHORT") == "1", "brief run of every measurement (also BENCH_SHORT=1)")
	fs.IntVar(&s.samples, "samples", 0, "latency samples per measurement (default 2000; short 50)")
	fs.DurationVar(&s.idle, "idle", 0, "idle window (default 60s; short 3s)")
	fs.DurationVar(&s.scaleWindow, "scale-window", 0, "how long each scale point runs (default 60s; short 2s)")
	fs.IntVar(&s.rate, "rate", 0, "key events per second in total for the scale runs (default 10000; short 2000)")
	fs.IntVar(&s.startups, "startups", 0, "start-up repetitions (default 10; short 2)")
	fs.BoolVar(&s.peer, "peer", true, "compare with the kernel's yealink.ko in the VM (needs the kernel `make kernel` prepares)")
	fs.BoolVar(&s.peerOnly, "peer-only", false, "run only the yealink.ko comparison and replace its section in -out, leaving the rest")
	fs.IntVar(&s.peerSamples, "peer-samples", 0, "key presses per path in the yealink.ko comparison (default 200; short 20)")
	fs.BoolVar(&s.latencyOnly, "latency-only", false, "run only the latency pairs and print their ratio table to stdout; writes no report")
	fs.StringVar(&s.cpuProfile, "cpuprofile", "", "write a CPU profile of this process to `FILE` (with -latency-only: the driver, the simulated handsets and the hosts)")
	paths := fs.String("latency-paths", "dbus,stream", "with -latency-only: which pairs to measure, a comma-separated list of dbus and stream")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: handsetd-bench [flags]\n\nMeasures handsetd side by side with the transports' own limits and writes BENCHMARKS.md (make bench runs it).\n\nflags:\n")
		fs.PrintDefaults()
	}
	var helpBuf strings.Builder
	fs.SetOutput(&helpBuf)
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, _ = io.WriteString(stdout, helpBuf.String()) // --help: the usage, on stdout
			return nil
		}
		_, _ = io.WriteString(stderr, helpBuf.String())
		return errUsage
	}
	s.defaults()
	if s.latencyPaths, err = parsePaths(*paths); err != nil {
		fmt.Fprintln(stderr, "handsetd-bench:", err)
		return errUsage
	}
	s.svg = filepath.Join(filepath.Dir(s.out), "scale.svg")
	dir, err := os.MkdirTemp("", "handsetd-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if s.cpuProfile != "" {
		f, err := os.Create(s.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	if s.peerOnly {
		return peerOnly(ctx, dir, s, stdout, stderr)
	}
	if s.latencyOnly {
		return latencyOnly(ctx, dir, s, stdout, stderr)
	}
	if s.bin == "" {
		s.bin = filepath.Join(dir, "handsetd")
		fmt.Fprintln(stderr, "building ./cmd/handsetd")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", s.bin, "./cmd/handsetd")
		cmd.Stdout, cmd.Stderr = stderr, stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("build handsetd (run from the repository root, or pass -handsetd): %w", err)
		}
	}
	rep, err := measure(ctx, dir, s, stderr)
	if err != nil {
		return err
	}
	if err := rep.write(s); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and %s\n", s.out, s.svg)
	return nil
}

func (s *settings) defaults() {
	pick := func(v *int, long, short int) {
		if *v <= 0 {
			*v = long
			if s.short {
				*v = short
			}
		}
	}
	pickD := func(v *time.Duration, long, short time.Duration) {
		if *v <= 0 {
			*v = long
			if s.short {
				*v = short
			}
		}
	}
	pick(&s.samples, 2000, 50)
	pick(&s.rate, 10000, 2000)
	pick(&s.startups, 10, 2)
	pick(&s.peerSamples, 200, 20)
	pickD(&s.idle, 60*time.Second, 3*time.Second)
	pickD(&s.scaleWindow, 60*time.Second, 2*time.Second)
	s.scaleSizes = []int{1, 8, 32}
	if s.short {
		s.scaleSizes = []int{1, 4}
	}
}

// measure runs every measurement in turn.
func measure(ctx context.Context, dir string, s settings, log io.Writer) (*report, error) {
	rep := &report{started: time.Now(), settings: s}
	step := func(what string) { fmt.Fprintf(log, "%s  %s\n", time.Now().Format("15:04:05"), what) }

	step("key → command and ring → device over D-Bus")
	key, ring, err := dbusLatency(ctx, mustDir(dir, "dbus"), s.samples)
	if err != nil {
		return nil, fmt.Errorf("D-Bus latency: %w", err)
	}
	step("key → command over stream:unix:")
	st, err := streamLatency(ctx, mustDir(dir, "stream"), s.samples)
	if err != nil {
		return nil, fmt.Errorf("stream latency: %w", err)
	}
	rep.pairs = []pair{key, st, ring}

	step("start-up")
	if rep.startup, err = startup(ctx, mustDir(dir, "startup"), s.bin, s.startups); err != nil {
		return nil, fmt.Errorf("start-up: %w", err)
	}

	step("idle for " + s.idle.String())
	ping := 10 * time.Second
	if s.short {
		ping = 5 * time.Second
	}
	rep.idle = idleRuns(ctx, mustDir(dir, "idle"), s.bin, s.idle, []idleResult{
		{model: "generic-telephony", ping: 0},
		{model: "generic-telephony", ping: ping},
		{model: "yealink-p1k", ping: ping},
		{model: "cm109-kip1000", ping: ping},
	})
	for _, r := range rep.idle {
		if r.err != nil {
			return nil, fmt.Errorf("idle %s: %w", r.model, r.err)
		}
	}
	for _, n := range s.scaleSizes {
		step("scale: " + strconv.Itoa(n) + " handsets")
		r, err := scale(ctx, mustDir(dir, "scale"+strconv.Itoa(n)), s.bin, n, s.rate, s.scaleWindow)
		if err != nil {
			return nil, fmt.Errorf("scale %d: %w", n, err)
		}
		rep.scale = append(rep.scale, r)
	}

	if s.peer {
		step("against yealink.ko in the VM: " + strconv.Itoa(s.peerSamples) + " presses per path")
		if rep.peer, err = peerLatency(ctx, mustDir(dir, "peer"), s.peerSamples, log); err != nil {
			return nil, fmt.Errorf("against yealink.ko: %w", err)
		}
	} else {
		rep.peer.skipped = "handsetd-bench ran with -peer=false."
	}
	rep.took = time.Since(rep.started)
	return rep, nil
}

// peerOnly runs the yealink.ko comparison alone and splices its section
// into the report at s.out, saying which run produced it.
func peerOnly(ctx context.Context, dir string, s settings, stdout, stderr io.Writer) error {
	fmt.Fprintf(stderr, "%s  against yealink.ko in the VM: %d presses per path\n", time.Now().Format("15:04:05"), s.peerSamples)
	r, err := peerLatency(ctx, dir, s.peerSamples, stderr)
	if err != nil {
		return fmt.Errorf("against yealink.ko: %w", err)
	}
	prov := fmt.Sprintf("Measured by `handsetd-bench -peer-only` on %s, apart from the run named at the top\n"+
		"(whose other figures this section's run did not touch; machine load at its start: %s)",
		r.at.UTC().Format("2006-01-02 15:04 MST"), loadAvg())
	if err := splicePeer(s.out, r.section(prov)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "replaced the yealink.ko section of %s\n", s.out)
	return nil
}

// parsePaths checks the -latency-paths list.
func parsePaths(list string) ([]string, error) {
	var paths []string
	for _, p := range strings.Split(list, ",") {
		switch p = strings.TrimSpace(p); p {
		case "dbus", "stream":
			paths = append(paths, p)
		case "":
		default:
			return nil, fmt.Errorf("-latency-paths: unknown path %q (write dbus, stream or both)", p)
		}
	}
	if len(paths) == 0 {
		return nil, errors.New("-latency-paths: name at least one of dbus, stream")
	}
	return paths, nil
}

// latencyOnly measures the latency pairs of s.latencyPaths and prints
// their table, with the sample count and the load it ran under.
func latencyOnly(ctx context.Context, dir string, s settings, stdout, stderr io.Writer) error {
	load := loadAvg()
	var pairs []pair
	for _, p := range s.latencyPaths {
		fmt.Fprintf(stderr, "%s  latency: %s, %d samples\n", time.Now().Format("15:04:05"), p, s.samples)
		switch p {
		case "dbus":
			key, ring, err := dbusLatency(ctx, mustDir(dir, "dbus"), s.samples)
			if err != nil {
				return fmt.Errorf("D-Bus latency: %w", err)
			}
			pairs = append(pairs, key, ring)
		case "stream":
			st, err := streamLatency(ctx, mustDir(dir, "stream"), s.samples)
			if err != nil {
				return fmt.Errorf("stream latency: %w", err)
			}
			pairs = append(pairs, st)
		}
	}
	fmt.Fprintf(stdout, "%s\n%d samples each; load average at start: %s\n", latencyTable(pairs), s.samples, load)
	return nil
}

func mkdir(d string) error { return os.MkdirAll(d, 0o700) }

func mustDir(parent, name string) string {
	d := filepath.Join(parent, name)
	_ = mkdir(d)
	return d
}
