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
	var c commonFlags
	c.register(fs)
	device := fs.String("device", "", "handset to watch: "+deviceKinds)
	fast := fs.Bool("fast", false, "replay a recording as fast as possible instead of at its recorded pace")
	var cf configFlag
	cf.register(fs)
	var pf profileFlags
	pf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := pf.check(); err != nil {
		return err
	}
	if *device == "" {
		return fmt.Errorf("%w: monitor needs --device", errUsage)
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	cfg, err := cf.load(log)
	if err != nil {
		return err
	}
	open, err := parseDevice(*device, deviceOptions{fast: *fast, log: log})
	if err != nil {
		return err
	}
	dev, err := open(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("open %s: %w", *device, err)
	}
	defer dev.Close()
	desc, err := dev.ReportDescriptor()
	if err != nil {
		return fmt.Errorf("read the report descriptor of %s: %w", dev.Info(), err)
	}
	prof, err := pf.picker(cfg)(dev.Info(), desc)
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
