package main

import (
	"context"
	"fmt"
	"io"

	"github.com/handsetd/handsetd/driver"
	"github.com/handsetd/handsetd/hid/replay"
)

func cmdMonitor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("handsetd monitor", stderr)
	var h oneHandsetFlags
	h.register(fs, "handset to watch")
	fast := fs.Bool("fast", false, "replay a recording as fast as possible instead of at its recorded pace")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	dev, log, cfg, err := h.open(ctx, "monitor", stderr, *fast)
	if err != nil || dev == nil {
		return err
	}
	defer dev.Close()
	desc, err := dev.ReportDescriptor()
	if err != nil {
		return fmt.Errorf("read the report descriptor of %s: %w", dev.Info(), err)
	}
	prof, err := h.profile.picker(cfg)(dev.Info(), desc)
	if err != nil {
		return fmt.Errorf("%s: %w", dev.Info(), err)
	}
	log.Info("monitoring", "device", dev.Info().String(), "name", prof.Name())
	err = driver.Monitor(ctx, dev, prof, stdout, log)
	if replay.IsFinished(err) {
		log.Info("replay finished")
		return nil
	}
	return err
}
