package hidtest

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid"
)

// TestFakeConformance proves Fake has the hid.Device semantics that the
// conformance suite checks.
func TestFakeConformance(t *testing.T) {
	Conformance(t, func(t *testing.T) Backend {
		f := NewFake(hid.Info{Product: "fake"}, []byte{0x05, 0x0B})
		return Backend{Dev: f, Push: f.Input, Unplug: f.Unplug}
	})
}

// TestFakeOutputsAndFeatures proves the Fake records writes in order,
// WaitOutputs returns once enough arrived (and times out otherwise),
// feature reports come from the table and are updated by SetFeature, and
// FailWrites injects errors.
func TestFakeOutputsAndFeatures(t *testing.T) {
	f := NewFake(hid.Info{}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	go func() {
		f.WriteOutput([]byte{3, 1})
		f.WriteOutput([]byte{3, 0})
	}()
	out, err := f.WaitOutputs(ctx, 2)
	if err != nil || len(out) != 2 || !bytes.Equal(out[0], []byte{3, 1}) || !bytes.Equal(out[1], []byte{3, 0}) {
		t.Fatalf("WaitOutputs = % x, %v", out, err)
	}
	short, cancel2 := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel2()
	if _, err := f.WaitOutputs(short, 3); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitOutputs(3) with 2 written: %v, want deadline exceeded", err)
	}

	buf := []byte{7, 0, 0}
	if _, err := f.GetFeature(buf); !errors.Is(err, hid.ErrUnsupported) {
		t.Errorf("GetFeature of an unknown id: %v, want ErrUnsupported", err)
	}
	f.SetFeatureReport([]byte{7, 0x10, 0x20})
	if n, err := f.GetFeature(buf); err != nil || n != 3 || !bytes.Equal(buf, []byte{7, 0x10, 0x20}) {
		t.Errorf("GetFeature = %d % x, %v", n, buf, err)
	}
	if err := f.SetFeature([]byte{7, 0x30}); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.GetFeature(buf); n != 2 || buf[1] != 0x30 {
		t.Errorf("GetFeature after SetFeature = %d % x", n, buf)
	}
	if w := f.FeatureWrites(); len(w) != 1 {
		t.Errorf("FeatureWrites = % x", w)
	}
	boom := errors.New("boom")
	f.FailWrites(boom)
	if err := f.WriteOutput([]byte{3, 1}); !errors.Is(err, boom) {
		t.Errorf("WriteOutput with FailWrites: %v", err)
	}
	if n := len(f.Outputs()); n != 2 {
		t.Errorf("%d outputs recorded, want 2 (the failed write is not one)", n)
	}
}

// TestFakeUnplugDrainsQueue proves reports queued before an unplug are
// still read, and only then does ReadInput report the disconnect.
func TestFakeUnplugDrainsQueue(t *testing.T) {
	f := NewFake(hid.Info{}, nil)
	f.Input([]byte{0, 1})
	f.Unplug()
	buf := make([]byte, 4)
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	if n, err := f.ReadInput(ctx, buf); err != nil || n != 2 {
		t.Fatalf("first read = %d, %v; want the queued report", n, err)
	}
	if _, err := f.ReadInput(ctx, buf); !errors.Is(err, hid.ErrDisconnected) {
		t.Fatalf("second read: %v, want ErrDisconnected", err)
	}
}

// TestPlaybackHappyPath proves a conversation that follows the script
// passes: reads wait for the writes scripted before them, feature reports
// are served, and Close reports no error.
func TestPlaybackHappyPath(t *testing.T) {
	p := NewPlayback(hid.Info{}, nil,
		Read([]byte{1, 0x01}),
		Write([]byte{3, 0x01}),
		Read([]byte{1, 0x00}),
		GetFeature([]byte{4, 0x99}),
		SetFeature([]byte{4, 0x98}),
		ReadErr(hid.ErrDisconnected),
	)
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	errc := make(chan error, 1)
	var reads [][]byte
	go func() {
		for {
			buf := make([]byte, 8)
			n, err := p.ReadInput(ctx, buf)
			if err != nil {
				errc <- err
				return
			}
			reads = append(reads, buf[:n])
		}
	}()
	if err := p.WriteOutput([]byte{3, 0x01}); err != nil {
		t.Fatal(err)
	}
	// GetFeature waits for the reader to take the second read first.
	feat := []byte{4, 0}
	if _, err := p.GetFeature(feat); err != nil {
		t.Fatal(err)
	}
	if err := p.SetFeature([]byte{4, 0x98}); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !errors.Is(err, hid.ErrDisconnected) {
		t.Fatalf("reader ended with %v, want ErrDisconnected", err)
	}
	if len(reads) != 2 || feat[1] != 0x99 {
		t.Errorf("reads % x, feature % x", reads, feat)
	}
	if err := p.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestPlaybackFailures proves a wrong write names both byte strings, an
// unexpected call is an error, and leftover steps make Close and Verify
// fail.
func TestPlaybackFailures(t *testing.T) {
	tests := []struct {
		name string
		ops  []Op
		run  func(p *Playback)
		want string
	}{
		{
			name: "wrong bytes",
			ops:  []Op{Write([]byte{3, 0x01})},
			run:  func(p *Playback) { p.WriteOutput([]byte{3, 0x02}) },
			want: "wrote 03 02, want 03 01",
		},
		{
			name: "write after the end",
			ops:  nil,
			run:  func(p *Playback) { p.WriteOutput([]byte{3}) },
			want: "after the last step",
		},
		{
			name: "wrong kind",
			ops:  []Op{SetFeature([]byte{5, 1})},
			run:  func(p *Playback) { p.WriteOutput([]byte{5, 1}) },
			want: "got write output 05 01, want set feature 05 01",
		},
		{
			name: "left over",
			ops:  []Op{Write([]byte{3, 1}), Read([]byte{1, 1})},
			run:  func(p *Playback) { p.WriteOutput([]byte{3, 1}) },
			want: "1 step(s) left over, next is step 1: read input 01 01",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPlayback(hid.Info{}, nil, tt.ops...)
			tt.run(p)
			rec := &recorder{}
			p.Verify(rec)
			err := p.Close()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Close: %v, want it to mention %q", err, tt.want)
			}
			if len(rec.errs) != 1 {
				t.Errorf("Verify reported %d errors, want 1", len(rec.errs))
			}
			if err := p.Close(); err != nil {
				t.Errorf("second Close: %v, want nil", err)
			}
		})
	}
}

type recorder struct{ errs []string }

func (r *recorder) Helper()           {}
func (r *recorder) Error(args ...any) { r.errs = append(r.errs, "x") }

// TestPlaybackCloseUnblocks proves Close releases a ReadInput that waits
// for a write the code never made, with ErrClosed, and reports the leftover.
func TestPlaybackCloseUnblocks(t *testing.T) {
	p := NewPlayback(hid.Info{}, nil, Write([]byte{3, 1}), Read([]byte{1}))
	errc := make(chan error, 1)
	go func() {
		_, err := p.ReadInput(context.Background(), make([]byte, 4))
		errc <- err
	}()
	if err := p.Close(); err == nil {
		t.Error("Close with steps left: nil error")
	}
	select {
	case err := <-errc:
		if !errors.Is(err, hid.ErrClosed) {
			t.Errorf("ReadInput: %v, want ErrClosed", err)
		}
	case <-time.After(Timeout):
		t.Fatal("ReadInput still blocked after Close")
	}
}
