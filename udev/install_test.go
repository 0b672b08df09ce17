package udev

import (
	"bufio"
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// repoMake runs make in the repository's root with args and returns its
// output. The test's own make (make test) must not leak its jobserver into
// this one.
func repoMake(t *testing.T, ctx context.Context, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	cmd := exec.CommandContext(ctx, "make", append([]string{"--no-print-directory", "-C", ".."}, args...)...)
	for _, e := range os.Environ() {
		if k, _, _ := strings.Cut(e, "="); k != "MAKEFLAGS" && k != "MFLAGS" && k != "MAKELEVEL" {
			cmd.Env = append(cmd.Env, e)
		}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// tree lists the regular files under root with their modes, as
// "0755 /usr/bin/handsetd".
func tree(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files = append(files, info.Mode().Perm().String()+" "+strings.TrimPrefix(path, root))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// TestMakeInstallTree proves `make install DESTDIR=…` writes the expected
// tree for PREFIX /usr/local (the default), /usr (as the Debian package)
// and another PREFIX (rules and unit then under /etc), that the installed
// rules and unit name the probe and the driver where they were installed,
// that the unit passes systemd's checks, and that `make uninstall` with
// the same variables removes every file again.
func TestMakeInstallTree(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	bin := t.TempDir()
	tests := []struct {
		prefix, rulesDir, unitDir string
		probeInRules              string // what IMPORT{program} runs
	}{
		{"", "/usr/local/lib/udev/rules.d", "/usr/local/lib/systemd/user", "/usr/local/lib/udev/handsetd-probe"},
		{"/usr", "/usr/lib/udev/rules.d", "/usr/lib/systemd/user", "handsetd-probe"},
		{"/opt/handsetd", "/etc/udev/rules.d", "/etc/systemd/user", "/opt/handsetd/lib/udev/handsetd-probe"},
	}
	for i, tt := range tests {
		t.Run("PREFIX="+tt.prefix, func(t *testing.T) {
			dest := t.TempDir()
			vars := []string{"DESTDIR=" + dest, "BIN=" + bin}
			prefix := "/usr/local"
			if tt.prefix != "" {
				vars = append(vars, "PREFIX="+tt.prefix)
				prefix = tt.prefix
			}
			target := "install-files"
			if i == 0 { // the real `make install` once: it builds into BIN
				target = "install"
			}
			repoMake(t, ctx, append([]string{target}, vars...)...)
			want := []string{
				"-rw-r--r-- " + prefix + "/share/doc/handsetd/README.md",
				"-rw-r--r-- " + tt.rulesDir + "/" + RulesFile,
				"-rw-r--r-- " + tt.unitDir + "/" + Unit,
				"-rwxr-xr-x " + prefix + "/bin/handsetd",
				"-rwxr-xr-x " + prefix + "/bin/phoneapi-host",
				"-rwxr-xr-x " + prefix + "/bin/phonesim",
				"-rwxr-xr-x " + prefix + "/lib/udev/" + ProbeName,
			}
			slices.Sort(want)
			if got := tree(t, dest); !slices.Equal(got, want) {
				t.Fatalf("installed tree:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			rules, err := os.ReadFile(filepath.Join(dest, tt.rulesDir, RulesFile))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(rules, []byte(`IMPORT{program}="`+tt.probeInRules+` %S%p"`)) {
				t.Errorf("installed rules do not run %s:\n%s", tt.probeInRules, rules)
			}
			unit := filepath.Join(dest, tt.unitDir, Unit)
			text, err := os.ReadFile(unit)
			if err != nil {
				t.Fatal(err)
			}
			start := regexp.MustCompile(`(?m)^ExecStart=(\S+) `).FindSubmatch(text)
			if start == nil || string(start[1]) != prefix+"/bin/handsetd" {
				t.Errorf("installed unit's ExecStart runs %q, want %s/bin/handsetd", start, prefix)
			}
			verifyUnit(t, ctx, text, filepath.Join(dest, prefix, "bin", "handsetd"))

			repoMake(t, ctx, append([]string{"uninstall"}, vars...)...)
			if got := tree(t, dest); len(got) > 0 {
				t.Errorf("left after make uninstall:\n%s", strings.Join(got, "\n"))
			}
		})
	}
}

// verifyUnit runs systemd-analyze verify on a user unit, its ExecStart
// pointed at the installed binary (the installed path exists only under
// DESTDIR), and fails on anything it reports. Without systemd-analyze it
// does nothing.
func verifyUnit(t *testing.T, ctx context.Context, unit []byte, binary string) {
	t.Helper()
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("no systemd-analyze: the unit is not verified")
		return
	}
	dir := t.TempDir()
	text := regexp.MustCompile(`(?m)^ExecStart=\S+ `).ReplaceAll(unit, []byte("ExecStart="+binary+" "))
	if err := os.WriteFile(filepath.Join(dir, Unit), text, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, analyze, "verify", "--user", filepath.Join(dir, Unit))
	cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+dir) // a user manager's runtime directory
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify --user: %v\n%s", err, out)
	}
}

// TestDebPackage proves `make deb` builds a package lintian finds no error
// in (make deb runs lintian and fails on errors), holding the tree `make
// install PREFIX=/usr` writes plus the copyright and changelog, with its
// control fields filled in. That it installs and purges cleanly, with its
// dependencies and maintainer scripts for real, is proven in the VM:
// firmware-sim/kerneltest's TestKernelDebInstallsAndPurges.
func TestDebPackage(t *testing.T) {
	for _, tool := range []string{"dpkg-deb", "dpkg-shlibdeps", "lintian"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s (make deps installs dpkg-dev and lintian)", tool)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	out := t.TempDir()
	log := repoMake(t, ctx, "deb", "BIN="+out)
	debs, err := filepath.Glob(filepath.Join(out, "handsetd_*.deb"))
	if err != nil || len(debs) != 1 {
		t.Fatalf("make deb made %q (%v):\n%s", debs, err, log)
	}
	deb := debs[0]
	contents, err := exec.CommandContext(ctx, "dpkg-deb", "--contents", deb).Output()
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	sc := bufio.NewScanner(bytes.NewReader(contents))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 6 && !strings.HasSuffix(f[5], "/") {
			files = append(files, f[0]+" "+f[1]+" "+strings.TrimPrefix(f[5], "."))
		}
	}
	slices.Sort(files)
	want := []string{
		"-rw-r--r-- root/root /usr/lib/systemd/user/handsetd.service",
		"-rw-r--r-- root/root /usr/lib/udev/rules.d/70-handsetd.rules",
		"-rw-r--r-- root/root /usr/share/doc/handsetd/README.md",
		"-rw-r--r-- root/root /usr/share/doc/handsetd/changelog.gz",
		"-rw-r--r-- root/root /usr/share/doc/handsetd/copyright",
		"-rwxr-xr-x root/root /usr/bin/handsetd",
		"-rwxr-xr-x root/root /usr/bin/phoneapi-host",
		"-rwxr-xr-x root/root /usr/bin/phonesim",
		"-rwxr-xr-x root/root /usr/lib/udev/handsetd-probe",
	}
	slices.Sort(want)
	if !slices.Equal(files, want) {
		t.Errorf("package holds:\n%s\nwant:\n%s", strings.Join(files, "\n"), strings.Join(want, "\n"))
	}
	for _, field := range []string{"Package", "Version", "Depends", "Maintainer", "Description"} {
		v, err := exec.CommandContext(ctx, "dpkg-deb", "--field", deb, field).Output()
		if err != nil || len(bytes.TrimSpace(v)) == 0 {
			t.Errorf("control field %s is empty (%v)", field, err)
		}
	}
}
