package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid/hidtest"
	"github.com/handsetd/handsetd/internal/proctest"
)

// recording is a device with report id 5 and three recorded reports. Its
// ids are not a Yealink's: a fast replay of a device that answers requests
// would wait for them (package replay).
const recording = `# a test recording
R: 21 06 00 ff 09 01 a1 01 85 05 15 00 26 ff 00 75 08 95 02 81 02 c0
N: Recorded Phone
I: 3 1234 5678
E: 000000.000000 3 05 01 00
E: 000000.001000 3 05 00 00
E: 000000.002000 3 05 02 00
`

// TestReplay proves phonesim --replay: the recording is served on the
// socket as the recorded device, nothing plays before the play command,
// then every report arrives in order; state reports the replay; bad
// command lines get an error answer; quit ends run.
func TestReplay(t *testing.T) {
	dir := proctest.ShortDir(t)
	file := filepath.Join(dir, "x.hid")
	os.WriteFile(file, []byte(recording), 0o644)
	addr := "unix:" + filepath.Join(dir, "s")
	s := start(t, "--replay", file, "--listen", addr, "--fast")
	if got := s.Say("state"); !strings.Contains(got, `"playing":false`) || !strings.Contains(got, `"reports":3`) {
		t.Fatalf("state before play = %s", got)
	}
	d := dial(t, addr)
	if d.Info().Product != "Recorded Phone" || d.Info().VendorID != 0x1234 {
		t.Errorf("identity %+v", d.Info())
	}
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	if _, err := d.ReadInput(short, make([]byte, 8)); err == nil {
		t.Error("a report arrived before play")
	}
	cancel()
	if got := s.Say("play"); got != "ok" {
		t.Fatalf("play = %q", got)
	}
	for _, want := range [][]byte{{5, 1, 0}, {5, 0, 0}, {5, 2, 0}} {
		if got := hidtest.ReadReport(t, d); !bytes.Equal(got, want) {
			t.Errorf("report % x, want % x", got, want)
		}
	}
	if err := d.WriteOutput([]byte{0, 1}); err != nil {
		t.Errorf("output to a replay: %v", err)
	}
	if got := s.Say("state"); !strings.Contains(got, `"playing":true`) {
		t.Errorf("state after play = %s", got)
	}
	if got := s.Say("hook off"); !strings.HasPrefix(got, "error: ") {
		t.Errorf("hook off on a replay = %q", got)
	}
	if got := s.Say("quit"); got != "ok" {
		t.Errorf("quit = %q", got)
	}
	if err := s.Wait(); err != nil {
		t.Errorf("run: %v", err)
	}
}

// TestReplayErrors proves that a malformed recording is refused with its
// line, and that --replay does not combine with --model.
func TestReplayErrors(t *testing.T) {
	dir := proctest.ShortDir(t)
	bad := filepath.Join(dir, "bad.hid")
	os.WriteFile(bad, []byte("R: 1 c0\nI: 3 zz 1\n"), 0o644)
	addr := "unix:" + filepath.Join(dir, "s")
	var stderr proctest.SyncBuffer
	err := run(context.Background(), []string{"--replay", bad, "--listen", addr}, strings.NewReader(""), io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("malformed recording: %v, want line 2", err)
	}
	err = run(context.Background(), []string{"--replay", bad, "--model", "generic-telephony", "--listen", addr}, strings.NewReader(""), io.Discard, &stderr)
	if err != errUsage || !strings.Contains(stderr.String(), "exclude each other") {
		t.Errorf("--replay with --model: %v, %s", err, stderr.String())
	}
}
