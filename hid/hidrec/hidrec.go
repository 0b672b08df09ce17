package hidrec

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Limits of the kernel's HID core, which a replayed device must fit.
const (
	// MaxDescriptorSize is HID_MAX_DESCRIPTOR_SIZE.
	MaxDescriptorSize = 4096
	// MaxEventSize is UHID_DATA_MAX, the largest report uhid carries.
	MaxEventSize = 4096
)

// maxLine bounds one line: an R: line of the largest descriptor is about
// 12 KiB; anything far beyond is not a recording.
const maxLine = 64 << 10

// ErrMalformed is wrapped by every parse error. Compare with errors.Is.
var ErrMalformed = errors.New("malformed HID recording")

// LineError is a parse error at one line of the recording (1-based).
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Unwrap makes errors.Is(err, ErrMalformed) true.
func (e *LineError) Unwrap() error { return ErrMalformed }

// Recording is a whole file: one or more devices and their reports.
type Recording struct {
	// Devices in the order they first appear in the file.
	Devices []*Device
}

// Device is one recorded HID device.
type Device struct {
	// Index is the device's number on D: lines; 0 in a single-device file.
	Index int
	Name  string
	// Phys is the physical path; empty when the recorder did not write one
	// (the Python hid-recorder does not).
	Phys       string
	Bus        uint16
	VendorID   uint16
	ProductID  uint16
	Descriptor []byte
	Events     []Event
}

// Event is one input report as the device's hidraw node returned it.
type Event struct {
	// Time is since the first report of the recording, at microsecond
	// resolution.
	Time time.Duration
	Data []byte
}

// Parse reads a recording. Every error is a *LineError naming the line.
func Parse(r io.Reader) (*Recording, error) {
	p := &parser{byIndex: map[int]*Device{}, haveR: map[*Device]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxLine)
	n := 0
	for sc.Scan() {
		n++
		if err := p.line(n, sc.Text()); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &LineError{Line: n + 1, Msg: fmt.Sprintf("line longer than %d bytes", maxLine)}
		}
		return nil, fmt.Errorf("read recording: %w", err)
	}
	if len(p.rec.Devices) == 0 {
		return nil, &LineError{Line: n, Msg: "no device in the recording (it needs an R: line with the report descriptor)"}
	}
	for _, d := range p.rec.Devices {
		if _, ok := p.haveR[d]; !ok {
			return nil, &LineError{Line: p.firstLine[d], Msg: fmt.Sprintf("device %d has no R: line (report descriptor)", d.Index)}
		}
	}
	return &p.rec, nil
}

type parser struct {
	rec       Recording
	byIndex   map[int]*Device
	cur       *Device
	haveR     map[*Device]int // line of the device's R:
	firstLine map[*Device]int
}

func (p *parser) device(n, idx int) *Device {
	if d, ok := p.byIndex[idx]; ok {
		return d
	}
	d := &Device{Index: idx}
	p.byIndex[idx] = d
	p.rec.Devices = append(p.rec.Devices, d)
	if p.firstLine == nil {
		p.firstLine = map[*Device]int{}
	}
	p.firstLine[d] = n
	return d
}

func (p *parser) line(n int, raw string) error {
	s := strings.TrimSpace(raw)
	if s == "" || s[0] == '#' {
		return nil
	}
	bad := func(format string, args ...any) error {
		return &LineError{Line: n, Msg: fmt.Sprintf(format, args...)}
	}
	if strings.ContainsRune(s, '\r') {
		return bad("a carriage return inside the line (lines end with LF or CRLF)")
	}
	if len(s) < 2 || s[1] != ':' {
		return bad("%q is not a recording line (want a tag such as R:, N:, I: or E:, or a # comment)", clip(s))
	}
	tag, rest := s[0], strings.TrimSpace(s[2:])
	if tag == 'D' {
		idx, ok := decimal(rest, 1<<16)
		if !ok {
			return bad("D: wants a device number, got %q", clip(rest))
		}
		p.cur = p.device(n, idx)
		return nil
	}
	if p.cur == nil {
		p.cur = p.device(n, 0)
	}
	d := p.cur
	switch tag {
	case 'R':
		if l, ok := p.haveR[d]; ok {
			return bad("second R: line for device %d (the first is on line %d)", d.Index, l)
		}
		b, err := hexBytes(rest, MaxDescriptorSize)
		if err != "" {
			return bad("R: %s", err)
		}
		d.Descriptor = b
		p.haveR[d] = n
	case 'N':
		d.Name = rest
	case 'P':
		d.Phys = rest
	case 'I':
		f := strings.Fields(rest)
		if len(f) != 3 {
			return bad("I: wants bus, vendor id and product id in hex, got %q", clip(rest))
		}
		var v [3]uint16
		for i, x := range f {
			u, err := strconv.ParseUint(x, 16, 16)
			if err != nil || len(x) > 4 {
				return bad("I: %q is not a 16-bit hex number", clip(x))
			}
			v[i] = uint16(u)
		}
		d.Bus, d.VendorID, d.ProductID = v[0], v[1], v[2]
	case 'E':
		if _, ok := p.haveR[d]; !ok {
			return bad("E: before the R: line of device %d (a report needs its descriptor)", d.Index)
		}
		ts, data, ok := strings.Cut(rest, " ")
		if !ok {
			return bad("E: wants a time, a length and the bytes, got %q", clip(rest))
		}
		t, err := timestamp(ts)
		if err != "" {
			return bad("E: %s", err)
		}
		b, err := hexBytes(strings.TrimSpace(data), MaxEventSize)
		if err != "" {
			return bad("E: %s", err)
		}
		if len(b) == 0 {
			return bad("E: an input report has at least one byte")
		}
		if k := len(d.Events); k > 0 && t < d.Events[k-1].Time {
			return bad("E: time %s is before the previous report's %s (times must not go backwards)", ts, fmtTime(d.Events[k-1].Time))
		}
		d.Events = append(d.Events, Event{Time: t, Data: b})
	default:
		return bad("unknown line tag %q (known: D, R, N, P, I, E and # comments)", string(tag))
	}
	return nil
}

// decimal parses a non-negative decimal number below limit; digits only.
func decimal(s string, limit int) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	v := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, v < limit
}

// hexBytes parses "LEN b0 b1 ...": a decimal length, then that many bytes
// of one or two hex digits. The error is "" when the input is good.
func hexBytes(s string, limit int) ([]byte, string) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return nil, "missing the length"
	}
	n, ok := decimal(f[0], limit+1)
	if !ok {
		return nil, fmt.Sprintf("length %q is not a decimal number from 0 to %d", clip(f[0]), limit)
	}
	if len(f)-1 != n {
		return nil, fmt.Sprintf("length says %d bytes, the line has %d", n, len(f)-1)
	}
	b := make([]byte, n)
	for i, x := range f[1:] {
		v, err := strconv.ParseUint(x, 16, 8)
		if err != nil || len(x) > 2 {
			return nil, fmt.Sprintf("byte %d, %q, is not a hex byte", i+1, clip(x))
		}
		b[i] = byte(v)
	}
	return b, ""
}

// timestamp parses "SECONDS.MICROSECONDS" with exactly six fraction digits,
// as both recorders print it.
func timestamp(s string) (time.Duration, string) {
	sec, usec, ok := strings.Cut(s, ".")
	if !ok || len(usec) != 6 {
		return 0, fmt.Sprintf("time %q: want SECONDS.MICROSECONDS with six fraction digits, e.g. 000001.250000", clip(s))
	}
	S, ok1 := decimal(sec, 1e9)
	U, ok2 := decimal(usec, 1e6)
	if !ok1 || !ok2 {
		return 0, fmt.Sprintf("time %q: want SECONDS.MICROSECONDS in decimal digits", clip(s))
	}
	return time.Duration(S)*time.Second + time.Duration(U)*time.Microsecond, ""
}

func fmtTime(t time.Duration) string {
	return fmt.Sprintf("%06d.%06d", t/time.Second, (t%time.Second)/time.Microsecond)
}

// clip shortens user text quoted in an error.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Writer writes one device's recording as it happens: Header once, then
// Event for each report. Lines are written whole, one Write call each, so a
// reader of a pipe never sees half a line.
type Writer struct {
	w   io.Writer
	err error
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

func (w *Writer) write(s string) error {
	if w.err == nil {
		_, w.err = io.WriteString(w.w, s)
	}
	return w.err
}

// Comment writes s as # lines, one per line of s.
func (w *Writer) Comment(s string) error {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		b.WriteString(strings.TrimRight("# "+l, " ") + "\n")
	}
	return w.write(b.String())
}

// Header writes the device's descriptor and identity (not its events).
func (w *Writer) Header(d *Device) error {
	s, err := header(d)
	if err != nil {
		return err
	}
	return w.write(s)
}

// Event writes one report.
func (w *Writer) Event(e Event) error {
	s, err := eventLine(e)
	if err != nil {
		return err
	}
	return w.write(s)
}

func oneLine(what, s string) error {
	if strings.ContainsAny(s, "\r\n") {
		return fmt.Errorf("encode recording: the %s %q has a line break", what, clip(s))
	}
	return nil
}

func header(d *Device) (string, error) {
	if err := oneLine("device name", d.Name); err != nil {
		return "", err
	}
	if err := oneLine("physical path", d.Phys); err != nil {
		return "", err
	}
	if len(d.Descriptor) > MaxDescriptorSize {
		return "", fmt.Errorf("encode recording: descriptor of %d bytes exceeds %d", len(d.Descriptor), MaxDescriptorSize)
	}
	var b strings.Builder
	if d.Name != "" {
		b.WriteString("# " + d.Name + "\n")
	}
	b.WriteString("R: " + hexLine(d.Descriptor) + "\n")
	b.WriteString(strings.TrimRight("N: "+d.Name, " ") + "\n")
	if d.Phys != "" {
		b.WriteString("P: " + d.Phys + "\n")
	}
	fmt.Fprintf(&b, "I: %x %04x %04x\n", d.Bus, d.VendorID, d.ProductID)
	return b.String(), nil
}

func eventLine(e Event) (string, error) {
	if e.Time < 0 {
		return "", fmt.Errorf("encode recording: negative event time %v", e.Time)
	}
	if len(e.Data) == 0 || len(e.Data) > MaxEventSize {
		return "", fmt.Errorf("encode recording: an event has 1 to %d bytes, not %d", MaxEventSize, len(e.Data))
	}
	return "E: " + fmtTime(e.Time) + " " + hexLine(e.Data) + "\n", nil
}

func hexLine(b []byte) string {
	var s strings.Builder
	s.WriteString(strconv.Itoa(len(b)))
	for _, x := range b {
		fmt.Fprintf(&s, " %02x", x)
	}
	return s.String()
}

// Encode writes a whole recording. With one device numbered 0 it writes no
// D: lines; with several it numbers them by Index, writes every header first, then all
// events merged in time order, with a D: line whenever the device changes,
// as hid-recorder does.
func Encode(w io.Writer, rec *Recording) error {
	var b strings.Builder
	// A lone device numbered other than 0 keeps its D: line, so the
	// number survives a round trip.
	multi := len(rec.Devices) > 1 || (len(rec.Devices) == 1 && rec.Devices[0].Index != 0)
	seen := map[int]bool{}
	for _, d := range rec.Devices {
		if multi {
			if seen[d.Index] || d.Index < 0 {
				return fmt.Errorf("encode recording: device index %d is negative or used twice", d.Index)
			}
			seen[d.Index] = true
			fmt.Fprintf(&b, "D: %d\n", d.Index)
		}
		s, err := header(d)
		if err != nil {
			return err
		}
		b.WriteString(s)
	}
	type ev struct {
		dev int
		e   Event
	}
	var all []ev
	for i, d := range rec.Devices {
		for _, e := range d.Events {
			all = append(all, ev{i, e})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].e.Time < all[j].e.Time })
	last := -1
	for _, x := range all {
		if multi && x.dev != last {
			fmt.Fprintf(&b, "D: %d\n", rec.Devices[x.dev].Index)
			last = x.dev
		}
		s, err := eventLine(x.e)
		if err != nil {
			return err
		}
		b.WriteString(s)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write recording: %w", err)
	}
	return nil
}
