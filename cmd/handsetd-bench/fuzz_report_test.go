package main

import (
	"strings"
	"testing"
)

// TestFuzzTable proves the fuzzing summary takes each target's last
// progress line for its time and executions, and tells a clean target
// from a failed one and from one whose run was cut off.
func TestFuzzTable(t *testing.T) {
	log := `== github.com/handsetd/handsetd/config FuzzParse
fuzz: elapsed: 3s, execs: 1000 (333/sec), new interesting: 1 (total: 2)
fuzz: elapsed: 1m1s, execs: 1092735 (0/sec), new interesting: 159 (total: 188)
ok  	github.com/handsetd/handsetd/config	61.035s
== github.com/handsetd/handsetd/phoneapi FuzzParseLine
fuzz: elapsed: 15s, execs: 87523 (5000/sec), new interesting: 3 (total: 9)
--- FAIL: FuzzParseLine (15.02s)
FAIL
== github.com/handsetd/handsetd/hid FuzzParseDescriptor
fuzz: elapsed: 2s, execs: 50 (25/sec), new interesting: 0 (total: 3)
`
	want := "| target | time | executions | failures |\n| --- | ---: | ---: | --- |\n" +
		"| `config FuzzParse` | 1m1s | 1092735 | none |\n" +
		"| `phoneapi FuzzParseLine` | 15s | 87523 | **failed** (see the log) |\n" +
		"| `hid FuzzParseDescriptor` | 2s | 50 | did not finish |\n"
	if got := fuzzTable(log); got != want {
		t.Errorf("fuzzTable:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(keepFuzz(log), "--- FAIL: FuzzParseLine") {
		t.Error("keepFuzz dropped the failure")
	}
}
