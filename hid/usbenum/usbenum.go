package usbenum

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/google/gousb"
)

// USB interface classes this package names.
const (
	ClassAudio = 0x01
	ClassHID   = 0x03
)

// Device is one USB device as its descriptors describe it.
type Device struct {
	Bus, Address int
	// Ports is the port path from the root hub (1-1.2 is [1 2]).
	Ports []int
	// Name is the device's sysfs name (BUS-PORT[.PORT…], such as 1-1.2):
	// /sys/bus/usb/devices/NAME. Its interfaces are NAME:CONFIG.NUMBER.
	Name            string
	Vendor, Product uint16
	Manufacturer    string
	ProductName     string
	Serial          string
	// StringsFrom says where the strings came from: "usb" (the device's
	// string descriptors), "sysfs" (this user may not open the device), or
	// "" (neither had them).
	StringsFrom string
	// Config is the number of the configuration whose interfaces are listed
	// (the first one; the phones have one).
	Config     int
	Interfaces []Interface
}

// Interface is one interface of a device's configuration, alternate
// setting 0.
type Interface struct {
	Number                    int
	Class, SubClass, Protocol uint8
}

// Node is the device's usbfs node, which libusb opens.
func (d Device) Node() string {
	return fmt.Sprintf("/dev/bus/usb/%03d/%03d", d.Bus, d.Address)
}

// InterfaceName is the sysfs name of interface n (such as 1-1:1.3), which is
// also hidapi's path of that interface.
func (d Device) InterfaceName(n int) string { return fmt.Sprintf("%s:%d.%d", d.Name, d.Config, n) }

// Of returns the numbers of the device's interfaces of class c.
func (d Device) Of(c uint8) []int {
	var out []int
	for _, i := range d.Interfaces {
		if i.Class == c {
			out = append(out, i.Number)
		}
	}
	return out
}

// Lister lists USB devices. The zero value is right for a real system.
type Lister struct {
	// SysfsRoot is where sysfs is mounted, for the strings a user may not
	// read from the device itself; "" means /sys.
	SysfsRoot string
}

// List returns every USB device for which want (nil: all) is true, sorted
// by sysfs name. It opens each device it returns to read its strings, and
// claims nothing.
func (l Lister) List(ctx context.Context, want func(vendor, product uint16) bool) (devs []Device, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, err := newContext()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	descs := map[*gousb.DeviceDesc]bool{}
	var order []*gousb.DeviceDesc
	opened, _ := c.OpenDevices(func(d *gousb.DeviceDesc) bool {
		if want != nil && !want(uint16(d.Vendor), uint16(d.Product)) {
			return false
		}
		descs[d] = false
		order = append(order, d)
		return true
	})
	byDesc := map[*gousb.DeviceDesc]*gousb.Device{}
	for _, o := range opened {
		byDesc[o.Desc] = o
	}
	defer func() {
		for _, o := range opened {
			o.Close()
		}
	}()
	for _, desc := range order {
		d := fromDesc(desc)
		if o := byDesc[desc]; o != nil {
			d.Manufacturer, _ = o.Manufacturer()
			d.ProductName, _ = o.Product()
			d.Serial, _ = o.SerialNumber()
			d.StringsFrom = "usb"
		}
		if d.StringsFrom == "" {
			l.sysfsStrings(&d)
		}
		devs = append(devs, d)
	}
	sort.Slice(devs, func(i, j int) bool { return devs[i].Name < devs[j].Name })
	return devs, nil
}

// newContext starts libusb. gousb panics where libusb cannot start; that
// becomes an error a user can act on.
func newContext() (c *gousb.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, fmt.Errorf("usbenum: libusb cannot start (%v): it needs /sys/bus/usb and /dev/bus/usb; in a container, mount both", r)
		}
	}()
	return gousb.NewContext(), nil
}

func fromDesc(desc *gousb.DeviceDesc) Device {
	d := Device{Bus: desc.Bus, Address: desc.Address, Ports: append([]int(nil), desc.Path...),
		Vendor: uint16(desc.Vendor), Product: uint16(desc.Product)}
	var ports []string
	for _, p := range desc.Path {
		ports = append(ports, strconv.Itoa(p))
	}
	if len(ports) == 0 {
		d.Name = fmt.Sprintf("usb%d", desc.Bus)
	} else {
		d.Name = fmt.Sprintf("%d-%s", desc.Bus, strings.Join(ports, "."))
	}
	nums := make([]int, 0, len(desc.Configs))
	for n := range desc.Configs {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	if len(nums) == 0 {
		return d
	}
	cfg := desc.Configs[nums[0]]
	d.Config = cfg.Number
	for _, intf := range cfg.Interfaces {
		if len(intf.AltSettings) == 0 {
			continue
		}
		a := intf.AltSettings[0]
		d.Interfaces = append(d.Interfaces, Interface{Number: intf.Number, Class: uint8(a.Class), SubClass: uint8(a.SubClass), Protocol: uint8(a.Protocol)})
	}
	return d
}

func (l Lister) sysfsStrings(d *Device) {
	root := l.SysfsRoot
	if root == "" {
		root = "/sys"
	}
	dir := filepath.Join(root, "bus", "usb", "devices", d.Name)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return ""
		}
		return strings.TrimRight(string(b), "\n")
	}
	d.Manufacturer, d.ProductName, d.Serial = read("manufacturer"), read("product"), read("serial")
	if d.Manufacturer != "" || d.ProductName != "" || d.Serial != "" {
		d.StringsFrom = "sysfs"
	}
}
