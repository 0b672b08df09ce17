package discover

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Event is one device event: a device was added, changed or removed.
type Event struct {
	Action    string // add, remove, change, bind, unbind…
	Subsystem string // usb, hidraw…
	DevPath   string // the device's path below /sys
	// At is when the event was received.
	At time.Time
}

// Watcher delivers device events until ctx ends.
type Watcher interface {
	Watch(ctx context.Context) (<-chan Event, error)
}

// Netlink groups of NETLINK_KOBJECT_UEVENT.
const (
	groupKernel = 1 // the kernel's events, as they happen
	groupUdev   = 2 // udev's, after its rules ran (permissions set)
)

// Uevents is a Watcher on the netlink uevent socket: the udev monitor group
// when udev runs (/run/udev/control exists), else the kernel's own group.
// Events are only a cue to scan again, so a forged one costs a scan and
// nothing more.
type Uevents struct {
	// UdevControl is udev's control socket; "" means /run/udev/control.
	UdevControl string
}

// Watch opens the socket and delivers its events; the channel closes when
// ctx ends or the socket fails.
func (u Uevents) Watch(ctx context.Context) (<-chan Event, error) {
	ctl := u.UdevControl
	if ctl == "" {
		ctl = "/run/udev/control"
	}
	group := uint32(groupKernel)
	if _, err := os.Stat(ctl); err == nil {
		group = groupUdev
	}
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_KOBJECT_UEVENT)
	if err != nil {
		return nil, fmt.Errorf("uevent socket: %w", err)
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 1<<20)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: group}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("uevent socket: bind netlink group %d: %w", group, err)
	}
	// The runtime poller wakes the read; closing the file ends it.
	f := os.NewFile(uintptr(fd), "uevent")
	out := make(chan Event, 64)
	stop := context.AfterFunc(ctx, func() { f.Close() })
	go func() {
		defer close(out)
		defer stop()
		defer f.Close()
		buf := make([]byte, 64<<10)
		for {
			n, err := f.Read(buf)
			if err != nil {
				if errors.Is(err, unix.ENOBUFS) {
					// Events were lost: a scan catches up on all of them.
					out <- Event{Action: "change", Subsystem: "usb", At: time.Now()}
					continue
				}
				return
			}
			ev, ok := parseUevent(buf[:n])
			if !ok {
				continue
			}
			ev.At = time.Now()
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// parseUevent reads a kernel message (ACTION@DEVPATH then KEY=VALUE pairs,
// NUL-separated) or a udev one ("libudev", a header, and the pairs at the
// offset it gives).
func parseUevent(b []byte) (Event, bool) {
	var props []byte
	if bytes.HasPrefix(b, []byte("libudev\x00")) {
		// struct udev_monitor_netlink_header: prefix[8], magic (big
		// endian 0xfeedcafe), header_size, properties_off, properties_len,
		// then filter fields; the offsets are in host (little endian) order.
		if len(b) < 24 || binary.BigEndian.Uint32(b[8:12]) != 0xfeedcafe {
			return Event{}, false
		}
		off := binary.LittleEndian.Uint32(b[16:20])
		n := binary.LittleEndian.Uint32(b[20:24])
		if uint64(off)+uint64(n) > uint64(len(b)) {
			return Event{}, false
		}
		props = b[off : off+n]
	} else {
		i := bytes.IndexByte(b, 0)
		if i < 0 || !bytes.Contains(b[:i], []byte("@")) {
			return Event{}, false
		}
		props = b[i+1:]
	}
	var ev Event
	for _, kv := range strings.Split(string(props), "\x00") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "ACTION":
			ev.Action = v
		case "SUBSYSTEM":
			ev.Subsystem = v
		case "DEVPATH":
			ev.DevPath = v
		}
	}
	return ev, ev.Action != ""
}
