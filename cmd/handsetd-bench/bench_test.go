package main

import (
	"context"
	"errors"
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

// TestLatencyOnlyPrintsTable proves -latency-only measures just the pairs
// asked for and prints their ratio table to stdout, writing no report but
// the CPU profile asked for, and that an unknown path is a usage error.
func TestLatencyOnlyPrintsTable(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "BENCHMARKS.md")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout strings.Builder
	prof := filepath.Join(dir, "cpu.prof")
	if err := run(ctx, []string{"-latency-only", "-latency-paths", "stream", "-samples", "5", "-out", out, "-cpuprofile", prof}, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	got := stdout.String()
	if !strings.Contains(got, "| key → command (stream:unix:) |") || !strings.Contains(got, "5 samples each") {
		t.Errorf("stdout lacks the stream row or the sample count:\n%s", got)
	}
	if strings.Contains(got, "D-Bus") {
		t.Errorf("stdout has a D-Bus row though only stream was asked for:\n%s", got)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("-latency-only wrote %s (stat: %v)", out, err)
	}
	if fi, err := os.Stat(prof); err != nil || fi.Size() == 0 {
		t.Errorf("no CPU profile at %s: %v", prof, err)
	}
	if err := run(ctx, []string{"-latency-only", "-latency-paths", "usb"}, io.Discard, io.Discard); !errors.Is(err, errUsage) {
		t.Errorf("-latency-paths usb: got %v, want errUsage", err)
	}
}
