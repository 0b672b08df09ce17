package driver

import (
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/keymap"
)

// TestDriverRingsP4KThroughTones proves the driver plays the ring cadence
// on the sound device of a Yealink USB-P4K, which has no ringer of its own
// and rings through its speaker, with or without a user's overrides, while
// a P1K, which has a ringer, is not rung through Tones.
func TestDriverRingsP4KThroughTones(t *testing.T) {
	overridden := func(c *Config) {
		c.Profile = func(info hid.Info, desc []byte) (keymap.Profile, error) {
			p, err := keymap.ForDevice(info, desc)
			return keymap.WithOverrides(p, keymap.Overrides{Name: "Desk"}), err
		}
	}
	for _, tc := range []struct {
		name  string
		model string
		edit  func(*Config)
		rings bool
	}{
		{"P4K", "yealink-p4k", nil, true},
		{"P4K behind overrides", "yealink-p4k", overridden, true},
		{"P1K", "yealink-p1k", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := startToneRigWith(t, tc.model, tc.edit)
			if got := r.host.Exec("call in alice"); !strings.HasPrefix(got, "ok") {
				t.Fatal(got)
			}
			if tc.rings {
				select {
				case got := <-r.tones.got:
					if !strings.HasPrefix(got, "out:") || !strings.HasSuffix(got, " ring") {
						t.Fatalf("tone %q, want the ring on the phone's device", got)
					}
				case <-time.After(5 * time.Second):
					t.Fatal("the P4K was not rung through its speaker")
				}
				return
			}
			// The phone rings by itself: wait for its ringer, then check
			// no tone was asked.
			timeout := time.After(5 * time.Second)
			for {
				changed := r.h.Changed()
				if r.h.State().Ringing {
					break
				}
				select {
				case <-changed:
				case <-timeout:
					t.Fatal("the P1K's ringer never rang")
				}
			}
			r.noTone(t)
		})
	}
}
