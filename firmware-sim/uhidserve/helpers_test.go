package uhidserve

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/firmware-sim/internal/handsettest"
	"github.com/handsetd/handsetd/firmware-sim/internal/simtest"
	"github.com/handsetd/handsetd/internal/clock"
)

// newFake returns a generic-telephony handset on a fake clock.
func newFake(t *testing.T, opts firmwaresim.Options) (*firmwaresim.Handset, *clock.Fake) {
	t.Helper()
	return handsettest.NewGeneric(t, opts)
}

// genericDescriptor is the generic-telephony model's report descriptor.
func genericDescriptor() []byte { return handsettest.GenericDescriptor() }

// serveUnix runs serve on a fresh unix socket (in a new temporary directory
// named after prefix: short, as unix socket paths are limited to 108 bytes)
// until the test ends, and returns the socket's address. At the end it
// cancels serve's ctx and fails the test unless serve, named name, returns
// nil within simtest.WaitLimit.
func serveUnix(t *testing.T, prefix, name string, serve func(context.Context, net.Listener) error) string {
	t.Helper()
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		case <-time.After(simtest.WaitLimit):
			t.Errorf("%s did not return after cancel", name)
		}
	})
	return "unix:" + path
}

// Input report bytes of the generic model (firmware-sim/generic.go), for
// readability.
var (
	idle      = []byte{0x01, 0x00, 0x00, 0x00}
	hookPress = []byte{0x01, 0x01, 0x00, 0x00}
	mutePress = []byte{0x01, 0x02, 0x00, 0x00}
)
