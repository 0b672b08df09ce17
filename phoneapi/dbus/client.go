package dbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"

	godbus "github.com/godbus/dbus/v5"

	"github.com/handsetd/handsetd/phoneapi"
)

// MaxQueued bounds the host lines a Transport holds for a reader that has
// fallen behind. A host that gets this far ahead is flooding: the Transport
// ends with an error rather than growing without limit.
const MaxQueued = 1 << 18

// DefaultMaxInFlight is how many Invokes a Transport has waiting for their
// answers at once unless DialOptions say otherwise. The bus daemon refuses a
// connection's method call once max_replies_per_connection of its calls
// are unanswered (dbus-daemon's built-in default, which the system bus
// keeps, is 128; the session bus raises it); a refused Invoke is a lost
// line. A Transport stays at or below this bound, so a burst of host
// notifications, each asking a question back, queues in the driver instead.
const DefaultMaxInFlight = 64

// ErrHostGone is the cause of the end of a Transport whose host left the bus.
// It comes wrapped together with phoneapi.ErrClosed.
var ErrHostGone = errors.New("the Phone API host left the bus")

// DialOptions configure Dial. The zero value is usable.
type DialOptions struct {
	// Logger gets one line when Dial has to wait for a host; default discard.
	Logger *slog.Logger
	// MaxInFlight bounds the Invokes waiting for an answer at once; a
	// WriteLine beyond it waits for a slot (bounded by its ctx). It must be
	// below the bus's max_replies_per_connection. Default
	// DefaultMaxInFlight.
	MaxInFlight int
}

// Transport is the device side of the Skype D-Bus contract on its own bus
// connection. It is a phoneapi.Transport: WriteLine calls Invoke and waits
// for it to return; ReadLine returns Invoke's non-empty answers and the
// host's Notify lines, in the order they arrived on the connection.
type Transport struct {
	conn *godbus.Conn

	mu       sync.Mutex
	owner    string              // the unique name of the host we talk to; "" while waiting
	appeared chan struct{}       // closed when owner is first set
	query    uint32              // serial of our GetNameOwner call
	pending  map[uint32]struct{} // serials of our Invokes still unanswered
	refused  map[uint32]struct{} // serials of our Invokes the host answered with a D-Bus error
	// unanswered counts, by serial, the Invokes sent whose answer has not
	// arrived yet, even those whose caller gave up: the bus still counts
	// them against max_replies_per_connection. Each holds a slot.
	unanswered map[uint32]int
	slots      chan struct{}       // one token per Invoke in unanswered
	written    map[uint32]struct{} // Invokes outgoing saw, until their WriteLine notes it
	lines      []string
	ready      chan struct{} // holds a token while lines is non-empty
	done       chan struct{} // closed when the transport ends
	cause      error         // why it ended
}

// Dial connects to the bus at address ("" session, "system", or a D-Bus
// address), exports the Notify object, and waits until com.Skype.API has an
// owner (ctx bounds the wait). Each Dial is its own bus connection, so each
// handset is its own client of the host.
func Dial(ctx context.Context, address string, opts DialOptions) (*Transport, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = DefaultMaxInFlight
	}
	t := &Transport{
		appeared:   make(chan struct{}),
		pending:    map[uint32]struct{}{},
		refused:    map[uint32]struct{}{},
		unanswered: map[uint32]int{},
		written:    map[uint32]struct{}{},
		slots:      make(chan struct{}, opts.MaxInFlight),
		ready:      make(chan struct{}, 1),
		done:       make(chan struct{}),
	}
	conn, err := connect(ctx, address,
		godbus.WithIncomingInterceptor(t.incoming),
		godbus.WithOutgoingInterceptor(t.outgoing))
	if err != nil {
		return nil, err
	}
	t.conn = conn
	go func() {
		<-conn.Context().Done()
		t.end(fmt.Errorf("D-Bus connection lost: %w", phoneapi.ErrClosed))
	}()
	if err := t.setup(ctx, opts.Logger, address); err != nil {
		conn.Close()
		return nil, err
	}
	return t, nil
}

func (t *Transport) setup(ctx context.Context, log *slog.Logger, address string) error {
	notify := func(string) *godbus.Error { return nil } // the line was queued by incoming
	if err := t.conn.ExportMethodTable(map[string]any{"Notify": notify}, ClientPath, ClientInterface); err != nil {
		return fmt.Errorf("export %s: %w", ClientPath, err)
	}
	if err := t.conn.AddMatchSignalContext(ctx,
		godbus.WithMatchSender(busName), godbus.WithMatchInterface(busInterface),
		godbus.WithMatchMember("NameOwnerChanged"), godbus.WithMatchArg(0, ServiceName)); err != nil {
		return fmt.Errorf("watch %s on the %s: %w", ServiceName, describe(address), orCtx(ctx, err))
	}
	// The owner is taken from the GetNameOwner reply or a NameOwnerChanged
	// signal by incoming, in bus order, so no change can slip between them.
	var owner string
	err := t.conn.BusObject().CallWithContext(ctx, busInterface+".GetNameOwner", 0, ServiceName).Store(&owner)
	switch {
	case err == nil:
	case isNoOwner(err):
		select {
		case <-t.appeared:
		default:
			log.Info("waiting for a Phone API host to appear on the bus", "name", ServiceName, "bus", describe(address))
		}
	default:
		return fmt.Errorf("ask the %s who owns %s: %w", describe(address), ServiceName, orCtx(ctx, err))
	}
	select {
	case <-t.appeared:
	case <-t.done:
		return fmt.Errorf("wait for %s: %w", ServiceName, t.cause)
	case <-ctx.Done():
		return fmt.Errorf("wait for %s on the %s: %w", ServiceName, describe(address), ctx.Err())
	}
	select {
	case <-t.done:
		return fmt.Errorf("connect to %s: %w", ServiceName, t.cause)
	default:
	}
	return nil
}

// setOwner records the host's unique name the first time it is learnt.
// Call with t.mu held.
func (t *Transport) setOwner(name string) {
	if t.owner == "" && name != "" {
		t.owner = name
		close(t.appeared)
	}
}

// Host returns the unique bus name of the host this transport talks to.
func (t *Transport) Host() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.owner
}

// LocalName returns this connection's unique bus name.
func (t *Transport) LocalName() string { return t.conn.Names()[0] }

// outgoing runs for every message we send, before it is written: it notes
// the serial of each Invoke so its reply can be queued in order.
func (t *Transport) outgoing(msg *godbus.Message) {
	if msg.Type != godbus.TypeMethodCall {
		return
	}
	switch member := header(msg, godbus.FieldMember); {
	case member == "Invoke" && header(msg, godbus.FieldPath) == HostPath:
		t.mu.Lock()
		t.pending[msg.Serial()] = struct{}{}
		t.unanswered[msg.Serial()]++
		t.written[msg.Serial()] = struct{}{}
		t.mu.Unlock()
	case member == "GetNameOwner" && header(msg, godbus.FieldDestination) == busName:
		t.mu.Lock()
		t.query = msg.Serial()
		t.mu.Unlock()
	}
}

// incoming runs on the connection's one reader for every message addressed
// to us, in arrival order and before dispatch. This is where host lines are
// queued, so nothing can reorder them.
func (t *Transport) incoming(msg *godbus.Message) {
	switch msg.Type {
	case godbus.TypeMethodReply, godbus.TypeError:
		serial, ok := replySerial(msg)
		if !ok {
			return
		}
		t.mu.Lock()
		if serial == t.query && t.query != 0 {
			if s, ok := oneString(msg); ok && msg.Type == godbus.TypeMethodReply {
				t.setOwner(s)
			}
		}
		_, mine := t.pending[serial]
		delete(t.pending, serial)
		if n := t.unanswered[serial]; n > 0 {
			// The bus has forgotten this call: its slot is free again.
			if n == 1 {
				delete(t.unanswered, serial)
			} else {
				t.unanswered[serial] = n - 1
			}
			<-t.slots
		}
		if mine && msg.Type == godbus.TypeError && t.owner != "" && header(msg, godbus.FieldSender) == t.owner {
			// The host itself answered this Invoke with an error (the bus
			// daemon's own errors — no reply in time, no such name — are
			// failures of the link, not answers).
			t.refused[serial] = struct{}{}
		}
		t.mu.Unlock()
		if !mine || msg.Type == godbus.TypeError {
			return // an error reaches the caller of WriteLine
		}
		if s, ok := oneString(msg); ok && s != "" {
			t.push(s)
		}
	case godbus.TypeMethodCall:
		if header(msg, godbus.FieldPath) != ClientPath || header(msg, godbus.FieldMember) != "Notify" {
			return
		}
		if iface := header(msg, godbus.FieldInterface); iface != "" && iface != ClientInterface {
			return
		}
		s, ok := oneString(msg)
		if !ok {
			return
		}
		t.mu.Lock()
		from := t.owner
		t.mu.Unlock()
		if from == "" || header(msg, godbus.FieldSender) != from {
			return // only the host we handshook with may notify us
		}
		t.push(s)
	case godbus.TypeSignal:
		name, _, newOwner, ok := nameOwnerChanged(msg)
		if !ok || name != ServiceName {
			return
		}
		t.mu.Lock()
		owner := t.owner
		t.setOwner(newOwner)
		t.mu.Unlock()
		if owner != "" && newOwner != owner {
			t.end(fmt.Errorf("%w (%s released %s): %w", ErrHostGone, owner, ServiceName, phoneapi.ErrClosed))
		}
	}
}

func (t *Transport) push(s string) {
	t.mu.Lock()
	select {
	case <-t.done:
		t.mu.Unlock()
		return
	default:
	}
	if len(t.lines) >= MaxQueued {
		t.mu.Unlock()
		t.end(fmt.Errorf("the host sent more than %d lines that were not read: %w", MaxQueued, phoneapi.ErrClosed))
		return
	}
	t.lines = append(t.lines, s)
	t.mu.Unlock()
	select {
	case t.ready <- struct{}{}:
	default:
	}
}

func (t *Transport) pop() (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) == 0 {
		return "", false
	}
	s := t.lines[0]
	t.lines[0] = ""
	t.lines = t.lines[1:]
	if len(t.lines) == 0 {
		t.lines = nil // let the backing array go after a burst
	} else {
		select {
		case t.ready <- struct{}{}:
		default:
		}
	}
	return s, true
}

// end finishes the transport with cause (the first cause wins).
func (t *Transport) end(cause error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	select {
	case <-t.done:
		return
	default:
	}
	t.cause = cause
	close(t.done)
}

// ReadLine returns the next host line: an Invoke answer or a Notify, in
// arrival order. Lines already received are returned even after the host
// left; then the error wraps phoneapi.ErrClosed (and ErrHostGone when the
// host left the bus). A line that is not a valid Phone API line is returned
// as a *phoneapi.ProtocolError.
func (t *Transport) ReadLine(ctx context.Context) (string, error) {
	for {
		if s, ok := t.pop(); ok {
			if err := phoneapi.CheckLine(s); err != nil {
				return "", fmt.Errorf("read line: %w", err)
			}
			return s, nil
		}
		select {
		case <-t.ready:
		case <-t.done:
			if s, ok := t.pop(); ok {
				if err := phoneapi.CheckLine(s); err != nil {
					return "", fmt.Errorf("read line: %w", err)
				}
				return s, nil
			}
			return "", fmt.Errorf("read line: %w", t.cause)
		case <-ctx.Done():
			return "", fmt.Errorf("read line: %w", ctx.Err())
		}
	}
}

// WriteLine calls Invoke(line) on the host and waits for it to return; the
// answer, if not empty, is queued for ReadLine. Many WriteLines may run at
// once; beyond MaxInFlight unanswered Invokes, WriteLine first waits for
// one of them to be answered (a caller that gave up still holds its slot
// until the answer comes, since the bus counts it). A D-Bus error reply
// sent by the host itself is returned wrapping phoneapi.ErrRejected: the
// host refused that one line and the connection goes on. Every other
// failure (the bus daemon answering that the host did not reply in time or
// is gone, or refusing the call, a lost connection) is a failing link; when
// the host or the connection is gone the error wraps phoneapi.ErrClosed.
func (t *Transport) WriteLine(ctx context.Context, line string) error {
	if err := phoneapi.CheckLine(line); err != nil {
		return fmt.Errorf("write line: %w", err)
	}
	select {
	case <-t.done:
		return fmt.Errorf("write line: %w", t.cause)
	default:
	}
	select {
	case t.slots <- struct{}{}:
	case <-t.done:
		return fmt.Errorf("write line: %w", t.cause)
	case <-ctx.Done():
		return fmt.Errorf("invoke %s: %d earlier Invokes are still unanswered: %w", strconv.Quote(line), cap(t.slots), ctx.Err())
	}
	msg := &godbus.Message{
		Type: godbus.TypeMethodCall,
		Headers: map[godbus.HeaderField]godbus.Variant{
			godbus.FieldDestination: godbus.MakeVariant(ServiceName),
			godbus.FieldPath:        godbus.MakeVariant(godbus.ObjectPath(HostPath)),
			godbus.FieldInterface:   godbus.MakeVariant(HostInterface),
			godbus.FieldMember:      godbus.MakeVariant("Invoke"),
			godbus.FieldSignature:   godbus.MakeVariant(godbus.SignatureOf(line)),
		},
		Body: []any{line},
	}
	sent := t.conn.SendWithContext(ctx, msg, make(chan *godbus.Call, 1))
	// outgoing has run by now if the Invoke went out at all (it does not
	// when ctx had already ended); one that did not go out frees its slot.
	// (One whose write failed keeps it: the connection is gone then.)
	t.mu.Lock()
	_, out := t.written[msg.Serial()]
	delete(t.written, msg.Serial())
	t.mu.Unlock()
	if !out {
		<-t.slots
	}
	call := <-sent.Done
	// An Invoke that will not be answered any more (cancelled, failed)
	// must not leave its serial behind; a late answer is then ignored.
	t.mu.Lock()
	_, refused := t.refused[msg.Serial()]
	delete(t.refused, msg.Serial())
	if call.Err != nil {
		delete(t.pending, msg.Serial())
	}
	t.mu.Unlock()
	if call.Err != nil {
		if refused {
			return fmt.Errorf("invoke %s: the host answered with a D-Bus error: %w: %w", strconv.Quote(line), call.Err, phoneapi.ErrRejected)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("invoke %s: %w", strconv.Quote(line), ctx.Err())
		}
		select {
		case <-t.done:
			return fmt.Errorf("invoke %s: %w", strconv.Quote(line), t.cause)
		default:
		}
		if isNoOwner(call.Err) || errors.Is(call.Err, godbus.ErrClosed) {
			return fmt.Errorf("invoke %s: %w: %w", strconv.Quote(line), call.Err, phoneapi.ErrClosed)
		}
		return fmt.Errorf("invoke %s: %w", strconv.Quote(line), call.Err)
	}
	return nil
}

// Close ends the transport and its bus connection.
func (t *Transport) Close() error {
	t.end(fmt.Errorf("transport closed: %w", phoneapi.ErrClosed))
	if err := t.conn.Close(); err != nil && !errors.Is(err, godbus.ErrClosed) {
		return fmt.Errorf("close D-Bus connection: %w", err)
	}
	return nil
}

var _ phoneapi.Transport = (*Transport)(nil)
