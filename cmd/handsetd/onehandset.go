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
	device  onceFlag
	config  configFlag
	profile profileFlags
}

// register adds the flags to fs; deviceHelp says what the handset is for.
func (o *oneHandsetFlags) register(fs *flag.FlagSet, deviceHelp string) {
	o.common.register(fs)
	fs.Var(&o.device, "device", deviceHelp+": "+deviceKinds)
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
	if o.device.value == "" {
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
	open, err := parseDevice(o.device.value, deviceOptions{fast: fast, log: log})
	if err != nil {
		return nil, nil, nil, err
	}
	dev, err := open(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, nil, nil
		}
		return nil, nil, nil, fmt.Errorf("open %s: %w", o.device.value, err)
	}
	return dev, log, cfg, nil
}

// onceFlag is a string flag that may be given once: a second value is
// refused instead of silently replacing the first.
type onceFlag struct {
	value string
	set   bool
}

func (f *onceFlag) String() string { return f.value }
func (f *onceFlag) Set(v string) error {
	if f.set {
		return fmt.Errorf("given twice (%q, then %q): this command works on one handset; run drives several", f.value, v)
	}
	f.value, f.set = v, true
	return nil
}
