package hid

import (
	"context"
	"fmt"
)

// Backend is one way of reaching HID devices: the kernel's hidraw nodes, a
// simulator's socket, and later libusb. A driver finds handsets with
// Enumerate, follows them coming and going with Watch, and opens one with
// Open; it needs to know nothing else of the backend.
type Backend interface {
	// Enumerate lists the devices present now, in a stable order. Each
	// Info's Path is what Open takes. A device that cannot be inspected
	// (gone meanwhile, unreadable attributes) is listed with what is known
	// of it, or left out; Enumerate fails only when the backend itself is
	// unusable (for example, no sysfs).
	Enumerate(ctx context.Context) ([]Info, error)
	// Watch delivers plug (Added) and unplug (Removed) events on events,
	// in the order they happen, until ctx is done; then it returns nil.
	// It returns an error at once if it cannot listen, or later if the
	// event source fails (wrapping ErrEventsLost when it dropped events:
	// enumerate and watch again). Watch never closes events; a send blocks
	// until the receiver takes it or ctx is done. Watch reports only
	// changes: to miss nothing, start Watch, then Enumerate, and treat an
	// Added for a path already known as a repeat. An Added event comes
	// once the device can be opened (for hidraw: once udev has set its
	// permissions, unless the backend listens to the kernel directly); a
	// device whose permissions changed may be announced as Added again.
	// A Removed event's Info holds the Path; the rest may be empty, as
	// the device is gone.
	Watch(ctx context.Context, events chan<- Event) error
	// Open opens the device at path (an Info.Path from Enumerate or Watch).
	// It fails with ErrPermission when the OS refuses, and wraps the
	// backend's error otherwise.
	Open(ctx context.Context, path string) (Device, error)
}

// EventKind says what happened to a device.
type EventKind int

// Event kinds.
const (
	// Added: a device appeared and can be opened.
	Added EventKind = iota + 1
	// Removed: a device went away. An open Device of it fails with
	// ErrDisconnected.
	Removed
)

func (k EventKind) String() string {
	switch k {
	case Added:
		return "added"
	case Removed:
		return "removed"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is one plug or unplug.
type Event struct {
	Kind EventKind
	Info Info
}
