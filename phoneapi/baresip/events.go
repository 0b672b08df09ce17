package baresip

import (
	"context"
	"strings"

	"github.com/handsetd/handsetd/phoneapi"
)

// ignoredEvent reports whether a baresip event changes nothing the handset
// shows.
func ignoredEvent(typ string) bool {
	switch typ {
	case "CALL_LOCAL_SDP", "CALL_REMOTE_SDP", "CALL_RTPESTAB", "CALL_RTCP", "CALL_DTMF_START", "CALL_DTMF_END",
		"CALL_MENC", "CALL_TRANSFER", "CALL_TRANSFER_FAILED", "VU_RX", "VU_TX", "REGISTERING", "REGISTER_OK",
		"REGISTER_FAIL", "UNREGISTERING", "MWI_NOTIFY", "SHUTDOWN", "EXIT":
		return true
	}
	return false
}

// onMessage applies one message from baresip.
func (b *bridge) onMessage(ctx context.Context, m Message) error {
	if m.Response {
		return b.onResponse(ctx, m)
	}
	switch m.Type {
	case "CALL_INCOMING", "CALL_RINGING", "CALL_PROGRESS", "CALL_ESTABLISHED", "CALL_CLOSED":
		return b.onCallEvent(ctx, m)
	}
	if ignoredEvent(m.Type) {
		b.log.Debug("baresip event", "type", m.Type, "param", m.Param)
		return nil
	}
	b.log.Debug("unknown baresip event, ignored", "type", m.Type, "class", m.Class, "param", m.Param)
	return nil
}

// callFor finds the call an event is about. An outgoing call the handset
// dialled is not named until baresip's first event about it: that event
// names it. A call no one here placed (baresip's own UI dialled) is taken
// up as it comes.
func (b *bridge) callFor(m Message) *call {
	if c := b.bySID(m.ID); c != nil {
		return c
	}
	if m.Direction == "outgoing" {
		for _, c := range b.calls {
			if !c.incoming && c.sid == "" {
				c.sid = m.ID
				return c
			}
		}
	}
	return nil
}

func (b *bridge) onCallEvent(ctx context.Context, m Message) error {
	b.log.Info("baresip call event", "type", m.Type, "direction", m.Direction, "peer", m.PeerURI, "param", m.Param)
	c := b.callFor(m)
	if c == nil {
		if m.Type == "CALL_CLOSED" || m.ID == "" {
			return nil // a call we never showed
		}
		handle := lineSafe(m.PeerURI)
		c = b.newCall(m.Direction != "outgoing", m.ID, handle, lineSafe(peerName(m.PeerDisplayName, m.PeerURI)), "")
		c.status = statusOf(m.Type, c.incoming)
		return b.announce(ctx, c)
	}
	switch m.Type {
	case "CALL_RINGING":
		return b.setStatus(ctx, c, "RINGING")
	case "CALL_PROGRESS":
		// 183 Session Progress: the far end sends its own ringback (early
		// media), so the handset plays none.
		return b.setStatus(ctx, c, "EARLYMEDIA")
	case "CALL_ESTABLISHED":
		return b.setStatus(ctx, c, "INPROGRESS")
	case "CALL_CLOSED":
		return b.remove(ctx, c, closedStatus(c, m.Param))
	}
	return nil
}

// statusOf is the status of a call first heard of in event typ.
func statusOf(typ string, incoming bool) string {
	switch typ {
	case "CALL_ESTABLISHED":
		return "INPROGRESS"
	case "CALL_PROGRESS":
		return "EARLYMEDIA"
	}
	return "RINGING"
}

// closedStatus is the Phone API status a closed call ends in
// (skype-api-1.2 §7.8.3): what the handset asked for when it ended the call,
// else what happened at the far end.
func closedStatus(c *call, reason string) string {
	switch {
	case c.end != "":
		return c.end
	case c.status == "INPROGRESS" || c.status == "LOCALHOLD":
		return "FINISHED"
	case c.incoming:
		return "MISSED"
	case strings.Contains(reason, "486") || strings.Contains(strings.ToLower(reason), "busy"):
		return "BUSY"
	}
	return "FAILED"
}

// onResponse applies the response to one of the bridge's commands.
func (b *bridge) onResponse(ctx context.Context, m Message) error {
	p, ok := b.pending[m.Token]
	if !ok {
		b.log.Debug("baresip answered a command this session did not send", "token", m.Token, "data", m.Data)
		return nil
	}
	delete(b.pending, m.Token)
	if !m.OK {
		b.log.Warn("baresip refused a command", "token", m.Token, "data", strings.TrimSpace(m.Data))
	}
	switch p.purpose {
	case forDial:
		if c := b.find(p.call); c != nil && !m.OK && c.sid == "" {
			return b.remove(ctx, c, "FAILED")
		}
	case forMute:
		if !m.OK {
			return b.send(ctx, "MUTE "+phoneapi.OnOff(b.mute))
		}
		// menu.so's mute toggles and prints "call muted" or "call un-muted".
		on := !strings.Contains(m.Data, "un-muted")
		if !b.inProgress() {
			on = false
		}
		b.mute = on
		return b.send(ctx, "MUTE "+phoneapi.OnOff(on))
	case forHold:
		if c := b.find(p.call); c != nil && m.OK && c.status == "INPROGRESS" {
			if err := b.setStatus(ctx, c, "LOCALHOLD"); err != nil {
				return err
			}
			return b.muteOffWithoutCall(ctx)
		}
	}
	return nil
}
