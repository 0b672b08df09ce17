package baresip

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"

	"github.com/handsetd/handsetd/internal/backoff"
	"github.com/handsetd/handsetd/phoneapi"
)

// CheckAddr refuses at start an address Dial could never reach.
func CheckAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not HOST:PORT (%v); want baresip:HOST:PORT, ctrl_tcp_listen in baresip's config", addr, err)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return fmt.Errorf("port %q is not a number from 1 to 65535", port)
	}
	if host == "" {
		return fmt.Errorf("no host in %q (use 127.0.0.1:%s for baresip on this machine)", addr, port)
	}
	return nil
}

// Dial waits for baresip's ctrl_tcp at addr, retrying with backoff until ctx
// ends, and returns the transport a Phone API device speaks to it as to a
// host. The bridge behind it runs until the transport is closed or baresip
// goes away; then the transport's reads end with phoneapi.ErrClosed, and a
// new Dial waits for baresip again (the driver does that, and greets the new
// host with the handset's state).
func Dial(ctx context.Context, addr string, opts Options) (phoneapi.Transport, error) {
	opts = opts.withDefaults()
	if err := CheckDialURI(opts.DialURI); err != nil {
		return nil, err
	}
	bo := backoff.New(opts.Clock, opts.RetryMin, opts.RetryMax)
	var conn *Conn
	for attempt := 1; ; attempt++ {
		c, err := DialConn(ctx, addr, opts.MaxFrame)
		if err == nil {
			conn = c
			break
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("waiting for baresip: %w", ctx.Err())
		}
		if attempt == 1 {
			opts.Logger.Warn("baresip is not reachable yet; retrying with backoff", "addr", addr, "err", err)
		} else {
			opts.Logger.Debug("baresip still not reachable", "addr", addr, "attempt", attempt, "err", err)
		}
		if err := bo.Wait(ctx); err != nil {
			return nil, fmt.Errorf("waiting for baresip at %s: %w", addr, err)
		}
	}
	opts.Logger.Info("connected to baresip's ctrl_tcp", "addr", addr)
	dev, host := phoneapi.Pipe()
	bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := Serve(bctx, host, conn, opts)
		switch {
		case err == nil, errors.Is(err, context.Canceled):
			opts.Logger.Debug("bridge to baresip ended", "addr", addr)
		default:
			opts.Logger.Warn("lost baresip; the handset shows no host until it is back", "addr", addr, "err", err)
		}
	}()
	return &transport{Transport: dev, cancel: cancel, done: done}, nil
}

// transport is the device's end; Close also stops the bridge.
type transport struct {
	phoneapi.Transport
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

func (t *transport) Close() error {
	t.once.Do(func() {
		_ = t.Transport.Close()
		t.cancel()
		<-t.done
	})
	return nil
}
