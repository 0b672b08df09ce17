package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidrec"
	"github.com/handsetd/handsetd/hid/hidtest"
	"github.com/handsetd/handsetd/internal/clock"
)

const timeout = 5 * time.Second

// numberedDesc declares report id 1: a Hook Switch bit and 7 padding bits.
var numberedDesc = []byte{
	0x05, 0x0b, 0x09, 0x01, 0xa1, 0x01, 0x85, 0x01, 0x09, 0x20, 0x15, 0x00, 0x25, 0x01,
	0x75, 0x01, 0x95, 0x01, 0x81, 0x06, 0x95, 0x07, 0x81, 0x01, 0xc0,
}

// plainDesc declares no report ids: one 4-byte vendor input report.
var plainDesc = []byte{
	0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00,
	0x75, 0x08, 0x95, 0x04, 0x81, 0x02, 0xc0,
}

func recorded(desc []byte, times ...time.Duration) *hidrec.Device {
	d := &hidrec.Device{Name: "Test Phone", Bus: 3, VendorID: 0x1234, ProductID: 0x5678, Descriptor: desc}
	for i, t := range times {
		d.Events = append(d.Events, hidrec.Event{Time: t, Data: []byte{1, byte(i)}})
	}
	return d
}

type readResult struct {
	b   []byte
	err error
}

// readAsync runs one ReadInput in the background.
func readAsync(ctx context.Context, d hid.Device) <-chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		buf := make([]byte, 16)
		n, err := d.ReadInput(ctx, buf)
		ch <- readResult{buf[:n], err}
	}()
	return ch
}

func await(t *testing.T, ch <-chan readResult) readResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(timeout):
		t.Fatal("ReadInput hung")
		return readResult{}
	}
}

func pending(t *testing.T, ch <-chan readResult) {
	t.Helper()
	select {
	case r := <-ch:
		t.Fatalf("ReadInput returned early: % x, %v", r.b, r.err)
	default:
	}
}

// TestPace proves that reports come at their recorded offsets on the
// injected clock, counted from the first report, and that the replay then
// ends with ErrFinished, which reads as a disconnection.
func TestPace(t *testing.T) {
	clk := clock.NewFake(time.Unix(1000, 0))
	// The first report was recorded 5 s in: playback starts with it at once.
	d, err := New(recorded(numberedDesc, 5*time.Second, 5*time.Second+100*time.Millisecond, 7*time.Second), Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	if r := await(t, readAsync(ctx, d)); r.err != nil || !bytes.Equal(r.b, []byte{1, 0}) {
		t.Fatalf("first report: % x, %v", r.b, r.err)
	}
	ch := readAsync(ctx, d)
	<-clk.Armed()
	clk.Advance(99 * time.Millisecond)
	pending(t, ch)
	clk.Advance(time.Millisecond)
	if r := await(t, ch); r.err != nil || !bytes.Equal(r.b, []byte{1, 1}) {
		t.Fatalf("second report: % x, %v", r.b, r.err)
	}
	ch = readAsync(ctx, d)
	<-clk.Armed()
	clk.Advance(1900 * time.Millisecond)
	if r := await(t, ch); r.err != nil || !bytes.Equal(r.b, []byte{1, 2}) {
		t.Fatalf("third report: % x, %v", r.b, r.err)
	}
	select {
	case <-d.Done():
	default:
		t.Error("Done not closed after the last report")
	}
	r := await(t, readAsync(ctx, d))
	if !errors.Is(r.err, ErrFinished) || !errors.Is(r.err, hid.ErrDisconnected) || !IsFinished(r.err) {
		t.Errorf("after the end: %v, want ErrFinished wrapping hid.ErrDisconnected", r.err)
	}
}

// TestFastHoldStart proves the three playback options: Start holds the
// first report back until it is closed, Fast ignores the recorded gaps, and
// Hold keeps the device silent after the end until ctx ends or Close.
func TestFastHoldStart(t *testing.T) {
	start := make(chan struct{})
	d, err := New(recorded(numberedDesc, 0, time.Hour), Options{Fast: true, Hold: true, Start: start})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	short, stop := context.WithTimeout(ctx, 20*time.Millisecond)
	if _, err := d.ReadInput(short, make([]byte, 8)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a read before Start: %v, want the deadline", err)
	}
	stop()
	ch := readAsync(ctx, d)
	close(start)
	if r := await(t, ch); r.err != nil || r.b[1] != 0 {
		t.Fatalf("first: % x %v", r.b, r.err)
	}
	if r := await(t, readAsync(ctx, d)); r.err != nil || r.b[1] != 1 {
		t.Fatalf("second (an hour later, played at once): % x %v", r.b, r.err)
	}
	cctx, cancel := context.WithCancel(ctx)
	ch = readAsync(cctx, d)
	pending(t, ch)
	cancel()
	if r := await(t, ch); !errors.Is(r.err, context.Canceled) {
		t.Fatalf("held read after cancel: %v", r.err)
	}
	ch = readAsync(ctx, d)
	d.Close()
	if r := await(t, ch); !errors.Is(r.err, hid.ErrClosed) {
		t.Fatalf("held read after Close: %v", r.err)
	}
}

// TestReportIDConversion proves that a recording of a device without report
// ids is read with a 0 id byte first, as the hid.Device seam requires, and
// that one with report ids is read as recorded.
func TestReportIDConversion(t *testing.T) {
	for _, c := range []struct {
		desc []byte
		want []byte
	}{
		{numberedDesc, []byte{1, 0}},
		{plainDesc, []byte{0, 1, 0}},
	} {
		d, err := New(recorded(c.desc, 0), Options{Fast: true})
		if err != nil {
			t.Fatal(err)
		}
		if r := await(t, readAsync(context.Background(), d)); r.err != nil || !bytes.Equal(r.b, c.want) {
			t.Errorf("got % x (%v), want % x", r.b, r.err, c.want)
		}
	}
	if _, err := New(recorded([]byte{0xc0}, 0), Options{}); err == nil || !strings.Contains(err.Error(), "report id") {
		t.Errorf("an unparseable descriptor: %v, want an error saying the report id is unknown", err)
	}
}

// TestOutputsAndIdentity proves what a replay does with what the driver
// writes (accepted, reported, nothing else), its identity, and that every
// call fails with hid.ErrClosed after Close.
func TestOutputsAndIdentity(t *testing.T) {
	var got []string
	d, err := New(recorded(numberedDesc), Options{Path: "replay:x.hid", OnOutput: func(kind string, r []byte) {
		got = append(got, kind+" "+string(rune('0'+r[0])))
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteOutput([]byte{2, 1}); err != nil {
		t.Fatal(err)
	}
	if err := d.SetFeature([]byte{3, 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.GetFeature([]byte{3, 0}); !errors.Is(err, hid.ErrUnsupported) {
		t.Errorf("GetFeature: %v, want hid.ErrUnsupported", err)
	}
	if !reflect.DeepEqual(got, []string{"output 2", "feature 3"}) {
		t.Errorf("OnOutput saw %v", got)
	}
	want := hid.Info{VendorID: 0x1234, ProductID: 0x5678, Product: "Test Phone", Path: "replay:x.hid", Interface: -1}
	if d.Info() != want {
		t.Errorf("Info %+v, want %+v", d.Info(), want)
	}
	if desc, _ := d.ReportDescriptor(); !bytes.Equal(desc, numberedDesc) {
		t.Error("descriptor differs")
	}
	// An empty recording ends at once.
	if r := await(t, readAsync(context.Background(), d)); !IsFinished(r.err) {
		t.Errorf("empty recording: %v", r.err)
	}
	d.Close()
	d.Close()
	if err := d.WriteOutput([]byte{2, 0}); !errors.Is(err, hid.ErrClosed) {
		t.Errorf("WriteOutput after Close: %v", err)
	}
	if _, err := d.ReadInput(context.Background(), make([]byte, 4)); !errors.Is(err, hid.ErrClosed) {
		t.Errorf("ReadInput after Close: %v", err)
	}
	if _, err := d.ReportDescriptor(); !errors.Is(err, hid.ErrClosed) {
		t.Errorf("ReportDescriptor after Close: %v", err)
	}
}

// TestRecordThenReplay proves the Recorder: it writes the header, times the
// reports from the first one on its clock, strips the 0 id byte of a device
// without report ids, notes outputs as comments, and what it wrote replays
// to the very reports that were read.
func TestRecordThenReplay(t *testing.T) {
	for _, desc := range [][]byte{numberedDesc, plainDesc} {
		clk := clock.NewFake(time.Unix(50, 0))
		fake := hidtest.NewFake(hid.Info{VendorID: 0x0d8c, ProductID: 0x000e, Product: "Live Phone", Path: "/dev/hidraw3"}, desc)
		var out bytes.Buffer
		rec, err := NewRecorder(fake, hidrec.NewWriter(&out), RecorderOptions{Clock: clk, Outputs: true, Comment: "test"})
		if err != nil {
			t.Fatal(err)
		}
		id := byte(0)
		if bytes.Equal(desc, numberedDesc) {
			id = 1
		}
		reports := [][]byte{{id, 1, 2, 3}, {id, 0, 0, 0}, {id, 9, 9, 9}}
		gaps := []time.Duration{0, 250 * time.Millisecond, 3 * time.Second}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		for i, r := range reports {
			clk.Advance(gaps[i])
			fake.Input(r)
			buf := make([]byte, 2) // shorter than the report: the recording still holds it whole
			n, err := rec.ReadInput(ctx, buf)
			if err != nil || n != 2 || !bytes.Equal(buf, r[:2]) {
				t.Fatalf("read %d: % x %v", i, buf[:n], err)
			}
		}
		cancel()
		if err := rec.WriteOutput([]byte{id, 7}); err != nil {
			t.Fatal(err)
		}
		text := out.String()
		if !strings.Contains(text, "# output: 2") || !strings.Contains(text, "P: /dev/hidraw3\nI: 3 0d8c 000e\n") ||
			!strings.Contains(text, "E: 000003.250000") {
			t.Errorf("recording lacks the output note, identity or timing:\n%s", text)
		}
		parsed, err := hidrec.Parse(strings.NewReader(text))
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		d, err := New(parsed.Devices[0], Options{Fast: true})
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range reports {
			buf := make([]byte, 16)
			n, err := d.ReadInput(context.Background(), buf)
			if err != nil || !bytes.Equal(buf[:n], r) {
				t.Errorf("replayed %d: % x %v, want % x", i, buf[:n], err, r)
			}
		}
	}
}

// TestLoad proves picking a device from a file: the only one, one by its D:
// number, and a clear error for a multi-device file without a number.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	one := filepath.Join(dir, "one.hid")
	two := filepath.Join(dir, "two.hid")
	os.WriteFile(one, []byte("R: 1 c0\nN: Solo\nI: 3 1 2\n"), 0o644)
	os.WriteFile(two, []byte("D: 0\nR: 1 c0\nN: A\nD: 3\nR: 1 c0\nN: B\n"), 0o644)
	if d, err := Load(one, -1); err != nil || d.Name != "Solo" {
		t.Errorf("one: %v %v", d, err)
	}
	if d, err := Load(two, 3); err != nil || d.Name != "B" {
		t.Errorf("two#3: %v %v", d, err)
	}
	if _, err := Load(two, -1); err == nil || !strings.Contains(err.Error(), "holds 2 devices (0: A, 3: B)") {
		t.Errorf("two without number: %v", err)
	}
	if _, err := Load(two, 7); err == nil {
		t.Error("two#7 accepted")
	}
	if _, err := Load(filepath.Join(dir, "missing.hid"), -1); err == nil {
		t.Error("missing file accepted")
	}
	os.WriteFile(one, []byte("R: 1 c0\nE: x\n"), 0o644)
	if _, err := Load(one, -1); !errors.Is(err, hidrec.ErrMalformed) || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("malformed: %v", err)
	}
}

// TestFastWaitsForRequests proves the fast-replay rule for a device that
// only answers requests (a first-generation Yealink): each recorded reply
// is held until the host writes a request with the reply's command byte;
// a request the device does not answer (an LED write) releases nothing;
// and a replay without Answers (another device) plays back to back.
func TestFastWaitsForRequests(t *testing.T) {
	// 16 bytes in, 16 bytes out, no report ids: the P1K's descriptor.
	desc := []byte{0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x10, 0x09, 0x02, 0x81, 0x02, 0x95, 0x10, 0x09, 0x03, 0x91, 0x02, 0xc0}
	reply := func(cmd byte) []byte { p := make([]byte, 16); p[0] = cmd; return p }
	request := func(cmd byte) []byte { return append([]byte{0}, reply(cmd)...) }
	rec := &hidrec.Device{Name: "Yealink USB-P1K", Bus: 3, VendorID: 0x6993, ProductID: 0xb001, Descriptor: desc,
		Events: []hidrec.Event{{Data: reply(0x87)}, {Time: time.Second, Data: reply(0x80)}}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := New(rec, Options{Answers: SameCommand, Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan byte)
	go func() {
		buf := make([]byte, 17)
		for {
			if _, err := d.ReadInput(ctx, buf); err != nil {
				close(got)
				return
			}
			got <- buf[1]
		}
	}()
	quiet := func(what string) {
		t.Helper()
		select {
		case c := <-got:
			t.Fatalf("%s: reply %02x released", what, c)
		case <-time.After(50 * time.Millisecond):
		}
	}
	want := func(cmd byte) {
		t.Helper()
		select {
		case c := <-got:
			if c != cmd {
				t.Fatalf("released %02x, want %02x", c, cmd)
			}
		case <-ctx.Done():
			t.Fatalf("reply %02x never released", cmd)
		}
	}
	quiet("before any request")
	for _, step := range []struct {
		write byte
		reply byte // 0: nothing may be released
	}{{0x81, 0}, {0x87, 0x87}, {0x82, 0}, {0x80, 0x80}} {
		if err := d.WriteOutput(request(step.write)); err != nil {
			t.Fatal(err)
		}
		if step.reply == 0 {
			quiet(fmt.Sprintf("after request %02x", step.write))
		} else {
			want(step.reply)
		}
	}
	if _, ok := <-got; ok {
		t.Fatal("a report after the end of the recording")
	}

	// Another device: no gate.
	rec.VendorID, rec.ProductID = 0x1234, 0x5678
	other, err := New(rec, Options{Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 17)
	for range rec.Events {
		if _, err := other.ReadInput(ctx, buf); err != nil {
			t.Fatalf("a device that speaks unasked must play back to back: %v", err)
		}
	}
}

// TestFastAnswerWait proves a fast replay of a device that answers
// requests does not stop at a reply to a request the host never makes: it
// is held for AnswerWait on the replay's clock, then let go.
func TestFastAnswerWait(t *testing.T) {
	desc := []byte{0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x10, 0x09, 0x02, 0x81, 0x02, 0x95, 0x10, 0x09, 0x03, 0x91, 0x02, 0xc0}
	data := make([]byte, 16)
	data[0] = 0xfd
	rec := &hidrec.Device{Name: "Yealink USB-P1K", Bus: 3, VendorID: 0x6993, ProductID: 0xb001, Descriptor: desc,
		Events: []hidrec.Event{{Data: data}}}
	fake := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	d, err := New(rec, Options{Answers: SameCommand, Fast: true, Clock: fake})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := make(chan error, 1)
	go func() {
		_, err := d.ReadInput(ctx, make([]byte, 17))
		got <- err
	}()
	if err := d.WriteOutput(append([]byte{0, 0x80}, make([]byte, 15)...)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-fake.Armed():
	case <-ctx.Done():
		t.Fatal("the replay never started waiting")
	}
	fake.Advance(AnswerWait - time.Millisecond)
	select {
	case err := <-got:
		t.Fatalf("released before AnswerWait: %v", err)
	default:
	}
	fake.Advance(time.Millisecond)
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("the unanswerable reply was never released")
	}
}

// TestPacedWaitsForRequests proves that at the recorded pace, too, a
// polled device's reply that is due waits for its request: a reply a
// moment before the host asks would be dropped by the host.
func TestPacedWaitsForRequests(t *testing.T) {
	desc := []byte{0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x10, 0x09, 0x02, 0x81, 0x02, 0x95, 0x10, 0x09, 0x03, 0x91, 0x02, 0xc0}
	data := make([]byte, 16)
	data[0] = 0x80
	rec := &hidrec.Device{Name: "Yealink USB-P1K", Bus: 3, VendorID: 0x6993, ProductID: 0xb001, Descriptor: desc,
		Events: []hidrec.Event{{Data: data}}}
	fake := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	d, err := New(rec, Options{Answers: SameCommand, Clock: fake})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := make(chan error, 1)
	go func() {
		_, err := d.ReadInput(ctx, make([]byte, 17))
		got <- err
	}()
	select {
	case <-fake.Armed(): // due at once, now waiting for the request
	case <-ctx.Done():
		t.Fatal("the replay never started waiting")
	}
	select {
	case err := <-got:
		t.Fatalf("a due reply went before its request: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	if err := d.WriteOutput(append([]byte{0, 0x80}, make([]byte, 15)...)); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("the reply never followed its request")
	}
}
