package refhost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/handsetd/handsetd/internal/clock"
	"github.com/handsetd/handsetd/internal/linequeue"
	"github.com/handsetd/handsetd/internal/ratelog"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/callrules"
)

// Options configure a Host. The zero value is usable.
type Options struct {
	Logger *slog.Logger // default: discard
	// OnLine, if set, sees every line received from or queued for a client,
	// in the order the Host processed them. It is called with the Host's lock
	// held: it must be quick and must not call the Host.
	OnLine func(client string, dir phoneapi.Direction, line string)
	Clock  clock.Clock // default: clock.Real; used for call durations
}

// Host is a reference Phone API host: a model of calls driven by its
// devices (hook, keys, mute, access-API commands) and by a control language
// standing in for the remote parties (Exec). Every call notification goes to
// every connected client.
type Host struct {
	log    *slog.Logger
	onLine func(string, phoneapi.Direction, string)
	clk    clock.Clock

	mu       sync.Mutex
	clients  []*hostClient
	nextConn int
	calls    map[int]*hostCall
	nextCall int
	dialled  string
	dtmf     string
	mute     bool
	out      []string // broadcasts collected while handling one line
}

type hostClient struct {
	label    string
	name     string
	protocol int
	audioIn  string
	audioOut string
	// hook is HookUnknown until the handset has reported its hook state.
	hook   callrules.Hook
	queue  *linequeue.Queue
	notify func(string) // set for clients added by Attach, instead of queue
}

type hostCall struct {
	id       int
	status   string
	typ      string
	partner  string
	dispname string
	started  time.Time
	duration int
}

func (c *hostCall) incoming() bool { return strings.HasPrefix(c.typ, "INCOMING") }
func (c *hostCall) ended() bool    { return phoneapi.TerminalStatus(c.status) }
func (c *hostCall) held() bool {
	return c.status == "ONHOLD" || c.status == "LOCALHOLD" || c.status == "REMOTEHOLD"
}

// firstCallID is the id of the first call; ids then increase by one.
const firstCallID = 1001

// New returns a Host with no clients and no calls.
func New(opts Options) *Host {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.OnLine == nil {
		opts.OnLine = func(string, phoneapi.Direction, string) {}
	}
	return &Host{log: opts.Logger, onLine: opts.OnLine, clk: opts.Clock,
		calls: map[int]*hostCall{}, nextCall: firstCallID}
}

// Serve talks to one client over t until the client goes away (it returns
// nil), ctx ends (ctx's error) or the transport fails. Many Serve calls may
// run at once, one per connection. Serve closes t.
func (h *Host) Serve(ctx context.Context, t phoneapi.Transport) error {
	ctx, cancel := context.WithCancel(ctx)
	h.mu.Lock()
	h.nextConn++
	cl := &hostClient{label: "conn" + strconv.Itoa(h.nextConn), protocol: 1, queue: linequeue.New()}
	h.clients = append(h.clients, cl)
	h.mu.Unlock()
	h.log.Info("client connected", "client", cl.label)

	var writer sync.WaitGroup
	writeErr := make(chan error, 1)
	writer.Add(1)
	go func() {
		defer writer.Done()
		for {
			line, ok := cl.queue.Pop()
			if !ok {
				select {
				case <-cl.queue.Ready():
					continue
				case <-ctx.Done():
					return
				}
			}
			if err := t.WriteLine(ctx, line); err != nil {
				writeErr <- err
				cancel()
				return
			}
		}
	}()
	defer func() {
		cancel()
		writer.Wait()
		_ = t.Close()
		h.mu.Lock()
		for i, c := range h.clients {
			if c == cl {
				h.clients = append(h.clients[:i], h.clients[i+1:]...)
				break
			}
		}
		h.mu.Unlock()
		h.log.Info("client disconnected", "client", cl.label)
	}()

	bad := ratelog.New(h.clk, badLineLogEvery)
	for {
		line, err := t.ReadLine(ctx)
		if err != nil {
			var pe *phoneapi.ProtocolError
			switch {
			case errors.As(err, &pe):
				if ok, suppressed, total := bad.Allow(); ok {
					h.log.Warn("malformed line from client", "client", cl.label, "err", err,
						"suppressed_since_last", suppressed, "malformed_total", total)
				}
				h.mu.Lock()
				h.send(cl, fmt.Sprintf("ERROR %d %s", phoneapi.CodeSyntax, pe.Reason))
				h.mu.Unlock()
				continue
			case errors.Is(err, phoneapi.ErrClosed):
				select {
				case werr := <-writeErr:
					return hungUp(cl.label, werr)
				default:
				}
				return nil
			case ctx.Err() != nil:
				select {
				case werr := <-writeErr:
					return hungUp(cl.label, werr)
				default:
				}
				return ctx.Err()
			}
			return fmt.Errorf("serve %s: %w", cl.label, err)
		}
		h.mu.Lock()
		h.onLine(cl.label, phoneapi.Received, line)
		h.handleLine(cl, line)
		h.mu.Unlock()
	}
}

// hungUp is what Serve returns when its writer failed with werr: nil when
// the client closed the connection (the writer may find that out before the
// reader does), the error otherwise.
func hungUp(label string, werr error) error {
	if errors.Is(werr, phoneapi.ErrClosed) {
		return nil
	}
	return fmt.Errorf("serve %s: %w", label, werr)
}

// send queues line for one client. Call with h.mu held.
func (h *Host) send(cl *hostClient, line string) {
	h.onLine(cl.label, phoneapi.Sent, line)
	if cl.notify != nil {
		cl.notify(line)
		return
	}
	cl.queue.Push(line)
}

// broadcast collects a notification for every client; handleLine and Exec
// flush it. Call with h.mu held.
func (h *Host) broadcast(line string) { h.out = append(h.out, line) }

func (h *Host) flush() {
	for _, line := range h.out {
		for _, cl := range h.clients {
			h.send(cl, line)
		}
	}
	h.out = h.out[:0]
}

func errLine(code int, text string) string { return "ERROR " + strconv.Itoa(code) + " " + text }

// handleLine answers one client line. The reply goes first, tagged with the
// command's "#id" when the client speaks protocol 4 or later, then the
// notifications for every client. An untagged reply that repeats one of the
// notifications is not sent twice. Call with h.mu held.
func (h *Host) handleLine(cl *hostClient, line string) {
	reply, tagged := h.reply(cl, line)
	switch {
	case tagged:
		h.send(cl, reply)
	case reply != "":
		dup := false
		for _, b := range h.out {
			dup = dup || b == reply
		}
		if !dup {
			h.send(cl, reply)
		}
	}
	h.flush()
}

// reply applies one client line and returns the reply ("" when the command
// has none), with its "#id" tag when one is owed. Notifications are left in
// h.out. Call with h.mu held.
func (h *Host) reply(cl *hostClient, line string) (reply string, tagged bool) {
	m, err := phoneapi.ParseLine(line)
	if err != nil {
		var pe *phoneapi.ProtocolError
		code := phoneapi.CodeSyntax
		if errors.As(err, &pe) {
			if pe.Code != 0 {
				code = pe.Code
			}
			err = errors.New(pe.Reason)
		}
		reply = errLine(code, err.Error())
		// A malformed tagged line still owes the client a tagged reply.
		if tag, _, ok := strings.Cut(line, " "); ok && strings.HasPrefix(tag, "#") && phoneapi.ValidTag(tag[1:]) {
			m.ID = tag[1:]
		}
	} else {
		reply = h.handle(cl, m)
	}
	if m.ID != "" && cl.protocol >= 4 {
		if reply == "" {
			reply = "OK"
		}
		return "#" + m.ID + " " + reply, true
	}
	return reply, false
}

// Attach adds a client that is not a Transport: a bus peer whose every
// command is a call that returns its reply (the Skype D-Bus contract).
// label names it in logs and OnLine. notify receives the client's
// notifications in order; it is called with the Host's lock held, so it must
// only queue the line and return.
//
// invoke applies one command line from the client and returns the reply, ""
// for a command that has none (HOOK, BTN_PRESSED…). The notifications it
// causes go to every client; the invoking client does not get a
// notification that its untagged reply already repeats. detach removes the
// client; its notifications stop.
func (h *Host) Attach(label string, notify func(line string)) (invoke func(line string) string, detach func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	cl := &hostClient{label: label, protocol: 1, notify: notify}
	h.clients = append(h.clients, cl)
	h.log.Info("client connected", "client", label)
	return func(line string) string { return h.invoke(cl, line) }, func() { h.detach(cl) }
}

func (h *Host) invoke(cl *hostClient, line string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.onLine(cl.label, phoneapi.Received, line)
	reply, tagged := h.reply(cl, line)
	if reply != "" {
		h.onLine(cl.label, phoneapi.Sent, reply)
	}
	skip := ""
	if !tagged {
		skip = reply
	}
	for _, line := range h.out {
		for _, c := range h.clients {
			if c == cl && skip != "" && line == skip {
				skip = ""
				continue
			}
			h.send(c, line)
		}
	}
	h.out = h.out[:0]
	return reply
}

func (h *Host) detach(cl *hostClient) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, c := range h.clients {
		if c == cl {
			h.clients = append(h.clients[:i], h.clients[i+1:]...)
			h.log.Info("client disconnected", "client", cl.label)
			return
		}
	}
}

// handle applies one parsed client command and returns the reply ("" for
// the Phone API commands that have none). Call with h.mu held.
func (h *Host) handle(cl *hostClient, m phoneapi.Message) string {
	switch m.Kind {
	case phoneapi.KindName:
		cl.name = m.Value
		return "OK"
	case phoneapi.KindProtocol:
		cl.protocol = min(m.Num, phoneapi.MaxProtocol)
		return "PROTOCOL " + strconv.Itoa(cl.protocol)
	case phoneapi.KindAudioIn:
		cl.audioIn = m.Value
		return m.Body()
	case phoneapi.KindAudioOut:
		cl.audioOut = m.Value
		return m.Body()
	case phoneapi.KindPing:
		return "PONG"
	case phoneapi.KindHook:
		h.device(cl, callrules.HookEvent(m.OffHook()))
		return ""
	case phoneapi.KindBtnPressed:
		h.device(cl, callrules.KeyEvent(m.Value))
		return ""
	case phoneapi.KindBtnReleased:
		return ""
	case phoneapi.KindMute, phoneapi.KindSetMute:
		return h.setMute(m.On)
	case phoneapi.KindGetMute:
		return "MUTE " + phoneapi.OnOff(h.mute)
	case phoneapi.KindGetCall:
		return h.getCall(m)
	case phoneapi.KindSetCall:
		return h.setCall(m)
	case phoneapi.KindAlterCall:
		return h.alterCall(m)
	case phoneapi.KindDial:
		if strings.Contains(m.Value, ",") {
			return errLine(phoneapi.CodeCannotConference, "Cannot create conference (this host has no conferences)")
		}
		c := h.place(strings.TrimSpace(m.Value))
		return "CALL " + strconv.Itoa(c.id) + " STATUS ROUTING"
	}
	switch word, _, _ := strings.Cut(m.Raw, " "); strings.ToUpper(word) {
	case "GET":
		return errLine(phoneapi.CodeGetInvalidWhat, "GET: invalid WHAT")
	case "SET":
		return errLine(phoneapi.CodeSetInvalidWhat, "SET: invalid WHAT")
	}
	return errLine(phoneapi.CodeUnknownCommand, "Unknown command")
}

func (h *Host) sortedCalls() []*hostCall {
	list := make([]*hostCall, 0, len(h.calls))
	for _, c := range h.calls {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].id < list[j].id })
	return list
}

// find returns the first live call that satisfies pred, by id.
func (h *Host) find(pred func(*hostCall) bool) *hostCall {
	for _, c := range h.sortedCalls() {
		if !c.ended() && pred(c) {
			return c
		}
	}
	return nil
}

func (h *Host) inProgress() *hostCall {
	return h.find(func(c *hostCall) bool { return c.status == "INPROGRESS" })
}
func (h *Host) active() *hostCall {
	if c := h.inProgress(); c != nil {
		return c
	}
	return h.find((*hostCall).held)
}

// outgoingPending is our own call not yet answered, as the call rules see it.
func (h *Host) outgoingPending() *hostCall {
	if c, ok := callrules.OutgoingPending(h.snapshot()); ok {
		return h.calls[c.ID]
	}
	return nil
}

func (h *Host) notify(c *hostCall, prop, value string) {
	h.broadcast(joinOpt("CALL "+strconv.Itoa(c.id)+" "+prop, value))
}

func (h *Host) setStatus(c *hostCall, status string) {
	c.status = status
	h.notify(c, "STATUS", status)
}

func (h *Host) answer(c *hostCall) {
	c.started = h.clk.Now()
	h.dtmf = ""
	h.setStatus(c, "INPROGRESS")
}

// end finishes c with a terminal status; a connected call first reports its
// duration (as in sample session 7.12), and the last call in progress ending
// turns mute off.
func (h *Host) end(c *hostCall, status string) {
	if c.status == "INPROGRESS" || c.held() {
		c.duration = int(h.clk.Now().Sub(c.started) / time.Second)
		h.notify(c, "DURATION", strconv.Itoa(c.duration))
	}
	h.setStatus(c, status)
	if h.mute && h.inProgress() == nil {
		h.mute = false
		h.broadcast("MUTE OFF")
	}
}

func isNumber(target string) bool {
	return target != "" && (target[0] == '+' || target[0] >= '0' && target[0] <= '9')
}

func (h *Host) newCall(typ, partner, dispname string) *hostCall {
	c := &hostCall{id: h.nextCall, typ: typ, partner: partner, dispname: dispname}
	h.nextCall++
	h.calls[c.id] = c
	return c
}

// place starts an outgoing call; it rings at the remote end until the
// control language says "answer".
func (h *Host) place(target string) *hostCall {
	typ := "OUTGOING_P2P"
	if isNumber(target) {
		typ = "OUTGOING_PSTN"
	}
	c := h.newCall(typ, target, target)
	h.dialled = ""
	h.setStatus(c, "ROUTING")
	h.notify(c, "TYPE", typ)
	h.notify(c, "PARTNER_HANDLE", target)
	h.setStatus(c, "RINGING")
	return c
}

// device applies one hook or key event of a client with the one set of
// call rules (package callrules), and performs the actions they give. The
// dial string is the host's, shared by its handsets; the hook is each
// client's own.
func (h *Host) device(cl *hostClient, ev callrules.Event) {
	st := callrules.State{Dialled: h.dialled, Hook: cl.hook}
	st, acts := callrules.Step(h.snapshot(), st, ev)
	h.dialled, cl.hook = st.Dialled, st.Hook
	for _, a := range acts {
		h.act(a)
	}
}

// act performs one action of the call rules on the host's calls.
func (h *Host) act(a callrules.Action) {
	switch a.Kind {
	case callrules.Answer:
		if c := h.calls[a.Call]; c != nil {
			h.answer(c)
		}
	case callrules.Hangup:
		if c := h.calls[a.Call]; c != nil && !c.ended() {
			h.end(c, a.End)
		}
	case callrules.Dial:
		h.place(a.Number)
	case callrules.DTMF:
		h.dtmf += a.Digit
	case callrules.Mute:
		h.setMute(a.On)
	case callrules.Hold:
		if c := h.calls[a.Call]; c != nil {
			h.callAction(c, "HOLD")
		}
	}
}

// offHook reports whether any handset is lifted.
func (h *Host) offHook() bool {
	for _, cl := range h.clients {
		if cl.hook == callrules.HookOff {
			return true
		}
	}
	return false
}

// snapshot is the live calls as a device would know them, for the rules.
func (h *Host) snapshot() phoneapi.Calls {
	var list []phoneapi.Call
	for _, c := range h.sortedCalls() {
		if c.ended() {
			continue
		}
		list = append(list, phoneapi.Call{ID: c.id, Status: c.status, Type: c.typ, Incoming: c.incoming(),
			TypeKnown: true, PartnerHandle: c.partner, PartnerDispName: c.dispname, Duration: c.duration})
	}
	return phoneapi.NewCalls(list...)
}

// setMute follows the seed: mute exists only while a call is in progress.
func (h *Host) setMute(on bool) string {
	if on && h.inProgress() == nil {
		return "MUTE OFF"
	}
	if h.mute != on {
		h.mute = on
		h.broadcast("MUTE " + phoneapi.OnOff(on))
	}
	return "MUTE " + phoneapi.OnOff(on)
}

func (h *Host) getCall(m phoneapi.Message) string {
	c := h.calls[m.Call]
	if c == nil {
		return errLine(phoneapi.CodeUnknownCall, "Unknown call")
	}
	var v string
	switch m.Prop {
	case "STATUS":
		v = c.status
	case "TYPE":
		v = c.typ
	case "PARTNER_HANDLE":
		v = c.partner
	case "PARTNER_DISPNAME":
		v = c.dispname
	case "DURATION":
		d := c.duration
		if c.status == "INPROGRESS" || c.held() {
			d = int(h.clk.Now().Sub(c.started) / time.Second)
		}
		v = strconv.Itoa(d)
	default:
		return errLine(phoneapi.CodeInvalidProp, "Invalid PROP")
	}
	return joinOpt("CALL "+strconv.Itoa(c.id)+" "+m.Prop, v)
}

func (h *Host) statusLine(c *hostCall) string {
	return "CALL " + strconv.Itoa(c.id) + " STATUS " + c.status
}

// callAction performs ANSWER, HANGUP, HOLD or RESUME on c and returns an
// error line, or "" on success.
func (h *Host) callAction(c *hostCall, action string) string {
	switch action {
	case "ANSWER", "RESUME":
		switch {
		case c.status == "RINGING" && c.incoming():
			h.answer(c)
		case c.held():
			h.setStatus(c, "INPROGRESS")
		default:
			return errLine(phoneapi.CodeCannotResume, "Cannot resume this call at the moment")
		}
	case "HANGUP":
		switch {
		case c.status == "INPROGRESS" || c.held():
			h.end(c, "FINISHED")
		case c.status == "RINGING" && c.incoming():
			h.end(c, "REFUSED")
		case !c.ended() && !c.incoming():
			h.end(c, "CANCELLED")
		default:
			return errLine(phoneapi.CodeCannotHangup, "Cannot hangup inactive call")
		}
	case "HOLD":
		if c.status != "INPROGRESS" {
			return errLine(22, "Cannot hold this call at the moment")
		}
		h.setStatus(c, "LOCALHOLD")
		if h.mute && h.inProgress() == nil {
			h.mute = false
			h.broadcast("MUTE OFF")
		}
	}
	return ""
}

func (h *Host) sendDTMF(c *hostCall, digits string) string {
	if digits == "" {
		return errLine(phoneapi.CodeInvalidDTMF, "Invalid DTMF code")
	}
	for _, r := range digits {
		if !callrules.IsDTMF(string(r)) {
			return errLine(phoneapi.CodeInvalidDTMF, "Invalid DTMF code")
		}
	}
	if c.status != "INPROGRESS" {
		return errLine(phoneapi.CodeCallNotActive, "Call not active")
	}
	h.dtmf += digits
	return ""
}

func (h *Host) setCall(m phoneapi.Message) string {
	c := h.calls[m.Call]
	if c == nil {
		return errLine(phoneapi.CodeSetUnknownCall, "Unknown call")
	}
	switch m.Prop {
	case "STATUS":
		action := map[string]string{"INPROGRESS": "ANSWER", "FINISHED": "HANGUP", "ONHOLD": "HOLD"}[strings.ToUpper(m.Value)]
		if action == "" {
			return errLine(phoneapi.CodeUnknownCallValue, "Unknown/disallowed call prop")
		}
		if e := h.callAction(c, action); e != "" {
			return e
		}
		return h.statusLine(c)
	case "DTMF":
		if e := h.sendDTMF(c, m.Value); e != "" {
			return e
		}
		return "CALL " + strconv.Itoa(c.id) + " DTMF " + m.Value
	}
	return errLine(phoneapi.CodeSetUnknownProp, "Unknown WHAT")
}

func (h *Host) alterCall(m phoneapi.Message) string {
	c := h.calls[m.Call]
	if c == nil {
		return errLine(phoneapi.CodeSetUnknownCall, "Unknown call")
	}
	var e string
	switch m.Prop {
	case "ANSWER", "HANGUP", "HOLD", "RESUME":
		e = h.callAction(c, m.Prop)
	case "END":
		e = h.callAction(c, "HANGUP")
	case "DTMF":
		e = h.sendDTMF(c, m.Value)
	default:
		e = errLine(phoneapi.CodeUnknownCallValue, "Unknown/disallowed call prop")
	}
	if e != "" {
		return e
	}
	return m.Body()
}

// Exec runs one line of the control language, which plays the remote
// parties, and returns its one-line answer ("ok", "ok <callid>", "error:
// <reason>" or, for "state", JSON):
//
//	call in HANDLE [DISPLAY NAME…]  an incoming call rings
//	call out TARGET              the desktop places a call (ringback)
//	answer [ID]                  the remote party answers our outgoing call
//	hangup [ID]                  the remote party ends a call (MISSED if it still rang)
//	mute on|off                  the host mutes (only during a call)
//	send RAW LINE                the line goes raw to every client
//	state                        State as JSON
//	quit                         "ok"; leaving is up to the caller
func (h *Host) Exec(line string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	reply := h.exec(strings.TrimSpace(line))
	h.flush()
	return reply
}

func (h *Host) pickCall(arg string, def func() *hostCall) (*hostCall, string) {
	if arg == "" {
		if c := def(); c != nil {
			return c, ""
		}
		return nil, "error: no such call right now"
	}
	id, ok := phoneapi.ParseCallID(arg)
	if !ok {
		return nil, "error: call id must be a number, not " + strconv.Quote(arg)
	}
	c := h.calls[id]
	if c == nil || c.ended() {
		return nil, "error: no live call " + arg + " (see state)"
	}
	return c, ""
}

func (h *Host) exec(line string) string {
	word, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch word {
	case "call":
		dir, rest, _ := strings.Cut(arg, " ")
		rest = strings.TrimSpace(rest)
		if err := phoneapi.CheckLine(rest); err != nil {
			return "error: " + err.Error()
		}
		switch dir {
		case "in":
			handle, disp, _ := strings.Cut(rest, " ")
			if handle == "" {
				return "error: usage: call in HANDLE [DISPLAY NAME]"
			}
			if disp = strings.TrimSpace(disp); disp == "" {
				disp = handle
			}
			typ := "INCOMING_P2P"
			if isNumber(handle) {
				typ = "INCOMING_PSTN"
			}
			c := h.newCall(typ, handle, disp)
			h.setStatus(c, "RINGING")
			h.notify(c, "TYPE", typ)
			h.notify(c, "PARTNER_HANDLE", handle)
			h.notify(c, "PARTNER_DISPNAME", disp)
			return "ok " + strconv.Itoa(c.id)
		case "out":
			target, extra, _ := strings.Cut(rest, " ")
			if target == "" || strings.TrimSpace(extra) != "" {
				return "error: usage: call out TARGET (one handle or number)"
			}
			if h.active() != nil || h.outgoingPending() != nil {
				return "error: a call is already going on (hang it up first)"
			}
			c := h.place(target)
			return "ok " + strconv.Itoa(c.id)
		}
		return "error: usage: call in HANDLE [DISPLAY NAME] | call out TARGET"
	case "answer":
		c, e := h.pickCall(arg, h.outgoingPending)
		if e != "" {
			return e
		}
		if c.incoming() || (c.status != "ROUTING" && c.status != "RINGING" && c.status != "EARLYMEDIA") {
			return "error: call " + strconv.Itoa(c.id) + " is not our outgoing call waiting for an answer"
		}
		h.answer(c)
		return "ok"
	case "hangup":
		c, e := h.pickCall(arg, func() *hostCall {
			if c := h.active(); c != nil {
				return c
			}
			return h.find(func(*hostCall) bool { return true })
		})
		if e != "" {
			return e
		}
		switch {
		case c.status == "RINGING" && c.incoming():
			h.end(c, "MISSED")
		case c.status == "INPROGRESS" || c.held():
			h.end(c, "FINISHED")
		default:
			h.end(c, "REFUSED")
		}
		return "ok"
	case "mute":
		on, ok := phoneapi.ParseOnOff(arg)
		if !ok {
			return "error: usage: mute on|off"
		}
		if h.inProgress() == nil {
			return "error: mute needs a call in progress"
		}
		h.setMute(on)
		return "ok"
	case "send":
		if err := phoneapi.CheckLine(arg); err != nil || arg == "" {
			return "error: usage: send RAW LINE (one non-empty line)"
		}
		h.broadcast(arg)
		return "ok"
	case "state":
		b, err := json.Marshal(h.state())
		if err != nil {
			return "error: " + err.Error()
		}
		return string(b)
	case "quit":
		return "ok"
	case "":
		return "error: empty command (try: call, answer, hangup, mute, send, state, quit)"
	}
	return "error: unknown command " + strconv.Quote(word) + " (try: call, answer, hangup, mute, send, state, quit)"
}

// State is a snapshot of the Host, shaped for JSON.
type State struct {
	Clients []ClientState `json:"clients"`
	Calls   []CallState   `json:"calls"` // calls not yet ended, by id
	Dialled string        `json:"dialled"`
	DTMF    string        `json:"dtmf"` // digits sent during the current or last call
	Mute    bool          `json:"mute"`
}

// ClientState is one connected device as the Host sees it.
type ClientState struct {
	Name     string `json:"name"`
	Protocol int    `json:"protocol"`
	AudioIn  string `json:"audio_in"`
	AudioOut string `json:"audio_out"`
	Hook     string `json:"hook"` // "on" or "off"
	Mute     bool   `json:"mute"`
}

// CallState is one live call.
type CallState struct {
	ID      int    `json:"id"`
	Status  string `json:"status"`
	Type    string `json:"type"`
	Partner string `json:"partner"`
	// Waiting is set for a ringing incoming call offered as call waiting
	// (callrules.Waiting): a handset is off hook or another call goes on.
	Waiting bool `json:"waiting,omitempty"`
}

// State returns a snapshot of clients, live calls, dial string and mute.
func (h *Host) State() State {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state()
}

func (h *Host) state() State {
	s := State{Clients: []ClientState{}, Calls: []CallState{}, Dialled: h.dialled, DTMF: h.dtmf, Mute: h.mute}
	for _, cl := range h.clients {
		hook := "on"
		if cl.hook == callrules.HookOff {
			hook = "off"
		}
		s.Clients = append(s.Clients, ClientState{Name: cl.name, Protocol: cl.protocol, AudioIn: cl.audioIn,
			AudioOut: cl.audioOut, Hook: hook, Mute: h.mute})
	}
	waiting, isWaiting := callrules.Waiting(h.snapshot(), h.offHook())
	for _, c := range h.sortedCalls() {
		if !c.ended() {
			s.Calls = append(s.Calls, CallState{ID: c.id, Status: c.status, Type: c.typ, Partner: c.partner,
				Waiting: isWaiting && waiting.ID == c.id})
		}
	}
	return s
}
