package vmtest

import (
	"context"
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
}
