package main

import (
	"bytes"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/internal/proctest"
)

// TestHelpEverywhere proves the programs treat help alike: --help exits 0
// and prints that command's usage once, on stdout, with no "help requested"
// error; handsetd with no command prints the short usage and exits 2; a
// command-line mistake exits 2 with the mistake named.
func TestHelpEverywhere(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		want     string // in stdout+stderr, exactly once
		wantMiss string // never in stdout+stderr
	}{
		{[]string{"handsetd", "--help"}, 0, "handsetd run --device SPEC", "help requested"},
		{[]string{"handsetd", "help"}, 0, "handsetd run --device SPEC", "help requested"},
		{[]string{"handsetd", "run", "--help"}, 0, "usage: handsetd run [flags]", "help requested"},
		{[]string{"handsetd", "monitor", "--help"}, 0, "usage: handsetd monitor [flags]", "help requested"},
		{[]string{"handsetd", "record", "-h"}, 0, "usage: handsetd record [flags]", "help requested"},
		{[]string{"handsetd", "demo", "--help"}, 0, "usage: handsetd demo [flags]", "help requested"},
		{[]string{"handsetd"}, 2, "usage: handsetd COMMAND [flags]", "--device SPEC"},
		{[]string{"handsetd", "run", "--bogus"}, 2, "flag provided but not defined: -bogus", "help requested"},
		{[]string{"handsetd", "monitor", "--device", "sim:unix:/a", "--device", "sim:unix:/b"}, 2, "given twice", "help requested"},
		{[]string{"phoneapi-host", "--help"}, 0, "usage: phoneapi-host", "help requested"},
		{[]string{"phoneapi-host"}, 2, "give --listen", "help requested"},
		{[]string{"phonesim", "--help"}, 0, "usage: phonesim", "help requested"},
		{[]string{"phonesim", "--bogus"}, 2, "flag provided but not defined: -bogus", "help requested"},
		{[]string{"handsetd-probe", "--help"}, 0, "usage: handsetd-probe", "help requested"},
		{[]string{"handsetd-bench", "--help"}, 0, "usage: handsetd-bench", "help requested"},
		{[]string{"handsetd-bench", "--bogus"}, 2, "flag provided but not defined: -bogus", "help requested"},
	}
	// The probe and the bench are not among proctest's programs.
	extra := t.TempDir()
	build := exec.Command("go", "build", "-o", extra+"/", "github.com/handsetd/handsetd/udev/handsetd-probe", "github.com/handsetd/handsetd/cmd/handsetd-bench")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building handsetd-probe and handsetd-bench: %v\n%s", err, out)
	}
	bin := func(name string) string {
		if name == "handsetd-probe" || name == "handsetd-bench" {
			return filepath.Join(extra, name)
		}
		return proctest.Bin(name)
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			cmd := exec.Command(bin(tt.args[0]), tt.args[1:]...)
			var out, stdout proctest.SyncBuffer
			cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, &stdout), &out
			err := cmd.Run()
			if tt.code == 0 && !strings.Contains(stdout.String(), tt.want) {
				t.Errorf("the usage is not on stdout; stdout:\n%s", stdout.String())
			}
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code {
				t.Errorf("exit status %d, want %d\n%s", code, tt.code, out.String())
			}
			if n := strings.Count(out.String(), tt.want); n != 1 {
				t.Errorf("%q appears %d times, want once:\n%s", tt.want, n, out.String())
			}
			if strings.Contains(out.String(), tt.wantMiss) {
				t.Errorf("output has %q:\n%s", tt.wantMiss, out.String())
			}
		})
	}
}

// TestRunUsageShowsDefaultsCleanly proves run --help shows each default the
// way Go's own flag package does: none for a zero value (no `(default "")`),
// and a boolean's unquoted.
func TestRunUsageShowsDefaultsCleanly(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"run", "--help"}, strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatalf("run --help: %v", err)
	}
	help := stdout.String() + stderr.String()
	for _, bad := range []string{`(default "")`, `(default "true")`, `(default "false")`} {
		if strings.Contains(help, bad) {
			t.Errorf("run --help shows %s:\n%s", bad, help)
		}
	}
	if !strings.Contains(help, "(default true)") || !strings.Contains(help, `(default "info")`) {
		t.Errorf("run --help lacks the --audio and --log-level defaults:\n%s", help)
	}
}
