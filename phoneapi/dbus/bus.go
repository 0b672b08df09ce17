package dbus

import (
	"context"
	"errors"
	"fmt"
	"strings"

	godbus "github.com/godbus/dbus/v5"
)

// The names of the Skype Linux D-Bus contract.
const (
	ServiceName     = "com.Skype.API"        // the host's well-known bus name
	HostPath        = "/com/Skype"           // the host's object
	HostInterface   = "com.Skype.API"        // the interface of Invoke
	ClientPath      = "/com/Skype/Client"    // the client's object
	ClientInterface = "com.Skype.API.Client" // the interface of Notify

	busName      = "org.freedesktop.DBus"
	busInterface = "org.freedesktop.DBus"
	introspectIf = "org.freedesktop.DBus.Introspectable"
)

// CheckAddress refuses an address Dial could never connect to (the D-Bus
// specification's "Server Addresses": TRANSPORT:KEY=VALUE,… with
// alternatives separated by ';'), so that a program can refuse a typo at
// start instead of retrying it forever. "" (the session bus), system and
// session are the named buses.
func CheckAddress(addr string) error {
	const want = "want system, session or a D-Bus address such as unix:path=/run/user/1000/bus"
	if addr == "" || addr == "system" || addr == "session" {
		return nil
	}
	for _, alt := range strings.Split(addr, ";") {
		if alt == "" {
			continue
		}
		transport, params, ok := strings.Cut(alt, ":")
		if !ok {
			return fmt.Errorf("%q has no transport (unix:, tcp:…); %s", alt, want)
		}
		keys := map[string]string{}
		for _, kv := range strings.Split(params, ",") {
			if kv == "" {
				continue
			}
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return fmt.Errorf("%q in %q is not KEY=VALUE; %s", kv, alt, want)
			}
			keys[k] = v
		}
		switch transport {
		case "unix":
			if keys["path"] == "" && keys["abstract"] == "" {
				return fmt.Errorf("%q names no socket (path= or abstract=); %s", alt, want)
			}
		case "tcp", "nonce-tcp":
			if keys["host"] == "" || keys["port"] == "" {
				return fmt.Errorf("%q needs host= and port=; %s", alt, want)
			}
		case "unixexec":
			if keys["path"] == "" {
				return fmt.Errorf("%q names no program (path=); %s", alt, want)
			}
		default:
			return fmt.Errorf("transport %q is not one D-Bus clients use here (unix, tcp, nonce-tcp, unixexec); %s", transport, want)
		}
	}
	return nil
}

// connect opens a private connection to the bus at address ("" session,
// "system" system bus, else a D-Bus address), authenticates and says Hello.
// ctx bounds the whole setup: when it ends first, the connection is closed.
func connect(ctx context.Context, address string, opts ...godbus.ConnOption) (*godbus.Conn, error) {
	var (
		conn *godbus.Conn
		err  error
	)
	switch address {
	case "", "session":
		conn, err = godbus.SessionBusPrivate(opts...)
	case "system":
		conn, err = godbus.SystemBusPrivate(opts...)
	default:
		conn, err = godbus.Dial(address, opts...)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to D-Bus %s: %w (is the bus running, and the address right?)", describe(address), err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if err := conn.Auth(nil); err != nil {
		conn.Close()
		return nil, fmt.Errorf("authenticate to D-Bus %s: %w", describe(address), orCtx(ctx, err))
	}
	if err := conn.Hello(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("hello to D-Bus %s: %w", describe(address), orCtx(ctx, err))
	}
	if !stop() {
		conn.Close()
		return nil, fmt.Errorf("connect to D-Bus %s: %w", describe(address), ctx.Err())
	}
	return conn, nil
}

func orCtx(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func describe(address string) string {
	switch address {
	case "", "session":
		return "session bus"
	case "system":
		return "system bus"
	}
	return fmt.Sprintf("bus %q", address)
}

// header reads a string-valued header field of msg ("" when absent).
func header(msg *godbus.Message, f godbus.HeaderField) string {
	v, ok := msg.Headers[f]
	if !ok {
		return ""
	}
	switch s := v.Value().(type) {
	case string:
		return s
	case godbus.ObjectPath:
		return string(s)
	}
	return ""
}

func replySerial(msg *godbus.Message) (uint32, bool) {
	v, ok := msg.Headers[godbus.FieldReplySerial]
	if !ok {
		return 0, false
	}
	s, ok := v.Value().(uint32)
	return s, ok
}

// oneString returns the body of msg when it is exactly one string.
func oneString(msg *godbus.Message) (string, bool) {
	if len(msg.Body) != 1 {
		return "", false
	}
	s, ok := msg.Body[0].(string)
	return s, ok
}

// nameOwnerChanged decodes the bus daemon's NameOwnerChanged signal.
func nameOwnerChanged(msg *godbus.Message) (name, oldOwner, newOwner string, ok bool) {
	if msg.Type != godbus.TypeSignal || header(msg, godbus.FieldSender) != busName ||
		header(msg, godbus.FieldInterface) != busInterface || header(msg, godbus.FieldMember) != "NameOwnerChanged" ||
		len(msg.Body) != 3 {
		return "", "", "", false
	}
	name, ok1 := msg.Body[0].(string)
	oldOwner, ok2 := msg.Body[1].(string)
	newOwner, ok3 := msg.Body[2].(string)
	return name, oldOwner, newOwner, ok1 && ok2 && ok3
}

// isNoOwner reports a D-Bus error saying a name has no owner.
func isNoOwner(err error) bool {
	var de godbus.Error
	if errors.As(err, &de) {
		return de.Name == "org.freedesktop.DBus.Error.NameHasNoOwner" || de.Name == "org.freedesktop.DBus.Error.ServiceUnknown"
	}
	var dp *godbus.Error
	if errors.As(err, &dp) {
		return dp.Name == "org.freedesktop.DBus.Error.NameHasNoOwner" || dp.Name == "org.freedesktop.DBus.Error.ServiceUnknown"
	}
	return false
}

// HostPresent reports whether a host owns ServiceName on the bus at address
// ("" or "session", "system", or a D-Bus address), for handsetd doctor.
func HostPresent(ctx context.Context, address string) (bool, error) {
	conn, err := connect(ctx, address)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var has bool
	if err := conn.BusObject().CallWithContext(ctx, busInterface+".NameHasOwner", 0, ServiceName).Store(&has); err != nil {
		return false, fmt.Errorf("ask D-Bus %s who owns %s: %w", describe(address), ServiceName, err)
	}
	return has, nil
}
