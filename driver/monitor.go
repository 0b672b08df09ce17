package driver

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/internal/clock"
	"github.com/handsetd/handsetd/keymap"
)

// Monitor prints, one per line, the Phone API command each event of dev
// would become, with no host. It still acknowledges hook and mute on the
// device's LEDs as the driver does, so a headset that reverts an
// unacknowledged off-hook behaves as it would under the driver, and it keeps
// up a talking profile's conversation (key scans, polls) on the system
// clock. It returns when ctx ends (nil) or the device fails.
func Monitor(ctx context.Context, dev hid.Device, prof keymap.Profile, w io.Writer, log *slog.Logger) error {
	return MonitorClock(ctx, dev, prof, w, log, clock.Real{})
}

// MonitorClock is Monitor with the clock that paces a talking profile.
func MonitorClock(ctx context.Context, dev hid.Device, prof keymap.Profile, w io.Writer, log *slog.Logger, clk clock.Clock) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	o := newOwner(Config{Clock: clk}, dev, prof)
	defer o.wake.stop()
	if err := o.apply(); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	reports := startReader(ctx, &wg, dev, prof.InputReportSize())
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-o.wake.c():
			o.wake.fired()
		case r := <-reports:
			if r.err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("read %s: %w", dev.Info(), r.err)
			}
			evs, err := prof.Decode(r.data)
			if err != nil {
				o.skip(log, r.data, err)
			}
			for _, ev := range evs {
				for _, c := range o.h.Event(ev) {
					if _, err := fmt.Fprintln(w, c.Line); err != nil {
						return err
					}
				}
			}
		}
		if err := o.apply(); err != nil {
			return err
		}
	}
}
