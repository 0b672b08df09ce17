package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/udev"
)

// TestDoctorLooksForTheRulesFile proves doctor's rules check passes only
// for the exact file the udev package generates (70-handsetd.rules) in one
// of the directories udev reads, whichever it is, and otherwise fails with
// the fix: sudo make install, or the .deb.
func TestDoctorLooksForTheRulesFile(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
		ok    bool
	}{
		{"none", nil, false},
		{"another handsetd file", []string{"/etc/udev/rules.d/99-handsetd-old.rules"}, false},
		{"etc", []string{"/etc/udev/rules.d/" + udev.RulesFile}, true},
		{"usr lib (the .deb)", []string{"/usr/lib/udev/rules.d/" + udev.RulesFile}, true},
		{"usr local (make install)", []string{"/usr/local/lib/udev/rules.d/" + udev.RulesFile}, true},
		{"lib", []string{"/lib/udev/rules.d/" + udev.RulesFile}, true},
	} {
		root := t.TempDir()
		for _, f := range tc.files {
			p := filepath.Join(root, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("# rules\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		c := rulesCheck("", root)
		if c.ok != tc.ok {
			t.Errorf("%s: rules check ok = %v, want %v (%s)", tc.name, c.ok, tc.ok, c.what)
		}
		if tc.ok && !strings.Contains(c.what, tc.files[0]) {
			t.Errorf("%s: the check does not name the file found: %s", tc.name, c.what)
		}
		if !tc.ok && (!strings.Contains(c.fix, "sudo make install") || !strings.Contains(c.fix, ".deb") || !strings.Contains(c.what, udev.RulesFile)) {
			t.Errorf("%s: the failure does not name %s and its fix: %s / %s", tc.name, udev.RulesFile, c.what, c.fix)
		}
	}
}
