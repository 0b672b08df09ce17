package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/handsetd/handsetd/internal/dbustest"
	"github.com/handsetd/handsetd/phoneapi"
	phonedbus "github.com/handsetd/handsetd/phoneapi/dbus"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

// TestHostBusSelection proves which bus each D-Bus host SPEC reaches: the
// default `--host dbus` (and dbus:session) is the session bus named by
// DBUS_SESSION_BUS_ADDRESS, dbus:system is the system bus named by
// DBUS_SYSTEM_BUS_ADDRESS, and dbus:ADDRESS is that bus. The private test
// bus stands in for the one that must be reached; the other variable names
// a bus that does not exist, so reaching the wrong one fails.
func TestHostBusSelection(t *testing.T) {
	bus := dbustest.Start(t)
	host := refhost.New(refhost.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	ready, served := make(chan struct{}), make(chan error, 1)
	go func() {
		served <- phonedbus.Serve(ctx, bus.Address, host, phonedbus.ServeOptions{Ready: func() { close(ready) }})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-served:
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return")
		}
	})
	select {
	case <-ready:
	case err := <-served:
		t.Fatalf("Serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("Serve not ready")
	}
	nowhere := "unix:path=" + t.TempDir() + "/no-bus-here"
	for _, tc := range []struct {
		spec            string
		session, system string
	}{
		{"dbus", bus.Address, nowhere},
		{"dbus:session", bus.Address, nowhere},
		{"dbus:system", nowhere, bus.Address},
		{"dbus:" + bus.Address, nowhere, nowhere},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			t.Setenv("DBUS_SESSION_BUS_ADDRESS", tc.session)
			t.Setenv("DBUS_SYSTEM_BUS_ADDRESS", tc.system)
			hs, err := parseHost(tc.spec, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			dctx, dcancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer dcancel()
			sess, err := hs.dial(dctx)
			if err != nil {
				t.Fatalf("dial %s: %v", tc.spec, err)
			}
			defer sess.Close()
			if proto, err := sess.Handshake(dctx, "bus "+tc.spec); err != nil || proto != phoneapi.MaxProtocol {
				t.Fatalf("handshake over %s = %d, %v", tc.spec, proto, err)
			}
			found := false
			for _, c := range host.State().Clients {
				found = found || c.Name == "bus "+tc.spec
			}
			if !found {
				t.Errorf("the host on the private bus does not know %q: %+v", "bus "+tc.spec, host.State().Clients)
			}
		})
	}
	// And the wrong variable really is not used: with only the system bus
	// pointing at the private one, the default fails.
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", nowhere)
	t.Setenv("DBUS_SYSTEM_BUS_ADDRESS", bus.Address)
	hs, err := parseHost("dbus", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	dctx, dcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer dcancel()
	if sess, err := hs.dial(dctx); err == nil {
		sess.Close()
		t.Error("--host dbus reached a bus with DBUS_SESSION_BUS_ADDRESS pointing nowhere")
	}
}
