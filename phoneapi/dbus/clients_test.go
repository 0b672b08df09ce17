package dbus

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	godbus "github.com/godbus/dbus/v5"

	"github.com/handsetd/handsetd/internal/dbustest"
	"github.com/handsetd/handsetd/phoneapi"
)

// TestSeveralClientsAndLeaving proves the host serves several bus clients
// at once, notifies each on its own unique name, and detaches a client
// whose connection leaves the bus.
func TestSeveralClientsAndLeaving(t *testing.T) {
	bus := dbustest.Start(t)
	logged := &messages{ch: make(chan string, 100)}
	h, _, _ := serveHostLog(t, bus.Address, slog.New(logged))
	a, b := dial(t, bus.Address), dial(t, bus.Address)
	for i, tr := range []*Transport{a, b} {
		write(t, tr, "NAME phone"+string(rune('A'+i)))
		if s := readLine(t, tr); s != "OK" {
			t.Fatalf("NAME reply %q", s)
		}
	}
	if got := h.Exec("call in bob Bob"); !strings.HasPrefix(got, "ok") {
		t.Fatal(got)
	}
	for _, tr := range []*Transport{a, b} {
		if s := readLine(t, tr); s != "CALL 1001 STATUS RINGING" {
			t.Fatalf("%s got %q first, want the ringing call", tr.LocalName(), s)
		}
	}
	if n := len(h.State().Clients); n != 2 {
		t.Fatalf("%d clients, want 2", n)
	}
	a.Close()
	deadline := time.After(wait)
	for gone := false; !gone; {
		select {
		case m := <-logged.ch:
			gone = m == "client disconnected"
		case <-deadline:
			t.Fatalf("the host still has %d clients after one left the bus", len(h.State().Clients))
		}
	}
	if n := len(h.State().Clients); n != 1 {
		t.Fatalf("%d clients after one left, want 1", n)
	}
	if st := h.State(); st.Clients[0].Name != "phoneB" {
		t.Fatalf("remaining client %+v", st.Clients[0])
	}
}

// messages is a slog.Handler that passes each record's message on.
type messages struct{ ch chan string }

func (m *messages) Enabled(context.Context, slog.Level) bool { return true }
func (m *messages) Handle(_ context.Context, r slog.Record) error {
	select {
	case m.ch <- r.Message:
	default:
	}
	return nil
}
func (m *messages) WithAttrs([]slog.Attr) slog.Handler { return m }
func (m *messages) WithGroup(string) slog.Handler      { return m }

// TestHandshakeRefusals proves the two refusals a Skype host gives to NAME
// reach the Client as their own errors over D-Bus: ERROR 68 as
// ErrAccessDenied, CONNSTATUS OFFLINE as ErrOffline.
func TestHandshakeRefusals(t *testing.T) {
	for _, tc := range []struct {
		answer string
		want   error
	}{
		{"ERROR 68 Access denied", phoneapi.ErrAccessDenied},
		{"CONNSTATUS OFFLINE", phoneapi.ErrOffline},
	} {
		t.Run(tc.answer, func(t *testing.T) {
			bus := dbustest.Start(t)
			conn, err := godbus.Connect(bus.Address)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			invoke := func(line string) (string, *godbus.Error) {
				if strings.HasPrefix(line, "NAME ") {
					return tc.answer, nil
				}
				return "", nil
			}
			serveAsSkype(t, conn, invoke)
			tr := dial(t, bus.Address)
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			defer cancel()
			_, err = phoneapi.NewClient(tr, phoneapi.ClientOptions{}).Handshake(ctx, "x")
			if !errors.Is(err, tc.want) {
				t.Fatalf("Handshake = %v, want %v", err, tc.want)
			}
		})
	}
}
