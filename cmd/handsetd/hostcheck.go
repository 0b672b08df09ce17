package main

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	phonedbus "github.com/handsetd/handsetd/phoneapi/dbus"
)

// hostCheck says whether the host a run would reach is there: its bus name
// on D-Bus, or its socket.
func hostCheck(ctx context.Context, spec string) check {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	kind, rest, _ := strings.Cut(spec, ":")
	switch kind {
	case "dbus":
		has, err := phonedbus.HostPresent(ctx, rest)
		switch {
		case err != nil:
			return check{what: "host: " + err.Error(), fix: "run handsetd inside your desktop session (the session bus), or give --host dbus:ADDRESS"}
		case !has:
			return check{what: "host: nobody owns " + phonedbus.ServiceName + " on the bus yet (handsetd waits for it)", fix: "start your Phone API host (phoneapi-host --dbus for the reference one)"}
		}
		return check{ok: true, what: "host: " + phonedbus.ServiceName + " is on the bus"}
	case "stream":
		network, addr, _ := strings.Cut(rest, ":")
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return check{what: "host: " + err.Error(), fix: "start the host listening on " + rest + " (phoneapi-host --listen " + rest + " for the reference one)"}
		}
		c.Close()
		return check{ok: true, what: "host: something listens on " + rest}
	}
	return check{what: fmt.Sprintf("host: unknown --host %q", spec), fix: "use dbus, dbus:ADDRESS, stream:unix:PATH or stream:tcp:HOST:PORT"}
}
