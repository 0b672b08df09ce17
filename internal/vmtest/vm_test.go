package vmtest

import (
	"context"
	"errors"
	"os"
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
}

// testConcurrentRuns proves that Runs are concurrent in the guest (a
// command returns promptly while a 6 s one runs) and that a Run whose
// context ends kills its command, after which Runs still work.
func testConcurrentRuns(ctx context.Context, t *testing.T, vm *VM) {
	type result struct {
		r   Result
		err error
	}
	long := make(chan result, 1)
	start := time.Now()
	go func() {
		r, err := vm.Run(ctx, "echo started >/run/tmp/long-started; sleep 6; echo slept")
		long <- result{r, err}
	}()
	// This command waits until the long one has started, so it can only
	// finish promptly if both run at once.
	qctx, qcancel := context.WithTimeout(ctx, 20*time.Second)
	defer qcancel()
	r, err := vm.Run(qctx, "while [ ! -e /run/tmp/long-started ]; do sleep 0.05; done; echo hi")
	if err != nil || string(r.Stdout) != "hi\n" {
		t.Errorf("echo beside sleep 6: %q %v after %v", r.Stdout, err, time.Since(start))
	}
	select {
	case <-long:
		t.Errorf("echo returned only after sleep 6 had ended (%v): the commands did not run side by side", time.Since(start))
		long <- result{Result{Stdout: []byte("slept\n")}, nil}
	default:
	}

	kctx, kcancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer kcancel()
	_, err = vm.Run(kctx, "echo $$ >/run/tmp/killed-pid; exec sleep 3141")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "killed") {
		t.Errorf("timed-out Run: %v, want a deadline error saying the job was killed", err)
	}
	r, err = vm.Run(ctx, "p=$(cat /run/tmp/killed-pid); if [ -e /proc/$p ] && [ \"$(cat /proc/$p/cmdline)\" ]; then echo alive; else echo gone; fi")
	if err != nil || string(r.Stdout) != "gone\n" {
		t.Errorf("after the timed-out Run its command is %q (%v), want gone", r.Stdout, err)
	}

	res := <-long
	if res.err != nil || string(res.r.Stdout) != "slept\n" || res.r.ExitCode != 0 {
		t.Errorf("sleep 6: %q exit %d %v", res.r.Stdout, res.r.ExitCode, res.err)
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
