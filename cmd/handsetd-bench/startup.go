package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// startup measures exec → handshake answered, n times, with one simulated
// handset and a stream host.
func startup(ctx context.Context, dir, bin string, n int) (dist, error) {
	var ds []time.Duration
	for i := range n {
		d := filepath.Join(dir, fmt.Sprintf("start%d", i))
		if err := mkdir(d); err != nil {
			return nil, err
		}
		took, err := startOnce(ctx, d, bin)
		if err != nil {
			return nil, err
		}
		ds = append(ds, took)
	}
	return newDist(ds), nil
}

func startOnce(ctx context.Context, dir, bin string) (time.Duration, error) {
	sim, err := serveSim(ctx, "generic-telephony", filepath.Join(dir, "sim.sock"))
	if err != nil {
		return 0, err
	}
	defer sim.stop()
	h := newLineHost(64)
	host, err := serveStream(filepath.Join(dir, "host.sock"), h)
	if err != nil {
		return 0, err
	}
	defer host.close()
	p, err := startHandsetd(bin, []string{sim.spec}, "stream:unix:"+filepath.Join(dir, "host.sock"), 0, filepath.Join(dir, "handsetd.log"))
	if err != nil {
		return 0, err
	}
	defer p.stop()
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if _, err := h.waitJoined(wctx, 1); err != nil {
		return 0, err
	}
	return time.Since(p.started), nil
}
