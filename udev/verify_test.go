package udev

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/keymap"
)

// TestRulesParseInUdev proves udev's own parser accepts the rules, both as
// committed (the probe by name) and as `make install` writes them for a
// PREFIX other than /usr (the probe by absolute path). udevadm verify
// (systemd 253 and later) checks the files; an older udevadm has no verify,
// so the rules are loaded the way udevd loads them, by `udevadm test` in a
// private mount namespace where a directory holding only them is bound over
// /etc/udev/rules.d (this needs root, as CI has), and any message about
// the file fails the test. Without either it skips, saying why.
func TestRulesParseInUdev(t *testing.T) {
	udevadm, err := exec.LookPath("udevadm")
	if err != nil {
		t.Skip("no udevadm (Debian package udev; make deps installs it)")
	}
	installed, err := Rules(keymap.Devices(), "/usr/local/lib/udev/"+ProbeName)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(RulesFile)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"committed": string(committed), "installed": installed} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, RulesFile)
			if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			if hasVerify(ctx, udevadm) {
				out, err := exec.CommandContext(ctx, udevadm, "verify", "--resolve-names=never", file).CombinedOutput()
				if err != nil {
					t.Fatalf("udevadm verify: %v\n%s", err, out)
				}
				return
			}
			unshare, err := exec.LookPath("unshare")
			if err != nil || os.Getuid() != 0 {
				t.Skip("udevadm has no verify (systemd < 253), and loading the rules with udevadm test needs root and unshare")
			}
			const target = "/etc/udev/rules.d"
			if _, err := os.Stat(target); err != nil {
				t.Skipf("no %s to bind the rules over: %v", target, err)
			}
			script := `mount --bind "$1" ` + target + ` && exec "$2" test --action=add /sys/class/net/lo`
			out, err := exec.CommandContext(ctx, unshare, "--mount", "--propagation", "private", "sh", "-c", script, "sh", dir, udevadm).CombinedOutput()
			if err != nil && bytes.Contains(out, []byte("mount")) {
				t.Skipf("cannot bind the rules over %s in a mount namespace: %v\n%s", target, err, out)
			}
			inTarget := filepath.Join(target, RulesFile)
			if !bytes.Contains(out, []byte("Reading rules file: "+inTarget)) {
				t.Fatalf("udevadm test did not read %s (err %v):\n%s", inTarget, err, out)
			}
			for _, line := range strings.Split(string(out), "\n") {
				if strings.Contains(line, inTarget+":") {
					t.Errorf("udev: %s", line)
				}
			}
		})
	}
}

// hasVerify reports whether this udevadm has the verify command.
func hasVerify(ctx context.Context, udevadm string) bool {
	return exec.CommandContext(ctx, udevadm, "verify", "--help").Run() == nil
}
