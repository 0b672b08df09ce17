package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestShortBenchWritesReport proves a brief run of every measurement
// completes on a real handsetd binary and a private bus and writes
// BENCHMARKS.md with each section and a ratio for each latency headline,
// and the plot next to it, with no key event lost. (The in-VM comparison
// with yealink.ko is left out: it boots a VM; TestPeerSection covers its
// report.)
func TestShortBenchWritesReport(t *testing.T) {
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		t.Skip("dbus-daemon is not installed (make deps)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "handsetd")
	build := exec.Command("go", "build", "-o", bin, "github.com/handsetd/handsetd/cmd/handsetd")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build handsetd: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "BENCHMARKS.md")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := []string{"-short", "-peer=false", "-handsetd", bin, "-out", out, "-samples", "20", "-idle", "1s", "-scale-window", "1s", "-startups", "1"}
	if err := run(ctx, args, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Machine", "key → command (D-Bus)", "key → command (stream:unix:)", "ring → device", "## Idle",
		"yealink-p1k", "cm109-kip1000", "## Scale", "## Start-up", "go1."} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "scale.svg")); err != nil {
		t.Errorf("no plot: %v", err)
	}
	for _, l := range strings.Split(string(md), "\n") {
		if !strings.HasPrefix(l, "scale n=") {
			continue
		}
		var sent, got int
		if _, err := fmt.Sscanf(l[strings.Index(l, "sent="):], "sent=%d got=%d", &sent, &got); err != nil {
			t.Errorf("raw scale line %q: %v", l, err)
		}
		if !strings.Contains(l, "out_of_order=0") || sent != got || sent == 0 {
			t.Errorf("events lost or out of order: %s", l)
		}
	}
}
