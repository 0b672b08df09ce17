package refhost

import (
	"context"
	"testing"
	"time"

	"github.com/handsetd/handsetd/phoneapi"
)

// TestHostServe proves Serve over in-memory transports: two devices both
// hear a call, the OnLine hook sees traffic in both directions, and a device
// that hangs up makes Serve return nil and leaves the client list.
func TestHostServe(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	seen := make(chan string, 100)
	h := New(Options{OnLine: func(client string, dir phoneapi.Direction, line string) {
		seen <- client + " " + dir.String() + " " + line
	}})
	var devs []phoneapi.Transport
	served := make(chan error, 2)
	for i := 0; i < 2; i++ {
		dev, hostEnd := phoneapi.Pipe()
		devs = append(devs, dev)
		go func() { served <- h.Serve(ctx, hostEnd) }()
		if err := dev.WriteLine(ctx, "NAME d"); err != nil {
			t.Fatal(err)
		}
		if got, err := dev.ReadLine(ctx); err != nil || got != "OK" {
			t.Fatalf("NAME answered %q, %v", got, err)
		}
	}
	if got := h.Exec("call in bob"); got != "ok 1001" {
		t.Fatalf("call = %q", got)
	}
	for i, dev := range devs {
		if got, err := dev.ReadLine(ctx); err != nil || got != "CALL 1001 STATUS RINGING" {
			t.Fatalf("device %d got %q, %v", i, got, err)
		}
	}
	if first := <-seen; first != "conn1 <- NAME d" {
		t.Errorf("first traffic line %q", first)
	}
	devs[0].Close()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve after device hang-up = %v, want nil", err)
		}
	case <-ctx.Done():
		t.Fatal("Serve did not return")
	}
	if n := len(h.State().Clients); n != 1 {
		t.Errorf("%d clients after one left, want 1", n)
	}
	cancel()
	if err := <-served; err != context.Canceled {
		t.Errorf("Serve after cancel = %v", err)
	}
}
