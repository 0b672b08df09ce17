package phoneapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/handsetd/handsetd/internal/clock"
	"github.com/handsetd/handsetd/internal/ratelog"
)

// ClientOptions configure a Client. The zero value is usable.
type ClientOptions struct {
	Logger       *slog.Logger  // default: discard
	Clock        clock.Clock   // default: clock.Real
	ReplyTimeout time.Duration // how long Handshake and Request wait; default 5s
}

// Update is what the Client learned from one host line.
type Update struct {
	Calls Calls // the calls as this client knows them after the line
	Mute  *bool // non-nil when a MUTE ON|OFF arrived (see Client.Updates)
	Line  string
}

// Client is the device side of a Phone API connection: it runs the
// handshake, sends commands, correlates replies, and keeps the table of the
// host's calls from which the handset's ringing follows.
//
// Use: NewClient, Handshake, then Run in its own goroutine; Send, Request and
// Ping may be called from any goroutine while Run runs. A Client serves one
// connection; make a new one after a reconnect.
type Client struct {
	t       Transport
	log     *slog.Logger
	clk     clock.Clock
	timeout time.Duration

	mu       sync.Mutex
	protocol int
	table    *callTable
	pending  []*pendingReq
	nextID   int

	updates chan Update
	upMu    sync.Mutex
	upNext  *Update
	upReady chan struct{}

	// deferred holds the questions about calls that came up during the
	// handshake; Run asks them, under its own context, once it starts.
	deferred []Command

	bad     *ratelog.Limiter // malformed lines from the host
	unknown *ratelog.Limiter // lines this device does not understand

	stopped  chan struct{} // closed when Run returns
	runOnce  sync.Once
	askGroup sync.WaitGroup

	askMu    sync.Mutex
	askQueue []Command     // questions for askLoop, in order
	askReady chan struct{} // holds a token while askQueue may be non-empty
}

type pendingReq struct {
	id    string             // tag when protocol >= 4
	match func(Message) bool // reply shape when protocol < 4
	reply chan Message       // buffered 1
}

// updateBuffer is how many updates wait in order before coalescing starts.
const updateBuffer = 16

// NewClient returns a Client speaking over t.
func NewClient(t Transport, opts ClientOptions) *Client {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.ReplyTimeout <= 0 {
		opts.ReplyTimeout = 5 * time.Second
	}
	return &Client{
		t: t, log: opts.Logger, clk: opts.Clock, timeout: opts.ReplyTimeout,
		protocol: 1,
		table:    newCallTable(),
		updates:  make(chan Update, updateBuffer),
		upReady:  make(chan struct{}, 1),
		askReady: make(chan struct{}, 1),
		stopped:  make(chan struct{}),
		bad:      ratelog.New(opts.Clock, badLineLogEvery),
		unknown:  ratelog.New(opts.Clock, badLineLogEvery),
	}
}

// badLineLogEvery bounds the warnings about malformed lines: a host that
// streams garbage gets one line logged per interval, with a count.
const badLineLogEvery = 10 * time.Second

// badLine skips a malformed line from the host, logging at a bounded rate.
func (c *Client) badLine(err error) {
	if ok, suppressed, total := c.bad.Allow(); ok {
		c.log.Warn("skipping malformed line from host", "err", err, "suppressed_since_last", suppressed, "malformed_total", total)
	}
}

// unknownLine notes a host line this device does not understand (ignored,
// as seed §7.6 says), at a bounded rate.
func (c *Client) unknownLine(line string) {
	if ok, suppressed, total := c.unknown.Allow(); ok {
		if len(line) > 80 {
			line = line[:80] + "…"
		}
		c.log.Debug("ignoring a line from the host this device does not understand", "line", line,
			"suppressed_since_last", suppressed, "unknown_total", total)
	}
}

// Protocol returns the negotiated protocol version (1 before Handshake).
func (c *Client) Protocol() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.protocol
}

// Calls returns a snapshot of the host's calls as this client knows them.
func (c *Client) Calls() Calls {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.table.snapshot()
}

// Updates returns the channel of updates, one per host line, in line order.
// The channel holds a few updates; when the consumer falls further behind,
// the newest pending update absorbs later ones: its Calls and Line become the
// latest, and its Mute keeps the newest MUTE value seen since the consumer's
// last receive. So a slow consumer may miss intermediate lines, but always
// ends with the current calls and never misses the current mute state. The
// channel is closed when Run returns.
func (c *Client) Updates() <-chan Update { return c.updates }

// Handshake introduces the device: it sends "NAME name" and "PROTOCOL
// MaxProtocol" back to back (it does not wait for the OK some hosts send to
// NAME), then reads until the host's "PROTOCOL m" and returns m. ERROR 68
// gives an error wrapping ErrAccessDenied, CONNSTATUS OFFLINE one wrapping
// ErrOffline; other notifications meanwhile are processed as usual. Call it
// before Run: it reads the transport itself.
func (c *Client) Handshake(ctx context.Context, name string) (int, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	for _, cmd := range []Command{Name(name), Protocol(MaxProtocol)} {
		if err := c.t.WriteLine(ctx, string(cmd)); err != nil {
			return 0, fmt.Errorf("handshake: %w", c.cause(ctx, err))
		}
	}
	for {
		line, err := c.t.ReadLine(ctx)
		if err != nil {
			var pe *ProtocolError
			if errors.As(err, &pe) {
				c.badLine(err)
				continue
			}
			return 0, fmt.Errorf("handshake: waiting for PROTOCOL: %w", c.cause(ctx, err))
		}
		m, err := ParseLine(line)
		if err != nil {
			c.badLine(err)
			continue
		}
		switch {
		case m.Kind == KindOK:
			continue
		case m.Kind == KindProtocol:
			if m.Num < 1 || m.Num > MaxProtocol {
				return 0, fmt.Errorf("handshake: host chose protocol %d, but this device speaks 1 to %d (the host is broken)",
					m.Num, MaxProtocol)
			}
			c.mu.Lock()
			c.protocol = m.Num
			c.mu.Unlock()
			return m.Num, nil
		case m.Kind == KindError:
			return 0, fmt.Errorf("handshake: %w", m.Err())
		case m.Kind == KindConnStatus && m.Value == "OFFLINE":
			return 0, fmt.Errorf("handshake: %w", ErrOffline)
		}
		// Handshake's context ends with the handshake: keep the
		// questions for Run.
		ask := c.process(m, line)
		c.mu.Lock()
		c.deferred = append(c.deferred, ask...)
		c.mu.Unlock()
	}
}

// Run reads and processes host lines until ctx ends (it returns ctx's error)
// or the transport fails (an error wrapping the transport's, ErrClosed when
// the host went away). Request and Ping get their replies only while Run
// runs. Malformed lines are logged and skipped. Call Run once.
func (c *Client) Run(ctx context.Context) error {
	started := false
	c.runOnce.Do(func() { started = true })
	if !started {
		return errors.New("phoneapi: Client.Run called twice (make a new Client per connection)")
	}
	ctx, cancel := context.WithCancel(ctx)
	var deliver sync.WaitGroup
	deliver.Add(1)
	go func() {
		defer deliver.Done()
		c.deliverUpdates(ctx)
	}()
	c.mu.Lock()
	deferred := c.deferred
	c.deferred = nil
	c.mu.Unlock()
	c.ask(deferred)
	c.askGroup.Add(1)
	go func() {
		defer c.askGroup.Done()
		c.askLoop(ctx)
	}()
	defer func() {
		cancel()
		c.askGroup.Wait()
		deliver.Wait()
		close(c.stopped)
		close(c.updates)
	}()
	for {
		line, err := c.t.ReadLine(ctx)
		if err != nil {
			var pe *ProtocolError
			if errors.As(err, &pe) {
				c.badLine(err)
				continue
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("phoneapi client: %w", err)
		}
		m, err := ParseLine(line)
		if err != nil {
			c.badLine(err)
			continue
		}
		if m.Kind == KindUnknown {
			c.unknownLine(line)
		}
		c.dispatch(m)
		c.ask(c.process(m, line))
	}
}

// Send writes cmd without waiting for any reply.
func (c *Client) Send(ctx context.Context, cmd Command) error {
	if err := c.t.WriteLine(ctx, string(cmd)); err != nil {
		return fmt.Errorf("send %q: %w", cmd, err)
	}
	return nil
}

// TrySend writes cmd only if that needs no wait (see TryWriter), from the
// caller's goroutine. It reports false, having written nothing, when the
// transport would have had to wait or cannot write without waiting at
// all; the caller then sends cmd with Send, which goes out after anything
// TrySend took.
func (c *Client) TrySend(cmd Command) (bool, error) {
	tw, ok := c.t.(TryWriter)
	if !ok {
		return false, nil
	}
	sent, err := tw.TryWriteLine(string(cmd))
	if err != nil {
		return false, fmt.Errorf("send %q: %w", cmd, err)
	}
	return sent, nil
}

// Request sends cmd and waits for its reply. With protocol 4 and later the
// command carries a "#id" tag and the reply is the line with the same tag;
// before that the reply is the first line of the expected shape (GET CALL 5
// TYPE ↔ CALL 5 TYPE …, PING ↔ PONG, SET MUTE ↔ MUTE …) or an ERROR. Lines
// that arrive meanwhile are processed as usual. An ERROR reply is returned as
// the Message and an *Error. Run must be running.
func (c *Client) Request(ctx context.Context, cmd Command) (Message, error) {
	req, err := ParseLine(string(cmd))
	if err != nil {
		return Message{}, fmt.Errorf("request: %w", err)
	}
	if req.ID != "" {
		return Message{}, fmt.Errorf("request %q: the Client assigns command ids itself; send the command without '#'", cmd)
	}
	p := &pendingReq{reply: make(chan Message, 1)}
	line := string(cmd)
	c.mu.Lock()
	if c.protocol >= 4 {
		c.nextID++
		p.id = "c" + strconv.Itoa(c.nextID)
		line = "#" + p.id + " " + line
	} else {
		p.match = replyShape(req)
	}
	c.pending = append(c.pending, p)
	c.mu.Unlock()
	defer c.forget(p)

	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	if err := c.t.WriteLine(ctx, line); err != nil {
		return Message{}, fmt.Errorf("request %q: %w", cmd, c.cause(ctx, err))
	}
	select {
	case m := <-p.reply:
		if m.Kind == KindError {
			return m, fmt.Errorf("request %q: %w", cmd, m.Err())
		}
		return m, nil
	case <-c.stopped:
		return Message{}, fmt.Errorf("request %q: client stopped: %w", cmd, ErrClosed)
	case <-ctx.Done():
		return Message{}, fmt.Errorf("request %q: %w", cmd, c.cause(ctx, ctx.Err()))
	}
}

// Ping sends PING and waits for PONG.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.Request(ctx, Ping())
	return err
}

// withTimeout bounds ctx by ReplyTimeout on the injected clock; the cause
// of a timeout is ErrTimeout.
func (c *Client) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	t := c.clk.NewTimer(c.timeout)
	stop := make(chan struct{})
	go func() {
		select {
		case <-t.C():
			cancel(ErrTimeout)
		case <-stop:
		case <-ctx.Done():
		}
		t.Stop()
	}()
	var once sync.Once
	return ctx, func() { once.Do(func() { close(stop); cancel(nil) }) }
}

// cause replaces a context error by ErrTimeout when the reply timer fired.
func (c *Client) cause(ctx context.Context, err error) error {
	if errors.Is(context.Cause(ctx), ErrTimeout) && errors.Is(err, context.Canceled) {
		return ErrTimeout
	}
	return err
}

func (c *Client) forget(p *pendingReq) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, q := range c.pending {
		if q == p {
			c.pending = append(c.pending[:i], c.pending[i+1:]...)
			return
		}
	}
}

// dispatch hands m to the request waiting for it, if any.
func (c *Client) dispatch(m Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, p := range c.pending {
		var ok bool
		if m.ID != "" {
			ok = p.id == m.ID
		} else if p.match != nil {
			ok = m.Kind == KindError || p.match(m)
		}
		if ok {
			p.reply <- m
			c.pending = append(c.pending[:i], c.pending[i+1:]...)
			return
		}
	}
}

// process applies a host line to the call table, queues its Update and
// returns the questions the ring logic needs the host to answer.
func (c *Client) process(m Message, line string) []Command {
	c.mu.Lock()
	ask := c.table.apply(m)
	u := Update{Calls: c.table.snapshot(), Line: line}
	c.mu.Unlock()
	if m.Kind == KindMute {
		on := m.On
		u.Mute = &on
	}
	c.emit(u)
	return ask
}

// ask queues questions about calls for the one asking goroutine, so the
// reader never blocks on a write. A burst of notifications then asks one
// question at a time, in order, instead of holding one Invoke per question
// open at once (a D-Bus bus refuses calls beyond its
// max_replies_per_connection, and a refused question is a call that never
// rings). Questions are bounded by the calls the host announced: each is
// asked once per call.
func (c *Client) ask(qs []Command) {
	if len(qs) == 0 {
		return
	}
	c.askMu.Lock()
	c.askQueue = append(c.askQueue, qs...)
	c.askMu.Unlock()
	select {
	case c.askReady <- struct{}{}:
	default:
	}
}

// askLoop sends the queued questions until ctx ends. A host refusing one
// (ErrRejected) does not stop the next; any other failure means the
// connection is failing, which Run reports through its read error.
func (c *Client) askLoop(ctx context.Context) {
	for {
		c.askMu.Lock()
		qs := c.askQueue
		c.askQueue = nil
		c.askMu.Unlock()
		for _, q := range qs {
			if c.over(q) {
				continue
			}
			if err := c.t.WriteLine(ctx, string(q)); err != nil {
				if ctx.Err() != nil {
					return
				}
				c.log.Debug("cannot ask the host about a call", "cmd", string(q), "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-c.askReady:
		}
	}
}

// over reports whether q asks about a call that has ended since q was
// queued: its answer would be of no use.
func (c *Client) over(q Command) bool {
	m, err := ParseLine(string(q))
	if err != nil || m.Kind != KindGetCall {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, live := c.table.calls[m.Call]
	return !live
}

func (c *Client) emit(u Update) {
	c.upMu.Lock()
	if prev := c.upNext; prev != nil && u.Mute == nil {
		u.Mute = prev.Mute
	}
	c.upNext = &u
	c.upMu.Unlock()
	select {
	case c.upReady <- struct{}{}:
	default:
	}
}

func (c *Client) deliverUpdates(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.upReady:
		}
		c.upMu.Lock()
		u := c.upNext
		c.upNext = nil
		c.upMu.Unlock()
		if u == nil {
			continue
		}
		select {
		case c.updates <- *u:
		case <-ctx.Done():
			return
		}
	}
}

// propOf names the property a CALL notification carries.
func propOf(m Message) string {
	switch m.Kind {
	case KindCallStatus:
		return "STATUS"
	case KindCallType:
		return "TYPE"
	case KindCallPartnerHandle:
		return "PARTNER_HANDLE"
	case KindCallPartnerDispName:
		return "PARTNER_DISPNAME"
	case KindCallDuration:
		return "DURATION"
	case KindCallProp:
		return m.Prop
	}
	return ""
}

// replyShape says which untagged line answers req (protocol < 4).
func replyShape(req Message) func(Message) bool {
	switch req.Kind {
	case KindPing:
		return func(m Message) bool { return m.Kind == KindPong }
	case KindProtocol:
		return func(m Message) bool { return m.Kind == KindProtocol }
	case KindGetCall, KindSetCall:
		return func(m Message) bool { return m.Call == req.Call && propOf(m) == req.Prop && propOf(m) != "" }
	case KindMute, KindSetMute, KindGetMute:
		return func(m Message) bool { return m.Kind == KindMute }
	case KindDial:
		return func(m Message) bool { return m.Kind == KindCallStatus }
	case KindAlterCall:
		return func(m Message) bool { return m.Kind == KindAlterCall && m.Call == req.Call && m.Prop == req.Prop }
	case KindAudioIn:
		return func(m Message) bool { return m.Kind == KindAudioIn }
	case KindAudioOut:
		return func(m Message) bool { return m.Kind == KindAudioOut }
	}
	return func(m Message) bool { return m.Kind == KindOK }
}
