package uhidserve

import (
	"bytes"
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid/hidtest"
	"github.com/handsetd/handsetd/hid/simsock"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidrec"
	"github.com/handsetd/handsetd/internal/clock"
)

// serveRecording starts ServeReplay on a fresh unix socket.
func serveRecording(t *testing.T, rec *hidrec.Device, opts ReplayOptions) string {
	t.Helper()
	return serveUnix(t, "fwrp", "ServeReplay", func(ctx context.Context, ln net.Listener) error { return ServeReplay(ctx, ln, rec, opts) })
}

// plainVendorDesc declares no report ids: one 2-byte vendor input report.
var plainVendorDesc = []byte{0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x02, 0x81, 0x02, 0xc0}

// numberedVendorDesc declares report id 5: one 2-byte vendor input report.
var numberedVendorDesc = []byte{0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x85, 0x05, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x02, 0x81, 0x02, 0xc0}

// TestServeReplay proves that a recording served over the UHID socket opens
// with Dial as the recorded device (identity, descriptor), that playback
// waits for Start, that reports arrive in order with the id byte first (a 0
// added for a device without report ids), that outputs and SET_REPORT are
// accepted, GET_REPORT refused, and that each connection plays from the
// start.
func TestServeReplay(t *testing.T) {
	for _, c := range []struct {
		name string
		desc []byte
		data [][]byte // as recorded
		want [][]byte // as read through Dial
	}{
		{"no report ids", plainVendorDesc, [][]byte{{1, 2}, {3, 4}}, [][]byte{{0, 1, 2}, {0, 3, 4}}},
		{"report ids", numberedVendorDesc, [][]byte{{5, 1, 2}, {5, 3, 4}}, [][]byte{{5, 1, 2}, {5, 3, 4}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Not a Yealink's ids: a fast replay of a device that answers
			// requests waits for them (TestServeReplayAnswers).
			rec := &hidrec.Device{Name: "Recorded Phone", Phys: "usb-1/input3", Bus: 3, VendorID: 0x1234, ProductID: 0x5678, Descriptor: c.desc}
			for i, d := range c.data {
				rec.Events = append(rec.Events, hidrec.Event{Time: time.Duration(i) * time.Hour, Data: d})
			}
			start := make(chan struct{})
			addr := serveRecording(t, rec, ReplayOptions{Fast: true, Start: start})
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			d, err := simsock.Dial(ctx, addr)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if info := d.Info(); info.VendorID != 0x1234 || info.ProductID != 0x5678 || info.Product != "Recorded Phone" {
				t.Errorf("identity %+v", info)
			}
			if desc, _ := d.ReportDescriptor(); !bytes.Equal(desc, c.desc) {
				t.Error("descriptor differs")
			}
			if err := d.WriteOutput([]byte{0, 1}); err != nil {
				t.Errorf("WriteOutput: %v", err)
			}
			if err := d.SetFeature([]byte{0, 1}); err != nil {
				t.Errorf("SetFeature: %v", err)
			}
			if _, err := d.GetFeature([]byte{1, 0}); !errors.Is(err, hid.ErrUnsupported) {
				t.Errorf("GetFeature: %v, want hid.ErrUnsupported", err)
			}
			short, stop := context.WithTimeout(ctx, 20*time.Millisecond)
			if _, err := d.ReadInput(short, make([]byte, 8)); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("a report before Start: %v", err)
			}
			stop()
			close(start)
			for i, w := range c.want {
				if got := hidtest.ReadReport(t, d); !bytes.Equal(got, w) {
					t.Errorf("report %d: % x, want % x", i, got, w)
				}
			}
			// A second client gets the whole recording again.
			d2, err := simsock.Dial(ctx, addr)
			if err != nil {
				t.Fatal(err)
			}
			defer d2.Close()
			if got := hidtest.ReadReport(t, d2); !bytes.Equal(got, c.want[0]) {
				t.Errorf("second client's first report: % x", got)
			}
		})
	}
}

// TestServeReplayPace proves that the served reports keep their recorded
// spacing on the injected clock.
func TestServeReplayPace(t *testing.T) {
	clk := clock.NewFake(time.Unix(0, 0))
	rec := &hidrec.Device{Name: "P", Descriptor: numberedVendorDesc, Events: []hidrec.Event{
		{Time: 0, Data: []byte{5, 0, 0}}, {Time: 2 * time.Second, Data: []byte{5, 1, 1}},
	}}
	addr := serveRecording(t, rec, ReplayOptions{Clock: clk})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := simsock.Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	hidtest.ReadReport(t, d)
	<-clk.Armed()
	short, stop := context.WithTimeout(ctx, 20*time.Millisecond)
	if _, err := d.ReadInput(short, make([]byte, 8)); err == nil {
		t.Error("the second report came before its time")
	}
	stop()
	clk.Advance(2 * time.Second)
	if got := hidtest.ReadReport(t, d); !bytes.Equal(got, []byte{5, 1, 1}) {
		t.Errorf("second report % x", got)
	}
}

// TestServeReplayAnswers proves that phonesim's fast replay of a device
// that answers requests (a first-generation Yealink) hands the client's
// output reports to the replay: a reply is sent only after the client has
// written the request with its command byte.
func TestServeReplayAnswers(t *testing.T) {
	rec := &hidrec.Device{Name: "Yealink USB-P1K", Bus: 3, VendorID: 0x6993, ProductID: 0xb001, Descriptor: plainVendorDesc,
		Events: []hidrec.Event{{Data: []byte{0x87, 1}}, {Time: time.Hour, Data: []byte{0x80, 2}}}}
	addr := serveRecording(t, rec, ReplayOptions{Fast: true})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := simsock.Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	short, stop := context.WithTimeout(ctx, 50*time.Millisecond)
	if _, err := d.ReadInput(short, make([]byte, 8)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a reply before its request: %v", err)
	}
	stop()
	for _, w := range [][]byte{{0, 0x87, 1}, {0, 0x80, 2}} {
		if err := d.WriteOutput([]byte{0, w[1], 0}); err != nil {
			t.Fatal(err)
		}
		if got := hidtest.ReadReport(t, d); !bytes.Equal(got, w) {
			t.Errorf("got % x, want % x", got, w)
		}
	}
}
