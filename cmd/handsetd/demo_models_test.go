package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/internal/proctest"
	"github.com/handsetd/handsetd/keymap"
)

// TestDemoEveryModel proves `handsetd demo --model M </dev/null` runs its
// built-in tour to the end for every model `phonesim --models` lists: the
// script takes the steps each model can (YES and NO without a hook switch,
// # without a YES key, no mute without a mute button, the speaker ring
// without a ringer).
func TestDemoEveryModel(t *testing.T) {
	out, err := exec.Command(proctest.Bin("phonesim"), "--models").Output()
	if err != nil {
		t.Fatal(err)
	}
	var models []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name, _, _ := strings.Cut(l, "\t")
		models = append(models, name)
	}
	if len(models) < 2 {
		t.Fatalf("phonesim --models listed %q", out)
	}
	for _, m := range models {
		if _, _, handset := keymap.ForSimModel(m); !handset {
			// A model kept to prove the udev rules refuse it (a keyboard):
			// the demo refuses it too, saying so, instead of waiting for a
			// handshake that never comes.
			t.Run(m, func(t *testing.T) {
				t.Parallel()
				out, err := exec.Command(proctest.Bin("handsetd"), "demo", "--model", m).CombinedOutput()
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "is no handset") {
					t.Errorf("demo --model %s: %v, want exit 2 saying it is no handset:\n%s", m, err, out)
				}
			})
			continue
		}
		t.Run(m, func(t *testing.T) {
			t.Parallel()
			stdout, stderr := runDemoProcess(t, "--model", m)
			for _, want := range []string{"<- NAME ", "STATUS INPROGRESS", "> expect ring=on", "-> CALL 1002 STATUS FINISHED"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("the tour lacks %q\nstdout:\n%s\nstderr:\n%s", want, stdout, stderr)
				}
			}
			if err := checkTourOrder(stdout); err != nil {
				t.Errorf("%v\nstdout:\n%s", err, stdout)
			}
		})
	}
}

// checkTourOrder checks what a reader without a terminal relies on: the
// first line explains the arrows, and each tapped key's press and release
// are printed under its own step, before the next step.
func checkTourOrder(out string) error {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) == 0 || !strings.Contains(lines[0], `"<- LINE" goes from the handset`) || !strings.Contains(lines[0], `"-> LINE" from the host`) {
		return errors.New("the first line is not the legend of <- and ->")
	}
	for i, l := range lines {
		key, ok := strings.CutPrefix(l, "> tap ")
		if !ok {
			continue
		}
		var under []string
		for _, m := range lines[i+1:] {
			if strings.HasPrefix(m, ">") || strings.HasPrefix(m, "#") {
				break
			}
			under = append(under, strings.TrimSpace(m))
		}
		for _, want := range []string{"<- BTN_PRESSED " + key, "<- BTN_RELEASED " + key} {
			if !slices.Contains(under, want) {
				return fmt.Errorf("line %d %q: %q is not printed under it (before the next step), got %q", i+1, l, want, under)
			}
		}
	}
	return nil
}

// runDemoProcess runs handsetd demo ARGS with stdin from /dev/null and fails
// the test unless it exits 0 within a minute.
func runDemoProcess(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	cmd := exec.Command(proctest.Bin("handsetd"), append([]string{"demo"}, args...)...)
	cmd.Stdin = devnull
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("demo %v exited with %v\nstdout:\n%s\nstderr:\n%s", args, err, out.String(), errb.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("demo %v did not finish; stdout so far:\n%s", args, out.String())
	}
	return out.String(), errb.String()
}

// TestDemoWithoutItsPrograms proves a handsetd with neither phonesim nor
// phoneapi-host beside it or on PATH says to run make build, and an
// unknown --model is refused with the models phonesim has.
func TestDemoWithoutItsPrograms(t *testing.T) {
	alone := t.TempDir()
	b, err := os.ReadFile(proctest.Bin("handsetd"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(alone, "handsetd"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(alone, "handsetd"), "demo")
	cmd.Env = append(os.Environ(), "PATH="+alone)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "make build") {
		t.Fatalf("err = %v, output %s; want a failure naming make build", err, out)
	}

	cmd = exec.Command(proctest.Bin("handsetd"), "demo", "--model", "rotary-1950")
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "generic-telephony") {
		t.Fatalf("err = %v, output %s; want a refusal listing the models", err, out)
	}
}
