package config

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/phoneapi"
)

// FuzzParse proves that Parse never panics, that it fails only with a
// *LineError, and that what it accepts holds only valid key names.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("../keymap/example-config.toml"); err == nil {
		f.Add(string(b))
	}
	f.Add("[device.\"1:2\".keys]\n'#' = \"\\u0041\"\n")
	f.Add("[device.x]\nids = [\"1:2\", \"3:4\"]\n[device.x.keys]\n\"1\" = \"2\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := Parse(strings.NewReader(in), "f.toml")
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a *LineError", err)
			}
			return
		}
		for _, s := range c.Devices {
			for k, v := range s.Keys {
				if !phoneapi.ValidKey(k) || (v != "" && !phoneapi.ValidKey(v)) {
					t.Fatalf("accepted remap %q = %q", k, v)
				}
			}
		}
		_ = c.Overrides(hid.Info{VendorID: 1, ProductID: 2}, "x")
	})
}
