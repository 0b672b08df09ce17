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

// parseHost turns a host SPEC into the function that connects to it.
func parseHost(spec string, log *slog.Logger) (func(context.Context) (driver.Session, error), error) {
	kind, rest, _ := strings.Cut(spec, ":")
	switch kind {
	case "stream":
		if !strings.HasPrefix(rest, "unix:") && !strings.HasPrefix(rest, "tcp:") {
			return nil, fmt.Errorf("%w: host %q: want stream:unix:PATH or stream:tcp:HOST:PORT", errUsage, spec)
		}
		return func(ctx context.Context) (driver.Session, error) {
			t, err := stream.Dial(ctx, rest)
			if err != nil {
				return nil, err
			}
			return driver.NewClientSession(t, phoneapi.ClientOptions{Logger: log}), nil
		}, nil
	}
	return nil, fmt.Errorf("%w: host %q: unknown kind %q (supported: stream:unix:PATH, stream:tcp:HOST:PORT)", errUsage, spec, kind)
}
