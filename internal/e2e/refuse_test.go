package e2e

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	godbus "github.com/godbus/dbus/v5"

	"github.com/handsetd/handsetd/driver"
	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/dbustest"
	"github.com/handsetd/handsetd/phoneapi"
	phonedbus "github.com/handsetd/handsetd/phoneapi/dbus"
)

// lockedBuffer collects log output from the driver's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRefusingHostIsRetriedWithBackoff proves that over D-Bus a host that
// answers NAME with ERROR 68, or with CONNSTATUS OFFLINE, gets its own clear
// log line, and that the driver retries with a growing delay instead of
// spinning: over 1.5 s at most a handful of attempts.
func TestRefusingHostIsRetriedWithBackoff(t *testing.T) {
	for _, tc := range []struct{ answer, logged string }{
		{"ERROR 68 Access denied", "refused access (ERROR 68)"},
		{"CONNSTATUS OFFLINE", "nobody logged in (CONNSTATUS OFFLINE)"},
	} {
		t.Run(tc.answer, func(t *testing.T) {
			bus := dbustest.Start(t)
			conn, err := godbus.Connect(bus.Address)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			names := make(chan struct{}, 1000)
			invoke := func(line string) (string, *godbus.Error) {
				if strings.HasPrefix(line, "NAME ") {
					names <- struct{}{}
					return tc.answer, nil
				}
				return "", nil
			}
			if err := conn.ExportMethodTable(map[string]any{"Invoke": invoke}, phonedbus.HostPath, phonedbus.HostInterface); err != nil {
				t.Fatal(err)
			}
			if _, err := conn.RequestName(phonedbus.ServiceName, godbus.NameFlagDoNotQueue); err != nil {
				t.Fatal(err)
			}
			hs, err := firmwaresim.New("generic-telephony", firmwaresim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer hs.Close()
			var logs lockedBuffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				done <- driver.Run(ctx, driver.Config{
					Open: hs.Open,
					Dial: func(ctx context.Context) (driver.Session, error) {
						tr, err := phonedbus.Dial(ctx, bus.Address, phonedbus.DialOptions{})
						if err != nil {
							return nil, err
						}
						return driver.NewClientSession(tr, phoneapi.ClientOptions{}), nil
					},
					DialWaitsForHost: true,
					Logger:           log,
				})
			}()
			window := time.After(1500 * time.Millisecond)
			attempts := 0
		count:
			for {
				select {
				case <-names:
					attempts++
				case <-window:
					break count
				}
			}
			cancel()
			<-done
			// Backoff 50 ms doubling to 1 s: about 6 attempts in 1.5 s.
			if attempts < 2 || attempts > 8 {
				t.Errorf("%d NAME attempts in 1.5 s; want a few, spaced by a growing backoff", attempts)
			}
			if !strings.Contains(logs.String(), tc.logged) {
				t.Errorf("no log line saying %q:\n%s", tc.logged, logs.String())
			}
		})
	}
}
