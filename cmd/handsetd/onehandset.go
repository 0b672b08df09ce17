package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/handsetd/handsetd/config"
	"github.com/handsetd/handsetd/hid"
)

// oneHandsetFlags are the flags of the commands that work on one handset
// (monitor, record): logging, --device, --config and the profile choice.
type oneHandsetFlags struct {
	common  commonFlags
	device  *string
	config  configFlag
	profile profileFlags
}

// register adds the flags to fs; deviceHelp says what the handset is for.
func (o *oneHandsetFlags) register(fs *flag.FlagSet, deviceHelp string) {
	o.common.register(fs)
	o.device = fs.String("device", "", deviceHelp+": "+deviceKinds)
	o.config.register(fs)
	o.profile.register(fs)
}

// open checks the parsed flags, builds the logger, loads the config and
// opens the handset. cmd names the command in usage errors. A nil device
// with a nil error means ctx ended while opening: the caller returns nil.
func (o *oneHandsetFlags) open(ctx context.Context, cmd string, stderr io.Writer, fast bool) (hid.Device, *slog.Logger, *config.Config, error) {
	if err := o.profile.check(); err != nil {
		return nil, nil, nil, err
	}
	if *o.device == "" {
		return nil, nil, nil, fmt.Errorf("%w: %s needs --device", errUsage, cmd)
	}
	log, err := o.common.logger(stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	cfg, err := o.config.load(log)
	if err != nil {
		return nil, nil, nil, err
	}
	open, err := parseDevice(*o.device, deviceOptions{fast: fast, log: log})
	if err != nil {
		return nil, nil, nil, err
	}
	dev, err := open(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, nil, nil
		}
		return nil, nil, nil, fmt.Errorf("open %s: %w", *o.device, err)
	}
	return dev, log, cfg, nil
}
