package firmwaresim

import (
	"errors"
	"fmt"
	"unicode/utf16"

	"github.com/handsetd/handsetd/hid"
)

// USBDevice is a model's identity on the USB bus: what a host reads from the
// device and configuration descriptors before any report flows. The
// simulator builds every descriptor from it (device, configuration,
// interface, HID, endpoint and string descriptors) and routes the HID
// interface's traffic to the firmware.
//
// A model chooses its layout by implementing usbModel (an unexported method
// usb() USBDevice, so only models in this package can); a model that does
// not gets DefaultUSB's one-interface layout. A handset with audio puts its
// audio interfaces in Interfaces too, in their real order: the Yealink P1K's
// HID interface, for example, is number 3, behind its audio control and two
// audio streaming interfaces. Only the HID interface carries traffic; the
// others are descriptors a host can read and select (SET_INTERFACE), and
// transfers to their endpoints stall.
//
// How the HID interface maps to the firmware (the same for every model):
//
//   - interrupt IN: each input report the firmware emits completes the next
//     IN transfer. A host polls from its first IN transfer until it unlinks
//     its last one; the firmware's reports reach it only in between, as on a
//     real bus, where nothing is read while nobody polls.
//   - interrupt OUT (when the interface has such an endpoint) and
//     SET_REPORT(Output) on EP0: an output report for the firmware.
//   - SET_REPORT(Feature) and GET_REPORT(Feature): the firmware's feature
//     reports. GET_REPORT(Input) answers the firmware's current input report
//     when the model implements usbInputReporter, and stalls otherwise.
//   - A model whose report descriptor declares no report ids sends and takes
//     reports on the wire without an id byte; the firmware still sees the
//     leading 0 of hid.Device's convention.
//
// Requests the device does not support stall, as a real device's do.
type USBDevice struct {
	VendorID, ProductID uint16
	BCDDevice           uint16
	Manufacturer        string
	Product             string
	// MaxPowerMA is the bus current the configuration draws, in mA.
	MaxPowerMA uint16
	// Interfaces are the settings of the one configuration, in descriptor
	// order. Alternate settings of one interface are consecutive entries
	// with the same Number, alternate 0 first.
	Interfaces []USBInterface
	// HIDInterface is the Number of the interface that carries the
	// firmware's reports. That interface's alternate 0 gets the HID
	// descriptor and needs an interrupt IN endpoint.
	HIDInterface uint8
	// Country is the HID descriptor's country code; 0 = not localised.
	Country uint8
}

// USBInterface is one setting of one interface.
type USBInterface struct {
	Number, Alternate         uint8
	Class, SubClass, Protocol uint8
	// Extra are class-specific descriptors written right after the
	// interface descriptor, such as an audio interface's. The HID
	// interface's HID descriptor is generated: do not put it here.
	Extra     []byte
	Endpoints []USBEndpoint
}

// USBEndpoint is one endpoint of an interface setting.
type USBEndpoint struct {
	// Address is the endpoint number, with bit 7 set for IN.
	Address uint8
	// Attributes' low two bits are the transfer type: 1 isochronous,
	// 2 bulk, 3 interrupt.
	Attributes    uint8
	MaxPacketSize uint16
	// Interval is the polling interval (ms at full speed).
	Interval uint8
	// Tail are bytes that lengthen the endpoint descriptor itself (audio
	// endpoints have 9-byte descriptors: bRefresh and bSynchAddress).
	Tail []byte
	// Extra are class-specific descriptors written after it.
	Extra []byte
}

// USB class codes and descriptor types the simulator uses.
const (
	USBClassAudio = 0x01
	USBClassHID   = 0x03

	// Descriptor types (USB 2.0 §9.4, HID 1.11 §7.1).
	USBDescDevice    = 0x01
	USBDescConfig    = 0x02
	USBDescString    = 0x03
	USBDescInterface = 0x04
	USBDescEndpoint  = 0x05
	USBDescHID       = 0x21
	USBDescReport    = 0x22

	usbTransferInterrupt = 0x03
)

// usbModel is implemented by a firmware model that chooses its own USB
// layout (see USBDevice). Legacy models implement it with their real
// VID:PID and interfaces.
type usbModel interface {
	usb() USBDevice
}

// usbInputReporter is implemented by a firmware model that answers
// GET_REPORT(Input): its current input report with that id, id byte first.
type usbInputReporter interface {
	inputReport(id byte) ([]byte, error)
}

// DefaultUSB is the layout of a model that does not choose its own: one
// HID interface, number 0, with an interrupt IN endpoint 0x81 and, when
// the report descriptor has output reports, an interrupt OUT endpoint 0x02.
func DefaultUSB(vendor, product, version uint16, manufacturer, productName string, descriptor []byte) USBDevice {
	in, out := 8, 0
	if d, err := hid.ParseDescriptor(descriptor); err == nil {
		in = max(in, wireLen(d, hid.Input))
		out = wireLen(d, hid.Output)
	}
	eps := []USBEndpoint{{Address: 0x81, Attributes: usbTransferInterrupt, MaxPacketSize: uint16(min(in, 64)), Interval: 10}}
	if out > 0 {
		eps = append(eps, USBEndpoint{Address: 0x02, Attributes: usbTransferInterrupt, MaxPacketSize: uint16(min(max(out, 8), 64)), Interval: 10})
	}
	return USBDevice{
		VendorID: vendor, ProductID: product, BCDDevice: version,
		Manufacturer: manufacturer, Product: productName, MaxPowerMA: 100,
		Interfaces: []USBInterface{{Number: 0, Class: USBClassHID, Endpoints: eps}},
	}
}

// wireLen is the longest report of that kind as it travels on the bus: with
// its id byte only when the device numbers its reports.
func wireLen(d *hid.Descriptor, kind hid.ReportKind) int {
	n := d.MaxLen(kind)
	if n > 0 && !d.UsesReportIDs {
		n--
	}
	return n
}

// USB returns the handset's USB layout.
func (h *Handset) USB() USBDevice { return h.usb }

func (h *Handset) computeUSB() USBDevice {
	if m, ok := h.fw.(usbModel); ok {
		return m.usb()
	}
	id := h.fw.identity()
	return DefaultUSB(id.vendor, id.product, id.version, id.manufacturer, id.productName, h.fw.descriptor())
}

// Validate checks that the layout can be served: interfaces numbered
// 0..n-1 with their alternates in order, a HID interface with an interrupt
// IN endpoint, and no endpoint address used twice within a setting.
func (u USBDevice) Validate() error {
	if len(u.Interfaces) == 0 {
		return errors.New("USB layout: no interfaces")
	}
	next := uint8(0)
	for i, it := range u.Interfaces {
		if i > 0 && it.Number == u.Interfaces[i-1].Number {
			if it.Alternate != u.Interfaces[i-1].Alternate+1 {
				return fmt.Errorf("USB layout: interface %d alternate %d out of order", it.Number, it.Alternate)
			}
			continue
		}
		if it.Number != next || it.Alternate != 0 {
			return fmt.Errorf("USB layout: interface %d alternate %d where interface %d alternate 0 was expected", it.Number, it.Alternate, next)
		}
		next++
		seen := map[uint8]bool{}
		for _, ep := range it.Endpoints {
			if ep.Address&0x0f == 0 || ep.Address&0x70 != 0 || seen[ep.Address] {
				return fmt.Errorf("USB layout: interface %d: bad or repeated endpoint address %#02x", it.Number, ep.Address)
			}
			seen[ep.Address] = true
		}
	}
	if _, ok := u.HIDEndpoint(true); !ok {
		return fmt.Errorf("USB layout: HID interface %d has no interrupt IN endpoint", u.HIDInterface)
	}
	return nil
}

// NumInterfaces counts interfaces, not settings.
func (u USBDevice) NumInterfaces() int {
	n := 0
	for i, it := range u.Interfaces {
		if i == 0 || it.Number != u.Interfaces[i-1].Number {
			n++
		}
	}
	return n
}

// Setting returns the interface setting, if it exists.
func (u USBDevice) Setting(number, alt uint8) (USBInterface, bool) {
	for _, it := range u.Interfaces {
		if it.Number == number && it.Alternate == alt {
			return it, true
		}
	}
	return USBInterface{}, false
}

// HIDEndpoint returns the HID interface's first interrupt endpoint in that
// direction.
func (u USBDevice) HIDEndpoint(in bool) (USBEndpoint, bool) {
	it, ok := u.Setting(u.HIDInterface, 0)
	if !ok {
		return USBEndpoint{}, false
	}
	for _, ep := range it.Endpoints {
		if ep.Attributes&3 == usbTransferInterrupt && (ep.Address&0x80 != 0) == in {
			return ep, true
		}
	}
	return USBEndpoint{}, false
}

// Descriptor string indexes.
const (
	usbStrManufacturer = 1
	usbStrProduct      = 2
	usbStrSerial       = 3
)

// DeviceDescriptor returns the 18-byte device descriptor: USB 2.0, class
// defined per interface, 64-byte EP0, one configuration.
func (u USBDevice) DeviceDescriptor() []byte {
	return []byte{
		18, USBDescDevice,
		0x00, 0x02, // bcdUSB 2.00
		0, 0, 0, // class per interface
		64, // bMaxPacketSize0
		byte(u.VendorID), byte(u.VendorID >> 8),
		byte(u.ProductID), byte(u.ProductID >> 8),
		byte(u.BCDDevice), byte(u.BCDDevice >> 8),
		usbStrManufacturer, usbStrProduct, usbStrSerial,
		1, // bNumConfigurations
	}
}

// HIDDescriptor returns the 9-byte HID class descriptor (HID 1.11 §6.2.1)
// for a report descriptor of that length.
func (u USBDevice) HIDDescriptor(reportLen int) []byte {
	return []byte{9, USBDescHID, 0x11, 0x01, u.Country, 1, USBDescReport, byte(reportLen), byte(reportLen >> 8)}
}

// ConfigDescriptor returns configuration 1 with all its interface, HID,
// class-specific and endpoint descriptors.
func (u USBDevice) ConfigDescriptor(reportLen int) []byte {
	var body []byte
	for _, it := range u.Interfaces {
		body = append(body, 9, USBDescInterface, it.Number, it.Alternate, byte(len(it.Endpoints)),
			it.Class, it.SubClass, it.Protocol, 0)
		body = append(body, it.Extra...)
		if it.Number == u.HIDInterface && it.Alternate == 0 {
			body = append(body, u.HIDDescriptor(reportLen)...)
		}
		for _, ep := range it.Endpoints {
			body = append(body, byte(7+len(ep.Tail)), USBDescEndpoint, ep.Address, ep.Attributes,
				byte(ep.MaxPacketSize), byte(ep.MaxPacketSize>>8), ep.Interval)
			body = append(body, ep.Tail...)
			body = append(body, ep.Extra...)
		}
	}
	total := 9 + len(body)
	power := u.MaxPowerMA / 2
	if power > 250 {
		power = 250
	}
	head := []byte{9, USBDescConfig, byte(total), byte(total >> 8), byte(u.NumInterfaces()), 1, 0,
		0x80, // bus powered
		byte(power)}
	return append(head, body...)
}

// StringDescriptor returns string descriptor i: the language list for 0,
// then manufacturer, product and serial; ok is false for any other index.
func (u USBDevice) StringDescriptor(i uint8, serial string) ([]byte, bool) {
	var s string
	switch i {
	case 0:
		return []byte{4, USBDescString, 0x09, 0x04}, true // en-US
	case usbStrManufacturer:
		s = u.Manufacturer
	case usbStrProduct:
		s = u.Product
	case usbStrSerial:
		s = serial
	default:
		return nil, false
	}
	units := utf16.Encode([]rune(s))
	if len(units) > 126 {
		units = units[:126]
	}
	b := []byte{byte(2 + 2*len(units)), USBDescString}
	for _, c := range units {
		b = append(b, byte(c), byte(c>>8))
	}
	return b, true
}
