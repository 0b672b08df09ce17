package driver_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handsetd/handsetd/driver"
	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/hid"
)

// TestOpenErrorsAreSorted proves how Run treats a failed open: a node that
// is not a HID device at all (hid.ErrUnsupported, as hidraw:/dev/null gives)
// fails at once with an error instead of being retried forever; a handset
// gone for good (driver.ErrGone, a hot-plugged one unplugged) ends Run
// without an error; a transient failure is retried.
func TestOpenErrorsAreSorted(t *testing.T) {
	noHost := func(ctx context.Context) (driver.Session, error) { <-ctx.Done(); return nil, ctx.Err() }
	for _, tc := range []struct {
		name    string
		errs    []error // what Open returns, call after call
		wantErr bool
		calls   int
	}{
		{name: "not a HID device", errs: []error{fmt.Errorf("hidraw /dev/null: HIDIOCGRDSIZE: %w", hid.ErrUnsupported)}, wantErr: true, calls: 1},
		{name: "gone for good", errs: []error{fmt.Errorf("usb 1-1: %w", driver.ErrGone)}, calls: 1},
		{name: "transient, then gone", errs: []error{fmt.Errorf("open: %w", hid.ErrDisconnected), errors.New("busy"), fmt.Errorf("usb 1-1: %w", driver.ErrGone)}, calls: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			calls := 0
			err := driver.Run(ctx, driver.Config{
				Open: func(context.Context) (hid.Device, error) {
					e := tc.errs[min(calls, len(tc.errs)-1)]
					calls++
					return nil, e
				},
				Dial: noHost, RetryMin: time.Millisecond, RetryMax: time.Millisecond,
			})
			if ctx.Err() != nil {
				t.Fatalf("Run did not return: it retried %d times", calls)
			}
			if (err != nil) != tc.wantErr || calls != tc.calls {
				t.Errorf("Run = %v after %d opens; want error %v after %d", err, calls, tc.wantErr, tc.calls)
			}
		})
	}
}

// TestAbsentHostIsLoggedOnce proves a host that cannot be reached is
// warned about once, and again only when the reason changes, while the
// driver keeps retrying (at DEBUG): a host down for an hour is not a WARN a
// second.
func TestAbsentHostIsLoggedOnce(t *testing.T) {
	sim, err := firmwaresim.New("generic-telephony", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var logs bytes.Buffer
	var mu sync.Mutex
	dials := 0 // Dial runs on one goroutine, the host loop
	err = driver.Run(ctx, driver.Config{
		Open: sim.Open,
		Dial: func(context.Context) (driver.Session, error) {
			dials++
			switch {
			case dials <= 10:
				return nil, errors.New("dial unix /run/host.sock: connect: no such file or directory")
			case dials <= 20:
				return nil, errors.New("dial unix /run/host.sock: connect: connection refused")
			default:
				cancel() // seen enough
			}
			<-ctx.Done()
			return nil, ctx.Err()
		},
		RetryMin: time.Millisecond, RetryMax: time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			return logs.Write(p)
		}), &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	if dials != 21 {
		t.Fatalf("Run returned after %d dials, want 21 (it timed out?)", dials)
	}
	mu.Lock()
	defer mu.Unlock()
	l := logs.String()
	if n := strings.Count(l, "level=WARN msg=\"cannot reach the Phone API host; retrying quietly\""); n != 2 {
		t.Errorf("%d WARNs for 20 failed dials with two reasons, want 2:\n%s", n, l)
	}
	if n := strings.Count(l, "level=DEBUG msg=\"cannot reach the Phone API host; retrying\""); n != 18 {
		t.Errorf("%d DEBUG retries, want 18", n)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
