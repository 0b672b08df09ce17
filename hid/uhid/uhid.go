package uhid

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Layout of struct uhid_event (include/uapi/linux/uhid.h), all little-endian
// and packed:
//
//	offset 0  __u32 type
//	offset 4  union u, whose largest member is uhid_create2_req (4372 bytes).
//	          The union also holds uhid_start_req { __u64 dev_flags }, which is
//	          not packed, so the union is aligned to 8 and padded to 4376.
//
// sizeof(struct uhid_event) is therefore 4 + 4376 = 4380. The offsets below
// are relative to the start of the union (payload offset 4 in the event).
const (
	// EventSize is sizeof(struct uhid_event): every event on the wire has
	// exactly this many bytes.
	EventSize = 4380
	// DataMax is UHID_DATA_MAX, the largest report in any event.
	DataMax = 4096
	// DescriptorMax is HID_MAX_DESCRIPTOR_SIZE, the largest report
	// descriptor CREATE2 can carry.
	DescriptorMax = 4096

	payload = 4 // the union starts after the 32-bit type

	// uhid_create2_req: name[128] phys[64] uniq[64] rd_size u16 bus u16
	// vendor u32 product u32 version u32 country u32 rd_data[4096]; 4372 bytes.
	create2Name    = 0
	create2Phys    = 128
	create2Uniq    = 192
	create2RDSize  = 256
	create2Bus     = 258
	create2Vendor  = 260
	create2Product = 264
	create2Version = 268
	create2Country = 272
	create2RDData  = 276
	nameLen        = 128
	physLen        = 64
	uniqLen        = 64

	// uhid_input2_req: size u16, data[4096]; 4098 bytes.
	input2Size = 0
	input2Data = 2

	// uhid_output_req: data[4096], size u16, rtype u8; 4099 bytes.
	outputData  = 0
	outputSize  = 4096
	outputRType = 4098

	// uhid_get_report_req: id u32, rnum u8, rtype u8; 6 bytes.
	// uhid_set_report_req: id u32, rnum u8, rtype u8, size u16, data[4096].
	reqID    = 0
	reqRNum  = 4
	reqRType = 5
	setSize  = 6
	setData  = 8

	// uhid_get_report_reply_req: id u32, err u16, size u16, data[4096].
	// uhid_set_report_reply_req: id u32, err u16.
	replyErr  = 4
	replySize = 6
	replyData = 8

	// uhid_start_req: dev_flags u64.
	startFlags = 0
)

// Type is enum uhid_event_type.
type Type uint32

// Event types. The values are the enum's positions in uhid.h; 0, 7 and 8 are
// the legacy CREATE, OUTPUT_EV and INPUT, which this package rejects.
const (
	Destroy        Type = 1  // device → kernel: the device is gone
	Start          Type = 2  // kernel → device: the HID core bound the device
	Stop           Type = 3  // kernel → device: the HID core unbound it
	Open           Type = 4  // kernel → device: a reader opened the device
	Close          Type = 5  // kernel → device: the last reader closed it
	Output         Type = 6  // kernel → device: an output report
	GetReport      Type = 9  // kernel → device: read a report (usually feature)
	GetReportReply Type = 10 // device → kernel: the answer to GetReport
	Create2        Type = 11 // device → kernel: create the device
	Input2         Type = 12 // device → kernel: an input report
	SetReport      Type = 13 // kernel → device: write a report (usually feature)
	SetReportReply Type = 14 // device → kernel: the answer to SetReport
)

func (t Type) String() string {
	switch t {
	case Destroy:
		return "DESTROY"
	case Start:
		return "START"
	case Stop:
		return "STOP"
	case Open:
		return "OPEN"
	case Close:
		return "CLOSE"
	case Output:
		return "OUTPUT"
	case GetReport:
		return "GET_REPORT"
	case GetReportReply:
		return "GET_REPORT_REPLY"
	case Create2:
		return "CREATE2"
	case Input2:
		return "INPUT2"
	case SetReport:
		return "SET_REPORT"
	case SetReportReply:
		return "SET_REPORT_REPLY"
	}
	return fmt.Sprintf("Type(%d)", uint32(t))
}

// ReportType is enum uhid_report_type (the rtype fields).
type ReportType uint8

// Report types.
const (
	FeatureReport ReportType = 0
	OutputReport  ReportType = 1
	InputReport   ReportType = 2
)

// BusUSB is BUS_USB from linux/input.h.
const BusUSB = 0x03

// Dev flags of START (enum uhid_dev_flag): which report types are numbered.
const (
	NumberedFeatureReports = 1 << 0
	NumberedOutputReports  = 1 << 1
	NumberedInputReports   = 1 << 2
)

// Create describes the device in a CREATE2 event.
type Create struct {
	Name, Phys, Uniq string
	Bus              uint16
	Vendor, Product  uint32
	Version, Country uint32
	Descriptor       []byte
}

// Event is one decoded uhid_event. Only the fields of its Type are used:
//
//	Create2:                  Create
//	Input2:                   Data
//	Output:                   Data, RType
//	GetReport:                ID, RNum, RType
//	GetReportReply:           ID, Err, Data
//	SetReport:                ID, RNum, RType, Data
//	SetReportReply:           ID, Err
//	Start:                    DevFlags
//	Destroy, Stop, Open, Close: nothing
type Event struct {
	Type     Type
	Create   Create
	Data     []byte
	RType    ReportType
	ID       uint32
	RNum     uint8
	Err      uint16
	DevFlags uint64
}

// ErrMalformed is wrapped by every Decode and Encode error.
var ErrMalformed = errors.New("uhid: malformed event")

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

var le = binary.LittleEndian

// Encode returns the EventSize bytes of e.
func Encode(e Event) ([]byte, error) {
	b := make([]byte, EventSize)
	le.PutUint32(b, uint32(e.Type))
	p := b[payload:]
	switch e.Type {
	case Destroy, Stop, Open, Close:
	case Start:
		le.PutUint64(p[startFlags:], e.DevFlags)
	case Create2:
		c := e.Create
		for _, f := range []struct {
			name, v string
			off, n  int
		}{{"name", c.Name, create2Name, nameLen}, {"phys", c.Phys, create2Phys, physLen}, {"uniq", c.Uniq, create2Uniq, uniqLen}} {
			// One byte stays for the terminating NUL.
			if len(f.v) >= f.n || bytes.IndexByte([]byte(f.v), 0) >= 0 {
				return nil, malformed("CREATE2 %s %q: at most %d bytes and no NUL", f.name, f.v, f.n-1)
			}
			copy(p[f.off:f.off+f.n], f.v)
		}
		if len(c.Descriptor) == 0 || len(c.Descriptor) > DescriptorMax {
			return nil, malformed("CREATE2 report descriptor of %d bytes: want 1..%d", len(c.Descriptor), DescriptorMax)
		}
		le.PutUint16(p[create2RDSize:], uint16(len(c.Descriptor)))
		le.PutUint16(p[create2Bus:], c.Bus)
		le.PutUint32(p[create2Vendor:], c.Vendor)
		le.PutUint32(p[create2Product:], c.Product)
		le.PutUint32(p[create2Version:], c.Version)
		le.PutUint32(p[create2Country:], c.Country)
		copy(p[create2RDData:], c.Descriptor)
	case Input2:
		if err := checkData(e); err != nil {
			return nil, err
		}
		le.PutUint16(p[input2Size:], uint16(len(e.Data)))
		copy(p[input2Data:], e.Data)
	case Output:
		if err := checkData(e); err != nil {
			return nil, err
		}
		if err := checkRType(e.Type, e.RType); err != nil {
			return nil, err
		}
		copy(p[outputData:], e.Data)
		le.PutUint16(p[outputSize:], uint16(len(e.Data)))
		p[outputRType] = byte(e.RType)
	case GetReport:
		if err := checkRType(e.Type, e.RType); err != nil {
			return nil, err
		}
		le.PutUint32(p[reqID:], e.ID)
		p[reqRNum] = e.RNum
		p[reqRType] = byte(e.RType)
	case SetReport:
		if err := checkData(e); err != nil {
			return nil, err
		}
		if err := checkRType(e.Type, e.RType); err != nil {
			return nil, err
		}
		le.PutUint32(p[reqID:], e.ID)
		p[reqRNum] = e.RNum
		p[reqRType] = byte(e.RType)
		le.PutUint16(p[setSize:], uint16(len(e.Data)))
		copy(p[setData:], e.Data)
	case GetReportReply:
		if err := checkData(e); err != nil {
			return nil, err
		}
		le.PutUint32(p[reqID:], e.ID)
		le.PutUint16(p[replyErr:], e.Err)
		le.PutUint16(p[replySize:], uint16(len(e.Data)))
		copy(p[replyData:], e.Data)
	case SetReportReply:
		le.PutUint32(p[reqID:], e.ID)
		le.PutUint16(p[replyErr:], e.Err)
	default:
		return nil, malformed("cannot encode event type %v", e.Type)
	}
	return b, nil
}

func checkData(e Event) error {
	if len(e.Data) > DataMax {
		return malformed("%v carries %d bytes, more than %d", e.Type, len(e.Data), DataMax)
	}
	return nil
}

func checkRType(t Type, r ReportType) error {
	if r > InputReport {
		return malformed("%v with unknown report type %d", t, r)
	}
	return nil
}

// Decode parses one event of exactly EventSize bytes. The returned Event does
// not alias b.
func Decode(b []byte) (Event, error) {
	if len(b) != EventSize {
		return Event{}, malformed("%d bytes, want %d", len(b), EventSize)
	}
	e := Event{Type: Type(le.Uint32(b))}
	p := b[payload:]
	switch e.Type {
	case Destroy, Stop, Open, Close:
	case Start:
		e.DevFlags = le.Uint64(p[startFlags:])
	case Create2:
		var err error
		c := &e.Create
		if c.Name, err = cString("name", p[create2Name:create2Name+nameLen]); err != nil {
			return Event{}, err
		}
		if c.Phys, err = cString("phys", p[create2Phys:create2Phys+physLen]); err != nil {
			return Event{}, err
		}
		if c.Uniq, err = cString("uniq", p[create2Uniq:create2Uniq+uniqLen]); err != nil {
			return Event{}, err
		}
		n := int(le.Uint16(p[create2RDSize:]))
		if n == 0 || n > DescriptorMax {
			return Event{}, malformed("CREATE2 rd_size %d: want 1..%d", n, DescriptorMax)
		}
		c.Bus = le.Uint16(p[create2Bus:])
		c.Vendor = le.Uint32(p[create2Vendor:])
		c.Product = le.Uint32(p[create2Product:])
		c.Version = le.Uint32(p[create2Version:])
		c.Country = le.Uint32(p[create2Country:])
		c.Descriptor = clone(p[create2RDData : create2RDData+n])
	case Input2:
		d, err := data(e.Type, p[input2Size:], p[input2Data:])
		if err != nil {
			return Event{}, err
		}
		e.Data = d
	case Output:
		d, err := data(e.Type, p[outputSize:], p[outputData:])
		if err != nil {
			return Event{}, err
		}
		e.Data = d
		e.RType = ReportType(p[outputRType])
		if err := checkRType(e.Type, e.RType); err != nil {
			return Event{}, err
		}
	case GetReport:
		e.ID = le.Uint32(p[reqID:])
		e.RNum = p[reqRNum]
		e.RType = ReportType(p[reqRType])
		if err := checkRType(e.Type, e.RType); err != nil {
			return Event{}, err
		}
	case SetReport:
		e.ID = le.Uint32(p[reqID:])
		e.RNum = p[reqRNum]
		e.RType = ReportType(p[reqRType])
		if err := checkRType(e.Type, e.RType); err != nil {
			return Event{}, err
		}
		d, err := data(e.Type, p[setSize:], p[setData:])
		if err != nil {
			return Event{}, err
		}
		e.Data = d
	case GetReportReply:
		e.ID = le.Uint32(p[reqID:])
		e.Err = le.Uint16(p[replyErr:])
		d, err := data(e.Type, p[replySize:], p[replyData:])
		if err != nil {
			return Event{}, err
		}
		e.Data = d
	case SetReportReply:
		e.ID = le.Uint32(p[reqID:])
		e.Err = le.Uint16(p[replyErr:])
	case 0, 7, 8:
		return Event{}, malformed("legacy event type %d (use CREATE2, INPUT2 and OUTPUT)", uint32(e.Type))
	default:
		return Event{}, malformed("unknown event type %d", uint32(e.Type))
	}
	return e, nil
}

// data reads a u16 size at sizeField and that many bytes from buf.
func data(t Type, sizeField, buf []byte) ([]byte, error) {
	n := int(le.Uint16(sizeField))
	if n > DataMax {
		return nil, malformed("%v size %d exceeds %d", t, n, DataMax)
	}
	return clone(buf[:n]), nil
}

// cString reads a NUL-terminated string from a fixed field, which must
// contain its NUL.
func cString(field string, b []byte) (string, error) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return "", malformed("CREATE2 %s has no terminating NUL", field)
	}
	return string(b[:i]), nil
}

func clone(b []byte) []byte {
	out := make([]byte, len(b))
	copy(out, b)
	return out
}
