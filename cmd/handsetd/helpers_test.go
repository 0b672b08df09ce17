package main

import (
	"context"
	"net"
	"sync"

	"github.com/handsetd/handsetd/phoneapi/refhost"
	"github.com/handsetd/handsetd/phoneapi/stream"
)

// acceptHost serves host on each connection ln accepts, each in its own
// goroutine counted by wg, until Accept fails (ln closed).
func acceptHost(ctx context.Context, ln net.Listener, host *refhost.Host, wg *sync.WaitGroup) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = host.Serve(ctx, stream.New(c))
			}()
		}
	}()
}
