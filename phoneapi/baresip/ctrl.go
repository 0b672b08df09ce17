package baresip

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
)

// Command is one ctrl_tcp command. ctrl_tcp runs "Command Params" as a
// long command of baresip's menu module; Token comes back in the response.
type Command struct {
	Command string `json:"command"`
	Params  string `json:"params,omitempty"`
	Token   string `json:"token,omitempty"`
}

// Message is one message from ctrl_tcp: a Response to a command, or an
// Event. Fields that the message kind does not carry are empty.
type Message struct {
	Response bool
	OK       bool   // Response: the command succeeded
	Data     string // Response: the command's printout, or its error
	Token    string // Response: the command's token

	Event           bool
	Class           string // "call", "register", "other", …
	Type            string // "CALL_INCOMING", "CALL_RINGING", "CALL_ESTABLISHED", "CALL_CLOSED", …
	AccountAOR      string
	Direction       string // "incoming" or "outgoing"
	PeerURI         string
	PeerDisplayName string
	ID              string // the call's id (SIP Call-ID)
	Param           string // CALL_CLOSED: the reason; CALL_DTMF_START: the digit
}

// jsonBool takes true, false and their quoted forms: the module's own doc
// comment shows "event" : "true", while 1.0.0 sends a JSON true.
type jsonBool bool

func (b *jsonBool) UnmarshalJSON(d []byte) error {
	switch string(bytes.TrimSpace(d)) {
	case "true", `"true"`:
		*b = true
	case "false", `"false"`, "null":
		*b = false
	default:
		return fmt.Errorf("%s is not a boolean", d)
	}
	return nil
}

type wireMessage struct {
	Response        jsonBool `json:"response"`
	OK              jsonBool `json:"ok"`
	Data            string   `json:"data"`
	Token           string   `json:"token"`
	Event           jsonBool `json:"event"`
	Class           string   `json:"class"`
	Type            string   `json:"type"`
	AccountAOR      string   `json:"accountaor"`
	Direction       string   `json:"direction"`
	PeerURI         string   `json:"peeruri"`
	PeerDisplayName string   `json:"peerdisplayname"`
	ID              string   `json:"id"`
	Param           string   `json:"param"`
}

// ErrMessage is a netstring whose payload is not a ctrl_tcp message: not a
// JSON object, or neither a response nor an event.
var ErrMessage = errors.New("not a ctrl_tcp message")

// DecodeMessage reads one ctrl_tcp message from a netstring's payload.
// Fields it does not know (rtcp_stats, …) are ignored.
func DecodeMessage(b []byte) (Message, error) {
	var w wireMessage
	if err := json.Unmarshal(b, &w); err != nil {
		return Message{}, fmt.Errorf("decode ctrl_tcp message: %v: %w", err, ErrMessage)
	}
	if !w.Response && !w.Event {
		return Message{}, fmt.Errorf("decode ctrl_tcp message: neither \"response\" nor \"event\": %w", ErrMessage)
	}
	return Message{Response: bool(w.Response), OK: bool(w.OK), Data: w.Data, Token: w.Token,
		Event: bool(w.Event), Class: w.Class, Type: w.Type, AccountAOR: w.AccountAOR, Direction: w.Direction,
		PeerURI: w.PeerURI, PeerDisplayName: w.PeerDisplayName, ID: w.ID, Param: w.Param}, nil
}

// EncodeCommand is cmd as one netstring.
func EncodeCommand(cmd Command) ([]byte, error) {
	b, err := json.Marshal(cmd)
	if err != nil {
		return nil, fmt.Errorf("encode ctrl_tcp command %q: %w", cmd.Command, err)
	}
	return AppendFrame(nil, b), nil
}

// Conn is a connection to baresip's ctrl_tcp. Read is for one goroutine;
// Send may be called from any.
type Conn struct {
	c   net.Conn
	fr  *FrameReader
	wmu sync.Mutex
}

// NewConn speaks ctrl_tcp on c; maxFrame bounds a message (<= 0:
// DefaultMaxFrame).
func NewConn(c net.Conn, maxFrame int) *Conn {
	return &Conn{c: c, fr: NewFrameReader(c, maxFrame)}
}

// DialConn connects to ctrl_tcp at addr (HOST:PORT, ctrl_tcp_listen in
// baresip's config).
func DialConn(ctx context.Context, addr string, maxFrame int) (*Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connect to baresip's ctrl_tcp at %s: %w (is baresip running, with module_app ctrl_tcp.so and ctrl_tcp_listen %s?)", addr, err, addr)
	}
	return NewConn(c, maxFrame), nil
}

// Send writes one command.
func (c *Conn) Send(cmd Command) error {
	b, err := EncodeCommand(cmd)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := c.c.Write(b); err != nil {
		return fmt.Errorf("send %q to baresip: %w", cmd.Command, err)
	}
	return nil
}

// Read returns the next message. An error wrapping ErrFrame,
// ErrFrameTooLong or ErrMessage concerns that message only: the next Read
// goes on. Any other error ends the connection (io.EOF: baresip closed it).
func (c *Conn) Read() (Message, error) {
	b, err := c.fr.ReadFrame()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Message{}, io.EOF
		}
		return Message{}, err
	}
	return DecodeMessage(b)
}

// Skippable reports whether a Read error concerns one message only.
func Skippable(err error) bool {
	return errors.Is(err, ErrFrame) || errors.Is(err, ErrFrameTooLong) || errors.Is(err, ErrMessage)
}

// Close closes the connection; a Read in progress returns.
func (c *Conn) Close() error { return c.c.Close() }
