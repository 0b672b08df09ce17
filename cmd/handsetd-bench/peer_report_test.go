package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPeerSection proves the yealink.ko section reports what the in-VM
// test measured: each path's p50 and p99, the handsetd / yealink.ko ratio,
// the poll interval as handsetd's floor, and the raw figures; and that a
// skipped measurement says why instead.
func TestPeerSection(t *testing.T) {
	ms := func(v ...float64) []int64 {
		var ns []int64
		for _, x := range v {
			ns = append(ns, int64(x*float64(time.Millisecond)))
		}
		return ns
	}
	raw, _ := json.Marshal(peerFigures{Kernel: "6.1.0-test", BootNS: int64(5 * time.Second), PollNS: int64(100 * time.Millisecond),
		Echo: ms(2, 2, 2, 3), YealinkKO: ms(5, 5, 5, 6), Handsetd: ms(50, 60, 60, 120)})
	var r peerResult
	if err := r.parse(raw); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		r    peerResult
		want []string
	}{
		{"measured", r, []string{peerHeading, "6.1.0-test", "| yealink.ko → evdev | 5.0 ms | 6.0 ms | 1.00× | 1.00× |",
			"| handsetd (libusb) → Phone API line | 60.0 ms | 120.0 ms | 12.00× | 20.00× |", "**12.0×** at p50, **20.0×** at p99",
			"every 100ms", "p50 is +10.0 ms from that mean wait and its p99 +20.0 ms from", "peer handsetd: n=4 p50=60ms", "Measured in this run"}},
		{"skipped", peerResult{skipped: "no kernel prepared"}, []string{peerHeading, "Not measured in this run", "no kernel prepared"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sec := tc.r.section("Measured in this run")
			for _, w := range tc.want {
				if !strings.Contains(sec, w) {
					t.Errorf("section lacks %q:\n%s", w, sec)
				}
			}
		})
	}
}

// TestSplicePeer proves -peer-only replaces only the yealink.ko section of
// an existing report, wherever it sits, and leaves every other byte.
func TestSplicePeer(t *testing.T) {
	for _, tc := range []struct {
		name, before, want string
	}{
		{"middle", "# r\n\n## A\n\na\n\n" + peerHeading + "\n\nold\n\n## B\n\nb\n", "# r\n\n## A\n\na\n\nNEW\n\n## B\n\nb\n"},
		{"last", "# r\n\n" + peerHeading + "\n\nold\n", "# r\n\nNEW\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
			if err := os.WriteFile(path, []byte(tc.before), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := splicePeer(path, "NEW\n\n"); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			if string(got) != tc.want {
				t.Errorf("spliced:\n%q\nwant:\n%q", got, tc.want)
			}
		})
	}
	if err := splicePeer(filepath.Join(t.TempDir(), "none.md"), "x"); err == nil {
		t.Error("splicing into a missing report succeeded")
	}
}
