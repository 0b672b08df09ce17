package driver_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/handsetd/handsetd/driver"
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
