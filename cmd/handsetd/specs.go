package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/handsetd/handsetd/driver"
	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/phoneapi"
	phonedbus "github.com/handsetd/handsetd/phoneapi/dbus"
	"github.com/handsetd/handsetd/phoneapi/stream"
)

// parseDevice turns a device SPEC into the function that opens it.
func parseDevice(spec string) (func(context.Context) (hid.Device, error), error) {
	kind, rest, _ := strings.Cut(spec, ":")
	switch kind {
	case "sim":
		if !strings.HasPrefix(rest, "unix:") || len(rest) == len("unix:") {
			return nil, fmt.Errorf("%w: device %q: want sim:unix:PATH", errUsage, spec)
		}
		return func(ctx context.Context) (hid.Device, error) {
			return firmwaresim.Dial(ctx, rest)
		}, nil
	}
	return nil, fmt.Errorf("%w: device %q: unknown kind %q (supported: sim:unix:PATH)", errUsage, spec, kind)
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
	kind, rest, _ := strings.Cut(spec, ":")
	switch kind {
	case "dbus":
		// dbus → session bus; dbus:system; dbus:session; dbus:ADDRESS.
		return hostSpec{transport: "dbus", waits: true, dial: func(ctx context.Context) (driver.Session, error) {
			t, err := phonedbus.Dial(ctx, rest, phonedbus.DialOptions{Logger: log})
			if err != nil {
				return nil, err
			}
			return driver.NewClientSession(t, phoneapi.ClientOptions{Logger: log}), nil
		}}, nil
	case "stream":
		if !strings.HasPrefix(rest, "unix:") && !strings.HasPrefix(rest, "tcp:") {
			return hostSpec{}, fmt.Errorf("%w: host %q: want stream:unix:PATH or stream:tcp:HOST:PORT", errUsage, spec)
		}
		return hostSpec{transport: "stream", dial: func(ctx context.Context) (driver.Session, error) {
			t, err := stream.Dial(ctx, rest)
			if err != nil {
				return nil, err
			}
			return driver.NewClientSession(t, phoneapi.ClientOptions{Logger: log}), nil
		}}, nil
	}
	return hostSpec{}, fmt.Errorf("%w: host %q: unknown kind %q (supported: dbus[:system|:ADDRESS], stream:unix:PATH, stream:tcp:HOST:PORT)", errUsage, spec, kind)
}
