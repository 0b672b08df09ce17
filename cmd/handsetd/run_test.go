package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUsageErrors proves every command-line mistake is refused with a
// message naming it, and the usage text on stderr.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "no command"},
		{[]string{"bogus"}, `unknown command "bogus"`},
		{[]string{"run"}, "needs --host"},
		{[]string{"run", "--device", "sim:unix:/x"}, "needs --host"},
		{[]string{"run", "--device", "usb:1", "--host", "stream:unix:/x"}, "want usb:VID:PID[:SERIAL]"},
		{[]string{"run", "--device", "usb:6993:zz", "--host", "stream:unix:/x"}, "want usb:VID:PID[:SERIAL]"},
		{[]string{"run", "--device", "nfc:1", "--host", "stream:unix:/x"}, `unknown kind "nfc"`},
		{[]string{"run", "--device", "sim:tcp:1", "--host", "stream:unix:/x"}, "want sim:unix:PATH"},
		{[]string{"run", "--device", "sim:unix:/x", "--host", "carrier:pigeon"}, `unknown kind "carrier"`},
		{[]string{"run", "--device", "sim:unix:/x", "--host", "stream:udp:1"}, "want stream:unix:PATH or stream:tcp:HOST:PORT"},
		{[]string{"run", "--device", "sim:unix:/x", "--host", "stream:tcp:nohostport"}, `"nohostport" is not HOST:PORT`},
		{[]string{"run", "--device", "sim:unix:/x", "--host", "stream:tcp:localhost:http"}, `port "http" is not a number`},
		{[]string{"run", "--device", "sim:unix:/x", "--host", "stream:tcp::4000"}, "no host"},
		{[]string{"run", "--device", "sim:unix:/x", "--host", "stream:unix:"}, "no socket path"},
		{[]string{"run", "--device", "sim:unix:/x", "--host", "dbus:garbage"}, `"garbage" has no transport`},
		{[]string{"run", "--device", "sim:unix:/x", "--host", "dbus:unix:pth=/run/bus"}, "names no socket"},
		{[]string{"run", "--device", "sim:unix:/x", "--host", "dbus:tcp:host=localhost"}, "needs host= and port="},
		{[]string{"run", "--device", "sim:unix:/x", "--host", "dbus:udp:host=h,port=1"}, `transport "udp"`},
		{[]string{"run", "--device", "sim:unix:/x", "--host", "dbus:unix:path"}, "is not KEY=VALUE"},
		{[]string{"run", "--device", "sim:unix:/x", "--host", "stream:unix:/y", "extra"}, `unexpected argument "extra"`},
		{[]string{"run", "--log-level", "loud", "--device", "sim:unix:/x", "--host", "stream:unix:/y"}, `--log-level "loud"`},
		{[]string{"run", "--device", "sim:unix:/x", "--host", "dbus", "--mode", "skype"}, `mode "skype": want phone or access`},
		{[]string{"run", "--device", "sim:unix:/x", "--host", "dbus", "--ping-interval", "1s"}, "--ping-interval 1s: use 0 (off) or at least 5s"},
		{[]string{"run", "--device", "sim:unix:/x", "--host", "stream:unix:/y", "--dial-tone", "uk"}, "--dial-tone"},
		{[]string{"monitor"}, "needs --device"},
		{[]string{"monitor", "--device", "hidraw:hidraw0"}, "want hidraw:/dev/hidrawN"},
		{[]string{"record", "--device", "hidraw:"}, "want hidraw:/dev/hidrawN"},
		{[]string{"demo", "--nope"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a usage error containing %q", err, tt.want)
			}
			if !strings.Contains(stderr.String(), "usage:") {
				t.Fatalf("stderr does not show the usage:\n%s", stderr.String())
			}
		})
	}
}

// TestHidrawMissingNode proves monitor with a hidraw SPEC naming no node
// fails at once with the node and a hint where to look, not a usage error.
func TestHidrawMissingNode(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	node := t.TempDir() + "/hidraw42"
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"monitor", "--device", "hidraw:" + node}, strings.NewReader(""), &stdout, &stderr)
	if err == nil || errors.Is(err, errUsage) || !strings.Contains(err.Error(), node) || !strings.Contains(err.Error(), "/sys/class/hidraw") {
		t.Fatalf("err = %v, want an open error naming %s and /sys/class/hidraw", err, node)
	}
}

// TestDemoBuiltinScript proves `handsetd demo` without a terminal runs its
// built-in tour to the end: every wait and expect in it was met, through the
// simulated handset, the driver and the reference host.
func TestDemoBuiltinScript(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	if err := run(ctx, []string{"demo"}, strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatalf("demo: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	for _, want := range []string{"<- NAME Generic USB Telephony Handset", "<- BTN_PRESSED YES", "-> CALL 1002 STATUS INPROGRESS"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout.String())
		}
	}
}

// TestDemoScriptFailsOnUnmetWait proves a script step that never happens
// fails the demo with the line number, instead of passing silently.
func TestDemoScriptFailsOnUnmetWait(t *testing.T) {
	script := filepath.Join(t.TempDir(), "s.txt")
	if err := os.WriteFile(script, []byte("wait <- HOOK ON\nexpect ringing=true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"demo", "--script", script}, strings.NewReader(""), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "script line 2") || !strings.Contains(err.Error(), "ringing to be true") {
		t.Fatalf("err = %v, want a timeout at script line 2", err)
	}
}

// TestDemoScriptOutputOrder proves the demo without a terminal explains the
// arrows first and prints each step before the traffic it causes.
func TestDemoScriptOutputOrder(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	if err := run(ctx, []string{"demo"}, strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatalf("demo: %v\nstderr:\n%s", err, stderr.String())
	}
	out := stdout.String()
	if first, _, _ := strings.Cut(out, "\n"); !strings.Contains(first, `"<- LINE" goes from the handset`) || !strings.Contains(first, `"-> LINE" from the host`) {
		t.Errorf("first line %q is not the legend", first)
	}
	for _, pair := range [][2]string{
		{"> tap YES", "<- BTN_PRESSED YES"},
		{"> host answer", "-> CALL 1001 STATUS INPROGRESS"},
		{"> host call in echo123", "-> CALL 1002 STATUS RINGING"},
	} {
		step, traffic := strings.Index(out, pair[0]), strings.Index(out, pair[1])
		if step < 0 || traffic < 0 || traffic < step {
			t.Errorf("%q (at %d) should come before %q (at %d):\n%s", pair[0], step, pair[1], traffic, out)
		}
	}
}

// TestMalformedRecordingFailsAtStart proves run refuses, at start and with
// the parser's reason, a recording whose report descriptor cannot be
// parsed, instead of retrying a handset that can never be driven.
func TestMalformedRecordingFailsAtStart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	path := t.TempDir() + "/broken.hid"
	// An Application collection never closed.
	if err := os.WriteFile(path, []byte("R: 4 05 0b a1 01\nN: Broken\nI: 3 1209 0001\nE: 0.000000 2 01 01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"run", "--allow-root", "--device", "replay:" + path, "--host", "stream:unix:" + t.TempDir() + "/none.sock", "--audio=false"}, strings.NewReader(""), &stdout, &stderr)
	if ctx.Err() != nil {
		t.Fatal("run retried the recording until the test's timeout")
	}
	if err == nil || !strings.Contains(err.Error(), "malformed report descriptor") || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want the descriptor's fault and the file", err)
	}
}
