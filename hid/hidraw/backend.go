package hidraw

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/uevent"
)

// Backend is hidraw as a hid.Backend: the nodes listed in
// /sys/class/hidraw, plug events from the uevent netlink socket, and Open
// by node path. The zero value is right for a real system with udev.
type Backend struct {
	// SysfsRoot is where sysfs is mounted; "" means /sys.
	SysfsRoot string
	// DevDir is where the nodes are; "" means /dev.
	DevDir string
	// Group is the netlink group Watch listens to: uevent.GroupUdev (0
	// means it), whose events come after udev has set the node's
	// permissions, or uevent.GroupKernel for a machine without udevd,
	// where events come as the kernel creates the device (and devtmpfs
	// the node).
	Group int
}

var _ hid.Backend = Backend{}

func (b Backend) sysfs() string {
	if b.SysfsRoot == "" {
		return "/sys"
	}
	return b.SysfsRoot
}

func (b Backend) devDir() string {
	if b.DevDir == "" {
		return "/dev"
	}
	return b.DevDir
}

// Enumerate lists /sys/class/hidraw, ordered by node number. Identity comes
// from sysfs alone (the HID device's uevent: HID_ID, HID_NAME, HID_UNIQ;
// the USB parents: serial, product, manufacturer, interface), so listing
// needs no permission on the nodes.
func (b Backend) Enumerate(ctx context.Context) ([]hid.Info, error) {
	dir := filepath.Join(b.sysfs(), "class", "hidraw")
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("enumerate hidraw devices: %w", err)
	}
	var nodes []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "hidraw") {
			nodes = append(nodes, e.Name())
		}
	}
	sort.Slice(nodes, func(i, j int) bool { return nodeNumber(nodes[i]) < nodeNumber(nodes[j]) })
	var out []hid.Info
	for _, n := range nodes {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("enumerate hidraw devices: %w", err)
		}
		out = append(out, b.info(n))
	}
	return out, nil
}

// nodeNumber is N of hidrawN, or -1.
func nodeNumber(node string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(node, "hidraw"))
	if err != nil {
		return -1
	}
	return n
}

// info is what sysfs says of the node.
func (b Backend) info(node string) hid.Info {
	usb := readSysfs(b.sysfs(), node)
	i := hid.Info{
		Serial: usb.Serial, Product: usb.Product, Manufacturer: usb.Manufacturer,
		Path: filepath.Join(b.devDir(), node), Interface: usb.Interface,
	}
	env := readUeventFile(filepath.Join(b.sysfs(), "class", "hidraw", node, "device", "uevent"))
	// HID_ID is "BUS:VENDOR:PRODUCT" in hex, 4, 8 and 8 digits
	// (hid_uevent in drivers/hid/hid-core.c).
	if f := strings.Split(env["HID_ID"], ":"); len(f) == 3 {
		v, err1 := strconv.ParseUint(f[1], 16, 32)
		p, err2 := strconv.ParseUint(f[2], 16, 32)
		if err1 == nil && err2 == nil {
			i.VendorID, i.ProductID = uint16(v), uint16(p)
		}
	}
	if i.Product == "" {
		i.Product = env["HID_NAME"]
	}
	if i.Serial == "" {
		i.Serial = env["HID_UNIQ"]
	}
	return i
}

// readUeventFile reads a sysfs uevent file: KEY=VALUE lines.
func readUeventFile(path string) map[string]string {
	env := map[string]string{}
	b, err := os.ReadFile(path)
	if err != nil {
		return env
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			env[k] = v
		}
	}
	return env
}

// Open opens the node at path.
func (b Backend) Open(ctx context.Context, path string) (hid.Device, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	d, err := OpenWith(path, Options{SysfsRoot: b.SysfsRoot})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Watch listens on the uevent netlink socket (b.Group) and delivers the
// add and remove events of the hidraw subsystem (hid/uevent reads them). A
// change event (udevadm trigger, after new rules) is delivered as Added
// again: the node may open now.
func (b Backend) Watch(ctx context.Context, events chan<- hid.Event) error {
	return uevent.Watch(ctx, b.Group, "hidraw devices", b.event, events)
}

// event turns a uevent message into a hid.Event, if it is a hidraw node's
// add or remove.
func (b Backend) event(u uevent.Uevent) (hid.Event, bool) {
	if u.Env["SUBSYSTEM"] != "hidraw" {
		return hid.Event{}, false
	}
	node := filepath.Base(u.Env["DEVNAME"])
	if node == "." || node == "/" || !strings.HasPrefix(node, "hidraw") {
		node = filepath.Base(u.DevPath)
	}
	switch u.Action {
	case "add", "change": // change: udevadm trigger after new rules; it may open now
		return hid.Event{Kind: hid.Added, Info: b.info(node)}, true
	case "remove":
		return hid.Event{Kind: hid.Removed, Info: hid.Info{Path: filepath.Join(b.devDir(), node), Interface: -1}}, true
	}
	return hid.Event{}, false
}
