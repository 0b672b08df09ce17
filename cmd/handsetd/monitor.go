package main

import (
	"context"
	"fmt"
	"io"

	"github.com/handsetd/handsetd/driver"
)

func cmdMonitor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("handsetd monitor", stderr)
	var c commonFlags
	c.register(fs)
	device := fs.String("device", "", "handset to watch: sim:unix:PATH")
	var pf profileFlags
	pf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	pick, err := pf.picker()
	if err != nil {
		return err
	}
	if *device == "" {
		return fmt.Errorf("%w: monitor needs --device", errUsage)
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	open, err := parseDevice(*device)
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
	prof, err := pick(dev.Info(), desc)
	if err != nil {
		return fmt.Errorf("%s: %w", dev.Info(), err)
	}
	log.Info("monitoring", "device", dev.Info().String(), "name", prof.Name())
	return driver.Monitor(ctx, dev, prof, stdout, log)
}
