package vmtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) { os.Exit(Main(m, map[string]func([]string) int{"echo": echoRole})) }

// echoRole prints its arguments and exits with status 3.
func echoRole(args []string) int {
	println(strings.Join(args, " "))
	return 3
}

// TestModuleOrder proves that modules come after everything they depend
// on, each once, and that an unknown module is an error.
func TestModuleOrder(t *testing.T) {
	dep := map[string][]string{
		"a.ko": {"b.ko", "c.ko"},
		"b.ko": {"c.ko"},
		"c.ko": nil,
		"d.ko": {"c.ko"},
	}
	got, err := moduleOrder(dep, []string{"a.ko", "d.ko"})
	if err != nil || strings.Join(got, " ") != "c.ko b.ko a.ko d.ko" {
		t.Fatalf("order %v %v", got, err)
	}
	if _, err := moduleOrder(dep, []string{"x.ko"}); err == nil {
		t.Error("accepted an unknown module")
	}
}

// TestVM proves the harness end to end: the guest boots, a command runs in
// the chroot with its stdout, stderr and exit status brought back, the
// test binary runs in the guest in a role, and the guest sees the host's
// root read-only.
func TestVM(t *testing.T) {
	t.Parallel() // beside TestWatchdog's VM: most of this one's time is spent sleeping
	if m := Missing(); m != "" {
		t.Skip(m)
	}
	kdir, err := KernelDir()
	if err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	vm, err := Boot(ctx, Config{KernelDir: kdir, Timeout: 90 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	t.Logf("boot: %v", vm.BootTime)
	r, err := vm.Run(ctx, "uname -r; echo oops >&2; exit 7")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(strings.TrimSpace(string(r.Stdout)), "-amd64") || string(r.Stderr) != "oops\n" || r.ExitCode != 7 {
		t.Errorf("result %q %q %d", r.Stdout, r.Stderr, r.ExitCode)
	}
	r, err = vm.RunSelf(ctx, "echo", "a b", "c")
	if err != nil || r.ExitCode != 3 || string(r.Stderr) != "a b c\n" {
		t.Errorf("RunSelf: %q %q %d %v", r.Stdout, r.Stderr, r.ExitCode, err)
	}
	r, err = vm.Run(ctx, "touch /etc/vmtest-probe")
	if err != nil || r.ExitCode == 0 {
		t.Errorf("the host root is writable from the guest: %+v %v", r, err)
	}
	testConcurrentRuns(ctx, t, vm)
	testManyRuns(ctx, t, vm)
	testSplitLine(ctx, t, vm)
}

// testSplitLine proves that a control line arriving in pieces while a job
// ends is not lost: the line's first bytes reach the agent, a job then ends
// (its SIGCHLD reaches the agent while it waits for the rest), and the job
// the completed line names still runs.
func testSplitLine(ctx context.Context, t *testing.T, vm *VM) {
	rctx, rcancel := context.WithTimeout(ctx, 30*time.Second)
	defer rcancel()
	ender := make(chan error, 1)
	go func() {
		_, err := vm.Run(rctx, "touch /run/tmp/ender-up; while [ ! -e /run/vmtest/ender-go ]; do sleep 0.05; done")
		ender <- err
	}()
	if r, err := vm.Run(rctx, "while [ ! -e /run/tmp/ender-up ]; do sleep 0.05; done"); err != nil || r.ExitCode != 0 {
		t.Fatalf("the job that is to end mid-line never started: exit %d %v", r.ExitCode, err)
	}
	const script = "echo whole"
	id, dir, ch, err := vm.newJob(script)
	if err != nil {
		t.Fatal(err)
	}
	line := fmt.Sprintf("run %d\n", id)
	vm.writeMu.Lock()
	_, err = io.WriteString(vm.ctl, line[:2])
	if err == nil {
		err = os.WriteFile(filepath.Join(vm.dir, "jobs", "ender-go"), nil, 0o644)
	}
	if err == nil {
		err = <-ender // its "done" has come: the agent's child exits now
	}
	if err == nil {
		_, err = io.WriteString(vm.ctl, line[2:])
	}
	vm.writeMu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if r, err := vm.await(rctx, script, id, dir, ch); err != nil || string(r.Stdout) != "whole\n" {
		t.Errorf("the job named by a line split around a job's end: %q %v", r.Stdout, err)
	}
}

// testManyRuns proves that no control line is lost while jobs end: many
// short jobs started at once each report their own exit status. (A job's
// end signals the agent, and a signal that arrived while the agent had read
// only part of a line once lost that line, so the job never started.)
func testManyRuns(ctx context.Context, t *testing.T, vm *VM) {
	const n = 24
	rctx, rcancel := context.WithTimeout(ctx, 60*time.Second)
	defer rcancel()
	errs := make(chan error, n)
	for i := range n {
		go func() {
			r, err := vm.Run(rctx, fmt.Sprintf("exit %d", i))
			if err == nil && r.ExitCode != i {
				err = fmt.Errorf("job %d exited %d", i, r.ExitCode)
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// testConcurrentRuns proves that Runs are concurrent in the guest (two
// commands that each wait for the other can only both finish if they run at
// once; no timing is assumed, so a loaded machine cannot fail it) and that a
// Run whose context ends kills its command, after which Runs still work.
func testConcurrentRuns(ctx context.Context, t *testing.T, vm *VM) {
	type result struct {
		r   Result
		err error
	}
	rctx, rcancel := context.WithTimeout(ctx, 90*time.Second)
	defer rcancel()
	long := make(chan result, 1)
	go func() {
		r, err := vm.Run(rctx, "touch /run/tmp/a-started; while [ ! -e /run/tmp/b-started ]; do sleep 0.05; done; echo a")
		long <- result{r, err}
	}()
	r, err := vm.Run(rctx, "touch /run/tmp/b-started; while [ ! -e /run/tmp/a-started ]; do sleep 0.05; done; echo b")
	if err != nil || string(r.Stdout) != "b\n" {
		t.Errorf("the second of two jobs waiting for each other: %q %v (the commands did not run side by side)", r.Stdout, err)
	}
	if res := <-long; res.err != nil || string(res.r.Stdout) != "a\n" || res.r.ExitCode != 0 {
		t.Errorf("the first of two jobs waiting for each other: %q exit %d %v", res.r.Stdout, res.r.ExitCode, res.err)
	}

	// Cancel a Run once its command is surely running (a second job sees
	// its pid file), so the kill is tested, not the start-up time.
	kctx, kcancel := context.WithCancel(rctx)
	defer kcancel()
	killed := make(chan error, 1)
	go func() {
		_, err := vm.Run(kctx, "echo $$ >/run/tmp/killed-pid.tmp; mv /run/tmp/killed-pid.tmp /run/tmp/killed-pid; exec sleep 3141")
		killed <- err
	}()
	if r, err := vm.Run(rctx, "while [ ! -e /run/tmp/killed-pid ]; do sleep 0.05; done; echo up"); err != nil || string(r.Stdout) != "up\n" {
		t.Fatalf("the job to be killed never started: %q %v", r.Stdout, err)
	}
	kcancel()
	if err := <-killed; !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "killed") {
		t.Errorf("cancelled Run: %v, want a cancellation error saying the job was killed", err)
	}
	r, err = vm.Run(ctx, "p=$(cat /run/tmp/killed-pid); if [ -e /proc/$p ] && [ \"$(cat /proc/$p/cmdline)\" ]; then echo alive; else echo gone; fi")
	if err != nil || string(r.Stdout) != "gone\n" {
		t.Errorf("after the timed-out Run its command is %q (%v), want gone", r.Stdout, err)
	}
}

// TestWatchdog proves the guest's watchdog: a VM whose Timeout is 1 s
// powers itself off (qemu exits on its own and the console says why),
// whether that happens before Boot returns or after.
func TestWatchdog(t *testing.T) {
	t.Parallel()
	if m := Missing(); m != "" {
		t.Skip(m)
	}
	kdir, err := KernelDir()
	if err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const said = "vmtest: watchdog: powering off"
	vm, err := Boot(ctx, Config{KernelDir: kdir, Timeout: time.Second})
	if err != nil {
		if !strings.Contains(err.Error(), "qemu exited before the guest was ready") || !strings.Contains(err.Error(), said) {
			t.Fatalf("boot: %v, want the watchdog to power the guest off", err)
		}
		return
	}
	defer vm.Close()
	select {
	case <-vm.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("the guest is still running 20 s after its 1 s watchdog")
	}
	if !strings.Contains(vm.Console(), said) {
		t.Errorf("qemu exited but the console does not say %q:\n%s", said, vm.Console())
	}
}
