package dbus

import (
	"context"
	"errors"
	"testing"
	"time"

	godbus "github.com/godbus/dbus/v5"

	"github.com/handsetd/handsetd/internal/dbustest"
	"github.com/handsetd/handsetd/phoneapi"
)

// TestBadLinesFromHost proves a Notify carrying a line break reaches
// ReadLine as a *phoneapi.ProtocolError for that line only.
func TestBadLinesFromHost(t *testing.T) {
	bus := dbustest.Start(t)
	f := startFake(t, bus.Address)
	tr := dial(t, bus.Address)
	write(t, tr, "NAME x")
	readLine(t, tr)
	lines := []string{"MUTE ON\nMUTE OFF", "MUTE OFF"}
	f.notify(t, tr.LocalName(), func(i int) string { return lines[i] }, 2)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	var pe *phoneapi.ProtocolError
	if _, err := tr.ReadLine(ctx); !errors.As(err, &pe) {
		t.Fatalf("ReadLine = %v, want a ProtocolError", err)
	}
	if s := readLine(t, tr); s != "MUTE OFF" {
		t.Fatalf("next line %q", s)
	}
}

// TestHungHostWriteLine proves WriteLine to a host that never returns from
// Invoke gives up with its ctx, and leaves nothing pending behind.
func TestHungHostWriteLine(t *testing.T) {
	bus := dbustest.Start(t)
	conn, err := godbus.Connect(bus.Address)
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	defer conn.Close()
	defer close(release)
	invoke := func(string) (string, *godbus.Error) {
		<-release
		return "", nil
	}
	serveAsSkype(t, conn, invoke)
	tr := dial(t, bus.Address)
	for range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		err := tr.WriteLine(ctx, "HOOK OFF")
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("WriteLine to a hung host = %v, want deadline exceeded", err)
		}
	}
	tr.mu.Lock()
	n := len(tr.pending)
	tr.mu.Unlock()
	if n != 0 {
		t.Errorf("%d Invokes still pending after their callers gave up", n)
	}
}

// TestWriteLineErrorKinds proves WriteLine tells the host refusing one line
// from a failing link: a D-Bus error reply sent by the host wraps
// phoneapi.ErrRejected and the next line goes through, while a host that
// leaves the bus during an Invoke (the bus daemon answers for it) gives an
// error wrapping phoneapi.ErrClosed and not ErrRejected.
func TestWriteLineErrorKinds(t *testing.T) {
	bus := dbustest.Start(t)
	conn, err := godbus.Connect(bus.Address)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	defer close(release)
	invoke := func(line string) (string, *godbus.Error) {
		switch line {
		case "REFUSE":
			return "", godbus.MakeFailedError(errors.New("host is shutting down"))
		case "HANG":
			entered <- struct{}{}
			<-release
		}
		return "", nil
	}
	serveAsSkype(t, conn, invoke)
	tr := dial(t, bus.Address)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()

	err = tr.WriteLine(ctx, "REFUSE")
	if !errors.Is(err, phoneapi.ErrRejected) || errors.Is(err, phoneapi.ErrClosed) {
		t.Fatalf("WriteLine answered by a host error = %v, want ErrRejected only", err)
	}
	if err := tr.WriteLine(ctx, "HOOK OFF"); err != nil {
		t.Fatalf("WriteLine after a refused line = %v, want the link still up", err)
	}

	failed := make(chan error, 1)
	go func() { failed <- tr.WriteLine(ctx, "HANG") }()
	select {
	case <-entered:
	case <-ctx.Done():
		t.Fatal("the Invoke never reached the host")
	}
	conn.Close() // the host leaves with the Invoke unanswered
	select {
	case err = <-failed:
	case <-ctx.Done():
		t.Fatal("WriteLine did not return after the host left")
	}
	if errors.Is(err, phoneapi.ErrRejected) || !errors.Is(err, phoneapi.ErrClosed) {
		t.Fatalf("WriteLine to a host that left = %v, want ErrClosed and not ErrRejected", err)
	}
	tr.mu.Lock()
	n, r := len(tr.pending), len(tr.refused)
	tr.mu.Unlock()
	if n != 0 || r != 0 {
		t.Errorf("%d pending and %d refused serials left behind", n, r)
	}
}

// serveAsSkype makes conn play Skype on the bus: it exports invoke as the
// Invoke method of Skype's object and takes Skype's bus name.
func serveAsSkype(t *testing.T, conn *godbus.Conn, invoke func(string) (string, *godbus.Error)) {
	t.Helper()
	if err := conn.ExportMethodTable(map[string]any{"Invoke": invoke}, HostPath, HostInterface); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.RequestName(ServiceName, godbus.NameFlagDoNotQueue); err != nil {
		t.Fatal(err)
	}
}
