package baresip

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/handsetd/handsetd/internal/clock"
	"github.com/handsetd/handsetd/internal/ratelog"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/callrules"
)

// Options configure the bridge. The zero value dials "{digits}", which
// baresip completes with its account's domain.
type Options struct {
	// DialURI is what a dialled number becomes: "{digits}" is replaced by
	// the number, as in "sip:{digits}@pbx.example". Empty: "{digits}".
	DialURI string
	// DialTimeout, when positive, dials the number collected once the
	// handset has been off hook this long after the last digit, as if YES
	// had been pressed. 0: only YES or # dial.
	DialTimeout time.Duration
	// MaxFrame bounds a ctrl_tcp message (default DefaultMaxFrame).
	MaxFrame int
	// RetryMin and RetryMax bound Dial's waits for baresip (defaults 250 ms
	// and 10 s).
	RetryMin, RetryMax time.Duration
	Clock              clock.Clock // default clock.Real
	Logger             *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.DialURI == "" {
		o.DialURI = "{digits}"
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.RetryMin <= 0 {
		o.RetryMin = 250 * time.Millisecond
	}
	if o.RetryMax <= 0 {
		o.RetryMax = 10 * time.Second
	}
	return o
}

// CheckDialURI refuses a template that could not make a URI of every number.
func CheckDialURI(tmpl string) error {
	if !strings.Contains(tmpl, "{digits}") {
		return fmt.Errorf("dial URI %q has no {digits} (want something like sip:{digits}@pbx.example)", tmpl)
	}
	if strings.ContainsAny(tmpl, " \t\r\n") {
		return fmt.Errorf("dial URI %q contains white space", tmpl)
	}
	return nil
}

// DialURI is the URI a dialled number becomes under tmpl.
func DialURI(tmpl, number string) string { return strings.ReplaceAll(tmpl, "{digits}", number) }

// call is one of baresip's calls as the Phone API shows it.
type call struct {
	id       int    // the Phone API call id
	sid      string // baresip's id (the SIP Call-ID); "" until an event names it
	status   string // ROUTING, RINGING, EARLYMEDIA, INPROGRESS, LOCALHOLD
	incoming bool
	handle   string // the peer's URI
	name     string // the peer's display name, or the number dialled
	// end is the status the call ends in when the handset ended it
	// (callrules' Refused, Cancelled, Finished); "" when the far end did.
	end string
}

func (c *call) typ() string {
	if c.incoming {
		return "INCOMING_P2P"
	}
	return "OUTGOING_P2P"
}

// purpose says what a command's response means to the bridge.
type purpose int

const (
	forNothing purpose = iota
	forDial            // the response says whether the call could be placed
	forMute            // the response says "call muted" or "call un-muted"
	forHold            // an ok response puts the call on hold
)

type pending struct {
	purpose purpose
	call    int // Phone API id of the call concerned
}

// maxPending bounds the commands waiting for a response; baresip answers
// each at once, so more means responses were lost.
const maxPending = 64

// firstCallID is the Phone API id of the first call of a session.
const firstCallID = 1

// bridge is the host: one Phone API device on one side, one ctrl_tcp
// connection on the other. Only Serve's goroutine touches it.
type bridge struct {
	opts Options
	log  *slog.Logger
	dev  phoneapi.Transport
	ctrl *Conn

	protocol          int
	st                callrules.State
	calls             []*call // live calls, by id
	nextID            int
	mute              bool
	pending           map[string]pending
	nextToken         int
	dialTimer         clock.Timer
	audioIn, audioOut string
	bad               *ratelog.Limiter
}

// ctrlMsg is one result of reading ctrl_tcp.
type ctrlMsg struct {
	m   Message
	err error
}

// devLine is one result of reading the device's transport.
type devLine struct {
	line string
	err  error
}

// Serve is the host for one device transport on one ctrl_tcp connection,
// until ctx ends, the device goes away (nil) or baresip does (an error). It
// closes both.
func Serve(ctx context.Context, dev phoneapi.Transport, ctrl *Conn, opts Options) error {
	opts = opts.withDefaults()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	b := &bridge{opts: opts, log: opts.Logger, dev: dev, ctrl: ctrl, protocol: 1, nextID: firstCallID,
		pending: map[string]pending{}, bad: ratelog.New(opts.Clock, 10*time.Second)}
	defer func() {
		b.stopDialTimer()
		_ = ctrl.Close()
		_ = dev.Close()
	}()

	msgs := make(chan ctrlMsg)
	go func() {
		for {
			m, err := ctrl.Read()
			select {
			case msgs <- ctrlMsg{m, err}:
			case <-ctx.Done():
				return
			}
			if err != nil && !Skippable(err) {
				return
			}
		}
	}()
	lines := make(chan devLine)
	go func() {
		for {
			l, err := dev.ReadLine(ctx)
			select {
			case lines <- devLine{l, err}:
			case <-ctx.Done():
				return
			}
			var pe *phoneapi.ProtocolError
			if err != nil && !errors.As(err, &pe) {
				return
			}
		}
	}()

	for {
		var timer <-chan time.Time
		if b.dialTimer != nil {
			timer = b.dialTimer.C()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case r := <-msgs:
			if r.err != nil {
				if Skippable(r.err) {
					if ok, suppressed, total := b.bad.Allow(); ok {
						b.log.Warn("skipping a bad message from baresip's ctrl_tcp", "err", r.err,
							"suppressed_since_last", suppressed, "bad_total", total)
					}
					continue
				}
				if errors.Is(r.err, io.EOF) {
					return fmt.Errorf("baresip closed the ctrl_tcp connection (it quit, or another ctrl_tcp client took its one connection)")
				}
				return fmt.Errorf("reading baresip's ctrl_tcp: %w", r.err)
			}
			if err := b.onMessage(ctx, r.m); err != nil {
				return err
			}
		case l := <-lines:
			if l.err != nil {
				var pe *phoneapi.ProtocolError
				if errors.As(l.err, &pe) {
					b.log.Warn("malformed line from the handset", "err", l.err)
					continue
				}
				if errors.Is(l.err, phoneapi.ErrClosed) {
					return nil
				}
				return fmt.Errorf("reading the handset's lines: %w", l.err)
			}
			if err := b.onLine(ctx, l.line); err != nil {
				return err
			}
		case <-timer:
			b.dialTimer = nil
			if err := b.dialTimeout(ctx); err != nil {
				return err
			}
		}
	}
}

// send writes a Phone API line to the device.
func (b *bridge) send(ctx context.Context, line string) error {
	if err := b.dev.WriteLine(ctx, line); err != nil {
		return fmt.Errorf("to the handset: %w", err)
	}
	return nil
}

// command sends one ctrl_tcp command; p says what its response means.
func (b *bridge) command(name, params string, p pending) error {
	b.nextToken++
	token := "h" + strconv.Itoa(b.nextToken)
	if len(b.pending) >= maxPending {
		b.log.Warn("baresip left commands unanswered; forgetting them", "count", len(b.pending))
		clear(b.pending)
	}
	b.pending[token] = p
	b.log.Debug("to baresip", "command", name, "params", params, "token", token)
	if err := b.ctrl.Send(Command{Command: name, Params: params, Token: token}); err != nil {
		return err
	}
	return nil
}

// find returns the live call with Phone API id id.
func (b *bridge) find(id int) *call {
	for _, c := range b.calls {
		if c.id == id {
			return c
		}
	}
	return nil
}

// bySID returns the live call baresip names sid.
func (b *bridge) bySID(sid string) *call {
	for _, c := range b.calls {
		if c.sid != "" && c.sid == sid {
			return c
		}
	}
	return nil
}

// snapshot is the live calls as the call rules see them.
func (b *bridge) snapshot() phoneapi.Calls {
	list := make([]phoneapi.Call, 0, len(b.calls))
	for _, c := range b.calls {
		list = append(list, phoneapi.Call{ID: c.id, Status: c.status, Type: c.typ(), Incoming: c.incoming,
			TypeKnown: true, PartnerHandle: c.handle, PartnerDispName: c.name})
	}
	return phoneapi.NewCalls(list...)
}

func (b *bridge) inProgress() bool {
	_, ok := callrules.InProgress(b.snapshot())
	return ok
}

// notify tells the device one property of c.
func (b *bridge) notify(ctx context.Context, c *call, prop, value string) error {
	line := "CALL " + strconv.Itoa(c.id) + " " + prop
	if value != "" {
		line += " " + value
	}
	return b.send(ctx, line)
}

// announce tells the device of a new call: its type and partner first, so
// the device need not ask before it rings (sample session 7.12), then its
// status.
func (b *bridge) announce(ctx context.Context, c *call) error {
	for _, p := range [][2]string{{"TYPE", c.typ()}, {"PARTNER_HANDLE", c.handle}, {"PARTNER_DISPNAME", c.name}, {"STATUS", c.status}} {
		if err := b.notify(ctx, c, p[0], p[1]); err != nil {
			return err
		}
	}
	return nil
}

func (b *bridge) setStatus(ctx context.Context, c *call, status string) error {
	if c.status == status {
		return nil
	}
	c.status = status
	return b.notify(ctx, c, "STATUS", status)
}

// remove ends c with a terminal status; mute, which exists only during a
// call in progress, goes off with the last one.
func (b *bridge) remove(ctx context.Context, c *call, status string) error {
	for i, x := range b.calls {
		if x == c {
			b.calls = append(b.calls[:i], b.calls[i+1:]...)
			break
		}
	}
	if err := b.notify(ctx, c, "STATUS", status); err != nil {
		return err
	}
	return b.muteOffWithoutCall(ctx)
}

func (b *bridge) muteOffWithoutCall(ctx context.Context) error {
	if b.mute && !b.inProgress() {
		b.mute = false
		return b.send(ctx, "MUTE OFF")
	}
	return nil
}

func (b *bridge) newCall(incoming bool, sid, handle, name, status string) *call {
	c := &call{id: b.nextID, sid: sid, incoming: incoming, handle: handle, name: name, status: status}
	b.nextID++
	b.calls = append(b.calls, c)
	return c
}

// peerName is what the handset shows of a peer: its display name, else the
// user part of its URI.
func peerName(display, uri string) string {
	if display != "" {
		return display
	}
	u := strings.TrimPrefix(strings.TrimPrefix(uri, "sip:"), "sips:")
	if user, _, ok := strings.Cut(u, "@"); ok && user != "" {
		return user
	}
	return uri
}

// lineSafe makes a value from baresip fit a Phone API line.
func lineSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		s = s[:200]
	}
	if phoneapi.CheckLine(s) != nil {
		return ""
	}
	return s
}
