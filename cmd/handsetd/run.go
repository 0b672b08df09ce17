package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"

	"github.com/handsetd/handsetd/driver"
)

const usage = `usage:
  handsetd run --device SPEC [--device SPEC ...] --host SPEC [--dial-tone off|na|eu] [--audio=false]
  handsetd monitor --device SPEC
  handsetd demo [--script FILE]

device SPEC: sim:unix:PATH (a handset served by phonesim)
host SPEC:   stream:unix:PATH | stream:tcp:HOST:PORT`

// errUsage marks command-line mistakes; run prints the usage with them.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("%w: no command", errUsage)
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(ctx, args[1:], stderr)
	case "monitor":
		err = cmdMonitor(ctx, args[1:], stdout, stderr)
	case "demo":
		err = cmdDemo(ctx, args[1:], stdin, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	if errors.Is(err, errUsage) {
		fmt.Fprintln(stderr, usage)
	}
	return err
}

// specList is a repeatable flag.
type specList []string

func (s *specList) String() string     { return strings.Join(*s, ",") }
func (s *specList) Set(v string) error { *s = append(*s, v); return nil }

// commonFlags are the flags every command takes.
type commonFlags struct {
	logLevel string
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn, error")
}

func (c *commonFlags) logger(stderr io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", errUsage, c.logLevel)
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lvl})), nil
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return fmt.Errorf("%w: help requested", errUsage)
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
}

func cmdRun(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlagSet("handsetd run", stderr)
	var devices specList
	var c commonFlags
	c.register(fs)
	fs.Var(&devices, "device", "handset to drive (repeatable): sim:unix:PATH")
	host := fs.String("host", "", "Phone API host: stream:unix:PATH | stream:tcp:HOST:PORT")
	name := fs.String("name", "", "announce the handset with this NAME instead of its product name")
	var af audioFlags
	af.register(fs)
	fs.Usage = usageWithoutHidden(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if len(devices) == 0 {
		return fmt.Errorf("%w: run needs at least one --device", errUsage)
	}
	if *host == "" {
		return fmt.Errorf("%w: run needs --host", errUsage)
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	dial, err := parseHost(*host, log)
	if err != nil {
		return err
	}
	cfgs := make([]driver.Config, 0, len(devices))
	for _, spec := range devices {
		open, err := parseDevice(spec)
		if err != nil {
			return err
		}
		cfgs = append(cfgs, driver.Config{
			Open:   open,
			Dial:   dial,
			Name:   *name,
			Logger: log.With("handset", spec),
		})
	}
	au, err := startAudio(ctx, af, log)
	if err != nil {
		return err
	}
	if au != nil {
		defer au.sys.Close()
		for i := range cfgs {
			defer au.configure(&cfgs[i], cfgs[i].Logger)()
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(cfgs))
	for i, cfg := range cfgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = driver.Run(ctx, cfg)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
