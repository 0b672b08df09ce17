package udev

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/keymap"
)

var update = flag.Bool("update", false, "rewrite "+RulesFile+" from the device table")

// TestRulesFileMatchesDeviceTable proves the committed rules are what the
// device table generates; -update rewrites them.
func TestRulesFileMatchesDeviceTable(t *testing.T) {
	want, err := Rules(keymap.Devices(), ProbeName)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(RulesFile, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(RulesFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s differs from the device table's rules; run go test ./udev -run RulesFile -update\n--- want:\n%s", RulesFile, want)
	}
}

// TestPermissionErrorNamesTheRules proves the error every backend returns
// for a node the user may not open names the rules file and the command
// that installs it.
func TestPermissionErrorNamesTheRules(t *testing.T) {
	msg := hid.ErrPermission.Error()
	for _, want := range []string{RulesFile, "make install"} {
		if !strings.Contains(msg, want) {
			t.Errorf("hid.ErrPermission %q does not name %q", msg, want)
		}
	}
}
