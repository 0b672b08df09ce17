package uevent

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/handsetd/handsetd/hid"
	"golang.org/x/sys/unix"
)

// Netlink groups of NETLINK_KOBJECT_UEVENT (the values of libudev's enum
// udev_monitor_netlink_group).
const (
	// GroupKernel carries the kernel's events, sent as the device appears,
	// before udev has created or permitted its node.
	GroupKernel = 1
	// GroupUdev carries udev's copy of each event, sent after its rules
	// ran (the node exists and has its permissions).
	GroupUdev = 2
)

// DefaultGroup is GroupUdev when udevd runs (its control socket ctl exists;
// "" means /run/udev/control), else GroupKernel: on a machine without udevd
// nobody re-sends the kernel's events.
func DefaultGroup(ctl string) int {
	if ctl == "" {
		ctl = "/run/udev/control"
	}
	if _, err := os.Stat(ctl); err == nil {
		return GroupUdev
	}
	return GroupKernel
}

// Conn is a bound uevent socket.
type Conn struct {
	f   *os.File
	buf []byte
}

// Listen opens a NETLINK_KOBJECT_UEVENT socket bound to group, as an
// *os.File in the runtime poller (non-blocking), so that reads wait in
// epoll and a deadline wakes them. Only root can send to these groups, so
// the events are the kernel's or udev's.
func Listen(group int) (*Conn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_KOBJECT_UEVENT)
	if err != nil {
		return nil, fmt.Errorf("uevent netlink socket: %w", err)
	}
	// A burst (a hub of phones plugged in) must not overflow the default
	// buffer; if it is refused, the default serves and overflow is
	// reported as hid.ErrEventsLost.
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 1<<20)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: uint32(group)}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("uevent netlink socket: bind group %d: %w", group, err)
	}
	return &Conn{f: os.NewFile(uintptr(fd), "uevent-netlink"), buf: make([]byte, 1<<16)}, nil
}

// Close closes the socket.
func (c *Conn) Close() error { return c.f.Close() }

// Next waits for the next well-formed event (a message that does not parse
// is skipped). It returns ctx's error once ctx is done, an error wrapping
// hid.ErrEventsLost when the socket's buffer overflowed, or the socket's
// error.
func (c *Conn) Next(ctx context.Context) (Uevent, error) {
	stop := context.AfterFunc(ctx, func() { c.f.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	for {
		n, err := c.f.Read(c.buf)
		if err != nil {
			if ctx.Err() != nil {
				return Uevent{}, ctx.Err()
			}
			if errors.Is(err, unix.ENOBUFS) {
				return Uevent{}, fmt.Errorf("read uevents: socket buffer overflow: %w", hid.ErrEventsLost)
			}
			return Uevent{}, fmt.Errorf("read uevents: %w", err)
		}
		if u, err := Parse(c.buf[:n]); err == nil {
			return u, nil
		}
	}
}

// Watch is a backend's hid.Backend.Watch: it listens on group (0 means
// GroupUdev), turns each event into a hid.Event with convert (false: not
// one of the backend's) and delivers it on events, until ctx is done (then
// it returns nil). what names the devices watched, for the errors.
func Watch(ctx context.Context, group int, what string, convert func(Uevent) (hid.Event, bool), events chan<- hid.Event) error {
	if group == 0 {
		group = GroupUdev
	}
	c, err := Listen(group)
	if err != nil {
		return fmt.Errorf("watch %s: %w", what, err)
	}
	defer c.Close()
	for {
		u, err := c.Next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("watch %s: %w", what, err)
		}
		ev, ok := convert(u)
		if !ok {
			continue
		}
		select {
		case events <- ev:
		case <-ctx.Done():
			return nil
		}
	}
}

// Convert parses msg and turns it into a hid.Event with convert, as Watch
// does with each message it reads; false for a message that does not parse
// or that convert refuses. Backends' tests feed it the messages they build.
func Convert(msg []byte, convert func(Uevent) (hid.Event, bool)) (hid.Event, bool) {
	u, err := Parse(msg)
	if err != nil {
		return hid.Event{}, false
	}
	return convert(u)
}
