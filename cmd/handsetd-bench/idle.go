package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"
)

// idleResult is one handsetd process left alone with one handset.
type idleResult struct {
	model    string
	ping     time.Duration
	window   time.Duration
	switches int64
	slices   int64
	cpu      time.Duration
	rssKB    int64
	pings    int
	err      error
}

func (r idleResult) cpuPercent() float64 {
	return 100 * float64(r.cpu) / float64(r.window)
}

// idleRuns measures, at the same time, one handsetd process per case, each
// with one simulated handset and a stream host, for window after the
// handshake.
func idleRuns(ctx context.Context, dir, bin string, window time.Duration, cases []idleResult) []idleResult {
	var wg sync.WaitGroup
	out := make([]idleResult, len(cases))
	for i, c := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = idleOne(ctx, filepath.Join(dir, fmt.Sprintf("idle%d", i)), bin, window, c)
		}()
	}
	wg.Wait()
	return out
}

func idleOne(ctx context.Context, dir, bin string, window time.Duration, r idleResult) idleResult {
	r.window = window
	if err := mkdir(dir); err != nil {
		r.err = err
		return r
	}
	sim, err := serveSim(ctx, r.model, filepath.Join(dir, "sim.sock"))
	if err != nil {
		r.err = err
		return r
	}
	defer sim.stop()
	h := newLineHost(1024)
	host, err := serveStream(filepath.Join(dir, "host.sock"), h)
	if err != nil {
		r.err = err
		return r
	}
	defer host.close()
	p, err := startHandsetd(bin, []string{sim.spec}, "stream:unix:"+filepath.Join(dir, "host.sock"), r.ping, filepath.Join(dir, "handsetd.log"))
	if err != nil {
		r.err = err
		return r
	}
	defer p.stop()
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if _, err := h.waitJoined(wctx, 1); err != nil {
		r.err = err
		return r
	}
	// The resync after the handshake, and the Go runtime's start-up, are
	// not idle.
	if err := sleep(ctx, 2*time.Second); err != nil {
		r.err = err
		return r
	}
	a, err := sampleProc(p.pid())
	if err != nil {
		r.err = err
		return r
	}
	pings := h.pingCount()
	if err := sleep(ctx, window); err != nil {
		r.err = err
		return r
	}
	b, err := sampleProc(p.pid())
	if err != nil {
		r.err = err
		return r
	}
	r.switches, r.slices, r.cpu, r.rssKB = b.switches-a.switches, b.slices-a.slices, b.cpu-a.cpu, b.rssKB
	r.pings = h.pingCount() - pings
	r.window = b.at.Sub(a.at)
	return r
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
