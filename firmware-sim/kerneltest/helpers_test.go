package kerneltest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/vmtest"
)

// newWatchedHandset makes a generic-telephony model whose output reports
// (what the guest writes to it) arrive on the returned channel; reports
// past its 64-report buffer are dropped. The caller closes the model.
func newWatchedHandset(t *testing.T) (*firmwaresim.Handset, <-chan []byte) {
	t.Helper()
	return newWatchedModel(t, "generic-telephony")
}

// newWatchedModel is newWatchedHandset for any model.
func newWatchedModel(t *testing.T, model string) (*firmwaresim.Handset, <-chan []byte) {
	t.Helper()
	outputs := make(chan []byte, 64)
	h, err := firmwaresim.New(model, firmwaresim.Options{OnOutput: func(r []byte) {
		select {
		case outputs <- r:
		default:
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	return h, outputs
}

// guestResult is how a guest program ended.
type guestResult struct {
	r   vmtest.Result
	err error
}

// guestRun is a program running in the guest while the test drives the
// model from the host.
type guestRun struct {
	t     *testing.T
	ctx   context.Context
	done  chan guestResult
	start time.Time
}

// startGuest runs run in the background; ctx bounds every wait on it.
func startGuest(t *testing.T, ctx context.Context, run func(context.Context) (vmtest.Result, error)) *guestRun {
	g := &guestRun{t: t, ctx: ctx, done: make(chan guestResult, 1), start: time.Now()}
	go func() {
		r, err := run(ctx)
		g.done <- guestResult{r, err}
	}()
	return g
}

// fail ends the test while it was doing what: with the guest's output if
// the guest ended, else with ctx's error.
func (g *guestRun) fail(what string) {
	g.t.Helper()
	select {
	case res := <-g.done:
		g.t.Fatalf("the guest ended while %s: %v exit %d\nstdout %s\nstderr %s", what, res.err, res.r.ExitCode, res.r.Stdout, res.r.Stderr)
	case <-g.ctx.Done():
		g.t.Fatalf("%s: %v", what, g.ctx.Err())
	}
}

// waitOutput waits until the model receives the output report want (the
// guest's signal), skipping any other; what names the wait in a failure.
func (g *guestRun) waitOutput(outputs <-chan []byte, want []byte, what string) {
	g.t.Helper()
	for waiting := true; waiting; {
		select {
		case r := <-outputs:
			waiting = !bytes.Equal(r, want)
		case res := <-g.done:
			g.done <- res
			g.fail(what)
		case <-g.ctx.Done():
			g.fail(what)
		}
	}
}

// waitOffHookLED waits until the model's Off-Hook LED is on.
func (g *guestRun) waitOffHookLED(h *firmwaresim.Handset, what string) {
	g.t.Helper()
	for !h.State().LEDs.OffHook {
		select {
		case <-h.Changed():
		case <-g.ctx.Done():
			g.fail(what)
		}
	}
}

// finish waits for the guest program and fails the test unless it ran
// without error and exited 0.
func (g *guestRun) finish() vmtest.Result {
	g.t.Helper()
	var res guestResult
	select {
	case res = <-g.done:
	case <-g.ctx.Done():
		g.t.Fatalf("the guest did not finish: %v", g.ctx.Err())
	}
	if res.err != nil || res.r.ExitCode != 0 {
		g.t.Fatalf("guest: %v exit %d\nstdout %s\nstderr %s", res.err, res.r.ExitCode, res.r.Stdout, res.r.Stderr)
	}
	return res.r
}

// inputEventNode returns the /dev/input/eventN node of the guest's input
// device called name, or "" while there is none.
func inputEventNode(name string) string {
	names, _ := filepath.Glob("/sys/class/input/event*/device/name")
	for _, p := range names {
		if b, err := os.ReadFile(p); err == nil && strings.TrimSpace(string(b)) == name {
			return "/dev/input/" + filepath.Base(filepath.Dir(filepath.Dir(p)))
		}
	}
	return ""
}
