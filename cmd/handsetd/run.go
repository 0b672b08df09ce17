package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/handsetd/handsetd/config"
	"github.com/handsetd/handsetd/driver"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/keymap"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/baresip"
)

const usage = `usage:
  handsetd list                     the supported handsets plugged in: profile, backend,
                                    access, the kernel driver libusb detaches, sound device
  handsetd doctor [--host SPEC]     what stops a handset from working, with the fix for each
  handsetd run --device SPEC [--device SPEC ...] --host SPEC [--fast] [--config FILE]
               [--dial-tone off|na|eu] [--audio=false] [--cm109-model NAME]
               (without --device: --device auto)
  handsetd describe --device SPEC [--config FILE] [--cm109-model NAME]
  handsetd monitor --device SPEC [--fast] [--config FILE] [--cm109-model NAME]
  handsetd record --device SPEC [--passive] [--outputs] [--config FILE] [--cm109-model NAME] > FILE.hid
  handsetd demo [--model MODEL] [--script FILE]

device SPEC: auto (run's default: every supported handset plugged in, now and
             later, except those another --device names)
             usb:VID:PID[:SERIAL] (one handset by USB id, hex as lsusb shows it,
             whenever it is plugged in; the first usb: spec matching a handset wins)
             hidraw:/dev/hidrawN (a HID-class handset the kernel drives)
             sim:unix:PATH (a handset served by phonesim)
             replay:FILE.hid[#N] (a recording; #N picks device N of a multi-device file)
             A handset is driven once: the same SPEC twice is refused.
host SPEC:   dbus (the session bus, as Skype for Linux) | dbus:system |
             dbus:ADDRESS (e.g. dbus:unix:path=/run/phone/bus) |
             stream:unix:PATH | stream:tcp:HOST:PORT | baresip:HOST:PORT

run flags: --mode phone|access   --ping-interval DURATION (0 = off, else >= 5s)
           --allow-root (run refuses root otherwise: the udev rules make root needless)
           --name NAME (handsets announcing the same NAME, by --name or as
           the same model, become NAME, NAME #2, ... in --device order)
--cm109-model: the keymap of a CM109 phone: atcom, gtalk, kip1000 (default), usbph01;
             it wins over cm109_model in the config file`

// shortUsage is what a mistake, or no command at all, prints.
const shortUsage = `usage: handsetd COMMAND [flags]
  list     the supported handsets plugged in, and whether this user can open them
  doctor   check what stops a handset from working, with the fix for each
  run      drive handsets for a Phone API host (every one plugged in: --device auto)
  describe print what handsetd knows of one handset: profile, reports, controls
  monitor  print one handset's events as Phone API lines, with no host
  record   capture one handset to a hid-recorder .hid file
  demo     the simulated handset, the driver and the reference host together
handsetd help shows the whole usage; handsetd COMMAND --help one command's flags.`

// errUsage marks command-line mistakes; run prints the short usage with
// them, and main exits 2.
var errUsage = errors.New("usage")

// errHelp means --help was asked for: not a failure. The usage travels in
// a *helpError, and run prints it on stdout.
var errHelp = errors.New("help requested")

// helpError is a command's --help: its usage, for run to print.
type helpError struct{ usage string }

func (h *helpError) Error() string        { return errHelp.Error() }
func (h *helpError) Is(target error) bool { return target == errHelp }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, shortUsage)
		return fmt.Errorf("%w: no command", errUsage)
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(ctx, args[1:], stderr)
	case "monitor":
		err = cmdMonitor(ctx, args[1:], stdout, stderr)
	case "record":
		err = cmdRecord(ctx, args[1:], stdout, stderr)
	case "describe":
		err = cmdDescribe(ctx, args[1:], stdout, stderr)
	case "demo":
		err = cmdDemo(ctx, args[1:], stdin, stdout, stderr)
	case "list":
		err = cmdList(ctx, args[1:], stdout, stderr)
	case "doctor":
		err = cmdDoctor(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	var help *helpError
	switch {
	case errors.As(err, &help):
		_, _ = io.WriteString(stdout, help.usage)
		return nil
	case errors.Is(err, errHelp):
		return nil
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "handsetd: %v\n%s\n", err, shortUsage)
	}
	return err
}

// exitCode is the process's exit status for run's error: 2 for a
// command-line mistake (already reported with the usage), 1 for any other
// failure.
func exitCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	return 1
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

// configFlag is --config: the keymap overrides file.
type configFlag struct{ path string }

func (c *configFlag) register(fs *flag.FlagSet) {
	fs.StringVar(&c.path, "config", "", "keymap overrides file (default $XDG_CONFIG_HOME/handsetd/config.toml, if it exists)")
}

// load reads the file named by --config, which must exist, or else the
// default one, which may be missing.
func (c *configFlag) load(log *slog.Logger) (*config.Config, error) {
	if c.path != "" {
		return config.Load(c.path, true)
	}
	path, err := config.DefaultPath(os.Getenv)
	if err != nil {
		log.Debug("no default config location", "err", err)
		return nil, nil
	}
	cfg, err := config.Load(path, false)
	if err != nil {
		return nil, err
	}
	for _, l := range cfg.Summary() {
		log.Info("config", "file", path, "setting", l)
	}
	return cfg, nil
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
	fs.Usage = usageWithoutHidden(fs)
	return fs
}

// parseFlags parses args into fs. --help gives a *helpError with fs's usage
// (run prints it once, on stdout); a mistake gives errUsage with flag's own words, and run adds the
// short usage (fs's full usage is for --help).
func parseFlags(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	var buf bytes.Buffer
	fs.SetOutput(&buf)
	err := fs.Parse(args)
	fs.SetOutput(out)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &helpError{usage: buf.String()}
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
	fs.Var(&devices, "device", "handset to drive (repeatable): "+deviceKinds)
	fast := fs.Bool("fast", false, "replay recordings as fast as the driver takes them instead of at their recorded pace")
	host := fs.String("host", "", "Phone API host: dbus | dbus:system | dbus:ADDRESS | stream:unix:PATH | stream:tcp:HOST:PORT | baresip:HOST:PORT")
	var bo baresip.Options
	fs.StringVar(&bo.DialURI, "dial-uri", "{digits}", "with --host baresip: the URI a dialled number becomes, e.g. sip:{digits}@pbx.example ({digits} alone: baresip adds its account's domain)")
	fs.DurationVar(&bo.DialTimeout, "dial-timeout", 0, "with --host baresip: dial the number this long after the last digit, off hook, as if YES were pressed (0 = only YES or # dial)")
	name := fs.String("name", "", "announce the handsets with this NAME instead of their product names (several handsets with one NAME are numbered in --device order: NAME, NAME #2, ...)")
	modeFlag := fs.String("mode", "phone", "API spoken to the host: phone (Phone API) or access (the driver answers, dials and hangs up itself)")
	ping := fs.Duration("ping-interval", 10*time.Second, "PING the host this often and treat a silent host as gone (0 = never; at least 5s)")
	allowRoot := fs.Bool("allow-root", false, "run even as root (never needed once the udev rules are installed: make install)")
	var cf configFlag
	cf.register(fs)
	var af audioFlags
	af.register(fs)
	var pf profileFlags
	pf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := pf.check(); err != nil {
		return err
	}
	mode, err := driver.ParseMode(*modeFlag)
	if err != nil {
		return fmt.Errorf("%w: --%v", errUsage, err)
	}
	if *ping != 0 && *ping < 5*time.Second {
		return fmt.Errorf("%w: --ping-interval %v: use 0 (off) or at least 5s", errUsage, *ping)
	}
	if len(devices) == 0 {
		devices = specList{"auto"}
	}
	var autos []string
	for _, spec := range devices {
		if isDiscovered(spec) {
			autos = append(autos, spec)
		}
	}
	wants, followers, err := discoveryWants(devices, af.sysRoot)
	if err != nil {
		return err
	}
	if *host == "" {
		return fmt.Errorf("%w: run needs --host", errUsage)
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	cfg, err := cf.load(log)
	if err != nil {
		return err
	}
	hs, err := parseHostWith(*host, log, bo)
	if err != nil {
		return err
	}
	// Each handset is its own client with its own NAME: handsets that would
	// announce the same one are numbered in --device order ("X", "X #2"…).
	names := driver.NewNames()
	if *name != "" {
		for i := range devices {
			names.Slot(i).Reserve(*name)
		}
	}
	cfgs := make([]driver.Config, 0, len(devices))
	for i, spec := range devices {
		if isDiscovered(spec) {
			continue
		}
		// A replayed handset starts playing once the host has the handset's
		// state, so the host sees every recorded event (see startOnHook).
		start := make(chan struct{})
		var once sync.Once
		hlog := log.With("handset", spec)
		f := followers[spec]
		if f != nil {
			f.Logger = hlog
		}
		open, err := parseDevice(spec, deviceOptions{fast: *fast, hold: true, start: start, log: hlog, follow: f})
		if err != nil {
			return err
		}
		hdial := hs.dial
		if strings.HasPrefix(spec, "replay:") {
			hdial = func(ctx context.Context) (driver.Session, error) {
				s, err := hs.dial(ctx)
				if err != nil {
					return nil, err
				}
				return &startOnHook{Session: s, start: func() { once.Do(func() { close(start) }) }}, nil
			}
		}
		cfgs = append(cfgs, driver.Config{
			Open:             open,
			Profile:          pf.picker(cfg),
			Dial:             hdial,
			DialWaitsForHost: hs.waits,
			PingInterval:     *ping,
			Mode:             mode,
			Name:             *name,
			Names:            names.Slot(i),
			Logger:           hlog,
		})
	}
	if _, err := af.parseDialTone(); err != nil {
		return err
	}
	if err := refuseRoot(*allowRoot, os.Getuid); err != nil {
		return err
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
	errs := make([]error, len(cfgs)+len(autos))
	for i, cfg := range cfgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = driver.Run(ctx, cfg)
		}()
	}
	// Handsets found by discovery take NAME slots after the --device ones.
	var slot atomic.Int64
	slot.Store(int64(len(devices)))
	for i, spec := range autos {
		a := &autoDriver{spec: spec, names: names, slot: &slot, audio: au, log: log, scan: scanner(af.sysRoot),
			template: driver.Config{Profile: pf.picker(cfg), Dial: hs.dial, DialWaitsForHost: hs.waits,
				PingInterval: *ping, Mode: mode, Name: *name}}
		a.want = wants[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[len(cfgs)+i] = a.run(ctx)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// startOnHook is a host session that starts a replay once the HOOK line of
// the driver's resync has been sent. The driver keeps only the newest hook
// state for a host that has not read it yet; a recording whose first report
// lifts the handset at once would otherwise turn the resync's HOOK ON into
// HOOK OFF, and the replay would not reproduce the recorded session.
type startOnHook struct {
	driver.Session
	start func()
}

// Ping passes the driver's keep-alive through to the session.
func (s *startOnHook) Ping(ctx context.Context) error {
	if p, ok := s.Session.(interface{ Ping(context.Context) error }); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (s *startOnHook) Send(ctx context.Context, cmd phoneapi.Command) error {
	err := s.Session.Send(ctx, cmd)
	if err == nil && strings.HasPrefix(string(cmd), "HOOK ") {
		s.start()
	}
	return err
}

// profileFlags choose among profiles where the device cannot say.
type profileFlags struct {
	cm109Model string
}

func (p *profileFlags) register(fs *flag.FlagSet) {
	cm, _ := keymap.FamilyRow(keymap.FamilyCM109)
	fs.StringVar(&p.cm109Model, "cm109-model", "", "keymap of a CM109 phone: "+strings.Join(cm.VariantNames(), ", ")+" (default kip1000, or cm109_model in the config)")
}

// check refuses an unknown --cm109-model now, not when a phone is plugged
// in.
func (p *profileFlags) check() error {
	if p.cm109Model == "" {
		return nil
	}
	if _, err := keymap.NewCM109("", p.cm109Model); err != nil {
		return fmt.Errorf("%w: --cm109-model: %v", errUsage, err)
	}
	return nil
}

// picker returns the profile chooser for driver.Config.Profile: the
// config's, except that --cm109-model, when given, picks a CM109 phone's
// keymap. The config's key overrides apply either way.
func (p *profileFlags) picker(cfg *config.Config) func(hid.Info, []byte) (keymap.Profile, error) {
	if p.cm109Model == "" {
		return cfg.Profile
	}
	model := p.cm109Model
	return func(info hid.Info, desc []byte) (keymap.Profile, error) {
		if d, ok := keymap.Lookup(info.VendorID, info.ProductID); !ok || d.Family != keymap.FamilyCM109 {
			return cfg.Profile(info, desc)
		}
		prof, err := keymap.ForDeviceWith(info, desc, keymap.Options{CM109Model: model})
		if err != nil {
			return nil, err
		}
		return keymap.WithOverrides(prof, cfg.Overrides(info, prof.Name())), nil
	}
}
