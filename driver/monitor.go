package driver

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/internal/clock"
	"github.com/handsetd/handsetd/keymap"
)

// Monitor prints, one per line, the Phone API command each event of dev
// would become, with no host. It still acknowledges hook and mute on the
// device's LEDs as the driver does, so a headset that reverts an
// unacknowledged off-hook behaves as it would under the driver. It returns
// when ctx ends (nil) or the device fails.
func Monitor(ctx context.Context, dev hid.Device, prof keymap.Profile, w io.Writer, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	o := newOwner(Config{Clock: clock.Real{}}, dev, prof)
	if err := o.apply(); err != nil {
		return err
	}
	size := prof.InputReportSize()
	if size <= 0 {
		size = 64
	}
	buf := make([]byte, size)
	for {
		n, err := dev.ReadInput(ctx, buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("read %s: %w", dev.Info(), err)
		}
		evs, err := prof.Decode(buf[:n])
		if err != nil {
			o.skip(log, buf[:n], err)
			continue
		}
		for _, ev := range evs {
			for _, c := range o.h.Event(ev) {
				if _, err := fmt.Fprintln(w, c.Line); err != nil {
					return err
				}
			}
		}
		if err := o.apply(); err != nil {
			return err
		}
	}
}
