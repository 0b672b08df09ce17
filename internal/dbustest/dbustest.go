package dbustest

import (
	"errors"
	"testing"

	"github.com/handsetd/handsetd/internal/dbusd"
)

// Bus is a running private bus (see package dbusd).
type Bus = dbusd.Bus

// Options change the private bus's configuration. The zero value is the
// configuration Start uses. Its Log is the test's log unless set.
type Options = dbusd.Options

// Start runs a private bus for the rest of t. When dbus-daemon is not
// installed it skips t, saying how to install it.
func Start(t testing.TB) *Bus {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith is Start with a configuration changed by opts.
func StartWith(t testing.TB, opts Options) *Bus {
	t.Helper()
	if opts.Log == nil {
		opts.Log = func(line string) { t.Logf("dbus-daemon: %s", line) }
	}
	b, err := dbusd.Start(t.Context(), t.TempDir(), opts)
	if errors.Is(err, dbusd.ErrNotInstalled) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Stop(); err != nil {
			t.Error(err)
		}
	})
	return b
}
