package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/handsetd/handsetd/hid/simsock"
	"github.com/handsetd/handsetd/keymap"

	"github.com/handsetd/handsetd/driver"
	"github.com/handsetd/handsetd/driver/discover"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidraw"
	"github.com/handsetd/handsetd/hid/replay"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/baresip"
	phonedbus "github.com/handsetd/handsetd/phoneapi/dbus"
	"github.com/handsetd/handsetd/phoneapi/stream"
)

// deviceOptions tune how a device SPEC is opened.
type deviceOptions struct {
	// fast plays a replay: recording as fast as the driver takes it.
	fast bool
	// hold keeps a replayed handset present and silent after its last
	// report (handsetd run); without it the replay ends with
	// replay.ErrFinished (monitor, which then exits).
	hold bool
	// start, when set, holds a replay back until it is closed.
	start <-chan struct{}
	log   *slog.Logger
	// follow, when set, opens a hidraw: node and follows its handset
	// across replugs (handsetd run); without it the node is opened once
	// as named (monitor, record).
	follow *discover.Follower
}

// parseDevice turns a device SPEC into the function that opens it. A
// replay: recording is read and checked here, so a malformed file is
// reported at once with its line number.
func parseDevice(spec string, o deviceOptions) (func(context.Context) (hid.Device, error), error) {
	kind, rest, _ := strings.Cut(spec, ":")
	switch kind {
	case "sim":
		if !strings.HasPrefix(rest, "unix:") || len(rest) == len("unix:") {
			return nil, fmt.Errorf("%w: device %q: want sim:unix:PATH", errUsage, spec)
		}
		return func(ctx context.Context) (hid.Device, error) {
			return simsock.Dial(ctx, rest)
		}, nil
	case "replay":
		return parseReplay(spec, rest, o)
	case "hidraw":
		if !strings.HasPrefix(rest, "/") {
			return nil, fmt.Errorf("%w: device %q: want hidraw:/dev/hidrawN (ls /sys/class/hidraw lists the nodes)", errUsage, spec)
		}
		if o.follow != nil {
			return o.follow.Open, nil
		}
		return func(context.Context) (hid.Device, error) {
			return hidraw.Open(rest)
		}, nil
	}
	return nil, fmt.Errorf("%w: device %q: unknown kind %q (supported: %s)", errUsage, spec, kind, deviceKinds)
}

const deviceKinds = "auto, usb:VID:PID[:SERIAL], hidraw:/dev/hidrawN, sim:unix:PATH, replay:FILE.hid[#N]"

// parseReplay opens a recording as a handset. The recording plays once: the
// driver reopens a handset that goes away, so a second Open waits until ctx
// ends instead of replaying the file again.
func parseReplay(spec, path string, o deviceOptions) (func(context.Context) (hid.Device, error), error) {
	if path == "" {
		return nil, fmt.Errorf("%w: device %q: want replay:FILE.hid", errUsage, spec)
	}
	index := -1
	if p, n, ok := strings.Cut(path, "#"); ok {
		v, err := strconv.Atoi(n)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("%w: device %q: #%s is not a device number", errUsage, spec, n)
		}
		path, index = p, v
	}
	rec, err := replay.Load(path, index)
	if err != nil {
		return nil, err
	}
	// A descriptor no parser can read cannot be driven, now or on a retry:
	// say so at start.
	if _, err := replay.HasReportIDs(rec.Descriptor); err != nil {
		return nil, fmt.Errorf("replay %s: %w", path, err)
	}
	var mu sync.Mutex
	opened := false
	return func(ctx context.Context) (hid.Device, error) {
		mu.Lock()
		again := opened
		opened = true
		mu.Unlock()
		if again {
			<-ctx.Done()
			return nil, fmt.Errorf("replay %s: played once already: %w", path, ctx.Err())
		}
		ropts := replay.Options{Fast: o.fast, Hold: o.hold, Start: o.start, Path: spec,
			OnOutput: func(kind string, r []byte) {
				if o.log != nil {
					o.log.Debug("replayed handset ignores an output (a replay cannot react)", "kind", kind, "report", fmt.Sprintf("% x", r))
				}
			}}
		if keymap.AnswersRequests(rec.VendorID, rec.ProductID) {
			// The device speaks only when asked: each recorded reply
			// waits for the driver's request (package replay).
			ropts.Answers = replay.SameCommand
		}
		d, err := replay.New(rec, ropts)
		if err != nil {
			return nil, err
		}
		if o.log != nil {
			o.log.Info("replaying a recording", "file", path, "reports", d.Len(), "fast", o.fast)
			go func() {
				select {
				case <-d.Done():
					if o.hold {
						o.log.Info("replay finished; the handset stays as the recording left it (Ctrl-C to stop)", "file", path)
					}
				case <-ctx.Done():
				}
			}()
		}
		return d, nil
	}, nil
}

// hostSpec is what a host SPEC says: how to connect, and whether that
// connection waits for the host to be present.
type hostSpec struct {
	dial      func(context.Context) (driver.Session, error)
	waits     bool
	transport string
}

// parseHost turns a host SPEC into the function that connects to it.
func parseHost(spec string, log *slog.Logger) (hostSpec, error) {
	return parseHostWith(spec, log, baresip.Options{})
}

// parseHostWith is parseHost with the bridge's options for baresip:HOST:PORT
// (--dial-uri, --dial-timeout).
func parseHostWith(spec string, log *slog.Logger, bo baresip.Options) (hostSpec, error) {
	kind, rest, _ := strings.Cut(spec, ":")
	switch kind {
	case "baresip":
		if err := baresip.CheckAddr(rest); err != nil {
			return hostSpec{}, fmt.Errorf("%w: host %q: %v", errUsage, spec, err)
		}
		if bo.DialURI != "" {
			if err := baresip.CheckDialURI(bo.DialURI); err != nil {
				return hostSpec{}, fmt.Errorf("%w: --dial-uri: %v", errUsage, err)
			}
		}
		bo.Logger = log.With("host", "baresip")
		// Dial waits for baresip's ctrl_tcp with its own backoff.
		return hostSpec{transport: "baresip", waits: true, dial: func(ctx context.Context) (driver.Session, error) {
			t, err := baresip.Dial(ctx, rest, bo)
			if err != nil {
				return nil, err
			}
			return driver.NewClientSession(t, phoneapi.ClientOptions{Logger: log}), nil
		}}, nil
	case "dbus":
		// dbus → session bus; dbus:system; dbus:session; dbus:ADDRESS.
		if err := phonedbus.CheckAddress(rest); err != nil {
			return hostSpec{}, fmt.Errorf("%w: host %q: %v", errUsage, spec, err)
		}
		return hostSpec{transport: "dbus", waits: true, dial: func(ctx context.Context) (driver.Session, error) {
			t, err := phonedbus.Dial(ctx, rest, phonedbus.DialOptions{Logger: log})
			if err != nil {
				return nil, err
			}
			return driver.NewClientSession(t, phoneapi.ClientOptions{Logger: log}), nil
		}}, nil
	case "stream":
		if err := checkStreamAddr(rest); err != nil {
			return hostSpec{}, fmt.Errorf("%w: host %q: %v", errUsage, spec, err)
		}
		return hostSpec{transport: "stream", dial: func(ctx context.Context) (driver.Session, error) {
			t, err := stream.Dial(ctx, rest)
			if err != nil {
				return nil, err
			}
			return driver.NewClientSession(t, phoneapi.ClientOptions{Logger: log}), nil
		}}, nil
	}
	return hostSpec{}, fmt.Errorf("%w: host %q: unknown kind %q (supported: dbus[:system|:ADDRESS], stream:unix:PATH, stream:tcp:HOST:PORT, baresip:HOST:PORT)", errUsage, spec, kind)
}

// checkStreamAddr refuses at start an address stream.Dial could never reach,
// so a typo is not retried forever.
func checkStreamAddr(addr string) error {
	const want = "want stream:unix:PATH or stream:tcp:HOST:PORT"
	kind, rest, _ := strings.Cut(addr, ":")
	switch kind {
	case "unix":
		if rest == "" {
			return errors.New("no socket path; " + want)
		}
		return nil
	case "tcp":
		host, port, err := net.SplitHostPort(rest)
		if err != nil {
			return fmt.Errorf("%q is not HOST:PORT (%v); %s", rest, err, want)
		}
		if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
			return fmt.Errorf("port %q is not a number from 1 to 65535; %s", port, want)
		}
		if host == "" {
			return fmt.Errorf("no host in %q (use 127.0.0.1:%s for this machine); %s", rest, port, want)
		}
		return nil
	}
	return errors.New(want)
}
