package dbus

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	godbus "github.com/godbus/dbus/v5"

	"github.com/handsetd/handsetd/phoneapi"
)

// ServeOptions configure Serve. The zero value is usable.
type ServeOptions struct {
	Logger *slog.Logger // default: discard
	// Ready, if set, is called once the host owns com.Skype.API.
	Ready func()
}

// ErrNameTaken means another program already owns com.Skype.API.
var ErrNameTaken = fmt.Errorf("%s is already owned by another host on this bus (stop it, or use another bus)", ServiceName)

// introspection describes /com/Skype to the bus's introspection tools.
const introspection = `<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
  <interface name="com.Skype.API">
    <method name="Invoke">
      <arg name="request" type="s" direction="in"/>
      <arg name="response" type="s" direction="out"/>
    </method>
  </interface>
  <interface name="org.freedesktop.DBus.Introspectable">
    <method name="Introspect">
      <arg name="xml" type="s" direction="out"/>
    </method>
  </interface>
</node>
`

// Host is the Phone API host Serve puts on the bus (refhost.Host is one).
// Attach adds a client named label whose notifications go to notify, in
// order; notify is called with the host's lock held, so it only queues.
// invoke applies one command line of that client and returns the reply (""
// for a command that has none); detach removes the client.
type Host interface {
	Attach(label string, notify func(line string)) (invoke func(line string) string, detach func())
}

// server puts one Host on one bus connection.
type server struct {
	host Host
	log  *slog.Logger
	conn *godbus.Conn
	ctx  context.Context

	mu      sync.Mutex
	clients map[string]*busClient // by unique name
	replies map[callKey]string    // answers computed in order, handed to the method handler
	wg      sync.WaitGroup
}

type callKey struct {
	sender string
	serial uint32
}

// busClient is one unique name that has called Invoke.
type busClient struct {
	name   string
	invoke func(line string) string
	detach func()
	named  bool // NAME seen: notifications go out from then on
	mu     sync.Mutex
	queue  []string
	ready  chan struct{}
	stop   chan struct{}
}

// Serve owns com.Skype.API on the bus at address ("" session, "system", or
// a D-Bus address) and serves host until ctx ends; it then returns nil. Every
// unique name that calls Invoke is a client of host; it gets its
// notifications through Notify once it has sent NAME, and is detached when
// it leaves the bus. Invoke is served with or without its interface name.
// The name is requested without allowing replacement: a second host fails
// with ErrNameTaken.
func Serve(ctx context.Context, address string, host Host, opts ServeOptions) error {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &server{host: host, log: opts.Logger, ctx: ctx, clients: map[string]*busClient{}, replies: map[callKey]string{}}
	conn, err := connect(ctx, address, godbus.WithIncomingInterceptor(s.incoming))
	if err != nil {
		return err
	}
	s.conn = conn
	defer func() {
		conn.Close()
		s.mu.Lock()
		for name, c := range s.clients {
			s.dropLocked(name, c)
		}
		s.mu.Unlock()
		s.wg.Wait()
	}()

	invoke := func(msg godbus.Message, line string) (string, *godbus.Error) {
		key := callKey{header(&msg, godbus.FieldSender), msg.Serial()}
		s.mu.Lock()
		reply, ok := s.replies[key]
		delete(s.replies, key)
		s.mu.Unlock()
		if !ok {
			return "", godbus.MakeFailedError(fmt.Errorf("host is shutting down"))
		}
		return reply, nil
	}
	if err := conn.ExportMethodTable(map[string]any{"Invoke": invoke}, HostPath, HostInterface); err != nil {
		return fmt.Errorf("export %s: %w", HostPath, err)
	}
	introspect := func() (string, *godbus.Error) { return introspection, nil }
	if err := conn.ExportMethodTable(map[string]any{"Introspect": introspect}, HostPath, introspectIf); err != nil {
		return fmt.Errorf("export introspection: %w", err)
	}
	if err := conn.AddMatchSignalContext(ctx, godbus.WithMatchSender(busName), godbus.WithMatchInterface(busInterface),
		godbus.WithMatchMember("NameOwnerChanged")); err != nil {
		return fmt.Errorf("watch clients leaving the %s: %w", describe(address), orCtx(ctx, err))
	}
	var reply godbus.RequestNameReply
	if err := conn.BusObject().CallWithContext(ctx, busInterface+".RequestName", 0, ServiceName,
		uint32(godbus.NameFlagDoNotQueue)).Store(&reply); err != nil {
		return fmt.Errorf("request %s on the %s: %w", ServiceName, describe(address), orCtx(ctx, err))
	}
	if reply != godbus.RequestNameReplyPrimaryOwner {
		return ErrNameTaken
	}
	s.log.Info("serving the Phone API on D-Bus", "name", ServiceName, "bus", describe(address), "unique", conn.Names()[0])
	if opts.Ready != nil {
		opts.Ready()
	}
	select {
	case <-ctx.Done():
		return nil
	case <-conn.Context().Done():
		return fmt.Errorf("lost the connection to the %s: %w", describe(address), phoneapi.ErrClosed)
	}
}

// incoming sees every message on the connection's reader, in order. Invoke
// is answered here, so a client's commands are applied in the order it sent
// them, and the method handler only returns the stored answer.
func (s *server) incoming(msg *godbus.Message) {
	switch msg.Type {
	case godbus.TypeMethodCall:
		if header(msg, godbus.FieldPath) != HostPath || header(msg, godbus.FieldMember) != "Invoke" {
			return
		}
		if iface := header(msg, godbus.FieldInterface); iface != "" && iface != HostInterface {
			return
		}
		line, ok := oneString(msg)
		sender := header(msg, godbus.FieldSender)
		if !ok || sender == "" {
			return // the method dispatcher answers with an argument error
		}
		c := s.client(sender)
		if c == nil {
			return
		}
		if m, err := phoneapi.ParseLine(line); err == nil && m.Kind == phoneapi.KindName {
			c.mu.Lock()
			c.named = true
			c.mu.Unlock()
		}
		reply := c.invoke(line)
		s.mu.Lock()
		s.replies[callKey{sender, msg.Serial()}] = reply
		s.mu.Unlock()
	case godbus.TypeSignal:
		name, _, newOwner, ok := nameOwnerChanged(msg)
		if !ok || !strings.HasPrefix(name, ":") || newOwner != "" {
			return
		}
		s.mu.Lock()
		if c := s.clients[name]; c != nil {
			s.dropLocked(name, c)
		}
		s.mu.Unlock()
	}
}

// client returns the client for a unique name, attaching a new one.
func (s *server) client(name string) *busClient {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.clients[name]; c != nil {
		return c
	}
	if s.ctx.Err() != nil {
		return nil
	}
	c := &busClient{name: name, ready: make(chan struct{}, 1), stop: make(chan struct{})}
	c.invoke, c.detach = s.host.Attach(name, c.push)
	s.clients[name] = c
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.notifyLoop(c)
	}()
	return c
}

func (s *server) dropLocked(name string, c *busClient) {
	delete(s.clients, name)
	c.detach()
	close(c.stop)
}

// push queues a notification for c; it runs under the Host's lock.
func (c *busClient) push(line string) {
	c.mu.Lock()
	if !c.named {
		c.mu.Unlock()
		return
	}
	c.queue = append(c.queue, line)
	c.mu.Unlock()
	select {
	case c.ready <- struct{}{}:
	default:
	}
}

// notifyLoop calls Notify on the client, one line after another, so the
// lines leave in the order the Host produced them.
func (s *server) notifyLoop(c *busClient) {
	obj := s.conn.Object(c.name, ClientPath)
	for {
		c.mu.Lock()
		batch := c.queue
		c.queue = nil
		c.mu.Unlock()
		for _, line := range batch {
			call := obj.Go(ClientInterface+".Notify", godbus.FlagNoReplyExpected|godbus.FlagNoAutoStart, nil, line)
			if call.Err != nil {
				s.log.Warn("cannot notify a client", "client", c.name, "err", call.Err)
				return
			}
		}
		select {
		case <-c.ready:
		case <-c.stop:
			return
		}
	}
}
