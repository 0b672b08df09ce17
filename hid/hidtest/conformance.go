package hidtest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid"
)

// Backend is one freshly opened device under test and the two hands a test
// needs on its far side.
type Backend struct {
	// Dev is the open device. Conformance closes it.
	Dev hid.Device
	// Push makes the device send one input report (id byte first).
	Push func(report []byte)
	// Unplug makes the device go away. Nil skips the disconnect checks.
	Unplug func()
}

// Timeout bounds every wait in Conformance. A conforming backend answers
// in microseconds; the bound only turns a hang into a failure.
const Timeout = 5 * time.Second

// Conformance checks that a backend has the semantics documented on
// hid.Device. open is called once per subtest and must return a new,
// connected device; it may use t.Cleanup for its own teardown.
//
// It checks: reports arrive whole, in order, id byte first; a report longer
// than the buffer is truncated to len(p); ReadInput waits for a report;
// cancelling ctx unblocks ReadInput with ctx's error; Close unblocks it with
// hid.ErrClosed, is safe to repeat, and makes later calls fail with
// hid.ErrClosed; unplugging makes ReadInput and WriteOutput fail with
// hid.ErrDisconnected.
func Conformance(t *testing.T, open func(t *testing.T) Backend) {
	t.Helper()
	start := func(t *testing.T) Backend {
		t.Helper()
		b := open(t)
		t.Cleanup(func() { b.Dev.Close() })
		return b
	}
	// read runs ReadInput in a goroutine so that a hang fails the test.
	read := func(t *testing.T, ctx context.Context, d hid.Device, size int) ([]byte, error) {
		t.Helper()
		type result struct {
			b   []byte
			err error
		}
		ch := make(chan result, 1)
		go func() {
			buf := make([]byte, size)
			n, err := d.ReadInput(ctx, buf)
			ch <- result{buf[:n], err}
		}()
		select {
		case r := <-ch:
			return r.b, r.err
		case <-time.After(Timeout):
			t.Fatalf("ReadInput did not return within %v", Timeout)
			return nil, nil
		}
	}
	bg := context.Background()

	t.Run("ReportsKeepIDAndOrder", func(t *testing.T) {
		b := start(t)
		reports := [][]byte{{0x01, 0xAA, 0xBB}, {0x02, 0x00}, {0x01, 0xCC, 0xDD}}
		for _, r := range reports {
			b.Push(r)
		}
		for i, want := range reports {
			got, err := read(t, bg, b.Dev, 64)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("report %d: got % x, %v; want % x", i, got, err, want)
			}
		}
	})
	t.Run("TruncatesToBuffer", func(t *testing.T) {
		b := start(t)
		b.Push([]byte{0x03, 1, 2, 3, 4, 5, 6, 7})
		got, err := read(t, bg, b.Dev, 3)
		if err != nil || !bytes.Equal(got, []byte{0x03, 1, 2}) {
			t.Fatalf("got % x, %v; want 03 01 02", got, err)
		}
	})
	t.Run("ReadWaitsForReport", func(t *testing.T) {
		b := start(t)
		done := make(chan struct{})
		var got []byte
		var err error
		go func() {
			defer close(done)
			buf := make([]byte, 16)
			var n int
			n, err = b.Dev.ReadInput(bg, buf)
			got = buf[:n]
		}()
		b.Push([]byte{0x00, 0x42})
		select {
		case <-done:
		case <-time.After(Timeout):
			t.Fatalf("ReadInput did not return a report pushed while it waited")
		}
		if err != nil || !bytes.Equal(got, []byte{0x00, 0x42}) {
			t.Fatalf("got % x, %v; want 00 42", got, err)
		}
	})
	t.Run("ContextCancelUnblocks", func(t *testing.T) {
		b := start(t)
		ctx, cancel := context.WithCancel(bg)
		go cancel()
		if _, err := read(t, ctx, b.Dev, 16); !errors.Is(err, context.Canceled) {
			t.Fatalf("ReadInput after cancel: %v, want context.Canceled", err)
		}
		ctx, cancel2 := context.WithTimeout(bg, time.Millisecond)
		defer cancel2()
		if _, err := read(t, ctx, b.Dev, 16); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("ReadInput past deadline: %v, want context.DeadlineExceeded", err)
		}
		// the device still works after a cancelled read
		b.Push([]byte{0x01, 0x07})
		if got, err := read(t, bg, b.Dev, 16); err != nil || !bytes.Equal(got, []byte{0x01, 0x07}) {
			t.Fatalf("read after cancel: % x, %v; want 01 07", got, err)
		}
	})
	t.Run("CloseUnblocksRead", func(t *testing.T) {
		b := start(t)
		go b.Dev.Close()
		if _, err := read(t, bg, b.Dev, 16); !errors.Is(err, hid.ErrClosed) {
			t.Fatalf("ReadInput across Close: %v, want hid.ErrClosed", err)
		}
	})
	t.Run("CloseIsIdempotent", func(t *testing.T) {
		b := start(t)
		b.Dev.Close()
		if err := b.Dev.Close(); err != nil && !errors.Is(err, hid.ErrClosed) {
			t.Errorf("second Close: %v, want nil or hid.ErrClosed", err)
		}
		if _, err := read(t, bg, b.Dev, 16); !errors.Is(err, hid.ErrClosed) {
			t.Errorf("ReadInput after Close: %v, want hid.ErrClosed", err)
		}
		if err := b.Dev.WriteOutput([]byte{0, 1}); !errors.Is(err, hid.ErrClosed) {
			t.Errorf("WriteOutput after Close: %v, want hid.ErrClosed", err)
		}
	})
	t.Run("UnplugDisconnects", func(t *testing.T) {
		b := start(t)
		if b.Unplug == nil {
			t.Skip("backend cannot unplug")
		}
		b.Unplug()
		if _, err := read(t, bg, b.Dev, 16); !errors.Is(err, hid.ErrDisconnected) {
			t.Errorf("ReadInput after unplug: %v, want hid.ErrDisconnected", err)
		}
		if err := b.Dev.WriteOutput([]byte{0, 1}); !errors.Is(err, hid.ErrDisconnected) {
			t.Errorf("WriteOutput after unplug: %v, want hid.ErrDisconnected", err)
		}
	})
	t.Run("DescriptorAndInfo", func(t *testing.T) {
		b := start(t)
		d1, err1 := b.Dev.ReportDescriptor()
		d2, err2 := b.Dev.ReportDescriptor()
		if err1 != nil || err2 != nil || !bytes.Equal(d1, d2) {
			t.Errorf("ReportDescriptor twice: % x, %v; % x, %v", d1, err1, d2, err2)
		}
		if b.Dev.Info() != b.Dev.Info() {
			t.Errorf("Info changed between calls")
		}
	})
}
