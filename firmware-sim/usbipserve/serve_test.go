package usbipserve

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/firmware-sim/internal/simtest"
	"github.com/handsetd/handsetd/firmware-sim/usbip"
)

// usbModels is the table every USB test runs over. A legacy model adds its
// row here: its real VID:PID, the number of its HID interface, and its
// interfaces' classes in order.
var usbModels = []struct {
	model        string
	vendor       uint16
	product      uint16
	hidInterface uint8
	classes      []uint8 // per interface, alternate 0
}{
	{model: "generic-telephony", vendor: 0x1209, product: 0x0001, hidInterface: 0, classes: []uint8{firmwaresim.USBClassHID}},
	{model: "ringerless-headset", vendor: 0x1209, product: 0x0002, hidInterface: 0, classes: []uint8{firmwaresim.USBClassHID}},
	{model: "yealink-p1k", vendor: 0x6993, product: 0xb001, hidInterface: 3, classes: []uint8{1, 1, 1, 3}},
	{model: "yealink-p1kh", vendor: 0x6993, product: 0xb700, hidInterface: 3, classes: []uint8{1, 1, 1, 3}},
	{model: "cm109-kip1000", vendor: 0x0d8c, product: 0x000e, hidInterface: 3, classes: []uint8{1, 1, 1, 3}},
}

// ret is one reply the client received.
type ret struct {
	usbip.Ret
}

// usbipClient plays the kernel's vhci-hcd against ServeConn over an
// in-memory pipe.
type usbipClient struct {
	t     *testing.T
	c     net.Conn
	devid uint32
	seq   uint32

	mu      sync.Mutex
	dirIn   map[uint32]bool // seqnum → IN transfer: its RET_SUBMIT carries data
	replies chan ret
	done    chan error // the reader's end
	served  chan error // ServeConn's result
}

func serveUSBIPPipe(t *testing.T, h *firmwaresim.Handset) (net.Conn, chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	client, server := net.Pipe()
	served := make(chan error, 1)
	finished := make(chan struct{})
	go func() {
		served <- ServeConn(ctx, server, h)
		close(finished)
	}()
	t.Cleanup(func() {
		cancel()
		client.Close()
		select {
		case <-finished:
		case <-time.After(simtest.WaitLimit):
			t.Error("ServeConn did not return")
		}
	})
	client.SetDeadline(time.Now().Add(simtest.WaitLimit))
	return client, served
}

// importUSB imports the handset and starts the reply reader.
func importUSB(t *testing.T, h *firmwaresim.Handset) *usbipClient {
	t.Helper()
	c, served := serveUSBIPPipe(t, h)
	req, err := usbip.EncodeImportRequest(BusID)
	simtest.MustOK(t, err)
	_, err = c.Write(req)
	simtest.MustOK(t, err)
	hdr := make([]byte, usbip.OpHeaderSize)
	_, err = io.ReadFull(c, hdr)
	simtest.MustOK(t, err)
	op, err := usbip.DecodeOpHeader(hdr)
	simtest.MustOK(t, err)
	if op.Code != usbip.OpRepImport || op.Status != usbip.StatusOK {
		t.Fatalf("import reply %+v", op)
	}
	rec := make([]byte, usbip.DeviceSize)
	_, err = io.ReadFull(c, rec)
	simtest.MustOK(t, err)
	d, err := usbip.DecodeImportReply(rec)
	simtest.MustOK(t, err)
	uc := &usbipClient{t: t, c: c, devid: d.DevID(), dirIn: map[uint32]bool{}, replies: make(chan ret, 64), done: make(chan error, 1), served: served}
	go uc.readLoop()
	return uc
}

func (uc *usbipClient) readLoop() {
	hdr := make([]byte, usbip.URBHeaderSize)
	for {
		if _, err := io.ReadFull(uc.c, hdr); err != nil {
			uc.done <- err
			close(uc.replies)
			return
		}
		r, err := usbip.DecodeRet(hdr)
		if err != nil {
			uc.done <- err
			close(uc.replies)
			return
		}
		uc.mu.Lock()
		in := uc.dirIn[r.Seqnum]
		uc.mu.Unlock()
		if r.Command == usbip.RetSubmit && in && r.ActualLength > 0 {
			r.Data = make([]byte, r.ActualLength)
			if _, err := io.ReadFull(uc.c, r.Data); err != nil {
				uc.done <- err
				close(uc.replies)
				return
			}
		}
		uc.replies <- ret{r}
	}
}

// submit sends CMD_SUBMIT and returns its seqnum without waiting.
func (uc *usbipClient) submit(ep uint32, in bool, length uint32, setup usbip.Setup, data []byte) uint32 {
	uc.t.Helper()
	uc.seq++
	s := usbip.Submit{Seqnum: uc.seq, DevID: uc.devid, EP: ep, Length: length, Setup: usbip.EncodeSetup(setup), Data: data, NumPackets: usbip.NonISOPackets}
	if in {
		s.Direction = usbip.DirIn
	} else {
		s.Length = uint32(len(data))
	}
	uc.mu.Lock()
	uc.dirIn[uc.seq] = in
	uc.mu.Unlock()
	b, err := usbip.EncodeSubmit(s)
	simtest.MustOK(uc.t, err)
	if _, err := uc.c.Write(b); err != nil {
		uc.t.Fatalf("write submit: %v", err)
	}
	return uc.seq
}

func (uc *usbipClient) unlink(victim uint32) uint32 {
	uc.t.Helper()
	uc.seq++
	if _, err := uc.c.Write(usbip.EncodeUnlink(usbip.Unlink{Seqnum: uc.seq, DevID: uc.devid, Victim: victim})); err != nil {
		uc.t.Fatalf("write unlink: %v", err)
	}
	return uc.seq
}

// next returns the next reply.
func (uc *usbipClient) next() usbip.Ret {
	uc.t.Helper()
	select {
	case r, ok := <-uc.replies:
		if !ok {
			uc.t.Fatalf("connection ended: %v", <-uc.done)
		}
		return r.Ret
	case <-time.After(simtest.WaitLimit):
		uc.t.Fatal("no reply")
	}
	return usbip.Ret{}
}

// quiet checks that no reply arrives within a short while. It can only
// prove absence up to that while; the tests use it where a reply would come
// at once.
func (uc *usbipClient) quiet() {
	uc.t.Helper()
	select {
	case r := <-uc.replies:
		uc.t.Fatalf("unexpected reply %+v", r.Ret)
	case <-time.After(50 * time.Millisecond):
	}
}

// control runs one control transfer and returns its status and IN data.
func (uc *usbipClient) control(s usbip.Setup, data []byte) (int32, []byte) {
	uc.t.Helper()
	in := s.RequestType&0x80 != 0
	seq := uc.submit(0, in, uint32(s.Length), s, data)
	r := uc.next()
	if r.Seqnum != seq || r.Command != usbip.RetSubmit {
		uc.t.Fatalf("reply %+v to submit %d", r, seq)
	}
	if !in && r.Status == 0 && r.ActualLength != uint32(len(data)) {
		uc.t.Fatalf("OUT control took %d of %d bytes", r.ActualLength, len(data))
	}
	return r.Status, r.Data
}

func (uc *usbipClient) mustControl(s usbip.Setup, data []byte) []byte {
	uc.t.Helper()
	st, b := uc.control(s, data)
	if st != 0 {
		uc.t.Fatalf("control %+v: status %d", s, st)
	}
	return b
}

func getDescriptor(typ, index uint8, length uint16) usbip.Setup {
	return usbip.Setup{RequestType: 0x80, Request: reqGetDescriptor, Value: uint16(typ)<<8 | uint16(index), Length: length}
}

// enumerate does what Linux does after attaching: read the device
// descriptor (first 8 bytes, then all), the configuration (header, then
// whole), the strings, and select configuration 1.
func (uc *usbipClient) enumerate() (dev, config []byte) {
	uc.t.Helper()
	if d := uc.mustControl(getDescriptor(usbDescDevice, 0, 64), nil); len(d) != 18 {
		uc.t.Fatalf("device descriptor of %d bytes", len(d))
	}
	dev = uc.mustControl(getDescriptor(usbDescDevice, 0, 18), nil)
	head := uc.mustControl(getDescriptor(usbDescConfig, 0, 9), nil)
	total := uint16(head[2]) | uint16(head[3])<<8
	config = uc.mustControl(getDescriptor(usbDescConfig, 0, total), nil)
	uc.mustControl(usbip.Setup{Request: reqSetConfiguration, Value: 1}, nil)
	return dev, config
}

func utf16le(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

// TestUSBDescriptors proves, for every model, that a host enumerating the
// device reads the model's VID:PID, its interfaces in order with the HID
// descriptor on the HID interface, its strings and serial, and a report
// descriptor byte-identical to the model's; and that the device list shows
// the same identity.
func TestUSBDescriptors(t *testing.T) {
	for _, m := range usbModels {
		t.Run(m.model, func(t *testing.T) {
			h, err := firmwaresim.New(m.model, firmwaresim.Options{Serial: "SER42"})
			simtest.MustOK(t, err)
			t.Cleanup(func() { h.Close() })
			simtest.MustOK(t, h.USB().Validate())

			uc := importUSB(t, h)
			dev, config := uc.enumerate()
			if got := uint16(dev[8]) | uint16(dev[9])<<8; got != m.vendor {
				t.Errorf("idVendor %04x, want %04x", got, m.vendor)
			}
			if got := uint16(dev[10]) | uint16(dev[11])<<8; got != m.product {
				t.Errorf("idProduct %04x, want %04x", got, m.product)
			}
			// Walk the configuration: interfaces (alternate 0) in order,
			// and the HID descriptor right after the HID interface.
			var classes []uint8
			hidLen := -1
			current := -1
			for i := 9; i < len(config); i += int(config[i]) {
				if config[i] < 2 || i+int(config[i]) > len(config) {
					t.Fatalf("bad descriptor at offset %d of % x", i, config)
				}
				switch config[i+1] {
				case usbDescInterface:
					current = -1
					if config[i+3] == 0 {
						if int(config[i+2]) != len(classes) {
							t.Errorf("interface %d where %d was expected", config[i+2], len(classes))
						}
						classes = append(classes, config[i+5])
						current = int(config[i+2])
					}
				case usbDescHID:
					if current != int(m.hidInterface) {
						t.Errorf("HID descriptor after interface %d, want %d", current, m.hidInterface)
					}
					hidLen = int(config[i+7]) | int(config[i+8])<<8
				}
			}
			if !bytes.Equal(classes, m.classes) {
				t.Errorf("interface classes % x, want % x", classes, m.classes)
			}
			if config[4] != uint8(len(m.classes)) {
				t.Errorf("bNumInterfaces %d, want %d", config[4], len(m.classes))
			}
			report := uc.mustControl(usbip.Setup{RequestType: 0x81, Request: reqGetDescriptor, Value: usbDescReport << 8, Index: uint16(m.hidInterface), Length: 4096}, nil)
			if !bytes.Equal(report, h.Descriptor()) || hidLen != len(report) {
				t.Errorf("report descriptor (%d bytes, HID descriptor says %d) differs from the model's", len(report), hidLen)
			}
			u := h.USB()
			for i, want := range []string{u.Manufacturer, u.Product, "SER42"} {
				got := uc.mustControl(getDescriptor(usbDescString, uint8(i+1), 255), nil)
				if !bytes.Equal(got[2:], utf16le(want)) || int(got[0]) != len(got) {
					t.Errorf("string %d = % x, want %q", i+1, got, want)
				}
			}

			// The device list, on a second connection.
			c, _ := serveUSBIPPipe(t, h)
			_, err = c.Write(usbip.EncodeDevlistRequest())
			simtest.MustOK(t, err)
			all, err := io.ReadAll(c)
			simtest.MustOK(t, err)
			devs, err := usbip.DecodeDevlistReply(all)
			simtest.MustOK(t, err)
			if len(devs) != 1 || devs[0].BusID != "1-1" || devs[0].VendorID != m.vendor || devs[0].ProductID != m.product || len(devs[0].Interfaces) != len(m.classes) {
				t.Errorf("device list %+v", devs)
			}
		})
	}
}

// TestUSBControl proves the generic model's answers to EP0 requests: the
// standard ones a host uses, the HID class ones mapped to the firmware's
// reports, and a stall (-EPIPE) for everything it does not support.
func TestUSBControl(t *testing.T) {
	h, _ := newFake(t, firmwaresim.Options{})
	uc := importUSB(t, h)
	uc.enumerate()
	const stall = -int32(syscall.EPIPE)
	hidOut := func(req uint8, value uint16) usbip.Setup {
		return usbip.Setup{RequestType: 0x21, Request: req, Value: value, Index: 0}
	}
	hidIn := func(req uint8, value uint16, n uint16) usbip.Setup {
		return usbip.Setup{RequestType: 0xa1, Request: req, Value: value, Index: 0, Length: n}
	}
	for _, tc := range []struct {
		name   string
		setup  usbip.Setup
		data   []byte
		status int32
		want   []byte
		check  func(firmwaresim.State) bool
	}{
		{"device status", usbip.Setup{RequestType: 0x80, Request: reqGetStatus, Length: 2}, nil, 0, []byte{0, 0}, nil},
		{"configuration", usbip.Setup{RequestType: 0x80, Request: reqGetConfiguration, Length: 1}, nil, 0, []byte{1}, nil},
		{"configuration 2 stalls", usbip.Setup{Request: reqSetConfiguration, Value: 2}, nil, stall, nil, nil},
		{"interface status", usbip.Setup{RequestType: 0x81, Request: reqGetStatus, Length: 2}, nil, 0, []byte{0, 0}, nil},
		{"alternate", usbip.Setup{RequestType: 0x81, Request: reqGetInterface, Length: 1}, nil, 0, []byte{0}, nil},
		{"set alternate 0", usbip.Setup{RequestType: 0x01, Request: reqSetInterface}, nil, 0, nil, nil},
		{"alternate 1 stalls", usbip.Setup{RequestType: 0x01, Request: reqSetInterface, Value: 1}, nil, stall, nil, nil},
		{"interface 1 stalls", usbip.Setup{RequestType: 0x81, Request: reqGetStatus, Index: 1, Length: 2}, nil, stall, nil, nil},
		{"device qualifier stalls", getDescriptor(6, 0, 10), nil, stall, nil, nil},
		{"string 4 stalls", getDescriptor(usbDescString, 4, 255), nil, stall, nil, nil},
		{"language ids", getDescriptor(usbDescString, 0, 255), nil, 0, []byte{4, 3, 0x09, 0x04}, nil},
		{"short read", getDescriptor(usbDescDevice, 0, 4), nil, 0, []byte{18, 1, 0, 2}, nil},
		{"HID descriptor", usbip.Setup{RequestType: 0x81, Request: reqGetDescriptor, Value: usbDescHID << 8, Length: 9}, nil, 0, []byte{9, 0x21, 0x11, 1, 0, 1, 0x22, byte(len(genericDescriptor())), 0}, nil},
		{"vendor request stalls", usbip.Setup{RequestType: 0xc0, Request: 1, Length: 4}, nil, stall, nil, nil},
		{"endpoint status", usbip.Setup{RequestType: 0x82, Request: reqGetStatus, Index: 0x81, Length: 2}, nil, 0, []byte{0, 0}, nil},
		{"halt OUT endpoint", usbip.Setup{RequestType: 0x02, Request: reqSetFeature, Value: featureEndpointHalt, Index: 0x02}, nil, 0, nil, nil},
		{"halted status", usbip.Setup{RequestType: 0x82, Request: reqGetStatus, Index: 0x02, Length: 2}, nil, 0, []byte{1, 0}, nil},
		{"clear halt", usbip.Setup{RequestType: 0x02, Request: reqClearFeature, Value: featureEndpointHalt, Index: 0x02}, nil, 0, nil, nil},
		{"missing endpoint stalls", usbip.Setup{RequestType: 0x82, Request: reqGetStatus, Index: 0x83, Length: 2}, nil, stall, nil, nil},
		{"set idle", hidOut(hidSetIdle, 0), nil, 0, nil, nil},
		{"get idle", hidIn(hidGetIdle, 0, 1), nil, 0, []byte{0}, nil},
		{"get protocol", hidIn(hidGetProtocol, 0, 1), nil, 0, []byte{1}, nil},
		{"set protocol", hidOut(hidSetProtocol, 1), nil, 0, nil, nil},
		{"get feature", hidIn(hidGetReport, hidReportFeature<<8|3, 2), nil, 0, []byte{3, 5}, nil},
		{"set feature", hidOut(hidSetReport, hidReportFeature<<8|3), []byte{3, 7}, 0, nil, func(s firmwaresim.State) bool { return s.RingerVolume == 7 }},
		{"volume out of range stalls", hidOut(hidSetReport, hidReportFeature<<8|3), []byte{3, 11}, stall, nil, nil},
		{"unknown feature stalls", hidIn(hidGetReport, hidReportFeature<<8|9, 2), nil, stall, nil, nil},
		{"set output", hidOut(hidSetReport, hidReportOutput<<8|2), []byte{2, outMuteLED | outRinger}, 0, nil, func(s firmwaresim.State) bool { return s.LEDs.Mute && s.Ringing }},
		{"id mismatch stalls", hidOut(hidSetReport, hidReportOutput<<8|2), []byte{3, 0}, stall, nil, nil},
		{"get input", hidIn(hidGetReport, hidReportInput<<8|1, 64), nil, 0, []byte{1, 0, 0, 0}, nil},
		{"set input stalls", hidOut(hidSetReport, hidReportInput<<8|1), []byte{1, 0, 0, 0}, stall, nil, nil},
		{"get output stalls", hidIn(hidGetReport, hidReportOutput<<8|2, 2), nil, stall, nil, nil},
		{"HID request to another interface stalls", usbip.Setup{RequestType: 0xa1, Request: hidGetIdle, Index: 1, Length: 1}, nil, stall, nil, nil},
	} {
		st, got := uc.control(tc.setup, tc.data)
		if st != tc.status || !bytes.Equal(got, tc.want) {
			t.Errorf("%s: status %d data % x, want %d % x", tc.name, st, got, tc.status, tc.want)
		}
		if tc.check != nil && !tc.check(h.State()) {
			t.Errorf("%s: state %+v", tc.name, h.State())
		}
	}
}

// TestUSBInterrupt proves the interrupt endpoints behave like a device's:
// input is lost while nothing polls, reports complete pending IN transfers
// in order, an OUT transfer reaches the firmware and is answered with the
// number of bytes taken, and unlinking the last IN transfer stops polling.
func TestUSBInterrupt(t *testing.T) {
	seen := make(chan []byte, 8)
	h, _ := newFake(t, firmwaresim.Options{OnOutput: func(r []byte) { seen <- r }})
	uc := importUSB(t, h)
	uc.enumerate()

	// Nothing polls yet: the press is lost.
	simtest.MustOK(t, h.Tap("5"))
	if s := h.State(); s.Hosts != 0 {
		t.Fatalf("hosts %d before any IN transfer", s.Hosts)
	}

	in := uc.submit(1, true, 8, usbip.Setup{}, nil)
	simtest.WaitState(t, h.Changed, h.State, "the IN transfer to start polling", func(s firmwaresim.State) bool { return s.Hosts == 1 })
	uc.quiet()
	simtest.MustOK(t, h.Tap("7")) // press and release: two reports
	r := uc.next()
	if r.Seqnum != in || r.Status != 0 || !bytes.Equal(r.Data, []byte{1, 0, 8, 0}) {
		t.Fatalf("IN completion %+v, want report 01 00 08 00", r)
	}
	// The release waits in the endpoint for the next IN transfer.
	in2 := uc.submit(1, true, 8, usbip.Setup{}, nil)
	if r := uc.next(); r.Seqnum != in2 || !bytes.Equal(r.Data, []byte{1, 0, 0, 0}) {
		t.Fatalf("second IN completion %+v", r)
	}
	// A short transfer gets the report truncated.
	in3 := uc.submit(1, true, 2, usbip.Setup{}, nil)
	simtest.MustOK(t, h.Press("YES"))
	if r := uc.next(); r.Seqnum != in3 || r.ActualLength != 2 || !bytes.Equal(r.Data, []byte{1, inSend}) {
		t.Fatalf("short IN completion %+v", r)
	}

	out := uc.submit(2, false, 0, usbip.Setup{}, []byte{2, outHookLED | outRingLED})
	if r := uc.next(); r.Seqnum != out || r.Status != 0 || r.ActualLength != 2 {
		t.Fatalf("OUT completion %+v, want actual length 2", r)
	}
	simtest.WaitState(t, h.Changed, h.State, "LEDs from the OUT transfer", func(s firmwaresim.State) bool { return s.LEDs.OffHook && s.LEDs.Ring })
	if got := <-seen; !bytes.Equal(got, []byte{2, outHookLED | outRingLED}) {
		t.Errorf("OnOutput saw % x", got)
	}
	// A report the firmware rejects is still taken, as a device does.
	bad := uc.submit(2, false, 0, usbip.Setup{}, []byte{9, 9, 9})
	if r := uc.next(); r.Seqnum != bad || r.Status != 0 || r.ActualLength != 3 {
		t.Fatalf("rejected OUT completion %+v", r)
	}
	if got := <-seen; !bytes.Equal(got, []byte{9, 9, 9}) {
		t.Errorf("OnOutput saw % x for the rejected report", got)
	}
	// Endpoints the device lacks stall.
	uc.submit(3, true, 8, usbip.Setup{}, nil)
	if r := uc.next(); r.Status != -int32(syscall.EPIPE) {
		t.Fatalf("transfer to EP3 %+v, want a stall", r)
	}

	pending := uc.submit(1, true, 8, usbip.Setup{}, nil)
	u := uc.unlink(pending)
	if r := uc.next(); r.Command != usbip.RetUnlink || r.Seqnum != u || r.Status != -int32(syscall.ECONNRESET) {
		t.Fatalf("unlink reply %+v, want -ECONNRESET", r)
	}
	simtest.WaitState(t, h.Changed, h.State, "polling to stop", func(s firmwaresim.State) bool { return s.Hosts == 0 })
	simtest.MustOK(t, h.Release("YES")) // lost: nobody polls
	u2 := uc.unlink(in)                 // long completed
	if r := uc.next(); r.Command != usbip.RetUnlink || r.Seqnum != u2 || r.Status != 0 {
		t.Fatalf("late unlink reply %+v, want status 0", r)
	}
	in4 := uc.submit(1, true, 8, usbip.Setup{}, nil)
	uc.quiet() // the release was not kept
	simtest.MustOK(t, h.Tap("#"))
	if r := uc.next(); r.Seqnum != in4 || !bytes.Equal(r.Data, []byte{1, 0, 12, 0}) {
		t.Fatalf("IN after re-polling %+v", r)
	}
}

// TestUSBIPImport proves the import rules: an unknown bus id, a second
// importer and an unplugged handset are refused with their statuses; an
// unplug ends the imported connection; a malformed command is an error.
func TestUSBIPImport(t *testing.T) {
	refused := func(t *testing.T, h *firmwaresim.Handset, busID string, want uint32) {
		t.Helper()
		c, served := serveUSBIPPipe(t, h)
		req, err := usbip.EncodeImportRequest(busID)
		simtest.MustOK(t, err)
		_, err = c.Write(req)
		simtest.MustOK(t, err)
		all, err := io.ReadAll(c)
		simtest.MustOK(t, err)
		op, err := usbip.DecodeOpHeader(all)
		if err != nil || op.Status != want {
			t.Fatalf("import of %q: reply % x (%v), want status %d", busID, all, err, want)
		}
		if err := <-served; err == nil {
			t.Error("a refused import returned no error")
		}
	}
	t.Run("unknown bus id", func(t *testing.T) {
		h, _ := newFake(t, firmwaresim.Options{})
		refused(t, h, "2-1", usbip.StatusNoDev)
	})
	t.Run("busy", func(t *testing.T) {
		h, _ := newFake(t, firmwaresim.Options{})
		importUSB(t, h)
		refused(t, h, "1-1", usbip.StatusBusy)
	})
	t.Run("unplugged", func(t *testing.T) {
		h, _ := newFake(t, firmwaresim.Options{Unplugged: true})
		refused(t, h, "1-1", usbip.StatusNoDev)
	})
	t.Run("unplug ends the connection", func(t *testing.T) {
		h, _ := newFake(t, firmwaresim.Options{})
		uc := importUSB(t, h)
		uc.enumerate()
		simtest.MustOK(t, h.Unplug())
		select {
		case <-uc.done:
		case <-time.After(simtest.WaitLimit):
			t.Fatal("connection still open after unplug")
		}
		// The server lets go of the device when it returns, just after
		// the connection closes; a new import before that is refused busy.
		select {
		case <-uc.served:
		case <-time.After(simtest.WaitLimit):
			t.Fatal("server still serving after unplug")
		}
		simtest.MustOK(t, h.Plug())
		importUSB(t, h).enumerate() // and the device can be imported again
	})
	t.Run("malformed command", func(t *testing.T) {
		h, _ := newFake(t, firmwaresim.Options{})
		uc := importUSB(t, h)
		_, err := uc.c.Write(make([]byte, usbip.URBHeaderSize)) // command 0
		simtest.MustOK(t, err)
		select {
		case err := <-uc.served:
			if !errors.Is(err, usbip.ErrMalformed) {
				t.Fatalf("served %v, want ErrMalformed", err)
			}
		case <-time.After(simtest.WaitLimit):
			t.Fatal("server kept a connection that sent garbage")
		}
	})
}

// TestUSBPendingINFails proves that IN transfers waiting on the interrupt
// endpoint are given back, before the control transfer that caused it
// completes, as a Linux host controller gives them back: with -EPIPE when
// the host halts the endpoint (SET_FEATURE ENDPOINT_HALT: the device
// answers with STALL) and with -ESHUTDOWN when a SET_CONFIGURATION
// (to 0 or again to 1) or a SET_INTERFACE disables the endpoint
// (usb_hcd_flush_endpoint); and that polling stops.
func TestUSBPendingINFails(t *testing.T) {
	const (
		recipientEndpoint  = 0x02
		recipientInterface = 0x01
	)
	for _, tc := range []struct {
		name  string
		setup usbip.Setup
		want  syscall.Errno
	}{
		{"halt", usbip.Setup{RequestType: recipientEndpoint, Request: reqSetFeature, Value: featureEndpointHalt, Index: 0x81}, syscall.EPIPE},
		{"deconfigure", usbip.Setup{Request: reqSetConfiguration, Value: 0}, syscall.ESHUTDOWN},
		{"configure again", usbip.Setup{Request: reqSetConfiguration, Value: 1}, syscall.ESHUTDOWN},
		{"set interface", usbip.Setup{RequestType: recipientInterface, Request: reqSetInterface, Value: 0, Index: 0}, syscall.ESHUTDOWN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := newFake(t, firmwaresim.Options{})
			uc := importUSB(t, h)
			uc.enumerate()
			in1 := uc.submit(1, true, 8, usbip.Setup{}, nil)
			in2 := uc.submit(1, true, 8, usbip.Setup{}, nil)
			simtest.WaitState(t, h.Changed, h.State, "the IN transfers to start polling", func(s firmwaresim.State) bool { return s.Hosts == 1 })
			uc.quiet()
			ctl := uc.submit(0, false, 0, tc.setup, nil)
			for _, want := range []uint32{in1, in2} {
				if r := uc.next(); r.Command != usbip.RetSubmit || r.Seqnum != want || r.Status != -int32(tc.want) || r.ActualLength != 0 {
					t.Fatalf("reply %+v, want IN transfer %d given back with -%d (%v)", r, want, int32(tc.want), tc.want)
				}
			}
			if r := uc.next(); r.Seqnum != ctl || r.Status != 0 {
				t.Fatalf("control reply %+v", r)
			}
			simtest.WaitState(t, h.Changed, h.State, "polling to stop", func(s firmwaresim.State) bool { return s.Hosts == 0 })
		})
	}
}

// TestUSBIPConfigurationValue proves that the bConfigurationValue the device
// list and the import reply carry is the device's real one at that time:
// 0, as GET_CONFIGURATION answers on a fresh import (the importing kernel
// selects configuration 1 itself), and that GET_CONFIGURATION then follows
// SET_CONFIGURATION.
func TestUSBIPConfigurationValue(t *testing.T) {
	h, _ := newFake(t, firmwaresim.Options{})
	c, _ := serveUSBIPPipe(t, h)
	_, err := c.Write(usbip.EncodeDevlistRequest())
	simtest.MustOK(t, err)
	all, err := io.ReadAll(c)
	simtest.MustOK(t, err)
	devs, err := usbip.DecodeDevlistReply(all)
	simtest.MustOK(t, err)
	d, ok := describe(h, false)
	if len(devs) != 1 || !ok {
		t.Fatalf("device list %+v", devs)
	}
	uc := importUSB(t, h)
	get := usbip.Setup{RequestType: 0x80, Request: reqGetConfiguration, Length: 1}
	if got := uc.mustControl(get, nil); len(got) != 1 || got[0] != devs[0].ConfigurationValue || got[0] != d.ConfigurationValue || got[0] != 0 {
		t.Errorf("GET_CONFIGURATION on import % x; device list says %d, import reply %d; want all 0", got, devs[0].ConfigurationValue, d.ConfigurationValue)
	}
	uc.mustControl(usbip.Setup{Request: reqSetConfiguration, Value: 1}, nil)
	if got := uc.mustControl(get, nil); len(got) != 1 || got[0] != 1 {
		t.Errorf("GET_CONFIGURATION after SET_CONFIGURATION 1: % x", got)
	}
}
