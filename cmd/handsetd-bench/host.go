package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	godbus "github.com/godbus/dbus/v5"

	phonedbus "github.com/handsetd/handsetd/phoneapi/dbus"
)

// arrival is one device line as the host's handler received it.
type arrival struct {
	client string // NAME of the handset that sent it ("" before NAME)
	line   string
	at     time.Time
}

// lineHost is the host side of the benchmarks: it answers the handshake,
// PING and the ring questions at once, and hands every other device line
// (keys, hook) to arrivals with the time it arrived.
type lineHost struct {
	arrivals chan arrival
	mu       sync.Mutex
	pings    int
	names    map[string]string // connection → NAME
	conns    map[string]string // NAME → connection
	joined   chan string       // a NAME once its handshake is answered
}

func newLineHost(buffer int) *lineHost {
	return &lineHost{arrivals: make(chan arrival, buffer), names: map[string]string{}, conns: map[string]string{},
		joined: make(chan string, 1024)}
}

// answer handles one line from connection conn and returns the reply ("" for none).
func (h *lineHost) answer(conn, line string, at time.Time) string {
	tag := ""
	if strings.HasPrefix(line, "#") {
		if i := strings.IndexByte(line, ' '); i > 0 {
			tag, line = line[:i+1], line[i+1:]
		}
	}
	f := strings.Fields(line)
	if len(f) == 0 {
		return ""
	}
	switch f[0] {
	case "NAME":
		name := strings.TrimSpace(strings.TrimPrefix(line, "NAME"))
		h.mu.Lock()
		h.names[conn], h.conns[name] = name, conn
		h.mu.Unlock()
		return tag + "OK"
	case "PROTOCOL":
		h.mu.Lock()
		name := h.names[conn]
		h.mu.Unlock()
		select {
		case h.joined <- name:
		default:
		}
		return tag + "PROTOCOL 5"
	case "PING":
		h.mu.Lock()
		h.pings++
		h.mu.Unlock()
		return tag + "PONG"
	case "GET":
		if len(f) == 4 && f[1] == "CALL" {
			if f[3] == "TYPE" {
				return tag + "CALL " + f[2] + " TYPE INCOMING_PSTN"
			}
			return tag + "CALL " + f[2] + " " + f[3] + " Bench"
		}
		return ""
	case "BTN_PRESSED", "BTN_RELEASED", "HOOK":
		h.mu.Lock()
		name := h.names[conn]
		h.mu.Unlock()
		select {
		case h.arrivals <- arrival{client: name, line: line, at: at}:
		default: // a full buffer is reported as loss by the scenario
		}
	}
	return ""
}

func (h *lineHost) pingCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.pings
}

// connOf returns the connection (D-Bus unique name) of the handset NAME.
func (h *lineHost) connOf(name string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.conns[name]
}

// waitJoined waits for n handshakes.
func (h *lineHost) waitJoined(ctx context.Context, n int) ([]string, error) {
	var names []string
	for len(names) < n {
		select {
		case name := <-h.joined:
			names = append(names, name)
		case <-ctx.Done():
			return names, fmt.Errorf("%d of %d handsets finished the handshake: %w", len(names), n, ctx.Err())
		}
	}
	return names, nil
}

// waitLine waits for the next arrival with the given line, skipping others.
func (h *lineHost) waitLine(ctx context.Context, line string) (arrival, error) {
	for {
		select {
		case a := <-h.arrivals:
			if a.line == line {
				return a, nil
			}
		case <-ctx.Done():
			return arrival{}, fmt.Errorf("waiting for %q at the host: %w", line, ctx.Err())
		}
	}
}

// drain empties arrivals.
func (h *lineHost) drain() {
	for {
		select {
		case <-h.arrivals:
		default:
			return
		}
	}
}

// dbusHost serves h as com.Skype.API on the bus at addr.
type dbusHost struct {
	conn *godbus.Conn
}

func serveDBus(addr string, h *lineHost) (*dbusHost, error) {
	conn, err := godbus.Connect(addr)
	if err != nil {
		return nil, fmt.Errorf("host: connect to the bus: %w", err)
	}
	invoke := func(msg godbus.Message, line string) (string, *godbus.Error) {
		at := time.Now()
		sender, _ := msg.Headers[godbus.FieldSender].Value().(string)
		return h.answer(sender, line, at), nil
	}
	if err := conn.ExportMethodTable(map[string]any{"Invoke": invoke}, phonedbus.HostPath, phonedbus.HostInterface); err != nil {
		conn.Close()
		return nil, err
	}
	if _, err := conn.RequestName(phonedbus.ServiceName, godbus.NameFlagDoNotQueue); err != nil {
		conn.Close()
		return nil, fmt.Errorf("host: own %s: %w", phonedbus.ServiceName, err)
	}
	return &dbusHost{conn: conn}, nil
}

// notify sends a notification to the client with unique name dest.
func (d *dbusHost) notify(dest, line string) error {
	return d.conn.Object(dest, phonedbus.ClientPath).Go(phonedbus.ClientInterface+".Notify",
		godbus.FlagNoReplyExpected, nil, line).Err
}

func (d *dbusHost) close() { d.conn.Close() }

// streamHost serves h on a unix socket: each connection is one handset.
type streamHost struct {
	ln    net.Listener
	mu    sync.Mutex
	conns map[string]net.Conn
	wg    sync.WaitGroup
}

func serveStream(path string, h *lineHost) (*streamHost, error) {
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("host: listen on %s: %w", path, err)
	}
	s := &streamHost{ln: ln, conns: map[string]net.Conn{}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for n := 0; ; n++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			id := "conn" + strconv.Itoa(n)
			s.mu.Lock()
			s.conns[id] = c
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				r := bufio.NewReaderSize(c, 64<<10)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					at := time.Now()
					if reply := h.answer(id, strings.TrimRight(line, "\r\n"), at); reply != "" {
						if _, err := c.Write([]byte(reply + "\n")); err != nil {
							return
						}
					}
				}
			}()
		}
	}()
	return s, nil
}

func (s *streamHost) close() {
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// echoServer answers every line on a unix socket with the same line: the
// bare round trip of the stream transport.
func echoServer(path string) (net.Listener, error) {
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if _, err := c.Write([]byte(line)); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln, nil
}

var errNoSample = errors.New("no samples")
