package uhidserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"syscall"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/firmware-sim/internal/accept"
	"github.com/handsetd/handsetd/hid/hidrec"
	"github.com/handsetd/handsetd/hid/replay"
	"github.com/handsetd/handsetd/hid/uhid"
	"github.com/handsetd/handsetd/internal/clock"
)

// ReplayOptions configure ServeReplay.
type ReplayOptions struct {
	// Clock paces the reports; nil means the system clock.
	Clock clock.Clock
	// Fast sends the reports back to back, as fast as the client reads them.
	Fast bool
	// Start, when set, holds every playback back until it is closed.
	Start <-chan struct{}
	// Logger receives per-connection errors, ignored outputs and the end
	// of each playback; nil discards them.
	Logger *slog.Logger
}

// ServeReplay serves a recorded device on ln, over the same UHID socket
// protocol as Serve, so simsock.Dial (and handsetd's sim:unix:PATH) opens it like a
// simulated handset. A recording is not a firmware model, so it is served
// by its own loop:
//
//   - each connection gets CREATE2 with the recorded name, physical path,
//     bus, ids and report descriptor;
//   - after the client's OPEN (and once Start is closed), that connection
//     plays the recording from its first report, at the recorded pace or
//     back to back with Fast (a device that answers requests, as
//     firmwaresim.AnswersRequests knows from the simulator's own models,
//     gets each reply only once the client has asked for it; see package
//     replay); the
//     reports carry the id byte first, 0 for a
//     device without report ids, as every report on this socket does;
//   - after the last report the device stays present and silent until the
//     client leaves or ctx ends;
//   - a replay cannot react: OUTPUT events are logged and change nothing
//     but that pacing,
//     SET_REPORT is accepted, GET_REPORT fails with EOPNOTSUPP (a recording
//     holds no feature reports).
//
// ServeReplay closes ln and returns nil when ctx is done, after all its
// connections ended.
func ServeReplay(ctx context.Context, ln net.Listener, rec *hidrec.Device, opts ReplayOptions) error {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if _, err := replay.HasReportIDs(rec.Descriptor); err != nil {
		ln.Close()
		return fmt.Errorf("serve recording %q: %w", rec.Name, err)
	}
	return accept.Loop(ctx, ln, nil, "serve recording", func(ctx context.Context, c net.Conn) {
		if err := serveReplayConn(ctx, c, rec, opts); err != nil {
			opts.Logger.Warn("replay connection ended", "err", err)
		}
	})
}

// fit cuts s to fit a NUL-terminated field of n bytes.
func fit(s string, n int) string {
	if len(s) >= n {
		return s[:n-1]
	}
	return s
}

// replayConn is the device end of one replay connection.
type replayConn struct {
	c  net.Conn
	mu sync.Mutex // serialises writes
}

func (rc *replayConn) send(e uhid.Event) error {
	b, err := uhid.Encode(e)
	if err != nil {
		return fmt.Errorf("encode %v: %w", e.Type, err)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	_, err = rc.c.Write(b)
	return err
}

func serveReplayConn(ctx context.Context, c net.Conn, rec *hidrec.Device, opts ReplayOptions) error {
	defer c.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	rc := &replayConn{c: c}
	phys := rec.Phys
	if phys == "" {
		phys = "handsetd-replay"
	}
	bus := rec.Bus
	if bus == 0 {
		bus = uhid.BusUSB
	}
	if err := rc.send(uhid.Event{Type: uhid.Create2, Create: uhid.Create{
		Name: fit(rec.Name, 128), Phys: fit(phys, 64), Bus: bus,
		Vendor: uint32(rec.VendorID), Product: uint32(rec.ProductID), Descriptor: rec.Descriptor,
	}}); err != nil {
		return nil // the client left at once
	}

	// The device exists before playback, so the client's output reports
	// reach it: a replay of a device that answers requests waits for them
	// (package replay).
	ropts := replay.Options{Clock: opts.Clock, Fast: opts.Fast, Hold: true, Start: opts.Start}
	if firmwaresim.AnswersRequests(rec.VendorID, rec.ProductID) {
		ropts.Answers = replay.SameCommand
	}
	d, err := replay.New(rec, ropts)
	if err != nil {
		return fmt.Errorf("cannot replay: %w", err)
	}
	defer d.Close()
	opened := make(chan struct{})
	var openOnce sync.Once
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-opened:
		case <-ctx.Done():
			return
		}
		play(ctx, rc, d, opts)
	}()

	buf := make([]byte, uhid.EventSize)
	for {
		if _, err := io.ReadFull(c, buf); err != nil {
			cancel()
			if errors.Is(err, io.EOF) || ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("read event: %w", err)
		}
		e, err := uhid.Decode(buf)
		if err != nil {
			cancel()
			return fmt.Errorf("client event: %w", err)
		}
		switch e.Type {
		case uhid.Open:
			openOnce.Do(func() { close(opened) })
		case uhid.Start, uhid.Stop, uhid.Close:
		case uhid.Output:
			opts.Logger.Debug("replayed device notes an output report (a replay cannot react otherwise)", "report", fmt.Sprintf("% x", e.Data))
			_ = d.WriteOutput(e.Data) // fails only once closed
		case uhid.GetReport:
			err = rc.send(uhid.Event{Type: uhid.GetReportReply, ID: e.ID, Err: uint16(syscall.EOPNOTSUPP)})
		case uhid.SetReport:
			opts.Logger.Debug("replayed device ignores a SET_REPORT (a replay cannot react)", "report", fmt.Sprintf("% x", e.Data))
			err = rc.send(uhid.Event{Type: uhid.SetReportReply, ID: e.ID})
		default:
			cancel()
			return fmt.Errorf("client event: %v is a device-to-kernel event; the client plays the kernel", e.Type)
		}
		if err != nil {
			cancel()
			return nil // the client left
		}
	}
}

// play sends the recording's reports on one connection.
func play(ctx context.Context, rc *replayConn, d *replay.Device, opts ReplayOptions) {
	go func() {
		select {
		case <-d.Done():
			opts.Logger.Info("replay finished; the device stays plugged in and silent", "reports", d.Len())
		case <-ctx.Done():
		}
	}()
	buf := make([]byte, uhid.DataMax+1)
	for {
		n, err := d.ReadInput(ctx, buf)
		if err != nil {
			return
		}
		if err := rc.send(uhid.Event{Type: uhid.Input2, Data: buf[:n]}); err != nil {
			return
		}
	}
}
