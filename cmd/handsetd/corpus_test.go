package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/internal/proctest"
)

// corpusDir holds the published descriptors of shipping devices, each with
// a constructed replay (keymap/testdata/descriptors, sources in INDEX.md),
// and goldenDir what each must give.
var (
	corpusDir = filepath.Join("..", "..", "keymap", "testdata", "descriptors")
	goldenDir = filepath.Join("..", "..", "keymap", "testdata", "golden")
)

// runBinary runs the built handsetd with args and returns its stdout, its
// stderr and its error.
func runBinary(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, proctest.Bin("handsetd"), args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// TestCorpusMonitor proves that every device of the corpus gives the Phone
// API lines of its golden file through the handsetd binary's monitor
// --device replay:FILE, look-alikes included: a device with nothing but
// look-alike controls is refused as not a supported handset and prints
// nothing. Run with -update to rewrite the golden files.
func TestCorpusMonitor(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.hid"))
	if err != nil || len(files) < 19 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".hid")
		t.Run(name, func(t *testing.T) {
			out, stderr, err := runBinary(t, "monitor", "--fast", "--log-level", "error", "--device", "replay:"+file)
			got := out
			if err != nil {
				if !strings.Contains(stderr, "not a supported handset") {
					t.Fatalf("monitor: %v\n%s", err, stderr)
				}
				got += "refused: not a supported handset\n"
			}
			golden := filepath.Join(goldenDir, name+".monitor")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("monitor --device replay:%s printed\n%s\nwant (%s)\n%s", file, got, golden, want)
			}
		})
	}
}

// TestDescribe proves handsetd describe prints what a bug report needs: the
// descriptor's bytes, the profile chosen or why there is none, the controls
// found with their shapes, and the ignored fields with the reason.
func TestDescribe(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"jabra-link-380c.hid", []string{
			"report descriptor: 356 bytes: 05 0b 09 05",
			`profile: "Jabra Link 380c"`,
			"input 2: Hook Switch, level (Telephony(000b):0020; bit 0, Constant but a Telephony control: data)",
			"0 is none",
			"ignored: input report 4 ff30:00b0: vendor page 0xff30",
			"Consumer Mute (0x0C:0xE2)",
		}},
		{"logitech-0a37-consumer.hid", []string{
			"profile: none: ", "not a supported handset",
			"Consumer Mute (0x0C:0xE2) mutes the speaker for the desktop, not the call: look-alike",
			"result: ", "no HID Telephony input controls",
		}},
	}
	for _, tt := range tests {
		out, stderr, err := runBinary(t, "describe", "--log-level", "error", "--device", "replay:"+filepath.Join(corpusDir, tt.file))
		if err != nil {
			t.Fatalf("describe %s: %v\n%s", tt.file, err, stderr)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("describe %s: no %q in\n%s", tt.file, w, out)
			}
		}
	}
}
