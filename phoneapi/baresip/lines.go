package baresip

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/callrules"
)

// onLine answers one line from the device. The reply goes first, tagged
// with the command's "#id" from protocol 4 on; the notifications the line
// causes follow.
func (b *bridge) onLine(ctx context.Context, line string) error {
	b.log.Debug("from the handset", "line", line)
	m, err := phoneapi.ParseLine(line)
	if err != nil {
		code := phoneapi.CodeSyntax
		reason := err.Error()
		var pe *phoneapi.ProtocolError
		if errors.As(err, &pe) {
			if pe.Code != 0 {
				code = pe.Code
			}
			reason = pe.Reason
		}
		return b.reply(ctx, m, "ERROR "+strconv.Itoa(code)+" "+reason)
	}
	var after []func() error
	reply := ""
	switch m.Kind {
	case phoneapi.KindName:
		reply = "OK"
	case phoneapi.KindProtocol:
		b.protocol = min(max(m.Num, 1), phoneapi.MaxProtocol)
		reply = "PROTOCOL " + strconv.Itoa(b.protocol)
	case phoneapi.KindAudioIn:
		b.audioIn = m.Value
		reply = bodyOf(m)
	case phoneapi.KindAudioOut:
		if m.Value != b.audioOut || m.Value != "" {
			b.log.Info("point baresip's audio at the handset: put these lines in baresip's config",
				"audio_in", b.audioIn, "audio_out", m.Value, "lines", strings.Join(ConfigLines(b.audioIn, m.Value), "\n"))
		}
		b.audioOut = m.Value
		reply = bodyOf(m)
	case phoneapi.KindPing:
		reply = "PONG"
	case phoneapi.KindHook:
		after = append(after, func() error { return b.event(ctx, callrules.HookEvent(m.OffHook())) })
	case phoneapi.KindBtnPressed:
		after = append(after, func() error { return b.event(ctx, callrules.KeyEvent(m.Value)) })
	case phoneapi.KindBtnReleased:
	case phoneapi.KindMute, phoneapi.KindSetMute:
		after = append(after, func() error { return b.act(ctx, callrules.Action{Kind: callrules.Mute, On: m.On}) })
	case phoneapi.KindGetMute:
		reply = "MUTE " + phoneapi.OnOff(b.mute)
	case phoneapi.KindGetCall:
		reply = b.getCall(m)
	case phoneapi.KindAlterCall, phoneapi.KindSetCall:
		reply = b.alterCall(ctx, m, &after)
	case phoneapi.KindDial:
		target := strings.TrimSpace(m.Value)
		if target == "" || strings.Contains(target, ",") {
			reply = "ERROR " + strconv.Itoa(phoneapi.CodeInvalidCallTarget) + " Invalid call target"
			break
		}
		c, err := b.dial(ctx, target)
		if err != nil {
			return err
		}
		reply = "CALL " + strconv.Itoa(c.id) + " STATUS ROUTING"
	default:
		reply = "ERROR " + strconv.Itoa(phoneapi.CodeUnknownCommand) + " Unknown command"
	}
	if err := b.reply(ctx, m, reply); err != nil {
		return err
	}
	for _, f := range after {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// reply sends the reply to m: tagged from protocol 4 on when m was, "OK"
// standing in for a command without reply; untagged, nothing for such a
// command.
func (b *bridge) reply(ctx context.Context, m phoneapi.Message, reply string) error {
	if m.ID != "" && b.protocol >= 4 {
		if reply == "" {
			reply = "OK"
		}
		return b.send(ctx, "#"+m.ID+" "+reply)
	}
	if reply == "" {
		return nil
	}
	return b.send(ctx, reply)
}

// bodyOf is m in canonical form without its "#id" tag.
func bodyOf(m phoneapi.Message) string {
	m.ID = ""
	return m.String()
}

// event applies a handset event with the call rules and performs the
// actions they give.
func (b *bridge) event(ctx context.Context, ev callrules.Event) error {
	st, acts := callrules.Step(b.snapshot(), b.st, ev)
	b.st = st
	for _, a := range acts {
		if err := b.act(ctx, a); err != nil {
			return err
		}
	}
	b.armDialTimer()
	return nil
}

// armDialTimer (re)starts the dial timeout while a number is being
// collected off hook, and stops it otherwise.
func (b *bridge) armDialTimer() {
	b.stopDialTimer()
	if b.opts.DialTimeout > 0 && b.st.Dialled != "" && b.st.Hook == callrules.HookOff {
		b.dialTimer = b.opts.Clock.NewTimer(b.opts.DialTimeout)
	}
}

func (b *bridge) stopDialTimer() {
	if b.dialTimer != nil {
		b.dialTimer.Stop()
		b.dialTimer = nil
	}
}

// dialTimeout dials the number collected, as YES would, when no call
// stands in the way.
func (b *bridge) dialTimeout(ctx context.Context) error {
	if b.st.Dialled == "" || b.st.Hook != callrules.HookOff || len(b.calls) > 0 {
		return nil
	}
	b.log.Info("dialling after the dial timeout", "number", b.st.Dialled, "timeout", b.opts.DialTimeout)
	return b.event(ctx, callrules.KeyEvent("YES"))
}

// act performs one action of the call rules through baresip.
func (b *bridge) act(ctx context.Context, a callrules.Action) error {
	b.log.Debug("call rules", "action", a.String())
	switch a.Kind {
	case callrules.Dial:
		_, err := b.dial(ctx, a.Number)
		return err
	case callrules.Mute:
		if !b.inProgress() {
			b.mute = false
			return b.send(ctx, "MUTE OFF") // no call in progress: mute is always off (skype-api-1.2 §7.9.2 GET MUTE)
		}
		if a.On == b.mute {
			return b.send(ctx, "MUTE "+phoneapi.OnOff(b.mute))
		}
		// menu.so's mute toggles the current call's microphone.
		return b.onCall(b.current(), "mute", "", pending{purpose: forMute})
	}
	c := b.find(a.Call)
	if c == nil {
		return nil
	}
	switch a.Kind {
	case callrules.Answer:
		return b.onCall(c, "accept", "", pending{call: c.id})
	case callrules.Hangup:
		c.end = a.End
		return b.onCall(c, "hangup", "", pending{call: c.id})
	case callrules.DTMF:
		return b.onCall(c, "sndcode", a.Digit, pending{call: c.id})
	case callrules.Hold:
		return b.onCall(c, "hold", "", pending{purpose: forHold, call: c.id})
	}
	return nil
}

// current is the call menu.so's commands act on when no callfind names
// one: the newest.
func (b *bridge) current() *call {
	if len(b.calls) == 0 {
		return nil
	}
	return b.calls[len(b.calls)-1]
}

// onCall sends a menu.so command for call c. Those commands act on
// baresip's current call, so with several calls "callfind" makes c the
// current one first.
func (b *bridge) onCall(c *call, name, params string, p pending) error {
	if c != nil && c.sid != "" && len(b.calls) > 1 && c != b.current() {
		if err := b.command("callfind", c.sid, pending{}); err != nil {
			return err
		}
		// callfind moves c to the end of baresip's list: keep the same order.
		for i, x := range b.calls {
			if x == c {
				b.calls = append(append(b.calls[:i:i], b.calls[i+1:]...), c)
				break
			}
		}
	}
	return b.command(name, params, p)
}

// dial places a call to number (a URI through the dial template, unless it
// is one already).
func (b *bridge) dial(ctx context.Context, number string) (*call, error) {
	uri := number
	if !strings.Contains(number, ":") && !strings.Contains(number, "@") {
		uri = DialURI(b.opts.DialURI, number)
	}
	c := b.newCall(false, "", lineSafe(uri), lineSafe(number), "ROUTING")
	b.log.Info("dialling", "number", number, "uri", uri)
	if err := b.announce(ctx, c); err != nil {
		return nil, err
	}
	return c, b.command("dial", uri, pending{purpose: forDial, call: c.id})
}

// getCall answers GET CALL n PROP.
func (b *bridge) getCall(m phoneapi.Message) string {
	c := b.find(m.Call)
	if c == nil {
		return "ERROR " + strconv.Itoa(phoneapi.CodeUnknownCall) + " Unknown call"
	}
	var v string
	switch m.Prop {
	case "STATUS":
		v = c.status
	case "TYPE":
		v = c.typ()
	case "PARTNER_HANDLE":
		v = c.handle
	case "PARTNER_DISPNAME":
		v = c.name
	default:
		return "ERROR " + strconv.Itoa(phoneapi.CodeInvalidProp) + " Invalid PROP"
	}
	line := "CALL " + strconv.Itoa(c.id) + " " + m.Prop
	if v != "" {
		line += " " + v
	}
	return line
}

// alterCall answers the access API's ALTER CALL and SET CALL, for a driver
// in access mode: the actions are the call rules' own.
func (b *bridge) alterCall(ctx context.Context, m phoneapi.Message, after *[]func() error) string {
	c := b.find(m.Call)
	if c == nil {
		return "ERROR " + strconv.Itoa(phoneapi.CodeSetUnknownCall) + " Unknown call"
	}
	action := m.Prop
	if m.Kind == phoneapi.KindSetCall {
		switch {
		case m.Prop == "STATUS" && strings.EqualFold(m.Value, "INPROGRESS"):
			action = "ANSWER"
		case m.Prop == "STATUS" && strings.EqualFold(m.Value, "FINISHED"):
			action = "HANGUP"
		case m.Prop == "STATUS" && strings.EqualFold(m.Value, "ONHOLD"):
			action = "HOLD"
		case m.Prop == "DTMF":
		default:
			return "ERROR " + strconv.Itoa(phoneapi.CodeUnknownCallValue) + " Unknown/disallowed call prop"
		}
	}
	var acts []callrules.Action
	switch action {
	case "ANSWER", "RESUME":
		acts = []callrules.Action{{Kind: callrules.Answer, Call: c.id}}
		if c.status == "LOCALHOLD" {
			*after = append(*after, func() error { return b.onCall(c, "resume", "", pending{call: c.id}) })
			return bodyOf(m)
		}
	case "HANGUP", "END":
		end := callrules.Finished
		switch {
		case c.incoming && c.status == "RINGING":
			end = callrules.Refused
		case !c.incoming && c.status != "INPROGRESS" && c.status != "LOCALHOLD":
			end = callrules.Cancelled
		}
		acts = []callrules.Action{{Kind: callrules.Hangup, Call: c.id, End: end}}
	case "HOLD":
		acts = []callrules.Action{{Kind: callrules.Hold, Call: c.id}}
	case "DTMF":
		for _, r := range m.Value {
			if !callrules.IsDTMF(string(r)) {
				return "ERROR " + strconv.Itoa(phoneapi.CodeInvalidDTMF) + " Invalid DTMF code"
			}
			acts = append(acts, callrules.Action{Kind: callrules.DTMF, Call: c.id, Digit: string(r)})
		}
	default:
		return "ERROR " + strconv.Itoa(phoneapi.CodeUnknownCallValue) + " Unknown/disallowed call prop"
	}
	for _, a := range acts {
		*after = append(*after, func() error { return b.act(ctx, a) })
	}
	return bodyOf(m)
}
