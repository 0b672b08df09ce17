package usbip

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Version is the protocol version every operation message carries.
const Version = 0x0111

// Operation codes.
const (
	OpReqDevlist uint16 = 0x8005
	OpRepDevlist uint16 = 0x0005
	OpReqImport  uint16 = 0x8003
	OpRepImport  uint16 = 0x0003
)

// Operation reply statuses (usbip_common.h's ST_*).
const (
	StatusOK      uint32 = 0
	StatusNA      uint32 = 1
	StatusBusy    uint32 = 2
	StatusDevErr  uint32 = 3
	StatusNoDev   uint32 = 4
	StatusGeneric uint32 = 5
)

// Sizes of the fixed parts of the messages.
const (
	OpHeaderSize   = 8
	BusIDSize      = 32
	PathSize       = 256
	DeviceSize     = PathSize + BusIDSize + 3*4 + 3*2 + 6 // 312
	InterfaceSize  = 4
	URBHeaderSize  = 48
	setupSize      = 8
	MaxTransferLen = 1 << 20 // a sanity bound on a submit's buffer, far above any HID transfer
)

// USB speeds as the kernel numbers them (enum usb_device_speed).
const (
	SpeedLow  uint32 = 1
	SpeedFull uint32 = 2
	SpeedHigh uint32 = 3
)

// ErrMalformed is wrapped by every decoding error.
var ErrMalformed = errors.New("malformed USB/IP message")

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, a...))
}

// OpHeader starts every operation message.
type OpHeader struct {
	Version uint16
	Code    uint16
	Status  uint32
}

// EncodeOpHeader returns the 8 bytes of h.
func EncodeOpHeader(h OpHeader) []byte {
	b := make([]byte, OpHeaderSize)
	binary.BigEndian.PutUint16(b[0:], h.Version)
	binary.BigEndian.PutUint16(b[2:], h.Code)
	binary.BigEndian.PutUint32(b[4:], h.Status)
	return b
}

// DecodeOpHeader reads an operation header. It rejects other versions and
// unknown codes.
func DecodeOpHeader(b []byte) (OpHeader, error) {
	if len(b) != OpHeaderSize {
		return OpHeader{}, malformed("operation header is %d bytes, want %d", len(b), OpHeaderSize)
	}
	h := OpHeader{
		Version: binary.BigEndian.Uint16(b[0:]),
		Code:    binary.BigEndian.Uint16(b[2:]),
		Status:  binary.BigEndian.Uint32(b[4:]),
	}
	if h.Version != Version {
		return h, malformed("protocol version %#04x, want %#04x", h.Version, Version)
	}
	switch h.Code {
	case OpReqDevlist, OpRepDevlist, OpReqImport, OpRepImport:
	default:
		return h, malformed("unknown operation code %#04x", h.Code)
	}
	return h, nil
}

// Interface is one interface of an exported device, as a device list shows it.
type Interface struct {
	Class, SubClass, Protocol uint8
}

// Device describes an exported device (struct usbip_usb_device).
type Device struct {
	Path                           string // the exporter's sysfs path; informative only
	BusID                          string // "1-1"
	BusNum, DevNum, Speed          uint32
	VendorID, ProductID, BCDDevice uint16
	Class, SubClass, Protocol      uint8
	ConfigurationValue, NumConfigs uint8
	NumInterfaces                  uint8
	Interfaces                     []Interface // only in device lists
}

// DevID is the device id URB headers carry: bus number and device number.
func (d Device) DevID() uint32 { return d.BusNum<<16 | d.DevNum&0xffff }

func putString(dst []byte, s, what string) error {
	if len(s) >= len(dst) {
		return fmt.Errorf("%s %q is %d bytes; at most %d fit", what, s, len(s), len(dst)-1)
	}
	copy(dst, s)
	return nil
}

func getString(b []byte, what string) (string, error) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return "", malformed("%s is not NUL-terminated", what)
	}
	return string(b[:i]), nil
}

func encodeDevice(d Device) ([]byte, error) {
	b := make([]byte, DeviceSize)
	if err := putString(b[0:PathSize], d.Path, "device path"); err != nil {
		return nil, err
	}
	if err := putString(b[PathSize:PathSize+BusIDSize], d.BusID, "bus id"); err != nil {
		return nil, err
	}
	o := PathSize + BusIDSize
	binary.BigEndian.PutUint32(b[o:], d.BusNum)
	binary.BigEndian.PutUint32(b[o+4:], d.DevNum)
	binary.BigEndian.PutUint32(b[o+8:], d.Speed)
	binary.BigEndian.PutUint16(b[o+12:], d.VendorID)
	binary.BigEndian.PutUint16(b[o+14:], d.ProductID)
	binary.BigEndian.PutUint16(b[o+16:], d.BCDDevice)
	copy(b[o+18:], []byte{d.Class, d.SubClass, d.Protocol, d.ConfigurationValue, d.NumConfigs, d.NumInterfaces})
	return b, nil
}

func decodeDevice(b []byte) (Device, error) {
	if len(b) != DeviceSize {
		return Device{}, malformed("device record is %d bytes, want %d", len(b), DeviceSize)
	}
	var d Device
	var err error
	if d.Path, err = getString(b[0:PathSize], "device path"); err != nil {
		return Device{}, err
	}
	if d.BusID, err = getString(b[PathSize:PathSize+BusIDSize], "bus id"); err != nil {
		return Device{}, err
	}
	o := PathSize + BusIDSize
	d.BusNum = binary.BigEndian.Uint32(b[o:])
	d.DevNum = binary.BigEndian.Uint32(b[o+4:])
	d.Speed = binary.BigEndian.Uint32(b[o+8:])
	d.VendorID = binary.BigEndian.Uint16(b[o+12:])
	d.ProductID = binary.BigEndian.Uint16(b[o+14:])
	d.BCDDevice = binary.BigEndian.Uint16(b[o+16:])
	d.Class, d.SubClass, d.Protocol = b[o+18], b[o+19], b[o+20]
	d.ConfigurationValue, d.NumConfigs, d.NumInterfaces = b[o+21], b[o+22], b[o+23]
	return d, nil
}

// EncodeDevlistRequest returns OP_REQ_DEVLIST.
func EncodeDevlistRequest() []byte {
	return EncodeOpHeader(OpHeader{Version: Version, Code: OpReqDevlist})
}

// EncodeDevlistReply returns OP_REP_DEVLIST listing devs with their
// interfaces. Each device's NumInterfaces must equal len(Interfaces).
func EncodeDevlistReply(devs []Device) ([]byte, error) {
	out := EncodeOpHeader(OpHeader{Version: Version, Code: OpRepDevlist, Status: StatusOK})
	out = binary.BigEndian.AppendUint32(out, uint32(len(devs)))
	for _, d := range devs {
		if int(d.NumInterfaces) != len(d.Interfaces) {
			return nil, fmt.Errorf("device %s: NumInterfaces %d but %d interfaces listed", d.BusID, d.NumInterfaces, len(d.Interfaces))
		}
		b, err := encodeDevice(d)
		if err != nil {
			return nil, fmt.Errorf("device list: %w", err)
		}
		out = append(out, b...)
		for _, i := range d.Interfaces {
			out = append(out, i.Class, i.SubClass, i.Protocol, 0)
		}
	}
	return out, nil
}

// DecodeDevlistReply decodes a whole OP_REP_DEVLIST message.
func DecodeDevlistReply(b []byte) ([]Device, error) {
	if len(b) < OpHeaderSize+4 {
		return nil, malformed("device list reply is %d bytes, shorter than its header", len(b))
	}
	h, err := DecodeOpHeader(b[:OpHeaderSize])
	if err != nil {
		return nil, err
	}
	if h.Code != OpRepDevlist {
		return nil, malformed("operation %#04x where OP_REP_DEVLIST was expected", h.Code)
	}
	if h.Status != StatusOK {
		return nil, fmt.Errorf("device list refused with status %d", h.Status)
	}
	n := binary.BigEndian.Uint32(b[OpHeaderSize:])
	rest := b[OpHeaderSize+4:]
	var devs []Device
	for i := uint32(0); i < n; i++ {
		if len(rest) < DeviceSize {
			return nil, malformed("device list announces %d devices but holds %d", n, i)
		}
		d, err := decodeDevice(rest[:DeviceSize])
		if err != nil {
			return nil, err
		}
		rest = rest[DeviceSize:]
		if len(rest) < int(d.NumInterfaces)*InterfaceSize {
			return nil, malformed("device %s announces %d interfaces but the message ends", d.BusID, d.NumInterfaces)
		}
		for j := 0; j < int(d.NumInterfaces); j++ {
			d.Interfaces = append(d.Interfaces, Interface{Class: rest[0], SubClass: rest[1], Protocol: rest[2]})
			rest = rest[InterfaceSize:]
		}
		devs = append(devs, d)
	}
	if len(rest) != 0 {
		return nil, malformed("%d bytes after the last device", len(rest))
	}
	return devs, nil
}

// EncodeImportRequest returns OP_REQ_IMPORT for busID.
func EncodeImportRequest(busID string) ([]byte, error) {
	out := EncodeOpHeader(OpHeader{Version: Version, Code: OpReqImport})
	id := make([]byte, BusIDSize)
	if err := putString(id, busID, "bus id"); err != nil {
		return nil, err
	}
	return append(out, id...), nil
}

// DecodeImportBusID decodes the 32 bytes that follow OP_REQ_IMPORT's header.
func DecodeImportBusID(b []byte) (string, error) {
	if len(b) != BusIDSize {
		return "", malformed("import request bus id is %d bytes, want %d", len(b), BusIDSize)
	}
	return getString(b, "bus id")
}

// EncodeImportReply returns OP_REP_IMPORT: with StatusOK, followed by d;
// otherwise the header alone.
func EncodeImportReply(status uint32, d Device) ([]byte, error) {
	out := EncodeOpHeader(OpHeader{Version: Version, Code: OpRepImport, Status: status})
	if status != StatusOK {
		return out, nil
	}
	b, err := encodeDevice(d)
	if err != nil {
		return nil, fmt.Errorf("import reply: %w", err)
	}
	return append(out, b...), nil
}

// DecodeImportReply decodes the device record that follows a successful
// OP_REP_IMPORT header.
func DecodeImportReply(b []byte) (Device, error) { return decodeDevice(b) }

// URB-phase commands.
const (
	CmdSubmit uint32 = 1
	CmdUnlink uint32 = 2
	RetSubmit uint32 = 3
	RetUnlink uint32 = 4
)

// Directions.
const (
	DirOut uint32 = 0
	DirIn  uint32 = 1
)

// Setup is a control transfer's SETUP packet (USB 2.0 §9.3).
type Setup struct {
	RequestType uint8
	Request     uint8
	Value       uint16
	Index       uint16
	Length      uint16
}

// EncodeSetup returns the 8 little-endian bytes of s.
func EncodeSetup(s Setup) [8]byte {
	var b [8]byte
	b[0], b[1] = s.RequestType, s.Request
	binary.LittleEndian.PutUint16(b[2:], s.Value)
	binary.LittleEndian.PutUint16(b[4:], s.Index)
	binary.LittleEndian.PutUint16(b[6:], s.Length)
	return b
}

// DecodeSetup reads a SETUP packet.
func DecodeSetup(b [8]byte) Setup {
	return Setup{
		RequestType: b[0], Request: b[1],
		Value:  binary.LittleEndian.Uint16(b[2:]),
		Index:  binary.LittleEndian.Uint16(b[4:]),
		Length: binary.LittleEndian.Uint16(b[6:]),
	}
}

// Submit is USBIP_CMD_SUBMIT. Data is the OUT transfer's buffer; it is not
// part of the 48-byte header: DecodeCommand leaves it nil and the reader
// reads Length more bytes when Direction is DirOut.
type Submit struct {
	Seqnum, DevID, Direction, EP uint32
	TransferFlags                uint32
	Length                       uint32
	StartFrame                   int32
	NumPackets                   int32
	Interval                     int32
	Setup                        [8]byte
	Data                         []byte
}

// Unlink is USBIP_CMD_UNLINK: cancel the submit numbered Victim.
type Unlink struct {
	Seqnum, DevID, Direction, EP uint32
	Victim                       uint32
}

// Command is a decoded client command: a Submit or an Unlink.
type Command struct {
	Submit *Submit
	Unlink *Unlink
}

// NonISOPackets is the number_of_packets of a non-isochronous transfer:
// usbip_protocol.rst says 0xffffffff in both CMD_SUBMIT and RET_SUBMIT.
// Recent kernels send it in submits; older ones put 0, which is accepted.
const NonISOPackets = -1

// DecodeCommand decodes a 48-byte URB header sent by a client.
func DecodeCommand(b []byte) (Command, error) {
	if len(b) != URBHeaderSize {
		return Command{}, malformed("URB header is %d bytes, want %d", len(b), URBHeaderSize)
	}
	be := binary.BigEndian
	cmd, seq, devid, dir, ep := be.Uint32(b[0:]), be.Uint32(b[4:]), be.Uint32(b[8:]), be.Uint32(b[12:]), be.Uint32(b[16:])
	if dir != DirOut && dir != DirIn {
		return Command{}, malformed("direction %d", dir)
	}
	if ep > 15 {
		return Command{}, malformed("endpoint %d (USB has 0..15)", ep)
	}
	switch cmd {
	case CmdSubmit:
		s := &Submit{
			Seqnum: seq, DevID: devid, Direction: dir, EP: ep,
			TransferFlags: be.Uint32(b[20:]),
			Length:        be.Uint32(b[24:]),
			StartFrame:    int32(be.Uint32(b[28:])),
			NumPackets:    int32(be.Uint32(b[32:])),
			Interval:      int32(be.Uint32(b[36:])),
		}
		copy(s.Setup[:], b[40:48])
		if s.Length > MaxTransferLen {
			return Command{}, malformed("transfer of %d bytes (at most %d)", s.Length, MaxTransferLen)
		}
		if s.NumPackets != 0 && s.NumPackets != NonISOPackets {
			return Command{}, malformed("isochronous submit with %d packets (not supported)", s.NumPackets)
		}
		return Command{Submit: s}, nil
	case CmdUnlink:
		return Command{Unlink: &Unlink{Seqnum: seq, DevID: devid, Direction: dir, EP: ep, Victim: be.Uint32(b[20:])}}, nil
	case RetSubmit, RetUnlink:
		return Command{}, malformed("command %d is a server reply; the client sends CMD_SUBMIT and CMD_UNLINK", cmd)
	default:
		return Command{}, malformed("unknown command %d", cmd)
	}
}

func header(cmd, seq, devid, dir, ep uint32) []byte {
	b := make([]byte, URBHeaderSize)
	be := binary.BigEndian
	be.PutUint32(b[0:], cmd)
	be.PutUint32(b[4:], seq)
	be.PutUint32(b[8:], devid)
	be.PutUint32(b[12:], dir)
	be.PutUint32(b[16:], ep)
	return b
}

// EncodeSubmit returns CMD_SUBMIT, followed by s.Data for an OUT transfer
// (whose Length must equal len(Data)).
func EncodeSubmit(s Submit) ([]byte, error) {
	if s.Direction == DirOut && int(s.Length) != len(s.Data) {
		return nil, fmt.Errorf("OUT submit of length %d carries %d bytes", s.Length, len(s.Data))
	}
	if s.Direction == DirIn && len(s.Data) != 0 {
		return nil, fmt.Errorf("IN submit carries %d bytes of data", len(s.Data))
	}
	b := header(CmdSubmit, s.Seqnum, s.DevID, s.Direction, s.EP)
	be := binary.BigEndian
	be.PutUint32(b[20:], s.TransferFlags)
	be.PutUint32(b[24:], s.Length)
	be.PutUint32(b[28:], uint32(s.StartFrame))
	be.PutUint32(b[32:], uint32(s.NumPackets))
	be.PutUint32(b[36:], uint32(s.Interval))
	copy(b[40:], s.Setup[:])
	return append(b, s.Data...), nil
}

// EncodeUnlink returns CMD_UNLINK.
func EncodeUnlink(u Unlink) []byte {
	b := header(CmdUnlink, u.Seqnum, u.DevID, u.Direction, u.EP)
	binary.BigEndian.PutUint32(b[20:], u.Victim)
	return b
}

// Ret is a server reply: USBIP_RET_SUBMIT or USBIP_RET_UNLINK.
type Ret struct {
	Command uint32 // RetSubmit or RetUnlink
	Seqnum  uint32
	// Status is 0 or a negative errno.
	Status int32
	// ActualLength is the number of bytes moved (RET_SUBMIT only).
	ActualLength uint32
	// Data is an IN transfer's data; len(Data) == ActualLength.
	Data []byte
}

// EncodeRet returns a reply's header, followed by Data. As the kernel's own
// server does, it leaves devid, direction and ep zero; the client matches
// replies by Seqnum. A RET_SUBMIT answers a non-isochronous transfer (the
// only kind this package carries): start_frame 0, number_of_packets
// 0xffffffff (NonISOPackets) as usbip_protocol.rst requires, error_count 0.
func EncodeRet(r Ret) ([]byte, error) {
	switch r.Command {
	case RetSubmit:
		if int(r.ActualLength) < len(r.Data) {
			return nil, fmt.Errorf("RET_SUBMIT: %d bytes of data but actual length %d", len(r.Data), r.ActualLength)
		}
		b := header(RetSubmit, r.Seqnum, 0, 0, 0)
		binary.BigEndian.PutUint32(b[20:], uint32(r.Status))
		binary.BigEndian.PutUint32(b[24:], r.ActualLength)
		binary.BigEndian.PutUint32(b[32:], 0xffffffff) // NonISOPackets
		return append(b, r.Data...), nil
	case RetUnlink:
		if len(r.Data) != 0 || r.ActualLength != 0 {
			return nil, errors.New("RET_UNLINK carries no data")
		}
		b := header(RetUnlink, r.Seqnum, 0, 0, 0)
		binary.BigEndian.PutUint32(b[20:], uint32(r.Status))
		return b, nil
	default:
		return nil, fmt.Errorf("command %d is not a reply", r.Command)
	}
}

// DecodeRet decodes a reply's 48-byte header. For a RET_SUBMIT answering an
// IN transfer, the caller then reads ActualLength bytes of data.
func DecodeRet(b []byte) (Ret, error) {
	if len(b) != URBHeaderSize {
		return Ret{}, malformed("URB header is %d bytes, want %d", len(b), URBHeaderSize)
	}
	be := binary.BigEndian
	r := Ret{Command: be.Uint32(b[0:]), Seqnum: be.Uint32(b[4:]), Status: int32(be.Uint32(b[20:]))}
	switch r.Command {
	case RetSubmit:
		r.ActualLength = be.Uint32(b[24:])
		if r.ActualLength > MaxTransferLen {
			return Ret{}, malformed("actual length %d (at most %d)", r.ActualLength, MaxTransferLen)
		}
	case RetUnlink:
	default:
		return Ret{}, malformed("command %d where a reply was expected", r.Command)
	}
	return r, nil
}
