package kerneltest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// debLimit bounds the package test: building the .deb, installing,
// checking and purging it in the guest.
const debLimit = 2 * time.Minute

// debGuestScript runs in the guest as root, in a mount namespace of its own
// (unshare --mount): usage debGuestScript DEB HIDRAW. The shared root is the
// host's, read-only; here overlays with a tmpfs upper make /usr, /etc and
// /var writable for dpkg and for this job only, so the package is installed
// into the host's real system (its dpkg database, its installed libraries
// satisfying the package's dependencies, its udev and systemd) while the
// host and the other jobs see nothing of it, and the mounts vanish with the
// job. Each layer's upper directory holds what was written; the host's
// dpkg database as it was is bound beside the overlays for comparison.
//
// Each step prints "=== NAME", its output (stdout and stderr) and
// "=== exit STATUS"; the test reads the steps.
const debGuestScript = `set -eu
deb=$1 hidraw=$2
t=$(mktemp -d)
mount -t tmpfs kerneltest-deb "$t"
for d in usr etc var; do
	mkdir -p "$t/$d.up" "$t/$d.work" "$t/orig/$d"
	mount --bind "/$d" "$t/orig/$d"
	mount -t overlay "kerneltest-deb-$d" -o "lowerdir=/$d,upperdir=$t/$d.up,workdir=$t/$d.work" "/$d"
done
step() {
	n=$1; shift; echo "=== $n"; read t0 _ </proc/uptime
	st=0; "$@" 2>&1 || st=$?
	read t1 _ </proc/uptime; echo "=== exit $st $t0 $t1"
}
status() { dpkg-query "$@" -W -f='${Package}:${Architecture} ${db:Status-Abbrev} ${Version}\n' | sort; }
export DEBIAN_FRONTEND=noninteractive
step install dpkg --install "$deb"
step status dpkg-query -W -f='${db:Status-Abbrev}|${Version}\n' handsetd
step files dpkg-query -L handsetd
dpkg-query -L handsetd >"$t/files" || true
step modes stat -c "%A %U:%G %n" $(cat "$t/files")
step udevadm-test udevadm test --action=add "/sys/class/hidraw/$hidraw"
step list handsetd list --audio=false
step unit grep '^ExecStart=' /usr/lib/systemd/user/handsetd.service
step purge dpkg --purge handsetd
step status-after dpkg-query -W -f='${db:Status-Abbrev}\n' handsetd
left() {
	for f in $(cat "$t/files"); do [ -d "$f" ] || ! [ -e "$f" ] || echo "$f"; done
	find "$t/usr.up" "$t/etc.up" ! -type d
	find "$t/var.up" ! -type d | grep handsetd || true
}
step left left
status --admindir="$t/orig/var/lib/dpkg" >"$t/before"
status >"$t/after"
step db-diff diff "$t/before" "$t/after"
`

// debSteps splits debGuestScript's output into its steps: what each
// printed, and its exit status.
func debSteps(out string) (text map[string]string, exit map[string]int, took map[string]time.Duration) {
	text, exit, took = map[string]string{}, map[string]int{}, map[string]time.Duration{}
	var name string
	var b strings.Builder
	for _, l := range strings.SplitAfter(out, "\n") {
		switch h, ok := strings.CutPrefix(strings.TrimSuffix(l, "\n"), "=== "); {
		case ok && strings.HasPrefix(h, "exit ") && name != "":
			f := strings.Fields(h)
			exit[name], _ = strconv.Atoi(f[1])
			if len(f) == 4 {
				t0, _ := strconv.ParseFloat(f[2], 64)
				t1, _ := strconv.ParseFloat(f[3], 64)
				took[name] = time.Duration((t1 - t0) * float64(time.Second)).Round(time.Millisecond)
			}
			text[name] = b.String()
			name = ""
		case ok && name == "":
			name = h
			b.Reset()
		default:
			b.WriteString(l)
		}
	}
	return text, exit, took
}

// TestKernelDebInstallsAndPurges proves the Debian package installs and
// is removed cleanly on a real system: `make deb` builds it on the host
// (gzip, without lintian: udev's TestDebPackage checks the package lintian
// sees), and in the guest `dpkg --install handsetd_….deb` installs it with
// nothing forced, its dependencies satisfied by the packages the host has
// installed and its maintainer scripts run in the real root (see
// debGuestScript for how the read-only shared root is made writable for
// this test only). Then:
//   - dpkg records it installed ("ii") at the package's version, owning
//     the programs, the probe in /usr/lib/udev, the rules in
//     /usr/lib/udev/rules.d and the systemd user unit, with their modes;
//   - `udevadm test` on the hidraw node of a simulated HID Telephony
//     handset attached over USB/IP loads the installed rules without a
//     complaint, runs the installed probe, and computes ID_HANDSETD=1,
//     the hid-telephony family and the uaccess tag (systemd 252 has no
//     `udevadm verify`);
//   - the installed handsetd runs: `handsetd list` finds that handset, and
//     the installed user unit starts it (systemd-analyze verifies the same
//     unit on the host, in udev's TestMakeInstallTree);
//   - `dpkg --purge` removes it: dpkg no longer knows it (or knows it only
//     as purged, "pn"), no file of the package is left, nothing at all is
//     left in /usr and /etc, nothing of it in /var, and every other
//     package's dpkg status is as it was.
func TestKernelDebInstallsAndPurges(t *testing.T) {
	vm, exp := bootVM(t)
	for _, tool := range []string{"dpkg-deb", "dpkg-shlibdeps", "unshare"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s (make deps installs dpkg-dev)", tool)
		}
	}
	ctx, cancel := context.WithTimeout(theVM.ctx, debLimit)
	defer cancel()
	start := time.Now()
	arch, err := exec.CommandContext(ctx, "dpkg", "--print-architecture").Output()
	if err != nil {
		t.Fatalf("dpkg --print-architecture: %v", err)
	}
	// The package builds on the host while the guest gets ready.
	dir, err := os.MkdirTemp("", "kerneltest-deb-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	built := make(chan error, 1)
	go func() { built <- buildDeb(ctx, dir) }()
	if err := vm.Modprobe(ctx, "overlay"); err != nil {
		t.Fatal(err)
	}
	tel := newModel(t, "generic-telephony")
	aTel := attach(t, vm, exp, tel, 0x1209, 0x0001, true)
	defer detachAll(t, vm)
	if err := <-built; err != nil {
		t.Fatal(err)
	}
	debs, err := filepath.Glob(filepath.Join(dir, "handsetd_*.deb"))
	if err != nil || len(debs) != 1 {
		t.Fatalf("make deb made %q (%v)", debs, err)
	}
	deb, script := debs[0], filepath.Join(dir, "guest.sh")
	version := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(deb), "handsetd_"), "_"+strings.TrimSpace(string(arch))+".deb")
	t.Logf("make deb and the guest ready in %v: %s", time.Since(start).Round(time.Millisecond), filepath.Base(deb))

	guest := time.Now()
	r, err := vm.Run(ctx, "exec unshare --mount --propagation private /bin/sh "+script+" "+deb+" "+aTel.hidraw)
	if err != nil {
		t.Fatal(err)
	}
	if r.ExitCode != 0 {
		t.Fatalf("guest script: exit %d\nstdout %s\nstderr %s", r.ExitCode, r.Stdout, r.Stderr)
	}
	text, exit, took := debSteps(string(r.Stdout))
	t.Logf("install, checks and purge in the guest in %v: %v", time.Since(guest).Round(time.Millisecond), took)
	defer func() {
		if t.Failed() {
			t.Logf("guest output:\n%s\nstderr %s", r.Stdout, r.Stderr)
		}
	}()
	step := func(name string) string {
		t.Helper()
		if _, ok := exit[name]; !ok {
			t.Errorf("the guest script ran no step %s", name)
		} else if exit[name] != 0 {
			t.Errorf("%s: exit %d\n%s", name, exit[name], text[name])
		}
		return text[name]
	}
	if step("install"); t.Failed() {
		return
	}
	if got := strings.TrimSpace(step("status")); got != "ii |"+version {
		t.Errorf("dpkg-query after install: %q, want %q", got, "ii |"+version)
	}
	files := strings.Fields(step("files"))
	for _, want := range []string{"/usr/bin/handsetd", "/usr/lib/udev/handsetd-probe", installedRules, "/usr/lib/systemd/user/handsetd.service"} {
		if !slices.Contains(files, want) {
			t.Errorf("dpkg -L handsetd does not list %s:\n%s", want, text["files"])
		}
	}
	modes := strings.Split(strings.TrimSpace(step("modes")), "\n")
	for _, want := range []string{
		"-rwxr-xr-x root:root /usr/bin/handsetd",
		"-rwxr-xr-x root:root /usr/lib/udev/handsetd-probe",
		"-rw-r--r-- root:root " + installedRules,
		"-rw-r--r-- root:root /usr/lib/systemd/user/handsetd.service",
	} {
		if !slices.Contains(modes, want) {
			t.Errorf("installed files lack %q:\n%s", want, text["modes"])
		}
	}
	udevTest := step("udevadm-test")
	if bad := rulesComplaints(udevTest); len(bad) > 0 {
		t.Errorf("udevadm test complains about the installed rules:\n%s", strings.Join(bad, "\n"))
	}
	if !strings.Contains(udevTest, "Starting 'handsetd-probe ") {
		t.Errorf("udevadm test did not run the installed probe:\n%s", udevTest)
	}
	checkGrant(t, "the handset's hidraw node with the installed rules (udevadm test)", parseUdevTest(udevTest), true, "hid-telephony")
	if list := step("list"); !strings.Contains(list, "profile:") {
		t.Errorf("the installed handsetd list does not show the attached handset:\n%s", list)
	}

	if unit := step("unit"); !strings.HasPrefix(unit, "ExecStart=/usr/bin/handsetd ") {
		t.Errorf("the installed user unit does not start the installed handsetd: %q", unit)
	}

	step("purge")
	if st := strings.TrimSpace(text["status-after"]); exit["status-after"] == 0 && st != "pn" {
		t.Errorf("dpkg-query after purge: %q, want the package unknown or purged (pn)", st)
	}
	if left := strings.TrimSpace(step("left")); left != "" {
		t.Errorf("left after purge:\n%s", left)
	}
	if _, ok := exit["db-diff"]; !ok {
		t.Error("the guest script did not compare the dpkg status")
	} else if exit["db-diff"] != 0 {
		// Only handsetd's own record may differ: purged, it may stay
		// known as "pn".
		purged := "> handsetd:" + strings.TrimSpace(string(arch)) + " pn "
		for _, l := range strings.Split(strings.TrimSpace(text["db-diff"]), "\n") {
			if (strings.HasPrefix(l, "<") || strings.HasPrefix(l, ">")) && !strings.HasPrefix(l, purged) {
				t.Errorf("dpkg status of other packages changed by install and purge:\n%s", text["db-diff"])
				break
			}
		}
	}
}

// buildDeb runs `make deb` into dir, a new directory (the guest has never
// looked it up, so its 9p cache cannot hide it), and writes debGuestScript
// beside the package as guest.sh.
func buildDeb(ctx context.Context, dir string) error {
	mk := repoMake(ctx, "deb", "BIN="+dir)
	mk.Env = append(mk.Env, "DEB_COMPRESS=gzip", "DEB_LINTIAN=no")
	if out, err := mk.CombinedOutput(); err != nil {
		return fmt.Errorf("make deb: %v\n%s", err, out)
	}
	return os.WriteFile(filepath.Join(dir, "guest.sh"), []byte(debGuestScript), 0o644)
}

// repoMake is make in the repository's root with args. The test's own make
// (make test) must not leak its jobserver into this one.
func repoMake(ctx context.Context, args ...string) *exec.Cmd {
	mk := exec.CommandContext(ctx, "make", append([]string{"--no-print-directory", "-C", "../.."}, args...)...)
	for _, e := range os.Environ() {
		if k, _, _ := strings.Cut(e, "="); k != "MAKEFLAGS" && k != "MFLAGS" && k != "MAKELEVEL" {
			mk.Env = append(mk.Env, e)
		}
	}
	return mk
}
